// Package bench measures linkfin's ledger: durable transfers per second through the
// real engine and store, against a raw-insert baseline on the same store in the same
// run, so that the figures can be compared across machines.
package bench

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"os"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"golang.org/x/mod/sumdb/note"

	"linkfin"
	"linkfin/engine"
	"linkfin/ledger"
	"linkfin/postgres"
	"linkfin/sqlite"
	"linkfin/tlog"
)

// Baseliner is implemented by stores that can run the raw-insert baseline: rows as
// wide as a transfer row, with the transfers table's keys, inserted batch rows per
// transaction the same way the store inserts transfers, into a scratch table.
type Baseliner interface {
	BaselineInsert(ctx context.Context, rows, batch int) (time.Duration, error)
}

// Options configure a ledger benchmark.
type Options struct {
	DSN       string // "" for a fresh temporary SQLite file
	Transfers int
	Accounts  int
	Batch     int
	Clients   int // 0: requests of Batch transfers; >0: single transfers from this many clients
	Hot       bool
	Seed      uint64
	Log       io.Writer // progress notes; nil for none
	Progress  io.Writer // a terminal for the progress bar; nil for none
}

// Result is what a run measured.
type Result struct {
	Store                 string  `json:"store"`
	Mode                  string  `json:"mode"`
	Hot                   bool    `json:"hot"`
	Transfers             int     `json:"transfers"`
	Accounts              int     `json:"accounts"`
	Batch                 int     `json:"batch"`
	Clients               int     `json:"clients"`
	Seconds               float64 `json:"seconds"`
	TransfersPerSecond    float64 `json:"transfers_per_second"`
	P50CommitMS           float64 `json:"p50_commit_ms"`
	P99CommitMS           float64 `json:"p99_commit_ms"`
	EngineBatches         int64   `json:"engine_batches"`
	PeakRSSBytes          int64   `json:"peak_rss_bytes"`
	BaselineRows          int     `json:"baseline_rows"`
	BaselineSeconds       float64 `json:"baseline_seconds"`
	BaselineRowsPerSecond float64 `json:"baseline_rows_per_second"`
	Ratio                 float64 `json:"ratio"`
	GoVersion             string  `json:"go_version"`
	CPUs                  int     `json:"cpus"`
}

// Print writes the result for people.
func (r *Result) Print(w io.Writer) {
	mode := r.Mode
	if r.Hot {
		mode += ", hot account"
	}
	fmt.Fprintf(w, "ledger benchmark: %s store, %s, %d transfers over %d accounts, batch %d", r.Store, mode, r.Transfers, r.Accounts, r.Batch)
	if r.Clients > 0 {
		fmt.Fprintf(w, ", %d clients", r.Clients)
	}
	fmt.Fprintf(w, "\n  durable transfers/s   %12.0f   (%.2f s, %d engine batches)\n", r.TransfersPerSecond, r.Seconds, r.EngineBatches)
	fmt.Fprintf(w, "  commit latency        p50 %.2f ms, p99 %.2f ms\n", r.P50CommitMS, r.P99CommitMS)
	fmt.Fprintf(w, "  raw-insert baseline   %12.0f rows/s (%d rows, %.2f s)\n", r.BaselineRowsPerSecond, r.BaselineRows, r.BaselineSeconds)
	fmt.Fprintf(w, "  ratio to baseline     %12.2f\n", r.Ratio)
	fmt.Fprintf(w, "  peak memory (RSS)     %12.1f MiB\n", float64(r.PeakRSSBytes)/(1<<20))
}

func (o *Options) logf(format string, args ...any) {
	if o.Log != nil {
		fmt.Fprintf(o.Log, format+"\n", args...)
	}
}

