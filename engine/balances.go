package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"sync"
	"sync/atomic"
	"time"

	"linkfin"
	"linkfin/ledger"
)

// Balances are written to the store lazily (see linkfin.Batch): a batch writes its
// transfers and events, and the rows of the accounts it changed are written together
// every few batches. Between two flushes the engine publishes the committed state of
// every changed account here, and the engine's read methods look here first, so a
// reader always sees every acknowledged transfer in the balances.
//
// Why: with accounts spread over a large table, rewriting each changed account row in
// every batch dirtied nearly every page of that table per commit and cost as much as
// the rest of the batch together; once per flush, a busy account is written once.

// Flush policy: whichever comes first.
const (
	flushBatches  = 1024
	flushInterval = 5 * time.Second
	flushAccounts = 1 << 18
)

type overlay struct {
	mu       sync.RWMutex
	accounts map[int64]ledger.Account
	flushes  atomic.Int64 // how many times a flush emptied the overlay
}

func (o *overlay) get(id int64) (ledger.Account, bool) {
	o.mu.RLock()
	a, ok := o.accounts[id]
	o.mu.RUnlock()
	return a, ok
}

// publish records a committed batch; a flushing batch empties the overlay, since the
// store now holds every account it had.
func (o *overlay) publish(changed []ledger.Account, flushed bool) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if flushed {
		clear(o.accounts)
		o.flushes.Add(1)
		return
	}
	if o.accounts == nil {
		o.accounts = make(map[int64]ledger.Account)
	}
	for _, a := range changed {
		o.accounts[a.ID] = a
	}
}

func (o *overlay) reset() {
	o.mu.Lock()
	clear(o.accounts)
	o.flushes.Add(1)
	o.mu.Unlock()
}

// read runs a read of stored rows and lays the overlay over them. A store read that
// began before a flush and an overlay lookup after it could miss a balance that was
// in neither, so such a read is done again.
func (o *overlay) read(read func() ([]ledger.Account, error)) ([]ledger.Account, error) {
	for {
		gen := o.flushes.Load()
		as, err := read()
		if err != nil {
			return nil, err
		}
		for i := range as {
			if a, ok := o.get(as[i].ID); ok {
				as[i] = a
			}
		}
		if o.flushes.Load() == gen {
			return as, nil
		}
	}
}

// Account reads an account as of the last acknowledged batch. The overlay is asked
// first: if it no longer has the account, a flush wrote it before emptying it.
func (e *Engine) Account(ctx context.Context, id int64) (*ledger.Account, error) {
	if a, ok := e.published.get(id); ok {
		return &a, nil
	}
	return e.store.Account(ctx, id)
}

// ListAccounts lists accounts in id order after the id `after`, as of the last
// acknowledged batch.
func (e *Engine) ListAccounts(ctx context.Context, after int64, limit int) ([]ledger.Account, error) {
	return e.published.read(func() ([]ledger.Account, error) { return e.store.ListAccounts(ctx, after, limit) })
}

// ScanAccounts calls fn for every account in id order, as of the last acknowledged
// batch. (Accounts are inserted when created, so the store lists every one.)
func (e *Engine) ScanAccounts(ctx context.Context, fn func(*ledger.Account) error) error {
	as, err := e.published.read(func() ([]ledger.Account, error) {
		var as []ledger.Account
		err := e.store.ScanAccounts(ctx, func(a *ledger.Account) error { as = append(as, *a); return nil })
		return as, err
	})
	if err != nil {
		return err
	}
	for i := range as {
		if err := fn(&as[i]); err != nil {
			return err
		}
	}
	return nil
}

// AccountTransfers lists an account's transfers, newest first. cursor is 0 for the
// first page, or the next cursor of the previous page.
func (e *Engine) AccountTransfers(ctx context.Context, accountID, cursor int64, limit int) (ts []ledger.Transfer, next int64, err error) {
	start := cursor
	if start == 0 {
		a, err := e.Account(ctx, accountID)
		if err != nil {
			return nil, 0, err
		}
		if start = a.LastTransfer; start == 0 {
			return nil, 0, nil
		}
	}
	ts, err = e.store.AccountTransfers(ctx, accountID, start, limit+1)
	if err != nil {
		return nil, 0, err
	}
	if len(ts) > limit {
		next = ts[limit].ID
		ts = ts[:limit]
	}
	return ts, next, nil
}

