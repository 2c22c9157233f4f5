package client

import (
	"context"

	"linkfin"
)

// The wire types of the e-CNY routes.
type (
	ECNYWalletIn      = linkfin.ECNYWalletIn
	ECNYWalletOut     = linkfin.ECNYWalletOut
	ECNYEvidenceIn    = linkfin.ECNYEvidenceIn
	ECNYPaymentIn     = linkfin.ECNYPaymentIn
	ECNYDesignationIn = linkfin.ECNYDesignationIn
	WalletLimits      = linkfin.WalletLimits
)

// OpenECNYWallet opens an e-CNY wallet: a personal one of class IV for the caller's
// organization (an admin key, with an empty in), a corporate one with the limits its
// bank set (an operator key, naming OrgID and Limits), or a sub-wallet of the
// organization's corporate wallet (ParentID, with Limits within the parent's).
func (c *Client) OpenECNYWallet(ctx context.Context, in ECNYWalletIn) (*linkfin.ECNYWallet, error) {
	var out linkfin.ECNYWallet
	return &out, c.post(ctx, "/v1/ecny-wallets", in, &out)
}

// GetECNYWallet reads a wallet with what it holds and has paid today and this year
// (China time), against its limits.
func (c *Client) GetECNYWallet(ctx context.Context, id string) (*ECNYWalletOut, error) {
	var out ECNYWalletOut
	return &out, c.get(ctx, "/v1/ecny-wallets/"+esc(id), &out)
}

// ListECNYWallets lists the caller's e-CNY wallets (every one, for an operator key).
func (c *Client) ListECNYWallets(ctx context.Context, opt *ListOptions) (*List[linkfin.ECNYWallet], error) {
	return list[linkfin.ECNYWallet](ctx, c, "/v1/ecny-wallets", opt)
}

// RecordECNYEvidence records identity evidence of a wallet's owner (an operator key,
// as the wallet's operating institution): linkfin.EvidenceIdentity,
// EvidenceBankAccount or EvidenceInPerson, with its reference.
func (c *Client) RecordECNYEvidence(ctx context.Context, id string, in ECNYEvidenceIn) (*linkfin.ECNYWallet, error) {
	var out linkfin.ECNYWallet
	return &out, c.post(ctx, "/v1/ecny-wallets/"+esc(id)+"/evidence", in, &out)
}

// RaiseECNYClass raises a personal wallet to a stronger class (its owner); refused with
// identity_evidence_required until the evidence the class needs is recorded.
func (c *Client) RaiseECNYClass(ctx context.Context, id string, class int) (*linkfin.ECNYWallet, error) {
	var out linkfin.ECNYWallet
	return &out, c.post(ctx, "/v1/ecny-wallets/"+esc(id)+"/class", linkfin.ECNYClassIn{Class: class}, &out)
}

// TopUpECNY moves an amount from the owner's platform wallet into its e-CNY wallet, up
// to the wallet's balance limit.
func (c *Client) TopUpECNY(ctx context.Context, id string, amount int64) (*linkfin.ECNYWallet, error) {
	return c.moveECNY(ctx, id, "top-up", amount)
}

// RedeemECNY moves an amount from an e-CNY wallet back to the owner's platform wallet.
func (c *Client) RedeemECNY(ctx context.Context, id string, amount int64) (*linkfin.ECNYWallet, error) {
	return c.moveECNY(ctx, id, "redeem", amount)
}

// FundECNYSubWallet funds a sub-wallet from its corporate parent, up to the
// sub-wallet's balance limit.
func (c *Client) FundECNYSubWallet(ctx context.Context, id string, amount int64) (*linkfin.ECNYWallet, error) {
	return c.moveECNY(ctx, id, "fund", amount)
}

func (c *Client) moveECNY(ctx context.Context, id, op string, amount int64) (*linkfin.ECNYWallet, error) {
	var out linkfin.ECNYWallet
	return &out, c.post(ctx, "/v1/ecny-wallets/"+esc(id)+"/"+op, linkfin.ECNYAmountIn{Amount: amount}, &out)
}

// PayECNY pays from one of the caller's e-CNY wallets to any wallet, at once; each limit
// it would pass refuses it with its own code (wallet_payment_limit, wallet_daily_limit,
// wallet_yearly_limit, wallet_balance_limit, wallet_insufficient_funds).
func (c *Client) PayECNY(ctx context.Context, in ECNYPaymentIn) (*linkfin.ECNYPayment, error) {
	var out linkfin.ECNYPayment
	return &out, c.post(ctx, "/v1/ecny-payments", in, &out)
}

// GetECNYPayment reads an e-CNY payment the caller paid or was paid: one asked for, an
// early payment or a settlement on the e-CNY rail.
func (c *Client) GetECNYPayment(ctx context.Context, id string) (*linkfin.ECNYPayment, error) {
	var out linkfin.ECNYPayment
	return &out, c.get(ctx, "/v1/ecny-payments/"+esc(id), &out)
}

// ListECNYPayments lists the e-CNY payments the caller paid or was paid.
func (c *Client) ListECNYPayments(ctx context.Context, opt *ListOptions) (*List[linkfin.ECNYPayment], error) {
	return list[linkfin.ECNYPayment](ctx, c, "/v1/ecny-payments", opt)
}

// DesignateECNYWallet designates one of the organization's own e-CNY wallets as the one
// it pays from and is paid into on the e-CNY rail (its admin or finance key): early
// payments of dynamic discounting with rail ecny, and settlement of programs whose
// settlement rail is ecny.
func (c *Client) DesignateECNYWallet(ctx context.Context, org, walletID string) (*linkfin.Organization, error) {
	var out linkfin.Organization
	return &out, c.post(ctx, "/v1/organizations/"+esc(org)+"/ecny-wallet", ECNYDesignationIn{WalletID: walletID}, &out)
}
