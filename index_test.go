package linkfin

import (
	"encoding/json"
	"fmt"
	"reflect"
	"testing"
	"time"
)

func mustDate(t *testing.T, s string) Date {
	t.Helper()
	d, err := ParseDate(s)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// TestEntriesOf: the entries the engine works out from a record's value are those the
// stores and the auditor work out from its stored JSON, for every kind the ordered
// index holds, by pointer and by value; anything else is not a record's value.
func TestEntriesOf(t *testing.T) {
	due := mustDate(t, "2027-03-31")
	records := map[string]any{
		KindCertificate: &Certificate{ID: "c1", ProgramID: "p1", HolderID: "s1", AnchorID: "a1", Currency: "CNY",
			Face: 1_000_00, Maturity: due, Status: "active"},
		KindFinancing: &Financing{ID: "f1", ProgramID: "p1", Currency: "CNY", Product: "certificate_discounting",
			RequesterID: "s1", FunderID: "b1", PayeeID: "s1", Tier: 2, Status: "accepted",
			Quote: Quote{Face: 900_00, DayCount: ACT360, ValueDate: mustDate(t, "2027-01-04"), Days: 30}},
		KindPayable:  &Payable{ID: "p1", SellerID: "s1", BuyerID: "a1", Amount: 500_00, DueDate: due, Status: "approved"},
		KindInvoice:  &Invoice{ID: "i1", SellerID: "s1", BuyerID: "a1", POID: "po1", Total: 700_00, Status: "matched"},
		KindShipment: &Shipment{ID: "sh1", POID: "po1", SellerID: "s1", BuyerID: "a1", CarrierID: "l1"},
		KindPurchaseOrder: &PurchaseOrder{ID: "po1", SellerID: "s1", BuyerID: "a1", Status: "accepted", LateFrom: &due,
			Lines: []POLine{{LineID: "1", Quantity: 2, Received: 1}}},
		KindOrganization: &Organization{ID: "l1", Name: "Logistics", Capabilities: []Capability{CapLogistics, CapTrade}},
		KindRelationship: &Relationship{ID: RelationshipID("a1", "s1"), BuyerID: "a1", SellerID: "s1", Status: RelationshipActive},
		KindDevice: &Device{ID: "d1", WarehouseID: "w1", Status: DeviceActive, HeartbeatSeconds: 600,
			CreatedAt: time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)},
	}
	for _, kind := range IndexKinds {
		v := records[kind]
		if v == nil {
			t.Fatalf("no record of kind %s to check", kind)
		}
		data, err := json.Marshal(v)
		if err != nil {
			t.Fatal(err)
		}
		want, err := IndexOf(kind, data)
		if err != nil {
			t.Fatal(err)
		}
		got, ok := EntriesOf(kind, v)
		if !ok || !reflect.DeepEqual(got, want) {
			t.Errorf("%s: EntriesOf gives %v, %v; its JSON gives %v", kind, got, ok, want)
		}
		byValue, ok := EntriesOf(kind, reflect.ValueOf(v).Elem().Interface())
		if !ok || !reflect.DeepEqual(byValue, want) {
			t.Errorf("%s by value: EntriesOf gives %v, %v; want %v", kind, byValue, ok, want)
		}
		if StatusIndexed(kind) && len(want) < 2 {
			t.Errorf("%s: no entries by status in %v", kind, want)
		}
	}
	for _, v := range []any{nil, (*Financing)(nil), json.RawMessage(`{}`), map[string]any{"id": "x"}} {
		if es, ok := EntriesOf(KindFinancing, v); ok {
			t.Errorf("EntriesOf(%#v) = %v, true; want false", v, es)
		}
	}
	if es, ok := EntriesOf(KindInvoice, records[KindFinancing]); ok {
		t.Errorf("a financing read as an invoice gives %v", es)
	}
}

