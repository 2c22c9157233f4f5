// Package engine is linkfin's single writer. Callers submit requests concurrently; one
// goroutine takes them in batches, prefetches every row a batch touches in bulk,
// executes the requests one by one against that in-memory view (the ledger state
// machine, deterministic: the engine assigns time and order), then commits all rows,
// events, log tiles and a signed checkpoint in one database transaction, and only then
// answers every caller of the batch.
//
// A batch goes through four stages, each in its own file:
//
//   - collect (batch.go): the requests queued, up to MaxBatch items, gathered while the
//     previous batch commits;
//   - prefetch (prefetch.go): every record and ledger row the batch reads that memory
//     lacks, in a few bulk reads: the commands' Keys, then their DependentKeys, then
//     their LedgerKeys, then the idempotency answers and the ledger rows;
//   - execute (execute.go, command.go): each request in turn, in memory, its commands
//     through Tx against the cached records (records.go) and the ledger state machine;
//   - commit (commit.go): the rows, events, tiles and checkpoint the batch built,
//     written by the committer goroutine while the writer executes the next batch.
//
// docs/ARCHITECTURE.md draws a batch from request to answer.
package engine

import (
	"container/heap"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"

	"linkfin"
	"linkfin/internal/recordcache"
	"linkfin/ledger"
	"linkfin/tlog"
)

// Error codes of the engine.
const (
	// EIDEMPOTENCY: the idempotency key was used before with a different request.
	EIDEMPOTENCY = "idempotency_key_reused"
	// EUNAVAILABLE: the engine is closed or its store failed (the root package's).
	EUNAVAILABLE = linkfin.EUNAVAILABLE
)

// Config configures an Engine.
type Config struct {
	Store  linkfin.Store
	Signer note.Signer // signs a checkpoint after every batch
	Origin string      // the checkpoint's origin line; default "linkfin"
	Now    func() time.Time
	Logger *slog.Logger
	// MaxBatch bounds the items (accounts, transfers) per batch; default 8192. A single
	// larger request still runs, alone.
	MaxBatch int
	// CacheRows bounds the rows kept in memory between batches; default 1<<21.
	CacheRows int
	// RecentRecords bounds the committed record versions that Records answers from
	// memory: between it and twice it; default 1<<16.
	RecentRecords int
}

// Request is one caller's unit of work: it runs whole in one batch.
type Request struct {
	// IdempotencyKey, if set, makes the request safe to retry: a retry gets the
	// original response; the same key with a different Hash is refused.
	IdempotencyKey string
	Hash           []byte // hash of the request as the caller received it
	// FormerHash, if set, is the hash an earlier linkfin made of the same request, in
	// another way: an answer kept under the key with it is this request's too. A new
	// answer is kept with Hash.
	FormerHash []byte

	CreateAccounts  []ledger.Account
	CreateTransfers []ledger.Transfer
	CloseAccounts   []int64
	// Fence keeps the ledger operations above off some ledgers (the platform's, for a
	// raw ledger caller): an account on one of them is neither created nor closed, and
	// no transfer touches one, by its own ledger, its accounts' or the ledger of the
	// pending transfer it resolves; each answers ledger.LedgerReserved. The commands
	// are not fenced.
	Fence ledger.Fence `json:"-"`
	// Commands run after the ledger operations, in order; each succeeds or fails alone.
	Commands []linkfin.Command

	// Flush makes the batch that runs this request write every changed account row,
	// so the store alone is up to date when it returns.
	Flush bool
}

// OpsHash returns a canonical hash of the request's operations, for callers that have no
// wire form of their own to hash.
func (r *Request) OpsHash() []byte {
	b, _ := json.Marshal(struct {
		A []ledger.Account
		T []ledger.Transfer
		C []int64
		D []linkfin.Command
	}{r.CreateAccounts, r.CreateTransfers, r.CloseAccounts, r.Commands})
	h := sha256.Sum256(b)
	return h[:]
}

func (r *Request) items() int {
	return len(r.CreateAccounts) + len(r.CreateTransfers) + len(r.CloseAccounts) + len(r.Commands)
}

