package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
)

// ecnyRail holds what the tests of the e-CNY rail share: wallets to open, top up,
// designate and read.
type ecnyRail struct {
	t   *testing.T
	env *Env
}

// corporate opens, as the operator, a corporate wallet for org with generous limits.
func (e ecnyRail) corporate(org string) *linkfin.ECNYWallet {
	e.t.Helper()
	w, err := run[linkfin.ECNYWallet](e.t, e.env, &services.OpenECNYWallet{OrgID: org, In: linkfin.ECNYWalletIn{
		Limits: &linkfin.WalletLimits{Balance: 5_000_000_00, Payment: 500_000_00, Daily: 1_000_000_00, Yearly: 5_000_000_00}}})
	if err != nil {
		e.t.Fatal(err)
	}
	return w
}

// personal opens a class IV wallet of org's: it holds 1,000.00 at most.
func (e ecnyRail) personal(org string) *linkfin.ECNYWallet {
	e.t.Helper()
	w, err := run[linkfin.ECNYWallet](e.t, e.env, &services.OpenECNYWallet{Actor: org, OrgID: org})
	if err != nil {
		e.t.Fatal(err)
	}
	return w
}

// topUp moves amount from org's platform wallet, paid in first, into its wallet w.
func (e ecnyRail) topUp(org string, w *linkfin.ECNYWallet, amount int64) {
	e.t.Helper()
	mustRun(e.t, e.env, &services.RecordInboundPayment{Rail: "bank", InstructionID: fmt.Sprintf("in-%s-%s-%d", org, w.ID, amount),
		OrgID: org, Currency: "CNY", Amount: amount})
	mustRun(e.t, e.env, &services.MoveECNY{Actor: org, ID: w.ID, Op: "top-up", Amount: amount})
}

func (e ecnyRail) designate(actor, org, wallet string) error {
	_, err := run[linkfin.Organization](e.t, e.env, &services.DesignateECNYWallet{Actor: actor, OrgID: org, WalletID: wallet})
	return err
}

// balance is what wallet w holds.
func (e ecnyRail) balance(w *linkfin.ECNYWallet) int64 {
	e.t.Helper()
	a, err := e.env.Domain.Account(context.Background(), int64(w.Ledger.Wallet))
	if err != nil {
		e.t.Fatal(err)
	}
	return a.CreditsPosted - a.DebitsPosted
}

// payments describes the e-CNY payments org is party to, in the order they were made:
// "for payer→payee amount" and the financing or piece paid, with the wallets when the
// payment names them. Each must have been announced by one ecny_payment.paid event,
// whose record both its payer and its payee are party to (so their webhooks get it).
func (e ecnyRail) payments(org string) []string {
	e.t.Helper()
	var objs []linkfin.Object
	var log map[linkfin.ObjectKey][]linkfin.Event
	var err error
	if e.env.Mem != nil {
		objs, err = e.env.Mem.ListObjectsByParty(context.Background(), linkfin.KindECNYPayment, org, "", 1000)
		log = eventsByRecord(e.t, e.env.Mem.Events())
	} else {
		objs, err = e.env.Store.ListObjectsByParty(context.Background(), linkfin.KindECNYPayment, org, "", 1000)
		log = logByRecord(e.t, e.env.Store)
	}
	if err != nil {
		e.t.Fatal(err)
	}
	var out []string
	for _, o := range objs {
		var p linkfin.ECNYPayment
		if err := json.Unmarshal(o.Data, &p); err != nil {
			e.t.Fatal(err)
		}
		evs := log[linkfin.ObjectKey{Kind: linkfin.KindECNYPayment, ID: p.ID}]
		if len(evs) != 1 || evs[0].Type != "ecny_payment.paid" {
			e.t.Fatalf("payment %s was announced by %v", p.ID, evs)
		}
		if parties, err := evs[0].Parties(); err != nil || !slices.Equal(parties, []string{p.PayerID, p.PayeeID}) && !slices.Equal(parties, []string{p.PayeeID, p.PayerID}) {
			e.t.Fatalf("payment %s's event concerns %v (%v)", p.ID, parties, err)
		}
		if p.TransferID == 0 || p.Day.IsZero() || p.CreatedAt.IsZero() {
			e.t.Fatalf("payment %+v", p)
		}
		d := fmt.Sprintf("%s %s→%s %d%s%s", p.For, p.PayerID, p.PayeeID, p.Amount, p.FinancingID, p.PieceID)
		if p.From != "" || p.To != "" {
			d += " " + p.From + "→" + p.To
		}
		out = append(out, d)
	}
	return out
}

