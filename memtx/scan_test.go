package memtx_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"testing"
	"time"

	"linkfin"
	"linkfin/memtx"
)

// rawNote writes a note as its JSON, which the database then decodes on its first read.
type rawNote struct{ ID, Text string }

func (c *rawNote) Keys() []linkfin.ObjectKey { return []linkfin.ObjectKey{{Kind: kindNote, ID: c.ID}} }

func (c *rawNote) Apply(tx linkfin.Tx) (any, error) {
	data, _ := json.Marshal(note{ID: c.ID, Text: c.Text})
	return nil, tx.Put(kindNote, c.ID, json.RawMessage(data), kindNote+".written")
}

func scanNotes(t *testing.T, db *memtx.DB) ([]string, []*note) {
	t.Helper()
	var ids []string
	var vals []*note
	err := db.ScanShared(kindNote, func(id string, v any) error {
		n, ok := v.(*note)
		if !ok {
			return fmt.Errorf("%s is a %T", id, v)
		}
		ids, vals = append(ids, id), append(vals, n)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return ids, vals
}

// ScanShared hands every record of a kind once, in id order, as the value the database
// keeps: the same value on every scan, which a later write does not change, and the
// value its JSON decodes to for a record written as JSON.
func TestScanShared(t *testing.T) {
	db := memtx.New(func() time.Time { return start })
	var want []string
	for i := range 600 { // more than a batch of the scan
		id := fmt.Sprintf("n%d", (i*7919)%600)
		want = append(want, id)
		run(t, db, &write{ID: id})
	}
	if err := db.Run(context.Background(), &rawNote{ID: "raw", Text: "as JSON"}, nil); err != nil {
		t.Fatal(err)
	}
	want = append(want, "raw")
	slices.Sort(want)
	ids, vals := scanNotes(t, db)
	if !slices.Equal(ids, want) {
		t.Fatalf("scanned %d ids %v…, want %d in order", len(ids), ids[:min(5, len(ids))], len(want))
	}
	for i, id := range ids {
		var got note
		if ok, err := db.Get(kindNote, id, &got); !ok || err != nil || got != *vals[i] || vals[i].ID != id {
			t.Fatalf("%s scans as %+v, reads as %+v (%v, %v)", id, *vals[i], got, ok, err)
		}
	}
	if raw := vals[slices.Index(ids, "raw")]; raw.Text != "as JSON" {
		t.Fatalf("the note written as JSON scans as %+v", raw)
	}
	// The values themselves, not copies: a second scan hands the same ones.
	_, again := scanNotes(t, db)
	for i := range vals {
		if again[i] != vals[i] {
			t.Fatalf("%s: a second scan handed another value", ids[i])
		}
	}
	// A write makes a new version: what the first scan handed stays as it was.
	before := *vals[0]
	if err := db.Run(context.Background(), &rawNote{ID: ids[0], Text: "changed"}, nil); err != nil {
		t.Fatal(err)
	}
	if *vals[0] != before {
		t.Fatalf("a write changed the value scanned before it: %+v, was %+v", *vals[0], before)
	}
	if _, after := scanNotes(t, db); after[0].Text != "changed" {
		t.Fatalf("a scan after a write hands %+v", *after[0])
	}
}

// fn may read the database as it runs; its error stops the scan; a kind with no
// records hands nothing.
func TestScanSharedCallback(t *testing.T) {
	db := memtx.New(func() time.Time { return start })
	for _, id := range []string{"a", "b", "c"} {
		run(t, db, &write{ID: id})
	}
	stop := errors.New("stop")
	var seen []string
	err := db.ScanShared(kindNote, func(id string, _ any) error {
		if ok, err := db.Get(kindNote, id, new(note)); !ok || err != nil {
			return fmt.Errorf("%s: %v, %v", id, ok, err)
		}
		seen = append(seen, id)
		if id == "b" {
			return stop
		}
		return nil
	})
	if !errors.Is(err, stop) || !slices.Equal(seen, []string{"a", "b"}) {
		t.Fatalf("scanned %v, then %v", seen, err)
	}
	err = db.ScanShared(kindBundle, func(id string, _ any) error { return fmt.Errorf("handed %s", id) })
	if err != nil {
		t.Fatal(err)
	}
}
