package services_test

import (
	"crypto/ed25519"
	"encoding/json"
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
	_, want := run[linkfin.Relationship](w, &services.ProposeRelationship{Actor: "tier2", BuyerID: org, SellerID: "tier2"})
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
	w.must(&services.CreateOrganization{Org: linkfin.Organization{ID: "dealer", Name: "Dealer", Capabilities: []linkfin.Capability{linkfin.CapTrade}}},
		&services.ProposeRelationship{Actor: "dealer", BuyerID: "dealer", SellerID: "anchor"},
		&services.AcceptRelationship{Actor: "anchor", BuyerID: "dealer", SellerID: "anchor"},
		&services.CreateProgram{Actor: "anchor", Program: linkfin.Program{ID: "dist", Name: "Dealer finance", Currency: "CNY", Limit: 10_000_000_00,
			Products: []linkfin.Product{linkfin.ProductDistributorFinancing}, MaxTenorDays: 90, AdvanceRate: rate(t, "0.8"),
			DayCount: linkfin.ACT360, Calendar: "CN"}},
		&services.InviteFunder{Actor: "anchor", ProgramID: "dist", FunderID: "bank", Limit: 1_000_000_00, Pricing: linkfin.Pricing{FixedRate: &r}},
		&services.AcceptFunder{Actor: "bank", ProgramID: "dist"},
		&services.CreatePurchaseOrder{Actor: "dealer", Order: linkfin.PurchaseOrder{ID: "dpo", Number: "DPO-1", SellerID: "anchor", ProgramID: "dist",
			Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "sedan", Quantity: 2, Unit: "car", UnitPrice: 100_000_00}}}},
		&services.AcceptPurchaseOrder{Actor: "anchor", ID: "dpo"})
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
