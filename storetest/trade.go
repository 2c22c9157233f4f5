package storetest

import (
	"fmt"
	"slices"
	"testing"

	"linkfin"
	"linkfin/services"
)

// tradeFixture: an anchor buying from tier1 under a program, and tier2, a stranger to
// the anchor.
func tradeFixture(t *testing.T, env *Env) {
	t.Helper()
	caps := func(cs ...linkfin.Capability) []linkfin.Capability { return cs }
	for _, o := range []linkfin.Organization{
		{ID: "anchor", Name: "Core Auto Group", Capabilities: caps(linkfin.CapAnchor, linkfin.CapTrade), BankAccount: bankAccount("6222020200100000011")},
		{ID: "tier1", Name: "Tier One Parts", Capabilities: caps(linkfin.CapTrade), BankAccount: bankAccount("6217000010000000022")},
		{ID: "tier2", Name: "Tier Two Castings", Capabilities: caps(linkfin.CapTrade), BankAccount: bankAccount("6228480010000000033")},
	} {
		mustRun(t, env, &services.CreateOrganization{Org: o})
	}
	mustRun(t, env, &services.ProposeRelationship{Actor: "anchor", BuyerID: "anchor", SellerID: "tier1"})
	mustRun(t, env, &services.AcceptRelationship{Actor: "tier1", BuyerID: "anchor", SellerID: "tier1"})
	prog := linkfin.Program{ID: "auto-scf", Name: "Core Auto supplier finance", Currency: "CNY", Limit: 500_000_000_00,
		Products: []linkfin.Product{linkfin.ProductCertificateDiscounting}, MaxTenorDays: 180,
		AdvanceRate: mustRate(t, "0.8"), DayCount: linkfin.ACT360, Calendar: "CN",
		Tolerances: linkfin.MatchTolerances{QuantityRate: mustRate(t, "0.02"), PriceRate: mustRate(t, "0.01"), AmountAbs: 100_00}}
	late := mustRate(t, "0.072")
	prog.LateRate = &late
	mustRun(t, env, &services.CreateProgram{Actor: "anchor", Program: prog})
}

