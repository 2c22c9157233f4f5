package console

import (
	"bytes"
	"context"
	"encoding/json"
	"html"
	"io"
	"mime/multipart"
	"net/http"
	"net/url"
	"os"
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"

	"golang.org/x/text/encoding/charmap"
)

func (s *site) order(id string) linkfin.PurchaseOrder {
	s.t.Helper()
	o, err := s.store.Object(context.Background(), linkfin.KindPurchaseOrder, id)
	if err != nil {
		s.t.Fatal(err)
	}
	var po linkfin.PurchaseOrder
	json.Unmarshal(o.Data, &po)
	return po
}

// count is how many records of the kind the store holds.
func (s *site) count(kind string) int {
	s.t.Helper()
	objs, err := s.store.ListObjects(context.Background(), kind, "", 1000)
	if err != nil {
		s.t.Fatal(err)
	}
	return len(objs)
}

// placed is an order from the anchor to tier1, issued; accepted and received whole
// when delivered is true.
func (s *site) placed(id string, cur linkfin.Currency, lines []linkfin.POLine, delivered bool) {
	s.t.Helper()
	po := linkfin.PurchaseOrder{ID: id, Number: id, SellerID: "tier1", Currency: cur, Lines: lines}
	if cur == "CNY" {
		po.ProgramID = "auto-scf"
	}
	s.run(&services.CreatePurchaseOrder{Actor: "anchor", Order: po})
	if !delivered {
		return
	}
	s.run(&services.AcceptPurchaseOrder{Actor: "tier1", ID: id})
	var got []linkfin.ReceiptLine
	for _, l := range lines {
		got = append(got, linkfin.ReceiptLine{LineID: l.LineID, Accepted: l.Quantity})
	}
	s.run(&services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "GR-" + id, POID: id, Lines: got}})
}

// The seller's orders: listed by status and as CSV; the seller accepts an issued order
// once however often the form is sent; the buyer is refused with the platform's words
// and nothing changes; a viewer and a stranger change nothing.
func TestAcceptOrder(t *testing.T) {
	s := newSite(t)
	s.placed("PO-2", "CNY", []linkfin.POLine{{LineID: "1", Item: "caliper", Quantity: 10, Unit: "EA", UnitPrice: 250_00}}, false)
	tier1 := s.as("tier1", linkfin.RoleFinance)
	code, page := tier1.get("/orders?status=issued")
	if code != http.StatusOK || !strings.Contains(page, `href="/orders/PO-2"`) || strings.Contains(page, `href="/orders/PO-1"`) {
		t.Fatalf("tier1's issued orders: %d\n%s", code, page)
	}
	code, csv := tier1.get("/orders?format=csv")
	if code != http.StatusOK || !strings.HasPrefix(csv, bom+"id,number,buyer_id,seller_id") || !strings.Contains(csv, "PO-2,PO-2,anchor,tier1,auto-scf,CNY") {
		t.Fatalf("CSV: %d\n%s", code, csv)
	}
	code, page = tier1.get("/orders/PO-2")
	if code != http.StatusOK || !strings.Contains(page, `action="/orders/PO-2/accept"`) || !strings.Contains(page, "caliper") || !strings.Contains(page, "CNY 2,500.00") {
		t.Fatalf("tier1's order: %d\n%s", code, page)
	}

	viewer := s.as("tier1", linkfin.RoleViewer)
	_, vpage := viewer.get("/orders/PO-2")
	if strings.Contains(vpage, "/accept") {
		t.Fatal("a viewer is offered the acceptance")
	}
	if code, _ := viewer.post("/orders/PO-2/accept", url.Values{"csrf": {hidden(vpage, "csrf")}, "idempotency_key": {"v"}}); code != http.StatusForbidden {
		t.Fatalf("a viewer's acceptance: %d", code)
	}
	stranger := s.as("tier2", linkfin.RoleAdmin)
	if code, _ := stranger.get("/orders/PO-2"); code != http.StatusNotFound {
		t.Fatalf("a stranger reads the order: %d", code)
	}
	anchor := s.as("anchor", linkfin.RoleAdmin)
	_, apage := anchor.get("/orders/PO-2")
	if strings.Contains(apage, "/accept") {
		t.Fatal("the buyer is offered the seller's acceptance")
	}
	if code, body := anchor.post("/orders/PO-2/accept", url.Values{"csrf": {hidden(apage, "csrf")}, "idempotency_key": {"a"}}); code != http.StatusForbidden || !strings.Contains(body, "only the seller accepts an order") {
		t.Fatalf("the buyer's acceptance: %d\n%s", code, body)
	}
	if s.order("PO-2").Status != linkfin.POIssued {
		t.Fatal("refused acceptances changed the order")
	}

	form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}}
	for range 2 {
		if code, body := tier1.post("/orders/PO-2/accept", form); code != http.StatusSeeOther {
			t.Fatalf("accept: %d\n%s", code, body)
		}
	}
	if got := s.order("PO-2").Status; got != linkfin.POAccepted {
		t.Fatalf("after acceptance the order is %s", got)
	}
	if _, page := tier1.get("/orders/PO-2"); !strings.Contains(page, "accepted by the seller") || strings.Contains(page, `action="/orders/PO-2/accept"`) {
		t.Fatalf("the accepted order:\n%s", page)
	}
}

