package sim

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"linkfin"
	"linkfin/services"
)

// dueReader is what the scheduler (services.Due) reads: the database, with its lists
// narrowed to what can be due today, so that a year of records is not read every
// simulated morning:
//   - financings: those the run made that are still open, and not before the date the
//     product gives (FinancingProduct.CloseDate, or the end of an accepted one's holds);
//   - maturities: those the run made with pieces left to pay, dated today or before;
//   - conditional payments: those the run made that are still locked, and not before
//     the first of their expiry date and the date a date condition names (each day
//     while a release waits for room in the payee's e-CNY wallet);
//   - purchase orders: those watched for lateness — none, for the simulator's orders
//     state no date to deliver by (a store with the ordered index reads only those).
//
// Due's own rules decide what is due among them; a record listed early is passed over
// by them as it would be.
type dueReader struct {
	db    DB
	today linkfin.Date
	open  map[string]*watchList // kind → what may come due
	// fed: the database's changes are fed to the reader (changed), and a record that
	// waits for a day to come is read again only once it was written.
	fed bool
}

// watchList is what may come due of a kind: the records read before, in id order, and
// those watched since, which join them when the kind is next listed (a maturity on
// its date).
type watchList struct {
	read  []watched
	fresh []watched
	later map[linkfin.Date][]watched // maturities still to come, by their date
	spare []watched                  // room for the next list's read
	// written are the records of the kind written since it was last listed, when the
	// reader is fed.
	written map[string]bool
}

// watched is a record that may come due: its id, and for a financing or a conditional
// payment read before, the version read and the first day it can be due.
type watched struct {
	id    string
	noted versionDay
}

type versionDay struct {
	version int64
	day     linkfin.Date
}

// narrows reports whether the reader narrows the lists of a kind: a kind it watches
// lists only what was watched, and nothing when none was.
func narrows(kind string) bool {
	switch kind {
	case linkfin.KindFinancing, linkfin.KindMaturity, linkfin.KindPurchaseOrder, linkfin.KindConditionalPayment:
		return true
	}
	return false
}

// versioned is a database that tells a record's version without the record, and reads
// a record sharing what it holds (memtx).
type versioned interface {
	Version(kind, id string) (int64, bool)
	GetShared(kind, id string, v any) (bool, error)
}

func newDueReader(db DB) *dueReader {
	return &dueReader{db: db, open: map[string]*watchList{}}
}

// watch adds a record that may come due: a maturity from its date (its id ends with
// it), anything else from the next list.
func (d *dueReader) watch(kind, id string) {
	w := d.open[kind]
	if w == nil {
		w = &watchList{later: map[linkfin.Date][]watched{}}
		d.open[kind] = w
	}
	if kind == linkfin.KindMaturity {
		if at := strings.LastIndexByte(id, '@'); at >= 0 {
			if day, err := linkfin.ParseDate(id[at+1:]); err == nil {
				w.later[day] = append(w.later[day], watched{id: id})
				return
			}
		}
	}
	w.fresh = append(w.fresh, watched{id: id})
}

// changed tells the reader of records written since it was last told: with it, a
// watched record that waits for its first day to be due is not read again until then
// unless it was written.
func (d *dueReader) changed(records []linkfin.ObjectKey) {
	d.fed = true
	for _, k := range records {
		w := d.open[k.Kind]
		if w == nil {
			continue
		}
		if w.written == nil {
			w.written = map[string]bool{}
		}
		w.written[k.ID] = true
	}
}

func (d *dueReader) Object(ctx context.Context, kind, id string) (*linkfin.Object, error) {
	return d.db.Object(ctx, kind, id)
}

// GetValue reads a record as a value of its kind's type (services.ValueGetter): a
// product's close date reads the records it names without their JSON.
func (d *dueReader) GetValue(_ context.Context, kind, id string, v any) (bool, error) {
	return d.db.Get(kind, id, v)
}

func (d *dueReader) ListObjects(ctx context.Context, kind, after string, limit int) ([]linkfin.Object, error) {
	if _, ok := d.open[kind]; !ok {
		if narrows(kind) {
			return nil, nil
		}
		return d.db.ListObjects(ctx, kind, after, limit)
	}
	recs, err := d.list(ctx, kind)
	if err != nil {
		return nil, err
	}
	var out []linkfin.Object
	for _, r := range recs {
		if r.id <= after || len(out) == limit {
			continue
		}
		o, err := d.db.Object(ctx, kind, r.id)
		if err != nil {
			return nil, err
		}
		out = append(out, *o)
	}
	return out, nil
}

// ScanValues hands the scheduler the records ListObjects would list, in id order, as
// values it shares with the database (services.ValueScanner): no JSON is made for them,
// nor read.
func (d *dueReader) ScanValues(ctx context.Context, kind string, fn func(v any) error) error {
	if _, ok := d.open[kind]; !ok {
		if narrows(kind) {
			return nil
		}
		return linkfin.Errorf(linkfin.EINVALID, "the scheduler's reader does not scan %s", kind)
	}
	recs, err := d.list(ctx, kind)
	if err != nil {
		return err
	}
	for _, r := range recs {
		if err := fn(r.val); err != nil {
			return err
		}
	}
	return nil
}

// dueRecord is a record that may be due today, as the scheduler's reader read it.
type dueRecord struct {
	id  string
	val any // *linkfin.Maturity, *linkfin.Financing or *linkfin.ConditionalPayment
}

