package console

import (
	"net/http"

	"linkfin"
	"linkfin/services"
)

func init() { pageNames = append(pageNames, "declined") }

// declinedRow is a declined request with the reasons of its decision in words, worked
// out again from the model version and inputs it keeps (services.Recompute).
type declinedRow struct {
	linkfin.DeclinedRequest
	Reasons []linkfin.Reason
}

// declined lists the financing requests refused on their requester's grade that the
// person's organization is party to — its own, asked of it as a funder, or in its
// programs as the anchor — each with the decision it was refused on and whose floor,
// a page at a time (docs/CREDIT.md).
func (c *Console) declined(w http.ResponseWriter, r *http.Request, p *Person) {
	v, ok := listOf[linkfin.DeclinedRequest, string](c, w, r, p, linkfin.KindDeclinedRequest, "declined-requests")
	if !ok {
		return
	}
	rows := listView[declinedRow]{Next: v.Next, CSV: v.CSV}
	for _, d := range v.Rows {
		sc, err := services.Recompute(&d.Decision)
		if err != nil {
			c.fail(w, r, p, err)
			return
		}
		rows.Rows = append(rows.Rows, declinedRow{DeclinedRequest: d, Reasons: sc.Reasons})
	}
	c.render(w, r, http.StatusOK, "declined", "declined.title", p, rows, "")
}
