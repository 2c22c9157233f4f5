package http_test

import (
	"bytes"
	"encoding/base64"
	"fmt"
	"io"
	"net/http"
	"os"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/unicode"

	"linkfin"
	lfhttp "linkfin/http"
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

// factoringOrder is the anchor's order, accepted by tier1, that the factoring example
// (en16931-bis3-factoring.xml) bills: 5 of line 10 at 10,000 EUR and 3 of line 20 at
// 14,000.
func factoringOrder(t *testing.T, p *platform) linkfin.PurchaseOrder {
	t.Helper()
	var po linkfin.PurchaseOrder
	wantJSON(t, p.as("anchor", "POST", "/v1/purchase-orders", `{"number":"PO-EU","seller_id":"tier1","currency":"EUR","lines":[`+
		`{"line_id":"10","item":"nails","quantity":5,"unit":"XDR","unit_price":1000000},{"line_id":"20","item":"nails","quantity":3,"unit":"XDR","unit_price":1400000}]}`),
		http.StatusCreated, &po)
	wantJSON(t, p.as("tier1", "POST", "/v1/purchase-orders/"+po.ID+"/accept", ""), http.StatusOK, nil)
	return po
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
	po := factoringOrder(t, p)
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
	// An amount UBL allows once, given twice: refused, not read for either.
	twice := strings.Replace(readDoc(t, "en16931-bis3-factoring.xml"), "</cbc:PayableAmount>",
		`</cbc:PayableAmount><cbc:PayableAmount currencyID="EUR">1.00</cbc:PayableAmount>`, 1)
	prob = wantProblem(t, xml("tier1", "/v1/invoices?po_id="+po.ID+"&buyer_id=anchor", twice, "e-twice"),
		http.StatusUnprocessableEntity, "ubl_invalid")
	if !strings.Contains(prob.Detail, "LegalMonetaryTotal/PayableAmount is given twice") {
		t.Errorf("detail %q does not name the element", prob.Detail)
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
	// A credit note finds its seller by a registered identifier, as an invoice does:
	// until tier1 registers one that the note gives, it is refused.
	base = p.snapshot()
	wantProblem(t, xml("tier1", "/v1/credit-notes", cn, "e-1a"), http.StatusUnprocessableEntity, services.EPARTIES)
	if !reflect.DeepEqual(p.snapshot(), base) {
		t.Fatal("a refused credit note changed the store")
	}
	wantJSON(t, p.as("tier1", "POST", "/v1/organizations/tier1/identifiers", `{"type":"vat","value":"BE0000000196"}`), http.StatusOK, nil)
	// The buyer is not the note's seller, and has no invoice of that number to credit.
	wantProblem(t, xml("anchor", "/v1/credit-notes", cn, "e-2"), http.StatusUnprocessableEntity, services.EPARTIES)
	wantProblem(t, xml("tier1", "/v1/credit-notes", readDoc(t, "cen/ubl-tc434-creditnote1.xml"), "e-3"), http.StatusUnprocessableEntity, services.EREFERENCE)
	// The same note in dollars: its amounts are not the invoice's euros.
	usd := strings.ReplaceAll(strings.Replace(cn, "DocumentCurrencyCode>EUR<", "DocumentCurrencyCode>USD<", 1), `currencyID="EUR"`, `currencyID="USD"`)
	wantProblem(t, xml("tier1", "/v1/credit-notes", usd, "e-usd"), http.StatusUnprocessableEntity, linkfin.ECURRENCYMISMATCH)
	// Dated after tomorrow, as an invoice may not be.
	wantProblem(t, xml("tier1", "/v1/credit-notes", strings.Replace(cn, "<cbc:IssueDate>2019-09-23", "<cbc:IssueDate>2099-09-23", 1), "e-future"),
		http.StatusUnprocessableEntity, services.EISSUEDFUTURE)
	// Dated the day before the invoice it credits (issued 2017-08-29).
	base = p.snapshot()
	wantProblem(t, xml("tier1", "/v1/credit-notes", strings.Replace(cn, "<cbc:IssueDate>2019-09-23", "<cbc:IssueDate>2017-08-28", 1), "e-past"),
		http.StatusUnprocessableEntity, services.EISSUEDBEFOREINVOICE)
	if !reflect.DeepEqual(p.snapshot(), base) {
		t.Fatal("a refused credit note changed the store")
	}
	var note linkfin.CreditNote
	wantJSON(t, xml("tier1", "/v1/credit-notes", cn, "e-4"), http.StatusCreated, &note)
	if note.InvoiceID != inv.ID || note.Amount != 100_11 || note.Number != "018304 / 28865" || note.IssueDate.String() != "2019-09-23" {
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

// An e-invoice in the encoding its XML declaration names, ISO-8859-1 here, is read as
// the same document in UTF-8; the same bytes declared as UTF-8 are refused.
func TestEInvoiceInDeclaredEncoding(t *testing.T) {
	p := newPlatform(t)
	po := factoringOrder(t, p)

	latin1, err := charmap.ISO8859_1.NewEncoder().String(readDoc(t, "en16931-bis3-factoring.xml"))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(latin1, "R\xe4ffld") {
		t.Fatal("the document has no ä to write in ISO-8859-1")
	}
	send := func(body, key string) reply {
		return p.as("tier1", "POST", "/v1/invoices?po_id="+po.ID+"&buyer_id=anchor", body, "Content-Type", "application/xml", "Idempotency-Key", key)
	}
	wantProblem(t, send(latin1, "l-1"), http.StatusBadRequest, lfhttp.EENCODING)
	declared := strings.Replace(latin1, `encoding="UTF-8"`, `encoding="ISO-8859-1"`, 1)
	var inv linkfin.Invoice
	wantJSON(t, send(declared, "l-2"), http.StatusCreated, &inv)
	if inv.Number != "7023708" || inv.Total != 115_000_00 || inv.Tax != 23_000_00 {
		t.Fatalf("invoice %+v", inv)
	}

	// The charset of the Content-Type, when given, is the document's encoding (RFC 7303
	// §3.2): one that is not is refused, whichever of the two is right, and changes
	// nothing.
	numbered := func(doc, number string) string {
		return strings.Replace(doc, "<cbc:ID>7023708</cbc:ID>", "<cbc:ID>"+number+"</cbc:ID>", 1)
	}
	utf8Doc := numbered(readDoc(t, "en16931-bis3-factoring.xml"), "7023709")
	undeclared := strings.Replace(utf8Doc, `<?xml version="1.0" encoding="UTF-8"?>`, "", 1)
	utf16Doc, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(
		strings.Replace(numbered(readDoc(t, "en16931-bis3-factoring.xml"), "7023710"), `encoding="UTF-8"`, `encoding="UTF-16"`, 1))
	if err != nil {
		t.Fatal(err)
	}
	sendAs := func(body, ct, key string) reply {
		return p.as("tier1", "POST", "/v1/invoices?po_id="+po.ID+"&buyer_id=anchor", body, "Content-Type", ct, "Idempotency-Key", key)
	}
	base := p.snapshot()
	for i, c := range []struct{ body, charset, detail string }{
		{numbered(declared, "7023711"), "utf-8", `declares the encoding "ISO-8859-1"`},
		{undeclared, "iso-8859-1", "declares no encoding"},
		{utf8Doc, "windows-1252", `declares the encoding "UTF-8"`},
		{utf16Doc, "utf-16be", "UTF-16LE"},
		{utf16Doc, "ISO-8859-1", "UTF-16LE"},
		{numbered(declared, "7023711"), "x-klingon", `"x-klingon"`},
	} {
		prob := wantProblem(t, sendAs(c.body, "application/xml; charset="+c.charset, fmt.Sprint("c-", i)),
			http.StatusUnsupportedMediaType, lfhttp.EMEDIATYPE)
		if !strings.Contains(prob.Detail, c.detail) {
			t.Errorf("charset %s: detail %q does not say %q", c.charset, prob.Detail, c.detail)
		}
	}
	if !reflect.DeepEqual(p.snapshot(), base) {
		t.Fatal("a document refused for its charset changed the store")
	}
	for i, c := range []struct{ body, charset, number string }{
		{numbered(declared, "7023711"), "ISO-8859-1", "7023711"},
		// WHATWG's name of ISO-8859-1, as the reader reads it.
		{numbered(declared, "7023712"), `"windows-1252"`, "7023712"},
		{utf8Doc, "UTF-8", "7023709"},
		{utf16Doc, "utf-16", "7023710"},
	} {
		wantJSON(t, sendAs(c.body, "application/xml; charset="+c.charset, fmt.Sprint("a-", i)), http.StatusCreated, &inv)
		if inv.Number != c.number || inv.Total != 115_000_00 {
			t.Fatalf("charset %s: invoice %+v", c.charset, inv)
		}
	}
}

// An e-invoice that names its parties by their registered identifiers and its order by
// OrderReference needs no query; one whose parties do not match is refused with
// einvoice_parties, and changes nothing.
func TestEInvoiceFindsItsParties(t *testing.T) {
	p := newPlatform(t)
	wantJSON(t, p.as("tier1", "POST", "/v1/organizations/tier1/identifiers", `{"type":"endpoint","scheme":"0088","value":"9482348239847239874"}`), http.StatusOK, nil)
	// Another's organization is not found; a taken identifier is refused.
	wantProblem(t, p.as("tier1", "POST", "/v1/organizations/anchor/identifiers", `{"type":"vat","value":"SE4598375937"}`), http.StatusNotFound, linkfin.ENOTFOUND)
	var org linkfin.Organization
	wantJSON(t, p.as("operator", "POST", "/v1/organizations/anchor/identifiers", `{"type":"vat","value":"SE4598375937"}`), http.StatusOK, &org)
	if len(org.Identifiers) != 1 || org.Identifiers[0].Value != "SE4598375937" {
		t.Fatalf("organization %+v", org)
	}
	wantProblem(t, p.as("tier2", "POST", "/v1/organizations/tier2/identifiers", `{"type":"vat","value":"SE 4598375937"}`), http.StatusConflict, services.EIDENTIFIERTAKEN)
	// One registered by mistake is removed by its organization's admin (or the
	// operator), and may then be registered by another; another's is not found.
	wantJSON(t, p.as("tier1", "POST", "/v1/organizations/tier1/identifiers", `{"type":"legal","value":"5560000000"}`), http.StatusOK, nil)
	wantProblem(t, p.as("tier2", "POST", "/v1/organizations/tier1/identifiers/remove", `{"type":"legal","value":"5560000000"}`), http.StatusNotFound, linkfin.ENOTFOUND)
	wantProblem(t, p.as("tier2", "POST", "/v1/organizations/tier2/identifiers/remove", `{"type":"legal","value":"5560000000"}`), http.StatusNotFound, linkfin.ENOTFOUND)
	wantProblem(t, p.as("tier1", "POST", "/v1/organizations/tier1/identifiers/remove", `{"type":"gln","value":"1"}`), http.StatusBadRequest, linkfin.EINVALID)
	wantJSON(t, p.as("tier1", "POST", "/v1/organizations/tier1/identifiers/remove", `{"type":"legal","value":"5560000000"}`), http.StatusOK, &org)
	if len(org.Identifiers) != 1 || org.Identifiers[0].Type != linkfin.IdentifierEndpoint {
		t.Fatalf("after the removal: %+v", org)
	}
	wantJSON(t, p.as("tier2", "POST", "/v1/organizations/tier2/identifiers", `{"type":"legal","value":"5560000000"}`), http.StatusOK, nil)

	var po linkfin.PurchaseOrder
	wantJSON(t, p.as("anchor", "POST", "/v1/purchase-orders", `{"number":"PO-EU2","seller_id":"tier1","currency":"EUR","lines":[`+
		`{"line_id":"123","item":"days","quantity":4,"unit":"DAY","unit_price":40000}]}`), http.StatusCreated, &po)
	wantJSON(t, p.as("tier1", "POST", "/v1/purchase-orders/"+po.ID+"/accept", ""), http.StatusOK, nil)
	wantJSON(t, p.as("anchor", "POST", "/v1/goods-receipts", `{"po_id":"`+po.ID+`","lines":[{"line_id":"123","accepted":4,"rejected":0}]}`), http.StatusCreated, nil)

	doc := strings.Replace(readDoc(t, "peppol-bis3-base-example.xml"), "<cac:AccountingSupplierParty>",
		"<cac:OrderReference><cbc:ID>PO-EU2</cbc:ID></cac:OrderReference><cac:AccountingSupplierParty>", 1)
	send := func(who, body, key string) reply {
		return p.as(who, "POST", "/v1/invoices", body, "Content-Type", "application/xml", "Idempotency-Key", key)
	}
	base := p.snapshot()
	wantProblem(t, send("tier2", doc, "p-1"), http.StatusUnprocessableEntity, services.EPARTIES)                                          // not the seller
	wantProblem(t, send("tier1", strings.Replace(doc, "PO-EU2", "PO-NONE", 1), "p-2"), http.StatusUnprocessableEntity, services.EPARTIES) // no such order
	wantProblem(t, send("tier1", strings.Replace(doc, "SE4598375937", "SE1", 1), "p-3"), http.StatusUnprocessableEntity, services.EPARTIES)
	if !reflect.DeepEqual(p.snapshot(), base) {
		t.Fatal("a refused document changed the store")
	}
	var inv linkfin.Invoice
	wantJSON(t, send("tier1", doc, "p-4"), http.StatusCreated, &inv)
	if inv.POID != po.ID || inv.BuyerID != "anchor" || inv.SellerID != "tier1" || inv.Number != "Snippet1" ||
		len(inv.Lines) != 2 || inv.Total != 1656_25 || inv.Charge != 25_00 {
		t.Fatalf("invoice %+v", inv)
	}
}

// withAttachment is the factoring example with a PDF of about size bytes embedded in
// base64, as PEPPOL invoices carry their printed form, and the given number.
func withAttachment(t *testing.T, number string, size int) string {
	t.Helper()
	pdf := base64.StdEncoding.EncodeToString(bytes.Repeat([]byte("%PDF-1.4 scanned invoice\n"), size*3/4/25+1))
	doc := strings.Replace(readDoc(t, "en16931-bis3-factoring.xml"), "<cac:AccountingSupplierParty>",
		`<cac:AdditionalDocumentReference><cbc:ID>`+number+`.pdf</cbc:ID><cac:Attachment>`+
			`<cbc:EmbeddedDocumentBinaryObject mimeCode="application/pdf" filename="`+number+`.pdf">`+pdf+
			`</cbc:EmbeddedDocumentBinaryObject></cac:Attachment></cac:AdditionalDocumentReference><cac:AccountingSupplierParty>`, 1)
	return strings.Replace(doc, "<cbc:ID>7023708</cbc:ID>", "<cbc:ID>"+number+"</cbc:ID>", 1)
}

// An e-invoice or credit note in UBL may be up to 16 MiB, as PEPPOL invoices embed
// their PDF; JSON stays within 1 MiB (the bank's documents: TestBankDocumentBodyLimits).
func TestEInvoiceBodyLimits(t *testing.T) {
	p := newPlatform(t)
	po := factoringOrder(t, p)
	invoices := "/v1/invoices?po_id=" + po.ID + "&buyer_id=anchor"

	large := withAttachment(t, "7023801", 3<<20)
	if len(large) < 3<<20 || len(large) > lfhttp.MaxEInvoiceBytes {
		t.Fatalf("the document is %d bytes", len(large))
	}
	var inv linkfin.Invoice
	wantJSON(t, p.as("tier1", "POST", invoices, large, "Content-Type", "application/xml"), http.StatusCreated, &inv)
	if inv.Number != "7023801" || inv.Total != 115_000_00 {
		t.Fatalf("invoice %+v", inv)
	}
	// Sent without a Content-Length (chunked), read as it comes.
	req, err := http.NewRequest("POST", p.url+invoices, io.MultiReader(strings.NewReader(withAttachment(t, "7023802", 3<<20))))
	if err != nil {
		t.Fatal(err)
	}
	req.Header.Set("Authorization", "Bearer "+p.keys["tier1"])
	req.Header.Set("Content-Type", "application/xml")
	req.Header.Set("Idempotency-Key", "chunked")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusCreated {
		t.Fatalf("sent chunked: %d", resp.StatusCode)
	}

	base := p.snapshot()
	over := withAttachment(t, "7023803", lfhttp.MaxEInvoiceBytes)
	if len(over) <= lfhttp.MaxEInvoiceBytes {
		t.Fatalf("the document is %d bytes", len(over))
	}
	wantProblem(t, p.as("tier1", "POST", invoices, over, "Content-Type", "application/xml"), http.StatusRequestEntityTooLarge, lfhttp.ETOOLARGE)
	wantProblem(t, p.as("tier1", "POST", "/v1/credit-notes", over, "Content-Type", "application/xml"), http.StatusRequestEntityTooLarge, lfhttp.ETOOLARGE)
	// JSON stays within 1 MiB on the same routes.
	pad := strings.Repeat(" ", lfhttp.MaxBodyBytes)
	wantProblem(t, p.as("tier1", "POST", invoices, `{"number":"J-1"}`+pad), http.StatusRequestEntityTooLarge, lfhttp.ETOOLARGE)
	wantProblem(t, p.as("tier1", "POST", "/v1/credit-notes", `{"number":"J-1"}`+pad), http.StatusRequestEntityTooLarge, lfhttp.ETOOLARGE)
	if !reflect.DeepEqual(p.snapshot(), base) {
		t.Fatal("a body refused for its size changed the store")
	}
}

// An invoice has 1 to 1000 lines (linkfin.MaxInvoiceLines), as the OpenAPI document
// says of the JSON body's lines (minItems, maxItems); JSON beyond them is refused as it
// is read, and an e-invoice of more lines alike, with 400 invalid and nothing stored.
func TestInvoiceLinesBounded(t *testing.T) {
	p := newPlatform(t)
	doc, err := p.srv.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	lines := loadOpenAPI(t, doc).Components.Schemas["InvoiceIn"].Value.Properties["lines"].Value
	if lines.MinItems != 1 || lines.MaxItems == nil || *lines.MaxItems != linkfin.MaxInvoiceLines {
		t.Errorf("the document's lines: minItems %d, maxItems %v", lines.MinItems, lines.MaxItems)
	}
	var po linkfin.PurchaseOrder
	wantJSON(t, p.as("anchor", "POST", "/v1/purchase-orders", `{"number":"PO-L","seller_id":"tier1","currency":"CNY","lines":[`+
		`{"line_id":"L1","item":"bolt","quantity":2000,"unit":"pc","unit_price":100}]}`), http.StatusCreated, &po)
	wantJSON(t, p.as("tier1", "POST", "/v1/purchase-orders/"+po.ID+"/accept", ""), http.StatusOK, nil)
	body := func(number string, n int) string {
		ls := strings.TrimSuffix(strings.Repeat(`{"line_id":"L1","quantity":1,"unit_price":100,"amount":100},`, n), ",")
		return fmt.Sprintf(`{"number":%q,"buyer_id":"anchor","po_id":%q,"currency":"CNY","issue_date":"2026-11-02","due_date":"2026-12-02","lines":[%s],"tax":0,"total":%d}`,
			number, po.ID, ls, n*100)
	}
	base := p.snapshot()
	for _, n := range []int{0, linkfin.MaxInvoiceLines + 1} {
		prob := wantProblem(t, p.as("tier1", "POST", "/v1/invoices", body(fmt.Sprint("INV-", n), n)), http.StatusBadRequest, linkfin.EINVALID)
		if !strings.Contains(prob.Detail, "lines") {
			t.Errorf("%d lines: %q", n, prob.Detail)
		}
	}
	// An e-invoice of 1002 lines: the base example's two lines (2800 and −1500 EUR) 501
	// times, and its totals to match.
	ubl := readDoc(t, "peppol-bis3-base-example.xml")
	start, end := strings.Index(ubl, "<cac:InvoiceLine>"), strings.LastIndex(ubl, "</cac:InvoiceLine>")+len("</cac:InvoiceLine>")
	many := ubl[:start] + strings.Repeat(ubl[start:end], 501) + ubl[end:]
	for _, r := range [][2]string{{">1300</cbc:LineExtensionAmount>", ">651300</cbc:LineExtensionAmount>"},
		{">1325</cbc:TaxExclusiveAmount>", ">651325</cbc:TaxExclusiveAmount>"}, {">1656.25</cbc:TaxInclusiveAmount>", ">651656.25</cbc:TaxInclusiveAmount>"},
		{">1656.25</cbc:PayableAmount>", ">651656.25</cbc:PayableAmount>"}} {
		if !strings.Contains(many, r[0]) {
			t.Fatalf("no %q", r[0])
		}
		many = strings.Replace(many, r[0], r[1], 1)
	}
	prob := wantProblem(t, p.as("tier1", "POST", "/v1/invoices?po_id="+po.ID+"&buyer_id=anchor", many, "Content-Type", "application/xml", "Idempotency-Key", "l-1"),
		http.StatusBadRequest, linkfin.EINVALID)
	if !strings.Contains(prob.Detail, "1 to 1000 lines") {
		t.Errorf("an e-invoice of 1002 lines: %q", prob.Detail)
	}
	if !reflect.DeepEqual(p.snapshot(), base) {
		t.Fatal("a refused invoice changed the store")
	}
	var inv linkfin.Invoice
	wantJSON(t, p.as("tier1", "POST", "/v1/invoices", body("INV-MAX", linkfin.MaxInvoiceLines)), http.StatusCreated, &inv)
	if len(inv.Lines) != linkfin.MaxInvoiceLines {
		t.Errorf("%d lines stored", len(inv.Lines))
	}
}

// An e-invoice sent with its order and buyer in the query (?po_id=&buyer_id=) is held
// to the parties it names all the same: a seller or buyer whose identifier another
// organization registered is not the invoice's, 422 einvoice_parties, and nothing is
// stored. A party that registered none is taken as the query says.
func TestEInvoiceQueryFormHoldsParties(t *testing.T) {
	p := newPlatform(t)
	po := factoringOrder(t, p)
	send := func(key string) reply {
		return p.as("tier1", "POST", "/v1/invoices?po_id="+po.ID+"&buyer_id=anchor", readDoc(t, "en16931-bis3-factoring.xml"),
			"Content-Type", "application/xml", "Idempotency-Key", key)
	}
	seller := `{"type":"vat","value":"SE112233445501"}`
	buyer := `{"type":"endpoint","scheme":"0007","value":"9876543210"}`

	// tier2 registered the document's seller: tier1 may not send it as its own.
	wantJSON(t, p.as("tier2", "POST", "/v1/organizations/tier2/identifiers", seller), http.StatusOK, nil)
	base := p.snapshot()
	prob := wantProblem(t, send("q-1"), http.StatusUnprocessableEntity, services.EPARTIES)
	if !strings.Contains(prob.Detail, "seller") {
		t.Errorf("detail %q does not name the seller", prob.Detail)
	}
	if !reflect.DeepEqual(p.snapshot(), base) {
		t.Fatal("a refused document changed the store")
	}
	wantJSON(t, p.as("tier2", "POST", "/v1/organizations/tier2/identifiers/remove", seller), http.StatusOK, nil)

	// tier3 registered the document's buyer, which the query says is the anchor.
	wantJSON(t, p.as("operator", "POST", "/v1/organizations/tier3/identifiers", buyer), http.StatusOK, nil)
	prob = wantProblem(t, send("q-2"), http.StatusUnprocessableEntity, services.EPARTIES)
	if !strings.Contains(prob.Detail, "buyer") {
		t.Errorf("detail %q does not name the buyer", prob.Detail)
	}
	wantJSON(t, p.as("operator", "POST", "/v1/organizations/tier3/identifiers/remove", buyer), http.StatusOK, nil)

	// Registered to the invoice's own parties, or to no one: taken.
	wantJSON(t, p.as("tier1", "POST", "/v1/organizations/tier1/identifiers", seller), http.StatusOK, nil)
	var inv linkfin.Invoice
	wantJSON(t, send("q-3"), http.StatusCreated, &inv)
	if inv.SellerID != "tier1" || inv.BuyerID != "anchor" || inv.Number != "7023708" {
		t.Fatalf("invoice %+v", inv)
	}
}
