package storetest

import (
	"testing"

	"linkfin"
	"linkfin/services"
)

// heldInvoice submits tier1's invoice id to the anchor for qty units at price, issued
// on the day given, against an order of the factoring program fx received in full.
func heldInvoice(t *testing.T, env *Env, id string, qty, price int64, issued string) *linkfin.Invoice {
	t.Helper()
	order := linkfin.PurchaseOrder{ID: "po-" + id, Number: "PO-" + id, SellerID: "tier1", ProgramID: "fx", Currency: "CNY",
		Lines: []linkfin.POLine{{LineID: "L1", Item: "part", Quantity: qty, Unit: "pc", UnitPrice: price}}}
	mustRun(t, env, &services.CreatePurchaseOrder{Actor: "anchor", Order: order})
	mustRun(t, env, &services.AcceptPurchaseOrder{Actor: "tier1", ID: order.ID})
	mustRun(t, env, &services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "gr-" + id, POID: order.ID,
		Lines: []linkfin.ReceiptLine{{LineID: "L1", Accepted: qty}}}})
	inv, err := run[linkfin.Invoice](t, env, &services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: "inv-" + id,
		Number: "INV-" + id, BuyerID: "anchor", POID: order.ID, Currency: "CNY", IssueDate: date(t, issued), DueDate: date(t, "2027-01-01"),
		Lines: []linkfin.InvoiceLine{{LineID: "L1", Quantity: qty, UnitPrice: price, Amount: qty * price}}, Total: qty * price}})
	if err != nil {
		t.Fatal(err)
	}
	return inv
}

