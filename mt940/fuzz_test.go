package mt940_test

import (
	"bytes"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"linkfin"
	"linkfin/iso20022"
	"linkfin/iso20022/iso20022test"
	"linkfin/mt940"
)

// FuzzRead reads mutations of the published files. A file is read or refused with a
// linkfin error, never a panic; what is read has statements with an id and an account,
// amounts within bounds and never negative, known currencies, signs that are CRDT or
// DBIT, one transaction an entry that repeats it, valid UTF-8, and encodes to JSON that
// decodes to the same reading.
func FuzzRead(f *testing.F) {
	err := filepath.WalkDir("testdata", func(path string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || strings.HasSuffix(path, ".yml") || strings.Contains(path, "LICENSE") ||
			strings.HasSuffix(path, "NOTICE") {
			return err
		}
		b, err := os.ReadFile(path)
		f.Add(b)
		return err
	})
	if err != nil {
		f.Fatal(err)
	}
	f.Add([]byte(statement(":61:2612310102RCR1,00NTRFNONREF//B", ":86:166?20EREF+E?21SVWZ+R?32N")))
	f.Add([]byte(report(":61:261231ED1,00NTRFREF", ":86:/EREF/E/NAME/N/REMI/USTD//R/")))
	f.Fuzz(func(t *testing.T, file []byte) {
		m, err := mt940.Read(bytes.NewReader(file))
		if err != nil {
			if code := linkfin.ErrorCode(err); code == linkfin.EINTERNAL {
				t.Fatalf("not a linkfin error: %v", err)
			}
			return
		}
		checkReading(t, m)
		iso20022test.RoundTrips(t, m)
	})
}

// checkReading checks what every reading holds.
func checkReading(t *testing.T, m *iso20022.StatementMessage) {
	t.Helper()
	if m.Version != "MT940" && m.Version != "MT942" && m.Version != "MT950" || m.MessageID == "" || len(m.Statements) == 0 {
		t.Fatalf("message %q %q with %d statements", m.Version, m.MessageID, len(m.Statements))
	}
	check := func(what string, amount int64, cur linkfin.Currency, sign string) {
		if amount < 0 || amount > linkfin.MaxAmount {
			t.Fatalf("%s: amount %d out of bounds", what, amount)
		}
		if cur.Exponent() < 0 {
			t.Fatalf("%s: unknown currency %q", what, cur)
		}
		if sign != iso20022.Credit && sign != iso20022.Debit {
			t.Fatalf("%s: sign %q", what, sign)
		}
	}
	for _, st := range m.Statements {
		if st.ID == "" || st.Account.ID() == "" || st.Account.Currency.Exponent() < 0 {
			t.Fatalf("statement %q of account %q in %q", st.ID, st.Account.ID(), st.Account.Currency)
		}
		for _, b := range st.Balances {
			check("balance", b.Amount, b.Currency, b.CreditDebit)
		}
		for _, e := range st.Entries {
			check("entry", e.Amount, e.Currency, e.CreditDebit)
			if e.Status != "BOOK" && e.Status != "PDNG" || len(e.Transactions) != 1 {
				t.Fatalf("entry %+v", e)
			}
			tx := e.Transactions[0]
			check("transaction", tx.Amount, tx.Currency, tx.CreditDebit)
			if tx.Amount != e.Amount || tx.Currency != e.Currency || tx.CreditDebit != e.CreditDebit {
				t.Fatalf("transaction %+v of entry %+v", tx, e)
			}
		}
	}
}
