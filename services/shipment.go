package services

import (
	"linkfin"
	"linkfin/engine"
)

// CreateShipment is the seller announcing a shipment of an accepted order, and naming
// the logistics operator that will report on it.
type CreateShipment struct {
	Actor    string
	Shipment linkfin.Shipment
}

// Keys implements engine.Command.
func (c *CreateShipment) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{
		{Kind: linkfin.KindShipment, ID: c.Shipment.ID},
		{Kind: linkfin.KindPurchaseOrder, ID: c.Shipment.POID},
		{Kind: linkfin.KindOrganization, ID: c.Shipment.CarrierID},
	}
}

// Apply implements engine.Command.
func (c *CreateShipment) Apply(tx *engine.Tx) (any, error) {
	s := c.Shipment
	if err := linkfin.ValidateID("shipment id", s.ID); err != nil {
		return nil, err
	}
	po, err := purchaseOrder(tx, s.POID, c.Actor)
	if err != nil {
		return nil, err
	}
	switch {
	case po.SellerID != c.Actor:
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only the seller ships an order")
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
	var old linkfin.Shipment
	if found, err := tx.Get(linkfin.KindShipment, s.ID, &old); err != nil {
		return nil, err
	} else if found {
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "shipment %s exists", s.ID)
	}
	s.SellerID, s.BuyerID, s.Status, s.CreatedAt = po.SellerID, po.BuyerID, linkfin.ShipmentCreated, tx.Now()
	s.Events = []linkfin.ShipmentEvent{}
	return &s, tx.Put(linkfin.KindShipment, s.ID, &s, "shipment.created")
}

// ReportShipmentEvent is the shipment's logistics operator reporting where the goods are.
type ReportShipmentEvent struct {
	Actor      string
	ShipmentID string
	Status     linkfin.ShipmentStatus
	Location   string
}

// Keys implements engine.Command.
func (c *ReportShipmentEvent) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindShipment, ID: c.ShipmentID}}
}

// Apply implements engine.Command.
func (c *ReportShipmentEvent) Apply(tx *engine.Tx) (any, error) {
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
	s.Status = c.Status
	s.Events = append(s.Events, linkfin.ShipmentEvent{Status: c.Status, Location: c.Location, ReportedBy: c.Actor, At: tx.Now()})
	return &s, tx.Put(linkfin.KindShipment, s.ID, &s, "shipment."+string(c.Status))
}
