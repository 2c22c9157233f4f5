package ledger_test

import (
	"testing"

	"linkfin/ledger"
)

// TestRollbackBatchRestoresClock: a failed commit must leave the clock where the batch
// found it, or a retried batch hands out timestamps that were already committed.
func TestRollbackBatchRestoresClock(t *testing.T) {
	s := ledger.NewState()
	s.Begin(t0)
	checkResults(t, s.CreateAccounts([]ledger.Account{fixtureAccounts()[0], fixtureAccounts()[1]}), results(ledger.OK, ledger.OK))
	s.Commit()
	committed := s.Clock() // t0+1

	s.Begin(t0)
	checkResults(t, s.CreateTransfers([]ledger.Transfer{tr(10, 1, 2, 5)}), results(ledger.OK))
	s.RollbackBatch()
	if s.Clock() != committed {
		t.Errorf("Clock() after RollbackBatch = %d, want %d", s.Clock(), committed)
	}

	// The engine retries the batch with the same (or an earlier) wall time.
	s.Begin(t0)
	checkResults(t, s.CreateAccounts([]ledger.Account{fixtureAccounts()[2]}), results(ledger.OK))
	if ts := s.Account(3).Timestamp; ts <= committed {
		t.Errorf("account created after RollbackBatch has timestamp %d, not after the committed %d (account 1 has %d)",
			ts, committed, s.Account(1).Timestamp)
	}
}

// TestRetryOfPostComparesFields: a retried post or void whose amount, accounts or code
// differ from the stored one is not the same request.
func TestRetryOfPostComparesFields(t *testing.T) {
	retries := []struct {
		name  string
		setup ledger.Transfer // the original post or void, id 11
		retry ledger.Transfer
		want  ledger.Result
	}{
		{"partial post retried with another amount", post(11, 10, 40), post(11, 10, 50), ledger.ExistsWithDifferentFields},
		{"partial post retried as full (amount 0)", post(11, 10, 40), post(11, 10, 0), ledger.ExistsWithDifferentFields},
		{"full post retried with a partial amount", post(11, 10, 0), post(11, 10, 40), ledger.ExistsWithDifferentFields},
		{"post retried with another debit account", post(11, 10, 40),
			with(post(11, 10, 40), func(t *ledger.Transfer) { t.DebitAccountID = 7 }), ledger.ExistsWithDifferentFields},
		{"post retried with another code", post(11, 10, 40),
			with(post(11, 10, 40), func(t *ledger.Transfer) { t.Code = 9 }), ledger.ExistsWithDifferentFields},
		{"void retried with another amount", void(11, 10),
			with(void(11, 10), func(t *ledger.Transfer) { t.Amount = 1 }), ledger.ExistsWithDifferentFields},
		// The same request, spelled out or not, answers exists.
		{"partial post retried", post(11, 10, 40), post(11, 10, 40), ledger.Exists},
		{"post retried with the pending's fields", post(11, 10, 40),
			with(tr(11, 1, 2, 40), func(t *ledger.Transfer) { t.Flags = ledger.PostPending; t.PendingID = 10 }), ledger.Exists},
	}
	for _, c := range retries {
		t.Run(c.name, func(t *testing.T) {
			s := newFixture(t)
			s.Begin(t0 + second)
			checkResults(t, s.CreateTransfers([]ledger.Transfer{pend(10, 1, 2, 100, 0), c.setup}), results(ledger.OK, ledger.OK))
			s.Commit()
			stored := *s.Transfer(11)
			s.Begin(t0 + 2*second)
			checkResults(t, s.CreateTransfers([]ledger.Transfer{c.retry}), results(c.want))
			if *s.Transfer(11) != stored {
				t.Errorf("stored transfer changed: %+v, was %+v", *s.Transfer(11), stored)
			}
		})
	}
}
