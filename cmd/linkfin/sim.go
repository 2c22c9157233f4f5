package main

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime/debug"
	"runtime/pprof"
	"strconv"
	"strings"
	"testing"
	"time"

	"linkfin/internal/hugepages"
	"linkfin/sim"
)

const simUsage = `Usage: linkfin sim [--firms N] [--days N] [--seed N] [--scenario A,B] [--json] [--out DIR] [--db] [--check-keys] [--quiet] [--cpuprofile FILE]

Generates a supply network (anchors, suppliers in tiers 1 to 4, distributors, funders,
warehouses) and a year of its orders from the seed, and runs it through linkfin's own
domain, in memory, under each financing scenario: the same orders, deliveries, invoices
and approvals, paid as the scenario has it, each scenario in a process of its own, as
many at once as there are cores (with --cpuprofile, all in this one). With --db each scenario runs instead through
the engine on a temporary SQLite database of its own, one durable commit per command,
and ends with linkfin verify's checks of it: slower, and the same figures. In memory,
each command may read any record and ledger account, as its tests have held it to
reading what it names; --check-keys holds it to that here too, as the engine does:
slower, and the same figures.

Each scenario is then measured from its ledger and records, per tier: days from
delivery to cash, the cost of funding, the share of firms that financed or borrowed,
the working capital freed, the firms that failed for want of cash; the anchors' days payable, each funder's income and losses,
and the debt-clearing multiplier; the distributors' days to pay for their anchors' goods
and the anchors' days to cash for them, and each warehouse's pledges. Every scenario
but none finances distributors' orders and lends against suppliers' stock in
warehouses. Every scenario must reconcile: the ledger balances,
money in equals money out plus what is held, every certificate tree is conserved.

The same seed gives the same figures: --json prints them as one object, with nothing
that varies between runs. --out writes an HTML report with its charts. A progress bar
goes to stderr. See docs/SIMULATION.md for the model and its calibration.

Scenarios: %s

Flags:
`

func runSim(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("sim", "sim", stderr)
	firms := fs.Int("firms", 2000, "how many firms the network has (at least 12)")
	days := fs.Int("days", 365, "how many days of orders")
	seed := fs.Uint64("seed", 1, "the seed the network and its orders are drawn from")
	scenarios := fs.String("scenario", "", "the scenarios to run, comma-separated (default all)")
	asJSON := fs.Bool("json", false, "print the figures as one JSON object")
	out := fs.String("out", "", "write an HTML report with charts into this directory")
	quiet := fs.Bool("quiet", false, "no progress bar")
	onDB := fs.Bool("db", false, "run each scenario through the engine on a temporary SQLite database (removed afterwards) instead of in memory, and verify it")
	checkKeys := fs.Bool("check-keys", false, "in memory, hold each command to the records and ledger accounts it names, as the engine does (slower; the same figures)")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file (its scenarios then run in this process)")
	var names []string
	for _, s := range sim.Scenarios {
		names = append(names, s.Name)
	}
	fs.Usage = func() {
		fmt.Fprintf(stderr, simUsage, strings.Join(names, ", "))
		fs.PrintDefaults()
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	if *firms < 12 || *firms > 1_000_000 {
		return badValue(fs, "--firms is 12 to 1,000,000, not %d", *firms)
	}
	if *days < 1 || *days > 3660 {
		return badValue(fs, "--days is 1 to 3,660, not %d", *days)
	}
	if *out != "" {
		// Made before the run, not after it: a directory that cannot be made is said
		// at once, not once the run it was to hold is over.
		if err := os.MkdirAll(*out, 0o755); err != nil {
			return fmt.Errorf("cannot make the report's directory %s (%w): --out names a directory, made if it is not there, where you may write", *out, err)
		}
	}
	if err := startProfile(*cpuprofile); err != nil {
		return err
	}
	defer pprof.StopCPUProfile()
	// A run keeps every scenario's records in memory: the collector keeps the heap
	// near what is live rather than the server's lazier setting.
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(200)
	}
	cfg := sim.Config{Seed: *seed, Firms: *firms, Days: *days, Params: sim.DefaultParams(), SkipKeyChecks: !*checkKeys}
	if *scenarios != "" {
		for _, n := range strings.Split(*scenarios, ",") {
			sc, ok := sim.ScenarioNamed(strings.TrimSpace(n))
			if !ok {
				return badValue(fs, "--scenario: unknown scenario %q: the scenarios are %s", n, strings.Join(names, ", "))
			}
			cfg.Scenarios = append(cfg.Scenarios, sc)
		}
	}
	if *onDB {
		dir, err := os.MkdirTemp("", "linkfin-sim-")
		if err != nil {
			return err
		}
		defer os.RemoveAll(dir)
		cfg.DBDir = dir
	}
	var bar *progress
	switch {
	case os.Getenv(simChild) != "":
		cfg.Progress = func(int, int) { stderr.Write([]byte{0}) }
	case !*quiet:
		bar = newProgress(stderr)
		cfg.Progress = bar.show
	}
	if len(cfg.Scenarios) != 1 && scenariosApart && os.Getenv(simChild) == "" && *cpuprofile == "" {
		args := []string{"--firms", strconv.Itoa(*firms), "--days", strconv.Itoa(*days), "--seed", strconv.FormatUint(*seed, 10)}
		if *onDB {
			args = append(args, "--db")
		}
		if *checkKeys {
			args = append(args, "--check-keys")
		}
		cfg.RunScenario = scenarioProcess(args)
	} else if len(cfg.Scenarios) == 1 {
		// A year of records is gigabytes of pointers read at random: the heap asks for
		// huge pages, mapped at once for about what a scenario keeps (a quarter of a MiB
		// a firm, measured at 10,000 firms), and again as it grows beyond that.
		hugepages.Reserve(int64(*firms) << 18)
		advising, stopAdvising := context.WithCancel(ctx)
		defer stopAdvising()
		go hugepages.Keep(advising, 100*time.Millisecond)
	}
	rep, err := sim.Simulate(ctx, cfg)
	if bar != nil {
		bar.done()
	}
	if err != nil {
		return err
	}
	if *out != "" {
		if err := sim.WriteHTML(*out, rep, cfg); err != nil {
			return err
		}
	}
	if *asJSON {
		b, err := json.MarshalIndent(rep, "", "  ")
		if err != nil {
			return err
		}
		_, err = fmt.Fprintf(stdout, "%s\n", b)
		return err
	}
	return sim.WriteTable(stdout, rep)
}

