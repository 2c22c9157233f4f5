package linkfin

import (
	"strconv"
	"time"
)

// Bank money leaves the platform as credit transfer instructions: every payment out
// over the bank rail (a withdrawal) makes one, which waits in its rail's queue until the
// operator gathers the queue into a payment file, the pain.001 document the bank
// executes.
const (
	// KindCreditTransfer is the record kind of credit transfer instructions.
	KindCreditTransfer = "credit_transfer"
	// KindPaymentQueue is the record kind of a rail's queue: where the instructions not
	// yet in a file are, in the order they were made. Its id is the rail's name.
	KindPaymentQueue = "payment_queue"
	// KindPaymentQueueChunk is the record kind of the parts of a rail's queue, of about
	// QueueChunkSize instructions each: an instruction joins the queue by writing the
	// last part, not a list of every instruction waiting.
	KindPaymentQueueChunk = "payment_queue_chunk"
	// KindPaymentFile is the record kind of payment files.
	KindPaymentFile = "payment_file"
	// KindPaymentDebtor is the record kind of the account a rail's payment files pay
	// from, as the operator registered it. Its id is the rail's name.
	KindPaymentDebtor = "payment_debtor"
)

// ENOTHINGTOFILE refuses a payment file when no instruction waits to be filed.
const ENOTHINGTOFILE = "nothing_to_file"

// MaxFileTransfers is the most instructions one payment file holds; what is left waits
// for the next file.
const MaxFileTransfers = 10_000

// CreditTransferStatus is where an instruction is on its way to the bank.
type CreditTransferStatus string

// The states of a credit transfer instruction.
const (
	CreditTransferPending  CreditTransferStatus = "pending"  // waiting for a payment file
	CreditTransferFiled    CreditTransferStatus = "filed"    // in a payment file, sent to the bank
	CreditTransferAccepted CreditTransferStatus = "accepted" // the bank accepted it
	CreditTransferRejected CreditTransferStatus = "rejected" // the bank rejected it
	CreditTransferBooked   CreditTransferStatus = "booked"   // the bank's statement shows it paid out
)