// Response answers a request: one result per item, in order (accounts, then
// transfers, then closes), and the timestamp of each created or existing object.
type Response struct {
	Results    []ledger.Result `json:"results"`
	Timestamps []int64         `json:"timestamps"`
	Outcomes   []Outcome       `json:"outcomes,omitempty"` // one per command
	// Transfer is, for a request that creates one transfer, the transfer as the ledger
	// holds it once the request is committed (created now, or found to exist already),
	// or nil where it was refused: its answer needs no read of the store. A batch of
	// transfers is answered by Results and Timestamps alone, and copies nothing.
	Transfer *ledger.Transfer `json:"-"`
	// Replayed is set when the answer is the stored answer to an earlier request with
	// the same idempotency key.
	Replayed bool `json:"-"`
}

type call struct {
	req  *Request
	resp *Response
	err  error
	done chan struct{}
}

// Engine is the single writer.
type Engine struct {
	cfg      Config
	store    linkfin.Store
	state    *ledger.State
	log      *tlog.Appender
	expiries expiryHeap
	idem     map[string]linkfin.IdempotencyRecord // recent keys, bounded

	calls   chan *call
	quit    chan struct{}
	stopped chan struct{}
	closing sync.Once
	closeMu sync.RWMutex
	closed  atomic.Bool

	unlock    func()        // releases the store's writer lock
	commits   chan *pending // to the committer; one batch waits while one commits
	committed chan struct{}
	inflight  atomic.Int64  // batches handed to the committer and not yet done
	idle      chan struct{} // the committer finished a batch
	broken    atomic.Bool   // a commit failed: memory is ahead of the store

	// Lazily written balances (see balances.go).
	published overlay
	// The record versions of the last batches committed (see recent.go).
	recent *recent
	dirty  map[int64]struct{} // accounts changed since the last flush

	// Domain records: the cache, and what the current batch changed.
	objects    map[linkfin.ObjectKey]*record
	objChanged map[linkfin.ObjectKey]bool
	objUndo    []objUndo
	listed     map[linkfin.Command]map[int64]bool // the ledger accounts each command of the batch listed
	dependent  map[linkfin.Command][]linkfin.ObjectKey

	// maxTransfer is at least every transfer id stored or in memory: a new id above it
	// cannot exist, so the prefetch need not look for it. Clients that use growing ids
	// (as they should) thus cost no lookups at all.
	maxTransfer int64
	sinceFlush  int // batches since the last flush
	lastFlush   time.Time

	stats Stats

	// watch, in a test binary, holds what the batch's DependentKeys and LedgerKeys read
	// shared, to check once its commands have run that none changed it.
	watch *recordcache.Watch
}

// Stats are running counters, for metrics and benchmarks.
type Stats struct {
	Batches       atomic.Int64
	Requests      atomic.Int64
	Items         atomic.Int64
	Events        atomic.Int64
	CommitNanos   atomic.Int64 // total time spent in store commits
	PrefetchNanos atomic.Int64 // total time spent reading the store before batches
	Evictions     atomic.Int64 // times the record cache was dropped for its size
}

