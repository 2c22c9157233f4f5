package services

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strconv"

	"linkfin"
)

// Exposure is what funders have outstanding under one anchor's programs: financings
// disbursed and not yet settled, by funder, by product and by the requester's tier,
// in minor units of each currency. Hidden supply chain finance debt is what an
// anchor's creditors could not see; this report shows all of it in one place.
type Exposure struct {
	AnchorID  string           `json:"anchor_id"`
	Currency  linkfin.Currency `json:"currency"`
	Total     int64            `json:"total"`
	ByFunder  map[string]int64 `json:"by_funder"`
	ByProduct map[string]int64 `json:"by_product"`
	ByTier    map[string]int64 `json:"by_tier"`
	Count     int              `json:"financings"`

	funders map[string]*Exposure // each funder's own part, in the same form
}

// newExposure is an empty report of an anchor's exposure in a currency.
func newExposure(anchor string, cur linkfin.Currency) *Exposure {
	return &Exposure{AnchorID: anchor, Currency: cur, ByFunder: map[string]int64{},
		ByProduct: map[string]int64{}, ByTier: map[string]int64{}}
}

// add counts one disbursed financing of amount at the tier.
func (e *Exposure) add(f *linkfin.Financing, amount int64, tier string) {
	e.Total += amount
	e.ByFunder[f.FunderID] += amount
	e.ByProduct[string(f.Product)] += amount
	e.ByTier[tier] += amount
	e.Count++
}

// SeenBy is what an organization sees of the report: the operator and each anchor
// its rows whole; a funder, of every anchor it finances, its own part alone (its
// financings by product and tier), never the other funders'.
func SeenBy(rows []Exposure, org string, operator bool) []Exposure {
	out := []Exposure{}
	for _, x := range rows {
		switch {
		case operator, x.AnchorID == org:
			out = append(out, x)
		case x.funders[org] != nil:
			out = append(out, *x.funders[org])
		}
	}
	return out
}

// ExposureReport reads every financing and sums what is outstanding per anchor and
// currency, sorted by anchor.
func ExposureReport(ctx context.Context, s linkfin.Store) ([]Exposure, error) {
	programs := make(map[string]linkfin.Program)
	byKey := make(map[string]*Exposure)
	err := scan(ctx, s, linkfin.KindFinancing, func(data []byte) error {
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
		key := p.AnchorID + "/" + string(f.Currency)
		e := byKey[key]
		if e == nil {
			e = newExposure(p.AnchorID, f.Currency)
			e.funders = map[string]*Exposure{}
			byKey[key] = e
		}
		part := e.funders[f.FunderID]
		if part == nil {
			part = newExposure(p.AnchorID, f.Currency)
			e.funders[f.FunderID] = part
		}
		tier := strconv.Itoa(f.Tier)
		switch {
		case f.Product == linkfin.ProductDistributorFinancing:
			tier = "distributors"
		case f.Tier == 0:
			tier = "unknown"
		}
		e.add(&f, f.Quote.Face, tier)
		part.add(&f, f.Quote.Face, tier)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := make([]Exposure, 0, len(byKey))
	for _, e := range byKey {
		out = append(out, *e)
	}
	slices.SortFunc(out, func(a, b Exposure) int {
		return cmp.Or(cmp.Compare(a.AnchorID, b.AnchorID), cmp.Compare(a.Currency, b.Currency))
	})
	return out, nil
}
