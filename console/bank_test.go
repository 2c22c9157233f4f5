package console

import (
	"context"
	"encoding/json"
	"html"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"

	"linkfin"
	"linkfin/iso20022"
	"linkfin/mt940"
	"linkfin/services"
	"linkfin/storetest"
)

// TestBankEntries: the operator's page lists the statement entries nothing matched;
// assigning one from its row books it as the API does (a credit into the named
// organization's wallet, once), and a refusal shows its code; an organization finds
// no such page and cannot assign.
func TestBankEntries(t *testing.T) {
	s := newSite(t)
	msg, err := iso20022.ReadStatement(strings.NewReader(storetest.Camt053("M-1", "S-1", "6222 0000 1111", "CNY",
		storetest.CamtEntry{Sign: "CRDT", Amount: "321.00", Date: "2026-11-03", Ref: "X1", Remitting: "from tier2, unannounced"},
		storetest.CamtEntry{Sign: "DBIT", Amount: "9.99", Date: "2026-11-03", Ref: "X2"})))
	if err != nil {
		t.Fatal(err)
	}
	var imp linkfin.BankStatementImport
	if err := json.Unmarshal(s.run(&services.ImportBankStatement{Message: msg}), &imp); err != nil {
		t.Fatal(err)
	}
	credit, debit := services.BankEntryID(&imp.Statements[0], 1), services.BankEntryID(&imp.Statements[0], 2)
	wallet := func() int64 { return s.held("tier2") }
	before := wallet()

	op := s.as("", linkfin.RoleOperator)
	code, page := op.get("/bank?status=unmatched")
	if code != http.StatusOK || !strings.Contains(page, `id="entry-`+credit+`"`) || !strings.Contains(page, "CNY 321.00") ||
		!strings.Contains(page, "from tier2, unannounced") || !strings.Contains(page, `action="/bank/entries/`+credit+`/assign"`) {
		t.Fatalf("the unmatched entries: %d\n%s", code, page)
	}
	form := func(kind, id string) url.Values {
		return url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {randomToken()}, "kind": {kind}, "id": {id}}
	}
	if code, body := op.post("/bank/entries/"+debit+"/assign", form("organization", "tier2")); code != http.StatusUnprocessableEntity ||
		!strings.Contains(body, "<code>entry_mismatch</code>") {
		t.Fatalf("assigning a debit to a wallet: %d\n%s", code, body)
	}
	if code, body := op.post("/bank/entries/"+credit+"/assign", form("organization", "tier2")); code != http.StatusSeeOther {
		t.Fatalf("assigning the credit: %d\n%s", code, body)
	}
	if got := wallet(); got != before+321_00 {
		t.Fatalf("tier2's wallet moved by %d, want 321.00", got-before)
	}
	_, page = op.get("/bank?status=unmatched")
	if strings.Contains(page, `id="entry-`+credit+`"`) || !strings.Contains(page, `id="entry-`+debit+`"`) {
		t.Fatalf("after assigning, the unmatched entries:\n%s", page)
	}
	if code, body := op.post("/bank/entries/"+credit+"/assign", form("organization", "tier2")); code != http.StatusConflict ||
		!strings.Contains(body, "<code>entry_booked</code>") || wallet() != before+321_00 {
		t.Fatalf("assigning twice: %d\n%s", code, body)
	}
	code, csv := op.get("/bank?format=csv")
	if code != http.StatusOK || !strings.Contains(csv, credit) || !strings.Contains(csv, "assigned") {
		t.Fatalf("the entries as CSV: %d\n%s", code, csv)
	}

	anchor := s.as("anchor", linkfin.RoleAdmin)
	if code, _ := anchor.get("/bank"); code != http.StatusNotFound {
		t.Fatalf("an organization's /bank: %d, want 404", code)
	}
	_, home := anchor.get("/")
	if code, _ := anchor.post("/bank/entries/"+debit+"/assign", url.Values{"csrf": {hidden(home, "csrf")}, "kind": {"credit_transfer"}, "id": {"ct_x"}}); code != http.StatusNotFound {
		t.Fatalf("an organization assigning: %d, want 404, as the page is", code)
	}
}

