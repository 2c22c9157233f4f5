package iso20022_test

import (
	"os"
	"strings"
	"testing"

	"linkfin"
	"linkfin/iso20022"
)

// published reads a published statement of testdata (genkgo/camt's, see its README).
func published(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// alter replaces the first old in doc with new, which it must hold.
func alter(t *testing.T, doc, old, new string) string {
	t.Helper()
	if !strings.Contains(doc, old) {
		t.Fatalf("the document has no %q", old)
	}
	return strings.Replace(doc, old, new, 1)
}

// TestForeignElements: an element of another namespace than the Document's, anywhere
// in it but a supplementary data envelope, is refused: the message's schema does not
// allow it (its elements are qualified, and only SplmtryData/Envlp takes any), and the
// reader, which names elements by their local names, would read <Ntry xmlns="urn:x">
// as the statement's entry or <x:Amt> as its amount. So is an attribute of a namespace
// but XML Schema instance's. Published statements, and a status report, altered.
func TestForeignElements(t *testing.T) {
	minimal := published(t, "genkgo-camt053.v2.minimal.xml")
	const stmtEnd = "</Stmt>"
	foreignEntry := `<Ntry xmlns="urn:example:evil"><Amt Ccy="EUR">900000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts>BOOK</Sts>` +
		`<AcctSvcrRef>EVIL-1</AcctSvcrRef></Ntry>`
	cases := []struct {
		name, doc, says string
	}{
		{"an entry of another default namespace", alter(t, minimal, stmtEnd, foreignEntry+stmtEnd),
			`Stmt/Ntry (line 171) is of namespace "urn:example:evil", not the Document's "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"`},
		{"an entry by a prefix", alter(t, minimal, stmtEnd, `<x:Ntry xmlns:x="urn:example:evil"><x:Amt Ccy="EUR">1.00</x:Amt></x:Ntry>`+stmtEnd),
			`Stmt/Ntry (line 171) is of namespace "urn:example:evil"`},
		{"an entry of no namespace", alter(t, minimal, stmtEnd, `<Ntry xmlns=""><Amt Ccy="EUR">1.00</Amt></Ntry>`+stmtEnd),
			`Stmt/Ntry (line 171) is of namespace "", not the Document's`},
		{"an entry of another version", alter(t, minimal, stmtEnd, `<Ntry xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"/>`+stmtEnd),
			`is of namespace "urn:iso:std:iso:20022:tech:xsd:camt.053.001.08"`},
		{"an amount of another namespace beside the entry's", alter(t, minimal, `<Amt Ccy="EUR">8.85</Amt>`,
			`<Amt Ccy="EUR">8.85</Amt><x:Amt xmlns:x="urn:example:evil" Ccy="EUR">8850.00</x:Amt>`),
			`Stmt/Ntry/Amt (line 91) is of namespace "urn:example:evil"`},
		{"a statement's account", alter(t, minimal, "<Acct>", `<Acct xmlns="urn:example:evil"><Id><IBAN>DE89370400440532013000</IBAN></Id></Acct><Acct>`),
			`Stmt/Acct (line 36) is of namespace "urn:example:evil"`},
		{"inside an element the reader skips", alter(t, minimal, "<CtryOfRes>", `<x:Note xmlns:x="urn:example:evil"/><CtryOfRes>`),
			`GrpHdr/MsgRcpt/Note (line 22)`},
		{"the message", alter(t, minimal, "<BkToCstmrStmt>", `<x:Extra xmlns:x="urn:example:evil"/><BkToCstmrStmt>`),
			`Extra (line 3) is of namespace`},
		{"a currency attribute of another namespace", alter(t, minimal, `<Amt Ccy="EUR">8.85</Amt>`,
			`<Amt xmlns:x="urn:example:evil" Ccy="EUR" x:Ccy="USD">8.85</Amt>`),
			`Stmt/Ntry/Amt (line 91) has the attribute Ccy of namespace "urn:example:evil"`},
		{"an envelope outside supplementary data", alter(t, minimal, stmtEnd, `<Envlp><x:Ntry xmlns:x="urn:example:evil"/></Envlp>`+stmtEnd),
			`Stmt/Envlp/Ntry (line 171)`},
		{"a status report's transaction", alter(t, statusReportDoc, "<TxInfAndSts><OrgnlEndToEndId>ct_1",
			`<TxInfAndSts xmlns="urn:example:evil"><OrgnlEndToEndId>ct_9</OrgnlEndToEndId><TxSts>RJCT</TxSts></TxInfAndSts><TxInfAndSts><OrgnlEndToEndId>ct_1`),
			`OrgnlPmtInfAndSts/TxInfAndSts (line 6) is of namespace "urn:example:evil", not the Document's "urn:iso:std:iso:20022:tech:xsd:pain.002.001.10"`},
		{"a status report's status", alter(t, statusReportDoc, "<TxSts>ACSC</TxSts>", `<x:TxSts xmlns:x="urn:example:evil">RJCT</x:TxSts><TxSts>ACSC</TxSts>`),
			`OrgnlPmtInfAndSts/TxInfAndSts/TxSts (line 6)`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var err error
			if strings.Contains(c.doc, "pain.002") {
				var r *iso20022.StatusReport
				r, err = iso20022.ReadStatusReport(strings.NewReader(c.doc))
				if err == nil {
					t.Fatalf("read %+v", r)
				}
			} else {
				var m *iso20022.StatementMessage
				m, err = iso20022.ReadStatement(strings.NewReader(c.doc))
				if err == nil {
					t.Fatalf("read %+v", m.Statements)
				}
			}
			if code := linkfin.ErrorCode(err); code != linkfin.EINVALID {
				t.Fatalf("code %q (%v), want %q", code, err, linkfin.EINVALID)
			}
			if !strings.Contains(linkfin.ErrorMessage(err), c.says) {
				t.Errorf("message %q does not say %q", linkfin.ErrorMessage(err), c.says)
			}
		})
	}
}

