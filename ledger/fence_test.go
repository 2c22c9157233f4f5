package ledger_test

import (
	"reflect"
	"testing"

	"linkfin/ledger"
)

// TestFence: a caller the fence keeps off ledger 2 neither creates an account on it
// (new, or existing with the same fields), nor closes account 5 (on it), nor moves
// money on it: by the transfer's ledger, by either account's whatever ledger the
// transfer names, or by posting or voiding a pending transfer on it, its ledger left
// out; a refused item fails its linked chain. Nothing changes. The same operations
// unfenced go through, and the fence leaves ledger 1 alone.
func TestFence(t *testing.T) {
	s := newFixture(t)
	s.Begin(t0 + 2*second)
	s.CreateAccounts([]ledger.Account{{ID: 8, Ledger: 2, Currency: "CNY", Code: 1}})
	if r := s.CreateTransfers([]ledger.Transfer{{ID: 1, DebitAccountID: 5, CreditAccountID: 8, Amount: 10, Ledger: 2, Currency: "CNY",
		Code: 1, Flags: ledger.Pending}}); r[0] != ledger.OK {
		t.Fatalf("pending transfer 1: %s", r[0])
	}
	s.Commit()
	fence := ledger.Fence(func(l uint32) bool { return l == 2 })
	before := []ledger.Account{*s.Account(5), *s.Account(8)}
	s.Begin(t0 + 3*second)
	if got := s.CreateAccountsFenced([]ledger.Account{{ID: 9, Ledger: 2, Currency: "CNY", Code: 1},
		{ID: 8, Ledger: 2, Currency: "CNY", Code: 1}, {ID: 10, Ledger: 1, Currency: "CNY", Code: 1}}, fence); !reflect.DeepEqual(got,
		[]ledger.Result{ledger.LedgerReserved, ledger.LedgerReserved, ledger.OK}) {
		t.Fatalf("accounts: %v", got)
	}
	if r := s.CloseAccountFenced(5, fence); r != ledger.LedgerReserved {
		t.Fatalf("close 5: %s", r)
	}
	onLedger2 := tr(2, 5, 8, 1)
	onLedger2.Ledger = 2
	got := s.CreateTransfersFenced([]ledger.Transfer{
		onLedger2,
		tr(3, 5, 1, 1), // account 5 is on ledger 2, the transfer names 1
		{ID: 4, PendingID: 1, Flags: ledger.VoidPending},
		{ID: 5, PendingID: 1, Flags: ledger.PostPending},
		{ID: 6, DebitAccountID: 1, CreditAccountID: 2, Amount: 1, Ledger: 1, Currency: "CNY", Code: 1, Flags: ledger.Linked},
		{ID: 7, PendingID: 1, Flags: ledger.VoidPending},
		tr(8, 1, 2, 1),
	}, fence)
	want := []ledger.Result{ledger.LedgerReserved, ledger.LedgerReserved, ledger.LedgerReserved, ledger.LedgerReserved,
		ledger.LinkedEventFailed, ledger.LedgerReserved, ledger.OK}
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("transfers: %v, want %v", got, want)
	}
	if after := []ledger.Account{*s.Account(5), *s.Account(8)}; !reflect.DeepEqual(after, before) || s.HasAccount(9) ||
		s.HasTransfer(2) || s.HasTransfer(4) || s.HasTransfer(6) || s.Pending(1).Status != ledger.StatusPending {
		t.Fatalf("after the refusals: %+v (was %+v)", after, before)
	}
	// Unfenced, the void goes through.
	if r := s.CreateTransfers([]ledger.Transfer{{ID: 4, PendingID: 1, Flags: ledger.VoidPending}}); r[0] != ledger.OK {
		t.Fatalf("unfenced void: %s", r[0])
	}
}
