package memtx_test

import (
	"context"
	"encoding/json"
	"fmt"
	"math"
	"reflect"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"linkfin"
	"linkfin/memtx"
)

const kindBundle = "memtx_bundle"

// bundle is a test record with every kind of value a command may change in place.
type bundle struct {
	ID    string           `json:"id"`
	Tags  []string         `json:"tags"`
	Attrs map[string]int64 `json:"attrs"`
	Next  *bundleLine      `json:"next,omitempty"`
	Lines []bundleLine     `json:"lines"`
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

func init() { linkfin.RegisterKind(kindBundle, func() any { return new(bundle) }) }

func newBundle(id string) *bundle {
	return &bundle{ID: id, Tags: []string{"a", "b"}, Attrs: map[string]int64{"x": 1},
		Lines: []bundleLine{{Qty: 1, Refs: []string{"r"}}}, Next: &bundleLine{Qty: 2, Refs: []string{"n"}}}
}

// scramble changes everything in b in place, down to the slices and maps it holds.
func scramble(b *bundle) {
	b.Tags[0] = "changed"
	b.Tags = append(b.Tags[:1], "appended")
	b.Attrs["x"] = 99
	b.Lines[0].Refs[0] = "changed"
	b.Next.Refs[0] = "changed"
	b.Seen.N++
}

// step lists the bundle id, reads it in DependentKeys, and runs apply.
type step struct {
	id    string
	apply func(tx linkfin.Tx) (any, error)
}

func (s *step) Keys() []linkfin.ObjectKey { return []linkfin.ObjectKey{{Kind: kindBundle, ID: s.id}} }

func (s *step) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var b bundle
	if _, err := r.Get(kindBundle, s.id, &b); err != nil {
		panic(err)
	}
	return nil
}

func (s *step) Apply(tx linkfin.Tx) (any, error) { return s.apply(tx) }

func getBundle(tx linkfin.Tx, id string) (*bundle, error) {
	var b bundle
	if ok, err := tx.Get(kindBundle, id, &b); err != nil || !ok {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "bundle %s: found %v, %v", id, ok, err)
	}
	return &b, nil
}

func stored(t *testing.T, db *memtx.DB, id string) *bundle {
	t.Helper()
	var b bundle
	if ok, err := db.Get(kindBundle, id, &b); !ok || err != nil {
		t.Fatalf("bundle %s: %v, %v", id, ok, err)
	}
	o, err := db.Object(context.Background(), kindBundle, id)
	if err != nil {
		t.Fatal(err)
	}
	var fromJSON bundle
	if err := json.Unmarshal(o.Data, &fromJSON); err != nil || !reflect.DeepEqual(fromJSON, b) {
		t.Fatalf("the record reads %+v, its JSON %s (%v)", b, o.Data, err)
	}
	return &b
}

