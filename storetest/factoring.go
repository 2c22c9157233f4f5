package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"linkfin"
	"linkfin/ledger"
	"linkfin/services"
)

// factoringProgram opens the anchor's factoring program "fx": 80 % advances, 120 days at
// most, the bank in it at a fixed 6 %, which it returns.
func factoringProgram(t *testing.T, env *Env) linkfin.Rate {
	t.Helper()
	rate := mustRate(t, "0.06")
	bankFunds(t, env, linkfin.Program{ID: "fx", Name: "Factoring",
		Currency: "CNY", Limit: 10_000_000_00, Products: []linkfin.Product{linkfin.ProductFactoring}, MaxTenorDays: 120,
		AdvanceRate: mustRate(t, "0.8"), DayCount: linkfin.ACT360, Calendar: "CN"}, rate)
	return rate
}

// bankFunds has the anchor open the program, and the bank join it, invited for
// 1,000,000.00 at the fixed rate.
func bankFunds(t *testing.T, env *Env, p linkfin.Program, rate linkfin.Rate) {
	t.Helper()
	mustRun(t, env, &services.CreateProgram{Actor: "anchor", Program: p})
	mustRun(t, env, &services.InviteFunder{Actor: "anchor", ProgramID: p.ID, FunderID: "bank", Limit: 1_000_000_00,
		Pricing: linkfin.Pricing{FixedRate: &rate}})
	mustRun(t, env, &services.AcceptFunder{Actor: "bank", ProgramID: p.ID})
}