// TestImportStatement: the operator uploads the bank's file on the bank page and is
// shown what waits; the same file sent again with the same form imports nothing more;
// a file that is not a bank message is refused in the platform's words and imports
// nothing; an organization cannot import.
func TestImportStatement(t *testing.T) {
	s := newSite(t)
	doc := []byte(storetest.Camt054("N-MSG-7", "N-7", "6222 0000 1111", "CNY",
		storetest.CamtEntry{Sign: "CRDT", Amount: "42.00", Date: "2026-11-03", Ref: "Y1", Remitting: "nobody announced this"}))
	op := s.as("", linkfin.RoleOperator)
	code, page := op.get("/bank")
	if code != http.StatusOK || !strings.Contains(page, `action="/bank/statements"`) || !strings.Contains(page, `name="document" type="file"`) {
		t.Fatalf("the bank page offers no import: %d\n%s", code, page)
	}
	form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}}

	resp := op.upload("/bank/statements", form, "document", "notification.xml", []byte("<Document>"))
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	body := html.UnescapeString(string(b))
	if resp.StatusCode != http.StatusBadRequest || !strings.Contains(body, "<code>malformed_xml</code>") || s.count(linkfin.KindBankStatement) != 0 {
		t.Fatalf("a broken file: %d\n%s", resp.StatusCode, body)
	}
	for range 2 { // the same file, the same form: one import
		resp = op.upload("/bank/statements", form, "document", "notification.xml", doc)
		resp.Body.Close()
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/bank?status=unmatched" {
			t.Fatalf("the import: %d to %q", resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	if n := s.count(linkfin.KindBankStatement); n != 1 {
		t.Fatalf("%d statements imported, want 1", n)
	}
	_, page = op.get("/bank?status=unmatched")
	if !strings.Contains(page, "CNY 42.00") || !strings.Contains(page, "nobody announced this") {
		t.Fatalf("the imported entry is not listed:\n%s", page)
	}

	// A bank's MT940, as banks export it, imports the same way; a file that is neither
	// kind is refused with its code.
	ing, err := os.ReadFile("../mt940/testdata/wolph/jejik/ing.sta")
	if err != nil {
		t.Fatal(err)
	}
	form.Set("idempotency_key", hidden(page, "idempotency_key"))
	resp = op.upload("/bank/statements", form, "document", "ing.sta", ing)
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther || s.count(linkfin.KindBankStatement) != 2 {
		t.Fatalf("an MT940 import: %d, %d statements", resp.StatusCode, s.count(linkfin.KindBankStatement))
	}
	_, page = op.get("/bank?status=unmatched")
	if !strings.Contains(page, "EUR 1.00") {
		t.Fatalf("the MT940's entries are not listed:\n%s", page)
	}
	// A Chinese bank's export in GB18030, its characters chosen on the form.
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(":20:CMB-1204\r\n:25:755912345610001\r\n:28C:00338/001\r\n:60F:C261203CNY0,00\r\n" +
		":61:2612041204C2500,00NTRFNONREF//CMB0012345\r\n:86:货款 PO-4711 上海安亭汽车零部件有限公司\r\n:62F:C261204CNY2500,00\r\n-\r\n")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(page, `<option value="gb18030">`) {
		t.Fatalf("the form offers no charset:\n%s", page)
	}
	form.Set("idempotency_key", hidden(page, "idempotency_key"))
	form.Set("charset", "gb18030")
	resp = op.upload("/bank/statements", form, "document", "cmb.txt", []byte(gb))
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("a GB18030 MT940: %d", resp.StatusCode)
	}
	_, page = op.get("/bank?status=unmatched")
	if !strings.Contains(page, "货款 PO-4711 上海安亭汽车零部件有限公司") {
		t.Fatalf("the Chinese bank's entry is not listed as written:\n%s", page)
	}
	form.Del("charset")
	form.Set("idempotency_key", hidden(page, "idempotency_key"))
	resp = op.upload("/bank/statements", form, "document", "letter.txt", []byte("Dear customer, your statement is attached."))
	b, _ = io.ReadAll(resp.Body)
	resp.Body.Close()
	if body := html.UnescapeString(string(b)); resp.StatusCode != http.StatusUnprocessableEntity || !strings.Contains(body, "<code>unsupported_message</code>") {
		t.Fatalf("a letter: %d\n%s", resp.StatusCode, body)
	}

	anchor := s.as("anchor", linkfin.RoleAdmin)
	_, home := anchor.get("/")
	resp = anchor.upload("/bank/statements", url.Values{"csrf": {hidden(home, "csrf")}, "idempotency_key": {"a"}}, "document", "n.xml", doc)
	resp.Body.Close()
	if resp.StatusCode != http.StatusNotFound || s.count(linkfin.KindBankStatement) != 3 {
		t.Fatalf("an organization's import: %d", resp.StatusCode)
	}
}

