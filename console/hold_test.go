package console

import (
	"fmt"
	"net/url"
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"
)

// An invoice alike to an earlier one — same seller, buyer, amount, within days — shows
// its hold and the earlier invoice on its page; the buyer clears it there, with a
// reason, and may then approve it. The seller sees the hold and no form.
func TestInvoiceHold(t *testing.T) {
	s := newSite(t)
	today := linkfin.BusinessDate(s.clock.Now())
	for n := range 2 {
		po, inv := fmt.Sprintf("PO-h%d", n), fmt.Sprintf("inv-h%d", n)
		for _, c := range []linkfin.Command{
			&services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: po, Number: po, SellerID: "tier1", ProgramID: "auto-scf",
				Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "bolt", Quantity: 1, Unit: "EA", UnitPrice: 777_00}}}},
			&services.AcceptPurchaseOrder{Actor: "tier1", ID: po},
			&services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "GR-" + po, POID: po, Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: 1}}}},
			&services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: inv, Number: "INV-" + inv, BuyerID: "anchor", POID: po,
				Currency: "CNY", IssueDate: today.AddDays(n), DueDate: today.AddDays(60), Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: 1, UnitPrice: 777_00, Amount: 777_00}}, Total: 777_00}},
		} {
			s.run(c)
		}
	}
	anchor := s.as("anchor", linkfin.RoleFinance)
	status, page := anchor.get("/invoices/inv-h1")
	if status != 200 || !strings.Contains(page, "Held for review") || !strings.Contains(page, `href="/invoices/inv-h0"`) ||
		!strings.Contains(page, `action="/invoices/inv-h1/clear-hold"`) {
		t.Fatalf("the buyer's page of a held invoice (%d):\n%s", status, page)
	}
	if _, seller := s.as("tier1", linkfin.RoleFinance).get("/invoices/inv-h1"); !strings.Contains(seller, "Held for review") || strings.Contains(seller, "clear-hold") {
		t.Fatalf("the seller's page of a held invoice:\n%s", seller)
	}
	form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}, "reason": {"a second delivery"}}
	if status, body := anchor.post("/invoices/inv-h1/clear-hold", form); status >= 400 {
		t.Fatalf("clearing the hold: %d\n%s", status, body)
	}
	if inv := s.invoice("inv-h1"); inv.Held() || inv.Hold.ClearedBy != "anchor" || inv.Hold.Reason != "a second delivery" {
		t.Fatalf("after clearing: %+v", inv.Hold)
	}
	s.run(&services.ApproveInvoice{Actor: "anchor", ID: "inv-h1"})
}
