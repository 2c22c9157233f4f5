package services_test

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
)

// A capability the operator withdraws mid-workflow is checked at the next act it
// governs, not only at the workflow's first: a quote whose funder no longer funds is
// not accepted (400 invalid, as a new request of it is), and a carrier that is no longer
// a logistics operator reports no delivery (403 forbidden), which would release the
// payments that wait on it, nor, as a warehouse, counts a lot (a count short of the
// pledge freezes a loan and calls its borrower for margin). Granted again, each act
// goes on.
func TestCapabilityWithdrawnMidWorkflow(t *testing.T) {
	w := newWorld(t)
	parties(w)
	p := payable(w, "1", 1000, 1_000_00, "2027-01-29")
	w.must(&services.IssueCertificate{Actor: "anchor", ID: "c1", ProgramID: "auto-scf", PayableIDs: []string{p.ID}},
		&services.RequestCertificateDiscounting{Actor: "tier1", ID: "f1", ProgramID: "auto-scf", PieceID: "c1", FunderID: "bank"},
		&services.SetCapabilities{OrgID: "bank", Capabilities: []linkfin.Capability{linkfin.CapTrade}})
	w.refused(&services.RequestCertificateDiscounting{Actor: "tier1", ID: "f2", ProgramID: "auto-scf", PieceID: "c1", FunderID: "bank"}, linkfin.EINVALID)
	w.refused(&services.AcceptCertificateDiscounting{Actor: "tier1", ID: "f1", PieceID: "c1"}, linkfin.EINVALID)
	w.must(&services.SetCapabilities{OrgID: "bank", Capabilities: []linkfin.Capability{linkfin.CapFund}},
		&services.AcceptCertificateDiscounting{Actor: "tier1", ID: "f1", PieceID: "c1"})

	w.must(&services.CreateOrganization{Org: linkfin.Organization{ID: "port", Name: "Port Logistics", Capabilities: []linkfin.Capability{linkfin.CapLogistics}}},
		&services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "po-2", Number: "PO-2", SellerID: "tier1",
			ProgramID: "auto-scf", Currency: "CNY", Lines: []linkfin.POLine{{LineID: "L1", Item: "part", Quantity: 1, Unit: "pc", UnitPrice: 100_00}}}},
		&services.AcceptPurchaseOrder{Actor: "tier1", ID: "po-2"},
		&services.CreateShipment{Actor: "tier1", Shipment: linkfin.Shipment{ID: "sh-1", POID: "po-2", CarrierID: "port"}},
		&services.ReportShipmentEvent{Actor: "port", ShipmentID: "sh-1", Status: linkfin.ShipmentPickedUp},
		&services.SetCapabilities{OrgID: "port", Capabilities: []linkfin.Capability{linkfin.CapTrade}})
	w.refused(&services.ReportShipmentEvent{Actor: "port", ShipmentID: "sh-1", Status: linkfin.ShipmentDelivered}, linkfin.EFORBIDDEN)
	w.must(&services.SetCapabilities{OrgID: "port", Capabilities: []linkfin.Capability{linkfin.CapLogistics}},
		&services.ReportShipmentEvent{Actor: "port", ShipmentID: "sh-1", Status: linkfin.ShipmentDelivered})

	key := ed25519.NewKeyFromSeed(make([]byte, ed25519.SeedSize))
	w.must(&services.IssueWarehouseReceipt{Actor: "port", Receipt: linkfin.WarehouseReceipt{ID: "R1", OwnerID: "tier1", LotID: "LOT-1",
		Commodity: "copper", Quantity: 10, Unit: "t"}},
		&services.RegisterDevice{Actor: "port", Device: linkfin.Device{ID: "d1", LotID: "LOT-1", PublicKey: key.Public().(ed25519.PublicKey)}},
		&services.SetCapabilities{OrgID: "port", Capabilities: []linkfin.Capability{linkfin.CapTrade}})
	r := linkfin.Reading{DeviceID: "d1", ReceiptID: "R1", Sequence: 1, ReadAt: w.now, Quantity: 9}
	r.Sign(key)
	w.refused(&services.ReportTelemetry{Actor: "port", ReceiptID: "R1", Reading: r}, linkfin.EFORBIDDEN)
	w.must(&services.SetCapabilities{OrgID: "port", Capabilities: []linkfin.Capability{linkfin.CapLogistics}},
		&services.ReportTelemetry{Actor: "port", ReceiptID: "R1", Reading: r})
}

