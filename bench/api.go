package bench

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"runtime"
	"strconv"
	"time"

	"linkfin"
	"linkfin/demo"
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
	srv, err := serveAPI(e, store, o.Clients)
	if err != nil {
		return nil, err
	}
	defer srv.close()

	o.log("running %d financings from %d clients…", o.Financings, o.Clients)
	mark := markStats(e)
	all, elapsed, err := timedLoad(o.Clients, o.Financings, o.Progress, func(i int) error {
		return finance(ctx, srv.client, srv.base, key, i, pieceID(o.Preload+i))
	})
	if err != nil {
		return nil, err
	}
	res := &APIResult{
		Store: store.Dialect(), Clients: o.Clients, Financings: o.Financings, PreloadedCertificates: o.Preload,
		Seconds: elapsed.Seconds(), FinancingsPerSecond: float64(o.Financings) / elapsed.Seconds(),
		RequestsPerSecond: 2 * float64(o.Financings) / elapsed.Seconds(),
		P50MS:             percentile(all, 0.50), P99MS: percentile(all, 0.99),
		PeakRSSBytes: peakRSS(), GoVersion: runtime.Version(), CPUs: runtime.NumCPU(),
	}
	res.EngineBatches, res.CommitMSPerBatch, res.PrefetchMSPerBatch = mark.since(e)
	return res, nil
}

// statsMark is where the engine's counters stood at the start of a run.
type statsMark struct{ batches, commit, prefetch int64 }

func markStats(e *engine.Engine) statsMark {
	st := e.Stats()
	return statsMark{st.Batches.Load(), st.CommitNanos.Load(), st.PrefetchNanos.Load()}
}

