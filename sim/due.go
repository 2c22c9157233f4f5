package sim

import (
	"context"
	"encoding/json"
	"slices"

	"linkfin"
	"linkfin/memtx"
	"linkfin/services"
)

// dueReader is what the scheduler (services.Due) reads: the database, with its lists
// of financings and maturities narrowed to those the run made and that are still open,
// and of purchase orders to those watched for lateness — none, for the simulator's
// orders state no date to deliver by (a store with the ordered index reads only those,
// too).
// Due's own rules decide what is due among them; the narrowing only spares it reading,
// every day, the year's closed financings and paid maturity dates, which it would pass
// over.
type dueReader struct {
	db   *memtx.DB
	open map[string][]string // kind → ids that may still be due, sorted when listed
}

func newDueReader(db *memtx.DB) *dueReader {
	return &dueReader{db: db, open: map[string][]string{}}
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
		if kind == linkfin.KindFinancing || kind == linkfin.KindMaturity || kind == linkfin.KindPurchaseOrder {
			return nil, nil
		}
		return d.db.ListObjects(ctx, kind, after, limit)
	}
	slices.Sort(ids)
	ids = slices.Compact(ids)
	var out []linkfin.Object
	var keep []string
	for _, id := range ids {
		o, err := d.db.Object(ctx, kind, id)
		if err != nil {
			if linkfin.ErrorCode(err) == linkfin.ENOTFOUND {
				continue
			}
			return nil, err
		}
		if d.closed(ctx, kind, o.Data) {
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

// closed reports whether a financing or maturity can never come due again: a
// financing that ended, or one disbursed whose product gives it no close date (as
// Due reads it); a maturity date with no piece left to pay.
func (d *dueReader) closed(ctx context.Context, kind string, data []byte) bool {
	switch kind {
	case linkfin.KindFinancing:
		var f linkfin.Financing
		if json.Unmarshal(data, &f) != nil {
			return false
		}
		switch f.Status {
		case linkfin.FinancingSettled, linkfin.FinancingCancelled, linkfin.FinancingLapsed, linkfin.FinancingRecourse, linkfin.FinancingDefaulted:
			return true
		case linkfin.FinancingDisbursed:
			p, err := services.ProductOf(&f)
			if err != nil {
				return false
			}
			_, ok, err := p.CloseDate(ctx, d, &f)
			return err == nil && !ok
		}
	case linkfin.KindMaturity:
		var m struct {
			Pieces []string `json:"pieces"`
		}
		return json.Unmarshal(data, &m) == nil && len(m.Pieces) == 0
	}
	return false
}
