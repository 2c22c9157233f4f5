package services_test

import (
	"strings"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
)

// A loan the platform dates itself falls due on a business day of its program's
// calendar: a distributor's loan of 90 days made on 2026-07-03 would end on National
// Day, 2026-10-01, so it is due on 2026-10-08, the first working day after the
// holiday, and charges 97 days of interest. On that day it is not closed (409
// conflict); the day after, its anchor buys it back.
func TestLoanDueOnBusinessDay(t *testing.T) {
	w := newWorld(t)
	w.now = time.Date(2026, 7, 3, 9, 0, 0, 0, time.UTC)
	parties(w)
	dealerOrder(w, true)
	q, err := run[linkfin.Financing](w, &services.RequestDistributorFinancing{Actor: "dealer", ID: "d1", POID: "dpo", ProgramID: "dist", FunderID: "bank"})
	// 200,000.00 × 7.2 % × 97 / 360 = 3,880.00.
	if err != nil || q.DueDate != day(t, "2026-10-08") || q.Quote.Days != 97 || q.Interest != 3_880_00 || q.Quote.Discount != q.Interest {
		t.Fatalf("the quote: %+v, %v", q, err)
	}
	w.must(&services.AcceptDistributorFinancing{Actor: "dealer", ID: "d1", POID: "dpo"},
		&services.DisburseFinancing{Actor: "bank", ID: "d1"},
		&services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-in", OrgID: "anchor", Currency: "CNY", Amount: 3_880_00})
	w.now = time.Date(2026, 10, 8, 9, 0, 0, 0, time.UTC)
	w.refused(&services.CloseDistributorLoan{ID: "d1"}, linkfin.ECONFLICT)
	w.now = w.now.Add(24 * time.Hour)
	f, err := run[linkfin.Financing](w, &services.CloseDistributorLoan{ID: "d1"})
	if err != nil || f.Status != linkfin.FinancingBoughtBack || w.wallet("bank") != 2_000_000_00+3_880_00 {
		t.Fatalf("the loan the day after it fell due: %+v, %v; the bank holds %d", f, err, w.wallet("bank"))
	}
}

// A factored payable due on a Sunday is collected on the Monday, as a certificate of it
// would mature, and its advance's interest runs to that day: 80,000.00 × 4.25 % × 91 /
// 360 = 859.44. On the Sunday the collection is refused, 409 conflict, and nothing moves:
// the buyer has had no business day to pay.
func TestFactoredPayableCollectedOnBusinessDay(t *testing.T) {
	w := newWorld(t)
	parties(w)
	p := payable(w, "1", 100, 1_000_00, "2027-01-31")
	q, err := run[linkfin.Financing](w, &services.RequestFactoring{Actor: "tier1", ID: "fx", PayableID: p.ID, ProgramID: "auto-scf", FunderID: "bank"})
	if err != nil || q.Quote.Price != 80_000_00 || q.Quote.Days != 91 || q.Interest != 859_44 {
		t.Fatalf("quote: %+v, %v", q, err)
	}
	w.must(&services.AcceptFactoring{Actor: "tier1", ID: "fx", PayableID: p.ID}, &services.DisburseFinancing{Actor: "bank", ID: "fx"},
		&services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-fx", OrgID: "anchor", Currency: "CNY", Amount: 100_000_00})
	w.now = time.Date(2027, 1, 31, 9, 0, 0, 0, time.UTC)
	w.refused(&services.CollectFactored{ID: "fx"}, linkfin.ECONFLICT)
	w.now = w.now.Add(24 * time.Hour)
	f, err := run[linkfin.Financing](w, &services.CollectFactored{ID: "fx"})
	if err != nil || f.Status != linkfin.FinancingSettled || w.wallet("tier1") != 100_000_00-859_44 || w.wallet("anchor") != 0 {
		t.Fatalf("collected on the Monday: %+v, %v; tier1 holds %d, the anchor %d", f, err, w.wallet("tier1"), w.wallet("anchor"))
	}
}

// An advance on an order that never becomes a payable (its invoice disputed, its
// goods never come) falls due at the end of the tenor its quote ran over, moved to a
// business day: 90 days from 2026-11-02 end on Sunday 2027-01-31, so on Monday
// 2027-02-01. Until the day after, its collection is refused (409 conflict: a payable
// may yet come); then the seller repays the advance and 91 days' interest with
// recourse, 8,000.00 × 4.25 % × 91 / 360 = 85.94, and the limits are released.
func TestOrderAdvanceWithoutPayable(t *testing.T) {
	w := newWorld(t)
	parties(w)
	r := rate(t, "0.0425")
	w.must(&services.CreateProgram{Actor: "anchor", Program: linkfin.Program{ID: "po", Name: "Orders", Currency: "CNY", Limit: 10_000_000_00,
		Products: []linkfin.Product{linkfin.ProductPOFinancing}, MaxTenorDays: 90, AdvanceRate: rate(t, "0.8"), DayCount: linkfin.ACT360, Calendar: "CN",
		Tolerances: linkfin.MatchTolerances{QuantityRate: rate(t, "0.02"), PriceRate: rate(t, "0.01")}}},
		&services.InviteFunder{Actor: "anchor", ProgramID: "po", FunderID: "bank", Limit: 1_000_000_00, Pricing: linkfin.Pricing{FixedRate: &r}},
		&services.AcceptFunder{Actor: "bank", ProgramID: "po"},
		&services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "po-1", Number: "PO-1", SellerID: "tier1", ProgramID: "po",
			Currency: "CNY", Lines: []linkfin.POLine{{LineID: "L1", Item: "part", Quantity: 10, Unit: "pc", UnitPrice: 1_000_00}}}},
		&services.AcceptPurchaseOrder{Actor: "tier1", ID: "po-1"},
		&services.RequestPOFinancing{Actor: "tier1", ID: "pf", POID: "po-1", ProgramID: "po", FunderID: "bank"},
		&services.AcceptPOFinancing{Actor: "tier1", ID: "pf", POID: "po-1"},
		&services.DisburseFinancing{Actor: "bank", ID: "pf"})
	w.now = time.Date(2027, 2, 1, 9, 0, 0, 0, time.UTC)
	w.refused(&services.CollectFactored{ID: "pf"}, linkfin.ECONFLICT)
	w.must(&services.RecordInboundPayment{Rail: "bank", InstructionID: "tier1-in", OrgID: "tier1", Currency: "CNY", Amount: 85_94})
	w.now = w.now.Add(24 * time.Hour)
	f, err := run[linkfin.Financing](w, &services.CollectFactored{ID: "pf"})
	if err != nil || f.Status != linkfin.FinancingRecourse || f.Interest != 85_94 || w.wallet("tier1") != 0 || w.wallet("bank") != 2_000_000_00+85_94 {
		t.Fatalf("the advance the day after it fell due: %+v, %v; tier1 holds %d, the bank %d", f, err, w.wallet("tier1"), w.wallet("bank"))
	}
	if l, _ := w.db.Account(services.LimitID("po", "bank")); l.CreditsPosted-l.DebitsPosted != 1_000_000_00 || l.DebitsPending != 0 {
		t.Fatalf("the bank's limit after the recourse: %+v", l)
	}
}

