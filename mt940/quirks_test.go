package mt940

import (
	"os"
	"strings"
	"testing"
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
		f, err := os.Open("testdata/" + c.file)
		if err != nil {
			t.Fatal(err)
		}
		m, err := Read(f)
		f.Close()
		if err != nil {
			t.Fatalf("%s: %v", c.file, err)
		}
		if len(m.Statements) != 1 || len(m.Statements[0].Entries) != 1 {
			t.Fatalf("%s: %+v", c.file, m)
		}
		st := m.Statements[0]
		e := st.Entries[0]
		if e.Amount != c.amount || e.CreditDebit != c.sign || e.BankTransactionCode != c.code ||
			e.AccountServicerReference != c.bankRef || e.EndToEndID != c.endToEnd {
			t.Errorf("%s: the entry read %+v", c.file, e)
		}
		var closing int64
		for _, b := range st.Balances {
			if b.Type == "CLBD" {
				closing = b.Amount
				if b.CreditDebit == "DBIT" {
					closing = -closing
				}
			}
		}
		if closing != c.closing {
			t.Errorf("%s: closing balance %d, want %d", c.file, closing, c.closing)
		}
		if c.file == "zilverline/dash_as_start_of_line.txt" && !strings.HasSuffix(e.RemittanceInformation, "yyyyyyyyyyyyyy --") {
			t.Errorf("%s: the text's last line is lost: %q", c.file, e.RemittanceInformation)
		}
	}
}
