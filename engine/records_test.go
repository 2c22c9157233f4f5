package engine_test

import (
	"context"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"linkfin"
	"linkfin/engine"
	"linkfin/sqlite"
	"linkfin/sqlite/sqlitetest"
)

// bundle is a test record with every kind of value a command may change in place.
type bundle struct {
	ID    string           `json:"id"`
	Tags  []string         `json:"tags"`
	Attrs map[string]int64 `json:"attrs"`
	Lines []bundleLine     `json:"lines"`
	Next  *bundleLine      `json:"next,omitempty"`
	Note  string           `json:"note,omitempty"`
	Seen  counted          `json:"seen"`
}

type bundleLine struct {
	Qty  int64    `json:"qty"`
	Refs []string `json:"refs"`
}

// counted counts how often the records that hold it are decoded and encoded.
type counted struct{ N int64 }

var decodes, encodes atomic.Int64

func (c counted) MarshalJSON() ([]byte, error) { encodes.Add(1); return json.Marshal(c.N) }

func (c *counted) UnmarshalJSON(b []byte) error { decodes.Add(1); return json.Unmarshal(b, &c.N) }

func init() { linkfin.RegisterKind("bundle", func() any { return new(bundle) }) }

func newBundle(id string) *bundle {
	return &bundle{ID: id, Tags: []string{"a", "b"}, Attrs: map[string]int64{"x": 1},
		Lines: []bundleLine{{Qty: 1, Refs: []string{"r"}}}, Next: &bundleLine{Qty: 2, Refs: []string{"n"}}}
}

// scramble changes everything in b in place, down to the slices and maps it holds.
func scramble(b *bundle) {
	b.Tags[0] = "changed"
	b.Tags = append(b.Tags[:1], "appended")
	b.Attrs["x"] = 99
	b.Attrs["y"] = 1
	b.Lines[0].Qty = 7
	b.Lines[0].Refs[0] = "changed"
	b.Next.Qty = 9
	b.Next.Refs[0] = "changed"
	b.Seen.N++
}

// step is a test command: it lists key, runs apply, and has LedgerKeys run ledger.
type step struct {
	key    string
	ledger func(r linkfin.Records)
	apply  func(tx linkfin.Tx) (any, error)
}

func (s *step) Keys() []linkfin.ObjectKey { return []linkfin.ObjectKey{{Kind: "bundle", ID: s.key}} }

func (s *step) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	if s.ledger != nil {
		s.ledger(r)
	}
	return nil, nil
}

func (s *step) Apply(tx linkfin.Tx) (any, error) { return s.apply(tx) }

// openEngine opens an engine on a SQLite file, which reopen opens again with an empty
// cache.
func openEngine(t *testing.T) (e *engine.Engine, reopen func() *engine.Engine, db *sqlite.DB) {
	t.Helper()
	return openEngineWith(t, engine.Config{})
}

// openEngineWith is openEngine with the settings of cfg (its store and signer are the
// test's).
func openEngineWith(t *testing.T, cfg engine.Config) (e *engine.Engine, reopen func() *engine.Engine, db *sqlite.DB) {
	t.Helper()
	ctx := context.Background()
	db, signer := openStore(t)
	reopen = func() *engine.Engine {
		if e != nil {
			e.Close()
		}
		cfg.Store, cfg.Signer = db, signer
		var err error
		e, err = engine.Open(ctx, cfg)
		if err != nil {
			t.Fatal(err)
		}
		return e
	}
	t.Cleanup(func() { e.Close() })
	return reopen(), reopen, db
}

// openStore opens a migrated SQLite store in the test's directory, closed when the
// test ends, and a signer for the engine's log.
func openStore(t *testing.T) (*sqlite.DB, note.Signer) {
	t.Helper()
	signer, _ := testSigner(t)
	return sqlitetest.Open(t), signer
}

// submit runs the commands as one request (one batch) and returns their outcomes.
func submit(t *testing.T, e *engine.Engine, cs ...linkfin.Command) []engine.Outcome {
	t.Helper()
	resp, err := e.Submit(context.Background(), &engine.Request{Commands: cs})
	if err != nil {
		t.Fatal(err)
	}
	return resp.Outcomes
}

