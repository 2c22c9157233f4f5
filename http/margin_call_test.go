package http_test

import (
	"net/http"
	"strconv"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
)

// TestMarginCallOverHTTP: tier2 pledges 10 t of copper at 45,000.00 a tonne to the
// bank (270,000.00 at 60 %); copper falls to 30,000.00 (an LTV of 0.9, past 0.75),
// and the operator's margin check calls tier2 for 90,000.00, back to 60 % of the lot,
// due in 5 days (on the next business day, as the 5th is a Saturday). A part repayment of the whole principal is refused (400 invalid), and
// so is an amount of a financing of another product; 90,000.00 meets the call
// (200). Copper falls again to 20,000.00: a second call, which tier2, its wallet
// emptied, leaves unmet; the operator's close is refused on its due date (409
// conflict), and the day after defaults the loan with its reason, the receipt the
// bank's, and answers it again as it is.
func TestMarginCallOverHTTP(t *testing.T) {
	p := newPlatform(t)
	pledged(t, p, "MC")
	p.submit(t, &services.MarkPrice{Mark: linkfin.PriceMark{ID: "copper", Currency: "CNY", Price: 30_000_00}})
	var f linkfin.Financing
	wantJSON(t, p.as("operator", "POST", "/v1/financings/WL-MC/margin-check", "", "Idempotency-Key", "mc-1"), http.StatusOK, &f)
	// Due in 5 days, on a business day: the 5th, 2026-11-07, is a Saturday.
	today := linkfin.BusinessDate(p.clock.Now())
	due := linkfin.NewDate(2026, 11, 9)
	if d := f.MarginDemand; f.Quote.Price != 270_000_00 || !f.MarginCall || d == nil || d.Amount != 90_000_00 ||
		d.DueDate != due || d.Status != linkfin.MarginDemandCalled {
		t.Fatalf("the margin check at an LTV of 0.9: %+v, %+v", f, f.MarginDemand)
	}
	wantProblem(t, p.as("tier2", "POST", "/v1/financings/WL-MC/repayments", `{"amount":27000000}`, "Idempotency-Key", "part-0"),
		http.StatusBadRequest, linkfin.EINVALID)
	wantProblem(t, p.as("tier1", "POST", "/v1/financings/F-1/repayments", `{"amount":100}`, "Idempotency-Key", "part-f1"),
		http.StatusBadRequest, linkfin.EINVALID)
	wantJSON(t, p.as("tier2", "POST", "/v1/financings/WL-MC/repayments", `{"amount":9000000}`, "Idempotency-Key", "part-1"), http.StatusOK, &f)
	if d := f.MarginDemand; f.Status != linkfin.FinancingDisbursed || f.Repaid != 90_000_00 || d.Status != linkfin.MarginDemandMet || d.Paid != 90_000_00 {
		t.Fatalf("the part repayment that meets the call: %+v, %+v", f, f.MarginDemand)
	}
	// 180,000.00 on 10 t at 20,000.00 (200,000.00) is an LTV of 0.9 again: 60,000.00
	// to bring it back to 120,000.00.
	p.submit(t, &services.MarkPrice{Mark: linkfin.PriceMark{ID: "copper", Currency: "CNY", Price: 20_000_00}})
	wantJSON(t, p.as("operator", "POST", "/v1/financings/WL-MC/margin-check", "", "Idempotency-Key", "mc-2"), http.StatusOK, &f)
	if d := f.MarginDemand; d == nil || d.Amount != 60_000_00 || d.Status != linkfin.MarginDemandCalled {
		t.Fatalf("the second call: %+v", f.MarginDemand)
	}
	wallet := p.account(linkfin.WalletID("tier2", "CNY"))
	if left := wallet.CreditsPosted - wallet.DebitsPosted - wallet.DebitsPending; left > 0 {
		p.submit(t, &services.RecordOutboundPayment{Rail: "bank", InstructionID: "tier2-out", OrgID: "tier2", Currency: "CNY", Amount: left})
	}
	p.clock.Advance(time.Duration(linkfin.DaysBetween(today, due)) * 24 * time.Hour) // the calls' due date
	wantProblem(t, p.as("operator", "POST", "/v1/financings/WL-MC/close", "", "Idempotency-Key", "close-1"), http.StatusConflict, linkfin.ECONFLICT)
	p.clock.Advance(24 * time.Hour)
	for i := range 2 {
		wantJSON(t, p.as("operator", "POST", "/v1/financings/WL-MC/close", "", "Idempotency-Key", "close-2-"+strconv.Itoa(i)), http.StatusOK, &f)
		if f.Status != linkfin.FinancingDefaulted || f.DefaultReason != linkfin.DefaultMarginCallUnmet || f.MarginDemand.Status != linkfin.MarginDemandUnmet {
			t.Fatalf("the loan the day after its unmet call's due date: %+v, %+v", f, f.MarginDemand)
		}
	}
	var w linkfin.WarehouseReceipt
	wantJSON(t, p.as("bank", "GET", "/v1/warehouse-receipts/WR-MC", ""), http.StatusOK, &w)
	if w.OwnerID != "bank" {
		t.Fatalf("the receipt of a loan whose call went unmet: %+v", w)
	}
}

