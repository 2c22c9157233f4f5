package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"
	"time"

	"linkfin"
	"linkfin/ledger"
	"linkfin/services"
)

// financingFixture adds funders to the trade fixture: "bank" live with a limit of
// 3,000,000.00 at 4.25 % and 2,000,000.00 in its wallet; "factor" live with a limit of
// 500,000.00 and plenty of money; "poor" live but with an empty wallet and no bank
// account.
func financingFixture(t *testing.T, env *Env) {
	t.Helper()
	tradeFixture(t, env)
	rate := mustRate(t, "0.0425")
	for _, f := range []struct {
		id      string
		limit   int64
		cash    int64
		account *linkfin.BankAccount
	}{
		{"bank", 3_000_000_00, 2_000_000_00, &linkfin.BankAccount{IBAN: "DE89370400440532013000", BIC: "COBADEFFXXX"}},
		{"factor", 500_000_00, 9_000_000_00, bankAccount("6222600110000000055")},
		{"poor", 3_000_000_00, 0, nil},
	} {
		if _, err := run[services.OrganizationResult](t, env, &services.CreateOrganization{Org: linkfin.Organization{
			ID: f.id, Name: "Funder " + f.id, Capabilities: []linkfin.Capability{linkfin.CapFund}, BankAccount: f.account}}); err != nil {
			t.Fatal(err)
		}
		if _, err := run[linkfin.Program](t, env, &services.InviteFunder{Actor: "anchor", ProgramID: "auto-scf", FunderID: f.id,
			Limit: f.limit, Pricing: linkfin.Pricing{FixedRate: &rate}}); err != nil {
			t.Fatal(err)
		}
		mustRun(t, env, &services.AcceptFunder{Actor: f.id, ProgramID: "auto-scf"})
		if f.cash > 0 {
			if _, err := run[map[string]any](t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: "dep-" + f.id,
				OrgID: f.id, Currency: "CNY", Amount: f.cash}); err != nil {
				t.Fatal(err)
			}
		}
	}
}

// certificateFixture is the financing fixture with one certificate, c1, held by tier1:
// 1,000,000.00 maturing on Monday 2027-02-01 (due Sunday 01-31).
func certificateFixture(t *testing.T, open Opener) *Env {
	t.Helper()
	env := NewEnv(t, open)
	financingFixture(t, env)
	p := approvedPayable(t, env, 1, 1000, 1_000_00, "2027-01-31")
	mustRun(t, env, &services.IssueCertificate{Actor: "anchor", ID: "c1", ProgramID: "auto-scf", PayableIDs: []string{p.ID}})
	return env
}

