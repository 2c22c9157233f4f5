package ledger_test

import (
	"math"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"linkfin/ledger"
)

const (
	second = int64(time.Second)
	// t0 is the fixture's creation time; setup batches run at t0+1s and requests
	// "at" nanoseconds after that.
	t0 = 1_700_000_000 * second

	dmnec = ledger.DebitsMustNotExceedCredits
	cmned = ledger.CreditsMustNotExceedDebits
)

// bal is an account's balances in Account field order: debits pending, debits posted,
// credits pending, credits posted.
type bal struct{ dPending, dPosted, cPending, cPosted int64 }

// fixtureAccounts: 1 and 2 are unconstrained (a bank, a merchant), 3 is a wallet whose
// debits must not exceed its credits, 4 an account whose credits must not exceed its
// debits, 5 sits on another ledger, 6 holds another currency, 7 is a spare.
func fixtureAccounts() []ledger.Account {
	return []ledger.Account{
		{ID: 1, Ledger: 1, Currency: "CNY", Code: 1},
		{ID: 2, Ledger: 1, Currency: "CNY", Code: 1},
		{ID: 3, Ledger: 1, Currency: "CNY", Code: 2, Flags: dmnec},
		{ID: 4, Ledger: 1, Currency: "CNY", Code: 3, Flags: cmned},
		{ID: 5, Ledger: 2, Currency: "CNY", Code: 1},
		{ID: 6, Ledger: 1, Currency: "USD", Code: 1},
		{ID: 7, Ledger: 1, Currency: "CNY", Code: 1},
	}
}

var fixtureIDs = []int64{1, 2, 3, 4, 5, 6, 7}

// newFixture returns a State holding the fixture accounts, created in a committed
// batch at t0 (timestamps t0 … t0+6).
func newFixture(t *testing.T) *ledger.State {
	t.Helper()
	s := ledger.NewState()
	s.Begin(t0)
	for i, r := range s.CreateAccounts(fixtureAccounts()) {
		if r != ledger.OK {
			t.Fatalf("fixture account %d: %s", fixtureIDs[i], r)
		}
	}
	s.Commit()
	return s
}

func tr(id, dr, cr, amount int64) ledger.Transfer {
	return ledger.Transfer{ID: id, DebitAccountID: dr, CreditAccountID: cr, Amount: amount,
		Ledger: 1, Currency: "CNY", Code: 1}
}

func pend(id, dr, cr, amount int64, timeout uint32) ledger.Transfer {
	t := tr(id, dr, cr, amount)
	t.Flags = ledger.Pending
	t.Timeout = timeout
	return t
}

func post(id, pendingID, amount int64) ledger.Transfer {
	return ledger.Transfer{ID: id, PendingID: pendingID, Amount: amount, Flags: ledger.PostPending}
}

func void(id, pendingID int64) ledger.Transfer {
	return ledger.Transfer{ID: id, PendingID: pendingID, Flags: ledger.VoidPending}
}

func linked(t ledger.Transfer) ledger.Transfer {
	t.Flags |= ledger.Linked
	return t
}

func with(t ledger.Transfer, f func(*ledger.Transfer)) ledger.Transfer {
	f(&t)
	return t
}

func results(rs ...ledger.Result) []ledger.Result { return rs }

// checkBal asserts every balance field of account id.
func checkBal(t *testing.T, s *ledger.State, id int64, want bal) {
	t.Helper()
	a := s.Account(id)
	if a == nil {
		t.Errorf("account %d missing", id)
		return
	}
	if a.DebitsPending != want.dPending {
		t.Errorf("account %d debits_pending = %d, want %d", id, a.DebitsPending, want.dPending)
	}
	if a.DebitsPosted != want.dPosted {
		t.Errorf("account %d debits_posted = %d, want %d", id, a.DebitsPosted, want.dPosted)
	}
	if a.CreditsPending != want.cPending {
		t.Errorf("account %d credits_pending = %d, want %d", id, a.CreditsPending, want.cPending)
	}
	if a.CreditsPosted != want.cPosted {
		t.Errorf("account %d credits_posted = %d, want %d", id, a.CreditsPosted, want.cPosted)
	}
}

// checkSound runs the Checker over the accounts and fails on any problem.
func checkSound(t *testing.T, s *ledger.State, ids []int64) {
	t.Helper()
	c := ledger.NewChecker()
	for _, id := range ids {
		if a := s.Account(id); a != nil {
			c.Add(a)
		}
	}
	for _, p := range c.Problems() {
		t.Errorf("checker: %s", p)
	}
}

func checkResults(t *testing.T, got, want []ledger.Result) {
	t.Helper()
	if !slices.Equal(got, want) {
		t.Errorf("results = %v, want %v", got, want)
	}
}

// Balanced rows near math.MaxInt64 on ledger 9, loaded as the store would hand them
// over: 20 holds huge debits, 21 the matching credits, 22 is empty.
const near = math.MaxInt64 - 10

func hugePosted() []ledger.Account {
	return []ledger.Account{
		{ID: 20, Ledger: 9, Currency: "CNY", DebitsPosted: near, Timestamp: 1},
		{ID: 21, Ledger: 9, Currency: "CNY", CreditsPosted: near, Timestamp: 2},
		{ID: 22, Ledger: 9, Currency: "CNY", Timestamp: 3},
	}
}

func hugePending() []ledger.Account {
	return []ledger.Account{
		{ID: 20, Ledger: 9, Currency: "CNY", DebitsPending: near, Timestamp: 1},
		{ID: 21, Ledger: 9, Currency: "CNY", CreditsPending: near, Timestamp: 2},
		{ID: 22, Ledger: 9, Currency: "CNY", Timestamp: 3},
	}
}

func t9(t ledger.Transfer) ledger.Transfer {
	t.Ledger = 9
	return t
}

type transferCase struct {
	name     string
	load     []ledger.Account      // rows loaded before the fixture, balances allowed
	loadTr   []ledger.Transfer     // transfers loaded as stored rows
	loadPend []ledger.PendingState // pending states loaded as stored rows
	setup    []ledger.Transfer     // executed at t0+1s; each must answer ok
	close    []int64               // closed after setup, in the setup batch
	at       int64                 // nanoseconds after setup at which the request runs
	req      []ledger.Transfer
	want     []ledger.Result
	// bal lists the balances afterwards of every account that is not all zero; the
	// other fixture and loaded accounts must be all zero.
	bal map[int64]bal
	// amount and status, when set, are the stored amount and the pending status of the
	// listed transfers afterwards.
	amount map[int64]int64
	status map[int64]ledger.PendingStatus
}

