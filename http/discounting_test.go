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
	due := linkfin.DateOf(p.clock.Now()).AddDays(30)
	p.submit(t, &services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "PO-2", Number: "PO-2", SellerID: "tier1", ProgramID: "auto-scf",
		Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "bolts", Quantity: 10, Unit: "box", UnitPrice: 1_000_00}}}})
	p.submit(t, &services.AcceptPurchaseOrder{Actor: "tier1", ID: "PO-2"})
	p.submit(t, &services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "GR-2", POID: "PO-2",
		Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: 10}}}})
	p.submit(t, &services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: "inv-2", Number: "INV-2", BuyerID: "anchor", POID: "PO-2",
		Currency: "CNY", IssueDate: linkfin.DateOf(p.clock.Now()), DueDate: due,
		Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: 10, UnitPrice: 1_000_00, Amount: 10_000_00}}, Total: 10_000_00}})
	p.submit(t, &services.ApproveInvoice{Actor: "anchor", ID: "inv-2"})
	body := `{"product":"dynamic_discounting","program_id":"auto-scf","asset_id":"` + linkfin.PayableID("inv-2") + `"}`

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
