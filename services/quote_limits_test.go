package services_test

import (
	"testing"

	"linkfin"
	"linkfin/ledger"
	"linkfin/services"
)

// tight is a program of the anchor's that offers every product whose acceptance holds
// the limits, in which the bank may finance 150,000.00; dealer buys from the anchor
// and port keeps tier1's copper, marked at 60,000.00 a tonne.
func tight(w *world) {
	t := w.t
	r, ltv := rate(t, "0.05"), rate(t, "0.85")
	w.must(
		&services.CreateOrganization{Org: linkfin.Organization{ID: "dealer", Name: "Dealer", Capabilities: []linkfin.Capability{linkfin.CapTrade}}},
		&services.CreateOrganization{Org: linkfin.Organization{ID: "port", Name: "Port Warehouse", Capabilities: []linkfin.Capability{linkfin.CapLogistics}}},
		&services.ProposeRelationship{Actor: "dealer", BuyerID: "dealer", SellerID: "anchor"},
		&services.AcceptRelationship{Actor: "anchor", BuyerID: "dealer", SellerID: "anchor"},
		&services.CreateProgram{Actor: "anchor", Program: linkfin.Program{ID: "tight", Name: "Tight", Currency: "CNY", Limit: 10_000_000_00,
			Products: []linkfin.Product{linkfin.ProductCertificateDiscounting, linkfin.ProductFactoring, linkfin.ProductPOFinancing,
				linkfin.ProductDistributorFinancing, linkfin.ProductWarehousePledge},
			MaxTenorDays: 120, AdvanceRate: rate(t, "0.8"), MarginCallLTV: &ltv, DayCount: linkfin.ACT360, Calendar: "CN",
			Tolerances: linkfin.MatchTolerances{QuantityRate: rate(t, "0.02"), PriceRate: rate(t, "0.01")}}},
		&services.InviteFunder{Actor: "anchor", ProgramID: "tight", FunderID: "bank", Limit: 150_000_00, Pricing: linkfin.Pricing{FixedRate: &r}},
		&services.AcceptFunder{Actor: "bank", ProgramID: "tight"},
		&services.MarkPrice{Mark: linkfin.PriceMark{ID: "copper", Currency: "CNY", Price: 60_000_00}},
	)
}

// order is an order under program tight, accepted by its seller: qty × 1,000.00.
func order(w *world, id, buyer, seller string, qty int64) {
	w.t.Helper()
	w.must(&services.CreatePurchaseOrder{Actor: buyer, Order: linkfin.PurchaseOrder{ID: id, Number: id, SellerID: seller, ProgramID: "tight",
		Currency: "CNY", Lines: []linkfin.POLine{{LineID: "L1", Item: "part", Quantity: qty, Unit: "pc", UnitPrice: 1_000_00}}}},
		&services.AcceptPurchaseOrder{Actor: seller, ID: id})
}

// overLimit runs a request that its acceptance could not hold, and wants it refused
// as the acceptance would be (exceeds_credits, in the same words), with no quote kept.
func overLimit(w *world, c linkfin.Command, face string) {
	t := w.t
	t.Helper()
	w.refused(c, string(ledger.ExceedsCredits))
	_, err := run[linkfin.Financing](w, c)
	if want := "the limits of program tight leave less than the " + face + " CNY this financing would draw"; linkfin.ErrorMessage(err) != want {
		t.Fatalf("%T over the limits: %q, want %q", c, linkfin.ErrorMessage(err), want)
	}
}

// A request for more than the limits its acceptance holds have left is refused when
// it is made, exceeds_credits, in the acceptance's words, in every product that holds
// them (certificate discounting, factoring, PO financing, distributor financing,
// warehouse pledge), and nothing is logged; the same request within them is quoted.
func TestRequestOverLimitsRefused(t *testing.T) {
	w := newWorld(t)
	parties(w)
	tight(w)
	// About 200,000.00 of each asset, over the bank's 150,000.00; about 100,000.00 within it.
	big, small := payableUnder(w, "tight", "big", 200, 1_000_00, "2027-01-29"), payableUnder(w, "tight", "small", 100, 1_000_00, "2027-01-29")
	bigCert, smallCert := payableUnder(w, "tight", "cbig", 201, 1_000_00, "2027-01-29"), payableUnder(w, "tight", "csmall", 99, 1_000_00, "2027-01-29")
	w.must(&services.IssueCertificate{Actor: "anchor", ID: "c-big", ProgramID: "tight", PayableIDs: []string{bigCert.ID}},
		&services.IssueCertificate{Actor: "anchor", ID: "c-small", ProgramID: "tight", PayableIDs: []string{smallCert.ID}})
	order(w, "o-big", "anchor", "tier1", 200)
	order(w, "o-small", "anchor", "tier1", 100)
	order(w, "dpo-big", "dealer", "anchor", 200)
	order(w, "dpo-small", "dealer", "anchor", 100)
	// 4 t of copper: 240,000.00, a loan of 192,000.00 at 80 %; 3 t, 144,000.00.
	w.must(&services.IssueWarehouseReceipt{Actor: "port", Receipt: linkfin.WarehouseReceipt{ID: "R-big", OwnerID: "tier1", LotID: "LOT-1",
		Commodity: "copper", Quantity: 4, Unit: "t"}},
		&services.IssueWarehouseReceipt{Actor: "port", Receipt: linkfin.WarehouseReceipt{ID: "R-small", OwnerID: "tier1", LotID: "LOT-2",
			Commodity: "copper", Quantity: 3, Unit: "t"}})

	for _, c := range []struct {
		over, within linkfin.Command
		face         string
	}{
		{&services.RequestCertificateDiscounting{Actor: "tier1", ProgramID: "tight", PieceID: "c-big", FunderID: "bank"},
			&services.RequestCertificateDiscounting{Actor: "tier1", ProgramID: "tight", PieceID: "c-small", FunderID: "bank"}, "201000.00"},
		{&services.RequestFactoring{Actor: "tier1", ProgramID: "tight", PayableID: big.ID, FunderID: "bank"},
			&services.RequestFactoring{Actor: "tier1", ProgramID: "tight", PayableID: small.ID, FunderID: "bank"}, "200000.00"},
		{&services.RequestPOFinancing{Actor: "tier1", ProgramID: "tight", POID: "o-big", FunderID: "bank"},
			&services.RequestPOFinancing{Actor: "tier1", ProgramID: "tight", POID: "o-small", FunderID: "bank"}, "200000.00"},
		{&services.RequestDistributorFinancing{Actor: "dealer", ProgramID: "tight", POID: "dpo-big", FunderID: "bank"},
			&services.RequestDistributorFinancing{Actor: "dealer", ProgramID: "tight", POID: "dpo-small", FunderID: "bank"}, "200000.00"},
		{&services.RequestPledgeLoan{Actor: "tier1", ProgramID: "tight", ReceiptID: "R-big", FunderID: "bank"},
			&services.RequestPledgeLoan{Actor: "tier1", ProgramID: "tight", ReceiptID: "R-small", FunderID: "bank"}, "192000.00"},
	} {
		overLimit(w, c.over, c.face)
		if f, err := run[linkfin.Financing](w, c.within); err != nil || f.Status != linkfin.FinancingQuoted {
			t.Fatalf("%T within the limits: %+v, %v", c.within, f, err)
		}
	}
}

