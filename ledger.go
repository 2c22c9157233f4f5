package linkfin

import "hash/fnv"

// LedgerID derives a ledger id (1 to 2^63−1) from a name, such as "wallet/tier1/CNY",
// so that domain records name their accounts and transfers without a counter. A
// collision shows as exists_with_different_fields and fails the command.
func LedgerID(name string) int64 {
	h := fnv.New64a()
	h.Write([]byte(name))
	id := int64(h.Sum64() &^ (1 << 63))
	if id == 0 {
		id = 1
	}
	return id
}

// WalletID is the ledger account of an organization's money in a currency.
func WalletID(org string, c Currency) int64 {
	return LedgerID("wallet/" + org + "/" + string(c))
}

// The ledger's records. The state machine that moves money between them is the ledger
// package, which names them Account, Transfer and PendingState and holds the flags'
// values; they are declared here because the stores' contract (Store, Batch) reads
// and writes them.

// AccountFlags constrain an account.
type AccountFlags uint16

// LedgerAccount is an account of the double-entry ledger (linkfin/ledger, which calls
// it Account): balances in integer minor units of its currency.
type LedgerAccount struct {
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
	// LedgerTransfer.PrevDebit/PrevCredit it chains an account's transfers without an
	// index.
	LastTransfer int64 `json:"-"`
}

// TransferFlags select what a transfer does.
type TransferFlags uint16

// LedgerTransfer moves Amount from the debit account to the credit account (the ledger
// calls it Transfer). Transfers are immutable once created; corrections are new
// transfers.
type LedgerTransfer struct {
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

// The states of a pending transfer.
const (
	PendingOpen PendingStatus = iota + 1 // reserved, not yet resolved
	PendingPosted
	PendingVoided
	PendingExpired
)

func (s PendingStatus) String() string {
	switch s {
	case PendingOpen:
		return "pending"
	case PendingPosted:
		return "posted"
	case PendingVoided:
		return "voided"
	case PendingExpired:
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
