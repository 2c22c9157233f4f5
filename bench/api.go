package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"linkfin"
	"linkfin/engine"
	lfhttp "linkfin/http"
	"linkfin/services"
)

// APIOptions configure the API benchmark.
type APIOptions struct {
	DSN        string // "" for a fresh temporary SQLite file
	Financings int    // certificate financings to run, each quote + accept on its own piece
	Clients    int    // concurrent HTTP clients
	Preload    int    // certificate pieces already in the store before the run
	Log        io.Writer
	Progress   io.Writer
}

// APIResult is what an API run measured. A financing's latency is its quote's and its
// acceptance's round trips together.
type APIResult struct {
	Store                 string  `json:"store"`
	Clients               int     `json:"clients"`
	Financings            int     `json:"financings"`
	PreloadedCertificates int     `json:"preloaded_certificates"`
	Seconds               float64 `json:"seconds"`
	FinancingsPerSecond   float64 `json:"financings_per_second"`
	RequestsPerSecond     float64 `json:"requests_per_second"`
	P50MS                 float64 `json:"p50_ms"`
	P99MS                 float64 `json:"p99_ms"`
	EngineBatches         int64   `json:"engine_batches"`
	CommitMSPerBatch      float64 `json:"commit_ms_per_batch"`   // the store's commit, fsync included
	PrefetchMSPerBatch    float64 `json:"prefetch_ms_per_batch"` // the store's reads before a batch executes
	PeakRSSBytes          int64   `json:"peak_rss_bytes"`
	GoVersion             string  `json:"go_version"`
	CPUs                  int     `json:"cpus"`
}

// Print writes the result for people.
func (r *APIResult) Print(w io.Writer) {
	fmt.Fprintf(w, "API benchmark: %s store, %d certificate financings (quote + accept) from %d clients, %d certificates preloaded\n",
		r.Store, r.Financings, r.Clients, r.PreloadedCertificates)
	fmt.Fprintf(w, "  financings/s          %12.0f   (%.0f requests/s, %.2f s, %d engine batches)\n",
		r.FinancingsPerSecond, r.RequestsPerSecond, r.Seconds, r.EngineBatches)
	fmt.Fprintf(w, "  latency per financing p50 %.2f ms, p99 %.2f ms\n", r.P50MS, r.P99MS)
	fmt.Fprintf(w, "  commit per batch      %12.2f ms\n", r.CommitMSPerBatch)
	fmt.Fprintf(w, "  prefetch per batch    %12.2f ms\n", r.PrefetchMSPerBatch)
	fmt.Fprintf(w, "  peak memory (RSS)     %12.1f MiB\n", float64(r.PeakRSSBytes)/(1<<20))
}

// pieceFace is the face of every piece the benchmark finances: 100.00.
const pieceFace = 100_00

// API runs certificate financings over HTTP against a real server on loopback: the
// engine and store of linkfin serve, with its authentication, tenancy checks,
// idempotency and JSON, and a real HTTP client.
func API(ctx context.Context, o APIOptions) (*APIResult, error) {
	if o.Financings <= 0 || o.Clients <= 0 || o.Preload < 0 {
		return nil, errors.New("bench: financings > 0, clients > 0 and preload >= 0 are required")
	}
	store, e, cleanup, err := openEngine(ctx, o.DSN, 0)
	if err != nil {
		return nil, err
	}
	defer cleanup()

	pieces := o.Preload + o.Financings
	o.log("setting up a program and %d certificate pieces…", pieces)
	key, err := setUpFinancing(ctx, e, pieces)
	if err != nil {
		return nil, err
	}
	srv := lfhttp.NewServer(e, store, nil)
	if err := srv.Open("127.0.0.1:0"); err != nil {
		return nil, err
	}
	defer srv.Close(context.Background())
	client := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: o.Clients, MaxConnsPerHost: o.Clients}, Timeout: time.Minute}
	base := "http://" + srv.Addr()

	o.log("running %d financings from %d clients…", o.Financings, o.Clients)
	batches0, commit0, prefetch0 := e.Stats().Batches.Load(), e.Stats().CommitNanos.Load(), e.Stats().PrefetchNanos.Load()
	var next, done atomic.Int64
	stop := func() {}
	if o.Progress != nil {
		stop = progress(o.Progress, int64(o.Financings), &done)
	}
	latencies := make([][]time.Duration, o.Clients)
	errs := make(chan error, o.Clients)
	var wg sync.WaitGroup
	start := time.Now()
	for c := range o.Clients {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				i := int(next.Add(1)) - 1
				if i >= o.Financings {
					return
				}
				t0 := time.Now()
				if err := finance(ctx, client, base, key, i, pieceID(o.Preload+i)); err != nil {
					errs <- err
					return
				}
				latencies[c] = append(latencies[c], time.Since(t0))
				done.Add(1)
			}
		}()
	}
	wg.Wait()
	elapsed := time.Since(start)
	stop()
	close(errs)
	if err := <-errs; err != nil {
		return nil, err
	}
	all := slices.Concat(latencies...)
	slices.Sort(all)
	return &APIResult{
		Store: store.Dialect(), Clients: o.Clients, Financings: o.Financings, PreloadedCertificates: o.Preload,
		Seconds: elapsed.Seconds(), FinancingsPerSecond: float64(o.Financings) / elapsed.Seconds(),
		RequestsPerSecond: 2 * float64(o.Financings) / elapsed.Seconds(),
		P50MS:             percentile(all, 0.50), P99MS: percentile(all, 0.99),
		EngineBatches: e.Stats().Batches.Load() - batches0, PeakRSSBytes: peakRSS(),
		CommitMSPerBatch:   float64(e.Stats().CommitNanos.Load()-commit0) / 1e6 / float64(max(1, e.Stats().Batches.Load()-batches0)),
		PrefetchMSPerBatch: float64(e.Stats().PrefetchNanos.Load()-prefetch0) / 1e6 / float64(max(1, e.Stats().Batches.Load()-batches0)),
		GoVersion:          runtime.Version(), CPUs: runtime.NumCPU(),
	}, nil
}

