package services

import (
	"context"
	"encoding/json"
	"fmt"
	"time"

	"linkfin"
)

// Due lists what the platform's scheduler runs at a time, as the operator would:
//   - settlement of every program's maturity on or before the day that still has
//     pieces to pay (a short anchor's overdue pieces are tried again each day);
//   - the closing of every disbursed financing whose product's close date
//     (FinancingProduct.CloseDate) has come: factoring and PO financing are collected
//     on the payable's due date, distributor loans and pledges closed the day after
//     theirs (a pledge the day after its open margin call's due date, if that comes
//     first: an unmet call closes the loan as its maturity would);
//   - the lapse of every accepted financing whose limits were held until before now;
//   - the release of every conditional payment whose release date has come, and the
//     refund of every one whose expiry date has;
//   - the late alert of every order whose goods are not all received on its late day
//     (LateOrders: the ordered index's orders late by today, not every order);
//   - the silence of every device whose heartbeat has passed with no reading
//     (SilentDevices: the ordered index's devices quiet by now, not every device).
//
// Its days are business days: today is linkfin.BusinessDate(now), the date in China
// Standard Time. Each command checks its own dates again when it runs; Due only saves
// asking for what cannot be done yet. It reads every maturity and financing record,
// page by page.
func Due(ctx context.Context, s linkfin.RecordReader, now time.Time) ([]linkfin.Command, error) {
	today := linkfin.BusinessDate(now)
	var out []linkfin.Command
	err := scanRecords(ctx, s, linkfin.KindMaturity, func(m *linkfin.Maturity) error {
		if m.Chunk == 0 && m.Lists() && !m.Date.After(today) { // a date's first record says for its chunks
			out = append(out, &SettleMaturity{ProgramID: m.ProgramID, Date: m.Date})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = scanRecords(ctx, s, linkfin.KindFinancing, func(f *linkfin.Financing) error {
		if f.Status == linkfin.FinancingAccepted && f.HoldsUntil != nil && !now.Before(*f.HoldsUntil) {
			out = append(out, &LapseFinancing{ID: f.ID})
		}
		if f.Status != linkfin.FinancingDisbursed {
			return nil
		}
		p, err := ProductOf(f)
		if err != nil {
			return err
		}
		if d, ok, err := p.CloseDate(ctx, s, f); err != nil {
			return err
		} else if ok && !today.Before(d) {
			c, err := p.Close(f)
			if err != nil {
				return err
			}
			out = append(out, c)
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	err = scanRecords(ctx, s, linkfin.KindConditionalPayment, func(p *linkfin.ConditionalPayment) error {
		if settleDue(p, today) {
			out = append(out, &SettleConditionalPayment{ID: p.ID})
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	late, err := LateOrders(ctx, s, today)
	if err != nil {
		return nil, err
	}
	silent, err := SilentDevices(ctx, s, now)
	return append(append(out, late...), silent...), err
}

// ValueScanner is a reader that can hand the records of a kind, in id order, as values
// of the kind's Go type (a *linkfin.Financing for a financing) instead of their JSON:
// values shared with it, which the caller must not change. Due reads maturities,
// financings and conditional payments through it where a reader offers it.
type ValueScanner interface {
	ScanValues(ctx context.Context, kind string, fn func(v any) error) error
}

// ValueGetter is a reader that can hand one record as a value of its kind's Go type,
// a copy of its own, instead of its JSON, and reports whether the record is there:
// read reads through it where a reader offers it (memtx, the simulator's scheduler).
type ValueGetter interface {
	GetValue(ctx context.Context, kind, id string, v any) (bool, error)
}

// scanRecords calls fn with every record of a kind, in id order, as a *T that fn must
// not change: the reader's own values where it is a ValueScanner, else each record's
// JSON decoded.
func scanRecords[T any](ctx context.Context, s linkfin.RecordReader, kind string, fn func(*T) error) error {
	if vs, ok := s.(ValueScanner); ok {
		return vs.ScanValues(ctx, kind, func(v any) error {
			t, ok := v.(*T)
			if !ok {
				return fmt.Errorf("services: a %s scanned as %T, not %T", kind, v, t)
			}
			return fn(t)
		})
	}
	return Scan(ctx, s, kind, func(data []byte) error {
		var t T
		if err := json.Unmarshal(data, &t); err != nil {
			return err
		}
		return fn(&t)
	})
}

// Scan calls fn with every record of a kind, in id order, a page at a time.
func Scan(ctx context.Context, s linkfin.RecordReader, kind string, fn func(data []byte) error) error {
	return pages(func(after string) ([]linkfin.Object, error) { return s.ListObjects(ctx, kind, after, 1000) }, fn)
}

// pages calls fn with every record that list reads, a page of 1,000 after the id given
// at a time.
func pages(list func(after string) ([]linkfin.Object, error), fn func(data []byte) error) error {
	for after := ""; ; {
		objs, err := list(after)
		if err != nil {
			return err
		}
		for i := range objs {
			if err := fn(objs[i].Data); err != nil {
				return err
			}
		}
		if len(objs) < 1000 {
			return nil
		}
		after = objs[len(objs)-1].ID
	}
}
