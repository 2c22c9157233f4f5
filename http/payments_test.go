package http_test

import (
	"fmt"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"reflect"
	"slices"
	"strconv"
	"strings"
	"testing"
	"unicode/utf8"

	"golang.org/x/text/encoding/charmap"

	"linkfin"
	lfhttp "linkfin/http"
	"linkfin/iso20022"
)

// validatePain001 checks a document against the pain.001.001.09 schema with xmllint,
// or skips the test, saying why, where xmllint is not installed (libxml2-utils).
func validatePain001(t *testing.T, doc []byte) {
	t.Helper()
	validatePain001As(t, doc, "pain.001.001.09")
}

// validatePain001As checks a document against the schema of the version.
func validatePain001As(t *testing.T, doc []byte, version string) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint is not installed (apt-get install libxml2-utils): the files' schema is not checked")
	}
	file := filepath.Join(t.TempDir(), "pain.001.xml")
	if err := os.WriteFile(file, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(xmllint, "--noout", "--schema", "../iso20022/testdata/"+version+".xsd", file).CombinedOutput(); err != nil {
		t.Fatalf("the payment file does not validate: %v\n%s\n%s", err, out, doc)
	}
}

// TestPaymentFiles: withdrawals over the bank rail become credit transfer instructions;
// the operator files those not yet filed into a pain.001 document that validates
// against the schema, each instruction once, and a retry with the same key answers the
// same file.
func TestPaymentFiles(t *testing.T) {
	p := newPlatform(t)
	withdraw := func(who, rail, ref string, amount string) linkfin.PaymentOut {
		t.Helper()
		var out linkfin.PaymentOut
		wantJSON(t, p.as(who, "POST", "/v1/payments/withdrawals", `{"rail":"`+rail+`","instruction_id":"`+ref+`","currency":"CNY","amount":`+amount+`}`),
			http.StatusOK, &out)
		return out
	}
	w1 := withdraw("bank", "bank", "B-OUT-1", "12345")
	w2 := withdraw("anchor", "bank", "A-OUT-1", "500000")
	e := withdraw("anchor", "ecny", "A-OUT-2", "100")
	if w1.CreditTransferID == "" || w2.CreditTransferID == "" || e.CreditTransferID != "" {
		t.Fatalf("credit transfers: bank %q %q, e-CNY %q (want none)", w1.CreditTransferID, w2.CreditTransferID, e.CreditTransferID)
	}
	// A replayed withdrawal (the same instruction_id under a new Idempotency-Key) makes
	// no second instruction, and names the one the first made.
	if again := withdraw("bank", "bank", "B-OUT-1", "12345"); !again.Replayed || again.CreditTransferID != w1.CreditTransferID {
		t.Errorf("a replayed withdrawal: %+v, want credit transfer %s", again, w1.CreditTransferID)
	}
	var ct linkfin.CreditTransfer
	wantJSON(t, p.as("bank", "GET", "/v1/credit-transfers/"+w1.CreditTransferID, ""), http.StatusOK, &ct)
	if ct.Status != linkfin.CreditTransferPending || ct.Amount != 12345 || ct.OrgID != "bank" || ct.InstructionID != "B-OUT-1" {
		t.Errorf("the bank's instruction: %+v", ct)
	}
	wantProblem(t, p.as("tier2", "GET", "/v1/credit-transfers/"+w1.CreditTransferID, ""), http.StatusNotFound, linkfin.ENOTFOUND)

	// Refusals change nothing.
	for _, c := range []struct{ body, code string }{
		{`{"rail":"ecny","date":"2026-12-01"}`, linkfin.EINVALID},
		{`{"rail":"bank"}`, "missing_field"},
		{`{"rail":"bank","date":"2026-12-01","debtor":{"name":"linkfin","iban":"DE00370400440532013000"}}`, linkfin.EINVALID},
		{`{"rail":"bank","date":"2026-12-01","debtor":{"name":"linkfin","iban":"DE89370400440532013000","bic":"nope"}}`, linkfin.EINVALID},
		{`{"rail":"bank","date":"2026-12-01","debtor":{"name":"linkfin"}}`, linkfin.EINVALID},
		{`{"rail":"bank","date":"2026-12-01","debtor":{"name":"linkfin","account":"1","bank_code":"10210000003"}}`, linkfin.EINVALID},
	} {
		wantProblem(t, p.as("operator", "POST", "/v1/payment-files", c.body), http.StatusBadRequest, c.code)
	}
	wantProblem(t, p.as("anchor", "POST", "/v1/payment-files", `{"rail":"bank","date":"2026-12-01"}`), http.StatusForbidden, linkfin.EFORBIDDEN)
	wantProblem(t, p.as("operator", "POST", "/v1/payment-files", `{"rail":"bank","date":"2026-12-01"}`, "Idempotency-Key", ""),
		http.StatusBadRequest, "idempotency_key_required")

	body := `{"rail":"bank","date":"2026-12-01","debtor":{"name":"Auto SCF Platform","iban":"DE89370400440532013000","bic":"COBADEFFXXX"}}`
	var file linkfin.PaymentFile
	r := p.as("operator", "POST", "/v1/payment-files", body, "Idempotency-Key", "file-1")
	wantJSON(t, r, http.StatusCreated, &file)
	ids := []string{}
	for _, tr := range file.Transfers {
		ids = append(ids, tr.ID)
	}
	if file.Count != 2 || !slices.Equal(ids, []string{w1.CreditTransferID, w2.CreditTransferID}) || file.Date.String() != "2026-12-01" ||
		file.Status != linkfin.PaymentFileCreated {
		t.Fatalf("the file: %+v", file)
	}
	// The same request under the same key answers the same file; another key finds
	// nothing left to file.
	var again linkfin.PaymentFile
	r = p.as("operator", "POST", "/v1/payment-files", body, "Idempotency-Key", "file-1")
	wantJSON(t, r, http.StatusCreated, &again)
	if again.ID != file.ID || r.header.Get("Idempotency-Hit") != "true" {
		t.Errorf("the retry answers file %s (hit %q), want %s", again.ID, r.header.Get("Idempotency-Hit"), file.ID)
	}
	wantProblem(t, p.as("operator", "POST", "/v1/payment-files", body, "Idempotency-Key", "file-2"), http.StatusUnprocessableEntity, linkfin.ENOTHINGTOFILE)

	wantJSON(t, p.as("bank", "GET", "/v1/credit-transfers/"+w1.CreditTransferID, ""), http.StatusOK, &ct)
	if ct.Status != linkfin.CreditTransferFiled || ct.FileID != file.ID {
		t.Errorf("the filed instruction: %+v", ct)
	}
	// The file is the operator's.
	wantProblem(t, p.as("tier1", "GET", "/v1/payment-files/"+file.ID, "", "Accept", "application/xml"), http.StatusNotFound, linkfin.ENOTFOUND)

	xml := p.as("operator", "GET", "/v1/payment-files/"+file.ID, "", "Accept", "application/xml")
	if xml.status != http.StatusOK || xml.header.Get("Content-Type") != "application/xml" {
		t.Fatalf("GET as XML: %d %s\n%s", xml.status, xml.header.Get("Content-Type"), xml.body)
	}
	doc := string(xml.body)
	for _, want := range []string{"<MsgId>" + file.ID + "</MsgId>", "<NbOfTxs>2</NbOfTxs>", "<CtrlSum>5123.45</CtrlSum>",
		"<EndToEndId>" + w1.CreditTransferID + "</EndToEndId>", `<InstdAmt Ccy="CNY">123.45</InstdAmt>`,
		"<IBAN>DE89370400440532013000</IBAN>", "<BICFI>COBADEFFXXX</BICFI>", "<Dt>2026-12-01</Dt>",
		// Each creditor's bank account and bank, as the organization registered them.
		"<Id>6222600110000000055</Id>", "<BICFI>COMMCNSH</BICFI>", "<Id>6222020200100000011</Id>", "<BICFI>ICBKCNBJ</BICFI>",
		// And the bank's CNAPS code, by which a payment in China names it.
		"<Cd>CNAPS</Cd>", "<MmbId>301290000007</MmbId>", "<MmbId>102100000030</MmbId>",
		// And each creditor's postal address.
		"<StrtNm>Lujiazui Ring Road</StrtNm>", "<TwnNm>Shanghai</TwnNm>", "<Ctry>CN</Ctry>"} {
		if !strings.Contains(doc, want) {
			t.Errorf("the document lacks %s", want)
		}
	}
	if again := p.as("operator", "GET", "/v1/payment-files/"+file.ID, "", "Accept", "application/xml"); string(again.body) != doc {
		t.Errorf("the document changed between two reads")
	}
	validatePain001(t, xml.body)

	// The same file in 2009's version, for a bank that takes only that: the same
	// transfers, and it validates against that version's schema. A version linkfin does
	// not write is refused, and the version of the document asked for as JSON.
	v03 := p.as("operator", "GET", "/v1/payment-files/"+file.ID+"?message=pain.001.001.03", "", "Accept", "application/xml")
	if v03.status != http.StatusOK || !strings.Contains(string(v03.body), `xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03"`) ||
		!strings.Contains(string(v03.body), "<BIC>COMMCNSH</BIC>") || !strings.Contains(string(v03.body), "<ReqdExctnDt>2026-12-01</ReqdExctnDt>") ||
		!strings.Contains(string(v03.body), "<CtrlSum>5123.45</CtrlSum>") {
		t.Errorf("the file as pain.001.001.03: %d\n%s", v03.status, v03.body)
	}
	validatePain001As(t, v03.body, "pain.001.001.03")
	wantProblem(t, p.as("operator", "GET", "/v1/payment-files/"+file.ID+"?message=pain.001.001.05", "", "Accept", "application/xml"),
		http.StatusBadRequest, linkfin.EINVALID)
	wantProblem(t, p.as("operator", "GET", "/v1/payment-files/"+file.ID+"?message=pain.001.001.03", ""), http.StatusBadRequest, linkfin.EINVALID)

	// A later withdrawal goes into the next file alone, paid from the platform's
	// account when the request names none.
	w3 := withdraw("bank", "bank", "B-OUT-2", "1")
	var next linkfin.PaymentFile
	wantJSON(t, p.as("operator", "POST", "/v1/payment-files", `{"rail":"bank","date":"2026-12-02"}`), http.StatusCreated, &next)
	if next.Count != 1 || next.Transfers[0].ID != w3.CreditTransferID {
		t.Fatalf("the next file: %+v", next)
	}
	nextXML := p.as("operator", "GET", "/v1/payment-files/"+next.ID, "", "Accept", "application/xml")
	validatePain001(t, nextXML.body)
	var asJSON linkfin.PaymentFile
	wantJSON(t, p.as("operator", "GET", "/v1/payment-files/"+next.ID, ""), http.StatusOK, &asJSON)
	if asJSON.ID != next.ID || asJSON.Debtor.Account == "" {
		t.Errorf("the file as JSON: %+v", asJSON)
	}
}

