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
	if len(args) > 0 && args[0] == "api" {
		return runBenchAPI(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 0 || args[0] != "ledger" {
		fmt.Fprintln(stderr, "Usage: linkfin bench ledger|api [flags]   (run with --help for the flags)")
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
	if err := startProfile(*cpuprofile); err != nil {
		return err
	}
	defer pprof.StopCPUProfile()
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

func runBenchAPI(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("bench api", "bench api [--db DSN] [--financings N] [--clients C] [--preload P] [--json]", stderr)
	o := bench.APIOptions{}
	fs.StringVar(&o.DSN, "db", "", "database to measure: an empty SQLite file or postgres:// URL (default: a fresh temporary SQLite file)")
	fs.IntVar(&o.Financings, "financings", 20_000, "certificate financings to run, each a quote and an acceptance on its own piece")
	fs.IntVar(&o.Clients, "clients", 64, "concurrent HTTP clients")
	fs.IntVar(&o.Preload, "preload", 0, "certificate pieces in the store before the run")
	asJSON := fs.Bool("json", false, "print one JSON object and nothing else on standard output")
	cpuprofile := fs.String("cpuprofile", "", "write a CPU profile of the run to this file")
	if err := parse(fs, args); err != nil {
		return err
	}
	if err := startProfile(*cpuprofile); err != nil {
		return err
	}
	defer pprof.StopCPUProfile()
	if !*asJSON {
		o.Log = stdout
	}
	if fi, err := os.Stderr.Stat(); err == nil && fi.Mode()&os.ModeCharDevice != 0 && stderr == os.Stderr {
		o.Progress = stderr
	}
	res, err := bench.API(ctx, o)
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
		return err
	}
	return pprof.StartCPUProfile(f)
}
