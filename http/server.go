// Package http serves linkfin's REST API (DESIGN §5) over the engine and the store:
// JSON in and out, RFC 9457 problem details with stable codes, idempotency keys,
// cursor pagination, health and Prometheus metrics.
package http

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"path"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"linkfin"
	"linkfin/engine"
	"linkfin/internal/ratelimit"
	"linkfin/services"
)

// MaxBodyBytes bounds a request body, but for an e-invoice's and a bank's document.
const MaxBodyBytes = 1 << 20

// MaxEInvoiceBytes bounds the body of a UBL invoice or credit note (application/xml on
// POST /v1/invoices and POST /v1/credit-notes): PEPPOL invoices embed their PDF, in
// base64, and often run past MaxBodyBytes.
const MaxEInvoiceBytes = 16 << 20

// MaxBankDocumentBytes bounds the body of a bank's ISO 20022 document (a camt.053
// statement on POST /v1/bank-statements, a pain.002 report on POST
// /v1/payment-files/{id}/status): a month's statement of a busy account holds thousands
// of entries, and a report answering a file of 10,000 instructions may echo each one.
const MaxBankDocumentBytes = 16 << 20

// MaxHeaderBytes bounds a request's head: its request line and header fields, each
// with its line's end, as headBytes counts them. A larger head is refused in the API's
// form, 431 header_too_large, before the request is routed or its key read.
const MaxHeaderBytes = 64 << 10

// maxHeadBytes is what the server reads of a request's head at all (http.Server's
// MaxHeaderBytes, Go's default): a head beyond it (and the few KiB Go's reader
// allows past it) is answered by net/http itself, 431 in text/plain, before linkfin
// sees the request. Between MaxHeaderBytes and it, linkfin answers.
const maxHeadBytes = http.DefaultMaxHeaderBytes

// Server is linkfin's HTTP API.
type Server struct {
	Engine *engine.Engine
	Store  linkfin.Store
	Logger *slog.Logger
	// WebhookKey is the platform's webhook key: endpoints' signing secrets derive from it.
	WebhookKey []byte
	// Auth signs users in and finds their sessions; without it, no one signs in and
	// only keys open the API. The console shares it.
	Auth *services.Auth
	// Pages, if set, serves every path outside the API (the web console): the API is
	// /v1/ and the probes; what the API does not route there still answers problem+json.
	Pages http.Handler
	// HTTPS says that clients reach the server over HTTPS though it serves plain HTTP
	// (a TLS-terminating proxy in front): its cookies are then marked Secure, as they
	// are for a request that came over TLS to the server itself.
	HTTPS bool

	mux *http.ServeMux
	// unclean answers a path of the API's that is not in its clean form.
	unclean http.HandlerFunc
	// headTooLarge answers a request whose head is larger than MaxHeaderBytes.
	headTooLarge http.HandlerFunc
	routes       []Route
	// locations are, by the pattern of a route that answers 201 with a record, the
	// path that reads the record, but for its id: "/v1/transfers/" (findLocations).
	locations map[string]string
	secrets   map[string][]string // by route pattern, its body's secret fields (secretFields)
	limits    *ratelimit.Keyed    // requests per API key or user
	fails     *ratelimit.Keyed    // failed authentications per source address
	keys      keyCache
	watchMu   sync.Mutex
	watching  *services.Auth // the Auth that tells keys of users' changes (watchUsers)
	registry  *prometheus.Registry
	requests  *prometheus.CounterVec
	latency   *prometheus.HistogramVec
	srv       *http.Server
	ln        net.Listener
}

