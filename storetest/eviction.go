package storetest

import (
	"fmt"
	"testing"

	"linkfin"
	"linkfin/engine"
)

// tally is a test record that counts the commands that touched it.
type tally struct {
	ID string `json:"id"`
	N  int    `json:"n"`
}

// bump adds one to each tally it names, reading each first.
type bump struct{ IDs []string }

func (c *bump) Keys() []linkfin.ObjectKey {
	keys := make([]linkfin.ObjectKey, len(c.IDs))
	for i, id := range c.IDs {
		keys[i] = linkfin.ObjectKey{Kind: "tally", ID: id}
	}
	return keys
}

func (c *bump) Apply(tx *engine.Tx) (any, error) {
	for _, id := range c.IDs {
		t := tally{ID: id}
		if _, err := tx.Get("tally", id, &t); err != nil {
			return nil, err
		}
		t.N++
		if err := tx.Put("tally", id, &t, "tally.bumped"); err != nil {
			return nil, err
		}
	}
	return nil, nil
}

// testObjectEviction: with a cache far smaller than the records, the engine drops
// records between batches and reads them again, and never reads an old version: every
// count comes out exact, and the log agrees.
func testObjectEviction(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	env.CacheRows = 64 // at most 8 records kept between batches
	env.Restart()
	const tallies, rounds = 40, 5
	for r := 0; r < rounds; r++ {
		for i := 0; i < tallies; i += 4 {
			var ids []string
			for j := i; j < i+4; j++ {
				ids = append(ids, fmt.Sprintf("t%02d", j))
			}
			mustRun(t, env, &bump{IDs: ids})
		}
		if r == 2 {
			env.Restart()
		}
	}
	for i := 0; i < tallies; i++ {
		id := fmt.Sprintf("t%02d", i)
		got := record[tally](t, env, "tally", id)
		o, err := env.Store.Object(t.Context(), "tally", id)
		if err != nil {
			t.Fatal(err)
		}
		if got.N != rounds || o.Version != rounds {
			t.Fatalf("%s: count %d at version %d, want %d", id, got.N, o.Version, rounds)
		}
	}
	env.MustVerify()
}
