package http

import (
	"net/http"
	"reflect"

	"linkfin"
	"linkfin/services"
)

// conditionalRoutes: conditional payments, and purpose-bound wallets.
func (s *Server) conditionalRoutes() {
	payment := reflect.TypeFor[linkfin.ConditionalPayment]()
	act(s, Route{Pattern: "POST /v1/conditional-payments", Access: Write, Money: true, Status: http.StatusCreated, Out: payment,
		Summary: "Lock money for a payee under a condition (the caller pays, from its wallet or from a purpose-bound wallet it holds, " +
			"source_wallet_id): goods_received against a purchase order (release full, when the whole order is accepted, or " +
			"pro_rata, a part with each goods receipt, to the value accepted), delivered (a shipment, as its carrier reports), " +
			"invoice_approved, milestone (confirmed by confirmer_id, who is not the payee: invalid), or date (released by the scheduler on that day, a business day in China Standard Time). The " +
			"money is a pending transfer to the payee until it is released; from expires_on on (a business day in China Standard Time) nothing releases it, and " +
			"what is left is refunded (a release date or expiry past 2099-12-31 is invalid); cancelling the order it waits on (that of its shipment or invoice), or disputing its " +
			"invoice, refunds it too (cancelled). A condition that can no longer be met is refused with conflict: a cancelled " +
			"order's goods, shipment or invoice, an invoice mismatched or disputed. " +
			"Refused with insufficient_funds, or purpose_bound_payee for a payee the purpose-bound wallet does not list. With " +
			"\"rail\": \"ecny\" (yuan only) the money is held in the caller's designated e-CNY wallet, within its single-payment, " +
			"daily and yearly limits, which count it on the day it is locked (China time), and each release is an e-CNY payment " +
			"into the payee's designated wallet (ecny_payment.paid); a release past that wallet's balance limit waits, locked " +
			"(waiting). Refused with ecny_wallet_not_designated, wallet_payment_limit, wallet_daily_limit, wallet_yearly_limit " +
			"or wallet_insufficient_funds."},
		func(r *http.Request, p *principal, in *linkfin.ConditionalPaymentIn) (linkfin.Command, error) {
			return &services.CreateConditionalPayment{Actor: p.Org, In: *in}, nil
		})
	getRoute[linkfin.ConditionalPayment](s, "GET /v1/conditional-payments/{id}", linkfin.KindConditionalPayment,
		"Get a conditional payment: its condition, what it released and refunded, and each lock, release, partial release and "+
			"refund with its reason.")
	listRoute[linkfin.ConditionalPayment](s, "GET /v1/conditional-payments", linkfin.KindConditionalPayment,
		"List conditional payments (the caller pays, is paid, or confirms their milestone).")
	act(s, Route{Pattern: "POST /v1/conditional-payments/{id}/confirm", Kind: linkfin.KindConditionalPayment, Access: Write, Money: true,
		Out: payment, Summary: "Confirm a milestone (the party it names): the payment is released. Refused with " +
			"conditional_payment_closed once it is released, expired or cancelled, or from its expires_on on."},
		func(r *http.Request, p *principal, _ *none) (linkfin.Command, error) {
			return &services.ConfirmMilestone{Actor: p.Org, ID: r.PathValue("id")}, nil
		})
	act(s, Route{Pattern: "POST /v1/conditional-payments/{id}/cancel", Kind: linkfin.KindConditionalPayment, Access: Write, Money: true,
		Out: payment, Summary: "Ask to cancel a conditional payment (the payer or the payee). The first side's call records its request " +
			"(cancel_requested_by); the other side's call agrees, and what is still locked is refunded to its source. Refused with " +
			"conditional_payment_closed once it is released, expired or cancelled."},
		func(r *http.Request, p *principal, _ *none) (linkfin.Command, error) {
			return &services.CancelConditionalPayment{Actor: p.Org, ID: r.PathValue("id")}, nil
		})

	wallet := reflect.TypeFor[linkfin.BoundWallet]()
	act(s, Route{Pattern: "POST /v1/purpose-bound-wallets", Access: Write, Status: http.StatusCreated, Out: wallet,
		Summary: "Open a purpose-bound wallet for a holder (the caller is its grantor, who funds it): money its holder may pay only " +
			"to the payees it lists (payee_ids, never the holder itself), directly or into a conditional payment, and never withdraw."},
		func(r *http.Request, p *principal, in *linkfin.BoundWalletIn) (linkfin.Command, error) {
			return &services.OpenBoundWallet{Actor: p.Org, In: *in}, nil
		})
	s.handle(Route{Pattern: "GET /v1/purpose-bound-wallets/{id}", Access: AnyKey, Out: reflect.TypeFor[linkfin.BoundWalletOut](),
		Summary: "Get a purpose-bound wallet (its holder and grantor) with what it holds."},
		func(w http.ResponseWriter, r *http.Request) {
			out, err := services.ReadBoundWallet(r.Context(), s.Engine.Records(), s.Engine, principalOf(r).viewer(), r.PathValue("id"))
			if err != nil {
				writeError(w, r, err)
				return
			}
			writeJSON(w, http.StatusOK, out)
		})
	historyRoute(s, "GET /v1/purpose-bound-wallets/{id}", linkfin.KindBoundWallet)
	listRoute[linkfin.BoundWallet](s, "GET /v1/purpose-bound-wallets", linkfin.KindBoundWallet, "List purpose-bound wallets (held or granted).")
	act(s, Route{Pattern: "POST /v1/purpose-bound-wallets/{id}/fund", Kind: linkfin.KindBoundWallet, Access: Write, Money: true, Out: wallet,
		Summary: "Move money from the grantor's wallet into a purpose-bound wallet it granted."},
		func(r *http.Request, p *principal, in *linkfin.BoundAmountIn) (linkfin.Command, error) {
			return &services.FundBoundWallet{Actor: p.Org, ID: r.PathValue("id"), Amount: in.Amount}, nil
		})
	act(s, Route{Pattern: "POST /v1/purpose-bound-wallets/{id}/payments", Kind: linkfin.KindBoundWallet, Access: Write, Money: true,
		Status: http.StatusCreated, Out: reflect.TypeFor[linkfin.BoundPayment](),
		Summary: "Pay one of a purpose-bound wallet's payees from it, at once (its holder). Any other payee is refused with " +
			"purpose_bound_payee."},
		func(r *http.Request, p *principal, in *linkfin.BoundPaymentIn) (linkfin.Command, error) {
			return &services.PayFromBoundWallet{Actor: p.Org, ID: r.PathValue("id"), PayeeID: in.PayeeID, Amount: in.Amount}, nil
		})
}
