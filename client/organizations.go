package client

import (
	"context"

	"linkfin"
)

// The wire types of the parties' routes.
type (
	OrganizationIn = linkfin.OrganizationIn
	APIKeyIn       = linkfin.APIKeyIn
	APIKey         = linkfin.APIKeyOut
	ProgramIn      = linkfin.ProgramIn
	FunderIn       = linkfin.FunderIn
	FunderAcceptIn = linkfin.FunderAcceptIn
)

// CreateOrganization registers an organization (operator key). Registering the same
// organization again answers it as it is.
func (c *Client) CreateOrganization(ctx context.Context, in OrganizationIn) (*linkfin.Organization, error) {
	var out linkfin.Organization
	return &out, c.post(ctx, "/v1/organizations", in, &out)
}

// SetCapabilities sets what an organization may do (the operator).
func (c *Client) SetCapabilities(ctx context.Context, id string, caps ...linkfin.Capability) (*linkfin.Organization, error) {
	var out linkfin.Organization
	return &out, c.post(ctx, "/v1/organizations/"+esc(id)+"/capabilities", linkfin.CapabilitiesIn{Capabilities: caps}, &out)
}

// RegisterIdentifier records an electronic identifier of the organization (its
// admin, or the operator), by which e-invoices name it.
func (c *Client) RegisterIdentifier(ctx context.Context, id string, in linkfin.Identifier) (*linkfin.Organization, error) {
	var out linkfin.Organization
	return &out, c.post(ctx, "/v1/organizations/"+esc(id)+"/identifiers", in, &out)
}

// RemoveIdentifier removes an electronic identifier the organization registered (its
// admin, or the operator): another organization may then register it.
func (c *Client) RemoveIdentifier(ctx context.Context, id string, in linkfin.Identifier) (*linkfin.Organization, error) {
	var out linkfin.Organization
	return &out, c.post(ctx, "/v1/organizations/"+esc(id)+"/identifiers/remove", in, &out)
}

// SetBankAccount registers the account at a bank that the organization's withdrawals
// over the bank rail are paid into: the operator's at once, an admin's once the
// operator confirms it (Organization.PendingBankAccount until then).
func (c *Client) SetBankAccount(ctx context.Context, id string, account linkfin.BankAccount) (*linkfin.Organization, error) {
	var out linkfin.Organization
	return &out, c.post(ctx, "/v1/organizations/"+esc(id)+"/bank-account", linkfin.BankAccountIn{BankAccount: account}, &out)
}

// ConfirmBankAccount confirms, as the operator, the bank account the organization's
// admin registered, named as it waits: the organization's withdrawals are paid into it
// from now on.
func (c *Client) ConfirmBankAccount(ctx context.Context, id string, account linkfin.BankAccount) (*linkfin.Organization, error) {
	var out linkfin.Organization
	return &out, c.post(ctx, "/v1/organizations/"+esc(id)+"/bank-account/confirm", linkfin.BankAccountIn{BankAccount: account}, &out)
}

// BankAccountChanges lists, for the operator, the organizations whose admin registered
// a bank account that waits for its confirmation, the longest waiting first.
func (c *Client) BankAccountChanges(ctx context.Context, opt *ListOptions) (*List[linkfin.Organization], error) {
	return list[linkfin.Organization](ctx, c, "/v1/bank-account-changes", opt)
}

// RejectBankAccount rejects, as the operator, the bank account the organization's
// admin registered, named as it waits: the account in effect stays.
func (c *Client) RejectBankAccount(ctx context.Context, id string, account linkfin.BankAccount) (*linkfin.Organization, error) {
	var out linkfin.Organization
	return &out, c.post(ctx, "/v1/organizations/"+esc(id)+"/bank-account/reject", linkfin.BankAccountIn{BankAccount: account}, &out)
}

// SetAddress registers the organization's postal address (its admin, or the
// operator).
func (c *Client) SetAddress(ctx context.Context, id string, address linkfin.PostalAddress) (*linkfin.Organization, error) {
	var out linkfin.Organization
	return &out, c.post(ctx, "/v1/organizations/"+esc(id)+"/address", linkfin.AddressIn{Address: address}, &out)
}

// GetOrganization reads an organization.
func (c *Client) GetOrganization(ctx context.Context, id string) (*linkfin.Organization, error) {
	var out linkfin.Organization
	return &out, c.get(ctx, "/v1/organizations/"+esc(id), &out)
}