// Ledger runs the ledger benchmark.
func Ledger(ctx context.Context, o Options) (*Result, error) {
	if o.Transfers <= 0 || o.Accounts < 2 || o.Batch <= 0 || o.Clients < 0 {
		return nil, errors.New("bench: transfers > 0, accounts >= 2, batch > 0 and clients >= 0 are required")
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	store, e, cleanup, err := openEngine(ctx, o.DSN, o.Batch)
	if err != nil {
		return nil, err
	}
	defer cleanup()

	o.logf("creating %d accounts…", o.Accounts)
	if err := createAccounts(ctx, e, o.Accounts); err != nil {
		return nil, err
	}
	transfers := randomTransfers(o.Transfers, o.Accounts, o.Seed, o.Hot)
	batchesBefore := e.Stats().Batches.Load()
	var done atomic.Int64
	stopProgress := progress(o.Progress, int64(o.Transfers), &done)
	o.logf("running %d transfers…", o.Transfers)
	start := time.Now()
	var lat []time.Duration
	if o.Clients == 0 {
		lat, err = runBatches(ctx, e, transfers, o.Batch, &done)
	} else {
		lat, err = load(o.Clients, len(transfers), &done, func(i int) error {
			resp, err := e.Submit(ctx, &engine.Request{CreateTransfers: transfers[i : i+1]})
			if err != nil {
				return err
			}
			return allOK(resp, "transfer", i)
		})
	}
	if err == nil {
		// Balances are written lazily: the run ends when they are all in the store.
		_, err = e.Submit(ctx, &engine.Request{Flush: true})
	}
	elapsed := time.Since(start)
	stopProgress()
	if err != nil {
		return nil, err
	}
	res := &Result{
		Store: store.Dialect(), Mode: "batch", Hot: o.Hot, Transfers: o.Transfers, Accounts: o.Accounts,
		Batch: o.Batch, Clients: o.Clients, Seconds: elapsed.Seconds(),
		TransfersPerSecond: float64(o.Transfers) / elapsed.Seconds(),
		EngineBatches:      e.Stats().Batches.Load() - batchesBefore,
		GoVersion:          runtime.Version(), CPUs: runtime.NumCPU(),
	}
	if o.Clients > 0 {
		res.Mode = "clients"
	}
	slices.Sort(lat) // runBatches' are not sorted
	res.P50CommitMS = percentile(lat, 0.50)
	res.P99CommitMS = percentile(lat, 0.99)
	e.Close()

	if b, ok := store.(Baseliner); ok {
		o.logf("running the raw-insert baseline…")
		res.BaselineRows = o.Transfers
		d, err := b.BaselineInsert(ctx, res.BaselineRows, o.Batch)
		if err != nil {
			return nil, fmt.Errorf("baseline: %w", err)
		}
		res.BaselineSeconds = d.Seconds()
		res.BaselineRowsPerSecond = float64(res.BaselineRows) / d.Seconds()
		res.Ratio = res.TransfersPerSecond / res.BaselineRowsPerSecond
	}
	res.PeakRSSBytes = peakRSS()
	return res, nil
}

func runBatches(ctx context.Context, e *engine.Engine, ts []ledger.Transfer, batch int, done *atomic.Int64) ([]time.Duration, error) {
	// Two requests in flight: the next batch is queued while one commits.
	type job struct{ from, to int }
	jobs := make(chan job)
	var mu sync.Mutex
	var lat []time.Duration
	var firstErr error
	var wg sync.WaitGroup
	for range 2 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range jobs {
				t0 := time.Now()
				resp, err := e.Submit(ctx, &engine.Request{CreateTransfers: ts[j.from:j.to]})
				d := time.Since(t0)
				mu.Lock()
				lat = append(lat, d)
				if err == nil {
					err = allOK(resp, "transfer", j.from)
				}
				if err != nil && firstErr == nil {
					firstErr = err
				}
				mu.Unlock()
				done.Add(int64(j.to - j.from))
			}
		}()
	}
	for from := 0; from < len(ts); from += batch {
		jobs <- job{from, min(from+batch, len(ts))}
	}
	close(jobs)
	wg.Wait()
	return lat, firstErr
}

