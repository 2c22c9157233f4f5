package http_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"
)

// TestEarlyPaymentInECNY: an organization designates one of its own e-CNY wallets
// (its admin or finance); an early payment asked for on the e-CNY rail is refused with
// ecny_wallet_not_designated until both sides have, then paid from the anchor's wallet
// into the seller's. Another's wallet cannot be designated, and answers as a missing one.
func TestEarlyPaymentInECNY(t *testing.T) {
	p := newPlatform(t)
	due := linkfin.DateOf(p.clock.Now()).AddDays(30)
	p.submit(t, &services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "PO-3", Number: "PO-3", SellerID: "tier1", ProgramID: "auto-scf",
		Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "bolts", Quantity: 10, Unit: "box", UnitPrice: 1_000_00}}}})
	p.submit(t, &services.AcceptPurchaseOrder{Actor: "tier1", ID: "PO-3"})
	p.submit(t, &services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "GR-3", POID: "PO-3",
		Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: 10}}}})
	p.submit(t, &services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: "inv-3", Number: "INV-3", BuyerID: "anchor", POID: "PO-3",
		Currency: "CNY", IssueDate: linkfin.DateOf(p.clock.Now()), DueDate: due,
		Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: 10, UnitPrice: 1_000_00, Amount: 10_000_00}}, Total: 10_000_00}})
	p.submit(t, &services.ApproveInvoice{Actor: "anchor", ID: "inv-3"})
	payable := linkfin.PayableID("inv-3")

	// The e-CNY rail is dynamic discounting's alone.
	wantProblem(t, p.as("tier1", "POST", "/v1/financings", `{"product":"certificate_discounting","program_id":"auto-scf","funder_id":"bank",`+
		`"asset_id":"C-1","rail":"ecny"}`, "Idempotency-Key", "r-0"), http.StatusBadRequest, linkfin.EINVALID)
	var q linkfin.Financing
	wantJSON(t, p.as("tier1", "POST", "/v1/financings", `{"product":"dynamic_discounting","program_id":"auto-scf","asset_id":"`+payable+`","rail":"ecny"}`,
		"Idempotency-Key", "r-1"), http.StatusCreated, &q)
	if q.Rail != linkfin.RailECNY {
		t.Fatalf("the quote: %+v", q)
	}
	accept := func(key string) reply {
		return p.as("tier1", "POST", "/v1/financings/"+q.ID+"/accept", "", "Idempotency-Key", key)
	}
	if pr := wantProblem(t, accept("a-1"), http.StatusUnprocessableEntity, linkfin.ENOECNYWALLET); !strings.Contains(pr.Detail, "anchor") {
		t.Fatalf("refused for another reason: %s", pr.Detail)
	}

	ctx := context.Background()
	corporate := func(org string) *linkfin.ECNYWallet {
		var w linkfin.ECNYWallet
		if err := p.engine.Run(ctx, &services.OpenECNYWallet{OrgID: org, In: linkfin.ECNYWalletIn{Limits: &linkfin.WalletLimits{
			Balance: 1_000_000_00, Payment: 100_000_00, Daily: 200_000_00, Yearly: 1_000_000_00}}}, &w); err != nil {
			t.Fatal(err)
		}
		return &w
	}
	anchorW, sellerW := corporate("anchor"), corporate("tier1")
	p.submit(t, &services.RecordInboundPayment{Rail: "bank", InstructionID: "anchor-ecny", OrgID: "anchor", Currency: "CNY", Amount: 20_000_00})
	p.submit(t, &services.MoveECNY{Actor: "anchor", ID: anchorW.ID, Op: "top-up", Amount: 20_000_00})

	designate := func(who, org, wallet, key string) reply {
		return p.as(who, "POST", "/v1/organizations/"+org+"/ecny-wallet", `{"wallet_id":"`+wallet+`"}`, "Idempotency-Key", key)
	}
	wantProblem(t, designate("anchor-viewer", "anchor", anchorW.ID, "d-0"), http.StatusForbidden, linkfin.EFORBIDDEN)
	// The outsider names the anchor's wallet as its own: not found, as a wallet that does not exist.
	theirs := problemOf(designate("outsider", "outsider", anchorW.ID, "d-1"))
	ghostly := problemOf(designate("outsider", "outsider", ghost, "d-2"))
	if theirs.Code != linkfin.ENOTFOUND || theirs.Detail != strings.ReplaceAll(ghostly.Detail, ghost, anchorW.ID) {
		t.Fatalf("another's wallet answers %+v, a missing one %+v", theirs, ghostly)
	}
	var org linkfin.Organization
	wantJSON(t, designate("anchor-finance", "anchor", anchorW.ID, "d-3"), http.StatusOK, &org)
	if org.ECNYWalletID != anchorW.ID {
		t.Fatalf("the anchor's designation: %+v", org)
	}
	if pr := wantProblem(t, accept("a-2"), http.StatusUnprocessableEntity, linkfin.ENOECNYWALLET); !strings.Contains(pr.Detail, "tier1") {
		t.Fatalf("refused for another reason: %s", pr.Detail)
	}
	wantJSON(t, designate("tier1", "tier1", sellerW.ID, "d-4"), http.StatusOK, nil)
	var paid linkfin.Financing
	wantJSON(t, accept("a-3"), http.StatusOK, &paid)
	if paid.Status != linkfin.FinancingSettled || paid.ECNYTransferID == 0 {
		t.Fatalf("the early payment: %+v", paid)
	}
	var seller linkfin.ECNYWalletOut
	wantJSON(t, p.as("tier1", "GET", "/v1/ecny-wallets/"+sellerW.ID, ""), http.StatusOK, &seller)
	if seller.Balance != q.Quote.Price {
		t.Fatalf("the seller's e-CNY wallet holds %d, want %d", seller.Balance, q.Quote.Price)
	}

	// An offer taken in one step chooses its rail as a request does, with the same field
	// and the same refusals.
	p.submit(t, &services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "PO-4", Number: "PO-4", SellerID: "tier1", ProgramID: "auto-scf",
		Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "nuts", Quantity: 4, Unit: "box", UnitPrice: 1_000_00}}}})
	p.submit(t, &services.AcceptPurchaseOrder{Actor: "tier1", ID: "PO-4"})
	p.submit(t, &services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "GR-4", POID: "PO-4",
		Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: 4}}}})
	p.submit(t, &services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: "inv-4", Number: "INV-4", BuyerID: "anchor", POID: "PO-4",
		Currency: "CNY", IssueDate: linkfin.DateOf(p.clock.Now()), DueDate: due,
		Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: 4, UnitPrice: 1_000_00, Amount: 4_000_00}}, Total: 4_000_00}})
	p.submit(t, &services.ApproveInvoice{Actor: "anchor", ID: "inv-4"})
	price := q.Quote.Price * 4 / 10 // the same days early, four tenths of the face
	take := func(product, funder, asset, rail, key string) reply {
		return p.as("tier1", "POST", "/v1/offers/take", fmt.Sprintf(`{"product":%q,"program_id":"auto-scf","funder_id":%q,"asset_id":%q,"price":%d,"rail":%q}`,
			product, funder, asset, price, rail), "Idempotency-Key", key)
	}
	wantProblem(t, take("dynamic_discounting", "anchor", linkfin.PayableID("inv-4"), "bank", "t-1"), http.StatusBadRequest, linkfin.EINVALID)
	wantProblem(t, take("certificate_discounting", "bank", "C-1", "ecny", "t-2"), http.StatusBadRequest, linkfin.EINVALID)
	var taken linkfin.Financing
	wantJSON(t, take("dynamic_discounting", "anchor", linkfin.PayableID("inv-4"), "ecny", "t-3"), http.StatusCreated, &taken)
	if taken.Rail != linkfin.RailECNY || taken.Status != linkfin.FinancingSettled || taken.ECNYTransferID == 0 {
		t.Fatalf("the offer taken on the e-CNY rail: %+v", taken)
	}
	wantJSON(t, p.as("tier1", "GET", "/v1/ecny-wallets/"+sellerW.ID, ""), http.StatusOK, &seller)
	if seller.Balance != q.Quote.Price+price {
		t.Fatalf("the seller's e-CNY wallet holds %d, want %d", seller.Balance, q.Quote.Price+price)
	}
}