// The seller records a shipment of an accepted order with a logistics operator as its
// carrier; a carrier that is no logistics operator is refused with the platform's
// words, and nothing is recorded; a viewer and a stranger record nothing.
func TestShipOrder(t *testing.T) {
	s := newSite(t)
	tier1 := s.as("tier1", linkfin.RoleFinance)
	code, page := tier1.get("/orders/PO-1")
	if code != http.StatusOK || !strings.Contains(page, `action="/orders/PO-1/ship"`) || !strings.Contains(page, `<option value="port">`) {
		t.Fatalf("tier1's accepted order: %d\n%s", code, page)
	}
	if strings.Contains(page, `<option value="tier2">`) || strings.Contains(page, `<option value="bank">`) {
		t.Fatalf("a carrier offered that is no logistics operator:\n%s", page)
	}
	before := s.count(linkfin.KindShipment)
	bad := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {"bad"}, "carrier": {"tier2"}}
	if code, body := tier1.post("/orders/PO-1/ship", bad); code != http.StatusBadRequest || !strings.Contains(body, "organization tier2 is not a logistics operator") {
		t.Fatalf("a carrier that is not one: %d\n%s", code, body)
	}
	viewer := s.as("tier1", linkfin.RoleViewer)
	_, vpage := viewer.get("/orders/PO-1")
	if strings.Contains(vpage, "/ship") {
		t.Fatal("a viewer is offered the shipment")
	}
	if code, _ := viewer.post("/orders/PO-1/ship", url.Values{"csrf": {hidden(vpage, "csrf")}, "idempotency_key": {"v"}, "carrier": {"port"}}); code != http.StatusForbidden {
		t.Fatalf("a viewer's shipment: %d", code)
	}
	stranger := s.as("tier2", linkfin.RoleAdmin)
	_, spage := stranger.get("/orders")
	if code, _ := stranger.get("/orders/PO-1"); code != http.StatusNotFound {
		t.Fatalf("a stranger reads the order: %d", code)
	}
	if code, _ := stranger.post("/orders/PO-1/ship", url.Values{"csrf": {hidden(spage, "csrf")}, "idempotency_key": {"s"}, "carrier": {"port"}}); code == http.StatusSeeOther {
		t.Fatal("a stranger shipped the order")
	}
	if s.count(linkfin.KindShipment) != before {
		t.Fatal("refused shipments were recorded")
	}

	form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}, "carrier": {"port"}, "number": {"SH-9"}}
	for range 2 {
		if code, body := tier1.post("/orders/PO-1/ship", form); code != http.StatusSeeOther {
			t.Fatalf("ship: %d\n%s", code, body)
		}
	}
	if s.count(linkfin.KindShipment) != before+1 {
		t.Fatalf("%d shipments recorded, want 1", s.count(linkfin.KindShipment)-before)
	}
	_, page = s.as("anchor", linkfin.RoleViewer).get("/orders/PO-1")
	if !strings.Contains(page, "<td>SH-9</td><td>port</td><td>announced</td>") {
		t.Fatalf("the buyer does not see the shipment:\n%s", page)
	}
}