// testFinancing: certificate discounting from quote to disbursement, priced to the fen,
// with the controls that refuse it.
func testFinancing(t *testing.T, open Opener) {
	env := certificateFixture(t, open)
	ctx := context.Background()
	code := linkfin.ErrorCode
	type fin = linkfin.Financing
	request := func(actor, id, funder string) (*fin, error) {
		return run[fin](t, env, &services.RequestCertificateDiscounting{Actor: actor, ID: id, ProgramID: "auto-scf", PieceID: "c1", FunderID: funder})
	}
	accept := func(actor, id string) (*fin, error) {
		return run[fin](t, env, &services.AcceptCertificateDiscounting{Actor: actor, ID: id, PieceID: "c1"})
	}
	if _, err := request("anchor", "f0", "bank"); !refusal(err, linkfin.EFORBIDDEN, "only the piece's holder") {
		t.Fatalf("the anchor asks to finance the supplier's piece: %v", err)
	}
	if _, err := request("tier1", "f0", "tier2"); !refusal(err, linkfin.EINVALID, "tier2 is not a live funder") {
		t.Fatalf("a funder that is not in the program: %v", err)
	}
	q, err := request("tier1", "f1", "bank")
	if err != nil {
		t.Fatal(err)
	}
	// 1,000,000.00 × 4.25 % × 91 / 360 = 10,743.055… → 10,743.06, half-even, once.
	if q.Quote.Days != 91 || q.Quote.Discount != 10_743_06 || q.Quote.Price != 989_256_94 ||
		q.Quote.EffectiveRate.String() != "0.042962" || q.Status != linkfin.FinancingQuoted || len(q.Quote.Reasons) != 3 {
		t.Fatalf("quote: %+v", q.Quote)
	}
	// An expired quote cannot be accepted.
	env.Clock.Advance(services.QuoteValidity + time.Second)
	if _, err := accept("tier1", "f1"); !refusal(err, "quote_expired", "the quote expired") {
		t.Fatalf("accepting an expired quote: %v", err)
	}
	// Over the funder's limit (factor: 500,000.00): the acceptance could not hold it,
	// so the request is refused in the acceptance's words.
	short(t, env, 1_000_000_00, services.LimitID("auto-scf", "factor"), services.LimitID("auto-scf", ""))
	if _, err := request("tier1", "f-factor", "factor"); !refusal(err, string(ledger.ExceedsCredits), "the limits of program auto-scf leave less than the 1000000.00 CNY this financing would draw") {
		t.Fatalf("over the funder's limit: %v", err)
	}
	// A funder with no money: the acceptance holds the limits and locks the piece, the
	// disbursement is refused, and cancelling frees both.
	if _, err := request("tier1", "f-poor", "poor"); err != nil {
		t.Fatal(err)
	}
	if _, err := accept("tier1", "f-poor"); err != nil {
		t.Fatal(err)
	}
	if _, err := request("tier1", "f-other", "bank"); !refusal(err, "asset_financed", "certificate c1 backs financing f-poor") {
		t.Fatalf("a second quote on a locked piece: %v", err)
	}
	if _, err := run[fin](t, env, &services.DisburseFinancing{Actor: "tier1", ID: "f-poor"}); !refusal(err, linkfin.EFORBIDDEN, "only the funder disburses") {
		t.Fatalf("the requester disbursing: %v", err)
	}
	short(t, env, 989_256_94, linkfin.WalletID("poor", "CNY"))
	if _, err := run[fin](t, env, &services.DisburseFinancing{Actor: "poor", ID: "f-poor"}); !refusal(err, string(ledger.ExceedsCredits), "organization poor's CNY wallet holds less than the 989256.94 CNY it would pay") {
		t.Fatalf("a funder with an empty wallet disbursing: %v", err)
	}
	held, _ := env.Domain.Account(ctx, services.LimitID("auto-scf", "poor"))
	if held.DebitsPending != 1_000_000_00 {
		t.Fatalf("poor's limit holds %d", held.DebitsPending)
	}
	if f, err := run[fin](t, env, &services.CancelFinancing{Actor: "poor", ID: "f-poor"}); err != nil || f.Status != linkfin.FinancingCancelled {
		t.Fatalf("cancel: %+v, %v", f, err)
	}
	if held, _ = env.Domain.Account(ctx, services.LimitID("auto-scf", "poor")); held.DebitsPending != 0 {
		t.Fatalf("poor's limit still holds %d after the cancel", held.DebitsPending)
	}
	// Fifty quotes for the same piece, accepted at once: exactly one wins (First Brands).
	for i := range 50 {
		if _, err := request("tier1", fmt.Sprintf("race-%d", i), "bank"); err != nil {
			t.Fatal(err)
		}
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	won, codes := 0, map[string]int{}
	for i := range 50 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			var f fin
			err := env.Domain.Run(ctx, &services.AcceptCertificateDiscounting{Actor: "tier1", ID: fmt.Sprintf("race-%d", i), PieceID: "c1"}, &f)
			mu.Lock()
			defer mu.Unlock()
			if err == nil {
				won++
			} else {
				codes[code(err)]++
			}
		}()
	}
	wg.Wait()
	if won != 1 {
		t.Fatalf("%d of 50 concurrent financings of one piece went through (refusals: %v)", won, codes)
	}
	locked := record[linkfin.Certificate](t, env, linkfin.KindCertificate, "c1")
	if locked.FinancingID == "" || locked.HolderID != "tier1" {
		t.Fatalf("piece after acceptance: %+v", locked)
	}
	mustRun(t, env, &services.DisburseFinancing{Actor: "bank", ID: locked.FinancingID})
	// The funder holds the piece and paid the price once; the supplier got it once.
	if piece := record[linkfin.Certificate](t, env, linkfin.KindCertificate, "c1"); piece.HolderID != "bank" || piece.FinancingID == "" {
		t.Fatalf("piece after financing: %+v", piece)
	}
	bank, _ := env.Domain.Account(ctx, linkfin.WalletID("bank", "CNY"))
	tier1, _ := env.Domain.Account(ctx, linkfin.WalletID("tier1", "CNY"))
	if bank.DebitsPosted != 989_256_94 || tier1.CreditsPosted != 989_256_94 {
		t.Fatalf("bank paid %d, tier1 received %d", bank.DebitsPosted, tier1.CreditsPosted)
	}
	limit, _ := env.Domain.Account(ctx, services.LimitID("auto-scf", "bank"))
	if limit.DebitsPosted != 1_000_000_00 || limit.CreditsPosted != 3_000_000_00 {
		t.Fatalf("bank's limit: used %d of %d", limit.DebitsPosted, limit.CreditsPosted)
	}
	// The same inbound instruction twice credits once.
	mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: "dep-bank", OrgID: "bank", Currency: "CNY", Amount: 2_000_000_00})
	if bank, _ = env.Domain.Account(ctx, linkfin.WalletID("bank", "CNY")); bank.CreditsPosted != 2_000_000_00 {
		t.Fatalf("a replayed deposit credited twice: %d", bank.CreditsPosted)
	}
	env.Restart()
	env.MustVerify()
}

// record reads a domain record from the store, failing the test if it cannot.
func record[T any](t *testing.T, env *Env, kind, id string) T {
	t.Helper()
	var v T
	o, err := env.object(kind, id)
	if err == nil {
		err = json.Unmarshal(o.Data, &v)
	}
	if err != nil {
		t.Fatal(err)
	}
	return v
}
