package storetest

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"linkfin"
	"linkfin/services"
)

// toLegacy moves open items out of their records of open items into the rail's one
// list, as a database made before those records keeps them.
type toLegacy struct {
	Records []linkfin.ObjectKey
	IDs     []string
}

func (c *toLegacy) Keys() []linkfin.ObjectKey {
	return append(slices.Clone(c.Records), linkfin.ObjectKey{Kind: linkfin.KindReconciliation, ID: services.RailBank})
}

func (c *toLegacy) Apply(tx linkfin.Tx) (any, error) {
	legacy := &linkfin.Reconciliation{ID: services.RailBank, Open: []linkfin.OpenItem{}}
	for _, k := range c.Records {
		var r linkfin.Reconciliation
		if _, err := tx.Get(k.Kind, k.ID, &r); err != nil {
			return nil, err
		}
		for _, it := range r.Open {
			if slices.Contains(c.IDs, it.ID) {
				legacy.Open = append(legacy.Open, it)
			}
		}
		r.Open = slices.DeleteFunc(r.Open, func(it linkfin.OpenItem) bool { return slices.Contains(c.IDs, it.ID) })
		if err := tx.Put(k.Kind, k.ID, &r, "open_items.updated"); err != nil {
			return nil, err
		}
	}
	return nil, tx.Put(linkfin.KindReconciliation, legacy.ID, legacy, "reconciliation.updated")
}