// An organization whose trade capability the operator withdraws mid-workflow makes no
// more trade through the relationships it formed before: each of its acts as a buyer
// or a seller (ordering, accepting an order, receiving the goods, invoicing, approving,
// crediting) is refused as a new relationship with it is, 400 invalid, in the same
// words, and logs nothing. Granted again, each act goes on.
func TestTradeWithdrawnMidWorkflow(t *testing.T) {
	w := newWorld(t)
	parties(w)
	withdrawn := func(org string, c linkfin.Command) { t.Helper(); notTrading(w, org, c) }
	order := linkfin.PurchaseOrder{ID: "po-1", Number: "PO-1", SellerID: "tier1", ProgramID: "auto-scf", Currency: "CNY",
		Lines: []linkfin.POLine{{LineID: "L1", Item: "part", Quantity: 10, Unit: "pc", UnitPrice: 100_00}}}
	withdrawn("anchor", &services.CreatePurchaseOrder{Actor: "anchor", Order: order})
	withdrawn("tier1", &services.AcceptPurchaseOrder{Actor: "tier1", ID: "po-1"})
	withdrawn("anchor", &services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "gr-1", POID: "po-1",
		Lines: []linkfin.ReceiptLine{{LineID: "L1", Accepted: 10}}}})
	withdrawn("tier1", &services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: "inv-1", Number: "INV-1", BuyerID: "anchor",
		POID: "po-1", Currency: "CNY", IssueDate: day(t, "2026-11-02"), DueDate: day(t, "2027-01-29"),
		Lines: []linkfin.InvoiceLine{{LineID: "L1", Quantity: 10, UnitPrice: 100_00, Amount: 1000_00}}, Total: 1000_00}})
	withdrawn("anchor", &services.ApproveInvoice{Actor: "anchor", ID: "inv-1"})
	withdrawn("tier1", &services.CreateCreditNote{Actor: "tier1", InvoiceNumber: "INV-1",
		Note: linkfin.CreditNote{ID: "cn-1", Number: "CN-1", Amount: 10_00, Reason: "one part short"}})
}

// notTrading withdraws org's trade capability, wants c refused as a relationship
// proposed with org is (400 invalid, in the same words), with nothing logged, then
// grants the capability again (with anchor, to the anchor) and wants c to go on.
func notTrading(w *world, org string, c linkfin.Command) {
	t := w.t
	t.Helper()
	w.must(&services.SetCapabilities{OrgID: org, Capabilities: []linkfin.Capability{linkfin.CapFund}})
	other := "tier2"
	if org == other {
		other = "tier1"
	}
	_, want := run[linkfin.Relationship](w, &services.ProposeRelationship{Actor: other, BuyerID: org, SellerID: other})
	if want == nil {
		t.Fatalf("a relationship with %s, which does not trade, was proposed", org)
	}
	w.refused(c, linkfin.EINVALID)
	if _, err := run[json.RawMessage](w, c); err == nil || err.Error() != want.Error() {
		t.Fatalf("%T by %s, which does not trade: %v, want %v", c, org, err, want)
	}
	caps := []linkfin.Capability{linkfin.CapTrade}
	if org == "anchor" {
		caps = append(caps, linkfin.CapAnchor)
	}
	w.must(&services.SetCapabilities{OrgID: org, Capabilities: caps}, c)
}

