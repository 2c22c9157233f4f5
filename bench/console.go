package bench

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"regexp"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"time"

	"linkfin"
	"linkfin/console"
	"linkfin/demo"
	"linkfin/engine"
	"linkfin/services"
)

// ConsoleOptions configure the console benchmark.
type ConsoleOptions struct {
	DSN     string // "" for a fresh temporary SQLite file
	Preload int    // certificate pieces in the store, most held by the demo's tier-1 supplier
	Renders int    // renders of each page
	// Suppliers more of the anchor, each with a scorecard (addSuppliers), and the
	// scorecard reads measured of them per viewer (readScorecards; 0 for none).
	Suppliers      int
	ScorecardReads int
	// PerPage bounds the time spent rendering one page (at least 3 renders are made).
	PerPage  time.Duration
	Log      io.Writer
	Progress io.Writer
}

// PageResult is one page as one party's user sees it: its server time over its renders.
type PageResult struct {
	Party   string  `json:"party"` // the organization's id, or "operator"
	Page    string  `json:"page"`  // the page's address, record ids and cursors as {id}
	URL     string  `json:"url"`   // the address measured
	Renders int     `json:"renders"`
	Bytes   int     `json:"bytes"`
	P50MS   float64 `json:"p50_ms"`
	P95MS   float64 `json:"p95_ms"`
	MaxMS   float64 `json:"max_ms"`
}

// ConsoleResult is what a console run measured.
type ConsoleResult struct {
	Store                 string `json:"store"`
	PreloadedCertificates int    `json:"preloaded_certificates"`
	Financings            int    `json:"financings"`
	OpenPayables          int    `json:"open_payables"`
	Suppliers             int    `json:"suppliers"` // the anchor's suppliers beyond the demo's
	// Scorecards are the reads of suppliers' scorecards through the API, per viewer.
	Scorecards   []ScorecardReads `json:"scorecards"`
	Pages        []PageResult     `json:"pages"`
	Slowest      PageResult       `json:"slowest"` // the page of the highest p95
	SetupSeconds float64          `json:"setup_seconds"`
	PeakRSSBytes int64            `json:"peak_rss_bytes"`
	GoVersion    string           `json:"go_version"`
	CPUs         int              `json:"cpus"`
}

// Print writes the result for people.
func (r *ConsoleResult) Print(w io.Writer) {
	fmt.Fprintf(w, "Console benchmark: %s store, %d certificates preloaded, %d financings, %d open payables\n",
		r.Store, r.PreloadedCertificates, r.Financings, r.OpenPayables)
	if r.Suppliers > 0 {
		fmt.Fprintf(w, "  %d suppliers more of the anchor; scorecard reads through the API:\n", r.Suppliers)
		for _, s := range r.Scorecards {
			fmt.Fprintf(w, "  %-17s %6d reads  p50 %6.2f ms  p99 %6.2f ms  max %6.2f ms\n", s.Viewer, s.Reads, s.P50MS, s.P99MS, s.MaxMS)
		}
	}
	fmt.Fprintf(w, "  %-9s %-44s %7s %9s %9s %9s\n", "party", "page", "renders", "p50 ms", "p95 ms", "bytes")
	for _, p := range r.Pages {
		fmt.Fprintf(w, "  %-9s %-44s %7d %9.2f %9.2f %9d\n", p.Party, p.Page, p.Renders, p.P50MS, p.P95MS, p.Bytes)
	}
	fmt.Fprintf(w, "  slowest page: %s as %s, p95 %.2f ms (p50 %.2f ms)\n", r.Slowest.Page, r.Slowest.Party, r.Slowest.P95MS, r.Slowest.P50MS)
	fmt.Fprintf(w, "  setup %.0f s, peak memory (RSS) %.1f MiB\n", r.SetupSeconds, float64(r.PeakRSSBytes)/(1<<20))
}

// consoleChain is where the console benchmark's certificates are written: the demo's
// anchor buying from its tier-1 supplier, under a program of their own that the
// demo's two funders finance.
var consoleChain = chain{anchor: "anchor", supplier: "tier1", program: "bench", funders: []string{"bank", "factor"}}

// benchPassword is every benchmark user's password.
const benchPassword = "bench console password"

