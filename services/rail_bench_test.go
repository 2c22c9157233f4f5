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

// BenchmarkWithdrawal pays out of a wallet over the bank rail, in memory, with
// instructions already waiting in the rail's queue: what one costs should not grow
// with how many wait.
func BenchmarkWithdrawal(b *testing.B) {
	for _, waiting := range []int{10, 1_000, 10_000} {
		b.Run("waiting="+strconv.Itoa(waiting), func(b *testing.B) {
			ctx := context.Background()
			db := memtx.New(func() time.Time { return time.Date(2026, 11, 1, 8, 0, 0, 0, time.UTC) })
			org := linkfin.Organization{ID: "tier1", Name: "Tier One", Capabilities: []linkfin.Capability{linkfin.CapTrade}}
			if err := db.Run(ctx, &services.CreateOrganization{Org: org}, nil); err != nil {
				b.Fatal(err)
			}
			in := &services.RecordInboundPayment{Rail: services.RailBank, InstructionID: "in", OrgID: org.ID, Currency: "CNY", Amount: 1e12}
			if err := db.Run(ctx, in, nil); err != nil {
				b.Fatal(err)
			}
			withdraw := func(i int) {
				out := &services.RecordOutboundPayment{Rail: services.RailBank, InstructionID: "out-" + strconv.Itoa(i), OrgID: org.ID,
					Currency: "CNY", Amount: 100}
				if err := db.Run(ctx, out, nil); err != nil {
					b.Fatal(err)
				}
			}
			for i := range waiting {
				withdraw(i)
			}
			i := waiting
			for b.Loop() {
				withdraw(i)
				i++
			}
		})
	}
}

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