// A seller or a buyer whose trade capability the operator withdraws asks for no
// financing and accepts no quote, in any product, and passes no certificate on, as
// it would be refused a new relationship (400 invalid), until it trades again; what
// it financed before still settles.
func TestTradeWithdrawnFinancing(t *testing.T) {
	w := newWorld(t)
	parties(w)
	p1 := payable(w, "1", 1000, 1_000_00, "2027-01-29")
	p2 := payable(w, "2", 999, 1_000_00, "2027-01-29")
	p3 := payable(w, "3", 100, 1_000_00, "2027-01-29")
	w.must(&services.IssueCertificate{Actor: "anchor", ID: "c1", ProgramID: "auto-scf", PayableIDs: []string{p1.ID}},
		&services.IssueCertificate{Actor: "anchor", ID: "c2", ProgramID: "auto-scf", PayableIDs: []string{p2.ID}})
	notTrading(w, "tier1", &services.RequestCertificateDiscounting{Actor: "tier1", ID: "f1", ProgramID: "auto-scf", PieceID: "c1", FunderID: "bank"})
	notTrading(w, "tier1", &services.AcceptCertificateDiscounting{Actor: "tier1", ID: "f1", PieceID: "c1"})
	notTrading(w, "tier1", &services.TransferCertificate{Actor: "tier1", ID: "c2", To: "tier2", Amount: 100_00, NewID: "c2-a", RemainderID: "c2-b"})
	notTrading(w, "tier1", &services.RequestFactoring{Actor: "tier1", ID: "fx", PayableID: p3.ID, ProgramID: "auto-scf", FunderID: "bank"})
	notTrading(w, "tier1", &services.AcceptFactoring{Actor: "tier1", ID: "fx", PayableID: p3.ID})
	r := rate(t, "0.072")

	// An advance on an order, and an early payment by the anchor, asked for by the seller.
	w.must(&services.CreateProgram{Actor: "anchor", Program: linkfin.Program{ID: "po", Name: "Orders", Currency: "CNY", Limit: 10_000_000_00,
		Products: []linkfin.Product{linkfin.ProductPOFinancing, linkfin.ProductDynamicDiscounting}, MaxTenorDays: 90, AdvanceRate: rate(t, "0.8"),
		DayCount: linkfin.ACT360, Calendar: "CN", EarlyPaymentAPR: new(rate(t, "0.06")),
		Tolerances: linkfin.MatchTolerances{QuantityRate: rate(t, "0.02"), PriceRate: rate(t, "0.01")}}},
		&services.InviteFunder{Actor: "anchor", ProgramID: "po", FunderID: "bank", Limit: 1_000_000_00, Pricing: linkfin.Pricing{FixedRate: &r}},
		&services.AcceptFunder{Actor: "bank", ProgramID: "po"},
		&services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "po-a", Number: "PO-A", SellerID: "tier1", ProgramID: "po",
			Currency: "CNY", Lines: []linkfin.POLine{{LineID: "L1", Item: "part", Quantity: 10, Unit: "pc", UnitPrice: 1_000_00}}}},
		&services.AcceptPurchaseOrder{Actor: "tier1", ID: "po-a"})
	notTrading(w, "tier1", &services.RequestPOFinancing{Actor: "tier1", ID: "pf", POID: "po-a", ProgramID: "po", FunderID: "bank"})
	notTrading(w, "tier1", &services.AcceptPOFinancing{Actor: "tier1", ID: "pf", POID: "po-a"})
	p4 := payableUnder(w, "po", "4", 7, 1_000_00, "2027-01-29")
	w.must(&services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-dd", OrgID: "anchor", Currency: "CNY", Amount: 7_000_00})
	notTrading(w, "tier1", &services.RequestDynamicDiscounting{Actor: "tier1", ID: "dd", PayableID: p4.ID, ProgramID: "po"})
	notTrading(w, "tier1", &services.AcceptDynamicDiscounting{Actor: "tier1", ID: "dd", PayableID: p4.ID})

	// The buyer's side: a distributor financing its order to the anchor.
	dealerOrder(w, false)
	notTrading(w, "dealer", &services.RequestDistributorFinancing{Actor: "dealer", ID: "d1", POID: "dpo", ProgramID: "dist", FunderID: "bank"})
	notTrading(w, "dealer", &services.AcceptDistributorFinancing{Actor: "dealer", ID: "d1", POID: "dpo"})

	// What was financed stays financed: the factored payable is collected, and the
	// seller paid its reserve, while the seller does not trade.
	w.must(&services.DisburseFinancing{Actor: "bank", ID: "fx"},
		&services.SetCapabilities{OrgID: "tier1", Capabilities: []linkfin.Capability{linkfin.CapFund}},
		&services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-fx", OrgID: "anchor", Currency: "CNY", Amount: 100_000_00})
	w.now = time.Date(2027, 1, 29, 9, 0, 0, 0, time.UTC)
	if f, err := run[linkfin.Financing](w, &services.CollectFactored{ID: "fx"}); err != nil || f.Status != linkfin.FinancingSettled {
		t.Fatalf("the factored payable at its due date, its seller no longer trading: %+v, %v", f, err)
	}
}

// dealerOrder: dealer, a trading buyer of the anchor's, orders 2 sedans at 100,000.00
// from the anchor (order dpo, accepted) under the anchor's program dist of
// distributor financing, which bank funds at 7.2 % (with the anchor buying back a loan
// overdue, when buyBack).
func dealerOrder(w *world, buyBack bool) {
	t := w.t
	t.Helper()
	r := rate(t, "0.072")
	w.must(&services.CreateOrganization{Org: linkfin.Organization{ID: "dealer", Name: "Dealer", Capabilities: []linkfin.Capability{linkfin.CapTrade}}},
		&services.ProposeRelationship{Actor: "dealer", BuyerID: "dealer", SellerID: "anchor"},
		&services.AcceptRelationship{Actor: "anchor", BuyerID: "dealer", SellerID: "anchor"},
		&services.CreateProgram{Actor: "anchor", Program: linkfin.Program{ID: "dist", Name: "Dealer finance", Currency: "CNY", Limit: 10_000_000_00,
			Products: []linkfin.Product{linkfin.ProductDistributorFinancing}, MaxTenorDays: 90, AdvanceRate: rate(t, "0.8"),
			DayCount: linkfin.ACT360, Calendar: "CN", BuyBack: buyBack}},
		&services.InviteFunder{Actor: "anchor", ProgramID: "dist", FunderID: "bank", Limit: 1_000_000_00, Pricing: linkfin.Pricing{FixedRate: &r}},
		&services.AcceptFunder{Actor: "bank", ProgramID: "dist"},
		&services.CreatePurchaseOrder{Actor: "dealer", Order: linkfin.PurchaseOrder{ID: "dpo", Number: "DPO-1", SellerID: "anchor", ProgramID: "dist",
			Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "sedan", Quantity: 2, Unit: "car", UnitPrice: 100_000_00}}}},
		&services.AcceptPurchaseOrder{Actor: "anchor", ID: "dpo"})
}

