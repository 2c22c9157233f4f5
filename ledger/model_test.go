package ledger_test

import (
	"flag"
	"math"
	"math/bits"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"pgregory.net/rapid"

	"linkfin/ledger"
)

// The reference model below restates the ledger's rules with plain maps and the
// obvious arithmetic. It uses the package's data types and result codes, never its
// code: validation order, balance arithmetic, overflow checks, chains, expiry and the
// clock are all computed here independently.

type refAccount struct {
	ledger               uint32
	currency             string
	code                 uint16
	dmnec, cmned, closed bool
	dp, dpo, cp, cpo     int64 // debits pending/posted, credits pending/posted
	ts                   int64 // creation timestamp
	last                 int64 // id of the newest transfer touching it
}

type refPending struct {
	expiresAt int64
	status    ledger.PendingStatus
}

type refOpKind uint8

const (
	opAccountCreated refOpKind = iota + 1
	opAccountClosed
	opTransfer
	opExpired
)

// refOp is one change the current batch made, in order; Changes is derived from them.
type refOp struct {
	kind       refOpKind
	id         int64 // account id, transfer id, or the expired pending's id
	ts         int64
	dr, cr     int64 // accounts a transfer or an expiry touched
	newPending bool  // the transfer is a pending one
	resolved   int64 // pending id a post or void resolved
}

type refUndo struct {
	kind byte // 'a'ccount, 't'ransfer, 'p'ending
	id   int64
	had  bool
	acc  refAccount
	pen  refPending
}

type refModel struct {
	accounts  map[int64]refAccount
	transfers map[int64]ledger.Transfer // as the ledger must store them
	requests  map[int64]ledger.Transfer // the request each transfer was created by
	pending   map[int64]refPending
	// Creation order; rollbacks only ever remove the newest entries.
	accountOrder, transferOrder, pendingOrder []int64

	now, clock int64
	batch      refMark // where the batch began
	journal    []refUndo
	ops        []refOp
}

type refMark struct {
	journal, ops, accounts, transfers, pendings int
	clock                                       int64
}

func newRefModel() *refModel {
	return &refModel{
		accounts:  make(map[int64]refAccount),
		transfers: make(map[int64]ledger.Transfer),
		requests:  make(map[int64]ledger.Transfer),
		pending:   make(map[int64]refPending),
	}
}

func (m *refModel) begin(wall int64) {
	m.now = max(wall, m.clock+1)
	m.journal = m.journal[:0]
	m.ops = m.ops[:0]
	m.batch = m.mark()
}

func (m *refModel) commit() { m.journal = m.journal[:0] }

// nextTS is the timestamp the next change gets; take it with m.clock = ts.
func (m *refModel) nextTS() int64 { return max(m.clock+1, m.now) }

func (m *refModel) mark() refMark {
	return refMark{len(m.journal), len(m.ops), len(m.accountOrder), len(m.transferOrder), len(m.pendingOrder), m.clock}
}

func (m *refModel) rollback(k refMark) {
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
	m.ops = m.ops[:k.ops]
	m.accountOrder = m.accountOrder[:k.accounts]
	m.transferOrder = m.transferOrder[:k.transfers]
	m.pendingOrder = m.pendingOrder[:k.pendings]
	m.clock = k.clock
}

func (m *refModel) rollbackBatch() { m.rollback(m.batch) }

func (m *refModel) setAccount(id int64, a refAccount) {
	old, had := m.accounts[id]
	m.journal = append(m.journal, refUndo{kind: 'a', id: id, had: had, acc: old})
	m.accounts[id] = a
}

func (m *refModel) setPending(id int64, p refPending) {
	old, had := m.pending[id]
	m.journal = append(m.journal, refUndo{kind: 'p', id: id, had: had, pen: old})
	m.pending[id] = p
}

