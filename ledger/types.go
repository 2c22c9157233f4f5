// Package ledger is linkfin's double-entry ledger: a pure, deterministic state machine
// over accounts and immutable transfers, modelled on TigerBeetle's semantics (pending,
// post, void, timeouts, linked chains, balance-limit flags). It does no I/O and reads no
// clock: the engine prefetches the rows a batch needs into a State, sets the time, and
// persists what the state machine changed.
package ledger

// AccountFlags constrain an account.
type AccountFlags uint16

const (
	// DebitsMustNotExceedCredits forbids a debit balance: money must not be created
	// out of this account (a customer's wallet, a funder's limit).
	DebitsMustNotExceedCredits AccountFlags = 1 << iota
	// CreditsMustNotExceedDebits forbids a credit balance.
	CreditsMustNotExceedDebits
	// Closed accounts take no new transfers.
	Closed
)

// Account holds balances in integer minor units of its currency.
type Account struct {
	ID       int64        `json:"id,string"`
	Ledger   uint32       `json:"ledger"`
	Currency string       `json:"currency"`
	Code     uint16       `json:"code"`
	Flags    AccountFlags `json:"flags"`

	DebitsPending  int64 `json:"debits_pending"`
	DebitsPosted   int64 `json:"debits_posted"`
	CreditsPending int64 `json:"credits_pending"`
	CreditsPosted  int64 `json:"credits_posted"`

	// Timestamp is assigned by the engine at creation: unique, increasing, Unix ns.
	Timestamp int64 `json:"timestamp"`
	// LastTransfer is the id of the newest transfer touching this account; with
	// Transfer.PrevDebit/PrevCredit it chains an account's transfers without an index.
	LastTransfer int64 `json:"-"`
}

// TransferFlags select what a transfer does.
type TransferFlags uint16

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

// Transfer moves Amount from the debit account to the credit account. Transfers are
// immutable once created; corrections are new transfers.
type Transfer struct {
	ID              int64         `json:"id,string"`
	DebitAccountID  int64         `json:"debit_account_id,string"`
	CreditAccountID int64         `json:"credit_account_id,string"`
	Amount          int64         `json:"amount"`
	PendingID       int64         `json:"pending_id,string,omitempty"`
	Ledger          uint32        `json:"ledger"`
	Currency        string        `json:"currency"`
	Code            uint16        `json:"code"`
	Flags           TransferFlags `json:"flags"`
	// Timeout in seconds for a pending transfer; 0 means it never expires.
	Timeout uint32 `json:"timeout,omitempty"`

	Timestamp int64 `json:"timestamp"`
	// PrevDebit and PrevCredit are the ids of the previous transfers on the debit
	// and credit accounts (0 when none).
	PrevDebit  int64 `json:"-"`
	PrevCredit int64 `json:"-"`
}

// PendingStatus is the state of a pending (two-phase) transfer.
type PendingStatus uint8

const (
	StatusPending PendingStatus = iota + 1
	StatusPosted
	StatusVoided
	StatusExpired
)

func (s PendingStatus) String() string {
	switch s {
	case StatusPending:
		return "pending"
	case StatusPosted:
		return "posted"
	case StatusVoided:
		return "voided"
	case StatusExpired:
		return "expired"
	}
	return "unknown"
}

// PendingState tracks a pending transfer until it is resolved.
type PendingState struct {
	ID        int64 // the pending transfer's id
	ExpiresAt int64 // Unix ns; 0 = never
	Status    PendingStatus
}

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
)