// createAccounts creates accounts 1 to n on ledger 1, in CNY, 8,192 a request.
func createAccounts(ctx context.Context, e *engine.Engine, n int) error {
	for start := 1; start <= n; start += 8192 {
		var as []ledger.Account
		for id := start; id < start+8192 && id <= n; id++ {
			as = append(as, ledger.Account{ID: int64(id), Ledger: 1, Currency: "CNY", Code: 1})
		}
		resp, err := e.Submit(ctx, &engine.Request{CreateAccounts: as})
		if err != nil {
			return err
		}
		if err := allOK(resp, "account", start-1); err != nil {
			return err
		}
	}
	return nil
}

// randomTransfers makes n transfers of 0.01 to 1,000.00 among accounts 1 to
// accounts, with ids 1 to n, each between two accounts drawn at random from the
// seed; hot makes account 1 the debit account of every one.
func randomTransfers(n, accounts int, seed uint64, hot bool) []ledger.Transfer {
	rng := rand.New(rand.NewPCG(seed, seed+1))
	transfers := make([]ledger.Transfer, n)
	for i := range transfers {
		dr := 1 + rng.Int64N(int64(accounts))
		if hot {
			dr = 1
		}
		cr := 1 + rng.Int64N(int64(accounts))
		for cr == dr {
			cr = 1 + rng.Int64N(int64(accounts))
		}
		// Ids grow, as TigerBeetle recommends for client ids: inserts append.
		transfers[i] = ledger.Transfer{ID: int64(i + 1), DebitAccountID: dr, CreditAccountID: cr,
			Amount: 1 + rng.Int64N(100_000), Ledger: 1, Currency: "CNY", Code: 1}
	}
	return transfers
}

// load runs requests 0 to n-1, do(i) being the i-th, from clients concurrent
// clients, and returns their latencies, sorted. done counts those finished. The first
// error stops every client, and is returned.
func load(clients, n int, done *atomic.Int64, do func(i int) error) ([]time.Duration, error) {
	var next atomic.Int64
	var failed atomic.Bool
	lats := make([][]time.Duration, clients)
	errs := make([]error, clients)
	var wg sync.WaitGroup
	for c := range clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for !failed.Load() {
				i := int(next.Add(1) - 1)
				if i >= n {
					return
				}
				t0 := time.Now()
				if err := do(i); err != nil {
					errs[c] = err
					failed.Store(true)
					return
				}
				lats[c] = append(lats[c], time.Since(t0))
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	lat := slices.Concat(lats...)
	slices.Sort(lat)
	return lat, errors.Join(errs...)
}

// timedLoad runs load with a progress bar on prog (if not nil), and also returns the
// time it took.
func timedLoad(clients, n int, prog io.Writer, do func(i int) error) ([]time.Duration, time.Duration, error) {
	var done atomic.Int64
	stop := progress(prog, int64(n), &done)
	start := time.Now()
	lat, err := load(clients, n, &done, do)
	d := time.Since(start)
	stop()
	return lat, d, err
}

// allOK checks that every item of a request succeeded; the first had id offset+1.
func allOK(resp *engine.Response, what string, offset int) error {
	for i, r := range resp.Results {
		if r != ledger.OK {
			return fmt.Errorf("bench: %s %d: %s", what, offset+i+1, r)
		}
	}
	return nil
}

func percentile(sorted []time.Duration, p float64) float64 {
	if len(sorted) == 0 {
		return 0
	}
	i := int(float64(len(sorted)-1) * p)
	return float64(sorted[i]) / 1e6
}

// progress draws a progress bar on a terminal until stopped.
func progress(w io.Writer, total int64, done *atomic.Int64) (stop func()) {
	if w == nil {
		return func() {}
	}
	quit := make(chan struct{})
	finished := make(chan struct{})
	start := time.Now()
	go func() {
		defer close(finished)
		t := time.NewTicker(200 * time.Millisecond)
		defer t.Stop()
		for {
			n := done.Load()
			const width = 40
			filled := int(int64(width) * n / total)
			rate := float64(n) / time.Since(start).Seconds()
			fmt.Fprintf(w, "\r[%s%s] %3d%%  %.0f transfers/s ", strings.Repeat("=", filled), strings.Repeat(" ", width-filled), 100*n/total, rate)
			select {
			case <-quit:
				fmt.Fprint(w, "\r"+strings.Repeat(" ", 80)+"\r")
				return
			case <-t.C:
			}
		}
	}()
	return func() { close(quit); <-finished }
}

// peakRSS reads the process's peak resident set size (Linux), or the Go runtime's
// view of memory obtained from the OS elsewhere.
func peakRSS() int64 {
	f, err := os.Open("/proc/self/status")
	if err == nil {
		defer f.Close()
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			if v, ok := strings.CutPrefix(sc.Text(), "VmHWM:"); ok {
				kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
				if err == nil {
					return kb * 1024
				}
			}
		}
	}
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	return int64(m.Sys)
}

