package mt940

import (
	"fmt"
	"linkfin/internal/shareddocs"
	"strings"
	"testing"

	"linkfin/iso20022"
)

// TestReadMoreBanks reads six more banks' exports from fruitl00p/php-mt940's tests
// (kept with the shared test documents; their NOTICE says where each comes from):
// Kontist and Penta (German accounts, one by IBAN, one by bank code and number), a
// Macedonian bank's in MKD whose :61: writes a funds code, D, after its mark
// ("DD3245,"), a Sparkasse file of two messages each split into two statements by
// intermediate balances (:62M:/:60M:), with an entry booked on 4 February for value
// 17 February, ASN's seven daily statements of which five have no entries, and
// Triodos's two statements without entry dates. For each, the statements' entries are
// counted, the first statement's account and first entry are as the file writes
// them, and every statement's first balance plus its entries is its last balance.
func TestReadMoreBanks(t *testing.T) {
	for _, c := range []struct {
		file, account, first string
		entries              []int
	}{
		{"Kontist-sample", "DE85110101002482488293 EUR", "5000 CRDT 2021-02-15 2021-02-15", []int{6}},
		{"Penta-sample", "11010100/2324817618 EUR", "2000 DBIT 2020-09-02 2020-09-02", []int{30}},
		{"Kbs-sample2", "300000002778989 MKD", "324500 DBIT 2020-10-09 2020-10-09", []int{7}},
		{"Spk-sample", "20090500/0006853030 EUR", "8000 CRDT 2010-02-04 2010-02-17", []int{4, 4, 1, 1}},
		{"Asn-sample", "NL53ASNB0781269733 EUR", "200000 DBIT 2020-01-02 2020-01-02", []int{1, 0, 0, 0, 0, 0, 2}},
		{"Triodos-sample", "TRIODOSBANK/0666666666 EUR", "1000 DBIT 0001-01-01 2012-11-23", []int{4, 4}},
	} {
		t.Run(c.file, func(t *testing.T) {
			b := shareddocs.Read(t, "mt940/php-mt940/"+c.file)
			m, err := Read(strings.NewReader(string(b)))
			if err != nil {
				t.Fatal(err)
			}
			var entries []int
			for _, s := range m.Statements {
				entries = append(entries, len(s.Entries))
			}
			if fmt.Sprint(entries) != fmt.Sprint(c.entries) {
				t.Fatalf("statements of %v entries, want %v", entries, c.entries)
			}
			s := m.Statements[0]
			id := s.Account.IBAN
			if id == "" {
				id = s.Account.Other
			}
			if got := id + " " + string(s.Account.Currency); got != c.account {
				t.Errorf("account %q, want %q", got, c.account)
			}
			e := s.Entries[0]
			if got := fmt.Sprintf("%d %s %s %s", e.Amount, e.CreditDebit, e.BookingDate, e.ValueDate); got != c.first {
				t.Errorf("first entry %q, want %q", got, c.first)
			}
			signed := func(amount int64, sign string) int64 {
				if sign == iso20022.Debit {
					return -amount
				}
				return amount
			}
			for _, s := range m.Statements {
				first, last := s.Balances[0], s.Balances[len(s.Balances)-1]
				sum := signed(first.Amount, first.CreditDebit)
				for _, e := range s.Entries {
					sum += signed(e.Amount, e.CreditDebit)
				}
				if sum != signed(last.Amount, last.CreditDebit) {
					t.Errorf("statement %s: %s %d %s and its entries make %d, but %s is %d %s",
						s.ID, first.Type, first.Amount, first.CreditDebit, sum, last.Type, last.Amount, last.CreditDebit)
				}
			}
		})
	}
}