// platformDebits is what org's platform wallet has paid out.
func (e ecnyRail) platformDebits(org string) int64 {
	a, err := e.env.Domain.Account(context.Background(), linkfin.WalletID(org, "CNY"))
	if err != nil {
		return 0
	}
	return a.DebitsPosted
}

// testECNYEarlyPayment: an early payment of dynamic discounting asked for on the
// e-CNY rail is paid from the anchor's designated e-CNY wallet into the seller's,
// within both wallets' limits; without a designated wallet, or past a limit, it is
// refused with its code and nothing changes.
func testECNYEarlyPayment(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	tradeFixture(t, env)
	e := ecnyRail{t, env}
	apr := mustRate(t, "0.18")
	mustRun(t, env, &services.CreateProgram{Actor: "anchor", Program: linkfin.Program{ID: "dd", Name: "Core Auto early payment",
		Currency: "CNY", Limit: 100_000_000_00, Products: []linkfin.Product{linkfin.ProductDynamicDiscounting}, MaxTenorDays: 120,
		AdvanceRate: mustRate(t, "0.8"), DayCount: linkfin.ACT360, Calendar: "CN", EarlyPaymentAPR: &apr}})
	pay := approvedPayableIn(t, env, "dd", 1, 100, 100_00, "2026-11-09") // 10,000.00, 7 days early: 9,965.00
	type fin = linkfin.Financing
	if _, err := run[fin](t, env, &services.RequestDynamicDiscounting{Actor: "tier1", ID: "e0", PayableID: pay.ID, ProgramID: "dd",
		Rail: "bank"}); !refusal(err, linkfin.EINVALID, "the rail is ecny") {
		t.Fatalf("an unknown rail: %v", err)
	}
	q, err := run[fin](t, env, &services.RequestDynamicDiscounting{Actor: "tier1", ID: "e1", PayableID: pay.ID, ProgramID: "dd", Rail: linkfin.RailECNY})
	if err != nil || q.Rail != linkfin.RailECNY || q.Quote.Price != 9_965_00 {
		t.Fatalf("quote on the e-CNY rail: %+v, %v", q, err)
	}
	accept := func() (*fin, error) {
		return run[fin](t, env, &services.AcceptDynamicDiscounting{Actor: "tier1", ID: "e1", PayableID: pay.ID})
	}
	unchanged := func(what string) {
		t.Helper()
		if f := mustFinancing(t, env, "e1"); f.Status != linkfin.FinancingQuoted {
			t.Fatalf("%s: the financing is %s", what, f.Status)
		}
		if p := record[linkfin.Payable](t, env, linkfin.KindPayable, pay.ID); p.Status != linkfin.PayableOpen {
			t.Fatalf("%s: the payable is %s", what, p.Status)
		}
	}
	if _, err := accept(); !refusal(err, linkfin.ENOECNYWALLET, "organization anchor") {
		t.Fatalf("an anchor without a designated wallet: %v", err)
	}
	unchanged("no wallet of the anchor's")

	anchorW := e.corporate("anchor")
	e.topUp("anchor", anchorW, 20_000_00)
	sellerPersonal := e.personal("tier1")
	// One designates its own wallets alone: another's is not found.
	if err := e.designate("tier1", "anchor", anchorW.ID); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
		t.Fatalf("the seller designates for the anchor: %v", err)
	}
	if err := e.designate("anchor", "anchor", sellerPersonal.ID); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
		t.Fatalf("the anchor designates the seller's wallet: %v", err)
	}
	if err := e.designate("anchor", "anchor", anchorW.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := accept(); !refusal(err, linkfin.ENOECNYWALLET, "organization tier1") {
		t.Fatalf("a seller without a designated wallet: %v", err)
	}
	unchanged("no wallet of the seller's")

	// A class IV wallet holds 1,000.00 at most: 9,965.00 would pass its balance limit.
	if err := e.designate("tier1", "tier1", sellerPersonal.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := accept(); linkfin.ErrorCode(err) != linkfin.EWALLETBALANCE {
		t.Fatalf("an early payment past the seller's balance limit: %v", err)
	}
	unchanged("past the balance limit")
	if e.balance(anchorW) != 20_000_00 || e.balance(sellerPersonal) != 0 {
		t.Fatalf("after the refusal: anchor %d, seller %d", e.balance(anchorW), e.balance(sellerPersonal))
	}

	sellerW := e.corporate("tier1")
	if err := e.designate("tier1", "tier1", sellerW.ID); err != nil {
		t.Fatal(err)
	}
	anchorPlatform := e.platformDebits("anchor")
	f, err := accept()
	if err != nil || f.Status != linkfin.FinancingSettled || f.ECNYTransferID == 0 {
		t.Fatalf("the early payment on the e-CNY rail: %+v, %v", f, err)
	}
	if e.balance(anchorW) != 20_000_00-9_965_00 || e.balance(sellerW) != 9_965_00 || e.balance(sellerPersonal) != 0 {
		t.Fatalf("after the early payment: anchor %d, seller %d", e.balance(anchorW), e.balance(sellerW))
	}
	if got := e.platformDebits("anchor"); got != anchorPlatform {
		t.Fatalf("the anchor's platform wallet paid %d", got-anchorPlatform)
	}
	// The payment is announced to both sides, naming neither's wallet.
	for _, org := range []string{"anchor", "tier1"} {
		if got := fmt.Sprint(e.payments(org)); got != "[early_payment anchor→tier1 996500e1]" {
			t.Fatalf("%s's e-CNY payments: %s", org, got)
		}
	}
	if got := e.payments("tier2"); len(got) != 0 {
		t.Fatalf("tier2 is party to %v", got)
	}
	if p := record[linkfin.Payable](t, env, linkfin.KindPayable, pay.ID); p.Status != linkfin.PayablePaid {
		t.Fatalf("the payable is %s", p.Status)
	}
	// The payment counts against the anchor's daily total, like any other.
	daily, err := env.Domain.Account(context.Background(), int64(anchorW.Ledger.Daily))
	if err != nil || daily.CreditsPosted-daily.DebitsPosted != anchorW.Limits.Daily-9_965_00 {
		t.Fatalf("the anchor's daily headroom: %+v, %v", daily, err)
	}

	// An offer taken in one step pays on the rail it names, as a request and its
	// acceptance do; a rail the product does not pay on is refused, and changes nothing.
	pay2 := approvedPayableIn(t, env, "dd", 2, 10, 100_00, "2026-11-09") // 1,000.00, 7 days early: 996.50
	take := &services.TakeOffer{Actor: "tier1", Product: linkfin.ProductDynamicDiscounting, AssetID: pay2.ID, ProgramID: "dd",
		FunderID: "anchor", Price: 996_50, Rail: "bank"}
	if _, err := run[fin](t, env, take); !refusal(err, linkfin.EINVALID, "rail is ecny") {
		t.Fatalf("an offer taken on an unknown rail: %v", err)
	}
	if _, err := run[fin](t, env, &services.TakeOffer{Actor: "tier1", Product: linkfin.ProductCertificateDiscounting, AssetID: "nothing",
		ProgramID: "dd", FunderID: "bank", Price: 1_00, Rail: linkfin.RailECNY}); !refusal(err, linkfin.EINVALID, "rail is ecny for dynamic_discounting") {
		t.Fatalf("a certificate offer taken on the e-CNY rail: %v", err)
	}
	if p := record[linkfin.Payable](t, env, linkfin.KindPayable, pay2.ID); p.Status != linkfin.PayableOpen {
		t.Fatalf("after the refusals, the payable is %s", p.Status)
	}
	take.Rail = linkfin.RailECNY
	taken, err := run[fin](t, env, take)
	if err != nil || taken.Rail != linkfin.RailECNY || taken.Status != linkfin.FinancingSettled || taken.ECNYTransferID == 0 {
		t.Fatalf("the offer taken on the e-CNY rail: %+v, %v", taken, err)
	}
	if e.balance(anchorW) != 20_000_00-9_965_00-996_50 || e.balance(sellerW) != 9_965_00+996_50 || e.platformDebits("anchor") != anchorPlatform {
		t.Fatalf("after the offer taken: anchor %d, seller %d", e.balance(anchorW), e.balance(sellerW))
	}
	if got := fmt.Sprint(e.payments("tier1")); got != "[early_payment anchor→tier1 996500e1 early_payment anchor→tier1 99650"+taken.ID+"]" {
		t.Fatalf("tier1's e-CNY payments: %s", got)
	}
	env.Restart()
	env.MustVerify()
}

// testECNYSettlement: a program settled on the e-CNY rail pays each holder's designated
// wallet from the anchor's; a piece whose payment is refused (no designated wallet, a
// limit) stays unsettled with its reason while the others are paid, and a later run
// pays it once the cause is gone.
func testECNYSettlement(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	tradeFixture(t, env)
	e := ecnyRail{t, env}
	prog := linkfin.Program{ID: "ecny-scf", Name: "Core Auto e-CNY", Currency: "USD", Limit: 100_000_000_00,
		Products: []linkfin.Product{linkfin.ProductCertificateDiscounting}, MaxTenorDays: 180, AdvanceRate: mustRate(t, "0.8"),
		DayCount: linkfin.ACT360, Calendar: "CN", SettlementRail: linkfin.RailECNY}
	if _, err := run[linkfin.Program](t, env, &services.CreateProgram{Actor: "anchor", Program: prog}); !refusal(err, linkfin.EINVALID, "pays yuan") {
		t.Fatalf("a dollar program on the e-CNY rail: %v", err)
	}
	prog.Currency = "CNY"
	mustRun(t, env, &services.CreateProgram{Actor: "anchor", Program: prog})
	p1 := approvedPayableIn(t, env, "ecny-scf", 1, 10, 100_00, "2027-01-31") // 1,000.00
	p2 := approvedPayableIn(t, env, "ecny-scf", 2, 3, 100_00, "2027-01-31")  // 300.00
	mustRun(t, env, &services.IssueCertificate{Actor: "anchor", ID: "c1", ProgramID: "ecny-scf", PayableIDs: []string{p1.ID}})
	mustRun(t, env, &services.IssueCertificate{Actor: "anchor", ID: "c2", ProgramID: "ecny-scf", PayableIDs: []string{p2.ID}})
	mustRun(t, env, &services.ProposeRelationship{Actor: "tier1", BuyerID: "tier1", SellerID: "tier2"})
	mustRun(t, env, &services.AcceptRelationship{Actor: "tier2", BuyerID: "tier1", SellerID: "tier2"})
	// tier1 passes 400.00 of c1 to tier2 (t1), keeping 600.00 (c1r).
	mustRun(t, env, &services.TransferCertificate{Actor: "tier1", ID: "c1", To: "tier2", Amount: 400_00, NewID: "t1", RemainderID: "c1r"})

	anchorW, tier1W := e.corporate("anchor"), e.corporate("tier1")
	e.topUp("anchor", anchorW, 2_000_00)
	tier2W := e.personal("tier2") // class IV: holds 1,000.00 at most
	e.topUp("tier2", tier2W, 700_00)
	for _, d := range [][2]string{{"tier1", tier1W.ID}, {"tier2", tier2W.ID}} {
		if err := e.designate(d[0], d[0], d[1]); err != nil {
			t.Fatal(err)
		}
	}
	env.Clock.Advance(91 * 24 * time.Hour) // to 2027-02-01
	env.Restart()
	settle := func() *linkfin.SettlementResult {
		t.Helper()
		r, err := run[linkfin.SettlementResult](t, env, &services.SettleMaturity{ProgramID: "ecny-scf", Date: date(t, "2027-02-01")})
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	refused := func(r *linkfin.SettlementResult) string {
		var s []string
		for _, x := range r.Refused {
			s = append(s, x.PieceID+":"+x.Code)
		}
		return fmt.Sprint(s)
	}
	// The anchor designated no wallet: every piece is refused, none is paid.
	r := settle()
	if len(r.Paid) != 0 || refused(r) != "[c2:ecny_wallet_not_designated t1:ecny_wallet_not_designated c1r:ecny_wallet_not_designated]" {
		t.Fatalf("a run without the anchor's wallet: %+v", r)
	}
	if e.balance(anchorW) != 2_000_00 || e.balance(tier1W) != 0 || e.balance(tier2W) != 700_00 {
		t.Fatalf("a refused run moved money: %d %d %d", e.balance(anchorW), e.balance(tier1W), e.balance(tier2W))
	}
	if err := e.designate("anchor", "anchor", anchorW.ID); err != nil {
		t.Fatal(err)
	}
	// tier2's 700.00 and t1's 400.00 would pass its 1,000.00: t1 stays unsettled, the
	// others are paid from the anchor's e-CNY wallet, not its platform wallet.
	anchorPlatform := e.platformDebits("anchor")
	r = settle()
	if fmt.Sprint(r.Paid) != "[c2 c1r]" || r.PaidTotal != 900_00 || refused(r) != "[t1:wallet_balance_limit]" || len(r.Overdue) != 0 {
		t.Fatalf("a run with t1 past its holder's balance limit: %+v", r)
	}
	if e.balance(anchorW) != 1_100_00 || e.balance(tier1W) != 900_00 || e.balance(tier2W) != 700_00 || e.platformDebits("anchor") != anchorPlatform {
		t.Fatalf("after the run: anchor %d, tier1 %d, tier2 %d", e.balance(anchorW), e.balance(tier1W), e.balance(tier2W))
	}
	if c := record[linkfin.Certificate](t, env, linkfin.KindCertificate, "t1"); c.Status != linkfin.CertificateActive || c.ECNYTransferID != 0 {
		t.Fatalf("the refused piece: %+v", c)
	}
	if c := record[linkfin.Certificate](t, env, linkfin.KindCertificate, "c1r"); c.Status != linkfin.CertificateSettled || c.ECNYTransferID == 0 {
		t.Fatalf("a piece paid in e-CNY: %+v", c)
	}
	// Each piece paid is a payment announced to the anchor and the holder; the refused
	// runs and the refused piece made none.
	if got := fmt.Sprint(e.payments("anchor")); got != "[settlement anchor→tier1 30000c2 settlement anchor→tier1 60000c1r]" {
		t.Fatalf("the anchor's e-CNY payments: %s", got)
	}
	if got := e.payments("tier2"); len(got) != 0 {
		t.Fatalf("tier2's e-CNY payments: %v", got)
	}
	statuses := func() string {
		return fmt.Sprint(record[linkfin.Payable](t, env, linkfin.KindPayable, p1.ID).Status, " ",
			record[linkfin.Payable](t, env, linkfin.KindPayable, p2.ID).Status)
	}
	if got := statuses(); got != "certified paid" {
		t.Fatalf("payables with a piece refused: %s", got)
	}
	// tier2 makes room; the next run pays t1 alone.
	mustRun(t, env, &services.MoveECNY{Actor: "tier2", ID: tier2W.ID, Op: "redeem", Amount: 300_00})
	if r = settle(); fmt.Sprint(r.Paid) != "[t1]" || len(r.Refused) != 0 {
		t.Fatalf("the run once tier2 made room: %+v", r)
	}
	if got := fmt.Sprint(e.payments("tier2")); got != "[settlement anchor→tier2 40000t1]" {
		t.Fatalf("tier2's e-CNY payments: %s", got)
	}
	if e.balance(anchorW) != 700_00 || e.balance(tier2W) != 800_00 || statuses() != "paid paid" {
		t.Fatalf("after the last run: anchor %d, tier2 %d, payables %s", e.balance(anchorW), e.balance(tier2W), statuses())
	}
	if p := linkfin.CheckTree(tree(t, env, "c1"), 1_000_00); len(p) > 0 {
		t.Fatalf("tree c1: %v", p)
	}
	env.Restart()
	env.MustVerify()
}
