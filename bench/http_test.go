package bench

import (
	"context"
	"math"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"linkfin/engine"
	"linkfin/ledger"
	"linkfin/sqlite"
)

// TestHTTP runs a short HTTP benchmark on a SQLite file, then reads the file on its
// own: every transfer sent is on the ledger and in the log exactly once, as sent, and
// the figures agree with each other.
func TestHTTP(t *testing.T) {
	for _, tc := range []struct {
		name string
		hot  bool
	}{{"spread", false}, {"hot", true}} {
		t.Run(tc.name, func(t *testing.T) {
			const n, accounts, seed = 300, 20, 7
			dsn := filepath.Join(t.TempDir(), "bench.db")
			res, err := HTTP(context.Background(), HTTPOptions{DSN: dsn, Transfers: n, Accounts: accounts, Clients: 4, Hot: tc.hot, Seed: seed})
			if err != nil {
				t.Fatal(err)
			}
			checkFigures(t, res, n)
			if res.Store != "sqlite" || res.Hot != tc.hot || res.Accounts != accounts || res.Clients != 4 {
				t.Errorf("the result names store %q, hot %v, %d accounts, %d clients", res.Store, res.Hot, res.Accounts, res.Clients)
			}

			pool := accounts
			if tc.hot {
				pool = 2
			}
			sent := randomTransfers(n, pool, seed, tc.hot)
			if tc.hot {
				for _, tr := range sent {
					if tr.DebitAccountID != 1 || tr.CreditAccountID != 2 {
						t.Fatalf("a hot run sent transfer %d from %d to %d", tr.ID, tr.DebitAccountID, tr.CreditAccountID)
					}
				}
			}
			checkStored(t, dsn, sent, accounts)
		})
	}
}

// TestHTTPPostgres runs the same on PostgreSQL, in a schema of its own that the
// benchmark drops: the benchmark's own check of the ledger must pass.
func TestHTTPPostgres(t *testing.T) {
	url := os.Getenv("LINKFIN_TEST_POSTGRES_URL")
	if url == "" {
		t.Skip("LINKFIN_TEST_POSTGRES_URL is not set")
	}
	res, err := HTTP(context.Background(), HTTPOptions{DSN: url, Transfers: 200, Accounts: 10, Clients: 4})
	if err != nil {
		t.Fatal(err)
	}
	checkFigures(t, res, 200)
	if res.Store != "postgres" {
		t.Errorf("store %q", res.Store)
	}
}

func checkFigures(t *testing.T, res *HTTPResult, n int) {
	t.Helper()
	near := func(a, b float64) bool { return math.Abs(a-b) <= 1e-9*math.Abs(b) }
	switch {
	case res.Transfers != n || res.BareRequests != n:
		t.Errorf("%d transfers acknowledged and %d bare requests answered, want %d each", res.Transfers, res.BareRequests, n)
	case res.Seconds <= 0 || res.BareSeconds <= 0:
		t.Errorf("seconds %v and %v", res.Seconds, res.BareSeconds)
	case !near(res.TransfersPerSecond, float64(n)/res.Seconds) || !near(res.BareRequestsPerSecond, float64(n)/res.BareSeconds):
		t.Errorf("rates %v and %v are not %d over %v and %v s", res.TransfersPerSecond, res.BareRequestsPerSecond, n, res.Seconds, res.BareSeconds)
	case !near(res.Ratio, res.TransfersPerSecond/res.BareRequestsPerSecond):
		t.Errorf("ratio %v, but the rates are %v and %v", res.Ratio, res.TransfersPerSecond, res.BareRequestsPerSecond)
	case res.P50MS <= 0 || res.P99MS < res.P50MS || res.BareP50MS <= 0 || res.BareP99MS < res.BareP50MS:
		t.Errorf("latencies p50 %v, p99 %v; bare p50 %v, p99 %v", res.P50MS, res.P99MS, res.BareP50MS, res.BareP99MS)
	case res.EngineBatches < 1 || res.EngineBatches > int64(n):
		t.Errorf("%d engine batches for %d transfers", res.EngineBatches, n)
	}
}

