package iso20022_test

import (
	"strings"
	"testing"

	"linkfin"
	"linkfin/iso20022"
)

// statusReportDoc is a pain.002.001.10 report answering two transactions of one block.
const statusReportDoc = `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"><CstmrPmtStsRpt>
<GrpHdr><MsgId>RPT-1</MsgId><CreDtTm>2026-12-01T18:00:00</CreDtTm></GrpHdr>
<OrgnlGrpInfAndSts><OrgnlMsgId>pf_1</OrgnlMsgId><OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId><GrpSts>PART</GrpSts></OrgnlGrpInfAndSts>
<OrgnlPmtInfAndSts><OrgnlPmtInfId>pf_1-CNY</OrgnlPmtInfId><PmtInfSts>PART</PmtInfSts>
<TxInfAndSts><OrgnlEndToEndId>ct_1</OrgnlEndToEndId><TxSts>ACSC</TxSts></TxInfAndSts>
<TxInfAndSts><OrgnlEndToEndId>ct_2</OrgnlEndToEndId><TxSts>RJCT</TxSts>
<StsRsnInf><Rsn><Cd>AC04</Cd></Rsn><AddtlInf>account</AddtlInf><AddtlInf>closed</AddtlInf></StsRsnInf>
<StsRsnInf><Rsn><Prtry>X9</Prtry></Rsn></StsRsnInf></TxInfAndSts>
</OrgnlPmtInfAndSts></CstmrPmtStsRpt></Document>`