// A payable due on a Sunday is paid on the Monday, as a factored one is collected and a
// certificate of it matures: paid early by dynamic discounting on 2026-11-02, its days
// early run to Monday 2027-02-01, 91 of them, and the discount is 100,000.00 × 6 % × 91
// / 360 = 1,516.67, not 90 days' 1,500.00. The quote says why. Paid on the Sunday itself
// it is not paid early: refused, 400 invalid.
func TestDynamicDiscountingToBusinessDay(t *testing.T) {
	w := newWorld(t)
	parties(w)
	w.must(&services.CreateProgram{Actor: "anchor", Program: linkfin.Program{ID: "dd", Name: "Early payment", Currency: "CNY", Limit: 10_000_000_00,
		Products: []linkfin.Product{linkfin.ProductDynamicDiscounting}, MaxTenorDays: 180, AdvanceRate: rate(t, "0.8"), DayCount: linkfin.ACT360,
		Calendar: "CN", EarlyPaymentAPR: new(rate(t, "0.06")),
		Tolerances: linkfin.MatchTolerances{QuantityRate: rate(t, "0.02"), PriceRate: rate(t, "0.01")}}})
	p := payableUnder(w, "dd", "1", 100, 1_000_00, "2027-01-31")
	q, err := run[linkfin.Financing](w, &services.RequestDynamicDiscounting{Actor: "tier1", ID: "dd1", PayableID: p.ID, ProgramID: "dd"})
	if err != nil || q.Quote.Days != 91 || q.Quote.Discount != 1_516_67 || q.Quote.Price != 98_483_33 {
		t.Fatalf("the quote: %+v, %v", q.Quote, err)
	}
	if last := q.Quote.Reasons[len(q.Quote.Reasons)-1]; !strings.Contains(last, "2027-02-01") {
		t.Errorf("the quote's reasons do not name the day the payable would be paid: %q", q.Quote.Reasons)
	}
	w.must(&services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-dd", OrgID: "anchor", Currency: "CNY", Amount: 98_483_33},
		&services.AcceptDynamicDiscounting{Actor: "tier1", ID: "dd1", PayableID: p.ID})
	if w.wallet("tier1") != 98_483_33 || w.wallet("anchor") != 0 {
		t.Fatalf("paid early: tier1 holds %d, the anchor %d", w.wallet("tier1"), w.wallet("anchor"))
	}
	p2 := payableUnder(w, "dd", "2", 50, 1_000_00, "2027-01-31")
	w.now = time.Date(2027, 1, 31, 9, 0, 0, 0, time.UTC)
	w.refused(&services.RequestDynamicDiscounting{Actor: "tier1", ID: "dd2", PayableID: p2.ID, ProgramID: "dd"}, linkfin.EINVALID)
}