// TestCharsetChoices: every charset the import offers is one mt940.ReadCharset reads by
// that name (or its own guess), once, with words in both languages.
func TestCharsetChoices(t *testing.T) {
	seen := map[string]bool{}
	for _, c := range charsetChoices {
		if c.Name != "" && !slices.Contains(mt940.Charsets, c.Name) || seen[c.Name] {
			t.Errorf("the import offers %q: not a charset mt940 reads by name, or twice", c.Name)
		}
		seen[c.Name] = true
		if m, ok := messages[c.Words]; !ok || m.en == "" || m.zh == "" {
			t.Errorf("%q has no words (%q)", c.Name, c.Words)
		}
		if _, err := mt940.ReadCharset(strings.NewReader(":20:X\r\n"), c.Name); linkfin.ErrorCode(err) == iso20022.EUNSUPPORTED && strings.Contains(err.Error(), "reads MT940 text in") {
			t.Errorf("%q: %v", c.Name, err)
		}
	}
	if !seen[""] || len(seen) < 7 {
		t.Fatalf("choices %v", charsetChoices)
	}
}

// TestListStatusFilter: a list's status filter is one of the kind's statuses; another
// is refused as the API refuses it (400 invalid), on every list that has them.
func TestListStatusFilter(t *testing.T) {
	s := newSite(t)
	op := s.as("", linkfin.RoleOperator)
	for _, path := range []string{"/alerts", "/bank", "/conditional-payments", "/financings", "/invoices",
		"/orders", "/payables", "/payment-files", "/receipts"} {
		if code, page := op.get(path + "?status=open"); path != "/alerts" && path != "/payables" && code != http.StatusBadRequest {
			t.Errorf("%s?status=open: %d, want 400\n%s", path, code, page)
		}
		code, page := op.get(path + "?status=nonsense")
		if code != http.StatusBadRequest || !strings.Contains(page, "status is one of") {
			t.Errorf("%s?status=nonsense: %d, want 400 naming the statuses\n%s", path, code, page)
		}
		if code, page := op.get(path); code != http.StatusOK {
			t.Errorf("%s: %d\n%s", path, code, page)
		}
	}
}

// TestBankTextsShowBidi: a bank's texts are kept as the bank sent them, but a
// bidirectional override or isolate in them is shown on the bank page and in its CSV
// as its code point, in a <bdi>, never obeyed: a real camt.053 whose remittance
// information reads "INV-", U+202E, "1002" (shown as INV-2001 if obeyed) and whose
// payer's name holds an isolate is imported on the page; the page and its CSV hold
// none of the characters, and name each.
func TestBankTextsShowBidi(t *testing.T) {
	s := newSite(t)
	doc, err := os.ReadFile("../iso20022/testdata/genkgo-camt053.v2.five.decimals.xml")
	if err != nil {
		t.Fatal(err)
	}
	// The credit's related party is its creditor; made its debtor, it is the payer, the
	// entry's counterparty.
	altered := strings.NewReplacer("<Ustrd>Transaction Description</Ustrd>", "<Ustrd>INV-\u202E1002 paid</Ustrd>",
		"<Nm>Company Name</Nm>", "<Nm>Company \u2066Name\u2069</Nm>", "Cdtr>", "Dbtr>", "CdtrAcct>", "DbtrAcct>").Replace(string(doc))
	if altered == string(doc) {
		t.Fatal("the statement has no remittance text to alter")
	}
	op := s.as("", linkfin.RoleOperator)
	_, page := op.get("/bank")
	resp := op.upload("/bank/statements", url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}},
		"document", "statement.xml", []byte(altered))
	resp.Body.Close()
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("the import: %d", resp.StatusCode)
	}
	var e linkfin.BankEntry
	objs, err := s.store.ListObjects(context.Background(), linkfin.KindBankEntry, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		if err := json.Unmarshal(o.Data, &e); err != nil {
			t.Fatal(err)
		}
		if strings.Contains(e.RemittanceInformation, "INV-") {
			break
		}
	}
	if e.RemittanceInformation != "INV-\u202E1002 paid" || e.Counterparty != "Company \u2066Name\u2069" {
		t.Fatalf("the entry kept %q from %q, want the bank's texts as sent", e.RemittanceInformation, e.Counterparty)
	}
	code, page := op.get("/bank")
	page = html.UnescapeString(page)
	if code != http.StatusOK || !strings.Contains(page, "<bdi>INV-‹U+202E›1002 paid</bdi>") ||
		!strings.Contains(page, "<bdi>Company ‹U+2066›Name‹U+2069›</bdi>") {
		t.Fatalf("the bank page: %d\n%s", code, page)
	}
	if i := strings.IndexFunc(page, linkfin.IsBidiControl); i >= 0 {
		t.Fatalf("the bank page holds %U: …%s…", []rune(page[i:])[0], page[max(0, i-60):i])
	}
	code, csv := op.get("/bank?format=csv")
	if code != http.StatusOK || !strings.Contains(csv, "INV-‹U+202E›1002 paid") || strings.IndexFunc(csv, linkfin.IsBidiControl) >= 0 {
		t.Fatalf("the entries as CSV: %d\n%s", code, csv)
	}
}