// The seller invoices an accepted order from the form, filled in from the order's
// lines; the invoice's page then shows its three-way match. An invoice due before it is
// issued is refused with the platform's words, and nothing is created; a viewer and a
// stranger create nothing.
func TestInvoiceOrder(t *testing.T) {
	s := newSite(t)
	s.placed("PO-3", "CNY", []linkfin.POLine{{LineID: "1", Item: "pad", Quantity: 40, Unit: "EA", UnitPrice: 120_00}, {LineID: "2", Item: "shim", Quantity: 8, Unit: "EA", UnitPrice: 15_50}}, true)
	tier1 := s.as("tier1", linkfin.RoleFinance)
	code, page := tier1.get("/orders/PO-3")
	if code != http.StatusOK || !strings.Contains(page, `action="/orders/PO-3/invoice"`) {
		t.Fatalf("tier1's order: %d\n%s", code, page)
	}
	for _, want := range []string{`name="line" value="1"`, `name="line" value="2"`, `name="quantity" inputmode="numeric" value="40"`, `name="unit_price" inputmode="decimal" value="15.50"`,
		`name="amount" inputmode="decimal" value="4800.00"`, `name="total" inputmode="decimal" value="4924.00"`} {
		if !strings.Contains(page, want) {
			t.Fatalf("the form is not filled in from the order (%s):\n%s", want, page)
		}
	}
	today := linkfin.BusinessDate(s.clock.Now())
	form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}, "number": {"INV-3"},
		"issue_date": {today.String()}, "due_date": {today.AddDays(-1).String()},
		"line": {"1", "2"}, "quantity": {"40", "8"}, "unit_price": {"120.00", "15.50"}, "amount": {"4,800.00", "124.00"}, "tax": {"0"}, "total": {"4924.00"}}
	before := s.count(linkfin.KindInvoice)
	if code, body := tier1.post("/orders/PO-3/invoice", form); code != http.StatusBadRequest || !strings.Contains(body, "an invoice has an issue date and a due date not before it") {
		t.Fatalf("a due date before the issue: %d\n%s", code, body)
	}
	viewer := s.as("tier1", linkfin.RoleViewer)
	_, vpage := viewer.get("/orders/PO-3")
	if strings.Contains(vpage, "/invoice\"") || strings.Contains(vpage, "/invoice/ubl") {
		t.Fatal("a viewer is offered the invoice forms")
	}
	vform := url.Values{}
	for k, v := range form {
		vform[k] = v
	}
	vform.Set("csrf", hidden(vpage, "csrf"))
	vform.Set("due_date", today.AddDays(30).String())
	if code, _ := viewer.post("/orders/PO-3/invoice", vform); code != http.StatusForbidden {
		t.Fatalf("a viewer's invoice: %d", code)
	}
	stranger := s.as("tier2", linkfin.RoleAdmin)
	_, spage := stranger.get("/orders")
	if code, _ := stranger.get("/orders/PO-3"); code != http.StatusNotFound {
		t.Fatalf("a stranger reads the order: %d", code)
	}
	vform.Set("csrf", hidden(spage, "csrf"))
	if code, _ := stranger.post("/orders/PO-3/invoice", vform); code != http.StatusNotFound {
		t.Fatalf("a stranger's invoice: %d", code)
	}
	if s.count(linkfin.KindInvoice) != before {
		t.Fatal("refused invoices were created")
	}

	// Corrected, the same form (its key unspent by the refusal) creates the invoice.
	form.Set("due_date", today.AddDays(30).String())
	loc := tier1.postTo("/orders/PO-3/invoice", form)
	if !strings.HasPrefix(loc, "/invoices/") {
		t.Fatalf("the invoice form went to %q", loc)
	}
	if again := tier1.postTo("/orders/PO-3/invoice", form); again != loc {
		t.Fatalf("the form sent again went to %q, not %q", again, loc)
	}
	if s.count(linkfin.KindInvoice) != before+1 {
		t.Fatal("the form sent twice made two invoices")
	}
	inv := s.invoice(strings.TrimPrefix(loc, "/invoices/"))
	if inv.Status != linkfin.InvoiceMatched || inv.Total != 4924_00 || len(inv.Lines) != 2 {
		t.Fatalf("the invoice: %+v", inv)
	}
	code, page = tier1.get(loc)
	if code != http.StatusOK || !strings.Contains(page, "INV-3") || !strings.Contains(page, "matched") || !strings.Contains(page, "CNY 120.00") {
		t.Fatalf("the invoice's page: %d\n%s", code, page)
	}
}

// postTo sends a form and answers where it sent the browser.
func (c *client) postTo(path string, form url.Values) string {
	c.t.Helper()
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.sent(req)
}

// upload sends a form with a file, as a browser sends a file field.
func (c *client) upload(path string, form url.Values, field, name string, content []byte) *http.Response {
	c.t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	for k, vs := range form {
		for _, v := range vs {
			mw.WriteField(k, v)
		}
	}
	fw, _ := mw.CreateFormFile(field, name)
	fw.Write(content)
	mw.Close()
	req, _ := http.NewRequest("POST", c.base+path, &b)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	req.Header.Set("Origin", c.base)
	resp, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	return resp
}