func TestReadStatusReport(t *testing.T) {
	doc := statusReportDoc
	r, err := iso20022.ReadStatusReport(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if r.Version != "pain.002.001.10" || r.MessageID != "RPT-1" || r.OriginalMessageID != "pf_1" || r.GroupStatus != "PART" ||
		len(r.Payments) != 1 || r.Payments[0].PaymentInformationID != "pf_1-CNY" || len(r.Transactions) != 2 {
		t.Fatalf("read %+v", r)
	}
	if tx := r.Transactions[1]; tx.EndToEndID != "ct_2" || tx.Status != "RJCT" || tx.Reason != "AC04 account closed; X9" {
		t.Errorf("the rejection: %+v", tx)
	}
	if !iso20022.Accepted(r.Transactions[0].Status) || iso20022.Accepted("PDNG") || !iso20022.Rejected("RJCT") {
		t.Error("statuses misread")
	}
	for _, c := range []struct{ doc, code string }{
		{strings.Replace(doc, "pain.002.001.10", "pain.002.001.02", 1), iso20022.EUNSUPPORTED},
		{strings.Replace(doc, "pain.002.001.10", "camt.053.001.02", 1), iso20022.EUNSUPPORTED},
		{strings.Replace(doc, "<TxSts>ACSC</TxSts>", "", 1), linkfin.EINVALID},
		{strings.Replace(doc, "<TxSts>ACSC</TxSts>", "<TxSts>accepted</TxSts>", 1), linkfin.EINVALID},
		{strings.Replace(doc, "<OrgnlMsgId>pf_1</OrgnlMsgId>", "", 1), linkfin.EINVALID},
	} {
		if _, err := iso20022.ReadStatusReport(strings.NewReader(c.doc)); linkfin.ErrorCode(err) != c.code {
			t.Errorf("code %q (%v), want %q", linkfin.ErrorCode(err), err, c.code)
		}
	}
}

// A bank may echo a transaction of a block it answers as a whole: a TxInfAndSts with the
// original transaction's reference (OrgnlTxRef) and neither an end-to-end id nor a
// status of its own, as the Finnish banks' pain.002.001.03 does (OrgnlEndToEndId and
// TxSts are both optional). It says nothing of its own: the block's status applies. A
// status for a transaction the report does not name is still refused.
func TestReadStatusReportTransactionEcho(t *testing.T) {
	const echo = `<TxInfAndSts><OrgnlTxRef><Amt><InstdAmt Ccy="EUR">90.08</InstdAmt></Amt>` +
		`<ReqdExctnDt>2014-01-08</ReqdExctnDt><Dbtr><Nm>Firma Oy</Nm></Dbtr></OrgnlTxRef></TxInfAndSts>`
	doc := strings.Replace(statusReportDoc, `<PmtInfSts>PART</PmtInfSts>`,
		`<PmtInfSts>RJCT</PmtInfSts><StsRsnInf><Rsn><Cd>DT01</Cd></Rsn></StsRsnInf>`+echo, 1)
	// The block rejected as a whole: its transactions too (one accepted would contradict it).
	doc = strings.Replace(doc, "<TxSts>ACSC</TxSts>", "<TxSts>RJCT</TxSts>", 1)
	r, err := iso20022.ReadStatusReport(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Payments) != 1 || r.Payments[0].Status != "RJCT" || r.Payments[0].Reason != "DT01" || len(r.Transactions) != 2 ||
		r.Transactions[0].EndToEndID != "ct_1" || r.Transactions[1].EndToEndID != "ct_2" {
		t.Fatalf("read %+v", r)
	}
	named := strings.Replace(statusReportDoc, "<OrgnlEndToEndId>ct_1</OrgnlEndToEndId>", "", 1)
	if _, err := iso20022.ReadStatusReport(strings.NewReader(named)); linkfin.ErrorCode(err) != linkfin.EINVALID ||
		!strings.Contains(err.Error(), "TxInfAndSts[1]/OrgnlEndToEndId") {
		t.Errorf("a status for no transaction: %v", err)
	}
}

// Swiss banks' pain.002 of the Swiss Payment Standards before 2019 is pain.002.001.03
// in SIX's namespace (pain.002.001.03.ch.02), of the same elements: it reads as
// pain.002.001.03. SIX's namespace of another message stays unsupported.
func TestReadStatusReportSwiss(t *testing.T) {
	const six = "http://www.six-interbank-clearing.com/de/pain.002.001.03.ch.02.xsd"
	doc := strings.Replace(statusReportDoc, "urn:iso:std:iso:20022:tech:xsd:pain.002.001.10", six, 1)
	r, err := iso20022.ReadStatusReport(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if r.Version != "pain.002.001.03" || len(r.Transactions) != 2 || r.Transactions[1].Status != "RJCT" {
		t.Fatalf("read %+v", r)
	}
	other := strings.Replace(statusReportDoc, "urn:iso:std:iso:20022:tech:xsd:pain.002.001.10",
		"http://www.six-interbank-clearing.com/de/pain.001.001.03.ch.02.xsd", 1)
	if _, err := iso20022.ReadStatusReport(strings.NewReader(other)); linkfin.ErrorCode(err) != iso20022.EUNSUPPORTED {
		t.Errorf("SIX's pain.001: %v", err)
	}
}

// TestStatusReportContradictions: a report that accepts and rejects one payment, by two
// answers to its transaction or block, or by a status of the whole message or of the
// block that the status below it contradicts, is refused as a whole: read as it was,
// it was taken for whichever came last, or for the rejection. What does not
// contradict (a partly accepted message, a pending one, the same answer twice, two
// NOTPROVIDED transactions) is read.
func TestStatusReportContradictions(t *testing.T) {
	second := `<TxInfAndSts><OrgnlEndToEndId>ct_1</OrgnlEndToEndId><TxSts>RJCT</TxSts></TxInfAndSts></OrgnlPmtInfAndSts>`
	block := func(id, status, txs string) string {
		return `<OrgnlPmtInfAndSts><OrgnlPmtInfId>` + id + `</OrgnlPmtInfId><PmtInfSts>` + status + `</PmtInfSts>` + txs + `</OrgnlPmtInfAndSts>`
	}
	tx := func(id, status string) string {
		return `<TxInfAndSts><OrgnlEndToEndId>` + id + `</OrgnlEndToEndId><TxSts>` + status + `</TxSts></TxInfAndSts>`
	}
	cases := []struct{ name, doc, says string }{
		{"a transaction accepted and rejected", strings.Replace(statusReportDoc, "</OrgnlPmtInfAndSts>", second, 1),
			"end-to-end id ct_1 is ACSC and RJCT"},
		{"a transaction accepted in another block", strings.Replace(statusReportDoc, "</OrgnlPmtInfAndSts>",
			"</OrgnlPmtInfAndSts>"+block("pf_1-USD", "PART", tx("ct_2", "ACCP")), 1),
			"end-to-end id ct_2 is RJCT and ACCP"},
		{"a transaction rejected and pending", strings.Replace(statusReportDoc, "</OrgnlPmtInfAndSts>", tx("ct_2", "PDNG")+"</OrgnlPmtInfAndSts>", 1),
			"end-to-end id ct_2 is RJCT and PDNG"},
		{"the message rejected, a transaction accepted", strings.Replace(statusReportDoc, "<GrpSts>PART</GrpSts>", "<GrpSts>RJCT</GrpSts>", 1),
			"the whole message is RJCT (GrpSts), end-to-end id ct_1 ACSC"},
		{"the message accepted, a transaction rejected", strings.Replace(statusReportDoc, "<GrpSts>PART</GrpSts>", "<GrpSts>ACCP</GrpSts>", 1),
			"the whole message is ACCP (GrpSts), end-to-end id ct_2 RJCT"},
		{"the message accepted, a block rejected", strings.Replace(strings.Replace(statusReportDoc, "<GrpSts>PART</GrpSts>", "<GrpSts>ACTC</GrpSts>", 1),
			"<PmtInfSts>PART</PmtInfSts>", "<PmtInfSts>RJCT</PmtInfSts>", 1),
			"the whole message is ACTC (GrpSts), payment information pf_1-CNY RJCT"},
		{"a block rejected, a transaction accepted", strings.Replace(statusReportDoc, "<PmtInfSts>PART</PmtInfSts>", "<PmtInfSts>RJCT</PmtInfSts>", 1),
			"payment information pf_1-CNY is RJCT (PmtInfSts), its end-to-end id ct_1 ACSC"},
		{"a block accepted, a transaction rejected", strings.Replace(statusReportDoc, "<PmtInfSts>PART</PmtInfSts>", "<PmtInfSts>ACSP</PmtInfSts>", 1),
			"payment information pf_1-CNY is ACSP (PmtInfSts), its end-to-end id ct_2 RJCT"},
		{"a block accepted and rejected", strings.Replace(statusReportDoc, "</CstmrPmtStsRpt>", block("pf_1-CNY", "RJCT", "")+"</CstmrPmtStsRpt>", 1),
			"payment information pf_1-CNY is PART and RJCT"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r, err := iso20022.ReadStatusReport(strings.NewReader(c.doc))
			if linkfin.ErrorCode(err) != iso20022.ECONTRADICTORY || !strings.Contains(linkfin.ErrorMessage(err), c.says) {
				t.Fatalf("read %+v, %v: want %s saying %q", r, err, iso20022.ECONTRADICTORY, c.says)
			}
		})
	}
	for _, doc := range []string{
		statusReportDoc, // PART over an accepted and a rejected transaction
		strings.Replace(statusReportDoc, "<GrpSts>PART</GrpSts>", "<GrpSts>PDNG</GrpSts>", 1),
		strings.Replace(statusReportDoc, "</OrgnlPmtInfAndSts>", tx("ct_1", "ACCC")+"</OrgnlPmtInfAndSts>", 1),
		strings.Replace(strings.Replace(statusReportDoc, "ct_1", "NOTPROVIDED", 1), "ct_2", "NOTPROVIDED", 1),
		strings.Replace(strings.Replace(statusReportDoc, "<GrpSts>PART</GrpSts>", "<GrpSts>RJCT</GrpSts>", 1), "<TxSts>ACSC</TxSts>", "<TxSts>RJCT</TxSts>", 1),
	} {
		if _, err := iso20022.ReadStatusReport(strings.NewReader(doc)); err != nil {
			t.Errorf("%v\n%s", err, doc)
		}
	}
}
