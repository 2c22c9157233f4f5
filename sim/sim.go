package sim

import (
	"context"
	"errors"
	"fmt"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
)

// Config is one run of linkfin sim.
type Config struct {
	Seed      uint64
	Firms     int
	Days      int
	Scenarios []Scenario // all of Scenarios when empty
	Params    Params
	PerFirm   bool // each supplier's own figures too
	// Progress, if set, is told how many simulated days of all the scenarios have
	// run, of how many; it is called from one goroutine at a time.
	Progress func(done, total int)
	// Workers is how many scenarios run at once (GOMAXPROCS when 0). Each has its own
	// database; the report is the same whatever it is.
	Workers int
	// DBDir, when set, runs each scenario through the engine on an embedded SQLite
	// database of its own, DBDir/<scenario>.db (which must not exist), instead of in
	// memory, and ends it with linkfin verify's checks of that database. The figures
	// are the same; the databases are left for the caller.
	DBDir string
	// SkipKeyChecks runs the scenarios in memory without holding each command to the
	// records and ledger accounts it names (memtx.DB.SkipKeyChecks): the same figures,
	// about a tenth sooner, for a run of commands whose tests hold them to it. The
	// tests leave it unset; on a database (DBDir) the engine holds them to it anyway.
	SkipKeyChecks bool
	// RunScenario, when set, runs each scenario instead of this process, and reports
	// its figures; it calls tick once for each simulated day the scenario has run.
	// linkfin sim runs each scenario in a process of its own through it: the same
	// figures, with an address space, a heap and a collector for each.
	RunScenario func(ctx context.Context, sc Scenario, tick func()) (*ScenarioReport, error)
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
	rep := &Report{Seed: net.Seed, Firms: len(net.Firms), Days: net.Days, Scenarios: make([]ScenarioReport, len(scs))}
	workers := cfg.Workers
	if workers <= 0 {
		workers = runtime.GOMAXPROCS(0)
	}
	var (
		mu    sync.Mutex
		done  int
		total = len(scs) * (net.Days + Tail)
		errs  = make([]error, len(scs))
		next  = make(chan int)
		wg    sync.WaitGroup
	)
	tick := func(int, int) {
		mu.Lock()
		defer mu.Unlock()
		done++
		if cfg.Progress != nil {
			cfg.Progress(done, total)
		}
	}
	for range min(workers, len(scs)) {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				sc := scs[i]
				var sr *ScenarioReport
				var err error
				if cfg.RunScenario != nil {
					sr, err = cfg.RunScenario(ctx, sc, func() { tick(0, 0) })
					if err == nil && sr.Name != sc.Name {
						err = fmt.Errorf("its run reported scenario %q", sr.Name)
					}
				} else {
					sr, err = scenario(ctx, net, sc, tick, cfg)
				}
				if err != nil {
					errs[i] = fmt.Errorf("scenario %s: %w", sc.Name, err)
					continue
				}
				if !sr.Check.OK() {
					errs[i] = fmt.Errorf("scenario %s does not reconcile: %v", sc.Name, sr.Check.Problems)
					continue
				}
				rep.Scenarios[i] = *sr
			}
		}()
	}
	for i := range scs {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
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

// scenario runs one scenario and measures it; on a database, it then closes the
// engine and verifies the database as linkfin verify does.
func scenario(ctx context.Context, net *Network, sc Scenario, tick func(int, int), cfg Config) (*ScenarioReport, error) {
	path := ""
	if cfg.DBDir != "" {
		path = filepath.Join(cfg.DBDir, sc.Name+".db")
	}
	r, err := run(ctx, net, sc, tick, path, cfg.SkipKeyChecks)
	if err != nil {
		return nil, err
	}
	sr, err := Measure(r.db, net, sc, r.commands, r.events, cfg.PerFirm)
	if err != nil {
		r.db.Close()
		return nil, err
	}
	e, ok := r.db.(*onEngine)
	if !ok {
		return sr, r.db.Close()
	}
	problems, err := e.closeAndVerify(ctx)
	if err != nil {
		return nil, fmt.Errorf("verify %s: %w", path, err)
	}
	if len(problems) > 0 {
		return nil, fmt.Errorf("verify %s: %s", path, strings.Join(problems, "; "))
	}
	return sr, nil
}