func date(t *testing.T, s string) linkfin.Date {
	d, err := linkfin.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// testTrade walks a purchase order through goods receipt, invoice, three-way match
// and the buyer's approval into a payable, with the refusals of each step.
func testTrade(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	tradeFixture(t, env)
	type po = linkfin.PurchaseOrder
	order := linkfin.PurchaseOrder{ID: "po-1", Number: "po-1", SellerID: "tier1", ProgramID: "auto-scf", Currency: "CNY", Lines: []linkfin.POLine{
		{LineID: "L1", Item: "brake disc", Quantity: 1000, Unit: "pc", UnitPrice: 12_50},
		{LineID: "L2", Item: "caliper", Quantity: 200, Unit: "pc", UnitPrice: 99_00},
	}}

	// Only a buyer with an active relationship orders; the lines must make sense.
	if _, err := run[po](t, env, &services.CreatePurchaseOrder{Actor: "tier2", Order: order}); !refusal(err, linkfin.EFORBIDDEN, "needs an active relationship") {
		t.Fatalf("an order without a relationship: %v", err)
	}
	bad := order
	bad.Lines = []linkfin.POLine{{LineID: "L1", Item: "x", Quantity: 0, Unit: "pc", UnitPrice: 1}}
	if _, err := run[po](t, env, &services.CreatePurchaseOrder{Actor: "anchor", Order: bad}); !refusal(err, linkfin.EINVALID, "quantity is a positive whole number") {
		t.Fatalf("a line of zero: %v", err)
	}
	got, err := run[po](t, env, &services.CreatePurchaseOrder{Actor: "anchor", Order: order})
	if err != nil || got.Total != 1000*12_50+200*99_00 || got.Lines[0].Amount != 12_500_00 || got.Status != linkfin.POIssued ||
		got.Tolerances.AmountAbs != 100_00 {
		t.Fatalf("order: %+v, %v", got, err)
	}
	if _, err := run[po](t, env, &services.AcceptPurchaseOrder{Actor: "anchor", ID: "po-1"}); !refusal(err, linkfin.EFORBIDDEN, "only the seller accepts an order") {
		t.Fatalf("the buyer accepts its own order: %v", err)
	}
	if _, err := run[po](t, env, &services.AcceptPurchaseOrder{Actor: "tier2", ID: "po-1"}); !refusal(err, linkfin.ENOTFOUND, "purchase order po-1 not found") {
		t.Fatalf("a stranger sees the order: %v", err)
	}
	if got, err = run[po](t, env, &services.AcceptPurchaseOrder{Actor: "tier1", ID: "po-1"}); err != nil || got.Status != linkfin.POAccepted {
		t.Fatalf("accept: %+v, %v", got, err)
	}

	// The goods travel: the seller ships with a logistics operator, which alone reports.
	if _, err := run[services.OrganizationResult](t, env, &services.CreateOrganization{Org: linkfin.Organization{
		ID: "wh", Name: "Port Logistics", Capabilities: []linkfin.Capability{linkfin.CapLogistics}}}); err != nil {
		t.Fatal(err)
	}
	type sh = linkfin.Shipment
	ship := linkfin.Shipment{ID: "sh-1", POID: "po-1", CarrierID: "wh"}
	if _, err := run[sh](t, env, &services.CreateShipment{Actor: "anchor", Shipment: ship}); !refusal(err, linkfin.EFORBIDDEN, "only the seller, or a logistics operator") {
		t.Fatalf("the buyer ships: %v", err)
	}
	noCarrier := linkfin.Shipment{ID: "sh-x", POID: "po-1", CarrierID: "tier2"}
	if _, err := run[sh](t, env, &services.CreateShipment{Actor: "tier1", Shipment: noCarrier}); !refusal(err, linkfin.EINVALID, "tier2 is not a logistics operator") {
		t.Fatalf("a carrier that is no logistics operator: %v", err)
	}
	mustRun(t, env, &services.CreateShipment{Actor: "tier1", Shipment: ship})
	// The logistics operator announces a shipment itself once the seller buys carriage
	// from it, naming itself; before, the order is not found for it.
	byCarrier := linkfin.Shipment{ID: "sh-2", POID: "po-1", CarrierID: "wh"}
	if _, err := run[sh](t, env, &services.CreateShipment{Actor: "wh", Shipment: byCarrier}); !refusal(err, linkfin.ENOTFOUND, "purchase order po-1 not found") {
		t.Fatalf("a carrier the seller does not buy from ships: %v", err)
	}
	mustRun(t, env, &services.ProposeRelationship{Actor: "tier1", BuyerID: "tier1", SellerID: "wh"})
	mustRun(t, env, &services.AcceptRelationship{Actor: "wh", BuyerID: "tier1", SellerID: "wh"})
	if _, err := run[services.OrganizationResult](t, env, &services.CreateOrganization{Org: linkfin.Organization{
		ID: "wh2", Name: "Other Logistics", Capabilities: []linkfin.Capability{linkfin.CapLogistics}}}); err != nil {
		t.Fatal(err)
	}
	other := linkfin.Shipment{ID: "sh-2", POID: "po-1", CarrierID: "wh2"}
	if _, err := run[sh](t, env, &services.CreateShipment{Actor: "wh", Shipment: other}); !refusal(err, linkfin.EFORBIDDEN, "only the seller, or a logistics operator") {
		t.Fatalf("a carrier naming another carrier: %v", err)
	}
	if got, err := run[sh](t, env, &services.CreateShipment{Actor: "wh", Shipment: byCarrier}); err != nil ||
		got.SellerID != "tier1" || got.BuyerID != "anchor" || got.CarrierID != "wh" || got.Status != linkfin.ShipmentCreated {
		t.Fatalf("the carrier ships: %+v, %v", got, err)
	}
	report := func(actor string, status linkfin.ShipmentStatus) (*sh, error) {
		return run[sh](t, env, &services.ReportShipmentEvent{Actor: actor, ShipmentID: "sh-1", Status: status, Location: "Ningbo"})
	}
	if _, err := report("tier1", linkfin.ShipmentPickedUp); !refusal(err, linkfin.EFORBIDDEN, "only the shipment's logistics operator") {
		t.Fatalf("the seller reports: %v", err)
	}
	if _, err := report("tier2", linkfin.ShipmentPickedUp); !refusal(err, linkfin.ENOTFOUND, "shipment sh-1 not found") {
		t.Fatalf("a stranger reports: %v", err)
	}
	if _, err := report("wh", "lost"); !refusal(err, linkfin.EINVALID, "is not one of") {
		t.Fatalf("an unknown status: %v", err)
	}
	if _, err := report("wh", linkfin.ShipmentInTransit); err != nil {
		t.Fatal(err)
	}
	if _, err := report("wh", linkfin.ShipmentPickedUp); !refusal(err, linkfin.ECONFLICT, "sh-1 is in_transit already") {
		t.Fatalf("a status going back: %v", err)
	}
	if s, err := report("wh", linkfin.ShipmentDelivered); err != nil || s.Status != linkfin.ShipmentDelivered || len(s.Events) != 2 {
		t.Fatalf("delivered: %+v, %v", s, err)
	}

	// Goods arrive: 980 brake discs accepted and 20 rejected, all 200 calipers.
	type gr = linkfin.GoodsReceipt
	receipt := linkfin.GoodsReceipt{ID: "gr-1", POID: "po-1", Lines: []linkfin.ReceiptLine{{LineID: "L1", Accepted: 980, Rejected: 20}, {LineID: "L2", Accepted: 200}}}
	over := receipt
	over.Lines = []linkfin.ReceiptLine{{LineID: "L2", Accepted: 201}}
	if _, err := run[gr](t, env, &services.CreateGoodsReceipt{Actor: "anchor", Receipt: over}); !refusal(err, linkfin.EINVALID, "would exceed the 200 ordered") {
		t.Fatalf("more received than ordered: %v", err)
	}
	if _, err := run[gr](t, env, &services.CreateGoodsReceipt{Actor: "tier1", Receipt: receipt}); !refusal(err, linkfin.EFORBIDDEN, "only the buyer records goods received") {
		t.Fatalf("the seller records a receipt: %v", err)
	}
	// A delivery, accepted and rejected together, is at most what the line still
	// waits for: rejects beyond it would be goods never ordered, counted against the
	// seller's scorecard. Refused, the receipt changes nothing.
	unchanged := func(what string) {
		t.Helper()
		if o, err := env.object(linkfin.KindPurchaseOrder, "po-1"); err != nil || o.Version != 2 {
			t.Fatalf("%s: po-1 %+v, %v", what, o, err)
		}
		for _, k := range []linkfin.ObjectKey{{Kind: linkfin.KindGoodsReceipt, ID: "gr-over"},
			{Kind: linkfin.KindScorecard, ID: linkfin.ScorecardID("tier1", "anchor")}, {Kind: linkfin.KindScorecard, ID: linkfin.ScorecardID("tier1", "")}} {
			if _, err := env.object(k.Kind, k.ID); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
				t.Fatalf("%s: %s %s stored: %v", what, k.Kind, k.ID, err)
			}
		}
	}
	for _, l := range []linkfin.ReceiptLine{{LineID: "L2", Accepted: 5, Rejected: 1_000_000_000_000}, {LineID: "L2", Rejected: 201}, {LineID: "L2", Accepted: 200, Rejected: 1}} {
		rejects := linkfin.GoodsReceipt{ID: "gr-over", POID: "po-1", Lines: []linkfin.ReceiptLine{{LineID: "L1", Accepted: 1}, l}}
		if _, err := run[gr](t, env, &services.CreateGoodsReceipt{Actor: "anchor", Receipt: rejects}); !refusal(err, linkfin.EINVALID, "would exceed the 200 still open of the 200 ordered") {
			t.Fatalf("%+v received against 200 ordered: %v", l, err)
		}
		unchanged(fmt.Sprintf("%+v refused", l))
	}
	mustRun(t, env, &services.CreateGoodsReceipt{Actor: "anchor", Receipt: receipt})
	// The 20 discs rejected leave 20 open: they come again, and again no delivery
	// passes what is open, whatever of it is rejected.
	for _, l := range []linkfin.ReceiptLine{{LineID: "L1", Accepted: 15, Rejected: 6}, {LineID: "L1", Rejected: 21}, {LineID: "L2", Rejected: 1}} {
		again := linkfin.GoodsReceipt{ID: "gr-over", POID: "po-1", Lines: []linkfin.ReceiptLine{l}}
		if _, err := run[gr](t, env, &services.CreateGoodsReceipt{Actor: "anchor", Receipt: again}); !refusal(err, linkfin.EINVALID, "still open") {
			t.Fatalf("%+v received against what is open: %v", l, err)
		}
	}
	if o, err := env.object(linkfin.KindPurchaseOrder, "po-1"); err != nil || o.Version != 3 {
		t.Fatalf("po-1 after refused receipts: %+v, %v", o, err)
	}
	if _, err := env.object(linkfin.KindGoodsReceipt, "gr-over"); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
		t.Fatalf("a refused receipt stored: %v", err)
	}
	if sc := record[linkfin.Scorecard](t, env, linkfin.KindScorecard, linkfin.ScorecardID("tier1", "anchor")); sc.Receipts != 1 || sc.Accepted != 1180 || sc.Rejected != 20 {
		t.Fatalf("tier1's scorecard after refused receipts: %+v", sc.ScoreCounts)
	}

	// Invoices: matched, out of tolerance, and the buyer's approval.
	type inv = linkfin.Invoice
	invoice := func(id string, q1, p1 int64, tax int64) linkfin.Invoice {
		lines := []linkfin.InvoiceLine{{LineID: "L1", Quantity: q1, UnitPrice: p1, Amount: q1 * p1}, {LineID: "L2", Quantity: 200, UnitPrice: 99_00, Amount: 200 * 99_00}}
		return linkfin.Invoice{ID: id, Number: "INV-" + id, BuyerID: "anchor", POID: "po-1", Currency: "CNY", IssueDate: date(t, "2026-11-02"),
			DueDate: date(t, "2027-02-18"), Lines: lines, Tax: tax, Total: q1*p1 + 200*99_00 + tax}
	}
	reasons := func(i *linkfin.Invoice) string {
		var rs []string
		for _, l := range i.Match.Lines {
			for _, r := range l.Reasons {
				rs = append(rs, l.LineID+":"+r)
			}
		}
		return fmt.Sprint(append(rs, i.Match.Reasons...))
	}
	cases := []struct {
		inv  linkfin.Invoice
		want string
	}{
		// 1000 invoiced, 980 received: 2 % of 980 allows 999.6. 12.70 vs 12.50 is 1.6 %, over
		// 1 %; and 1000 × 0.20 = 200.00 over the order's prices, over 100.00.
		{invoice("inv-2", 1000, 12_70, 0), "[L1:quantity_exceeds_received L1:price_differs total_exceeds_tolerance]"},
		// Within both line tolerances, but 999 × 0.12 = 119.88 over the order's prices, over 100.00.
		{invoice("inv-3", 999, 12_62, 0), "[total_exceeds_tolerance]"},
		// Stated total off by one fen.
		{func() linkfin.Invoice { i := invoice("inv-4", 980, 12_50, 0); i.Total++; return i }(), "[total_differs]"},
		// A line the order does not have.
		{func() linkfin.Invoice {
			i := invoice("inv-5", 980, 12_50, 0)
			i.Lines = append(slices.Clone(i.Lines), linkfin.InvoiceLine{LineID: "L9", Quantity: 1, UnitPrice: 1, Amount: 1})
			i.Total++
			return i
		}(), "[L9:line_not_on_po]"},
		// A tax of more than 30 % of the net 32,050.00 (961,500.00 fen is 30 %): no
		// value-added tax is that high, and the payable would ask for it.
		{invoice("inv-tax", 980, 12_50, 9_615_01), "[tax_exceeds_rate]"},
	}
	for _, c := range cases {
		got, err := run[inv](t, env, &services.CreateInvoice{Actor: "tier1", Invoice: c.inv})
		if err != nil || got.Status != linkfin.InvoiceMismatched || reasons(got) != c.want {
			t.Fatalf("%s: status %s, reasons %s (want %s), %v", c.inv.ID, got.Status, reasons(got), c.want, err)
		}
	}
	good := invoice("inv-1", 980, 12_50, 4_166_50) // 13 % VAT on 32,050.00
	i1, err := run[inv](t, env, &services.CreateInvoice{Actor: "tier1", Invoice: good})
	if err != nil || i1.Status != linkfin.InvoiceMatched || !i1.Match.OK || i1.Total != 36_216_50 {
		t.Fatalf("matched invoice: %+v, %v", i1, err)
	}
	// What was received is invoiced once: the same goods under another number match
	// nothing now.
	if got, err := run[inv](t, env, &services.CreateInvoice{Actor: "tier1", Invoice: invoice("inv-6", 980, 12_50, 4_166_50)}); err != nil ||
		got.Status != linkfin.InvoiceMismatched || reasons(got) != "[L1:received_already_invoiced L2:received_already_invoiced]" {
		t.Fatalf("the same goods invoiced again: %+v, %v", got, err)
	}
	if _, err := run[inv](t, env, &services.CreateInvoice{Actor: "anchor", Invoice: invoice("inv-9", 1, 1, 0)}); !refusal(err, linkfin.EFORBIDDEN, "only the seller invoices") {
		t.Fatalf("the buyer invoices: %v", err)
	}
	if _, err := run[inv](t, env, &services.CreateInvoice{Actor: "tier1", Invoice: good}); !refusal(err, linkfin.ECONFLICT, "invoice inv-1 exists") {
		t.Fatalf("the same invoice twice: %v", err)
	}
	// The same invoice again under another id and a near-duplicate number (First
	// Brands): "INV-0042" and "inv 42" are one number.
	n42 := invoice("inv-42", 980, 12_50, 0)
	n42.Number = "INV-0042"
	mustRun(t, env, &services.CreateInvoice{Actor: "tier1", Invoice: n42})
	for _, number := range []string{"inv 42", "Inv.42", "INV-42", "inv-00042"} {
		dup := n42
		dup.ID, dup.Number = "inv-42b", number
		if _, err := run[inv](t, env, &services.CreateInvoice{Actor: "tier1", Invoice: dup}); !refusal(err, "duplicate_invoice", "repeats invoice inv-42") {
			t.Fatalf("near duplicate %q: %v", number, err)
		}
	}
	noBuyer := invoice("inv-43", 980, 12_50, 0)
	noBuyer.BuyerID = ""
	if _, err := run[inv](t, env, &services.CreateInvoice{Actor: "tier1", Invoice: noBuyer}); !refusal(err, linkfin.EINVALID, "names its buyer") {
		t.Fatalf("an invoice without its buyer: %v", err)
	}

	// Approval: the buyer alone, and only of a matched invoice (Chengxing: no forged or
	// off-platform confirmations).
	type pay = linkfin.Payable
	if _, err := run[pay](t, env, &services.ApproveInvoice{Actor: "tier1", ID: "inv-1"}); !refusal(err, linkfin.EFORBIDDEN, "only the buyer approves") {
		t.Fatalf("the seller approves its own invoice: %v", err)
	}
	if _, err := run[pay](t, env, &services.ApproveInvoice{Actor: "tier2", ID: "inv-1"}); !refusal(err, linkfin.ENOTFOUND, "invoice inv-1 not found") {
		t.Fatalf("a third party approves: %v", err)
	}
	if _, err := run[pay](t, env, &services.ApproveInvoice{Actor: "anchor", ID: "inv-2"}); !refusal(err, "invoice_not_matched", "inv-2 is mismatched") {
		t.Fatalf("approving a mismatched invoice: %v", err)
	}
	p, err := run[pay](t, env, &services.ApproveInvoice{Actor: "anchor", ID: "inv-1"})
	if err != nil || p.ID != "pay-inv-1" || p.Amount != 36_216_50 || p.DueDate.String() != "2027-02-18" || p.SellerID != "tier1" {
		t.Fatalf("payable: %+v, %v", p, err)
	}
	if again, err := run[pay](t, env, &services.ApproveInvoice{Actor: "anchor", ID: "inv-1"}); err != nil || again.ApprovedAt != p.ApprovedAt {
		t.Fatalf("approving twice: %+v, %v", again, err)
	}
	if _, err := run[inv](t, env, &services.DisputeInvoice{Actor: "anchor", ID: "inv-1", Reason: "late"}); !refusal(err, linkfin.ECONFLICT, "a payable is irrevocable") {
		t.Fatalf("disputing an approved invoice: %v", err)
	}
	if d, err := run[inv](t, env, &services.DisputeInvoice{Actor: "anchor", ID: "inv-2", Reason: "wrong price"}); err != nil || d.Status != linkfin.InvoiceDisputed {
		t.Fatalf("dispute: %+v, %v", d, err)
	}

	// An order with goods received cannot be cancelled; one without can.
	if _, err := run[po](t, env, &services.CancelPurchaseOrder{Actor: "anchor", ID: "po-1"}); !refusal(err, linkfin.ECONFLICT, "goods were received") {
		t.Fatalf("cancel after receipt: %v", err)
	}
	second := order
	second.ID, second.Number = "po-2", "po-2"
	mustRun(t, env, &services.CreatePurchaseOrder{Actor: "anchor", Order: second})
	if c, err := run[po](t, env, &services.CancelPurchaseOrder{Actor: "anchor", ID: "po-2"}); err != nil || c.Status != linkfin.POCancelled {
		t.Fatalf("cancel: %+v, %v", c, err)
	}
	if _, err := run[gr](t, env, &services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "gr-2", POID: "po-2",
		Lines: []linkfin.ReceiptLine{{LineID: "L1", Accepted: 1}}}}); !refusal(err, linkfin.ECONFLICT, "po-2 is cancelled, not accepted") {
		t.Fatalf("a receipt against a cancelled order: %v", err)
	}

	// A matched invoice the buyer disputes gives its goods back to be invoiced again.
	third := order
	third.ID, third.Number = "po-3", "po-3"
	mustRun(t, env, &services.CreatePurchaseOrder{Actor: "anchor", Order: third})
	mustRun(t, env, &services.AcceptPurchaseOrder{Actor: "tier1", ID: "po-3"})
	mustRun(t, env, &services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "gr-3", POID: "po-3",
		Lines: []linkfin.ReceiptLine{{LineID: "L1", Accepted: 1000}, {LineID: "L2", Accepted: 200}}}})
	onThird := func(id string) *linkfin.Invoice {
		t.Helper()
		i := invoice(id, 1000, 12_50, 0)
		i.POID = "po-3"
		got, err := run[inv](t, env, &services.CreateInvoice{Actor: "tier1", Invoice: i})
		if err != nil {
			t.Fatal(err)
		}
		return got
	}
	invoiced := func() string {
		t.Helper()
		o := record[linkfin.PurchaseOrder](t, env, linkfin.KindPurchaseOrder, "po-3")
		return fmt.Sprint(o.Lines[0].Invoiced, " ", o.Lines[1].Invoiced)
	}
	if i := onThird("inv-31"); i.Status != linkfin.InvoiceMatched || invoiced() != "1000 200" {
		t.Fatalf("the first invoice of po-3: %s, invoiced %s", i.Status, invoiced())
	}
	if i := onThird("inv-32"); i.Status != linkfin.InvoiceMismatched || invoiced() != "1000 200" {
		t.Fatalf("the second invoice of the same goods: %s, invoiced %s", i.Status, invoiced())
	}
	mustRun(t, env, &services.DisputeInvoice{Actor: "anchor", ID: "inv-31", Reason: "the calipers are scratched"})
	mustRun(t, env, &services.DisputeInvoice{Actor: "anchor", ID: "inv-31", Reason: "again"}) // gives nothing back twice
	if got := invoiced(); got != "0 0" {
		t.Fatalf("po-3 after the dispute: invoiced %s", got)
	}
	if i := onThird("inv-33"); i.Status != linkfin.InvoiceMatched || invoiced() != "1000 200" {
		t.Fatalf("the goods invoiced again after the dispute: %s, invoiced %s", i.Status, invoiced())
	}
	env.Restart()
	env.MustVerify()
}

// bankAccount is a Chinese bank account (no IBAN) at ICBC: where an organization's
// withdrawals over the bank rail are paid.
func bankAccount(number string) *linkfin.BankAccount {
	return &linkfin.BankAccount{Account: number, BIC: "ICBKCNBJ"}
}
