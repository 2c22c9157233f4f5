package storetest

import (
	"context"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
)

// pledgeFixture is financingFixture with a warehouse (port), a commodity trader and
// the anchor's warehouse-pledge program wh (advance 60 %, margin call at 75 %, taking
// the alert actions given), which factor funds at 5 %.
func pledgeFixture(t *testing.T, env *Env, actions []linkfin.AlertAction) {
	t.Helper()
	financingFixture(t, env)
	for _, o := range []linkfin.Organization{
		{ID: "port", Name: "Port Warehouse", Capabilities: []linkfin.Capability{linkfin.CapLogistics}},
		{ID: "trader", Name: "Copper Trader", Capabilities: []linkfin.Capability{linkfin.CapTrade}, BankAccount: bankAccount("6216610100000000044")},
	} {
		mustRun(t, env, &services.CreateOrganization{Org: o})
	}
	ltv, rate := mustRate(t, "0.75"), mustRate(t, "0.05")
	mustRun(t, env, &services.CreateProgram{Actor: "anchor", Program: linkfin.Program{ID: "wh", Name: "Metals pledge",
		Currency: "CNY", Limit: 50_000_000_00, Products: []linkfin.Product{linkfin.ProductWarehousePledge}, MaxTenorDays: 90,
		AdvanceRate: mustRate(t, "0.6"), MarginCallLTV: &ltv, DayCount: linkfin.ACT360, Calendar: "CN", AlertActions: actions}})
	mustRun(t, env, &services.InviteFunder{Actor: "anchor", ProgramID: "wh", FunderID: "factor", Limit: 5_000_000_00,
		Pricing: linkfin.Pricing{FixedRate: &rate}})
	mustRun(t, env, &services.AcceptFunder{Actor: "factor", ProgramID: "wh"})
}

// pledgedLots is pledgeFixture with copper marked at 60,000.00 a tonne, the trader's
// receipts R1 (LOT-7, 100 t) and R2 (LOT-8, 10 t) issued by the port, and the
// trader's pledge loan w1 on R1 accepted.
func pledgedLots(t *testing.T, env *Env, actions []linkfin.AlertAction) {
	t.Helper()
	pledgeFixture(t, env, actions)
	mustRun(t, env, &services.MarkPrice{Mark: linkfin.PriceMark{ID: "copper", Currency: "CNY", Price: 60_000_00}})
	for _, r := range []linkfin.WarehouseReceipt{
		{ID: "R1", OwnerID: "trader", LotID: "LOT-7", Commodity: "copper", Quantity: 100, Unit: "t"},
		{ID: "R2", OwnerID: "trader", LotID: "LOT-8", Commodity: "copper", Quantity: 10, Unit: "t"},
	} {
		mustRun(t, env, &services.IssueWarehouseReceipt{Actor: "port", Receipt: r})
	}
	mustRun(t, env, &services.RequestPledgeLoan{Actor: "trader", ID: "w1", ReceiptID: "R1", ProgramID: "wh", FunderID: "factor"})
	mustRun(t, env, &services.AcceptPledgeLoan{Actor: "trader", ID: "w1", ReceiptID: "R1"})
}

