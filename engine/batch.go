package engine

import (
	"container/heap"
	"context"
	"time"

	"linkfin"
	"linkfin/ledger"
	"linkfin/tlog"
)

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

// batch runs one batch through its stages, here on the writer's goroutine: it begins
// (the batch's time, the pending transfers that expire), prefetches what the batch
// reads, executes its requests in memory, and builds what the store is to write; then
// it hands the batch to the committer, which answers the callers once it is durable.
// A batch that fails before it is handed over is undone whole, and its callers told.
func (e *Engine) batch(calls []*call) {
	ctx := context.Background()
	if e.broken.Load() {
		if err := e.recover(ctx); err != nil {
			e.cfg.Logger.Error("recover after a failed commit", "err", err)
			e.fail(calls, linkfin.Errorf(EUNAVAILABLE, "the store is failing; nothing was applied"))
			return
		}
	}
	due, flushDue := e.begin()
	if len(calls) == 0 && len(due) == 0 && !flushDue {
		return
	}
	dueIDs := due.ids()
	start := time.Now()
	err := e.prefetch(ctx, calls, dueIDs)
	e.stats.PrefetchNanos.Add(int64(time.Since(start)))
	if err != nil {
		e.abort(calls, due, "prefetch", err, "the store could not be read")
		return
	}
	answers := e.executeAll(calls, dueIDs)
	e.checkShared()
	b, app, changed, err := e.build(answers.saved, e.mustFlush(calls, flushDue))
	if err != nil {
		e.abort(calls, due, "build batch", err, "the batch could not be built; nothing was applied")
		return
	}
	e.handOff(&pending{calls: calls, b: b, changed: changed}, app, answers.byKey)
	e.trimCache(b.Flush)
}

// begin starts the batch at the engine's time, and takes the pending transfers whose
// timeout has passed off the expiry queue. flushDue reports that changed balances have
// waited long enough to be written.
func (e *Engine) begin() (due expiries, flushDue bool) {
	e.state.Begin(e.cfg.Now().UnixNano())
	for len(e.expiries) > 0 && e.expiries[0].at <= e.state.Now() {
		due = append(due, heap.Pop(&e.expiries).(expiry))
	}
	return due, len(e.dirty) > 0 && e.cfg.Now().Sub(e.lastFlush) >= flushInterval
}

// abort undoes a batch that failed before it was handed to the committer, as if it
// had never begun, and fails its callers.
func (e *Engine) abort(calls []*call, due expiries, stage string, err error, message string) {
	e.cfg.Logger.Error(stage, "err", err)
	e.state.RollbackBatch()
	e.undoObjects(0)
	clear(e.objChanged)
	for _, x := range due {
		heap.Push(&e.expiries, x)
	}
	e.fail(calls, linkfin.Errorf(EUNAVAILABLE, "%s", message))
}

// mustFlush reports whether the batch writes every changed balance: they waited long
// enough, memory holds too many rows, or a request asks for it.
func (e *Engine) mustFlush(calls []*call, flushDue bool) bool {
	force := flushDue || e.state.Size() > e.cfg.CacheRows
	for _, c := range calls {
		force = force || c.req.Flush
	}
	return force
}

// handOff applies the built batch to memory for good and queues it for the committer.
// From here the batch counts as applied in memory; if its commit fails, the committer
// marks the engine broken and the next batch rebuilds memory from the store first.
func (e *Engine) handOff(p *pending, app *tlog.Append, answers map[string]linkfin.IdempotencyRecord) {
	if app != nil {
		if err := e.log.Commit(app); err != nil {
			panic(err) // only this goroutine appends
		}
	}
	for _, t := range p.b.NewPending {
		if t.ExpiresAt > 0 && t.Status == ledger.StatusPending {
			heap.Push(&e.expiries, expiry{t.ExpiresAt, t.ID})
		}
	}
	e.state.Commit()
	e.objUndo = e.objUndo[:0]
	clear(e.objChanged)
	for k, v := range answers {
		e.idem[k] = v
	}
	e.inflight.Add(1)
	e.commits <- p
}

// trimCache drops what memory holds beyond its bounds once a batch is handed over.
func (e *Engine) trimCache(flushed bool) {
	if e.state.Transfers() > e.cfg.CacheRows/8 {
		// Committed transfers are rarely read again: drop them once none is in flight.
		e.flush()
		e.state.EvictTransfers()
	}
	// Domain records are larger than ledger rows: an eighth as many are kept.
	objectsFull := len(e.objects) > e.cfg.CacheRows/8
	if len(e.idem) > 1<<16 || objectsFull || (flushed && e.state.Size() > e.cfg.CacheRows) {
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
		if flushed {
			e.evict()
		}
	}
}
