package mt940_test

import (
	"strings"
	"testing"

	"linkfin/iso20022"
)

// entryOf is what a test checks of an entry.
type entryOf struct {
	sign                 string
	amount               int64
	value, booking       string
	typ, ref, bank       string
	details              string
	endToEnd, remittance string
	name, account        string
}

// summary is what a test checks of an entry, as entryOf.
func summary(e iso20022.Entry) entryOf {
	sign := e.CreditDebit
	if e.Reversal {
		sign += " reversal"
	}
	var name, account string
	if len(e.Transactions) == 1 {
		t := e.Transactions[0]
		name, account = t.CreditorName+t.DebtorName, t.CreditorAccount+t.DebtorAccount
	}
	return entryOf{sign, e.Amount, dateOrNone(e.ValueDate), dateOrNone(e.BookingDate), e.BankTransactionCode,
		e.EntryReference, e.AccountServicerReference, e.AdditionalInfo, e.EndToEndID, e.RemittanceInformation, name, account}
}

// checkEntries compares entries with what a test expects of them, by index.
func checkEntries(t *testing.T, entries []iso20022.Entry, want map[int]entryOf) {
	t.Helper()
	for i, w := range want {
		if i >= len(entries) {
			t.Errorf("no entry %d", i+1)
			continue
		}
		if got := summary(entries[i]); got != w {
			t.Errorf("entry %d:\n got %+v\nwant %+v", i+1, got, w)
		}
	}
}

// TestReadEnvelopeASN reads ASN Bank's export, every message in a SWIFT envelope, with
// the values WoLpH/mt940's test of it (mt940_tests/test_tags.py, test_ASNB_tags)
// asserts, and the servicer from block 1.
func TestReadEnvelopeASN(t *testing.T) {
	m := readFile(t, "wolph/ASNB/0708271685_09022020_164516.940.txt")
	if m.Version != "MT940" || m.MessageID != "0000000000" || len(m.Statements) != 31 {
		t.Fatalf("%s %q with %d statements, want MT940 0000000000 with 31", m.Version, m.MessageID, len(m.Statements))
	}
	var entries []iso20022.Entry
	ids := map[string]bool{}
	for _, st := range m.Statements {
		entries = append(entries, st.Entries...)
		ids[st.ID] = true
		if st.Account.ID() != "NL81ASNB9999999999" || st.Account.Servicer != "ASNBNL21" || st.Account.Currency != "EUR" {
			t.Errorf("statement %s: account %+v", st.ID, st.Account)
		}
	}
	if len(ids) != 31 {
		t.Errorf("%d statement ids for 31 statements", len(ids))
	}
	last := m.Statements[30]
	if last.ID != "0000000000/31/1/2020-01-31" || last.ElectronicSequence != "31/1" {
		t.Errorf("last statement %q, %q", last.ID, last.ElectronicSequence)
	}
	wantBalances := []iso20022.Balance{
		{Type: "OPBD", Amount: 40481, Currency: "EUR", CreditDebit: "CRDT", Date: date(t, "2020-01-31")},
		{Type: "CLBD", Amount: 50123, Currency: "EUR", CreditDebit: "CRDT", Date: date(t, "2020-01-31")},
	}
	if len(last.Balances) != 2 || last.Balances[0] != wantBalances[0] || last.Balances[1] != wantBalances[1] {
		t.Errorf("last balances %+v, want %+v", last.Balances, wantBalances)
	}
	if len(entries) != 8 {
		t.Fatalf("%d entries, want 8", len(entries))
	}
	for i, amount := range []int64{6500, 100000, 80155, 165, 82872, 100000, 100018, 90376} {
		if entries[i].Amount != amount {
			t.Errorf("entry %d: amount %d, want %d", i+1, entries[i].Amount, amount)
		}
	}
	checkEntries(t, entries, map[int]entryOf{
		0: {"DBIT", 6500, "2020-01-01", "2020-01-01", "NOVB", "NL47INGB9999999999", "", "hr gjlm paulissen",
			"NL47INGB9999999999", "NL47INGB9999999999 hr gjlm paulissen Betaling sieraden", "", ""},
		7: {"DBIT", 90376, "2020-01-31", "2020-01-31", "NIDB", "NL08ABNA9999999999", "", "international card services",
			"NL08ABNA9999999999", "NL08ABNA9999999999 international card services 000000000000000000000000000000000 " +
				"0000000000000000 Betaling aan I CS 99999999999 ICS Referentie: 2020-01-31 21:27 000000000000000", "", ""},
	})
}

