package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
)

// testPOFinancing: an advance on an accepted order before it ships, repaid first and
// automatically from the payable the order becomes.
func testPOFinancing(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	financingFixture(t, env)
	rate := mustRate(t, "0.06")
	bankFunds(t, env, linkfin.Program{ID: "pof", Name: "Order finance",
		Currency: "CNY", Limit: 10_000_000_00, Products: []linkfin.Product{linkfin.ProductPOFinancing, linkfin.ProductFactoring, linkfin.ProductCertificateDiscounting}, MaxTenorDays: 120,
		AdvanceRate: mustRate(t, "0.7"), DayCount: linkfin.ACT360, Calendar: "CN"}, rate)
	order := linkfin.PurchaseOrder{ID: "po-f", Number: "po-f", SellerID: "tier1", ProgramID: "pof", Currency: "CNY",
		Lines: []linkfin.POLine{{LineID: "L1", Item: "housing", Quantity: 100, Unit: "pc", UnitPrice: 1_000_00}}}
	mustRun(t, env, &services.CreatePurchaseOrder{Actor: "anchor", Order: order})
	type fin = linkfin.Financing
	if _, err := run[fin](t, env, &services.RequestPOFinancing{Actor: "tier1", ID: "pf-0", POID: "po-f", ProgramID: "pof", FunderID: "bank"}); !refusal(err, linkfin.ECONFLICT, "po-f is issued, not accepted") {
		t.Fatalf("an advance on an order not yet accepted: %v", err)
	}
	mustRun(t, env, &services.AcceptPurchaseOrder{Actor: "tier1", ID: "po-f"})
	q, err := run[fin](t, env, &services.RequestPOFinancing{Actor: "tier1", ID: "pf-1", POID: "po-f", ProgramID: "pof", FunderID: "bank"})
	if err != nil || q.Quote.Price != 70_000_00 || q.Quote.Face != 100_000_00 {
		t.Fatalf("quote: %+v, %v", q, err)
	}
	mustRun(t, env, &services.AcceptPOFinancing{Actor: "tier1", ID: "pf-1", POID: "po-f"})
	mustRun(t, env, &services.DisburseFinancing{Actor: "bank", ID: "pf-1"})
	// A second funder, live in the program: what refuses is the order.
	mustRun(t, env, &services.InviteFunder{Actor: "anchor", ProgramID: "pof", FunderID: "factor", Limit: 1_000_000_00,
		Pricing: linkfin.Pricing{FixedRate: &rate}})
	mustRun(t, env, &services.AcceptFunder{Actor: "factor", ProgramID: "pof"})
	if _, err := run[fin](t, env, &services.RequestPOFinancing{Actor: "tier1", ID: "pf-2", POID: "po-f", ProgramID: "pof", FunderID: "factor"}); !refusal(err, "asset_financed", "po-f backs financing pf-1") {
		t.Fatalf("the same order financed twice: %v", err)
	}
	if _, err := run[linkfin.PurchaseOrder](t, env, &services.CancelPurchaseOrder{Actor: "anchor", ID: "po-f"}); !refusal(err, "asset_financed", "po-f backs financing pf-1") {
		t.Fatalf("the buyer cancelling an order a funder advanced on: %v", err)
	}
	// The goods ship and arrive; the invoice is approved; the payable is swept.
	mustRun(t, env, &services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "gr-f", POID: "po-f",
		Lines: []linkfin.ReceiptLine{{LineID: "L1", Accepted: 100}}}})
	mustRun(t, env, &services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: "inv-f", Number: "F-1", BuyerID: "anchor",
		POID: "po-f", Currency: "CNY", IssueDate: date(t, "2026-11-02"), DueDate: date(t, "2027-01-01"),
		Lines: []linkfin.InvoiceLine{{LineID: "L1", Quantity: 100, UnitPrice: 1_000_00, Amount: 100_000_00}}, Total: 100_000_00}})
	pay, err := run[linkfin.Payable](t, env, &services.ApproveInvoice{Actor: "anchor", ID: "inv-f"})
	if err != nil || pay.Status != linkfin.PayableFactored || pay.FinancingID != "pf-1" {
		t.Fatalf("payable of a financed order: %+v, %v", pay, err)
	}
	env.Clock.Advance(60 * 24 * time.Hour)
	mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-pof", OrgID: "anchor", Currency: "CNY", Amount: 100_000_00})
	f, err := run[fin](t, env, &services.CollectFactored{ID: "pf-1"})
	// Interest 70,000.00 × 6 % × 60 / 360 = 700.00; reserve 100,000 − 70,000 − 700 = 29,300.00.
	if err != nil || f.Status != linkfin.FinancingSettled || f.Interest != 700_00 {
		t.Fatalf("collection: %+v, %v", f, err)
	}
	a, _ := env.Domain.Account(context.Background(), linkfin.WalletID("tier1", "CNY"))
	if a.CreditsPosted != 70_000_00+29_300_00 || a.DebitsPosted != 0 {
		t.Fatalf("tier1 received %d", a.CreditsPosted)
	}

	// An order invoiced and approved after the advance was accepted, before it was
	// paid: the payable is the advance's at once, so nothing else finances it, and it
	// is the seller's again if the advance is withdrawn.
	invoiced := func(po, financing string) *linkfin.Payable {
		t.Helper()
		o := order
		o.ID, o.Number = po, po
		mustRun(t, env, &services.CreatePurchaseOrder{Actor: "anchor", Order: o})
		mustRun(t, env, &services.AcceptPurchaseOrder{Actor: "tier1", ID: po})
		mustRun(t, env, &services.RequestPOFinancing{Actor: "tier1", ID: financing, POID: po, ProgramID: "pof", FunderID: "bank"})
		mustRun(t, env, &services.AcceptPOFinancing{Actor: "tier1", ID: financing, POID: po})
		mustRun(t, env, &services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "gr-" + po, POID: po,
			Lines: []linkfin.ReceiptLine{{LineID: "L1", Accepted: 100}}}})
		mustRun(t, env, &services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: "inv-" + po, Number: po, BuyerID: "anchor",
			POID: po, Currency: "CNY", IssueDate: linkfin.BusinessDate(env.Clock.Now()), DueDate: linkfin.BusinessDate(env.Clock.Now()).AddDays(60),
			Lines: []linkfin.InvoiceLine{{LineID: "L1", Quantity: 100, UnitPrice: 1_000_00, Amount: 100_000_00}}, Total: 100_000_00}})
		// The orders are alike and invoiced the same day: the buyer clears the later
		// invoices' holds as possible duplicates.
		if _, err := run[linkfin.Invoice](t, env, &services.ClearInvoiceHold{Actor: "anchor", ID: "inv-" + po, Reason: "another order"}); err != nil &&
			linkfin.ErrorCode(err) != linkfin.ECONFLICT {
			t.Fatal(err)
		}
		pay, err := run[linkfin.Payable](t, env, &services.ApproveInvoice{Actor: "anchor", ID: "inv-" + po})
		if err != nil || pay.Status != linkfin.PayableFactored || pay.FinancingID != financing {
			t.Fatalf("payable of an order whose advance is accepted: %+v, %v", pay, err)
		}
		return pay
	}
	pg := invoiced("po-g", "pf-g")
	// pof factors too and the bank is live in it: what refuses is the payable.
	if _, err := run[fin](t, env, &services.RequestFactoring{Actor: "tier1", ID: "fx-g", PayableID: pg.ID, ProgramID: "pof", FunderID: "bank"}); !refusal(err, "asset_financed", "is factored") {
		t.Fatalf("the payable of an order whose advance is accepted was factored too: %v", err)
	}
	if f, err := run[fin](t, env, &services.DisburseFinancing{Actor: "bank", ID: "pf-g"}); err != nil || f.PayableID != pg.ID {
		t.Fatalf("disbursing after the order became a payable: %+v, %v", f, err)
	}
	ph := invoiced("po-h", "pf-h")
	if f, err := run[fin](t, env, &services.CancelFinancing{Actor: "bank", ID: "pf-h"}); err != nil || f.Status != linkfin.FinancingCancelled || f.PayableID != "" {
		t.Fatalf("cancel: %+v, %v", f, err)
	}
	if p := record[linkfin.Payable](t, env, linkfin.KindPayable, ph.ID); p.Status != linkfin.PayableOpen || p.FinancingID != "" {
		t.Fatalf("the payable of a withdrawn advance: %+v", p)
	}

	// An order is financed before it ships: one whose goods arrived in part is
	// refused, as a quote accepted once they did.
	fresh := func(po string) {
		t.Helper()
		o := order
		o.ID, o.Number = po, po
		mustRun(t, env, &services.CreatePurchaseOrder{Actor: "anchor", Order: o})
		mustRun(t, env, &services.AcceptPurchaseOrder{Actor: "tier1", ID: po})
	}
	receipt := func(po, id string, qty int64) {
		t.Helper()
		mustRun(t, env, &services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: id, POID: po,
			Lines: []linkfin.ReceiptLine{{LineID: "L1", Accepted: qty}}}})
	}
	fresh("po-r")
	receipt("po-r", "gr-r", 1)
	if _, err := run[fin](t, env, &services.RequestPOFinancing{Actor: "tier1", ID: "pf-r", POID: "po-r", ProgramID: "pof", FunderID: "bank"}); !refusal(err, linkfin.ECONFLICT, "received or invoiced") {
		t.Fatalf("an advance on an order whose goods arrived: %v", err)
	}
	fresh("po-q")
	mustRun(t, env, &services.RequestPOFinancing{Actor: "tier1", ID: "pf-q", POID: "po-q", ProgramID: "pof", FunderID: "bank"})
	receipt("po-q", "gr-q", 1)
	if _, err := run[fin](t, env, &services.AcceptPOFinancing{Actor: "tier1", ID: "pf-q", POID: "po-q"}); !refusal(err, linkfin.ECONFLICT, "received or invoiced") {
		t.Fatalf("accepting an advance once the order's goods arrived: %v", err)
	}
	if po := record[linkfin.PurchaseOrder](t, env, linkfin.KindPurchaseOrder, "po-q"); po.FinancingID != "" {
		t.Fatalf("the order after the refusal: %+v", po)
	}

	// Delivered in two parts: the first payable repays the advance; the second, while
	// the advance is outstanding, is no one else's to finance (it was made on all of
	// the order's goods), and is free once the advance is repaid.
	fresh("po-s")
	mustRun(t, env, &services.RequestPOFinancing{Actor: "tier1", ID: "pf-s", POID: "po-s", ProgramID: "pof", FunderID: "bank"})
	mustRun(t, env, &services.AcceptPOFinancing{Actor: "tier1", ID: "pf-s", POID: "po-s"})
	mustRun(t, env, &services.DisburseFinancing{Actor: "bank", ID: "pf-s"})
	var parts [2]*linkfin.Payable
	for i, qty := range []int64{40, 60} {
		n := fmt.Sprintf("po-s-%d", i+1)
		receipt("po-s", "gr-"+n, qty)
		mustRun(t, env, &services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: "inv-" + n, Number: n, BuyerID: "anchor",
			POID: "po-s", Currency: "CNY", IssueDate: linkfin.BusinessDate(env.Clock.Now()), DueDate: linkfin.BusinessDate(env.Clock.Now()).AddDays(60 + 30*i),
			Lines: []linkfin.InvoiceLine{{LineID: "L1", Quantity: qty, UnitPrice: 1_000_00, Amount: qty * 1_000_00}}, Total: qty * 1_000_00}})
		if p, err := run[linkfin.Payable](t, env, &services.ApproveInvoice{Actor: "anchor", ID: "inv-" + n}); err != nil {
			t.Fatal(err)
		} else {
			parts[i] = p
		}
	}
	if parts[0].FinancingID != "pf-s" || parts[1].Status != linkfin.PayableOpen {
		t.Fatalf("the order's payables: %+v and %+v", parts[0], parts[1])
	}
	if _, err := run[fin](t, env, &services.RequestFactoring{Actor: "tier1", ID: "fx-s", PayableID: parts[1].ID, ProgramID: "pof", FunderID: "factor"}); !refusal(err, "asset_financed", "backs financing pf-s until it is repaid") {
		t.Fatalf("factoring the rest of an order whose advance is outstanding: %v", err)
	}
	if _, err := run[fin](t, env, &services.RequestDynamicDiscounting{Actor: "tier1", ID: "dd-s", PayableID: parts[1].ID, ProgramID: "pof"}); !refusal(err, "asset_financed", "backs financing pf-s") {
		t.Fatalf("discounting the rest of an order whose advance is outstanding: %v", err)
	}
	if _, err := run[linkfin.Certificate](t, env, &services.IssueCertificate{Actor: "anchor", ID: "c-s", ProgramID: "pof", PayableIDs: []string{parts[1].ID}}); !refusal(err, "asset_financed", "backs financing pf-s") {
		t.Fatalf("a certificate of the rest of an order whose advance is outstanding: %v", err)
	}
	if p := record[linkfin.Payable](t, env, linkfin.KindPayable, parts[1].ID); p.Status != linkfin.PayableOpen {
		t.Fatalf("the payable after the refusals: %+v", p)
	}
	env.Clock.Advance(61 * 24 * time.Hour)
	mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-pof-s", OrgID: "anchor", Currency: "CNY", Amount: 40_000_00})
	if f, err := run[fin](t, env, &services.CollectFactored{ID: "pf-s"}); err != nil || f.Status != linkfin.FinancingSettled {
		t.Fatalf("collecting the advance: %+v, %v", f, err)
	}
	if f, err := run[fin](t, env, &services.RequestFactoring{Actor: "tier1", ID: "fx-s", PayableID: parts[1].ID, ProgramID: "pof", FunderID: "factor"}); err != nil || f.AssetID != parts[1].ID {
		t.Fatalf("factoring the rest once the advance is repaid: %+v, %v", f, err)
	}
	env.Restart()
	env.MustVerify()
}
