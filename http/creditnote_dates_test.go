package http_test

import (
	"net/http"
	"reflect"
	"testing"

	"linkfin"
	"linkfin/services"
)

// TestCreditNoteDates: a credit note's issue_date is held to an invoice's rules on
// both JSON routes: before 2000 or after 2099, 400 invalid; after tomorrow in China
// Standard Time, 422 issue_date_future; before the invoice it credits, 422
// issue_date_before_invoice; nothing is stored. The note keeps its date, and one given
// none is dated the day it is made there, or its invoice's issue date if that is
// later (an invoice dated tomorrow).
func TestCreditNoteDates(t *testing.T) {
	p := newPlatform(t)
	today := linkfin.BusinessDate(p.clock.Now())
	// An invoice of tier1's that nothing holds yet: INV-2.
	p.submit(t, &services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "PO-2", Number: "PO-2", SellerID: "tier1",
		ProgramID: "auto-scf", Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "brake disc", Quantity: 10, Unit: "EA", UnitPrice: 1_000_00}}}})
	p.submit(t, &services.AcceptPurchaseOrder{Actor: "tier1", ID: "PO-2"})
	p.submit(t, &services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: "inv-2", Number: "INV-2", BuyerID: "anchor", POID: "PO-2",
		Currency: "CNY", IssueDate: today, DueDate: today.AddDays(60),
		Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: 10, UnitPrice: 1_000_00, Amount: 10_000_00}}, Total: 10_000_00}})
	base := p.snapshot()
	for _, c := range []struct {
		issued string
		status int
		code   string
	}{
		{"1999-12-31", http.StatusBadRequest, linkfin.EINVALID}, {"2100-01-01", http.StatusBadRequest, linkfin.EINVALID},
		{"2099-01-01", http.StatusUnprocessableEntity, services.EISSUEDFUTURE},
		{today.AddDays(2).String(), http.StatusUnprocessableEntity, services.EISSUEDFUTURE},
		{today.AddDays(-1).String(), http.StatusUnprocessableEntity, services.EISSUEDBEFOREINVOICE},
		{"2000-01-01", http.StatusUnprocessableEntity, services.EISSUEDBEFOREINVOICE},
	} {
		wantProblem(t, p.as("tier1", "POST", "/v1/invoices/inv-2/credit-notes", `{"number":"CN-D","amount":1,"reason":"a scratch","issue_date":"`+c.issued+`"}`),
			c.status, c.code)
		wantProblem(t, p.as("tier1", "POST", "/v1/credit-notes", `{"invoice_number":"INV-2","number":"CN-D","amount":1,"reason":"a scratch","issue_date":"`+c.issued+`"}`),
			c.status, c.code)
	}
	if !reflect.DeepEqual(p.snapshot(), base) {
		t.Fatal("a refused credit note changed the store")
	}
	var note linkfin.CreditNote
	wantJSON(t, p.as("tier1", "POST", "/v1/invoices/inv-2/credit-notes", `{"number":"CN-D1","amount":1,"reason":"a scratch","issue_date":"`+
		today.AddDays(1).String()+`"}`), http.StatusCreated, &note)
	if note.IssueDate != today.AddDays(1) {
		t.Fatalf("the note keeps %s", note.IssueDate)
	}
	wantJSON(t, p.as("tier1", "POST", "/v1/credit-notes", `{"invoice_number":"INV-2","number":"CN-D2","amount":1,"reason":"a scratch"}`),
		http.StatusCreated, &note)
	wantJSON(t, p.as("tier1", "GET", "/v1/credit-notes/"+note.ID, ""), http.StatusOK, &note)
	if note.IssueDate != today {
		t.Fatalf("an undated note is of %s, want %s", note.IssueDate, today)
	}

	// An invoice dated tomorrow: a note dated today is before it, and an undated one
	// is of the invoice's day.
	p.submit(t, &services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "PO-3", Number: "PO-3", SellerID: "tier1",
		ProgramID: "auto-scf", Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "brake disc", Quantity: 10, Unit: "EA", UnitPrice: 1_000_00}}}})
	p.submit(t, &services.AcceptPurchaseOrder{Actor: "tier1", ID: "PO-3"})
	p.submit(t, &services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: "inv-3", Number: "INV-3", BuyerID: "anchor", POID: "PO-3",
		Currency: "CNY", IssueDate: today.AddDays(1), DueDate: today.AddDays(60),
		Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: 10, UnitPrice: 1_000_00, Amount: 10_000_00}}, Total: 10_000_00}})
	wantProblem(t, p.as("tier1", "POST", "/v1/invoices/inv-3/credit-notes", `{"number":"CN-E","amount":1,"reason":"a scratch","issue_date":"`+
		today.String()+`"}`), http.StatusUnprocessableEntity, services.EISSUEDBEFOREINVOICE)
	wantJSON(t, p.as("tier1", "POST", "/v1/invoices/inv-3/credit-notes", `{"number":"CN-E1","amount":1,"reason":"a scratch"}`),
		http.StatusCreated, &note)
	if note.IssueDate != today.AddDays(1) {
		t.Fatalf("an undated note of an invoice dated tomorrow is of %s, want %s", note.IssueDate, today.AddDays(1))
	}
}
