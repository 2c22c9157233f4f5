// Package engine is linkfin's single writer. Callers submit requests concurrently; one
// goroutine takes them in batches, prefetches every row a batch touches in bulk,
// executes the requests one by one against that in-memory view (the ledger state
// machine, deterministic: the engine assigns time and order), then commits all rows,
// events, log tiles and a signed checkpoint in one database transaction, and only then
// answers every caller of the batch.
package engine

import (
	"bytes"
	"container/heap"
	"context"
	"crypto/sha256"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"reflect"
	"strings"
	"sync"
	"sync/atomic"
	"time"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"
	sumtlog "golang.org/x/mod/sumdb/tlog"

	"linkfin"
	"linkfin/ledger"
	"linkfin/tlog"
)

// Error codes of the engine.
const (
	// EIDEMPOTENCY: the idempotency key was used before with a different request.
	EIDEMPOTENCY = "idempotency_key_reused"
	// EUNAVAILABLE: the engine is closed or its store failed.
	EUNAVAILABLE = "unavailable"
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
}

// Request is one caller's unit of work: it runs whole in one batch.
type Request struct {
	// IdempotencyKey, if set, makes the request safe to retry: a retry gets the
	// original response; the same key with a different Hash is refused.
	IdempotencyKey string
	Hash           []byte // hash of the request as the caller received it

	CreateAccounts  []ledger.Account
	CreateTransfers []ledger.Transfer
	CloseAccounts   []int64
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
	// Transfers holds, for each of CreateTransfers, the transfer as the ledger holds it
	// once the request is committed (created now, or found to exist already), or a zero
	// transfer where the item was refused: an answer needs no read of the store.
	Transfers []ledger.Transfer `json:"-"`
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
	dirty     map[int64]struct{} // accounts changed since the last flush

	// Domain records: the cache, and what the current batch changed.
	objects    map[linkfin.ObjectKey]*record
	valueTypes map[string]reflect.Type // the type of the values cached for a kind (records.go)
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
		valueTypes: make(map[string]reflect.Type),
		objChanged: make(map[linkfin.ObjectKey]bool),
		listed:     make(map[linkfin.Command]map[int64]bool),
		dependent:  make(map[linkfin.Command][]linkfin.ObjectKey),
		lastFlush:  cfg.Now(),
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
	app, err := tlog.NewAppender(ctx, tree, tileReader{e.store})
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

// pending is a batch executed in memory and on its way to the store.
type pending struct {
	calls   []*call
	b       *linkfin.Batch
	changed []ledger.Account // committed values of the accounts the batch changed
	flush   chan struct{}    // set for a flush marker instead of a batch
}

// committer writes batches in order and answers their callers once durable. The
// writer executes the next batch meanwhile: execution and the disk overlap.
func (e *Engine) committer() {
	defer close(e.committed)
	ctx := context.Background()
	for p := range e.commits {
		if p.flush != nil {
			close(p.flush)
			continue
		}
		e.commit(ctx, p)
		e.inflight.Add(-1)
		select {
		case e.idle <- struct{}{}:
		default:
		}
	}
}

// commit stores one batch and answers its callers.
func (e *Engine) commit(ctx context.Context, p *pending) {
	if e.broken.Load() {
		// A batch before this one failed; this one was executed on top of it.
		e.fail(p.calls, linkfin.Errorf(EUNAVAILABLE, "an earlier batch could not be stored; nothing was applied"))
		return
	}
	var err error
	if !p.b.Empty() {
		t0 := time.Now()
		err = e.store.Commit(ctx, p.b)
		e.stats.CommitNanos.Add(int64(time.Since(t0)))
	}
	if err != nil {
		e.cfg.Logger.Error("commit failed; batch undone", "err", err, "requests", len(p.calls))
		e.broken.Store(true)
		e.fail(p.calls, linkfin.Errorf(EUNAVAILABLE, "the batch could not be stored; nothing was applied"))
		return
	}
	e.published.publish(p.changed, p.b.Flush)
	e.stats.Batches.Add(1)
	e.stats.Requests.Add(int64(len(p.calls)))
	e.stats.Events.Add(int64(len(p.b.Events)))
	items := 0
	for _, c := range p.calls {
		items += c.req.items()
		close(c.done)
	}
	e.stats.Items.Add(int64(items))
}

// flush waits until every batch handed to the committer is durable or failed.
func (e *Engine) flush() {
	done := make(chan struct{})
	e.commits <- &pending{flush: done}
	<-done
}

// recover rebuilds the writer's memory from the store after a failed commit: the
// working set, the log's right edge, the clock, the expiry queue and the keys.
func (e *Engine) recover(ctx context.Context) error {
	e.flush()
	e.state.RollbackBatch()
	e.evict()
	clear(e.idem)
	clear(e.objChanged)
	e.objUndo = e.objUndo[:0]
	clear(e.dirty)
	e.sinceFlush, e.lastFlush = 0, e.cfg.Now()
	if err := e.load(ctx); err != nil {
		return err
	}
	// Only now that the store holds every balance the overlay had.
	e.published.reset()
	e.broken.Store(false)
	return nil
}

func (e *Engine) untilNextExpiry() time.Duration {
	if len(e.expiries) == 0 {
		return time.Hour
	}
	d := time.Duration(e.expiries[0].at - e.cfg.Now().UnixNano())
	return max(d, time.Millisecond)
}

// collect takes what is queued, up to MaxBatch items. While the committer is busy
// with an earlier batch it keeps gathering: small requests then share one commit (group
// commit) instead of each paying for its own. A full batch goes at once, so large
// batches still execute while the previous one commits.
func (e *Engine) collect(first *call) []*call {
	if first == nil {
		return nil
	}
	calls := []*call{first}
	n := first.req.items()
	for n < e.cfg.MaxBatch {
		select {
		case c := <-e.calls:
			calls = append(calls, c)
			n += c.req.items()
			continue
		default:
		}
		if e.inflight.Load() == 0 {
			return calls
		}
		select {
		case c := <-e.calls:
			calls = append(calls, c)
			n += c.req.items()
		case <-e.idle:
		case <-e.quit:
			return calls
		}
	}
	return calls
}

func (e *Engine) fail(calls []*call, err error) {
	for _, c := range calls {
		c.err = err
		close(c.done)
	}
}

// batch runs one batch: prefetch and execute here, then hand it to the committer,
// which answers the callers once it is durable.
func (e *Engine) batch(calls []*call) {
	ctx := context.Background()
	if e.broken.Load() {
		if err := e.recover(ctx); err != nil {
			e.cfg.Logger.Error("recover after a failed commit", "err", err)
			e.fail(calls, linkfin.Errorf(EUNAVAILABLE, "the store is failing; nothing was applied"))
			return
		}
	}
	now := e.cfg.Now().UnixNano()
	e.state.Begin(now)
	var due []int64
	var dueEntries []expiry
	for len(e.expiries) > 0 && e.expiries[0].at <= e.state.Now() {
		x := heap.Pop(&e.expiries).(expiry)
		dueEntries = append(dueEntries, x)
		due = append(due, x.id)
	}
	flushDue := len(e.dirty) > 0 && e.cfg.Now().Sub(e.lastFlush) >= flushInterval
	if len(calls) == 0 && len(due) == 0 && !flushDue {
		return
	}
	start := time.Now()
	err := e.prefetch(ctx, calls, due)
	e.stats.PrefetchNanos.Add(int64(time.Since(start)))
	if err != nil {
		e.cfg.Logger.Error("prefetch", "err", err)
		e.state.RollbackBatch()
		e.undoObjects(0)
		clear(e.objChanged)
		for _, x := range dueEntries {
			heap.Push(&e.expiries, x)
		}
		e.fail(calls, linkfin.Errorf(EUNAVAILABLE, "the store could not be read"))
		return
	}
	for _, id := range due {
		e.state.Expire(id)
	}
	newIdem := make(map[string]linkfin.IdempotencyRecord)
	var records []linkfin.IdempotencyRecord
	for _, c := range calls {
		r := c.req
		if r.IdempotencyKey != "" {
			rec, ok := newIdem[r.IdempotencyKey]
			if !ok {
				rec, ok = e.idem[r.IdempotencyKey]
			}
			if ok {
				c.resp, c.err = replay(rec, r.Hash)
				continue
			}
		}
		c.resp = e.execute(r)
		if r.IdempotencyKey != "" {
			body := appendAnswer(nil, c.resp, false)
			rec := linkfin.IdempotencyRecord{Key: r.IdempotencyKey, RequestHash: r.Hash, Response: body, Time: e.state.Now()}
			newIdem[r.IdempotencyKey] = rec
			// Memory keeps the whole answer; the store, the answer without the values
			// the log holds.
			rec.Response = storedAnswer(c.resp, body)
			records = append(records, rec)
		}
	}
	if len(records) > 0 {
		// The log vouches for every answer the batch saves: a stored answer that was
		// edited no longer matches it.
		e.state.Emit(linkfin.EventAnswersSaved, e.state.Tick(), linkfin.AnswersData(records))
	}
	force := flushDue || e.state.Size() > e.cfg.CacheRows
	for _, c := range calls {
		force = force || c.req.Flush
	}
	b, app, changed, err := e.build(records, force)
	if err != nil {
		e.cfg.Logger.Error("build batch", "err", err)
		e.state.RollbackBatch()
		e.undoObjects(0)
		clear(e.objChanged)
		for _, x := range dueEntries {
			heap.Push(&e.expiries, x)
		}
		e.fail(calls, linkfin.Errorf(EUNAVAILABLE, "the batch could not be built; nothing was applied"))
		return
	}
	// From here the batch counts as applied in memory; if its commit fails, the
	// committer marks the engine broken and the next batch rebuilds memory from the
	// store first.
	if app != nil {
		if err := e.log.Commit(app); err != nil {
			panic(err) // only this goroutine appends
		}
	}
	for _, p := range b.NewPending {
		if p.ExpiresAt > 0 && p.Status == ledger.StatusPending {
			heap.Push(&e.expiries, expiry{p.ExpiresAt, p.ID})
		}
	}
	e.state.Commit()
	e.objUndo = e.objUndo[:0]
	clear(e.objChanged)
	for k, v := range newIdem {
		e.idem[k] = v
	}
	e.inflight.Add(1)
	e.commits <- &pending{calls: calls, b: b, changed: changed}
	if e.state.Transfers() > e.cfg.CacheRows/8 {
		// Committed transfers are rarely read again: drop them once none is in flight.
		e.flush()
		e.state.EvictTransfers()
	}
	// Domain records are larger than ledger rows: an eighth as many are kept.
	objectsFull := len(e.objects) > e.cfg.CacheRows/8
	if len(e.idem) > 1<<16 || objectsFull || (b.Flush && e.state.Size() > e.cfg.CacheRows) {
		// Dropped only when nothing is in flight and every balance is written: a row
		// must stay in memory until the store has it, or a prefetch could read an
		// older version. Records are written with their batch, so once nothing is in
		// flight the store has them all.
		e.flush()
		clear(e.idem)
		if objectsFull {
			clear(e.objects)
			e.stats.Evictions.Add(1)
		}
		if b.Flush {
			e.evict()
		}
	}
}

// evict drops the row cache; the next batches reload what they touch.
func (e *Engine) evict() {
	e.state.Evict()
	clear(e.objects)
}

// maxDependentRounds bounds the loads of a batch's dependent keys.
const maxDependentRounds = 8

// storedAnswer is the answer as the store keeps it: the values that are an event's
// data are left out (see Outcome.ValueFrom). body is the whole answer, encoded.
func storedAnswer(resp *Response, body []byte) []byte {
	compact := false
	for _, o := range resp.Outcomes {
		compact = compact || o.ValueFrom != nil
	}
	if !compact {
		return body
	}
	return appendAnswer(nil, resp, true)
}

// wholeAnswer puts back the values a stored answer left out, from the log.
func (e *Engine) wholeAnswer(ctx context.Context, stored []byte) ([]byte, error) {
	if !bytes.Contains(stored, []byte(`"value_from"`)) {
		return stored, nil
	}
	var r Response
	if err := json.Unmarshal(stored, &r); err != nil {
		return nil, err
	}
	// The events of one request are a run of the log: read them at once.
	first, last := int64(-1), int64(-1)
	for _, o := range r.Outcomes {
		if o.ValueFrom != nil && o.Value == nil {
			if first < 0 || *o.ValueFrom < first {
				first = *o.ValueFrom
			}
			last = max(last, *o.ValueFrom)
		}
	}
	if first < 0 {
		return stored, nil
	}
	evs, err := e.store.Events(ctx, first, int(last-first+1))
	if err != nil {
		return nil, err
	}
	for i := range r.Outcomes {
		o := &r.Outcomes[i]
		if o.ValueFrom == nil || o.Value != nil {
			continue
		}
		k := *o.ValueFrom - first
		if k >= int64(len(evs)) || evs[k].Seq != *o.ValueFrom {
			return nil, fmt.Errorf("an idempotent answer refers to event %d, which is not in the log", *o.ValueFrom)
		}
		o.Value = evs[k].Data
	}
	return json.Marshal(&r)
}

func replay(rec linkfin.IdempotencyRecord, hash []byte) (*Response, error) {
	if string(rec.RequestHash) != string(hash) {
		return nil, linkfin.Errorf(EIDEMPOTENCY, "this idempotency key was already used with a different request")
	}
	var resp Response
	if err := json.Unmarshal(rec.Response, &resp); err != nil {
		return nil, fmt.Errorf("replay: %w", err)
	}
	resp.Replayed = true
	return &resp, nil
}

// execute applies one request to the state.
func (e *Engine) execute(r *Request) *Response {
	resp := &Response{}
	if len(r.CreateAccounts) > 0 {
		for i, res := range e.state.CreateAccounts(r.CreateAccounts) {
			resp.Results = append(resp.Results, res)
			var ts int64
			if a := e.state.Account(r.CreateAccounts[i].ID); a != nil && (res == ledger.OK || res == ledger.Exists) {
				ts = a.Timestamp
			}
			resp.Timestamps = append(resp.Timestamps, ts)
		}
	}
	if len(r.CreateTransfers) > 0 {
		for i, res := range e.state.CreateTransfers(r.CreateTransfers) {
			resp.Results = append(resp.Results, res)
			var ts int64
			var held ledger.Transfer
			if t := e.state.Transfer(r.CreateTransfers[i].ID); t != nil && (res == ledger.OK || res == ledger.Exists) {
				ts, held = t.Timestamp, *t
			}
			resp.Timestamps = append(resp.Timestamps, ts)
			resp.Transfers = append(resp.Transfers, held)
		}
	}
	for _, id := range r.CloseAccounts {
		resp.Results = append(resp.Results, e.state.CloseAccount(id))
		resp.Timestamps = append(resp.Timestamps, 0)
	}
	for _, c := range r.Commands {
		resp.Outcomes = append(resp.Outcomes, e.runCommand(c, e.state.Now()))
	}
	return resp
}

// prefetch loads every row the batch can touch that is not already in memory, and the
// idempotency records of its keys.
func (e *Engine) prefetch(ctx context.Context, calls []*call, due []int64) error {
	var accounts, transfers, pending []int64
	seenA := make(map[int64]struct{})
	seenT := make(map[int64]struct{})
	needA := func(id int64) {
		if id <= 0 || e.state.HasAccount(id) {
			return
		}
		if _, ok := seenA[id]; !ok {
			seenA[id] = struct{}{}
			accounts = append(accounts, id)
		}
	}
	needT := func(id int64, pend bool) {
		if id <= 0 {
			return
		}
		if !e.state.HasTransfer(id) {
			if _, ok := seenT[id]; !ok {
				seenT[id] = struct{}{}
				transfers = append(transfers, id)
			}
		}
		if pend && !e.state.HasPending(id) {
			pending = append(pending, id)
		}
	}
	var keys []string
	for _, c := range calls {
		r := c.req
		if r.IdempotencyKey != "" {
			if _, ok := e.idem[r.IdempotencyKey]; !ok {
				keys = append(keys, r.IdempotencyKey)
			}
		}
		for i := range r.CreateAccounts {
			needA(r.CreateAccounts[i].ID)
		}
		for i := range r.CreateTransfers {
			t := &r.CreateTransfers[i]
			if t.ID <= e.maxTransfer {
				needT(t.ID, false)
			}
			needT(t.PendingID, true)
			needA(t.DebitAccountID)
			needA(t.CreditAccountID)
		}
		for _, id := range r.CloseAccounts {
			needA(id)
		}

	}
	for _, id := range due {
		needT(id, true)
	}
	clear(e.listed)
	clear(e.dependent)
	seenO := make(map[linkfin.ObjectKey]bool)
	load := func(keysOf func(linkfin.Command) []linkfin.ObjectKey) (int, error) {
		var objKeys []linkfin.ObjectKey
		for _, c := range calls {
			for _, cmd := range c.req.Commands {
				for _, k := range keysOf(cmd) {
					if _, ok := e.objects[k]; !ok && !seenO[k] {
						seenO[k] = true
						objKeys = append(objKeys, k)
					}
				}
			}
		}
		if len(objKeys) == 0 {
			return 0, nil
		}
		objs, err := e.store.ObjectsByKey(ctx, objKeys)
		for i := range objs {
			e.objects[objs[i].Key()] = &record{obj: &objs[i]}
		}
		return len(objKeys), err
	}
	if _, err := load(linkfin.Command.Keys); err != nil {
		return err
	}
	// Dependent keys can come from dependent records (a settlement's pieces name their
	// financings), so they are asked for again after each load, until nothing new is
	// named. The rounds are bounded against a command that names new keys forever.
	for range maxDependentRounds {
		n, err := load(func(cmd linkfin.Command) []linkfin.ObjectKey {
			if dc, ok := cmd.(linkfin.DependentCommand); ok {
				e.dependent[cmd] = dc.DependentKeys(records{e})
			}
			return e.dependent[cmd]
		})
		if err != nil {
			return err
		}
		if n == 0 {
			break
		}
	}
	// A command that moves money names its ledger rows once its records are loaded:
	// which wallets and limits it touches can depend on them.
	for _, c := range calls {
		for _, cmd := range c.req.Commands {
			if lc, ok := cmd.(linkfin.LedgerCommand); ok {
				accounts, transfers := lc.LedgerKeys(records{e})
				listed := make(map[int64]bool, len(accounts))
				for _, id := range accounts {
					needA(id)
					listed[id] = true
				}
				e.listed[cmd] = listed
				for _, id := range transfers {
					needT(id, true)
				}
			}
		}
	}
	if len(keys) > 0 {
		recs, err := e.store.IdempotencyByKey(ctx, keys)
		if err != nil {
			return err
		}
		for _, r := range recs {
			if r.Response, err = e.wholeAnswer(ctx, r.Response); err != nil {
				return err
			}
			e.idem[r.Key] = r
		}
	}
	ts, err := e.store.TransfersByID(ctx, transfers)
	if err != nil {
		return err
	}
	for _, t := range ts {
		e.state.LoadTransfer(t)
	}
	ps, err := e.store.PendingByID(ctx, pending)
	if err != nil {
		return err
	}
	for _, p := range ps {
		e.state.LoadPending(p)
	}
	// The accounts of pending transfers being posted, voided or expired.
	for _, id := range pending {
		if t := e.state.Transfer(id); t != nil {
			needA(t.DebitAccountID)
			needA(t.CreditAccountID)
		}
	}
	for _, id := range due {
		if t := e.state.Transfer(id); t != nil {
			needA(t.DebitAccountID)
			needA(t.CreditAccountID)
		}
	}
	as, err := e.store.AccountsByID(ctx, accounts)
	if err != nil {
		return err
	}
	for _, a := range as {
		e.state.LoadAccount(a)
	}
	return nil
}

// build turns the batch's changes into rows, events, tiles and a checkpoint. With
// flush, it also writes every account changed since the last flush.
func (e *Engine) build(idem []linkfin.IdempotencyRecord, flush bool) (*linkfin.Batch, *tlog.Append, []ledger.Account, error) {
	ch := e.state.Changes()
	b := &linkfin.Batch{Idempotency: idem, Clock: e.state.Clock(), Transfers: ch.Transfers}
	for _, t := range ch.Transfers {
		e.maxTransfer = max(e.maxTransfer, t.ID)
	}
	for k := range e.objChanged {
		b.Objects = append(b.Objects, e.objects[k].obj)
	}
	// Copies: the committer writes and publishes them while the next batch changes
	// the originals.
	changed := make([]ledger.Account, 0, len(ch.NewAccounts)+len(ch.Accounts))
	created := make([]ledger.Account, len(ch.NewAccounts))
	for i, id := range ch.NewAccounts {
		a := e.state.Account(id)
		changed = append(changed, *a)
		created[i] = ledger.Account{ID: a.ID, Ledger: a.Ledger, Currency: a.Currency, Code: a.Code,
			Flags: a.Flags &^ ledger.Closed, Timestamp: a.Timestamp}
		b.NewAccounts = append(b.NewAccounts, &created[i])
		e.dirty[id] = struct{}{}
	}
	for id := range ch.Accounts {
		changed = append(changed, *e.state.Account(id))
		e.dirty[id] = struct{}{}
	}
	for id := range ch.NewPending {
		p := *e.state.Pending(id)
		b.NewPending = append(b.NewPending, &p)
	}
	for id := range ch.Pending {
		p := *e.state.Pending(id)
		b.Pending = append(b.Pending, &p)
	}
	e.sinceFlush++
	if flush || e.sinceFlush >= flushBatches || len(e.dirty) >= flushAccounts {
		b.Flush = true
		rows := make([]ledger.Account, 0, len(e.dirty))
		for id := range e.dirty {
			rows = append(rows, *e.state.Account(id))
			b.Accounts = append(b.Accounts, &rows[len(rows)-1])
		}
	}
	var app *tlog.Append
	size := e.log.Tree().Size
	if len(ch.Events) > 0 {
		b.Events = make([]linkfin.Event, len(ch.Events))
		hashes := make([]sumtlog.Hash, len(ch.Events))
		for i := range ch.Events {
			ev := &b.Events[i]
			*ev = ch.Events[i].LogEvent()
			ev.Seq = size + int64(i)
			hashes[i] = sumtlog.RecordHash(ev.Record())
		}
		var err error
		if app, err = e.log.PrepareHashes(hashes); err != nil {
			return nil, nil, nil, err
		}
		for _, t := range app.Tiles {
			b.Tiles = append(b.Tiles, linkfin.Tile{L: t.Tile.L, N: t.Tile.N, W: t.Tile.W, Data: t.Data})
		}
		note, err := tlog.SignCheckpoint(e.cfg.Signer, e.cfg.Origin, app.New)
		if err != nil {
			return nil, nil, nil, err
		}
		b.Checkpoint = &linkfin.Checkpoint{Size: app.New.Size, Hash: app.New.Hash[:], Note: note, Time: e.state.Now()}
		size = app.New.Size
	}
	if b.Flush {
		b.AccountsAt = size
		clear(e.dirty)
		e.sinceFlush, e.lastFlush = 0, e.cfg.Now()
	}
	return b, app, changed, nil
}

// tileReader adapts the store to tlog.TileReader.
type tileReader struct{ s linkfin.Store }

func (r tileReader) ReadTiles(ctx context.Context, tiles []sumtlog.Tile) ([][]byte, error) {
	ts := make([]linkfin.Tile, len(tiles))
	for i, t := range tiles {
		ts[i] = linkfin.Tile{L: t.L, N: t.N, W: t.W}
	}
	return r.s.ReadTiles(ctx, ts)
}

// TileReader returns the store as a tlog.TileReader, for proofs.
func TileReader(s linkfin.Store) tlog.TileReader { return tileReader{s} }

type expiry struct {
	at int64
	id int64
}

type expiryHeap []expiry

func (h expiryHeap) Len() int { return len(h) }
func (h expiryHeap) Less(i, j int) bool {
	if h[i].at != h[j].at {
		return h[i].at < h[j].at
	}
	return h[i].id < h[j].id
}
func (h expiryHeap) Swap(i, j int) { h[i], h[j] = h[j], h[i] }
func (h *expiryHeap) Push(x any)   { *h = append(*h, x.(expiry)) }
func (h *expiryHeap) Pop() any {
	old := *h
	x := old[len(old)-1]
	*h = old[:len(old)-1]
	return x
}
