package engine_test

import (
	"context"
	"fmt"
	"sync"
	"testing"
	"time"

	"linkfin"
	"linkfin/engine"
	"linkfin/sqlite"
)

// slowStore is a store whose every commit takes a few milliseconds more, as a disk's
// would.
type slowStore struct{ *sqlite.DB }

func (s slowStore) Commit(ctx context.Context, b *linkfin.Batch) error {
	time.Sleep(4 * time.Millisecond)
	return s.DB.Commit(ctx, b)
}

// TestBatchWaitsForCallers: clients that each send their next request as soon as the
// last is answered share batches. Once the committer is idle, the writer waits a
// moment for the callers the last commit answered, rather than splitting the clients
// into two halves that take turns, each paying for a commit of its own.
func TestBatchWaitsForCallers(t *testing.T) {
	ctx := context.Background()
	db, signer := openStore(t)
	e, err := engine.Open(ctx, engine.Config{Store: slowStore{db}, Signer: signer})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	const clients, each = 8, 25
	before := e.Stats().Batches.Load()
	var wg sync.WaitGroup
	errs := make(chan error, clients)
	for c := range clients {
		wg.Go(func() {
			for i := range each {
				id := fmt.Sprintf("c%d-%d", c, i)
				resp, err := e.Submit(ctx, &engine.Request{Commands: []linkfin.Command{put(id)}})
				if err == nil {
					err = resp.Outcomes[0].Err()
				}
				if err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Fatal(err)
	}
	batches := e.Stats().Batches.Load() - before
	// Taking turns, the clients make about 2 × 25 batches of 4; waiting for each
	// other, about 25 of 8. The bound leaves room for a slow machine.
	if per := float64(clients*each) / float64(batches); per < 6 {
		t.Fatalf("%d requests from %d clients went in %d batches, %.1f a batch; want 6 or more", clients*each, clients, batches, per)
	}
	if e.Stats().FillNanos.Load() == 0 {
		t.Fatal("the writer never waited for callers")
	}
}

// TestLoneCallerNeverWaits: a caller that sends one request at a time is all the
// callers there are, and its batches go as soon as the committer is idle.
func TestLoneCallerNeverWaits(t *testing.T) {
	ctx := context.Background()
	db, signer := openStore(t)
	e, err := engine.Open(ctx, engine.Config{Store: slowStore{db}, Signer: signer})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	for i := range 10 {
		submit(t, e, put(fmt.Sprintf("lone-%d", i)))
	}
	if d := time.Duration(e.Stats().FillNanos.Load()); d != 0 {
		t.Fatalf("a lone caller's batches waited %v for other callers", d)
	}
}
