package engine

import (
	"context"
	"time"

	sumtlog "golang.org/x/mod/sumdb/tlog"

	"linkfin"
	"linkfin/ledger"
	"linkfin/tlog"
)

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
		e.cfg.Logger.Error("commit failed; memory is read again from the store", "err", err, "requests", len(p.calls))
		e.broken.Store(true)
		// The store said it failed, which is not always that it stored nothing: a
		// connection to PostgreSQL cut as it committed leaves the commit's outcome
		// unknown. Memory is read again from the store before the next batch, so a
		// retry under the same key answers as the store has it.
		e.fail(p.calls, linkfin.Errorf(EUNAVAILABLE, "the store did not confirm the batch: send the request again under the same Idempotency-Key, which answers what was done if it was stored"))
		return
	}
	e.published.publish(p.changed, p.b.Flush)
	e.recent.add(p.b.Objects)
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

// build turns the batch's changes into what the store writes: rows (buildRows), and
// the log's new events, tiles and signed checkpoint (buildLog). With flush, it also
// writes every account changed since the last flush.
func (e *Engine) build(idem []linkfin.IdempotencyRecord, flush bool) (*linkfin.Batch, *tlog.Append, []ledger.Account, error) {
	ch := e.state.Changes()
	b := &linkfin.Batch{Idempotency: idem, Clock: e.state.Clock(), Transfers: ch.Transfers}
	changed := e.buildRows(b, ch)
	e.sinceFlush++
	if flush || e.sinceFlush >= flushBatches || len(e.dirty) >= flushAccounts {
		b.Flush = true
		rows := make([]ledger.Account, 0, len(e.dirty))
		for id := range e.dirty {
			rows = append(rows, *e.state.Account(id))
			b.Accounts = append(b.Accounts, &rows[len(rows)-1])
		}
	}
	app, err := e.buildLog(b, ch.Events)
	if err != nil {
		return nil, nil, nil, err
	}
	if b.Flush {
		b.AccountsAt = e.log.Tree().Size
		if app != nil {
			b.AccountsAt = app.New.Size
		}
		clear(e.dirty)
		e.sinceFlush, e.lastFlush = 0, e.cfg.Now()
	}
	return b, app, changed, nil
}

// buildRows adds the rows the batch changed to b: records, new accounts, pending
// transfers. It returns the accounts the batch changed, which become dirty: their
// balances are written at a later flush. The rows are copies: the committer writes and
// publishes them while the next batch changes the originals.
func (e *Engine) buildRows(b *linkfin.Batch, ch *ledger.Changes) (changed []ledger.Account) {
	for _, t := range ch.Transfers {
		e.maxTransfer = max(e.maxTransfer, t.ID)
	}
	for k := range e.objChanged {
		b.Objects = append(b.Objects, e.objects[k].obj)
	}
	changed = make([]ledger.Account, 0, len(ch.NewAccounts)+len(ch.Accounts))
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
	return changed
}

// buildLog numbers the batch's events from the log's size, hashes them into the log's
// new tiles and signs a checkpoint of the new tree, all in b. The log itself moves only
// when the writer commits the returned append (handOff); nil when there is no event.
func (e *Engine) buildLog(b *linkfin.Batch, events []ledger.Event) (*tlog.Append, error) {
	if len(events) == 0 {
		return nil, nil
	}
	size := e.log.Tree().Size
	b.Events = make([]linkfin.Event, len(events))
	hashes := make([]sumtlog.Hash, len(events))
	for i := range events {
		ev := &b.Events[i]
		*ev = events[i].LogEvent()
		ev.Seq = size + int64(i)
		hashes[i] = sumtlog.RecordHash(ev.Record())
	}
	app, err := e.log.PrepareHashes(hashes)
	if err != nil {
		return nil, err
	}
	for _, t := range app.Tiles {
		b.Tiles = append(b.Tiles, linkfin.Tile{L: t.Tile.L, N: t.Tile.N, W: t.Tile.W, Data: t.Data})
	}
	note, err := tlog.SignCheckpoint(e.cfg.Signer, e.cfg.Origin, app.New)
	if err != nil {
		return nil, err
	}
	b.Checkpoint = &linkfin.Checkpoint{Size: app.New.Size, Hash: app.New.Hash[:], Note: note, Time: e.state.Now()}
	return app, nil
}

// evict drops the row cache; the next batches reload what they touch.
func (e *Engine) evict() {
	e.state.Evict()
	clear(e.objects)
}
