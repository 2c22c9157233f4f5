package linkfin

import "time"

func init() {
	RegisterKind(KindConditionalPayment, func() any { return new(ConditionalPayment) })
	RegisterKind(KindConditionWatch, func() any { return new(ConditionWatch) })
	RegisterKind(KindBoundWallet, func() any { return new(BoundWallet) })
	IDPrefix[KindConditionalPayment] = "cp"
	IDPrefix[KindBoundWallet] = "pb"
}

// Record kinds of conditional payments and purpose-bound funds.
const (
	// KindConditionalPayment is the record kind of conditional payments.
	KindConditionalPayment = "conditional_payment"
	// KindConditionWatch lists the conditional payments that wait on one trade record
	// (a purchase order, a shipment, an invoice), so that the command that changes it
	// releases what its change makes due, in the same batch. Its id is
	// ConditionWatchID.
	KindConditionWatch = "condition_watch"
	// KindBoundWallet is the record kind of purpose-bound wallets.
	KindBoundWallet = "purpose_bound_wallet"
)

// The refusals of conditional payments and purpose-bound funds.
const (
	// EPURPOSEBOUND refuses a payment of purpose-bound money to an organization its
	// wallet does not list.
	EPURPOSEBOUND = "purpose_bound_payee"
	// ECONDITIONCLOSED refuses a change to a conditional payment that is released,
	// refunded or cancelled already.
	ECONDITIONCLOSED = "conditional_payment_closed"
	// EINSUFFICIENTFUNDS refuses a lock, or a purpose-bound payment, larger than what
	// its source holds.
	EINSUFFICIENTFUNDS = "insufficient_funds"
)

// DisbursementMode is how a financing of an order pays out.
type DisbursementMode string

// The ways a financing of an order pays out, besides directly.
const (
	// DisburseOnReceipt: a PO financing's advance is locked in a conditional payment
	// from the funder to the seller, released pro rata as the order's goods are
	// accepted.
	DisburseOnReceipt DisbursementMode = "on_receipt"
	// DisbursePurposeBound: a distributor loan is paid into a purpose-bound wallet of
	// the distributor's that pays the anchor alone.
	DisbursePurposeBound DisbursementMode = "purpose_bound"
)

// ConditionType is what a conditional payment waits for.
type ConditionType string

// The conditions a conditional payment may wait for.
const (
	// ConditionGoodsReceived: goods received and accepted against a purchase order,
	// released in full once the whole order is accepted, or pro rata to the value
	// accepted (Release "pro_rata"): a partial release with each receipt.
	ConditionGoodsReceived ConditionType = "goods_received"
	// ConditionDelivered: the carrier reports the shipment delivered.
	ConditionDelivered ConditionType = "delivered"
	// ConditionInvoiceApproved: the buyer approves the invoice into a payable.
	ConditionInvoiceApproved ConditionType = "invoice_approved"
	// ConditionMilestone: the named party confirms the milestone.
	ConditionMilestone ConditionType = "milestone"
	// ConditionDate: the date comes (UTC); the scheduler releases it.
	ConditionDate ConditionType = "date"
)

// ReleaseMode is how a goods-received condition releases: in full, or pro rata.
type ReleaseMode string

// The release modes of a goods-received condition.
const (
	ReleaseFull    ReleaseMode = "full"
	ReleaseProRata ReleaseMode = "pro_rata"
)

// ConditionalStatus is where a conditional payment stands.
type ConditionalStatus string

// The states of a conditional payment. A locked payment may have released part of its
// amount already (Released); a refunded one may have too, before its expiry or
// cancellation returned the rest. A payment whose condition can no longer be met (the
// purchase order it names, or the order of the shipment or invoice it names,
// cancelled; the invoice it waits on disputed) is cancelled by the command that makes
// it so.
const (
	ConditionalLocked    ConditionalStatus = "locked"    // the rest is held for the payee
	ConditionalReleased  ConditionalStatus = "released"  // all of it paid to the payee
	ConditionalExpired   ConditionalStatus = "expired"   // the rest refunded to the source at expiry
	ConditionalCancelled ConditionalStatus = "cancelled" // the rest refunded, both sides agreeing, or the condition can no longer be met
)

// MoveType is one kind of movement of a conditional payment's money.
type MoveType string

// The movements of a conditional payment's money.
const (
	MoveLock           MoveType = "lock"
	MoveRelease        MoveType = "release"
	MovePartialRelease MoveType = "partial_release"
	MoveRefund         MoveType = "refund"
)

// Condition is what a conditional payment waits for: its type and what the type
// names.
type Condition struct {
	Type ConditionType `json:"type"`
	// POID, for goods_received: the order whose goods are received; Release is full
	// (the default) or pro_rata.
	POID    string      `json:"po_id,omitempty"`
	Release ReleaseMode `json:"release,omitempty"`
	// ShipmentID, for delivered.
	ShipmentID string `json:"shipment_id,omitempty"`
	// InvoiceID, for invoice_approved.
	InvoiceID string `json:"invoice_id,omitempty"`
	// Milestone, for milestone: what is to be done, and the organization that
	// confirms it is (a party to the payment, which sees it).
	Milestone   string     `json:"milestone,omitempty"`
	ConfirmerID string     `json:"confirmer_id,omitempty"`
	ConfirmedAt *time.Time `json:"confirmed_at,omitempty"`
	// Date, for date: the day (UTC) it releases.
	Date *Date `json:"date,omitempty"`
}