// statusReport is a pain.002 of the given version answering message original: a group
// status (none if empty), and transactions of one payment information block, each
// "end-to-end id:status:reason code:what the bank added".
func statusReport(version, original, group, block string, txs ...string) string {
	var b strings.Builder
	b.WriteString(`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.` + version + `"><CstmrPmtStsRpt>
<GrpHdr><MsgId>BANK-` + original + `-` + group + `</MsgId><CreDtTm>2026-12-01T18:00:00</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>` + original + `</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>`)
	if group != "" {
		b.WriteString(`<GrpSts>` + group + `</GrpSts>`)
		if group == "RJCT" {
			b.WriteString(`<StsRsnInf><Rsn><Cd>AM05</Cd></Rsn><AddtlInf>duplication</AddtlInf></StsRsnInf>`)
		}
	}
	b.WriteString(`</OrgnlGrpInfAndSts>`)
	if block != "" {
		b.WriteString(`<OrgnlPmtInfAndSts><OrgnlPmtInfId>` + block + `</OrgnlPmtInfId>`)
		for _, tx := range txs {
			f := strings.SplitN(tx, ":", 4)
			b.WriteString(`<TxInfAndSts><OrgnlEndToEndId>` + f[0] + `</OrgnlEndToEndId><TxSts>` + f[1] + `</TxSts>`)
			if len(f) == 4 {
				b.WriteString(`<StsRsnInf><Rsn><Cd>` + f[2] + `</Cd></Rsn><AddtlInf>` + f[3] + `</AddtlInf></StsRsnInf>`)
			}
			b.WriteString(`</TxInfAndSts>`)
		}
		b.WriteString(`</OrgnlPmtInfAndSts>`)
	}
	b.WriteString(`</CstmrPmtStsRpt></Document>`)
	return b.String()
}

