// Package ledgermodel is a simple, independent reference model of the ledger, for
// tests. It restates the ledger's rules with plain maps and the obvious arithmetic and
// shares no code with package ledger except its types and result codes: validation
// order, balance arithmetic, overflow checks, linked chains, expiry and the clock are
// all computed here again. A test runs the same commands through the ledger (or through
// the engine on a store) and through a Model, and compares what both answer and hold;
// a bug in the ledger then shows as a difference instead of being on both sides.
package ledgermodel

import (
	"cmp"
	"math"
	"math/bits"
	"slices"
	"strings"
	"time"

	"linkfin/ledger"
)

const (
	dmnec = ledger.DebitsMustNotExceedCredits
	cmned = ledger.CreditsMustNotExceedDebits
)

type account struct {
	ledger               uint32
	currency             string
	code                 uint16
	dmnec, cmned, closed bool
	dp, dpo, cp, cpo     int64 // debits pending/posted, credits pending/posted
	ts                   int64 // creation timestamp
	last                 int64 // id of the newest transfer touching it
}

type pendingState struct {
	expiresAt int64
	status    ledger.PendingStatus
}

// Change is one thing the current batch did, in order: what the ledger reports as an
// event, with what it touched.
type Change struct {
	Type      ledger.EventType
	ID        int64 // the account, the transfer, or the expired pending transfer
	Timestamp int64
	// Debit and Credit are the accounts a transfer or an expiry moved.
	Debit, Credit int64
	NewPending    bool  // the transfer is a pending one
	Resolved      int64 // the pending transfer a post or void resolved
}

type undo struct {
	kind byte // 'a'ccount, 't'ransfer, 'p'ending
	id   int64
	had  bool
	acc  account
	pen  pendingState
}

// Model is the reference ledger. Like ledger.State it works in batches: Begin, the
// commands, then Commit or a rollback.
type Model struct {
	accounts  map[int64]account
	transfers map[int64]ledger.Transfer // as the ledger must store them
	requests  map[int64]ledger.Transfer // the request each transfer was created by
	pending   map[int64]pendingState
	// Creation order; rollbacks only ever remove the newest entries.
	accountOrder, transferOrder, pendingOrder []int64

	now, clock int64
	batch      Mark // where the batch began
	journal    []undo
	changes    []Change
}

// Mark is a point in a batch to roll back to.
type Mark struct {
	journal, changes, accounts, transfers, pendings int
	clock                                           int64
}

// New returns an empty model.
func New() *Model {
	return &Model{
		accounts:  make(map[int64]account),
		transfers: make(map[int64]ledger.Transfer),
		requests:  make(map[int64]ledger.Transfer),
		pending:   make(map[int64]pendingState),
	}
}

// Begin starts a batch at wall time now (Unix ns). The batch's time never goes back:
// it is at least one past the last timestamp handed out.
func (m *Model) Begin(now int64) {
	m.now = max(now, m.clock+1)
	m.journal = m.journal[:0]
	m.changes = m.changes[:0]
	m.batch = m.Mark()
}

// Commit ends the batch, keeping what it did.
func (m *Model) Commit() { m.journal = m.journal[:0] }

// Now is the current batch's time.
func (m *Model) Now() int64 { return m.now }

// Clock is the last timestamp handed out.
func (m *Model) Clock() int64 { return m.clock }

// SetClock sets the last timestamp handed out, as a restart restores it; a test also
// uses it to follow a ledger whose failed command took a timestamp.
func (m *Model) SetClock(ts int64) { m.clock = ts }

// nextTS is the timestamp the next change gets; take it with m.clock = ts.
func (m *Model) nextTS() int64 { return max(m.clock+1, m.now) }

// Mark records the current point of the batch.
func (m *Model) Mark() Mark {
	return Mark{len(m.journal), len(m.changes), len(m.accountOrder), len(m.transferOrder), len(m.pendingOrder), m.clock}
}

// Rollback undoes everything the batch did after k, the clock included.
func (m *Model) Rollback(k Mark) {
	for i := len(m.journal) - 1; i >= k.journal; i-- {
		u := m.journal[i]
		switch u.kind {
		case 'a':
			if u.had {
				m.accounts[u.id] = u.acc
			} else {
				delete(m.accounts, u.id)
			}
		case 't':
			delete(m.transfers, u.id)
			delete(m.requests, u.id)
		case 'p':
			if u.had {
				m.pending[u.id] = u.pen
			} else {
				delete(m.pending, u.id)
			}
		}
	}
	m.journal = m.journal[:k.journal]
	m.changes = m.changes[:k.changes]
	m.accountOrder = m.accountOrder[:k.accounts]
	m.transferOrder = m.transferOrder[:k.transfers]
	m.pendingOrder = m.pendingOrder[:k.pendings]
	m.clock = k.clock
}

