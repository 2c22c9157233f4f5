package services

import (
	"encoding/json"

	"linkfin"
)

// CreateProgram is an anchor opening a supply chain finance program, under a new id
// (Program.ID empty).
type CreateProgram struct {
	Actor   string
	Program linkfin.Program
}

// Keys implements linkfin.Command.
func (c *CreateProgram) Keys() []linkfin.ObjectKey {
	return append(idKeys(linkfin.KindProgram, c.Program.ID), linkfin.ObjectKey{Kind: linkfin.KindOrganization, ID: c.Actor})
}

// LedgerKeys implements linkfin.LedgerCommand: the program's limit accounts, when the
// caller named the program (a new id's cannot exist yet).
func (c *CreateProgram) LedgerKeys(linkfin.Records) (accounts, transfers []int64) {
	if c.Program.ID == "" {
		return nil, nil
	}
	return []int64{limitSourceID(c.Program.ID), LimitID(c.Program.ID, "")}, nil
}

// Apply implements linkfin.Command.
func (c *CreateProgram) Apply(tx linkfin.Tx) (any, error) {
	p := c.Program
	p.AnchorID = c.Actor
	if err := p.Validate(); err != nil {
		return nil, err
	}
	anchor, err := organization(tx, c.Actor)
	if err != nil {
		return nil, err
	}
	if !anchor.Can(linkfin.CapAnchor) {
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only an anchor runs programs; the operator grants the capability")
	}
	if p.ID == "" {
		p.ID = tx.NewID(linkfin.IDPrefix[linkfin.KindProgram])
	} else {
		// Named by an internal caller: the same program again is the one made.
		if err := linkfin.ValidateID("program id", p.ID); err != nil {
			return nil, err
		}
		var old linkfin.Program
		found, err := tx.Get(linkfin.KindProgram, p.ID, &old)
		if err != nil {
			return nil, err
		}
		if found {
			if old.AnchorID != c.Actor || !sameProgramTerms(&old, &p) {
				return nil, linkfin.Errorf(linkfin.ECONFLICT, "program %s exists", p.ID)
			}
			return &old, nil
		}
	}
	p.Funders = []linkfin.ProgramFunder{}
	p.CreatedAt = tx.Now()
	// The program's limit is a ledger account: the ledger refuses what would exceed it.
	if err := openLimit(tx, p.ID, "", p.Currency, p.Limit); err != nil {
		return nil, err
	}
	return &p, tx.Put(linkfin.KindProgram, p.ID, &p, "program.created")
}

// sameProgramTerms compares what the anchor gave, ignoring what the platform added.
func sameProgramTerms(a, b *linkfin.Program) bool {
	x, y := *a, *b
	x.Funders, y.Funders = nil, nil
	x.CreatedAt = y.CreatedAt
	bx, _ := json.Marshal(x)
	by, _ := json.Marshal(y)
	return string(bx) == string(by)
}

// InviteFunder is the anchor offering a funder a part of its program, with a limit and
// a price. The funder's part is live once the funder accepts.
type InviteFunder struct {
	Actor     string
	ProgramID string
	FunderID  string
	Limit     int64
	Pricing   linkfin.Pricing
}

// Keys implements linkfin.Command.
func (c *InviteFunder) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{
		{Kind: linkfin.KindProgram, ID: c.ProgramID},
		{Kind: linkfin.KindOrganization, ID: c.FunderID},
		{Kind: linkfin.KindOrganization, ID: c.Actor},
	}
}

// Apply implements linkfin.Command.
func (c *InviteFunder) Apply(tx linkfin.Tx) (any, error) {
	p, err := program(tx, c.ProgramID, c.Actor)
	if err != nil {
		return nil, err
	}
	if p.AnchorID != c.Actor {
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only the program's anchor invites funders")
	}
	if err := capable(tx, c.Actor, linkfin.CapAnchor); err != nil {
		return nil, err
	}
	funder, err := organization(tx, c.FunderID)
	if err != nil {
		return nil, err
	}
	if !funder.Can(linkfin.CapFund) {
		return nil, linkfin.Errorf(linkfin.EINVALID, "organization %s does not fund", c.FunderID)
	}
	if c.Limit <= 0 || c.Limit > p.Limit {
		return nil, linkfin.Errorf(linkfin.EINVALID, "a funder's limit is positive and at most the program's (%d)", p.Limit)
	}
	if err := c.Pricing.Validate(); err != nil {
		return nil, err
	}
	if err := p.CheckGradeMargins(c.Pricing); err != nil {
		return nil, err
	}
	f := linkfin.ProgramFunder{FunderID: c.FunderID, Limit: c.Limit, Pricing: c.Pricing, Status: linkfin.FunderInvited, Invitation: 1}
	if old := p.Funder(c.FunderID); old != nil {
		switch {
		case old.Status == linkfin.FunderAccepted:
			return nil, linkfin.Errorf(linkfin.ECONFLICT, "funder %s already accepted its part; its terms do not change by invitation", c.FunderID)
		case old.Invitation > 0 && old.Same(linkfin.FunderTerms{Limit: c.Limit, Pricing: c.Pricing}):
			return p, nil // the same invitation again is the one made
		}
		// A new invitation replaces one not yet accepted, under the next number: an
		// acceptance of the terms the funder saw before is refused (AcceptFunder).
		f.Invitation = max(old.Invitation, 1) + 1
		*old = f
	} else {
		p.Funders = append(p.Funders, f)
	}
	return p, tx.Put(linkfin.KindProgram, p.ID, p, "program.funder_invited")
}