// A record's version reads as it was written, whatever a command does to what it read:
// one that changes what it read (its slices, maps and pointers too) and fails, one
// that writes a change and fails, one that changes what it read back of its own write.
func TestRecordCopies(t *testing.T) {
	db := memtx.New(func() time.Time { return start })
	const id = "b1"
	if err := db.Run(context.Background(), &step{id: id, apply: func(tx linkfin.Tx) (any, error) {
		return nil, tx.Put(kindBundle, id, newBundle(id), kindBundle+".made")
	}}, nil); err != nil {
		t.Fatal(err)
	}
	failing := func(put bool) *step {
		return &step{id: id, apply: func(tx linkfin.Tx) (any, error) {
			b, err := getBundle(tx, id)
			if err != nil {
				return nil, err
			}
			scramble(b)
			if put {
				if err := tx.Put(kindBundle, id, b, kindBundle+".changed"); err != nil {
					return nil, err
				}
			}
			return nil, linkfin.Errorf(linkfin.ECONFLICT, "refused")
		}}
	}
	for _, put := range []bool{false, true} {
		if err := db.Run(context.Background(), failing(put), nil); linkfin.ErrorCode(err) != linkfin.ECONFLICT {
			t.Fatal(err)
		}
		if got := stored(t, db, id); !reflect.DeepEqual(got, newBundle(id)) {
			t.Fatalf("after a command that changed the record and failed (put %v), it reads %+v", put, got)
		}
	}
	changed := newBundle(id)
	changed.Note, changed.Tags = "kept", append(changed.Tags, "c")
	var answer bundle
	if err := db.Run(context.Background(), &step{id: id, apply: func(tx linkfin.Tx) (any, error) {
		b, err := getBundle(tx, id)
		if err != nil {
			return nil, err
		}
		b.Note, b.Tags = changed.Note, append(b.Tags, "c")
		if err := tx.Put(kindBundle, id, b, kindBundle+".changed"); err != nil {
			return nil, err
		}
		again, err := getBundle(tx, id)
		if err != nil || !reflect.DeepEqual(again, changed) {
			return nil, linkfin.Errorf(linkfin.EINTERNAL, "read back %+v, %v", again, err)
		}
		scramble(again)
		return b, nil
	}}, &answer); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&answer, changed) {
		t.Errorf("the answer is %+v, want %+v", answer, changed)
	}
	if got := stored(t, db, id); !reflect.DeepEqual(got, changed) {
		t.Fatalf("the version written reads %+v, want %+v", got, changed)
	}
}

// A record is decoded from its JSON at most once: the reads after get copies of what
// was written or first decoded, in DependentKeys, in Apply and from the DB.
func TestRecordDecodedOnce(t *testing.T) {
	db := memtx.New(func() time.Time { return start })
	const id = "b2"
	read := &step{id: id, apply: func(tx linkfin.Tx) (any, error) {
		_, err := getBundle(tx, id)
		return nil, err
	}}
	decodes.Store(0)
	if err := db.Run(context.Background(), &step{id: id, apply: func(tx linkfin.Tx) (any, error) {
		return nil, tx.Put(kindBundle, id, newBundle(id), kindBundle+".made")
	}}, nil); err != nil {
		t.Fatal(err)
	}
	for range 4 {
		if err := db.Run(context.Background(), read, nil); err != nil {
			t.Fatal(err)
		}
		var b bundle
		if ok, err := db.Get(kindBundle, id, &b); !ok || err != nil {
			t.Fatal(ok, err)
		}
	}
	if n := decodes.Load(); n != 0 {
		t.Errorf("12 reads of a record written in memory decoded it %d times, want 0", n)
	}
	// A value that is not empty is decoded into, as json.Unmarshal does.
	b := bundle{Note: "mine"}
	if ok, err := db.Get(kindBundle, id, &b); !ok || err != nil || b.Note != "mine" || b.Tags[1] != "b" {
		t.Errorf("read into a value: %+v (%v, %v)", b, ok, err)
	}
}

// An answer read into a value of its own type is a copy of it, not encoded and decoded
// again; read into another type, it is its JSON decoded.
func TestAnswerCopied(t *testing.T) {
	db := memtx.New(func() time.Time { return start })
	answer := &step{id: "b3", apply: func(tx linkfin.Tx) (any, error) { return newBundle("b3"), nil }}
	encodes.Store(0)
	decodes.Store(0)
	var b bundle
	if err := db.Run(context.Background(), answer, &b); err != nil {
		t.Fatal(err)
	}
	if n, m := encodes.Load(), decodes.Load(); n != 0 || m != 0 || !reflect.DeepEqual(&b, newBundle("b3")) {
		t.Errorf("the answer %+v was encoded %d times and decoded %d, want %+v and none", b, n, m, newBundle("b3"))
	}
	var raw json.RawMessage
	if err := db.Run(context.Background(), answer, &raw); err != nil {
		t.Fatal(err)
	}
	want, _ := json.Marshal(newBundle("b3"))
	if string(raw) != string(want) {
		t.Errorf("the answer as JSON is %s, want %s", raw, want)
	}
}

