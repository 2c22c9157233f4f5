package linkfin

import "time"

// Bank money comes back to the platform as the bank's statements: camt.053 documents of
// what the bank booked on the platform's account. Each entry is booked against what it
// settles: a debit against the credit transfer instructions the platform sent (money
// out, already taken from a wallet when the instruction was made), a credit against a
// payment an organization said it would make into its wallet (an expected payment),
// whose money the entry then moves into the wallet. What nothing matches waits for a
// person to assign it.
const (
	// KindBankStatement is the record kind of imported statements.
	KindBankStatement = "bank_statement"
	// KindBankStatementKey names a statement by the bank's account and statement id,
	// so that the same statement imported twice is found: its id is a hash of both.
	KindBankStatementKey = "bank_statement_key"
	// KindBankEntry is the record kind of a statement's entries. An entry's id derives
	// from its statement's account and bank id and its position, so a statement's
	// entries list together.
	KindBankEntry = "bank_entry"
	// KindExpectedPayment is the record kind of the payments organizations announce
	// into their wallets by bank.
	KindExpectedPayment = "expected_payment"
	// KindOpenItems is the record kind of a rail's open items (what a statement's
	// entries may settle) of one kind, currency, date and amount: an entry names the
	// few its amount and value date could match, and an item joins and leaves its own,
	// so no record lists every open item of the rail.
	KindOpenItems = "open_items"
	// KindReconciliation is the record kind in which databases made before open items
	// were kept by amount and date (KindOpenItems) list all of a rail's, under the
	// rail's name: those items are matched and leave it as before, and no new item
	// joins it.
	KindReconciliation = "reconciliation"
	// KindBankDebitReference is the record kind of the registry of the bank references
	// of the debit entries booked: one record per rail, account and reference, naming
	// the entry. A booked credit has its ledger transfer, whose id derives from the same
	// three, to say so; a debit moves no money when it is booked (its instruction's left
	// the wallet when it was made), so this record says it, and the same entry given
	// again by a later statement is a duplicate there.
	KindBankDebitReference = "bank_debit_reference"
)

// BankDebitReference is a record of the registry of booked debits' bank references.
type BankDebitReference struct {
	ID      string `json:"id"`
	EntryID string `json:"entry_id"` // the entry booked under the reference
}

// The refusals of bank statements and of the assignment of their entries.
const (
	// ESTATEMENTCONFLICT refuses a statement whose bank account and id were imported
	// before with other content.
	ESTATEMENTCONFLICT = "statement_conflict"
	// EENTRYBOOKED refuses to assign an entry that was booked already: matched,
	// assigned, or its bank reference booked by an earlier statement.
	EENTRYBOOKED = "entry_booked"
	// EENTRYMISMATCH refuses to assign an entry to what it cannot settle: a debit to
	// an expected payment or an organization, a credit to an instruction, another
	// amount, or an entry the bank has not booked.
	EENTRYMISMATCH = "entry_mismatch"
	// ENOTOPEN refuses to assign an entry to an instruction or expected payment that
	// is not waiting for its money: settled by another entry, rejected, or not yet
	// sent to the bank.
	ENOTOPEN = "not_open"
)

// MatchWindowDays is how many calendar days an entry's value date may lie from the
// date of what it settles for the two to match by amount and date alone.
const MatchWindowDays = 3

// MaxStatementEntries is the most entries one statement may hold, and one message of
// statements in all: its import is one command, which the engine's single writer runs
// alone (about 14 s for the most, on a small machine), so a larger one comes in parts.
const MaxStatementEntries = 99_999

func init() {
	RegisterKind(KindBankStatement, func() any { return new(BankStatement) })
	RegisterKind(KindBankStatementKey, func() any { return new(BankStatementKey) })
	RegisterKind(KindBankEntry, func() any { return new(BankEntry) })
	RegisterKind(KindExpectedPayment, func() any { return new(ExpectedPayment) })
	RegisterKind(KindOpenItems, func() any { return new(Reconciliation) })
	RegisterKind(KindReconciliation, func() any { return new(Reconciliation) })
	RegisterKind(KindBankDebitReference, func() any { return new(BankDebitReference) })
	IDPrefix[KindBankStatement] = "bs"
	IDPrefix[KindExpectedPayment] = "ep"
}

