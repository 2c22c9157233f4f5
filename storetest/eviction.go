package storetest

import (
	"fmt"
	"strings"
	"testing"

	"linkfin"
	"linkfin/engine"
	"linkfin/services"
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

func (c *bump) Apply(tx linkfin.Tx) (any, error) {
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
	env.CacheRows = coldCacheRows
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
			if env.Engine.Stats().Evictions.Load() == 0 {
				t.Fatal("the engine never dropped its record cache: the test reads nothing back")
			}
			env.Restart()
		}
	}
	if env.Engine.Stats().Evictions.Load() == 0 {
		t.Fatal("the engine never dropped its record cache after the restart")
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

// testIdempotentAnswers: an answer that is the record a command wrote is stored once,
// in the log: the idempotency record keeps a reference, and a replay after a restart
// gives the whole answer back, byte for byte.
func testIdempotentAnswers(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	bumpReq := &engine.Request{IdempotencyKey: "op:bump", Commands: []linkfin.Command{&bump{IDs: []string{"a"}}}}
	orgReq := func() *engine.Request {
		return &engine.Request{IdempotencyKey: "op:org", Commands: []linkfin.Command{&services.CreateOrganization{
			Org: linkfin.Organization{ID: "o1", Name: "One", Capabilities: []linkfin.Capability{linkfin.CapTrade}}}}}
	}
	first := env.Submit(orgReq())
	env.Submit(bumpReq)
	recs, err := env.Store.IdempotencyByKey(t.Context(), []string{"op:org", "op:bump"})
	if err != nil || len(recs) != 2 {
		t.Fatalf("stored answers: %v, %v", recs, err)
	}
	for _, r := range recs {
		switch r.Key {
		case "op:org":
			// The organization's answer wraps the record: it is not an event's data,
			// so it is stored whole.
			if !strings.Contains(string(r.Response), `"value":`) {
				t.Fatalf("the organization's answer lost its value: %s", r.Response)
			}
		case "op:bump":
			// A bump answers null, which no event holds either.
			if strings.Contains(string(r.Response), "value_from") {
				t.Fatalf("the bump's answer refers to an event: %s", r.Response)
			}
		}
	}
	// A command that answers the record it wrote is stored by reference.
	tallyReq := &engine.Request{IdempotencyKey: "op:tally", Commands: []linkfin.Command{&bumpOne{ID: "b"}}}
	orig := env.Submit(tallyReq)
	recs, err = env.Store.IdempotencyByKey(t.Context(), []string{"op:tally"})
	if err != nil || len(recs) != 1 || strings.Contains(string(recs[0].Response), `"value":`) ||
		!strings.Contains(string(recs[0].Response), `"value_from":`) {
		t.Fatalf("the tally's stored answer: %+v, %v", recs, err)
	}
	// A request of several such commands refers to several events, read back together.
	manyReq := &engine.Request{IdempotencyKey: "op:many", Commands: []linkfin.Command{&bumpOne{ID: "c1"}, &bumpOne{ID: "c2"}, &bumpOne{ID: "c3"}}}
	many := env.Submit(manyReq)
	env.Restart()
	again := env.Submit(tallyReq)
	if !again.Replayed || string(again.Outcomes[0].Value) != string(orig.Outcomes[0].Value) || len(orig.Outcomes[0].Value) == 0 {
		t.Fatalf("replay after a restart: %s, want %s", again.Outcomes[0].Value, orig.Outcomes[0].Value)
	}
	manyAgain := env.Submit(manyReq)
	for i := range many.Outcomes {
		if !manyAgain.Replayed || len(many.Outcomes[i].Value) == 0 || string(manyAgain.Outcomes[i].Value) != string(many.Outcomes[i].Value) {
			t.Fatalf("outcome %d of a replayed request of three: %s, want %s", i, manyAgain.Outcomes[i].Value, many.Outcomes[i].Value)
		}
	}
	if r := env.Submit(orgReq()); !r.Replayed || string(r.Outcomes[0].Value) != string(first.Outcomes[0].Value) {
		t.Fatalf("the organization's replay: %s", r.Outcomes[0].Value)
	}
	if got := record[tally](t, env, "tally", "b"); got.N != 1 {
		t.Fatalf("tally b counted %d", got.N)
	}
	env.MustVerify()
}

// bumpOne adds one to a tally and answers the tally: the record it wrote.
type bumpOne struct{ ID string }

func (c *bumpOne) Keys() []linkfin.ObjectKey { return []linkfin.ObjectKey{{Kind: "tally", ID: c.ID}} }

func (c *bumpOne) Apply(tx linkfin.Tx) (any, error) {
	t := tally{ID: c.ID}
	if _, err := tx.Get("tally", c.ID, &t); err != nil {
		return nil, err
	}
	t.N++
	return &t, tx.Put("tally", c.ID, &t, "tally.bumped")
}
