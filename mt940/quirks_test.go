package mt940

import (
	"os"
	"strings"
	"testing"

	"linkfin/iso20022"
)

// TestReadBankQuirks reads real exports with a bank's own liberties (testdata/jejik,
// testdata/zilverline): Commerzbank and Deutsche Bank write a space between a :61:'s
// amount and its transaction type; Rabobank wraps an :86: text ending in " -" onto a
// line of its own, "-", which is text there and not the message's end, since the
// closing balance follows. (The first two files give balances of zero, as published.)
func TestReadBankQuirks(t *testing.T) {
	for _, c := range []struct {
		file                          string
		amount                        int64
		sign, code, bankRef, endToEnd string
		closing                       int64
	}{
		{"jejik/commerzbank.txt", 12_35, "DBIT", "NRTI", "2016021783252833", "A1.200080779.400143254.4961336", 0},
		{"jejik/bug-core-5401.txt", 50_00, "CRDT", "NTRF", "2109025460313532", "", 0},
		{"zilverline/dash_as_start_of_line.txt", 1000_00, "CRDT", "N541", "", "3434343434343", 11000_50},
	} {
		m := readTestdata(t, c.file)
		if len(m.Statements) != 1 || len(m.Statements[0].Entries) != 1 {
			t.Fatalf("%s: %+v", c.file, m)
		}
		st := m.Statements[0]
		e := st.Entries[0]
		if e.Amount != c.amount || e.CreditDebit != c.sign || e.BankTransactionCode != c.code ||
			e.AccountServicerReference != c.bankRef || e.EndToEndID != c.endToEnd {
			t.Errorf("%s: the entry read %+v", c.file, e)
		}
		if closing := balances(st)["CLBD"]; closing != c.closing {
			t.Errorf("%s: closing balance %d, want %d", c.file, closing, c.closing)
		}
		if c.file == "zilverline/dash_as_start_of_line.txt" && !strings.HasSuffix(e.RemittanceInformation, "yyyyyyyyyyyyyy --") {
			t.Errorf("%s: the text's last line is lost: %q", c.file, e.RemittanceInformation)
		}
	}
}

// TestReadBlankEntryDate reads Citibank's and ASN Bank's exports (testdata/wolph/citi,
// testdata/wolph/ASNB), which write an absent entry date as four spaces (ASN Bank for
// some entries, with the date for the others): each statement's entries carry it from
// its opening balance to its closing one.
func TestReadBlankEntryDate(t *testing.T) {
	for _, c := range []struct {
		file                string
		statements, entries int
		undated             int   // entries without an entry date
		first               int64 // the first entry's amount, a debit
	}{
		{"wolph/citi/mt940.txt", 1, 5, 5, 212_39},
		{"wolph/ASNB/mt940_with_spaces_for_entry_date.txt", 31, 8, 2, 65_00},
	} {
		m := readTestdata(t, c.file)
		entries, undated := 0, 0
		for _, st := range m.Statements {
			balance := balances(st)
			sum := balance["OPBD"]
			for _, e := range st.Entries {
				if e.CreditDebit == "DBIT" {
					sum -= e.Amount
				} else {
					sum += e.Amount
				}
				if e.BookingDate.IsZero() {
					undated++
				}
			}
			if sum != balance["CLBD"] {
				t.Errorf("%s, statement %s: %d from the opening balance and the entries, closing %d", c.file, st.ID, sum, balance["CLBD"])
			}
			entries += len(st.Entries)
		}
		if len(m.Statements) != c.statements || entries != c.entries || undated != c.undated {
			t.Fatalf("%s: %d statements, %d entries, %d without an entry date; want %d, %d and %d",
				c.file, len(m.Statements), entries, undated, c.statements, c.entries, c.undated)
		}
		if e := m.Statements[0].Entries[0]; e.Amount != c.first || e.CreditDebit != "DBIT" {
			t.Errorf("%s: the first entry read %+v", c.file, e)
		}
	}
}

// balances are a statement's balances by type, signed: a debit balance below zero.
func balances(st iso20022.Statement) map[string]int64 {
	out := map[string]int64{}
	for _, b := range st.Balances {
		out[b.Type] = b.Amount
		if b.CreditDebit == "DBIT" {
			out[b.Type] = -b.Amount
		}
	}
	return out
}

// readTestdata reads a file of testdata.
func readTestdata(t *testing.T, file string) *iso20022.StatementMessage {
	t.Helper()
	f, err := os.Open("testdata/" + file)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	m, err := Read(f)
	if err != nil {
		t.Fatalf("%s: %v", file, err)
	}
	return m
}