// TestPaymentStatusReport: the bank's pain.002 accepts and rejects a file's
// instructions; a rejected one's money goes back to its wallet, with the bank's reason
// in its event; the same report twice changes nothing; a report of another file, of
// a transaction the file does not have, or that contradicts itself, is refused and
// changes nothing.
func TestPaymentStatusReport(t *testing.T) {
	p := newPlatform(t)
	wallet := func() int64 {
		t.Helper()
		var a linkfin.Account
		wantJSON(t, p.as("bank", "GET", "/v1/accounts/"+strconv.FormatInt(linkfin.WalletID("bank", "CNY"), 10), ""), http.StatusOK, &a)
		return int64(a.CreditsPosted - a.DebitsPosted)
	}
	withdraw := func(ref string, amount int64) string {
		t.Helper()
		var out linkfin.PaymentOut
		wantJSON(t, p.as("bank", "POST", "/v1/payments/withdrawals", fmt.Sprintf(`{"rail":"bank","instruction_id":%q,"currency":"CNY","amount":%d}`, ref, amount)),
			http.StatusOK, &out)
		return out.CreditTransferID
	}
	start := wallet()
	ok, bad, later := withdraw("R-1", 123_45), withdraw("R-2", 5_000_00), withdraw("R-3", 7_00)
	var file linkfin.PaymentFile
	wantJSON(t, p.as("operator", "POST", "/v1/payment-files", `{"rail":"bank","date":"2026-12-01"}`), http.StatusCreated, &file)
	if got := wallet(); got != start-123_45-5_000_00-7_00 {
		t.Fatalf("the wallet after the withdrawals: %d", got)
	}
	post := func(who, doc string, headers ...string) reply {
		t.Helper()
		return p.as(who, "POST", "/v1/payment-files/"+file.ID+"/status", doc, append([]string{"Content-Type", "application/xml"}, headers...)...)
	}
	history := func(id string) []linkfin.EventOut {
		t.Helper()
		var page linkfin.List[linkfin.EventOut]
		wantJSON(t, p.as("bank", "GET", "/v1/credit-transfers/"+id+"/events", ""), http.StatusOK, &page)
		return page.Data
	}

	// Refusals change nothing.
	base := p.snapshot()
	wantProblem(t, post("operator", statusReport("10", "pf_0000000000000", "", file.ID+"-CNY", ok+":ACSC")), http.StatusBadRequest, linkfin.EINVALID)
	wantProblem(t, post("operator", statusReport("10", file.ID, "", file.ID+"-CNY", "ct_0000000000000:RJCT:AC04:closed")), http.StatusBadRequest, linkfin.EINVALID)
	wantProblem(t, post("operator", statusReport("10", file.ID, "", file.ID+"-EUR", ok+":RJCT:AC04:closed")), http.StatusBadRequest, linkfin.EINVALID)
	wantProblem(t, post("operator", `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"/>`), http.StatusUnprocessableEntity, "unsupported_message")
	// A report that accepts and rejects one instruction, by two answers or by its group
	// status over a transaction's, is refused as a whole.
	wantProblem(t, post("operator", statusReport("10", file.ID, "", file.ID+"-CNY", ok+":ACSC", ok+":RJCT:AC04:closed")),
		http.StatusUnprocessableEntity, iso20022.ECONTRADICTORY)
	wantProblem(t, post("operator", statusReport("10", file.ID, "ACCP", file.ID+"-CNY", ok+":ACSC", bad+":RJCT:AC04:closed")),
		http.StatusUnprocessableEntity, iso20022.ECONTRADICTORY)
	wantProblem(t, post("operator", "<Document"), http.StatusBadRequest, "malformed_xml")
	// A report that would reject an instruction, but is not well-formed XML or not in
	// the encoding it declares, is refused as such.
	rejecting := statusReport("10", file.ID, "", file.ID+"-CNY", bad+":RJCT:AC04:account closed")
	for _, doc := range []string{
		rejecting + "</Document><junk",
		rejecting + rejecting[strings.Index(rejecting, "<Document"):],
		rejecting + "garbage<",
		strings.Replace(rejecting, `encoding="UTF-8"`, `encoding="UTF-16"`, 1),
	} {
		wantProblem(t, post("operator", doc), http.StatusBadRequest, "malformed_xml")
	}
	wantProblem(t, p.as("operator", "POST", "/v1/payment-files/"+file.ID+"/status", `{"status":"RJCT"}`), http.StatusUnsupportedMediaType, "unsupported_media_type")
	wantProblem(t, post("bank", statusReport("10", file.ID, "", file.ID+"-CNY", ok+":ACSC")), http.StatusForbidden, linkfin.EFORBIDDEN)
	if got := wallet(); got != start-123_45-5_000_00-7_00 || len(history(bad)) != 2 {
		t.Fatalf("a refused report changed something: wallet %d, %d events", got, len(history(bad)))
	}
	if after := p.snapshot(); !reflect.DeepEqual(after, base) {
		t.Fatal("a refused report changed the store")
	}

	report := statusReport("10", file.ID, "PART", file.ID+"-CNY", ok+":ACSC", bad+":RJCT:AC04:account closed")
	var answered linkfin.PaymentFile
	wantJSON(t, post("operator", report), http.StatusOK, &answered)
	statuses := map[string]linkfin.CreditTransferStatus{}
	for _, tr := range answered.Transfers {
		statuses[tr.ID] = tr.Status
	}
	if answered.Status != linkfin.PaymentFileReported || statuses[ok] != linkfin.CreditTransferAccepted ||
		statuses[bad] != linkfin.CreditTransferRejected || statuses[later] != linkfin.CreditTransferFiled {
		t.Fatalf("the file after the report: %+v", answered)
	}
	if got := wallet(); got != start-123_45-7_00 {
		t.Fatalf("the rejected 5,000.00 did not come back: the wallet moved by %d", got-start)
	}
	var ct linkfin.CreditTransfer
	wantJSON(t, p.as("bank", "GET", "/v1/credit-transfers/"+bad, ""), http.StatusOK, &ct)
	if ct.Status != linkfin.CreditTransferRejected || ct.Reason != "AC04 account closed" {
		t.Errorf("the rejected instruction: %+v", ct)
	}
	events := history(bad)
	if last := events[len(events)-1]; last.Type != "credit_transfer.rejected" || !strings.Contains(string(last.Data), "AC04 account closed") {
		t.Errorf("the rejection's event: %s %s", last.Type, last.Data)
	}

	// The same report again, under another key: nothing changes, no event is written.
	before := len(history(bad)) + len(history(ok))
	wantJSON(t, post("operator", report), http.StatusOK, &answered)
	if got := wallet(); got != start-123_45-7_00 || len(history(bad))+len(history(ok)) != before {
		t.Fatalf("the report twice changed something: wallet %d, events %d then %d", got, before, len(history(bad))+len(history(ok)))
	}

	// A report of the whole message in the oldest version linkfin reads rejects what is
	// left, with the message's reason; what was answered stays as it is.
	wantJSON(t, post("operator", statusReport("03", file.ID, "RJCT", "")), http.StatusOK, &answered)
	wantJSON(t, p.as("bank", "GET", "/v1/credit-transfers/"+later, ""), http.StatusOK, &ct)
	if ct.Status != linkfin.CreditTransferRejected || ct.Reason != "AM05 duplication" {
		t.Errorf("the instruction the group rejection answered: %+v", ct)
	}
	wantJSON(t, p.as("bank", "GET", "/v1/credit-transfers/"+ok, ""), http.StatusOK, &ct)
	if ct.Status != linkfin.CreditTransferAccepted {
		t.Errorf("an accepted instruction changed: %+v", ct)
	}
	if got := wallet(); got != start-123_45 {
		t.Fatalf("after the group rejection the wallet moved by %d, want -123.45", got-start)
	}
	// The bank rejects by name what it had accepted: the money comes back.
	wantJSON(t, post("operator", statusReport("10", file.ID, "", file.ID+"-CNY", ok+":RJCT:AC06:account blocked")), http.StatusOK, &answered)
	if got := wallet(); got != start {
		t.Fatalf("after the late rejection the wallet moved by %d, want 0", got-start)
	}
}

