package services_test

import (
	"context"
	"strconv"
	"testing"
	"time"

	"linkfin"
	"linkfin/memtx"
	"linkfin/services"
)

// BenchmarkCreateExpectedPayment announces payments into a wallet, in memory, with
// open items already waiting: what one costs should not grow with how many wait.
func BenchmarkCreateExpectedPayment(b *testing.B) {
	for _, open := range []int{10, 1_000, 10_000} {
		b.Run("open="+strconv.Itoa(open), func(b *testing.B) {
			ctx := context.Background()
			db := memtx.New(func() time.Time { return time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC) })
			org := linkfin.Organization{ID: "tier1", Name: "Tier One", Capabilities: []linkfin.Capability{linkfin.CapTrade}}
			if err := db.Run(ctx, &services.CreateOrganization{Org: org}, nil); err != nil {
				b.Fatal(err)
			}
			day := linkfin.NewDate(2026, 11, 4)
			announce := func(i int) {
				in := linkfin.ExpectedPaymentIn{Currency: "CNY", Amount: int64(1_000 + i), Date: day.AddDays(i % 30)}
				if err := db.Run(ctx, &services.CreateExpectedPayment{Actor: org.ID, In: in}, nil); err != nil {
					b.Fatal(err)
				}
			}
			for i := range open {
				announce(i)
			}
			i := open
			for b.Loop() {
				announce(i)
				i++
			}
		})
	}
}
