package ledger

import "math"

// CreateAccounts creates accounts in order; balances must be zero and the timestamp is
// assigned here. A retry of an existing account with the same fields answers Exists.
func (s *State) CreateAccounts(accounts []Account) []Result {
	return s.CreateAccountsFenced(accounts, nil)
}

// CreateAccountsFenced is CreateAccounts for a caller the fence keeps off some
// ledgers: an account on one of them is refused, LedgerReserved, whether it exists or
// not.
func (s *State) CreateAccountsFenced(accounts []Account, fence Fence) []Result {
	results := make([]Result, len(accounts))
	for i := range accounts {
		results[i] = s.createAccount(accounts[i], fence)
	}
	return results
}

func (s *State) createAccount(a Account, fence Fence) Result {
	switch {
	case a.ID <= 0:
		return IDMustBePositive
	case a.Flags&^(DebitsMustNotExceedCredits|CreditsMustNotExceedDebits) != 0:
		return FlagsInvalid
	case a.Flags&DebitsMustNotExceedCredits != 0 && a.Flags&CreditsMustNotExceedDebits != 0:
		return FlagsMutuallyExclusive
	case a.DebitsPending != 0 || a.DebitsPosted != 0 || a.CreditsPending != 0 || a.CreditsPosted != 0:
		return BalancesMustBeZero
	case a.Ledger == 0:
		return LedgerMustNotBeZero
	case !validCurrency(a.Currency):
		return CurrencyInvalid
	case fence.has(a.Ledger):
		return LedgerReserved
	}
	if e := s.accounts[a.ID]; e != nil {
		if fence.has(e.Ledger) {
			return LedgerReserved
		}
		if e.Ledger != a.Ledger || e.Currency != a.Currency || e.Code != a.Code ||
			e.Flags&^Closed != a.Flags {
			return ExistsWithDifferentFields
		}
		return Exists
	}
	a.Timestamp = s.tick()
	a.LastTransfer = 0
	n := a
	s.addAccount(&n)
	snap := n
	s.emit(Event{Type: EventAccountCreated, Timestamp: n.Timestamp, Account: &snap})
	return OK
}

// CloseAccount closes an account with no pending amounts; it takes no new transfers.
func (s *State) CloseAccount(id int64) Result { return s.CloseAccountFenced(id, nil) }

// CloseAccountFenced is CloseAccount for a caller the fence keeps off some ledgers: an
// account on one of them is not closed, LedgerReserved.
func (s *State) CloseAccountFenced(id int64, fence Fence) Result {
	a := s.accounts[id]
	switch {
	case id <= 0:
		return IDMustBePositive
	case a == nil:
		return AccountNotFound
	case fence.has(a.Ledger):
		return LedgerReserved
	case a.Flags&Closed != 0:
		return AccountAlreadyClosed
	case a.DebitsPending != 0 || a.CreditsPending != 0:
		return AccountHasPending
	}
	s.touchAccount(a)
	a.Flags |= Closed
	snap := *a
	s.emit(Event{Type: EventAccountClosed, Timestamp: s.tick(), Account: &snap})
	return OK
}

// validCurrency accepts an ISO 4217 alphabetic code shape: three capital letters.
func validCurrency(c string) bool {
	if len(c) != 3 {
		return false
	}
	for i := 0; i < 3; i++ {
		if c[i] < 'A' || c[i] > 'Z' {
			return false
		}
	}
	return true
}

// CreateTransfers executes transfers in order. Linked chains (Linked on every transfer
// but the last of the chain) succeed or fail as a whole: when one fails, the others get
// LinkedEventFailed and nothing of the chain remains.
func (s *State) CreateTransfers(transfers []Transfer) []Result {
	return s.CreateTransfersFenced(transfers, nil)
}

