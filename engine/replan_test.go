package engine_test

import (
	"testing"

	"linkfin"
)

// follow reads the bundle that bundle "ptr" names in its note, and the bundle of that
// name with "-more" after it: it names both in DependentKeys, from ptr as the batch
// finds it, as the domain's commands name what an index record points to.
type follow struct{}

func (follow) Keys() []linkfin.ObjectKey { return []linkfin.ObjectKey{{Kind: "bundle", ID: "ptr"}} }

func (follow) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var ptr bundle
	if found, err := r.Get("bundle", "ptr", &ptr); err != nil || !found {
		return nil
	}
	return []linkfin.ObjectKey{{Kind: "bundle", ID: ptr.Note}, {Kind: "bundle", ID: ptr.Note + "-more"}}
}

func (follow) Apply(tx linkfin.Tx) (any, error) {
	ptr, err := get(tx, "ptr")
	if err != nil {
		return nil, err
	}
	var notes []string
	for _, id := range []string{ptr.Note, ptr.Note + "-more"} {
		b, err := get(tx, id)
		if err != nil {
			return nil, err
		}
		notes = append(notes, b.Note)
	}
	return notes, nil
}

// noted writes bundle id with a note.
func noted(id, note string) *step {
	return &step{key: id, apply: func(tx linkfin.Tx) (any, error) {
		b := newBundle(id)
		b.Note = note
		return nil, tx.Put("bundle", id, b, "bundle.noted")
	}}
}

// A command whose records an earlier command of its batch moved (it worked them out
// from the records as they stood before the batch) is planned again from the records
// as they now stand, loading what memory lacks from the store, and runs: the request
// is answered as if it had come after, not 409. The one record it reads that nothing
// lists (y-more) is loaded from the store in the middle of the batch.
func TestStalePlanRunsAgain(t *testing.T) {
	e, reopen, _ := openEngine(t)
	for _, out := range submit(t, e, noted("ptr", "x"), noted("x", "old"), noted("x-more", "old more"),
		noted("y", "first"), noted("y-more", "in the store")) {
		if out.Code != "" {
			t.Fatal(out)
		}
	}
	e = reopen() // memory holds nothing: y-more is in the store alone
	out := submit(t, e, noted("ptr", "y"), noted("y", "moved"), follow{})
	if out[2].Code != "" || string(out[2].Value) != `["moved","in the store"]` {
		t.Fatalf("following the pointer an earlier command moved: %+v", out[2])
	}
	// Planned again it is still a command: one that never lists what it reads stays
	// refused (TestUnlistedChangedInBatch).
}
