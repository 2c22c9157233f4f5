package sim

import (
	"context"
	"testing"
	"time"

	"linkfin"
	"linkfin/memtx"
	"linkfin/services"
)

// Every firm of a large network opens its e-CNY wallet with the simulator's limits.
// (When every wallet's limits were granted from one shared ledger account, limits of
// the largest amount overflowed it after some three thousand wallets; each wallet has
// its own limit source now, and services' TestECNYWalletsOpenPastASharedSourcesRange
// opens more than that with the largest limits.)
func TestECNYLimitsFitManyWallets(t *testing.T) {
	db := memtx.New(func() time.Time { return time.Date(2026, 1, 5, 9, 0, 0, 0, time.UTC) })
	ctx := context.Background()
	if err := db.Run(ctx, &services.CreateOrganization{Org: linkfin.Organization{ID: "firm", Name: "firm", Capabilities: []linkfin.Capability{linkfin.CapTrade}}}, nil); err != nil {
		t.Fatal(err)
	}
	const wallets = 20_000 // twice the firms of the largest network the simulator is measured on
	for i := range wallets {
		if err := db.Run(ctx, &services.OpenECNYWallet{OrgID: "firm", In: linkfin.ECNYWalletIn{Limits: &ecnyLimits}}, nil); err != nil {
			t.Fatalf("wallet %d: %v", i+1, err)
		}
	}
}
