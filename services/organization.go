// Package services holds linkfin's domain operations: the commands that the engine
// runs in its batches (validation, authorization of the acting party, the products'
// rules) and the reads that go with them.
package services

import (
	"slices"

	"linkfin"
	"linkfin/iso20022"
)

// CreateOrganization registers a company. A retry with the same fields answers the
// organization as it is (Existed); the same id with other fields is a conflict.
type CreateOrganization struct {
	Org linkfin.Organization
}

// OrganizationResult is what CreateOrganization answers.
type OrganizationResult struct {
	Organization linkfin.Organization `json:"organization"`
	Existed      bool                 `json:"existed"`
}

// Keys implements linkfin.Command.
func (c *CreateOrganization) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindOrganization, ID: c.Org.ID}}
}

// Validate implements linkfin.Validator: the bank account and the address, if given.
func (c *CreateOrganization) Validate() error {
	if a := c.Org.Address; a != nil {
		if err := a.Validate(); err != nil {
			return err
		}
	}
	if c.Org.BankAccount == nil {
		return nil
	}
	return checkBankAccount(*c.Org.BankAccount)
}

// Apply implements linkfin.Command.
func (c *CreateOrganization) Apply(tx linkfin.Tx) (any, error) {
	o := c.Org
	o.Capabilities = slices.Clone(o.Capabilities) // Validate sorts them
	if err := o.Validate(); err != nil {
		return nil, err
	}
	var old linkfin.Organization
	found, err := tx.Get(linkfin.KindOrganization, o.ID, &old)
	if err != nil {
		return nil, err
	}
	if found {
		if old.Name != o.Name || !slices.Equal(old.Capabilities, o.Capabilities) || !same(old.BankAccount, o.BankAccount) ||
			!same(old.Address, o.Address) {
			return nil, linkfin.Errorf(linkfin.ECONFLICT, "organization %s exists with other fields", o.ID)
		}
		return &OrganizationResult{old, true}, nil
	}
	o.CreatedAt = tx.Now()
	if err := tx.Put(linkfin.KindOrganization, o.ID, &o, "organization.created"); err != nil {
		return nil, err
	}
	return &OrganizationResult{o, false}, nil
}

// SetCapabilities gives an organization the capabilities listed, as the platform's
// operator decides (granting anchor lets it run programs and issue certificates);
// what it has already done stays done. The same capabilities again change nothing.
type SetCapabilities struct {
	OrgID        string
	Capabilities []linkfin.Capability
}

// Keys implements linkfin.Command.
func (c *SetCapabilities) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindOrganization, ID: c.OrgID}}
}

// Apply implements linkfin.Command.
func (c *SetCapabilities) Apply(tx linkfin.Tx) (any, error) {
	var o linkfin.Organization
	found, err := tx.Get(linkfin.KindOrganization, c.OrgID, &o)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "organization %s not found", c.OrgID)
	}
	next := o
	next.Capabilities = slices.Clone(c.Capabilities)
	if err := next.Validate(); err != nil { // sorts them, refuses unknown and repeated ones
		return nil, err
	}
	if slices.Equal(next.Capabilities, o.Capabilities) {
		return &o, nil
	}
	return &next, tx.Put(linkfin.KindOrganization, next.ID, &next, "organization.capabilities_set")
}

// SetBankAccount registers the account at a bank that an organization's withdrawals
// over the bank rail are paid into (its admin, or the operator with Actor ""),
// replacing the one it had: instructions made before keep the account they were made
// with. The same account again changes nothing.
type SetBankAccount struct {
	Actor   string
	OrgID   string
	Account linkfin.BankAccount
}

// Validate implements linkfin.Validator.
func (c *SetBankAccount) Validate() error { return checkBankAccount(c.Account) }

// Keys implements linkfin.Command.
func (c *SetBankAccount) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindOrganization, ID: c.OrgID}}
}

// Apply implements linkfin.Command.
func (c *SetBankAccount) Apply(tx linkfin.Tx) (any, error) {
	return setOwn(tx, c.Actor, c.OrgID, "organization.bank_account_set", func(o *linkfin.Organization) bool {
		if same(o.BankAccount, &c.Account) {
			return false
		}
		o.BankAccount = clone(&c.Account)
		return true
	})
}

// SetAddress registers an organization's postal address (its admin, or the operator
// with Actor ""), replacing the one it had: instructions made before keep the address
// they were made with. The same address again changes nothing.
type SetAddress struct {
	Actor   string
	OrgID   string
	Address linkfin.PostalAddress
}

// Validate implements linkfin.Validator.
func (c *SetAddress) Validate() error { return c.Address.Validate() }

// Keys implements linkfin.Command.
func (c *SetAddress) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindOrganization, ID: c.OrgID}}
}

// Apply implements linkfin.Command.
func (c *SetAddress) Apply(tx linkfin.Tx) (any, error) {
	return setOwn(tx, c.Actor, c.OrgID, "organization.address_set", func(o *linkfin.Organization) bool {
		if same(o.Address, &c.Address) {
			return false
		}
		o.Address = clone(&c.Address)
		return true
	})
}

// setOwn changes what an organization registers of itself (its admin, or the
// operator with actor ""): set changes the organization's fields and reports whether
// anything changed; the same again writes nothing. Another organization is not found.
func setOwn(tx linkfin.Tx, actor, org, event string, set func(*linkfin.Organization) bool) (any, error) {
	if actor != "" && actor != org {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "organization %s not found", org)
	}
	o, err := organization(tx, org)
	if err != nil || !set(o) {
		return o, err
	}
	return o, tx.Put(linkfin.KindOrganization, o.ID, o, event)
}

// same reports whether two values, either absent, are the same.
func same[T comparable](a, b *T) bool {
	return a == nil && b == nil || a != nil && b != nil && *a == *b
}

// clone is a copy of *p that no other record shares, or nil.
func clone[T any](p *T) *T {
	if p == nil {
		return nil
	}
	c := *p
	return &c
}

// bankParty is an account holder as a pain.001 document names it.
func bankParty(name string, a *linkfin.BankAccount, address *linkfin.PostalAddress) iso20022.Party {
	p := iso20022.Party{Name: name, Address: address}
	if a != nil {
		p.IBAN, p.Account, p.BIC, p.BankCode = a.IBAN, a.Account, a.BIC, a.BankCode
	}
	return p
}

// checkBankAccount refuses an account a pain.001 document could not name: it has an
// IBAN whose check digits verify, or else another account id, and a BIC and a CNAPS
// code of their forms if any.
func checkBankAccount(a linkfin.BankAccount) error {
	if (a.IBAN == "") == (a.Account == "") {
		return linkfin.Errorf(linkfin.EINVALID, "a bank account has an iban or an account id (account), one of the two")
	}
	return bankParty("", &a, nil).CheckAccount("the bank account")
}