// BankStatement is one statement of one bank account, as imported.
type BankStatement struct {
	ID          string `json:"id"`
	Rail        string `json:"rail"`
	Version     string `json:"version"` // the message's, such as "camt.053.001.08"
	MessageID   string `json:"message_id"`
	StatementID string `json:"statement_id"` // the bank's
	// ElectronicSequence is the statement's number in the account's series, if given.
	ElectronicSequence string   `json:"electronic_sequence,omitempty"`
	Account            string   `json:"account"` // its IBAN, or the bank's other identification
	Currency           Currency `json:"currency,omitempty"`
	From               string   `json:"from,omitempty"` // the period, as the bank wrote it
	To                 string   `json:"to,omitempty"`
	// OpeningBalance and ClosingBalance are the booked balances (OPBD, else PRCD: the
	// closing booked balance of the period before; CLBD) with their sign, in minor units
	// of Currency, when the statement gives them.
	OpeningBalance *int64 `json:"opening_balance,omitempty"`
	ClosingBalance *int64 `json:"closing_balance,omitempty"`
	Entries        int    `json:"entries"`
	Matched        int    `json:"matched"`    // booked by matching
	Assigned       int    `json:"assigned"`   // booked by a person
	Unmatched      int    `json:"unmatched"`  // waiting for a person
	NotBooked      int    `json:"not_booked"` // pending or information entries: nothing to book
	Duplicates     int    `json:"duplicates"` // entries an earlier statement booked
	// EntryIDPrefix is what the ids of its entries start with: the prefix and the
	// entry's position, "00001" for the first.
	EntryIDPrefix string `json:"entry_id_prefix"`
	// Digest is the SHA-256 of what linkfin read of the statement: the same statement
	// sent again has the same digest.
	Digest    string    `json:"digest"`
	CreatedAt time.Time `json:"created_at"`
}

// BankStatementKey names the imported statement of an account and bank statement id,
// and keeps it as it was imported: what importing it again answers.
type BankStatementKey struct {
	ID          string        `json:"id"`
	StatementID string        `json:"statement_id"` // the record's
	Digest      string        `json:"digest"`
	Imported    BankStatement `json:"imported"`
}

// BankEntryStatus is where a statement's entry stands.
type BankEntryStatus string

// The states of a statement's entry.
const (
	BankEntryMatched   BankEntryStatus = "matched"    // booked against what it settles, at import
	BankEntryAssigned  BankEntryStatus = "assigned"   // booked by a person
	BankEntryUnmatched BankEntryStatus = "unmatched"  // waiting for a person to assign it
	BankEntryNotBooked BankEntryStatus = "not_booked" // pending or for information: the bank booked nothing
	BankEntryDuplicate BankEntryStatus = "duplicate"  // an earlier statement's entry of the same bank reference was booked
)

// How an entry was matched.
const (
	MatchEndToEnd   = "end_to_end_id" // the end-to-end id is the instruction's or expected payment's
	MatchReference  = "reference"     // a reference it quotes names it (or its payment file)
	MatchAmountDate = "amount_date"   // the one open item of its amount, near its date
	MatchAssigned   = "assigned"      // a person assigned it
)

// BankEntry is one entry of an imported statement.
type BankEntry struct {
	ID          string          `json:"id"`
	StatementID string          `json:"statement_id"`
	Position    int             `json:"position"` // 1 for the statement's first entry
	Account     string          `json:"account"`
	CreditDebit string          `json:"credit_debit"` // CRDT: into the account; DBIT: out of it
	Amount      int64           `json:"amount"`
	Currency    Currency        `json:"currency"`
	Reversal    bool            `json:"reversal,omitempty"`
	BookingDate Date            `json:"booking_date,omitzero"`
	ValueDate   Date            `json:"value_date,omitzero"`
	Status      BankEntryStatus `json:"status"`
	// AccountServicerReference is the bank's own reference of the entry.
	AccountServicerReference string   `json:"account_servicer_reference,omitempty"`
	EndToEndIDs              []string `json:"end_to_end_ids,omitempty"` // of its transactions
	RemittanceInformation    string   `json:"remittance_information,omitempty"`
	Counterparty             string   `json:"counterparty,omitempty"` // the payer of a credit, the payee of a debit
	BankTransactionCode      string   `json:"bank_transaction_code,omitempty"`
	// Match says how the entry was booked; Note why it was not.
	Match string `json:"match,omitempty"`
	Note  string `json:"note,omitempty"`
	// What the entry settles: the instructions a debit paid out, or the expected
	// payment a credit brought in; OrgID is the organization whose wallet a credit
	// entered, or whose instruction a debit paid.
	CreditTransferIDs []string `json:"credit_transfer_ids,omitempty"`
	ExpectedPaymentID string   `json:"expected_payment_id,omitempty"`
	OrgID             string   `json:"org_id,omitempty"`
	// Booking is the ledger transfer that moves a credit entry's money into a wallet,
	// once: its id comes from the bank's reference of the entry.
	Booking   ID         `json:"booking_transfer_id,omitzero"`
	CreatedAt time.Time  `json:"created_at"`
	BookedAt  *time.Time `json:"booked_at,omitempty"`
}

