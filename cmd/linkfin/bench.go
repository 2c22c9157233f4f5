package main

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"runtime/pprof"

	"linkfin/bench"
)

func runBench(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	if len(args) == 0 || args[0] != "ledger" {
		fmt.Fprintln(stderr, "Usage: linkfin bench ledger [flags]   (run with --help for the flags)")
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help") {
			return nil
		}
		return errUsage
	}
	var sf storeFlags
	fs := newFlags("bench ledger", "bench ledger [--db DSN] [--transfers N] [--accounts M] [--batch B] [--clients C] [--hot] [--json]", stderr)
	fs.StringVar(&sf.db, "db", "", "database to measure: a SQLite file or a postgres:// URL (default: a fresh temporary SQLite file); its tables are emptied first")
	o := bench.Options{}
	fs.IntVar(&o.Transfers, "transfers", 1_000_000, "transfers to run")
	fs.IntVar(&o.Accounts, "accounts", 100_000, "accounts to spread them over")
	fs.IntVar(&o.Batch, "batch", 8192, "transfers per batch (per request without --clients; the engine's batch limit with it)")
	fs.IntVar(&o.Clients, "clients", 0, "submit single transfers from this many concurrent clients, to show group commit")
	fs.BoolVar(&o.Hot, "hot", false, "every transfer touches one hot account")
	asJSON := fs.Bool("json", false, "print one JSON object and nothing else on standard output")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	if err := parse(fs, args[1:]); err != nil {
		return err
	}
	if *cpuprofile != "" {
		f, err := os.Create(*cpuprofile)
		if err != nil {
			return err
		}
		defer f.Close()
		if err := pprof.StartCPUProfile(f); err != nil {
			return err
		}
		defer pprof.StopCPUProfile()
	}
	o.DSN = sf.db
	if !*asJSON {
		o.Log = stdout
	}
	if fi, err := os.Stderr.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 && stderr == os.Stderr {
		o.Progress = stderr
	}
	res, err := bench.Ledger(ctx, o)
	if err != nil {
		return err
	}
	if *asJSON {
		enc := json.NewEncoder(stdout)
		return enc.Encode(res)
	}
	res.Print(stdout)
	return nil
}