// RollbackBatch undoes the whole batch.
func (m *Model) RollbackBatch() { m.Rollback(m.batch) }

// Changes lists what the batch did so far, in order. The caller must not modify it.
func (m *Model) Changes() []Change { return slices.Clip(m.changes) }

// Account returns an account as the ledger holds it.
func (m *Model) Account(id int64) (ledger.Account, bool) {
	a, ok := m.accounts[id]
	if !ok {
		return ledger.Account{}, false
	}
	out := ledger.Account{ID: id, Ledger: a.ledger, Currency: a.currency, Code: a.code,
		DebitsPending: a.dp, DebitsPosted: a.dpo, CreditsPending: a.cp, CreditsPosted: a.cpo,
		Timestamp: a.ts, LastTransfer: a.last}
	if a.dmnec {
		out.Flags |= dmnec
	}
	if a.cmned {
		out.Flags |= cmned
	}
	if a.closed {
		out.Flags |= ledger.Closed
	}
	return out, true
}

// Accounts returns every account, by id.
func (m *Model) Accounts() []ledger.Account {
	out := make([]ledger.Account, 0, len(m.accountOrder))
	for _, id := range m.accountOrder {
		a, _ := m.Account(id)
		out = append(out, a)
	}
	slices.SortFunc(out, func(a, b ledger.Account) int { return cmp.Compare(a.ID, b.ID) })
	return out
}

// Transfer returns a transfer as the ledger stores it.
func (m *Model) Transfer(id int64) (ledger.Transfer, bool) {
	t, ok := m.transfers[id]
	return t, ok
}

// Request returns the request a transfer was created by.
func (m *Model) Request(id int64) (ledger.Transfer, bool) {
	t, ok := m.requests[id]
	return t, ok
}

// Pending returns the state of a pending transfer.
func (m *Model) Pending(id int64) (ledger.PendingState, bool) {
	p, ok := m.pending[id]
	if !ok {
		return ledger.PendingState{}, false
	}
	return ledger.PendingState{ID: id, ExpiresAt: p.expiresAt, Status: p.status}, true
}

// AccountIDs, TransferIDs and PendingIDs list the ids in creation order. The caller
// must not modify them.
func (m *Model) AccountIDs() []int64  { return slices.Clip(m.accountOrder) }
func (m *Model) TransferIDs() []int64 { return slices.Clip(m.transferOrder) }
func (m *Model) PendingIDs() []int64  { return slices.Clip(m.pendingOrder) }

// Due lists the pending transfers whose deadline is at or before Now, by deadline and
// then id: the order in which an expiry queue releases them.
func (m *Model) Due() []int64 {
	var due []int64
	for _, id := range m.pendingOrder {
		if p := m.pending[id]; p.status == ledger.StatusPending && p.expiresAt != 0 && p.expiresAt <= m.now {
			due = append(due, id)
		}
	}
	slices.SortFunc(due, func(a, b int64) int {
		return cmp.Or(cmp.Compare(m.pending[a].expiresAt, m.pending[b].expiresAt), cmp.Compare(a, b))
	})
	return due
}

func (m *Model) setAccount(id int64, a account) {
	old, had := m.accounts[id]
	m.journal = append(m.journal, undo{kind: 'a', id: id, had: had, acc: old})
	m.accounts[id] = a
}

func (m *Model) setPending(id int64, p pendingState) {
	old, had := m.pending[id]
	m.journal = append(m.journal, undo{kind: 'p', id: id, had: had, pen: old})
	m.pending[id] = p
}

func (m *Model) addTransfer(stored, req ledger.Transfer) {
	m.journal = append(m.journal, undo{kind: 't', id: stored.ID})
	m.transfers[stored.ID] = stored
	m.requests[stored.ID] = req
	m.transferOrder = append(m.transferOrder, stored.ID)
}

// isCurrency: three capital ASCII letters.
func isCurrency(c string) bool {
	return len(c) == 3 && strings.Trim(c, "ABCDEFGHIJKLMNOPQRSTUVWXYZ") == ""
}

// fits reports whether a sum of non-negative amounts stays within int64.
func fits(vs ...int64) bool {
	var hi, lo, carry uint64
	for _, v := range vs {
		lo, carry = bits.Add64(lo, uint64(v), 0)
		hi += carry
	}
	return hi == 0 && lo <= math.MaxInt64
}

