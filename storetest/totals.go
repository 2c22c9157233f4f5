package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"math/big"
	"reflect"
	"sync"
	"testing"

	"linkfin"
	"linkfin/services"
)

// runAll submits the commands at once, so that the engine commits them in a few
// batches, and fails the test on any refusal.
func runAll(t *testing.T, env *Env, cmds []linkfin.Command) {
	t.Helper()
	errs := make([]error, len(cmds))
	var wg sync.WaitGroup
	for i, c := range cmds {
		wg.Go(func() { _, errs[i] = run[json.RawMessage](t, env, c) })
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("%T %+v: %v", cmds[i], cmds[i], err)
		}
	}
}

// testTotalsBeyondInt64: a total of the ordered index passes 2^63 and the commits
// that take it there succeed; the store keeps it exactly, a figure of it is refused
// with total_too_large, the totals beside it read as before, and verify passes. The
// total is that of the quotes for one piece of MaxAmount, in a program and from a
// funder whose limits are MaxAmount: 9,300 of them (a quote locks nothing) make
// 9.3 × 10^18, in a few batches.
func testTotalsBeyondInt64(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	ctx := context.Background()
	financingFixture(t, env)
	const quotes, perBatch = 9_300, 1_000
	const due = "2027-01-29"
	rate := mustRate(t, "0.05")
	mustRun(t, env, &services.CreateOrganization{Org: linkfin.Organization{ID: "whale", Name: "Funder whale",
		Capabilities: []linkfin.Capability{linkfin.CapFund}}})
	mustRun(t, env, &services.CreateProgram{Actor: "anchor", Program: linkfin.Program{ID: "max", Name: "At the bound", Currency: "CNY",
		Limit: linkfin.MaxAmount, MaxTenorDays: linkfin.MaxTenorDays, AdvanceRate: mustRate(t, "0.8"), DayCount: linkfin.ACT360, Calendar: "CN",
		Products: []linkfin.Product{linkfin.ProductCertificateDiscounting}}})
	mustRun(t, env, &services.InviteFunder{Actor: "anchor", ProgramID: "max", FunderID: "whale", Limit: linkfin.MaxAmount,
		Pricing: linkfin.Pricing{FixedRate: &rate}})
	mustRun(t, env, &services.AcceptFunder{Actor: "whale", ProgramID: "max"})
	big1 := approvedPayableIn(t, env, "max", 700, 1000, linkfin.MaxAmount/1000, due)
	small := approvedPayable(t, env, 701, 1000, 1_000_00, due)
	mustRun(t, env, &services.IssueCertificate{Actor: "anchor", ID: "big", ProgramID: "max", PayableIDs: []string{big1.ID}})
	mustRun(t, env, &services.IssueCertificate{Actor: "anchor", ID: "small", ProgramID: "auto-scf", PayableIDs: []string{small.ID}})
	// Beside it, a financing disbursed: the exposure report's total.
	mustRun(t, env, &services.RequestCertificateDiscounting{Actor: "tier1", ID: "f-small", ProgramID: "auto-scf", PieceID: "small", FunderID: "bank"})
	mustRun(t, env, &services.AcceptCertificateDiscounting{Actor: "tier1", ID: "f-small", PieceID: "small"})
	mustRun(t, env, &services.DisburseFinancing{Actor: "bank", ID: "f-small"})
	for from := 0; from < quotes; from += perBatch {
		var cmds []linkfin.Command
		for i := from; i < min(from+perBatch, quotes); i++ {
			cmds = append(cmds, &services.RequestCertificateDiscounting{Actor: "tier1", ID: fmt.Sprintf("q%d", i), ProgramID: "max",
				PieceID: "big", FunderID: "whale"})
		}
		runAll(t, env, cmds)
	}

	want := new(big.Int).Mul(big.NewInt(quotes), big.NewInt(big1.Amount))
	prefix := linkfin.IndexValue(string(linkfin.FinancingQuoted), "max", "")
	totals, err := env.Store.IndexTotals(ctx, linkfin.KindFinancing, linkfin.IndexFunded, prefix, linkfin.IndexEnd(prefix))
	if err != nil {
		t.Fatal(err)
	}
	if len(totals) != 1 {
		t.Fatalf("the totals of the quotes: %+v", totals)
	}
	got := totals[0]
	v := new(big.Int).Mul(big.NewInt(got.Amount.High), big.NewInt(linkfin.SumBase))
	if v.Add(v, big.NewInt(got.Amount.Low)); got.Count != quotes || v.Cmp(want) != 0 || got.Amount.String() != want.String() {
		t.Fatalf("the total of the quotes is %d of %s (%+v); want %d of %s", got.Count, got.Amount, got.Amount, quotes, want)
	}
	if amount, err := got.Amount.Int64(); linkfin.ErrorCode(err) != linkfin.ETOTALTOOLARGE {
		t.Fatalf("the total of the quotes, beyond an int64, as a figure: %d, %v; want %s", amount, err, linkfin.ETOTALTOOLARGE)
	}
	// The totals beside it read as before: the exposure report, from the index and
	// from the financings; the maturity calendar.
	fromIndex, err := services.ExposureReport(ctx, env.Store)
	if err != nil {
		t.Fatal(err)
	}
	fromRecords, err := services.ExposureReport(ctx, struct{ linkfin.RecordReader }{env.Store})
	if err != nil {
		t.Fatal(err)
	}
	if len(fromIndex) != 1 || fromIndex[0].Total != small.Amount || !reflect.DeepEqual(services.SeenBy(fromIndex, "", true), services.SeenBy(fromRecords, "", true)) {
		t.Fatalf("the exposure report from the index:\n%+v\nfrom the financings:\n%+v", fromIndex, fromRecords)
	}
	for program, want := range map[string]int64{"max": big1.Amount, "auto-scf": small.Amount} {
		days, err := services.DueByDay(ctx, env.Store, program)
		if err != nil {
			t.Fatal(err)
		}
		if len(days) != 1 || days[0].Due != want || days[0].Pieces != 1 {
			t.Fatalf("the calendar of %s: %+v; want %d due in 1 piece", program, days, want)
		}
	}
	env.Restart()
	env.MustVerify()

	// Before its totals were kept in two parts, a SQLite database held each in one
	// INTEGER, which SQLite made an inexact REAL past 2^63: migrating it sums every
	// total again from the index, exactly, once.
	tam, ok := env.Store.(Tamperer)
	if !ok || env.Store.Dialect() != "sqlite" {
		return
	}
	env.Engine.Close()
	for _, q := range []string{`UPDATE object_totals SET amount_high = 0, amount = 9.3e18 WHERE kind = 'financing' AND value LIKE 'quoted/%'`,
		`DELETE FROM schema_migrations WHERE version = '0008_object_totals_exact_sums'`} {
		if err := tam.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := env.Store.IndexTotals(ctx, linkfin.KindFinancing, linkfin.IndexFunded, prefix, linkfin.IndexEnd(prefix)); err == nil {
		t.Fatal("a total held as a REAL reads")
	}
	for range 2 {
		if err := env.Store.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		again, err := env.Store.IndexTotals(ctx, linkfin.KindFinancing, linkfin.IndexFunded, prefix, linkfin.IndexEnd(prefix))
		if err != nil || !reflect.DeepEqual(again, totals) {
			t.Fatalf("the totals of the quotes after the migration: %+v, %v; want %+v", again, err, totals)
		}
	}
	env.Restart()
	env.MustVerify()
}