func (c *client) sent(req *http.Request) string {
	c.t.Helper()
	req.Header.Set("Origin", c.base)
	resp, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		b, _ := io.ReadAll(resp.Body)
		c.t.Fatalf("%s: %d\n%s", req.URL.Path, resp.StatusCode, b)
	}
	return resp.Header.Get("Location")
}

// The seller uploads a published UBL 2.1 invoice (the EN 16931 factoring example,
// unchanged) against the order it bills; the invoice's page shows its match. A credit
// note uploaded as an invoice is refused with the platform's words and creates nothing;
// a viewer uploads nothing.
func TestUploadInvoice(t *testing.T) {
	doc, err := os.ReadFile("../ubl/testdata/en16931-bis3-factoring.xml")
	if err != nil {
		t.Fatal(err)
	}
	note, err := os.ReadFile("../ubl/testdata/oasis-ubl-creditnote-2.1-example.xml")
	if err != nil {
		t.Fatal(err)
	}
	s := newSite(t)
	// The order the example bills: 5 of line 10 at 10,000 EUR and 3 of line 20 at 14,000.
	s.placed("PO-EU", "EUR", []linkfin.POLine{{LineID: "10", Item: "nails", Quantity: 5, Unit: "XDR", UnitPrice: 10_000_00},
		{LineID: "20", Item: "nails", Quantity: 3, Unit: "XDR", UnitPrice: 14_000_00}}, true)
	tier1 := s.as("tier1", linkfin.RoleFinance)
	code, page := tier1.get("/orders/PO-EU")
	if code != http.StatusOK || !strings.Contains(page, `enctype="multipart/form-data"`) || !strings.Contains(page, `name="document" type="file"`) {
		t.Fatalf("tier1's order: %d\n%s", code, page)
	}
	form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}}
	before := s.count(linkfin.KindInvoice)
	resp := tier1.upload("/orders/PO-EU/invoice/ubl", form, "document", "credit-note.xml", note)
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(string(body)), "is not an invoice") {
		t.Fatalf("a credit note: %d\n%s", resp.StatusCode, body)
	}
	viewer := s.as("tier1", linkfin.RoleViewer)
	_, vpage := viewer.get("/orders/PO-EU")
	resp = viewer.upload("/orders/PO-EU/invoice/ubl", url.Values{"csrf": {hidden(vpage, "csrf")}, "idempotency_key": {"v"}}, "document", "invoice.xml", doc)
	resp.Body.Close()
	if resp.StatusCode != http.StatusForbidden {
		t.Fatalf("a viewer's upload: %d", resp.StatusCode)
	}
	// Another organization registered the document's seller: tier1 may not upload it
	// as its own, as the API's ?po_id=&buyer_id= refuses it.
	vat := linkfin.Identifier{Type: linkfin.IdentifierVAT, Value: "SE112233445501"}
	s.run(&services.RegisterIdentifier{OrgID: "tier2", Identifier: vat})
	resp = tier1.upload("/orders/PO-EU/invoice/ubl", form, "document", "invoice.xml", doc)
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(html.UnescapeString(string(body)), "seller") {
		t.Fatalf("another's document: %d\n%s", resp.StatusCode, body)
	}
	if s.count(linkfin.KindInvoice) != before {
		t.Fatal("refused uploads created invoices")
	}
	s.run(&services.RemoveIdentifier{OrgID: "tier2", Identifier: vat})

	_, page = tier1.get("/orders/PO-EU") // a new form: the refusal answered the last one
	form = url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}}
	resp = tier1.upload("/orders/PO-EU/invoice/ubl", form, "document", "invoice.xml", doc)
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/invoices/") {
		t.Fatalf("the upload: %d to %q", resp.StatusCode, loc)
	}
	inv := s.invoice(strings.TrimPrefix(loc, "/invoices/"))
	if inv.Number != "7023708" || inv.POID != "PO-EU" || inv.BuyerID != "anchor" || inv.Status != linkfin.InvoiceMatched {
		t.Fatalf("the uploaded invoice: %+v", inv)
	}
	code, page = tier1.get(loc)
	if code != http.StatusOK || !strings.Contains(page, "7023708") || !strings.Contains(page, "EUR 10,000.00") {
		t.Fatalf("the invoice's page: %d\n%s", code, page)
	}
}

