package http

import (
	"net/http"
	"reflect"

	"linkfin"
	"linkfin/services"
)

// ecnyRoutes: wallets of digital yuan, their limits, and payments between them.
func (s *Server) ecnyRoutes() {
	wallet := reflect.TypeFor[linkfin.ECNYWallet]()
	act(s, Route{Pattern: "POST /v1/ecny-wallets", Access: Admin, Status: http.StatusCreated, Out: wallet,
		Summary: "Open an e-CNY wallet: a personal one, of class IV (an organization's admin, for it); a corporate one with the limits " +
			"its bank set (the operator, naming org_id); or a sub-wallet of the organization's corporate wallet (parent_id), with " +
			"limits within its parent's (invalid otherwise), carved out of them: the sub-wallets' balance, daily and yearly limits " +
			"together are at most the parent's, which carries the sums it delegated and pays itself at most its daily and yearly " +
			"limits less them; past them, or past what the parent has left unpaid today or this year, wallet_limits_exceeded."},
		func(r *http.Request, p *principal, in *linkfin.ECNYWalletIn) (linkfin.Command, error) {
			org := in.OrgID
			if !p.operator() {
				if org != "" && org != p.Org {
					return nil, linkfin.Errorf(linkfin.ENOTFOUND, "organization %s not found", org)
				}
				org = p.Org
			}
			return &services.OpenECNYWallet{Actor: p.Org, OrgID: org, In: *in}, nil
		})
	s.handle(Route{Pattern: "GET /v1/ecny-wallets/{id}", Access: AnyKey, Out: reflect.TypeFor[linkfin.ECNYWalletOut](),
		Summary: "Get an e-CNY wallet with what it holds (and of it, what conditional payments hold) and has paid today and this year " +
			"(China time; a conditional payment in the day it was locked), against its limits."},
		func(w http.ResponseWriter, r *http.Request) {
			out, err := services.ReadECNYWallet(r.Context(), s.Engine.Records(), s.Engine, principalOf(r).viewer(), r.PathValue("id"),
				linkfin.BusinessDate(s.Engine.Now()))
			if err != nil {
				writeError(w, r, err)
				return
			}
			writeJSON(w, http.StatusOK, out)
		})
	historyRoute(s, "GET /v1/ecny-wallets/{id}", linkfin.KindECNYWallet)
	listRoute[linkfin.ECNYWallet](s, "GET /v1/ecny-wallets", linkfin.KindECNYWallet, "List e-CNY wallets.")
	act(s, Route{Pattern: "POST /v1/ecny-wallets/{id}/evidence", Kind: linkfin.KindECNYWallet, Access: Operator, Out: wallet,
		Summary: "Record identity evidence of a wallet's owner (the operator, as operating institution): identity_document, " +
			"bank_account or in_person."},
		func(r *http.Request, p *principal, in *linkfin.ECNYEvidenceIn) (linkfin.Command, error) {
			return &services.RecordECNYEvidence{ID: r.PathValue("id"), Evidence: *in}, nil
		})
	act(s, Route{Pattern: "POST /v1/ecny-wallets/{id}/class", Kind: linkfin.KindECNYWallet, Access: Write, Out: wallet,
		Summary: "Raise a personal wallet's class (its owner) once the identity evidence the class needs is recorded: III an " +
			"identity document, II also a bank account, I also a check in person; refused with identity_evidence_required."},
		func(r *http.Request, p *principal, in *linkfin.ECNYClassIn) (linkfin.Command, error) {
			return &services.RaiseECNYClass{Actor: p.Org, ID: r.PathValue("id"), Class: linkfin.WalletClass(in.Class)}, nil
		})
	for _, op := range []struct{ op, summary string }{
		{"top-up", "Move money from the owner's platform wallet into its e-CNY wallet, up to the wallet's balance limit; a sub-wallet " +
			"is funded from its parent, not topped up (invalid)."},
		{"redeem", "Move money from an e-CNY wallet back to the owner's platform wallet."},
		{"fund", "Fund a sub-wallet from its corporate parent, up to the sub-wallet's balance limit."},
	} {
		act(s, Route{Pattern: "POST /v1/ecny-wallets/{id}/" + op.op, Kind: linkfin.KindECNYWallet, Access: Write, Money: true, Out: wallet,
			Summary: op.summary},
			func(r *http.Request, p *principal, in *linkfin.ECNYAmountIn) (linkfin.Command, error) {
				return &services.MoveECNY{Actor: p.Org, ID: r.PathValue("id"), Op: op.op, Amount: in.Amount}, nil
			})
	}
	act(s, Route{Pattern: "POST /v1/ecny-payments", Access: Write, Money: true, Status: http.StatusCreated,
		Out: reflect.TypeFor[linkfin.ECNYPayment](),
		Summary: "Pay from one of the caller's e-CNY wallets to any wallet, at once. Refused with its own code past the payer's " +
			"single-payment (wallet_payment_limit), daily (wallet_daily_limit) or yearly (wallet_yearly_limit) limit, the payee's " +
			"balance limit (wallet_balance_limit), or what the payer holds (wallet_insufficient_funds). The payment is a record " +
			"(ecny_payment.paid), as is each early payment, settlement and release of a conditional payment on the e-CNY rail."},
		func(r *http.Request, p *principal, in *linkfin.ECNYPaymentIn) (linkfin.Command, error) {
			return &services.PayECNY{Actor: p.Org, From: in.FromWalletID, To: in.ToWalletID, Amount: in.Amount}, nil
		})
	getRoute[linkfin.ECNYPayment](s, "GET /v1/ecny-payments/{id}", linkfin.KindECNYPayment,
		"Get an e-CNY payment (its payer and its payee read it): what it paid (payment, early_payment with its financing, settlement "+
			"with its piece, conditional_payment with the conditional payment released), its ledger transfer and the day its totals count it in.")
	listRoute[linkfin.ECNYPayment](s, "GET /v1/ecny-payments", linkfin.KindECNYPayment, "List e-CNY payments.")
	act(s, Route{Pattern: "POST /v1/organizations/{id}/ecny-wallet", Kind: linkfin.KindOrganization, Access: Write,
		Out: reflect.TypeFor[linkfin.Organization](),
		Summary: "Designate one of the organization's own e-CNY wallets as the one it pays from and is paid into on the e-CNY rail " +
			"(its admin or finance): early payments of dynamic discounting on rail ecny, settlement of a program whose " +
			"settlement_rail is ecny, and conditional payments on rail ecny. Without one, such a payment is refused with ecny_wallet_not_designated."},
		func(r *http.Request, p *principal, in *linkfin.ECNYDesignationIn) (linkfin.Command, error) {
			org := r.PathValue("id")
			if err := services.Manages(p.viewer(), org); err != nil {
				return nil, err
			}
			return &services.DesignateECNYWallet{Actor: p.Org, OrgID: org, WalletID: in.WalletID}, nil
		})
}