// CreateTransfersFenced is CreateTransfers for a caller the fence keeps off some
// ledgers: a transfer on one of them, between accounts one of which is on one, or that
// posts or voids a pending transfer on one, is refused, LedgerReserved (and its linked
// chain with it), whatever ledger it names or leaves out.
func (s *State) CreateTransfersFenced(transfers []Transfer, fence Fence) []Result {
	results := make([]Result, len(transfers))
	chainStart := -1
	var chainMark Mark
	for i := 0; i < len(transfers); i++ {
		t := &transfers[i]
		if t.Flags&Linked != 0 && chainStart < 0 {
			chainStart = i
			chainMark = s.Mark()
		}
		if chainStart >= 0 && i == len(transfers)-1 && t.Flags&Linked != 0 {
			// The request ends inside a chain.
			s.Rollback(chainMark)
			for j := chainStart; j < i; j++ {
				results[j] = LinkedEventFailed
			}
			results[i] = LinkedEventChainOpen
			return results
		}
		r := s.createTransfer(t, fence)
		results[i] = r
		if r != OK && chainStart >= 0 {
			s.Rollback(chainMark)
			for j := chainStart; j < i; j++ {
				results[j] = LinkedEventFailed
			}
			// Skip to the end of the chain.
			for i+1 < len(transfers) && transfers[i].Flags&Linked != 0 {
				i++
				results[i] = LinkedEventFailed
			}
			if transfers[i].Flags&Linked != 0 {
				results[i] = LinkedEventChainOpen
			}
			chainStart = -1
			continue
		}
		if t.Flags&Linked == 0 {
			chainStart = -1
		}
	}
	return results
}

func (s *State) createTransfer(t *Transfer, fence Fence) Result {
	if t.ID <= 0 {
		return IDMustBePositive
	}
	if t.Flags&^transferFlagsKnown != 0 {
		return FlagsInvalid
	}
	kinds := 0
	for _, f := range []TransferFlags{Pending, PostPending, VoidPending} {
		if t.Flags&f != 0 {
			kinds++
		}
	}
	if kinds > 1 {
		return FlagsMutuallyExclusive
	}
	if t.Flags&(PostPending|VoidPending) != 0 {
		return s.resolvePending(t, fence)
	}
	switch {
	case t.DebitAccountID <= 0:
		return DebitAccountIDMustBePositive
	case t.CreditAccountID <= 0:
		return CreditAccountIDMustBePositive
	case t.DebitAccountID == t.CreditAccountID:
		return AccountsMustBeDifferent
	case t.PendingID != 0:
		return PendingIDMustBeZero
	case t.Flags&Pending == 0 && t.Timeout != 0:
		return TimeoutReservedForPending
	case t.Ledger == 0:
		return LedgerMustNotBeZero
	case !validCurrency(t.Currency):
		return CurrencyInvalid
	case t.Amount <= 0:
		return AmountMustBePositive
	case fence.has(t.Ledger):
		return LedgerReserved
	}
	if e := s.transfers[t.ID]; e != nil {
		if fence.has(e.Ledger) {
			return LedgerReserved
		}
		return existing(e, t)
	}
	dr, cr := s.accounts[t.DebitAccountID], s.accounts[t.CreditAccountID]
	switch {
	case dr == nil:
		return DebitAccountNotFound
	case cr == nil:
		return CreditAccountNotFound
	case fence.has(dr.Ledger) || fence.has(cr.Ledger):
		return LedgerReserved
	case dr.Ledger != t.Ledger || cr.Ledger != t.Ledger:
		return LedgerMismatch
	case dr.Currency != t.Currency || cr.Currency != t.Currency:
		return CurrencyMismatch
	case dr.Flags&Closed != 0:
		return DebitAccountClosed
	case cr.Flags&Closed != 0:
		return CreditAccountClosed
	}
	amt := t.Amount
	if t.Flags&Pending != 0 {
		if sumOverflows(dr.DebitsPending, amt) {
			return OverflowsDebitsPending
		}
		if sumOverflows(cr.CreditsPending, amt) {
			return OverflowsCreditsPending
		}
	} else {
		if sumOverflows(dr.DebitsPosted, amt) {
			return OverflowsDebitsPosted
		}
		if sumOverflows(cr.CreditsPosted, amt) {
			return OverflowsCreditsPosted
		}
	}
	// Total debits (pending + posted) and credits must also stay representable.
	if sumOverflows(dr.DebitsPending, dr.DebitsPosted, amt) {
		return OverflowsDebits
	}
	if sumOverflows(cr.CreditsPending, cr.CreditsPosted, amt) {
		return OverflowsCredits
	}
	if dr.Flags&DebitsMustNotExceedCredits != 0 && dr.DebitsPending+dr.DebitsPosted+amt > dr.CreditsPosted {
		return ExceedsCredits
	}
	if cr.Flags&CreditsMustNotExceedDebits != 0 && cr.CreditsPending+cr.CreditsPosted+amt > cr.DebitsPosted {
		return ExceedsDebits
	}
	ts := s.tick()
	var expires int64
	if t.Flags&Pending != 0 && t.Timeout > 0 {
		const ns = int64(1e9)
		if int64(t.Timeout) > (math.MaxInt64-ts)/ns {
			return OverflowsTimeout
		}
		expires = ts + int64(t.Timeout)*ns
	}
	s.touchAccount(dr)
	s.touchAccount(cr)
	if t.Flags&Pending != 0 {
		dr.DebitsPending += amt
		cr.CreditsPending += amt
	} else {
		dr.DebitsPosted += amt
		cr.CreditsPosted += amt
	}
	n := s.newTransfer()
	*n = *t
	n.Timestamp = ts
	n.PrevDebit, n.PrevCredit = dr.LastTransfer, cr.LastTransfer
	dr.LastTransfer, cr.LastTransfer = n.ID, n.ID
	s.addTransfer(n)
	if t.Flags&Pending != 0 {
		p := s.newPending()
		*p = PendingState{ID: n.ID, ExpiresAt: expires, Status: StatusPending}
		s.addPending(p)
	}
	s.emit(Event{Type: EventTransferCreated, Timestamp: ts, Transfer: n})
	return OK
}