func transferCases() []transferCase {
	const (
		posted    = ledger.StatusPosted
		voided    = ledger.StatusVoided
		pendingSt = ledger.StatusPending
	)
	return []transferCase{
		// Plain transfers and validation, in the order the checks run.
		{name: "ok", req: []ledger.Transfer{tr(10, 1, 2, 100)}, want: results(ledger.OK),
			bal: map[int64]bal{1: {0, 100, 0, 0}, 2: {0, 0, 0, 100}}, amount: map[int64]int64{10: 100}},
		{name: "id zero", req: []ledger.Transfer{tr(0, 1, 2, 100)}, want: results(ledger.IDMustBePositive)},
		{name: "id negative", req: []ledger.Transfer{tr(-1, 1, 2, 100)}, want: results(ledger.IDMustBePositive)},
		{name: "id checked before flags", req: []ledger.Transfer{with(tr(0, 1, 2, 1), func(t *ledger.Transfer) { t.Flags = 1 << 9 })},
			want: results(ledger.IDMustBePositive)},
		{name: "unknown flag", req: []ledger.Transfer{with(tr(10, 1, 2, 100), func(t *ledger.Transfer) { t.Flags = 1 << 4 })},
			want: results(ledger.FlagsInvalid)},
		{name: "pending and post", req: []ledger.Transfer{with(tr(10, 1, 2, 100), func(t *ledger.Transfer) { t.Flags = ledger.Pending | ledger.PostPending })},
			want: results(ledger.FlagsMutuallyExclusive)},
		{name: "pending and void", req: []ledger.Transfer{with(tr(10, 1, 2, 100), func(t *ledger.Transfer) { t.Flags = ledger.Pending | ledger.VoidPending })},
			want: results(ledger.FlagsMutuallyExclusive)},
		{name: "post and void", req: []ledger.Transfer{with(post(10, 5, 0), func(t *ledger.Transfer) { t.Flags |= ledger.VoidPending })},
			want: results(ledger.FlagsMutuallyExclusive)},
		{name: "debit id zero", req: []ledger.Transfer{tr(10, 0, 2, 100)}, want: results(ledger.DebitAccountIDMustBePositive)},
		{name: "credit id negative", req: []ledger.Transfer{tr(10, 1, -2, 100)}, want: results(ledger.CreditAccountIDMustBePositive)},
		{name: "same account", req: []ledger.Transfer{tr(10, 1, 1, 100)}, want: results(ledger.AccountsMustBeDifferent)},
		{name: "pending id on a plain transfer", req: []ledger.Transfer{with(tr(10, 1, 2, 100), func(t *ledger.Transfer) { t.PendingID = 9 })},
			want: results(ledger.PendingIDMustBeZero)},
		{name: "timeout on a plain transfer", req: []ledger.Transfer{with(tr(10, 1, 2, 100), func(t *ledger.Transfer) { t.Timeout = 5 })},
			want: results(ledger.TimeoutReservedForPending)},
		{name: "ledger zero", req: []ledger.Transfer{with(tr(10, 1, 2, 100), func(t *ledger.Transfer) { t.Ledger = 0 })},
			want: results(ledger.LedgerMustNotBeZero)},
		{name: "currency lower case", req: []ledger.Transfer{with(tr(10, 1, 2, 100), func(t *ledger.Transfer) { t.Currency = "cny" })},
			want: results(ledger.CurrencyInvalid)},
		{name: "currency empty", req: []ledger.Transfer{with(tr(10, 1, 2, 100), func(t *ledger.Transfer) { t.Currency = "" })},
			want: results(ledger.CurrencyInvalid)},
		{name: "currency four letters", req: []ledger.Transfer{with(tr(10, 1, 2, 100), func(t *ledger.Transfer) { t.Currency = "CNYY" })},
			want: results(ledger.CurrencyInvalid)},
		{name: "amount zero", req: []ledger.Transfer{tr(10, 1, 2, 0)}, want: results(ledger.AmountMustBePositive)},
		{name: "amount negative", req: []ledger.Transfer{tr(10, 1, 2, -5)}, want: results(ledger.AmountMustBePositive)},
		{name: "debit account not found", req: []ledger.Transfer{tr(10, 99, 2, 100)}, want: results(ledger.DebitAccountNotFound)},
		{name: "credit account not found", req: []ledger.Transfer{tr(10, 1, 99, 100)}, want: results(ledger.CreditAccountNotFound)},
		{name: "credit account on another ledger", req: []ledger.Transfer{tr(10, 1, 5, 100)}, want: results(ledger.LedgerMismatch)},
		{name: "transfer on another ledger", req: []ledger.Transfer{with(tr(10, 1, 2, 100), func(t *ledger.Transfer) { t.Ledger = 2 })},
			want: results(ledger.LedgerMismatch)},
		{name: "credit account in another currency", req: []ledger.Transfer{tr(10, 1, 6, 100)}, want: results(ledger.CurrencyMismatch)},
		{name: "transfer in another currency", req: []ledger.Transfer{with(tr(10, 1, 2, 100), func(t *ledger.Transfer) { t.Currency = "USD" })},
			want: results(ledger.CurrencyMismatch)},
		{name: "ledger checked before currency", req: []ledger.Transfer{with(tr(10, 5, 6, 100), func(t *ledger.Transfer) { t.Ledger = 2 })},
			want: results(ledger.LedgerMismatch)},

		// Closed accounts.
		{name: "debit account closed", close: []int64{2}, req: []ledger.Transfer{tr(10, 2, 1, 100)},
			want: results(ledger.DebitAccountClosed)},
		{name: "credit account closed", close: []int64{2}, req: []ledger.Transfer{tr(10, 1, 2, 100)},
			want: results(ledger.CreditAccountClosed)},
		{name: "pending to a closed account", close: []int64{2}, req: []ledger.Transfer{pend(10, 1, 2, 100, 0)},
			want: results(ledger.CreditAccountClosed)},
		{name: "closed with a posted balance still answers a retry", setup: []ledger.Transfer{tr(10, 1, 2, 100)}, close: []int64{2},
			req: []ledger.Transfer{tr(10, 1, 2, 100)}, want: results(ledger.Exists),
			bal: map[int64]bal{1: {0, 100, 0, 0}, 2: {0, 0, 0, 100}}},

		// Balance-limit flags, with and without pending reservations.
		{name: "wallet spends exactly its credits", setup: []ledger.Transfer{tr(10, 1, 3, 100)},
			req: []ledger.Transfer{tr(11, 3, 2, 100)}, want: results(ledger.OK),
			bal: map[int64]bal{1: {0, 100, 0, 0}, 2: {0, 0, 0, 100}, 3: {0, 100, 0, 100}}},
		{name: "wallet overspends by one", setup: []ledger.Transfer{tr(10, 1, 3, 100)},
			req: []ledger.Transfer{tr(11, 3, 2, 101)}, want: results(ledger.ExceedsCredits),
			bal: map[int64]bal{1: {0, 100, 0, 0}, 3: {0, 0, 0, 100}}},
		{name: "wallet reservation counts against its credits", setup: []ledger.Transfer{tr(10, 1, 3, 100), pend(11, 3, 2, 60, 0)},
			req: []ledger.Transfer{tr(12, 3, 2, 41), tr(13, 3, 2, 40)}, want: results(ledger.ExceedsCredits, ledger.OK),
			bal: map[int64]bal{1: {0, 100, 0, 0}, 2: {0, 0, 60, 40}, 3: {60, 40, 0, 100}}},
		{name: "pending reservation itself exceeds credits", setup: []ledger.Transfer{tr(10, 1, 3, 100), pend(11, 3, 2, 60, 0)},
			req: []ledger.Transfer{pend(12, 3, 2, 41, 0)}, want: results(ledger.ExceedsCredits),
			bal: map[int64]bal{1: {0, 100, 0, 0}, 2: {0, 0, 60, 0}, 3: {60, 0, 0, 100}}},
		{name: "pending credits are not spendable", setup: []ledger.Transfer{pend(10, 1, 3, 100, 0)},
			req: []ledger.Transfer{tr(11, 3, 2, 1)}, want: results(ledger.ExceedsCredits),
			bal: map[int64]bal{1: {100, 0, 0, 0}, 3: {0, 0, 100, 0}}},
		{name: "credit limit account takes exactly its debits", setup: []ledger.Transfer{tr(10, 4, 1, 100)},
			req: []ledger.Transfer{tr(11, 1, 4, 101), tr(12, 1, 4, 100)}, want: results(ledger.ExceedsDebits, ledger.OK),
			bal: map[int64]bal{1: {0, 100, 0, 100}, 4: {0, 100, 0, 100}}},
		{name: "credit limit account counts pending credits", setup: []ledger.Transfer{tr(10, 4, 1, 100), pend(11, 1, 4, 60, 0)},
			req:  []ledger.Transfer{tr(12, 1, 4, 41), pend(13, 1, 4, 41, 0), tr(14, 1, 4, 40)},
			want: results(ledger.ExceedsDebits, ledger.ExceedsDebits, ledger.OK),
			bal:  map[int64]bal{1: {60, 40, 0, 100}, 4: {0, 100, 60, 40}}},

		// Retries.
		{name: "retry answers exists", setup: []ledger.Transfer{tr(10, 1, 2, 100)},
			req: []ledger.Transfer{tr(10, 1, 2, 100)}, want: results(ledger.Exists),
			bal: map[int64]bal{1: {0, 100, 0, 0}, 2: {0, 0, 0, 100}}},
		{name: "retry with another amount", setup: []ledger.Transfer{tr(10, 1, 2, 100)},
			req: []ledger.Transfer{tr(10, 1, 2, 99)}, want: results(ledger.ExistsWithDifferentFields),
			bal: map[int64]bal{1: {0, 100, 0, 0}, 2: {0, 0, 0, 100}}, amount: map[int64]int64{10: 100}},
		{name: "retry with another code", setup: []ledger.Transfer{tr(10, 1, 2, 100)},
			req: []ledger.Transfer{with(tr(10, 1, 2, 100), func(t *ledger.Transfer) { t.Code = 2 })}, want: results(ledger.ExistsWithDifferentFields),
			bal: map[int64]bal{1: {0, 100, 0, 0}, 2: {0, 0, 0, 100}}},
		{name: "retry with swapped accounts", setup: []ledger.Transfer{tr(10, 1, 2, 100)},
			req: []ledger.Transfer{tr(10, 2, 1, 100)}, want: results(ledger.ExistsWithDifferentFields),
			bal: map[int64]bal{1: {0, 100, 0, 0}, 2: {0, 0, 0, 100}}},
		{name: "retry as pending", setup: []ledger.Transfer{tr(10, 1, 2, 100)},
			req: []ledger.Transfer{pend(10, 1, 2, 100, 0)}, want: results(ledger.ExistsWithDifferentFields),
			bal: map[int64]bal{1: {0, 100, 0, 0}, 2: {0, 0, 0, 100}}},
		{name: "retry on another ledger is compared before accounts are looked up", setup: []ledger.Transfer{tr(10, 1, 2, 100)},
			req: []ledger.Transfer{with(tr(10, 1, 2, 100), func(t *ledger.Transfer) { t.Ledger = 2 })}, want: results(ledger.ExistsWithDifferentFields),
			bal: map[int64]bal{1: {0, 100, 0, 0}, 2: {0, 0, 0, 100}}},
		{name: "retry of a pending transfer", setup: []ledger.Transfer{pend(10, 1, 2, 100, 30)},
			req: []ledger.Transfer{pend(10, 1, 2, 100, 30), pend(10, 1, 2, 100, 31)}, want: results(ledger.Exists, ledger.ExistsWithDifferentFields),
			bal: map[int64]bal{1: {100, 0, 0, 0}, 2: {0, 0, 100, 0}}},
		{name: "retry of an invalid request is still invalid", setup: []ledger.Transfer{tr(10, 1, 2, 100)},
			req: []ledger.Transfer{tr(10, 1, 2, 0)}, want: results(ledger.AmountMustBePositive),
			bal: map[int64]bal{1: {0, 100, 0, 0}, 2: {0, 0, 0, 100}}},
		{name: "same id twice in one request", req: []ledger.Transfer{tr(10, 1, 2, 100), tr(10, 1, 2, 100), tr(10, 1, 2, 7)},
			want: results(ledger.OK, ledger.Exists, ledger.ExistsWithDifferentFields),
			bal:  map[int64]bal{1: {0, 100, 0, 0}, 2: {0, 0, 0, 100}}},

		// Two-phase transfers.
		{name: "pending reserves", req: []ledger.Transfer{pend(10, 1, 2, 100, 0)}, want: results(ledger.OK),
			bal: map[int64]bal{1: {100, 0, 0, 0}, 2: {0, 0, 100, 0}}, status: map[int64]ledger.PendingStatus{10: pendingSt}},
		{name: "post full with amount 0", setup: []ledger.Transfer{pend(10, 1, 2, 100, 0)},
			req: []ledger.Transfer{post(11, 10, 0)}, want: results(ledger.OK),
			bal:    map[int64]bal{1: {0, 100, 0, 0}, 2: {0, 0, 0, 100}},
			amount: map[int64]int64{11: 100}, status: map[int64]ledger.PendingStatus{10: posted}},
		{name: "post full with the exact amount", setup: []ledger.Transfer{pend(10, 1, 2, 100, 0)},
			req: []ledger.Transfer{post(11, 10, 100)}, want: results(ledger.OK),
			bal:    map[int64]bal{1: {0, 100, 0, 0}, 2: {0, 0, 0, 100}},
			amount: map[int64]int64{11: 100}, status: map[int64]ledger.PendingStatus{10: posted}},
		{name: "post partial releases the remainder", setup: []ledger.Transfer{pend(10, 1, 2, 100, 0), pend(12, 1, 2, 7, 0)},
			req: []ledger.Transfer{post(11, 10, 40)}, want: results(ledger.OK),
			bal:    map[int64]bal{1: {7, 40, 0, 0}, 2: {0, 0, 7, 40}},
			amount: map[int64]int64{11: 40}, status: map[int64]ledger.PendingStatus{10: posted, 12: pendingSt}},
		{name: "post with the pending's own fields", setup: []ledger.Transfer{pend(10, 1, 2, 100, 0)},
			req:  []ledger.Transfer{with(tr(11, 1, 2, 30), func(t *ledger.Transfer) { t.Flags = ledger.PostPending; t.PendingID = 10 })},
			want: results(ledger.OK), bal: map[int64]bal{1: {0, 30, 0, 0}, 2: {0, 0, 0, 30}}, amount: map[int64]int64{11: 30}},
		{name: "post more than pending", setup: []ledger.Transfer{pend(10, 1, 2, 100, 0)},
			req: []ledger.Transfer{post(11, 10, 101)}, want: results(ledger.ExceedsPendingTransferAmount),
			bal: map[int64]bal{1: {100, 0, 0, 0}, 2: {0, 0, 100, 0}}, status: map[int64]ledger.PendingStatus{10: pendingSt}},
		{name: "void releases", setup: []ledger.Transfer{pend(10, 1, 2, 100, 0)},
			req: []ledger.Transfer{void(11, 10)}, want: results(ledger.OK),
			amount: map[int64]int64{11: 100}, status: map[int64]ledger.PendingStatus{10: voided}},
		{name: "void with the full amount", setup: []ledger.Transfer{pend(10, 1, 2, 100, 0)},
			req: []ledger.Transfer{with(void(11, 10), func(t *ledger.Transfer) { t.Amount = 100 })}, want: results(ledger.OK),
			amount: map[int64]int64{11: 100}, status: map[int64]ledger.PendingStatus{10: voided}},
		{name: "void with a partial amount", setup: []ledger.Transfer{pend(10, 1, 2, 100, 0)},
			req: []ledger.Transfer{with(void(11, 10), func(t *ledger.Transfer) { t.Amount = 50 })}, want: results(ledger.PendingTransferHasDifferentAmount),
			bal: map[int64]bal{1: {100, 0, 0, 0}, 2: {0, 0, 100, 0}}},
		{name: "void frees a wallet's reservation", setup: []ledger.Transfer{tr(10, 1, 3, 100), pend(11, 3, 2, 100, 0)},
			req: []ledger.Transfer{tr(12, 3, 2, 1), void(13, 11), tr(14, 3, 2, 100)}, want: results(ledger.ExceedsCredits, ledger.OK, ledger.OK),
			bal: map[int64]bal{1: {0, 100, 0, 0}, 2: {0, 0, 0, 100}, 3: {0, 100, 0, 100}}},
		{name: "post twice", setup: []ledger.Transfer{pend(10, 1, 2, 100, 0), post(11, 10, 0)},
			req: []ledger.Transfer{post(12, 10, 0), void(13, 10)}, want: results(ledger.PendingTransferAlreadyPosted, ledger.PendingTransferAlreadyPosted),
			bal: map[int64]bal{1: {0, 100, 0, 0}, 2: {0, 0, 0, 100}}},
		{name: "void twice", setup: []ledger.Transfer{pend(10, 1, 2, 100, 0), void(11, 10)},
			req: []ledger.Transfer{void(12, 10), post(13, 10, 0)}, want: results(ledger.PendingTransferAlreadyVoided, ledger.PendingTransferAlreadyVoided)},
		{name: "post just before expiry", setup: []ledger.Transfer{pend(10, 1, 2, 100, 5)}, at: 5*second - 1,
			req: []ledger.Transfer{post(11, 10, 0)}, want: results(ledger.OK),
			bal: map[int64]bal{1: {0, 100, 0, 0}, 2: {0, 0, 0, 100}}},
		{name: "post at expiry", setup: []ledger.Transfer{pend(10, 1, 2, 100, 5)}, at: 5 * second,
			req: []ledger.Transfer{post(11, 10, 0), void(12, 10)}, want: results(ledger.PendingTransferExpired, ledger.PendingTransferExpired),
			// Not released until Expire runs.
			bal: map[int64]bal{1: {100, 0, 0, 0}, 2: {0, 0, 100, 0}}, status: map[int64]ledger.PendingStatus{10: pendingSt}},
		{name: "no timeout never expires", setup: []ledger.Transfer{pend(10, 1, 2, 100, 0)}, at: 1_000_000 * second,
			req: []ledger.Transfer{post(11, 10, 0)}, want: results(ledger.OK),
			bal: map[int64]bal{1: {0, 100, 0, 0}, 2: {0, 0, 0, 100}}},
		{name: "post of an expired pending", at: second,
			loadTr:   []ledger.Transfer{with(pend(500, 1, 2, 100, 1), func(t *ledger.Transfer) { t.Timestamp = 5 })},
			loadPend: []ledger.PendingState{{ID: 500, ExpiresAt: 5 + second, Status: ledger.StatusExpired}},
			req:      []ledger.Transfer{post(11, 500, 0)}, want: results(ledger.PendingTransferExpired)},
		{name: "pending id zero", req: []ledger.Transfer{post(11, 0, 0)}, want: results(ledger.PendingIDMustBePositive)},
		{name: "pending id negative", req: []ledger.Transfer{void(11, -3)}, want: results(ledger.PendingIDMustBePositive)},
		{name: "pending id is the transfer's own", req: []ledger.Transfer{post(11, 11, 0)}, want: results(ledger.PendingIDMustBeDifferent)},
		{name: "timeout on a post", setup: []ledger.Transfer{pend(10, 1, 2, 100, 0)},
			req: []ledger.Transfer{with(post(11, 10, 0), func(t *ledger.Transfer) { t.Timeout = 1 })}, want: results(ledger.TimeoutReservedForPending),
			bal: map[int64]bal{1: {100, 0, 0, 0}, 2: {0, 0, 100, 0}}},
		{name: "negative amount on a post", setup: []ledger.Transfer{pend(10, 1, 2, 100, 0)},
			req: []ledger.Transfer{post(11, 10, -1)}, want: results(ledger.AmountMustBePositive),
			bal: map[int64]bal{1: {100, 0, 0, 0}, 2: {0, 0, 100, 0}}},
		{name: "invalid currency on a post", setup: []ledger.Transfer{pend(10, 1, 2, 100, 0)},
			req: []ledger.Transfer{with(post(11, 10, 0), func(t *ledger.Transfer) { t.Currency = "cn" })}, want: results(ledger.CurrencyInvalid),
			bal: map[int64]bal{1: {100, 0, 0, 0}, 2: {0, 0, 100, 0}}},
		{name: "pending transfer not found", req: []ledger.Transfer{post(11, 99, 0)}, want: results(ledger.PendingTransferNotFound)},
		{name: "pending state not loaded", at: second,
			loadTr: []ledger.Transfer{with(pend(500, 1, 2, 100, 0), func(t *ledger.Transfer) { t.Timestamp = 5 })},
			req:    []ledger.Transfer{post(11, 500, 0)}, want: results(ledger.PendingTransferNotFound)},
		{name: "post of a plain transfer", setup: []ledger.Transfer{tr(10, 1, 2, 100)},
			req: []ledger.Transfer{post(11, 10, 0), void(12, 10)}, want: results(ledger.PendingTransferNotPending, ledger.PendingTransferNotPending),
			bal: map[int64]bal{1: {0, 100, 0, 0}, 2: {0, 0, 0, 100}}},
		{name: "post with another debit account", setup: []ledger.Transfer{pend(10, 1, 2, 100, 0)},
			req:  []ledger.Transfer{with(post(11, 10, 0), func(t *ledger.Transfer) { t.DebitAccountID = 2 })},
			want: results(ledger.PendingTransferHasDifferentAccounts), bal: map[int64]bal{1: {100, 0, 0, 0}, 2: {0, 0, 100, 0}}},
		{name: "void with another credit account", setup: []ledger.Transfer{pend(10, 1, 2, 100, 0)},
			req:  []ledger.Transfer{with(void(11, 10), func(t *ledger.Transfer) { t.CreditAccountID = 7 })},
			want: results(ledger.PendingTransferHasDifferentAccounts), bal: map[int64]bal{1: {100, 0, 0, 0}, 2: {0, 0, 100, 0}}},
		{name: "post with another ledger", setup: []ledger.Transfer{pend(10, 1, 2, 100, 0)},
			req:  []ledger.Transfer{with(post(11, 10, 0), func(t *ledger.Transfer) { t.Ledger = 2 })},
			want: results(ledger.PendingTransferHasDifferentLedger), bal: map[int64]bal{1: {100, 0, 0, 0}, 2: {0, 0, 100, 0}}},
		{name: "post in another currency", setup: []ledger.Transfer{pend(10, 1, 2, 100, 0)},
			req:  []ledger.Transfer{with(post(11, 10, 0), func(t *ledger.Transfer) { t.Currency = "USD" })},
			want: results(ledger.CurrencyMismatch), bal: map[int64]bal{1: {100, 0, 0, 0}, 2: {0, 0, 100, 0}}},
		{name: "post with another code", setup: []ledger.Transfer{pend(10, 1, 2, 100, 0)},
			req:  []ledger.Transfer{with(post(11, 10, 0), func(t *ledger.Transfer) { t.Code = 9 })},
			want: results(ledger.PendingTransferHasDifferentCode), bal: map[int64]bal{1: {100, 0, 0, 0}, 2: {0, 0, 100, 0}}},
		{name: "post whose debit account is not loaded", at: second,
			loadTr:   []ledger.Transfer{with(pend(500, 98, 2, 100, 0), func(t *ledger.Transfer) { t.Timestamp = 5 })},
			loadPend: []ledger.PendingState{{ID: 500, Status: ledger.StatusPending}},
			req:      []ledger.Transfer{post(11, 500, 0)}, want: results(ledger.DebitAccountNotFound)},
		{name: "void whose credit account is not loaded", at: second,
			loadTr:   []ledger.Transfer{with(pend(500, 1, 98, 100, 0), func(t *ledger.Transfer) { t.Timestamp = 5 })},
			loadPend: []ledger.PendingState{{ID: 500, Status: ledger.StatusPending}},
			req:      []ledger.Transfer{void(11, 500)}, want: results(ledger.CreditAccountNotFound)},
		{name: "retry of a post", setup: []ledger.Transfer{pend(10, 1, 2, 100, 0), post(11, 10, 40)},
			req: []ledger.Transfer{post(11, 10, 40)}, want: results(ledger.Exists),
			bal: map[int64]bal{1: {0, 40, 0, 0}, 2: {0, 0, 0, 40}}, amount: map[int64]int64{11: 40}},
		{name: "retry of a full post", setup: []ledger.Transfer{pend(10, 1, 2, 100, 0), post(11, 10, 0)},
			req: []ledger.Transfer{post(11, 10, 0), post(11, 10, 100)}, want: results(ledger.Exists, ledger.Exists),
			bal: map[int64]bal{1: {0, 100, 0, 0}, 2: {0, 0, 0, 100}}, amount: map[int64]int64{11: 100}},
		{name: "retry of a post as a void", setup: []ledger.Transfer{pend(10, 1, 2, 100, 0), post(11, 10, 0)},
			req: []ledger.Transfer{void(11, 10)}, want: results(ledger.ExistsWithDifferentFields),
			bal: map[int64]bal{1: {0, 100, 0, 0}, 2: {0, 0, 0, 100}}},
		{name: "retry of a post of another pending", setup: []ledger.Transfer{pend(10, 1, 2, 100, 0), pend(12, 1, 2, 100, 0), post(11, 10, 0)},
			req: []ledger.Transfer{post(11, 12, 0), post(11, 99, 0)}, want: results(ledger.ExistsWithDifferentFields, ledger.ExistsWithDifferentFields),
			bal: map[int64]bal{1: {100, 100, 0, 0}, 2: {0, 0, 100, 100}}},
		{name: "retry of a void", setup: []ledger.Transfer{pend(10, 1, 2, 100, 0), void(11, 10)},
			req: []ledger.Transfer{void(11, 10), with(void(11, 10), func(t *ledger.Transfer) { t.Amount = 100 })}, want: results(ledger.Exists, ledger.Exists)},
		{name: "a post's id retried as a plain transfer", setup: []ledger.Transfer{pend(10, 1, 2, 100, 0), post(11, 10, 0)},
			req: []ledger.Transfer{tr(11, 1, 2, 100)}, want: results(ledger.ExistsWithDifferentFields),
			bal: map[int64]bal{1: {0, 100, 0, 0}, 2: {0, 0, 0, 100}}},

		// Overflow near math.MaxInt64 (rows loaded from the store; ledger 9).
		{name: "overflows debits posted", load: hugePosted(),
			req: []ledger.Transfer{t9(tr(10, 20, 22, 11)), t9(tr(11, 20, 22, 10))}, want: results(ledger.OverflowsDebitsPosted, ledger.OK),
			bal: map[int64]bal{20: {0, math.MaxInt64, 0, 0}, 21: {0, 0, 0, near}, 22: {0, 0, 0, 10}}},
		{name: "overflows credits posted", load: hugePosted(),
			req: []ledger.Transfer{t9(tr(10, 22, 21, 11)), t9(tr(11, 22, 21, 10))}, want: results(ledger.OverflowsCreditsPosted, ledger.OK),
			bal: map[int64]bal{20: {0, near, 0, 0}, 21: {0, 0, 0, math.MaxInt64}, 22: {0, 10, 0, 0}}},
		{name: "overflows debits pending", load: hugePending(),
			req: []ledger.Transfer{t9(pend(10, 20, 22, 11, 0)), t9(pend(11, 20, 22, 10, 0))}, want: results(ledger.OverflowsDebitsPending, ledger.OK),
			bal: map[int64]bal{20: {math.MaxInt64, 0, 0, 0}, 21: {0, 0, near, 0}, 22: {0, 0, 10, 0}}},
		{name: "overflows credits pending", load: hugePending(),
			req: []ledger.Transfer{t9(pend(10, 22, 21, 11, 0))}, want: results(ledger.OverflowsCreditsPending),
			bal: map[int64]bal{20: {near, 0, 0, 0}, 21: {0, 0, near, 0}}},
		{name: "overflows debits: pending on top of posted", load: hugePosted(),
			req: []ledger.Transfer{t9(pend(10, 20, 22, 11, 0)), t9(pend(11, 20, 22, 10, 0))}, want: results(ledger.OverflowsDebits, ledger.OK),
			bal: map[int64]bal{20: {10, near, 0, 0}, 21: {0, 0, 0, near}, 22: {0, 0, 10, 0}}},
		{name: "overflows credits: pending on top of posted", load: hugePosted(),
			req: []ledger.Transfer{t9(pend(10, 22, 21, 11, 0))}, want: results(ledger.OverflowsCredits),
			bal: map[int64]bal{20: {0, near, 0, 0}, 21: {0, 0, 0, near}}},
		{name: "overflows debits: posted on top of pending", load: hugePending(),
			req: []ledger.Transfer{t9(tr(10, 20, 22, 11))}, want: results(ledger.OverflowsDebits),
			bal: map[int64]bal{20: {near, 0, 0, 0}, 21: {0, 0, near, 0}}},
		{name: "overflows credits: posted on top of pending", load: hugePending(),
			req: []ledger.Transfer{t9(tr(10, 22, 21, 11))}, want: results(ledger.OverflowsCredits),
			bal: map[int64]bal{20: {near, 0, 0, 0}, 21: {0, 0, near, 0}}},
		// A post cannot overflow rows the ledger wrote itself (the reservation was checked
		// against the total); the check guards rows whose totals exceed the range.
		{name: "post overflows debits posted of an out-of-range row",
			load: []ledger.Account{
				{ID: 20, Ledger: 9, Currency: "CNY", DebitsPending: 100, DebitsPosted: near, Timestamp: 1},
				{ID: 21, Ledger: 9, Currency: "CNY", CreditsPending: 100, Timestamp: 2},
				{ID: 22, Ledger: 9, Currency: "CNY", CreditsPosted: near, Timestamp: 3},
			},
			loadTr:   []ledger.Transfer{t9(with(pend(500, 20, 21, 100, 0), func(t *ledger.Transfer) { t.Timestamp = 5 }))},
			loadPend: []ledger.PendingState{{ID: 500, Status: ledger.StatusPending}},
			req:      []ledger.Transfer{post(11, 500, 0)}, want: results(ledger.OverflowsDebitsPosted),
			bal:    map[int64]bal{20: {100, near, 0, 0}, 21: {0, 0, 100, 0}, 22: {0, 0, 0, near}},
			status: map[int64]ledger.PendingStatus{500: pendingSt}},
		{name: "post overflows credits posted of an out-of-range row",
			load: []ledger.Account{
				{ID: 20, Ledger: 9, Currency: "CNY", DebitsPending: 100, Timestamp: 1},
				{ID: 21, Ledger: 9, Currency: "CNY", CreditsPending: 100, CreditsPosted: near, Timestamp: 2},
				{ID: 22, Ledger: 9, Currency: "CNY", DebitsPosted: near, Timestamp: 3},
			},
			loadTr:   []ledger.Transfer{t9(with(pend(500, 20, 21, 100, 0), func(t *ledger.Transfer) { t.Timestamp = 5 }))},
			loadPend: []ledger.PendingState{{ID: 500, Status: ledger.StatusPending}},
			req:      []ledger.Transfer{post(11, 500, 0)}, want: results(ledger.OverflowsCreditsPosted),
			bal:    map[int64]bal{20: {100, 0, 0, 0}, 21: {0, 0, 100, near}, 22: {0, near, 0, 0}},
			status: map[int64]ledger.PendingStatus{500: pendingSt}},

		// Linked chains.
		{name: "chain all ok", req: []ledger.Transfer{
			linked(tr(10, 1, 3, 100)), linked(pend(11, 3, 2, 60, 0)), linked(post(12, 11, 50)), tr(13, 3, 2, 50), tr(14, 1, 2, 5)},
			want:   results(ledger.OK, ledger.OK, ledger.OK, ledger.OK, ledger.OK),
			bal:    map[int64]bal{1: {0, 105, 0, 0}, 2: {0, 0, 0, 105}, 3: {0, 100, 0, 100}},
			amount: map[int64]int64{12: 50}, status: map[int64]ledger.PendingStatus{11: posted}},
		{name: "chain fails in the middle", req: []ledger.Transfer{
			tr(9, 1, 2, 1), linked(tr(10, 1, 3, 100)), linked(tr(11, 3, 2, 150)), tr(12, 3, 2, 10), tr(13, 1, 2, 5)},
			want: results(ledger.OK, ledger.LinkedEventFailed, ledger.ExceedsCredits, ledger.LinkedEventFailed, ledger.OK),
			bal:  map[int64]bal{1: {0, 6, 0, 0}, 2: {0, 0, 0, 6}}},
		{name: "chain fails first", req: []ledger.Transfer{linked(tr(10, 1, 99, 100)), linked(tr(11, 1, 2, 5)), tr(12, 1, 2, 5)},
			want: results(ledger.CreditAccountNotFound, ledger.LinkedEventFailed, ledger.LinkedEventFailed)},
		{name: "chain fails last", req: []ledger.Transfer{linked(tr(10, 1, 2, 100)), tr(11, 1, 2, 0)},
			want: results(ledger.LinkedEventFailed, ledger.AmountMustBePositive)},
		{name: "chain rolls back a pending and its post", req: []ledger.Transfer{
			linked(pend(10, 1, 2, 100, 5)), linked(post(11, 10, 0)), tr(12, 3, 2, 1)},
			want: results(ledger.LinkedEventFailed, ledger.LinkedEventFailed, ledger.ExceedsCredits)},
		{name: "chain rolls back a post of an older pending", setup: []ledger.Transfer{pend(10, 1, 2, 100, 0)},
			req:  []ledger.Transfer{linked(post(11, 10, 30)), tr(12, 3, 2, 1), post(13, 10, 20)},
			want: results(ledger.LinkedEventFailed, ledger.ExceedsCredits, ledger.OK),
			bal:  map[int64]bal{1: {0, 20, 0, 0}, 2: {0, 0, 0, 20}}, amount: map[int64]int64{13: 20},
			status: map[int64]ledger.PendingStatus{10: posted}},
		{name: "second chain after a failed one", req: []ledger.Transfer{
			linked(tr(10, 1, 2, 100)), tr(11, 1, 2, -1), linked(tr(12, 1, 2, 7)), tr(13, 2, 1, 2)},
			want: results(ledger.LinkedEventFailed, ledger.AmountMustBePositive, ledger.OK, ledger.OK),
			bal:  map[int64]bal{1: {0, 7, 0, 2}, 2: {0, 2, 0, 7}}},
		{name: "duplicate id inside a chain fails it", req: []ledger.Transfer{linked(tr(10, 1, 2, 5)), tr(10, 1, 2, 5)},
			want: results(ledger.LinkedEventFailed, ledger.ExistsWithDifferentFields)},
		{name: "retry of a committed transfer fails its chain", setup: []ledger.Transfer{tr(10, 1, 2, 5)},
			req:  []ledger.Transfer{linked(tr(11, 1, 2, 5)), tr(10, 1, 2, 5)},
			want: results(ledger.LinkedEventFailed, ledger.Exists), bal: map[int64]bal{1: {0, 5, 0, 0}, 2: {0, 0, 0, 5}}},
		{name: "chain open at the end", req: []ledger.Transfer{tr(9, 1, 2, 1), linked(tr(10, 1, 2, 5)), linked(tr(11, 1, 2, 5))},
			want: results(ledger.OK, ledger.LinkedEventFailed, ledger.LinkedEventChainOpen),
			bal:  map[int64]bal{1: {0, 1, 0, 0}, 2: {0, 0, 0, 1}}},
		{name: "single linked transfer", req: []ledger.Transfer{linked(tr(10, 1, 2, 5))},
			want: results(ledger.LinkedEventChainOpen)},
		{name: "open chain with a failure inside", req: []ledger.Transfer{
			linked(tr(10, 1, 2, 5)), linked(tr(11, 1, 99, 5)), linked(tr(12, 1, 2, 5)), linked(tr(13, 1, 2, 5))},
			want: results(ledger.LinkedEventFailed, ledger.CreditAccountNotFound, ledger.LinkedEventFailed, ledger.LinkedEventChainOpen)},
		{name: "open chain failing on its last but one", req: []ledger.Transfer{linked(tr(10, 1, 2, 5)), linked(tr(11, 1, 2, 0)), linked(tr(12, 1, 2, 5))},
			want: results(ledger.LinkedEventFailed, ledger.AmountMustBePositive, ledger.LinkedEventChainOpen)},
	}
}