// testFactoring: an approved payable factored with recourse — advance now, reserve
// less interest at collection; recourse to the seller when the buyer does not pay;
// default when neither can.
func testFactoring(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	financingFixture(t, env)
	ctx := context.Background()
	rate := factoringProgram(t, env)
	type fin = linkfin.Financing
	var payables []string
	for i, name := range []string{"A", "B", "C"} {
		p := approvedPayableIn(t, env, "fx", 20+i, 100, 1_000_00, "2027-01-01") // 100,000.00, 60 days
		payables = append(payables, p.ID)
		q, err := run[fin](t, env, &services.RequestFactoring{Actor: "tier1", ID: "fx-" + name, PayableID: p.ID, ProgramID: "fx", FunderID: "bank"})
		// Advance 80 % = 80,000.00; interest 80,000.00 × 6 % × 60 / 360 = 800.00.
		if err != nil || q.Quote.Price != 80_000_00 || q.Interest != 800_00 || q.Quote.Days != 60 {
			t.Fatalf("quote %s: %+v, %v", name, q, err)
		}
		mustRun(t, env, &services.AcceptFactoring{Actor: "tier1", ID: "fx-" + name, PayableID: p.ID})
		mustRun(t, env, &services.DisburseFinancing{Actor: "bank", ID: "fx-" + name})
	}
	// The same payable offered to a second funder (First Brands).
	mustRun(t, env, &services.InviteFunder{Actor: "anchor", ProgramID: "fx", FunderID: "factor", Limit: 1_000_000_00,
		Pricing: linkfin.Pricing{FixedRate: &rate}})
	mustRun(t, env, &services.AcceptFunder{Actor: "factor", ProgramID: "fx"})
	if _, err := run[fin](t, env, &services.RequestFactoring{Actor: "tier1", ID: "fx-again", PayableID: payables[0], ProgramID: "fx", FunderID: "factor"}); !refusal(err, "asset_financed", "payable pay-inv-20 is factored") {
		t.Fatalf("a payable factored twice: %v", err)
	}
	// Every product answers a taken payable with the same code.
	if _, err := run[fin](t, env, &services.RequestDynamicDiscounting{Actor: "tier1", ID: "dd-again", PayableID: payables[0], ProgramID: "fx"}); !refusal(err, "asset_financed", "payable pay-inv-20 is factored") {
		t.Fatalf("a factored payable paid early: %v", err)
	}
	// A quote on a payable credited before it is accepted: the price was of another
	// amount; the request is made again (conflict, not asset_financed: nothing finances it).
	pd := approvedPayableIn(t, env, "fx", 30, 100, 1_000_00, "2027-01-01")
	mustRun(t, env, &services.RequestFactoring{Actor: "tier1", ID: "fx-D", PayableID: pd.ID, ProgramID: "fx", FunderID: "bank"})
	mustRun(t, env, &services.CreateCreditNote{Actor: "tier1", Note: linkfin.CreditNote{Number: "CN-D", InvoiceID: pd.InvoiceID, Amount: 90_000_00, Reason: "returned"}})
	if _, err := run[fin](t, env, &services.AcceptFactoring{Actor: "tier1", ID: "fx-D", PayableID: pd.ID}); !refusal(err, linkfin.ECONFLICT, "changed since the quote") {
		t.Fatalf("accepting a quote on a payable credited since: %v", err)
	}
	if p := record[linkfin.Payable](t, env, linkfin.KindPayable, pd.ID); p.Status != linkfin.PayableOpen || p.Amount != 10_000_00 {
		t.Fatalf("the payable after the refusal: %+v", p)
	}
	// Credited down to nothing, the payable is nothing to finance: every product on a
	// payable says so in the same words, and nothing is quoted.
	mustRun(t, env, &services.CreateCreditNote{Actor: "tier1", Note: linkfin.CreditNote{Number: "CN-D2", InvoiceID: pd.InvoiceID, Amount: 10_000_00, Reason: "returned"}})
	for _, c := range []linkfin.Command{
		&services.RequestFactoring{Actor: "tier1", ID: "fx-zero", PayableID: pd.ID, ProgramID: "fx", FunderID: "bank"},
		&services.RequestDynamicDiscounting{Actor: "tier1", ID: "fx-zero", PayableID: pd.ID, ProgramID: "fx"},
	} {
		if _, err := run[fin](t, env, c); !refusal(err, linkfin.EINVALID, "payable "+pd.ID+" owes nothing") {
			t.Fatalf("%T of a payable credited to 0: %v", c, err)
		}
		if _, err := env.object(linkfin.KindFinancing, "fx-zero"); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
			t.Fatalf("%T of a payable credited to 0 stored a financing: %v", c, err)
		}
	}
	if got := offers(t, env, linkfin.Viewer{Org: "tier1"}); strings.Contains(got, pd.ID+" ") {
		t.Fatalf("a payable credited to 0 among the offers:\n%s", got)
	}
	// An invoice the buyer never approved has no payable to factor (Greensill).
	if _, err := run[fin](t, env, &services.RequestFactoring{Actor: "tier1", ID: "fx-unapproved", PayableID: linkfin.PayableID("inv-never"), ProgramID: "fx", FunderID: "bank"}); !refusal(err, linkfin.ENOTFOUND, "payable pay-inv-never not found") {
		t.Fatalf("factoring an unapproved invoice: %v", err)
	}
	// Certificates are asked for in auto-scf, which offers them (fx does not): what
	// refuses is the payable, which is the factoring's.
	if _, err := run[linkfin.Certificate](t, env, &services.IssueCertificate{Actor: "anchor", ID: "cx", ProgramID: "auto-scf", PayableIDs: []string{payables[0]}}); !refusal(err, "asset_financed", "is factored") {
		t.Fatalf("a factored payable backed a certificate too: %v", err)
	}
	if _, err := run[fin](t, env, &services.CollectFactored{ID: "fx-A"}); !refusal(err, linkfin.ECONFLICT, "is due on 2027-01-01") {
		t.Fatalf("collecting before the due date: %v", err)
	}
	env.Clock.Advance(60 * 24 * time.Hour)
	mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-fx", OrgID: "anchor", Currency: "CNY", Amount: 100_000_00})
	wallet := func(org string) int64 {
		a, err := env.Domain.Account(ctx, linkfin.WalletID(org, "CNY"))
		if err != nil {
			return 0
		}
		return a.CreditsPosted - a.DebitsPosted
	}
	bank0 := wallet("bank")
	status := func(id string) string {
		f, err := run[fin](t, env, &services.CollectFactored{ID: id})
		if err != nil {
			t.Fatal(err)
		}
		return string(f.Status)
	}
	// A: the buyer pays 100,000.00 to the bank; the bank pays tier1 the reserve 19,200.00.
	// B: the buyer has nothing left: tier1 repays 80,800.00.
	if got := fmt.Sprint(status("fx-A"), " ", status("fx-B")); got != "settled recourse" {
		t.Fatalf("collections: %s", got)
	}
	if wallet("bank")-bank0 != 100_000_00-19_200_00+80_800_00 || wallet("tier1") != 3*80_000_00+19_200_00-80_800_00 {
		t.Fatalf("bank moved %d, tier1 holds %d", wallet("bank")-bank0, wallet("tier1"))
	}
	// C: tier1 withdraws everything first; then neither side can pay.
	if _, err := run[map[string]any](t, env, &services.RecordOutboundPayment{Rail: "bank", InstructionID: "w-1", OrgID: "tier1", Currency: "CNY", Amount: wallet("tier1") + 1}); !refusal(err, string(ledger.ExceedsCredits), "organization tier1's CNY wallet holds less than the ") {
		t.Fatalf("withdrawing more than the wallet holds: %v", err)
	}
	mustRun(t, env, &services.RecordOutboundPayment{Rail: "bank", InstructionID: "w-2", OrgID: "tier1", Currency: "CNY", Amount: wallet("tier1")})
	if s := status("fx-C"); s != "defaulted" {
		t.Fatalf("C: %s", s)
	}
	if s := status("fx-A"); s != "settled" {
		t.Fatalf("collecting A twice: %s", s)
	}
	if wallet("tier1") != 0 {
		t.Fatalf("tier1 holds %d after a default", wallet("tier1"))
	}
	env.Restart()
	env.MustVerify()
}
