package linkfin

import "time"

// KindShipment is the record kind of shipments.
const KindShipment = "shipment"

// ShipmentStatus follows the goods; each status comes from a logistics event.
type ShipmentStatus string

const (
	ShipmentCreated   ShipmentStatus = "created"
	ShipmentPickedUp  ShipmentStatus = "picked_up"
	ShipmentInTransit ShipmentStatus = "in_transit"
	ShipmentDelivered ShipmentStatus = "delivered"
)

// shipmentOrder is the order the statuses come in; an event may skip ahead but never
// go back.
var shipmentOrder = []ShipmentStatus{ShipmentCreated, ShipmentPickedUp, ShipmentInTransit, ShipmentDelivered}

// ShipmentRank orders statuses: a later status has a higher rank; unknown is −1.
func ShipmentRank(s ShipmentStatus) int {
	for i, x := range shipmentOrder {
		if x == s {
			return i
		}
	}
	return -1
}

// ShipmentEvent is a logistics operator's report on a shipment.
type ShipmentEvent struct {
	Status     ShipmentStatus `json:"status"`
	Location   string         `json:"location,omitempty"`
	ReportedBy string         `json:"reported_by"`
	At         time.Time      `json:"at"`
}

// Shipment carries goods of a purchase order from the seller to the buyer.
type Shipment struct {
	ID string `json:"id"`
	// Number is the own number (a despatch advice, a waybill) that the organization
	// that announced the shipment gives it, if any: one shipment per number and
	// organization.
	Number    string          `json:"number,omitempty"`
	POID      string          `json:"po_id"`
	SellerID  string          `json:"seller_id"`
	BuyerID   string          `json:"buyer_id"`
	CarrierID string          `json:"carrier_id"` // the logistics operator that reports on it
	Status    ShipmentStatus  `json:"status"`
	Events    []ShipmentEvent `json:"events"` // the last MaxShipmentEvents of its carrier's reports
	// EventCount is how many reports its carrier made, once there is one.
	EventCount int       `json:"event_count,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
}

// MaxShipmentEvents is how many of its carrier's reports a shipment keeps, the last
// ones, so that a carrier that reports every few minutes does not make each report
// rewrite (and log) every one before it; the shipment's history, GET
// /v1/shipments/{id}/events, has the version each report wrote.
const MaxShipmentEvents = 100