// NewServer builds the router. API keys are records of the store: see
// services.CreateAPIKey and services.BootstrapOperator.
func NewServer(e *engine.Engine, s linkfin.Store, logger *slog.Logger) *Server {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	srv := &Server{Engine: e, Store: s, Logger: logger, mux: http.NewServeMux()}
	srv.metrics()

	health := reflect.TypeFor[linkfin.Health]()
	srv.handle(Route{Pattern: "GET /healthz", Access: Public, Out: health, Summary: "The process is up."}, srv.healthz)
	srv.handle(Route{Pattern: "GET /readyz", Access: Public, Out: health, Summary: "The store answers."}, srv.readyz)
	// Metrics tell the platform's load and its tenants' traffic: operator keys alone.
	srv.handle(Route{Pattern: "GET /metrics", Access: Operator, Summary: "Prometheus metrics (an operator key).", Text: true},
		promhttp.HandlerFor(srv.registry, promhttp.HandlerOpts{}).ServeHTTP)

	srv.ledgerRoutes()
	srv.domainRoutes()
	srv.userRoutes()
	srv.openAPIRoute()
	// What no route takes still answers problem+json with a code.
	srv.mux.HandleFunc("/", srv.wrap(Route{Pattern: "unrouted", Access: Public}, srv.unrouted))
	srv.unclean = srv.wrap(Route{Pattern: "unrouted", Access: Public}, func(w http.ResponseWriter, r *http.Request) {
		apiHeaders(w.Header(), srv.secure(r)) // "//v1/…" too, which apiPath does not take
		writeError(w, r, linkfin.Errorf(linkfin.ENOTFOUND, "no such resource: %s (a path has no empty, . or .. segment)", r.URL.Path))
	})
	srv.headTooLarge = srv.wrap(Route{Pattern: "unrouted", Access: Public}, func(w http.ResponseWriter, r *http.Request) {
		apiHeaders(w.Header(), srv.secure(r))
		writeError(w, r, linkfin.Errorf(EHEADERTOOLARGE, "the request line and header fields are larger than %d bytes", MaxHeaderBytes))
	})
	srv.locations = findLocations(srv.routes)
	return srv
}

// findLocations finds, for each route that answers 201 with a value, the route that
// reads the record made by its id (GET …/{id}, not a list), and keeps its path up to
// the id: the collection posted to, where it has one (a transfer made by POST
// /v1/transfers is read at /v1/transfers/{id}), else the one route that reads a value
// of that type (a credit note made by POST /v1/invoices/{id}/credit-notes, at
// /v1/credit-notes/{id}). A record no route reads by its id alone has none.
func findLocations(routes []Route) map[string]string {
	paths := make(map[string]bool)
	readers := make(map[reflect.Type][]string)
	for _, rt := range routes {
		if path, ok := strings.CutSuffix(rt.Path(), "/{id}"); ok && rt.Method() == http.MethodGet && !rt.List && rt.Out != nil &&
			!strings.Contains(path, "{") {
			paths[path] = true
			readers[rt.Out] = append(readers[rt.Out], path+"/")
		}
	}
	out := make(map[string]string)
	for _, rt := range routes {
		switch {
		case rt.Status != http.StatusCreated || rt.Out == nil:
		case paths[rt.Path()]:
			out[rt.Pattern] = rt.Path() + "/"
		case len(readers[rt.Out]) == 1:
			out[rt.Pattern] = readers[rt.Out][0]
		}
	}
	return out
}

// unrouted answers 405 when the path has routes for other methods, else 404. Allow
// lists HEAD beside GET: a GET route answers HEAD too (RFC 9110 §9.3.2).
func (s *Server) unrouted(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost, http.MethodPatch, http.MethodDelete} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "/" && pattern != "" {
			allow = append(allow, m)
			if m == http.MethodGet {
				allow = append(allow, http.MethodHead)
			}
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		use := allow[len(allow)-1]
		if len(allow) > 1 {
			use = strings.Join(allow[:len(allow)-1], ", ") + " or " + use
		}
		writeError(w, r, linkfin.Errorf(EMETHOD, "%s is not allowed here; use %s", r.Method, use))
		return
	}
	if s.Pages != nil && !apiPath(r.URL.Path) {
		s.Pages.ServeHTTP(w, r)
		return
	}
	writeError(w, r, linkfin.Errorf(linkfin.ENOTFOUND, "no such resource: %s", r.URL.Path))
}

// apiPath reports a path of the API's: under /v1, or a probe.
func apiPath(p string) bool {
	return p == "/v1" || strings.HasPrefix(p, "/v1/") || p == "/healthz" || p == "/readyz" || p == "/metrics"
}