// TestNamespacesTaken: what the schemas allow is read as before: the Document's own
// namespace by a prefix, another namespace's elements inside SplmtryData/Envlp, an
// xsi attribute, and an envelope of another namespace around the Document.
func TestNamespacesTaken(t *testing.T) {
	minimal := published(t, "genkgo-camt053.v2.minimal.xml")
	want, err := iso20022.ReadStatement(strings.NewReader(minimal))
	if err != nil {
		t.Fatal(err)
	}
	entries := len(want.Statements[0].Entries)
	const camt = "urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"
	for _, c := range []struct{ name, doc string }{
		{"an entry by a prefix of the Document's namespace", alter(t, minimal, "</Stmt>",
			`<c:Ntry xmlns:c="`+camt+`"><c:Amt Ccy="EUR">1.00</c:Amt><c:CdtDbtInd>CRDT</c:CdtDbtInd></c:Ntry></Stmt>`)},
		{"supplementary data", alter(t, strings.ReplaceAll(minimal, "camt.053.001.02", "camt.053.001.08"), "</Stmt>",
			`<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><NtryDtls><TxDtls><SplmtryData><PlcAndNm>x</PlcAndNm>`+
				`<Envlp><x:Ext xmlns:x="urn:example:ext" x:kind="note"><x:Ntry/><Amt xmlns="">5</Amt></x:Ext></Envlp></SplmtryData></TxDtls></NtryDtls></Ntry></Stmt>`)},
		{"an xsi attribute", alter(t, minimal, "<Stmt>", `<Stmt xsi:type="AccountStatement2">`)},
		{"an envelope around the Document", `<Envelope xmlns="urn:example:envelope"><Hdr><Ntry/></Hdr>` +
			strings.Replace(minimal, `<?xml version="1.0" encoding="UTF-8"?>`, "", 1) + `<Trailer/></Envelope>`},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := iso20022.ReadStatement(strings.NewReader(c.doc))
			if err != nil {
				t.Fatal(err)
			}
			n := entries
			if strings.Contains(c.doc, "1.00</") {
				n++
			}
			if got := len(m.Statements[0].Entries); got != n {
				t.Errorf("%d entries, want %d", got, n)
			}
		})
	}
}
