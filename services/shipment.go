package services

import (
	"linkfin"
	"slices"
)

// CreateShipment announces a shipment of an accepted order and names the logistics
// operator that will report on it. The seller announces it; or the logistics operator
// itself does, naming itself, when the seller buys carriage from it (an active
// relationship with the seller as buyer and the operator as seller). The operator is
// not the seller: its report of delivery releases the payments to the seller that
// wait on it, and a seller that carried its own goods would certify its own delivery.
// The buyer may collect its goods itself: its report releases only what it pays.
type CreateShipment struct {
	Actor    string
	Shipment linkfin.Shipment
}

// Keys implements linkfin.Command.
func (c *CreateShipment) Keys() []linkfin.ObjectKey {
	keys := append(idKeys(linkfin.KindShipment, c.Shipment.ID), numberKeys(c.Actor, linkfin.KindShipment, c.Shipment.Number)...)
	return append(keys,
		linkfin.ObjectKey{Kind: linkfin.KindPurchaseOrder, ID: c.Shipment.POID},
		linkfin.ObjectKey{Kind: linkfin.KindOrganization, ID: c.Shipment.CarrierID})
}

// DependentKeys implements linkfin.DependentCommand: the relationship in which the
// order's seller buys carriage from the operator, when the operator acts.
func (c *CreateShipment) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var po linkfin.PurchaseOrder
	if found, _ := r.Get(linkfin.KindPurchaseOrder, c.Shipment.POID, &po); !found || c.Actor == po.SellerID {
		return nil
	}
	return []linkfin.ObjectKey{{Kind: linkfin.KindRelationship, ID: linkfin.RelationshipID(po.SellerID, c.Actor)}}
}

// Apply implements linkfin.Command.
func (c *CreateShipment) Apply(tx linkfin.Tx) (any, error) {
	s := c.Shipment
	if s.Number != "" {
		if err := linkfin.ValidateNumber("the shipment's number", s.Number); err != nil {
			return nil, err
		}
	}
	po, carries, err := shippedOrder(tx, s, c.Actor)
	if err != nil {
		return nil, err
	}
	switch {
	case po.SellerID != c.Actor && !(carries && s.CarrierID == c.Actor):
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only the seller, or a logistics operator it buys carriage from naming itself, ships an order")
	case po.Status != linkfin.POAccepted:
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "purchase order %s is %s, not accepted", po.ID, po.Status)
	}
	carrier, err := organization(tx, s.CarrierID)
	if err != nil {
		return nil, err
	}
	if !carrier.Can(linkfin.CapLogistics) {
		return nil, linkfin.Errorf(linkfin.EINVALID, "organization %s is not a logistics operator", s.CarrierID)
	}
	if s.CarrierID == po.SellerID {
		return nil, linkfin.Errorf(linkfin.EINVALID, "%s is the order's seller: another logistics operator reports its delivery, a seller does not certify its own delivery", s.CarrierID)
	}
	if s.ID, err = newID(tx, linkfin.KindShipment, s.ID); err != nil {
		return nil, err
	}
	if s.Number != "" {
		if err := claimNumber(tx, c.Actor, linkfin.KindShipment, s.Number, s.ID); err != nil {
			return nil, err
		}
	}
	s.SellerID, s.BuyerID, s.Status, s.CreatedAt = po.SellerID, po.BuyerID, linkfin.ShipmentCreated, tx.Now()
	s.Events = []linkfin.ShipmentEvent{}
	return &s, tx.Put(linkfin.KindShipment, s.ID, &s, "shipment.created")
}

// shippedOrder reads the order a shipment carries for its seller or its buyer, or for
// a logistics operator the seller buys carriage from (carries). To anyone else, it is
// not found.
func shippedOrder(tx linkfin.Tx, s linkfin.Shipment, actor string) (po *linkfin.PurchaseOrder, carries bool, err error) {
	po = new(linkfin.PurchaseOrder)
	found, err := tx.Get(linkfin.KindPurchaseOrder, s.POID, po)
	if err != nil || found && (actor == po.SellerID || actor == po.BuyerID) {
		return po, false, err
	}
	if found {
		var rel linkfin.Relationship
		ok, err := tx.Get(linkfin.KindRelationship, linkfin.RelationshipID(po.SellerID, actor), &rel)
		if err != nil {
			return nil, false, err
		}
		if ok && rel.Status == linkfin.RelationshipActive {
			return po, true, nil
		}
	}
	return nil, false, linkfin.Errorf(linkfin.ENOTFOUND, "purchase order %s not found", s.POID)
}

