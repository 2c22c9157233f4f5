package postgres_test

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"math/rand/v2"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"linkfin"
	"linkfin/engine"
	"linkfin/ledger"
	"linkfin/postgres"
	"linkfin/postgres/pgtest"
	"linkfin/storetest"
)

func openSchema(tb testing.TB) *postgres.DB {
	db, _ := openSchemaURL(tb)
	return db
}

// openSchemaURL opens a store, migrated, in a schema of its own, and returns the URL
// that reaches the schema.
func openSchemaURL(tb testing.TB) (*postgres.DB, string) {
	tb.Helper()
	ctx := context.Background()
	u := pgtest.Schema(tb, pgtest.Skip(tb))
	db, err := postgres.Open(ctx, u)
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	return db, u
}

func open(t *testing.T) linkfin.Store { return openSchema(t) }

func TestConformance(t *testing.T) {
	pgtest.Skip(t)
	storetest.Run(t, open)
}

// TestSchemaIsolated checks that the search_path given in the URL is the one used, so
// that tests and tenants sharing a database do not see one another.
func TestSchemaIsolated(t *testing.T) {
	ctx := context.Background()
	a, b := openSchema(t), openSchema(t)
	if err := a.SetMeta(ctx, "k", "a"); err != nil {
		t.Fatal(err)
	}
	if v, err := a.Meta(ctx, "k"); err != nil || v != "a" {
		t.Fatalf("Meta = %q, %v; want \"a\"", v, err)
	}
	if v, err := b.Meta(ctx, "k"); err != nil || v != "" {
		t.Fatalf("other schema: Meta = %q, %v; want \"\"", v, err)
	}
}

// TestConcurrentMigrate runs several migrations of one schema at once: the advisory
// lock lets exactly one apply each file.
func TestConcurrentMigrate(t *testing.T) {
	ctx := context.Background()
	u := pgtest.Schema(t, pgtest.Skip(t))
	const n = 4
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		db, err := postgres.Open(ctx, u)
		if err != nil {
			t.Fatal(err)
		}
		defer db.Close()
		wg.Add(1)
		go func() {
			defer wg.Done()
			errs[i] = db.Migrate(ctx)
		}()
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Fatalf("migration %d: %v", i, err)
		}
	}
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var versions int
	if err := conn.QueryRow(ctx, `SELECT count(*) FROM schema_migrations`).Scan(&versions); err != nil {
		t.Fatal(err)
	}
	files, err := fs.Glob(os.DirFS("migrations"), "*.sql")
	if err != nil {
		t.Fatal(err)
	}
	// One per migration file, and the backfills of the party index, of the index of
	// events by record, of the ordered index and of each index name added to it, each
	// recorded once.
	if want := len(files) + 3 + len(linkfin.IndexAdded); versions != want {
		t.Fatalf("schema_migrations has %d rows, want one per migration and per backfill (%d)", versions, want)
	}
}

// TestNotFound checks the codes of reads that find nothing.
func TestNotFound(t *testing.T) {
	ctx := context.Background()
	db := openSchema(t)
	for name, err := range map[string]error{
		"Account":          second(db.Account(ctx, 1)),
		"Transfer":         second(db.Transfer(ctx, 1)),
		"PendingStatus":    second(db.PendingStatus(ctx, 1)),
		"AccountTransfers": second(db.AccountTransfers(ctx, 1, 42, 10)), // from a transfer that does not exist
	} {
		if linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
			t.Errorf("%s: err = %v, want code %s", name, err, linkfin.ENOTFOUND)
		}
	}
	if _, err := db.ReadTiles(ctx, []linkfin.Tile{{L: 0, N: 0, W: 1}}); !errors.Is(err, pgx.ErrNoRows) {
		t.Errorf("ReadTiles of a missing tile: %v, want no rows", err)
	}
}

// TestBaselineInsert runs the benchmark's raw-insert yardstick (each COPY checks its
// row count) and checks that it drops its scratch table.
func TestBaselineInsert(t *testing.T) {
	ctx := context.Background()
	db, u := openSchemaURL(t)
	if _, err := db.BaselineInsert(ctx, 1000, 300); err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var left bool
	if err := conn.QueryRow(ctx, `SELECT to_regclass('bench_baseline') IS NOT NULL`).Scan(&left); err != nil {
		t.Fatal(err)
	}
	if left {
		t.Fatal("bench_baseline was left behind")
	}
}

