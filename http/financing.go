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
		Summary: "Request financing of an asset: the answer is a quote (price, discount or interest, effective rate, expiry, reasons)."},
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
		Summary: "Pay an accepted financing (the funder): the holds are posted and the price paid."},
		func(r *http.Request, p *principal, _ *none) (linkfin.Command, error) {
			return &services.DisburseFinancing{Actor: p.Org, ID: r.PathValue("id")}, nil
		})
	act(s, Route{Pattern: "POST /v1/financings/{id}/cancel", Kind: linkfin.KindFinancing, Access: Write, Money: true, Out: fin,
		Summary: "Withdraw an accepted financing before it is paid: the holds are voided and the asset freed."},
		func(r *http.Request, p *principal, _ *none) (linkfin.Command, error) {
			return &services.CancelFinancing{Actor: p.Org, ID: r.PathValue("id")}, nil
		})
	act(s, Route{Pattern: "POST /v1/financings/{id}/repayments", Kind: linkfin.KindFinancing, Access: Write, Money: true, Out: fin,
		Summary: "Repay a loan from the caller's wallet (the borrower): warehouse pledge and distributor loans. " +
			"Certificates, factoring and PO financing are repaid at maturity by settlement."},
		func(r *http.Request, p *principal, _ *none) (linkfin.Command, error) {
			f, err := get[linkfin.Financing](s, r, linkfin.KindFinancing, r.PathValue("id"))
			if err != nil {
				return nil, err
			}
			switch {
			case f.RequesterID != p.Org:
				return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only the borrower repays a loan")
			case f.Product == linkfin.ProductWarehousePledge:
				return &services.RepayPledgeLoan{Actor: p.Org, ID: f.ID}, nil
			case f.Product == linkfin.ProductDistributorFinancing:
				return &services.CloseDistributorLoan{ID: f.ID}, nil
			}
			return nil, linkfin.Errorf("not_repayable", "a %s financing is repaid at maturity by settlement, not by its requester", f.Product)
		})
	act(s, Route{Pattern: "POST /v1/financings/{id}/close", Kind: linkfin.KindFinancing, Access: Operator, Money: true, Out: fin,
		Summary: "Close a financing at its due date (the platform's scheduler): collect a factored payable, repay or buy back " +
			"a distributor loan, or foreclose an overdue pledge."},
		func(r *http.Request, p *principal, _ *none) (linkfin.Command, error) {
			f, err := get[linkfin.Financing](s, r, linkfin.KindFinancing, r.PathValue("id"))
			if err != nil {
				return nil, err
			}
			switch f.Product {
			case linkfin.ProductFactoring, linkfin.ProductPOFinancing:
				return &services.CollectFactored{ID: f.ID}, nil
			case linkfin.ProductDistributorFinancing:
				return &services.CloseDistributorLoan{ID: f.ID}, nil
			case linkfin.ProductWarehousePledge:
				return &services.CloseOverduePledge{ID: f.ID}, nil
			}
			return nil, linkfin.Errorf("not_closable", "a %s financing settles with its certificate (POST /v1/settlements/run)", f.Product)
		})
	act(s, Route{Pattern: "POST /v1/financings/{id}/margin-check", Kind: linkfin.KindFinancing, Access: Operator, Out: fin,
		Summary: "Revalue a pledge at the latest price mark; over the program's loan-to-value, a margin call."},
		func(r *http.Request, p *principal, _ *none) (linkfin.Command, error) {
			f, err := get[linkfin.Financing](s, r, linkfin.KindFinancing, r.PathValue("id"))
			if err != nil {
				return nil, err
			}
			rc, err := get[linkfin.WarehouseReceipt](s, r, linkfin.KindWarehouseReceipt, f.AssetID)
			if err != nil {
				return nil, err
			}
			return &services.CheckMargin{ID: f.ID, Commodity: rc.Commodity}, nil
		})
	getRoute[linkfin.Financing](s, "GET /v1/financings/{id}", linkfin.KindFinancing, "Get a financing with its quote.")
	listRoute[linkfin.Financing](s, "GET /v1/financings", linkfin.KindFinancing, "List financings.")
}

