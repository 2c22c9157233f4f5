package http

import (
	"net/http"
	"reflect"

	"linkfin"
	"linkfin/services"
)

// financingRoutes registers the six products behind one resource: a request is
// answered with a quote, and each later step finds the product's command from the
// financing itself.
func (s *Server) financingRoutes() {
	fin := reflect.TypeFor[linkfin.Financing]()
	act(s, Route{Pattern: "POST /v1/financings", Access: Write, Status: http.StatusCreated, Out: fin,
		Summary: "Request financing of an asset: the answer is a quote (price, discount or interest, effective rate, expiry, reasons). " +
			"For an order, disbursement on_receipt (po_financing) locks the advance for the seller until the goods are accepted, pro " +
			"rata; purpose_bound (distributor_financing) pays the loan into a purpose-bound wallet that pays the anchor alone. Rail ecny " +
			"(dynamic_discounting) pays the early payment from the anchor's designated e-CNY wallet into the seller's. A requester that " +
			"names itself as the funder is refused, 400 invalid."},
		func(r *http.Request, p *principal, in *linkfin.FinancingIn) (linkfin.Command, error) {
			return s.requestFinancing(r, p, in)
		})
	act(s, Route{Pattern: "POST /v1/financings/{id}/accept", Kind: linkfin.KindFinancing, Access: Write, Money: true, Out: fin,
		Summary: "Accept a quote before it expires (the requester): the limits are held and the asset locked."},
		func(r *http.Request, p *principal, _ *none) (linkfin.Command, error) {
			f, err := get[linkfin.Financing](s, r, linkfin.KindFinancing, r.PathValue("id"))
			if err != nil {
				return nil, err
			}
			return acceptFinancing(p, f)
		})
	act(s, Route{Pattern: "POST /v1/financings/{id}/disburse", Kind: linkfin.KindFinancing, Access: Write, Money: true, Out: fin,
		Summary: "Pay an accepted financing (the funder): the holds are posted and the price paid. From its holds_until on " +
			"(the holds lapsed), or once lapsed, it is refused, 409 financing_lapsed, and nothing is paid."},
		func(r *http.Request, p *principal, _ *none) (linkfin.Command, error) {
			return &services.DisburseFinancing{Actor: p.Org, ID: r.PathValue("id")}, nil
		})
	act(s, Route{Pattern: "POST /v1/financings/{id}/cancel", Kind: linkfin.KindFinancing, Access: Write, Money: true, Out: fin,
		Summary: "Withdraw an accepted financing before it is paid: the holds are voided and the asset freed."},
		func(r *http.Request, p *principal, _ *none) (linkfin.Command, error) {
			return &services.CancelFinancing{Actor: p.Org, ID: r.PathValue("id")}, nil
		})
	act(s, Route{Pattern: "POST /v1/financings/{id}/repayments", Kind: linkfin.KindFinancing, Access: Write, Money: true, Out: fin,
		BodyOptional: true,
		Summary: "Repay a loan from the caller's wallet (the borrower): warehouse pledge and distributor loans. " +
			"Certificates, factoring and PO financing are repaid at maturity by settlement. A warehouse pledge loan is repaid in " +
			"part with an amount less than its principal outstanding (400 invalid otherwise, and for an amount of 0, which is no " +
			"part and never the whole loan; any other loan is repaid whole): " +
			"the part counts towards the loan's open margin call, met once the parts since the call reach its amount."},
		func(r *http.Request, p *principal, in *linkfin.RepaymentIn) (linkfin.Command, error) {
			f, err := get[linkfin.Financing](s, r, linkfin.KindFinancing, r.PathValue("id"))
			if err != nil {
				return nil, err
			}
			if in.Amount == nil {
				return services.RepayFinancing(p.Org, f)
			}
			return services.RepayPledgeInPart(p.Org, f, *in.Amount)
		})
	act(s, Route{Pattern: "POST /v1/financings/{id}/close", Kind: linkfin.KindFinancing, Access: Operator, Money: true, Out: fin,
		Summary: "Close a financing at its due date (the platform's scheduler): collect a factored payable, repay or buy back " +
			"a distributor loan, or foreclose an overdue pledge, or one whose margin call's due date passed unmet (default_reason " +
			"margin_call_unmet; 409 conflict before)."},
		func(r *http.Request, p *principal, _ *none) (linkfin.Command, error) {
			f, err := get[linkfin.Financing](s, r, linkfin.KindFinancing, r.PathValue("id"))
			if err != nil {
				return nil, err
			}
			product, err := services.ProductOf(f)
			if err != nil {
				return nil, err
			}
			return product.Close(f)
		})
	act(s, Route{Pattern: "POST /v1/financings/{id}/margin-check", Kind: linkfin.KindFinancing, Access: Operator, Out: fin,
		Summary: "Revalue a pledge at the latest price mark; over the program's loan-to-value, a margin call, due in the program's " +
			"margin_call_days, for what brings the loan back to its advance rate: left unmet past its due date, the scheduler " +
			"closes the loan as at maturity (default_reason margin_call_unmet). A latest mark in " +
			"another currency than the loan's is no value: 400 invalid, and the loan's margin call stays as it was."},
		func(r *http.Request, p *principal, _ *none) (linkfin.Command, error) {
			f, err := get[linkfin.Financing](s, r, linkfin.KindFinancing, r.PathValue("id"))
			if err != nil {
				return nil, err
			}
			if f.Product != linkfin.ProductWarehousePledge {
				// As services.CheckMargin answers it: its asset is no warehouse receipt.
				return nil, linkfin.Errorf(linkfin.ENOTFOUND, "pledge loan %s not found: financing %s is %s", f.ID, f.ID, f.Product)
			}
			rc, err := get[linkfin.WarehouseReceipt](s, r, linkfin.KindWarehouseReceipt, f.AssetID)
			if err != nil {
				return nil, err
			}
			return &services.CheckMargin{ID: f.ID, Commodity: rc.Commodity}, nil
		})
	s.handle(Route{Pattern: "GET /v1/offers", Access: AnyKey, Out: reflect.TypeFor[linkfin.List[linkfin.AssetOffers]](), Query: []string{"limit", "after"},
		Summary: "The caller's offers: for each piece it holds and each payable it sells that it could finance now, by maturity, every funder's " +
			"live quote, best first, and the requests that would be refused, with their codes. A page at a time; a page may be short."}, s.offers)
	act(s, Route{Pattern: "POST /v1/offers/take", Access: Write, Money: true, Status: http.StatusCreated, Out: fin,
		Summary: "Take an offer in one step: quote it again and accept it (the limits held, the asset locked). Refused with " +
			"offer_changed, changing nothing, when the quote now does not pay the price confirmed. Rail ecny (dynamic_discounting) " +
			"pays the early payment from the anchor's designated e-CNY wallet into the seller's, as for POST /v1/financings."},
		func(r *http.Request, p *principal, in *linkfin.OfferIn) (linkfin.Command, error) {
			// TakeOffer.Validate checks the rail.
			return &services.TakeOffer{Actor: p.Org, Product: in.Product, AssetID: in.AssetID, ProgramID: in.ProgramID,
				FunderID: in.FunderID, Price: in.Price, Rail: in.Rail}, nil
		})
	getRoute[linkfin.Financing](s, "GET /v1/financings/{id}", linkfin.KindFinancing, "Get a financing with its quote.")
	s.handle(Route{Pattern: "GET /v1/financings/{id}/decision", Access: AnyKey, Out: reflect.TypeFor[linkfin.CreditDecision](),
		Summary: "The credit decision a financing was quoted on, whole: score, grade, model version, reasons, the counts it was " +
			"worked out from and the grade's terms (an accepted financing keeps its summary)."}, s.financingDecision)
	listRoute[linkfin.Financing](s, "GET /v1/financings", linkfin.KindFinancing, "List financings.")
}