// resolvePending posts or voids a pending transfer. Accounts, ledger, currency and code
// may be left zero (they are taken from the pending transfer) or must match it. A post
// with amount 0 posts the full pending amount; a void's amount must be 0 or the full
// pending amount.
func (s *State) resolvePending(t *Transfer, fence Fence) Result {
	switch {
	case t.PendingID <= 0:
		return PendingIDMustBePositive
	case t.PendingID == t.ID:
		return PendingIDMustBeDifferent
	case t.Timeout != 0:
		return TimeoutReservedForPending
	case t.Amount < 0:
		return AmountMustBePositive
	case t.Currency != "" && !validCurrency(t.Currency):
		return CurrencyInvalid
	case fence.has(t.Ledger): // 0 when left out: the pending transfer's is checked below
		return LedgerReserved
	}
	p := s.transfers[t.PendingID]
	if p != nil && fence.has(p.Ledger) {
		return LedgerReserved
	}
	if e := s.transfers[t.ID]; e != nil {
		if fence.has(e.Ledger) {
			return LedgerReserved
		}
		if p == nil {
			return ExistsWithDifferentFields
		}
		return existing(e, asRetry(t, p))
	}
	if p == nil {
		return PendingTransferNotFound
	}
	if p.Flags&Pending == 0 {
		return PendingTransferNotPending
	}
	switch {
	case t.DebitAccountID != 0 && t.DebitAccountID != p.DebitAccountID,
		t.CreditAccountID != 0 && t.CreditAccountID != p.CreditAccountID:
		return PendingTransferHasDifferentAccounts
	case t.Ledger != 0 && t.Ledger != p.Ledger:
		return PendingTransferHasDifferentLedger
	case t.Currency != "" && t.Currency != p.Currency:
		return CurrencyMismatch
	case t.Code != 0 && t.Code != p.Code:
		return PendingTransferHasDifferentCode
	}
	amt := t.Amount
	if t.Flags&PostPending != 0 {
		if amt == 0 {
			amt = p.Amount
		}
		if amt > p.Amount {
			return ExceedsPendingTransferAmount
		}
	} else {
		if amt != 0 && amt != p.Amount {
			return PendingTransferHasDifferentAmount
		}
		amt = p.Amount
	}
	ps := s.pending[p.ID]
	switch {
	case ps == nil:
		return PendingTransferNotFound
	case ps.Status == StatusPosted:
		return PendingTransferAlreadyPosted
	case ps.Status == StatusVoided:
		return PendingTransferAlreadyVoided
	case ps.Status == StatusExpired:
		return PendingTransferExpired
	}
	ts := s.tick()
	if ps.ExpiresAt != 0 && ps.ExpiresAt <= ts {
		return PendingTransferExpired
	}
	dr, cr := s.accounts[p.DebitAccountID], s.accounts[p.CreditAccountID]
	if dr == nil {
		return DebitAccountNotFound
	}
	if cr == nil {
		return CreditAccountNotFound
	}
	post := t.Flags&PostPending != 0
	if post {
		if sumOverflows(dr.DebitsPosted, amt) {
			return OverflowsDebitsPosted
		}
		if sumOverflows(cr.CreditsPosted, amt) {
			return OverflowsCreditsPosted
		}
	}
	s.touchAccount(dr)
	s.touchAccount(cr)
	s.touchPending(ps)
	dr.DebitsPending -= p.Amount
	cr.CreditsPending -= p.Amount
	if post {
		dr.DebitsPosted += amt
		cr.CreditsPosted += amt
		ps.Status = StatusPosted
	} else {
		ps.Status = StatusVoided
	}
	n := s.newTransfer()
	*n = *filledFrom(t, p, amt)
	n.Timestamp = ts
	n.PrevDebit, n.PrevCredit = dr.LastTransfer, cr.LastTransfer
	dr.LastTransfer, cr.LastTransfer = n.ID, n.ID
	s.addTransfer(n)
	s.emit(Event{Type: EventTransferCreated, Timestamp: ts, Transfer: n})
	return OK
}

