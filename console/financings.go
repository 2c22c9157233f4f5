package console

import (
	"net/http"

	"linkfin"
	"linkfin/services"
)

// financings lists the financings the organization is party to by status: a funder's
// pipeline is status=accepted (the limits held, awaiting its payment), its portfolio
// status=disbursed; as CSV with format=csv.
func (c *Console) financings(w http.ResponseWriter, r *http.Request, p *Person) {
	if v, ok := listOf[linkfin.Financing](c, w, r, p, linkfin.KindFinancing, "financings",
		linkfin.FinancingQuoted, linkfin.FinancingAccepted, linkfin.FinancingDisbursed, linkfin.FinancingSettled, linkfin.FinancingRecourse,
		linkfin.FinancingDefaulted, linkfin.FinancingBoughtBack, linkfin.FinancingCancelled, linkfin.FinancingLapsed); ok {
		c.render(w, r, http.StatusOK, "financings", "financings.title", p, v, "")
	}
}

// financingView is a financing with what the person may do to it.
type financingView struct {
	F                         linkfin.Financing
	Disburses, Cancels, Repay bool
	// Accepts: the requester may accept the quote as it stands (an anchor's offer to
	// pay early, a quote not yet taken), until it expires.
	Accepts bool
	History history
	// SeesAsset: the asset's page is the person's to see (a funder sees a piece once
	// it paid for it), so it is linked.
	SeesAsset bool
	// Reasons are the decision's reasons in words, worked out again from what it kept.
	Reasons []linkfin.Reason
}

func (c *Console) financing(w http.ResponseWriter, r *http.Request, p *Person) {
	var f linkfin.Financing
	if err := services.ReadSeenAs(r.Context(), c.Store, p.Viewer, linkfin.KindFinancing, r.PathValue("id"), &f); err != nil {
		c.fail(w, r, p, err)
		return
	}
	org, acts := p.Viewer.Org, p.CanAct()
	v := financingView{F: f,
		// Not once the holds lapsed (holds_until came): the platform refuses it then,
		// financing_lapsed, whether the scheduler has lapsed it yet or not.
		Disburses: acts && org == f.FunderID && f.Status == linkfin.FinancingAccepted && !f.Frozen &&
			(f.HoldsUntil == nil || c.now().Before(*f.HoldsUntil)),
		Cancels: acts && (org == f.FunderID || org == f.RequesterID) && f.Status == linkfin.FinancingAccepted,
	}
	v.Accepts = acts && org == f.RequesterID && f.Status == linkfin.FinancingQuoted && c.now().Before(f.Quote.ExpiresAt)
	if err := services.WholeDecision(r.Context(), c.Store, &f); err != nil {
		c.fail(w, r, p, err)
		return
	}
	if f.Decision != nil {
		if sc, err := services.Recompute(f.Decision); err == nil {
			v.Reasons = sc.Reasons
		}
	}
	if _, err := services.Read(r.Context(), c.Store, p.Viewer, f.AssetKind, f.AssetID); err == nil {
		v.SeesAsset = true
	} else if linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
		c.fail(w, r, p, err)
		return
	}
	if acts && org == f.RequesterID && f.Status == linkfin.FinancingDisbursed {
		_, err := services.RepayFinancing(org, &f)
		v.Repay = err == nil
	}
	var err error
	if v.History, err = c.history(r.Context(), r, p, linkfin.KindFinancing, f.ID); err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.render(w, r, http.StatusOK, "financing", "financing.title", p, v, "")
}

// financingAction runs one step of a financing's life for the person.
func (c *Console) financingAction(step string) func(http.ResponseWriter, *http.Request, *Person) {
	return func(w http.ResponseWriter, r *http.Request, p *Person) {
		id, org := r.PathValue("id"), p.Viewer.Org
		var cmd linkfin.Command
		switch step {
		case "disburse":
			cmd = &services.DisburseFinancing{Actor: org, ID: id}
		case "cancel":
			cmd = &services.CancelFinancing{Actor: org, ID: id}
		case "accept", "repay":
			var f linkfin.Financing
			if err := services.ReadAs(r.Context(), c.Store, p.Viewer, linkfin.KindFinancing, id, &f); err != nil {
				c.fail(w, r, p, err)
				return
			}
			var err error
			if step == "repay" {
				cmd, err = services.RepayFinancing(org, &f)
			} else {
				var product services.FinancingProduct
				if product, err = services.ProductOf(&f); err == nil {
					cmd = product.Accept(org, &f)
				}
			}
			if err != nil {
				c.fail(w, r, p, err)
				return
			}
		}
		if _, err := c.act(r.Context(), p, r.PostForm, cmd); err != nil {
			c.fail(w, r, p, err)
			return
		}
		done(w, r, "/financings/"+id)
	}
}