// checkStored reads the benchmark's database: transfers 1 to n as sent and no other,
// one transfer.created event each, and balances that are their sums.
func checkStored(t *testing.T, dsn string, sent []ledger.Transfer, accounts int) {
	t.Helper()
	ctx := context.Background()
	s, err := sqlite.Open(dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	ids := make([]int64, len(sent)+1)
	for i := range ids {
		ids[i] = int64(i + 1) // and one more, which must not be there
	}
	stored, err := s.TransfersByID(ctx, ids)
	if err != nil {
		t.Fatal(err)
	}
	if len(stored) != len(sent) {
		t.Fatalf("%d transfers stored of ids 1 to %d, want %d", len(stored), len(ids), len(sent))
	}
	byID := map[int64]ledger.Transfer{}
	for _, tr := range stored {
		byID[tr.ID] = tr
	}
	var sum int64
	debits, credits := map[int64]int64{}, map[int64]int64{}
	for _, want := range sent {
		got := byID[want.ID]
		if got.DebitAccountID != want.DebitAccountID || got.CreditAccountID != want.CreditAccountID || got.Amount != want.Amount || got.Currency != "CNY" {
			t.Errorf("transfer %d stored as %+v, sent as %+v", want.ID, got, want)
		}
		sum += want.Amount
		debits[want.DebitAccountID] += want.Amount
		credits[want.CreditAccountID] += want.Amount
	}

	head, err := s.Head(ctx)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[int64]int{}
	for from := int64(0); from < head.Size; {
		evs, err := s.Events(ctx, from, 1000)
		if err != nil {
			t.Fatal(err)
		}
		for _, ev := range evs {
			if ev.Type == "transfer.created" {
				seen[ev.TransferID]++
			}
		}
		from += int64(len(evs))
	}
	for _, tr := range sent {
		if seen[tr.ID] != 1 {
			t.Errorf("transfer %d has %d transfer.created events", tr.ID, seen[tr.ID])
		}
	}
	if len(seen) != len(sent) {
		t.Errorf("%d transfers in the log, %d sent", len(seen), len(sent))
	}

	var n int
	var total int64
	err = s.ScanAccounts(ctx, func(a *ledger.Account) error {
		n++
		total += a.DebitsPosted
		if a.DebitsPosted != debits[a.ID] || a.CreditsPosted != credits[a.ID] {
			t.Errorf("account %d: debits %d, credits %d; its transfers sum to %d and %d", a.ID, a.DebitsPosted, a.CreditsPosted, debits[a.ID], credits[a.ID])
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if n != accounts || total != sum {
		t.Errorf("%d accounts debited %d in all; want %d accounts and the %d sent", n, total, accounts, sum)
	}
}

// TestCheckLedger: the benchmark's own check refuses a ledger that is not what was
// sent.
func TestCheckLedger(t *testing.T) {
	ctx := context.Background()
	store, e, cleanup, err := openEngine(ctx, "", 0)
	if err != nil {
		t.Fatal(err)
	}
	defer cleanup()
	if err := createAccounts(ctx, e, 3); err != nil {
		t.Fatal(err)
	}
	ts := randomTransfers(3, 3, 1, false)
	resp, err := e.Submit(ctx, &engine.Request{CreateTransfers: ts[:2]})
	if err != nil {
		t.Fatal(err)
	}
	if err := allOK(resp, "transfer", 0); err != nil {
		t.Fatal(err)
	}
	if err := checkLedger(ctx, e, store, ts[:2]); err != nil {
		t.Fatalf("the ledger holds what was sent: %v", err)
	}
	other := append([]ledger.Transfer(nil), ts[:2]...)
	other[1].Amount++
	for _, tc := range []struct {
		name string
		sent []ledger.Transfer
		want string
	}{
		{"one more sent than stored", ts, "2 of the transfers 1 to 3 are on the ledger"},
		{"one more stored than sent", ts[:1], "largest transfer id is 2, after 1 transfers"},
		{"stored otherwise than sent", other, "transfer 2 is on the ledger as"},
	} {
		if err := checkLedger(ctx, e, store, tc.sent); err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("%s: %v, want %q", tc.name, err, tc.want)
		}
	}
}
