package console

import (
	"net/http"
	"slices"

	"linkfin"
	"linkfin/services"
)

func init() { pageNames = append(pageNames, "scorecard") }

// scorecardView is a supplier's scorecard (its own, or one an anchor or a funder of
// its programs opened) and, for an anchor or a funder, its suppliers' scores.
type scorecardView struct {
	Card      *linkfin.Score
	Rows      []factorRow // the card's factors
	Own       bool        // the card is the person's organization's own
	Suppliers []linkfin.Score
	Lists     bool // the person's organization runs or funds programs
}

// factorRow is a factor of a score as the page shows it.
type factorRow struct {
	Key         string // the factor's name's message
	Has, Days   bool   // it has a value; the value is days, not basis points
	Value       int64
	Points, Max int64
}

// factorKeys are the factors' names' messages.
var factorKeys = map[string]string{
	linkfin.FactorOnTimeInFull:  "factor.on_time_in_full",
	linkfin.FactorRejections:    "factor.rejection_rate",
	linkfin.FactorDisputes:      "factor.dispute_rate",
	linkfin.FactorDilution:      "factor.dilution",
	linkfin.FactorTenure:        "factor.tenure",
	linkfin.FactorStability:     "factor.volume_stability",
	linkfin.FactorConcentration: "factor.buyer_concentration",
	linkfin.FactorBuyerPayment:  "factor.buyer_payment",
}

// scorecard is the scorecard page: ?org= opens a supplier's card (as the API shows it
// to the person), and without it a supplier sees its own, with what would raise it; an
// anchor or a funder sees the scores of its programs' suppliers, worst first.
func (c *Console) scorecard(w http.ResponseWriter, r *http.Request, p *Person) {
	ctx, now := r.Context(), c.now()
	v := scorecardView{Lists: slices.Contains(p.Caps, linkfin.CapAnchor) || slices.Contains(p.Caps, linkfin.CapFund)}
	org := r.URL.Query().Get("org")
	if org == "" && slices.Contains(p.Caps, linkfin.CapTrade) {
		org = p.Viewer.Org
	}
	if org != "" {
		card, err := services.ScorecardFor(ctx, c.Store, p.Viewer, org, "", now)
		if err != nil {
			c.fail(w, r, p, err)
			return
		}
		v.Card, v.Own = card, org == p.Viewer.Org
		for _, f := range card.Factors {
			row := factorRow{Key: factorKeys[f.Name], Days: f.Unit == "days", Points: f.Points, Max: f.MaxPoints}
			if f.Value != nil {
				row.Has, row.Value = true, *f.Value
			}
			v.Rows = append(v.Rows, row)
		}
	}
	// The list of its suppliers is the page's own; a supplier's card opened from it
	// shows that card alone.
	v.Lists = v.Lists && r.URL.Query().Get("org") == ""
	if v.Lists {
		list, err := services.SupplierScorecards(ctx, c.Store, p.Viewer, now)
		if err != nil {
			c.fail(w, r, p, err)
			return
		}
		v.Suppliers = list
	}
	c.render(w, r, http.StatusOK, "scorecard", "scorecard.title", p, v, "")
}