// catchUp brings the stored account rows from the log position they are exact at to
// the end of the log, by replaying the events in between, and flushes them. It runs
// before the engine takes requests: after a crash, or after a failed commit. It
// returns the store's head as it then is.
func catchUp(ctx context.Context, s linkfin.Store) (linkfin.Head, error) {
	head, err := s.Head(ctx)
	if err != nil || head.AccountsAt >= head.Size {
		return head, err
	}
	accounts := make(map[int64]*ledger.Account)
	pending := make(map[int64]*ledger.Transfer)
	load := func(ids []int64) error {
		var need []int64
		for _, id := range ids {
			if _, ok := accounts[id]; !ok {
				need = append(need, id)
			}
		}
		as, err := s.AccountsByID(ctx, need)
		for i := range as {
			accounts[as[i].ID] = &as[i]
		}
		return err
	}
	loadPending := func(ids []int64) error {
		var need []int64
		for _, id := range ids {
			if pending[id] == nil {
				need = append(need, id)
			}
		}
		ts, err := s.TransfersByID(ctx, need)
		for i := range ts {
			pending[ts[i].ID] = &ts[i]
		}
		return err
	}
	pendingTransfer := func(id int64) (*ledger.Transfer, error) {
		if err := loadPending([]int64{id}); err != nil {
			return nil, err
		}
		if pending[id] == nil {
			return nil, fmt.Errorf("replay: pending transfer %d is not stored", id)
		}
		return pending[id], nil
	}
	for from := head.AccountsAt; from < head.Size; {
		evs, err := s.Events(ctx, from, 8192)
		if err != nil {
			return head, err
		}
		if len(evs) == 0 {
			return head, fmt.Errorf("replay: events end at %d, the log has %d", from, head.Size)
		}
		// Load in bulk what the page touches, rather than row by row while replaying.
		if err := preload(evs, load, loadPending, pending); err != nil {
			return head, err
		}
		for i := range evs {
			if err := replayEvent(&evs[i], accounts, load, pendingTransfer); err != nil {
				return head, fmt.Errorf("replay event %d: %w", evs[i].Seq, err)
			}
		}
		from = evs[len(evs)-1].Seq + 1
	}
	b := &linkfin.Batch{Flush: true, AccountsAt: head.Size, Clock: head.Clock}
	for _, a := range accounts {
		b.Accounts = append(b.Accounts, a)
	}
	if err := s.Commit(ctx, b); err != nil {
		return head, err
	}
	head.AccountsAt = head.Size
	return head, nil
}

// preload reads, in two bulk queries, the pending transfers and then the accounts a page of
// events will touch.
func preload(evs []linkfin.Event, load, loadPending func([]int64) error, pending map[int64]*ledger.Transfer) error {
	var accounts, pendings []int64
	for i := range evs {
		var ref struct {
			ID        string `json:"id"`
			Debit     string `json:"debit_account_id"`
			Credit    string `json:"credit_account_id"`
			PendingID string `json:"pending_id"`
		}
		switch ledger.EventType(evs[i].Type) {
		case ledger.EventAccountClosed, ledger.EventTransferCreated, ledger.EventPendingExpired:
			if err := json.Unmarshal(evs[i].Data, &ref); err != nil {
				return fmt.Errorf("event %d: %w", evs[i].Seq, err)
			}
		default:
			continue
		}
		for _, s := range []string{ref.Debit, ref.Credit} {
			if id, err := strconv.ParseInt(s, 10, 64); err == nil && id > 0 {
				accounts = append(accounts, id)
			}
		}
		id, _ := strconv.ParseInt(ref.ID, 10, 64)
		switch ledger.EventType(evs[i].Type) {
		case ledger.EventAccountClosed:
			accounts = append(accounts, id)
		case ledger.EventPendingExpired:
			pendings = append(pendings, id)
		default:
			if p, _ := strconv.ParseInt(ref.PendingID, 10, 64); p > 0 {
				pendings = append(pendings, p)
			}
		}
	}
	if err := loadPending(pendings); err != nil {
		return err
	}
	for _, id := range pendings {
		if p := pending[id]; p != nil {
			accounts = append(accounts, p.DebitAccountID, p.CreditAccountID)
		}
	}
	return load(accounts)
}

// replayEvent applies one event's effect on balances.
func replayEvent(ev *linkfin.Event, accounts map[int64]*ledger.Account, load func([]int64) error,
	pendingTransfer func(int64) (*ledger.Transfer, error)) error {
	switch ledger.EventType(ev.Type) {
	case ledger.EventAccountCreated:
		// Inserted when created, with these zero balances.
		return nil
	case ledger.EventAccountClosed:
		var a struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(ev.Data, &a); err != nil {
			return err
		}
		id, _ := strconv.ParseInt(a.ID, 10, 64)
		if err := load([]int64{id}); err != nil {
			return err
		}
		if accounts[id] == nil {
			return fmt.Errorf("account %d is not stored", id)
		}
		accounts[id].Flags |= ledger.Closed
		return nil
	case ledger.EventTransferCreated:
		var t ledger.Transfer
		if err := json.Unmarshal(ev.Data, &t); err != nil {
			return err
		}
		if err := load([]int64{t.DebitAccountID, t.CreditAccountID}); err != nil {
			return err
		}
		dr, cr := accounts[t.DebitAccountID], accounts[t.CreditAccountID]
		if dr == nil || cr == nil {
			return fmt.Errorf("transfer %d: account not stored", t.ID)
		}
		switch {
		case t.Flags&ledger.Pending != 0:
			dr.DebitsPending += t.Amount
			cr.CreditsPending += t.Amount
		case t.Flags&(ledger.PostPending|ledger.VoidPending) != 0:
			p, err := pendingTransfer(t.PendingID)
			if err != nil {
				return err
			}
			dr.DebitsPending -= p.Amount
			cr.CreditsPending -= p.Amount
			if t.Flags&ledger.PostPending != 0 {
				dr.DebitsPosted += t.Amount
				cr.CreditsPosted += t.Amount
			}
		default:
			dr.DebitsPosted += t.Amount
			cr.CreditsPosted += t.Amount
		}
		dr.LastTransfer, cr.LastTransfer = t.ID, t.ID
		return nil
	case ledger.EventPendingExpired:
		var x struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(ev.Data, &x); err != nil {
			return err
		}
		id, _ := strconv.ParseInt(x.ID, 10, 64)
		p, err := pendingTransfer(id)
		if err != nil {
			return err
		}
		if err := load([]int64{p.DebitAccountID, p.CreditAccountID}); err != nil {
			return err
		}
		accounts[p.DebitAccountID].DebitsPending -= p.Amount
		accounts[p.CreditAccountID].CreditsPending -= p.Amount
		return nil
	}
	// Events of the domain (organizations, programs, …) do not move balances.
	return nil
}
