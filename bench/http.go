package bench

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strconv"

	"linkfin"
	"linkfin/demo"
	"linkfin/engine"
	"linkfin/ledger"
	"linkfin/services"
)

// HTTPOptions configure the HTTP ledger benchmark.
type HTTPOptions struct {
	DSN       string // "" for a fresh temporary SQLite file
	Transfers int    // requests of one transfer each
	Accounts  int    // accounts to spread them over
	Clients   int    // concurrent HTTP clients
	Hot       bool   // every transfer from account 1 to account 2
	Seed      uint64
	Log       io.Writer
	Progress  io.Writer
}

// HTTPResult is what an HTTP run measured: the same requests sent to linkfin's server
// and to a bare net/http handler, one after the other, by the same clients.
type HTTPResult struct {
	Store              string  `json:"store"`
	Hot                bool    `json:"hot"`
	Transfers          int     `json:"transfers"` // acknowledged, each checked on the ledger
	Accounts           int     `json:"accounts"`
	Clients            int     `json:"clients"`
	Seconds            float64 `json:"seconds"`
	TransfersPerSecond float64 `json:"transfers_per_second"`
	P50MS              float64 `json:"p50_ms"`
	P99MS              float64 `json:"p99_ms"`
	EngineBatches      int64   `json:"engine_batches"`
	CommitMSPerBatch   float64 `json:"commit_ms_per_batch"`
	PrefetchMSPerBatch float64 `json:"prefetch_ms_per_batch"`
	// The bare handler: reads the body and answers a fixed transfer.
	BareRequests          int     `json:"bare_requests"`
	BareSeconds           float64 `json:"bare_seconds"`
	BareRequestsPerSecond float64 `json:"bare_requests_per_second"`
	BareP50MS             float64 `json:"bare_p50_ms"`
	BareP99MS             float64 `json:"bare_p99_ms"`
	Ratio                 float64 `json:"ratio"` // transfers/s over the bare handler's requests/s
	PeakRSSBytes          int64   `json:"peak_rss_bytes"`
	GoVersion             string  `json:"go_version"`
	CPUs                  int     `json:"cpus"`
}

// Print writes the result for people.
func (r *HTTPResult) Print(w io.Writer) {
	spread := fmt.Sprintf("over %d accounts", r.Accounts)
	if r.Hot {
		spread = "all from account 1 to account 2"
	}
	fmt.Fprintf(w, "HTTP benchmark: %s store, %d transfers %s, one a request, from %d clients\n", r.Store, r.Transfers, spread, r.Clients)
	fmt.Fprintf(w, "  linkfin transfers/s   %12.0f   (%.2f s, %d engine batches)\n", r.TransfersPerSecond, r.Seconds, r.EngineBatches)
	fmt.Fprintf(w, "  latency               p50 %.2f ms, p99 %.2f ms\n", r.P50MS, r.P99MS)
	fmt.Fprintf(w, "  commit per batch      %12.2f ms\n", r.CommitMSPerBatch)
	fmt.Fprintf(w, "  prefetch per batch    %12.2f ms\n", r.PrefetchMSPerBatch)
	fmt.Fprintf(w, "  bare handler req/s    %12.0f   (%.2f s; p50 %.2f ms, p99 %.2f ms)\n", r.BareRequestsPerSecond, r.BareSeconds, r.BareP50MS, r.BareP99MS)
	fmt.Fprintf(w, "  ratio to bare handler %12.2f\n", r.Ratio)
	fmt.Fprintf(w, "  peak memory (RSS)     %12.1f MiB\n", float64(r.PeakRSSBytes)/(1<<20))
}

