package storetest

import "linkfin"

// LegacyOrganization writes an organization as linkfin did before organizations'
// names were registered: the organization's record alone, with no record of its name.
// For the tests of what registers old organizations' names.
type LegacyOrganization struct{ Org linkfin.Organization }

func (c *LegacyOrganization) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindOrganization, ID: c.Org.ID}}
}

func (c *LegacyOrganization) Apply(tx linkfin.Tx) (any, error) {
	o := c.Org
	o.CreatedAt = tx.Now()
	return &o, tx.Put(linkfin.KindOrganization, o.ID, &o, "organization.created")
}