func TestCreateTransfers(t *testing.T) {
	for _, tc := range transferCases() {
		t.Run(tc.name, func(t *testing.T) {
			if len(tc.req) != len(tc.want) {
				t.Fatalf("case has %d requests and %d results", len(tc.req), len(tc.want))
			}
			s := ledger.NewState()
			ids := slices.Clone(fixtureIDs)
			for _, a := range tc.load {
				s.LoadAccount(a)
				ids = append(ids, a.ID)
			}
			for _, tt := range tc.loadTr {
				s.LoadTransfer(tt)
			}
			for _, p := range tc.loadPend {
				s.LoadPending(p)
			}
			s.Begin(t0)
			for i, r := range s.CreateAccounts(fixtureAccounts()) {
				if r != ledger.OK {
					t.Fatalf("fixture account %d: %s", fixtureIDs[i], r)
				}
			}
			s.Commit()
			setupAt := t0 + second
			s.Begin(setupAt)
			for i, r := range s.CreateTransfers(tc.setup) {
				if r != ledger.OK {
					t.Fatalf("setup transfer %d: %s", tc.setup[i].ID, r)
				}
			}
			for _, id := range tc.close {
				if r := s.CloseAccount(id); r != ledger.OK {
					t.Fatalf("close %d: %s", id, r)
				}
			}
			s.Commit()
			before := make(map[int64]ledger.Transfer)
			for _, tt := range tc.req {
				if p := s.Transfer(tt.ID); p != nil {
					before[tt.ID] = *p
				}
			}
			clock := s.Clock()

			s.Begin(setupAt + tc.at)
			got := s.CreateTransfers(tc.req)
			checkResults(t, got, tc.want)

			for _, id := range ids {
				checkBal(t, s, id, tc.bal[id])
			}
			for id := range tc.bal {
				if !slices.Contains(ids, id) {
					t.Errorf("balances listed for unknown account %d", id)
				}
			}
			for id, amount := range tc.amount {
				if tt := s.Transfer(id); tt == nil {
					t.Errorf("transfer %d missing", id)
				} else if tt.Amount != amount {
					t.Errorf("transfer %d amount = %d, want %d", id, tt.Amount, amount)
				}
			}
			for id, st := range tc.status {
				if p := s.Pending(id); p == nil {
					t.Errorf("pending %d missing", id)
				} else if p.Status != st {
					t.Errorf("pending %d status = %s, want %s", id, p.Status, st)
				}
			}

			// What the batch changed: exactly the transfers that answered ok, in order,
			// each with a fresh timestamp; nothing of a failed request remains.
			var okIDs []int64
			for i, r := range got {
				if r == ledger.OK {
					okIDs = append(okIDs, tc.req[i].ID)
				}
			}
			ch := s.Changes()
			var gotIDs []int64
			for _, tt := range ch.Transfers {
				gotIDs = append(gotIDs, tt.ID)
			}
			if !slices.Equal(gotIDs, okIDs) {
				t.Errorf("Changes.Transfers = %v, want %v", gotIDs, okIDs)
			}
			if len(ch.Events) != len(okIDs) {
				t.Errorf("%d events, want %d", len(ch.Events), len(okIDs))
			}
			last := clock
			for i, e := range ch.Events {
				if e.Type != ledger.EventTransferCreated || e.Transfer == nil || i >= len(okIDs) || e.Transfer.ID != okIDs[i] {
					t.Errorf("event %d = %+v, want transfer.created of %v", i, e, okIDs)
					continue
				}
				if e.Timestamp <= last || e.Timestamp != e.Transfer.Timestamp {
					t.Errorf("event %d timestamp %d (transfer %d), previous %d", i, e.Timestamp, e.Transfer.Timestamp, last)
				}
				last = e.Timestamp
			}
			for i, tt := range tc.req {
				if got[i] == ledger.OK || tt.ID <= 0 || slices.Contains(okIDs, tt.ID) {
					continue
				}
				p := s.Transfer(tt.ID)
				if b, ok := before[tt.ID]; ok {
					if p == nil || *p != b {
						t.Errorf("transfer %d changed by a failed retry: %+v, was %+v", tt.ID, p, b)
					}
					continue
				}
				if p != nil || s.Pending(tt.ID) != nil {
					t.Errorf("failed transfer %d (%s) left a row behind", tt.ID, got[i])
				}
			}
			checkSound(t, s, ids)
		})
	}
}

