package storetest

import (
	"context"
	"strings"
	"testing"

	"linkfin"
	"linkfin/audit"
	"linkfin/engine"
	"linkfin/ledger"
)

// writingStore is a store whose server commits batches while an auditor reads it: the
// first times ScanAccounts is called, before it reads, a batch moves money and
// writes every balance.
type writingStore struct {
	linkfin.Store
	env    *Env
	writes int   // batches still to commit during a scan
	next   int64 // the id of the next transfer
	scans  int
}

func (s *writingStore) ScanAccounts(ctx context.Context, fn func(*ledger.Account) error) error {
	s.scans++
	if s.writes > 0 {
		s.writes--
		wantResults(s.env.T, s.env.Submit(&engine.Request{CreateTransfers: []ledger.Transfer{Xfer(s.next, 1, 2, 1)}, Flush: true}).Results, ledger.OK)
		s.next++
	}
	return s.Store.ScanAccounts(ctx, fn)
}

// testVerifyWhileWriting: verify is not misled by batches that commit while it reads.
// It starts over when the log's head moved; when the database keeps changing, it says
// so rather than report what a moving read made up.
func testVerifyWhileWriting(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	wantResults(t, env.Submit(&engine.Request{CreateAccounts: []ledger.Account{Acct(1, 0), Acct(2, 0)}}).Results, ledger.OK, ledger.OK)
	env.Submit(&engine.Request{CreateTransfers: []ledger.Transfer{Xfer(10, 1, 2, 500_00)}, Flush: true})
	ctx := context.Background()

	s := &writingStore{Store: env.Store, env: env, writes: 1, next: 100}
	rep, err := audit.Verify(ctx, s, env.Verif, "linkfin")
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() || s.scans != 2 {
		t.Fatalf("a batch committed during the first pass: %d passes, problems %q", s.scans, rep.Problems)
	}
	if rep.Transfers != 2 {
		t.Fatalf("the report counts %d transfers, want the 2 of the second pass", rep.Transfers)
	}

	s = &writingStore{Store: env.Store, env: env, writes: 100, next: 200}
	if _, err := audit.Verify(ctx, s, env.Verif, "linkfin"); err == nil || !strings.Contains(err.Error(), "changed while it was verified") {
		t.Fatalf("a database that never stops changing: %v", err)
	}
	env.MustVerify()
}
