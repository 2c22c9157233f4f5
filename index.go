package linkfin

import (
	"encoding/json"
	"fmt"
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
	// IndexOwed lists financings under each organization party to them, and under ""
	// (everyone's, for the operator), by status and the date they are due:
	// "party/status/due"; the amount is the quote's face.
	IndexOwed = "owed"
	// IndexOrder lists shipments and invoices under the order they are against:
	// "po/"; the amount is 0 for a shipment, the invoice's total for an invoice.
	IndexOrder = "order"
	// IndexStatus lists the records of the kinds StatusIndexed names under each
	// organization party to them, and under "" (everyone's, for the operator), by
	// status: "party/status/", in id order; the amount is 0. A list filtered by
	// status reads it. Their parties only grow, as the party index does.
	IndexStatus = "status"
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
	{KindPayable, IndexSold}, {KindShipment, IndexOrder}, {KindInvoice, IndexOrder},
	{KindInvoice, IndexStatus}, {KindPayable, IndexStatus}, {KindFinancing, IndexStatus}, {KindPurchaseOrder, IndexStatus}}

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
type IndexTotal struct {
	Value  string
	Count  int64
	Amount int64
}

// IndexBackfill is the name under which the stores record, among their migrations,
// that the records written before the ordered index existed have been indexed.
const IndexBackfill = "0005_object_index_backfill"

// Indexed reports whether records of the kind have entries in the ordered index.
func Indexed(kind string) bool {
	switch kind {
	case KindCertificate, KindFinancing, KindPayable, KindShipment, KindInvoice, KindPurchaseOrder:
		return true
	}
	return false
}

// IndexKinds are the kinds of record the ordered index holds.
var IndexKinds = []string{KindCertificate, KindFinancing, KindPayable, KindShipment, KindInvoice, KindPurchaseOrder}

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
	out, err := indexOf(kind, data)
	if err != nil || !StatusIndexed(kind) {
		return out, err
	}
	var r struct {
		Status string `json:"status"`
	}
	if err := json.Unmarshal(data, &r); err != nil {
		return nil, err
	}
	parties, err := PartiesOf(kind, data)
	if err != nil {
		return nil, err
	}
	for _, p := range append(parties, "") {
		out = append(out, IndexEntry{IndexStatus, IndexValue(p, r.Status, ""), 0})
	}
	return out, nil
}

func indexOf(kind string, data []byte) ([]IndexEntry, error) {
	switch kind {
	case KindCertificate:
		var c struct {
			ProgramID string            `json:"program_id"`
			HolderID  string            `json:"holder_id"`
			Currency  Currency          `json:"currency"`
			Face      int64             `json:"face"`
			Maturity  Date              `json:"maturity"`
			Status    CertificateStatus `json:"status"`
		}
		if err := json.Unmarshal(data, &c); err != nil {
			return nil, err
		}
		m := c.Maturity.String()
		return []IndexEntry{
			{IndexHeld, IndexValue(c.HolderID, string(c.Status), m), c.Face},
			{IndexDue, IndexValue(c.ProgramID, m, string(c.Status), string(c.Currency)), c.Face},
		}, nil
	case KindFinancing:
		var f Financing
		if err := json.Unmarshal(data, &f); err != nil {
			return nil, err
		}
		out := []IndexEntry{{IndexFunded, IndexValue(string(f.Status), f.ProgramID, string(f.Currency), f.FunderID,
			string(f.Product), strconv.Itoa(f.Tier)), f.Quote.Face}}
		due := FinancingDue(&f).String()
		for _, p := range append(f.Parties(), "") {
			out = append(out, IndexEntry{IndexOwed, IndexValue(p, string(f.Status), due), f.Quote.Face})
		}
		return out, nil
	case KindShipment, KindInvoice:
		var d struct {
			POID  string `json:"po_id"`
			Total int64  `json:"total"`
		}
		if err := json.Unmarshal(data, &d); err != nil {
			return nil, err
		}
		return []IndexEntry{{IndexOrder, IndexValue(d.POID, ""), d.Total}}, nil
	case KindPayable:
		var p struct {
			SellerID string        `json:"seller_id"`
			Amount   int64         `json:"amount"`
			DueDate  Date          `json:"due_date"`
			Status   PayableStatus `json:"status"`
		}
		if err := json.Unmarshal(data, &p); err != nil {
			return nil, err
		}
		return []IndexEntry{{IndexSold, IndexValue(p.SellerID, string(p.Status), p.DueDate.String()), p.Amount}}, nil
	}
	return nil, nil
}

// IndexRow is one entry of a record in the ordered index.
type IndexRow struct {
	Kind, ID string
	IndexEntry
}

// IndexRows lists the written records of the kinds the ordered index holds (each once,
// at its last version among objs), whose entries a store replaces, and their entries
// now.
func IndexRows(objs []*Object) (keys []ObjectKey, rows []IndexRow, err error) {
	last := map[ObjectKey]int{}
	for i, o := range objs {
		if Indexed(o.Kind) {
			last[ObjectKey{Kind: o.Kind, ID: o.ID}] = i
		}
	}
	for i, o := range objs {
		k := ObjectKey{Kind: o.Kind, ID: o.ID}
		if !Indexed(o.Kind) || last[k] != i {
			continue
		}
		entries, err := IndexOf(o.Kind, o.Data)
		if err != nil {
			return nil, nil, fmt.Errorf("%s %s: %w", o.Kind, o.ID, err)
		}
		keys = append(keys, k)
		for _, e := range entries {
			rows = append(rows, IndexRow{o.Kind, o.ID, e})
		}
	}
	return keys, rows, nil
}