func (o *APIOptions) log(format string, args ...any) {
	if o.Log != nil {
		fmt.Fprintf(o.Log, format+"\n", args...)
	}
}

func pieceID(i int) string { return "P-" + strconv.Itoa(i) }

// finance runs one financing as a supplier would: a quote, then its acceptance.
func finance(ctx context.Context, client *http.Client, base, key string, i int, piece string) error {
	n := strconv.Itoa(i)
	body := `{"product":"certificate_discounting","program_id":"bench","funder_id":"bank","asset_id":"` + piece + `"}`
	quote, err := post(ctx, client, base+"/v1/financings", key, "quote-"+n, body, http.StatusCreated)
	if err != nil {
		return err
	}
	// The platform names the financing: the quote answers its id.
	var f struct {
		ID string `json:"id"`
	}
	if err := json.Unmarshal(quote, &f); err != nil {
		return fmt.Errorf("bench: the quote: %w", err)
	}
	_, err = post(ctx, client, base+"/v1/financings/"+f.ID+"/accept", key, "accept-"+n, "", http.StatusOK)
	return err
}

// post sends a request and returns the answer's body.
func post(ctx context.Context, client *http.Client, url, key, idem, body string, want int) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, "POST", url, bytes.NewBufferString(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Authorization", "Bearer "+key)
	req.Header.Set("Idempotency-Key", idem)
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != want {
		return nil, fmt.Errorf("bench: POST %s: status %d: %s", url, resp.StatusCode, b)
	}
	return b, nil
}