// A record reads back, as a store lists it, as the JSON its last event logged, byte for
// byte, however it was written (a pointer or a value) and however it is read.
func TestStoredJSONIsLogged(t *testing.T) {
	db := memtx.New(func() time.Time { return start })
	ids := []string{"b4", "b5", "b6"}
	for i, id := range ids {
		b := newBundle(id)
		b.Attrs["z"], b.Attrs["a"] = int64(i), 2 // a map's keys, encoded in order
		var v any = b
		if i == 1 {
			v = *b
		}
		if err := db.Run(context.Background(), &step{id: id, apply: func(tx linkfin.Tx) (any, error) {
			return nil, tx.Put(kindBundle, id, v, kindBundle+".made")
		}}, nil); err != nil {
			t.Fatal(err)
		}
	}
	logged := map[string]string{}
	for _, ev := range db.Events() {
		var r struct {
			ID string `json:"id"`
		}
		json.Unmarshal(ev.Data, &r)
		logged[r.ID] = string(ev.Data)
	}
	list, err := db.ListObjects(context.Background(), kindBundle, "", 10)
	if err != nil || len(list) != 3 {
		t.Fatal(list, err)
	}
	if got := db.IDs(kindBundle); !reflect.DeepEqual(got, ids) {
		t.Errorf("ids %v, want %v", got, ids)
	}
	for _, o := range list {
		one, err := db.Object(context.Background(), kindBundle, o.ID)
		if err != nil {
			t.Fatal(err)
		}
		var raw json.RawMessage
		if ok, err := db.Get(kindBundle, o.ID, &raw); !ok || err != nil {
			t.Fatal(ok, err)
		}
		for _, got := range []string{string(o.Data), string(one.Data), string(raw)} {
			if got != logged[o.ID] {
				t.Errorf("%s reads %s, its event logged %s", o.ID, got, logged[o.ID])
			}
		}
	}
}

// A read into nil asks only whether the record exists: it decodes and copies nothing.
func TestGetIntoNilOnlyAsks(t *testing.T) {
	db := memtx.New(func() time.Time { return start })
	const id = "b-asked"
	var seen []bool
	ask := &step{id: id, apply: func(tx linkfin.Tx) (any, error) {
		found, err := tx.Get(kindBundle, id, nil)
		seen = append(seen, found)
		return nil, err
	}}
	if err := db.Run(context.Background(), ask, nil); err != nil {
		t.Fatal(err)
	}
	if err := db.Run(context.Background(), &step{id: id, apply: func(tx linkfin.Tx) (any, error) {
		return nil, tx.Put(kindBundle, id, newBundle(id), kindBundle+".made")
	}}, nil); err != nil {
		t.Fatal(err)
	}
	decodes.Store(0)
	if err := db.Run(context.Background(), ask, nil); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(seen, []bool{false, true}) {
		t.Errorf("before and after the record was written, a read into nil found %v, want [false true]", seen)
	}
	if n := decodes.Load(); n != 0 {
		t.Errorf("a read into nil decoded the record %d times", n)
	}
}

const kindDated = "memtx_dated"

// dated is a test record with every part whose value may fail to encode.
type dated struct {
	ID     string             `json:"id"`
	At     time.Time          `json:"at"`
	Score  float64            `json:"score"`
	Basis  linkfin.DayCount   `json:"basis"`
	Rate   linkfin.Rate       `json:"rate"`
	Due    *time.Time         `json:"due,omitempty"`
	Scores map[string]float64 `json:"scores,omitempty"`
	Times  []time.Time        `json:"times,omitempty"`
}

func init() { linkfin.RegisterKind(kindDated, func() any { return new(dated) }) }

// putDated writes v as the dated record id.
type putDated struct {
	id string
	v  any
}

func (p *putDated) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: kindDated, ID: p.id}}
}

func (p *putDated) Apply(tx linkfin.Tx) (any, error) {
	return nil, tx.Put(kindDated, p.id, p.v, kindDated+".made")
}

