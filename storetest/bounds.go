package storetest

import (
	"fmt"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
)

// testBounds drives amounts at the documented maximums (MaxAmount, MaxPrice,
// MaxQuantity) through certificates, splits, settlement and every financing product.
// Each figure is either exact or refused with its code, never wrapped.
func testBounds(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	financingFixture(t, env)
	const max = linkfin.MaxAmount
	rate, late := mustRate(t, "0.05"), mustRate(t, "0.072")
	early, ltv := mustRate(t, "0.06"), mustRate(t, "0.9")
	mustRun(t, env, &services.CreateOrganization{Org: linkfin.Organization{ID: "whale", Name: "Funder whale",
		Capabilities: []linkfin.Capability{linkfin.CapFund}}})
	for _, p := range []linkfin.Program{
		{ID: "max", Products: []linkfin.Product{linkfin.ProductCertificateDiscounting, linkfin.ProductDynamicDiscounting, linkfin.ProductFactoring, linkfin.ProductPOFinancing},
			LateRate: &late, EarlyPaymentAPR: &early},
		{ID: "max-dist", Products: []linkfin.Product{linkfin.ProductDistributorFinancing}},
		{ID: "max-wh", Products: []linkfin.Product{linkfin.ProductWarehousePledge}, MarginCallLTV: &ltv},
	} {
		p.Name, p.Currency, p.Limit, p.MaxTenorDays = "At the bounds", "CNY", max, linkfin.MaxTenorDays
		p.AdvanceRate, p.DayCount, p.Calendar = mustRate(t, "0.8"), linkfin.ACT360, "CN"
		mustRun(t, env, &services.CreateProgram{Actor: "anchor", Program: p})
		mustRun(t, env, &services.InviteFunder{Actor: "anchor", ProgramID: p.ID, FunderID: "whale", Limit: max,
			Pricing: linkfin.Pricing{FixedRate: &rate}})
		mustRun(t, env, &services.AcceptFunder{Actor: "whale", ProgramID: p.ID})
	}
	mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: "whale-1", OrgID: "whale", Currency: "CNY", Amount: max})
	type fin = linkfin.Financing
	interest := func(principal int64, days int) int64 {
		t.Helper()
		v, err := linkfin.Interest(principal, rate, days, linkfin.ACT360)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}

	// An order at MaxQuantity × MaxPrice is refused; 1,000 × 10^12 is MaxAmount exactly.
	if _, err := run[linkfin.PurchaseOrder](t, env, &services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{
		ID: "po-huge", Number: "po-huge", SellerID: "tier1", ProgramID: "max", Currency: "CNY",
		Lines: []linkfin.POLine{{LineID: "L1", Item: "part", Quantity: linkfin.MaxQuantity, Unit: "pc", UnitPrice: linkfin.MaxPrice}}}}); !refusal(err, linkfin.EOUTOFRANGE, "quantity × unit price") {
		t.Fatalf("an order beyond the maximum amount: %v", err)
	}
	var payables []string
	for n := 901; n <= 903; n++ {
		p := approvedPayableIn(t, env, "max", n, 1000, 1_000_000_000_000, "2027-01-31")
		if p.Amount != max {
			t.Fatalf("payable %s: %d", p.ID, p.Amount)
		}
		payables = append(payables, p.ID)
	}

	// Certificates: two payables of MaxAmount make a face beyond it, refused; one is exact.
	if _, err := run[linkfin.Certificate](t, env, &services.IssueCertificate{Actor: "anchor", ID: "c-two", ProgramID: "max",
		PayableIDs: payables[:2]}); !refusal(err, linkfin.EOUTOFRANGE, "the certificate's face") {
		t.Fatalf("a certificate beyond the maximum amount: %v", err)
	}
	c, err := run[linkfin.Certificate](t, env, &services.IssueCertificate{Actor: "anchor", ID: "c-max", ProgramID: "max", PayableIDs: payables[:1]})
	if err != nil || c.Face != max {
		t.Fatalf("a certificate of the maximum amount: %+v, %v", c, err)
	}
	// Splits: the pieces sum to the face exactly; a piece beyond it is refused.
	if _, err := run[[]linkfin.Certificate](t, env, &services.SplitCertificate{Actor: "tier1", ID: "c-max",
		Pieces: []linkfin.Piece{{ID: "c-over", Face: max}, {ID: "c-one", Face: 1}}}); !refusal(err, linkfin.EINVALID, "") {
		t.Fatalf("pieces summing beyond the face: %v", err)
	}
	mustRun(t, env, &services.SplitCertificate{Actor: "tier1", ID: "c-max",
		Pieces: []linkfin.Piece{{ID: "c-big", Face: max - 1}, {ID: "c-one", Face: 1}}})
	if p := linkfin.CheckTree(tree(t, env, "c-max"), 0); len(p) > 0 {
		t.Fatalf("tree c-max: %v", p)
	}

	// Certificate discounting of the big piece: price and discount make the face.
	q, err := run[fin](t, env, &services.RequestCertificateDiscounting{Actor: "tier1", ID: "b-cd", ProgramID: "max", PieceID: "c-big", FunderID: "whale"})
	if err != nil || q.Quote.Face != max-1 || q.Quote.Discount <= 0 || q.Quote.Price+q.Quote.Discount != max-1 {
		t.Fatalf("certificate discounting at the bound: %+v, %v", q, err)
	}
	if d, _ := linkfin.Discount(max-1, rate, q.Quote.Days, linkfin.ACT360); d != q.Quote.Discount {
		t.Fatalf("discount %d, want %d", q.Quote.Discount, d)
	}

	// Dynamic discounting of a payable of MaxAmount.
	q, err = run[fin](t, env, &services.RequestDynamicDiscounting{Actor: "tier1", ID: "b-dd", PayableID: payables[1], ProgramID: "max"})
	if err != nil || q.Quote.Face != max || q.Quote.Price+q.Quote.Discount != max {
		t.Fatalf("dynamic discounting at the bound: %+v, %v", q, err)
	}
	if d, _ := linkfin.Discount(max, early, q.Quote.Days, linkfin.ACT360); d != q.Quote.Discount {
		t.Fatalf("early-payment discount %d, want %d", q.Quote.Discount, d)
	}

	// Factoring a payable of MaxAmount: 80 % advanced, interest on the advance.
	q, err = run[fin](t, env, &services.RequestFactoring{Actor: "tier1", ID: "b-fx", PayableID: payables[2], ProgramID: "max", FunderID: "whale"})
	if err != nil || q.Quote.Price != max/5*4 || q.Interest != interest(max/5*4, q.Quote.Days) {
		t.Fatalf("factoring at the bound: %+v, %v", q, err)
	}

	// PO financing of an order of MaxAmount.
	order := linkfin.PurchaseOrder{ID: "po-max", Number: "po-max", SellerID: "tier1", ProgramID: "max", Currency: "CNY",
		Lines: []linkfin.POLine{{LineID: "L1", Item: "part", Quantity: 1000, Unit: "pc", UnitPrice: 1_000_000_000_000}}}
	mustRun(t, env, &services.CreatePurchaseOrder{Actor: "anchor", Order: order})
	mustRun(t, env, &services.AcceptPurchaseOrder{Actor: "tier1", ID: order.ID})
	q, err = run[fin](t, env, &services.RequestPOFinancing{Actor: "tier1", ID: "b-po", POID: order.ID, ProgramID: "max", FunderID: "whale"})
	if err != nil || q.Quote.Face != max || q.Quote.Price != max/5*4 {
		t.Fatalf("PO financing at the bound: %+v, %v", q, err)
	}
	// The big piece is sold now: its acceptance draws all but 0.01 of the program's
	// limit, which quotes of MaxAmount under it (factoring, PO financing) would exceed.
	mustRun(t, env, &services.AcceptCertificateDiscounting{Actor: "tier1", ID: "b-cd", PieceID: "c-big"})
	mustRun(t, env, &services.DisburseFinancing{Actor: "whale", ID: "b-cd"})

	// Distributor financing of an order of MaxAmount for ten years: the interest is
	// half the order again, and what is owed passes MaxAmount without overflowing. The
	// tenor's last day, 2036-11-09, is a Sunday: the loan is due a day later and runs
	// MaxTenorDays + 1.
	mustRun(t, env, &services.CreateOrganization{Org: linkfin.Organization{ID: "dealer", Name: "Dealer", Capabilities: []linkfin.Capability{linkfin.CapTrade}}})
	mustRun(t, env, &services.ProposeRelationship{Actor: "dealer", BuyerID: "dealer", SellerID: "anchor"})
	mustRun(t, env, &services.AcceptRelationship{Actor: "anchor", BuyerID: "dealer", SellerID: "anchor"})
	mustRun(t, env, &services.CreatePurchaseOrder{Actor: "dealer", Order: linkfin.PurchaseOrder{ID: "dpo-max", Number: "dpo-max", SellerID: "anchor",
		ProgramID: "max-dist", Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "sedan", Quantity: 1000, Unit: "car", UnitPrice: 1_000_000_000_000}}}})
	mustRun(t, env, &services.AcceptPurchaseOrder{Actor: "anchor", ID: "dpo-max"})
	q, err = run[fin](t, env, &services.RequestDistributorFinancing{Actor: "dealer", ID: "b-dist", POID: "dpo-max", ProgramID: "max-dist", FunderID: "whale"})
	if err != nil || q.Quote.Price != max || q.Interest != interest(max, linkfin.MaxTenorDays+1) || q.DueDate.String() != "2036-11-10" {
		t.Fatalf("distributor financing at the bound: %+v, %v", q, err)
	}
	if owed, err := linkfin.Add(q.Quote.Price, q.Interest); err != nil || owed != max+interest(max, linkfin.MaxTenorDays+1) {
		t.Fatalf("owed on the distributor loan: %d, %v", owed, err)
	}

	// Warehouse pledge: MaxQuantity tonnes. At 10^7 a tonne the lot's worth overflows;
	// at 9 × 10^6 it fits but the loan on it passes MaxAmount; at 1,000 it is exact (due,
	// as the distributor's loan, a day after the tenor's last day, a Sunday).
	for _, o := range []linkfin.Organization{
		{ID: "port", Name: "Port Warehouse", Capabilities: []linkfin.Capability{linkfin.CapLogistics}},
		{ID: "trader", Name: "Copper Trader", Capabilities: []linkfin.Capability{linkfin.CapTrade}},
	} {
		mustRun(t, env, &services.CreateOrganization{Org: o})
	}
	mustRun(t, env, &services.IssueWarehouseReceipt{Actor: "port", Receipt: linkfin.WarehouseReceipt{ID: "R-max", OwnerID: "trader",
		LotID: "LOT-max", Commodity: "copper", Quantity: linkfin.MaxQuantity, Unit: "t"}})
	pledge := func(price int64) (*fin, error) {
		mustRun(t, env, &services.MarkPrice{Mark: linkfin.PriceMark{ID: "copper", Currency: "CNY", Price: price}})
		return run[fin](t, env, &services.RequestPledgeLoan{Actor: "trader", ID: fmt.Sprintf("b-wh-%d", price), ReceiptID: "R-max",
			ProgramID: "max-wh", FunderID: "whale"})
	}
	if _, err := pledge(10_000_000); !refusal(err, linkfin.EOVERFLOW, "overflows") {
		t.Fatalf("a lot worth more than int64 holds: %v", err)
	}
	if _, err := pledge(9_000_000); !refusal(err, linkfin.EOUTOFRANGE, "the loan on the lot") {
		t.Fatalf("a loan beyond the maximum amount: %v", err)
	}
	if q, err = pledge(1000); err != nil || q.Quote.Price != max/5*4 || q.Interest != interest(max/5*4, linkfin.MaxTenorDays+1) {
		t.Fatalf("warehouse pledge at the bound: %+v, %v", q, err)
	}

	// The exposure report (which reads through the store) sums the disbursed financing
	// exactly.
	if env.Mem == nil {
		rows, err := services.ExposureReport(t.Context(), env.Store)
		if err != nil || len(rows) != 1 || rows[0].Total != max-1 || rows[0].ByFunder["whale"] != max-1 {
			t.Fatalf("exposure at the bound: %+v, %v", rows, err)
		}
	}

	// Settlement ten days late: the anchor pays MaxAmount and the late interest on it.
	env.Clock.Advance(101 * 24 * time.Hour) // to 2027-02-11, ten days after maturity
	mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-max", OrgID: "anchor", Currency: "CNY", Amount: max})
	lateOn := func(face int64) int64 {
		v, err := linkfin.Interest(face, late, 10, linkfin.ACT360)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	r, err := run[linkfin.SettlementResult](t, env, &services.SettleMaturity{ProgramID: "max", Date: date(t, "2027-02-01")})
	// The anchor's MaxAmount pays c-one and its late interest, not c-big with its own:
	// c-big is owed its face and its late interest, the shortfall.
	if err != nil || fmt.Sprint(r.Paid, r.Overdue) != "[c-one] [c-big]" || r.Shortfall != max-1+lateOn(max-1) || r.PaidTotal != 1 {
		t.Fatalf("settlement short of the late interest: %+v, %v", r, err)
	}
	mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-late", OrgID: "anchor", Currency: "CNY", Amount: lateOn(max - 1)})
	r, err = run[linkfin.SettlementResult](t, env, &services.SettleMaturity{ProgramID: "max", Date: date(t, "2027-02-01")})
	if err != nil || fmt.Sprint(r.Paid) != "[c-big]" || r.PaidTotal != max-1 || r.LateInterest != lateOn(max-1) {
		t.Fatalf("settlement at the bound: %+v, %v", r, err)
	}
	if p := linkfin.CheckTree(tree(t, env, "c-max"), max); len(p) > 0 {
		t.Fatalf("tree c-max after settlement: %v", p)
	}
	env.MustVerify()
}