// ListOrganizations lists organizations: all of them for an operator key, its own for
// an organization's key.
func (c *Client) ListOrganizations(ctx context.Context, opt *ListOptions) (*List[linkfin.Organization], error) {
	return list[linkfin.Organization](ctx, c, "/v1/organizations", opt)
}

// CreateAPIKey makes a key for an organization (its admin key, or an operator key).
// The answer's Key is the secret key, shown in this answer alone.
func (c *Client) CreateAPIKey(ctx context.Context, org string, in APIKeyIn) (*APIKey, error) {
	var out APIKey
	return &out, c.post(ctx, "/v1/organizations/"+esc(org)+"/api-keys", in, &out)
}

// ListAPIKeys lists an organization's keys, without their secrets.
func (c *Client) ListAPIKeys(ctx context.Context, org string, opt *ListOptions) (*List[APIKey], error) {
	return list[APIKey](ctx, c, "/v1/organizations/"+esc(org)+"/api-keys", opt)
}

// RevokeAPIKey revokes one of an organization's keys by its id.
func (c *Client) RevokeAPIKey(ctx context.Context, org, keyID string) (*APIKey, error) {
	var out APIKey
	return &out, c.post(ctx, "/v1/organizations/"+esc(org)+"/api-keys/"+esc(keyID)+"/revoke", nil, &out)
}

// ProposeRelationship proposes a buyer–seller relationship; the caller is one side.
func (c *Client) ProposeRelationship(ctx context.Context, buyer, seller string) (*linkfin.Relationship, error) {
	var out linkfin.Relationship
	return &out, c.post(ctx, "/v1/relationships", linkfin.RelationshipIn{BuyerID: buyer, SellerID: seller}, &out)
}

// AcceptRelationship accepts a relationship the other side proposed.
func (c *Client) AcceptRelationship(ctx context.Context, buyer, seller string) (*linkfin.Relationship, error) {
	var out linkfin.Relationship
	return &out, c.post(ctx, "/v1/relationships/"+esc(buyer+"~"+seller)+"/accept", nil, &out)
}

// GetRelationship reads the relationship of a buyer and a seller.
func (c *Client) GetRelationship(ctx context.Context, buyer, seller string) (*linkfin.Relationship, error) {
	var out linkfin.Relationship
	return &out, c.get(ctx, "/v1/relationships/"+esc(buyer+"~"+seller), &out)
}

// ListRelationships lists the caller's relationships.
func (c *Client) ListRelationships(ctx context.Context, opt *ListOptions) (*List[linkfin.Relationship], error) {
	return list[linkfin.Relationship](ctx, c, "/v1/relationships", opt)
}

// CreateProgram opens a supply chain finance program run by the calling anchor.
func (c *Client) CreateProgram(ctx context.Context, in ProgramIn) (*linkfin.Program, error) {
	var out linkfin.Program
	return &out, c.post(ctx, "/v1/programs", in, &out)
}

// GetProgram reads a program.
func (c *Client) GetProgram(ctx context.Context, id string) (*linkfin.Program, error) {
	var out linkfin.Program
	return &out, c.get(ctx, "/v1/programs/"+esc(id), &out)
}

// ListPrograms lists the programs the caller takes part in.
func (c *Client) ListPrograms(ctx context.Context, opt *ListOptions) (*List[linkfin.Program], error) {
	return list[linkfin.Program](ctx, c, "/v1/programs", opt)
}

// InviteFunder invites a funder into the anchor's program, with its limit and pricing.
func (c *Client) InviteFunder(ctx context.Context, program string, in FunderIn) (*linkfin.Program, error) {
	var out linkfin.Program
	return &out, c.post(ctx, "/v1/programs/"+esc(program)+"/funders", in, &out)
}

// AcceptFunder accepts an invitation into a program; funder is the caller. Terms are
// the limit and pricing accepted, as the invitation shows them (GetProgram); nil
// accepts only a first invitation the anchor never changed.
func (c *Client) AcceptFunder(ctx context.Context, program, funder string, terms *FunderAcceptIn) (*linkfin.Program, error) {
	var out linkfin.Program
	var in any
	if terms != nil {
		in = terms
	}
	return &out, c.post(ctx, "/v1/programs/"+esc(program)+"/funders/"+esc(funder)+"/accept", in, &out)
}
