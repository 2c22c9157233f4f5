package storetest

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"linkfin"
	"linkfin/audit"
	"linkfin/engine"
	"linkfin/ledger"
	"linkfin/services"
)

// busyStore is a store whose server commits a batch each time the auditor starts to
// read the log, whether from the store or from a snapshot of it: the database moves
// under every pass.
type busyStore struct {
	linkfin.Store
	commit func()
}

func (s *busyStore) Events(ctx context.Context, from int64, limit int) ([]linkfin.Event, error) {
	if from == 0 {
		s.commit()
	}
	return s.Store.Events(ctx, from, limit)
}

func (s *busyStore) Snapshot(ctx context.Context) (linkfin.Snapshot, error) {
	snap, err := s.Store.Snapshot(ctx)
	if err != nil {
		return nil, err
	}
	return &busySnapshot{Snapshot: snap, commit: s.commit}, nil
}

type busySnapshot struct {
	linkfin.Snapshot
	commit func()
}

func (s *busySnapshot) Events(ctx context.Context, from int64, limit int) ([]linkfin.Event, error) {
	if from == 0 {
		s.commit()
	}
	return s.Snapshot.Events(ctx, from, limit)
}

// testVerifyWhileWriting: verify reads a live database from one snapshot, so batches
// that commit while it reads (however many) neither mislead it nor stop it: it checks
// the database as it was when it began.
func testVerifyWhileWriting(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	wantResults(t, env.Submit(&engine.Request{CreateAccounts: []ledger.Account{Acct(1, 0), Acct(2, 0)}}).Results, ledger.OK, ledger.OK)
	for i := range int64(3) {
		env.Submit(&engine.Request{CreateTransfers: []ledger.Transfer{Xfer(10+i, 1, 2, 500_00)}, Flush: true})
	}
	ctx := context.Background()
	before, err := env.Store.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// A batch commits as verify starts to read the log: money moves, every balance is
	// written, a record is made.
	next := int64(100)
	s := &busyStore{Store: env.Store, commit: func() {
		p := Xfer(next+1, 1, 2, 5)
		p.Flags = ledger.Pending
		wantResults(t, env.Submit(&engine.Request{
			CreateTransfers: []ledger.Transfer{Xfer(next, 1, 2, 1), p},
			Commands: []engine.Command{&services.CreateOrganization{Org: linkfin.Organization{
				ID: fmt.Sprintf("org-%d", next), Name: "Busy", Capabilities: []linkfin.Capability{linkfin.CapTrade}}}},
			Flush: true,
		}).Results, ledger.OK, ledger.OK)
		next += 2
	}}
	for range 8 {
		rep, err := audit.Verify(ctx, s, env.Verif, "linkfin")
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK() {
			t.Fatalf("verify of a database that moved under it: %q", rep.Problems)
		}
		if rep.Events < before.Size {
			t.Fatalf("the report counts %d events, fewer than the %d before it began", rep.Events, before.Size)
		}
	}
	after, err := env.Store.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if after.Size <= before.Size {
		t.Fatal("nothing was committed while verify read")
	}
	env.MustVerify()
}

// testVerifyUnderLoad: verify passes on a database that writers load without pause
// while it reads: plain, pending, posted and voided transfers and records, from several
// clients.
func testVerifyUnderLoad(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	wantResults(t, env.Submit(&engine.Request{CreateAccounts: []ledger.Account{Acct(1, 0), Acct(2, 0), Acct(3, 0)}}).Results,
		ledger.OK, ledger.OK, ledger.OK)
	ctx, cancel := context.WithCancel(context.Background())
	var wg sync.WaitGroup
	var ids atomic.Int64
	ids.Store(1000)
	var committed atomic.Int64
	for c := range 4 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for ctx.Err() == nil {
				id := ids.Add(4)
				p, q := Xfer(id+1, 2, 3, 7), Xfer(id+2, 3, 1, 9)
				p.Flags, q.Flags = ledger.Pending, ledger.Pending
				req := &engine.Request{
					IdempotencyKey:  fmt.Sprintf("load-%d", id),
					CreateTransfers: []ledger.Transfer{Xfer(id, 1, 2, 3), p, q, {ID: id + 3, PendingID: id + 1, Flags: ledger.PostPending}},
					Commands: []engine.Command{&services.CreateOrganization{Org: linkfin.Organization{
						ID: fmt.Sprintf("org-%d-%d", c, id), Name: "Load", Capabilities: []linkfin.Capability{linkfin.CapTrade}}}},
				}
				if _, err := env.Engine.Submit(context.Background(), req); err != nil {
					t.Error(err)
					return
				}
				committed.Add(1)
			}
		}()
	}
	for committed.Load() < 20 {
		time.Sleep(time.Millisecond)
	}
	for range 3 {
		rep, err := audit.Verify(context.Background(), env.Store, env.Verif, "linkfin")
		if err != nil {
			cancel()
			wg.Wait()
			t.Fatal(err)
		}
		if !rep.OK() {
			cancel()
			wg.Wait()
			t.Fatalf("verify under load: %q", rep.Problems)
		}
	}
	cancel()
	wg.Wait()
	env.MustVerify()
}