// CreateAccounts creates accounts in order, each on its own.
func (m *Model) CreateAccounts(as []ledger.Account) []ledger.Result {
	res := make([]ledger.Result, len(as))
	for i, a := range as {
		res[i] = m.createAccount(a)
	}
	return res
}

func (m *Model) createAccount(a ledger.Account) ledger.Result {
	limits := a.Flags & (dmnec | cmned)
	switch {
	case a.ID <= 0:
		return ledger.IDMustBePositive
	case a.Flags != limits:
		return ledger.FlagsInvalid
	case limits == dmnec|cmned:
		return ledger.FlagsMutuallyExclusive
	case a.DebitsPending != 0 || a.DebitsPosted != 0 || a.CreditsPending != 0 || a.CreditsPosted != 0:
		return ledger.BalancesMustBeZero
	case a.Ledger == 0:
		return ledger.LedgerMustNotBeZero
	case !isCurrency(a.Currency):
		return ledger.CurrencyInvalid
	}
	if e, ok := m.accounts[a.ID]; ok {
		if e.ledger == a.Ledger && e.currency == a.Currency && e.code == a.Code &&
			e.dmnec == (a.Flags&dmnec != 0) && e.cmned == (a.Flags&cmned != 0) {
			return ledger.Exists
		}
		return ledger.ExistsWithDifferentFields
	}
	ts := m.nextTS()
	m.clock = ts
	m.setAccount(a.ID, account{ledger: a.Ledger, currency: a.Currency, code: a.Code,
		dmnec: a.Flags&dmnec != 0, cmned: a.Flags&cmned != 0, ts: ts})
	m.accountOrder = append(m.accountOrder, a.ID)
	m.changes = append(m.changes, Change{Type: ledger.EventAccountCreated, ID: a.ID, Timestamp: ts})
	return ledger.OK
}

// CloseAccount closes an account that has nothing pending.
func (m *Model) CloseAccount(id int64) ledger.Result {
	a, ok := m.accounts[id]
	switch {
	case id <= 0:
		return ledger.IDMustBePositive
	case !ok:
		return ledger.AccountNotFound
	case a.closed:
		return ledger.AccountAlreadyClosed
	case a.dp != 0 || a.cp != 0:
		return ledger.AccountHasPending
	}
	a.closed = true
	m.setAccount(id, a)
	ts := m.nextTS()
	m.clock = ts
	m.changes = append(m.changes, Change{Type: ledger.EventAccountClosed, ID: id, Timestamp: ts})
	return ledger.OK
}

// sameRequest compares a retry with the stored transfer, ignoring what the ledger set.
func sameRequest(e, t ledger.Transfer) bool {
	e.Timestamp, e.PrevDebit, e.PrevCredit = 0, 0, 0
	t.Timestamp, t.PrevDebit, t.PrevCredit = 0, 0, 0
	return e == t
}