// setUpFinancing runs the process up to certificate pieces held by a supplier: an
// anchor, a supplier and a bank; a program; per 10,000 pieces, an order received,
// invoiced and approved, and its certificate split down to pieces of 100.00. It returns
// the supplier's API key.
func setUpFinancing(ctx context.Context, e *engine.Engine, pieces int) (string, error) {
	do := func(cs ...engine.Command) error {
		resp, err := e.Submit(ctx, &engine.Request{Commands: cs})
		if err != nil {
			return err
		}
		for i, out := range resp.Outcomes {
			if err := out.Err(); err != nil {
				return fmt.Errorf("bench: set-up %s: %w", engine.Name(cs[i]), err)
			}
		}
		return nil
	}
	rate := func(s string) linkfin.Rate { r, _ := linkfin.ParseRate(s); return r }
	fixed := rate("0.04")
	today := linkfin.DateOf(time.Now())
	total := int64(pieces) * pieceFace
	if err := do(
		&services.CreateOrganization{Org: linkfin.Organization{ID: "anchor", Name: "Anchor", Capabilities: []linkfin.Capability{linkfin.CapAnchor, linkfin.CapTrade}}},
		&services.CreateOrganization{Org: linkfin.Organization{ID: "supplier", Name: "Supplier", Capabilities: []linkfin.Capability{linkfin.CapTrade}}},
		&services.CreateOrganization{Org: linkfin.Organization{ID: "bank", Name: "Bank", Capabilities: []linkfin.Capability{linkfin.CapFund}}},
	); err != nil {
		return "", err
	}
	if err := do(
		&services.ProposeRelationship{Actor: "anchor", BuyerID: "anchor", SellerID: "supplier"},
		&services.CreateProgram{Actor: "anchor", Program: linkfin.Program{ID: "bench", Name: "Bench", Currency: "CNY", Limit: 4 * total,
			Products: []linkfin.Product{linkfin.ProductCertificateDiscounting}, MaxTenorDays: 180, AdvanceRate: rate("0.8"),
			DayCount: linkfin.ACT360, Calendar: "WEEKEND"}},
	); err != nil {
		return "", err
	}
	if err := do(
		&services.AcceptRelationship{Actor: "supplier", BuyerID: "anchor", SellerID: "supplier"},
		&services.InviteFunder{Actor: "anchor", ProgramID: "bench", FunderID: "bank", Limit: 2 * total, Pricing: linkfin.Pricing{FixedRate: &fixed}},
	); err != nil {
		return "", err
	}
	if err := do(&services.AcceptFunder{Actor: "bank", ProgramID: "bench"}); err != nil {
		return "", err
	}
	// One certificate per rootPieces pieces, each from its own order and invoice, due
	// on its own day: a program's maturity index lists the pieces due on a day, and a
	// split rewrites its day's list, so a million pieces due on one day would make
	// every split read a list of a million.
	const rootPieces = 10_000
	type node struct {
		id    string
		first int // the first leaf it covers
		n     int // leaves it covers
	}
	var level []node
	for r := 0; r*rootPieces < pieces; r++ {
		n := min(rootPieces, pieces-r*rootPieces)
		amount := int64(n) * pieceFace
		po, inv, root := fmt.Sprintf("PO-%d", r), fmt.Sprintf("inv-%d", r), fmt.Sprintf("C-%d", r)
		for _, c := range []engine.Command{
			&services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: po, Number: po, SellerID: "supplier", ProgramID: "bench", Currency: "CNY",
				Lines: []linkfin.POLine{{LineID: "1", Item: "part", Quantity: int64(n), Unit: "EA", UnitPrice: pieceFace}}}},
			&services.AcceptPurchaseOrder{Actor: "supplier", ID: po},
			&services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "GR-" + po, POID: po, Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: int64(n)}}}},
			&services.CreateInvoice{Actor: "supplier", Invoice: linkfin.Invoice{ID: inv, Number: "INV-" + inv, BuyerID: "anchor", POID: po, Currency: "CNY",
				IssueDate: today, DueDate: today.AddDays(30 + r%150), Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: int64(n), UnitPrice: pieceFace, Amount: amount}}, Total: amount}},
			&services.ApproveInvoice{Actor: "anchor", ID: inv},
			&services.IssueCertificate{Actor: "anchor", ID: root, ProgramID: "bench", PayableIDs: []string{linkfin.PayableID(inv)}},
		} {
			if err := do(c); err != nil {
				return "", err
			}
		}
		level = append(level, node{root, r * rootPieces, n})
	}
	// A tree of splits, at most 100 pieces each, down to pieces of 100.00: level
	// by level, so every split's parent exists; many splits per request.
	for depth := 0; len(level) > 0; depth++ {
		var next []node
		var batch []engine.Command
		for _, nd := range level {
			if nd.n == 1 {
				continue
			}
			per := (nd.n + 99) / 100 // leaves per part: at most 100 parts, at least 2
			var parts []linkfin.Piece
			for first := nd.first; first < nd.first+nd.n; first += per {
				n := min(per, nd.first+nd.n-first)
				id := pieceID(first)
				if n > 1 {
					id = fmt.Sprintf("S%d-%d", depth, first)
				}
				parts = append(parts, linkfin.Piece{ID: id, Face: int64(n) * pieceFace})
				next = append(next, node{id, first, n})
			}
			batch = append(batch, &services.SplitCertificate{Actor: "supplier", ID: nd.id, Pieces: parts})
			if len(batch) == 64 {
				if err := do(batch...); err != nil {
					return "", err
				}
				batch = batch[:0]
			}
		}
		if len(batch) > 0 {
			if err := do(batch...); err != nil {
				return "", err
			}
		}
		level = next
	}
	secret, k := linkfin.NewAPIKey("supplier", linkfin.RoleFinance, "bench")
	if err := do(&services.CreateAPIKey{Key: k}); err != nil {
		return "", err
	}
	return secret, nil
}