// TestReadSlashForm reads the Dutch slash form of :86: in Rabobank's and bunq's files,
// and HSBC's, which begins with a code but has no REMI, checked against the files.
func TestReadSlashForm(t *testing.T) {
	rabo := readFile(t, "wolph/jejik/rabobank-iban.sta")
	checkEntries(t, rabo.Statements[0].Entries, map[int]entryOf{
		0: {"DBIT", 2500, "2013-01-01", "", "N102", "EREF", "", "NL70ABNA0987654321",
			"01-01-2013 12:00 0030000987654321", "", "CONTRA ACCOUNT HOLDER", ""},
		1: {"DBIT", 1000, "2013-01-02", "", "N154", "", "", "P001234567", "", "Reference 201301234", "JOHN DOE", ""},
	})
	bunq := readFile(t, "php-mt940/Bunq/sample")
	st := bunq.Statements[0]
	if st.Account.IBAN != "NL10BUNQ2290325473" || st.Account.Currency != "EUR" || st.ElectronicSequence != "00001" ||
		st.ID != "BUNQ BV/00001/2019-05-31" {
		t.Errorf("bunq: statement %q %q, account %+v", st.ID, st.ElectronicSequence, st.Account)
	}
	if len(st.Balances) != 2 || st.Balances[0].Amount != 3233 || st.Balances[1].Amount != 566 || st.From != "2019-01-31" ||
		st.To != "2019-05-31" {
		t.Errorf("bunq: balances %+v, from %s to %s", st.Balances, st.From, st.To)
	}
	checkEntries(t, st.Entries, map[int]entryOf{
		0: {"CRDT", 200, "2019-01-31", "2019-01-31", "NTRF", "", "", "", "", "", "P.C. Wacki", "NL65BUNQ2206724936"},
		2: {"DBIT", 3450, "2019-01-31", "2019-01-31", "NMSC", "", "", "", "", "www.thomann.de Burgebrach, DE", "www.thomann.de", ""},
		3: {"CRDT", 7500, "2019-02-09", "2019-02-09", "NTRF", "", "", "", "", "Proficiat", "SRMF WILLEMS", "NL97ABNA0479445079"},
	})
	last := st.Entries[len(st.Entries)-5]
	if got := summary(last); got.name != "Hr J F M Wacki en/of.Mw K Wacki-Blokland" || got.remittance != "boodschappen" {
		t.Errorf("bunq: a name with a slash: %+v", got)
	}
	hsbc := readFile(t, "php-mt940/Hsbc/sample")
	st = hsbc.Statements[0]
	if st.Account.Other != "808XXXXXX292" || st.Account.Currency != "HKD" || st.AdditionalInfo != "/OSDR/HSBCHKHH" {
		t.Errorf("hsbc: account %+v, information %q", st.Account, st.AdditionalInfo)
	}
	checkEntries(t, st.Entries, map[int]entryOf{
		0: {"DBIT", 2000000, "2012-03-29", "2012-03-29", "NTRF", "1004688128", "6128522200250001", "", "1004688128",
			"/OCMT/USD2853,12/ PAYMENT OF INVOICES 204011665 20401 1687 /OGB/WXXXXX BANKING CORPORATION /VA/123456XXXXXX BENEFICIARY INFO",
			"", ""},
	})
}

// TestReadTriodos reads Triodos's DFÜ form, which writes ">" for "?", checked against
// the file.
func TestReadTriodos(t *testing.T) {
	m := readFile(t, "wolph/jejik/triodos.sta")
	checkEntries(t, m.Statements[0].Entries, map[int]entryOf{
		0: {"DBIT", 1570, "2011-01-01", "", "N000", "", "", "", "",
			"ALGEMENE TUSSENREKENING KOSTEN VAN 01-10-2010 TOT EN MET 31-12-2010", "", "0390123456"},
		1: {"DBIT", 70000, "2011-01-25", "", "N000", "", "", "", "", "HUUR KANTOOR - FEB 2010", "", ""},
	})
}

