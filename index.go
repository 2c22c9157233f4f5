package linkfin

import (
	"cmp"
	"encoding/json"
	"fmt"
	"reflect"
	"slices"
	"strconv"
	"strings"
)

// The stores keep two indexes of records that the console's pages and the reports read
// instead of scanning every record of a kind: an ordered index of entries, each a
// record under a name and a value, listed in (value, id) order; and, per name and
// value, the count and the sum of the amounts of its entries (the totals). A record's
// entries are those IndexOf gives for its current version: the store replaces them
// whenever it writes the record, in the same transaction, and keeps the totals with
// them. Values are ids, statuses, dates and codes joined by IndexSep, none of which
// holds it, so a value's leading parts are a prefix that lists a range.

// Index names.
const (
	// IndexHeld lists certificate pieces by holder, status and maturity:
	// "holder/status/maturity"; the amount is the face.
	IndexHeld = "held"
	// IndexDue lists certificate pieces by program, maturity, status and currency:
	// "program/maturity/status/currency"; the amount is the face. Its totals are the
	// maturity calendar.
	IndexDue = "due"
	// IndexFunded lists financings by status, program, currency, funder, product and
	// tier: "status/program/currency/funder/product/tier"; the amount is the quote's
	// face. Its totals are the exposure report.
	IndexFunded = "funded"
	// IndexSold lists payables by seller, status and due date: "seller/status/due";
	// the amount is the payable's.
	IndexSold = "sold"
	// IndexOwed lists the financings paid out (FinancingStatus.PaidOut) under each
	// organization party to them, and under "" (everyone's, for the operator), by
	// status and the date they are due: "party/status/due"; the amount is the quote's
	// face. A quote or an acceptance has no entry: most are written twice in a
	// moment, and nothing owed reads them.
	IndexOwed = "owed"
	// IndexOrder lists shipments and invoices under the order they are against:
	// "po/"; the amount is 0 for a shipment, the invoice's total for an invoice.
	IndexOrder = "order"
	// IndexStatus lists the records of the kinds StatusIndexed names under each
	// organization party to them, and under "" (everyone's, for the operator), by
	// status: "party/status/", in id order; the amount is 0. A list filtered by
	// status reads it. Their parties only grow, as the party index does.
	IndexStatus = "status"
	// IndexBought lists payables under their buyer and program ("" for none), as the
	// buyer's dynamic discounting and its supplier finance disclosures read them; each
	// value starts "buyer/program/":
	//   - "open/due": an open payable, by the day it is due; the amount is the payable's.
	//   - "confirmed/date/days": a payable that keeps its own account of its life, by the
	//     day it was confirmed (approved, UTC), then its due date's days after its
	//     invoice's issue ("" if not known); the amount is what was confirmed.
	//   - "credited/date": what credit notes took off it on a day (UTC).
	//   - "ended/date": the day it stopped being owed: paid, or credited down to nothing,
	//     whichever came first; the amount is what it owed when paid (0 if credited).
	//   - "unkept/": a payable approved before payables kept their own account (in a
	//     program, one with no amount confirmed; in none, one with no invoice date).
	// Of a program, what the buyer owed at the end of a day is the confirmed total to
	// that day less the credited and the ended totals to it, and how many it owed the
	// count of the confirmed less that of the ended.
	IndexBought = "bought"
	// IndexLate lists the purchase orders watched for lateness (AwaitsLate) by the
	// first day they are late: "late_from"; the amount is 0. The scheduler reads the
	// days up to today.
	IndexLate = "late"
	// IndexSilent lists the active devices watched for silence by the instant after
	// which they are silent (Device.QuietAfter, in IndexTime, truncated to the
	// second); the amount is 0. The scheduler reads the instants up to now.
	IndexSilent = "silent"
	// IndexSells lists the active relationships under their seller: "seller/"; the
	// amount is 0. Who an organization sells to, up the chain to the anchors whose
	// programs it is a member of, is read from it: an anchor may buy from a hundred
	// thousand suppliers, and its own customers are a handful.
	IndexSells = "sells"
	// IndexCan lists organizations under each capability they have: "capability/";
	// the amount is 0. A form that offers the carriers reads the logistics operators
	// from it, not every organization.
	IndexCan = "can"
	// IndexBankChange lists the organizations whose admin registered a bank account
	// that waits for the operator's confirmation, by when it was registered (in
	// IndexTime); the amount is 0. The operator's console reads what waits from it.
	IndexBankChange = "bank_change"
)

// Parts of the values of IndexBought after "buyer/program/".
const (
	BoughtOpen      = "open"
	BoughtConfirmed = "confirmed"
	BoughtCredited  = "credited"
	BoughtEnded     = "ended"
	BoughtUnkept    = "unkept"
)