// testDuplicates: an invoice renumbered — the same seller, buyer, currency and total,
// issued within the program's window of days of an earlier one — is held for review:
// it cannot become a payable, so a second funder cannot finance it, until the buyer or
// the operator clears the hold with a reason. One fen more, or one day further, is not
// held.
func testDuplicates(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	financingFixture(t, env)
	rate := factoringProgram(t, env)
	mustRun(t, env, &services.InviteFunder{Actor: "anchor", ProgramID: "fx", FunderID: "factor", Limit: 1_000_000_00,
		Pricing: linkfin.Pricing{FixedRate: &rate}})
	mustRun(t, env, &services.AcceptFunder{Actor: "factor", ProgramID: "fx"})

	// The original, issued a week before the clock's today (2026-11-02; invoices are
	// not dated after tomorrow), approved and factored by the bank.
	if inv := heldInvoice(t, env, "d1", 100, 1_000_00, "2026-10-26"); inv.Hold != nil {
		t.Fatalf("the first invoice is held: %+v", inv.Hold)
	}
	mustRun(t, env, &services.ApproveInvoice{Actor: "anchor", ID: "inv-d1"})
	mustRun(t, env, &services.RequestFactoring{Actor: "tier1", ID: "fx-d1", PayableID: linkfin.PayableID("inv-d1"), ProgramID: "fx", FunderID: "bank"})
	mustRun(t, env, &services.AcceptFactoring{Actor: "tier1", ID: "fx-d1", PayableID: linkfin.PayableID("inv-d1")})
	mustRun(t, env, &services.DisburseFinancing{Actor: "bank", ID: "fx-d1"})

	// The same invoice under another number, dated three days earlier, for the factor.
	d2 := heldInvoice(t, env, "d2", 100, 1_000_00, "2026-10-23")
	if !d2.Held() || d2.Hold.EarlierInvoiceID != "inv-d1" || d2.Status != linkfin.InvoiceMatched {
		t.Fatalf("the renumbered invoice: %s, hold %+v", d2.Status, d2.Hold)
	}
	if _, err := run[linkfin.Payable](t, env, &services.ApproveInvoice{Actor: "anchor", ID: "inv-d2"}); !refusal(err, services.EHELD, "invoice inv-d1") {
		t.Fatalf("a held invoice approved: %v", err)
	}
	if _, err := run[linkfin.Financing](t, env, &services.RequestFactoring{Actor: "tier1", ID: "fx-d2", PayableID: linkfin.PayableID("inv-d2"),
		ProgramID: "fx", FunderID: "factor"}); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
		t.Fatalf("the second funder asked to finance a held invoice: %v", err)
	}

	// One fen more, or eight days after (one outside the window), is another invoice.
	if inv := heldInvoice(t, env, "d3", 1, 100_000_01, "2026-10-26"); inv.Hold != nil {
		t.Fatalf("one fen more is held: %+v", inv.Hold)
	}
	if inv := heldInvoice(t, env, "d4", 100, 1_000_00, "2026-11-03"); inv.Hold != nil {
		t.Fatalf("eight days after is held: %+v", inv.Hold)
	}
	// Seven days after is inside the window.
	if inv := heldInvoice(t, env, "d5", 100, 1_000_00, "2026-11-02"); !inv.Held() || inv.Hold.EarlierInvoiceID != "inv-d1" {
		t.Fatalf("seven days after: hold %+v", inv.Hold)
	}

	// Only the buyer, or the operator, clears a hold, with a reason.
	for _, c := range []struct {
		actor, reason, code string
	}{{"tier2", "mine", linkfin.ENOTFOUND}, {"bank", "mine", linkfin.ENOTFOUND}, {"tier1", "not a duplicate", linkfin.EFORBIDDEN},
		{"anchor", "", linkfin.EINVALID}} {
		if _, err := run[linkfin.Invoice](t, env, &services.ClearInvoiceHold{Actor: c.actor, ID: "inv-d2", Reason: c.reason}); linkfin.ErrorCode(err) != c.code {
			t.Errorf("%s clears the hold (%q): %v, want %s", c.actor, c.reason, err, c.code)
		}
	}
	cleared, err := run[linkfin.Invoice](t, env, &services.ClearInvoiceHold{Actor: "anchor", ID: "inv-d2", Reason: "a second delivery, checked"})
	if err != nil || cleared.Held() || cleared.Hold.ClearedBy != "anchor" || cleared.Hold.Reason != "a second delivery, checked" || cleared.Hold.EarlierInvoiceID != "inv-d1" {
		t.Fatalf("cleared: %+v, %v", cleared, err)
	}
	if _, err := run[linkfin.Payable](t, env, &services.ApproveInvoice{Actor: "anchor", ID: "inv-d2"}); err != nil {
		t.Fatalf("a cleared invoice approved: %v", err)
	}
	if _, err := run[linkfin.Financing](t, env, &services.RequestFactoring{Actor: "tier1", ID: "fx-d2", PayableID: linkfin.PayableID("inv-d2"),
		ProgramID: "fx", FunderID: "factor"}); err != nil {
		t.Fatalf("the cleared payable financed: %v", err)
	}
	// The operator acts as no organization (as the API sends it), and is named so.
	if inv, err := run[linkfin.Invoice](t, env, &services.ClearInvoiceHold{Operator: true, ID: "inv-d5", Reason: "checked with the buyer"}); err != nil || inv.Held() || inv.Hold.ClearedBy != services.ByOperator {
		t.Fatalf("the operator clears a hold: %+v, %v", inv.Hold, err)
	}
	if _, err := run[linkfin.Invoice](t, env, &services.ClearInvoiceHold{Actor: "anchor", ID: "inv-d3", Reason: "no hold"}); linkfin.ErrorCode(err) != linkfin.ECONFLICT {
		t.Fatalf("clearing an invoice not held: %v", err)
	}

	// A program may turn the check off.
	off := 0
	mustRun(t, env, &services.CreateProgram{Actor: "anchor", Program: linkfin.Program{ID: "nodup", Name: "No duplicate check",
		Currency: "CNY", Limit: 10_000_000_00, Products: []linkfin.Product{linkfin.ProductFactoring}, MaxTenorDays: 120,
		AdvanceRate: mustRate(t, "0.8"), DayCount: linkfin.ACT360, Calendar: "CN", DuplicateWindowDays: &off}})
	order := linkfin.PurchaseOrder{ID: "po-d6", Number: "PO-d6", SellerID: "tier1", ProgramID: "nodup", Currency: "CNY",
		Lines: []linkfin.POLine{{LineID: "L1", Item: "part", Quantity: 100, Unit: "pc", UnitPrice: 1_000_00}}}
	mustRun(t, env, &services.CreatePurchaseOrder{Actor: "anchor", Order: order})
	mustRun(t, env, &services.AcceptPurchaseOrder{Actor: "tier1", ID: order.ID})
	mustRun(t, env, &services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "gr-d6", POID: order.ID,
		Lines: []linkfin.ReceiptLine{{LineID: "L1", Accepted: 100}}}})
	inv, err := run[linkfin.Invoice](t, env, &services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: "inv-d6",
		Number: "INV-d6", BuyerID: "anchor", POID: order.ID, Currency: "CNY", IssueDate: date(t, "2026-11-02"), DueDate: date(t, "2027-01-01"),
		Lines: []linkfin.InvoiceLine{{LineID: "L1", Quantity: 100, UnitPrice: 1_000_00, Amount: 100_000_00}}, Total: 100_000_00}})
	if err != nil || inv.Hold != nil {
		t.Fatalf("a program without the check: %+v, %v", inv, err)
	}
}