// TestPaymentStatusReportInLatin1: a pain.002 report in the encoding its declaration
// names is read as a statement is, its texts in that encoding: the bank's reason in
// ISO-8859-1 is kept as written.
func TestPaymentStatusReportInLatin1(t *testing.T) {
	p := newPlatform(t)
	var out linkfin.PaymentOut
	wantJSON(t, p.as("bank", "POST", "/v1/payments/withdrawals", `{"rail":"bank","instruction_id":"L-1","currency":"CNY","amount":100}`),
		http.StatusOK, &out)
	var file linkfin.PaymentFile
	wantJSON(t, p.as("operator", "POST", "/v1/payment-files", `{"rail":"bank","date":"2026-12-01"}`), http.StatusCreated, &file)
	doc := strings.Replace(statusReport("10", file.ID, "", file.ID+"-CNY", out.CreditTransferID+":RJCT:AC04:compte clôturé"),
		`encoding="UTF-8"`, `encoding="ISO-8859-1"`, 1)
	latin1, err := charmap.ISO8859_1.NewEncoder().String(doc)
	if err != nil || utf8.ValidString(latin1) {
		t.Fatalf("the report in ISO-8859-1: %v (valid UTF-8: %v)", err, utf8.ValidString(latin1))
	}
	// A charset, when given, is the report's encoding.
	wantProblem(t, p.as("operator", "POST", "/v1/payment-files/"+file.ID+"/status", latin1, "Content-Type", "application/xml; charset=utf-8"),
		http.StatusUnsupportedMediaType, lfhttp.EMEDIATYPE)
	var answered linkfin.PaymentFile
	wantJSON(t, p.as("operator", "POST", "/v1/payment-files/"+file.ID+"/status", latin1, "Content-Type", "application/xml; charset=iso-8859-1"),
		http.StatusOK, &answered)
	var ct linkfin.CreditTransfer
	wantJSON(t, p.as("bank", "GET", "/v1/credit-transfers/"+out.CreditTransferID, ""), http.StatusOK, &ct)
	if ct.Status != linkfin.CreditTransferRejected || ct.Reason != "AC04 compte clôturé" {
		t.Fatalf("the instruction the Latin-1 report rejected: %+v", ct)
	}
}

