package sim

import (
	"context"
	"fmt"
)

// Config is one run of linkfin sim.
type Config struct {
	Seed      uint64
	Firms     int
	Days      int
	Scenarios []Scenario // all of Scenarios when empty
	Params    Params
	PerFirm   bool // each supplier's own figures too
	// Progress, if set, is told how far each scenario has come (day of days).
	Progress func(scenario string, day, days int)
}

// Simulate generates the network of cfg and runs every scenario over it, each on its
// own in-memory database, and measures each from what its database holds.
func Simulate(ctx context.Context, cfg Config) (*Report, error) {
	net, err := Generate(cfg.Seed, cfg.Firms, cfg.Days, cfg.Params)
	if err != nil {
		return nil, err
	}
	return SimulateNetwork(ctx, net, cfg)
}

// SimulateNetwork runs the scenarios of cfg over a network already made.
func SimulateNetwork(ctx context.Context, net *Network, cfg Config) (*Report, error) {
	scs := cfg.Scenarios
	if len(scs) == 0 {
		scs = Scenarios
	}
	rep := &Report{Seed: net.Seed, Firms: len(net.Firms), Days: net.Days}
	for _, sc := range scs {
		var progress func(int, int)
		if cfg.Progress != nil {
			progress = func(d, n int) { cfg.Progress(sc.Name, d, n) }
		}
		r, err := run(ctx, net, sc, progress)
		if err != nil {
			return nil, fmt.Errorf("scenario %s: %w", sc.Name, err)
		}
		sr, err := Measure(r.db, net, sc, r.commands, r.events, cfg.PerFirm)
		if err != nil {
			return nil, fmt.Errorf("scenario %s: %w", sc.Name, err)
		}
		if !sr.Check.OK() {
			return nil, fmt.Errorf("scenario %s does not reconcile: %v", sc.Name, sr.Check.Problems)
		}
		rep.Scenarios = append(rep.Scenarios, *sr)
	}
	// Working capital freed: against the scenario with no supply chain finance, when
	// it ran.
	for _, base := range rep.Scenarios {
		if base.Name != "none" {
			continue
		}
		for i := range rep.Scenarios {
			for t := range rep.Scenarios[i].Tiers {
				rep.Scenarios[i].Tiers[t].WorkingCapitalFreed = base.Tiers[t].ReceivablesCarried - rep.Scenarios[i].Tiers[t].ReceivablesCarried
			}
		}
	}
	return rep, nil
}