// The acts beyond trade itself that take an organization's trade further are refused
// too, once the operator withdraws its trade capability, as a new relationship with it
// is (400 invalid, in the same words), and log nothing: a buyer's change of its payment
// terms; a conditional payment, whose payer buys and whose payee sells; a certificate
// passed to a recipient that does not trade; a self-billed invoice, for a seller that
// does not; a warehouse pledge's request and acceptance by its borrower; and the
// anchor's offer to pay early a seller that could not accept it. Granted again, each
// goes on.
func TestTradeWithdrawnBeyondTrade(t *testing.T) {
	w := newWorld(t)
	parties(w)
	w.must(&services.RecordInboundPayment{Rail: "bank", InstructionID: "dep-anchor", OrgID: "anchor", Currency: "CNY", Amount: 100_000_00})
	notTrading(w, "anchor", &services.SetPaymentTerms{Actor: "anchor", BuyerID: "anchor", SellerID: "tier1", Days: 60})

	// A conditional payment on an order accepted: neither its payer nor its payee trades.
	w.must(&services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "po-c", Number: "PO-C", SellerID: "tier1",
		ProgramID: "auto-scf", Currency: "CNY", Lines: []linkfin.POLine{{LineID: "L1", Item: "part", Quantity: 10, Unit: "pc", UnitPrice: 100_00}}}},
		&services.AcceptPurchaseOrder{Actor: "tier1", ID: "po-c"})
	cp := func(id string) linkfin.Command {
		return &services.CreateConditionalPayment{Actor: "anchor", ID: id, In: linkfin.ConditionalPaymentIn{PayeeID: "tier1", Currency: "CNY",
			Amount: 1_000_00, Condition: linkfin.ConditionIn{Type: linkfin.ConditionGoodsReceived, POID: "po-c"}}}
	}
	notTrading(w, "anchor", cp("cp-1"))
	notTrading(w, "tier1", cp("cp-2"))
	// What was made stays so: both sides cancel a payment while neither trades.
	w.must(&services.SetCapabilities{OrgID: "anchor", Capabilities: []linkfin.Capability{linkfin.CapAnchor}},
		&services.SetCapabilities{OrgID: "tier1", Capabilities: []linkfin.Capability{linkfin.CapFund}},
		&services.CancelConditionalPayment{Actor: "anchor", ID: "cp-1"}, &services.CancelConditionalPayment{Actor: "tier1", ID: "cp-1"},
		&services.SetCapabilities{OrgID: "anchor", Capabilities: []linkfin.Capability{linkfin.CapAnchor, linkfin.CapTrade}},
		&services.SetCapabilities{OrgID: "tier1", Capabilities: []linkfin.Capability{linkfin.CapTrade}})
	if c, err := run[linkfin.ConditionalPayment](w, &services.CancelConditionalPayment{Actor: "tier1", ID: "cp-1"}); linkfin.ErrorCode(err) != linkfin.ECONDITIONCLOSED {
		t.Fatalf("cancelled by both sides while neither traded: %+v, %v", c, err)
	}

	// A self-billed invoice the anchor issues for tier1, which no longer sells.
	notTrading(w, "tier1", &services.CreateInvoice{Actor: "anchor", Invoice: linkfin.Invoice{ID: "inv-sb", Number: "SB-1", BuyerID: "anchor",
		SellerID: "tier1", SelfBilled: true, POID: "po-c", Currency: "CNY", IssueDate: day(t, "2026-11-02"), DueDate: day(t, "2027-01-29"),
		Lines: []linkfin.InvoiceLine{{LineID: "L1", Quantity: 10, UnitPrice: 100_00, Amount: 1000_00}}, Total: 1000_00}})

	// A piece passed down to tier2, and a piece of it back up to tier1: each recipient
	// no longer trades.
	p := payable(w, "1", 1000, 1_000_00, "2027-01-29")
	w.must(&services.IssueCertificate{Actor: "anchor", ID: "c1", ProgramID: "auto-scf", PayableIDs: []string{p.ID}})
	notTrading(w, "tier2", &services.TransferCertificate{Actor: "tier1", ID: "c1", To: "tier2", Amount: 100_00, NewID: "c1-a", RemainderID: "c1-b"})
	notTrading(w, "tier1", &services.TransferCertificate{Actor: "tier2", ID: "c1-a", To: "tier1", Amount: 10_00, NewID: "c1-c", RemainderID: "c1-d"})

	// A loan on tier1's copper in the port's warehouse.
	ltv, r := rate(t, "0.75"), rate(t, "0.05")
	w.must(&services.CreateOrganization{Org: linkfin.Organization{ID: "port", Name: "Port Warehouse", Capabilities: []linkfin.Capability{linkfin.CapLogistics}}},
		&services.CreateProgram{Actor: "anchor", Program: linkfin.Program{ID: "wh", Name: "Metals pledge", Currency: "CNY", Limit: 50_000_000_00,
			Products: []linkfin.Product{linkfin.ProductWarehousePledge}, MaxTenorDays: 90, AdvanceRate: rate(t, "0.6"), MarginCallLTV: &ltv,
			DayCount: linkfin.ACT360, Calendar: "CN"}},
		&services.InviteFunder{Actor: "anchor", ProgramID: "wh", FunderID: "bank", Limit: 1_000_000_00, Pricing: linkfin.Pricing{FixedRate: &r}},
		&services.AcceptFunder{Actor: "bank", ProgramID: "wh"},
		&services.MarkPrice{Mark: linkfin.PriceMark{ID: "copper", Currency: "CNY", Price: 60_000_00}},
		&services.IssueWarehouseReceipt{Actor: "port", Receipt: linkfin.WarehouseReceipt{ID: "R1", OwnerID: "tier1", LotID: "LOT-1",
			Commodity: "copper", Quantity: 10, Unit: "t"}})
	notTrading(w, "tier1", &services.RequestPledgeLoan{Actor: "tier1", ID: "wl", ReceiptID: "R1", ProgramID: "wh", FunderID: "bank"})
	notTrading(w, "tier1", &services.AcceptPledgeLoan{Actor: "tier1", ID: "wl", ReceiptID: "R1"})

	// The anchor's offer to pay tier1 early.
	w.must(&services.CreateProgram{Actor: "anchor", Program: linkfin.Program{ID: "dd", Name: "Early payment", Currency: "CNY", Limit: 10_000_000_00,
		Products: []linkfin.Product{linkfin.ProductDynamicDiscounting}, MaxTenorDays: 180, AdvanceRate: rate(t, "0.8"),
		DayCount: linkfin.ACT360, Calendar: "CN", EarlyPaymentAPR: new(rate(t, "0.06"))}})
	p2 := payableUnder(w, "dd", "2", 7, 1_000_00, "2027-01-29")
	notTrading(w, "tier1", &services.OfferDynamicDiscounting{Actor: "anchor", ID: "dd-1", PayableID: p2.ID, ProgramID: "dd"})
}

