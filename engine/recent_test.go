package engine_test

import (
	"context"
	"testing"

	"linkfin"
	"linkfin/engine"
)

// TestRecords: a record a recent batch wrote is read from the engine's memory, as the
// store holds it, and a copy of it; one written longer ago is read from the store.
func TestRecords(t *testing.T) {
	ctx := context.Background()
	e, _, db := openEngineWith(t, engine.Config{RecentRecords: 2})

	submit(t, e, put("r1"))
	stored, err := db.Object(ctx, "bundle", "r1")
	if err != nil {
		t.Fatal(err)
	}
	got, err := e.Records().Object(ctx, "bundle", "r1")
	if err != nil {
		t.Fatal(err)
	}
	if got.Kind != stored.Kind || got.ID != stored.ID || got.Version != stored.Version ||
		string(got.Data) != string(stored.Data) || got.UpdatedAt != stored.UpdatedAt || got.Parties != nil || got.Indexed != nil {
		t.Fatalf("read through the engine %+v, the store holds %+v", got, stored)
	}

	// Change the row behind the engine's back: what the engine answers is its memory.
	if err := db.Exec(ctx, `UPDATE objects SET data = '{"id":"r1","note":"edited"}' WHERE kind = 'bundle' AND id = 'r1'`); err != nil {
		t.Fatal(err)
	}
	got.Data[0] = 'X' // a copy: this changes nothing the engine holds
	again, err := e.Records().Object(ctx, "bundle", "r1")
	if err != nil {
		t.Fatal(err)
	}
	if string(again.Data) != string(stored.Data) {
		t.Fatalf("read through the engine %s, want the version it committed %s", again.Data, stored.Data)
	}

	// Four more versions written: r1 has left the engine's memory and is read from the store.
	for _, id := range []string{"r2", "r3", "r4", "r5"} {
		submit(t, e, put(id))
	}
	old, err := e.Records().Object(ctx, "bundle", "r1")
	if err != nil {
		t.Fatal(err)
	}
	if string(old.Data) != `{"id":"r1","note":"edited"}` {
		t.Fatalf("r1 read through the engine: %s, want the store's row", old.Data)
	}
	if _, err := e.Records().Object(ctx, "bundle", "absent"); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
		t.Fatalf("an absent record: %v, want %s", err, linkfin.ENOTFOUND)
	}
}