func get(tx linkfin.Tx, id string) (*bundle, error) {
	var b bundle
	if found, err := tx.Get("bundle", id, &b); err != nil || !found {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "bundle %s: found %v, %v", id, found, err)
	}
	return &b, nil
}

func put(id string) *step {
	return &step{key: id, apply: func(tx linkfin.Tx) (any, error) {
		b := newBundle(id)
		return b, tx.Put("bundle", id, b, "bundle.made")
	}}
}

func decode(t *testing.T, data []byte) *bundle {
	t.Helper()
	var b bundle
	if err := json.Unmarshal(data, &b); err != nil {
		t.Fatalf("%s: %v", data, err)
	}
	return &b
}

// TestRecordCopies: the writer keeps each record's current version as a value, and no
// command can change it but by a Put that succeeds. A command that changes what it
// read in Apply (its slices, maps and pointers too) and fails, or that changes what it
// reads back of its own write, leaves the version as it was for the next command,
// whether the version was loaded from the store or written in memory. (What LedgerKeys
// reads is shared, and a command changes none of it: TestSharedReadsChecked; nor what
// it wrote: TestChangedAfterPutChecked.)
func TestRecordCopies(t *testing.T) {
	for _, loaded := range []bool{false, true} {
		name := map[bool]string{false: "written", true: "loaded"}[loaded]
		t.Run(name, func(t *testing.T) {
			e, reopen, db := openEngine(t)
			const id = "b1"
			if out := submit(t, e, put(id)); out[0].Code != "" {
				t.Fatal(out[0])
			}
			if loaded {
				e = reopen()
			}
			want := newBundle(id)
			changed := newBundle(id) // the version the third command writes
			changed.Note = "kept"
			changed.Tags = append(changed.Tags, "c")
			answer := newBundle(id) // what it answers: its write read back, and changed
			answer.Tags = append(answer.Tags, "c")
			answer.Note = "changed after the put"
			scramble(answer)
			read := &step{key: id, apply: func(tx linkfin.Tx) (any, error) { return get(tx, id) }}
			outs := submit(t, e,
				// Reads in LedgerKeys and in Apply, changes all Apply read, and fails.
				&step{key: id, ledger: func(r linkfin.Records) {
					var b bundle
					r.Get("bundle", id, &b)
				}, apply: func(tx linkfin.Tx) (any, error) {
					b, err := get(tx, id)
					if err != nil {
						return nil, err
					}
					scramble(b)
					return nil, linkfin.Errorf(linkfin.ECONFLICT, "refused")
				}},
				read,
				// Writes a change, then reads it back, changes that and answers it.
				&step{key: id, apply: func(tx linkfin.Tx) (any, error) {
					b, err := get(tx, id)
					if err != nil {
						return nil, err
					}
					b.Note, b.Tags = changed.Note, append(b.Tags, "c")
					if err := tx.Put("bundle", id, b, "bundle.changed"); err != nil {
						return nil, err
					}
					if b, err = get(tx, id); err != nil {
						return nil, err
					}
					b.Note = answer.Note
					scramble(b)
					return b, nil
				}},
				read,
				// Writes a change, then fails: the write is undone.
				&step{key: id, apply: func(tx linkfin.Tx) (any, error) {
					b, err := get(tx, id)
					if err != nil {
						return nil, err
					}
					scramble(b)
					if err := tx.Put("bundle", id, b, "bundle.changed"); err != nil {
						return nil, err
					}
					return nil, linkfin.Errorf(linkfin.ECONFLICT, "refused")
				}},
				read,
			)
			for i, code := range []string{linkfin.ECONFLICT, "", "", "", linkfin.ECONFLICT, ""} {
				if outs[i].Code != code {
					t.Fatalf("command %d answered %+v, want code %q", i, outs[i], code)
				}
			}
			if got := decode(t, outs[1].Value); !reflect.DeepEqual(got, want) {
				t.Errorf("after a command that changed the record and failed, it reads %+v, want %+v", got, want)
			}
			if got := decode(t, outs[2].Value); !reflect.DeepEqual(got, answer) {
				t.Errorf("a command answered %+v, want the value as it returned it, %+v", got, answer)
			}
			for _, i := range []int{3, 5} {
				if got := decode(t, outs[i].Value); !reflect.DeepEqual(got, changed) {
					t.Errorf("command %d read %+v, want the version written, %+v", i, got, changed)
				}
			}
			objs, err := db.ObjectsByKey(context.Background(), []linkfin.ObjectKey{{Kind: "bundle", ID: id}})
			if err != nil || len(objs) != 1 {
				t.Fatal(objs, err)
			}
			if got := decode(t, objs[0].Data); !reflect.DeepEqual(got, changed) {
				t.Errorf("the store holds %+v, want %+v", got, changed)
			}
			// A later batch, and an engine that loads it again, read the same.
			for i := range 2 {
				if i == 1 {
					e = reopen()
				}
				if got := decode(t, submit(t, e, read)[0].Value); !reflect.DeepEqual(got, changed) {
					t.Errorf("a later batch reads %+v, want %+v", got, changed)
				}
			}
		})
	}
}

