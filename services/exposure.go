package services

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strconv"

	"linkfin"
)

// Exposure is one row of the exposure report (linkfin.Exposure), with each funder's
// own part of it, in the same form.
type Exposure struct {
	linkfin.Exposure
	funders map[string]*linkfin.Exposure
}

// newExposure is an empty report of an anchor's exposure in a currency.
func newExposure(anchor string, cur linkfin.Currency) *linkfin.Exposure {
	return &linkfin.Exposure{AnchorID: anchor, Currency: cur, ByFunder: map[string]int64{},
		ByProduct: map[string]int64{}, ByTier: map[string]int64{}}
}

// addExposure counts n disbursed financings, of amount in all, at the tier.
func addExposure(e *linkfin.Exposure, f *linkfin.Financing, amount int64, tier string, n int) error {
	var err error
	if e.Total, err = linkfin.AddTotal(e.Total, amount); err != nil {
		return err
	}
	for _, by := range []struct {
		m   map[string]int64
		key string
	}{{e.ByFunder, f.FunderID}, {e.ByProduct, string(f.Product)}, {e.ByTier, tier}} {
		if by.m[by.key], err = linkfin.AddTotal(by.m[by.key], amount); err != nil {
			return err
		}
	}
	e.Count += n
	return nil
}

// SeenBy is what an organization sees of the report: the operator and each anchor
// its rows whole; a funder, of every anchor it finances, its own part alone (its
// financings by product and tier), never the other funders'. ExposureFor sums a
// funder's part from its own financings alone.
func SeenBy(rows []Exposure, org string, operator bool) []linkfin.Exposure {
	out := []linkfin.Exposure{}
	for _, x := range rows {
		switch {
		case operator, x.AnchorID == org:
			out = append(out, x.Exposure)
		case x.funders[org] != nil:
			out = append(out, *x.funders[org])
		}
	}
	return out
}

// ExposureReport sums what is outstanding (every disbursed financing) per anchor and
// currency, sorted by anchor: from the ordered index's totals when the store keeps
// them, else by reading every financing.
func ExposureReport(ctx context.Context, s linkfin.RecordReader) ([]Exposure, error) {
	return exposureReport(ctx, s, nil)
}

// exposureKeep says which financings a report sums: those under a program of the
// anchor, by the funder, that it keeps (nil: every one). A figure of the financings it
// leaves out is never worked out, so that one too large to be a figure
// (total_too_large) is no part of the report.
type exposureKeep func(anchor, funder string) bool

// exposureReport is ExposureReport of the financings keep keeps.
func exposureReport(ctx context.Context, s linkfin.RecordReader, keep exposureKeep) ([]Exposure, error) {
	if ix, ok := s.(interface {
		linkfin.RecordReader
		linkfin.IndexReader
	}); ok {
		return exposureFromIndex(ctx, ix, keep)
	}
	return exposureFromRecords(ctx, s, keep)
}

// exposureFromRecords is exposureReport read from every financing.
func exposureFromRecords(ctx context.Context, s linkfin.RecordReader, keep exposureKeep) ([]Exposure, error) {
	programs := make(map[string]linkfin.Program)
	byKey := make(map[string]*Exposure)
	err := Scan(ctx, s, linkfin.KindFinancing, func(data []byte) error {
		var f linkfin.Financing
		if err := json.Unmarshal(data, &f); err != nil {
			return err
		}
		if f.Status != linkfin.FinancingDisbursed {
			return nil
		}
		p, ok := programs[f.ProgramID]
		if !ok {
			if err := read(ctx, s, linkfin.KindProgram, f.ProgramID, &p); err != nil {
				return err
			}
			programs[f.ProgramID] = p
		}
		if keep != nil && !keep(p.AnchorID, f.FunderID) {
			return nil
		}
		return addExposures(byKey, &p, &f, f.Quote.Face, 1)
	})
	if err != nil {
		return nil, err
	}
	return sortedExposure(byKey), nil
}

// addExposures counts n disbursed financings like f, of amount in all, under the
// program's anchor: in its row, and in the funder's part of it.
func addExposures(byKey map[string]*Exposure, p *linkfin.Program, f *linkfin.Financing, amount int64, n int) error {
	key := p.AnchorID + "/" + string(f.Currency)
	e := byKey[key]
	if e == nil {
		e = &Exposure{Exposure: *newExposure(p.AnchorID, f.Currency), funders: map[string]*linkfin.Exposure{}}
		byKey[key] = e
	}
	part := e.funders[f.FunderID]
	if part == nil {
		part = newExposure(p.AnchorID, f.Currency)
		e.funders[f.FunderID] = part
	}
	product, err := ProductOf(f)
	if err != nil {
		return err
	}
	tier := strconv.Itoa(f.Tier)
	switch {
	case product.Downstream():
		tier = "distributors"
	case f.Tier == 0:
		tier = "unknown"
	}
	if err := addExposure(&e.Exposure, f, amount, tier, n); err != nil {
		return err
	}
	return addExposure(part, f, amount, tier, n)
}

// sortedExposure is the report's rows, by anchor and currency.
func sortedExposure(byKey map[string]*Exposure) []Exposure {
	out := make([]Exposure, 0, len(byKey))
	for _, e := range byKey {
		out = append(out, *e)
	}
	slices.SortFunc(out, func(a, b Exposure) int {
		return cmp.Or(cmp.Compare(a.AnchorID, b.AnchorID), cmp.Compare(a.Currency, b.Currency))
	})
	return out
}
