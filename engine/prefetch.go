package engine

import (
	"context"

	"linkfin"
)

// maxDependentRounds bounds the loads of a batch's dependent keys.
const maxDependentRounds = 8

// prefetch loads every row the batch can touch that memory lacks, in a few bulk reads,
// so that execution never waits on the store. In order:
//
//  1. the ledger rows the requests name, and their idempotency keys (requestRows);
//  2. the records the commands list in Keys, then those DependentKeys names from the
//     records loaded, again until it names nothing new (loadRecords);
//  3. the ledger rows LedgerKeys names from those records (listLedger);
//  4. the saved answers of the idempotency keys (loadAnswers);
//  5. the transfers, then the accounts of every transfer to post, void or expire, then
//     the accounts (loadLedger).
//
// Records named by ids that NewID gives are new, and need no listing and no load.
func (e *Engine) prefetch(ctx context.Context, calls []*call, due []int64) error {
	need := e.newLedgerRows()
	keys := need.requestRows(calls, due)
	if err := e.loadRecords(ctx, calls); err != nil {
		return err
	}
	e.listLedger(calls, need)
	if err := e.loadAnswers(ctx, keys); err != nil {
		return err
	}
	return e.loadLedger(ctx, need, due)
}

// ledgerRows gathers the ledger rows a batch needs that memory lacks, each once.
type ledgerRows struct {
	e                            *Engine
	accounts, transfers, pending []int64
	seenA, seenT                 map[int64]struct{}
}

func (e *Engine) newLedgerRows() *ledgerRows {
	return &ledgerRows{e: e, seenA: make(map[int64]struct{}), seenT: make(map[int64]struct{})}
}

// account asks for an account.
func (n *ledgerRows) account(id int64) {
	if id <= 0 || n.e.state.HasAccount(id) {
		return
	}
	if _, ok := n.seenA[id]; !ok {
		n.seenA[id] = struct{}{}
		n.accounts = append(n.accounts, id)
	}
}

// transfer asks for a transfer, and with pend for its pending row too (a pending
// transfer to post, void or expire).
func (n *ledgerRows) transfer(id int64, pend bool) {
	if id <= 0 {
		return
	}
	if !n.e.state.HasTransfer(id) {
		if _, ok := n.seenT[id]; !ok {
			n.seenT[id] = struct{}{}
			n.transfers = append(n.transfers, id)
		}
	}
	if pend && !n.e.state.HasPending(id) {
		n.pending = append(n.pending, id)
	}
}

// requestRows asks for the ledger rows the requests name and the pending transfers
// due, and returns the requests' idempotency keys whose answers memory lacks. A new
// transfer id above every stored one cannot exist: it is not looked up.
func (n *ledgerRows) requestRows(calls []*call, due []int64) (keys []string) {
	for _, c := range calls {
		r := c.req
		if r.IdempotencyKey != "" {
			if _, ok := n.e.idem[r.IdempotencyKey]; !ok {
				keys = append(keys, r.IdempotencyKey)
			}
		}
		for i := range r.CreateAccounts {
			n.account(r.CreateAccounts[i].ID)
		}
		for i := range r.CreateTransfers {
			t := &r.CreateTransfers[i]
			if t.ID <= n.e.maxTransfer {
				n.transfer(t.ID, false)
			}
			n.transfer(t.PendingID, true)
			n.account(t.DebitAccountID)
			n.account(t.CreditAccountID)
		}
		for _, id := range r.CloseAccounts {
			n.account(id)
		}
	}
	for _, id := range due {
		n.transfer(id, true)
	}
	return keys
}

// loadRecords loads the records the batch's commands read that memory lacks: their
// Keys, then their DependentKeys. Dependent keys can come from dependent records (a
// settlement's pieces name their financings), so they are asked for again after each
// load, until nothing new is named; the rounds are bounded against a command that
// names new keys forever.
func (e *Engine) loadRecords(ctx context.Context, calls []*call) error {
	clear(e.dependent)
	seen := make(map[linkfin.ObjectKey]bool)
	if _, err := e.loadKeys(ctx, calls, seen, linkfin.Command.Keys); err != nil {
		return err
	}
	return e.loadDependent(ctx, calls, seen)
}

// loadDependent asks the commands for their DependentKeys, and loads what they name,
// until they name nothing new.
func (e *Engine) loadDependent(ctx context.Context, calls []*call, seen map[linkfin.ObjectKey]bool) error {
	for range maxDependentRounds {
		n, err := e.loadKeys(ctx, calls, seen, e.dependentKeys)
		if err != nil || n == 0 {
			return err
		}
	}
	return nil
}

