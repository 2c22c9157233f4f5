// Command linkfin runs the linkfin supply chain finance platform: its server, its
// database migrations, its auditor and its benchmarks.
package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"os/signal"
	"runtime"
	"runtime/debug"
	"strings"
	"syscall"

	"github.com/KimMachineGun/automemlimit/memlimit"
	"github.com/jackc/pgx/v5/pgconn"
	sqlitedriver "modernc.org/sqlite"

	"linkfin"
)

const usage = `linkfin — whole-process supply chain finance

Usage:
  linkfin <command> [flags]

Commands:
  serve         run the engine and the HTTP API
  migrate       create or update the database schema
  verify        prove that nothing in the database was altered
  copy          copy a stopped server's database into a new one, SQLite or PostgreSQL, and verify the copy
  backup        copy the database, as of one moment, and the data directory's keys into a new directory, and verify the copy
  bench         measure the ledger's throughput (bench ledger), the ledger's over HTTP (bench http), the API's (bench api) or the console's pages (bench console)
  demo          run the whole process on a temporary database and reconcile every fen
  sim           run a generated supply network through every financing scenario and measure each tier
  iso20022      print what linkfin reads from a bank's camt.053, camt.052, camt.054 or pain.002 (iso20022 parse FILE)
  einvoice      print what linkfin reads from a UBL or CII e-invoice, with the rules it breaks (einvoice parse FILE)
  mt940         print what linkfin reads from a bank's SWIFT MT940 or MT942 (mt940 parse FILE)

API commands, against a running server:
  orgs          list, get or create organizations
  users         list, get, create, disable, enable, change the role of users or reset their passwords
  invoices      list, get, approve or dispute invoices
  financings    list, get, request, accept or disburse financings
  certificates  list or get certificate pieces with their lineage
  keys          create, list or revoke API keys (create --local: into a stopped server's database)

Run "linkfin <command> --help" (or "linkfin help <command>") for a command's flags, and
"linkfin --version" for the version.
The database is chosen with --db or LINKFIN_DB: a file path for SQLite (the default,
in the data directory) or a postgres:// URL for PostgreSQL.
The API commands call --url or LINKFIN_URL (default http://127.0.0.1:8080) with the
key of --key or LINKFIN_KEY, and print the answer as JSON.
`

// tuneMemory sets how the collector trades memory for throughput. The engine keeps its
// working set in memory and allocates per batch: the collector lets the heap grow to
// five times what is live (GOGC=400) before it collects. That trade stops short of
// the memory there is: near 90 % of the container's limit (its cgroup's), or else of
// the machine's memory, the collector works harder instead of the process being
// killed or swapped out. GOGC and GOMEMLIMIT override these; where no limit can be
// read, none is set.
func tuneMemory() {
	if os.Getenv("GOGC") == "" {
		debug.SetGCPercent(400)
	}
	memlimit.Set(memlimit.WithRatio(0.9), memlimit.WithProvider(memlimit.ApplyFallback(memlimit.FromCgroup, memlimit.FromSystem)))
}

// heavy are the commands that keep a working set in memory (a server, a database's
// checks, a simulation, the benchmarks): tuneMemory is for them. The API commands
// make one call and end; reading the cgroup's limits would only slow their start.
var heavy = map[string]bool{"serve": true, "migrate": true, "verify": true, "backup": true, "copy": true, "bench": true, "demo": true, "sim": true}

func main() {
	if len(os.Args) > 1 && heavy[os.Args[1]] {
		tuneMemory()
	}
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := run(ctx, os.Args[1:], os.Stdout, os.Stderr)
	stop()
	os.Exit(code)
}

// Version is the release, set at build time with -ldflags "-X main.Version=v1.2.3";
// without it, the module's version and the commit it was built from are shown.
var Version string

// version says which linkfin this is: its release or commit, and the Go it was built
// with.
func version() string {
	v, rev, modified := Version, "", false
	if bi, ok := debug.ReadBuildInfo(); ok {
		if v == "" {
			v = bi.Main.Version
		}
		for _, s := range bi.Settings {
			switch s.Key {
			case "vcs.revision":
				rev = s.Value
			case "vcs.modified":
				modified = s.Value == "true"
			}
		}
	}
	if v == "" {
		v = "(devel)"
	}
	out := "linkfin " + v
	if rev != "" {
		out += " commit " + rev[:min(12, len(rev))]
		if modified {
			out += " with local changes"
		}
	}
	return out + ", " + runtime.Version()
}

// errUsage marks errors already explained to the user along with the usage text.
var errUsage = errors.New("usage")