// TestRecordReadsOtherTypes: a record read into another type than its kind's (raw JSON,
// a smaller struct, a map) reads as its JSON decodes, and so does one read into a
// value that is not empty: decoded into, as json.Unmarshal does.
func TestRecordReadsOtherTypes(t *testing.T) {
	e, _, _ := openEngine(t)
	const id = "b2"
	submit(t, e, put(id))
	var data []byte
	outs := submit(t, e, &step{key: id, apply: func(tx linkfin.Tx) (any, error) {
		var raw json.RawMessage
		var small struct {
			ID   string   `json:"id"`
			Tags []string `json:"tags"`
		}
		var m map[string]any
		partial := bundle{Note: "mine", Tags: []string{"x", "y", "z"}}
		for _, v := range []any{&raw, &small, &m, &partial} {
			if found, err := tx.Get("bundle", id, v); err != nil || !found {
				return nil, linkfin.Errorf(linkfin.EINTERNAL, "%T: found %v, %v", v, found, err)
			}
		}
		data = raw
		return []any{small, m, partial}, nil
	}})
	if outs[0].Code != "" {
		t.Fatal(outs[0])
	}
	var small struct {
		ID   string   `json:"id"`
		Tags []string `json:"tags"`
	}
	var m map[string]any
	partial := bundle{Note: "mine", Tags: []string{"x", "y", "z"}}
	for _, v := range []any{&small, &m, &partial} {
		if err := json.Unmarshal(data, v); err != nil {
			t.Fatal(err)
		}
	}
	want, _ := json.Marshal([]any{small, m, partial})
	if string(outs[0].Value) != string(want) {
		t.Errorf("read into other types:\n got %s\nwant %s", outs[0].Value, want)
	}
	if got := decode(t, data); !reflect.DeepEqual(got, newBundle(id)) || partial.Note != "mine" {
		t.Errorf("raw JSON %s; a non-empty value decoded into keeps its note: %q", data, partial.Note)
	}
}

// TestRecordDecodedOnce: a record is decoded once when a batch first reads it, however
// many commands read it after, in LedgerKeys or in Apply; a Put encodes it once, and an
// answer that is the value it wrote is not encoded again.
func TestRecordDecodedOnce(t *testing.T) {
	e, reopen, _ := openEngine(t)
	const id = "b3"
	encodes.Store(0)
	outs := submit(t, e, put(id))
	if n := encodes.Load(); n != 1 {
		t.Errorf("a command that wrote a record and answered it encoded it %d times, want 1", n)
	}
	if outs[0].ValueFrom == nil || string(outs[0].Value) != string(mustJSON(t, newBundle(id))) {
		t.Errorf("the answer is %s from %v, want the record from its event", outs[0].Value, outs[0].ValueFrom)
	}
	e = reopen()
	var cs []linkfin.Command
	for range 4 {
		cs = append(cs, &step{key: id, ledger: func(r linkfin.Records) {
			var b bundle
			r.Get("bundle", id, &b)
		}, apply: func(tx linkfin.Tx) (any, error) {
			_, err := get(tx, id)
			return nil, err
		}})
	}
	decodes.Store(0)
	for i, out := range submit(t, e, cs...) {
		if out.Code != "" {
			t.Fatalf("command %d: %+v", i, out)
		}
	}
	if n := decodes.Load(); n != 1 {
		t.Errorf("8 reads of a record in a batch decoded it %d times, want 1", n)
	}
	decodes.Store(0)
	submit(t, e, cs[0])
	if n := decodes.Load(); n != 0 {
		t.Errorf("a record read in an earlier batch was decoded %d times, want 0", n)
	}
}

