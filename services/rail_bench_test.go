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
	benchRail(b, "waiting", func(org string, i int) linkfin.Command {
		return &services.RecordOutboundPayment{Rail: services.RailBank, InstructionID: "out-" + strconv.Itoa(i), OrgID: org,
			Currency: "CNY", Amount: 100}
	})
}

// BenchmarkCreateExpectedPayment announces payments into a wallet, in memory, with
// open items already waiting: what one costs should not grow with how many wait.
func BenchmarkCreateExpectedPayment(b *testing.B) {
	day := linkfin.NewDate(2026, 11, 4)
	benchRail(b, "open", func(org string, i int) linkfin.Command {
		return &services.CreateExpectedPayment{Actor: org,
			In: linkfin.ExpectedPaymentIn{Currency: "CNY", Amount: int64(1_000 + i), Date: day.AddDays(i % 30)}}
	})
}

// benchRail runs the i-th command of a kind for an organization with money in its
// wallet, after n of them ran, for each n in 10, 1,000 and 10,000.
func benchRail(b *testing.B, name string, command func(org string, i int) linkfin.Command) {
	for _, n := range []int{10, 1_000, 10_000} {
		b.Run(name+"="+strconv.Itoa(n), func(b *testing.B) {
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
			run := func(i int) {
				if err := db.Run(ctx, command(org.ID, i), nil); err != nil {
					b.Fatal(err)
				}
			}
			for i := range n {
				run(i)
			}
			i := n
			for b.Loop() {
				run(i)
				i++
			}
		})
	}
}