// AcceptFunder is an invited funder accepting its part of a program. Terms are the
// limit and pricing it accepts, as its invitation showed them: if the anchor has
// invited it again with other terms since, the acceptance is refused
// (invitation_changed) and the funder looks at the invitation again. Without terms,
// only a first invitation, never changed, is accepted.
type AcceptFunder struct {
	Actor     string // the funder
	ProgramID string
	Terms     *linkfin.FunderTerms
}

// Keys implements linkfin.Command.
func (c *AcceptFunder) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindProgram, ID: c.ProgramID}, {Kind: linkfin.KindOrganization, ID: c.Actor}}
}

// LedgerKeys implements linkfin.LedgerCommand: the funder's limit account.
func (c *AcceptFunder) LedgerKeys(linkfin.Records) (accounts, transfers []int64) {
	return []int64{limitSourceID(c.ProgramID), LimitID(c.ProgramID, c.Actor)}, nil
}

// Apply implements linkfin.Command.
func (c *AcceptFunder) Apply(tx linkfin.Tx) (any, error) {
	p, err := program(tx, c.ProgramID, c.Actor)
	if err != nil {
		return nil, err
	}
	f := p.Funder(c.Actor)
	if f == nil {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "program %s not found", c.ProgramID)
	}
	if err := c.accepts(f); err != nil {
		return nil, err
	}
	if f.Status == linkfin.FunderAccepted {
		return p, nil
	}
	if err := capable(tx, c.Actor, linkfin.CapFund); err != nil {
		return nil, err
	}
	now := tx.Now()
	f.Status, f.AcceptedAt = linkfin.FunderAccepted, &now
	if err := openLimit(tx, p.ID, c.Actor, p.Currency, f.Limit); err != nil {
		return nil, err
	}
	return p, tx.Put(linkfin.KindProgram, p.ID, p, "program.funder_accepted")
}

// accepts refuses an acceptance of other terms than the funder's part has: terms
// that differ from them, or none when the anchor has changed the invitation (or it
// was made before invitations were numbered, and may have been). An acceptance
// already made is answered again for its own terms, or none.
func (c *AcceptFunder) accepts(f *linkfin.ProgramFunder) error {
	switch {
	case c.Terms != nil && !f.Same(*c.Terms):
		return linkfin.Errorf(linkfin.EINVITATIONCHANGED, "the invitation's terms are not those accepted: a limit of %d at %s a year "+
			"(invitation %d); look at the invitation again and accept the terms it shows", f.Limit, f.Pricing.Annual(), f.Invitation)
	case c.Terms == nil && f.Status == linkfin.FunderInvited && f.Invitation == 0:
		return linkfin.Errorf(linkfin.EINVITATIONCHANGED, "%s was invited before invitations were numbered, and may have been invited again: "+
			"accept with the limit and pricing the invitation shows", f.FunderID)
	case c.Terms == nil && f.Status == linkfin.FunderInvited && f.Invitation > 1:
		return linkfin.Errorf(linkfin.EINVITATIONCHANGED, "the anchor invited %s again with other terms (invitation %d): "+
			"accept with the limit and pricing the invitation shows", f.FunderID, f.Invitation)
	}
	return nil
}

// capable refuses an act of an organization that lacks the capability it needs. The
// operator grants capabilities and may withdraw them (SetCapabilities): what was done
// stays done, but every new act a capability governs checks it, not only the first
// (an anchor that is no longer one invites no funder and issues no certificate; an
// organization that no longer funds joins no program).
func capable(tx linkfin.Tx, orgID string, c linkfin.Capability) error {
	o, err := organization(tx, orgID)
	if err != nil {
		return err
	}
	if o.Can(c) {
		return nil
	}
	switch c {
	case linkfin.CapAnchor:
		return linkfin.Errorf(linkfin.EFORBIDDEN, "organization %s is not an anchor: the operator grants the capability", orgID)
	case linkfin.CapFund:
		return linkfin.Errorf(linkfin.EFORBIDDEN, "organization %s does not fund: the operator grants the capability", orgID)
	}
	return linkfin.Errorf(linkfin.EFORBIDDEN, "organization %s lacks the capability %s: the operator grants it", orgID, c)
}

// program reads a program that the actor is party to (its anchor or one of its
// funders); to anyone else it does not exist.
func program(tx linkfin.Tx, id, actor string) (*linkfin.Program, error) {
	var p linkfin.Program
	found, err := tx.Get(linkfin.KindProgram, id, &p)
	if err != nil {
		return nil, err
	}
	if !found || p.AnchorID != actor && p.Funder(actor) == nil {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "program %s not found", id)
	}
	return &p, nil
}