// run executes one command and returns the process's exit code. "linkfin help
// COMMAND" is COMMAND's --help (runHelp), as is "linkfin COMMAND help"; the command
// named is run (commandNamed), its error said and turned into the exit code
// (exitCode); what names none, such as help or version, is answered by notACommand.
func run(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	if len(args) == 0 {
		fmt.Fprint(stderr, usage)
		return 2
	}
	if args[0] == "help" && len(args) > 1 {
		return runHelp(ctx, args[1:], stdout, stderr)
	}
	if len(args) == 2 && args[1] == "help" {
		// "linkfin serve help" is "linkfin serve --help", as "linkfin help serve" is; a
		// command of verbs takes help as a verb that says the same.
		args = []string{args[0], "--help"}
	}
	if asksHelp(args[1:]) {
		// Asked for, a command's usage is its answer: it goes to standard output, as
		// linkfin --help's does, to be paged or searched. A usage error's stays on
		// standard error.
		stderr = stdout
	}
	cmd := commandNamed(args[0])
	if cmd == nil {
		return notACommand(args[0], stdout, stderr)
	}
	return exitCode(ctx, args[0], cmd(ctx, args[1:], stdout, stderr), stderr)
}

// runHelp answers "linkfin help ARGS...": linkfin's usage for "help help" or a flag,
// and otherwise runs "ARGS... --help" when ARGS names a command in the usage.
func runHelp(ctx context.Context, args []string, stdout, stderr io.Writer) int {
	// "linkfin help serve" is "linkfin serve --help"; "linkfin help bench ledger",
	// "linkfin bench ledger --help".
	if args[0] == "help" || strings.HasPrefix(args[0], "-") {
		fmt.Fprint(stdout, usage)
		return 0
	}
	if !strings.Contains(usage, "\n  "+args[0]+" ") {
		fmt.Fprintf(stderr, "linkfin help: unknown command %q\n\n%s", args[0], usage)
		return 2
	}
	return run(ctx, append(args, "--help"), stdout, stderr)
}

// command runs one of linkfin's commands on its arguments (those after its name).
type command func(ctx context.Context, args []string, stdout, stderr io.Writer) error

// commandNamed returns the command of that name, or nil.
func commandNamed(name string) command {
	switch name {
	case "serve":
		return runServe
	case "migrate":
		return runMigrate
	case "verify":
		return runVerify
	case "backup":
		return runBackup
	case "copy":
		return runCopy
	case "bench":
		return runBench
	case "demo":
		return runDemo
	case "sim":
		return runSim
	case "iso20022":
		return runISO20022
	case "einvoice":
		return runEInvoice
	case "mt940":
		return runMT940
	case "orgs":
		return runOrgs
	case "users":
		return runUsers
	case "invoices":
		return runInvoices
	case "financings":
		return runFinancings
	case "certificates":
		return runCertificates
	case "keys":
		return runKeys
	}
	return nil
}

// notACommand answers a first argument that names no command, and returns the exit
// code: the usage for help, the version for version, and a usage error otherwise, for
// a flag before the command as for an unknown command.
func notACommand(arg string, stdout, stderr io.Writer) int {
	switch arg {
	case "help", "-h", "--help", "-help":
		fmt.Fprint(stdout, usage)
		return 0
	case "version", "--version", "-version":
		fmt.Fprintln(stdout, version())
		return 0
	}
	if strings.HasPrefix(arg, "-") {
		// A command's flag put before it ("linkfin --data DIR serve"), most likely.
		fmt.Fprintf(stderr, "linkfin: %q is no command: the command comes first, then its flags, such as \"linkfin serve --data DIR\"\n\n%s", arg, usage)
		return 2
	}
	fmt.Fprintf(stderr, "linkfin: unknown command %q\n\n%s", arg, usage)
	return 2
}

// exitCode is the exit code of command name, which returned err: 0 for none or for
// --help, 2 for a usage error and 1 for findings, each of which the command has said;
// and 1 for any other error, which it says on stderr, as an interruption when a
// signal stopped the command.
func exitCode(ctx context.Context, name string, err error, stderr io.Writer) int {
	switch {
	case err == nil:
		return 0
	case errors.Is(err, flag.ErrHelp):
		return 0
	case errors.Is(err, errUsage):
		return 2
	case errors.Is(err, errFindings):
		return 1
	}
	if ctx.Err() != nil {
		// Stopped by a signal (Ctrl-C, SIGTERM) before it was done: that, not the
		// context's error each of its parts returned, is what happened.
		fmt.Fprintf(stderr, "linkfin %s: interrupted before it was done\n", name)
		return 1
	}
	// An error of the package the command is named after may begin with that name:
	// it is said once.
	fmt.Fprintf(stderr, "linkfin %s: %s\n", name, strings.TrimPrefix(describe(err), name+": "))
	return 1
}

