package storetest

import (
	"context"
	"testing"
	"time"

	"linkfin"
	"linkfin/ledger"
	"linkfin/services"
)

// testDynamicDiscounting: the anchor pays early from its own cash, the discount
// sliding with the days paid early at the APR it set.
func testDynamicDiscounting(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	tradeFixture(t, env)
	apr := mustRate(t, "0.18")
	dd := linkfin.Program{ID: "dd", Name: "Core Auto early payment", Currency: "CNY", Limit: 100_000_000_00,
		Products: []linkfin.Product{linkfin.ProductDynamicDiscounting}, MaxTenorDays: 120, AdvanceRate: mustRate(t, "0.8"),
		DayCount: linkfin.ACT360, Calendar: "CN", EarlyPaymentAPR: &apr}
	noAPR := dd
	noAPR.ID, noAPR.EarlyPaymentAPR = "dd-x", nil
	if _, err := run[linkfin.Program](t, env, &services.CreateProgram{Actor: "anchor", Program: noAPR}); !refusal(err, linkfin.EINVALID, "early_payment_apr") {
		t.Fatalf("dynamic discounting without an APR: %v", err)
	}
	mustRun(t, env, &services.CreateProgram{Actor: "anchor", Program: dd})
	// A 10,000.00 invoice under the program, due 2026-11-09: 7 days after today.
	order := linkfin.PurchaseOrder{ID: "po-dd", Number: "po-dd", SellerID: "tier1", ProgramID: "dd", Currency: "CNY",
		Lines: []linkfin.POLine{{LineID: "L1", Item: "bolts", Quantity: 100, Unit: "box", UnitPrice: 100_00}}}
	mustRun(t, env, &services.CreatePurchaseOrder{Actor: "anchor", Order: order})
	mustRun(t, env, &services.AcceptPurchaseOrder{Actor: "tier1", ID: "po-dd"})
	mustRun(t, env, &services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{
		ID: "gr-dd", POID: "po-dd", Lines: []linkfin.ReceiptLine{{LineID: "L1", Accepted: 100}}}})
	mustRun(t, env, &services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: "inv-dd", Number: "DD-1",
		BuyerID: "anchor", POID: "po-dd", Currency: "CNY", IssueDate: date(t, "2026-11-02"), DueDate: date(t, "2026-11-09"),
		Lines: []linkfin.InvoiceLine{{LineID: "L1", Quantity: 100, UnitPrice: 100_00, Amount: 10_000_00}}, Total: 10_000_00}})
	pay, err := run[linkfin.Payable](t, env, &services.ApproveInvoice{Actor: "anchor", ID: "inv-dd"})
	if err != nil || pay.ProgramID != "dd" {
		t.Fatalf("payable: %+v, %v", pay, err)
	}
	type fin = linkfin.Financing
	if _, err := run[fin](t, env, &services.RequestDynamicDiscounting{Actor: "anchor", ID: "e1", PayableID: pay.ID, ProgramID: "dd"}); !refusal(err, linkfin.EFORBIDDEN, "only the seller asks to be paid early") {
		t.Fatalf("the buyer asks to pay itself early: %v", err)
	}
	q, err := run[fin](t, env, &services.RequestDynamicDiscounting{Actor: "tier1", ID: "e1", PayableID: pay.ID, ProgramID: "dd"})
	// 10,000.00 × 18 % × 7 / 360 = 35.00.
	if err != nil || q.Quote.Days != 7 || q.Quote.Discount != 35_00 || q.Quote.Price != 9_965_00 || q.FunderID != "anchor" {
		t.Fatalf("quote: %+v, %v", q, err)
	}
	deposit := func(id string, amount int64) {
		mustRun(t, env, &services.RecordInboundPayment{Rail: "ecny", InstructionID: id, OrgID: "anchor", Currency: "CNY", Amount: amount})
	}
	deposit("a-1", 5_000_00)
	accept := func() (*fin, error) {
		return run[fin](t, env, &services.AcceptDynamicDiscounting{Actor: "tier1", ID: "e1", PayableID: pay.ID})
	}
	short(t, env, 9_965_00, linkfin.WalletID("anchor", "CNY"))
	if _, err := accept(); !refusal(err, string(ledger.ExceedsCredits), "organization anchor's CNY wallet holds less than the 9965.00 CNY it would pay") {
		t.Fatalf("an anchor with 5,000.00 pays 9,965.00: %v", err)
	}
	deposit("a-2", 10_000_00)
	if f, err := accept(); err != nil || f.Status != linkfin.FinancingSettled {
		t.Fatalf("accept: %+v, %v", f, err)
	}
	seller, _ := env.Domain.Account(context.Background(), linkfin.WalletID("tier1", "CNY"))
	anchor, _ := env.Domain.Account(context.Background(), linkfin.WalletID("anchor", "CNY"))
	if seller.CreditsPosted != 9_965_00 || anchor.DebitsPosted != 9_965_00 {
		t.Fatalf("seller received %d, anchor paid %d", seller.CreditsPosted, anchor.DebitsPosted)
	}
	if _, err := run[fin](t, env, &services.RequestDynamicDiscounting{Actor: "tier1", ID: "e2", PayableID: pay.ID, ProgramID: "dd"}); !refusal(err, linkfin.ECONFLICT, "payable pay-inv-dd is paid") {
		t.Fatalf("a paid payable paid early again: %v", err)
	}

	// The anchor offers to pay early, unasked: the quote the seller would get, for the
	// seller to accept, standing for the day it is made.
	mustRun(t, env, &services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "po-dd2", Number: "po-dd2", SellerID: "tier1",
		ProgramID: "dd", Currency: "CNY", Lines: order.Lines}})
	mustRun(t, env, &services.AcceptPurchaseOrder{Actor: "tier1", ID: "po-dd2"})
	mustRun(t, env, &services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{
		ID: "gr-dd2", POID: "po-dd2", Lines: []linkfin.ReceiptLine{{LineID: "L1", Accepted: 100}}}})
	mustRun(t, env, &services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: "inv-dd2", Number: "DD-2",
		BuyerID: "anchor", POID: "po-dd2", Currency: "CNY", IssueDate: date(t, "2026-10-25"), DueDate: date(t, "2026-11-16"),
		Lines: []linkfin.InvoiceLine{{LineID: "L1", Quantity: 100, UnitPrice: 100_00, Amount: 10_000_00}}, Total: 10_000_00}})
	pay2, err := run[linkfin.Payable](t, env, &services.ApproveInvoice{Actor: "anchor", ID: "inv-dd2"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := run[fin](t, env, &services.OfferDynamicDiscounting{Actor: "tier1", ID: "o1", PayableID: pay2.ID, ProgramID: "dd"}); !refusal(err, linkfin.EFORBIDDEN, "only the program's anchor") {
		t.Fatalf("the seller offers its buyer's early payment: %v", err)
	}
	if _, err := run[fin](t, env, &services.OfferDynamicDiscounting{Actor: "anchor", ID: "o0", PayableID: pay.ID, ProgramID: "dd"}); !refusal(err, linkfin.ECONFLICT, "is paid") {
		t.Fatalf("an offer on a paid payable: %v", err)
	}
	// 10,000.00 × 18 % × 14 / 360 = 70.00.
	o, err := run[fin](t, env, &services.OfferDynamicDiscounting{Actor: "anchor", ID: "o1", PayableID: pay2.ID, ProgramID: "dd"})
	if err != nil || o.RequesterID != "tier1" || o.FunderID != "anchor" || o.Status != linkfin.FinancingQuoted || o.Quote.Price != 9_930_00 ||
		!o.Quote.ExpiresAt.Equal(o.Quote.ValueDate.Time(time.UTC).Add(16*time.Hour)) { // the value date's end in Beijing
		t.Fatalf("the anchor's offer: %+v, %v", o, err)
	}
	if _, err := run[fin](t, env, &services.AcceptDynamicDiscounting{Actor: "anchor", ID: "o1", PayableID: pay2.ID}); !refusal(err, linkfin.EFORBIDDEN, "only the requester accepts") {
		t.Fatalf("the anchor accepts its own offer: %v", err)
	}
	deposit("a-3", 10_000_00)
	if f, err := run[fin](t, env, &services.AcceptDynamicDiscounting{Actor: "tier1", ID: "o1", PayableID: pay2.ID}); err != nil || f.Status != linkfin.FinancingSettled {
		t.Fatalf("the seller accepts the offer: %+v, %v", f, err)
	}
	if seller, _ := env.Domain.Account(context.Background(), linkfin.WalletID("tier1", "CNY")); seller.CreditsPosted != 9_965_00+9_930_00 {
		t.Fatalf("the seller received %d in all", seller.CreditsPosted)
	}
	env.Restart()
	env.MustVerify()
}
