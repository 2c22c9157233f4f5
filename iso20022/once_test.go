package iso20022_test

import (
	"os"
	"reflect"
	"strings"
	"testing"

	"linkfin"
	"linkfin/iso20022"
)

// ntry is a booked entry of amount EUR.
func ntry(amount string) string {
	return `<Ntry><Amt Ccy="EUR">` + amount + `</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts></Ntry>`
}

// TestReadStatementOnce: an element the reader reads into a single value, given twice
// under its parent, is refused: encoding/xml would read the last one (or merge the two
// aggregates), a silent change of an amount or a sign. So is an element inside a value,
// whose text encoding/xml would leave out. The message names it by the path the
// reader's other messages use, with its line.
func TestReadStatementOnce(t *testing.T) {
	doc := func(old, new string) string {
		d := statement("08", ntry("1.00")+ntry("2.00"))
		if !strings.Contains(d, old) {
			t.Fatalf("the statement has no %q", old)
		}
		return strings.Replace(d, old, new, 1)
	}
	cases := []struct {
		name, doc, says string
	}{
		{"an entry's amount", doc(`<Amt Ccy="EUR">2.00</Amt>`, `<Amt Ccy="EUR">2.00</Amt><Amt Ccy="EUR">200.00</Amt>`),
			"Stmt[1]/Ntry[2]/Amt is given twice (line 6): ISO 20022 allows it once there"},
		{"an entry's sign", doc(`<CdtDbtInd>CRDT</CdtDbtInd><Sts>`, `<CdtDbtInd>CRDT</CdtDbtInd><CdtDbtInd>DBIT</CdtDbtInd><Sts>`),
			"Stmt[1]/Ntry[1]/CdtDbtInd is given twice (line 6)"},
		{"the statement's account", doc(`</Acct>`, `</Acct><Acct><Id><IBAN>FR7630006000011234567890189</IBAN></Id></Acct>`),
			"Stmt[1]/Acct is given twice (line 4)"},
		{"the message id", doc(`<MsgId>M1</MsgId>`, `<MsgId>M1</MsgId>`+"\n"+`<MsgId>M2</MsgId>`),
			"GrpHdr/MsgId is given twice (line 4)"},
		{"a balance's amount", doc(`<Amt Ccy="EUR">10.00</Amt>`, `<Amt Ccy="EUR">10.00</Amt><Amt Ccy="EUR">1000.00</Amt>`),
			"Stmt[1]/Bal[1]/Amt is given twice (line 5)"},
		{"a balance's date", doc(`<Dt><Dt>2026-03-01</Dt></Dt>`, `<Dt><Dt>2026-03-01</Dt><Dt>2026-03-02</Dt></Dt>`),
			"Stmt[1]/Bal[1]/Dt/Dt is given twice"},
		{"an entry's status, an aggregate", doc(`<Sts>BOOK</Sts></Ntry>`, `<Sts>BOOK</Sts><Sts><Cd>PDNG</Cd></Sts></Ntry>`),
			"Stmt[1]/Ntry[1]/Sts is given twice"},
		{"a transaction's amount", doc(`<Sts>BOOK</Sts></Ntry>`+"<Ntry>", `<Sts>BOOK</Sts><NtryDtls><TxDtls><Amt Ccy="EUR">1.00</Amt></TxDtls>`+
			`<TxDtls><Amt Ccy="EUR">0.50</Amt><Amt Ccy="EUR">1.00</Amt></TxDtls></NtryDtls></Ntry><Ntry>`),
			"Stmt[1]/Ntry[1]/NtryDtls[1]/TxDtls[2]/Amt is given twice"},
		{"the statement", doc(`</BkToCstmrStmt>`, `</BkToCstmrStmt><BkToCstmrStmt/>`), "BkToCstmrStmt is given twice"},
		// An element inside a value read as text: encoding/xml would read 2.00, where the
		// amount's value is 20.00.
		{"an element inside an amount", doc(`<Amt Ccy="EUR">2.00</Amt>`, `<Amt Ccy="EUR">2<x>0</x>.00</Amt>`),
			`Stmt[1]/Ntry[2]/Amt has an element x inside its value (line 6): ISO 20022 allows text alone there`},
		{"an empty element inside a sign", doc(`<CdtDbtInd>CRDT</CdtDbtInd><Sts>`, `<CdtDbtInd>CR<b/>DT</CdtDbtInd><Sts>`),
			"Stmt[1]/Ntry[1]/CdtDbtInd has an element b inside its value"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := iso20022.ReadStatement(strings.NewReader(c.doc))
			if code := linkfin.ErrorCode(err); code != linkfin.EINVALID {
				t.Fatalf("code %q (%v, %+v), want %q", code, err, m, linkfin.EINVALID)
			}
			if !strings.Contains(linkfin.ErrorMessage(err), c.says) {
				t.Errorf("message %q does not say %q", linkfin.ErrorMessage(err), c.says)
			}
		})
	}
}