// Route is one route of the API, as the router, the OpenAPI document and the tests
// see it.
type Route struct {
	Pattern string // "POST /v1/invoices/{id}/approve"
	Access  Access
	Money   bool         // moves money, or announces it (an expected payment): an Idempotency-Key is required
	Kind    string       // the kind of the record {id} names: the caller must be party to it
	Query   []string     // the query parameters it takes; any other is refused
	Status  int          // the status of success (200 if 0)
	In      reflect.Type // the JSON body, nil for none
	// BodyOptional: In may be left out (an empty body), read as its zero value.
	BodyOptional bool
	Out          reflect.Type // the JSON answer, nil for none
	List         bool         // Out is the element of a cursor-paginated list
	Text         bool         // the answer is text, not JSON
	XML          bool         // the body is an XML document (described in xmlBodies), not JSON
	Table        bool         // Out also answers as a table of items and values, with Accept: text/csv
	// Totals: the answer sums totals of the ordered index, and one beyond an int64
	// answers 422 total_too_large.
	Totals  bool
	Summary string
}

// Method and Path split the pattern.
func (r *Route) Method() string { m, _, _ := strings.Cut(r.Pattern, " "); return m }

// Path is the pattern's path, with its {wildcards}.
func (r *Route) Path() string { _, p, _ := strings.Cut(r.Pattern, " "); return p }

// Routes lists every route, for tests that walk the whole API and for the OpenAPI
// document.
func (s *Server) Routes() []Route { return append([]Route(nil), s.routes...) }

// ServeHTTP implements http.Handler.
// A path of the API's that is not in its clean form (a "//", or a "." or ".."
// segment, spelled out or escaped) names no resource: it answers 404 as any path no
// route takes, with a problem. The router would answer it with a redirect to the
// clean path, an HTML page without the API's headers, which a client that follows it
// would send its request, body and all, to another resource than the one it named.
//
// A request whose head is larger than MaxHeaderBytes is refused before it is routed
// or its key read: 431 header_too_large.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if headBytes(r) > MaxHeaderBytes {
		s.headTooLarge(w, r)
		return
	}
	if p := r.URL.Path; r.Method != http.MethodConnect && cleanPath(p) != p && (apiPath(p) || apiPath(cleanPath(p))) {
		s.unclean(w, r)
		return
	}
	s.mux.ServeHTTP(w, r)
}

// headBytes is the size of a request's head as it came over HTTP/1.1: its request
// line and each header field's line (the Host too), with their line ends, and the
// empty line that ends them. Go's reader keeps each field's value without the spaces
// around it, and its name in its canonical form, of the same length: the size is the
// head's as sent, but for such spaces.
func headBytes(r *http.Request) int {
	n := len(r.Method) + 1 + len(r.RequestURI) + 1 + len(r.Proto) + 2 + 2
	if r.Host != "" {
		n += len("Host: ") + len(r.Host) + 2
	}
	for name, values := range r.Header {
		for _, v := range values {
			n += len(name) + 2 + len(v) + 2
		}
	}
	return n
}

// cleanPath is the clean form of a path, as the router finds it: rooted, without
// empty, . or .. segments, and with a trailing slash if it had one.
func cleanPath(p string) string {
	if p == "" {
		return "/"
	}
	if p[0] != '/' {
		p = "/" + p
	}
	clean := path.Clean(p)
	if p[len(p)-1] == '/' && clean != "/" {
		clean += "/"
	}
	return clean
}