// filledFrom completes a post or void with the pending transfer's fields.
func filledFrom(t, p *Transfer, amount int64) *Transfer {
	n := *t
	n.DebitAccountID, n.CreditAccountID = p.DebitAccountID, p.CreditAccountID
	n.Ledger, n.Currency, n.Code = p.Ledger, p.Currency, p.Code
	n.Amount = amount
	return &n
}

// asRetry completes a retried post or void the way a first attempt would have been
// completed, without hiding any field the caller set differently.
func asRetry(t, p *Transfer) *Transfer {
	n := *t
	if n.DebitAccountID == 0 {
		n.DebitAccountID = p.DebitAccountID
	}
	if n.CreditAccountID == 0 {
		n.CreditAccountID = p.CreditAccountID
	}
	if n.Ledger == 0 {
		n.Ledger = p.Ledger
	}
	if n.Currency == "" {
		n.Currency = p.Currency
	}
	if n.Code == 0 {
		n.Code = p.Code
	}
	if n.Amount == 0 {
		n.Amount = p.Amount
	}
	return &n
}

// existing compares a retried transfer with the stored one.
func existing(e, t *Transfer) Result {
	if e.DebitAccountID != t.DebitAccountID || e.CreditAccountID != t.CreditAccountID ||
		e.Amount != t.Amount || e.PendingID != t.PendingID || e.Ledger != t.Ledger ||
		e.Currency != t.Currency || e.Code != t.Code || e.Flags != t.Flags || e.Timeout != t.Timeout {
		return ExistsWithDifferentFields
	}
	return Exists
}

// Expire releases a pending transfer whose timeout has passed. It returns false when
// the transfer is no longer pending (posted or voided meanwhile) or not yet due.
func (s *State) Expire(id int64) bool {
	ps, p := s.pending[id], s.transfers[id]
	if ps == nil || p == nil || ps.Status != StatusPending || ps.ExpiresAt == 0 || ps.ExpiresAt > s.now {
		return false
	}
	dr, cr := s.accounts[p.DebitAccountID], s.accounts[p.CreditAccountID]
	s.touchAccount(dr)
	s.touchAccount(cr)
	s.touchPending(ps)
	dr.DebitsPending -= p.Amount
	cr.CreditsPending -= p.Amount
	ps.Status = StatusExpired
	s.emit(Event{Type: EventPendingExpired, Timestamp: s.tick(), Transfer: p})
	return true
}

// sumOverflows reports whether the sum of non-negative values exceeds MaxInt64.
func sumOverflows(vs ...int64) bool {
	var sum int64
	for _, v := range vs {
		if v > math.MaxInt64-sum {
			return true
		}
		sum += v
	}
	return false
}
