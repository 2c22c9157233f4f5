package storetest

import (
	"testing"

	"linkfin"
	"linkfin/services"
)

// testConfusableIDs: ids that differ in case alone name one thing. An organization
// whose id differs from another's in case alone (BANK beside bank), and a lot of a
// warehouse whose id differs from a receipted lot's in case alone, are refused,
// id_taken, and record nothing; the same organization again still answers it as it
// is, and another warehouse's lot of that name is its own.
func testConfusableIDs(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	org := func(id string) linkfin.Organization {
		caps := []linkfin.Capability{linkfin.CapLogistics, linkfin.CapTrade}
		return linkfin.Organization{ID: id, Name: "Warehouse " + id, Capabilities: caps}
	}
	for _, id := range []string{"bank", "Port", "dock"} {
		mustRun(t, env, &services.CreateOrganization{Org: org(id)})
	}
	absent := func(kind, id string) {
		t.Helper()
		if _, err := env.object(kind, id); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
			t.Fatalf("a refused create recorded %s %s: %v", kind, id, err)
		}
	}
	for _, id := range []string{"BANK", "Bank", "port", "PORT"} {
		if _, err := run[services.OrganizationResult](t, env, &services.CreateOrganization{Org: org(id)}); linkfin.ErrorCode(err) != linkfin.EIDTAKEN {
			t.Fatalf("organization %s: %v, want %s", id, err, linkfin.EIDTAKEN)
		}
		absent(linkfin.KindOrganization, id)
	}
	if res, err := run[services.OrganizationResult](t, env, &services.CreateOrganization{Org: org("Port")}); err != nil || !res.Existed {
		t.Fatalf("Port again: %+v, %v", res, err)
	}

	receipt := func(id, lot string) linkfin.WarehouseReceipt {
		return linkfin.WarehouseReceipt{ID: id, OwnerID: "bank", LotID: lot, Commodity: "copper", Quantity: 1, Unit: "t"}
	}
	mustRun(t, env, &services.IssueWarehouseReceipt{Actor: "Port", Receipt: receipt("R1", "LOT-7")})
	for i, lot := range []string{"lot-7", "Lot-7"} {
		id := []string{"R2", "R3"}[i]
		if _, err := run[linkfin.WarehouseReceipt](t, env, &services.IssueWarehouseReceipt{Actor: "Port", Receipt: receipt(id, lot)}); linkfin.ErrorCode(err) != linkfin.EIDTAKEN {
			t.Fatalf("lot %s beside LOT-7: %v, want %s", lot, err, linkfin.EIDTAKEN)
		}
		absent(linkfin.KindWarehouseReceipt, id)
	}
	// Another warehouse's lot is its own, whatever its case.
	mustRun(t, env, &services.IssueWarehouseReceipt{Actor: "dock", Receipt: receipt("R4", "lot-7")})

	// Records made before the registry was kept, in upper or lower case, are found.
	mustRun(t, env, &writeRecord{Kind: linkfin.KindOrganization, ID: "ACME"})
	mustRun(t, env, &writeRecord{Kind: linkfin.KindLot, ID: linkfin.LotKey("dock", "lot-9")})
	if _, err := run[services.OrganizationResult](t, env, &services.CreateOrganization{Org: org("acme")}); linkfin.ErrorCode(err) != linkfin.EIDTAKEN {
		t.Fatalf("acme beside an older ACME: %v", err)
	}
	if _, err := run[linkfin.WarehouseReceipt](t, env, &services.IssueWarehouseReceipt{Actor: "dock", Receipt: receipt("R5", "LOT-9")}); linkfin.ErrorCode(err) != linkfin.EIDTAKEN {
		t.Fatalf("LOT-9 beside an older lot-9: %v", err)
	}
	absent(linkfin.KindWarehouseReceipt, "R5")
	env.MustVerify()
}