func (m *Model) transfer(t ledger.Transfer) ledger.Result {
	const known = ledger.Linked | ledger.Pending | ledger.PostPending | ledger.VoidPending
	if t.ID <= 0 {
		return ledger.IDMustBePositive
	}
	if t.Flags&^known != 0 {
		return ledger.FlagsInvalid
	}
	if bits.OnesCount16(uint16(t.Flags&(ledger.Pending|ledger.PostPending|ledger.VoidPending))) > 1 {
		return ledger.FlagsMutuallyExclusive
	}
	if t.Flags&(ledger.PostPending|ledger.VoidPending) != 0 {
		return m.resolve(t)
	}
	pending := t.Flags&ledger.Pending != 0
	switch {
	case t.DebitAccountID <= 0:
		return ledger.DebitAccountIDMustBePositive
	case t.CreditAccountID <= 0:
		return ledger.CreditAccountIDMustBePositive
	case t.DebitAccountID == t.CreditAccountID:
		return ledger.AccountsMustBeDifferent
	case t.PendingID != 0:
		return ledger.PendingIDMustBeZero
	case !pending && t.Timeout != 0:
		return ledger.TimeoutReservedForPending
	case t.Ledger == 0:
		return ledger.LedgerMustNotBeZero
	case !isCurrency(t.Currency):
		return ledger.CurrencyInvalid
	case t.Amount <= 0:
		return ledger.AmountMustBePositive
	}
	if e, ok := m.transfers[t.ID]; ok {
		if sameRequest(e, t) {
			return ledger.Exists
		}
		return ledger.ExistsWithDifferentFields
	}
	dr, okd := m.accounts[t.DebitAccountID]
	cr, okc := m.accounts[t.CreditAccountID]
	amt := t.Amount
	switch {
	case !okd:
		return ledger.DebitAccountNotFound
	case !okc:
		return ledger.CreditAccountNotFound
	case dr.ledger != t.Ledger || cr.ledger != t.Ledger:
		return ledger.LedgerMismatch
	case dr.currency != t.Currency || cr.currency != t.Currency:
		return ledger.CurrencyMismatch
	case dr.closed:
		return ledger.DebitAccountClosed
	case cr.closed:
		return ledger.CreditAccountClosed
	case pending && !fits(dr.dp, amt):
		return ledger.OverflowsDebitsPending
	case pending && !fits(cr.cp, amt):
		return ledger.OverflowsCreditsPending
	case !pending && !fits(dr.dpo, amt):
		return ledger.OverflowsDebitsPosted
	case !pending && !fits(cr.cpo, amt):
		return ledger.OverflowsCreditsPosted
	case !fits(dr.dp, dr.dpo, amt):
		return ledger.OverflowsDebits
	case !fits(cr.cp, cr.cpo, amt):
		return ledger.OverflowsCredits
	case dr.dmnec && dr.dp+dr.dpo+amt > dr.cpo:
		return ledger.ExceedsCredits
	case cr.cmned && cr.cp+cr.cpo+amt > cr.dpo:
		return ledger.ExceedsDebits
	}
	ts := m.nextTS()
	var expires int64
	if pending && t.Timeout > 0 {
		d := int64(t.Timeout) * int64(time.Second)
		if !fits(ts, d) {
			return ledger.OverflowsTimeout
		}
		expires = ts + d
	}
	m.clock = ts
	stored := t
	stored.Timestamp, stored.PrevDebit, stored.PrevCredit = ts, dr.last, cr.last
	if pending {
		dr.dp += amt
		cr.cp += amt
	} else {
		dr.dpo += amt
		cr.cpo += amt
	}
	dr.last, cr.last = t.ID, t.ID
	m.setAccount(t.DebitAccountID, dr)
	m.setAccount(t.CreditAccountID, cr)
	m.addTransfer(stored, t)
	if pending {
		m.setPending(t.ID, pendingState{expiresAt: expires, status: ledger.StatusPending})
		m.pendingOrder = append(m.pendingOrder, t.ID)
	}
	m.changes = append(m.changes, Change{Type: ledger.EventTransferCreated, ID: t.ID, Timestamp: ts,
		Debit: t.DebitAccountID, Credit: t.CreditAccountID, NewPending: pending})
	return ledger.OK
}

