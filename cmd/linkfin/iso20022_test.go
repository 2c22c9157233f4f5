package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestISO20022Parse prints a camt.053 statement as JSON without a database: the fields
// the matching of bank entries uses, amounts as strings of minor units.
func TestISO20022Parse(t *testing.T) {
	isolate(t)
	code, stdout, stderr := cli(t, "iso20022", "parse", "../../iso20022/testdata/genkgo-camt053.v8.xml")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Version    string `json:"version"`
		Statements []struct {
			ID      string `json:"id"`
			Entries []map[string]any
		} `json:"statements"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if got.Version != "camt.053.001.08" || len(got.Statements) != 1 || len(got.Statements[0].Entries) != 1 {
		t.Fatalf("read %+v", got)
	}
	want := map[string]any{
		"amount": "885", "currency": "EUR", "credit_debit": "CRDT", "booking_date": "2014-12-31",
		"value_date": "2015-01-02", "account_servicer_reference": "AAAASESS-FP-CN_98765/01",
		"end_to_end_id": "MUELL/FINP/RA12345", "remittance_information": "",
	}
	e := got.Statements[0].Entries[0]
	for k, v := range want {
		if e[k] != v {
			t.Errorf("%s = %#v, want %#v", k, e[k], v)
		}
	}
	// A bank's pain.002 status report answering a payment file.
	report := filepath.Join(t.TempDir(), "pain.002.xml")
	os.WriteFile(report, []byte(`<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>
<GrpHdr><MsgId>RPT-9</MsgId><CreDtTm>2026-12-02T09:00:00</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>pf_9</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId><GrpSts>RJCT</GrpSts></OrgnlGrpInfAndSts>
</CstmrPmtStsRpt></Document>`), 0o644)
	code, stdout, stderr = cli(t, "iso20022", "parse", report)
	var rep map[string]any
	if err := json.Unmarshal([]byte(stdout), &rep); code != 0 || err != nil {
		t.Fatalf("a pain.002: exit %d, %v: %s%s", code, err, stdout, stderr)
	}
	if !strings.Contains(stdout, `"original_message_id": "pf_9"`) || !strings.Contains(stdout, `"group_status": "RJCT"`) ||
		!strings.Contains(stdout, `"version": "pain.002.001.10"`) {
		t.Errorf("a pain.002 read as %s", stdout)
	}

	bad := filepath.Join(t.TempDir(), "pain.xml")
	os.WriteFile(bad, []byte(`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"/>`), 0o644)
	code, _, stderr = cli(t, "iso20022", "parse", bad)
	if code != 1 || !strings.Contains(stderr, "unsupported_message") {
		t.Errorf("a pain.001: exit %d, %s", code, stderr)
	}
	// A Document of no namespace is of no message the command reads: it says what it
	// wants of a statement and of a status report, as it reads both.
	os.WriteFile(bad, []byte(`<Document Xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.03"><CstmrPmtStsRpt/></Document>`), 0o644)
	code, _, stderr = cli(t, "iso20022", "parse", bad)
	if code != 1 || !strings.Contains(stderr, "unsupported_message: as a statement, ") || !strings.Contains(stderr, "camt.053.001.NN") ||
		!strings.Contains(stderr, "; as a status report, ") || !strings.Contains(stderr, "pain.002.001.NN") {
		t.Errorf("a Document of no namespace: exit %d, %s", code, stderr)
	}
	if code, _, _ := cli(t, "iso20022", "parse"); code != 2 {
		t.Errorf("no file: exit %d, want 2", code)
	}
}
