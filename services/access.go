package services

import (
	"context"
	"encoding/json"
	"strings"

	"linkfin"
	"linkfin/ledger"
)

// Who may act on an organization's own settings (its API keys and webhook endpoints),
// and who sees which ledger accounts. As for records, what a viewer may not touch is
// not found, word for word as what does not exist.

// Manages checks that the viewer manages the organization's keys: an organization its
// own, the operator every organization's.
func Manages(v linkfin.Viewer, org string) error {
	if v.Operator || v.Org != "" && v.Org == org {
		return nil
	}
	return linkfin.Errorf(linkfin.ENOTFOUND, "organization %s not found", org)
}

// organizationExists answers not_found for an organization that does not exist: for
// the operator, whom the rules of who sees what let read any organization's records,
// so that a read of one that does not exist is not answered as if it did.
func organizationExists(ctx context.Context, s linkfin.RecordReader, org string) error {
	if _, err := s.Object(ctx, linkfin.KindOrganization, org); linkfin.ErrorCode(err) == linkfin.ENOTFOUND {
		return linkfin.Errorf(linkfin.ENOTFOUND, "organization %s not found", org)
	} else if err != nil {
		return err
	}
	return nil
}

// RevokeKey is the command by which the viewer revokes the organization's key id: the
// operator revokes it as the organization would.
func RevokeKey(v linkfin.Viewer, org, id string) (*RevokeAPIKey, error) {
	if err := Manages(v, org); err != nil {
		return nil, err
	}
	actor := v.Org
	if v.Operator {
		actor = org
	}
	return &RevokeAPIKey{Actor: actor, ID: id}, nil
}

// ListAPIKeys answers a page of up to limit of the organization's keys, in id order
// after the id after, for a viewer that manages them; next is the last id when the
// page is full.
func ListAPIKeys(ctx context.Context, s linkfin.PartyReader, v linkfin.Viewer, org, after string, limit int) (keys []linkfin.APIKey, next string, err error) {
	if err := Manages(v, org); err != nil {
		return nil, "", err
	}
	if err := CheckCursor(linkfin.KindAPIKey, after); err != nil {
		return nil, "", err
	}
	if v.Operator {
		if err := organizationExists(ctx, s, org); err != nil {
			return nil, "", err
		}
	}
	objs, err := s.ListObjectsByParty(ctx, linkfin.KindAPIKey, org, after, limit)
	if err != nil {
		return nil, "", err
	}
	keys = make([]linkfin.APIKey, len(objs))
	for i := range objs {
		if err := json.Unmarshal(objs[i].Data, &keys[i]); err != nil {
			return nil, "", err
		}
	}
	if len(objs) == limit {
		next = objs[len(objs)-1].ID
	}
	return keys, next, nil
}

// AcceptInvitation is the command by which the viewer, as the funder named, accepts
// its invitation into a program, with the terms it accepts (in, nil for none): its
// own alone; another funder's is not found. Terms name both the limit and the
// pricing, or neither.
func AcceptInvitation(v linkfin.Viewer, programID, funder string, in *linkfin.FunderAcceptIn) (*AcceptFunder, error) {
	if v.Org == "" || funder != v.Org {
		// As for a funder's grade floor: the path names another funder, whatever the
		// program, so the answer tells nothing of the program.
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "a funder accepts its own invitation: %s is not the caller's organization", funder)
	}
	c := &AcceptFunder{Actor: v.Org, ProgramID: programID}
	switch {
	case in == nil || in.Limit == 0 && in.Pricing == nil:
	case in.Limit == 0 || in.Pricing == nil:
		return nil, linkfin.Errorf(linkfin.EINVALID, "an acceptance names the terms it accepts whole, limit and pricing, or neither")
	default:
		c.Terms = &linkfin.FunderTerms{Limit: in.Limit, Pricing: *in.Pricing}
	}
	return c, nil
}