// Subject names the trade record the condition waits on: its kind and id ("" for a
// milestone or a date, which no trade record meets).
func (c *Condition) Subject() (kind, id string) {
	switch c.Type {
	case ConditionGoodsReceived:
		return KindPurchaseOrder, c.POID
	case ConditionDelivered:
		return KindShipment, c.ShipmentID
	case ConditionInvoiceApproved:
		return KindInvoice, c.InvoiceID
	}
	return "", ""
}

// ConditionWatchID is the id of the watch of a trade record.
func ConditionWatchID(kind, id string) string { return kind + "~" + id }

// ConditionWatch lists the open conditional payments that wait on a trade record.
type ConditionWatch struct {
	ID       string   `json:"id"`
	Payments []string `json:"payments"`
	// Related, on a purchase order's watch, lists the payments that wait on a
	// shipment or an invoice of the order: cancelling the order refunds them, with
	// those that wait on its goods. A payment closed otherwise may stay listed until
	// then.
	Related []string `json:"related,omitempty"`
}

// ConditionalMove is one movement of a conditional payment's money, with its reason.
type ConditionalMove struct {
	Type       MoveType  `json:"type"`
	Amount     int64     `json:"amount"`
	Reason     string    `json:"reason"`
	TransferID StringInt `json:"transfer_id,omitzero"` // not shown to a party that cannot read it
	// ECNYPaymentID, on the e-CNY rail, is the e-CNY payment a release made.
	ECNYPaymentID string    `json:"ecny_payment_id,omitempty"`
	At            time.Time `json:"at"`
}

// ConditionalECNY is what a conditional payment on the e-CNY rail keeps of its lock:
// the ledger accounts of the payer's designated wallet it is held in (not the wallet,
// which the payee does not learn), and the day, China time, it was locked: the day
// (and year) whose totals of the payer's wallet count it, whenever it is released.
type ConditionalECNY struct {
	PayerAccounts ECNYWalletLedger `json:"payer_accounts,omitzero"` // the payer's alone to see
	Day           Date             `json:"day"`
}

// ReleaseWait is what a condition made due that could not be released yet, and why:
// on the e-CNY rail, the payee's designated wallet had no room for it under its
// balance limit (Code wallet_balance_limit). Reason says what made it due and that the
// payee's wallet cannot be paid the amount now, but none of that wallet's figures: the
// payer and a milestone's confirmer read the payment and its history, and the wallet
// is the payee's alone to see. The money stays locked; it is released when the wallet
// has room, by the next event on the trade record or the scheduler, which tries each
// day.
type ReleaseWait struct {
	Amount int64     `json:"amount"`
	Code   string    `json:"code"`
	Reason string    `json:"reason"`
	Since  time.Time `json:"since"`
}

// ConditionalPayment is money the payer locked for the payee under a condition: a
// pending ledger transfer from its source (the payer's wallet, or a purpose-bound
// wallet of the payer's) to the payee's wallet, posted as the condition is met (in
// part, for a pro-rata release: what is left is locked again in the same chain), and
// voided — the money back at its source — at expiry, when both sides cancel, or when
// the trade it waits on can no longer meet the condition.
type ConditionalPayment struct {
	ID        string   `json:"id"`
	PayerID   string   `json:"payer_id"`
	PayeeID   string   `json:"payee_id"`
	Currency  Currency `json:"currency"`
	Amount    int64    `json:"amount"`
	Released  int64    `json:"released"`
	Refunded  int64    `json:"refunded"`
	Reference string   `json:"reference,omitempty"`
	// SourceWalletID is the purpose-bound wallet the money came from, if not the
	// payer's own wallet: a refund returns it there.
	SourceWalletID string `json:"source_wallet_id,omitempty"`
	FinancingID    string `json:"financing_id,omitempty"` // the financing that paid it in, if any
	// Rail is where the money is held and paid: the platform's wallets (""), or the
	// payer's and the payee's designated e-CNY wallets (RailECNY), whose lock ECNY
	// describes.
	Rail      PaymentRail       `json:"rail,omitempty"`
	ECNY      *ConditionalECNY  `json:"ecny,omitempty"`
	Condition Condition         `json:"condition"`
	ExpiresOn *Date             `json:"expires_on,omitempty"` // UTC: at its start, the rest is refunded
	Status    ConditionalStatus `json:"status"`
	// Lock is the pending transfer that holds what remains; on the e-CNY rail, the
	// first of four consecutive ones (the money, and the payer's daily, yearly and
	// balance headroom). Not shown to a party that cannot read it (services.Seen).
	Lock StringInt `json:"lock,omitzero"`
	// Waiting, on the e-CNY rail, is a release that waits for room in the payee's
	// wallet.
	Waiting *ReleaseWait `json:"waiting,omitempty"`
	// CancelRequestedBy is the side that asked to cancel; the other side's asking
	// too cancels it.
	CancelRequestedBy string            `json:"cancel_requested_by,omitempty"`
	Moves             []ConditionalMove `json:"moves"`
	CreatedAt         time.Time         `json:"created_at"`
}