// An organization that does not trade is offered nothing it could not take: each
// offer on what it holds or sells (certificate discounting, factoring, the anchor's
// early payment) is listed among the refusals, with the code and the words a request
// of it gets (400 invalid, 'organization … does not trade'), until it trades again.
func TestTradeWithdrawnOffers(t *testing.T) {
	w := newWorld(t)
	parties(w)
	p := payable(w, "1", 1000, 1_000_00, "2027-01-29")
	w.must(&services.IssueCertificate{Actor: "anchor", ID: "c1", ProgramID: "auto-scf", PayableIDs: []string{p.ID}})
	payable(w, "2", 100, 1_000_00, "2027-01-29")
	w.must(&services.CreateProgram{Actor: "anchor", Program: linkfin.Program{ID: "dd", Name: "Early payment", Currency: "CNY", Limit: 10_000_000_00,
		Products: []linkfin.Product{linkfin.ProductDynamicDiscounting}, MaxTenorDays: 180, AdvanceRate: rate(t, "0.8"),
		DayCount: linkfin.ACT360, Calendar: "CN", EarlyPaymentAPR: new(rate(t, "0.06"))}})
	payableUnder(w, "dd", "3", 7, 1_000_00, "2027-01-29")
	offers := func() (taken, refused []string) {
		t.Helper()
		got, err := services.Offers(context.Background(), w.db, linkfin.Viewer{Org: "tier1"}, w.now)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range got {
			for _, o := range a.Offers {
				taken = append(taken, fmt.Sprintf("%s %s %s", a.AssetID, o.Product, o.FunderID))
			}
			for _, o := range a.Refused {
				refused = append(refused, fmt.Sprintf("%s %s %s %s: %s", a.AssetID, o.Product, o.FunderID, o.Code, o.Message))
			}
		}
		return taken, refused
	}
	live, none := offers()
	if len(live) != 3 || len(none) != 0 {
		t.Fatalf("tier1, which trades, is offered %q and refused %q; want three offers", live, none)
	}
	w.must(&services.SetCapabilities{OrgID: "tier1", Capabilities: []linkfin.Capability{linkfin.CapFund}})
	_, want := run[linkfin.Financing](w, &services.RequestFactoring{Actor: "tier1", ID: "fx", PayableID: "pay-inv-2", ProgramID: "auto-scf", FunderID: "bank"})
	if linkfin.ErrorCode(want) != linkfin.EINVALID {
		t.Fatalf("a request by tier1, which does not trade: %v", want)
	}
	taken, refused := offers()
	if len(taken) != 0 || len(refused) != len(live) {
		t.Fatalf("tier1, which does not trade, is offered %q and refused %q; want none offered, %d refused", taken, refused, len(live))
	}
	for i, r := range refused {
		if w := fmt.Sprintf("%s invalid: %s", live[i], linkfin.ErrorMessage(want)); r != w {
			t.Errorf("refused %q, want %q", r, w)
		}
	}
	w.must(&services.SetCapabilities{OrgID: "tier1", Capabilities: []linkfin.Capability{linkfin.CapTrade}})
	if again, _ := offers(); len(again) != len(live) {
		t.Fatalf("tier1, trading again, is offered %q, want %q", again, live)
	}
}