func TestCreateAccounts(t *testing.T) {
	cny := func(id int64) ledger.Account { return ledger.Account{ID: id, Ledger: 1, Currency: "CNY", Code: 1} }
	tests := []struct {
		name string
		req  []ledger.Account
		want []ledger.Result
	}{
		{"ok", []ledger.Account{cny(10)}, results(ledger.OK)},
		{"debits must not exceed credits", []ledger.Account{{ID: 10, Ledger: 1, Currency: "CNY", Flags: dmnec}}, results(ledger.OK)},
		{"credits must not exceed debits", []ledger.Account{{ID: 10, Ledger: 1, Currency: "CNY", Flags: cmned}}, results(ledger.OK)},
		{"id zero", []ledger.Account{cny(0)}, results(ledger.IDMustBePositive)},
		{"id negative", []ledger.Account{cny(-4)}, results(ledger.IDMustBePositive)},
		{"closed on creation", []ledger.Account{{ID: 10, Ledger: 1, Currency: "CNY", Flags: ledger.Closed}}, results(ledger.FlagsInvalid)},
		{"unknown flag", []ledger.Account{{ID: 10, Ledger: 1, Currency: "CNY", Flags: 1 << 7}}, results(ledger.FlagsInvalid)},
		{"both limits", []ledger.Account{{ID: 10, Ledger: 1, Currency: "CNY", Flags: dmnec | cmned}}, results(ledger.FlagsMutuallyExclusive)},
		{"debits pending", []ledger.Account{{ID: 10, Ledger: 1, Currency: "CNY", DebitsPending: 1}}, results(ledger.BalancesMustBeZero)},
		{"debits posted", []ledger.Account{{ID: 10, Ledger: 1, Currency: "CNY", DebitsPosted: 1}}, results(ledger.BalancesMustBeZero)},
		{"credits pending", []ledger.Account{{ID: 10, Ledger: 1, Currency: "CNY", CreditsPending: -1}}, results(ledger.BalancesMustBeZero)},
		{"credits posted", []ledger.Account{{ID: 10, Ledger: 1, Currency: "CNY", CreditsPosted: 1}}, results(ledger.BalancesMustBeZero)},
		{"ledger zero", []ledger.Account{{ID: 10, Currency: "CNY"}}, results(ledger.LedgerMustNotBeZero)},
		{"currency lower case", []ledger.Account{{ID: 10, Ledger: 1, Currency: "cny"}}, results(ledger.CurrencyInvalid)},
		{"currency two letters", []ledger.Account{{ID: 10, Ledger: 1, Currency: "CN"}}, results(ledger.CurrencyInvalid)},
		{"currency with a digit", []ledger.Account{{ID: 10, Ledger: 1, Currency: "CN1"}}, results(ledger.CurrencyInvalid)},
		{"retry", []ledger.Account{fixtureAccounts()[2]}, results(ledger.Exists)},
		{"retry with another ledger", []ledger.Account{{ID: 1, Ledger: 2, Currency: "CNY", Code: 1}}, results(ledger.ExistsWithDifferentFields)},
		{"retry with another currency", []ledger.Account{{ID: 1, Ledger: 1, Currency: "USD", Code: 1}}, results(ledger.ExistsWithDifferentFields)},
		{"retry with another code", []ledger.Account{{ID: 1, Ledger: 1, Currency: "CNY", Code: 2}}, results(ledger.ExistsWithDifferentFields)},
		{"retry with another flag", []ledger.Account{{ID: 1, Ledger: 1, Currency: "CNY", Code: 1, Flags: dmnec}}, results(ledger.ExistsWithDifferentFields)},
		{"retry without its flag", []ledger.Account{{ID: 3, Ledger: 1, Currency: "CNY", Code: 2}}, results(ledger.ExistsWithDifferentFields)},
		{"retry of an invalid request is still invalid", []ledger.Account{{ID: 1, Ledger: 1, Currency: "CNY", Code: 1, CreditsPosted: 5}}, results(ledger.BalancesMustBeZero)},
		{"same id twice", []ledger.Account{cny(10), cny(10), {ID: 10, Ledger: 2, Currency: "CNY", Code: 1}},
			results(ledger.OK, ledger.Exists, ledger.ExistsWithDifferentFields)},
		{"one bad among good", []ledger.Account{cny(10), cny(0), cny(11)}, results(ledger.OK, ledger.IDMustBePositive, ledger.OK)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			s := newFixture(t)
			clock := s.Clock()
			s.Begin(t0 + second)
			req := slices.Clone(tc.req)
			for i := range req {
				// Timestamps and the transfer chain are the ledger's to set.
				req[i].Timestamp, req[i].LastTransfer = 42, 43
			}
			got := s.CreateAccounts(req)
			checkResults(t, got, tc.want)
			ch := s.Changes()
			var created []int64
			for i, r := range got {
				if r != ledger.OK {
					continue
				}
				created = append(created, tc.req[i].ID)
				a := s.Account(tc.req[i].ID)
				if a == nil {
					t.Fatalf("account %d missing", tc.req[i].ID)
				}
				want := tc.req[i]
				want.Timestamp = a.Timestamp
				if *a != want {
					t.Errorf("account %d = %+v, want %+v", a.ID, *a, want)
				}
				if a.Timestamp <= clock {
					t.Errorf("account %d timestamp %d not after %d", a.ID, a.Timestamp, clock)
				}
				clock = a.Timestamp
			}
			if !slices.Equal(ch.NewAccounts, created) {
				t.Errorf("Changes.NewAccounts = %v, want %v", ch.NewAccounts, created)
			}
			if len(ch.Events) != len(created) {
				t.Fatalf("%d events, want %d", len(ch.Events), len(created))
			}
			for i, e := range ch.Events {
				if e.Type != ledger.EventAccountCreated || e.Account.ID != created[i] || e.Timestamp != s.Account(created[i]).Timestamp {
					t.Errorf("event %d = %s %+v", i, e.Type, e.Account)
				}
			}
			if len(ch.Accounts) != 0 {
				t.Errorf("Changes.Accounts = %v, want none", ch.Accounts)
			}
			for _, id := range fixtureIDs {
				want := fixtureAccounts()[id-1]
				a := s.Account(id)
				want.Timestamp = t0 + id - 1
				if *a != want {
					t.Errorf("fixture account %d = %+v, want %+v", id, *a, want)
				}
			}
		})
	}
}