// Limits move between a quote and its acceptance, which checks them again: two quotes
// that each fit the bank's 150,000.00 are made; once one is accepted, the other's
// acceptance is refused, exceeds_credits, and a new request for it too.
func TestAcceptanceChecksLimitsAgain(t *testing.T) {
	w := newWorld(t)
	parties(w)
	tight(w)
	a, b := payableUnder(w, "tight", "a", 100, 1_000_00, "2027-01-29"), payableUnder(w, "tight", "b", 99, 1_000_00, "2027-01-29")
	w.must(&services.RequestFactoring{Actor: "tier1", ID: "fa", ProgramID: "tight", PayableID: a.ID, FunderID: "bank"},
		&services.RequestFactoring{Actor: "tier1", ID: "fb", ProgramID: "tight", PayableID: b.ID, FunderID: "bank"},
		&services.AcceptFactoring{Actor: "tier1", ID: "fa", PayableID: a.ID})
	w.refused(&services.AcceptFactoring{Actor: "tier1", ID: "fb", PayableID: b.ID}, string(ledger.ExceedsCredits))
	overLimit(w, &services.RequestFactoring{Actor: "tier1", ID: "fc", ProgramID: "tight", PayableID: b.ID, FunderID: "bank"}, "99000.00")
	// Cancelled, the first gives its draw back: the second is accepted.
	w.must(&services.CancelFinancing{Actor: "tier1", ID: "fa"}, &services.AcceptFactoring{Actor: "tier1", ID: "fb", PayableID: b.ID})
}

// A requester's cap counts as the other limits do: before its first financing under
// the program (the cap's account is not open yet) a request over the whole cap is
// refused; after it, one over what is left of it.
func TestRequestOverSupplierCapRefused(t *testing.T) {
	w := newWorld(t)
	parties(w)
	tight(w)
	w.must(&services.CreateProgram{Actor: "anchor", Program: linkfin.Program{ID: "capped", Name: "Capped", Currency: "CNY", Limit: 10_000_000_00,
		SupplierLimit: 50_000_00, Products: []linkfin.Product{linkfin.ProductFactoring}, MaxTenorDays: 120, AdvanceRate: rate(t, "0.8"),
		DayCount: linkfin.ACT360, Calendar: "CN", Tolerances: linkfin.MatchTolerances{QuantityRate: rate(t, "0.02"), PriceRate: rate(t, "0.01")}}},
		&services.InviteFunder{Actor: "anchor", ProgramID: "capped", FunderID: "bank", Limit: 1_000_000_00, Pricing: linkfin.Pricing{FixedRate: new(rate(t, "0.05"))}},
		&services.AcceptFunder{Actor: "bank", ProgramID: "capped"})
	over, first, next := payableUnder(w, "capped", "o", 60, 1_000_00, "2027-01-29"), payableUnder(w, "capped", "f", 40, 1_000_00, "2027-01-29"),
		payableUnder(w, "capped", "n", 20, 1_000_00, "2027-01-29")
	if _, open := w.db.Account(services.LimitID("capped", "supplier/tier1")); open {
		t.Fatal("tier1's cap is open before its first financing")
	}
	w.refused(&services.RequestFactoring{Actor: "tier1", ProgramID: "capped", PayableID: over.ID, FunderID: "bank"}, string(ledger.ExceedsCredits))
	w.must(&services.RequestFactoring{Actor: "tier1", ID: "f1", ProgramID: "capped", PayableID: first.ID, FunderID: "bank"},
		&services.AcceptFactoring{Actor: "tier1", ID: "f1", PayableID: first.ID})
	w.refused(&services.RequestFactoring{Actor: "tier1", ProgramID: "capped", PayableID: next.ID, FunderID: "bank"}, string(ledger.ExceedsCredits))
}