// A DB that counts its events encodes a record only when it is read, where it is sure
// to encode; one that cannot be encoded, or does not hold its id, still fails the
// command that writes it, and changes nothing, as where every record is encoded at
// once. What is read is what was written.
func TestCountedRecordsEncodeOrFail(t *testing.T) {
	rate, err := linkfin.ParseRate("0.035")
	if err != nil {
		t.Fatal(err)
	}
	good := func() *dated {
		due := start.AddDate(0, 2, 0)
		return &dated{ID: "d", At: start, Score: 0.5, Basis: linkfin.ACT360, Rate: rate,
			Due: &due, Scores: map[string]float64{"a": 1}, Times: []time.Time{start}}
	}
	bad := map[string]func(*dated){
		"a year past 9999":          func(d *dated) { d.At = time.Date(10000, 1, 1, 0, 0, 0, 0, time.UTC) },
		"a negative year":           func(d *dated) { d.At = time.Date(-1, 1, 1, 0, 0, 0, 0, time.UTC) },
		"a time behind a pointer":   func(d *dated) { d.Due = new(time.Time); *d.Due = time.Date(12000, 1, 1, 0, 0, 0, 0, time.UTC) },
		"a time in a list":          func(d *dated) { d.Times = append(d.Times, time.Date(10001, 1, 1, 0, 0, 0, 0, time.UTC)) },
		"a zone a day ahead":        func(d *dated) { d.At = start.In(time.FixedZone("far", 25*3600)) },
		"NaN":                       func(d *dated) { d.Score = math.NaN() },
		"an infinity in a map":      func(d *dated) { d.Scores["b"] = math.Inf(-1) },
		"a day count that is none":  func(d *dated) { d.Basis = 0 },
		"another id than the key's": func(d *dated) { d.ID = "other" },
	}
	for _, counting := range []bool{false, true} {
		db := memtx.New(func() time.Time { return start })
		if counting {
			db.CountEvents()
		}
		for name, spoil := range bad {
			d := good()
			spoil(d)
			err := db.Run(context.Background(), &putDated{"d", d}, nil)
			if err == nil {
				t.Errorf("counting %v: a record with %s was written", counting, name)
			}
			if ok, _ := db.Get(kindDated, "d", &dated{}); ok {
				t.Fatalf("counting %v: a record with %s is stored", counting, name)
			}
		}
		for _, v := range []any{good(), *good()} {
			if err := db.Run(context.Background(), &putDated{"d", v}, nil); err != nil {
				t.Fatalf("counting %v: %v", counting, err)
			}
			o, err := db.Object(context.Background(), kindDated, "d")
			if err != nil {
				t.Fatal(err)
			}
			if want, _ := json.Marshal(good()); string(o.Data) != string(want) {
				t.Errorf("counting %v: the record reads %s, want %s", counting, o.Data, want)
			}
		}
		if n, want := db.EventCount(), int64(2); n != want || counting != (len(db.Events()) == 0) {
			t.Errorf("counting %v: %d events counted (want %d), %d kept", counting, n, want, len(db.Events()))
		}
	}
}