// TestReadStatementRepeats: elements the reader reads as lists may repeat, and an
// element it does not read may be given twice; the statement reads as it does without.
func TestReadStatementRepeats(t *testing.T) {
	m, err := iso20022.ReadStatement(strings.NewReader(strings.Replace(statement("08",
		ntry("1.00")+`<Ntry><Amt Ccy="EUR">2.00</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts><NtryDtls>`+
			`<TxDtls><Amt Ccy="EUR">1.50</Amt><RmtInf><Ustrd>INV-1</Ustrd><Ustrd>INV-2</Ustrd></RmtInf></TxDtls>`+
			`<TxDtls><Amt Ccy="EUR">0.50</Amt></TxDtls></NtryDtls></Ntry>`),
		`</Bal>`, `</Bal><Bal><Tp><CdOrPrtry><Cd>OPBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">11.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-01</Dt></Dt></Bal>`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	st := m.Statements[0]
	if len(st.Balances) != 2 || len(st.Entries) != 2 || len(st.Entries[1].Transactions) != 2 ||
		st.Entries[1].Transactions[0].RemittanceInformation != "INV-1 INV-2" {
		t.Errorf("read %+v", st)
	}

	plain := statement("08", ntry("1.00"))
	want, err := iso20022.ReadStatement(strings.NewReader(plain))
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ old, new string }{
		// Not read: the message's pagination, the proprietary code's issuer.
		{`</GrpHdr>`, `<MsgPgntn><PgNb>1</PgNb><LastPgInd>true</LastPgInd></MsgPgntn><MsgPgntn><PgNb>2</PgNb></MsgPgntn></GrpHdr>`},
		{`<Sts>BOOK</Sts></Ntry>`, `<Sts>BOOK</Sts><BkTxCd><Prtry><Cd>X</Cd><Issr>A</Issr><Issr>B</Issr></Prtry></BkTxCd></Ntry>`},
	} {
		doc := strings.Replace(plain, c.old, c.new, 1)
		got, err := iso20022.ReadStatement(strings.NewReader(doc))
		if err != nil {
			t.Errorf("%s: %v", c.new, err)
			continue
		}
		if c.old == `</GrpHdr>` {
			if !reflect.DeepEqual(got, want) {
				t.Errorf("%s: read %+v, want %+v", c.new, got, want)
			}
		}
	}
}

// TestReadStatementOnceInEnvelope: the Document inside an envelope is read from the
// Document on: the envelope may repeat what it likes, a Document's element given twice
// is refused, and a Document of a version the package does not read is not looked at.
func TestReadStatementOnceInEnvelope(t *testing.T) {
	raw, err := os.ReadFile("testdata/prowide-camt.053.001.07.xml")
	if err != nil {
		t.Fatal(err)
	}
	env := string(raw)
	if !strings.Contains(env, "<message>") || !strings.Contains(env, "<BizMsgIdr>ASDFSDF</BizMsgIdr>") {
		t.Fatal("the envelope is not as the test expects")
	}
	want, err := iso20022.ReadStatement(strings.NewReader(env))
	if err != nil {
		t.Fatal(err)
	}
	// The envelope, before and after the Document: elements of the Document's names too.
	doc := strings.Replace(env, "<BizMsgIdr>ASDFSDF</BizMsgIdr>", "<BizMsgIdr>A</BizMsgIdr><BizMsgIdr>B</BizMsgIdr><GrpHdr/><GrpHdr/>", 1)
	doc = strings.Replace(doc, "</message>", "<Stmt><Acct/><Acct/></Stmt></message>", 1)
	if got, err := iso20022.ReadStatement(strings.NewReader(doc)); err != nil || !reflect.DeepEqual(got, want) {
		t.Errorf("a repeating envelope: read %+v, %v; want %+v", got, err, want)
	}
	twice := strings.Replace(env, "</MsgId>", "</MsgId><MsgId>again</MsgId>", 1)
	if twice == env {
		t.Fatal("the statement has no MsgId")
	}
	_, err = iso20022.ReadStatement(strings.NewReader(twice))
	if linkfin.ErrorCode(err) != linkfin.EINVALID || !strings.HasPrefix(linkfin.ErrorMessage(err), "GrpHdr/MsgId is given twice (line ") {
		t.Errorf("a MsgId given twice in the enveloped Document: %v", err)
	}
	unknown := strings.ReplaceAll(twice, "camt.053.001.07", "camt.053.001.01")
	if _, err := iso20022.ReadStatement(strings.NewReader(unknown)); linkfin.ErrorCode(err) != iso20022.EUNSUPPORTED {
		t.Errorf("an unsupported version with a MsgId given twice: %v, want %s", err, iso20022.EUNSUPPORTED)
	}
}

// TestReadStatusReportOnce: a pain.002 transaction's status or end-to-end id given
// twice is refused, as is the report's message id, and an element inside a status;
// transactions and reasons repeat.
func TestReadStatusReportOnce(t *testing.T) {
	for _, c := range []struct{ old, new, says string }{
		{"<TxSts>RJCT</TxSts>", "<TxSts>RJCT</TxSts><TxSts>ACSC</TxSts>",
			"OrgnlPmtInfAndSts[1]/TxInfAndSts[2]/TxSts is given twice (line 7): ISO 20022 allows it once there"},
		{"<OrgnlEndToEndId>ct_1</OrgnlEndToEndId>", "<OrgnlEndToEndId>ct_1</OrgnlEndToEndId><OrgnlEndToEndId>ct_2</OrgnlEndToEndId>",
			"OrgnlPmtInfAndSts[1]/TxInfAndSts[1]/OrgnlEndToEndId is given twice (line 6)"},
		{"<GrpSts>PART</GrpSts>", "<GrpSts>PART</GrpSts><GrpSts>ACSC</GrpSts>", "OrgnlGrpInfAndSts/GrpSts is given twice"},
		{"<Rsn><Cd>AC04</Cd></Rsn>", "<Rsn><Cd>AC04</Cd></Rsn><Rsn><Cd>AM04</Cd></Rsn>",
			"OrgnlPmtInfAndSts[1]/TxInfAndSts[2]/StsRsnInf[1]/Rsn is given twice"},
		{"<MsgId>RPT-1</MsgId>", "<MsgId>RPT-1</MsgId><MsgId>RPT-2</MsgId>", "GrpHdr/MsgId is given twice"},
		// An element inside the status, which would be read as RJCT without its text.
		{"<TxSts>RJCT</TxSts>", "<TxSts>RJ<x>X</x>CT</TxSts>",
			"OrgnlPmtInfAndSts[1]/TxInfAndSts[2]/TxSts has an element x inside its value (line 7): ISO 20022 allows text alone there"},
	} {
		doc := strings.Replace(statusReportDoc, c.old, c.new, 1)
		if doc == statusReportDoc {
			t.Fatalf("the report has no %q", c.old)
		}
		r, err := iso20022.ReadStatusReport(strings.NewReader(doc))
		if linkfin.ErrorCode(err) != linkfin.EINVALID || !strings.Contains(linkfin.ErrorMessage(err), c.says) {
			t.Errorf("%s: read %+v, %v; want %s saying %q", c.new, r, err, linkfin.EINVALID, c.says)
		}
	}
	// Repeats the report allows, and what it does not read.
	doc := strings.Replace(statusReportDoc, "<OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId>",
		"<OrgnlMsgNmId>pain.001.001.09</OrgnlMsgNmId><OrgnlMsgNmId>pain.001.001.03</OrgnlMsgNmId>", 1)
	r, err := iso20022.ReadStatusReport(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if len(r.Transactions) != 2 || r.Transactions[1].Reason != "AC04 account closed; X9" {
		t.Errorf("read %+v", r)
	}
}
