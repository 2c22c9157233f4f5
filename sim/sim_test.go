package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"testing"
)

func simulate(t *testing.T, seed uint64, firms, days int, workers ...int) (*Report, []byte) {
	t.Helper()
	cfg := Config{Seed: seed, Firms: firms, Days: days, Params: DefaultParams()}
	if len(workers) > 0 {
		cfg.Workers = workers[0]
	}
	return simulateConfig(t, cfg)
}

// simulateConfig runs cfg, and returns its report and the report's JSON.
func simulateConfig(t *testing.T, cfg Config) (*Report, []byte) {
	t.Helper()
	rep, err := Simulate(context.Background(), cfg)
	if err != nil {
		t.Fatal(err)
	}
	b, err := json.Marshal(rep)
	if err != nil {
		t.Fatal(err)
	}
	return rep, b
}

// The same seed gives the same bytes, however many scenarios run at once; another seed
// another network and other figures.
func TestDeterminism(t *testing.T) {
	_, a := simulate(t, 7, 40, 120)
	_, b := simulate(t, 7, 40, 120, 1)
	if !bytes.Equal(a, b) {
		t.Fatalf("seed 7 twice gave different reports:\n%s\n%s", a, b)
	}
	_, c := simulate(t, 8, 40, 120)
	if bytes.Equal(a, c) {
		t.Fatal("seeds 7 and 8 gave the same report")
	}
}

// Run without memtx's key checks, as linkfin sim runs, every scenario measures the
// same to the byte as with them.
func TestSkipKeyChecksMeasuresTheSame(t *testing.T) {
	_, checked := simulate(t, 5, 40, 120)
	_, unchecked := simulateConfig(t, Config{Seed: 5, Firms: 40, Days: 120, Params: DefaultParams(), SkipKeyChecks: true})
	if !bytes.Equal(checked, unchecked) {
		t.Fatalf("without the key checks the run measured differently:\n%s\n%s", checked, unchecked)
	}
}

// Every scenario reconciles: the ledger balances, the money that came in over the
// rails is the money that went out plus what the wallets hold, and every certificate
// tree is conserved. And the scenarios with certificates did pass pieces down the
// chain, so the trees checked are real ones; the distributors and warehouses took part.
func TestConservation(t *testing.T) {
	rep, _ := simulate(t, 3, 60, 240)
	if len(rep.Scenarios) != len(Scenarios) {
		t.Fatalf("%d scenarios ran", len(rep.Scenarios))
	}
	for _, sc := range rep.Scenarios {
		c := sc.Check
		if !c.OK() || c.MoneyIn-c.MoneyOut != c.Held || c.TreesConserved != c.Trees || c.MoneyIn == 0 {
			t.Errorf("%s: %+v", sc.Name, c)
		}
		var paid int64
		for _, tr := range sc.Tiers {
			paid += tr.Amount - tr.Unpaid
		}
		if paid == 0 {
			t.Errorf("%s: nothing was paid", sc.Name)
		}
		s, _ := ScenarioNamed(sc.Name)
		if s.Certificates && (c.Trees == 0 || sc.PassedOn == 0) {
			t.Errorf("%s: %d certificates, %d passed on", sc.Name, c.Trees, sc.PassedOn)
		}
		// The distributors bought, and with distributor financing borrowed to; some
		// suppliers pledged their stock where pledges are offered.
		d := sc.Distributors
		if d.Orders == 0 || (d.FinancedShareBP > 0) != s.DistributorFinancing || d.Amount-d.Unpaid <= 0 {
			t.Errorf("%s: distributors %+v", sc.Name, d)
		}
		var loans int
		for _, w := range sc.Warehouses {
			loans += w.Loans
		}
		if (loans > 0) != s.WarehousePledges {
			t.Errorf("%s: %d pledge loans", sc.Name, loans)
		}
	}
}

// A run in memory follows what its commands change, and reads again only what moved:
// the e-CNY wallets to redeem, the financings and conditional payments that wait for
// their day. It measures what a run that reads all it watches every morning measures,
// to the byte, having read far fewer wallets.
func TestFollowingChangesMeasuresTheSame(t *testing.T) {
	ctx := context.Background()
	net, err := Generate(11, 80, 365, DefaultParams())
	if err != nil {
		t.Fatal(err)
	}
	sc, _ := ScenarioNamed("conditional_payments")
	measure := func(follow bool) ([]byte, int) {
		followChanges = follow
		defer func() { followChanges = true }()
		r, err := run(ctx, net, sc, nil, "", false)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := Measure(r.db, net, sc, r.commands, r.events, true)
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(rep)
		if err != nil {
			t.Fatal(err)
		}
		return b, r.walletReads
	}
	fed, fedReads := measure(true)
	all, allReads := measure(false)
	if !bytes.Equal(fed, all) {
		t.Fatalf("following changes measured differently:\n%s\n%s", fed, all)
	}
	if allReads == 0 || fedReads*4 > allReads {
		t.Fatalf("the redemptions read %d wallets following changes, %d reading all", fedReads, allReads)
	}
}