// An anchor that no longer trades (the operator withdrew its trade capability; it is
// still an anchor) makes no new trade: it offers to pay no payable early and issues
// no certificate, each refused as a new relationship with it is (400 invalid,
// 'organization anchor does not trade'), with nothing logged. Granted trade again, it
// does both.
func TestAnchorNotTrading(t *testing.T) {
	w := newWorld(t)
	parties(w)
	earlyPaymentProgram(w)
	early, owed := payableUnder(w, "dd", "1", 7, 1_000_00, "2027-01-29"), payable(w, "2", 9, 1_000_00, "2027-01-29")
	offer := &services.OfferDynamicDiscounting{Actor: "anchor", ID: "dd-1", PayableID: early.ID, ProgramID: "dd"}
	issue := &services.IssueCertificate{Actor: "anchor", ID: "c1", ProgramID: "auto-scf", PayableIDs: []string{owed.ID}}

	w.must(&services.SetCapabilities{OrgID: "anchor", Capabilities: []linkfin.Capability{linkfin.CapAnchor}})
	for _, c := range []linkfin.Command{offer, issue} {
		w.refused(c, linkfin.EINVALID)
		if _, err := run[json.RawMessage](w, c); linkfin.ErrorMessage(err) != "organization anchor does not trade" {
			t.Fatalf("%T by an anchor that does not trade: %v", c, err)
		}
	}
	w.must(&services.SetCapabilities{OrgID: "anchor", Capabilities: []linkfin.Capability{linkfin.CapAnchor, linkfin.CapTrade}}, offer, issue)
}