// TestBankAccountRoute: an organization's admin (or the operator) registers the bank
// account its withdrawals are paid into; an account a pain.001 document cannot name is
// 400 and changes nothing; another organization's is not found; a withdrawal over the
// bank rail pays the account registered when it was made.
func TestBankAccountRoute(t *testing.T) {
	p := newPlatform(t)
	for _, body := range []string{
		`{"bank_account":{"iban":"DE00370400440532013000"}}`,
		`{"bank_account":{"iban":"DE89370400440532013000","account":"6222"}}`,
		`{"bank_account":{}}`,
		`{"bank_account":{"account":"6222","bic":"ICBK"}}`,
		`{"bank_account":{"account":" 6222"}}`,
		`{"bank_account":{"account":"6222","bank_code":"1021000000301"}}`,
		`{"bank_account":{"account":"6222","bank_code":"10210000003A"}}`,
	} {
		wantProblem(t, p.as("tier1", "POST", "/v1/organizations/tier1/bank-account", body), http.StatusBadRequest, linkfin.EINVALID)
	}
	wantProblem(t, p.as("tier1", "POST", "/v1/organizations/tier1/bank-account", `{}`), http.StatusBadRequest, "missing_field")
	wantProblem(t, p.as("tier1", "POST", "/v1/organizations/anchor/bank-account", `{"bank_account":{"account":"6222"}}`),
		http.StatusNotFound, linkfin.ENOTFOUND)
	var org linkfin.Organization
	wantJSON(t, p.as("tier1", "GET", "/v1/organizations/tier1", ""), http.StatusOK, &org)
	if org.BankAccount == nil || org.BankAccount.Account != "6217000010000000022" {
		t.Fatalf("tier1's account after the refusals: %+v", org.BankAccount)
	}
	// The admin's new account waits for the operator, who confirms it by naming it
	// again: an organization may not decide on its own, and a decision on another
	// account is refused.
	gb := `{"bank_account":{"iban":"GB82WEST12345698765432","bic":"NWBKGB2L"}}`
	wantJSON(t, p.as("tier1", "POST", "/v1/organizations/tier1/bank-account", gb), http.StatusOK, &org)
	if org.BankAccount == nil || org.BankAccount.Account != "6217000010000000022" || org.PendingBankAccount == nil ||
		org.PendingBankAccount.Account != (linkfin.BankAccount{IBAN: "GB82WEST12345698765432", BIC: "NWBKGB2L"}) {
		t.Fatalf("tier1's account while its change waits: %+v, %+v", org.BankAccount, org.PendingBankAccount)
	}
	// The operator lists what waits, oldest first, a page at a time; no one else may.
	wantJSON(t, p.as("tier2", "POST", "/v1/organizations/tier2/bank-account", `{"bank_account":{"account":"6222555"}}`), http.StatusOK, nil)
	var waiting linkfin.List[linkfin.Organization]
	wantJSON(t, p.as("operator", "GET", "/v1/bank-account-changes?limit=1", ""), http.StatusOK, &waiting)
	if len(waiting.Data) != 1 || waiting.Data[0].ID != "tier1" || waiting.Data[0].PendingBankAccount == nil || waiting.NextCursor == "" {
		t.Fatalf("the first page of what waits: %+v", waiting)
	}
	wantJSON(t, p.as("operator", "GET", "/v1/bank-account-changes?limit=1&after="+url.QueryEscape(waiting.NextCursor), ""), http.StatusOK, &waiting)
	if len(waiting.Data) != 1 || waiting.Data[0].ID != "tier2" || waiting.NextCursor != "" {
		t.Fatalf("the second page of what waits: %+v", waiting)
	}
	wantProblem(t, p.as("tier1", "GET", "/v1/bank-account-changes", ""), http.StatusForbidden, linkfin.EFORBIDDEN)
	wantProblem(t, p.as("operator", "GET", "/v1/bank-account-changes?after=nonsense", ""), http.StatusBadRequest, linkfin.EINVALID)
	wantJSON(t, p.as("operator", "POST", "/v1/organizations/tier2/bank-account/reject", `{"bank_account":{"account":"6222555"}}`), http.StatusOK, nil)
	wantProblem(t, p.as("tier1", "POST", "/v1/organizations/tier1/bank-account/confirm", gb), http.StatusForbidden, linkfin.EFORBIDDEN)
	wantProblem(t, p.as("operator", "POST", "/v1/organizations/tier1/bank-account/confirm", `{"bank_account":{"iban":"GB82WEST12345698765432"}}`),
		http.StatusConflict, linkfin.ECONFLICT)
	wantProblem(t, p.as("operator", "POST", "/v1/organizations/tier2/bank-account/reject", gb), http.StatusConflict, linkfin.ECONFLICT)
	wantProblem(t, p.as("operator", "POST", "/v1/organizations/nobody/bank-account/confirm", gb), http.StatusNotFound, linkfin.ENOTFOUND)
	wantProblem(t, p.as("operator", "POST", "/v1/organizations/tier1/bank-account/confirm", `{}`), http.StatusBadRequest, "missing_field")
	wantJSON(t, p.as("operator", "POST", "/v1/organizations/tier1/bank-account/confirm", gb), http.StatusOK, &org)
	if org.BankAccount == nil || *org.BankAccount != (linkfin.BankAccount{IBAN: "GB82WEST12345698765432", BIC: "NWBKGB2L"}) || org.PendingBankAccount != nil {
		t.Fatalf("tier1's account: %+v, %+v", org.BankAccount, org.PendingBankAccount)
	}
	// Another change, rejected: the confirmed account stays.
	wantJSON(t, p.as("tier1", "POST", "/v1/organizations/tier1/bank-account", `{"bank_account":{"account":"6222"}}`), http.StatusOK, &org)
	wantJSON(t, p.as("operator", "POST", "/v1/organizations/tier1/bank-account/reject", `{"bank_account":{"account":"6222"}}`), http.StatusOK, &org)
	if org.BankAccount == nil || org.BankAccount.IBAN != "GB82WEST12345698765432" || org.PendingBankAccount != nil {
		t.Fatalf("tier1's account after the rejection: %+v, %+v", org.BankAccount, org.PendingBankAccount)
	}
	wantJSON(t, p.as("operator", "GET", "/v1/bank-account-changes", ""), http.StatusOK, &waiting)
	if len(waiting.Data) != 0 {
		t.Fatalf("after the decisions, waiting: %+v", waiting)
	}
	wantJSON(t, p.as("operator", "POST", "/v1/organizations/tier2/bank-account", `{"bank_account":{"account":"0123456789"}}`), http.StatusOK, &org)
	if org.ID != "tier2" || org.BankAccount == nil || org.BankAccount.Account != "0123456789" {
		t.Fatalf("the operator set tier2's account: %+v", org)
	}
	wantJSON(t, p.as("operator", "POST", "/v1/payments/inbound", `{"rail":"bank","instruction_id":"T1-IN","org_id":"tier1","currency":"CNY","amount":100}`), http.StatusOK, nil)
	var out linkfin.PaymentOut
	wantJSON(t, p.as("tier1", "POST", "/v1/payments/withdrawals", `{"rail":"bank","instruction_id":"T1-OUT","currency":"CNY","amount":100}`), http.StatusOK, &out)
	var ct linkfin.CreditTransfer
	wantJSON(t, p.as("tier1", "GET", "/v1/credit-transfers/"+out.CreditTransferID, ""), http.StatusOK, &ct)
	if ct.CreditorAccount == nil || ct.CreditorAccount.IBAN != "GB82WEST12345698765432" {
		t.Fatalf("the instruction pays %+v", ct.CreditorAccount)
	}
	// Its postal address, as it registers it: the town and the country at least.
	for _, body := range []string{`{"address":{"town":"Suzhou"}}`, `{"address":{"town":"Suzhou","country":"cn"}}`, `{"address":{"town":"","country":"CN"}}`} {
		r := p.as("tier1", "POST", "/v1/organizations/tier1/address", body)
		if r.status != http.StatusBadRequest {
			t.Errorf("%s: %d %s", body, r.status, r.body)
		}
	}
	wantProblem(t, p.as("tier1", "POST", "/v1/organizations/tier1/address", `{"address":{"town":"Suzhou","country":"CNN"}}`), http.StatusBadRequest, linkfin.EINVALID)
	wantProblem(t, p.as("tier1", "POST", "/v1/organizations/anchor/address", `{"address":{"town":"Suzhou","country":"CN"}}`), http.StatusNotFound, linkfin.ENOTFOUND)
	wantJSON(t, p.as("tier1", "POST", "/v1/organizations/tier1/address", `{"address":{"street":"Renmin Road","town":"Suzhou","country":"CN"}}`), http.StatusOK, &org)
	if org.Address == nil || *org.Address != (linkfin.PostalAddress{Street: "Renmin Road", Town: "Suzhou", Country: "CN"}) {
		t.Fatalf("tier1's address: %+v", org.Address)
	}
	// An organization registered with no account withdraws over the e-CNY rail only.
	wantJSON(t, p.as("operator", "POST", "/v1/organizations", `{"id":"newco","name":"New Co","capabilities":["trade"]}`), http.StatusCreated, &org)
	if org.BankAccount != nil {
		t.Fatalf("registered without an account: %+v", org.BankAccount)
	}
	wantProblem(t, p.as("operator", "POST", "/v1/organizations", `{"id":"newco2","name":"New Co 2","capabilities":["trade"],"bank_account":{"iban":"GB00WEST12345698765432"}}`),
		http.StatusBadRequest, linkfin.EINVALID)
	wantJSON(t, p.as("operator", "POST", "/v1/organizations", `{"id":"newco3","name":"New Co 3","capabilities":["trade"],"bank_account":{"account":"6222"}}`),
		http.StatusCreated, &org)
	if org.BankAccount == nil || org.BankAccount.Account != "6222" {
		t.Fatalf("registered with an account: %+v", org.BankAccount)
	}
}

