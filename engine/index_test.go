package engine_test

import (
	"cmp"
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"linkfin"
)

// setStatus writes a purchase order with a status (made if new), and fails after the
// write when fail is set.
type setStatus struct {
	id     string
	status linkfin.POStatus
	fail   bool
}

func (c *setStatus) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindPurchaseOrder, ID: c.id}}
}

func (c *setStatus) Apply(tx linkfin.Tx) (any, error) {
	po := &linkfin.PurchaseOrder{ID: c.id, BuyerID: "buyer", SellerID: "seller"}
	if _, err := tx.Get(linkfin.KindPurchaseOrder, c.id, po); err != nil {
		return nil, err
	}
	po.Status = c.status
	if err := tx.Put(linkfin.KindPurchaseOrder, c.id, po, "purchase_order.changed"); err != nil {
		return nil, err
	}
	if c.fail {
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "refused after writing")
	}
	return po, nil
}

// TestIndexWrites: the store's ordered index holds a record's entries at the version
// stored, however the writer came to write it: new, written twice in one batch with a
// third write undone, written again from its cached version, and read back from the
// store after a restart.
func TestIndexWrites(t *testing.T) {
	e, reopen, db := openEngine(t)
	ctx := context.Background()
	key := linkfin.ObjectKey{Kind: linkfin.KindPurchaseOrder, ID: "po1"}
	check := func(when string, status linkfin.POStatus) {
		t.Helper()
		objs, err := db.ObjectsByKey(ctx, []linkfin.ObjectKey{key})
		if err != nil || len(objs) != 1 {
			t.Fatalf("%s: %v %v", when, objs, err)
		}
		want, err := linkfin.IndexOf(key.Kind, objs[0].Data)
		if err != nil {
			t.Fatal(err)
		}
		// Each entry the record gives is held, with its amount, and the index holds
		// no other (the record is the only one indexed).
		keys := make([]linkfin.IndexRow, len(want))
		for i, e := range want {
			keys[i] = linkfin.IndexRow{Kind: key.Kind, ID: key.ID, IndexEntry: e}
		}
		got, err := db.IndexRowsByKey(ctx, keys)
		if err != nil {
			t.Fatal(err)
		}
		snap, err := db.Snapshot(ctx)
		if err != nil {
			t.Fatal(err)
		}
		tables, err := snap.Tables(ctx)
		snap.Close()
		if err != nil {
			t.Fatal(err)
		}
		order := func(rs []linkfin.IndexRow) {
			slices.SortFunc(rs, func(x, y linkfin.IndexRow) int {
				return cmp.Or(strings.Compare(x.Name, y.Name), strings.Compare(x.Value, y.Value))
			})
		}
		order(keys)
		order(got)
		if !reflect.DeepEqual(got, keys) || tables["object_index"] != int64(len(keys)) {
			t.Fatalf("%s: the index holds %v of the record's entries, and %d in all; the record gives %v", when, got, tables["object_index"], keys)
		}
		if len(want) != 3 || !slices.ContainsFunc(want, func(x linkfin.IndexEntry) bool {
			return x.Value == linkfin.IndexValue("", string(status), "")
		}) {
			t.Fatalf("%s: entries %v are not of status %s", when, want, status)
		}
	}
	if out := submit(t, e, &setStatus{id: "po1", status: "proposed"}); out[0].Code != "" {
		t.Fatal(out)
	}
	check("new", "proposed")
	out := submit(t, e, &setStatus{id: "po1", status: "accepted"}, &setStatus{id: "po1", status: "delivered"},
		&setStatus{id: "po1", status: "closed", fail: true})
	if out[0].Code != "" || out[1].Code != "" || out[2].Code != linkfin.ECONFLICT {
		t.Fatalf("outcomes %+v", out)
	}
	check("written twice in a batch, a third time undone", "delivered")
	if out := submit(t, e, &setStatus{id: "po1", status: "accepted"}); out[0].Code != "" {
		t.Fatal(out)
	}
	check("written from the cache", "accepted")
	e = reopen()
	if out := submit(t, e, &setStatus{id: "po1", status: "closed"}); out[0].Code != "" {
		t.Fatal(out)
	}
	check("read from the store", "closed")
}