// StatusIndexed reports whether records of the kind are in the index by status.
func StatusIndexed(kind string) bool {
	switch kind {
	case KindInvoice, KindPayable, KindFinancing, KindPurchaseOrder:
		return true
	}
	return false
}

// IndexNames are the indexes, each with the kind of record it lists.
var IndexNames = [][2]string{{KindCertificate, IndexHeld}, {KindCertificate, IndexDue}, {KindFinancing, IndexFunded}, {KindFinancing, IndexOwed},
	{KindPayable, IndexSold}, {KindPayable, IndexBought}, {KindShipment, IndexOrder}, {KindInvoice, IndexOrder},
	{KindInvoice, IndexStatus}, {KindPayable, IndexStatus}, {KindFinancing, IndexStatus}, {KindPurchaseOrder, IndexStatus}, {KindPurchaseOrder, IndexLate}, {KindDevice, IndexSilent},
	{KindRelationship, IndexSells}, {KindOrganization, IndexCan}, {KindOrganization, IndexBankChange}}

// IndexSep joins the parts of an index value.
const IndexSep = "/"

// IndexValue joins parts into an index value (or, with fewer parts, a prefix of one:
// end it with IndexSep to list whole parts).
func IndexValue(parts ...string) string { return strings.Join(parts, IndexSep) }

// IndexEntry is one entry of a record in the stores' ordered index.
type IndexEntry struct {
	Name   string
	Value  string
	Amount int64
}

// IndexedObject is a record listed by an entry of the ordered index: the entry's
// value, and the record.
type IndexedObject struct {
	Value string
	Object
}

// IndexTotal is the count and the sum of the amounts of an index's entries of a value.
// The sum is exact however many entries there are (a Sum, past 2^63); a report turns
// it into a figure with Sum.Int64, which refuses one beyond an int64 with
// ETOTALTOOLARGE.
type IndexTotal struct {
	Value  string
	Count  int64
	Amount Sum
}

// IndexBackfill is the name under which the stores record, among their migrations,
// that the records written before the ordered index existed have been indexed.
const IndexBackfill = "0005_object_index_backfill"

// IndexAdded are the index names added after the ordered index was made, each with the
// kind of record it lists and the name under which the stores record, among their
// migrations, that the records written before it existed have been entered under it.
var IndexAdded = []struct{ Migration, Kind, Name string }{
	{"0007_payables_by_buyer_backfill", KindPayable, IndexBought},
	{"0008_orders_late_backfill", KindPurchaseOrder, IndexLate},
	{"0009_devices_silent_backfill", KindDevice, IndexSilent},
	// Financings not paid out had entries under IndexOwed before it listed only those.
	{"0010_financings_owed_paid_out", KindFinancing, IndexOwed},
	{"0011_relationships_by_seller_backfill", KindRelationship, IndexSells},
	{"0012_organizations_by_capability_backfill", KindOrganization, IndexCan},
	{"0013_organizations_bank_change_backfill", KindOrganization, IndexBankChange},
	// Payables' confirmations, credits and ends were entered under the day in UTC
	// before they were under the business day (BusinessDate).
	{"0014_payables_by_buyer_business_days", KindPayable, IndexBought},
}

// Indexed reports whether records of the kind have entries in the ordered index.
func Indexed(kind string) bool {
	switch kind {
	case KindCertificate, KindFinancing, KindPayable, KindShipment, KindInvoice, KindPurchaseOrder, KindDevice, KindRelationship,
		KindOrganization:
		return true
	}
	return false
}

// IndexKinds are the kinds of record the ordered index holds.
var IndexKinds = []string{KindCertificate, KindFinancing, KindPayable, KindShipment, KindInvoice, KindPurchaseOrder, KindDevice, KindRelationship,
	KindOrganization}

// FinancingDue is the date a financing is due: its loan's due date, or its quote's
// maturity.
func FinancingDue(f *Financing) Date {
	if !f.DueDate.IsZero() {
		return f.DueDate
	}
	return f.Quote.ValueDate.AddDays(f.Quote.Days)
}

// IndexEnd is the end of the range of values that start with prefix: every value
// is below it.
func IndexEnd(prefix string) string { return prefix + "\x7f" }

// IndexOf is the entries of a record in the ordered index, from its stored data.
func IndexOf(kind string, data []byte) ([]IndexEntry, error) {
	if !Indexed(kind) {
		return nil, nil
	}
	v := NewRecord(kind)
	if err := json.Unmarshal(data, v); err != nil {
		return nil, err
	}
	out, _ := EntriesOf(kind, v)
	return out, nil
}