// Console measures the time the console takes to answer each of its pages, in
// process, on a store with the demo's supply chain and a user per organization, and
// Preload certificate pieces: tier1 holds most of them (one in a hundred passed on to
// tier2), the anchor owes them all, the two funders finance one in a hundred (half of
// those disbursed), and one order in two hundred pieces more is invoiced, approved and
// shipped with the demo's logistics operator, an open payable. Then each party's user
// signs in and follows every link of the console from its home page, as a person
// would, and every page it reaches is rendered Renders times.
func Console(ctx context.Context, o ConsoleOptions) (*ConsoleResult, error) {
	if o.Preload < 2 || o.Renders <= 0 || o.Suppliers < 0 || o.ScorecardReads < 0 {
		return nil, errors.New("bench: preload >= 2, renders > 0, suppliers >= 0 and scorecard reads >= 0 are required")
	}
	if o.PerPage <= 0 {
		o.PerPage = 10 * time.Second
	}
	store, e, cleanup, err := openEngine(ctx, o.DSN, 0)
	if err != nil {
		return nil, err
	}
	defer cleanup()
	start := time.Now()
	auth := services.NewAuth(store, e, make([]byte, 32))
	o.log("seeding the demo's supply chain and its users…")
	if err := seedConsole(ctx, e, auth); err != nil {
		return nil, err
	}
	o.log("writing %d certificate pieces…", o.Preload)
	ch := consoleChain
	if err := ch.openProgram(ctx, e, o.Preload); err != nil {
		return nil, err
	}
	if err := ch.certify(ctx, e, o.Preload); err != nil {
		return nil, err
	}
	res := &ConsoleResult{Store: store.Dialect(), PreloadedCertificates: o.Preload}
	o.log("passing, financing and invoicing…")
	if res.Financings, res.OpenPayables, err = ch.spread(ctx, e, o.Preload); err != nil {
		return nil, err
	}
	if o.Suppliers > 0 {
		o.log("writing %d suppliers of the anchor, each with a scorecard…", o.Suppliers)
		if err := ch.addSuppliers(ctx, e, o.Suppliers); err != nil {
			return nil, err
		}
		res.Suppliers = o.Suppliers
	}
	res.SetupSeconds = time.Since(start).Seconds()
	if o.Suppliers > 0 && o.ScorecardReads > 0 {
		o.log("reading scorecards…")
		if res.Scorecards, err = readScorecards(ctx, e, store, ch, o.Suppliers, o.ScorecardReads); err != nil {
			return nil, err
		}
	}

	c := console.New(store, e, auth, nil)
	for _, party := range consoleParties {
		o.log("crawling the console as %s…", party)
		pages, err := crawl(ctx, c, auth, party, o)
		if err != nil {
			return nil, err
		}
		res.Pages = append(res.Pages, pages...)
	}
	for _, p := range res.Pages {
		if p.P95MS > res.Slowest.P95MS {
			res.Slowest = p
		}
	}
	res.PeakRSSBytes, res.GoVersion, res.CPUs = peakRSS(), runtime.Version(), runtime.NumCPU()
	return res, nil
}

func (o *ConsoleOptions) log(format string, args ...any) {
	if o.Log != nil {
		fmt.Fprintf(o.Log, format+"\n", args...)
	}
}

// consoleParties are the users the benchmark signs in as: each of the demo's
// organizations, and the operator ("").
var consoleParties = func() []string {
	var out []string
	for _, o := range demo.Organizations {
		out = append(out, o.ID)
	}
	return append(out, "")
}()

// userName is the benchmark's user of an organization ("" for the operator).
func userName(org string) string {
	if org == "" {
		return "operator@bench"
	}
	return org + "@bench"
}

// seedConsole seeds the demo's supply chain and an admin user per organization, and
// the operator's user.
func seedConsole(ctx context.Context, e *engine.Engine, auth *services.Auth) error {
	cs := demo.SeedCommands()
	for _, org := range consoleParties {
		role := linkfin.RoleAdmin
		if org == "" {
			role = linkfin.RoleOperator
		}
		sealed, err := auth.SealPassword(userName(org), benchPassword)
		if err != nil {
			return err
		}
		cs = append(cs, &services.CreateUser{Actor: org, By: services.ByOperator, User: linkfin.User{OrgID: org, Name: userName(org), Role: role, Language: linkfin.LangEN}, Password: sealed})
	}
	if err := demo.SubmitAll(ctx, e, cs); err != nil {
		return err
	}
	// e-CNY wallets, whose pages the crawl reaches: tier1's corporate wallet with a
	// sub-wallet, and tier2's personal one.
	var corporate linkfin.ECNYWallet
	if err := e.Run(ctx, &services.OpenECNYWallet{OrgID: "tier1", In: linkfin.ECNYWalletIn{Limits: &linkfin.WalletLimits{
		Balance: 1_000_000_00, Payment: 100_000_00, Daily: 200_000_00, Yearly: 1_000_000_00}}}, &corporate); err != nil {
		return err
	}
	return demo.SubmitAll(ctx, e, []linkfin.Command{
		&services.OpenECNYWallet{Actor: "tier1", OrgID: "tier1", In: linkfin.ECNYWalletIn{ParentID: corporate.ID,
			Limits: &linkfin.WalletLimits{Balance: 10_000_00, Payment: 1_000_00, Daily: 2_000_00, Yearly: 10_000_00}}},
		&services.OpenECNYWallet{Actor: "tier2", OrgID: "tier2"},
	})
}