// since returns the batches the engine has committed since the mark, and their
// commit's and prefetch's mean milliseconds.
func (m statsMark) since(e *engine.Engine) (batches int64, commitMS, prefetchMS float64) {
	now := markStats(e)
	batches = now.batches - m.batches
	per := 1e6 * float64(max(1, batches))
	return batches, float64(now.commit-m.commit) / per, float64(now.prefetch-m.prefetch) / per
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

// loopback is a server listening on loopback, and a client to it.
type loopback struct {
	base   string // "http://127.0.0.1:port"
	client *http.Client
	close  func()
}

// serveAPI starts linkfin's API server on the engine and store, on loopback, as
// linkfin serve runs it but without its per-key rate limit (--rate-limit 0): the
// benchmark's clients share one key.
func serveAPI(e *engine.Engine, store linkfin.Store, clients int) (*loopback, error) {
	srv := lfhttp.NewServer(e, store, nil)
	return listen(clients, srv.Serve, func() { srv.Close(context.Background()) })
}

// listen opens a loopback port, has serve answer on it until stop, and makes a client
// that keeps up to clients connections open to it.
func listen(clients int, serve func(net.Listener), stop func()) (*loopback, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	serve(ln)
	t := &http.Transport{MaxIdleConnsPerHost: clients, MaxConnsPerHost: clients}
	return &loopback{base: "http://" + ln.Addr().String(), client: &http.Client{Transport: t, Timeout: time.Minute},
		close: func() { stop(); t.CloseIdleConnections() }}, nil
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
// anchor, a supplier and a bank; a program; and the pieces (see certify). It returns
// the supplier's API key.
func setUpFinancing(ctx context.Context, e *engine.Engine, pieces int) (string, error) {
	do := func(cs ...linkfin.Command) error { return demo.SubmitAll(ctx, e, cs) }
	if err := do(
		&services.CreateOrganization{Org: linkfin.Organization{ID: "anchor", Name: "Anchor", Capabilities: []linkfin.Capability{linkfin.CapAnchor, linkfin.CapTrade}}},
		&services.CreateOrganization{Org: linkfin.Organization{ID: "supplier", Name: "Supplier", Capabilities: []linkfin.Capability{linkfin.CapTrade}}},
		&services.CreateOrganization{Org: linkfin.Organization{ID: "bank", Name: "Bank", Capabilities: []linkfin.Capability{linkfin.CapFund}}},
	); err != nil {
		return "", err
	}
	if err := do(&services.ProposeRelationship{Actor: "anchor", BuyerID: "anchor", SellerID: "supplier"}); err != nil {
		return "", err
	}
	if err := do(&services.AcceptRelationship{Actor: "supplier", BuyerID: "anchor", SellerID: "supplier"}); err != nil {
		return "", err
	}
	ch := chain{anchor: "anchor", supplier: "supplier", program: "bench", funders: []string{"bank"}}
	if err := ch.openProgram(ctx, e, pieces); err != nil {
		return "", err
	}
	if err := ch.certify(ctx, e, pieces); err != nil {
		return "", err
	}
	secret, k := linkfin.NewAPIKey("supplier", linkfin.RoleFinance, "bench")
	if err := do(&services.CreateAPIKey{Key: k}); err != nil {
		return "", err
	}
	return secret, nil
}

// chain is where a preload writes its certificates: an anchor buying from a supplier
// (their relationship active), the program the anchor opens, and its funders.
type chain struct {
	anchor, supplier, program string
	funders                   []string
}

// openProgram opens the chain's program, large enough for the pieces, with its
// funders, each at a fixed price.
func (ch chain) openProgram(ctx context.Context, e *engine.Engine, pieces int) error {
	do := func(cs ...linkfin.Command) error { return demo.SubmitAll(ctx, e, cs) }
	rate := func(s string) linkfin.Rate { r, _ := linkfin.ParseRate(s); return r }
	fixed := rate("0.04")
	total := int64(pieces) * pieceFace
	// The chain's invoices are alike by construction — one supplier, one anchor, the
	// same amounts, the same day — so the program does not hold them as duplicates.
	noDuplicateCheck := 0
	if err := do(&services.CreateProgram{Actor: ch.anchor, Program: linkfin.Program{ID: ch.program, Name: "Bench", Currency: "CNY", Limit: 4 * total,
		Products: []linkfin.Product{linkfin.ProductCertificateDiscounting}, MaxTenorDays: 180, AdvanceRate: rate("0.8"),
		DayCount: linkfin.ACT360, Calendar: "WEEKEND", DuplicateWindowDays: &noDuplicateCheck}}); err != nil {
		return err
	}
	for _, f := range ch.funders {
		if err := do(&services.InviteFunder{Actor: ch.anchor, ProgramID: ch.program, FunderID: f, Limit: 2 * total, Pricing: linkfin.Pricing{FixedRate: &fixed}}); err != nil {
			return err
		}
		if err := do(&services.AcceptFunder{Actor: f, ProgramID: ch.program}); err != nil {
			return err
		}
	}
	return nil
}

// certify writes certificate pieces of 100.00 held by the supplier, named by pieceID:
// per 10,000 pieces, an order received, invoiced and approved, and its certificate
// split down to pieces.
func (ch chain) certify(ctx context.Context, e *engine.Engine, pieces int) error {
	do := func(cs ...linkfin.Command) error { return demo.SubmitAll(ctx, e, cs) }
	today := linkfin.BusinessDate(time.Now())
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
		if n == 1 {
			// A certificate of one piece is not split: it is the piece.
			root = pieceID(r * rootPieces)
		}
		for _, c := range []linkfin.Command{
			&services.CreatePurchaseOrder{Actor: ch.anchor, Order: linkfin.PurchaseOrder{ID: po, Number: po, SellerID: ch.supplier, ProgramID: ch.program, Currency: "CNY",
				Lines: []linkfin.POLine{{LineID: "1", Item: "part", Quantity: int64(n), Unit: "EA", UnitPrice: pieceFace}}}},
			&services.AcceptPurchaseOrder{Actor: ch.supplier, ID: po},
			&services.CreateGoodsReceipt{Actor: ch.anchor, Receipt: linkfin.GoodsReceipt{ID: "GR-" + po, POID: po, Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: int64(n)}}}},
			&services.CreateInvoice{Actor: ch.supplier, Invoice: linkfin.Invoice{ID: inv, Number: "INV-" + inv, BuyerID: ch.anchor, POID: po, Currency: "CNY",
				IssueDate: today, DueDate: today.AddDays(30 + r%150), Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: int64(n), UnitPrice: pieceFace, Amount: amount}}, Total: amount}},
			&services.ApproveInvoice{Actor: ch.anchor, ID: inv},
			&services.IssueCertificate{Actor: ch.anchor, ID: root, ProgramID: ch.program, PayableIDs: []string{linkfin.PayableID(inv)}},
		} {
			if err := do(c); err != nil {
				return err
			}
		}
		level = append(level, node{root, r * rootPieces, n})
	}
	// A tree of splits, at most 100 pieces each, down to pieces of 100.00: level
	// by level, so every split's parent exists; many splits per request.
	for depth := 0; len(level) > 0; depth++ {
		var next []node
		var batch []linkfin.Command
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
			batch = append(batch, &services.SplitCertificate{Actor: ch.supplier, ID: nd.id, Pieces: parts})
			if len(batch) == 64 {
				if err := do(batch...); err != nil {
					return err
				}
				batch = batch[:0]
			}
		}
		if len(batch) > 0 {
			if err := do(batch...); err != nil {
				return err
			}
		}
		level = next
	}
	return nil
}