// openEngine opens an empty store to measure and an engine on it, with a fresh log
// signing key; cleanup closes both (the engine first) and removes what openStore made.
func openEngine(ctx context.Context, dsn string, maxBatch int) (linkfin.Store, *engine.Engine, func(), error) {
	store, cleanup, err := openStore(ctx, dsn)
	if err != nil {
		return nil, nil, nil, err
	}
	fail := func(err error) (linkfin.Store, *engine.Engine, func(), error) {
		cleanup()
		return nil, nil, nil, err
	}
	if h, err := store.Head(ctx); err != nil {
		return fail(err)
	} else if h.Size != 0 {
		return fail(errors.New("bench: the database is not empty; give it an empty database (or none, for a temporary one)"))
	}
	skey, vkey, err := tlog.GenerateKey("linkfin-bench")
	if err != nil {
		return fail(err)
	}
	// The database records its log's public key, so linkfin verify checks it.
	if err := store.SetMeta(ctx, linkfin.MetaLogKey, vkey); err != nil {
		return fail(err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		return fail(err)
	}
	e, err := engine.Open(ctx, engine.Config{Store: store, Signer: signer, MaxBatch: maxBatch})
	if err != nil {
		return fail(err)
	}
	return store, e, func() { e.Close(); cleanup() }, nil
}

// openStore opens the store to measure: a temporary SQLite file, a SQLite file, or a
// fresh schema in a PostgreSQL database (dropped afterwards).
func openStore(ctx context.Context, dsn string) (linkfin.Store, func(), error) {
	switch {
	case dsn == "":
		dir, err := os.MkdirTemp("", "linkfin-bench-")
		if err != nil {
			return nil, nil, err
		}
		s, err := sqlite.Open(filepath.Join(dir, "bench.db"))
		if err != nil {
			os.RemoveAll(dir)
			return nil, nil, err
		}
		if err := s.Migrate(ctx); err != nil {
			s.Close()
			os.RemoveAll(dir)
			return nil, nil, err
		}
		return s, func() { s.Close(); os.RemoveAll(dir) }, nil
	case strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://"):
		schema := fmt.Sprintf("linkfin_bench_%d_%d", os.Getpid(), time.Now().UnixNano()%1e6)
		admin, err := postgres.Open(ctx, dsn)
		if err != nil {
			return nil, nil, err
		}
		if err := admin.Exec(ctx, "CREATE SCHEMA "+schema); err != nil {
			admin.Close()
			return nil, nil, err
		}
		sep := "?"
		if strings.Contains(dsn, "?") {
			sep = "&"
		}
		s, err := postgres.Open(ctx, dsn+sep+"search_path="+schema)
		if err == nil {
			err = s.Migrate(ctx)
		}
		drop := func() {
			if s != nil {
				s.Close()
			}
			admin.Exec(context.Background(), "DROP SCHEMA "+schema+" CASCADE")
			admin.Close()
		}
		if err != nil {
			drop()
			return nil, nil, err
		}
		return s, drop, nil
	default:
		s, err := sqlite.Open(dsn)
		if err != nil {
			return nil, nil, err
		}
		if err := s.Migrate(ctx); err != nil {
			s.Close()
			return nil, nil, err
		}
		return s, func() { s.Close() }, nil
	}
}
