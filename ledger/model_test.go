package ledger_test

import (
	"flag"
	"math"
	"slices"
	"strconv"
	"testing"
	"time"

	"pgregory.net/rapid"

	"linkfin/ledger"
	"linkfin/ledger/ledgermodel"
)

// harness drives the State and the model with the same random commands.

const (
	maxModelAccounts = 40
	farFuture        = math.MaxInt64 - 4_000_000_000_000_000_000 // timeouts of ~136 years overflow
	unknownID        = 1 << 40
)

type harness struct {
	s    *ledger.State
	m    *ledgermodel.Model
	wall int64

	nextAccount, nextTransfer int64
	// ids a step asked for, to check that what failed left nothing behind.
	triedAccounts, triedTransfers []int64

	commands, transfers int
}

func newHarness() *harness {
	return &harness{s: ledger.NewState(), m: ledgermodel.New(), wall: t0, nextAccount: 1, nextTransfer: 1}
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
	h.m.Begin(h.wall)
	if h.s.Now() != h.m.Now() {
		t.Fatalf("Now() = %d, model %d", h.s.Now(), h.m.Now())
	}
	if advanced {
		h.commands++
		h.sweep(t)
	}
	switch mode := draw(t, 0, 19, "batch mode"); {
	case mode < 14:
		h.op(t)
		h.s.Commit()
		h.m.Commit()
		h.checkChanges(t)
	case mode < 17:
		h.op(t)
		h.checkChanges(t)
		before := copyChanges(h.s.Changes())
		mk, rm := h.s.Mark(), h.m.Mark()
		t.Logf("mark")
		h.op(t)
		h.s.Rollback(mk)
		h.m.Rollback(rm)
		t.Logf("rollback to mark")
		if !equalChanges(copyChanges(h.s.Changes()), before) {
			t.Fatalf("changes after Rollback = %+v, want %+v", *h.s.Changes(), before)
		}
		h.checkChanges(t)
		h.s.Commit()
		h.m.Commit()
	default:
		h.op(t)
		h.s.RollbackBatch()
		h.m.RollbackBatch()
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
	case k < 12 || len(h.m.AccountIDs()) < 3:
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
	want := h.m.CreateAccounts(req)
	for i, a := range req {
		if got[i] != want[i] {
			t.Fatalf("account %+v: %s, model %s", a, got[i], want[i])
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
		id := pick(t, h.m.AccountIDs(), "account")
		e, _ := h.m.Account(id)
		return ledger.Account{ID: id, Ledger: e.Ledger, Currency: e.Currency, Code: e.Code, Flags: e.Flags &^ ledger.Closed}
	}
	k := draw(t, 0, 99, "account kind")
	have := len(h.m.AccountIDs()) > 0
	switch {
	case k < 70 && len(h.m.AccountIDs()) < maxModelAccounts || !have:
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
		id = pick(t, h.m.AccountIDs(), "account")
	}
	h.triedAccounts = append(h.triedAccounts, id)
	got, want := h.s.CloseAccount(id), h.m.CloseAccount(id)
	t.Logf("close %d -> %s", id, got)
	if got != want {
		t.Fatalf("close %d: %s, model %s", id, got, want)
	}
	h.syncClock(t, false)
}

// sweep expires what is due, asking about every pending transfer and an unknown id.
func (h *harness) sweep(t *rapid.T) {
	ids := append(slices.Clone(h.m.PendingIDs()), unknownID)
	if len(h.m.TransferIDs()) > 0 {
		ids = append(ids, pick(t, h.m.TransferIDs(), "expire any"))
	}
	var expired []int64
	for _, id := range ids {
		got, want := h.s.Expire(id), h.m.Expire(id)
		if got != want {
			p, _ := h.m.Pending(id)
			t.Fatalf("Expire(%d) at %d = %t, model %t (pending %+v)", id, h.m.Now(), got, want, p)
		}
		if got {
			expired = append(expired, id)
		}
	}
	t.Logf("sweep at %d expired %v", h.m.Now(), expired)
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
	want := h.m.CreateTransfers(req)
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
	got, want := h.s.Clock(), h.m.Clock()
	if got != want && !(mayHaveTicked && got == max(want+1, h.m.Now())) {
		t.Fatalf("Clock() = %d, model %d", got, want)
	}
	h.m.SetClock(got)
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
	accounts := h.m.AccountIDs()
	if len(accounts) < 2 {
		tr.DebitAccountID, tr.CreditAccountID = 1, 2
	} else {
		tr.DebitAccountID = pick(t, accounts, "debit")
		dr, _ := h.m.Account(tr.DebitAccountID)
		tr.Ledger, tr.Currency = dr.Ledger, dr.Currency
		var peers []int64
		if draw(t, 0, 6, "any credit account") > 0 {
			for _, id := range accounts {
				if a, _ := h.m.Account(id); id != tr.DebitAccountID && a.Ledger == dr.Ledger && a.Currency == dr.Currency {
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
		a, _ := h.m.Account(debit)
		return max(1, a.CreditsPosted-a.DebitsPending-a.DebitsPosted+int64(draw(t, 0, 1, "over")))
	default:
		return []int64{math.MaxInt64, math.MaxInt64/2 + 1, math.MaxInt64 - 1000}[draw(t, 0, 2, "huge")]
	}
}

// pendingCandidate is a pending transfer a post or void may name.
func (h *harness) pickPending(t *rapid.T, req []ledger.Transfer) (int64, *ledger.Transfer) {
	var open, inRequest []int64
	for _, id := range h.m.PendingIDs() {
		if p, _ := h.m.Pending(id); p.Status == ledger.StatusPending {
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
	case k < 92 && len(h.m.PendingIDs()) > 0:
		id = pick(t, h.m.PendingIDs(), "any pending")
	case k < 97 && len(h.m.TransferIDs()) > 0:
		id = pick(t, h.m.TransferIDs(), "any transfer")
	default:
		return unknownID, nil
	}
	if p, ok := h.m.Transfer(id); ok {
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
	case len(h.m.TransferIDs()) > 0:
		tr, _ = h.m.Request(pick(t, h.m.TransferIDs(), "retry"))
	default:
		return h.genPlain(t, false)
	}
	if draw(t, 0, 1, "change") == 0 {
		return tr
	}
	if tr.Flags&(ledger.PostPending|ledger.VoidPending) != 0 {
		switch k := draw(t, 0, 4, "change what"); {
		case k == 1 && len(h.m.PendingIDs()) > 0:
			tr.PendingID = pick(t, h.m.PendingIDs(), "other pending")
		case k == 2: // partial where it was full, full where it was partial
			if tr.Amount == 0 {
				tr.Amount = 1
			} else {
				tr.Amount = 0
			}
		case k == 3:
			tr.Code++
		case k == 4:
			stored, _ := h.m.Transfer(tr.ID)
			tr.DebitAccountID = stored.CreditAccountID
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
	if s.Clock() != m.Clock() {
		t.Fatalf("Clock() = %d, model %d", s.Clock(), m.Clock())
	}
	if got, want := s.Size(), len(m.AccountIDs())+len(m.TransferIDs())+len(m.PendingIDs()); got != want {
		t.Fatalf("Size() = %d, model %d", got, want)
	}
	c := ledger.NewChecker()
	for _, id := range m.AccountIDs() {
		want, _ := m.Account(id)
		got := s.Account(id)
		if got == nil || *got != want {
			t.Fatalf("account %d = %+v, model %+v", id, got, want)
		}
		c.Add(got)
	}
	if p := c.Problems(); len(p) > 0 {
		t.Fatalf("checker: %v", p)
	}
	for _, id := range m.PendingIDs() {
		want, _ := m.Pending(id)
		if got := s.Pending(id); got == nil || *got != want {
			t.Fatalf("pending %d = %+v, model %+v", id, got, want)
		}
	}
	for _, id := range h.triedTransfers {
		want, ok := m.Transfer(id)
		got := s.Transfer(id)
		switch {
		case ok && (got == nil || *got != want):
			t.Fatalf("transfer %d = %+v, model %+v", id, got, want)
		case !ok && (got != nil || s.Pending(id) != nil):
			t.Fatalf("transfer %d = %+v, model has none", id, got)
		}
	}
	for _, id := range h.triedAccounts {
		if _, ok := m.Account(id); !ok && s.Account(id) != nil {
			t.Fatalf("account %d = %+v, model has none", id, s.Account(id))
		}
	}
}

// checkAll also compares every transfer.
func (h *harness) checkAll(t *rapid.T) {
	h.check(t)
	for _, id := range h.m.TransferIDs() {
		if got, want := h.s.Transfer(id), must(h.m.Transfer(id)); got == nil || *got != want {
			t.Fatalf("transfer %d = %+v, model %+v", id, got, want)
		}
	}
}

func must[T any](v T, _ bool) T { return v }

// checkChanges compares the batch's Changes with what the model's changes imply.
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
	want := h.m.Changes()
	if len(ch.Events) != len(want) {
		t.Fatalf("%d events, model %d", len(ch.Events), len(want))
	}
	for i, c := range want {
		e := ch.Events[i]
		switch c.Type {
		case ledger.EventAccountCreated:
			created[c.ID] = struct{}{}
			newAccounts = append(newAccounts, c.ID)
		case ledger.EventAccountClosed:
			touch(c.ID)
		case ledger.EventTransferCreated:
			transfers = append(transfers, c.ID)
			touch(c.Debit, c.Credit)
			if c.NewPending {
				newPending[c.ID] = struct{}{}
			}
			if c.Resolved != 0 {
				resolve(c.Resolved)
			}
		case ledger.EventPendingExpired:
			touch(c.Debit, c.Credit)
			resolve(c.ID)
		}
		var id int64
		switch {
		case e.Account != nil:
			id = e.Account.ID
			if closed := e.Account.Flags&ledger.Closed != 0; closed != (c.Type == ledger.EventAccountClosed) {
				t.Fatalf("event %d %s: snapshot flags %b", i, e.Type, e.Account.Flags)
			}
		case e.Transfer != nil:
			id = e.Transfer.ID
		}
		if e.Type != c.Type || id != c.ID || e.Timestamp != c.Timestamp {
			t.Fatalf("event %d = %s %d at %d, model %s %d at %d", i, e.Type, id, e.Timestamp, c.Type, c.ID, c.Timestamp)
		}
	}
	if !slices.Equal(ch.NewAccounts, newAccounts) {
		t.Fatalf("Changes.NewAccounts = %v, model %v", ch.NewAccounts, newAccounts)
	}
	if len(ch.Transfers) != len(transfers) {
		t.Fatalf("%d changed transfers, model %d", len(ch.Transfers), len(transfers))
	}
	for i, tr := range ch.Transfers {
		if want := must(h.m.Transfer(transfers[i])); *tr != want {
			t.Fatalf("Changes.Transfers[%d] = %+v, model %+v", i, *tr, want)
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
