// Package services holds linkfin's domain operations: the commands that the engine
// runs in its batches (validation, authorization of the acting party, the products'
// rules) and the reads that go with them.
package services

import (
	"slices"

	"linkfin"
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
		if old.Name != o.Name || !slices.Equal(old.Capabilities, o.Capabilities) {
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