// TestIndexChanges: storing versions deletes and inserts only the entries that differ
// from what the store holds, and moves each total once by the batch's net change to it,
// leaving the index by status without totals; a record written twice counts at its last
// version; a record of an indexed kind without its update is refused.
func TestIndexChanges(t *testing.T) {
	held := func(status string, face int64) IndexEntry {
		return IndexEntry{IndexHeld, IndexValue("s1", status, "2027-03-31"), face}
	}
	byStatus := func(status string) IndexEntry { return IndexEntry{IndexStatus, IndexValue("", status, ""), 0} }
	objs := []*Object{
		// An unchanged entry stays; a changed one moves.
		{Kind: KindCertificate, ID: "c1", Index: &IndexUpdate{
			Stored:  []IndexEntry{held("active", 100), {IndexDue, "p1/2027-03-31/active/CNY", 100}},
			Entries: []IndexEntry{held("locked", 100), {IndexDue, "p1/2027-03-31/active/CNY", 100}}}},
		// A new record; its first version in the batch is not what counts.
		{Kind: KindCertificate, ID: "c2", Index: &IndexUpdate{Entries: []IndexEntry{held("active", 1)}}},
		{Kind: KindCertificate, ID: "c2", Index: &IndexUpdate{Entries: []IndexEntry{held("active", 50)}}},
		// The amount alone changes.
		{Kind: KindCertificate, ID: "c3", Index: &IndexUpdate{
			Stored: []IndexEntry{held("locked", 30)}, Entries: []IndexEntry{held("locked", 20)}}},
		{Kind: KindPurchaseOrder, ID: "po1", Index: &IndexUpdate{
			Stored: []IndexEntry{byStatus("proposed")}, Entries: []IndexEntry{byStatus("accepted")}}},
		{Kind: KindProgram, ID: "p1"},
	}
	c, err := IndexChanges(objs)
	if err != nil {
		t.Fatal(err)
	}
	wantDeleted := []IndexRow{{KindCertificate, "c1", held("active", 100)}, {KindCertificate, "c3", held("locked", 30)},
		{KindPurchaseOrder, "po1", byStatus("proposed")}}
	wantInserted := []IndexRow{{KindCertificate, "c1", held("locked", 100)}, {KindCertificate, "c2", held("active", 50)},
		{KindCertificate, "c3", held("locked", 20)}, {KindPurchaseOrder, "po1", byStatus("accepted")}}
	if !reflect.DeepEqual(c.Deleted, wantDeleted) {
		t.Errorf("deleted %v\nwant %v", c.Deleted, wantDeleted)
	}
	if !reflect.DeepEqual(c.Inserted, wantInserted) {
		t.Errorf("inserted %v\nwant %v", c.Inserted, wantInserted)
	}
	// s1/active: −100 (c1) +50 (c2), count 0; s1/locked: +100 (c1) −30 +20 (c3), count +1.
	wantTotals := []IndexTotalChange{
		{KindCertificate, IndexHeld, "s1/active/2027-03-31", 0, SumOf(-50)},
		{KindCertificate, IndexHeld, "s1/locked/2027-03-31", 1, SumOf(90)},
	}
	if !reflect.DeepEqual(c.Totals, wantTotals) {
		t.Errorf("totals %v\nwant %v", c.Totals, wantTotals)
	}
	if _, err := IndexChanges([]*Object{{Kind: KindFinancing, ID: "f1"}}); err == nil {
		t.Error("a financing without its index update was accepted")
	}
}

// TestIndexChangesBeyondInt64: a batch that moves one total by more than an int64
// holds (10,000 records of MaxAmount, then as many leaving) moves it exactly.
func TestIndexChangesBeyondInt64(t *testing.T) {
	const n = 10_000
	e := IndexEntry{IndexDue, "p1/2027-03-31/active/CNY", MaxAmount}
	var in, out []*Object
	for i := range n {
		id := fmt.Sprintf("c%d", i)
		in = append(in, &Object{Kind: KindCertificate, ID: id, Index: &IndexUpdate{Entries: []IndexEntry{e}}})
		out = append(out, &Object{Kind: KindCertificate, ID: id, Index: &IndexUpdate{Stored: []IndexEntry{e}}})
	}
	want := Sum{High: n / (SumBase / MaxAmount)} // 10^19
	for _, c := range []struct {
		objs  []*Object
		count int64
		sum   Sum
	}{{in, n, want}, {out, -n, Sum{High: -n / (SumBase / MaxAmount)}}} {
		ch, err := IndexChanges(c.objs)
		if err != nil {
			t.Fatal(err)
		}
		if len(ch.Totals) != 1 || ch.Totals[0].Count != c.count || ch.Totals[0].Amount != c.sum {
			t.Fatalf("the batch moves %+v; want %d entries of %s", ch.Totals, c.count, c.sum)
		}
	}
}