// A shared read gives what a copy gives, and stays as it was read while later commands
// change the record: a version's value is never changed in place.
func TestGetShared(t *testing.T) {
	db := memtx.New(func() time.Time { return start })
	const id = "b-shared"
	if err := db.Run(context.Background(), &step{id: id, apply: func(tx linkfin.Tx) (any, error) {
		return nil, tx.Put(kindBundle, id, newBundle(id), kindBundle+".made")
	}}, nil); err != nil {
		t.Fatal(err)
	}
	var shared, copied bundle
	if ok, err := db.GetShared(kindBundle, id, &shared); !ok || err != nil {
		t.Fatal(ok, err)
	}
	if ok, err := db.Get(kindBundle, id, &copied); !ok || err != nil || !reflect.DeepEqual(shared, copied) {
		t.Fatalf("shared %+v, copied %+v (%v, %v)", shared, copied, ok, err)
	}
	if err := db.Run(context.Background(), &step{id: id, apply: func(tx linkfin.Tx) (any, error) {
		b, err := getBundle(tx, id)
		if err != nil {
			return nil, err
		}
		scramble(b)
		return nil, tx.Put(kindBundle, id, b, kindBundle+".changed")
	}}, nil); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&shared, newBundle(id)) {
		t.Errorf("what was read shared is now %+v, want %+v", shared, newBundle(id))
	}
	// Into a value that is not empty, it is decoded into, as Get does.
	b := bundle{Note: "mine"}
	if ok, err := db.GetShared(kindBundle, id, &b); !ok || err != nil || b.Note != "mine" || b.Tags[0] != "changed" {
		t.Errorf("read into a value: %+v (%v, %v)", b, ok, err)
	}
	if ok, err := db.GetShared(kindBundle, "absent", &bundle{}); ok || err != nil {
		t.Errorf("an absent record: %v, %v", ok, err)
	}
}

// Version tells a record's version as Object does, without the record.
func TestVersion(t *testing.T) {
	db := memtx.New(func() time.Time { return start })
	const id = "b-versioned"
	if _, found := db.Version(kindBundle, id); found {
		t.Fatal("an absent record has a version")
	}
	for want := int64(1); want <= 2; want++ {
		if err := db.Run(context.Background(), &step{id: id, apply: func(tx linkfin.Tx) (any, error) {
			return nil, tx.Put(kindBundle, id, newBundle(id), kindBundle+".made")
		}}, nil); err != nil {
			t.Fatal(err)
		}
		o, err := db.Object(context.Background(), kindBundle, id)
		if v, found := db.Version(kindBundle, id); err != nil || !found || v != want || o.Version != want {
			t.Errorf("version %d (%v), the object's %d (%v), want %d", v, found, o.Version, err, want)
		}
	}
}

// sharer reads the bundle id in DependentKeys and LedgerKeys, keeps what it read, and
// runs change on it there or in Apply.
type sharer struct {
	id                             string
	inDependent, inLedger, inApply func(b *bundle)
	dependent, ledger              bundle // as DependentKeys and LedgerKeys read it
}

func (s *sharer) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: kindBundle, ID: s.id}}
}

func (s *sharer) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	s.dependent = bundle{}
	if ok, err := r.Get(kindBundle, s.id, &s.dependent); !ok || err != nil {
		panic(fmt.Sprint(ok, err))
	}
	if s.inDependent != nil {
		s.inDependent(&s.dependent)
	}
	return nil
}

func (s *sharer) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	s.ledger = bundle{}
	if ok, err := r.Get(kindBundle, s.id, &s.ledger); !ok || err != nil {
		panic(fmt.Sprint(ok, err))
	}
	if s.inLedger != nil {
		s.inLedger(&s.ledger)
	}
	return nil, nil
}

func (s *sharer) Apply(linkfin.Tx) (any, error) {
	if s.inApply != nil {
		s.inApply(&s.dependent)
	}
	return nil, nil
}

// DependentKeys and LedgerKeys read a record without copying it: what they read
// shares the slices, maps and pointers the database holds.
func TestDependentReadsShare(t *testing.T) {
	db := memtx.New(func() time.Time { return start })
	const id = "b-dependent"
	if err := db.Run(context.Background(), &step{id: id, apply: func(tx linkfin.Tx) (any, error) {
		return nil, tx.Put(kindBundle, id, newBundle(id), kindBundle+".made")
	}}, nil); err != nil {
		t.Fatal(err)
	}
	c := &sharer{id: id}
	if err := db.Run(context.Background(), c, nil); err != nil {
		t.Fatal(err)
	}
	var held bundle
	if ok, err := db.GetShared(kindBundle, id, &held); !ok || err != nil {
		t.Fatal(ok, err)
	}
	for _, b := range []*bundle{&c.dependent, &c.ledger} {
		if !reflect.DeepEqual(b, newBundle(id)) {
			t.Fatalf("read %+v, want %+v", b, newBundle(id))
		}
		if &b.Tags[0] != &held.Tags[0] || &b.Lines[0] != &held.Lines[0] || b.Next != held.Next {
			t.Errorf("DependentKeys or LedgerKeys read a copy of the record, not what the database holds")
		}
	}
}