// requestFinancing builds the request command of the product asked for.
func (s *Server) requestFinancing(r *http.Request, p *principal, in *linkfin.FinancingIn) (linkfin.Command, error) {
	switch in.Product {
	case linkfin.ProductCertificateDiscounting:
		return &services.RequestFinancing{Actor: p.Org, ProgramID: in.ProgramID, PieceID: in.AssetID, FunderID: in.FunderID}, nil
	case linkfin.ProductFactoring:
		return &services.RequestFactoring{Actor: p.Org, PayableID: in.AssetID, ProgramID: in.ProgramID, FunderID: in.FunderID}, nil
	case linkfin.ProductDynamicDiscounting:
		if in.FunderID != "" {
			return nil, linkfin.Errorf(linkfin.EINVALID, "the anchor pays early from its own cash: dynamic discounting takes no funder_id")
		}
		return &services.RequestEarlyPayment{Actor: p.Org, PayableID: in.AssetID, ProgramID: in.ProgramID}, nil
	case linkfin.ProductPOFinancing:
		return &services.RequestPOFinancing{Actor: p.Org, POID: in.AssetID, ProgramID: in.ProgramID, FunderID: in.FunderID}, nil
	case linkfin.ProductDistributorFinancing:
		return &services.RequestDistributorFinancing{Actor: p.Org, POID: in.AssetID, ProgramID: in.ProgramID, FunderID: in.FunderID}, nil
	case linkfin.ProductWarehousePledge:
		// The receipt names the commodity whose price mark values it.
		rc, err := get[linkfin.WarehouseReceipt](s, r, linkfin.KindWarehouseReceipt, in.AssetID)
		if err != nil {
			return nil, err
		}
		// A receipt belongs to no program: the owner names one, which must be one it
		// sees (its anchor's, as a member of the anchor's chain). Any other is not
		// found, exactly as a program that does not exist.
		if _, err := services.ProgramFor(r.Context(), s.Store, in.ProgramID, p.Org); err != nil {
			return nil, err
		}
		return &services.RequestPledgeLoan{Actor: p.Org, ReceiptID: rc.ID, ProgramID: in.ProgramID, FunderID: in.FunderID,
			Commodity: rc.Commodity}, nil
	}
	return nil, linkfin.Errorf(linkfin.EINVALID, "unknown product %q", in.Product)
}

// acceptFinancing builds the accept command of the quote's product.
func acceptFinancing(p *principal, f *linkfin.Financing) (linkfin.Command, error) {
	switch f.Product {
	case linkfin.ProductCertificateDiscounting:
		return &services.AcceptFinancing{Actor: p.Org, ID: f.ID, PieceID: f.AssetID}, nil
	case linkfin.ProductFactoring:
		return &services.AcceptFactoring{Actor: p.Org, ID: f.ID, PayableID: f.AssetID}, nil
	case linkfin.ProductDynamicDiscounting:
		return &services.AcceptEarlyPayment{Actor: p.Org, ID: f.ID, PayableID: f.AssetID}, nil
	case linkfin.ProductPOFinancing:
		return &services.AcceptPOFinancing{Actor: p.Org, ID: f.ID, POID: f.AssetID}, nil
	case linkfin.ProductDistributorFinancing:
		return &services.AcceptDistributorFinancing{Actor: p.Org, ID: f.ID, POID: f.AssetID}, nil
	case linkfin.ProductWarehousePledge:
		return &services.AcceptPledgeLoan{Actor: p.Org, ID: f.ID, ReceiptID: f.AssetID}, nil
	}
	return nil, linkfin.Errorf(linkfin.EINTERNAL, "financing %s has an unknown product %q", f.ID, f.Product)
}
