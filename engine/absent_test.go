package engine_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"

	"linkfin"
	"linkfin/engine"
	"linkfin/sqlite"
)

// askedStore counts the records the engine asks the store for, by key.
type askedStore struct {
	*sqlite.DB
	asked map[linkfin.ObjectKey]*atomic.Int64
}

func (s *askedStore) ObjectsByKey(ctx context.Context, keys []linkfin.ObjectKey) ([]linkfin.Object, error) {
	for _, k := range keys {
		if n := s.asked[k]; n != nil {
			n.Add(1)
		}
	}
	return s.DB.ObjectsByKey(ctx, keys)
}

// A record the store does not have is asked for once: the batches after the first
// that list it know it is absent, until a command writes it, and then read it as
// written.
func TestAbsentRecordAskedOnce(t *testing.T) {
	ctx := context.Background()
	db, signer := openStore(t)
	key := linkfin.ObjectKey{Kind: "bundle", ID: "never"}
	store := &askedStore{DB: db, asked: map[linkfin.ObjectKey]*atomic.Int64{key: new(atomic.Int64)}}
	e, err := engine.Open(ctx, engine.Config{Store: store, Signer: signer})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	look := &step{key: "never", apply: func(tx linkfin.Tx) (any, error) {
		var b bundle
		return tx.Get("bundle", "never", &b)
	}}
	for range 3 {
		if out := submit(t, e, look); out[0].Code != "" || string(out[0].Value) != "false" {
			t.Fatalf("reading the absent record: %+v", out[0])
		}
	}
	if n := store.asked[key].Load(); n != 1 {
		t.Fatalf("the store was asked %d times for a record it does not have", n)
	}
	write := &step{key: "never", apply: func(tx linkfin.Tx) (any, error) {
		return nil, tx.Put("bundle", "never", newBundle("never"), "bundle.written")
	}}
	submit(t, e, write)
	if out := submit(t, e, look); string(out[0].Value) != "true" {
		t.Fatalf("the record once written reads %+v", out[0])
	}
	// Read into nil, it is only asked after.
	ask := &step{key: "never", apply: func(tx linkfin.Tx) (any, error) { return tx.Get("bundle", "never", nil) }}
	if out := submit(t, e, ask); out[0].Code != "" || string(out[0].Value) != "true" {
		t.Fatalf("asking whether the written record exists: %+v", out[0])
	}
	absentToo := &step{key: "still-never", apply: func(tx linkfin.Tx) (any, error) { return tx.Get("bundle", "still-never", nil) }}
	if out := submit(t, e, absentToo); out[0].Code != "" || string(out[0].Value) != "false" {
		t.Fatalf("asking whether an absent record exists: %+v", out[0])
	}
}

// A command that reads a record it did not list, which an earlier command of its batch
// wrote, could not have named it (its keys were worked out before the batch ran): it is
// refused as a conflict, to send again. Reading one that nothing in the batch changed
// is the command's fault: internal, as before.
func TestUnlistedChangedInBatch(t *testing.T) {
	e, _, _ := openEngine(t)
	peek := &step{key: "b", apply: func(tx linkfin.Tx) (any, error) {
		var b bundle
		return tx.Get("bundle", "x", &b)
	}}
	out := submit(t, e, put("x"), peek)
	if out[0].Code != "" || out[1].Code != linkfin.ECONFLICT || !strings.Contains(out[1].Message, "send it again") {
		t.Fatalf("after a write in its batch: %+v", out)
	}
	if out := submit(t, e, peek); out[0].Code != linkfin.EINTERNAL {
		t.Fatalf("alone in its batch: %+v", out)
	}
}
