package services

import (
	"linkfin"
)

// ProposeRelationship is one side (the actor) proposing a buyer–seller relationship to
// the other. Both must be organizations that trade.
type ProposeRelationship struct {
	Actor    string // the organization acting: the buyer or the seller
	BuyerID  string
	SellerID string
}

// Keys implements linkfin.Command.
func (c *ProposeRelationship) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{
		{Kind: linkfin.KindOrganization, ID: c.BuyerID},
		{Kind: linkfin.KindOrganization, ID: c.SellerID},
		{Kind: linkfin.KindRelationship, ID: linkfin.RelationshipID(c.BuyerID, c.SellerID)},
	}
}

// Apply implements linkfin.Command.
func (c *ProposeRelationship) Apply(tx linkfin.Tx) (any, error) {
	if c.BuyerID == c.SellerID {
		return nil, linkfin.Errorf(linkfin.EINVALID, "a relationship needs two organizations")
	}
	if c.Actor != c.BuyerID && c.Actor != c.SellerID {
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only the buyer or the seller can propose their relationship")
	}
	if err := trades(tx, c.BuyerID, false); err != nil {
		return nil, err
	}
	if err := trades(tx, c.SellerID, true); err != nil {
		return nil, err
	}
	id := linkfin.RelationshipID(c.BuyerID, c.SellerID)
	var r linkfin.Relationship
	found, err := tx.Get(linkfin.KindRelationship, id, &r)
	if err != nil {
		return nil, err
	}
	if found {
		// Proposing again is harmless; proposing what the other side proposed accepts it.
		if r.Status == linkfin.RelationshipProposed && r.ProposedBy != c.Actor {
			return accept(tx, &r)
		}
		return &r, nil
	}
	r = linkfin.Relationship{ID: id, BuyerID: c.BuyerID, SellerID: c.SellerID, Status: linkfin.RelationshipProposed,
		ProposedBy: c.Actor, ProposedAt: tx.Now()}
	return &r, tx.Put(linkfin.KindRelationship, id, &r, "relationship.proposed")
}

// AcceptRelationship is the other side accepting a proposed relationship.
type AcceptRelationship struct {
	Actor    string
	BuyerID  string
	SellerID string
}

// Keys implements linkfin.Command.
func (c *AcceptRelationship) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindRelationship, ID: linkfin.RelationshipID(c.BuyerID, c.SellerID)}}
}

// Apply implements linkfin.Command.
func (c *AcceptRelationship) Apply(tx linkfin.Tx) (any, error) {
	var r linkfin.Relationship
	found, err := tx.Get(linkfin.KindRelationship, linkfin.RelationshipID(c.BuyerID, c.SellerID), &r)
	if err != nil {
		return nil, err
	}
	// Only its two sides may see a relationship: to anyone else it does not exist.
	if !found || c.Actor != r.BuyerID && c.Actor != r.SellerID {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "relationship not found")
	}
	switch {
	case r.Status == linkfin.RelationshipActive:
		return &r, nil
	case r.ProposedBy == c.Actor:
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "the side that proposed a relationship cannot accept it; the other side must")
	}
	return accept(tx, &r)
}

func accept(tx linkfin.Tx, r *linkfin.Relationship) (any, error) {
	now := tx.Now()
	r.Status, r.AcceptedAt = linkfin.RelationshipActive, &now
	return r, tx.Put(linkfin.KindRelationship, r.ID, r, "relationship.accepted")
}

// organization reads an organization that a command listed in its keys. It shares
// what the writer holds (linkfin.View): a command may set the fields of what it gets
// and write that, but changes nothing inside them (it copies the identifiers it adds to).
func organization(tx linkfin.Tx, id string) (*linkfin.Organization, error) {
	var o linkfin.Organization
	found, err := linkfin.View(tx, linkfin.KindOrganization, id, &o)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "organization %s not found", id)
	}
	return &o, nil
}

// trades refuses an organization that does not trade now, as a buyer or (seller) as a
// seller: it needs the trade capability, or, to sell, the logistics capability (a
// logistics operator sells carriage: it is the seller a shipper buys from). A
// relationship is formed only between two that trade (ProposeRelationship), and the
// acts a party makes in it that take trade further check it again, in the same
// words, for the operator may have withdrawn the capability since: an order, its
// acceptance, a goods receipt, an invoice (self-billed: its seller too), its approval,
// a credit note, a buyer's payment terms, a certificate passed on (its recipient too),
// a conditional payment and a payment from a purpose-bound wallet (their payer and
// their payee), a request for financing and the acceptance of its quote by a seller, a
// holder, a distributor or a warehouse pledge's borrower, an early payment by dynamic
// discounting, asked for, offered or accepted (the anchor and the seller), an anchor's
// issue of a certificate (the anchor and the seller it pays), and a distributor loan
// (the distributor and the anchor it pays): those that pay, owe or commit money
// between two parties check both (tradeBetween). The offers
// list offers nothing to one that does not trade (Offers). What was done stays done:
// an order accepted may still be shipped or cancelled, an invoice disputed, a
// conditional payment confirmed or cancelled, a payable is still paid and a financing
// still settles. The command lists the organization's record in its keys
// (organizationKey).
func trades(tx linkfin.Tx, orgID string, seller bool) error {
	o, err := organization(tx, orgID)
	if err != nil {
		return err
	}
	return notTrading(o, seller)
}

// tradeBetween refuses an act by which payer pays, owes or commits money to payee for
// their trade, when either does not trade now: the payer as a buyer, the payee as a
// seller (trades), the payer first, each in trades' words. Every such act checks both
// through it: a conditional payment, a payment from a purpose-bound wallet, an early
// payment by dynamic discounting (its request, the anchor's offer and its acceptance),
// a certificate issued, and a distributor loan, which pays the anchor for the
// distributor's order. The command lists both organizations' records in its keys.
func tradeBetween(tx linkfin.Tx, payer, payee string) error {
	if err := trades(tx, payer, false); err != nil {
		return err
	}
	return trades(tx, payee, true)
}

// notTrading is trades' refusal of the organization o, or nil if it trades now.
func notTrading(o *linkfin.Organization, seller bool) error {
	if !o.Can(linkfin.CapTrade) && !(seller && o.Can(linkfin.CapLogistics)) {
		return linkfin.Errorf(linkfin.EINVALID, "organization %s does not trade", o.ID)
	}
	return nil
}
