package mt940_test

import (
	"fmt"
	"strings"
	"testing"

	"linkfin"
	"linkfin/iso20022"
	"linkfin/mt940"
)

// date is a date written YYYY-MM-DD.
func date(t testing.TB, s string) linkfin.Date {
	t.Helper()
	d, err := linkfin.ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// statement is an MT940 of an account in EUR around the turn of 2026 with the lines
// given between its balances.
func statement(lines ...string) string {
	return ":20:REF\n:25:NL91ABNA0417164300\n:28C:1/1\n:60F:C261230EUR100,00\n" + strings.Join(lines, "\n") +
		"\n:62F:C270102EUR100,00\n-\n"
}

// report is an MT942 in EUR with the lines given after its date and time.
func report(lines ...string) string {
	return ":20:REF\n:25:NL91ABNA0417164300\n:28C:1/1\n:34F:EURD0,\n:34F:EURC0,\n:13D:2612311230+0100\n" +
		strings.Join(lines, "\n") + "\n-\n"
}

// readString reads a file's text.
func readString(s string) (*iso20022.StatementMessage, error) {
	return mt940.Read(strings.NewReader(s))
}

// firstEntry reads a file's text and gives its first entry.
func firstEntry(t *testing.T, s string) iso20022.Entry {
	t.Helper()
	m, err := readString(s)
	if err != nil {
		t.Fatalf("%v\n%s", err, s)
	}
	if len(m.Statements) == 0 || len(m.Statements[0].Entries) == 0 {
		t.Fatalf("no entry in\n%s", s)
	}
	return m.Statements[0].Entries[0]
}

// TestReadMarks reads each debit/credit mark: a reversal keeps the sign of the entry
// (RC, the reversal of a credit, is a debit) and says it reverses; an MT942's expected
// entries are pending.
func TestReadMarks(t *testing.T) {
	cases := []struct {
		file, sign, status string
		reversal           bool
	}{
		{statement(":61:261231C5,00NTRFNONREF"), "CRDT", "BOOK", false},
		{statement(":61:261231D5,00NTRFNONREF"), "DBIT", "BOOK", false},
		{statement(":61:261231CR5,00NTRFNONREF"), "CRDT", "BOOK", false},
		{statement(":61:261231RC5,00NTRFNONREF"), "DBIT", "BOOK", true},
		{statement(":61:261231RD5,00NTRFNONREF"), "CRDT", "BOOK", true},
		{statement(":61:261231RCR5,00NTRFNONREF"), "DBIT", "BOOK", true},
		{report(":61:261231C5,00NTRFNONREF"), "CRDT", "BOOK", false},
		{report(":61:261231EC5,00NTRFNONREF"), "CRDT", "PDNG", false},
		{report(":61:261231ED5,00NTRFNONREF"), "DBIT", "PDNG", false},
	}
	for _, c := range cases {
		e := firstEntry(t, c.file)
		if e.CreditDebit != c.sign || e.Reversal != c.reversal || e.Status != c.status || e.Amount != 500 || e.Currency != "EUR" {
			t.Errorf("%s: %s reversal %v %s %d %s, want %s reversal %v %s", c.file, e.CreditDebit, e.Reversal, e.Status,
				e.Amount, e.Currency, c.sign, c.reversal, c.status)
		}
	}
	_, err := readString(statement(":61:261231EC5,00NTRFNONREF"))
	if linkfin.ErrorCode(err) != linkfin.EINVALID || !strings.Contains(linkfin.ErrorMessage(err), "line 5: :61:") {
		t.Errorf("an MT940 with EC: %v", err)
	}
}

// TestReadDates reads value and entry dates: the entry date's year is the one nearest
// the value date, across the turn of the year; YY 00–79 is 20YY, 80–99 19YY; a
// February 29 or 30 the year lacks is February's last day.
func TestReadDates(t *testing.T) {
	cases := []struct{ line, value, booking string }{
		{":61:2612310102D1,00NTRFNONREF", "2026-12-31", "2027-01-02"},
		{":61:2701021231D1,00NTRFNONREF", "2027-01-02", "2026-12-31"},
		{":61:2606150616D1,00NTRFNONREF", "2026-06-15", "2026-06-16"},
		{":61:2606150614D1,00NTRFNONREF", "2026-06-15", "2026-06-14"},
		{":61:260615D1,00NTRFNONREF", "2026-06-15", ""},
		{":61:7912311231D1,00NTRFNONREF", "2079-12-31", "2079-12-31"},
		{":61:8001010101D1,00NTRFNONREF", "1980-01-01", "1980-01-01"},
		{":61:2602300302D1,00NTRFNONREF", "2026-02-28", "2026-03-02"},
		{":61:2802300230D1,00NTRFNONREF", "2028-02-29", "2028-02-29"},
		{":61:2802290301D1,00NTRFNONREF", "2028-02-29", "2028-03-01"},
	}
	for _, c := range cases {
		e := firstEntry(t, statement(c.line))
		if e.ValueDate.String() != c.value || dateOrNone(e.BookingDate) != c.booking {
			t.Errorf("%s: value %s booking %s, want %s %s", c.line, e.ValueDate, dateOrNone(e.BookingDate), c.value, c.booking)
		}
	}
	for _, line := range []string{":61:260231D1,00NTRFNONREF", ":61:260431D1,00NTRFNONREF", ":61:261301D1,00NTRFNONREF",
		":61:2612311301D1,00NTRFNONREF", ":61:2612310000D1,00NTRFNONREF"} {
		if _, err := readString(statement(line)); linkfin.ErrorCode(err) != linkfin.EINVALID ||
			!strings.Contains(linkfin.ErrorMessage(err), "line 5: :61:") {
			t.Errorf("%s: %v", line, err)
		}
	}
}

// TestReadStatementLine reads the parts of :61: as banks write them.
func TestReadStatementLine(t *testing.T) {
	cases := []struct {
		lines []string
		want  entryOf
	}{
		{[]string{":61:2612311231D1234,5NTRFINV-42//BANK-7", "SUPPLEMENTARY"},
			entryOf{"DBIT", 123450, "2026-12-31", "2026-12-31", "NTRF", "INV-42", "BANK-7", "SUPPLEMENTARY", "INV-42", "", "", ""}},
		{[]string{":61:261231C7,NMSCNOTPROVIDED"},
			entryOf{"CRDT", 700, "2026-12-31", "", "NMSC", "NOTPROVIDED", "", "", "", "", "", ""}},
		{[]string{":61:261231C7,S103"}, entryOf{"CRDT", 700, "2026-12-31", "", "S103", "", "", "", "", "", "", ""}},
		{[]string{":61:261231C7,N044REF             W.P. Jansen     "},
			entryOf{"CRDT", 700, "2026-12-31", "", "N044", "REF", "", "W.P. Jansen", "REF", "", "", ""}},
		{[]string{":61:261231C7,NOVBNL47INGB9999999999", "name"},
			entryOf{"CRDT", 700, "2026-12-31", "", "NOVB", "NL47INGB9999999999", "", "name", "NL47INGB9999999999", "", "", ""}},
		{[]string{":61:2612311231CR", "30,00N062NONREF"},
			entryOf{"CRDT", 3000, "2026-12-31", "2026-12-31", "N062", "", "", "", "", "", "", ""}},
		{[]string{":61:261231D1,00NTRFNONREF", ":86:FIRST LINE", "-SECOND", "  THIRD  "},
			entryOf{"DBIT", 100, "2026-12-31", "", "NTRF", "", "", "", "", "FIRST LINE -SECOND THIRD", "", ""}},
	}
	for _, c := range cases {
		if got := summary(firstEntry(t, statement(c.lines...))); got != c.want {
			t.Errorf("%q:\n got %+v\nwant %+v", c.lines, got, c.want)
		}
	}
}

// TestReadInformation reads the forms of :86:.
func TestReadInformation(t *testing.T) {
	cases := []struct {
		line, info string
		want       entryOf
	}{
		{":61:261231C1,00NTRFNONREF", "166?00GUTSCHRIFT?20EREF+E2E-1?21SVWZ+INVOICE 4?22711?30BANKDEFF?31DE02120300000000202051?32MAX ?33MUSTERMANN",
			entryOf{"CRDT", 100, "2026-12-31", "", "NTRF", "", "", "", "E2E-1", "INVOICE 4711", "MAX MUSTERMANN", "DE02120300000000202051"}},
		{":61:261231D1,00NTRFKREF+", "191?20EREF+NOTPROVIDED?21KREF+K-1 SVWZ+PAY?22MENT",
			entryOf{"DBIT", 100, "2026-12-31", "", "NTRF", "KREF+", "", "", "", "PAYMENT", "", ""}},
		{":61:261231D1,00NTRFNONREF", "105?00LASTSCHRIFT?20PLAIN ?21TEXT",
			entryOf{"DBIT", 100, "2026-12-31", "", "NTRF", "", "", "", "", "PLAIN TEXT", "", ""}},
		{":61:261231C1,00NTRFNONREF", "/TRTP/SEPA OVERBOEKING/IBAN/NL91ABNA0417164300/BIC/ABNANL2A/NAME/J. JANSEN/REMI/FACTUUR 12/EREF/NOTPROVIDED",
			entryOf{"CRDT", 100, "2026-12-31", "", "NTRF", "", "", "", "", "FACTUUR 12", "J. JANSEN", "NL91ABNA0417164300"}},
		{":61:261231D1,00NTRFNONREF", "/EREF/E-9//CNTP/NL08INGB0000000555/INGBNL2A/J.Janssen/AMSTERDAM//REMI/USTD//Order 1/",
			entryOf{"DBIT", 100, "2026-12-31", "", "NTRF", "", "", "", "E-9", "Order 1", "J.Janssen", "NL08INGB0000000555"}},
		{":61:261231C1,00NTRFNONREF", "/ORDP//NAME/PAYER/ULTD//NAME/ULTIMATE/REMI/STRD/CUR/RF18539007547034",
			entryOf{"CRDT", 100, "2026-12-31", "", "NTRF", "", "", "", "", "RF18539007547034", "PAYER", ""}},
		{":61:261231C1,00NTRFNONREF", "/OCMT/USD1,00/ OTHER TEXT",
			entryOf{"CRDT", 100, "2026-12-31", "", "NTRF", "", "", "", "", "/OCMT/USD1,00/ OTHER TEXT", "", ""}},
	}
	for _, c := range cases {
		if got := summary(firstEntry(t, statement(c.line, ":86:"+c.info))); got != c.want {
			t.Errorf("%s:\n got %+v\nwant %+v", c.info, got, c.want)
		}
	}
}

// TestReadAmounts reads amounts exactly in their currency's minor units, and refuses
// those that are not amounts or have more decimals than the currency.
func TestReadAmounts(t *testing.T) {
	cases := []struct {
		currency, amount string
		want             int64
		code             string
	}{
		{"EUR", "1234,5", 123450, ""},
		{"EUR", "380115,", 38011500, ""},
		{"EUR", "000000001000,00", 100000, ""},
		{"EUR", "1,230", 123, ""},
		{"EUR", "500", 50000, ""},
		{"CNY", "0,01", 1, ""},
		{"JPY", "1500,", 1500, ""},
		{"JPY", "1500,00", 1500, ""},
		{"KWD", "1,234", 1234, ""},
		{"JPY", "1500,50", 0, linkfin.EINVALID},
		{"EUR", "1,234", 0, linkfin.EINVALID},
		{"EUR", ",5", 0, linkfin.EINVALID},
		{"EUR", "1,2,3", 0, linkfin.EINVALID},
		{"EUR", "9999999999999999,", 0, linkfin.EOUTOFRANGE},
		{"DEM", "1,00", 0, linkfin.EINVALID},
		{"eur", "1,00", 0, linkfin.EINVALID},
	}
	for _, c := range cases {
		file := fmt.Sprintf(":20:R\n:25:A\n:28C:1\n:60F:C260101%s%s\n:61:260101C%sNTRFNONREF\n:62F:C260101%s%s\n",
			c.currency, c.amount, c.amount, c.currency, c.amount)
		m, err := readString(file)
		if linkfin.ErrorCode(err) != c.code {
			t.Errorf("%s %s: %v, want code %q", c.amount, c.currency, err, c.code)
			continue
		}
		if err == nil && (m.Statements[0].Balances[0].Amount != c.want || m.Statements[0].Entries[0].Amount != c.want) {
			t.Errorf("%s %s: %d and %d, want %d", c.amount, c.currency, m.Statements[0].Balances[0].Amount,
				m.Statements[0].Entries[0].Amount, c.want)
		}
		if err != nil && !strings.Contains(linkfin.ErrorMessage(err), "line 4: :60F:") {
			t.Errorf("%s %s: %q does not say where", c.amount, c.currency, linkfin.ErrorMessage(err))
		}
	}
}

// TestReadAccount reads :25:'s identification: an IBAN, with or without a currency
// after it, or another identification as written.
func TestReadAccount(t *testing.T) {
	cases := []struct{ id, iban, other string }{
		{"NL91ABNA0417164300", "NL91ABNA0417164300", ""},
		{"NL91ABNA0417164300EUR", "NL91ABNA0417164300", ""},
		{"NL91ABNA0417164300 EUR", "NL91ABNA0417164300", ""},
		{"NL91 ABNA 0417 1643 00", "NL91ABNA0417164300", ""},
		{"NL91ABNA0417164301", "", "NL91ABNA0417164301"},
		{"NL91ABNA0417164300XYZ", "", "NL91ABNA0417164300XYZ"},
		{"50880050/0194777100", "", "50880050/0194777100"},
		{"1291.99.348EUR", "", "1291.99.348EUR"},
	}
	for _, c := range cases {
		m, err := readString(strings.Replace(statement(), "NL91ABNA0417164300", c.id, 1))
		if err != nil {
			t.Fatal(err)
		}
		if a := m.Statements[0].Account; a.IBAN != c.iban || a.Other != c.other || a.Currency != "EUR" {
			t.Errorf("%q: %+v, want IBAN %q other %q", c.id, a, c.iban, c.other)
		}
	}
}

// TestReadEnvelope reads the SWIFT envelope: its message type, and the sender's BIC,
// from block 2's message input reference when it has one, else block 1.
func TestReadEnvelope(t *testing.T) {
	body := strings.TrimSuffix(statement(), "-\n")
	cases := []struct{ headers, version, servicer string }{
		{"{1:F01BANKBEBBAXXX2222123456}{2:I940BANKDEFFXXXXN}{3:{108:MT940 001}}{4:", "MT940", "BANKBEBB"},
		{"{1:F01BANKBEBBA123}{2:I950BANKDEFFXXXXN}{4:", "MT950", "BANKBEBB123"},
		{"{1:F01CUSTDEFFAXXX0000000000}{2:O9401200260103BANKBEBBA1232222123456260103120 1N}{4:", "MT940", "BANKBEBB123"},
		{"{1:F01ASNBNL21XXXX0000000000}{2:O940ASNBNL21XXXXN}{3:}{4:", "MT940", "ASNBNL21"},
		{"{1:F01NOTABIC}{4:", "MT940", ""},
	}
	for _, c := range cases {
		m, err := readString("\x01" + c.headers + "\r\n" + strings.ReplaceAll(body, "\n", "\r\n") + "-}{5:{CHK:123456789ABC}}\x03")
		if err != nil {
			t.Fatalf("%s: %v", c.headers, err)
		}
		if m.Version != c.version || m.Statements[0].Account.Servicer != c.servicer {
			t.Errorf("%s: %s %q, want %s %q", c.headers, m.Version, m.Statements[0].Account.Servicer, c.version, c.servicer)
		}
	}
	_, err := readString("{1:F01BANKBEBBAXXX2222123456}{2:I103BANKDEFFXXXXN}{4:\n:20:X\n-}")
	if linkfin.ErrorCode(err) != iso20022.EUNSUPPORTED {
		t.Errorf("an MT103: %v", err)
	}
}

// TestReadFileShapes reads the same statement with each line ending, headers, blank
// lines, several messages and the ways they end.
func TestReadFileShapes(t *testing.T) {
	one := statement(":61:261231D1,00NTRFNONREF", ":86:TEXT")
	want, err := readString(one)
	if err != nil {
		t.Fatal(err)
	}
	shapes := map[string]string{
		"CRLF":      strings.ReplaceAll(one, "\n", "\r\n"),
		"CR":        strings.ReplaceAll(one, "\n", "\r"),
		"BOM":       "\xef\xbb\xbf" + one,
		"headers":   "ABNANL2A\n940\nABNANL2A\n\n-\n" + one,
		"blank":     strings.ReplaceAll(one, "\n", "\n\n   \n"),
		"no end":    strings.TrimSuffix(one, "-\n"),
		"ING's end": strings.TrimSuffix(one, "-\n") + "-XXX\n",
	}
	for name, file := range shapes {
		got, err := readString(file)
		if err != nil {
			t.Errorf("%s: %v", name, err)
			continue
		}
		if fmt.Sprint(got) != fmt.Sprint(want) {
			t.Errorf("%s:\n got %+v\nwant %+v", name, got, want)
		}
	}
	two := strings.Replace(one, ":28C:1/1", ":28C:2/1", 1)
	two = strings.Replace(two, ":62F:C270102", ":62F:C270103", 1)
	for name, file := range map[string]string{
		"dash":      one + two,
		"separator": strings.TrimSuffix(one, "-\n") + "-+@446@\n" + two,
		"none":      strings.TrimSuffix(one, "-\n") + two,
		"ING":       strings.TrimSuffix(one, "-\n") + "-XXX\n0000 01INGBNL2AXXXX00001\n940 00\n" + two,
	} {
		m, err := readString(file)
		if err != nil || len(m.Statements) != 2 || m.Statements[1].ID != "REF/2/1/2027-01-03" ||
			m.Statements[0].Entries[0].RemittanceInformation != "TEXT" || m.Statements[0].AdditionalInfo != "" {
			t.Errorf("%s: %v %+v", name, err, m)
		}
	}
}

// TestReadCharacterSet reads UTF-8 as UTF-8 and anything else as windows-1252.
func TestReadCharacterSet(t *testing.T) {
	cases := map[string]string{
		"M\xc3\xbcller \xe2\x82\xac": "Müller €",
		"M\xfcller \x80":             "Müller €",
		"STRA\xdfE \x9a":             "STRAßE š",
	}
	for info, want := range cases {
		e := firstEntry(t, statement(":61:261231D1,00NTRFNONREF", ":86:"+info))
		if e.RemittanceInformation != want {
			t.Errorf("%q: %q, want %q", info, e.RemittanceInformation, want)
		}
	}
	m := readFile(t, "wolph/self-provided/raiffeisen-cmi.sta")
	if got := m.Statements[0].Entries[3].AdditionalInfo; got != "D\u00a1j, jutal\u201ak" {
		t.Errorf("a DOS code page 852 file read as windows-1252: %q", got)
	}
}
