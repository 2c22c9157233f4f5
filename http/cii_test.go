package http_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"
)

// A CII e-invoice (UN/CEFACT Cross Industry Invoice, as Factur-X, ZUGFeRD and
// XRechnung send it) and a CII credit note over HTTP, as the UBL ones: the invoice is
// stored with the document's totals, a breach of EN 16931's arithmetic is refused with
// the rules it breaks and changes nothing, and the credit note credits the invoice it
// names.
func TestCIIOverHTTP(t *testing.T) {
	p := newPlatform(t)
	xml := func(who, path, body, key string) reply {
		return p.as(who, "POST", path, body, "Content-Type", "application/xml", "Idempotency-Key", key)
	}
	// The order CII_example4 bills: 1,000 sheets of paper at 1.00 DKK, 100 pens and 500
	// cookies at 5.00.
	var po linkfin.PurchaseOrder
	wantJSON(t, p.as("anchor", "POST", "/v1/purchase-orders", `{"number":"PO-DK","seller_id":"tier1","currency":"DKK","lines":[`+
		`{"line_id":"1","item":"paper","quantity":1000,"unit":"C62","unit_price":100},`+
		`{"line_id":"2","item":"pens","quantity":100,"unit":"C62","unit_price":500},`+
		`{"line_id":"3","item":"cookies","quantity":500,"unit":"C62","unit_price":500}]}`), http.StatusCreated, &po)
	wantJSON(t, p.as("tier1", "POST", "/v1/purchase-orders/"+po.ID+"/accept", ""), http.StatusOK, nil)
	wantJSON(t, p.as("anchor", "POST", "/v1/goods-receipts", `{"po_id":"`+po.ID+`","lines":[{"line_id":"1","accepted":1000,"rejected":0},`+
		`{"line_id":"2","accepted":100,"rejected":0},{"line_id":"3","accepted":500,"rejected":0}]}`), http.StatusCreated, nil)
	path := "/v1/invoices?po_id=" + po.ID + "&buyer_id=anchor"
	doc := readDoc(t, "cen-cii/CII_example4.xml")

	base := p.snapshot()
	broken := strings.Replace(doc, "<ram:GrandTotalAmount>4675</ram:GrandTotalAmount>", "<ram:GrandTotalAmount>4676</ram:GrandTotalAmount>", 1)
	prob := wantProblem(t, xml("tier1", path, broken, "c-0"), http.StatusUnprocessableEntity, services.ERULES)
	var rules []string
	for _, v := range prob.Violations {
		rules = append(rules, v.Rule)
	}
	if want := []string{"BR-CO-15", "BR-CO-16"}; !reflect.DeepEqual(rules, want) {
		t.Fatalf("violations %q, want %q", rules, want)
	}
	if !strings.Contains(prob.Detail, "but GrandTotalAmount is 4676.00 DKK") {
		t.Errorf("detail %q does not name CII's total", prob.Detail)
	}
	twice := strings.Replace(doc, "<ram:DuePayableAmount>4675</ram:DuePayableAmount>",
		"<ram:DuePayableAmount>4675</ram:DuePayableAmount><ram:DuePayableAmount>1</ram:DuePayableAmount>", 1)
	prob = wantProblem(t, xml("tier1", path, twice, "c-1"), http.StatusUnprocessableEntity, "ubl_invalid")
	if !strings.Contains(prob.Detail, "DuePayableAmount is given twice") || !strings.Contains(prob.Detail, "CII allows it once") {
		t.Errorf("detail %q does not name the element", prob.Detail)
	}
	if !reflect.DeepEqual(p.snapshot(), base) {
		t.Fatal("a refused document changed the store")
	}

	var inv linkfin.Invoice
	wantJSON(t, xml("tier1", path, doc, "c-2"), http.StatusCreated, &inv)
	if inv.Number != "TOSL110" || inv.Currency != "DKK" || inv.Total != 4675_00 || inv.Tax != 675_00 || len(inv.Lines) != 3 ||
		inv.DueDate.String() != "2013-05-10" || inv.Status != linkfin.InvoiceMatched || inv.TypeCode != "380" {
		t.Fatalf("invoice %+v", inv)
	}
	var pay linkfin.Payable
	wantJSON(t, p.as("anchor", "POST", "/v1/invoices/"+inv.ID+"/approve", ""), http.StatusOK, &pay)

	// The same document as a credit note (type code 381) naming the invoice it credits,
	// whole.
	cn := doc
	for _, r := range [][2]string{
		{"<ram:ID>TOSL110</ram:ID>", "<ram:ID>CN-7</ram:ID>"},
		{"<ram:TypeCode>380</ram:TypeCode>", "<ram:TypeCode>381</ram:TypeCode>"},
		{"</ram:SpecifiedTradeSettlementHeaderMonetarySummation>", "</ram:SpecifiedTradeSettlementHeaderMonetarySummation>" +
			"<ram:InvoiceReferencedDocument><ram:IssuerAssignedID>TOSL110</ram:IssuerAssignedID></ram:InvoiceReferencedDocument>"},
	} {
		if !strings.Contains(cn, r[0]) {
			t.Fatalf("no %q", r[0])
		}
		cn = strings.Replace(cn, r[0], r[1], 1)
	}
	// An invoice's document is not a credit note, nor a credit note's an invoice.
	wantProblem(t, xml("tier1", "/v1/credit-notes", doc, "c-3"), http.StatusUnprocessableEntity, services.ETYPECODE)
	wantProblem(t, xml("tier1", path, cn, "c-4"), http.StatusUnprocessableEntity, services.ETYPECODE)
	// A credit note finds its seller by a registered identifier, as an invoice does.
	wantProblem(t, xml("tier1", "/v1/credit-notes", cn, "c-4a"), http.StatusUnprocessableEntity, services.EPARTIES)
	wantJSON(t, p.as("tier1", "POST", "/v1/organizations/tier1/identifiers", `{"type":"vat","value":"DK16356706"}`), http.StatusOK, nil)
	// Dated after tomorrow, as an invoice may not be.
	wantProblem(t, xml("tier1", "/v1/credit-notes", strings.Replace(cn, ">20130410<", ">20990410<", 1), "c-future"),
		http.StatusUnprocessableEntity, services.EISSUEDFUTURE)
	var note linkfin.CreditNote
	wantJSON(t, xml("tier1", "/v1/credit-notes", cn, "c-5"), http.StatusCreated, &note)
	if note.InvoiceID != inv.ID || note.Number != "CN-7" || note.Amount != 4675_00 || note.IssueDate.String() != "2013-04-10" {
		t.Fatalf("credit note %+v", note)
	}
	wantJSON(t, p.as("tier1", "GET", "/v1/payables/"+pay.ID, ""), http.StatusOK, &pay)
	if pay.Amount != 0 {
		t.Fatalf("payable %+v", pay)
	}
}