// The platform's own account, registered once by the operator, is what the files after
// it pay from when a request names none; no one else reads or changes it.
func TestPaymentDebtor(t *testing.T) {
	p := newPlatform(t)
	if prob := wantProblem(t, p.as("operator", "GET", "/v1/payment-files/debtor", ""), http.StatusNotFound, linkfin.ENOTFOUND); !strings.Contains(prob.Detail, "register it with POST /v1/payment-files/debtor") {
		t.Errorf("detail %q", prob.Detail)
	}
	body := `{"debtor":{"name":"Auto SCF Platform","account":"6222020200100000011","bic":"ICBKCNBJ","bank_code":"102100000030","address":{"town":"Shanghai","country":"CN"}}}`
	wantProblem(t, p.as("anchor", "POST", "/v1/payment-files/debtor", body), http.StatusForbidden, linkfin.EFORBIDDEN)
	wantProblem(t, p.as("anchor", "GET", "/v1/payment-files/debtor", ""), http.StatusForbidden, linkfin.EFORBIDDEN)
	for _, bad := range []string{`{"debtor":{"name":"Auto SCF Platform"}}`, `{"debtor":{"name":"Auto SCF Platform","iban":"DE00370400440532013000"}}`,
		`{"debtor":{"name":"Auto SCF Platform","account":"6222","bank_code":"1021"}}`} {
		wantProblem(t, p.as("operator", "POST", "/v1/payment-files/debtor", bad), http.StatusBadRequest, linkfin.EINVALID)
	}
	wantProblem(t, p.as("operator", "POST", "/v1/payment-files/debtor", `{}`), http.StatusBadRequest, "missing_field")
	wantProblem(t, p.as("operator", "GET", "/v1/payment-files/debtor", ""), http.StatusNotFound, linkfin.ENOTFOUND)
	var d linkfin.PaymentDebtor
	wantJSON(t, p.as("operator", "POST", "/v1/payment-files/debtor", body), http.StatusOK, &d)
	if d.ID != "bank" || d.Debtor.Name != "Auto SCF Platform" || d.Debtor.Account != "6222020200100000011" || d.Debtor.Address == nil || d.Debtor.Address.Town != "Shanghai" {
		t.Fatalf("the registered debtor: %+v", d)
	}
	var got linkfin.PaymentDebtor
	wantJSON(t, p.as("operator", "GET", "/v1/payment-files/debtor", ""), http.StatusOK, &got)
	if !reflect.DeepEqual(got, d) {
		t.Fatalf("read back: %+v, want %+v", got, d)
	}
	wantJSON(t, p.as("bank", "POST", "/v1/payments/withdrawals", `{"rail":"bank","instruction_id":"D-1","currency":"CNY","amount":100}`), http.StatusOK, nil)
	var file linkfin.PaymentFile
	wantJSON(t, p.as("operator", "POST", "/v1/payment-files", `{"rail":"bank","date":"2026-12-01"}`), http.StatusCreated, &file)
	if !reflect.DeepEqual(file.Debtor, d.Debtor) {
		t.Fatalf("the file pays from %+v, want %+v", file.Debtor, d.Debtor)
	}
	doc := p.as("operator", "GET", "/v1/payment-files/"+file.ID, "", "Accept", "application/xml")
	for _, want := range []string{"<Nm>Auto SCF Platform</Nm>", "<Id>6222020200100000011</Id>", "<MmbId>102100000030</MmbId>"} {
		if !strings.Contains(string(doc.body), want) {
			t.Fatalf("the document lacks %s:\n%s", want, doc.body)
		}
	}
}

