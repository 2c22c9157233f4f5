package sim

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"linkfin"
)

// putRecord writes a record as it is: a test's way to give the reader what it reads.
type putRecord struct {
	kind, id string
	v        any
}

func (c *putRecord) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: c.kind, ID: c.id}}
}

func (c *putRecord) Apply(tx linkfin.Tx) (any, error) {
	return nil, tx.Put(c.kind, c.id, c.v, c.kind+".written")
}

// The scheduler's reader lists a locked conditional payment on the day it can first be
// due, its expiry or its condition's date, and not each day before: once it has read
// a version, it passes over it until then. A release that waits for room in the
// payee's e-CNY wallet is tried each day.
func TestDueConditionalPayments(t *testing.T) {
	now := Start.Time(time.UTC)
	db := newInMemory(func() time.Time { return now })
	due, values := newDueReader(db), newDueReader(db)
	expires, on := Start.AddDays(10), Start.AddDays(5)
	for _, cp := range []linkfin.ConditionalPayment{
		{ID: "cp.expires", Status: linkfin.ConditionalLocked, ExpiresOn: &expires,
			Condition: linkfin.Condition{Type: linkfin.ConditionGoodsReceived, POID: "po.1"}},
		{ID: "cp.dated", Status: linkfin.ConditionalLocked, ExpiresOn: &expires,
			Condition: linkfin.Condition{Type: linkfin.ConditionDate, Date: &on}},
		{ID: "cp.waiting", Status: linkfin.ConditionalLocked, ExpiresOn: &expires, Rail: linkfin.RailECNY,
			Condition: linkfin.Condition{Type: linkfin.ConditionGoodsReceived, POID: "po.2"},
			Waiting:   &linkfin.ReleaseWait{Amount: 1_00, Code: linkfin.EWALLETBALANCE, Reason: "no room"}},
	} {
		if err := db.Run(context.Background(), &putRecord{linkfin.KindConditionalPayment, cp.ID, &cp}, nil); err != nil {
			t.Fatal(err)
		}
		due.watch(linkfin.KindConditionalPayment, cp.ID)
		values.watch(linkfin.KindConditionalPayment, cp.ID)
	}
	listed := func(day int) []string {
		due.today = Start.AddDays(day)
		objs, err := due.ListObjects(context.Background(), linkfin.KindConditionalPayment, "", 1000)
		if err != nil {
			t.Fatal(err)
		}
		var ids, valueIDs []string
		for _, o := range objs {
			ids = append(ids, o.ID)
		}
		// The scheduler reads the same records as values, none of their JSON.
		values.today = due.today
		err = values.ScanValues(context.Background(), linkfin.KindConditionalPayment, func(v any) error {
			valueIDs = append(valueIDs, v.(*linkfin.ConditionalPayment).ID)
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if !slices.Equal(ids, valueIDs) {
			t.Errorf("day %d: listed %v as JSON, %v as values", day, ids, valueIDs)
		}
		return ids
	}
	listed(0) // the first read of each version lists it
	for _, c := range []struct {
		day  int
		want string
	}{{1, "[cp.waiting]"}, {4, "[cp.waiting]"}, {5, "[cp.dated cp.waiting]"}, {9, "[cp.dated cp.waiting]"},
		{10, "[cp.dated cp.expires cp.waiting]"}} {
		if got := fmt.Sprint(listed(c.day)); got != c.want {
			t.Errorf("day %d: listed %s, want %s", c.day, got, c.want)
		}
	}
}

// The scheduler's reader lists a maturity from its date while it has pieces left to
// pay, once however often it was watched, and what it lists is in id order, whenever
// each was watched.
func TestDueMaturities(t *testing.T) {
	now := Start.Time(time.UTC)
	db := newInMemory(func() time.Time { return now })
	due := newDueReader(db)
	put := func(m linkfin.Maturity) {
		t.Helper()
		if err := db.Run(context.Background(), &putRecord{linkfin.KindMaturity, m.ID, &m}, nil); err != nil {
			t.Fatal(err)
		}
	}
	maturity := func(prog string, day int, pieces ...string) linkfin.Maturity {
		d := Start.AddDays(day)
		return linkfin.Maturity{ID: linkfin.MaturityID(prog, d), ProgramID: prog, Date: d, Pieces: pieces}
	}
	listed := func(day int) string {
		t.Helper()
		return scanned(t, due, linkfin.KindMaturity, day)
	}
	b3, a3, a5 := maturity("b", 3, "p1"), maturity("a", 3, "p2"), maturity("a", 5, "p3")
	for _, m := range []linkfin.Maturity{b3, a5, a3} {
		put(m)
		due.watch(linkfin.KindMaturity, m.ID)
	}
	due.watch(linkfin.KindMaturity, b3.ID)
	want := func(day int, w string) {
		t.Helper()
		if got := listed(day); got != w {
			t.Errorf("day %d: listed %s, want %s", day, got, w)
		}
	}
	want(2, "[]")
	want(3, fmt.Sprint([]string{a3.ID, b3.ID}))
	// b3 paid; a4 watched on day 3 for day 4, and a3 again.
	b3.Pieces = nil
	put(b3)
	a4 := maturity("a", 4, "p4")
	put(a4)
	due.watch(linkfin.KindMaturity, a4.ID)
	due.watch(linkfin.KindMaturity, a3.ID)
	want(4, fmt.Sprint([]string{a3.ID, a4.ID}))
	a3.Pieces = nil
	put(a3)
	want(6, fmt.Sprint([]string{a4.ID, a5.ID}))
}

// A conditional payment written after the reader read it is read again, though the
// version it read could not be due for days: the new one may be due sooner. So it is
// for a reader that asks the database for versions, and one fed what was written.
func TestDueRereadsWhatWasWritten(t *testing.T) {
	for _, fed := range []bool{false, true} {
		now := Start.Time(time.UTC)
		db := newInMemory(func() time.Time { return now })
		db.TrackChanges()
		due := newDueReader(db)
		put := func(cp linkfin.ConditionalPayment) {
			t.Helper()
			if err := db.Run(context.Background(), &putRecord{linkfin.KindConditionalPayment, cp.ID, &cp}, nil); err != nil {
				t.Fatal(err)
			}
		}
		listed := func(day int) string {
			t.Helper()
			if records, _ := db.Changes(); fed {
				due.changed(records)
			}
			return scanned(t, due, linkfin.KindConditionalPayment, day)
		}
		expires, on := Start.AddDays(10), Start.AddDays(3)
		a := linkfin.ConditionalPayment{ID: "cp.a", Status: linkfin.ConditionalLocked, ExpiresOn: &expires,
			Condition: linkfin.Condition{Type: linkfin.ConditionGoodsReceived, POID: "po.1"}}
		b := a
		b.ID = "cp.b"
		put(a)
		put(b)
		due.watch(linkfin.KindConditionalPayment, a.ID)
		due.watch(linkfin.KindConditionalPayment, b.ID)
		for _, c := range []struct {
			day  int
			want string
		}{{0, "[cp.a cp.b]"}, {1, "[]"}, {2, "[]"}} {
			if got := listed(c.day); got != c.want {
				t.Errorf("fed %v, day %d: listed %s, want %s", fed, c.day, got, c.want)
			}
		}
		// On day 2, b is given a date condition for day 3: it is read again, and listed
		// (Due's own rules pass over it until its day), then from day 3 on.
		b.Condition = linkfin.Condition{Type: linkfin.ConditionDate, Date: &on}
		put(b)
		for _, c := range []struct {
			day  int
			want string
		}{{2, "[cp.b]"}, {3, "[cp.b]"}, {4, "[cp.b]"}, {10, "[cp.a cp.b]"}} {
			if got := listed(c.day); got != c.want {
				t.Errorf("fed %v, day %d: listed %s, want %s", fed, c.day, got, c.want)
			}
		}
	}
}

// scanned lists the ids of the records of a kind that the reader hands the scheduler
// on a day.
func scanned(t *testing.T, due *dueReader, kind string, day int) string {
	t.Helper()
	due.today = Start.AddDays(day)
	var ids []string
	err := due.ScanValues(context.Background(), kind, func(v any) error {
		switch r := v.(type) {
		case *linkfin.Maturity:
			ids = append(ids, r.ID)
		case *linkfin.ConditionalPayment:
			ids = append(ids, r.ID)
		default:
			t.Fatalf("scanned a %T", v)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return fmt.Sprint(ids)
}
