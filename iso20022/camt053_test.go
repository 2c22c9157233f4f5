package iso20022_test

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"linkfin"
	"linkfin/iso20022"
)

func readFile(t testing.TB, name string) *iso20022.StatementMessage {
	t.Helper()
	f, err := os.Open(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := iso20022.ReadStatement(f)
	if err != nil {
		t.Fatalf("%s: %v", name, err)
	}
	return m
}

// genkgo's readings: each of its entries, with the statement it belongs to, as the
// genkgo/camt library's tests dump them (amounts in minor units, negative for DBIT).
type genkgoDump struct {
	Entries []struct {
		Index     int          `json:"getIndex"`
		Amount    genkgoMoney  `json:"getAmount"`
		CDI       string       `json:"getCreditDebitIndicator"`
		Booking   genkgoDate   `json:"getBookingDate"`
		Value     genkgoDate   `json:"getValueDate"`
		Reference *string      `json:"getAccountServicerReference"`
		Status    string       `json:"getStatus"`
		Record    genkgoRecord `json:"getRecord"`
	} `json:"getEntries"`
}

type genkgoMoney struct {
	Amount   string `json:"getAmount"`
	Currency struct {
		Code string `json:"getCode"`
	} `json:"getCurrency"`
}

type genkgoDate struct {
	Value string `json:"0"`
}

type genkgoRecord struct {
	ID      string `json:"getId"`
	Account struct {
		Identification string `json:"getIdentification"`
	} `json:"getAccount"`
	Balances []struct {
		Type   string      `json:"getType"`
		Amount genkgoMoney `json:"getAmount"`
		Date   genkgoDate  `json:"getDate"`
	} `json:"getBalances"`
}

// genkgoBalanceTypes are the names genkgo gives ISO 20022's balance type codes.
var genkgoBalanceTypes = map[string]string{
	"OPBD": "opening", "PRCD": "opening", "CLBD": "closing", "OPAV": "opening_available",
	"CLAV": "closing_available", "FWAV": "forward_available", "INFO": "information",
	"ITAV": "interim_available", "ITBD": "interim", "XPCD": "expected_credit",
}

// dateOf is a date as genkgo's dumps write it: "" when the document gives none.
func dateOf(d linkfin.Date) string {
	if d == (linkfin.Date{}) {
		return ""
	}
	return d.String()
}

// day is the date of a time genkgo writes, "" for none.
func day(s string) string { return s[:min(len(s), 10)] }

// signed is an amount as genkgo writes it: negative when debited.
func signed(amount int64, cdi string) string {
	if cdi == iso20022.Debit {
		amount = -amount
	}
	return strconv.FormatInt(amount, 10)
}

// TestReadStatementAgreesWithGenkgo reads genkgo/camt's published test statements and
// compares every entry and balance with what that library reads from them.
func TestReadStatementAgreesWithGenkgo(t *testing.T) {
	files, _ := filepath.Glob("testdata/genkgo-*.xml")
	if len(files) < 8 {
		t.Fatalf("found %d genkgo statements, want 8", len(files))
	}
	for _, xmlPath := range files {
		name := filepath.Base(xmlPath)
		t.Run(name, func(t *testing.T) {
			m := readFile(t, name)
			raw, err := os.ReadFile(strings.TrimSuffix(xmlPath, ".xml") + ".json")
			if err != nil {
				t.Fatal(err)
			}
			var want genkgoDump
			if err := json.Unmarshal(raw, &want); err != nil {
				t.Fatal(err)
			}
			if len(want.Entries) == 0 {
				t.Fatal("genkgo's dump has no entries")
			}
			for _, we := range want.Entries {
				var st *iso20022.Statement
				for i := range m.Statements {
					if m.Statements[i].ID == we.Record.ID {
						st = &m.Statements[i]
					}
				}
				if st == nil {
					t.Fatalf("no statement %q", we.Record.ID)
				}
				if got := st.Account.ID(); got != we.Record.Account.Identification {
					t.Errorf("statement %s: account %q, genkgo %q", st.ID, got, we.Record.Account.Identification)
				}
				if len(st.Balances) != len(we.Record.Balances) {
					t.Fatalf("statement %s: %d balances, genkgo %d", st.ID, len(st.Balances), len(we.Record.Balances))
				}
				for i, wb := range we.Record.Balances {
					b := st.Balances[i]
					if genkgoBalanceTypes[b.Type] != wb.Type || signed(b.Amount, b.CreditDebit) != wb.Amount.Amount ||
						string(b.Currency) != wb.Amount.Currency.Code || b.Date.String() != day(wb.Date.Value) {
						t.Errorf("statement %s balance %d: %s %s %s %s, genkgo %s %s %s %s", st.ID, i, b.Type,
							signed(b.Amount, b.CreditDebit), b.Currency, b.Date, wb.Type, wb.Amount.Amount,
							wb.Amount.Currency.Code, wb.Date.Value)
					}
				}
				if we.Index >= len(st.Entries) {
					t.Fatalf("statement %s has %d entries, genkgo reads entry %d", st.ID, len(st.Entries), we.Index)
				}
				e := st.Entries[we.Index]
				ref := ""
				if we.Reference != nil {
					ref = *we.Reference
				}
				got := []string{signed(e.Amount, e.CreditDebit), string(e.Currency), e.CreditDebit, dateOf(e.BookingDate),
					dateOf(e.ValueDate), e.AccountServicerReference, e.Status}
				exp := []string{we.Amount.Amount, we.Amount.Currency.Code, we.CDI, day(we.Booking.Value),
					day(we.Value.Value), ref, we.Status}
				if strings.Join(got, "|") != strings.Join(exp, "|") {
					t.Errorf("statement %s entry %d:\n got %q\nwant %q", st.ID, we.Index, got, exp)
				}
			}
		})
	}
}

// TestReadReportsAndNotifications reads the published camt.052 account reports and
// camt.054 notifications of genkgo/camt, and the .08 ones under the namespaces of .09
// to .13 (whose reports hold what the reader reads where .08 does), and the .04 ones
// under .05's: each is its message's version, with its reports, their entries, and
// balances but in a notification.
func TestReadReportsAndNotifications(t *testing.T) {
	cases := []struct {
		file, version string
		balances      int
	}{
		{"genkgo-camt052.v2.xml", "camt.052.001.02", 0},
		{"genkgo-camt052.v4.xml", "camt.052.001.04", 1},
		{"genkgo-camt052.v6.xml", "camt.052.001.06", 1},
		{"genkgo-camt052.v8.xml", "camt.052.001.08", 0},
		{"genkgo-camt054.v2.xml", "camt.054.001.02", 0},
		{"genkgo-camt054.v4.xml", "camt.054.001.04", 0},
		{"genkgo-camt054.v8.xml", "camt.054.001.08", 0},
	}
	for _, c := range cases {
		raw, err := os.ReadFile(filepath.Join("testdata", c.file))
		if err != nil {
			t.Fatal(err)
		}
		docs := map[string]string{c.version: string(raw)}
		from := c.version[len("camt.05x.001."):]
		var to []string
		switch from {
		case "04":
			to = []string{"05"}
		case "08":
			to = []string{"09", "10", "11", "12", "13"}
		}
		for _, v := range to {
			version := c.version[:len("camt.05x.001.")] + v
			docs[version] = strings.Replace(string(raw), "xsd:"+c.version, "xsd:"+version, 1)
		}
		for version, doc := range docs {
			t.Run(version, func(t *testing.T) {
				m, err := iso20022.ReadStatement(strings.NewReader(doc))
				if err != nil {
					t.Fatal(err)
				}
				if m.Version != version || len(m.Statements) == 0 {
					t.Fatalf("version %s, %d reports; want %s", m.Version, len(m.Statements), version)
				}
				for _, st := range m.Statements {
					if st.ID == "" || st.Account.ID() == "" || len(st.Entries) == 0 || len(st.Balances) != c.balances {
						t.Errorf("report %q of %q: %d entries, %d balances; want %d balances", st.ID, st.Account.ID(),
							len(st.Entries), len(st.Balances), c.balances)
					}
				}
			})
		}
	}
}

// TestReadStatementVersions reads a statement of each version from 001.02 to 001.08 and
// checks, by eye against the file, what the matching of bank entries relies on.
func TestReadStatementVersions(t *testing.T) {
	type entry struct {
		amount                  int64
		currency                linkfin.Currency
		cdi, booking, value     string
		servicerRef, endToEnd   string
		remittance, creditorRef string
		status, debtor          string
	}
	genkgoEntry := entry{885, "EUR", "CRDT", "2014-12-31", "2015-01-02", "AAAASESS-FP-CN_98765/01", "",
		"", "4654654654654654", "BOOK", "NAME NAME"}
	cases := []struct {
		file, version, statement, account string
		balances                          int
		first                             *entry
	}{
		{"genkgo-camt053.v2.minimal.xml", "camt.053.001.02", "253EURNL26VAYB8060476890", "NL26VAYB8060476890", 4,
			&entry{885, "EUR", "CRDT", "2014-12-31", "2015-01-02", "", "", "", "4654654654654654", "BOOK", "NAME NAME"}},
		{"genkgo-camt053.v3.xml", "camt.053.001.03", "253EURNL26VAYB8060476890", "NL26VAYB8060476890", 4,
			&entry{885, "EUR", "CRDT", "2014-12-31", "2015-01-02", "XXXXXXXXXXXXXXXXXXXXXXEUR", "", "", "4654654654654654", "BOOK", "NAME NAME"}},
		{"genkgo-camt053.v4.xml", "camt.053.001.04", "253EURNL26VAYB8060476890", "NL26VAYB8060476890", 4, &genkgoEntry},
		{"derived-camt053.v5.xml", "camt.053.001.05", "253EURNL26VAYB8060476890", "NL26VAYB8060476890", 4, &genkgoEntry},
		{"derived-camt053.v6.xml", "camt.053.001.06", "253EURNL26VAYB8060476890", "NL26VAYB8060476890", 4, &genkgoEntry},
		{"prowide-camt.053.001.07.xml", "camt.053.001.07", "SDFSDF", "2345234534", 2, nil},
		{"genkgo-camt053.v8.xml", "camt.053.001.08", "253EURNL26VAYB8060476890", "NL26VAYB8060476890", 4,
			&entry{885, "EUR", "CRDT", "2014-12-31", "2015-01-02", "AAAASESS-FP-CN_98765/01", "MUELL/FINP/RA12345", "", "4654654654654654", "BOOK", "NAME NAME"}},
	}
	// From 001.09 to 001.13 every element the reader reads is where 001.08 has it, in
	// each version's published schema: the .08 statement under their namespaces.
	v8 := cases[len(cases)-1]
	for _, v := range []string{"9", "10", "11", "12", "13"} {
		c := v8
		c.file, c.version = "derived-camt053.v"+v+".xml", fmt.Sprintf("camt.053.001.%02s", v)
		cases = append(cases, c)
	}
	seen := map[string]bool{}
	for _, c := range cases {
		t.Run(c.version, func(t *testing.T) {
			m := readFile(t, c.file)
			seen[m.Version] = true
			if m.Version != c.version || len(m.Statements) != 1 {
				t.Fatalf("version %s, %d statements; want %s, 1", m.Version, len(m.Statements), c.version)
			}
			st := m.Statements[0]
			if st.ID != c.statement || st.Account.ID() != c.account || len(st.Balances) != c.balances {
				t.Errorf("statement %q of %q with %d balances; want %q of %q with %d", st.ID, st.Account.ID(),
					len(st.Balances), c.statement, c.account, c.balances)
			}
			if c.first == nil {
				if len(st.Entries) != 0 {
					t.Errorf("%d entries, want none", len(st.Entries))
				}
				return
			}
			e := st.Entries[0]
			var debtor string
			if len(e.Transactions) > 0 {
				debtor = e.Transactions[0].DebtorName
			}
			got := entry{e.Amount, e.Currency, e.CreditDebit, e.BookingDate.String(), e.ValueDate.String(),
				e.AccountServicerReference, e.EndToEndID, e.RemittanceInformation, e.CreditorReference, e.Status, debtor}
			if got != *c.first {
				t.Errorf("first entry\n got %+v\nwant %+v", got, *c.first)
			}
		})
	}
	for _, v := range iso20022.Camt053Versions {
		if !seen["camt.053.001."+v] {
			t.Errorf("no statement of version 001.%s was read", v)
		}
	}
	for _, v := range []string{"01", "14"} {
		_, err := iso20022.ReadStatement(strings.NewReader(statement(v, "")))
		if linkfin.ErrorCode(err) != iso20022.EUNSUPPORTED {
			t.Errorf("camt.053.001.%s: %v, want %s", v, err, iso20022.EUNSUPPORTED)
		}
	}
}

func TestReadStatementProwideBalances(t *testing.T) {
	st := readFile(t, "prowide-camt.053.001.07.xml").Statements[0]
	b := st.Balances[1]
	if b.Type != "ITBD" || b.Amount != 23429900 || b.Currency != linkfin.USD || b.CreditDebit != "CRDT" || b.Date.String() != "2018-04-19" {
		t.Errorf("balance %+v", b)
	}
	if st.Account.Currency != linkfin.USD || st.Account.Name != "DFGSDFGDF" {
		t.Errorf("account %+v", st.Account)
	}
}

// statement wraps entries in a minimal camt.053 document of the given version.
func statement(version, entries string) string {
	return `<?xml version="1.0" encoding="UTF-8"?>
<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.` + version + `"><BkToCstmrStmt>
<GrpHdr><MsgId>M1</MsgId><CreDtTm>2026-03-02T08:00:00</CreDtTm></GrpHdr>
<Stmt><Id>S1</Id><Acct><Id><IBAN>DE89370400440532013000</IBAN></Id><Ccy>EUR</Ccy></Acct>
<Bal><Tp><CdOrPrtry><Cd>CLBD</Cd></CdOrPrtry></Tp><Amt Ccy="EUR">10.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Dt><Dt>2026-03-01</Dt></Dt></Bal>
` + entries + `</Stmt></BkToCstmrStmt></Document>`
}

func TestReadStatementDetails(t *testing.T) {
	doc := statement("08", `<Ntry><Amt Ccy="EUR">1234.50</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
<BookgDt><DtTm>2026-03-01T23:30:00-05:00</DtTm></BookgDt><ValDt><Dt>2026-03-02+01:00</Dt></ValDt>
<AcctSvcrRef>BANKREF-1</AcctSvcrRef><NtryDtls>
<TxDtls><Refs><EndToEndId>LF-E2E-1</EndToEndId></Refs><Amt Ccy="EUR">1000.00</Amt><CdtDbtInd>CRDT</CdtDbtInd>
<RmtInf><Ustrd>INV-1 </Ustrd><Ustrd>first part</Ustrd></RmtInf></TxDtls>
<TxDtls><Refs><EndToEndId>NOTPROVIDED</EndToEndId></Refs><Amt Ccy="EUR">234.5</Amt><CdtDbtInd>CRDT</CdtDbtInd></TxDtls>
</NtryDtls></Ntry>`)
	m, err := iso20022.ReadStatement(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	e := m.Statements[0].Entries[0]
	if e.Amount != 123450 || e.BookingDate.String() != "2026-03-01" || e.ValueDate.String() != "2026-03-02" {
		t.Errorf("entry %d booked %s value %s", e.Amount, e.BookingDate, e.ValueDate)
	}
	// Two transactions with different references: the entry has none of its own.
	if e.EndToEndID != "" || e.RemittanceInformation != "" || len(e.Transactions) != 2 {
		t.Errorf("entry e2e %q remittance %q, %d transactions", e.EndToEndID, e.RemittanceInformation, len(e.Transactions))
	}
	t0, t1 := e.Transactions[0], e.Transactions[1]
	if t0.Amount != 100000 || t0.EndToEndID != "LF-E2E-1" || t0.RemittanceInformation != "INV-1 first part" {
		t.Errorf("transaction 1: %+v", t0)
	}
	if t1.Amount != 23450 || t1.EndToEndID != "" {
		t.Errorf("transaction 2: %+v", t1)
	}
	b, _ := json.Marshal(e)
	if !strings.Contains(string(b), `"amount":"123450"`) {
		t.Errorf("amount is not a string of minor units: %s", b)
	}
}

func TestReadStatementLatin1(t *testing.T) {
	doc := strings.Replace(statement("02", `<Ntry><Amt Ccy="EUR">1</Amt><CdtDbtInd>DBIT</CdtDbtInd><Sts>BOOK</Sts>
<NtryDtls><TxDtls><RmtInf><Ustrd>Caf`+"\xe9"+`</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>`), "UTF-8", "ISO-8859-1", 1)
	m, err := iso20022.ReadStatement(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Statements[0].Entries[0].RemittanceInformation; got != "Café" {
		t.Errorf("remittance %q, want Café", got)
	}
}

func TestReadStatementRefuses(t *testing.T) {
	entry := func(amt, ccy, cdi string) string {
		return `<Ntry><Amt Ccy="` + ccy + `">` + amt + `</Amt><CdtDbtInd>` + cdi + `</CdtDbtInd><Sts>BOOK</Sts></Ntry>`
	}
	cases := []struct {
		name, doc, code, says string
	}{
		{"not XML", "hello", iso20022.EMALFORMED, "text before the root element"},
		{"no Document", `<?xml version="1.0"?><Invoice/>`, linkfin.EINVALID, "no ISO 20022 Document"},
		{"broken XML", statement("02", "<Ntry>"), iso20022.EMALFORMED, "malformed"},
		{"another message", `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09"/>`, iso20022.EUNSUPPORTED, "pain.001"},
		{"an unknown version", statement("01", ""), iso20022.EUNSUPPORTED, "001.01"},
		{"a report of an unknown version", `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.14"/>`, iso20022.EUNSUPPORTED,
			"camt.052.001.14 is not a version linkfin reads (it reads 001.02 to 001.13)"},
		{"a notification of an unknown version", `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.01"/>`, iso20022.EUNSUPPORTED,
			"camt.054.001.01 is not a version"},
		{"a notification holding a statement", `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><BkToCstmrStmt><GrpHdr><MsgId>M</MsgId></GrpHdr></BkToCstmrStmt></Document>`,
			linkfin.EINVALID, "the Document has no BkToCstmrDbtCdtNtfctn"},
		{"no notification", `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.054.001.08"><BkToCstmrDbtCdtNtfctn><GrpHdr><MsgId>M</MsgId></GrpHdr></BkToCstmrDbtCdtNtfctn></Document>`,
			linkfin.EINVALID, "BkToCstmrDbtCdtNtfctn: the message has no notification (Ntfctn)"},
		{"no report", `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.052.001.08"><BkToCstmrAcctRpt><GrpHdr><MsgId>M</MsgId></GrpHdr><Stmt/></BkToCstmrAcctRpt></Document>`,
			linkfin.EINVALID, "the message has no report (Rpt)"},
		{"another namespace", `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.055.001.08"/>`, iso20022.EUNSUPPORTED,
			"want urn:iso:std:iso:20022:tech:xsd:camt.053.001.NN or urn:iso:std:iso:20022:tech:xsd:camt.052.001.NN or urn:iso:std:iso:20022:tech:xsd:camt.054.001.NN"},
		{"no statement", `<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><GrpHdr><MsgId>M</MsgId></GrpHdr></BkToCstmrStmt></Document>`,
			linkfin.EINVALID, "no statement"},
		{"a fraction of a cent", statement("02", entry("8.855", "EUR", "CRDT")), linkfin.EINVALID, "Stmt[1]/Ntry[1]/Amt"},
		{"a fraction of a yen", statement("02", entry("10.5", "JPY", "CRDT")), linkfin.EINVALID, "decimal places"},
		{"a negative amount", statement("02", entry("-1.00", "EUR", "CRDT")), linkfin.EINVALID, "negative"},
		{"an exponent", statement("02", entry("1E3", "EUR", "CRDT")), linkfin.EINVALID, "Ntry[1]/Amt"},
		{"no currency", statement("02", `<Ntry><Amt>1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>`), linkfin.EINVALID, "no currency"},
		{"an unknown currency", statement("02", entry("1.00", "RUR", "CRDT")), linkfin.EINVALID, "RUR"},
		{"beyond the maximum", statement("02", entry("100000000000000.00", "EUR", "CRDT")), linkfin.EOUTOFRANGE, ""},
		{"a bad sign", statement("02", entry("1.00", "EUR", "CRED")), linkfin.EINVALID, "neither CRDT nor DBIT"},
		{"no sign", statement("02", `<Ntry><Amt Ccy="EUR">1.00</Amt></Ntry>`), linkfin.EINVALID, "CdtDbtInd: missing"},
		{"a bad date", statement("02", `<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><BookgDt><Dt>2026-02-30</Dt></BookgDt></Ntry>`),
			linkfin.EINVALID, "BookgDt/Dt"},
		{"a currency given twice", statement("02", `<Ntry><Amt Ccy="EUR" Ccy="USD">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>`),
			iso20022.EMALFORMED, "attribute Ccy given twice"},
		{"an unknown encoding", strings.Replace(statement("02", ""), "UTF-8", "x-klingon", 1), iso20022.EMALFORMED, "encoding"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			_, err := iso20022.ReadStatement(strings.NewReader(c.doc))
			if code := linkfin.ErrorCode(err); code != c.code {
				t.Fatalf("code %q (%v), want %q", code, err, c.code)
			}
			if !strings.Contains(linkfin.ErrorMessage(err), c.says) {
				t.Errorf("message %q does not say %q", linkfin.ErrorMessage(err), c.says)
			}
		})
	}
}

// TestBalanceWithoutSign: a balance whose CdtDbtInd the bank left out (the schema
// requires it; a Lithuanian bank's camt.053.001.08 exports omit it) is read without its
// sign, and the statement with it; a sign that is neither CRDT nor DBIT is refused.
func TestBalanceWithoutSign(t *testing.T) {
	doc := strings.Replace(statement("08", `<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd></Ntry>`), "<CdtDbtInd>CRDT</CdtDbtInd><Dt>", "<Dt>", 1)
	m, err := iso20022.ReadStatement(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	st := m.Statements[0]
	if b := st.Balances[0]; b.Type != "CLBD" || b.Amount != 10_00 || b.CreditDebit != "" || len(st.Entries) != 1 || st.Entries[0].CreditDebit != iso20022.Credit {
		t.Fatalf("read %+v", st)
	}
	bad := strings.Replace(doc, "<Dt><Dt>2026-03-01", "<CdtDbtInd>CRED</CdtDbtInd><Dt><Dt>2026-03-01", 1)
	if _, err := iso20022.ReadStatement(strings.NewReader(bad)); linkfin.ErrorCode(err) != linkfin.EINVALID || !strings.Contains(err.Error(), "Bal[1]/CdtDbtInd") {
		t.Fatalf("a balance signed CRED: %v", err)
	}
}

// TestReadLithuanianExport reads a published statement message whose balances give
// no CdtDbtInd (testdata/subite-camt053.v8.no-balance-sign.xml): both statements and
// their entries are read, the balances without a sign.
func TestReadLithuanianExport(t *testing.T) {
	f, err := os.Open("testdata/subite-camt053.v8.no-balance-sign.xml")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := iso20022.ReadStatement(f)
	if err != nil {
		t.Fatal(err)
	}
	if m.Version != "camt.053.001.08" || len(m.Statements) != 2 || len(m.Statements[0].Entries) != 3 || len(m.Statements[1].Entries) != 0 {
		t.Fatalf("read %+v", m)
	}
	e := m.Statements[0].Entries[0]
	if e.Amount != 828531_98 || e.CreditDebit != iso20022.Credit || e.AccountServicerReference != "REF000000025239" || e.Currency != linkfin.EUR {
		t.Errorf("the first entry: %+v", e)
	}
	for _, st := range m.Statements {
		for _, b := range st.Balances {
			if b.CreditDebit != "" {
				t.Errorf("statement %s: balance %+v has a sign the document does not give", st.ID, b)
			}
		}
	}
	if b := m.Statements[0].Balances; len(b) != 2 || b[0].Type != "OPBD" || b[0].Amount != 21081222_58 || b[1].Type != "CLBD" || b[1].Amount != 21903960_39 {
		t.Errorf("the balances: %+v", b)
	}
}
