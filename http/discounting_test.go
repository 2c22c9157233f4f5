package http_test

import (
	"net/http"
	"testing"

	"linkfin"
	"linkfin/services"
)

// TestAnchorOffersEarlyPayment: POST /v1/financings for dynamic discounting by the
// anchor that owes the payable is its offer to pay early, a quote for the seller to
// accept; the seller accepts it and is paid; anyone else's offer is refused.
func TestAnchorOffersEarlyPayment(t *testing.T) {
	p := newPlatform(t)
	body := `{"product":"dynamic_discounting","program_id":"auto-scf","asset_id":"` + p.approvedPayable(t, "2", 10) + `"}`

	wantProblem(t, p.as("bank", "POST", "/v1/financings", body, "Idempotency-Key", "o-bank"), http.StatusNotFound, linkfin.ENOTFOUND)
	var offer linkfin.Financing
	wantJSON(t, p.as("anchor-finance", "POST", "/v1/financings", body, "Idempotency-Key", "o-1"), http.StatusCreated, &offer)
	if offer.Status != linkfin.FinancingQuoted || offer.RequesterID != "tier1" || offer.FunderID != "anchor" || offer.Quote.Price >= 10_000_00 {
		t.Fatalf("the anchor's offer: %+v", offer)
	}
	wantProblem(t, p.as("anchor-finance", "POST", "/v1/financings/"+offer.ID+"/accept", "", "Idempotency-Key", "a-anchor"), http.StatusForbidden, linkfin.EFORBIDDEN)
	p.submit(t, &services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-cash", OrgID: "anchor", Currency: "CNY", Amount: 20_000_00})
	var taken linkfin.Financing
	wantJSON(t, p.as("tier1", "POST", "/v1/financings/"+offer.ID+"/accept", "", "Idempotency-Key", "a-1"), http.StatusOK, &taken)
	if taken.Status != linkfin.FinancingSettled || taken.Quote.Price != offer.Quote.Price {
		t.Fatalf("the seller accepts: %+v", taken)
	}
	// The seller's own request is as before.
	wantProblem(t, p.as("tier1", "POST", "/v1/financings", body, "Idempotency-Key", "r-1"), http.StatusConflict, linkfin.ECONFLICT)
}

// TestAcceptRefusesPayableTakenSince: a quote of a payable, accepted after another
// quote's acceptance or a certificate took the payable, is refused with the code a new
// quote of it would get, whichever product it quotes: 422 asset_financed for a
// payable factored or certified, 409 conflict for one paid; and nothing changes.
func TestAcceptRefusesPayableTakenSince(t *testing.T) {
	p := newPlatform(t)
	p.submit(t, &services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-cash", OrgID: "anchor", Currency: "CNY", Amount: 100_000_00})
	quote := func(who, product, funder, pay string) string {
		body := `{"product":"` + product + `","program_id":"auto-scf","asset_id":"` + pay + `"`
		if funder != "" {
			body += `,"funder_id":"` + funder + `"`
		}
		var f linkfin.Financing
		wantJSON(t, p.as(who, "POST", "/v1/financings", body+"}", "Idempotency-Key", "q-"+who+product+pay), http.StatusCreated, &f)
		return f.ID
	}
	accept := func(id string) reply {
		return p.as("tier1", "POST", "/v1/financings/"+id+"/accept", "", "Idempotency-Key", "a-"+id)
	}
	status := func(pay string) linkfin.PayableStatus {
		var got linkfin.Payable
		wantJSON(t, p.as("tier1", "GET", "/v1/payables/"+pay, ""), http.StatusOK, &got)
		return got.Status
	}

	// Factored: the anchor's offer and the seller's own request of early payment.
	factored := p.approvedPayable(t, "f", 10)
	offer, asked, factoring := quote("anchor", "dynamic_discounting", "", factored), quote("tier1", "dynamic_discounting", "", factored),
		quote("tier1", "factoring", "bank", factored)
	wantJSON(t, accept(factoring), http.StatusOK, new(linkfin.Financing))
	wantProblem(t, accept(offer), http.StatusUnprocessableEntity, "asset_financed")
	wantProblem(t, accept(asked), http.StatusUnprocessableEntity, "asset_financed")
	if s := status(factored); s != linkfin.PayableFactored {
		t.Fatalf("the factored payable is %s", s)
	}

	// Certified: early payment and factoring alike.
	certified := p.approvedPayable(t, "c", 11)
	offer, factoring = quote("anchor", "dynamic_discounting", "", certified), quote("tier1", "factoring", "bank", certified)
	p.submit(t, &services.IssueCertificate{Actor: "anchor", ID: "C-c", ProgramID: "auto-scf", PayableIDs: []string{certified}})
	wantProblem(t, accept(offer), http.StatusUnprocessableEntity, "asset_financed")
	wantProblem(t, accept(factoring), http.StatusUnprocessableEntity, "asset_financed")

	// Paid early: factoring it is a conflict, as a new quote of it is.
	paid := p.approvedPayable(t, "p", 12)
	offer, factoring = quote("anchor", "dynamic_discounting", "", paid), quote("tier1", "factoring", "bank", paid)
	wantJSON(t, accept(offer), http.StatusOK, new(linkfin.Financing))
	wantProblem(t, accept(factoring), http.StatusConflict, linkfin.ECONFLICT)
	wantProblem(t, p.as("tier1", "POST", "/v1/financings", `{"product":"factoring","program_id":"auto-scf","funder_id":"bank","asset_id":"`+paid+`"}`,
		"Idempotency-Key", "q-again"), http.StatusConflict, linkfin.ECONFLICT)
	if s := status(paid); s != linkfin.PayablePaid {
		t.Fatalf("the paid payable is %s", s)
	}
	var f linkfin.Financing
	wantJSON(t, p.as("tier1", "GET", "/v1/financings/"+factoring, ""), http.StatusOK, &f)
	if f.Status != linkfin.FinancingQuoted {
		t.Fatalf("the refused factoring is %s", f.Status)
	}
}

// TestRequestOverLimitsRefused: POST /v1/financings for more than the limits its
// acceptance would hold have left (here tier1's cap of 2,100,000.00 in auto-scf) is
// refused when it is made, 422 exceeds_credits, in the words its acceptance would
// have; the same request within them is quoted.
func TestRequestOverLimitsRefused(t *testing.T) {
	p := newPlatform(t)
	payable := func(n string, qty int64) string {
		return `{"product":"factoring","program_id":"auto-scf","funder_id":"bank","asset_id":"` + p.approvedPayable(t, n, qty) + `"}`
	}
	over, within := payable("over", 2_200), payable("within", 2_000)
	pr := wantProblem(t, p.as("tier1", "POST", "/v1/financings", over, "Idempotency-Key", "r-over"), http.StatusUnprocessableEntity, "exceeds_credits")
	if want := "the limits of program auto-scf leave less than the 2200000.00 CNY this financing would draw"; pr.Detail != want {
		t.Fatalf("over the cap: %q, want %q", pr.Detail, want)
	}
	var q linkfin.Financing
	wantJSON(t, p.as("tier1", "POST", "/v1/financings", within, "Idempotency-Key", "r-within"), http.StatusCreated, &q)
	if q.Status != linkfin.FinancingQuoted || q.Quote.Face != 2_000_000_00 {
		t.Fatalf("within the cap: %+v", q)
	}
}

// approvedPayable runs the anchor's order PO-n to tier1 under auto-scf (qty boxes of
// bolts at 1,000.00) through its acceptance, receipt GR-n and invoice inv-n, due in
// 30 days, to the anchor's approval, and returns the payable's ID.
func (p *platform) approvedPayable(t *testing.T, n string, qty int64) string {
	t.Helper()
	due := linkfin.BusinessDate(p.clock.Now()).AddDays(30)
	p.submit(t, &services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "PO-" + n, Number: "PO-" + n, SellerID: "tier1", ProgramID: "auto-scf",
		Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "bolts", Quantity: qty, Unit: "box", UnitPrice: 1_000_00}}}})
	p.submit(t, &services.AcceptPurchaseOrder{Actor: "tier1", ID: "PO-" + n})
	p.submit(t, &services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "GR-" + n, POID: "PO-" + n,
		Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: qty}}}})
	p.submit(t, &services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: "inv-" + n, Number: "INV-" + n, BuyerID: "anchor", POID: "PO-" + n,
		Currency: "CNY", IssueDate: linkfin.BusinessDate(p.clock.Now()), DueDate: due,
		Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: qty, UnitPrice: 1_000_00, Amount: qty * 1_000_00}}, Total: qty * 1_000_00}})
	p.submit(t, &services.ApproveInvoice{Actor: "anchor", ID: "inv-" + n})
	return linkfin.PayableID("inv-" + n)
}
