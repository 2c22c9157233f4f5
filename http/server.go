// Package http serves linkfin's REST API (DESIGN §5) over the engine and the store:
// JSON in and out, RFC 9457 problem details with stable codes, idempotency keys,
// cursor pagination, health and Prometheus metrics.
package http

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/hex"
	"log/slog"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"linkfin"
	"linkfin/engine"
)

// MaxBodyBytes bounds a request body.
const MaxBodyBytes = 1 << 20

// Server is linkfin's HTTP API.
type Server struct {
	Engine *engine.Engine
	Store  linkfin.Store
	Logger *slog.Logger
	// OperatorKeyHash is the SHA-256 of the operator's API key.
	OperatorKeyHash []byte

	mux      *http.ServeMux
	routes   []string
	registry *prometheus.Registry
	requests *prometheus.CounterVec
	latency  *prometheus.HistogramVec
	srv      *http.Server
	ln       net.Listener
}

// NewServer builds the router.
func NewServer(e *engine.Engine, s linkfin.Store, operatorKeyHash []byte, logger *slog.Logger) *Server {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	srv := &Server{Engine: e, Store: s, Logger: logger, OperatorKeyHash: operatorKeyHash, mux: http.NewServeMux()}
	srv.metrics()

	srv.handle("GET /healthz", srv.healthz, false)
	srv.handle("GET /readyz", srv.readyz, false)
	srv.mux.Handle("GET /metrics", promhttp.HandlerFor(srv.registry, promhttp.HandlerOpts{}))
	srv.routes = append(srv.routes, "GET /metrics")

	srv.handle("POST /v1/organizations", srv.createOrganization, true)
	srv.handle("GET /v1/organizations", srv.listOrganizations, true)
	srv.handle("GET /v1/organizations/{id}", srv.getOrganization, true)
	srv.handle("POST /v1/accounts", srv.createAccounts, true)
	srv.handle("GET /v1/accounts", srv.listAccounts, true)
	srv.handle("GET /v1/accounts/{id}", srv.getAccount, true)
	srv.handle("POST /v1/accounts/{id}/close", srv.closeAccount, true)
	srv.handle("GET /v1/accounts/{id}/transfers", srv.listAccountTransfers, true)
	srv.handle("POST /v1/transfers", srv.createTransfers, true)
	srv.handle("GET /v1/transfers/{id}", srv.getTransfer, true)
	srv.handle("GET /v1/ledger/trial-balance", srv.trialBalance, true)
	srv.handle("GET /v1/audit/checkpoint", srv.checkpoint, true)
	srv.handle("GET /v1/audit/events", srv.events, true)
	srv.handle("GET /v1/audit/proof/{seq}", srv.proof, true)
	srv.handle("GET /v1/audit/consistency", srv.consistency, true)
	// What no route takes still answers problem+json with a code.
	srv.mux.HandleFunc("/", srv.wrap("unrouted", srv.unrouted, false))
	return srv
}

// unrouted answers 405 when the path has routes for other methods, else 404.
func (s *Server) unrouted(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		probe := r.Clone(r.Context())
		probe.Method = m
		if _, pattern := s.mux.Handler(probe); pattern != "/" && pattern != "" {
			allow = append(allow, m)
		}
	}
	if len(allow) > 0 {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		writeError(w, r, linkfin.Errorf(EMETHOD, "%s is not allowed here; use %s", r.Method, strings.Join(allow, " or ")))
		return
	}
	writeError(w, r, linkfin.Errorf(linkfin.ENOTFOUND, "no such resource: %s", r.URL.Path))
}

// Routes lists every route pattern, for tests that walk the whole API.
func (s *Server) Routes() []string { return append([]string(nil), s.routes...) }

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) { s.mux.ServeHTTP(w, r) }

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
	}
}

type statusWriter struct {
	http.ResponseWriter
	status int
}

func (w *statusWriter) WriteHeader(code int) {
	w.status = code
	w.ResponseWriter.WriteHeader(code)
}

// handle registers a route with logging, metrics, request ids and, if auth, the
// operator-key check.
func (s *Server) handle(pattern string, h http.HandlerFunc, auth bool) {
	s.routes = append(s.routes, pattern)
	s.mux.HandleFunc(pattern, s.wrap(pattern, h, auth))
}

func (s *Server) wrap(pattern string, h http.HandlerFunc, auth bool) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		start := time.Now()
		id := r.Header.Get("X-Request-Id")
		if id == "" || len(id) > 64 {
			var b [8]byte
			rand.Read(b[:])
			id = hex.EncodeToString(b[:])
		}
		w.Header().Set("X-Request-Id", id)
		sw := &statusWriter{ResponseWriter: w, status: http.StatusOK}
		r = r.WithContext(context.WithValue(r.Context(), requestIDKey{}, id))
		if auth && !s.authorized(r) {
			writeError(sw, r, linkfin.Errorf(linkfin.EUNAUTHORIZED, "a valid API key is required: Authorization: Bearer <key>"))
		} else {
			h(sw, r)
		}
		d := time.Since(start)
		s.requests.WithLabelValues(pattern, http.StatusText(sw.status)).Inc()
		s.latency.WithLabelValues(pattern).Observe(d.Seconds())
		s.Logger.LogAttrs(r.Context(), slog.LevelDebug, "request", slog.String("id", id), slog.String("route", pattern),
			slog.Int("status", sw.status), slog.Duration("took", d))
	}
}

type requestIDKey struct{}

func (s *Server) authorized(r *http.Request) bool {
	key, ok := strings.CutPrefix(r.Header.Get("Authorization"), "Bearer ")
	if !ok || key == "" || len(s.OperatorKeyHash) == 0 {
		return false
	}
	h := sha256.Sum256([]byte(key))
	return subtle.ConstantTimeCompare(h[:], s.OperatorKeyHash) == 1
}

// Open listens on addr (port 0 picks one).
func (s *Server) Open(addr string) error {
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return err
	}
	s.ln = ln
	s.srv = &http.Server{
		Handler:           s,
		ReadHeaderTimeout: 5 * time.Second,
		ReadTimeout:       30 * time.Second,
		WriteTimeout:      60 * time.Second,
		IdleTimeout:       120 * time.Second,
		ErrorLog:          slog.NewLogLogger(s.Logger.Handler(), slog.LevelWarn),
	}
	go s.srv.Serve(ln)
	return nil
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
