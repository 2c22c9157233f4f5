package console

import (
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"
)

// The operator's payment files page: the account files are paid from (or that none is
// registered), a form that gathers the waiting instructions into a file, each file's
// pain.001 document to download in either version, and the bank's pain.002 report
// applied from its row, whose rejection gives the money back. An organization has no
// such page and can do none of it.
func TestPaymentFilesPage(t *testing.T) {
	s := newSite(t)
	op := s.as("", linkfin.RoleOperator)
	code, page := op.get("/payment-files")
	if code != http.StatusOK || !strings.Contains(page, "No account registered for the platform") || !strings.Contains(page, `action="/payment-files"`) {
		t.Fatalf("the page: %d\n%s", code, page)
	}
	// The operator registers the platform's account from the page: one the API refuses
	// is refused with its code.
	debtor := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {"debtor-1"}, "name": {"Auto SCF Platform"}, "iban": {"DE00 3704 0044 0532 0130 00"}}
	if code, body := op.post("/payment-files/debtor", debtor); code != http.StatusBadRequest || !strings.Contains(body, "<code>invalid</code>") {
		t.Fatalf("a bad IBAN: %d\n%s", code, body)
	}
	debtor.Set("idempotency_key", "debtor-2")
	debtor.Set("iban", "de89 3704 0044 0532 0130 00")
	debtor.Set("bic", "cobadeffxxx")
	if code, body := op.submit("/payment-files/debtor", debtor); code != http.StatusOK || !strings.Contains(body, "The platform&#39;s account is saved") {
		t.Fatalf("registering the platform's account: %d\n%s", code, body)
	}
	s.run(&services.RecordInboundPayment{Rail: "bank", InstructionID: "in-t2", OrgID: "tier2", Currency: "CNY", Amount: 1_000_00})
	s.run(&services.RecordOutboundPayment{Rail: "bank", InstructionID: "out-t2", OrgID: "tier2", Currency: "CNY", Amount: 300_00})
	wallet := func() int64 { return s.held("tier2") }
	before := wallet()

	_, page = op.get("/payment-files")
	if !strings.Contains(page, `<dd class="waiting">1</dd>`) {
		t.Fatalf("the instruction waiting is not counted:\n%s", page)
	}
	if !strings.Contains(page, "Auto SCF Platform · IBAN DE89370400440532013000 · BIC COBADEFFXXX") {
		t.Fatalf("the debtor is not shown:\n%s", page)
	}
	form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}, "date": {"2026-12-01"}}
	code, page = op.submit("/payment-files", form)
	made := regexp.MustCompile(`Payment file (pf_[a-z0-9]+) made; instructions in it: 1\.`).FindStringSubmatch(page)
	if code != http.StatusOK || made == nil || !strings.Contains(page, "CNY 300.00") {
		t.Fatalf("making the file: %d\n%s", code, page)
	}
	id := made[1]
	if !strings.Contains(page, `<dd class="waiting">0</dd>`) {
		t.Fatalf("the filed instruction is still counted:\n%s", page)
	}
	form.Set("idempotency_key", form.Get("idempotency_key")+"-2")
	if code, page := op.post("/payment-files", form); code != http.StatusUnprocessableEntity || !strings.Contains(page, "nothing_to_file") {
		t.Fatalf("a second file with nothing left: %d\n%s", code, page)
	}

	for _, c := range []struct{ query, want string }{
		{"", `xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"`},
		{"?message=pain.001.001.03", `xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"`},
	} {
		code, doc := op.get("/payment-files/" + id + "/pain.001" + c.query)
		if code != http.StatusOK || !strings.Contains(doc, c.want) || !strings.Contains(doc, "<IBAN>DE89370400440532013000</IBAN>") ||
			!strings.Contains(doc, "<Id>6228480010000000033</Id>") || !strings.Contains(doc, "<MsgId>"+id+"</MsgId>") {
			t.Fatalf("the document%s: %d\n%s", c.query, code, doc)
		}
	}
	if code, page := op.get("/payment-files/" + id + "/pain.001?message=pain.001.001.99"); code != http.StatusBadRequest || !strings.Contains(page, "<code>invalid</code>") {
		t.Fatalf("another version: %d\n%s", code, page)
	}

	// The bank rejects the instruction: its money goes back to tier2's wallet.
	var ct string
	for _, f := range regexp.MustCompile(`ct_[a-z0-9]+`).FindAllString(mustDoc(t, op, "/payment-files/"+id+"/pain.001"), -1) {
		ct = f
	}
	report := `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>
<GrpHdr><MsgId>BANK-RPT-9</MsgId><CreDtTm>2026-12-01T18:00:00</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>` + id + `</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId></OrgnlGrpInfAndSts>
<OrgnlPmtInfAndSts><OrgnlPmtInfId>` + id + `-CNY</OrgnlPmtInfId><TxInfAndSts><OrgnlEndToEndId>` + ct + `</OrgnlEndToEndId><TxSts>RJCT</TxSts>
<StsRsnInf><Rsn><Cd>AC04</Cd></Rsn></StsRsnInf></TxInfAndSts></OrgnlPmtInfAndSts>
</CstmrPmtStsRpt></Document>`
	_, page = op.get("/payment-files")
	up := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {"report-" + id}}
	resp := op.upload("/payment-files/"+id+"/status", up, "document", "pain.002.xml", []byte(report))
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("applying the report: %d, not sent on to its page", resp.StatusCode)
	}
	_, shown := op.get(resp.Header.Get("Location"))
	body := html.UnescapeString(shown)
	if !strings.Contains(body, "The bank's report was applied to "+id) || !strings.Contains(body, "1 rejected") ||
		!strings.Contains(body, "answered by the bank") {
		t.Fatalf("applying the report: %d\n%s", resp.StatusCode, body)
	}
	if wallet() != before+300_00 {
		t.Fatalf("tier2's wallet moved by %d, want the rejected 300.00 back", wallet()-before)
	}
	resp = op.upload("/payment-files/"+id+"/status", up, "document", "letter.xml", []byte("<Document>"))
	resp.Body.Close()
	if resp.StatusCode != http.StatusBadRequest {
		t.Fatalf("a broken report: %d", resp.StatusCode)
	}

	admin := s.as("tier2", linkfin.RoleAdmin)
	_, home := admin.get("/")
	if code, _ := admin.post("/payment-files/debtor", url.Values{"csrf": {hidden(home, "csrf")}, "idempotency_key": {"y"}, "name": {"Eve"}, "account": {"6222"}}); code != http.StatusNotFound {
		t.Errorf("an organization registers the platform's account: %d", code)
	}
	if code, _ := admin.get("/payment-files"); code != http.StatusNotFound {
		t.Errorf("an organization reads the page: %d", code)
	}
	if code, _ := admin.get("/payment-files/" + id + "/pain.001"); code != http.StatusNotFound {
		t.Errorf("an organization reads the document: %d", code)
	}
	if code, _ := admin.post("/payment-files", url.Values{"csrf": {hidden(home, "csrf")}, "idempotency_key": {"x"}, "date": {"2026-12-02"}}); code != http.StatusNotFound {
		t.Errorf("an organization makes a file: %d", code)
	}
}

// mustDoc reads a page that must answer 200.
func mustDoc(t *testing.T, c *client, path string) string {
	t.Helper()
	code, doc := c.get(path)
	if code != http.StatusOK {
		t.Fatalf("%s: %d\n%s", path, code, doc)
	}
	return doc
}