// ReportShipmentEvent is the shipment's logistics operator reporting where the goods are.
type ReportShipmentEvent struct {
	Actor      string
	ShipmentID string
	Status     linkfin.ShipmentStatus
	Location   string
}

// Keys implements linkfin.Command: the shipment, and the reporter's organization,
// whose capability Apply checks.
func (c *ReportShipmentEvent) Keys() []linkfin.ObjectKey {
	return append(watchKeys(linkfin.KindShipment, c.ShipmentID), linkfin.ObjectKey{Kind: linkfin.KindShipment, ID: c.ShipmentID},
		linkfin.ObjectKey{Kind: linkfin.KindOrganization, ID: c.Actor})
}

// DependentKeys implements linkfin.DependentCommand: the conditional payments that
// wait on the shipment's delivery.
func (c *ReportShipmentEvent) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	keys := watchDependents(r, linkfin.KindShipment, c.ShipmentID)
	var s linkfin.Shipment
	if found, err := r.Get(linkfin.KindShipment, c.ShipmentID, &s); err != nil || !found {
		return keys
	}
	if c.Status != linkfin.ShipmentDelivered {
		return keys // only a delivery can come late
	}
	keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindPurchaseOrder, ID: s.POID})
	var po linkfin.PurchaseOrder
	if found, err := r.Get(linkfin.KindPurchaseOrder, s.POID, &po); err == nil && found {
		keys = append(keys, lateKeys(&po)...)
	}
	return keys
}

// LedgerKeys implements linkfin.LedgerCommand: those payments' ledger rows.
func (c *ReportShipmentEvent) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	return watchLedger(r, linkfin.KindShipment, c.ShipmentID)
}

// Apply implements linkfin.Command.
func (c *ReportShipmentEvent) Apply(tx linkfin.Tx) (any, error) {
	var s linkfin.Shipment
	found, err := tx.Get(linkfin.KindShipment, c.ShipmentID, &s)
	if err != nil {
		return nil, err
	}
	if !found || c.Actor != s.CarrierID && c.Actor != s.SellerID && c.Actor != s.BuyerID {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "shipment %s not found", c.ShipmentID)
	}
	switch rank := linkfin.ShipmentRank(c.Status); {
	case c.Actor != s.CarrierID:
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only the shipment's logistics operator reports on it")
	case rank <= 0:
		return nil, linkfin.Errorf(linkfin.EINVALID, "status %q is not one of picked_up, in_transit, delivered", c.Status)
	case rank < linkfin.ShipmentRank(s.Status) || s.Status == linkfin.ShipmentDelivered:
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "shipment %s is %s already", s.ID, s.Status)
	case len(c.Location) > 200:
		return nil, linkfin.Errorf(linkfin.EINVALID, "a location has at most 200 characters")
	}
	// A carrier that is no longer a logistics operator (the operator withdrew the
	// capability since it took the shipment) certifies no more of its goods: a
	// delivery would release the payments that wait on it.
	if err := capable(tx, c.Actor, linkfin.CapLogistics); err != nil {
		return nil, err
	}
	s.Status = c.Status
	s.EventCount = max(s.EventCount, len(s.Events)) + 1 // a shipment made before counted none
	s.Events = append(s.Events, linkfin.ShipmentEvent{Status: c.Status, Location: c.Location, ReportedBy: c.Actor, At: tx.Now()})
	if n := len(s.Events); n > linkfin.MaxShipmentEvents {
		s.Events = slices.Clone(s.Events[n-linkfin.MaxShipmentEvents:])
	}
	if err := tx.Put(linkfin.KindShipment, s.ID, &s, "shipment."+string(c.Status)); err != nil {
		return nil, err
	}
	if c.Status == linkfin.ShipmentDelivered {
		// Delivered after its order's late day: the goods came late.
		var po linkfin.PurchaseOrder
		if found, err := tx.Get(linkfin.KindPurchaseOrder, s.POID, &po); err != nil {
			return nil, err
		} else if found && po.AwaitsLate() {
			// An order received in full before its goods were reported delivered
			// came on time, or raised its alert with the receipt.
			if err := alertIfLate(tx, &po, linkfin.KindShipment, s.ID, "shipment "+s.ID+" delivered"); err != nil {
				return nil, err
			}
			if po.LateAlertID != "" {
				if err := tx.Put(linkfin.KindPurchaseOrder, po.ID, &po, "purchase_order.late"); err != nil {
					return nil, err
				}
			}
		}
	}
	// A delivery releases the payments conditional on it, with the carrier's report.
	return &s, meetWatched(tx, linkfin.KindShipment, s.ID)
}