func (m *refModel) addTransfer(stored, req ledger.Transfer) {
	m.journal = append(m.journal, refUndo{kind: 't', id: stored.ID})
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

func (m *refModel) createAccount(a ledger.Account) ledger.Result {
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
	m.setAccount(a.ID, refAccount{ledger: a.Ledger, currency: a.Currency, code: a.Code,
		dmnec: a.Flags&dmnec != 0, cmned: a.Flags&cmned != 0, ts: ts})
	m.accountOrder = append(m.accountOrder, a.ID)
	m.ops = append(m.ops, refOp{kind: opAccountCreated, id: a.ID, ts: ts})
	return ledger.OK
}

func (m *refModel) closeAccount(id int64) ledger.Result {
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
	m.ops = append(m.ops, refOp{kind: opAccountClosed, id: id, ts: ts})
	return ledger.OK
}

// sameRequest compares a retry with the stored transfer, ignoring what the ledger set.
func sameRequest(e, t ledger.Transfer) bool {
	e.Timestamp, e.PrevDebit, e.PrevCredit = 0, 0, 0
	t.Timestamp, t.PrevDebit, t.PrevCredit = 0, 0, 0
	return e == t
}

func (m *refModel) transfer(t ledger.Transfer) ledger.Result {
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
		m.setPending(t.ID, refPending{expiresAt: expires, status: ledger.StatusPending})
		m.pendingOrder = append(m.pendingOrder, t.ID)
	}
	m.ops = append(m.ops, refOp{kind: opTransfer, id: t.ID, ts: ts, dr: t.DebitAccountID, cr: t.CreditAccountID, newPending: pending})
	return ledger.OK
}

// resolve posts or voids. Zero accounts, ledger, currency and code mean "as the pending
// transfer"; a post of amount 0 posts all of it; a void's amount is 0 or all of it.
func (m *refModel) resolve(t ledger.Transfer) ledger.Result {
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
	m.ops = append(m.ops, refOp{kind: opTransfer, id: t.ID, ts: ts, dr: p.DebitAccountID, cr: p.CreditAccountID, resolved: p.ID})
	return ledger.OK
}