// A file whose creditor's bank has a BIC of ISO 9362's 2014 form (a digit among its
// first six characters) cannot be written as pain.001.001.03, whose schema predates
// it: 422 unsupported_message, and pain.001.001.09 writes it.
func TestPaymentFileV03RefusesNewBIC(t *testing.T) {
	p := newPlatform(t)
	wantJSON(t, p.as("operator", "POST", "/v1/organizations/anchor/bank-account", `{"bank_account":{"account":"6222600110000000077","bic":"1BNKCNSH"}}`), http.StatusOK, nil)
	wantJSON(t, p.as("anchor", "POST", "/v1/payments/withdrawals", `{"rail":"bank","instruction_id":"N-1","currency":"CNY","amount":100}`), http.StatusOK, nil)
	var file linkfin.PaymentFile
	wantJSON(t, p.as("operator", "POST", "/v1/payment-files", `{"rail":"bank","date":"2026-12-01"}`), http.StatusCreated, &file)
	prob := wantProblem(t, p.as("operator", "GET", "/v1/payment-files/"+file.ID+"?message=pain.001.001.03", "", "Accept", "application/xml"),
		http.StatusUnprocessableEntity, iso20022.EUNSUPPORTED)
	if !strings.Contains(prob.Detail, "1BNKCNSH") {
		t.Errorf("detail %q", prob.Detail)
	}
	doc := p.as("operator", "GET", "/v1/payment-files/"+file.ID, "", "Accept", "application/xml")
	if doc.status != http.StatusOK || !strings.Contains(string(doc.body), "<BICFI>1BNKCNSH</BICFI>") {
		t.Fatalf("as pain.001.001.09: %d\n%s", doc.status, doc.body)
	}
	validatePain001(t, doc.body)
}
