// Package ledger is linkfin's double-entry ledger: a pure, deterministic state machine
// over accounts and immutable transfers, modelled on TigerBeetle's semantics (pending,
// post, void, timeouts, linked chains, balance-limit flags). It does no I/O and reads no
// clock: the engine prefetches the rows a batch needs into a State, sets the time, and
// persists what the state machine changed.
package ledger

import "linkfin"

// The ledger's records are declared in the root package, which the stores' contract
// shares; the state machine here gives them their meaning.
type (
	// AccountFlags constrain an account.
	AccountFlags = linkfin.AccountFlags
	// Account holds balances in integer minor units of its currency.
	Account = linkfin.LedgerAccount
	// TransferFlags select what a transfer does.
	TransferFlags = linkfin.TransferFlags
	// Transfer moves Amount from the debit account to the credit account. Transfers
	// are immutable once created; corrections are new transfers.
	Transfer = linkfin.LedgerTransfer
	// PendingStatus is the state of a pending (two-phase) transfer.
	PendingStatus = linkfin.PendingStatus
	// PendingState tracks a pending transfer until it is resolved.
	PendingState = linkfin.PendingState
)

const (
	// DebitsMustNotExceedCredits forbids a debit balance: money must not be created
	// out of this account (a customer's wallet, a funder's limit).
	DebitsMustNotExceedCredits AccountFlags = 1 << iota
	// CreditsMustNotExceedDebits forbids a credit balance.
	CreditsMustNotExceedDebits
	// Closed accounts take no new transfers.
	Closed
)

const (
	// Linked ties this transfer to the next one in the same request: the chain
	// succeeds or fails as a whole.
	Linked TransferFlags = 1 << iota
	// Pending reserves the amount (two-phase transfer) until posted, voided or expired.
	Pending
	// PostPending posts (all or part of) the pending transfer PendingID.
	PostPending
	// VoidPending releases the pending transfer PendingID.
	VoidPending

	transferFlagsKnown = Linked | Pending | PostPending | VoidPending
)

// The states of a pending transfer.
const (
	StatusPending = linkfin.PendingOpen
	StatusPosted  = linkfin.PendingPosted
	StatusVoided  = linkfin.PendingVoided
	StatusExpired = linkfin.PendingExpired
)

// Result is the outcome of one account or transfer in a request: "ok" or a stable
// rejection code.
type Result string

const (
	OK                        Result = "ok"
	LinkedEventFailed         Result = "linked_event_failed"
	LinkedEventChainOpen      Result = "linked_event_chain_open"
	IDMustBePositive          Result = "id_must_be_positive"
	FlagsInvalid              Result = "flags_invalid"
	FlagsMutuallyExclusive    Result = "flags_are_mutually_exclusive"
	LedgerMustNotBeZero       Result = "ledger_must_not_be_zero"
	CurrencyInvalid           Result = "currency_invalid"
	Exists                    Result = "exists"
	ExistsWithDifferentFields Result = "exists_with_different_fields"
	BalancesMustBeZero        Result = "balances_must_be_zero"

	AccountNotFound      Result = "account_not_found"
	AccountAlreadyClosed Result = "account_already_closed"
	AccountHasPending    Result = "account_has_pending_balance"

	AccountsMustBeDifferent             Result = "accounts_must_be_different"
	DebitAccountIDMustBePositive        Result = "debit_account_id_must_be_positive"
	CreditAccountIDMustBePositive       Result = "credit_account_id_must_be_positive"
	DebitAccountNotFound                Result = "debit_account_not_found"
	CreditAccountNotFound               Result = "credit_account_not_found"
	DebitAccountClosed                  Result = "debit_account_closed"
	CreditAccountClosed                 Result = "credit_account_closed"
	LedgerMismatch                      Result = "ledger_mismatch"
	CurrencyMismatch                    Result = "currency_mismatch"
	AmountMustBePositive                Result = "amount_must_be_positive"
	PendingIDMustBeZero                 Result = "pending_id_must_be_zero"
	PendingIDMustBePositive             Result = "pending_id_must_be_positive"
	PendingIDMustBeDifferent            Result = "pending_id_must_be_different"
	TimeoutReservedForPending           Result = "timeout_reserved_for_pending_transfer"
	PendingTransferNotFound             Result = "pending_transfer_not_found"
	PendingTransferNotPending           Result = "pending_transfer_not_pending"
	PendingTransferAlreadyPosted        Result = "pending_transfer_already_posted"
	PendingTransferAlreadyVoided        Result = "pending_transfer_already_voided"
	PendingTransferExpired              Result = "pending_transfer_expired"
	PendingTransferHasDifferentAccounts Result = "pending_transfer_has_different_accounts"
	PendingTransferHasDifferentLedger   Result = "pending_transfer_has_different_ledger"
	PendingTransferHasDifferentCode     Result = "pending_transfer_has_different_code"
	PendingTransferHasDifferentAmount   Result = "pending_transfer_has_different_amount"
	ExceedsPendingTransferAmount        Result = "exceeds_pending_transfer_amount"
	ExceedsCredits                      Result = "exceeds_credits"
	ExceedsDebits                       Result = "exceeds_debits"
	OverflowsDebitsPending              Result = "overflows_debits_pending"
	OverflowsCreditsPending             Result = "overflows_credits_pending"
	OverflowsDebitsPosted               Result = "overflows_debits_posted"
	OverflowsCreditsPosted              Result = "overflows_credits_posted"
	OverflowsDebits                     Result = "overflows_debits"
	OverflowsCredits                    Result = "overflows_credits"
	OverflowsTimeout                    Result = "overflows_timeout"

	// LedgerReserved refuses, for a caller kept off some ledgers (a Fence), an
	// account on one of them, its closing, or a transfer that touches one: its own
	// ledger, either account's, or the ledger of the pending transfer it posts or
	// voids.
	LedgerReserved Result = "ledger_reserved"
)

// Fence reports the ledgers a caller may not touch: it neither creates nor closes an
// account on one, nor moves money on one (the *Fenced operations refuse it,
// LedgerReserved). A nil Fence keeps a caller off no ledger.
type Fence func(ledger uint32) bool

// has reports whether the fence keeps a caller off the ledger.
func (f Fence) has(ledger uint32) bool { return f != nil && f(ledger) }
