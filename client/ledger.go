package client

import (
	"context"
	"strconv"

	"linkfin"
)

// The wire types of the ledger and audit routes.
type (
	Account    = linkfin.Account
	Transfer   = linkfin.Transfer
	Exposure   = linkfin.Exposure
	Checkpoint = linkfin.CheckpointOut
	LogKey     = linkfin.LogKey
	Calendar   = linkfin.CalendarOut
)

// GetAccount reads a ledger account; an organization reads its own wallets.
func (c *Client) GetAccount(ctx context.Context, id int64) (*Account, error) {
	var out Account
	return &out, c.get(ctx, "/v1/accounts/"+strconv.FormatInt(id, 10), &out)
}

// Wallet reads an organization's wallet in a currency.
func (c *Client) Wallet(ctx context.Context, org string, currency linkfin.Currency) (*Account, error) {
	return c.GetAccount(ctx, linkfin.WalletID(org, currency))
}

// ListAccounts lists ledger accounts: an organization's wallets, or every account for
// an operator key. Only Limit and After apply.
func (c *Client) ListAccounts(ctx context.Context, opt *ListOptions) (*List[Account], error) {
	return list[Account](ctx, c, "/v1/accounts", opt)
}

// ListTransfers lists an account's transfers, newest first. Only Limit and After apply.
func (c *Client) ListTransfers(ctx context.Context, account int64, opt *ListOptions) (*List[Transfer], error) {
	return list[Transfer](ctx, c, "/v1/accounts/"+strconv.FormatInt(account, 10)+"/transfers", opt)
}

// Exposure reports what funders have outstanding per anchor: everything for an
// operator key, an anchor's own, or a funder's own part.
func (c *Client) Exposure(ctx context.Context) ([]Exposure, error) {
	var out List[Exposure]
	if err := c.get(ctx, "/v1/exposure", &out); err != nil {
		return nil, err
	}
	return out.Data, nil
}

// Calendars reads the business-day calendars programs name, each with the years of
// published holidays it holds: a maturity in another year followed the weekend rule
// alone.
func (c *Client) Calendars(ctx context.Context) ([]Calendar, error) {
	var out List[Calendar]
	if err := c.get(ctx, "/v1/calendars", &out); err != nil {
		return nil, err
	}
	return out.Data, nil
}

// LogKey reads the event log's public key. Keep it: note.NewVerifier takes its Key, and
// checks checkpoints offline with it.
func (c *Client) LogKey(ctx context.Context) (*LogKey, error) {
	var out LogKey
	return &out, c.get(ctx, "/v1/audit/public-key", &out)
}

// Checkpoint reads the latest signed checkpoint of the event log.
func (c *Client) Checkpoint(ctx context.Context) (*Checkpoint, error) {
	var out Checkpoint
	return &out, c.get(ctx, "/v1/audit/checkpoint", &out)
}
