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
	open  map[string][]string // kind → ids that may come due
	// notBefore is, for a financing's or a conditional payment's version, the first
	// day it can be due.
	notBefore map[string]versionDay
}

type versionDay struct {
	version int64
	day     linkfin.Date
}

// watched reports whether the reader narrows the lists of a kind: a kind it watches
// lists only what was watched, and nothing when none was.
func watched(kind string) bool {
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
	return &dueReader{db: db, open: map[string][]string{}, notBefore: map[string]versionDay{}}
}

// watch adds a record that may come due.
func (d *dueReader) watch(kind, id string) {
	d.open[kind] = append(d.open[kind], id)
}

func (d *dueReader) Object(ctx context.Context, kind, id string) (*linkfin.Object, error) {
	return d.db.Object(ctx, kind, id)
}

func (d *dueReader) ListObjects(ctx context.Context, kind, after string, limit int) ([]linkfin.Object, error) {
	if _, ok := d.open[kind]; !ok {
		if watched(kind) {
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
		if watched(kind) {
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
	ids := d.open[kind]
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var out []dueRecord
	var keep []string
	for _, id := range ids {
		if kind == linkfin.KindMaturity {
			// A maturity's id ends with its date: one still to come is not due.
			if at := strings.LastIndexByte(id, '@'); at >= 0 {
				if day, err := linkfin.ParseDate(id[at+1:]); err == nil && day.After(d.today) {
					keep = append(keep, id)
					continue
				}
			}
		}
		if d.waits(kind, id) {
			keep = append(keep, id)
			continue
		}
		val, version, found, err := d.read(ctx, kind, id)
		if err != nil {
			return nil, err
		}
		if !found {
			continue
		}
		if d.noted(kind, id, version) {
			keep = append(keep, id)
			continue
		}
		if d.closed(ctx, val, version) {
			continue
		}
		keep = append(keep, id)
		out = append(out, dueRecord{id, val})
	}
	d.open[kind] = keep
	return out, nil
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

// waits reports, where the database tells a record's version without the record
// (memtx), whether the record is a financing or a conditional payment that cannot be
// due today as it stands: the version noted with its first day is still the last.
func (d *dueReader) waits(kind, id string) bool {
	vr, ok := d.db.(versioned)
	if !ok {
		return false
	}
	v, found := vr.Version(kind, id)
	return found && d.noted(kind, id, v)
}

// noted reports whether version is a financing's or conditional payment's version
// whose first day to be due, noted when it was read, is after today.
func (d *dueReader) noted(kind, id string, version int64) bool {
	if kind != linkfin.KindFinancing && kind != linkfin.KindConditionalPayment {
		return false
	}
	nb, ok := d.notBefore[id]
	return ok && nb.version == version && nb.day.After(d.today)
}

// closed reports whether a record can never come due again: a financing that ended,
// or one disbursed whose product gives it no close date (as Due reads it); a
// conditional payment no longer locked; a maturity date with no piece left to pay. Of a
// financing or a conditional payment still open it notes the first day it can be due.
func (d *dueReader) closed(ctx context.Context, val any, version int64) bool {
	switch r := val.(type) {
	case *linkfin.Financing:
		f := *r // the product's CloseDate reads a copy of the record, not the database's
		switch f.Status {
		case linkfin.FinancingSettled, linkfin.FinancingCancelled, linkfin.FinancingLapsed, linkfin.FinancingRecourse, linkfin.FinancingDefaulted:
			return true
		case linkfin.FinancingAccepted:
			if f.HoldsUntil != nil {
				d.notBefore[f.ID] = versionDay{version, linkfin.DateOf(*f.HoldsUntil)}
			}
		case linkfin.FinancingDisbursed:
			p, err := services.ProductOf(&f)
			if err != nil {
				return false
			}
			day, ok, err := p.CloseDate(ctx, d, &f)
			if err == nil && !ok {
				return true
			}
			if err == nil {
				d.notBefore[f.ID] = versionDay{version, day}
			}
		}
	case *linkfin.ConditionalPayment:
		p := r
		if p.Status != linkfin.ConditionalLocked {
			return true
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
		d.notBefore[p.ID] = versionDay{version, day}
	case *linkfin.Maturity:
		return len(r.Pieces) == 0
	}
	return false
}
