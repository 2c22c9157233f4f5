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
			Commands: []linkfin.Command{&services.CreateOrganization{Org: linkfin.Organization{
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
					Commands: []linkfin.Command{&services.CreateOrganization{Org: linkfin.Organization{
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

// testSnapshot: a snapshot reads the database as it was when it was opened, whatever
// commits after; a new one sees those commits.
func testSnapshot(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	ctx := context.Background()
	wantResults(t, env.Submit(&engine.Request{CreateAccounts: []ledger.Account{Acct(1, 0), Acct(2, 0)}}).Results, ledger.OK, ledger.OK)
	env.Submit(&engine.Request{CreateTransfers: []ledger.Transfer{Xfer(10, 1, 2, 5)}, Flush: true})
	snap, err := env.Store.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer snap.Close()
	read := func(s linkfin.Snapshot) (linkfin.Head, map[string]int64, int, int64) {
		t.Helper()
		h, err := s.Head(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tables, err := s.Tables(ctx)
		if err != nil {
			t.Fatal(err)
		}
		evs, err := s.Events(ctx, 0, 1000)
		if err != nil {
			t.Fatal(err)
		}
		var credits int64
		if err := s.ScanAccounts(ctx, func(a *ledger.Account) error { credits += a.CreditsPosted; return nil }); err != nil {
			t.Fatal(err)
		}
		return h, tables, len(evs), credits
	}
	h0, tables0, n0, credits0 := read(snap)
	if h0.Size != int64(n0) || tables0["transfers"] != 1 || credits0 != 5 {
		t.Fatalf("snapshot: head %+v, %d events, tables %v, credits %d", h0, n0, tables0, credits0)
	}
	env.Submit(&engine.Request{
		CreateTransfers: []ledger.Transfer{Xfer(11, 1, 2, 7)},
		Commands: []linkfin.Command{&services.CreateOrganization{Org: linkfin.Organization{
			ID: "late-1", Name: "Late", Capabilities: []linkfin.Capability{linkfin.CapTrade}}}},
		Flush: true,
	})
	h1, tables1, n1, credits1 := read(snap)
	if h1.Size != h0.Size || h1.AccountsAt != h0.AccountsAt || n1 != n0 || credits1 != credits0 || fmt.Sprint(tables1) != fmt.Sprint(tables0) {
		t.Fatalf("the snapshot moved: head %+v → %+v, events %d → %d, credits %d → %d, tables %v → %v",
			h0, h1, n0, n1, credits0, credits1, tables0, tables1)
	}
	if objs, err := snap.ObjectsByKey(ctx, []linkfin.ObjectKey{{Kind: linkfin.KindOrganization, ID: "late-1"}}); err != nil || len(objs) != 0 {
		t.Fatalf("the snapshot reads a record made after it: %v, %v", objs, err)
	}
	later, err := env.Store.Snapshot(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer later.Close()
	h2, tables2, _, credits2 := read(later)
	if h2.Size <= h0.Size || tables2["transfers"] != 2 || credits2 != 12 {
		t.Fatalf("a new snapshot: head %+v, tables %v, credits %d", h2, tables2, credits2)
	}
	parties, err := later.PartiesByKey(ctx, []linkfin.ObjectKey{{Kind: linkfin.KindOrganization, ID: "late-1"}, {Kind: linkfin.KindOrganization, ID: "late-1"}})
	if err != nil || fmt.Sprint(parties) != "map[{organization late-1}:[late-1]]" {
		t.Fatalf("party index of late-1: %v, %v", parties, err)
	}
}