func (s *Server) metrics() {
	s.registry = prometheus.NewRegistry()
	s.registry.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	s.requests = prometheus.NewCounterVec(prometheus.CounterOpts{
		Name: "linkfin_http_requests_total", Help: "HTTP requests by route and status.",
	}, []string{"route", "status"})
	s.latency = prometheus.NewHistogramVec(prometheus.HistogramOpts{
		Name: "linkfin_http_request_seconds", Help: "HTTP request latency by route.",
		Buckets: prometheus.ExponentialBuckets(0.0005, 2, 14),
	}, []string{"route"})
	s.registry.MustRegister(s.requests, s.latency)
	if s.Engine != nil {
		st := s.Engine.Stats()
		counter := func(name, help string, f func() float64) {
			s.registry.MustRegister(prometheus.NewCounterFunc(prometheus.CounterOpts{Name: name, Help: help}, f))
		}
		counter("linkfin_engine_batches_total", "Batches committed by the engine.", func() float64 { return float64(st.Batches.Load()) })
		counter("linkfin_engine_requests_total", "Requests executed by the engine.", func() float64 { return float64(st.Requests.Load()) })
		counter("linkfin_engine_items_total", "Accounts and transfers submitted to the engine.", func() float64 { return float64(st.Items.Load()) })
		counter("linkfin_engine_events_total", "Events appended to the log.", func() float64 { return float64(st.Events.Load()) })
		counter("linkfin_engine_commit_seconds_total", "Time spent committing batches.", func() float64 { return float64(st.CommitNanos.Load()) / 1e9 })
		counter("linkfin_engine_prefetch_seconds_total", "Time spent reading the store before batches.", func() float64 { return float64(st.PrefetchNanos.Load()) / 1e9 })
		counter("linkfin_engine_cache_evictions_total", "Times the engine dropped its record cache for its size.", func() float64 { return float64(st.Evictions.Load()) })
	}
}

type statusWriter struct {
	http.ResponseWriter
	status int
	// location is where the record a 201 answers is read, its id to follow: the path
	// of the route that reads it (Server.locations); "" for a route that makes none.
	location string
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// Unwrap is the writer it wraps, for http.ResponseController.
func (w *statusWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// handle registers a route with logging, metrics, request ids, authentication, rate
// limits and the route's access check.
func (s *Server) handle(rt Route, h http.HandlerFunc) {
	s.routes = append(s.routes, rt)
	if secrets := secretFields(rt.In); secrets != nil {
		if s.secrets == nil {
			s.secrets = make(map[string][]string)
		}
		s.secrets[rt.Pattern] = secrets
	}
	if rt.List {
		h = csvList(rt, h)
	}
	s.mux.HandleFunc(rt.Pattern, s.wrap(rt, h))
}

func (s *Server) wrap(rt Route, h http.HandlerFunc) http.HandlerFunc {
	latency := s.latency.WithLabelValues(rt.Pattern)
	// The answer's form follows Accept (CSV, XML or JSON): RFC 9110 §12.5.5.
	varies := rt.List || rt.Table || xmlAnswers[rt.Pattern] != ""
	return func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if !requestID(id) {
			var b [8]byte
			rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-Id", id)
		if apiPath(r.URL.Path) {
			apiHeaders(w.Header(), s.secure(r))
		}
		if varies {
			w.Header().Add("Vary", "Accept")
		}
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK, location: s.locations[rt.Pattern]}
		ctx := context.WithValue(r.Context(), requestIDKey{}, id)
		r = r.WithContext(ctx)
		p, err := s.admit(sw, r, rt)
		if err != nil {
			writeError(sw, r, err)
		} else {
			if p != nil {
				r = r.WithContext(withPrincipal(ctx, p))
			}
			h(sw, r)
		}
		d := time.Since(start)
		s.requests.WithLabelValues(rt.Pattern, http.StatusText(sw.status)).Inc()
		latency.Observe(d.Seconds())
		if s.Logger.Enabled(ctx, slog.LevelDebug) {
			attrs := []slog.Attr{slog.String("id", id), slog.String("route", rt.Pattern),
				slog.Int("status", sw.status), slog.Duration("took", d)}
			if p != nil {
				attrs = append(attrs, slog.String("key", p.KeyID), slog.String("org", p.Org))
			}
			s.Logger.LogAttrs(ctx, slog.LevelDebug, "request", attrs...)
		}
	}
}

// requestID reports whether a client's X-Request-Id is kept as the request's id: 1 to
// 64 of a URI's unreserved characters (RFC 3986 §2.3), so that it is a problem's
// instance as it is (urn:request:<id>, a URI: RFC 9457 §3.1.5) and a log's field
// without quoting. Another is replaced by one made up.
func requestID(id string) bool {
	if id == "" || len(id) > 64 {
		return false
	}
	for _, c := range []byte(id) {
		if !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-' || c == '.' || c == '_' || c == '~') {
			return false
		}
	}
	return true
}