// A command that changes what its DependentKeys or LedgerKeys read shared, there or
// later in Apply through what it kept, fails in a test binary with its type and the
// record; one that changes only its own shallow copy (a field, a slice it replaces)
// does not.
func TestChangedSharedReadPanics(t *testing.T) {
	db := memtx.New(func() time.Time { return start })
	id := 0
	for _, tc := range []struct {
		name  string
		c     *sharer
		fails bool
	}{
		{"DependentKeys", &sharer{inDependent: scramble}, true},
		{"LedgerKeys", &sharer{inLedger: func(b *bundle) { b.Attrs["y"] = 2 }}, true},
		{"Apply", &sharer{inApply: func(b *bundle) { b.Lines[0].Qty++ }}, true},
		{"pointer", &sharer{inDependent: func(b *bundle) { b.Next.Qty = 7 }}, true},
		{"own copy", &sharer{inDependent: func(b *bundle) {
			b.Note, b.Tags, b.Next = "mine", append(slices.Clip(b.Tags), "c"), &bundleLine{}
		}, inApply: func(b *bundle) { b.Seen.N++ }}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id++
			tc.c.id = fmt.Sprintf("b-watched-%d", id)
			if err := db.Run(context.Background(), &step{id: tc.c.id, apply: func(tx linkfin.Tx) (any, error) {
				return nil, tx.Put(kindBundle, tc.c.id, newBundle(tc.c.id), kindBundle+".made")
			}}, nil); err != nil {
				t.Fatal(err)
			}
			var got any
			func() {
				defer func() { got = recover() }()
				_ = db.Run(context.Background(), tc.c, nil)
			}()
			if !tc.fails {
				if got != nil {
					t.Fatalf("panicked: %v", got)
				}
				if b := stored(t, db, tc.c.id); !reflect.DeepEqual(b, newBundle(tc.c.id)) {
					t.Fatalf("the record reads %+v, want %+v", b, newBundle(tc.c.id))
				}
				return
			}
			msg, _ := got.(string)
			if want := "*memtx_test.sharer changed the memtx_bundle record " + tc.c.id + " "; !strings.Contains(msg, want) {
				t.Fatalf("panicked with %v, want a message with %q", got, want)
			}
		})
	}
}