// scenariosApart is whether a run of several scenarios runs each in a process of its
// own (scenarioProcess), as linkfin does unless asked for a CPU profile of the whole
// run. A test binary is not linkfin: it runs them in its own process, unless a test has
// it start again as linkfin (TestMain) and sets this.
var scenariosApart = !testing.Testing()

// simChild is set in the environment of a process that runs one scenario of a run of
// several (scenarioProcess): for each simulated day it writes a NUL byte to stderr, for
// the run that started it to show.
const simChild = "LINKFIN_SIM_CHILD"

// scenarioProcess runs each scenario in a process of its own: linkfin sim again, for
// that scenario alone and with the run's other flags (args), whose JSON holds its
// figures. Each process has its address space, heap and collector: less CPU than two
// scenarios sharing one (docs/BENCHMARKS.md), and its memory is given back when it
// ends.
func scenarioProcess(args []string) func(context.Context, sim.Scenario, func()) (*sim.ScenarioReport, error) {
	return func(ctx context.Context, sc sim.Scenario, tick func()) (*sim.ScenarioReport, error) {
		exe, err := os.Executable()
		if err != nil {
			return nil, err
		}
		cmd := exec.CommandContext(ctx, exe, append([]string{"sim", "--scenario", sc.Name, "--json", "--quiet"}, args...)...)
		cmd.Env = append(os.Environ(), simChild+"=1")
		var out bytes.Buffer
		cmd.Stdout = &out
		days, err := cmd.StderrPipe()
		if err != nil {
			return nil, err
		}
		if err := cmd.Start(); err != nil {
			return nil, err
		}
		var said bytes.Buffer // what it says besides its days: why it failed
		for r := bufio.NewReader(days); ; {
			b, err := r.ReadByte()
			if err != nil {
				break
			}
			if b == 0 {
				tick()
			} else {
				said.WriteByte(b)
			}
		}
		if err := cmd.Wait(); err != nil {
			return nil, fmt.Errorf("%w: %s", err, strings.TrimSpace(said.String()))
		}
		var rep sim.Report
		if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
			return nil, fmt.Errorf("its figures: %w", err)
		}
		if len(rep.Scenarios) != 1 {
			return nil, fmt.Errorf("its figures name %d scenarios, not one", len(rep.Scenarios))
		}
		return &rep.Scenarios[0], nil
	}
}

// progress draws a bar on stderr.
type progress struct {
	w    io.Writer
	last int
}

func newProgress(w io.Writer) *progress { return &progress{w: w, last: -1} }

func (p *progress) show(done, total int) {
	const width = 50
	n := done * width / max(total, 1)
	if n == p.last {
		return
	}
	p.last = n
	fmt.Fprintf(p.w, "\rsimulating [%s%s] %3d%%", strings.Repeat("#", n), strings.Repeat(".", width-n), done*100/max(total, 1))
}

func (p *progress) done() {
	if p.last >= 0 {
		fmt.Fprintln(p.w)
	}
}
