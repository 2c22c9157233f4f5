package console

import (
	"net/http"
	"time"

	"linkfin"
	"linkfin/services"
)

func init() { pageNames = append(pageNames, "discounting") }

// discountingView is an anchor's dynamic discounting: a page of the early payments it
// can offer its suppliers today, and a page of the offers it made (and the suppliers'
// requests it quoted), with their state.
type discountingView struct {
	Can      []services.EarlyPayment
	CanNext  string // the next page of early payments
	Made     []linkfin.Financing
	MadeNext string // the next page of offers made
	Now      time.Time
	Offers   bool // the person may make offers
}

// discounting is the anchor's dynamic-discounting page: each list a page at a time
// (?after= the early payments, ?made_after= the offers made).
func (c *Console) discounting(w http.ResponseWriter, r *http.Request, p *Person) {
	ctx := r.Context()
	now := c.now()
	q := r.URL.Query()
	v := discountingView{Now: now, Offers: p.CanAct() && !p.Viewer.Operator}
	can, err := services.EarlyPayments(ctx, c.Store, p.Viewer, linkfin.BusinessDate(now), q.Get("after"), pageSize)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	made, err := services.DiscountingMade(ctx, c.Store, p.Viewer, q.Get("made_after"), pageSize)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	v.Can, v.CanNext = can.Data, nextPageAs(r, "after", can.NextCursor)
	v.Made, v.MadeNext = made.Data, nextPageAs(r, "made_after", made.NextCursor)
	c.render(w, r, http.StatusOK, "discounting", "discounting.title", p, v, "")
}

// offerEarlyPayment makes the anchor's offer to pay a payable early, for its seller to
// accept, and shows it.
func (c *Console) offerEarlyPayment(w http.ResponseWriter, r *http.Request, p *Person) {
	f, err := actInto[linkfin.Financing](c, r.Context(), p, r.PostForm, &services.OfferDynamicDiscounting{Actor: p.Viewer.Org,
		PayableID: r.PostFormValue("payable"), ProgramID: r.PostFormValue("program")})
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	done(w, r, "/financings/"+f.ID)
}