// apiHeaders are the headers of every answer of the API (OWASP's REST Security Cheat
// Sheet): no cache keeps it (an answer is one principal's, and some carry a secret shown
// once, as a new API key's), no browser sniffs it as anything but its Content-Type or
// renders or frames it as a page, and a client that reached it over HTTPS keeps to
// HTTPS for a year (RFC 6797; secure: the request came over TLS, or --https says
// clients reach the server so).
func apiHeaders(h http.Header, secure bool) {
	h.Set("Cache-Control", "no-store")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	if secure {
		h.Set("Strict-Transport-Security", HSTS)
	}
}

// HSTS is the Strict-Transport-Security of an answer to a request over HTTPS, the
// API's and the console's: a year, for this host alone.
const HSTS = "max-age=31536000"

// admit refuses an address that is not text (CheckURL; the console checks its own),
// authenticates the request, applies the key's rate limit, the route's access and its
// query parameters, and returns the principal (nil for a public route).
func (s *Server) admit(w http.ResponseWriter, r *http.Request, rt Route) (*principal, error) {
	query, queryErr := url.ParseQuery(r.URL.RawQuery) // once, for both checks
	if queryErr != nil {
		query = nil
	}
	if err := checkAddress(r.URL.Path, query); err != nil && (s.Pages == nil || apiPath(r.URL.Path)) {
		return nil, err
	}
	if rt.Access == Public {
		if rt.Pattern == "unrouted" { // a page's query is the page's
			return nil, nil
		}
		return nil, checkRequestShape(r, rt, query, queryErr)
	}
	_, cookieErr := r.Cookie(SessionCookie)
	src, credentials := source(r), r.Header.Get("Authorization") != "" || cookieErr == nil
	if d, limited := s.fails.Limited(src); limited && credentials {
		w.Header().Set("Retry-After", retryAfter(d))
		return nil, linkfin.Errorf(EAUTHLIMITED, "too many failed authentications from this address; retry in %s s", retryAfter(d))
	}
	p, err := s.authenticate(r)
	if err != nil {
		if credentials && linkfin.ErrorCode(err) == linkfin.EUNAUTHORIZED {
			s.fails.Spend(src)
		}
		return nil, err
	}
	if err := checkRequestShape(r, rt, query, queryErr); err != nil {
		return nil, err
	}
	if p.session != nil {
		if err := sessionChecks(r, rt, p.session); err != nil {
			return nil, err
		}
	}
	if d, ok := s.limits.Allow(p.limitKey()); !ok {
		w.Header().Set("Retry-After", retryAfter(d))
		return nil, linkfin.Errorf(ERATELIMITED, "too many requests with this key; retry in %s", d.Round(time.Millisecond))
	}
	if err := allowed(p, rt.Access); err != nil {
		return nil, err
	}
	if rt.Money && r.Header.Get("Idempotency-Key") == "" {
		return nil, linkfin.Errorf(EKEYREQUIRED, "this request moves money: send an Idempotency-Key header, and the same one on every retry")
	}
	return p, nil
}

