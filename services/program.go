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
	f := linkfin.ProgramFunder{FunderID: c.FunderID, Limit: c.Limit, Pricing: c.Pricing, Status: linkfin.FunderInvited}
	if old := p.Funder(c.FunderID); old != nil {
		if old.Status == linkfin.FunderAccepted {
			return nil, linkfin.Errorf(linkfin.ECONFLICT, "funder %s already accepted its part; its terms do not change by invitation", c.FunderID)
		}
		*old = f // a new invitation replaces one not yet accepted
	} else {
		p.Funders = append(p.Funders, f)
	}
	return p, tx.Put(linkfin.KindProgram, p.ID, p, "program.funder_invited")
}

// AcceptFunder is an invited funder accepting its part of a program.
type AcceptFunder struct {
	Actor     string // the funder
	ProgramID string
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