// resolve posts or voids. Zero accounts, ledger, currency and code mean "as the pending
// transfer"; a post of amount 0 posts all of it; a void's amount is 0 or all of it.
func (m *Model) resolve(t ledger.Transfer) ledger.Result {
	post := t.Flags&ledger.PostPending != 0
	switch {
	case t.PendingID <= 0:
		return ledger.PendingIDMustBePositive
	case t.PendingID == t.ID:
		return ledger.PendingIDMustBeDifferent
	case t.Timeout != 0:
		return ledger.TimeoutReservedForPending
	case t.Amount < 0:
		return ledger.AmountMustBePositive
	case t.Currency != "" && !isCurrency(t.Currency):
		return ledger.CurrencyInvalid
	}
	p, okp := m.transfers[t.PendingID]
	// What the request means, with the pending transfer's fields filled in.
	eff := t
	if okp {
		if eff.DebitAccountID == 0 {
			eff.DebitAccountID = p.DebitAccountID
		}
		if eff.CreditAccountID == 0 {
			eff.CreditAccountID = p.CreditAccountID
		}
		if eff.Ledger == 0 {
			eff.Ledger = p.Ledger
		}
		if eff.Currency == "" {
			eff.Currency = p.Currency
		}
		if eff.Code == 0 {
			eff.Code = p.Code
		}
		if eff.Amount == 0 {
			eff.Amount = p.Amount
		}
	}
	if e, ok := m.transfers[t.ID]; ok {
		if okp && sameRequest(e, eff) {
			return ledger.Exists
		}
		return ledger.ExistsWithDifferentFields
	}
	switch {
	case !okp:
		return ledger.PendingTransferNotFound
	case p.Flags&ledger.Pending == 0:
		return ledger.PendingTransferNotPending
	case eff.DebitAccountID != p.DebitAccountID || eff.CreditAccountID != p.CreditAccountID:
		return ledger.PendingTransferHasDifferentAccounts
	case eff.Ledger != p.Ledger:
		return ledger.PendingTransferHasDifferentLedger
	case eff.Currency != p.Currency:
		return ledger.CurrencyMismatch
	case eff.Code != p.Code:
		return ledger.PendingTransferHasDifferentCode
	case post && eff.Amount > p.Amount:
		return ledger.ExceedsPendingTransferAmount
	case !post && eff.Amount != p.Amount:
		return ledger.PendingTransferHasDifferentAmount
	}
	ps := m.pending[p.ID]
	switch ps.status {
	case ledger.StatusPosted:
		return ledger.PendingTransferAlreadyPosted
	case ledger.StatusVoided:
		return ledger.PendingTransferAlreadyVoided
	case ledger.StatusExpired:
		return ledger.PendingTransferExpired
	}
	ts := m.nextTS()
	if ps.expiresAt != 0 && ps.expiresAt <= ts {
		return ledger.PendingTransferExpired
	}
	dr, cr := m.accounts[p.DebitAccountID], m.accounts[p.CreditAccountID]
	if post && !fits(dr.dpo, eff.Amount) {
		return ledger.OverflowsDebitsPosted
	}
	if post && !fits(cr.cpo, eff.Amount) {
		return ledger.OverflowsCreditsPosted
	}
	m.clock = ts
	stored := eff
	stored.Timestamp, stored.PrevDebit, stored.PrevCredit = ts, dr.last, cr.last
	dr.dp -= p.Amount
	cr.cp -= p.Amount
	if post {
		dr.dpo += eff.Amount
		cr.cpo += eff.Amount
		ps.status = ledger.StatusPosted
	} else {
		ps.status = ledger.StatusVoided
	}
	dr.last, cr.last = t.ID, t.ID
	m.setAccount(p.DebitAccountID, dr)
	m.setAccount(p.CreditAccountID, cr)
	m.setPending(p.ID, ps)
	m.addTransfer(stored, t)
	m.changes = append(m.changes, Change{Type: ledger.EventTransferCreated, ID: t.ID, Timestamp: ts,
		Debit: p.DebitAccountID, Credit: p.CreditAccountID, Resolved: p.ID})
	return ledger.OK
}

// CreateTransfers runs transfers in order; a chain (Linked on all but its last) applies
// whole or not at all, and a chain still open at the end of the request fails.
func (m *Model) CreateTransfers(req []ledger.Transfer) []ledger.Result {
	res := make([]ledger.Result, len(req))
	for i := 0; i < len(req); {
		end := i
		for end < len(req)-1 && req[end].Flags&ledger.Linked != 0 {
			end++
		}
		open := req[end].Flags&ledger.Linked != 0
		if end == i && !open {
			res[i] = m.transfer(req[i])
			i++
			continue
		}
		k := m.Mark()
		failed, last := -1, end
		if open {
			last = end - 1
		}
		for j := i; j <= last; j++ {
			if r := m.transfer(req[j]); r != ledger.OK {
				res[j], failed = r, j
				break
			}
		}
		if failed >= 0 || open {
			m.Rollback(k)
			for j := i; j <= end; j++ {
				if j != failed {
					res[j] = ledger.LinkedEventFailed
				}
			}
			if open {
				res[end] = ledger.LinkedEventChainOpen
			}
		} else {
			for j := i; j <= end; j++ {
				res[j] = ledger.OK
			}
		}
		i = end + 1
	}
	return res
}

// Expire releases a pending transfer whose deadline has come; it reports false for
// anything else.
func (m *Model) Expire(id int64) bool {
	ps, ok := m.pending[id]
	if !ok || ps.status != ledger.StatusPending || ps.expiresAt == 0 || ps.expiresAt > m.now {
		return false
	}
	p := m.transfers[id]
	dr, cr := m.accounts[p.DebitAccountID], m.accounts[p.CreditAccountID]
	dr.dp -= p.Amount
	cr.cp -= p.Amount
	m.setAccount(p.DebitAccountID, dr)
	m.setAccount(p.CreditAccountID, cr)
	ps.status = ledger.StatusExpired
	m.setPending(id, ps)
	ts := m.nextTS()
	m.clock = ts
	m.changes = append(m.changes, Change{Type: ledger.EventPendingExpired, ID: id, Timestamp: ts,
		Debit: p.DebitAccountID, Credit: p.CreditAccountID})
	return true
}
