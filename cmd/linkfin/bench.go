package main

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io"
	"os"
	"runtime/pprof"

	"linkfin/bench"
)

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) > 0 {
		switch args[0] {
		case "ledger":
			return runBenchLedger(ctx, args[1:], stdout, stderr)
		case "api":
			return runBenchAPI(ctx, args[1:], stdout, stderr)
		case "http":
			return runBenchHTTP(ctx, args[1:], stdout, stderr)
		case "console":
			return runBenchConsole(ctx, args[1:], stdout, stderr)
		}
	}
	help := len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help" || args[0] == "help")
	if len(args) > 0 && !help {
		fmt.Fprintf(stderr, "linkfin bench: unknown benchmark %q\n\n", args[0])
	}
	if help {
		stderr = stdout // asked for, the usage is the answer
	}
	fmt.Fprint(stderr, "Usage: linkfin bench ledger|http|api|console [flags]\n\n"+
		"  ledger   durable transfers per second against a raw-insert baseline on the same store\n"+
		"  http     single transfers per second through the HTTP server, against a bare net/http handler\n"+
		"  api      certificate financings (quote + accept) per second over HTTP\n"+
		"  console  every console page's server time as each demo party\n\n"+
		"Run \"linkfin bench ledger --help\" (or http, api, console) for a benchmark's flags.\n")
	if help {
		return nil
	}
	return errUsage
}

func runBenchLedger(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench ledger", "bench ledger [--db DSN] [--transfers N] [--accounts M] [--batch B] [--clients C] [--hot] [--json] [--cpuprofile FILE]", stderr)
	o := bench.Options{}
	fs.StringVar(&o.DSN, "db", "", "database to measure: an empty SQLite file or a postgres:// URL (default: a fresh temporary SQLite file); one that holds a log is refused, and left as it was")
	fs.IntVar(&o.Transfers, "transfers", 1_000_000, "transfers to run")
	fs.IntVar(&o.Accounts, "accounts", 100_000, "accounts to spread them over")
	fs.IntVar(&o.Batch, "batch", 8192, "transfers per batch (per request without --clients; the engine's batch limit with it)")
	fs.IntVar(&o.Clients, "clients", 0, "submit single transfers from this many concurrent clients, to show group commit")
	fs.BoolVar(&o.Hot, "hot", false, "every transfer touches one hot account")
	atLeast := []least{{"transfers", &o.Transfers, 1}, {"accounts", &o.Accounts, 2}, {"batch", &o.Batch, 1}, {"clients", &o.Clients, 0}}
	return measure(fs, args, stdout, stderr, atLeast, func(log, progress io.Writer) (*bench.Result, error) {
		o.Log, o.Progress = log, progress
		return bench.Ledger(ctx, o)
	})
}

func runBenchHTTP(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench http", "bench http [--db DSN] [--transfers N] [--accounts M] [--clients C] [--hot] [--json] [--cpuprofile FILE]\n\n"+
		"Posts transfers to the raw ledger of linkfin's HTTP server on loopback, one a request (POST /v1/transfers\n"+
		"with an operator key and an Idempotency-Key), then the same requests to a bare net/http handler that reads\n"+
		"the body and writes a fixed answer, the machine's HTTP ceiling; prints transfers/s, p50/p99 latency and the\n"+
		"ratio of the two rates. Every acknowledged transfer is then checked on the ledger.", stderr)
	o := bench.HTTPOptions{}
	fs.StringVar(&o.DSN, "db", "", "database to measure: an empty SQLite file or a postgres:// URL (default: a fresh temporary SQLite file)")
	fs.IntVar(&o.Transfers, "transfers", 100_000, "transfers to post, one a request")
	fs.IntVar(&o.Accounts, "accounts", 200, "accounts to spread them over")
	fs.IntVar(&o.Clients, "clients", 32, "concurrent HTTP clients")
	fs.BoolVar(&o.Hot, "hot", false, "every transfer on one account pair: from account 1 to account 2")
	atLeast := []least{{"transfers", &o.Transfers, 1}, {"accounts", &o.Accounts, 2}, {"clients", &o.Clients, 1}}
	return measure(fs, args, stdout, stderr, atLeast, func(log, progress io.Writer) (*bench.HTTPResult, error) {
		o.Log, o.Progress = log, progress
		return bench.HTTP(ctx, o)
	})
}