// CreditTransfer is an instruction to the bank to pay Amount out of the platform's
// account to the organization's. Its id is the end-to-end id the file gives the bank,
// which the bank's reports and statements quote back.
type CreditTransfer struct {
	ID            string               `json:"id"`
	Rail          string               `json:"rail"`
	OrgID         string               `json:"org_id"` // paid, out of its wallet
	InstructionID string               `json:"instruction_id"`
	Creditor      string               `json:"creditor"` // the organization's name, as the bank is told
	Currency      Currency             `json:"currency"`
	Amount        int64                `json:"amount"`
	Status        CreditTransferStatus `json:"status"`
	FileID        string               `json:"file_id,omitempty"`
	// Reason is the bank's, when it rejected the instruction: its ISO 20022 reason code
	// and what it added ("AC04 account closed"). The money went back to the wallet.
	Reason string `json:"reason,omitempty"`
	// CreditorAccount is the organization's bank account when the instruction was made
	// (Organization.BankAccount): the account the bank is told to pay. A later change
	// of the organization's account does not move an instruction already made.
	CreditorAccount *BankAccount `json:"creditor_account,omitempty"`
	// CreditorAddress is the organization's postal address when the instruction was
	// made, if it had registered one.
	CreditorAddress *PostalAddress `json:"creditor_address,omitempty"`
	// EntryID is the bank statement's entry that shows it paid, once booked.
	EntryID   string    `json:"entry_id,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Parties implements Partied: the organization paid.
func (c *CreditTransfer) Parties() []string { return []string{c.OrgID} }

// QueueChunkSize is how many instructions a chunk of a rail's queue takes before the
// next is begun. The commands of one batch join the chunk that was last when the batch
// began, so a chunk may hold a few more.
const QueueChunkSize = 64

// PaymentQueue is where a rail's instructions not yet filed are, in the order they
// were made: those in Pending, then those of the chunks (PaymentQueueChunk) from First
// to Last, less the first Filed of chunk First. New instructions join chunk Last. A
// database made before the queue had chunks keeps the instructions waiting then in
// Pending: they are filed first, and none joins them.
type PaymentQueue struct {
	ID      string   `json:"id"` // the rail
	Pending []string `json:"pending"`
	First   int64    `json:"first_chunk"`
	Filed   int      `json:"filed"`
	Last    int64    `json:"last_chunk"`
}

// PaymentQueueChunk is a part of a rail's queue: the ids of instructions, in the order
// they joined it.
type PaymentQueueChunk struct {
	ID  string   `json:"id"` // PaymentQueueChunkID(rail, n)
	IDs []string `json:"ids"`
}

// PaymentQueueChunkID is the id of chunk n of a rail's queue.
func PaymentQueueChunkID(rail string, n int64) string { return rail + "/" + strconv.FormatInt(n, 10) }

// PaymentFileStatus is where a payment file is.
type PaymentFileStatus string

// The states of a payment file.
const (
	PaymentFileCreated  PaymentFileStatus = "created"  // made; the bank has not answered
	PaymentFileReported PaymentFileStatus = "reported" // the bank answered with a status report
)

// PaymentFile is one pain.001 document: the instructions gathered, with what the
// document says of each, so that it is the same document every time it is served.
type PaymentFile struct {
	ID        string                `json:"id"` // also the document's message id
	Rail      string                `json:"rail"`
	Date      Date                  `json:"date"` // the requested execution date
	Debtor    PaymentParty          `json:"debtor"`
	Status    PaymentFileStatus     `json:"status"`
	Count     int                   `json:"count"`
	Transfers []PaymentFileTransfer `json:"transfers"`
	// Reports are the message ids of the bank's status reports that changed something.
	Reports   []string  `json:"reports,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// PaymentFileTransfer is one instruction as its file states it.
type PaymentFileTransfer struct {
	ID       string `json:"id"` // the credit transfer, and its end-to-end id
	OrgID    string `json:"org_id"`
	Creditor string `json:"creditor"`
	// CreditorAccount is the account the instruction pays (CreditTransfer's).
	CreditorAccount *BankAccount         `json:"creditor_account,omitempty"`
	CreditorAddress *PostalAddress       `json:"creditor_address,omitempty"`
	Currency        Currency             `json:"currency"`
	Amount          int64                `json:"amount"`
	Status          CreditTransferStatus `json:"status"`
	Reason          string               `json:"reason,omitempty"`
}

// BankAccount is an account at a bank: its IBAN, or else another account id (a Chinese
// bank account number has no IBAN), and optionally its bank's BIC and CNAPS code.
type BankAccount struct {
	IBAN string `json:"iban,omitempty"`
	// Account identifies an account without an IBAN, in at most 34 characters.
	Account string `json:"account,omitempty"`
	BIC     string `json:"bic,omitempty"`
	// BankCode is the bank's CNAPS code (12 digits, its 联行号 in China's payment
	// system), by which a payment in China names the account's bank.
	BankCode string `json:"bank_code,omitempty"`
}

// MaxPartyName is the most characters of a payment party's name (ISO 20022's Nm).
const MaxPartyName = 140

// MaxAccount is the most characters of an account id without an IBAN (ISO 20022's
// Othr/Id).
const MaxAccount = 34

// ENOBANKACCOUNT refuses a withdrawal over the bank rail by an organization that has
// registered no bank account to be paid into.
const ENOBANKACCOUNT = "no_bank_account"

// PaymentParty is the platform's account that a payment file's transfers are paid from.
type PaymentParty struct {
	Name string `json:"name" chars:"party_name"` // at most MaxPartyName characters
	// BankAccount is the account, its fields beside the name on the wire (iban,
	// account, bic, bank_code), as they were before it was a type of its own.
	BankAccount
	// Address is the account holder's postal address.
	Address *PostalAddress `json:"address,omitempty"`
}

// PaymentDebtor is the platform's own account at its bank that a rail's payment files
// pay from when a request names none.
type PaymentDebtor struct {
	ID string `json:"id"` // the rail's name

	Debtor    PaymentParty `json:"debtor"`
	UpdatedAt time.Time    `json:"updated_at"`
}

// PaymentDebtorIn registers the account the bank rail's payment files pay from.
type PaymentDebtorIn struct {
	Debtor PaymentParty `json:"debtor"`
}

// PaymentFileIn asks for a payment file of the instructions of a rail not yet filed, to
// be executed on Date, paid from Debtor (by default the account the operator
// registered for the rail, else a placeholder that names the platform).
type PaymentFileIn struct {
	Rail   string        `json:"rail"`
	Date   Date          `json:"date"`
	Debtor *PaymentParty `json:"debtor,omitempty"`
}
