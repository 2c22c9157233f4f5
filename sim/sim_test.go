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