// replan works out again what one command of the batch reads and writes, from the
// records as the batch's earlier commands left them, and loads what memory lacks: for
// a command whose plan they made stale (Tx.unlisted). Its Keys are loaded already.
// Memory holds every record and ledger row that a batch in flight changed, so what
// the store gives here is as current as a prefetch's.
func (e *Engine) replan(ctx context.Context, cmd linkfin.Command) error {
	calls := []*call{{req: &Request{Commands: []linkfin.Command{cmd}}}}
	if err := e.loadDependent(ctx, calls, make(map[linkfin.ObjectKey]bool)); err != nil {
		return err
	}
	need := e.newLedgerRows()
	e.listCommand(cmd, need)
	return e.loadLedger(ctx, need, nil)
}

// dependentKeys asks a DependentCommand for its dependent keys, from the records
// loaded so far, and keeps them: the command may read them as it runs.
func (e *Engine) dependentKeys(cmd linkfin.Command) []linkfin.ObjectKey {
	if dc, ok := cmd.(linkfin.DependentCommand); ok {
		e.dependent[cmd] = dc.DependentKeys(records{e, cmd})
	}
	return e.dependent[cmd]
}

// loadKeys loads, in one read, the records keysOf names for the batch's commands that
// are neither in memory nor asked for before, and returns how many it asked for. A key
// no store can hold (linkfin.ObjectKey.Storable) is absent without a read: a store
// that cannot take it as a parameter (PostgreSQL, for a NUL) would fail the read, and
// with it every request of the batch.
func (e *Engine) loadKeys(ctx context.Context, calls []*call, seen map[linkfin.ObjectKey]bool,
	keysOf func(linkfin.Command) []linkfin.ObjectKey) (int, error) {
	var keys []linkfin.ObjectKey
	n := 0
	for _, c := range calls {
		for _, cmd := range c.req.Commands {
			for _, k := range keysOf(cmd) {
				if _, ok := e.objects[k]; ok || seen[k] {
					continue
				}
				seen[k] = true
				n++
				if !k.Storable() {
					e.objects[k] = absent
					continue
				}
				keys = append(keys, k)
			}
		}
	}
	if len(keys) == 0 {
		return n, nil
	}
	objs, err := e.store.ObjectsByKey(ctx, keys)
	if err != nil {
		return n, err
	}
	for i := range objs {
		e.objects[objs[i].Key()] = &record{obj: &objs[i]}
	}
	for _, k := range keys {
		if _, ok := e.objects[k]; !ok {
			e.objects[k] = absent
		}
	}
	return n, nil
}

// listLedger asks each command that moves money for the ledger rows it touches, now
// that its records are loaded: which wallets and limits it touches can depend on them.
// A command may use only the accounts it lists (Tx.Transfer refuses others).
func (e *Engine) listLedger(calls []*call, need *ledgerRows) {
	clear(e.listed)
	for _, c := range calls {
		for _, cmd := range c.req.Commands {
			e.listCommand(cmd, need)
		}
	}
}

// listCommand asks one command for the ledger rows it touches, if it moves money.
func (e *Engine) listCommand(cmd linkfin.Command, need *ledgerRows) {
	lc, ok := cmd.(linkfin.LedgerCommand)
	if !ok {
		return
	}
	accounts, transfers := lc.LedgerKeys(records{e, cmd})
	listed := make(map[int64]bool, len(accounts))
	for _, id := range accounts {
		need.account(id)
		listed[id] = true
	}
	e.listed[cmd] = listed
	for _, id := range transfers {
		need.transfer(id, true)
	}
}

// loadAnswers loads the answers saved under the idempotency keys, whole: the values
// the log holds put back.
func (e *Engine) loadAnswers(ctx context.Context, keys []string) error {
	if len(keys) == 0 {
		return nil
	}
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
	return nil
}

// loadLedger loads the ledger rows asked for: the transfers and pending transfers
// first, since the accounts of those to post, void or expire are known only from them,
// then the accounts.
func (e *Engine) loadLedger(ctx context.Context, need *ledgerRows, due []int64) error {
	ts, err := e.store.TransfersByID(ctx, need.transfers)
	if err != nil {
		return err
	}
	for _, t := range ts {
		e.state.LoadTransfer(t)
	}
	ps, err := e.store.PendingByID(ctx, need.pending)
	if err != nil {
		return err
	}
	for _, p := range ps {
		e.state.LoadPending(p)
	}
	for _, ids := range [][]int64{need.pending, due} {
		for _, id := range ids {
			if t := e.state.Transfer(id); t != nil {
				need.account(t.DebitAccountID)
				need.account(t.CreditAccountID)
			}
		}
	}
	as, err := e.store.AccountsByID(ctx, need.accounts)
	if err != nil {
		return err
	}
	for _, a := range as {
		e.state.LoadAccount(a)
	}
	return nil
}