// testWarehousePledge replays Qingdao: one lot, one receipt; a receipt pledged once;
// loan-to-value from price marks with margin calls; a freeze when the warehouse counts
// less than pledged; release on repayment.
func testWarehousePledge(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	pledgeFixture(t, env, nil)
	mark := func(price int64) {
		mustRun(t, env, &services.MarkPrice{Mark: linkfin.PriceMark{ID: "copper", Currency: "CNY", Price: price}})
	}
	mark(60_000_00) // per tonne
	receipt := linkfin.WarehouseReceipt{ID: "R1", OwnerID: "trader", LotID: "LOT-7", Commodity: "copper", Quantity: 100, Unit: "t"}
	if _, err := run[linkfin.WarehouseReceipt](t, env, &services.IssueWarehouseReceipt{Actor: "trader", Receipt: receipt}); !refusal(err, linkfin.EFORBIDDEN, "only a logistics operator issues") {
		t.Fatalf("the owner receipting its own goods: %v", err)
	}
	mustRun(t, env, &services.IssueWarehouseReceipt{Actor: "port", Receipt: receipt})
	again := receipt
	again.ID = "R2"
	if _, err := run[linkfin.WarehouseReceipt](t, env, &services.IssueWarehouseReceipt{Actor: "port", Receipt: again}); !refusal(err, "lot_has_receipt", "already has receipt R1") {
		t.Fatalf("a second receipt for the same lot (Qingdao): %v", err)
	}
	type fin = linkfin.Financing
	q, err := run[fin](t, env, &services.RequestPledgeLoan{Actor: "trader", ID: "w1", ReceiptID: "R1", ProgramID: "wh", FunderID: "factor"})
	// 100 t × 60,000.00 = 6,000,000.00; 60 % = 3,600,000.00 for 90 days, whose last day,
	// 2027-01-31, is a Sunday: due the next business day, 91 days at 5 % = 45,500.00.
	if err != nil || q.Quote.Price != 3_600_000_00 || q.Interest != 45_500_00 || q.DueDate.String() != "2027-02-01" {
		t.Fatalf("quote: %+v, %v", q, err)
	}
	// A pledge under another's financing id is refused, and overwrites nothing.
	pw := approvedPayable(t, env, 7, 10, 1_000_00, "2027-01-31")
	mustRun(t, env, &services.IssueCertificate{Actor: "anchor", ID: "c-w", ProgramID: "auto-scf", PayableIDs: []string{pw.ID}})
	mustRun(t, env, &services.RequestCertificateDiscounting{Actor: "tier1", ID: "f-taken", ProgramID: "auto-scf", PieceID: "c-w", FunderID: "bank"})
	if _, err := run[fin](t, env, &services.RequestPledgeLoan{Actor: "trader", ID: "f-taken", ReceiptID: "R1", ProgramID: "wh", FunderID: "factor"}); !refusal(err, linkfin.ECONFLICT, "financing f-taken exists") {
		t.Fatalf("a pledge under a financing id in use: %v", err)
	}
	if f := mustFinancing(t, env, "f-taken"); f.RequesterID != "tier1" || f.Product != linkfin.ProductCertificateDiscounting {
		t.Fatalf("the financing under that id: %+v", f)
	}
	// The price falls after the quote: at 47,999.00 a tonne the loan of 3,600,000.00
	// is past the margin call's loan-to-value of 0.75, so it is quoted again, not
	// accepted; at 48,000.00 it is exactly 0.75, and is accepted.
	mark(47_999_00)
	if _, err := run[fin](t, env, &services.AcceptPledgeLoan{Actor: "trader", ID: "w1", ReceiptID: "R1"}); !refusal(err, linkfin.ECONFLICT, "quote again") {
		t.Fatalf("accepting a pledge loan whose lot lost value since the quote: %v", err)
	}
	if w := record[linkfin.WarehouseReceipt](t, env, linkfin.KindWarehouseReceipt, "R1"); w.Status != linkfin.ReceiptIssued || mustFinancing(t, env, "w1").Status != linkfin.FinancingQuoted {
		t.Fatalf("the receipt after the refusal: %+v", w)
	}
	mark(48_000_00)
	mustRun(t, env, &services.AcceptPledgeLoan{Actor: "trader", ID: "w1", ReceiptID: "R1"})
	mustRun(t, env, &services.DisburseFinancing{Actor: "factor", ID: "w1"})
	if _, err := run[fin](t, env, &services.RequestPledgeLoan{Actor: "trader", ID: "w2", ReceiptID: "R1", ProgramID: "wh", FunderID: "bank"}); !refusal(err, "asset_financed", "receipt R1 is pledged") {
		t.Fatalf("pledging a receipt twice (Qingdao): %v", err)
	}
	check := func() bool {
		f, err := run[fin](t, env, &services.CheckMargin{ID: "w1", Commodity: "copper"})
		if err != nil {
			t.Fatal(err)
		}
		return f.MarginCall
	}
	mark(45_000_00) // LTV 3.6 / 4.5 = 0.8 > 0.75
	if !check() {
		t.Fatal("no margin call at an LTV of 0.8")
	}
	mark(50_000_00) // 3.6 / 5.0 = 0.72
	if check() {
		t.Fatal("the margin call stays at an LTV of 0.72")
	}
	sensor := newSensor(t, env, "port", "D1", "")
	if _, err := sensor.count(t, env, "trader", "R1", 100); !refusal(err, linkfin.EFORBIDDEN, "only the warehouse reports") {
		t.Fatalf("the owner reporting counts: %v", err)
	}
	w, err := sensor.count(t, env, "port", "R1", 95)
	if err != nil || w.Status != linkfin.ReceiptFrozen || !mustFinancing(t, env, "w1").Frozen {
		t.Fatalf("5 t missing: %+v, %v", w, err)
	}
	mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: "trader-1", OrgID: "trader", Currency: "CNY", Amount: 45_500_00})
	if f, err := run[fin](t, env, &services.RepayPledgeLoan{Actor: "trader", ID: "w1"}); err != nil || f.Status != linkfin.FinancingSettled {
		t.Fatalf("repay: %+v, %v", f, err)
	}
	// The lot was found short: released, it stays frozen and backs nothing until the
	// warehouse counts it whole again.
	if r := record[linkfin.WarehouseReceipt](t, env, linkfin.KindWarehouseReceipt, "R1"); r.Status != linkfin.ReceiptFrozen || r.FinancingID != "" {
		t.Fatalf("the receipt after repayment: %+v", r)
	}
	if _, err := run[fin](t, env, &services.RequestPledgeLoan{Actor: "trader", ID: "w2b", ReceiptID: "R1", ProgramID: "wh", FunderID: "factor"}); !refusal(err, "asset_financed", "frozen") {
		t.Fatalf("a loan on a lot found short: %v", err)
	}
	if w, err := sensor.count(t, env, "port", "R1", 100); err != nil || w.Status != linkfin.ReceiptIssued {
		t.Fatalf("the lot counted whole: %+v, %v", w, err)
	}
	limit, _ := env.Domain.Account(context.Background(), services.LimitID("wh", "factor"))
	if limit.CreditsPosted-limit.DebitsPosted != 5_000_000_00 {
		t.Fatalf("the factor's limit after repayment: %d free", limit.CreditsPosted-limit.DebitsPosted)
	}
	// A second loan on the released receipt, never repaid: after its due date the
	// receipt is forfeited to the funder.
	mustRun(t, env, &services.RequestPledgeLoan{Actor: "trader", ID: "w3", ReceiptID: "R1", ProgramID: "wh", FunderID: "factor"})
	mustRun(t, env, &services.AcceptPledgeLoan{Actor: "trader", ID: "w3", ReceiptID: "R1"})
	mustRun(t, env, &services.DisburseFinancing{Actor: "factor", ID: "w3"})
	mustRun(t, env, &services.RecordOutboundPayment{Rail: "bank", InstructionID: "trader-out", OrgID: "trader", Currency: "CNY", Amount: 3_000_000_00})
	if _, err := run[fin](t, env, &services.CloseOverduePledge{ID: "w3"}); !refusal(err, linkfin.ECONFLICT, "w3 is due on") {
		t.Fatalf("closing a loan before its due date: %v", err)
	}
	env.Clock.Advance(91 * 24 * time.Hour) // its due date: the 90th day, 2027-01-31, is a Sunday
	if _, err := run[fin](t, env, &services.CloseOverduePledge{ID: "w3"}); !refusal(err, linkfin.ECONFLICT, "w3 is due on 2027-02-01") {
		t.Fatalf("closing a loan on its due date: %v", err)
	}
	env.Clock.Advance(24 * time.Hour)
	if f, err := run[fin](t, env, &services.CloseOverduePledge{ID: "w3"}); err != nil || f.Status != linkfin.FinancingDefaulted {
		t.Fatalf("an unpaid pledge after its due date: %+v, %v", f, err)
	}
	if r := record[linkfin.WarehouseReceipt](t, env, linkfin.KindWarehouseReceipt, "R1"); r.OwnerID != "factor" {
		t.Fatalf("the receipt after a default: %+v", r)
	}

	// A lot found short between acceptance and disbursement: the funder cannot pay
	// against it, and withdrawn, the receipt stays frozen rather than pledgeable.
	short := linkfin.WarehouseReceipt{ID: "R3", OwnerID: "trader", LotID: "LOT-9", Commodity: "copper", Quantity: 10, Unit: "t"}
	mustRun(t, env, &services.IssueWarehouseReceipt{Actor: "port", Receipt: short})
	mustRun(t, env, &services.RequestPledgeLoan{Actor: "trader", ID: "w4", ReceiptID: "R3", ProgramID: "wh", FunderID: "factor"})
	mustRun(t, env, &services.AcceptPledgeLoan{Actor: "trader", ID: "w4", ReceiptID: "R3"})
	if _, err := sensor.count(t, env, "port", "R3", 7); err != nil {
		t.Fatal(err)
	}
	if _, err := run[fin](t, env, &services.DisburseFinancing{Actor: "factor", ID: "w4"}); !refusal(err, linkfin.ECONFLICT, "financing w4 is frozen") {
		t.Fatalf("disbursing against a lot found short: %v", err)
	}
	mustRun(t, env, &services.CancelFinancing{Actor: "factor", ID: "w4"})
	if r := record[linkfin.WarehouseReceipt](t, env, linkfin.KindWarehouseReceipt, "R3"); r.Status != linkfin.ReceiptFrozen || r.FinancingID != "" {
		t.Fatalf("the short lot's receipt after the cancel: %+v", r)
	}
	if _, err := run[fin](t, env, &services.RequestPledgeLoan{Actor: "trader", ID: "w5", ReceiptID: "R3", ProgramID: "wh", FunderID: "factor"}); !refusal(err, "asset_financed", "receipt R3 is frozen") {
		t.Fatalf("pledging a short lot again: %v", err)
	}

	// A lot found short under a loan that then defaults: forfeited to the funder, its
	// receipt stays frozen, as a released one does, and backs nothing until counted
	// whole (it was issued again before, pledgeable as if whole).
	mustRun(t, env, &services.IssueWarehouseReceipt{Actor: "port", Receipt: linkfin.WarehouseReceipt{ID: "R6", OwnerID: "trader", LotID: "LOT-11",
		Commodity: "copper", Quantity: 10, Unit: "t"}})
	mustRun(t, env, &services.RequestPledgeLoan{Actor: "trader", ID: "w6", ReceiptID: "R6", ProgramID: "wh", FunderID: "factor"})
	mustRun(t, env, &services.AcceptPledgeLoan{Actor: "trader", ID: "w6", ReceiptID: "R6"})
	mustRun(t, env, &services.DisburseFinancing{Actor: "factor", ID: "w6"})
	if w, err := sensor.count(t, env, "port", "R6", 8); err != nil || w.Status != linkfin.ReceiptFrozen {
		t.Fatalf("2 t missing from R6: %+v, %v", w, err)
	}
	trader := env.Account(linkfin.WalletID("trader", "CNY"))
	mustRun(t, env, &services.RecordOutboundPayment{Rail: "bank", InstructionID: "trader-out-6", OrgID: "trader", Currency: "CNY",
		Amount: trader.CreditsPosted - trader.DebitsPosted})
	env.Clock.Advance(91 * 24 * time.Hour)
	if f, err := run[fin](t, env, &services.CloseOverduePledge{ID: "w6"}); err != nil || f.Status != linkfin.FinancingDefaulted {
		t.Fatalf("an unpaid pledge on a short lot after its due date: %+v, %v", f, err)
	}
	if r := record[linkfin.WarehouseReceipt](t, env, linkfin.KindWarehouseReceipt, "R6"); r.OwnerID != "factor" || r.Status != linkfin.ReceiptFrozen || r.FinancingID != "" {
		t.Fatalf("the short lot's receipt after a default: %+v", r)
	}
	env.Restart()
	env.MustVerify()
}

