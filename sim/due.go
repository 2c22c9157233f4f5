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
	ids, ok := d.open[kind]
	if !ok {
		if kind == linkfin.KindFinancing || kind == linkfin.KindMaturity || kind == linkfin.KindPurchaseOrder || kind == linkfin.KindConditionalPayment {
			return nil, nil
		}
		return d.db.ListObjects(ctx, kind, after, limit)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var out []linkfin.Object
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
		o, err := d.db.Object(ctx, kind, id)
		if err != nil {
			if linkfin.ErrorCode(err) == linkfin.ENOTFOUND {
				continue
			}
			return nil, err
		}
		if kind == linkfin.KindFinancing || kind == linkfin.KindConditionalPayment {
			if nb, ok := d.notBefore[id]; ok && nb.version == o.Version && nb.day.After(d.today) {
				keep = append(keep, id)
				continue
			}
		}
		if d.closed(ctx, kind, o) {
			continue
		}
		keep = append(keep, id)
		if id > after && len(out) < limit {
			out = append(out, *o)
		}
	}
	d.open[kind] = keep
	return out, nil
}

// waits reports, where the database tells a record's version without the record
// (memtx), whether the record is a financing or a conditional payment that cannot be
// due today as it stands: the version noted with its first day is still the last.
func (d *dueReader) waits(kind, id string) bool {
	nb, ok := d.notBefore[id]
	if !ok || !nb.day.After(d.today) || kind != linkfin.KindFinancing && kind != linkfin.KindConditionalPayment {
		return false
	}
	vr, ok := d.db.(interface {
		Version(kind, id string) (int64, bool)
	})
	if !ok {
		return false
	}
	v, found := vr.Version(kind, id)
	return found && v == nb.version
}

// closed reports whether a record can never come due again: a financing that ended,
// or one disbursed whose product gives it no close date (as Due reads it); a
// conditional payment no longer locked; a maturity date with no piece left to pay. Of a financing still open
// it notes the first day it can be due.
func (d *dueReader) closed(ctx context.Context, kind string, o *linkfin.Object) bool {
	switch kind {
	case linkfin.KindFinancing:
		var f linkfin.Financing // copied, not shared: it goes to the product's CloseDate
		if found, err := d.db.Get(kind, o.ID, &f); err != nil || !found {
			return false
		}
		switch f.Status {
		case linkfin.FinancingSettled, linkfin.FinancingCancelled, linkfin.FinancingLapsed, linkfin.FinancingRecourse, linkfin.FinancingDefaulted:
			return true
		case linkfin.FinancingAccepted:
			if f.HoldsUntil != nil {
				d.notBefore[f.ID] = versionDay{o.Version, linkfin.DateOf(*f.HoldsUntil)}
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
				d.notBefore[f.ID] = versionDay{o.Version, day}
			}
		}
	case linkfin.KindConditionalPayment:
		var p linkfin.ConditionalPayment
		if found, err := readShared(d.db, kind, o.ID, &p); err != nil || !found {
			return false
		}
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
		d.notBefore[p.ID] = versionDay{o.Version, day}
	case linkfin.KindMaturity:
		var m struct {
			Pieces []string `json:"pieces"`
		}
		return json.Unmarshal(o.Data, &m) == nil && len(m.Pieces) == 0
	}
	return false
}