func mustJSON(t *testing.T, v any) []byte {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestSharedReadsChecked: LedgerKeys reads a record without copying it, sharing the
// slices, maps and pointers the writer's cache holds; and a command that changes what
// it read there, in LedgerKeys or later in Apply through what it kept, fails in a test
// binary with its type and the record. One that changes only its own shallow copy does
// not.
func TestSharedReadsChecked(t *testing.T) {
	var changed []error
	defer engine.OnSharedChange(func(err error) { changed = append(changed, err) })()
	e, _, _ := openEngine(t)
	const id = "b-shared"
	if out := submit(t, e, put(id)); out[0].Code != "" {
		t.Fatal(out[0])
	}
	var first, second bundle
	reader := func(id string, into *bundle, change func(*bundle)) *step {
		return &step{key: id, ledger: func(r linkfin.Records) {
			*into = bundle{}
			if found, err := r.Get("bundle", id, into); !found || err != nil {
				t.Errorf("LedgerKeys read %v, %v", found, err)
			}
			if change != nil {
				change(into)
			}
		}, apply: func(tx linkfin.Tx) (any, error) { return nil, nil }}
	}
	submit(t, e, reader(id, &first, nil), reader(id, &second, func(b *bundle) {
		b.Note, b.Tags, b.Next = "mine", append(slices.Clip(b.Tags), "c"), &bundleLine{}
	}))
	if len(changed) != 0 {
		t.Fatalf("reads that changed only their own copies failed: %v", changed)
	}
	if !reflect.DeepEqual(&first, newBundle(id)) {
		t.Fatalf("LedgerKeys read %+v, want %+v", first, newBundle(id))
	}
	if &first.Lines[0] != &second.Lines[0] || reflect.ValueOf(first.Attrs).UnsafePointer() != reflect.ValueOf(second.Attrs).UnsafePointer() {
		t.Errorf("two commands' LedgerKeys read copies of the record, not what the cache holds")
	}
	// Each on a record of its own: a record changed is still changed for the next
	// reader, and noted again.
	for name, step := range map[string]func(id string) *step{
		"LedgerKeys": func(id string) *step { return reader(id, &first, scramble) },
		"Apply": func(id string) *step {
			return &step{key: id, ledger: func(r linkfin.Records) { second = bundle{}; r.Get("bundle", id, &second) },
				apply: func(tx linkfin.Tx) (any, error) { second.Lines[0].Qty++; return nil, nil }}
		},
	} {
		c := step(id + "-" + name)
		if out := submit(t, e, put(c.key)); out[0].Code != "" {
			t.Fatal(out[0])
		}
		changed = nil
		submit(t, e, c)
		want := "*engine_test.step changed the bundle record " + c.key + " "
		if len(changed) != 1 || !strings.Contains(changed[0].Error(), want) {
			t.Errorf("%s changed what it read: the engine noted %v, want an error with %q", name, changed, want)
		}
	}
}

// TestChangedAfterPutChecked: a Put keeps the value it was given, uncopied, and a
// command that changes it after (through what it shares with the version too) fails
// in a test binary, with the record and the command's type, as does a change its maker
// makes before the version is read again. A value changed and written again, or
// changed by a command that then failed, does not.
func TestChangedAfterPutChecked(t *testing.T) {
	var changed []error
	defer engine.OnSharedChange(func(err error) { changed = append(changed, err) })()
	e, _, _ := openEngine(t)
	read := func(id string) *step {
		return &step{key: id, apply: func(tx linkfin.Tx) (any, error) { return get(tx, id) }}
	}
	for i, tc := range []struct {
		name  string
		apply func(tx linkfin.Tx, id string, b *bundle) error
		after func(b *bundle) // what the command's maker does to the value it gave
		fails bool
	}{
		{"in the command", func(tx linkfin.Tx, id string, b *bundle) error {
			if err := tx.Put("bundle", id, b, "bundle.made"); err != nil {
				return err
			}
			b.Lines[0].Qty++
			return nil
		}, nil, true},
		{"through a map", func(tx linkfin.Tx, id string, b *bundle) error {
			if err := tx.Put("bundle", id, b, "bundle.made"); err != nil {
				return err
			}
			b.Attrs["y"] = 2
			return nil
		}, nil, true},
		{"by its maker", func(tx linkfin.Tx, id string, b *bundle) error {
			return tx.Put("bundle", id, b, "bundle.made")
		}, func(b *bundle) { b.Next.Qty = 7 }, true},
		{"written again", func(tx linkfin.Tx, id string, b *bundle) error {
			if err := tx.Put("bundle", id, b, "bundle.made"); err != nil {
				return err
			}
			b.Note = "again"
			return tx.Put("bundle", id, b, "bundle.changed")
		}, nil, false},
		{"in a command that failed", func(tx linkfin.Tx, id string, b *bundle) error {
			if err := tx.Put("bundle", id, b, "bundle.made"); err != nil {
				return err
			}
			scramble(b)
			return linkfin.Errorf(linkfin.ECONFLICT, "refused")
		}, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			changed = nil
			id := fmt.Sprintf("b-put-%d", i)
			b := newBundle(id)
			submit(t, e, &step{key: id, apply: func(tx linkfin.Tx) (any, error) { return nil, tc.apply(tx, id, b) }})
			if tc.after != nil {
				if len(changed) != 0 {
					t.Fatalf("noted before the change: %v", changed)
				}
				tc.after(b)
				submit(t, e, read(id))
			}
			if !tc.fails {
				if len(changed) != 0 {
					t.Fatalf("noted %v", changed)
				}
				return
			}
			want := "the bundle record " + id + " that *engine_test.step wrote changed after it was written"
			if len(changed) == 0 || !strings.Contains(changed[0].Error(), want) {
				t.Fatalf("noted %v, want an error with %q", changed, want)
			}
		})
	}
}

