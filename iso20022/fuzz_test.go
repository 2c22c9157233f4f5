package iso20022_test

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"linkfin"
	"linkfin/iso20022"
	"linkfin/iso20022/iso20022test"
)

// FuzzReadStatement reads mutations of the published statements. A document is read or
// refused with a linkfin error, never a panic; what is read holds amounts within
// bounds in a known currency, signs that are CRDT or DBIT, valid UTF-8, and encodes to
// JSON that decodes to the same reading.
func FuzzReadStatement(f *testing.F) {
	files, _ := filepath.Glob("testdata/*.xml")
	for _, p := range files {
		b, err := os.ReadFile(p)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	f.Add([]byte(statement("05", `<Ntry><Amt Ccy="JPY">15</Amt><CdtDbtInd>DBIT</CdtDbtInd></Ntry>`)))
	f.Fuzz(func(t *testing.T, doc []byte) {
		m, err := iso20022.ReadStatement(bytes.NewReader(doc))
		if err != nil {
			var le *linkfin.Error
			if code := linkfin.ErrorCode(err); code == linkfin.EINTERNAL {
				t.Fatalf("not a linkfin error: %v (%T)", err, le)
			}
			return
		}
		check := func(what string, amount int64, cur linkfin.Currency, cdi string) {
			if amount < 0 || amount > linkfin.MaxAmount {
				t.Fatalf("%s: amount %d out of bounds", what, amount)
			}
			if cur != "" && cur.Exponent() < 0 {
				t.Fatalf("%s: unknown currency %q", what, cur)
			}
			if cdi != "" && cdi != iso20022.Credit && cdi != iso20022.Debit {
				t.Fatalf("%s: sign %q", what, cdi)
			}
		}
		for _, st := range m.Statements {
			if st.ID == "" || st.Account.ID() == "" {
				t.Fatalf("statement without id or account: %+v", st)
			}
			for _, b := range st.Balances {
				check("balance", b.Amount, b.Currency, b.CreditDebit)
			}
			for _, e := range st.Entries {
				check("entry", e.Amount, e.Currency, e.CreditDebit)
				if e.Currency == "" || e.CreditDebit == "" {
					t.Fatalf("entry without currency or sign: %+v", e)
				}
				for _, tx := range e.Transactions {
					check("transaction", tx.Amount, tx.Currency, tx.CreditDebit)
				}
			}
		}
		iso20022test.RoundTrips(t, m)
	})
}