// refusedNotTrading withdraws org's trade capability (the anchor stays an anchor),
// wants c refused as a relationship proposed with org is, 400 invalid,
// 'organization org does not trade', with nothing logged and no wallet changed, then
// grants trade again and wants c to go on.
func refusedNotTrading(w *world, org string, c linkfin.Command) {
	t := w.t
	t.Helper()
	keep, again := []linkfin.Capability{linkfin.CapFund}, []linkfin.Capability{linkfin.CapTrade}
	if org == "anchor" {
		keep, again = []linkfin.Capability{linkfin.CapAnchor}, []linkfin.Capability{linkfin.CapAnchor, linkfin.CapTrade}
	}
	w.must(&services.SetCapabilities{OrgID: org, Capabilities: keep})
	orgs := []string{"anchor", "tier1", "tier2", "bank", "dealer"}
	before := make([]int64, len(orgs))
	for i, o := range orgs {
		before[i] = w.wallet(o)
	}
	w.refused(c, linkfin.EINVALID)
	if _, err := run[json.RawMessage](w, c); linkfin.ErrorMessage(err) != "organization "+org+" does not trade" {
		t.Fatalf("%T, %s not trading: %v", c, org, err)
	}
	for i, o := range orgs {
		if got := w.wallet(o); got != before[i] {
			t.Fatalf("%T was refused but %s's wallet went from %d to %d", c, o, before[i], got)
		}
	}
	w.must(&services.SetCapabilities{OrgID: org, Capabilities: again}, c)
}