// testMarginMarkCurrency checks that a pledge loan is valued only at a price mark in
// its own currency: a commodity marked in another currency since (the mark is the
// commodity's latest, whatever its currency) is no figure to compare the loan with,
// so a margin check is refused and leaves the loan's margin call as it was, instead of
// reading dollars as yuan and calling, or releasing, the loan for margin.
func testMarginMarkCurrency(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	pledgedLots(t, env, nil)
	mustRun(t, env, &services.DisburseFinancing{Actor: "factor", ID: "w1"})
	mark := func(cur linkfin.Currency, price int64) {
		mustRun(t, env, &services.MarkPrice{Mark: linkfin.PriceMark{ID: "copper", Currency: cur, Price: price}})
	}
	mark("CNY", 45_000_00) // LTV 3.6 / 4.5 = 0.8 > 0.75
	if f, err := run[linkfin.Financing](t, env, &services.CheckMargin{ID: "w1", Commodity: "copper"}); err != nil || !f.MarginCall {
		t.Fatalf("a margin call at an LTV of 0.8: %+v, %v", f, err)
	}
	// 100 t at 900,000.00 dollars a tonne would be far above the loan, in yuan.
	mark("USD", 900_000_00)
	if _, err := run[linkfin.Financing](t, env, &services.CheckMargin{ID: "w1", Commodity: "copper"}); !refusal(err, linkfin.EINVALID, "no CNY price mark for copper") {
		t.Fatalf("a margin check at a USD mark of a CNY loan: %v, want %s", err, linkfin.EINVALID)
	}
	if f := mustFinancing(t, env, "w1"); !f.MarginCall {
		t.Fatalf("the loan's margin call after a mark in another currency: %+v", f)
	}
	// And the other way: a loan not called is not called at a tiny price in dollars.
	mark("CNY", 60_000_00)
	if f, err := run[linkfin.Financing](t, env, &services.CheckMargin{ID: "w1", Commodity: "copper"}); err != nil || f.MarginCall {
		t.Fatalf("the margin call at an LTV of 0.6: %+v, %v", f, err)
	}
	mark("USD", 1)
	if _, err := run[linkfin.Financing](t, env, &services.CheckMargin{ID: "w1", Commodity: "copper"}); !refusal(err, linkfin.EINVALID, "no CNY price mark for copper") {
		t.Fatalf("a margin check at a USD mark of a CNY loan: %v, want %s", err, linkfin.EINVALID)
	}
	if f := mustFinancing(t, env, "w1"); f.MarginCall {
		t.Fatalf("the loan called for margin at a mark in another currency: %+v", f)
	}
}