// checkRequestShape refuses, on every route, a request that could be read two ways or
// that says what the route does not take: a query string that does not parse, a query
// parameter given twice, given empty (after aside) or that the route does not take, an Authorization,
// Idempotency-Key, Content-Type or X-CSRF-Token header sent twice, and, on a request
// without Authorization, the session cookie sent twice (a cookie another site under
// the same domain set beside linkfin's would be one of them). query and queryErr are
// the query string parsed.
func checkRequestShape(r *http.Request, rt Route, query url.Values, queryErr error) error {
	if queryErr != nil {
		return linkfin.Errorf(linkfin.EINVALID, "the query string is malformed: %v", queryErr)
	}
	for _, h := range []string{"Authorization", "Idempotency-Key", "Content-Type", "X-CSRF-Token"} {
		if len(r.Header.Values(h)) > 1 {
			return linkfin.Errorf(linkfin.EINVALID, "the %s header is sent more than once: send it once", h)
		}
	}
	if r.Header.Get("Authorization") == "" && len(r.CookiesNamed(SessionCookie)) > 1 {
		return linkfin.Errorf(linkfin.EINVALID, "the %s cookie is sent more than once: send it once", SessionCookie)
	}
	for name, values := range query {
		if len(values) > 1 {
			return linkfin.Errorf(linkfin.EINVALID, "query parameter %q is given %d times: give it once", name, len(values))
		}
		if !slices.Contains(rt.Query, name) {
			if len(rt.Query) == 0 {
				return linkfin.Errorf(linkfin.EINVALID, "unknown query parameter %q: this takes none", name)
			}
			return linkfin.Errorf(linkfin.EINVALID, "unknown query parameter %q (this takes %s)", name, strings.Join(rt.Query, ", "))
		}
		// A parameter given empty (status=, or status alone) is not read as its absence:
		// no status, limit or date is empty, and a client that sends one has lost the
		// value it meant. after= alone is the first page, as a list's first cursor.
		if values[0] == "" && name != "after" {
			return linkfin.Errorf(linkfin.EINVALID, "query parameter %q is empty: give it a value, or leave it out", name)
		}
	}
	return nil
}

type requestIDKey struct{}

// crossOrigin refuses a browser's request that changes something and comes from
// another origin (by Sec-Fetch-Site, or Origin against Host).
var crossOrigin = http.NewCrossOriginProtection()

// sessionChecks applies to a request a session's cookie authenticates: one that
// changes anything comes from the API's own origin and carries the session's CSRF
// token (X-CSRF-Token), so that another site cannot make a signed-in browser send
// it; and a session that must first enroll a second factor does nothing else.
func sessionChecks(r *http.Request, rt Route, si *services.SignedIn) error {
	if m := rt.Method(); m != http.MethodGet && m != http.MethodHead {
		if err := crossOrigin.Check(r); err != nil {
			return linkfin.Errorf(services.ECSRF, "this request comes from another origin: a session's cookie opens requests of the API's own origin alone")
		}
		if err := si.CheckCSRF(r.Header.Get("X-CSRF-Token")); err != nil {
			return err
		}
	}
	if si.Session.EnrollOnly && !enrollRoutes[rt.Pattern] {
		return linkfin.Errorf(services.EENROLLREQUIRED, "the organization requires a second factor: enroll one (POST /v1/users/%s/totp) before anything else",
			si.User.ID)
	}
	return nil
}

// Open listens on addr (port 0 picks one).
func (s *Server) Open(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s.Serve(ln)
	return nil
}

// The server's timeouts. A request's body must come within readTimeout of its start,
// but for a document of up to 16 MiB (MaxEInvoiceBytes, MaxBankDocumentBytes): it has
// largeBodyTimeout, and its answer writeTimeout after that.
const (
	readTimeout      = 30 * time.Second
	writeTimeout     = 60 * time.Second
	largeBodyTimeout = 5 * time.Minute
)

// Serve answers on a listener the caller opened, and closes it on Close.
func (s *Server) Serve(ln net.Listener) {
	s.ln = ln
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		// Read past MaxHeaderBytes, so that linkfin answers a head over it itself.
		MaxHeaderBytes: maxHeadBytes,
		ReadTimeout:    readTimeout,
		WriteTimeout:   writeTimeout,
		IdleTimeout:    120 * time.Second,
		ErrorLog:       slog.NewLogLogger(s.Logger.Handler(), slog.LevelWarn),
	}
	go s.srv.Serve(ln)
}

// Addr is the address the server listens on.
func (s *Server) Addr() string { return s.ln.Addr().String() }

// Close stops taking requests and waits for those in flight (each waits for its
// batch to commit).
func (s *Server) Close(ctx context.Context) error {
	if s.srv == nil {
		return nil
	}
	return s.srv.Shutdown(ctx)
}

// secure reports whether a cookie set in answer to r is to be marked Secure: the
// request came over TLS, or the server is reached over HTTPS (HTTPS).
func (s *Server) secure(r *http.Request) bool { return r.TLS != nil || s.HTTPS }