// list reads the watched records of a kind that may be due today, in id order, and
// forgets those that never can be again.
func (d *dueReader) list(ctx context.Context, kind string) ([]dueRecord, error) {
	w := d.open[kind]
	for day, ms := range w.later {
		if !day.After(d.today) {
			w.fresh = append(w.fresh, ms...)
			delete(w.later, day)
		}
	}
	// What was read before is in id order: what was watched since joins it.
	slices.SortFunc(w.fresh, func(a, b watched) int { return strings.Compare(a.id, b.id) })
	all := mergeWatched(w.spare[:0], w.read, w.fresh)
	clear(w.fresh)
	w.fresh = w.fresh[:0]
	var out []dueRecord
	keep := all[:0] // written behind where all is read
	for i := range all {
		e := all[i]
		if d.waits(kind, w, &e) {
			keep = append(keep, e)
			continue
		}
		val, version, found, err := d.read(ctx, kind, e.id)
		if err != nil {
			return nil, err
		}
		if !found {
			continue
		}
		if e.noted.version == version && e.noted.day.After(d.today) {
			keep = append(keep, e)
			continue
		}
		closed, noted := d.closed(ctx, val, version)
		if closed {
			continue
		}
		e.noted = noted
		keep = append(keep, e)
		out = append(out, dueRecord{e.id, val})
	}
	clear(all[len(keep):])
	w.read, w.spare = keep, w.read[:0]
	clear(w.written)
	return out, nil
}

// mergeWatched appends to dst the records of a and b, each in id order, in id order and
// each once: the first of those with one id.
func mergeWatched(dst, a, b []watched) []watched {
	for len(a) > 0 || len(b) > 0 {
		var e watched
		switch {
		case len(b) == 0 || len(a) > 0 && a[0].id <= b[0].id:
			e, a = a[0], a[1:]
		default:
			e, b = b[0], b[1:]
		}
		if n := len(dst); n > 0 && dst[n-1].id == e.id {
			continue
		}
		dst = append(dst, e)
	}
	return dst
}

// read reads a watched record as a value of its kind's type, and its version: shared
// with the database where it tells a record's version without the record (memtx),
// decoded from its JSON otherwise.
func (d *dueReader) read(ctx context.Context, kind, id string) (val any, version int64, found bool, err error) {
	switch kind {
	case linkfin.KindMaturity:
		val = new(linkfin.Maturity)
	case linkfin.KindFinancing:
		val = new(linkfin.Financing)
	case linkfin.KindConditionalPayment:
		val = new(linkfin.ConditionalPayment)
	default:
		return nil, 0, false, linkfin.Errorf(linkfin.EINVALID, "the scheduler's reader does not watch %s", kind)
	}
	if vr, ok := d.db.(versioned); ok {
		if version, found = vr.Version(kind, id); !found {
			return nil, 0, false, nil
		}
		found, err = vr.GetShared(kind, id, val)
		return val, version, found, err
	}
	o, err := d.db.Object(ctx, kind, id)
	if err != nil {
		if linkfin.ErrorCode(err) == linkfin.ENOTFOUND {
			return nil, 0, false, nil
		}
		return nil, 0, false, err
	}
	if err := json.Unmarshal(o.Data, val); err != nil {
		return nil, 0, false, err
	}
	return val, o.Version, true, nil
}

// waits reports whether the record, a financing or a conditional payment of w, cannot
// be due today as it stands: the version noted with its first day is still the last.
// A fed reader knows it from what was written since the kind was last listed (a
// record written since then was read again and noted); otherwise, where the database
// tells a record's version without the record (memtx), it asks.
func (d *dueReader) waits(kind string, w *watchList, e *watched) bool {
	if e.noted.version == 0 || !e.noted.day.After(d.today) {
		return false
	}
	if d.fed {
		return !w.written[e.id]
	}
	vr, ok := d.db.(versioned)
	if !ok {
		return false
	}
	v, found := vr.Version(kind, e.id)
	return found && v == e.noted.version
}

// closed reports whether a record can never come due again: a financing that ended,
// or one disbursed whose product gives it no close date (as Due reads it); a
// conditional payment no longer locked; a maturity date with no piece left to pay. Of a
// financing or a conditional payment still open it gives the version and the first day
// it can be due.
func (d *dueReader) closed(ctx context.Context, val any, version int64) (closed bool, noted versionDay) {
	switch r := val.(type) {
	case *linkfin.Financing:
		f := *r // the product's CloseDate reads a copy of the record, not the database's
		switch f.Status {
		case linkfin.FinancingSettled, linkfin.FinancingCancelled, linkfin.FinancingLapsed, linkfin.FinancingRecourse, linkfin.FinancingDefaulted:
			return true, noted
		case linkfin.FinancingAccepted:
			if f.HoldsUntil != nil {
				noted = versionDay{version, linkfin.BusinessDate(*f.HoldsUntil)}
			}
		case linkfin.FinancingDisbursed:
			p, err := services.ProductOf(&f)
			if err != nil {
				return false, noted
			}
			day, ok, err := p.CloseDate(ctx, d, &f)
			if err == nil && !ok {
				return true, noted
			}
			if err == nil {
				noted = versionDay{version, day}
			}
		}
	case *linkfin.ConditionalPayment:
		p := r
		if p.Status != linkfin.ConditionalLocked {
			return true, noted
		}
		// Locked, it is due on the first of these dates (none: never, as it stands).
		day := linkfin.NewDate(9999, 12, 31)
		if p.ExpiresOn != nil {
			day = *p.ExpiresOn
		}
		if p.Condition.Type == linkfin.ConditionDate && p.Condition.Date != nil && p.Condition.Date.Before(day) {
			day = *p.Condition.Date
		}
		if p.Waiting != nil {
			day = d.today // a release waiting for room in the payee's e-CNY wallet: tried each day
		}
		noted = versionDay{version, day}
	case *linkfin.Maturity:
		return !r.Lists(), noted
	}
	return false, noted
}