// spread gives the chain's pieces the life the console shows: one in a hundred passed
// on by the supplier to tier2; one in a hundred financed, by each funder in turn, and
// half of those disbursed; and one order in two hundred pieces more, shipped by the
// demo's logistics operator, received, invoiced and approved: an open payable. It
// returns the financings and the open payables made.
func (ch chain) spread(ctx context.Context, e *engine.Engine, pieces int) (financings, payables int, err error) {
	var batch []linkfin.Command
	flush := func() error {
		if len(batch) == 0 {
			return nil
		}
		err := demo.SubmitAll(ctx, e, batch)
		batch = batch[:0]
		return err
	}
	add := func(cs ...linkfin.Command) error {
		batch = append(batch, cs...)
		if len(batch) >= 256 {
			return flush()
		}
		return nil
	}
	for i := 50; i < pieces; i += 100 {
		if err := add(&services.TransferCertificate{Actor: ch.supplier, ID: pieceID(i), To: "tier2", Amount: pieceFace}); err != nil {
			return 0, 0, err
		}
	}
	if err := flush(); err != nil {
		return 0, 0, err
	}
	var accepted []string
	for i := 0; i < pieces; i += 100 {
		id := "F-" + strconv.Itoa(i)
		funder := ch.funders[financings%len(ch.funders)]
		if err := add(&services.RequestCertificateDiscounting{Actor: ch.supplier, ID: id, ProgramID: ch.program, PieceID: pieceID(i), FunderID: funder}); err != nil {
			return 0, 0, err
		}
		financings++
		accepted = append(accepted, id)
	}
	if err := flush(); err != nil {
		return 0, 0, err
	}
	for i, id := range accepted {
		if err := add(&services.AcceptCertificateDiscounting{Actor: ch.supplier, ID: id, PieceID: pieceID(i * 100)}); err != nil {
			return 0, 0, err
		}
	}
	if err := flush(); err != nil {
		return 0, 0, err
	}
	for i, id := range accepted {
		if i%2 == 0 {
			if err := add(&services.DisburseFinancing{Actor: ch.funders[i%len(ch.funders)], ID: id}); err != nil {
				return 0, 0, err
			}
		}
	}
	if err := flush(); err != nil {
		return 0, 0, err
	}
	today := linkfin.BusinessDate(time.Now())
	err = stepwise(ctx, e, pieces/200, 6, func(n, step int) linkfin.Command { return openPayableStep(ch, today, n, step) })
	return financings, pieces / 200, err
}

// stepwise runs n processes of steps commands each, step by step: the step'th command
// of many processes in one request, every process's earlier steps committed first.
func stepwise(ctx context.Context, e *engine.Engine, n, steps int, command func(i, step int) linkfin.Command) error {
	const perRequest = 256
	for first := 0; first < n; first += perRequest {
		last := min(first+perRequest, n)
		for step := range steps {
			batch := make([]linkfin.Command, 0, last-first)
			for i := first; i < last; i++ {
				batch = append(batch, command(i, step))
			}
			if err := demo.SubmitAll(ctx, e, batch); err != nil {
				return fmt.Errorf("bench: step %d: %w", step, err)
			}
		}
	}
	return nil
}

// openPayableStep is the step'th command of the n'th open payable's order.
func openPayableStep(ch chain, today linkfin.Date, n, step int) linkfin.Command {
	po, inv := fmt.Sprintf("PO-open-%d", n), fmt.Sprintf("inv-open-%d", n)
	switch step {
	case 0:
		return &services.CreatePurchaseOrder{Actor: ch.anchor, Order: linkfin.PurchaseOrder{ID: po, Number: po, SellerID: ch.supplier, ProgramID: ch.program, Currency: "CNY",
			Lines: []linkfin.POLine{{LineID: "1", Item: "part", Quantity: 1, Unit: "EA", UnitPrice: pieceFace}}}}
	case 1:
		return &services.AcceptPurchaseOrder{Actor: ch.supplier, ID: po}
	case 2:
		return &services.CreateShipment{Actor: ch.supplier, Shipment: linkfin.Shipment{ID: "SH-" + po, POID: po, CarrierID: "port"}}
	case 3:
		return &services.CreateGoodsReceipt{Actor: ch.anchor, Receipt: linkfin.GoodsReceipt{ID: "GR-" + po, POID: po, Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: 1}}}}
	case 4:
		return &services.CreateInvoice{Actor: ch.supplier, Invoice: linkfin.Invoice{ID: inv, Number: "INV-" + inv, BuyerID: ch.anchor, POID: po, Currency: "CNY",
			IssueDate: today, DueDate: today.AddDays(30 + n%150), Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: 1, UnitPrice: pieceFace, Amount: pieceFace}}, Total: pieceFace}}
	default:
		return &services.ApproveInvoice{Actor: ch.anchor, ID: inv}
	}
}