// requestFinancing builds the request command of the product asked for.
func (s *Server) requestFinancing(r *http.Request, p *principal, in *linkfin.FinancingIn) (linkfin.Command, error) {
	product, err := services.ProductNamed(in.Product)
	if err != nil {
		return nil, err
	}
	if err := services.CheckDisbursement(in.Product, in.Disbursement); err != nil {
		return nil, err
	}
	if err := services.CheckFinancingRail(in.Product, in.Rail); err != nil {
		return nil, err
	}
	return product.Request(r.Context(), s.Store, p.Org, in)
}

// acceptFinancing builds the accept command of the quote's product.
func acceptFinancing(p *principal, f *linkfin.Financing) (linkfin.Command, error) {
	product, err := services.ProductOf(f)
	if err != nil {
		return nil, err
	}
	return product.Accept(p.Org, f), nil
}

// offers answers a page of the caller's offers, priced at the engine's clock.
func (s *Server) offers(w http.ResponseWriter, r *http.Request) {
	limit, err := pageLimit(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	page, err := services.OffersList(r.Context(), s.Store, principalOf(r).viewer(), s.Engine.Now(), r.URL.Query().Get("after"), limit)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, page)
}

// financingDecision answers the whole credit decision of a financing the caller sees,
// from its quote: from its acceptance on, the financing keeps only its summary.
func (s *Server) financingDecision(w http.ResponseWriter, r *http.Request) {
	f, err := get[linkfin.Financing](s, r, linkfin.KindFinancing, r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	if f.Decision == nil {
		writeError(w, r, linkfin.Errorf(linkfin.ENOTFOUND, "financing %s was quoted on no credit decision: its product grades no one", f.ID))
		return
	}
	if err := services.WholeDecision(r.Context(), s.Store, f); err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, f.Decision)
}
