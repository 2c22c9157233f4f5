package console

import (
	"context"
	"encoding/json"
	"net/http"
	"time"

	"linkfin"
	"linkfin/services"
)

func init() { pageNames = append(pageNames, "discounting") }

// earlyPayment is an open payable the anchor owes under a program that offers dynamic
// discounting, with what paying it early today would cost.
type earlyPayment struct {
	Payable linkfin.Payable
	Quote   linkfin.Quote
}

// discountingView is an anchor's dynamic discounting: the early payments it can offer
// its suppliers today, and the offers it made (and the suppliers' requests it
// quoted), with their state.
type discountingView struct {
	Can    []earlyPayment
	Made   []linkfin.Financing
	Now    time.Time
	Offers bool // the person may make offers
}

// scanLimit bounds the records the page reads of each kind.
const scanLimit = 5000

// discounting is the anchor's dynamic-discounting page.
func (c *Console) discounting(w http.ResponseWriter, r *http.Request, p *Person) {
	ctx := r.Context()
	now := c.now()
	v := discountingView{Now: now, Offers: p.CanAct() && !p.Viewer.Operator}
	programs := map[string]*linkfin.Program{}
	err := c.scan(ctx, p, linkfin.KindPayable, services.Filter{Status: string(linkfin.PayableOpen)}, func(raw json.RawMessage) error {
		var pay linkfin.Payable
		if err := json.Unmarshal(raw, &pay); err != nil {
			return err
		}
		if pay.ProgramID == "" || !p.Viewer.Operator && pay.BuyerID != p.Viewer.Org {
			return nil
		}
		prog, ok := programs[pay.ProgramID]
		if !ok {
			prog = new(linkfin.Program)
			if err := services.ReadAs(ctx, c.Store, p.Viewer, linkfin.KindProgram, pay.ProgramID, prog); err != nil {
				if linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
					return err
				}
				prog = nil
			}
			programs[pay.ProgramID] = prog
		}
		if prog == nil || !prog.Offers(linkfin.ProductDynamicDiscounting) || prog.AnchorID != pay.BuyerID {
			return nil
		}
		q, err := services.DynamicDiscountingQuote(prog, &pay, linkfin.DateOf(now))
		if err != nil {
			return nil // due today or before: nothing to pay early
		}
		v.Can = append(v.Can, earlyPayment{Payable: pay, Quote: q})
		return nil
	})
	if err == nil {
		err = c.scan(ctx, p, linkfin.KindFinancing, services.Filter{}, func(raw json.RawMessage) error {
			var f linkfin.Financing
			if err := json.Unmarshal(raw, &f); err != nil {
				return err
			}
			if f.Product == linkfin.ProductDynamicDiscounting && (p.Viewer.Operator || f.FunderID == p.Viewer.Org) {
				v.Made = append(v.Made, f)
			}
			return nil
		})
	}
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.render(w, r, http.StatusOK, "discounting", "discounting.title", p, v, "")
}

// scan reads the records of a kind the person sees, filtered, up to scanLimit.
func (c *Console) scan(ctx context.Context, p *Person, kind string, f services.Filter, each func(json.RawMessage) error) error {
	for after, n := "", 0; n < scanLimit; {
		page, err := services.List(ctx, c.Store, p.Viewer, kind, f, after, 500)
		if err != nil {
			return err
		}
		for _, raw := range page.Data {
			if err := each(raw); err != nil {
				return err
			}
		}
		n += len(page.Data)
		if page.NextCursor == "" {
			return nil
		}
		after = page.NextCursor
	}
	return nil
}

// offerEarlyPayment makes the anchor's offer to pay a payable early, for its seller to
// accept, and shows it.
func (c *Console) offerEarlyPayment(w http.ResponseWriter, r *http.Request, p *Person) {
	out, err := c.act(r.Context(), p, r.PostForm, &services.OfferDynamicDiscounting{Actor: p.Viewer.Org,
		PayableID: r.PostFormValue("payable"), ProgramID: r.PostFormValue("program")})
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	var f linkfin.Financing
	if err := json.Unmarshal(out, &f); err != nil {
		c.fail(w, r, p, err)
		return
	}
	done(w, r, "/financings/"+f.ID)
}
