package ledger_test

import (
	"testing"

	"linkfin"
	"linkfin/ledger"
)

// A domain command's transfers are one chain: when the last is refused, the first is
// undone too, and the error carries the refusal's code, not linked_event_failed.
func TestTransferAll(t *testing.T) {
	s := newFixture(t)
	s.Begin(t0 + 100)
	err := s.TransferAll(tr(10, 1, 3, 50), tr(11, 3, 2, 80)) // 3 holds 50 when 80 leaves it
	if linkfin.ErrorCode(err) != string(ledger.ExceedsCredits) {
		t.Fatalf("error %v", err)
	}
	if s.Transfer(10) != nil {
		t.Fatal("the first transfer of a refused chain stayed")
	}
	checkBal(t, s, 3, bal{})
	if err := s.TransferAll(tr(12, 1, 3, 80), tr(13, 3, 2, 80)); err != nil {
		t.Fatal(err)
	}
	checkBal(t, s, 2, bal{cPosted: 80})
	if err := s.TransferAll(); err != nil {
		t.Fatal(err)
	}
}

// Opening an account again with the same fields is fine; with others it is refused.
func TestOpenAccounts(t *testing.T) {
	s := newFixture(t)
	s.Begin(t0 + 100)
	if err := s.OpenAccounts(fixtureAccounts()[0], ledger.Account{ID: 8, Ledger: 1, Currency: "CNY", Code: 1}); err != nil {
		t.Fatal(err)
	}
	other := fixtureAccounts()[0]
	other.Code = 9
	if err := s.OpenAccounts(other); linkfin.ErrorCode(err) != string(ledger.ExistsWithDifferentFields) {
		t.Fatalf("error %v", err)
	}
}