// Open loads the engine's state from the store and starts the writer.
func Open(ctx context.Context, cfg Config) (*Engine, error) {
	if cfg.Store == nil || cfg.Signer == nil {
		return nil, errors.New("engine: store and signer are required")
	}
	if cfg.Origin == "" {
		cfg.Origin = "linkfin"
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	if cfg.MaxBatch <= 0 {
		cfg.MaxBatch = 8192
	}
	if cfg.RecentRecords <= 0 {
		cfg.RecentRecords = 1 << 16
	}
	if cfg.CacheRows <= 0 {
		cfg.CacheRows = 1 << 21
	}
	// Two writers would both append to the log and break its hash chain.
	unlock, err := cfg.Store.LockWriter(ctx)
	if err != nil {
		return nil, fmt.Errorf("engine: %w", err)
	}
	e := &Engine{
		cfg:        cfg,
		unlock:     unlock,
		store:      cfg.Store,
		state:      ledger.NewState(),
		idem:       make(map[string]linkfin.IdempotencyRecord),
		calls:      make(chan *call, 1<<16),
		commits:    make(chan *pending, 1),
		idle:       make(chan struct{}, 1),
		committed:  make(chan struct{}),
		quit:       make(chan struct{}),
		stopped:    make(chan struct{}),
		dirty:      make(map[int64]struct{}),
		objects:    make(map[linkfin.ObjectKey]*record),
		recent:     newRecent(cfg.RecentRecords),
		objChanged: make(map[linkfin.ObjectKey]bool),
		listed:     make(map[linkfin.Command]map[int64]bool),
		dependent:  make(map[linkfin.Command][]linkfin.ObjectKey),
		lastFlush:  cfg.Now(),
	}
	if testing.Testing() {
		e.watch = &recordcache.Watch{}
	}
	if err := e.load(ctx); err != nil {
		unlock()
		return nil, fmt.Errorf("engine: %w", err)
	}
	if err := e.adoptAnswers(ctx); err != nil {
		unlock()
		return nil, fmt.Errorf("engine: log the answers saved before answers were logged: %w", err)
	}
	go e.run()
	return e, nil
}

// load reads what the writer keeps in memory from the store: it first brings the
// stored balances up to the end of the log, then opens the log's right edge, and
// restores the clock, the largest transfer id and the expiry queue.
func (e *Engine) load(ctx context.Context) error {
	head, err := catchUp(ctx, e.store)
	if err != nil {
		return fmt.Errorf("bring balances up to date: %w", err)
	}
	tree := tlog.Tree{}
	if head.Last != nil {
		if head.Last.Size != head.Size {
			return fmt.Errorf("log has %d events but the last checkpoint covers %d", head.Size, head.Last.Size)
		}
		tree.Size = head.Last.Size
		copy(tree.Hash[:], head.Last.Hash)
	} else if head.Size != 0 {
		return fmt.Errorf("log has %d events and no checkpoint", head.Size)
	}
	app, err := tlog.NewAppender(ctx, tree, tlog.StoredTiles(e.store))
	if err != nil {
		return fmt.Errorf("open log: %w", err)
	}
	open, err := e.store.OpenPending(ctx)
	if err != nil {
		return fmt.Errorf("load pending transfers: %w", err)
	}
	e.log = app
	e.state.SetClock(head.Clock)
	e.maxTransfer = head.MaxTransferID
	e.expiries = e.expiries[:0]
	for _, p := range open {
		e.expiries = append(e.expiries, expiry{p.ExpiresAt, p.ID})
	}
	heap.Init(&e.expiries)
	return nil
}

// adoptAnswers brings the answers a database saved before the log recorded them under
// the log, once: a first batch logs them (an idempotency.saved event for each
// answersPerEvent) and marks the database (linkfin.MetaAnswersInLog) in the same commit.
// Every later batch logs the answers it saves.
func (e *Engine) adoptAnswers(ctx context.Context) error {
	if v, err := e.store.Meta(ctx, linkfin.MetaAnswersInLog); err != nil || v == "1" {
		return err
	}
	var events [][]byte
	var recs []linkfin.IdempotencyRecord
	err := e.store.ScanIdempotency(ctx, func(r *linkfin.IdempotencyRecord) error {
		recs = append(recs, *r)
		if len(recs) == answersPerEvent {
			events = append(events, linkfin.AnswersData(recs))
			recs = recs[:0]
		}
		return nil
	})
	if err != nil {
		return err
	}
	if len(recs) > 0 {
		events = append(events, linkfin.AnswersData(recs))
	}
	e.state.Begin(e.cfg.Now().UnixNano())
	for _, data := range events {
		e.state.Emit(linkfin.EventAnswersSaved, e.state.Tick(), data)
	}
	b, app, changed, err := e.build(nil, false)
	if err != nil {
		e.state.RollbackBatch()
		return err
	}
	b.Meta = map[string]string{linkfin.MetaAnswersInLog: "1"}
	if err := e.store.Commit(ctx, b); err != nil {
		e.state.RollbackBatch()
		return err
	}
	if app != nil {
		if err := e.log.Commit(app); err != nil {
			return err
		}
	}
	e.state.Commit()
	e.published.publish(changed, b.Flush)
	e.recent.add(b.Objects)
	return nil
}

// answersPerEvent bounds the answers one idempotency.saved event of adoptAnswers names.
const answersPerEvent = 10_000

// MaxKeyLen bounds an idempotency key, in bytes.
const MaxKeyLen = 512

// checkKey refuses an idempotency key that a store could not keep as text: one that
// is not UTF-8, holds a NUL or is too long for an index. Found only at commit, such a
// key would fail every request of its batch.
func checkKey(key string) error {
	if len(key) > MaxKeyLen || !utf8.ValidString(key) || strings.IndexByte(key, 0) >= 0 {
		return linkfin.Errorf(linkfin.EINVALID, "an idempotency key is UTF-8 text of at most %d bytes without NUL", MaxKeyLen)
	}
	return nil
}

// Stats returns the engine's running counters.
func (e *Engine) Stats() *Stats { return &e.stats }

// Now is the platform's time: the engine's clock (Config.Now), which commands see.
func (e *Engine) Now() time.Time { return e.cfg.Now() }

// Origin is the log's name, the first line of every checkpoint it signs.
func (e *Engine) Origin() string { return e.cfg.Origin }

// Submit runs a request in the next batch and returns once that batch is durable. A
// command that fails its Validator refuses the whole request before it is queued:
// nothing runs, and nothing is kept under its idempotency key.
func (e *Engine) Submit(ctx context.Context, req *Request) (*Response, error) {
	for _, c := range req.Commands {
		if v, ok := c.(linkfin.Validator); ok {
			if err := v.Validate(); err != nil {
				return nil, err
			}
		}
	}
	if req.IdempotencyKey != "" {
		if err := checkKey(req.IdempotencyKey); err != nil {
			return nil, err
		}
		if len(req.Hash) == 0 {
			req.Hash = req.OpsHash()
		}
	}
	c := &call{req: req, done: make(chan struct{})}
	// The read lock orders every enqueue before Close: the writer drains the queue
	// after Close, so nothing queued is left behind.
	e.closeMu.RLock()
	if e.closed.Load() {
		e.closeMu.RUnlock()
		return nil, linkfin.Errorf(EUNAVAILABLE, "the engine is shutting down")
	}
	select {
	case e.calls <- c:
		e.closeMu.RUnlock()
	case <-ctx.Done():
		e.closeMu.RUnlock()
		return nil, ctx.Err()
	}
	// Once queued, the request will run: wait for it even if ctx ends, so that an
	// acknowledged answer is never lost to a caller that gave up a moment early.
	<-c.done
	return c.resp, c.err
}

// Run runs one command in the next batch, with no idempotency key, and decodes its
// value into v. A refusal, before or as the command runs, is its error.
func (e *Engine) Run(ctx context.Context, c linkfin.Command, v any) error {
	resp, err := e.Submit(ctx, &Request{Commands: []linkfin.Command{c}})
	if err != nil {
		return err
	}
	out := resp.Outcomes[0]
	if err := out.Err(); err != nil {
		return err
	}
	return json.Unmarshal(out.Value, v)
}

// Close stops taking requests, finishes those already queued, stops the writer and
// releases the store's writer lock.
func (e *Engine) Close() error {
	e.closing.Do(func() {
		e.closeMu.Lock()
		e.closed.Store(true)
		e.closeMu.Unlock()
		close(e.quit)
	})
	<-e.stopped
	return nil
}

func (e *Engine) run() {
	defer close(e.stopped)
	defer e.unlock() // after the last commit
	go e.committer()
	defer func() {
		close(e.commits)
		<-e.committed
	}()
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		var first *call
		// Wake at least once a second: deadlines are read from Config.Now, which
		// need not be the wall clock.
		timer.Reset(min(e.untilNextExpiry(), e.untilFlush(), time.Second))
		select {
		case first = <-e.calls:
		case <-timer.C:
		case <-e.quit:
			// Drain what was queued before the close, and write every balance.
			for {
				select {
				case c := <-e.calls:
					e.batch(e.collect(c))
				default:
					e.batch([]*call{{req: &Request{Flush: true}, done: make(chan struct{})}})
					return
				}
			}
		}
		e.batch(e.collect(first))
	}
}

// untilFlush is how long changed balances may still wait to be written.
func (e *Engine) untilFlush() time.Duration {
	if len(e.dirty) == 0 {
		return time.Hour
	}
	return max(flushInterval-e.cfg.Now().Sub(e.lastFlush), time.Millisecond)
}

func (e *Engine) untilNextExpiry() time.Duration {
	if len(e.expiries) == 0 {
		return time.Hour
	}
	d := time.Duration(e.expiries[0].at - e.cfg.Now().UnixNano())
	return max(d, time.Millisecond)
}