func runBenchAPI(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench api", "bench api [--db DSN] [--financings N] [--clients C] [--preload P] [--json] [--cpuprofile FILE]", stderr)
	o := bench.APIOptions{}
	fs.StringVar(&o.DSN, "db", "", "database to measure: an empty SQLite file or postgres:// URL (default: a fresh temporary SQLite file)")
	fs.IntVar(&o.Financings, "financings", 20_000, "certificate financings to run, each a quote and an acceptance on its own piece")
	fs.IntVar(&o.Clients, "clients", 64, "concurrent HTTP clients")
	fs.IntVar(&o.Preload, "preload", 0, "certificate pieces in the store before the run")
	atLeast := []least{{"financings", &o.Financings, 1}, {"clients", &o.Clients, 1}, {"preload", &o.Preload, 0}}
	return measure(fs, args, stdout, stderr, atLeast, func(log, progress io.Writer) (*bench.APIResult, error) {
		o.Log, o.Progress = log, progress
		return bench.API(ctx, o)
	})
}

func runBenchConsole(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench console", "bench console [--db DSN] [--preload P] [--suppliers S] [--scorecard-reads N] [--renders R] [--json] [--cpuprofile FILE]\n\n"+
		"Seeds the demo's supply chain with a user per organization and P certificate pieces (most held by tier1,\n"+
		"owed by the anchor, one in a hundred financed by the demo's funders, open payables shipped by port), then\n"+
		"signs in as each party and the operator, follows every link of the console from the home page, and renders\n"+
		"every page it reaches R times in process; prints each page's p50 and p95 server time and the slowest page.\n"+
		"With --suppliers S, S more suppliers of the anchor each trade once, and their scorecards are read through\n"+
		"the API as the anchor, each funder and the supplier itself (p50, p99).", stderr)
	o := bench.ConsoleOptions{}
	fs.StringVar(&o.DSN, "db", "", "database to measure: an empty SQLite file or postgres:// URL (default: a fresh temporary SQLite file)")
	fs.IntVar(&o.Preload, "preload", 100_000, "certificate pieces in the store")
	fs.IntVar(&o.Suppliers, "suppliers", 0, "suppliers more of the anchor, each with an order received and invoiced, so a scorecard")
	fs.IntVar(&o.ScorecardReads, "scorecard-reads", 2000, "with --suppliers: scorecard reads through the API per viewer (anchor, each funder, the supplier itself)")
	fs.IntVar(&o.Renders, "renders", 40, "renders of each page (fewer for a page that takes more than 10 s in all, at least 3)")
	atLeast := []least{{"preload", &o.Preload, 2}, {"renders", &o.Renders, 1}, {"suppliers", &o.Suppliers, 0}, {"scorecard-reads", &o.ScorecardReads, 0}}
	return measure(fs, args, stdout, stderr, atLeast, func(log, progress io.Writer) (*bench.ConsoleResult, error) {
		o.Log, o.Progress = log, progress
		return bench.Console(ctx, o)
	})
}

// least is a benchmark's flag of a count, and the least value it takes.
type least struct {
	flag  string
	value *int
	min   int
}

// measure adds the flags every benchmark takes (--json, --cpuprofile) to fs, parses
// args, checks each count of atLeast (a count below its least is a usage error, said
// with the flag's name, before anything runs), runs the benchmark, and prints its
// result. The benchmark logs its steps to log
// (nil with --json) and draws a progress bar on progress (nil unless standard error
// is a terminal).
func measure[R interface{ Print(io.Writer) }](fs *flag.FlagSet, args []string, stdout, stderr io.Writer, atLeast []least, run func(log, progress io.Writer) (R, error)) error {
	asJSON := fs.Bool("json", false, "print one JSON object and nothing else on standard output")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	if err := parse(fs, args); err != nil {
		return err
	}
	for _, l := range atLeast {
		if *l.value < l.min {
			return badValue(fs, "--%s is %d or more, not %d", l.flag, l.min, *l.value)
		}
	}
	if err := startProfile(*cpuprofile); err != nil {
		return err
	}
	defer pprof.StopCPUProfile()
	var log, progress io.Writer
	if !*asJSON {
		log = stdout
	}
	if fi, err := os.Stderr.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 && stderr == os.Stderr {
		progress = stderr
	}
	res, err := run(log, progress)
	if err != nil {
		return err
	}
	if *asJSON {
		return json.NewEncoder(stdout).Encode(res)
	}
	res.Print(stdout)
	return nil
}

// startProfile starts a CPU profile into the file, if one is named; the file is
// closed when the profile stops, at exit.
func startProfile(path string) error {
	if path == "" {
		return nil
	}
	f, err := os.Create(path)
	if err != nil {
		return fmt.Errorf("cannot write the CPU profile %s (%w): --cpuprofile names a file in a directory that is there and that you may write", path, err)
	}
	return pprof.StartCPUProfile(f)
}