// Remaining is what is still locked.
func (p ConditionalPayment) Remaining() int64 { return p.Amount - p.Released - p.Refunded }

// Parties implements Partied: the payer, the payee, and a milestone's confirmer.
func (p *ConditionalPayment) Parties() []string {
	return parties(p.PayerID, p.PayeeID, p.Condition.ConfirmerID)
}

// ConditionalPaymentIn locks money for a payee under a condition.
type ConditionalPaymentIn struct {
	PayeeID  string   `json:"payee_id"`
	Currency Currency `json:"currency"`
	Amount   int64    `json:"amount" bound:"amount"`
	// SourceWalletID names a purpose-bound wallet of the caller's to pay from; by
	// default the caller's own wallet in the currency.
	SourceWalletID string `json:"source_wallet_id,omitempty"`
	// Rail "ecny" locks the money in the caller's designated e-CNY wallet and releases
	// it into the payee's (yuan only); by default the platform's wallets.
	Rail      PaymentRail `json:"rail,omitempty"`
	Reference string      `json:"reference,omitempty"`
	Condition ConditionIn `json:"condition"`
	ExpiresOn *Date       `json:"expires_on,omitempty"`
}

// ConditionIn is the condition a new conditional payment waits for (see Condition).
type ConditionIn struct {
	Type        ConditionType `json:"type"`
	POID        string        `json:"po_id,omitempty"`
	Release     ReleaseMode   `json:"release,omitempty"`
	ShipmentID  string        `json:"shipment_id,omitempty"`
	InvoiceID   string        `json:"invoice_id,omitempty"`
	Milestone   string        `json:"milestone,omitempty"`
	ConfirmerID string        `json:"confirmer_id,omitempty"`
	Date        *Date         `json:"date,omitempty"`
}

// Condition is the condition the input names, not yet met.
func (c ConditionIn) Condition() Condition {
	return Condition{Type: c.Type, POID: c.POID, Release: c.Release, ShipmentID: c.ShipmentID, InvoiceID: c.InvoiceID,
		Milestone: c.Milestone, ConfirmerID: c.ConfirmerID, Date: c.Date}
}

// BoundWallet holds purpose-bound funds: money its holder may pay only to the
// organizations it lists, and never withdraw (a dealer's loan that can only buy the
// anchor's goods). Its grantor, who set the purpose, funds it; the holder pays from it
// directly or into a conditional payment to a listed payee.
type BoundWallet struct {
	ID        string    `json:"id"`
	HolderID  string    `json:"holder_id"`
	GrantorID string    `json:"grantor_id"`
	Currency  Currency  `json:"currency"`
	PayeeIDs  []string  `json:"payee_ids"`
	Purpose   string    `json:"purpose,omitempty"`
	Ledger    StringInt `json:"ledger_account,omitzero"` // its holder's alone to see
	// Funded and Paid are what its grantor paid in and its holder paid out directly,
	// in all (conditional payments from it are records of their own).
	Funded int64 `json:"funded"`
	Paid   int64 `json:"paid"`
	// Returned is what went back to its grantor: of a distributor loan paid into it,
	// what the distributor had not spent when the loan was closed.
	Returned  int64     `json:"returned,omitempty"`
	CreatedAt time.Time `json:"created_at"`
}

// Parties implements Partied: the holder and the grantor.
func (w *BoundWallet) Parties() []string { return parties(w.HolderID, w.GrantorID) }

// BoundWalletOut is a purpose-bound wallet with what it holds.
type BoundWalletOut struct {
	BoundWallet
	Balance int64 `json:"balance"`
}

// MaxBoundPayees is the most payees a purpose-bound wallet lists.
const MaxBoundPayees = 20

// BoundWalletIn opens a purpose-bound wallet with the amount its grantor, the caller,
// pays in from its own wallet.
type BoundWalletIn struct {
	HolderID string   `json:"holder_id"`
	Currency Currency `json:"currency"`
	PayeeIDs []string `json:"payee_ids" items:"payees" unique:"true"` // 1 to MaxBoundPayees
	Purpose  string   `json:"purpose,omitempty"`
	Amount   int64    `json:"amount" bound:"amount"`
}

// BoundPaymentIn pays from a purpose-bound wallet to one of its payees.
type BoundPaymentIn struct {
	PayeeID string `json:"payee_id"`
	Amount  int64  `json:"amount" bound:"amount"`
}

// BoundAmountIn funds a purpose-bound wallet from its grantor's wallet.
type BoundAmountIn struct {
	Amount int64 `json:"amount" bound:"amount"`
}

// BoundPayment is a payment made from a purpose-bound wallet.
type BoundPayment struct {
	TransferID StringInt `json:"transfer_id"`
	WalletID   string    `json:"wallet_id"`
	PayeeID    string    `json:"payee_id"`
	Currency   Currency  `json:"currency"`
	Amount     int64     `json:"amount"`
}