// An early payment by dynamic discounting is the anchor paying its seller, however it
// is asked for: an anchor that no longer trades (an anchor still) pays no seller early
// when the seller asks, nor when the seller accepts a quote or takes the offer, each
// refused as its own offer is (400 invalid, 'organization anchor does not trade'),
// with nothing logged and no money moved, and the seller's offers list that offer
// among the refusals, in those words. A distributor loan pays the anchor for the
// distributor's order: while the anchor does not trade, none is asked for or
// accepted. Granted trade again, each goes on.
func TestAnchorNotTradingPays(t *testing.T) {
	w := newWorld(t)
	parties(w)
	earlyPaymentProgram(w)
	asked := payableUnder(w, "dd", "1", 7, 1_000_00, "2027-01-29")
	refusedNotTrading(w, "anchor", &services.RequestDynamicDiscounting{Actor: "tier1", ID: "dd-1", PayableID: asked.ID, ProgramID: "dd"})
	refusedNotTrading(w, "anchor", &services.AcceptDynamicDiscounting{Actor: "tier1", ID: "dd-1", PayableID: asked.ID})

	taken := payableUnder(w, "dd", "2", 9, 1_000_00, "2027-01-29")
	early := func() (price int64, refused []string) {
		t.Helper()
		got, err := services.Offers(context.Background(), w.db, linkfin.Viewer{Org: "tier1"}, w.now)
		if err != nil {
			t.Fatal(err)
		}
		for _, a := range got {
			if a.AssetID != taken.ID {
				continue
			}
			for _, o := range a.Offers {
				price = o.Quote.Price
			}
			for _, o := range a.Refused {
				refused = append(refused, fmt.Sprintf("%s %s %s: %s", o.Product, o.FunderID, o.Code, o.Message))
			}
		}
		return price, refused
	}
	price, none := early()
	if price == 0 || len(none) != 0 {
		t.Fatalf("the anchor, trading, offers %d and refuses %q", price, none)
	}
	w.must(&services.SetCapabilities{OrgID: "anchor", Capabilities: []linkfin.Capability{linkfin.CapAnchor}})
	want := []string{"dynamic_discounting anchor invalid: organization anchor does not trade"}
	if got, refused := early(); got != 0 || fmt.Sprint(refused) != fmt.Sprint(want) {
		t.Fatalf("the anchor, not trading, offers %d and refuses %q; want none offered, %q refused", got, refused, want)
	}
	refusedNotTrading(w, "anchor", &services.TakeOffer{Actor: "tier1", Product: linkfin.ProductDynamicDiscounting, AssetID: taken.ID,
		ProgramID: "dd", FunderID: "anchor", Price: price})

	dealerOrder(w, false)
	refusedNotTrading(w, "anchor", &services.RequestDistributorFinancing{Actor: "dealer", ID: "d1", POID: "dpo", ProgramID: "dist", FunderID: "bank"})
	refusedNotTrading(w, "anchor", &services.AcceptDistributorFinancing{Actor: "dealer", ID: "d1", POID: "dpo"})
}

// A certificate is what the anchor owes, passed to the seller it owes: a seller that
// no longer trades is issued none, as it is passed no piece (400 invalid,
// 'organization tier1 does not trade'), with nothing logged and its payable still
// open. A purpose-bound wallet's payment pays for trade, as a conditional payment
// from it does: while its holder or its payee does not trade, none is made, and no
// money moves. Granted trade again, each goes on.
func TestSellerNotTradingIsPaidNothing(t *testing.T) {
	w := newWorld(t)
	parties(w)
	p := payable(w, "1", 1000, 1_000_00, "2027-01-29")
	refusedNotTrading(w, "tier1", &services.IssueCertificate{Actor: "anchor", ID: "c1", ProgramID: "auto-scf", PayableIDs: []string{p.ID}})

	w.must(&services.RecordInboundPayment{Rail: "bank", InstructionID: "dep-anchor", OrgID: "anchor", Currency: "CNY", Amount: 100_000_00})
	b, err := run[linkfin.BoundWallet](w, &services.OpenBoundWallet{Actor: "anchor", In: linkfin.BoundWalletIn{HolderID: "tier1", Currency: "CNY",
		PayeeIDs: []string{"tier2"}, Purpose: "castings from tier2", Amount: 1_000_00}})
	if err != nil {
		t.Fatal(err)
	}
	refusedNotTrading(w, "tier1", &services.PayFromBoundWallet{Actor: "tier1", ID: b.ID, PayeeID: "tier2", Amount: 100_00})
	refusedNotTrading(w, "tier2", &services.PayFromBoundWallet{Actor: "tier1", ID: b.ID, PayeeID: "tier2", Amount: 100_00})
	if got := w.wallet("tier2"); got != 200_00 {
		t.Fatalf("tier2 was paid %d from the wallet, want 200_00", got)
	}
}

// earlyPaymentProgram adds the anchor's dynamic-discounting program "dd" (6 % a year)
// and 100,000.00 in the anchor's wallet to pay early from.
func earlyPaymentProgram(w *world) {
	t := w.t
	w.must(&services.CreateProgram{Actor: "anchor", Program: linkfin.Program{ID: "dd", Name: "Early payment", Currency: "CNY", Limit: 10_000_000_00,
		Products: []linkfin.Product{linkfin.ProductDynamicDiscounting}, MaxTenorDays: 180, AdvanceRate: rate(t, "0.8"),
		DayCount: linkfin.ACT360, Calendar: "CN", EarlyPaymentAPR: new(rate(t, "0.06"))}},
		&services.RecordInboundPayment{Rail: "bank", InstructionID: "dep-anchor", OrgID: "anchor", Currency: "CNY", Amount: 100_000_00})
}