// testMarginCallUnmet: a price mark's margin call has a consequence. Copper falls from
// 60,000.00 to 45,000.00 a tonne: w1 (3,600,000.00 on 100 t) and w2 (360,000.00 on
// 10 t) are past the margin-call LTV of 0.75, and a margin check calls each for what
// brings it back to the advance rate of 60 % of the lot: 900,000.00 and 90,000.00,
// due in the program's default 5 days: 2026-11-07, a Saturday, so on the next business
// day, 2026-11-09. Two part repayments of w2 meet its call (the
// first alone does not); a part repayment of the whole principal or more, short of
// the interest, is refused. w1's call goes unmet: on its due date nothing happens, the
// day after the scheduler defaults w1 as at maturity, the receipt forfeited to the
// funder and the reason recorded, once however often it runs; w2, its call met, is
// left to its own due date. An alert's call goes the same way: w3 (180,000.00 on 5 t
// of LOT-9) counted a tonne short is called for a fifth of what it owes by the same
// date, and defaults with w1.
func testMarginCallUnmet(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	pledgedLots(t, env, []linkfin.AlertAction{linkfin.ActionMarginCall})
	type fin = linkfin.Financing
	mustRun(t, env, &services.DisburseFinancing{Actor: "factor", ID: "w1"})
	mustRun(t, env, &services.RequestPledgeLoan{Actor: "trader", ID: "w2", ReceiptID: "R2", ProgramID: "wh", FunderID: "factor"})
	mustRun(t, env, &services.AcceptPledgeLoan{Actor: "trader", ID: "w2", ReceiptID: "R2"})
	mustRun(t, env, &services.DisburseFinancing{Actor: "factor", ID: "w2"})
	mustRun(t, env, &services.IssueWarehouseReceipt{Actor: "port", Receipt: linkfin.WarehouseReceipt{ID: "R3", OwnerID: "trader", LotID: "LOT-9",
		Commodity: "copper", Quantity: 5, Unit: "t"}})
	mustRun(t, env, &services.RequestPledgeLoan{Actor: "trader", ID: "w3", ReceiptID: "R3", ProgramID: "wh", FunderID: "factor"})
	mustRun(t, env, &services.AcceptPledgeLoan{Actor: "trader", ID: "w3", ReceiptID: "R3"})
	mustRun(t, env, &services.DisburseFinancing{Actor: "factor", ID: "w3"})
	if _, err := newSensor(t, env, "port", "D-9", "LOT-9").count(t, env, "port", "R3", 4); err != nil {
		t.Fatal(err)
	}
	w3 := mustFinancing(t, env, "w3")
	owed3, _ := w3.Owed()
	if d := w3.MarginDemand; d == nil || d.AlertID == "" || d.Amount != (owed3+4)/5 || d.DueDate != date(t, "2026-11-09") || d.Status != linkfin.MarginDemandCalled {
		t.Fatalf("w3's margin call: %+v", d)
	}
	// The trader spends what it borrowed but 90,000.00.
	mustRun(t, env, &services.RecordOutboundPayment{Rail: "bank", InstructionID: "trader-out", OrgID: "trader", Currency: "CNY", Amount: 4_050_000_00})
	mustRun(t, env, &services.MarkPrice{Mark: linkfin.PriceMark{ID: "copper", Currency: "CNY", Price: 45_000_00}})
	due := date(t, "2026-11-09")
	for _, l := range []struct {
		id     string
		amount int64
	}{{"w1", 900_000_00}, {"w2", 90_000_00}} {
		for range 2 { // a second check changes nothing
			f, err := run[fin](t, env, &services.CheckMargin{ID: l.id, Commodity: "copper"})
			if d := f.MarginDemand; err != nil || !f.MarginCall || d == nil || d.Amount != l.amount || d.DueDate != due ||
				d.Status != linkfin.MarginDemandCalled || d.AlertID != "" || d.Currency != "CNY" {
				t.Fatalf("%s's margin call at an LTV of 0.8: %+v, %v", l.id, d, err)
			}
		}
	}
	w2 := mustFinancing(t, env, "w2")
	owed, _ := w2.Owed()
	if _, err := run[fin](t, env, &services.RepayPledgeLoan{Actor: "trader", ID: "w2", Amount: 360_000_00}); !refusal(err, linkfin.EINVALID, "a part repayment") {
		t.Fatalf("a part repayment of the whole principal, short of the interest: %v", err)
	}
	if f, err := run[fin](t, env, &services.RepayPledgeLoan{Actor: "trader", ID: "w2", Amount: 50_000_00}); err != nil || f.Repaid != 50_000_00 ||
		f.MarginDemand.Status != linkfin.MarginDemandCalled || f.MarginDemand.Paid != 50_000_00 || f.Status != linkfin.FinancingDisbursed {
		t.Fatalf("a part repayment short of the call: %+v, %v", f, err)
	}
	f, err := run[fin](t, env, &services.RepayPledgeLoan{Actor: "trader", ID: "w2", Amount: 40_000_00})
	if err != nil || f.Repaid != 90_000_00 || f.Repayments != 2 || f.MarginDemand.Status != linkfin.MarginDemandMet || f.MarginDemand.ClosedAt == nil ||
		f.Status != linkfin.FinancingDisbursed {
		t.Fatalf("the part repayment that meets the call: %+v, %v", f, err)
	}
	if o, _ := f.Owed(); o != owed-90_000_00 {
		t.Fatalf("w2 owes %d after 90,000.00 repaid of %d", o, owed)
	}
	if r := record[linkfin.WarehouseReceipt](t, env, linkfin.KindWarehouseReceipt, "R2"); r.Status != linkfin.ReceiptPledged || r.OwnerID != "trader" {
		t.Fatalf("the receipt of a loan repaid in part: %+v", r)
	}
	if a, _ := env.Domain.Account(context.Background(), linkfin.WalletID("trader", "CNY")); a.CreditsPosted-a.DebitsPosted != 0 {
		t.Fatalf("the trader's wallet after the part repayments: %d", a.CreditsPosted-a.DebitsPosted)
	}
	// On the call's due date the loan stands; the day after, it defaults.
	env.Clock.Advance(7 * 24 * time.Hour)
	if _, err := run[fin](t, env, &services.CloseOverduePledge{ID: "w1"}); !refusal(err, linkfin.ECONFLICT, "its margin call on 2026-11-09") {
		t.Fatalf("closing a loan on its margin call's due date: %v", err)
	}
	runDue(t, env)
	if f := mustFinancing(t, env, "w1"); f.Status != linkfin.FinancingDisbursed {
		t.Fatalf("w1 on its call's due date: %+v", f)
	}
	env.Clock.Advance(24 * time.Hour)
	for range 2 {
		runDue(t, env)
		f := mustFinancing(t, env, "w1")
		if f.Status != linkfin.FinancingDefaulted || f.DefaultReason != linkfin.DefaultMarginCallUnmet ||
			f.MarginDemand.Status != linkfin.MarginDemandUnmet || f.MarginDemand.ClosedAt == nil {
			t.Fatalf("w1 the day after its call's due date: %+v", f)
		}
		if r := record[linkfin.WarehouseReceipt](t, env, linkfin.KindWarehouseReceipt, "R1"); r.OwnerID != "factor" || r.Status != linkfin.ReceiptIssued || r.FinancingID != "" {
			t.Fatalf("the receipt of a loan whose call went unmet: %+v", r)
		}
		if f := mustFinancing(t, env, "w2"); f.Status != linkfin.FinancingDisbursed || f.DefaultReason != "" {
			t.Fatalf("w2, its call met: %+v", f)
		}
		if f := mustFinancing(t, env, "w3"); f.Status != linkfin.FinancingDefaulted || f.DefaultReason != linkfin.DefaultMarginCallUnmet ||
			f.MarginDemand.Status != linkfin.MarginDemandUnmet {
			t.Fatalf("w3 the day after its alert's call's due date: %+v", f)
		}
		if r := record[linkfin.WarehouseReceipt](t, env, linkfin.KindWarehouseReceipt, "R3"); r.OwnerID != "factor" {
			t.Fatalf("the receipt of w3: %+v", r)
		}
	}
	if f, err := run[fin](t, env, &services.CloseOverduePledge{ID: "w1"}); err != nil || f.Status != linkfin.FinancingDefaulted {
		t.Fatalf("closing w1 again: %+v, %v", f, err)
	}
	env.Restart()
	env.MustVerify()
}