// TestRepayNothingRefused: a repayment of {"amount": 0} is a part of nothing, refused
// 400 invalid as a negative part is, not taken for the whole loan (which only a
// request without an amount repays): the loan stays disbursed, owing all it owed, and
// the borrower's wallet keeps what it holds; a financing of another product is refused
// it likewise.
func TestRepayNothingRefused(t *testing.T) {
	p := newPlatform(t)
	pledged(t, p, "Z")
	// Enough in the wallet to repay the whole loan, were 0 taken for it.
	p.submit(t, &services.RecordInboundPayment{Rail: "bank", InstructionID: "tier2-cash", OrgID: "tier2", Currency: "CNY", Amount: 1_000_000_00})
	before := p.account(linkfin.WalletID("tier2", "CNY"))
	for i, body := range []string{`{"amount":0}`, `{"amount":-1}`} {
		wantProblem(t, p.as("tier2", "POST", "/v1/financings/WL-Z/repayments", body, "Idempotency-Key", "zero-"+strconv.Itoa(i)),
			http.StatusBadRequest, linkfin.EINVALID)
	}
	wantProblem(t, p.as("tier1", "POST", "/v1/financings/F-1/repayments", `{"amount":0}`, "Idempotency-Key", "zero-f1"),
		http.StatusBadRequest, linkfin.EINVALID)
	var f linkfin.Financing
	wantJSON(t, p.as("tier2", "GET", "/v1/financings/WL-Z", ""), http.StatusOK, &f)
	if f.Status != linkfin.FinancingDisbursed || f.Repaid != 0 || f.Repayments != 0 {
		t.Fatalf("the loan after a repayment of 0: %+v", f)
	}
	if after := p.account(linkfin.WalletID("tier2", "CNY")); after.DebitsPosted != before.DebitsPosted || after.DebitsPending != before.DebitsPending {
		t.Fatalf("the wallet after a repayment of 0: %+v, before %+v", after, before)
	}
	// Without an amount, the whole loan.
	wantJSON(t, p.as("tier2", "POST", "/v1/financings/WL-Z/repayments", "", "Idempotency-Key", "whole"), http.StatusOK, &f)
	if f.Status != linkfin.FinancingSettled {
		t.Fatalf("the loan repaid whole: %+v", f)
	}
}

// pledged has the bank lend tier2 against 10 t of copper marked at 45,000.00 a tonne in
// the port's warehouse, receipt WR-<n> of lot LOT-<n>: pledge loan WL-<n>, accepted and
// disbursed.
func pledged(t *testing.T, p *platform, n string) {
	t.Helper()
	p.submit(t, &services.MarkPrice{Mark: linkfin.PriceMark{ID: "copper", Currency: "CNY", Price: 45_000_00}})
	p.submit(t, &services.IssueWarehouseReceipt{Actor: "port", Receipt: linkfin.WarehouseReceipt{ID: "WR-" + n, LotID: "LOT-" + n, OwnerID: "tier2",
		Commodity: "copper", Quantity: 10, Unit: "t"}})
	p.submit(t, &services.RequestPledgeLoan{Actor: "tier2", ID: "WL-" + n, ReceiptID: "WR-" + n, ProgramID: "auto-scf", FunderID: "bank"})
	p.submit(t, &services.AcceptPledgeLoan{Actor: "tier2", ID: "WL-" + n, ReceiptID: "WR-" + n})
	p.submit(t, &services.DisburseFinancing{Actor: "bank", ID: "WL-" + n})
}
