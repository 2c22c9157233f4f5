package http_test

import (
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"linkfin"
)

// validatePain001 checks a document against the pain.001.001.09 schema with xmllint,
// or skips the test, saying why, where xmllint is not installed (libxml2-utils).
func validatePain001(t *testing.T, doc []byte) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint is not installed (apt-get install libxml2-utils): the files' schema is not checked")
	}
	file := filepath.Join(t.TempDir(), "pain.001.xml")
	if err := os.WriteFile(file, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	if out, err := exec.Command(xmllint, "--noout", "--schema", "../iso20022/testdata/pain.001.001.09.xsd", file).CombinedOutput(); err != nil {
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
	// A replayed withdrawal makes no second instruction.
	if again := withdraw("bank", "bank", "B-OUT-1", "12345"); !again.Replayed || again.CreditTransferID != "" {
		t.Errorf("a replayed withdrawal: %+v", again)
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
		"<IBAN>DE89370400440532013000</IBAN>", "<BICFI>COBADEFFXXX</BICFI>", "<Dt>2026-12-01</Dt>"} {
		if !strings.Contains(doc, want) {
			t.Errorf("the document lacks %s", want)
		}
	}
	if again := p.as("operator", "GET", "/v1/payment-files/"+file.ID, "", "Accept", "application/xml"); string(again.body) != doc {
		t.Errorf("the document changed between two reads")
	}
	validatePain001(t, xml.body)

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
