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