// TestViewShares: linkfin.View reads a record in Apply without copying it: what it
// reads shares what the cache holds, and a command that changes it is noted in a test
// binary, with its type and the record.
func TestViewShares(t *testing.T) {
	var changed []error
	defer engine.OnSharedChange(func(err error) { changed = append(changed, err) })()
	e, _, _ := openEngine(t)
	const id = "b-viewed"
	if out := submit(t, e, put(id)); out[0].Code != "" {
		t.Fatal(out[0])
	}
	var first, second bundle
	view := func(into *bundle, change func(*bundle)) *step {
		return &step{key: id, apply: func(tx linkfin.Tx) (any, error) {
			*into = bundle{}
			if ok, err := linkfin.View(tx, "bundle", id, into); !ok || err != nil {
				return nil, fmt.Errorf("viewed %v, %v", ok, err)
			}
			if change != nil {
				change(into)
			}
			return nil, nil
		}}
	}
	for i, out := range submit(t, e, view(&first, nil), view(&second, nil)) {
		if out.Code != "" {
			t.Fatalf("command %d: %+v", i, out)
		}
	}
	if len(changed) != 0 || !reflect.DeepEqual(&first, newBundle(id)) {
		t.Fatalf("viewed %+v (noted %v), want %+v", first, changed, newBundle(id))
	}
	if &first.Lines[0] != &second.Lines[0] || first.Next != second.Next {
		t.Errorf("two commands viewed copies of the record, not what the cache holds")
	}
	submit(t, e, view(&first, func(b *bundle) { b.Tags[0] = "changed" }))
	want := "*engine_test.step changed the bundle record " + id + " "
	if len(changed) != 1 || !strings.Contains(changed[0].Error(), want) {
		t.Errorf("a command changed what it viewed: the engine noted %v, want an error with %q", changed, want)
	}
}