// EndpointOwner is the organization a webhook endpoint the viewer makes belongs to:
// its own. The operator has none.
func EndpointOwner(v linkfin.Viewer) (string, error) {
	if v.Operator || v.Org == "" {
		return "", linkfin.Errorf(linkfin.EFORBIDDEN, "an endpoint belongs to an organization: use the organization's admin key")
	}
	return v.Org, nil
}

// Deliveries answers a page of up to limit of an endpoint's delivery log, in log
// order after the delivery after ("" from the start), for a viewer that read the
// endpoint (Read); next is the last id when the page is full.
func Deliveries(ctx context.Context, s linkfin.PartyReader, ep *linkfin.WebhookEndpoint, after string, limit int) (out []json.RawMessage, next string, err error) {
	// An endpoint's deliveries are the ids that start with its id and a slash.
	prefix := ep.ID + "/"
	if err := CheckCursor(linkfin.KindWebhookDelivery, after); err != nil {
		return nil, "", err
	}
	if after == "" {
		after = prefix
	} else if !strings.HasPrefix(after, prefix) {
		return nil, "", linkfin.Errorf(linkfin.EINVALID, "after must be a next_cursor this list gave: a delivery of this endpoint, not of another")
	}
	objs, err := s.ListObjectsByParty(ctx, linkfin.KindWebhookDelivery, ep.OrgID, after, limit)
	if err != nil {
		return nil, "", err
	}
	out = []json.RawMessage{}
	for _, d := range objs {
		if !strings.HasPrefix(d.ID, prefix) {
			return out, "", nil
		}
		out = append(out, d.Data)
	}
	if len(objs) == limit {
		next = objs[len(objs)-1].ID
	}
	return out, next, nil
}

// AccountReader reads ledger accounts: the engine, whose balances are current.
type AccountReader interface {
	Account(ctx context.Context, id int64) (*ledger.Account, error)
	// ListAccounts lists up to limit accounts in id order after the id after.
	ListAccounts(ctx context.Context, after int64, limit int) ([]ledger.Account, error)
}

// Account reads a ledger account the viewer sees: an organization its own wallets,
// the operator every account.
func Account(ctx context.Context, r AccountReader, v linkfin.Viewer, id int64) (*ledger.Account, error) {
	a, err := r.Account(ctx, id)
	if err != nil {
		return nil, err
	}
	if !seesAccount(v, a) {
		// Word for word what a missing account answers: nothing tells them apart.
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "account %d not found", id)
	}
	return a, nil
}

// ListAccounts lists up to limit of the ledger accounts the viewer sees, in id order
// after the id after.
func ListAccounts(ctx context.Context, r AccountReader, v linkfin.Viewer, after int64, limit int) ([]ledger.Account, error) {
	if v.Operator {
		return r.ListAccounts(ctx, after, limit)
	}
	var out []ledger.Account
	if v.Org == "" {
		return out, nil
	}
	for _, id := range WalletIDs(v.Org) {
		if id <= after || len(out) == limit {
			continue
		}
		a, err := r.Account(ctx, id)
		if linkfin.ErrorCode(err) == linkfin.ENOTFOUND {
			continue
		} else if err != nil {
			return nil, err
		}
		out = append(out, *a)
	}
	return out, nil
}

// seesAccount reports whether the viewer sees the account.
func seesAccount(v linkfin.Viewer, a *ledger.Account) bool {
	return v.Operator || v.Org != "" && IsWallet(v.Org, a)
}

// SeesTransfer checks that the viewer sees the transfer: the operator every one, an
// organization those that touch one of its wallets. Any other is not found, as a
// missing one.
func SeesTransfer(ctx context.Context, r AccountReader, v linkfin.Viewer, t *ledger.Transfer) error {
	if v.Operator {
		return nil
	}
	for _, id := range []int64{t.DebitAccountID, t.CreditAccountID} {
		if a, err := r.Account(ctx, id); err == nil && seesAccount(v, a) {
			return nil
		}
	}
	return linkfin.Errorf(linkfin.ENOTFOUND, "transfer %d not found", t.ID)
}