func TestCloseAccount(t *testing.T) {
	s := newFixture(t)
	s.Begin(t0 + second)
	checkResults(t, s.CreateTransfers([]ledger.Transfer{
		tr(10, 1, 3, 100), pend(11, 3, 2, 30, 0), pend(12, 1, 7, 5, 0),
	}), results(ledger.OK, ledger.OK, ledger.OK))
	s.Commit()

	s.Begin(t0 + 2*second)
	for _, c := range []struct {
		id   int64
		want ledger.Result
	}{
		{0, ledger.IDMustBePositive},
		{-1, ledger.IDMustBePositive},
		{99, ledger.AccountNotFound},
		{3, ledger.AccountHasPending}, // debits pending
		{7, ledger.AccountHasPending}, // credits pending
		{2, ledger.AccountHasPending},
		{4, ledger.OK},
		{4, ledger.AccountAlreadyClosed},
	} {
		if got := s.CloseAccount(c.id); got != c.want {
			t.Errorf("CloseAccount(%d) = %s, want %s", c.id, got, c.want)
		}
	}
	checkResults(t, s.CreateTransfers([]ledger.Transfer{post(13, 11, 0), void(14, 12)}), results(ledger.OK, ledger.OK))
	for _, id := range []int64{3, 2, 7} {
		if got := s.CloseAccount(id); got != ledger.OK {
			t.Errorf("CloseAccount(%d) after resolving its pending = %s, want ok", id, got)
		}
	}
	ch := s.Changes()
	for _, id := range []int64{2, 3, 4, 7} {
		a := s.Account(id)
		if a.Flags&ledger.Closed == 0 {
			t.Errorf("account %d flags = %b, want closed", id, a.Flags)
		}
		if _, ok := ch.Accounts[id]; !ok {
			t.Errorf("closed account %d missing from Changes.Accounts", id)
		}
	}
	if s.Account(3).Flags != dmnec|ledger.Closed {
		t.Errorf("account 3 flags = %b, want the limit flag kept", s.Account(3).Flags)
	}
	checkBal(t, s, 3, bal{0, 30, 0, 100})
	checkBal(t, s, 2, bal{0, 0, 0, 30})
	checkBal(t, s, 7, bal{})
	var closed []int64
	for _, e := range ch.Events {
		if e.Type == ledger.EventAccountClosed {
			closed = append(closed, e.Account.ID)
			if e.Account.Flags&ledger.Closed == 0 {
				t.Errorf("account.closed snapshot of %d is not closed", e.Account.ID)
			}
		}
	}
	if !slices.Equal(closed, []int64{4, 3, 2, 7}) {
		t.Errorf("account.closed events for %v, want [4 3 2 7]", closed)
	}
	// A closed account still answers a retry of its creation.
	checkResults(t, s.CreateAccounts([]ledger.Account{fixtureAccounts()[3]}), results(ledger.Exists))
	checkResults(t, s.CreateTransfers([]ledger.Transfer{tr(15, 4, 1, 1), tr(16, 1, 4, 1)}),
		results(ledger.DebitAccountClosed, ledger.CreditAccountClosed))
	checkSound(t, s, fixtureIDs)
}