// TestReadSubfields checks, against the files, what the DFÜ form gives that WoLpH
// reads otherwise: ?60–?63 continuing a full ?20–?29, and apart from a shorter one.
func TestReadSubfields(t *testing.T) {
	sepa := readFile(t, "wolph/betterplace/sepa_mt9401.sta")
	var entries []iso20022.Entry
	for _, st := range sepa.Statements {
		entries = append(entries, st.Entries...)
	}
	if e := entries[7]; !strings.HasSuffix(e.RemittanceInformation, "MTLG:SEPA-Ueberweisungseingang Auftraggeber: Richter Renat") ||
		e.EndToEndID != "EndToEndIdTFNR2000400001" || e.Transactions[0].DebtorName != "Richter Renate 70 Zeichen Beginn Fuellzeichen xxxxxxxx" {
		t.Errorf("sepa_mt9401 entry 8: %+v", summary(e))
	}
	malformed := readFile(t, "wolph/self-provided/malformed_details.sta")
	e := malformed.Statements[0].Entries[0]
	if !strings.Contains(e.RemittanceInformation, "IBAN: DE00700500000000012345 BIC: BYLADEMM") ||
		e.EndToEndID != "123/123/12345-----L1101234567890123" || e.Transactions[0].CreditorAccount != "DE99700500000000012345" {
		t.Errorf("malformed_details: %+v", summary(e))
	}
	apart := readFile(t, "wolph/self-provided/details_60-63.sta")
	e = apart.Statements[0].Entries[0]
	if e.EndToEndID != "123/123/12345-----L110" || e.RemittanceInformation != "" ||
		e.Transactions[0].CreditorName != "Finanzamt Muenchen Abteilung Erhebung" {
		t.Errorf("details_60-63: %+v", summary(e))
	}
}

// TestReadStatementInformation reads ING's file, whose :86: after the closing balance is
// the statement's, and whose message ends at "-XXX".
func TestReadStatementInformation(t *testing.T) {
	m := readFile(t, "wolph/jejik/ing.sta")
	st := m.Statements[0]
	if st.AdditionalInfo != "D000004C000002D25,24C28,71" {
		t.Errorf("statement information %q", st.AdditionalInfo)
	}
	if got := st.Entries[6].RemittanceInformation; got != "0111111111 Hr S Marechal ROSMALEN Hr S Marechal ROSMALEN Betaling transactiedatum: 22-07-2010" {
		t.Errorf("last entry's information %q", got)
	}
}

// TestReadMT942 reads mBank's and another bank's interim transaction reports: their
// kind, date and time, currency from :34F:, and booked entries without balances.
func TestReadMT942(t *testing.T) {
	m := readFile(t, "wolph/mBank/mt942.sta")
	if m.Version != "MT942" || m.MessageID != "ST170119CYC/0001" || m.CreatedAt != "2017-01-19T18:15:00+01:00" {
		t.Fatalf("%s %q %q", m.Version, m.MessageID, m.CreatedAt)
	}
	st := m.Statements[0]
	if st.ID != "ST170119CYC/0001/1/1/2017-01-19" || st.CreatedAt != m.CreatedAt || st.Account.IBAN != "PL29114010810000267002001002" ||
		st.Account.Currency != "PLN" || len(st.Balances) != 0 || st.From != "" || st.To != "" {
		t.Errorf("statement %+v", st)
	}
	checkEntries(t, st.Entries, map[int]entryOf{
		2: {"CRDT", 1, "2017-01-19", "2017-01-19", "NTRF", "", "MB170119012121", "911-TRANSAKCJA IPH", "",
			"911 TRANSAKCJA COLLECT; ID IPH: XX000000000003; Z RACH.: 56114010810000267002001001; OD: JAN NOWAK " +
				"UL. NIJAKA 1 M 2 31-234 KRAKOW; TYT.: PRZELEW SRODKOW   ; TNR: 179171073864291.000001", "", ""},
	})
	for _, e := range st.Entries {
		if e.Status != "BOOK" || e.Currency != "PLN" {
			t.Errorf("entry %+v", e)
		}
	}
	other := readFile(t, "wolph/self-provided/mt942.sta")
	if st := other.Statements[0]; other.CreatedAt != "2016-10-30T17:30:00+00:00" || st.Account.Currency != "EUR" ||
		st.ID != "CGNGHKLI0290980/03917/00001/2016-10-30" {
		t.Errorf("%q, %+v", other.CreatedAt, st)
	}
}

// TestStatementIDs checks the ids of statements that repeat their :20: reference: ABN
// AMRO's, Rabobank's and postfinance's, each statement's its own.
func TestStatementIDs(t *testing.T) {
	cases := map[string][]string{
		"wolph/jejik/abnamro.sta":             {"ABN AMRO BANK NV/19321/1/2011-05-23", "ABN AMRO BANK NV/19322/1/2011-05-24"},
		"wolph/jejik/rabobank-iban.sta":       {"940S130101/0/2013-01-08", "940S130101/0/2013-01-15"},
		"wolph/jejik/postfinance.sta":         {"2014040708285927/999/1/2014-04-07", "2014040708285928/999/2/2014-04-07"},
		"wolph/self-provided/february_30.sta": {"STARTUMSE/00000/001/2016-03-01"},
	}
	for file, want := range cases {
		m := readFile(t, file)
		var got []string
		for _, st := range m.Statements {
			got = append(got, st.ID)
		}
		if strings.Join(got, " | ") != strings.Join(want, " | ") {
			t.Errorf("%s: ids %q, want %q", file, got, want)
		}
	}
}