func second[T any](_ T, err error) error { return err }

// BenchmarkCommit drives the engine as production does: batches of 8,192 transfers
// among 100,000 accounts, with ids that grow, two requests in flight so that one batch
// executes while the one before it commits. An op is one batch.
func BenchmarkCommit(b *testing.B) {
	const accounts, perBatch = 100_000, 8192
	ctx := context.Background()
	db := openSchema(b)
	signer, _ := storetest.Keys(b)
	eng, err := engine.Open(ctx, engine.Config{Store: db, Signer: signer})
	if err != nil {
		b.Fatal(err)
	}
	defer eng.Close()
	submit := func(r *engine.Request) error {
		resp, err := eng.Submit(ctx, r)
		if err != nil {
			return err
		}
		for i, res := range resp.Results {
			if res != ledger.OK {
				return fmt.Errorf("item %d: %s", i, res)
			}
		}
		return nil
	}
	for lo := int64(1); lo <= accounts; lo += perBatch {
		var r engine.Request
		for id := lo; id < lo+perBatch && id <= accounts; id++ {
			r.CreateAccounts = append(r.CreateAccounts, storetest.Acct(id, 0))
		}
		if err := submit(&r); err != nil {
			b.Fatal(err)
		}
	}
	rng := rand.New(rand.NewPCG(1, 2))
	requests := make(chan *engine.Request, b.N)
	for i := range b.N {
		r := &engine.Request{CreateTransfers: make([]ledger.Transfer, perBatch)}
		for j := range r.CreateTransfers {
			dr := 1 + rng.Int64N(accounts)
			cr := 1 + (dr+rng.Int64N(accounts-1))%accounts // never dr
			id := int64(i*perBatch + j + 1)
			r.CreateTransfers[j] = storetest.Xfer(id, dr, cr, 1+rng.Int64N(10_000))
		}
		requests <- r
	}
	close(requests)
	stats := eng.Stats()
	commitNanos, batches := stats.CommitNanos.Load(), stats.Batches.Load()
	b.ResetTimer()
	t0 := time.Now()
	var wg sync.WaitGroup
	errs := make(chan error, 2)
	for range 2 {
		wg.Go(func() {
			for r := range requests {
				if err := submit(r); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	if err := <-errs; err != nil {
		b.Fatal(err)
	}
	elapsed := time.Since(t0)
	b.StopTimer()
	committed := stats.Batches.Load() - batches
	if committed < int64(b.N) {
		b.Fatalf("%d batches committed, want at least %d", committed, b.N)
	}
	b.ReportMetric(float64(b.N*perBatch)/elapsed.Seconds(), "transfers/s")
	b.ReportMetric(float64(stats.CommitNanos.Load()-commitNanos)/float64(committed)/1e6, "commit-ms/batch")
}

// TestTextComparesAsBytes: every text column of the schema compares as bytes (COLLATE
// "C"), whatever the database's locale, so that keys sort and list as on SQLite and in
// Go (storetest's ByteOrder shows it for the records), and no change of the system's
// collation rules can leave an index out of order.
func TestTextComparesAsBytes(t *testing.T) {
	ctx := context.Background()
	_, url := openSchemaURL(t)
	conn, err := pgx.Connect(ctx, url)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	rows, err := conn.Query(ctx, `SELECT table_name, column_name, coalesce(collation_name, '') FROM information_schema.columns
		WHERE table_schema = current_schema() AND data_type = 'text' AND table_name <> 'schema_migrations' ORDER BY 1, 2`)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for rows.Next() {
		var table, column, collation string
		if err := rows.Scan(&table, &column, &collation); err != nil {
			t.Fatal(err)
		}
		n++
		if collation != "C" {
			t.Errorf("%s.%s compares by the collation %q, not as bytes", table, column, collation)
		}
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	if n < 15 {
		t.Fatalf("%d text columns found", n)
	}
}
