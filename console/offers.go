package console

import (
	"net/http"
	"strconv"
	"time"

	"linkfin"
	"linkfin/services"
)

// offerPage is a page of offers, or of pieces held, and the link to the next.
type offerPage[T any] struct {
	Data []T
	Next string
}

// offersPage lists the live offers on what the organization could finance now, by
// maturity, a page at a time.
func (c *Console) offersPage(w http.ResponseWriter, r *http.Request, p *Person) {
	page, err := services.OffersPage(r.Context(), c.Store, p.Viewer, c.now(), r.URL.Query().Get("after"), pageSize)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.render(w, r, http.StatusOK, "offers", "offers.title", p, offerPage[linkfin.AssetOffers]{page.Data, nextPage(r, page.NextCursor)}, "")
}

// piecesPage lists the active pieces the organization holds, by maturity, a page at a
// time.
func (c *Console) piecesPage(w http.ResponseWriter, r *http.Request, p *Person) {
	page, err := services.HeldPieces(r.Context(), c.Store, p.Viewer.Org, r.URL.Query().Get("after"), pageSize)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.render(w, r, http.StatusOK, "pieces", "pieces.title", p, offerPage[linkfin.Certificate]{page.Data, nextPage(r, page.NextCursor)}, "")
}

// now is the platform's time: the engine's clock.
func (c *Console) now() time.Time {
	if c.Engine != nil {
		return c.Engine.Now()
	}
	return time.Now()
}

// offerForm is one offer as a confirmation shows it and the form that takes it
// carries it.
type offerForm struct {
	Asset linkfin.AssetOffers
	Offer linkfin.Offer
}

// confirmOffer shows exactly what taking an offer gives, from the offer as it is now,
// and the button that takes it.
func (c *Console) confirmOffer(w http.ResponseWriter, r *http.Request, p *Person) {
	q := r.URL.Query()
	f, err := c.findOffer(r, p, q.Get("asset"), linkfin.Product(q.Get("product")), q.Get("funder"))
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.render(w, r, http.StatusOK, "offer", "offer.title", p, f, "")
}

// findOffer is the live offer of a funder for an asset under a product.
func (c *Console) findOffer(r *http.Request, p *Person, asset string, product linkfin.Product, funder string) (*offerForm, error) {
	a, o, err := services.OfferOn(r.Context(), c.Store, p.Viewer, c.now(), product, asset, funder)
	if err != nil {
		return nil, err
	}
	return &offerForm{Asset: a, Offer: o}, nil
}

// takeOffer takes an offer in one step (quote and acceptance), at the price the person
// confirmed: if the price moved since, nothing happens and the person is told.
func (c *Console) takeOffer(w http.ResponseWriter, r *http.Request, p *Person) {
	price, err := strconv.ParseInt(r.PostFormValue("price"), 10, 64)
	if err != nil {
		c.fail(w, r, p, linkfin.Errorf(linkfin.EINVALID, "the offer's price is missing"))
		return
	}
	cmd := &services.TakeOffer{Actor: p.Viewer.Org, Product: linkfin.Product(r.PostFormValue("product")), AssetID: r.PostFormValue("asset"),
		ProgramID: r.PostFormValue("program"), FunderID: r.PostFormValue("funder"), Price: price, Rail: linkfin.PaymentRail(r.PostFormValue("rail"))}
	f, err := actInto[linkfin.Financing](c, r.Context(), p, r.PostForm, cmd)
	if linkfin.ErrorCode(err) == services.EOFFERCHANGED {
		// Show the offer as it is now; the person decides again.
		if f, ferr := c.findOffer(r, p, cmd.AssetID, cmd.Product, cmd.FunderID); ferr == nil {
			c.render(w, r, http.StatusConflict, "offer", "offer.title", p, f, langFor(r, p).T("offer.changed"))
			return
		}
	}
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	done(w, r, "/financings/"+f.ID)
}
