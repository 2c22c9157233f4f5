package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"linkfin"
	"linkfin/ledger"
	"linkfin/services"
)

// testSettlement: at maturity the anchor pays once and every holder of every piece —
// a funder for a financed piece, a tier-2 supplier for a piece passed down — gets
// exactly its face; an anchor short of money leaves the rest overdue, its shortfall
// what they are owed with their late interest; a second run pays nothing twice.
func testSettlement(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	financingFixture(t, env)
	ctx := context.Background()
	p1 := approvedPayable(t, env, 1, 1000, 1_000_00, "2027-01-31") // 1,000,000.00
	p2 := approvedPayable(t, env, 2, 3, 100_00, "2027-01-31")      // 300.00
	for _, c := range [][2]string{{"c1", p1.ID}, {"c2", p2.ID}} {
		mustRun(t, env, &services.IssueCertificate{Actor: "anchor", ID: c[0], ProgramID: "auto-scf", PayableIDs: []string{c[1]}})
	}
	if _, err := run[[]linkfin.Certificate](t, env, &services.SplitCertificate{Actor: "tier1", ID: "c1",
		Pieces: []linkfin.Piece{{ID: "c1a", Face: 600_000_00}, {ID: "c1b", Face: 400_000_00}}}); err != nil {
		t.Fatal(err)
	}
	mustRun(t, env, &services.ProposeRelationship{Actor: "tier1", BuyerID: "tier1", SellerID: "tier2"})
	mustRun(t, env, &services.AcceptRelationship{Actor: "tier2", BuyerID: "tier1", SellerID: "tier2"})
	mustRun(t, env, &services.TransferCertificate{Actor: "tier1", ID: "c1b", To: "tier2", Amount: 400_000_00, NewID: "t1"})
	mustRun(t, env, &services.RequestCertificateDiscounting{Actor: "tier1", ID: "f1", ProgramID: "auto-scf", PieceID: "c1a", FunderID: "bank"})
	mustRun(t, env, &services.AcceptCertificateDiscounting{Actor: "tier1", ID: "f1", PieceID: "c1a"})
	mustRun(t, env, &services.DisburseFinancing{Actor: "bank", ID: "f1"})
	deposit := func(id string, amount int64) {
		mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: id, OrgID: "anchor", Currency: "CNY", Amount: amount})
	}
	deposit("anchor-1", 1_000_000_00)
	if _, err := run[linkfin.SettlementResult](t, env, &services.SettleMaturity{ProgramID: "auto-scf", Date: date(t, "2027-02-01")}); !refusal(err, linkfin.ECONFLICT, "has not come yet") {
		t.Fatalf("settling before maturity: %v", err)
	}
	env.Clock.Advance(91 * 24 * time.Hour) // to 2027-02-01
	// From a cold start: the settlement finds its pieces, then their financings, in
	// the store rather than in the engine's memory.
	env.Restart()
	settle := func() *linkfin.SettlementResult {
		r, err := run[linkfin.SettlementResult](t, env, &services.SettleMaturity{ProgramID: "auto-scf", Date: date(t, "2027-02-01")})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	// The index holds c2, c1a and t1 (c1 was split, c1b passed on as t1). The anchor
	// has 1,000,000.00 for 1,000,300.00 due: c2 and c1a are paid, t1 is overdue.
	r := settle()
	if fmt.Sprint(r.Paid, r.Overdue) != "[c2 c1a] [t1]" || r.PaidTotal != 600_300_00 || r.Shortfall != 400_000_00 {
		t.Fatalf("first run: %+v", r)
	}
	wallet := func(org string) (credits, debits int64) {
		a, err := env.Domain.Account(ctx, linkfin.WalletID(org, "CNY"))
		if err != nil {
			return 0, 0
		}
		return a.CreditsPosted, a.DebitsPosted
	}
	// bank: 2,000,000.00 deposited, paid the discounted price, received the face.
	bc, bd := wallet("bank")
	ac, ad := wallet("anchor")
	f1 := mustFinancing(t, env, "f1")
	if bc != 2_000_000_00+600_000_00 || bd != f1.Quote.Price || ac != 1_000_000_00 || ad != 600_300_00 {
		t.Fatalf("after settlement: bank +%d −%d, anchor +%d −%d", bc, bd, ac, ad)
	}
	if f1.Status != linkfin.FinancingSettled {
		t.Fatalf("financing f1: %s", f1.Status)
	}
	limit, _ := env.Domain.Account(ctx, services.LimitID("auto-scf", "bank"))
	if free := limit.CreditsPosted - limit.DebitsPosted; free != 3_000_000_00 {
		t.Fatalf("bank's limit after settlement: %d free", free)
	}
	if p := linkfin.CheckTree(tree(t, env, "c1"), 600_000_00); len(p) > 0 {
		t.Fatalf("tree c1 after the first run: %v", p)
	}
	// c2's payable is paid; c1's is not while t1, one of its pieces, is overdue.
	payables := func() string {
		t.Helper()
		return fmt.Sprint(record[linkfin.Payable](t, env, linkfin.KindPayable, p1.ID).Status, " ",
			record[linkfin.Payable](t, env, linkfin.KindPayable, p2.ID).Status)
	}
	if got := payables(); got != "certified paid" {
		t.Fatalf("payables behind c1 and c2 after the first run: %s", got)
	}
	// Again: nothing is paid twice; t1 stays overdue until the anchor pays in.
	if r = settle(); len(r.Paid) != 0 || fmt.Sprint(r.Overdue) != "[t1]" {
		t.Fatalf("second run: %+v", r)
	}
	// Ten days late, with the program's late rate of 7.2 %: 400,000.00 × 7.2 % × 10 / 360 = 800.00.
	env.Clock.Advance(10 * 24 * time.Hour)
	deposit("anchor-2", 300_00)
	if r = settle(); len(r.Paid) != 0 {
		t.Fatalf("paid without the late interest: %+v", r)
	}
	// What the overdue piece is owed now is its face and its late interest: the
	// shortfall counts both, or an anchor paying in the shortfall pays too little.
	if fmt.Sprint(r.Overdue) != "[t1]" || r.Shortfall != 400_800_00 || r.LateInterest != 0 {
		t.Fatalf("ten days late, the shortfall leaves out the late interest: %+v", r)
	}
	deposit("anchor-3", 800_00)
	if r = settle(); fmt.Sprint(r.Paid) != "[t1]" || len(r.Overdue) != 0 || r.LateInterest != 800_00 {
		t.Fatalf("third run: %+v", r)
	}
	if tc, _ := wallet("tier2"); tc != 400_800_00 {
		t.Fatalf("tier2 received %d", tc)
	}
	if got := payables(); got != "paid paid" {
		t.Fatalf("payables behind c1 and c2 once every piece is paid: %s", got)
	}
	if _, ad = wallet("anchor"); ad != 1_001_100_00 {
		t.Fatalf("the anchor paid %d in all", ad)
	}
	if p := linkfin.CheckTree(tree(t, env, "c1"), 1_000_000_00); len(p) > 0 {
		t.Fatalf("tree c1 after the third run: %v", p)
	}
	env.Restart()
	env.MustVerify()
}