// asksHelp reports whether a command's arguments ask for its usage: -h, -help or
// --help before any "--".
func asksHelp(args []string) bool {
	for _, a := range args {
		switch a {
		case "--":
			return false
		case "-h", "-help", "--help":
			return true
		}
	}
	return false
}

// describe writes an error for people: a refusal of the engine as "code: message",
// as the API commands print one, inside whatever context wraps it.
func describe(err error) string {
	msg := err.Error()
	var le *linkfin.Error
	if errors.As(err, &le) {
		msg = strings.Replace(msg, le.Error(), le.Code+": "+le.Message, 1)
	}
	named := "--db" // the flag that gave the database's URL
	var in *inFlag
	if errors.As(err, &in) {
		named = in.flag
	}
	var ce *pgconn.ConnectError
	var pe *pgconn.ParseConfigError
	switch {
	case errors.As(err, &ce):
		msg += "\ncheck " + named + "'s postgres:// URL (host, port, user, password, database) and that PostgreSQL runs there and lets that user in"
	case errors.As(err, &pe):
		msg += "\ncheck " + named + "'s postgres:// URL: postgres://USER:PASSWORD@HOST:PORT/DATABASE?OPTIONS, with a character of its own (such as @, : / ? # %) in a part percent-encoded"
	}
	var pg *pgconn.PgError
	if errors.As(err, &pg) && ce == nil {
		if advice := pgAdvice[pg.Code]; advice != "" {
			msg += "\n" + strings.ReplaceAll(advice, "--db", named)
		}
	}
	var se *sqlitedriver.Error
	if errors.As(err, &se) {
		if advice := sqliteAdvice[se.Code()&0xff]; advice != "" {
			msg += ": " + advice
		}
	}
	return msg
}

// inFlag is an error about the database a flag other than --db names (copy's --to),
// so that describe's advice names that flag.
type inFlag struct {
	flag string
	err  error
}

func (e *inFlag) Error() string { return e.err.Error() }
func (e *inFlag) Unwrap() error { return e.err }

// sqliteAdvice says what to do about an SQLite database's failure, by its primary
// result code, where SQLite's own words name only the failure.
var sqliteAdvice = map[int]string{
	3:  "the system refused access to the database file: check its owner and mode",                                                  // SQLITE_PERM
	8:  "linkfin may not write the database file or its directory: check their owner and mode",                                      // SQLITE_READONLY
	10: "reading or writing the database file failed: check the disk and the system's log",                                          // SQLITE_IOERR
	11: "the database file is damaged: restore it from a backup (linkfin backup makes one)",                                         // SQLITE_CORRUPT
	13: "the disk is full: free space, then start again",                                                                            // SQLITE_FULL
	14: "linkfin cannot open or make the database file: check that its directory is there and that you may write it (--data, --db)", // SQLITE_CANTOPEN
	26: "the file is not a SQLite database, or is damaged: check --data and --db, or restore it from a backup",                      // SQLITE_NOTADB
}

// pgAdvice says what to do about a PostgreSQL database's refusal, by its SQLSTATE, where
// PostgreSQL's own words name only the refusal.
var pgAdvice = map[string]string{
	"42501": "the PostgreSQL user of --db may not make or use linkfin's tables there: make it the database's owner, or grant it CREATE and USAGE on the schema (GRANT CREATE, USAGE ON SCHEMA public TO the user) and linkfin's tables (GRANT ALL ON ALL TABLES IN SCHEMA public TO the user), or name the user linkfin runs as", // insufficient_privilege
	"3F000": "the search_path of --db names no schema of the database: create the schema (CREATE SCHEMA name), or name one that is there",                                                                                                                                                                                        // invalid_schema_name
}

// newFlags returns a flag set that prints its usage to stderr and returns errors.
func newFlags(name, synopsis string, stderr io.Writer) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.Usage = func() {
		fmt.Fprintf(stderr, "Usage: linkfin %s\n\n", synopsis)
		fs.PrintDefaults()
	}
	return fs
}

// badValue says, under the command's name, that a flag's value (or the values of
// several together) is none the command takes, with where to read its flags, and
// returns errUsage: exit 2, as for a flag the command does not know, and before
// anything is made or read.
func badValue(fs *flag.FlagSet, format string, a ...any) error {
	fmt.Fprintf(fs.Output(), "linkfin %s: %s\nRun \"linkfin %s --help\" for its flags.\n", fs.Name(), fmt.Sprintf(format, a...), fs.Name())
	return errUsage
}

func parse(fs *flag.FlagSet, args []string) error {
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return err
		}
		return errUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(fs.Output(), "unexpected arguments: %q\n", fs.Args())
		fs.Usage()
		return errUsage
	}
	return nil
}
