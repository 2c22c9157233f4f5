package ledger_test

import (
	"math/rand/v2"
	"testing"

	"linkfin/ledger"
)

// BenchmarkCreateTransfers measures batches of 8192 single transfers among 100,000
// accounts: Begin, CreateTransfers, Commit. Between batches the cache is evicted and
// reloaded now and then, as the engine does, outside the timed part.
func BenchmarkCreateTransfers(b *testing.B) {
	const (
		accounts = 100_000
		batch    = 8192
	)
	rows := make([]ledger.Account, accounts)
	for i := range rows {
		rows[i] = ledger.Account{ID: int64(i + 1), Ledger: 1, Currency: "CNY", Code: 1, Timestamp: int64(i + 1)}
	}
	s := ledger.NewState()
	load := func() {
		for _, a := range rows {
			s.LoadAccount(a)
		}
	}
	load()
	s.SetClock(accounts)
	rng := rand.New(rand.NewPCG(1, 2))
	req := make([]ledger.Transfer, batch)
	next, now, done := int64(1), t0, 0
	b.ReportAllocs()
	for b.Loop() {
		b.StopTimer()
		if s.Size() > accounts+16*batch {
			s.Evict()
			load()
		}
		for i := range req {
			dr := rng.Int64N(accounts) + 1
			cr := rng.Int64N(accounts-1) + 1
			if cr >= dr {
				cr++
			}
			req[i] = ledger.Transfer{ID: next, DebitAccountID: dr, CreditAccountID: cr, Amount: rng.Int64N(100_000) + 1,
				Ledger: 1, Currency: "CNY", Code: 1}
			next++
		}
		now += second
		b.StartTimer()

		s.Begin(now)
		res := s.CreateTransfers(req)
		s.Commit()

		b.StopTimer()
		for i, r := range res {
			if r != ledger.OK {
				b.Fatalf("transfer %d: %s", req[i].ID, r)
			}
		}
		done += batch
		b.StartTimer()
	}
	b.ReportMetric(float64(done)/b.Elapsed().Seconds(), "transfers/s")
}