// EntriesOf is the entries of a record in the ordered index, from its value: its
// kind's registered type or a pointer to it. It reports false for any other value.
func EntriesOf(kind string, v any) ([]IndexEntry, bool) {
	if rv := reflect.ValueOf(v); !rv.IsValid() || rv.Kind() == reflect.Pointer && rv.IsNil() {
		return nil, false
	}
	var out []IndexEntry
	var status string
	var parties []string
	switch r := derefRecord(v).(type) {
	case *Certificate:
		if kind != KindCertificate {
			return nil, false
		}
		m := r.Maturity.String()
		return []IndexEntry{
			{IndexHeld, IndexValue(r.HolderID, string(r.Status), m), r.Face},
			{IndexDue, IndexValue(r.ProgramID, m, string(r.Status), string(r.Currency)), r.Face},
		}, true
	case *Financing:
		if kind != KindFinancing {
			return nil, false
		}
		parties, status = r.Parties(), string(r.Status)
		out = append(make([]IndexEntry, 0, 2+2*len(parties)), IndexEntry{IndexFunded, IndexValue(status, r.ProgramID,
			string(r.Currency), r.FunderID, string(r.Product), strconv.Itoa(r.Tier)), r.Quote.Face})
		if r.Status.PaidOut() {
			due := FinancingDue(r).String()
			for _, p := range parties {
				out = append(out, IndexEntry{IndexOwed, IndexValue(p, status, due), r.Quote.Face})
			}
			out = append(out, IndexEntry{IndexOwed, IndexValue("", status, due), r.Quote.Face})
		}
	case *Shipment:
		if kind != KindShipment {
			return nil, false
		}
		return []IndexEntry{{IndexOrder, IndexValue(r.POID, ""), 0}}, true
	case *Invoice:
		if kind != KindInvoice {
			return nil, false
		}
		parties, status = r.Parties(), string(r.Status)
		out = []IndexEntry{{IndexOrder, IndexValue(r.POID, ""), r.Total}}
	case *Payable:
		if kind != KindPayable {
			return nil, false
		}
		parties, status = r.Parties(), string(r.Status)
		out = append([]IndexEntry{{IndexSold, IndexValue(r.SellerID, status, r.DueDate.String()), r.Amount}}, bought(r)...)
	case *PurchaseOrder:
		if kind != KindPurchaseOrder {
			return nil, false
		}
		parties, status = r.Parties(), string(r.Status)
		if r.AwaitsLate() {
			out = append(out, IndexEntry{IndexLate, r.LateFrom.String(), 0})
		}
	case *Organization:
		if kind != KindOrganization {
			return nil, false
		}
		for _, c := range r.Capabilities {
			out = append(out, IndexEntry{IndexCan, IndexValue(string(c), ""), 0})
		}
		if p := r.PendingBankAccount; p != nil {
			out = append(out, IndexEntry{IndexBankChange, p.RequestedAt.UTC().Format(IndexTime), 0})
		}
		return out, true
	case *Relationship:
		if kind != KindRelationship {
			return nil, false
		}
		if r.Status == RelationshipActive {
			return []IndexEntry{{IndexSells, IndexValue(r.SellerID, ""), 0}}, true
		}
		return nil, true
	case *Device:
		if kind != KindDevice {
			return nil, false
		}
		if at, ok := r.QuietAfter(); ok {
			return []IndexEntry{{IndexSilent, at.Format(IndexTime), 0}}, true
		}
		return nil, true
	default:
		return nil, false
	}
	// The kinds StatusIndexed names: under each party and under "".
	for _, p := range parties {
		out = append(out, IndexEntry{IndexStatus, IndexValue(p, status, ""), 0})
	}
	return append(out, IndexEntry{IndexStatus, IndexValue("", status, ""), 0}), true
}

// bought is a payable's entries under IndexBought.
func bought(p *Payable) []IndexEntry {
	at := func(parts ...string) string { return IndexValue(append([]string{p.BuyerID, p.ProgramID}, parts...)...) }
	var out []IndexEntry
	if p.Status == PayableOpen {
		out = append(out, IndexEntry{IndexBought, at(BoughtOpen, p.DueDate.String()), p.Amount})
	}
	if p.ProgramID != "" && p.Confirmed == 0 || p.ProgramID == "" && p.InvoiceDate == nil {
		return append(out, IndexEntry{IndexBought, at(BoughtUnkept, ""), 0})
	}
	// Each instant counts on its business day, as the disclosure's period and its
	// default end, today, are business days.
	day := BusinessDate
	days := ""
	if p.InvoiceDate != nil {
		days = strconv.Itoa(DaysBetween(*p.InvoiceDate, p.DueDate))
	}
	out = append(out, IndexEntry{IndexBought, at(BoughtConfirmed, day(p.ApprovedAt).String(), days), p.Confirmed})
	owed := p.Confirmed
	var ended *Date
	for i := 0; i < len(p.Credits); {
		// A day's credits are one entry.
		d, amount := day(p.Credits[i].At), int64(0)
		for ; i < len(p.Credits) && day(p.Credits[i].At) == d; i++ {
			amount += p.Credits[i].Amount
		}
		out = append(out, IndexEntry{IndexBought, at(BoughtCredited, d.String()), amount})
		if owed -= amount; owed <= 0 && ended == nil {
			ended = &d
		}
	}
	if p.PaidAt != nil && ended == nil {
		d := day(*p.PaidAt)
		ended = &d
	}
	if ended != nil {
		out = append(out, IndexEntry{IndexBought, at(BoughtEnded, ended.String()), max(owed, 0)})
	}
	return out
}