// A CII invoice (the EN 16931 example 4, unchanged) uploads as a UBL one does.
func TestUploadCIIInvoice(t *testing.T) {
	doc, err := os.ReadFile("../ubl/testdata/cen-cii/CII_example4.xml")
	if err != nil {
		t.Fatal(err)
	}
	s := newSite(t)
	// What the example bills: 1,000 sheets at 1.00 DKK, 100 pens and 500 cookies at 5.00.
	s.placed("PO-DK", "DKK", []linkfin.POLine{{LineID: "1", Item: "paper", Quantity: 1000, Unit: "C62", UnitPrice: 1_00},
		{LineID: "2", Item: "pens", Quantity: 100, Unit: "C62", UnitPrice: 5_00},
		{LineID: "3", Item: "cookies", Quantity: 500, Unit: "C62", UnitPrice: 5_00}}, true)
	tier1 := s.as("tier1", linkfin.RoleFinance)
	_, page := tier1.get("/orders/PO-DK")
	if !strings.Contains(page, "Or upload an e-invoice (XML: UBL 2.1 or CII)") {
		t.Fatalf("the order's page offers no e-invoice upload:\n%s", page)
	}
	form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}}
	resp := tier1.upload("/orders/PO-DK/invoice/ubl", form, "document", "factur-x.xml", doc)
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/invoices/") {
		t.Fatalf("the upload: %d to %q", resp.StatusCode, loc)
	}
	inv := s.invoice(strings.TrimPrefix(loc, "/invoices/"))
	if inv.Number != "TOSL110" || inv.Total != 4675_00 || inv.Tax != 675_00 || inv.Status != linkfin.InvoiceMatched {
		t.Fatalf("the uploaded invoice: %+v", inv)
	}
}

// An uploaded invoice is read as the API reads one: in the encoding its declaration
// names (ISO-8859-1 here), and up to the API's size for e-invoices, past the 1 MiB of
// other forms; the same bytes declared as UTF-8 are refused as not UTF-8.
func TestUploadInvoiceAsTheAPIReadsIt(t *testing.T) {
	doc, err := os.ReadFile("../ubl/testdata/en16931-bis3-factoring.xml")
	if err != nil {
		t.Fatal(err)
	}
	latin1, err := charmap.ISO8859_1.NewEncoder().String(string(doc))
	if err != nil || !strings.Contains(latin1, "R\xe4ffld") || !strings.Contains(latin1, `encoding="UTF-8"`) {
		t.Fatalf("the document in ISO-8859-1: %v", err)
	}
	s := newSite(t)
	s.placed("PO-EU", "EUR", []linkfin.POLine{{LineID: "10", Item: "nails", Quantity: 5, Unit: "XDR", UnitPrice: 10_000_00},
		{LineID: "20", Item: "nails", Quantity: 3, Unit: "XDR", UnitPrice: 14_000_00}}, true)
	tier1 := s.as("tier1", linkfin.RoleFinance)
	_, page := tier1.get("/orders/PO-EU")
	form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}}

	before := s.count(linkfin.KindInvoice)
	resp := tier1.upload("/orders/PO-EU/invoice/ubl", form, "document", "invoice.xml", []byte(latin1))
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(string(body), "<code>invalid_utf8</code>") || s.count(linkfin.KindInvoice) != before {
		t.Fatalf("ISO-8859-1 bytes declared as UTF-8: %d\n%s", resp.StatusCode, body)
	}
	// Declared as what it is, and with two megabytes of comment after the root, as a
	// document with an embedded attachment is large.
	declared := strings.Replace(latin1, `encoding="UTF-8"`, `encoding="ISO-8859-1"`, 1) + "<!--" + strings.Repeat("x", 2<<20) + "-->"
	resp = tier1.upload("/orders/PO-EU/invoice/ubl", form, "document", "invoice.xml", []byte(declared))
	body, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	loc := resp.Header.Get("Location")
	if resp.StatusCode != http.StatusSeeOther || !strings.HasPrefix(loc, "/invoices/") {
		t.Fatalf("the upload in ISO-8859-1: %d to %q\n%s", resp.StatusCode, loc, body)
	}
	if inv := s.invoice(strings.TrimPrefix(loc, "/invoices/")); inv.Number != "7023708" || inv.Status != linkfin.InvoiceMatched {
		t.Fatalf("the uploaded invoice: %+v", inv)
	}
}
