package storetest

import (
	"testing"

	"linkfin"
	"linkfin/services"
)

// testSelfCertified: a custodian or a carrier certifies what others hold or ship, not
// its own. A warehouse receipt is the warehouse's word that it holds a lot for its
// owner, on which a funder lends: a warehouse that receipts goods it owns itself would
// certify its own collateral. A shipment's delivery is its logistics operator's word,
// on which conditional payments to the seller are released: a seller that carries its
// own goods would certify its own delivery. Both are refused, 400 invalid, recording
// nothing; a warehouse that trades still receipts others' goods, and a buyer may
// collect its goods itself (its report only releases what it pays).
func testSelfCertified(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	pledgeFixture(t, env, nil)
	// The warehouse trades too.
	mustRun(t, env, &services.SetCapabilities{OrgID: "port", Capabilities: []linkfin.Capability{linkfin.CapLogistics, linkfin.CapTrade}})
	own := linkfin.WarehouseReceipt{ID: "RP", OwnerID: "port", LotID: "LOT-P", Commodity: "copper", Quantity: 10, Unit: "t"}
	if _, err := run[linkfin.WarehouseReceipt](t, env, &services.IssueWarehouseReceipt{Actor: "port", Receipt: own}); !refusal(err, linkfin.EINVALID, "its own goods") {
		t.Fatalf("a warehouse receipting its own goods: %v, want %s", err, linkfin.EINVALID)
	}
	if _, err := env.object(linkfin.KindWarehouseReceipt, "RP"); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
		t.Fatalf("the refused receipt is recorded: %v", err)
	}
	if _, err := env.object(linkfin.KindLot, linkfin.LotKey("port", "LOT-P")); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
		t.Fatalf("the refused receipt's lot is taken: %v", err)
	}
	// The lot is the trader's after all.
	own.OwnerID = "trader"
	mustRun(t, env, &services.IssueWarehouseReceipt{Actor: "port", Receipt: own})

	// An order of the anchor's from tier1, which ships.
	mustRun(t, env, &services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "po-s", Number: "po-s", SellerID: "tier1",
		ProgramID: "auto-scf", Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "brake disc", Quantity: 10, Unit: "EA", UnitPrice: 1_000_00}}}})
	mustRun(t, env, &services.AcceptPurchaseOrder{Actor: "tier1", ID: "po-s"})
	for _, id := range []string{"tier1", "anchor"} {
		mustRun(t, env, &services.SetCapabilities{OrgID: id, Capabilities: []linkfin.Capability{linkfin.CapTrade, linkfin.CapAnchor, linkfin.CapLogistics}})
	}
	if _, err := run[linkfin.Shipment](t, env, &services.CreateShipment{Actor: "tier1", Shipment: linkfin.Shipment{ID: "sh-own", POID: "po-s", CarrierID: "tier1"}}); !refusal(err, linkfin.EINVALID, "its own delivery") {
		t.Fatalf("a seller carrying its own goods: %v, want %s", err, linkfin.EINVALID)
	}
	if _, err := env.object(linkfin.KindShipment, "sh-own"); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
		t.Fatalf("the refused shipment is recorded: %v", err)
	}
	// The buyer collects its goods itself.
	mustRun(t, env, &services.CreateShipment{Actor: "tier1", Shipment: linkfin.Shipment{ID: "sh-buyer", POID: "po-s", CarrierID: "anchor"}})
	mustRun(t, env, &services.ReportShipmentEvent{Actor: "anchor", ShipmentID: "sh-buyer", Status: linkfin.ShipmentDelivered})
}
