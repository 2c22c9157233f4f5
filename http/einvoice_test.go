package http_test

import (
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"
)

func readDoc(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("../ubl/testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// An e-invoice and its credit note, over HTTP: the invoice is stored with the
// document's totals; a document that breaks EN 16931's arithmetic is refused with each
// rule in the problem; a UBL credit note credits the invoice it names and lowers the
// payable.
func TestEInvoiceOverHTTP(t *testing.T) {
	p := newPlatform(t)
	xml := func(who, path, body, key string) reply {
		return p.as(who, "POST", path, body, "Content-Type", "application/xml", "Idempotency-Key", key)
	}
	var po linkfin.PurchaseOrder
	wantJSON(t, p.as("anchor", "POST", "/v1/purchase-orders", `{"number":"PO-EU","seller_id":"tier1","currency":"EUR","lines":[`+
		`{"line_id":"10","item":"nails","quantity":5,"unit":"XDR","unit_price":1000000},{"line_id":"20","item":"nails","quantity":3,"unit":"XDR","unit_price":1400000}]}`),
		http.StatusCreated, &po)
	wantJSON(t, p.as("tier1", "POST", "/v1/purchase-orders/"+po.ID+"/accept", ""), http.StatusOK, nil)
	wantJSON(t, p.as("anchor", "POST", "/v1/goods-receipts", `{"po_id":"`+po.ID+`","lines":[{"line_id":"10","accepted":5,"rejected":0},{"line_id":"20","accepted":3,"rejected":0}]}`),
		http.StatusCreated, nil)

	// The OASIS example breaks BR-CO-15, BR-CO-16 and the line rule: refused, each named.
	base := p.snapshot()
	prob := wantProblem(t, xml("tier1", "/v1/invoices?po_id="+po.ID+"&buyer_id=anchor", readDoc(t, "oasis-ubl-invoice-2.1-example.xml"), "e-0"),
		http.StatusUnprocessableEntity, services.ERULES)
	var got []string
	for _, v := range prob.Violations {
		got = append(got, v.Rule)
	}
	if want := []string{"BR-CO-15", "BR-CO-16", "PEPPOL-EN16931-R120"}; !reflect.DeepEqual(got, want) {
		t.Fatalf("violations %q, want %q", got, want)
	}
	if !reflect.DeepEqual(p.snapshot(), base) {
		t.Fatal("a refused document changed the store")
	}

	var inv linkfin.Invoice
	wantJSON(t, xml("tier1", "/v1/invoices?po_id="+po.ID+"&buyer_id=anchor", readDoc(t, "en16931-bis3-factoring.xml"), "e-1"), http.StatusCreated, &inv)
	if inv.Number != "7023708" || inv.Total != 115_000_00 || inv.Tax != 23_000_00 || inv.Status != linkfin.InvoiceMatched || inv.TypeCode != "380" {
		t.Fatalf("invoice %+v", inv)
	}
	var pay linkfin.Payable
	wantJSON(t, p.as("anchor", "POST", "/v1/invoices/"+inv.ID+"/approve", ""), http.StatusOK, &pay)

	cn := strings.Replace(readDoc(t, "cen/ubl-tc434-creditnote1.xml"), "<cac:InvoicePeriod>",
		"<cac:BillingReference><cac:InvoiceDocumentReference><cbc:ID>7023708</cbc:ID></cac:InvoiceDocumentReference></cac:BillingReference><cac:InvoicePeriod>", 1)
	// The buyer has no invoice of that number to credit.
	wantProblem(t, xml("anchor", "/v1/credit-notes", cn, "e-2"), http.StatusNotFound, linkfin.ENOTFOUND)
	wantProblem(t, xml("tier1", "/v1/credit-notes", readDoc(t, "cen/ubl-tc434-creditnote1.xml"), "e-3"), http.StatusUnprocessableEntity, services.EREFERENCE)
	var note linkfin.CreditNote
	wantJSON(t, xml("tier1", "/v1/credit-notes", cn, "e-4"), http.StatusCreated, &note)
	if note.InvoiceID != inv.ID || note.Amount != 100_11 || note.Number != "018304 / 28865" {
		t.Fatalf("credit note %+v", note)
	}
	wantJSON(t, p.as("tier1", "GET", "/v1/payables/"+pay.ID, ""), http.StatusOK, &pay)
	if pay.Amount != 115_000_00-100_11 {
		t.Fatalf("payable %+v", pay)
	}
	// The JSON form names the invoice by number too.
	wantJSON(t, p.as("tier1", "POST", "/v1/credit-notes", `{"invoice_number":"7023708","number":"CN-J","amount":1,"reason":"a scratch"}`), http.StatusCreated, &note)
	wantJSON(t, p.as("tier1", "GET", "/v1/payables/"+pay.ID, ""), http.StatusOK, &pay)
	if pay.Amount != 115_000_00-100_11-1 {
		t.Fatalf("payable %+v", pay)
	}
}