func TestExpire(t *testing.T) {
	s := newFixture(t)
	setupAt := t0 + second
	s.Begin(setupAt)
	checkResults(t, s.CreateTransfers([]ledger.Transfer{
		pend(10, 1, 2, 100, 5), pend(11, 1, 2, 50, 0), pend(12, 1, 2, 30, 5), post(13, 12, 0),
		pend(14, 1, 2, 20, 5), void(15, 14),
	}), results(ledger.OK, ledger.OK, ledger.OK, ledger.OK, ledger.OK, ledger.OK))
	s.Commit()
	expiresAt := s.Pending(10).ExpiresAt
	if want := s.Transfer(10).Timestamp + 5*second; expiresAt != want {
		t.Fatalf("pending 10 expires at %d, want %d", expiresAt, want)
	}
	if s.Pending(11).ExpiresAt != 0 {
		t.Fatalf("pending 11 without timeout expires at %d, want 0", s.Pending(11).ExpiresAt)
	}

	s.Begin(expiresAt - 1)
	for _, id := range []int64{10, 11, 12, 14, 99, 13} {
		if s.Expire(id) {
			t.Errorf("Expire(%d) one nanosecond before the deadline = true", id)
		}
	}
	if ch := s.Changes(); len(ch.Events) != 0 || len(ch.Pending) != 0 || len(ch.Accounts) != 0 {
		t.Errorf("Expire that did nothing changed %+v", ch)
	}
	checkBal(t, s, 1, bal{150, 30, 0, 0})
	s.Commit()

	s.Begin(expiresAt)
	if !s.Expire(10) {
		t.Fatalf("Expire(10) at its deadline = false")
	}
	for _, id := range []int64{10, 11, 12, 14} {
		if s.Expire(id) {
			t.Errorf("Expire(%d) = true, want false (resolved or never due)", id)
		}
	}
	checkBal(t, s, 1, bal{50, 30, 0, 0})
	checkBal(t, s, 2, bal{0, 0, 50, 30})
	if st := s.Pending(10).Status; st != ledger.StatusExpired {
		t.Errorf("pending 10 status %s, want expired", st)
	}
	if st := s.Pending(12).Status; st != ledger.StatusPosted {
		t.Errorf("pending 12 status %s, want posted", st)
	}
	if st := s.Pending(14).Status; st != ledger.StatusVoided {
		t.Errorf("pending 14 status %s, want voided", st)
	}
	ch := s.Changes()
	if len(ch.Events) != 1 || ch.Events[0].Type != ledger.EventPendingExpired || ch.Events[0].Transfer.ID != 10 ||
		ch.Events[0].Timestamp != expiresAt || s.Clock() != expiresAt {
		t.Errorf("events = %+v, clock %d, want one transfer.expired of 10 at %d", ch.Events, s.Clock(), expiresAt)
	}
	if !reflect.DeepEqual(ch.Pending, map[int64]struct{}{10: {}}) || len(ch.NewPending) != 0 {
		t.Errorf("Changes.Pending = %v, NewPending = %v, want {10}, {}", ch.Pending, ch.NewPending)
	}
	if !reflect.DeepEqual(ch.Accounts, map[int64]struct{}{1: {}, 2: {}}) {
		t.Errorf("Changes.Accounts = %v, want {1, 2}", ch.Accounts)
	}
	if len(ch.Transfers) != 0 {
		t.Errorf("Expire created transfers %v", ch.Transfers)
	}
	checkResults(t, s.CreateTransfers([]ledger.Transfer{post(16, 10, 0), void(17, 10), void(18, 11)}),
		results(ledger.PendingTransferExpired, ledger.PendingTransferExpired, ledger.OK))
	checkBal(t, s, 1, bal{0, 30, 0, 0})
	checkBal(t, s, 2, bal{0, 0, 0, 30})
	checkSound(t, s, fixtureIDs)
	s.Commit()
}

func TestOverflowsTimeout(t *testing.T) {
	s := ledger.NewState()
	start := int64(math.MaxInt64) - 10*second
	s.Begin(start)
	checkResults(t, s.CreateAccounts([]ledger.Account{fixtureAccounts()[0], fixtureAccounts()[1]}), results(ledger.OK, ledger.OK))
	// The next timestamp is start+2: 9 whole seconds remain before math.MaxInt64.
	checkResults(t, s.CreateTransfers([]ledger.Transfer{pend(10, 1, 2, 5, 10), pend(11, 1, 2, 5, math.MaxUint32), pend(12, 1, 2, 5, 9)}),
		results(ledger.OverflowsTimeout, ledger.OverflowsTimeout, ledger.OK))
	checkBal(t, s, 1, bal{5, 0, 0, 0})
	checkBal(t, s, 2, bal{0, 0, 5, 0})
	if p, tt := s.Pending(12), s.Transfer(12); p == nil || p.ExpiresAt != tt.Timestamp+9*second || p.ExpiresAt < 0 {
		t.Errorf("pending 12 = %+v, transfer timestamp %d", p, tt.Timestamp)
	}
	if s.Transfer(10) != nil || s.Pending(10) != nil || s.Transfer(11) != nil {
		t.Errorf("a transfer whose timeout overflows left a row behind")
	}
}

// stateSnapshot copies everything observable about the given ids.
type stateSnapshot struct {
	accounts  map[int64]*ledger.Account
	transfers map[int64]*ledger.Transfer
	pending   map[int64]*ledger.PendingState
	changes   ledger.Changes
	clock     int64
	size      int
}

func snapshot(s *ledger.State, ids []int64) stateSnapshot {
	snap := stateSnapshot{
		accounts:  make(map[int64]*ledger.Account),
		transfers: make(map[int64]*ledger.Transfer),
		pending:   make(map[int64]*ledger.PendingState),
		changes:   copyChanges(s.Changes()),
		clock:     s.Clock(),
		size:      s.Size(),
	}
	for _, id := range ids {
		if a := s.Account(id); a != nil {
			c := *a
			snap.accounts[id] = &c
		}
		if tt := s.Transfer(id); tt != nil {
			c := *tt
			snap.transfers[id] = &c
		}
		if p := s.Pending(id); p != nil {
			c := *p
			snap.pending[id] = &c
		}
	}
	return snap
}

func copyChanges(ch *ledger.Changes) ledger.Changes {
	return ledger.Changes{
		NewAccounts: slices.Clone(ch.NewAccounts),
		Transfers:   slices.Clone(ch.Transfers),
		Accounts:    maps(ch.Accounts),
		NewPending:  maps(ch.NewPending),
		Pending:     maps(ch.Pending),
		Events:      slices.Clone(ch.Events),
	}
}

func maps(m map[int64]struct{}) map[int64]struct{} {
	c := make(map[int64]struct{}, len(m))
	for k := range m {
		c[k] = struct{}{}
	}
	return c
}

// equalChanges compares two Changes, treating nil and empty alike.
func equalChanges(a, b ledger.Changes) bool {
	return slices.Equal(a.NewAccounts, b.NewAccounts) && slices.Equal(a.Transfers, b.Transfers) &&
		reflect.DeepEqual(maps(a.Accounts), maps(b.Accounts)) && reflect.DeepEqual(maps(a.NewPending), maps(b.NewPending)) &&
		reflect.DeepEqual(maps(a.Pending), maps(b.Pending)) && len(a.Events) == len(b.Events) &&
		(len(a.Events) == 0 || reflect.DeepEqual(a.Events, b.Events))
}