// A Put takes over what it writes (linkfin.Tx): in a test binary, a value changed after
// its Put panics, whether the command changed it (in what it shares with the version,
// too) or whoever made the command did, later; a value written again after the change,
// or changed by a command that then failed, does not.
func TestChangedAfterPutPanics(t *testing.T) {
	db := memtx.New(func() time.Time { return start })
	id := 0
	run := func(c linkfin.Command) (got any) {
		defer func() { got = recover() }()
		_ = db.Run(context.Background(), c, nil)
		return nil
	}
	for _, tc := range []struct {
		name  string
		apply func(tx linkfin.Tx, id string, b *bundle) error
		after func(b *bundle) // what the command's maker does to the value it gave
		fails bool
	}{
		{"in the command", func(tx linkfin.Tx, id string, b *bundle) error {
			if err := tx.Put(kindBundle, id, b, kindBundle+".made"); err != nil {
				return err
			}
			b.Lines[0].Qty++
			return nil
		}, nil, true},
		{"through a pointer", func(tx linkfin.Tx, id string, b *bundle) error {
			if err := tx.Put(kindBundle, id, b, kindBundle+".made"); err != nil {
				return err
			}
			b.Next.Qty = 7
			return nil
		}, nil, true},
		{"by its maker", func(tx linkfin.Tx, id string, b *bundle) error {
			return tx.Put(kindBundle, id, b, kindBundle+".made")
		}, func(b *bundle) { b.Attrs["y"] = 2 }, true},
		{"written again", func(tx linkfin.Tx, id string, b *bundle) error {
			if err := tx.Put(kindBundle, id, b, kindBundle+".made"); err != nil {
				return err
			}
			b.Note = "again"
			return tx.Put(kindBundle, id, b, kindBundle+".changed")
		}, nil, false},
		{"in a command that failed", func(tx linkfin.Tx, id string, b *bundle) error {
			if err := tx.Put(kindBundle, id, b, kindBundle+".made"); err != nil {
				return err
			}
			scramble(b)
			return linkfin.Errorf(linkfin.ECONFLICT, "refused")
		}, nil, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			id++
			bid := fmt.Sprintf("b-put-%d", id)
			b := newBundle(bid)
			got := run(&step{id: bid, apply: func(tx linkfin.Tx) (any, error) { return nil, tc.apply(tx, bid, b) }})
			if tc.after != nil {
				if got != nil {
					t.Fatalf("panicked before the change: %v", got)
				}
				tc.after(b)
				got = run(&step{id: bid, apply: func(tx linkfin.Tx) (any, error) { return getBundle(tx, bid) }})
			}
			if !tc.fails {
				if got != nil {
					t.Fatalf("panicked: %v", got)
				}
				return
			}
			msg, _ := got.(string)
			if want := "the memtx_bundle record " + bid + " that *memtx_test.step wrote changed after it was written"; !strings.Contains(msg, want) {
				t.Fatalf("panicked with %v, want a message with %q", got, want)
			}
		})
	}
}

// linkfin.View reads a record in Apply without copying it, the stored version or the
// command's own write: what it reads shares what the database holds; a command that
// changes what it viewed panics in a test binary, with its type and the record.
func TestViewShares(t *testing.T) {
	db := memtx.New(func() time.Time { return start })
	const id = "b-viewed"
	if err := db.Run(context.Background(), &step{id: id, apply: func(tx linkfin.Tx) (any, error) {
		return nil, tx.Put(kindBundle, id, newBundle(id), kindBundle+".made")
	}}, nil); err != nil {
		t.Fatal(err)
	}
	var viewed, again bundle
	if err := db.Run(context.Background(), &step{id: id, apply: func(tx linkfin.Tx) (any, error) {
		if ok, err := linkfin.View(tx, kindBundle, id, &viewed); !ok || err != nil {
			return nil, fmt.Errorf("viewed %v, %v", ok, err)
		}
		written := newBundle(id)
		written.Note = "written"
		if err := tx.Put(kindBundle, id, written, kindBundle+".changed"); err != nil {
			return nil, err
		}
		if ok, err := linkfin.View(tx, kindBundle, id, &again); !ok || err != nil || &again.Lines[0] != &written.Lines[0] {
			return nil, fmt.Errorf("viewed its own write as %+v (%v, %v), want what it wrote", again, ok, err)
		}
		return nil, nil
	}}, nil); err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(&viewed, newBundle(id)) {
		t.Fatalf("viewed %+v, want %+v", viewed, newBundle(id))
	}
	var held bundle
	if ok, err := db.GetShared(kindBundle, id, &held); !ok || err != nil || &held.Lines[0] != &again.Lines[0] {
		t.Fatalf("the stored version is not what the command wrote: %v, %v", ok, err)
	}
	var got any
	func() {
		defer func() { got = recover() }()
		_ = db.Run(context.Background(), &step{id: id, apply: func(tx linkfin.Tx) (any, error) {
			var b bundle
			if _, err := linkfin.View(tx, kindBundle, id, &b); err != nil {
				return nil, err
			}
			b.Attrs["y"] = 2
			return nil, nil
		}}, nil)
	}()
	msg, _ := got.(string)
	if want := "*memtx_test.step changed the memtx_bundle record " + id + " "; !strings.Contains(msg, want) {
		t.Fatalf("panicked with %v, want a message with %q", got, want)
	}
}