// derefRecord turns a record held by value into a pointer to a copy of it, so that
// EntriesOf reads both alike.
func derefRecord(v any) any {
	switch r := v.(type) {
	case Certificate:
		return &r
	case Financing:
		return &r
	case Shipment:
		return &r
	case Invoice:
		return &r
	case Payable:
		return &r
	case PurchaseOrder:
		return &r
	case Device:
		return &r
	case Relationship:
		return &r
	case Organization:
		return &r
	}
	return v
}

// Totaled reports whether the stores keep the totals of an index's entries: of every
// index but IndexStatus, IndexLate, IndexSilent, IndexSells, IndexCan and IndexBankChange, whose entries have
// no amount and whose counts nothing reads.
func Totaled(name string) bool {
	return name != IndexStatus && name != IndexLate && name != IndexSilent && name != IndexSells && name != IndexCan &&
		name != IndexBankChange
}

// IndexUpdate is what storing a version of a record changes in the ordered index: the
// version's entries, and those the store holds for the record until then (the entries
// of the version stored before it; none for a new record).
type IndexUpdate struct {
	Entries, Stored []IndexEntry
}

// IndexTotalChange is how a batch changes the totals of one value of an index: a Sum,
// as a batch may move a total by more than an int64 holds.
type IndexTotalChange struct {
	Kind, Name, Value string
	Count             int64
	Amount            Sum
}

// IndexChange is what a batch changes in the ordered index: the entries it deletes,
// those it inserts (after the deletes), and the totals it moves.
type IndexChange struct {
	Deleted, Inserted []IndexRow
	Totals            []IndexTotalChange
}

// IndexChanges is what storing the objects changes in the ordered index, from their
// Index: only the entries that differ between the version stored and the new one are
// deleted and inserted, and each total moves once per batch by the sum of its changes.
// Each object of a kind the index holds must carry its Index; of a key written more
// than once, the last version counts.
func IndexChanges(objs []*Object) (*IndexChange, error) {
	last := map[ObjectKey]int{}
	for i, o := range objs {
		if Indexed(o.Kind) {
			last[o.Key()] = i
		}
	}
	type totalKey struct{ kind, name, value string }
	c := &IndexChange{}
	totals := map[totalKey]*IndexTotalChange{}
	move := func(kind string, e IndexEntry, sign int64) error {
		if !Totaled(e.Name) {
			return nil
		}
		k := totalKey{kind, e.Name, e.Value}
		t := totals[k]
		if t == nil {
			t = &IndexTotalChange{Kind: kind, Name: e.Name, Value: e.Value}
			totals[k] = t
		}
		t.Count += sign
		var err error
		if sign > 0 {
			t.Amount, err = t.Amount.Add(SumOf(e.Amount))
		} else {
			t.Amount, err = t.Amount.Sub(SumOf(e.Amount))
		}
		return err
	}
	for i, o := range objs {
		if !Indexed(o.Kind) || last[o.Key()] != i {
			continue
		}
		if o.Index == nil {
			return nil, fmt.Errorf("%s %s: written without its entries in the ordered index", o.Kind, o.ID)
		}
		for _, e := range o.Index.Stored {
			if !slices.Contains(o.Index.Entries, e) {
				c.Deleted = append(c.Deleted, IndexRow{o.Kind, o.ID, e})
				if err := move(o.Kind, e, -1); err != nil {
					return nil, err
				}
			}
		}
		for _, e := range o.Index.Entries {
			if !slices.Contains(o.Index.Stored, e) {
				c.Inserted = append(c.Inserted, IndexRow{o.Kind, o.ID, e})
				if err := move(o.Kind, e, 1); err != nil {
					return nil, err
				}
			}
		}
	}
	for _, t := range totals {
		if t.Count != 0 || !t.Amount.IsZero() {
			c.Totals = append(c.Totals, *t)
		}
	}
	slices.SortFunc(c.Totals, func(x, y IndexTotalChange) int {
		return cmp.Or(cmp.Compare(x.Kind, y.Kind), cmp.Compare(x.Name, y.Name), cmp.Compare(x.Value, y.Value))
	})
	return c, nil
}

// IndexRow is one entry of a record in the ordered index.
type IndexRow struct {
	Kind, ID string
	IndexEntry
}