// testOpenItems: the bank rail's open items are kept by kind, currency, date and
// amount, so that what an item joins holds only the items of its amount and date
// however many are open; and the items a database made before kept in the rail's one
// list are matched (by reference and by amount and date), assigned and cancelled from
// it as before, and leave it. All verifies.
func testOpenItems(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	financingFixture(t, env)
	ctx := context.Background()
	expect := func(amount int64, day string) *linkfin.ExpectedPayment {
		t.Helper()
		ep, err := run[linkfin.ExpectedPayment](t, env, &services.CreateExpectedPayment{Actor: "tier1",
			In: linkfin.ExpectedPaymentIn{Currency: "CNY", Amount: amount, Date: date(t, day)}})
		if err != nil {
			t.Fatal(err)
		}
		return ep
	}
	var eps []*linkfin.ExpectedPayment
	for i := range 200 {
		eps = append(eps, expect(int64(1_000+i), "2026-11-04"))
	}
	twin := expect(1_000, "2026-11-04") // eps[0]'s amount and date
	later := expect(1_000, "2026-11-05")

	// Each record holds the items of its amount and date, not every open one.
	holder := map[string]linkfin.ObjectKey{} // item → its record
	objs, err := env.Records().ListObjects(ctx, linkfin.KindOpenItems, "", 1_000)
	if err != nil {
		t.Fatal(err)
	}
	held := map[string]int{} // record → how many items it holds
	for _, o := range objs {
		var r linkfin.Reconciliation
		if err := json.Unmarshal(o.Data, &r); err != nil {
			t.Fatal(err)
		}
		for _, it := range r.Open {
			holder[it.ID] = linkfin.ObjectKey{Kind: o.Kind, ID: o.ID}
		}
		held[o.ID] = len(r.Open)
	}
	for id, n := range held {
		if want := 1 + btoi(id == holder[twin.ID].ID); n != want {
			t.Errorf("open items %s holds %d, want %d", id, n, want)
		}
	}
	if len(objs) != 201 || len(holder) != 202 || holder[eps[0].ID] != holder[twin.ID] || holder[twin.ID] == holder[later.ID] {
		t.Fatalf("%d records of open items for %d items", len(objs), len(holder))
	}
	if items := openItems(t, env); len(items) != 202 {
		t.Fatalf("%d open items listed, want 202", len(items))
	}

	// Three of them as a database made before keeps them.
	quoted, byAmount, cancelled := eps[1], eps[2], eps[3]
	moved := []string{quoted.ID, byAmount.ID, cancelled.ID}
	if err := env.Domain.Run(ctx, &toLegacy{Records: []linkfin.ObjectKey{holder[quoted.ID], holder[byAmount.ID], holder[cancelled.ID]},
		IDs: moved}, new(struct{})); err != nil {
		t.Fatal(err)
	}
	if items := openItems(t, env); len(items) != 202 || !slices.Equal(ids(items[:3]), moved) {
		t.Fatalf("open items after the move: %d, first %v", len(items), ids(items[:min(3, len(items))]))
	}
	env.Restart() // the open items come from the store
	doc := Camt053("MSG-L", "STMT-L", "6222 0000 1111", "CNY",
		CamtEntry{Sign: "CRDT", Amount: "10.01", Date: "2026-11-04", Ref: "L1", Remitting: "top-up " + quoted.ID},
		CamtEntry{Sign: "CRDT", Amount: "10.02", Date: "2026-11-06", Ref: "L2"},
		CamtEntry{Sign: "CRDT", Amount: "10.00", Date: "2026-11-03", Ref: "L3"},
		CamtEntry{Sign: "CRDT", Amount: "10.04", Date: "2026-11-04", Ref: "L4", Remitting: "top-up " + eps[4].ID},
	)
	imp, err := run[linkfin.BankStatementImport](t, env, &services.ImportBankStatement{Message: readCamt(t, doc)})
	if err != nil {
		t.Fatal(err)
	}
	st := imp.Statements[0]
	if st.Matched != 3 || st.Unmatched != 1 {
		t.Fatalf("the import: %+v", st)
	}
	for pos, want := range map[int]string{1: quoted.ID, 2: byAmount.ID, 4: eps[4].ID} {
		if e := record[linkfin.BankEntry](t, env, linkfin.KindBankEntry, services.BankEntryID(&st, pos)); e.Status != linkfin.BankEntryMatched ||
			e.ExpectedPaymentID != want {
			t.Errorf("entry %d: %+v, want matched to %s", pos, e, want)
		}
	}
	// Two items of 10.00 on the 4th and one on the 5th are within 3 days of the 3rd:
	// the entry settles none of them.
	if e := record[linkfin.BankEntry](t, env, linkfin.KindBankEntry, services.BankEntryID(&st, 3)); e.Status != linkfin.BankEntryUnmatched ||
		e.Note != "3 open items have its amount within 3 days of its date: assign it" {
		t.Errorf("entry 3: %+v", e)
	}
	if _, err := run[linkfin.ExpectedPayment](t, env, &services.CancelExpectedPayment{Actor: "tier1", ID: cancelled.ID}); err != nil {
		t.Fatal(err)
	}
	e, err := run[linkfin.BankEntry](t, env, &services.AssignBankEntry{EntryID: services.BankEntryID(&st, 3),
		In: linkfin.BankEntryAssignIn{Kind: linkfin.AssignExpectedPayment, ID: twin.ID}})
	if err != nil || e.Status != linkfin.BankEntryAssigned {
		t.Fatalf("assigning entry 3: %+v, %v", e, err)
	}
	if legacy := record[linkfin.Reconciliation](t, env, linkfin.KindReconciliation, services.RailBank); len(legacy.Open) != 0 {
		t.Errorf("the older list keeps %v", ids(legacy.Open))
	}
	items := ids(openItems(t, env))
	for _, gone := range []string{quoted.ID, byAmount.ID, cancelled.ID, eps[4].ID, twin.ID} {
		if slices.Contains(items, gone) {
			t.Errorf("%s is still open", gone)
		}
	}
	if len(items) != 197 || !slices.Contains(items, eps[0].ID) || !slices.Contains(items, later.ID) {
		t.Errorf("%d open items, want 197 with %s and %s", len(items), eps[0].ID, later.ID)
	}
	env.MustVerify()
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

// ids are the items' ids.
func ids(items []linkfin.OpenItem) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.ID
	}
	return out
}
