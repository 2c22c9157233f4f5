package engine_test

import (
	"context"
	"encoding/json"
	"regexp"
	"slices"
	"testing"
	"time"

	"linkfin"
	"linkfin/engine"
)

// makeRecord writes a record under an id the engine gives it, and answers the id;
// with fail set, it then fails, so the record is never made.
type makeRecord struct{ fail bool }

func (c *makeRecord) Keys() []linkfin.ObjectKey { return nil }

func (c *makeRecord) Apply(tx linkfin.Tx) (any, error) {
	id := tx.NewID("rec")
	var old json.RawMessage
	if found, err := tx.Get("record", id, &old); err != nil || found {
		return nil, linkfin.Errorf(linkfin.EINTERNAL, "a new id reads as a record: %v", err)
	}
	if err := tx.Put("record", id, map[string]string{"id": id}, "record.made"); err != nil {
		return nil, err
	}
	if c.fail {
		return nil, linkfin.Errorf(linkfin.EINVALID, "refused")
	}
	return id, nil
}

// TestNewID: the ids the engine gives are typed, of the id alphabet, unique, and grow
// with the order they were made in: within a batch, across batches, with a clock that
// stands still, and after a restart whose clock is behind the last one.
func TestNewID(t *testing.T) {
	ctx := context.Background()
	db, signer := openStore(t)
	shape := regexp.MustCompile(`^rec_[0-9a-hjkmnp-tv-z]{13}$`)
	var ids []string
	run := func(now time.Time, n int) {
		e, err := engine.Open(ctx, engine.Config{Store: db, Signer: signer, Now: func() time.Time { return now }})
		if err != nil {
			t.Fatal(err)
		}
		defer e.Close()
		for i := range n {
			// Several commands per request: one batch hands out several ids.
			cs := []linkfin.Command{&makeRecord{}, &makeRecord{fail: true}, &makeRecord{}}
			resp, err := e.Submit(ctx, &engine.Request{Commands: cs})
			if err != nil {
				t.Fatal(err)
			}
			for j, out := range resp.Outcomes {
				if j == 1 {
					if out.Code != linkfin.EINVALID {
						t.Fatalf("request %d: the failing command answered %+v", i, out)
					}
					continue
				}
				var id string
				if err := json.Unmarshal(out.Value, &id); err != nil || out.Code != "" {
					t.Fatalf("request %d, command %d: %+v", i, j, out)
				}
				if !shape.MatchString(id) || linkfin.ValidateID("id", id) != nil {
					t.Fatalf("id %q is not rec_ and 13 base32 digits of the id alphabet", id)
				}
				ids = append(ids, id)
			}
		}
	}
	day := time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)
	run(day, 20)
	run(day.Add(-time.Hour), 20) // a restart with a clock that went back
	if len(ids) != 80 {
		t.Fatalf("%d ids", len(ids))
	}
	if !slices.IsSorted(ids) || len(slices.Compact(slices.Clone(ids))) != len(ids) {
		t.Fatalf("ids are not unique and growing: %v", ids)
	}
	// Every one names a stored record; the failed commands' records are not stored.
	objs, err := db.ListObjects(ctx, "record", "", 1000)
	if err != nil {
		t.Fatal(err)
	}
	if len(objs) != len(ids) {
		t.Fatalf("%d records stored for %d ids", len(objs), len(ids))
	}
	for i, o := range objs {
		if o.ID != ids[i] {
			t.Fatalf("record %d is %s, id %s", i, o.ID, ids[i])
		}
	}
}
