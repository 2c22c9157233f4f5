package postgres_test

import (
	"context"
	crand "crypto/rand"
	"math/rand/v2"
	"net/url"
	"os"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"linkfin"
	"linkfin/engine"
	"linkfin/ledger"
	"linkfin/postgres"
	"linkfin/storetest"
)

// serverURL is the server the tests run against; they skip without it.
func serverURL(tb testing.TB) string {
	tb.Helper()
	u := os.Getenv("LINKFIN_TEST_POSTGRES_URL")
	if u == "" {
		tb.Skip("LINKFIN_TEST_POSTGRES_URL is not set; skipping the PostgreSQL conformance suite (see .ci/run)")
	}
	return u
}

// freshSchema creates an empty schema of its own for tb, dropped when tb ends, and
// returns the server's URL with search_path set to it.
func freshSchema(tb testing.TB) string {
	tb.Helper()
	base := serverURL(tb)
	ctx := context.Background()
	schema := "lf_test_" + strings.ToLower(crand.Text())
	conn, err := pgx.Connect(ctx, base)
	if err != nil {
		tb.Fatal(err)
	}
	defer conn.Close(ctx)
	if _, err := conn.Exec(ctx, `CREATE SCHEMA `+schema); err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			tb.Error(err)
			return
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, `DROP SCHEMA `+schema+` CASCADE`); err != nil {
			tb.Error(err)
		}
	})
	u, err := url.Parse(base)
	if err != nil {
		tb.Fatal(err)
	}
	q := u.Query()
	q.Set("search_path", schema)
	u.RawQuery = q.Encode()
	return u.String()
}

var urls = map[*postgres.DB]string{}

func freshSchemaURLOf(tb testing.TB, db *postgres.DB) string { return urls[db] }

func openSchema(tb testing.TB) *postgres.DB {
	tb.Helper()
	ctx := context.Background()
	uu := freshSchema(tb)
	db, err := postgres.Open(ctx, uu)
	urls[db] = uu
	if err != nil {
		tb.Fatal(err)
	}
	tb.Cleanup(func() { db.Close() })
	if err := db.Migrate(ctx); err != nil {
		tb.Fatal(err)
	}
	return db
}

func open(t *testing.T) linkfin.Store { return openSchema(t) }

func TestConformance(t *testing.T) {
	serverURL(t)
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
	u := freshSchema(t)
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
	if versions != 1 {
		t.Fatalf("schema_migrations has %d rows, want 1", versions)
	}
}

// TestNotFound checks the codes of reads that find nothing.
func TestNotFound(t *testing.T) {
	ctx := context.Background()
	db := openSchema(t)
	for name, err := range map[string]error{
		"Account":          second(db.Account(ctx, 1)),
		"Transfer":         second(db.Transfer(ctx, 1)),
		"TransferAt":       second(db.TransferAt(ctx, 1)),
		"PendingStatus":    second(db.PendingStatus(ctx, 1)),
		"AccountTransfers": second(db.AccountTransfers(ctx, 1, 0, 10)),
	} {
		if linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
			t.Errorf("%s: err = %v, want code %s", name, err, linkfin.ENOTFOUND)
		}
	}
	if _, err := db.ReadTiles(ctx, []linkfin.Tile{{L: 0, N: 0, W: 1}}); err == nil {
		t.Error("ReadTiles of a missing tile: no error")
	}
}

func second[T any](_ T, err error) error { return err }

// BenchmarkCommit drives the engine with batches of 8,192 transfers among 100,000
// accounts, as in production: prefetch, execute, then one commit per batch.
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
	submit := func(r *engine.Request) {
		resp, err := eng.Submit(ctx, r)
		if err != nil {
			b.Fatal(err)
		}
		for i, res := range resp.Results {
			if res != ledger.OK {
				b.Fatalf("item %d: %s", i, res)
			}
		}
	}
	for lo := int64(1); lo <= accounts; lo += perBatch {
		var r engine.Request
		for id := lo; id < lo+perBatch && id <= accounts; id++ {
			r.CreateAccounts = append(r.CreateAccounts, storetest.Acct(id, 0))
		}
		submit(&r)
	}
	rng := rand.New(rand.NewPCG(1, 2))
	next := int64(1)
	requests := make([]*engine.Request, b.N)
	for i := range requests {
		r := &engine.Request{CreateTransfers: make([]ledger.Transfer, perBatch)}
		for j := range r.CreateTransfers {
			dr := 1 + rng.Int64N(accounts)
			cr := 1 + (dr+rng.Int64N(accounts-1))%accounts
			r.CreateTransfers[j] = storetest.Xfer(next, dr, cr, 1+rng.Int64N(10_000))
			next++
		}
		requests[i] = r
	}
	stats := eng.Stats()
	commits0 := stats.CommitNanos.Load()
	b.ResetTimer()
	t0 := time.Now()
	for _, r := range requests {
		submit(r)
	}
	elapsed := time.Since(t0)
	b.StopTimer()
	b.ReportMetric(float64(b.N*perBatch)/elapsed.Seconds(), "transfers/s")
	b.ReportMetric(float64(stats.CommitNanos.Load()-commits0)/float64(b.N)/1e6, "commit-ms/batch")
	if got := stats.LastBatch.Load(); got != perBatch {
		b.Fatalf("last batch had %d items, want %d", got, perBatch)
	}
}