func mustFinancing(t *testing.T, env *Env, id string) linkfin.Financing {
	t.Helper()
	return record[linkfin.Financing](t, env, linkfin.KindFinancing, id)
}

// testSettleAccepted: a piece whose financing was accepted but never disbursed matures.
// Its holder, still the supplier, is paid; the financing lapses and its holds are
// voided, and the limits are exactly what they were before it.
func testSettleAccepted(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	financingFixture(t, env)
	ctx := context.Background()
	p := approvedPayable(t, env, 1, 1000, 1_000_00, "2026-11-04") // two days after the fixture's clock
	mustRun(t, env, &services.IssueCertificate{Actor: "anchor", ID: "c1", ProgramID: "auto-scf", PayableIDs: []string{p.ID}})
	limit := func(funder string) ledger.Account {
		t.Helper()
		a, err := env.Domain.Account(ctx, services.LimitID("auto-scf", funder))
		if err != nil {
			t.Fatal(err)
		}
		return *a
	}
	bank, program := limit("bank"), limit("")
	mustRun(t, env, &services.RequestCertificateDiscounting{Actor: "tier1", ID: "f1", ProgramID: "auto-scf", PieceID: "c1", FunderID: "bank"})
	mustRun(t, env, &services.AcceptCertificateDiscounting{Actor: "tier1", ID: "f1", PieceID: "c1"})
	if held := limit("bank").DebitsPending; held != 1_000_000_00 {
		t.Fatalf("the acceptance holds %d of the bank's limit", held)
	}
	mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-1", OrgID: "anchor", Currency: "CNY", Amount: 1_000_000_00})
	env.Clock.Advance(48 * time.Hour) // to 2026-11-04, before the holds end
	r, err := run[linkfin.SettlementResult](t, env, &services.SettleMaturity{ProgramID: "auto-scf", Date: date(t, "2026-11-04")})
	if err != nil || fmt.Sprint(r.Paid) != "[c1]" {
		t.Fatalf("settlement: %+v, %v", r, err)
	}
	if f := mustFinancing(t, env, "f1"); f.Status != linkfin.FinancingLapsed {
		t.Fatalf("the financing of a piece paid before disbursement is %s", f.Status)
	}
	for _, c := range []struct {
		name        string
		before, now ledger.Account
	}{{"bank", bank, limit("bank")}, {"program", program, limit("")}} {
		if c.now.DebitsPending != 0 || c.now.DebitsPosted != c.before.DebitsPosted || c.now.CreditsPosted != c.before.CreditsPosted {
			t.Fatalf("the %s limit after settlement: %+v, before the financing %+v", c.name, c.now, c.before)
		}
	}
	if w, err := env.Domain.Account(ctx, linkfin.WalletID("tier1", "CNY")); err != nil || w.CreditsPosted != 1_000_000_00 {
		t.Fatalf("tier1's wallet: %+v, %v", w, err)
	}
	env.Restart()
	env.MustVerify()
}
