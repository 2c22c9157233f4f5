package storetest

import (
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
)

// testPOCollection: the collection of an advance on an order charges the seller what
// the funder paid it, and ends in every case. An advance paid on receipt, of which
// the order's goods released a tenth, is repaid as a tenth with its interest, and the
// nine tenths still locked go back to the funder at once, not to the seller later nor
// to the funder a second time; an advance paid out whole, whose order was invoiced in
// part to a seller that cannot make up the difference, defaults with the buyer's
// payment kept by the funder, where the collection was refused for ever before.
func testPOCollection(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	financingFixture(t, env)
	rate := mustRate(t, "0.06")
	bankFunds(t, env, linkfin.Program{ID: "poc", Name: "Order finance",
		Currency: "CNY", Limit: 10_000_000_00, Products: []linkfin.Product{linkfin.ProductPOFinancing}, MaxTenorDays: 120,
		AdvanceRate: mustRate(t, "0.7"), DayCount: linkfin.ACT360, Calendar: "CN"}, rate)
	bank, tier1, anchor := linkfin.WalletID("bank", "CNY"), linkfin.WalletID("tier1", "CNY"), linkfin.WalletID("anchor", "CNY")
	type fin = linkfin.Financing

	// An order of 100,000.00, advanced 70,000.00, of which 10 of 100 arrive and are
	// invoiced, due in 60 days.
	advance := func(po, financing string, mode linkfin.DisbursementMode) *fin {
		t.Helper()
		mustRun(t, env, &services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: po, Number: po, SellerID: "tier1",
			ProgramID: "poc", Currency: "CNY", Lines: []linkfin.POLine{{LineID: "L1", Item: "housing", Quantity: 100, Unit: "pc", UnitPrice: 1_000_00}}}})
		mustRun(t, env, &services.AcceptPurchaseOrder{Actor: "tier1", ID: po})
		mustRun(t, env, &services.RequestPOFinancing{Actor: "tier1", ID: financing, POID: po, ProgramID: "poc", FunderID: "bank", Disbursement: mode})
		mustRun(t, env, &services.AcceptPOFinancing{Actor: "tier1", ID: financing, POID: po})
		f, err := run[fin](t, env, &services.DisburseFinancing{Actor: "bank", ID: financing})
		if err != nil {
			t.Fatal(err)
		}
		mustRun(t, env, &services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "gr-" + po, POID: po,
			Lines: []linkfin.ReceiptLine{{LineID: "L1", Accepted: 10}}}})
		today := linkfin.BusinessDate(env.Clock.Now())
		mustRun(t, env, &services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: "inv-" + po, Number: po, BuyerID: "anchor",
			POID: po, Currency: "CNY", IssueDate: today, DueDate: today.AddDays(60),
			Lines: []linkfin.InvoiceLine{{LineID: "L1", Quantity: 10, UnitPrice: 1_000_00, Amount: 10_000_00}}, Total: 10_000_00}})
		if pay, err := run[linkfin.Payable](t, env, &services.ApproveInvoice{Actor: "anchor", ID: "inv-" + po}); err != nil || pay.FinancingID != financing {
			t.Fatalf("the payable of %s: %+v, %v", po, pay, err)
		}
		return f
	}

	// On receipt: 7,000.00 of the advance was released to tier1; 63,000.00 is locked.
	f := advance("po-a", "pf-a", linkfin.DisburseOnReceipt)
	wantPayment(t, env, f.ConditionalPaymentID, linkfin.ConditionalLocked, 7_000_00, 0)
	mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: "poc-tier1", OrgID: "tier1", Currency: "CNY", Amount: 70_000_00})
	mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: "poc-anchor", OrgID: "anchor", Currency: "CNY", Amount: 10_000_00})
	env.Clock.Advance(60 * 24 * time.Hour)
	bank0, tier10, anchor0 := free(t, env, bank), free(t, env, tier1), free(t, env, anchor)
	got, err := run[fin](t, env, &services.CollectFactored{ID: "pf-a"})
	// Interest on what was released: 7,000.00 × 6 % × 60 / 360 = 70.00; the reserve is
	// 10,000.00 − 7,070.00 = 2,930.00. (Before, interest ran on all 70,000.00 and tier1
	// paid back 60,700.00 of an advance it never received, while the rest stayed locked.)
	if err != nil || got.Status != linkfin.FinancingSettled || got.Interest != 70_00 {
		t.Fatalf("collecting an advance released in part: %+v, %v", got, err)
	}
	wantPayment(t, env, f.ConditionalPaymentID, linkfin.ConditionalCancelled, 7_000_00, 63_000_00)
	if d := free(t, env, tier1) - tier10; d != 2_930_00 {
		t.Fatalf("tier1 moved %d at the collection; want the reserve, 2,930.00", d)
	}
	if d := free(t, env, bank) - bank0; d != 10_000_00-2_930_00+63_000_00 {
		t.Fatalf("the bank moved %d at the collection", d)
	}
	if d := free(t, env, anchor) - anchor0; d != -10_000_00 {
		t.Fatalf("the anchor moved %d at the collection", d)
	}
	// The rest of the order arrives: the advance is over, nothing more is released.
	mustRun(t, env, &services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "gr-po-a-2", POID: "po-a",
		Lines: []linkfin.ReceiptLine{{LineID: "L1", Accepted: 90}}}})
	wantPayment(t, env, f.ConditionalPaymentID, linkfin.ConditionalCancelled, 7_000_00, 63_000_00)

	// Paid out whole: tier1 holds the advance, 70,000.00, and spends it.
	advance("po-b", "pf-b", "")
	mustRun(t, env, &services.RecordOutboundPayment{Rail: "bank", InstructionID: "poc-out", OrgID: "tier1", Currency: "CNY", Amount: free(t, env, tier1)})
	mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: "poc-anchor-2", OrgID: "anchor", Currency: "CNY", Amount: 10_000_00})
	env.Clock.Advance(60 * 24 * time.Hour)
	bank0, anchor0 = free(t, env, bank), free(t, env, anchor)
	got, err = run[fin](t, env, &services.CollectFactored{ID: "pf-b"})
	if err != nil || got.Status != linkfin.FinancingDefaulted {
		t.Fatalf("collecting from a buyer that pays a payable short of the advance, and a seller that cannot make it up: %+v, %v", got, err)
	}
	if p := record[linkfin.Payable](t, env, linkfin.KindPayable, linkfin.PayableID("inv-po-b")); p.Status != linkfin.PayablePaid {
		t.Fatalf("the payable the buyer paid: %+v", p)
	}
	if free(t, env, bank)-bank0 != 10_000_00 || free(t, env, anchor)-anchor0 != -10_000_00 || free(t, env, tier1) != 0 {
		t.Fatalf("the default moved bank %d, anchor %d; tier1 holds %d", free(t, env, bank)-bank0, free(t, env, anchor)-anchor0, free(t, env, tier1))
	}
	// Collected once: again, nothing moves.
	if again, err := run[fin](t, env, &services.CollectFactored{ID: "pf-b"}); err != nil || again.Status != linkfin.FinancingDefaulted || free(t, env, bank)-bank0 != 10_000_00 {
		t.Fatalf("collecting again: %+v, %v", again, err)
	}
	env.Restart()
	env.MustVerify()
}
