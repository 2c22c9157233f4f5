package bench

import (
	"context"
	"encoding/json"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"

	"linkfin"
	"linkfin/engine"
	"linkfin/services"
)

// BenchmarkFinancings runs bench api's financings straight through the engine, with no
// HTTP: 64 goroutines each submit a quote, with its idempotency key, then its
// acceptance, on a temporary SQLite store. One op is one financing. It measures the
// writer (prefetch, execution, commit) without the server and its clients, and reports
// the process's CPU time per financing, which a busy machine moves less than the rate:
//
//	go test ./bench/ -run '^$' -bench BenchmarkFinancings -benchtime 5000x -count 3
func BenchmarkFinancings(b *testing.B) {
	ctx := context.Background()
	const clients = 64
	_, e, cleanup, err := openEngine(ctx, "", 0)
	if err != nil {
		b.Fatal(err)
	}
	defer cleanup()
	if _, err := setUpFinancing(ctx, e, b.N); err != nil {
		b.Fatal(err)
	}
	run := func(key string, c linkfin.Command) (json.RawMessage, error) {
		resp, err := e.Submit(ctx, &engine.Request{IdempotencyKey: key, Commands: []linkfin.Command{c}})
		if err != nil {
			return nil, err
		}
		out := resp.Outcomes[0]
		return out.Value, out.Err()
	}
	cpu0 := cpuTime()
	b.ResetTimer()
	var next atomic.Int64
	var failed atomic.Value
	var wg sync.WaitGroup
	for range clients {
		wg.Go(func() {
			for i := int(next.Add(1) - 1); i < b.N; i = int(next.Add(1) - 1) {
				n, piece := strconv.Itoa(i), pieceID(i)
				v, err := run("quote-"+n, &services.RequestCertificateDiscounting{Actor: "supplier", ProgramID: "bench", PieceID: piece, FunderID: "bank"})
				var f struct {
					ID string `json:"id"`
				}
				if err == nil {
					err = json.Unmarshal(v, &f)
				}
				if err == nil {
					_, err = run("accept-"+n, &services.AcceptCertificateDiscounting{Actor: "supplier", ID: f.ID, PieceID: piece})
				}
				if err != nil {
					failed.CompareAndSwap(nil, err)
					return
				}
			}
		})
	}
	wg.Wait()
	b.StopTimer()
	cpu := cpuTime() - cpu0
	if err, _ := failed.Load().(error); err != nil {
		b.Fatal(err)
	}
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "financings/s")
	b.ReportMetric(float64(cpu.Microseconds())/float64(b.N), "cpu-µs/financing")
}

// TestAPIOnePiece: bench api runs whatever the number of pieces, one among them: a
// certificate of one piece (the first of a run of one financing, or the last of
// 10,001) is that piece, which the financing names.
func TestAPIOnePiece(t *testing.T) {
	res, err := API(context.Background(), APIOptions{Financings: 1, Clients: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Financings != 1 || res.FinancingsPerSecond <= 0 {
		t.Fatalf("%+v", res)
	}
}