// HTTP posts transfers to the raw ledger of a real server on loopback, one a request
// (linkfin serve's router, authentication, idempotency and JSON, the engine and the
// store, with an operator key), and then the same requests to a bare net/http
// handler that reads the body and writes a fixed answer: the most this machine's
// HTTP stack answers. Every acknowledged transfer is then checked on the ledger.
func HTTP(ctx context.Context, o HTTPOptions) (*HTTPResult, error) {
	if o.Transfers <= 0 || o.Accounts < 2 || o.Clients <= 0 {
		return nil, errors.New("bench: transfers > 0, accounts >= 2 and clients > 0 are required")
	}
	if o.Seed == 0 {
		o.Seed = 1
	}
	store, e, cleanup, err := openEngine(ctx, o.DSN, 0)
	if err != nil {
		return nil, err
	}
	defer cleanup()

	o.log("creating %d accounts and an operator key…", o.Accounts)
	if err := createAccounts(ctx, e, o.Accounts); err != nil {
		return nil, err
	}
	secret, k := linkfin.NewAPIKey("", linkfin.RoleOperator, "bench")
	if err := demo.SubmitAll(ctx, e, []linkfin.Command{&services.CreateAPIKey{Key: k}}); err != nil {
		return nil, err
	}
	pool := o.Accounts
	if o.Hot {
		pool = 2 // the hot account 1 pays account 2, the only other
	}
	transfers := randomTransfers(o.Transfers, pool, o.Seed, o.Hot)
	bodies, err := transferBodies(transfers)
	if err != nil {
		return nil, err
	}

	send := func(to *loopback, i int) ([]byte, error) {
		return post(ctx, to.client, to.base+"/v1/transfers", secret, "transfer-"+strconv.Itoa(i+1), bodies[i], http.StatusCreated)
	}

	srv, err := serveAPI(e, store, o.Clients)
	if err != nil {
		return nil, err
	}
	defer srv.close()
	o.log("posting %d transfers from %d clients…", o.Transfers, o.Clients)
	var answer []byte // the answer to the first transfer, which the bare handler repeats
	mark := markStats(e)
	lat, d, err := timedLoad(o.Clients, o.Transfers, o.Progress, func(i int) error {
		b, err := send(srv, i)
		if i == 0 {
			answer = b
		}
		return err
	})
	if err != nil {
		return nil, err
	}
	res := &HTTPResult{
		Store: store.Dialect(), Hot: o.Hot, Transfers: len(lat), Accounts: o.Accounts, Clients: o.Clients,
		Seconds: d.Seconds(), TransfersPerSecond: float64(len(lat)) / d.Seconds(),
		P50MS: percentile(lat, 0.50), P99MS: percentile(lat, 0.99),
		GoVersion: runtime.Version(), CPUs: runtime.NumCPU(),
	}
	res.EngineBatches, res.CommitMSPerBatch, res.PrefetchMSPerBatch = mark.since(e)
	srv.close()
	o.log("checking every transfer on the ledger…")
	if err := checkLedger(ctx, e, store, transfers); err != nil {
		return nil, err
	}

	o.log("posting the same %d requests to a bare net/http handler…", o.Transfers)
	hs := &http.Server{Handler: bareHandler(answer)}
	bare, err := listen(o.Clients, func(ln net.Listener) { go hs.Serve(ln) }, func() { hs.Close() })
	if err != nil {
		return nil, err
	}
	defer bare.close()
	lat, d, err = timedLoad(o.Clients, o.Transfers, o.Progress, func(i int) error { _, err := send(bare, i); return err })
	if err != nil {
		return nil, err
	}
	res.BareRequests, res.BareSeconds = len(lat), d.Seconds()
	res.BareRequestsPerSecond = float64(len(lat)) / d.Seconds()
	res.BareP50MS, res.BareP99MS = percentile(lat, 0.50), percentile(lat, 0.99)
	res.Ratio = res.TransfersPerSecond / res.BareRequestsPerSecond
	res.PeakRSSBytes = peakRSS()
	return res, nil
}

// bareHandler reads the request's body and answers 201 with answer as JSON.
func bareHandler(answer []byte) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if _, err := io.ReadAll(r.Body); err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusCreated)
		w.Write(answer)
	})
}

// checkLedger checks that the store holds each of the transfers sent (transfers 1 to
// len(sent), in order) once, as sent, and no other, and that every account's balances
// are the sums of its transfers.
func checkLedger(ctx context.Context, e *engine.Engine, store linkfin.Store, sent []ledger.Transfer) error {
	// Balances are written lazily: a flush puts them all in the store.
	if _, err := e.Submit(ctx, &engine.Request{Flush: true}); err != nil {
		return err
	}
	debits, credits := map[int64]int64{}, map[int64]int64{}
	for from := 0; from < len(sent); from += 8192 {
		part := sent[from:min(from+8192, len(sent))]
		ids := make([]int64, len(part))
		for i, t := range part {
			ids[i] = t.ID
			debits[t.DebitAccountID] += t.Amount
			credits[t.CreditAccountID] += t.Amount
		}
		stored, err := store.TransfersByID(ctx, ids)
		if err != nil {
			return err
		}
		if len(stored) != len(part) {
			return fmt.Errorf("bench: %d of the transfers %d to %d are on the ledger, and all were acknowledged", len(stored), part[0].ID, part[len(part)-1].ID)
		}
		for _, got := range stored {
			t := sent[got.ID-1]
			if got.DebitAccountID != t.DebitAccountID || got.CreditAccountID != t.CreditAccountID || got.Amount != t.Amount ||
				got.Ledger != t.Ledger || got.Currency != t.Currency || got.Code != t.Code {
				return fmt.Errorf("bench: transfer %d is on the ledger as %+v, not as sent", t.ID, got)
			}
		}
	}
	head, err := store.Head(ctx)
	if err != nil {
		return err
	}
	if head.MaxTransferID != int64(len(sent)) {
		return fmt.Errorf("bench: the ledger's largest transfer id is %d, after %d transfers", head.MaxTransferID, len(sent))
	}
	return store.ScanAccounts(ctx, func(a *ledger.Account) error {
		if a.DebitsPosted != debits[a.ID] || a.CreditsPosted != credits[a.ID] || a.DebitsPending != 0 || a.CreditsPending != 0 {
			return fmt.Errorf("bench: account %d has posted debits %d and credits %d, pending %d and %d; its transfers sum to %d and %d",
				a.ID, a.DebitsPosted, a.CreditsPosted, a.DebitsPending, a.CreditsPending, debits[a.ID], credits[a.ID])
		}
		return nil
	})
}

func (o *HTTPOptions) log(format string, args ...any) {
	if o.Log != nil {
		fmt.Fprintf(o.Log, format+"\n", args...)
	}
}

// transferBodies encodes each transfer as POST /v1/transfers takes it.
func transferBodies(ts []ledger.Transfer) ([]string, error) {
	out := make([]string, len(ts))
	for i, t := range ts {
		b, err := json.Marshal(linkfin.TransferIn{ID: linkfin.ID(t.ID), DebitAccountID: linkfin.ID(t.DebitAccountID),
			CreditAccountID: linkfin.ID(t.CreditAccountID), Amount: t.Amount, Ledger: t.Ledger, Currency: t.Currency, Code: t.Code})
		if err != nil {
			return nil, err
		}
		out[i] = string(b)
	}
	return out, nil
}
