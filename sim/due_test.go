package sim

import (
	"context"
	"fmt"
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
// a version, it passes over it until then.
func TestDueConditionalPayments(t *testing.T) {
	now := Start.Time(time.UTC)
	db := newInMemory(func() time.Time { return now })
	due := newDueReader(db)
	expires, on := Start.AddDays(10), Start.AddDays(5)
	for _, cp := range []linkfin.ConditionalPayment{
		{ID: "cp.expires", Status: linkfin.ConditionalLocked, ExpiresOn: &expires,
			Condition: linkfin.Condition{Type: linkfin.ConditionGoodsReceived, POID: "po.1"}},
		{ID: "cp.dated", Status: linkfin.ConditionalLocked, ExpiresOn: &expires,
			Condition: linkfin.Condition{Type: linkfin.ConditionDate, Date: &on}},
	} {
		if err := db.Run(context.Background(), &putRecord{linkfin.KindConditionalPayment, cp.ID, &cp}, nil); err != nil {
			t.Fatal(err)
		}
		due.watch(linkfin.KindConditionalPayment, cp.ID)
	}
	listed := func(day int) []string {
		due.today = Start.AddDays(day)
		objs, err := due.ListObjects(context.Background(), linkfin.KindConditionalPayment, "", 1000)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, o := range objs {
			ids = append(ids, o.ID)
		}
		return ids
	}
	listed(0) // the first read of each version lists it
	for _, c := range []struct {
		day  int
		want string
	}{{1, "[]"}, {4, "[]"}, {5, "[cp.dated]"}, {9, "[cp.dated]"}, {10, "[cp.dated cp.expires]"}} {
		if got := fmt.Sprint(listed(c.day)); got != c.want {
			t.Errorf("day %d: listed %s, want %s", c.day, got, c.want)
		}
	}
}