func checkSnapshot(t *testing.T, s *ledger.State, ids []int64, want stateSnapshot, what string) {
	t.Helper()
	got := snapshot(s, ids)
	if !reflect.DeepEqual(got.accounts, want.accounts) {
		for _, id := range ids {
			if !reflect.DeepEqual(got.accounts[id], want.accounts[id]) {
				t.Errorf("%s: account %d = %+v, want %+v", what, id, got.accounts[id], want.accounts[id])
			}
		}
	}
	if !reflect.DeepEqual(got.transfers, want.transfers) {
		t.Errorf("%s: transfers = %v, want %v", what, keys(got.transfers), keys(want.transfers))
	}
	if !reflect.DeepEqual(got.pending, want.pending) {
		for _, id := range ids {
			if !reflect.DeepEqual(got.pending[id], want.pending[id]) {
				t.Errorf("%s: pending %d = %+v, want %+v", what, id, got.pending[id], want.pending[id])
			}
		}
	}
	if !equalChanges(got.changes, want.changes) {
		t.Errorf("%s: changes = %+v, want %+v", what, got.changes, want.changes)
	}
	if got.clock != want.clock {
		t.Errorf("%s: clock = %d, want %d", what, got.clock, want.clock)
	}
	if got.size != want.size {
		t.Errorf("%s: size = %d, want %d", what, got.size, want.size)
	}
}

func keys[V any](m map[int64]V) []int64 {
	var ks []int64
	for k := range m {
		ks = append(ks, k)
	}
	slices.Sort(ks)
	return ks
}

var rollbackIDs = []int64{1, 2, 3, 4, 5, 6, 7, 8, 10, 11, 12, 13, 20, 21, 22, 23, 24, 25, 26, 27, 28, 29, 30, 31}

// rollbackFixture commits funding, a pending that is due at t0+10s (11) and one that
// never expires (12).
func rollbackFixture(t *testing.T) *ledger.State {
	t.Helper()
	s := newFixture(t)
	s.Begin(t0 + second)
	checkResults(t, s.CreateTransfers([]ledger.Transfer{tr(10, 1, 3, 500), pend(11, 3, 2, 100, 5), pend(12, 1, 2, 50, 0)}),
		results(ledger.OK, ledger.OK, ledger.OK))
	s.Commit()
	return s
}

// prefix opens a batch at t0+10s that touches accounts 1 and 2 and creates pending 25.
func prefix(t *testing.T, s *ledger.State) {
	t.Helper()
	s.Begin(t0 + 10*second)
	checkResults(t, s.CreateTransfers([]ledger.Transfer{tr(20, 1, 2, 7), pend(25, 1, 2, 3, 0)}), results(ledger.OK, ledger.OK))
}

// mutate does one of everything after a mark: it creates an account, touches accounts
// untouched so far (3, 4, 7) and touched ones (1, 2), resolves old and new pending
// transfers, expires one and closes an account.
func mutate(t *testing.T, s *ledger.State) {
	t.Helper()
	checkResults(t, s.CreateAccounts([]ledger.Account{{ID: 8, Ledger: 1, Currency: "CNY"}}), results(ledger.OK))
	checkResults(t, s.CreateTransfers([]ledger.Transfer{
		tr(21, 1, 8, 5), post(22, 12, 20), pend(23, 1, 7, 9, 0), void(26, 25), tr(27, 3, 2, 1),
		linked(tr(28, 1, 2, 1)), tr(29, 1, 99, 1),
	}), results(ledger.OK, ledger.OK, ledger.OK, ledger.OK, ledger.OK, ledger.LinkedEventFailed, ledger.CreditAccountNotFound))
	if !s.Expire(11) {
		t.Fatalf("Expire(11) = false")
	}
	if r := s.CloseAccount(4); r != ledger.OK {
		t.Fatalf("CloseAccount(4) = %s", r)
	}
}

func TestMarkRollback(t *testing.T) {
	s := rollbackFixture(t)
	prefix(t, s)
	before := snapshot(s, rollbackIDs)
	m := s.Mark()
	mutate(t, s)
	if len(s.Changes().Accounts) != 5 || len(s.Changes().Pending) != 2 {
		t.Fatalf("mutate changed accounts %v and pending %v", s.Changes().Accounts, s.Changes().Pending)
	}
	s.Rollback(m)
	checkSnapshot(t, s, rollbackIDs, before, "after Rollback")
	// The batch goes on from the mark: the clock continues from where the mark was.
	checkResults(t, s.CreateTransfers([]ledger.Transfer{tr(24, 2, 1, 1)}), results(ledger.OK))
	if ts := s.Transfer(24).Timestamp; ts != before.clock+1 {
		t.Errorf("transfer after Rollback at %d, want %d", ts, before.clock+1)
	}
	ch := s.Changes()
	var ids []int64
	for _, tt := range ch.Transfers {
		ids = append(ids, tt.ID)
	}
	if !slices.Equal(ids, []int64{20, 25, 24}) {
		t.Errorf("Changes.Transfers = %v, want [20 25 24]", ids)
	}
	s.Commit()
	checkBal(t, s, 1, bal{53, 507, 0, 1})
	checkBal(t, s, 2, bal{0, 1, 153, 7})
	checkBal(t, s, 3, bal{100, 0, 0, 500})
	checkSound(t, s, rollbackIDs)
}

func TestMarkRollbackNested(t *testing.T) {
	s := rollbackFixture(t)
	prefix(t, s)
	outer := snapshot(s, rollbackIDs)
	m1 := s.Mark()
	checkResults(t, s.CreateTransfers([]ledger.Transfer{tr(30, 1, 7, 5), pend(31, 3, 2, 4, 0)}), results(ledger.OK, ledger.OK))
	inner := snapshot(s, rollbackIDs)
	m2 := s.Mark()
	mutate(t, s)
	s.Rollback(m2)
	checkSnapshot(t, s, rollbackIDs, inner, "after inner Rollback")
	s.Rollback(m1)
	checkSnapshot(t, s, rollbackIDs, outer, "after outer Rollback")
	// Rolling back to a mark twice is harmless.
	s.Rollback(m1)
	checkSnapshot(t, s, rollbackIDs, outer, "after a second Rollback")
}

func TestRollbackBatch(t *testing.T) {
	s := rollbackFixture(t)
	before := snapshot(s, rollbackIDs)
	prefix(t, s)
	mutate(t, s)
	s.RollbackBatch()
	got := snapshot(s, rollbackIDs)
	for _, id := range rollbackIDs {
		if !reflect.DeepEqual(got.accounts[id], before.accounts[id]) {
			t.Errorf("account %d = %+v, want %+v", id, got.accounts[id], before.accounts[id])
		}
		if !reflect.DeepEqual(got.pending[id], before.pending[id]) {
			t.Errorf("pending %d = %+v, want %+v", id, got.pending[id], before.pending[id])
		}
	}
	if !reflect.DeepEqual(got.transfers, before.transfers) || got.size != before.size {
		t.Errorf("transfers %v (size %d), want %v (size %d)", keys(got.transfers), got.size, keys(before.transfers), before.size)
	}
	if !equalChanges(got.changes, ledger.Changes{}) {
		t.Errorf("changes after RollbackBatch = %+v, want none", got.changes)
	}
	// The clock is checked by TestRollbackBatchRestoresClock.
	checkBal(t, s, 1, bal{50, 500, 0, 0})
	checkBal(t, s, 2, bal{0, 0, 150, 0})
	checkBal(t, s, 3, bal{100, 0, 0, 500})

	// The next batch starts clean and can reuse the ids.
	s.Begin(t0 + 11*second)
	checkResults(t, s.CreateTransfers([]ledger.Transfer{tr(20, 1, 2, 1)}), results(ledger.OK))
	ch := s.Changes()
	if len(ch.Transfers) != 1 || !reflect.DeepEqual(ch.Accounts, map[int64]struct{}{1: {}, 2: {}}) || len(ch.Events) != 1 ||
		len(ch.NewAccounts) != 0 || len(ch.Pending) != 0 || len(ch.NewPending) != 0 {
		t.Errorf("changes of the next batch = %+v", ch)
	}
	s.Commit()
	checkSound(t, s, rollbackIDs)
}

// TestChangesSets checks what a batch reports for persistence: accounts created in the
// batch are only in NewAccounts, pending transfers created and resolved in the batch
// only in NewPending.
func TestChangesSets(t *testing.T) {
	for _, reuse := range []bool{false, true} {
		s := newFixture(t)
		if reuse {
			s.ReuseChanges()
		}
		t.Run(map[bool]string{false: "new", true: "reused"}[reuse], func(t *testing.T) { testChangesSets(t, s) })
	}
}