// ExpectedPaymentStatus is where an expected payment stands.
type ExpectedPaymentStatus string

// The states of an expected payment.
const (
	ExpectedPaymentExpected  ExpectedPaymentStatus = "expected"  // the money has not come
	ExpectedPaymentReceived  ExpectedPaymentStatus = "received"  // a statement's entry brought it into the wallet
	ExpectedPaymentCancelled ExpectedPaymentStatus = "cancelled" // its organization withdrew it before the money came
)

// ExpectedPayment is money an organization says it will pay into its wallet by bank:
// the payer quotes its id (as the end-to-end id, or in the remittance information), and
// the statement's entry that brings it credits the wallet.
type ExpectedPayment struct {
	ID          string                `json:"id"` // also the reference the payer quotes
	OrgID       string                `json:"org_id"`
	Currency    Currency              `json:"currency"`
	Amount      int64                 `json:"amount"`
	Date        Date                  `json:"date"` // when the bank should book it
	Status      ExpectedPaymentStatus `json:"status"`
	EntryID     string                `json:"entry_id,omitempty"`
	CreatedAt   time.Time             `json:"created_at"`
	ReceivedAt  *time.Time            `json:"received_at,omitempty"`
	CancelledAt *time.Time            `json:"cancelled_at,omitempty"`
}

// Parties implements Partied: the organization whose wallet it funds.
func (e *ExpectedPayment) Parties() []string { return []string{e.OrgID} }

// Reconciliation lists open items of a rail: the instructions in payment files that
// no statement has shown paid, and the expected payments not yet received. A record of
// KindOpenItems lists those of one kind, currency, date and amount; one of
// KindReconciliation, in a database made before those, what was open then.
type Reconciliation struct {
	ID   string     `json:"id"` // the rail; or the rail, kind, currency, date and amount
	Open []OpenItem `json:"open"`
}

// OpenItem is what a statement's entry may settle.
type OpenItem struct {
	Kind     string   `json:"kind"` // credit_transfer (settled by a debit) or expected_payment (by a credit)
	ID       string   `json:"id"`
	OrgID    string   `json:"org_id"`
	FileID   string   `json:"file_id,omitempty"` // an instruction's payment file
	Currency Currency `json:"currency"`
	Amount   int64    `json:"amount"`
	Date     Date     `json:"date"` // the file's execution date; the payment's expected date
}

// ExpectedPaymentIn announces a payment into the caller's wallet by bank.
type ExpectedPaymentIn struct {
	Currency Currency `json:"currency"`
	Amount   int64    `json:"amount" bound:"amount"`
	Date     Date     `json:"date"`
}

// BankEntryAssignIn books an unmatched entry: a debit against a credit transfer
// instruction (kind credit_transfer); a credit against an expected payment (kind
// expected_payment), or into an organization's wallet (kind organization). ID is the
// record's.
type BankEntryAssignIn struct {
	Kind AssignKind `json:"kind"`
	ID   string     `json:"id"`
}

// AssignKind is the kind of record an entry is assigned to.
type AssignKind string

// What an entry may be assigned to: the kinds of the records.
const (
	AssignCreditTransfer  AssignKind = KindCreditTransfer
	AssignExpectedPayment AssignKind = KindExpectedPayment
	AssignOrganization    AssignKind = KindOrganization
)

// BankStatementImport is what importing a camt.053 message did: its statements, each
// as it was imported (now or before: entries assigned since are not counted). Replayed
// says every one of them was imported before, and nothing changed.
type BankStatementImport struct {
	MessageID  string          `json:"message_id"`
	Version    string          `json:"version"`
	Statements []BankStatement `json:"statements"`
	Replayed   bool            `json:"replayed"`
}