// request runs transfers in order; a chain (Linked on all but its last) applies
// whole or not at all, and a chain still open at the end of the request fails.
func (m *refModel) request(req []ledger.Transfer) []ledger.Result {
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
		k := m.mark()
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
			m.rollback(k)
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

func (m *refModel) expire(id int64) bool {
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
	m.ops = append(m.ops, refOp{kind: opExpired, id: id, ts: ts, dr: p.DebitAccountID, cr: p.CreditAccountID})
	return true
}

// harness drives the State and the model with the same random commands.

const (
	maxModelAccounts = 40
	farFuture        = math.MaxInt64 - 4_000_000_000_000_000_000 // timeouts of ~136 years overflow
	unknownID        = 1 << 40
)

type harness struct {
	s    *ledger.State
	m    *refModel
	wall int64

	nextAccount, nextTransfer int64
	// ids a step asked for, to check that what failed left nothing behind.
	triedAccounts, triedTransfers []int64

	commands, transfers int
}

func newHarness() *harness {
	return &harness{s: ledger.NewState(), m: newRefModel(), wall: t0, nextAccount: 1, nextTransfer: 1}
}

func draw(t *rapid.T, lo, hi int, label string) int { return rapid.IntRange(lo, hi).Draw(t, label) }

func pick(t *rapid.T, ids []int64, label string) int64 {
	return ids[rapid.IntRange(0, len(ids)-1).Draw(t, label)]
}

func (h *harness) step(t *rapid.T) {
	if draw(t, 0, 49, "skip") == 0 {
		// Lets the shrinker delete steps.
		return
	}
	h.triedAccounts, h.triedTransfers = h.triedAccounts[:0], h.triedTransfers[:0]
	advanced := draw(t, 0, 9, "advance time") < 2
	if advanced {
		h.advance(t)
	}
	h.s.Begin(h.wall)
	h.m.begin(h.wall)
	if h.s.Now() != h.m.now {
		t.Fatalf("Now() = %d, model %d", h.s.Now(), h.m.now)
	}
	if advanced {
		h.commands++
		h.sweep(t)
	}
	switch mode := draw(t, 0, 19, "batch mode"); {
	case mode < 14:
		h.op(t)
		h.s.Commit()
		h.m.commit()
		h.checkChanges(t)
	case mode < 17:
		h.op(t)
		h.checkChanges(t)
		before := copyChanges(h.s.Changes())
		mk, rm := h.s.Mark(), h.m.mark()
		t.Logf("mark")
		h.op(t)
		h.s.Rollback(mk)
		h.m.rollback(rm)
		t.Logf("rollback to mark")
		if !equalChanges(copyChanges(h.s.Changes()), before) {
			t.Fatalf("changes after Rollback = %+v, want %+v", *h.s.Changes(), before)
		}
		h.checkChanges(t)
		h.s.Commit()
		h.m.commit()
	default:
		h.op(t)
		h.s.RollbackBatch()
		h.m.rollbackBatch()
		t.Logf("rollback batch")
		if !equalChanges(copyChanges(h.s.Changes()), ledger.Changes{}) {
			t.Fatalf("changes after RollbackBatch = %+v, want none", *h.s.Changes())
		}
	}
	h.check(t)
}

func (h *harness) advance(t *rapid.T) {
	switch k := draw(t, 0, 199, "time step"); {
	case k < 150:
		h.wall += int64(draw(t, 0, 4, "seconds")) * second
	case k < 185:
		h.wall += int64(draw(t, 5, 12, "seconds")) * second
	case k < 198: // the host clock steps back
		h.wall -= int64(draw(t, 1, 5, "seconds back")) * second
	default:
		h.wall = max(h.wall, farFuture)
	}
	t.Logf("time %d", h.wall)
}

func (h *harness) op(t *rapid.T) {
	h.commands++
	switch k := draw(t, 0, 99, "command"); {
	case k < 12 || len(h.m.accountOrder) < 3:
		h.opAccounts(t)
	case k < 14:
		h.opClose(t)
	case k < 20:
		h.sweep(t)
	default:
		h.opTransfers(t)
	}
}

func (h *harness) opAccounts(t *rapid.T) {
	req := make([]ledger.Account, draw(t, 1, 3, "accounts"))
	for i := range req {
		req[i] = h.genAccount(t)
		h.triedAccounts = append(h.triedAccounts, req[i].ID)
	}
	got := h.s.CreateAccounts(req)
	t.Logf("accounts %+v -> %v", req, got)
	for i, a := range req {
		if want := h.m.createAccount(a); got[i] != want {
			t.Fatalf("account %+v: %s, model %s", a, got[i], want)
		}
	}
	h.syncClock(t, false)
}

func (h *harness) genAccount(t *rapid.T) ledger.Account {
	fresh := func() ledger.Account {
		a := ledger.Account{ID: h.nextAccount, Ledger: 1, Currency: "CNY", Code: uint16(draw(t, 0, 3, "code"))}
		h.nextAccount++
		if draw(t, 0, 4, "ledger 2") == 0 {
			a.Ledger = 2
		}
		if draw(t, 0, 6, "usd") == 0 {
			a.Currency = "USD"
		}
		switch draw(t, 0, 9, "flags") {
		case 0, 1, 2:
			a.Flags = dmnec
		case 3, 4:
			a.Flags = cmned
		}
		return a
	}
	existing := func() ledger.Account {
		id := pick(t, h.m.accountOrder, "account")
		e := h.m.accounts[id]
		a := ledger.Account{ID: id, Ledger: e.ledger, Currency: e.currency, Code: e.code}
		if e.dmnec {
			a.Flags = dmnec
		}
		if e.cmned {
			a.Flags = cmned
		}
		return a
	}
	k := draw(t, 0, 99, "account kind")
	have := len(h.m.accountOrder) > 0
	switch {
	case k < 70 && len(h.m.accountOrder) < maxModelAccounts || !have:
		return fresh()
	case k < 82:
		return existing()
	case k < 90:
		a := existing()
		switch draw(t, 0, 3, "differ in") {
		case 0:
			a.Ledger++
		case 1:
			a.Currency = map[string]string{"CNY": "USD", "USD": "CNY"}[a.Currency]
		case 2:
			a.Code++
		default:
			a.Flags = []ledger.AccountFlags{0, dmnec, cmned}[draw(t, 0, 2, "flags")]
		}
		return a
	}
	a := fresh()
	switch draw(t, 0, 8, "invalid account") {
	case 0:
		a.ID = -int64(draw(t, 0, 3, "id"))
	case 1:
		a.Flags |= ledger.Closed
	case 2:
		a.Flags |= ledger.AccountFlags(1) << draw(t, 3, 15, "bit")
	case 3:
		a.Flags = dmnec | cmned
	case 4:
		a.DebitsPosted = 1
	case 5:
		a.CreditsPending = -1
	case 6:
		a.Ledger = 0
	case 7:
		a.Currency = []string{"", "usd", "US", "USDX", "U$D"}[draw(t, 0, 4, "currency")]
	default:
		a.DebitsPending, a.CreditsPosted = 5, 5
	}
	return a
}

func (h *harness) opClose(t *rapid.T) {
	var id int64
	switch k := draw(t, 0, 19, "close which"); {
	case k == 0:
		id = -int64(draw(t, 0, 1, "id"))
	case k == 1:
		id = unknownID
	default:
		id = pick(t, h.m.accountOrder, "account")
	}
	h.triedAccounts = append(h.triedAccounts, id)
	got, want := h.s.CloseAccount(id), h.m.closeAccount(id)
	t.Logf("close %d -> %s", id, got)
	if got != want {
		t.Fatalf("close %d: %s, model %s", id, got, want)
	}
	h.syncClock(t, false)
}

// sweep expires what is due, asking about every pending transfer and an unknown id.
func (h *harness) sweep(t *rapid.T) {
	ids := append(slices.Clone(h.m.pendingOrder), unknownID)
	if len(h.m.transferOrder) > 0 {
		ids = append(ids, pick(t, h.m.transferOrder, "expire any"))
	}
	var expired []int64
	for _, id := range ids {
		got, want := h.s.Expire(id), h.m.expire(id)
		if got != want {
			t.Fatalf("Expire(%d) at %d = %t, model %t (pending %+v)", id, h.m.now, got, want, h.m.pending[id])
		}
		if got {
			expired = append(expired, id)
		}
	}
	t.Logf("sweep at %d expired %v", h.m.now, expired)
	h.syncClock(t, false)
}

func (h *harness) opTransfers(t *rapid.T) {
	var n int
	chain, open, trailing := false, false, false
	switch k := draw(t, 0, 99, "shape"); {
	case k < 60:
		n = 1
	case k < 88:
		chain, n = true, draw(t, 2, 5, "chain length")
	case k < 95:
		chain, trailing, n = true, true, draw(t, 2, 5, "chain length")
	default:
		chain, open, n = true, true, draw(t, 1, 4, "open chain length")
	}
	var req []ledger.Transfer
	for i := range n {
		tr := h.genTransfer(t, req)
		tr.Flags &^= ledger.Linked
		if chain && (i < n-1 || open) {
			tr.Flags |= ledger.Linked
		}
		req = append(req, tr)
	}
	if trailing {
		tr := h.genTransfer(t, req)
		tr.Flags &^= ledger.Linked
		req = append(req, tr)
	}
	for _, tr := range req {
		h.triedTransfers = append(h.triedTransfers, tr.ID)
	}
	h.transfers += len(req)
	got := h.s.CreateTransfers(req)
	t.Logf("transfers %+v -> %v", req, got)
	want := h.m.request(req)
	if !slices.Equal(got, want) {
		t.Fatalf("transfers %+v: %v, model %v", req, got, want)
	}
	// A single transfer that fails may still have taken the next timestamp; chains
	// restore the clock. Failed singles only ever come last.
	last := len(req) - 1
	single := req[last].Flags&ledger.Linked == 0 && (last == 0 || req[last-1].Flags&ledger.Linked == 0)
	h.syncClock(t, single && want[last] != ledger.OK)
}

// syncClock checks the ledger's clock against the model's and takes it over.
func (h *harness) syncClock(t *rapid.T, mayHaveTicked bool) {
	got, want := h.s.Clock(), h.m.clock
	if got != want && !(mayHaveTicked && got == h.m.nextTS()) {
		t.Fatalf("Clock() = %d, model %d", got, want)
	}
	h.m.clock = got
}

func (h *harness) genTransfer(t *rapid.T, req []ledger.Transfer) ledger.Transfer {
	switch k := draw(t, 0, 99, "transfer kind"); {
	case k < 30:
		return h.genPlain(t, false)
	case k < 50:
		return h.genPlain(t, true)
	case k < 65:
		return h.genResolve(t, req, true)
	case k < 75:
		return h.genResolve(t, req, false)
	case k < 85:
		return h.genRetry(t, req)
	default:
		return h.genInvalid(t, req)
	}
}

func (h *harness) freshTransferID() int64 {
	id := h.nextTransfer
	h.nextTransfer++
	return id
}

func (h *harness) genPlain(t *rapid.T, pending bool) ledger.Transfer {
	tr := ledger.Transfer{ID: h.freshTransferID(), Ledger: 1, Currency: "CNY", Code: uint16(draw(t, 0, 2, "code"))}
	accounts := h.m.accountOrder
	if len(accounts) < 2 {
		tr.DebitAccountID, tr.CreditAccountID = 1, 2
	} else {
		tr.DebitAccountID = pick(t, accounts, "debit")
		dr := h.m.accounts[tr.DebitAccountID]
		tr.Ledger, tr.Currency = dr.ledger, dr.currency
		var peers []int64
		if draw(t, 0, 6, "any credit account") > 0 {
			for _, id := range accounts {
				if a := h.m.accounts[id]; id != tr.DebitAccountID && a.ledger == dr.ledger && a.currency == dr.currency {
					peers = append(peers, id)
				}
			}
		}
		if len(peers) == 0 {
			peers = accounts
		}
		tr.CreditAccountID = pick(t, peers, "credit")
	}
	tr.Amount = h.genAmount(t, tr.DebitAccountID)
	if pending {
		tr.Flags = ledger.Pending
		switch k := draw(t, 0, 19, "timeout"); {
		case k < 8:
		case k < 19:
			tr.Timeout = uint32(draw(t, 1, 10, "seconds"))
		default:
			tr.Timeout = math.MaxUint32
		}
	}
	return tr
}

func (h *harness) genAmount(t *rapid.T, debit int64) int64 {
	switch k := draw(t, 0, 99, "amount kind"); {
	case k < 75:
		return int64(draw(t, 1, 1000, "amount"))
	case k < 88:
		return int64(draw(t, 1, 1_000_000, "amount"))
	case k < 95:
		// At the edge of what a wallet can still spend.
		a := h.m.accounts[debit]
		return max(1, a.cpo-a.dp-a.dpo+int64(draw(t, 0, 1, "over")))
	default:
		return []int64{math.MaxInt64, math.MaxInt64/2 + 1, math.MaxInt64 - 1000}[draw(t, 0, 2, "huge")]
	}
}

// pendingCandidate is a pending transfer a post or void may name.
func (h *harness) pickPending(t *rapid.T, req []ledger.Transfer) (int64, *ledger.Transfer) {
	var open, inRequest []int64
	for _, id := range h.m.pendingOrder {
		if h.m.pending[id].status == ledger.StatusPending {
			open = append(open, id)
		}
	}
	for i := range req {
		if req[i].Flags&ledger.Pending != 0 && req[i].Flags&(ledger.PostPending|ledger.VoidPending) == 0 {
			inRequest = append(inRequest, req[i].ID)
		}
	}
	var id int64
	switch k := draw(t, 0, 99, "pending which"); {
	case k < 60 && len(open) > 0:
		id = pick(t, open, "open pending")
	case k < 75 && len(inRequest) > 0:
		id = pick(t, inRequest, "pending in request")
	case k < 92 && len(h.m.pendingOrder) > 0:
		id = pick(t, h.m.pendingOrder, "any pending")
	case k < 97 && len(h.m.transferOrder) > 0:
		id = pick(t, h.m.transferOrder, "any transfer")
	default:
		return unknownID, nil
	}
	if p, ok := h.m.transfers[id]; ok {
		return id, &p
	}
	for i := range req {
		if req[i].ID == id {
			return id, &req[i]
		}
	}
	return id, nil
}

func (h *harness) genResolve(t *rapid.T, req []ledger.Transfer, post bool) ledger.Transfer {
	pid, p := h.pickPending(t, req)
	tr := ledger.Transfer{ID: h.freshTransferID(), PendingID: pid, Flags: ledger.VoidPending}
	if post {
		tr.Flags = ledger.PostPending
	}
	if p == nil {
		return tr
	}
	switch k := draw(t, 0, 99, "resolve amount"); {
	case k < 50 || p.Amount <= 0:
	case k < 70 && post:
		tr.Amount = rapid.Int64Range(1, p.Amount).Draw(t, "partial")
	case k < 85:
		tr.Amount = p.Amount
	case k < 95 && p.Amount < math.MaxInt64:
		tr.Amount = p.Amount + 1
	default:
		tr.Amount = int64(draw(t, 1, 1000, "other amount"))
	}
	switch k := draw(t, 0, 99, "resolve fields"); {
	case k < 80:
	case k < 92:
		tr.DebitAccountID, tr.CreditAccountID = p.DebitAccountID, p.CreditAccountID
		tr.Ledger, tr.Currency, tr.Code = p.Ledger, p.Currency, p.Code
	default:
		switch draw(t, 0, 4, "differ in") {
		case 0:
			tr.DebitAccountID = p.CreditAccountID
		case 1:
			tr.CreditAccountID = p.DebitAccountID
		case 2:
			tr.Ledger = p.Ledger + 1
		case 3:
			tr.Currency = map[string]string{"CNY": "USD", "USD": "CNY"}[p.Currency]
		default:
			tr.Code = p.Code + 1
		}
	}
	return tr
}

// genRetry resends the request of an existing transfer, as is or changed.
func (h *harness) genRetry(t *rapid.T, req []ledger.Transfer) ledger.Transfer {
	var tr ledger.Transfer
	switch {
	case len(req) > 0 && draw(t, 0, 9, "retry within request") == 0:
		tr = req[draw(t, 0, len(req)-1, "which")]
	case len(h.m.transferOrder) > 0:
		tr = h.m.requests[pick(t, h.m.transferOrder, "retry")]
	default:
		return h.genPlain(t, false)
	}
	if draw(t, 0, 1, "change") == 0 {
		return tr
	}
	if tr.Flags&(ledger.PostPending|ledger.VoidPending) != 0 {
		switch k := draw(t, 0, 4, "change what"); {
		case k == 1 && len(h.m.pendingOrder) > 0:
			tr.PendingID = pick(t, h.m.pendingOrder, "other pending")
		case k == 2: // partial where it was full, full where it was partial
			if tr.Amount == 0 {
				tr.Amount = 1
			} else {
				tr.Amount = 0
			}
		case k == 3:
			tr.Code++
		case k == 4:
			tr.DebitAccountID = h.m.transfers[tr.ID].CreditAccountID
		default:
			tr.Flags ^= ledger.PostPending | ledger.VoidPending
		}
		return tr
	}
	switch draw(t, 0, 3, "change what") {
	case 0:
		if tr.Amount < math.MaxInt64 {
			tr.Amount++
		} else {
			tr.Amount--
		}
	case 1:
		tr.Code++
	case 2:
		tr.DebitAccountID, tr.CreditAccountID = tr.CreditAccountID, tr.DebitAccountID
	default:
		if tr.Flags&ledger.Pending != 0 {
			tr.Timeout++
		} else {
			tr.Flags |= ledger.Pending
		}
	}
	return tr
}

func (h *harness) genInvalid(t *rapid.T, req []ledger.Transfer) ledger.Transfer {
	tr := h.genPlain(t, draw(t, 0, 1, "pending") == 0)
	switch draw(t, 0, 18, "invalid transfer") {
	case 0:
		tr.ID = -int64(draw(t, 0, 3, "id"))
	case 1:
		tr.Flags |= ledger.TransferFlags(1) << draw(t, 4, 15, "bit")
	case 2:
		tr.Flags |= []ledger.TransferFlags{ledger.Pending | ledger.PostPending, ledger.Pending | ledger.VoidPending,
			ledger.PostPending | ledger.VoidPending}[draw(t, 0, 2, "kinds")]
	case 3:
		tr.DebitAccountID = -int64(draw(t, 0, 1, "id"))
	case 4:
		tr.CreditAccountID = -int64(draw(t, 0, 1, "id"))
	case 5:
		tr.CreditAccountID = tr.DebitAccountID
	case 6:
		tr.PendingID = int64(draw(t, 1, 5, "pending id"))
	case 7:
		tr.Flags &^= ledger.Pending
		tr.Timeout = uint32(draw(t, 1, 5, "timeout"))
	case 8:
		tr.Ledger = 0
	case 9:
		tr.Currency = []string{"", "cny", "CN", "CNYX"}[draw(t, 0, 3, "currency")]
	case 10:
		tr.Amount = -int64(draw(t, 0, 100, "amount"))
	case 11:
		tr.DebitAccountID = unknownID
	case 12:
		tr.CreditAccountID = unknownID
	default:
		tr = h.genResolve(t, req, draw(t, 0, 1, "post") == 0)
		switch draw(t, 0, 5, "invalid resolve") {
		case 0:
			tr.PendingID = -int64(draw(t, 0, 1, "id"))
		case 1:
			tr.PendingID = tr.ID
		case 2:
			tr.Timeout = uint32(draw(t, 1, 5, "timeout"))
		case 3:
			tr.Amount = -int64(draw(t, 1, 100, "amount"))
		case 4:
			tr.Currency = []string{"cn", "usd", "C1Y"}[draw(t, 0, 2, "currency")]
		default:
			tr.PendingID = unknownID
		}
	}
	return tr
}

// check compares the whole State with the model.
func (h *harness) check(t *rapid.T) {
	s, m := h.s, h.m
	if s.Clock() != m.clock {
		t.Fatalf("Clock() = %d, model %d", s.Clock(), m.clock)
	}
	if got, want := s.Size(), len(m.accounts)+len(m.transfers)+len(m.pending); got != want {
		t.Fatalf("Size() = %d, model %d", got, want)
	}
	c := ledger.NewChecker()
	for _, id := range m.accountOrder {
		r := m.accounts[id]
		want := ledger.Account{ID: id, Ledger: r.ledger, Currency: r.currency, Code: r.code,
			DebitsPending: r.dp, DebitsPosted: r.dpo, CreditsPending: r.cp, CreditsPosted: r.cpo,
			Timestamp: r.ts, LastTransfer: r.last}
		if r.dmnec {
			want.Flags |= dmnec
		}
		if r.cmned {
			want.Flags |= cmned
		}
		if r.closed {
			want.Flags |= ledger.Closed
		}
		got := s.Account(id)
		if got == nil || *got != want {
			t.Fatalf("account %d = %+v, model %+v", id, got, want)
		}
		c.Add(got)
	}
	if p := c.Problems(); len(p) > 0 {
		t.Fatalf("checker: %v", p)
	}
	for _, id := range m.pendingOrder {
		r := m.pending[id]
		got := s.Pending(id)
		if got == nil || got.ExpiresAt != r.expiresAt || got.Status != r.status {
			t.Fatalf("pending %d = %+v, model %+v", id, got, r)
		}
	}
	for _, id := range h.triedTransfers {
		want, ok := m.transfers[id]
		got := s.Transfer(id)
		switch {
		case ok && (got == nil || *got != want):
			t.Fatalf("transfer %d = %+v, model %+v", id, got, want)
		case !ok && (got != nil || s.Pending(id) != nil):
			t.Fatalf("transfer %d = %+v, model has none", id, got)
		}
	}
	for _, id := range h.triedAccounts {
		if _, ok := m.accounts[id]; !ok && s.Account(id) != nil {
			t.Fatalf("account %d = %+v, model has none", id, s.Account(id))
		}
	}
}

// checkAll also compares every transfer.
func (h *harness) checkAll(t *rapid.T) {
	h.check(t)
	for _, id := range h.m.transferOrder {
		if got, want := h.s.Transfer(id), h.m.transfers[id]; got == nil || *got != want {
			t.Fatalf("transfer %d = %+v, model %+v", id, got, want)
		}
	}
}

// checkChanges compares the batch's Changes with what the model's ops imply.
func (h *harness) checkChanges(t *rapid.T) {
	ch := h.s.Changes()
	created := make(map[int64]struct{})
	accounts := make(map[int64]struct{})
	newPending := make(map[int64]struct{})
	pendingSet := make(map[int64]struct{})
	var newAccounts, transfers []int64
	touch := func(ids ...int64) {
		for _, id := range ids {
			if _, ok := created[id]; !ok {
				accounts[id] = struct{}{}
			}
		}
	}
	resolve := func(id int64) {
		if _, ok := newPending[id]; !ok {
			pendingSet[id] = struct{}{}
		}
	}
	if len(ch.Events) != len(h.m.ops) {
		t.Fatalf("%d events, model %d", len(ch.Events), len(h.m.ops))
	}
	for i, op := range h.m.ops {
		e := ch.Events[i]
		var typ ledger.EventType
		var id int64
		switch op.kind {
		case opAccountCreated:
			created[op.id] = struct{}{}
			newAccounts = append(newAccounts, op.id)
			typ = ledger.EventAccountCreated
		case opAccountClosed:
			touch(op.id)
			typ = ledger.EventAccountClosed
		case opTransfer:
			transfers = append(transfers, op.id)
			touch(op.dr, op.cr)
			if op.newPending {
				newPending[op.id] = struct{}{}
			}
			if op.resolved != 0 {
				resolve(op.resolved)
			}
			typ = ledger.EventTransferCreated
		case opExpired:
			touch(op.dr, op.cr)
			resolve(op.id)
			typ = ledger.EventPendingExpired
		}
		switch {
		case e.Account != nil:
			id = e.Account.ID
			if closed := e.Account.Flags&ledger.Closed != 0; closed != (op.kind == opAccountClosed) {
				t.Fatalf("event %d %s: snapshot flags %b", i, e.Type, e.Account.Flags)
			}
		case e.Transfer != nil:
			id = e.Transfer.ID
		}
		if e.Type != typ || id != op.id || e.Timestamp != op.ts {
			t.Fatalf("event %d = %s %d at %d, model %s %d at %d", i, e.Type, id, e.Timestamp, typ, op.id, op.ts)
		}
	}
	if !slices.Equal(ch.NewAccounts, newAccounts) {
		t.Fatalf("Changes.NewAccounts = %v, model %v", ch.NewAccounts, newAccounts)
	}
	if len(ch.Transfers) != len(transfers) {
		t.Fatalf("%d changed transfers, model %d", len(ch.Transfers), len(transfers))
	}
	for i, tr := range ch.Transfers {
		if tr.ID != transfers[i] || *tr != h.m.transfers[tr.ID] {
			t.Fatalf("Changes.Transfers[%d] = %+v, model %+v", i, *tr, h.m.transfers[transfers[i]])
		}
	}
	for _, c := range []struct {
		name      string
		got, want map[int64]struct{}
	}{{"Accounts", ch.Accounts, accounts}, {"NewPending", ch.NewPending, newPending}, {"Pending", ch.Pending, pendingSet}} {
		if !slices.Equal(keys(c.got), keys(c.want)) {
			t.Fatalf("Changes.%s = %v, model %v", c.name, keys(c.got), keys(c.want))
		}
	}
}

// modelCommands is how many commands TestModel runs in all.
const modelCommands = 100_000

// TestModel runs random command sequences against the State and the reference model
// and compares every result, balance, pending state, transfer and Changes after every
// step. The number of steps per check is set so that the run covers modelCommands
// commands whatever -rapid.checks says.
func TestModel(t *testing.T) {
	checks := 100
	if f := flag.Lookup("rapid.checks"); f != nil {
		if n, err := strconv.Atoi(f.Value.String()); err == nil && n > 0 {
			checks = n
		}
	}
	if testing.Short() {
		checks = max(1, checks/5) // as rapid does
	}
	// About 1 step in 50 is skipped and a few steps run two commands; aim a little high.
	steps := max(100, modelCommands*21/20/checks+1)
	var commands, transfers, runs int
	start := time.Now()
	rapid.Check(t, func(rt *rapid.T) {
		h := newHarness()
		for range steps {
			h.step(rt)
		}
		h.checkAll(rt)
		commands += h.commands
		transfers += h.transfers
		runs++
	})
	if t.Failed() {
		return
	}
	t.Logf("%d runs, %d commands (%d transfers) in %v", runs, commands, transfers, time.Since(start).Round(time.Millisecond))
	if commands < modelCommands {
		t.Errorf("ran %d commands, want at least %d", commands, modelCommands)
	}
}