// testChangesSets: a batch's Changes hold what it did, and nothing of the batch before.
func testChangesSets(t *testing.T, s *ledger.State) {
	s.Begin(t0 + second)
	checkResults(t, s.CreateTransfers([]ledger.Transfer{pend(10, 1, 2, 100, 5), pend(11, 1, 2, 9, 0)}), results(ledger.OK, ledger.OK))
	s.Commit()

	s.Begin(t0 + 10*second)
	checkResults(t, s.CreateAccounts([]ledger.Account{{ID: 8, Ledger: 1, Currency: "CNY"}, {ID: 9, Ledger: 1, Currency: "CNY"}}),
		results(ledger.OK, ledger.OK))
	checkResults(t, s.CreateTransfers([]ledger.Transfer{tr(20, 8, 9, 5), pend(21, 8, 3, 4, 0), post(22, 21, 0), pend(23, 7, 8, 1, 0), void(24, 11)}),
		results(ledger.OK, ledger.OK, ledger.OK, ledger.OK, ledger.OK))
	if !s.Expire(10) {
		t.Fatal("Expire(10) = false")
	}
	if r := s.CloseAccount(9); r != ledger.OK {
		t.Fatalf("CloseAccount(9) = %s", r)
	}
	ch := s.Changes()
	if !slices.Equal(ch.NewAccounts, []int64{8, 9}) {
		t.Errorf("NewAccounts = %v", ch.NewAccounts)
	}
	var ids []int64
	for _, tt := range ch.Transfers {
		ids = append(ids, tt.ID)
	}
	if !slices.Equal(ids, []int64{20, 21, 22, 23, 24}) {
		t.Errorf("Transfers = %v", ids)
	}
	set := func(ids ...int64) map[int64]struct{} {
		m := make(map[int64]struct{})
		for _, id := range ids {
			m[id] = struct{}{}
		}
		return m
	}
	if !reflect.DeepEqual(ch.Accounts, set(1, 2, 3, 7)) {
		t.Errorf("Accounts = %v, want {1 2 3 7}", keys(ch.Accounts))
	}
	if !reflect.DeepEqual(ch.NewPending, set(21, 23)) {
		t.Errorf("NewPending = %v, want {21 23}", keys(ch.NewPending))
	}
	if !reflect.DeepEqual(ch.Pending, set(10, 11)) {
		t.Errorf("Pending = %v, want {10 11}", keys(ch.Pending))
	}
	wantEvents := []struct {
		typ ledger.EventType
		id  int64
	}{
		{ledger.EventAccountCreated, 8}, {ledger.EventAccountCreated, 9},
		{ledger.EventTransferCreated, 20}, {ledger.EventTransferCreated, 21}, {ledger.EventTransferCreated, 22},
		{ledger.EventTransferCreated, 23}, {ledger.EventTransferCreated, 24},
		{ledger.EventPendingExpired, 10}, {ledger.EventAccountClosed, 9},
	}
	if len(ch.Events) != len(wantEvents) {
		t.Fatalf("%d events, want %d", len(ch.Events), len(wantEvents))
	}
	last := int64(0)
	for i, e := range ch.Events {
		id := int64(0)
		if e.Account != nil {
			id = e.Account.ID
		} else if e.Transfer != nil {
			id = e.Transfer.ID
		}
		if e.Type != wantEvents[i].typ || id != wantEvents[i].id {
			t.Errorf("event %d = %s %d, want %s %d", i, e.Type, id, wantEvents[i].typ, wantEvents[i].id)
		}
		if e.Timestamp <= last {
			t.Errorf("event %d timestamp %d not after %d", i, e.Timestamp, last)
		}
		last = e.Timestamp
	}
	// The created account's snapshot is taken at creation, the closed one's at closing.
	if e := ch.Events[1]; e.Account.Flags&ledger.Closed != 0 || e.Account.CreditsPosted != 0 {
		t.Errorf("account.created snapshot = %+v", e.Account)
	}
	if e := ch.Events[8]; e.Account.Flags&ledger.Closed == 0 || e.Account.CreditsPosted != 5 {
		t.Errorf("account.closed snapshot = %+v", e.Account)
	}
	if s.Clock() != last {
		t.Errorf("clock %d, want the last event's timestamp %d", s.Clock(), last)
	}
	s.Commit()
	checkBal(t, s, 8, bal{0, 9, 1, 0})
	checkBal(t, s, 3, bal{0, 0, 0, 4})
	checkSound(t, s, []int64{1, 2, 3, 4, 5, 6, 7, 8, 9})
}

// TestTimestamps: every account, transfer and event gets a unique timestamp, strictly
// increasing across batches, even when the batch time steps back.
func TestTimestamps(t *testing.T) {
	s := ledger.NewState()
	var seen []int64
	batch := func(now int64, f func()) {
		s.Begin(now)
		if s.Now() < now {
			t.Errorf("Now() = %d before the batch time %d", s.Now(), now)
		}
		if s.Now() <= s.Clock() {
			t.Errorf("Now() = %d not after the clock %d", s.Now(), s.Clock())
		}
		f()
		for _, e := range s.Changes().Events {
			seen = append(seen, e.Timestamp)
			switch {
			case e.Type == ledger.EventTransferCreated && e.Transfer.Timestamp != e.Timestamp:
				t.Errorf("transfer %d timestamp %d, event %d", e.Transfer.ID, e.Transfer.Timestamp, e.Timestamp)
			case e.Type == ledger.EventAccountCreated && s.Account(e.Account.ID).Timestamp != e.Timestamp:
				t.Errorf("account %d timestamp differs from its event", e.Account.ID)
			}
		}
		s.Commit()
	}
	batch(t0+100*second, func() {
		checkResults(t, s.CreateAccounts(fixtureAccounts()[:3]), results(ledger.OK, ledger.OK, ledger.OK))
	})
	batch(t0, func() { // the clock stepped back 100 s
		checkResults(t, s.CreateTransfers([]ledger.Transfer{tr(10, 1, 2, 5), pend(11, 1, 2, 5, 1)}), results(ledger.OK, ledger.OK))
	})
	batch(t0, func() {
		checkResults(t, s.CreateAccounts(fixtureAccounts()[3:4]), results(ledger.OK))
		if r := s.CloseAccount(4); r != ledger.OK {
			t.Fatalf("close: %s", r)
		}
	})
	// Pending 11 expires 1 s after its timestamp, not after the batch time it was
	// created in.
	expiresAt := t0 + 101*second + 4
	batch(t0+50*second, func() {
		if s.Expire(11) {
			t.Errorf("Expire(11) before its deadline = true")
		}
	})
	batch(expiresAt, func() {
		if !s.Expire(11) {
			t.Errorf("Expire(11) at its deadline = false")
		}
		checkResults(t, s.CreateTransfers([]ledger.Transfer{tr(13, 2, 1, 1)}), results(ledger.OK))
	})
	if len(seen) != 9 {
		t.Fatalf("%d events, want 9", len(seen))
	}
	for i := 1; i < len(seen); i++ {
		if seen[i] <= seen[i-1] {
			t.Errorf("timestamp %d = %d not after %d", i, seen[i], seen[i-1])
		}
	}
	if seen[0] != t0+100*second || seen[3] != t0+100*second+3 || seen[7] != expiresAt || seen[8] != expiresAt+1 {
		t.Errorf("timestamps %v", seen)
	}
	// A pending created while the clock ran ahead expires relative to its timestamp.
	if got, want := s.Pending(11).ExpiresAt, s.Transfer(11).Timestamp+second; got != want {
		t.Errorf("pending 11 expires at %d, want %d", got, want)
	}
	if s.Clock() != seen[8] {
		t.Errorf("Clock() = %d, want %d", s.Clock(), seen[8])
	}
}

// TestTransferChain: each transfer records the previous transfer on its debit and
// credit accounts, and each account its newest transfer, by id. Expiry is not a
// transfer; failed and rolled-back transfers leave no trace.
func TestTransferChain(t *testing.T) {
	s := newFixture(t)
	s.Begin(t0 + second)
	checkResults(t, s.CreateTransfers([]ledger.Transfer{
		tr(10, 1, 2, 5), pend(11, 1, 3, 5, 0), post(12, 11, 0), pend(13, 2, 1, 1, 1), tr(14, 3, 2, 100),
		linked(tr(15, 1, 2, 1)), tr(16, 3, 2, 1000),
	}), results(ledger.OK, ledger.OK, ledger.OK, ledger.OK, ledger.ExceedsCredits, ledger.LinkedEventFailed, ledger.ExceedsCredits))
	s.Commit()
	s.Begin(t0 + 10*second)
	if !s.Expire(13) {
		t.Fatal("Expire(13) = false")
	}
	s.Commit()
	for _, c := range []struct{ id, prevDebit, prevCredit int64 }{
		{10, 0, 0}, {11, 10, 0}, {12, 11, 11}, {13, 10, 12},
	} {
		tt := s.Transfer(c.id)
		if tt.PrevDebit != c.prevDebit || tt.PrevCredit != c.prevCredit {
			t.Errorf("transfer %d prev debit/credit = %d/%d, want %d/%d", c.id, tt.PrevDebit, tt.PrevCredit, c.prevDebit, c.prevCredit)
		}
	}
	for id, want := range map[int64]int64{1: 13, 2: 13, 3: 12, 4: 0} {
		if got := s.Account(id).LastTransfer; got != want {
			t.Errorf("account %d last transfer = %d, want %d", id, got, want)
		}
	}
}

// TestCheckerFindsProblems: the checks above rely on the Checker, so it must report
// every kind of broken invariant, and must not overflow on huge totals.
func TestCheckerFindsProblems(t *testing.T) {
	c := ledger.NewChecker()
	for _, a := range []ledger.Account{
		{ID: 1, Ledger: 1, Currency: "CNY", DebitsPosted: 100},
		{ID: 2, Ledger: 1, Currency: "CNY", CreditsPosted: 80, CreditsPending: 6},
		{ID: 3, Ledger: 1, Currency: "CNY", Flags: dmnec, DebitsPending: 1},
		{ID: 4, Ledger: 1, Currency: "CNY", Flags: cmned, CreditsPosted: 10, DebitsPending: 4},
		{ID: 5, Ledger: 2, Currency: "USD", DebitsPosted: -1, CreditsPosted: -1},
		// Balanced, but each total is twice math.MaxInt64.
		{ID: 6, Ledger: 3, Currency: "CNY", DebitsPosted: math.MaxInt64},
		{ID: 7, Ledger: 3, Currency: "CNY", DebitsPosted: math.MaxInt64},
		{ID: 8, Ledger: 3, Currency: "CNY", CreditsPosted: math.MaxInt64},
		{ID: 9, Ledger: 3, Currency: "CNY", CreditsPosted: math.MaxInt64},
	} {
		c.Add(&a)
	}
	want := []string{
		"account 3: debits 1 exceed credits 0",
		"account 4: credits 10 exceed debits 0",
		"account 5: negative balance field",
		"ledger 1 CNY: pending debits 5 != pending credits 6",
		"ledger 1 CNY: posted debits 100 != posted credits 90",
	}
	if got := c.Problems(); !slices.Equal(got, want) {
		t.Errorf("problems:\n%s\nwant:\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
	if c.Accounts() != 9 {
		t.Errorf("Accounts() = %d, want 9", c.Accounts())
	}
	totals := c.Totals()
	if len(totals) != 3 || totals[0].Ledger != 1 || totals[1].Ledger != 2 || totals[2].Ledger != 3 {
		t.Fatalf("totals = %+v, want ledgers 1, 2, 3", totals)
	}
	if got := totals[2].DebitsPosted.String(); got != "18446744073709551614" {
		t.Errorf("ledger 3 debits posted = %s, want 2×MaxInt64", got)
	}
}

// TestReserve checks that reserved timestamps are consecutive, that nothing handed out
// after them (a tick, another reservation, a later batch) falls among them, and that
// Rollback gives them back.
func TestReserve(t *testing.T) {
	s := ledger.NewState()
	s.Begin(1_000)
	first := s.Reserve(32)
	if first != 1_000 {
		t.Fatalf("first reservation of a batch at time 1000 starts at %d", first)
	}
	if next := s.Tick(); next != first+32 {
		t.Errorf("the tick after a reservation of 32 from %d is %d, want %d", first, next, first+32)
	}
	m := s.Mark()
	again := s.Reserve(4)
	s.Rollback(m)
	if back := s.Reserve(4); back != again {
		t.Errorf("after Rollback a reservation starts at %d, want the one given back, %d", back, again)
	}
	s.Commit()
	clock := s.Clock()
	s.Begin(10) // a clock that stepped back
	if later := s.Reserve(2); later <= clock {
		t.Errorf("a reservation in a later batch starts at %d, not after the clock %d", later, clock)
	}
}