// consoleLink is a link of the console's own on a page.
var consoleLink = regexp.MustCompile(`href="(/[^"#]*)"`)

// recordPath is the address of a record's page: its id is one of many of the same page.
var recordPath = regexp.MustCompile(`^/(invoices|pieces|financings|receipts|payables|orders|programs|ecny|conditional-payments|audit/events)/[^/?]+`)

// pageKey names the page an address shows: a record's id, a list's cursor and an
// offer's asset are one page whatever their value.
func pageKey(u *url.URL) string {
	path := recordPath.ReplaceAllString(u.Path, "/$1/{id}")
	q := u.Query()
	for _, k := range []string{"after", "history_after", "asset", "seq", "id", "org"} {
		if q.Has(k) {
			q.Set(k, "{id}")
		}
	}
	if len(q) == 0 {
		return path
	}
	s, _ := url.QueryUnescape(q.Encode())
	return path + "?" + s
}

// perPage is how many addresses of one page are measured: two records of a kind, two
// pages of a list.
const perPage = 2

// crawl signs in as the party's user and follows every link from the home page,
// breadth first, measuring every page it reaches (up to perPage addresses of each).
// A downloaded table (format=csv) is the whole list, not a page: it is not measured.
func crawl(ctx context.Context, c *console.Console, auth *services.Auth, party string, o ConsoleOptions) ([]PageResult, error) {
	si, err := auth.SignIn(ctx, linkfin.SignInIn{Name: userName(party), Password: benchPassword}, "127.0.0.1")
	if err != nil {
		return nil, fmt.Errorf("bench: signing in as %s: %w", userName(party), err)
	}
	cookie := &http.Cookie{Name: "linkfin_session", Value: si.Token}
	get := func(target string) (int, string, time.Duration) {
		req := httptest.NewRequestWithContext(ctx, "GET", target, nil)
		req.AddCookie(cookie)
		rec := httptest.NewRecorder()
		t0 := time.Now()
		c.ServeHTTP(rec, req)
		return rec.Code, rec.Body.String(), time.Since(t0)
	}
	name := party
	if name == "" {
		name = "operator"
	}
	var out []PageResult
	queue, seen, perKey := []string{"/"}, map[string]bool{"/": true}, map[string]int{"/": 1}
	from := map[string]string{} // the page that first linked each address
	for len(queue) > 0 {
		target := queue[0]
		queue = queue[1:]
		u, _ := url.Parse(target)
		code, body, first := get(target)
		if code != http.StatusOK {
			return nil, fmt.Errorf("bench: %s: GET %s (linked from %s) answered %d", name, target, from[target], code)
		}
		times := []time.Duration{first}
		var spent time.Duration = first
		for len(times) < o.Renders && (spent < o.PerPage || len(times) < 3) {
			code, _, d := get(target)
			if code != http.StatusOK {
				return nil, fmt.Errorf("bench: %s: GET %s answered %d", name, target, code)
			}
			times = append(times, d)
			spent += d
		}
		slices.Sort(times)
		out = append(out, PageResult{Party: name, Page: pageKey(u), URL: target, Renders: len(times), Bytes: len(body),
			P50MS: percentile(times, 0.50), P95MS: percentile(times, 0.95), MaxMS: percentile(times, 1)})
		for _, m := range consoleLink.FindAllStringSubmatch(body, -1) {
			next := strings.ReplaceAll(m[1], "&amp;", "&")
			nu, err := url.Parse(next)
			if err != nil || strings.HasPrefix(nu.Path, "/static/") || nu.Path == "/language" || nu.Query().Get("format") == "csv" || seen[next] {
				continue
			}
			seen[next], from[next] = true, target
			if k := pageKey(nu); perKey[k] < perPage {
				perKey[k]++
				queue = append(queue, next)
			}
		}
	}
	return out, nil
}
