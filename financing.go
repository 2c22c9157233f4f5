package linkfin

import "time"

// KindFinancing is the record kind of financings.
const KindFinancing = "financing"

// FinancingStatus is where a financing stands: request → quote → accept → disburse →
// repay or settle, or overdue → default.
type FinancingStatus string

const (
	FinancingQuoted     FinancingStatus = "quoted"      // priced; the requester may accept until the quote expires
	FinancingAccepted   FinancingStatus = "accepted"    // the limits are held (pending) and the asset locked; the funder disburses
	FinancingCancelled  FinancingStatus = "cancelled"   // accepted, then withdrawn before disbursement: holds voided, asset freed
	FinancingLapsed     FinancingStatus = "lapsed"      // accepted, but not disbursed while the limits were held: asset freed
	FinancingDisbursed  FinancingStatus = "disbursed"   // the funder paid; the asset backs it
	FinancingSettled    FinancingStatus = "settled"     // repaid or paid at maturity
	FinancingRecourse   FinancingStatus = "recourse"    // the buyer did not pay; the seller repaid the funder
	FinancingDefaulted  FinancingStatus = "defaulted"   // neither the buyer nor, on recourse, the seller paid in full
	FinancingBoughtBack FinancingStatus = "bought_back" // overdue; the anchor paid under its buy-back guarantee
)

// EFINANCINGLAPSED refuses to disburse an accepted financing whose limits are no
// longer held: HoldsUntil passed (the ledger released the holds at their timeout),
// whether the scheduler has lapsed it yet or not. Nothing is paid; the requester asks
// for a new quote.
const EFINANCINGLAPSED = "financing_lapsed"

// PaidOut reports whether a financing in the status was paid out by its funder:
// disbursed, and whatever may follow.
func (s FinancingStatus) PaidOut() bool {
	switch s {
	case FinancingDisbursed, FinancingSettled, FinancingRecourse, FinancingDefaulted, FinancingBoughtBack:
		return true
	}
	return false
}

// Quote is the price of a financing, with its reasons.
type Quote struct {
	Face          int64     `json:"face"`
	Rate          Rate      `json:"rate"` // annual, from the funder's pricing
	Days          int       `json:"days"` // from the value date to maturity
	DayCount      DayCount  `json:"day_count"`
	Discount      int64     `json:"discount"`       // face × rate × days / basis, rounded half-even once
	Price         int64     `json:"price"`          // what the requester receives: face − discount
	EffectiveRate Rate      `json:"effective_rate"` // the simple annual yield on the price
	ValueDate     Date      `json:"value_date"`
	ExpiresAt     time.Time `json:"expires_at"`
	Reasons       []string  `json:"reasons"`
}

// Financing is one financing of one asset by one funder.
type Financing struct {
	ID          string          `json:"id"`
	Product     Product         `json:"product"`
	ProgramID   string          `json:"program_id"`
	RequesterID string          `json:"requester_id"`
	FunderID    string          `json:"funder_id"`
	PayeeID     string          `json:"payee_id"`   // who receives the disbursement: the requester, or the anchor for a distributor
	AssetKind   string          `json:"asset_kind"` // the record kind of the asset: certificate, invoice, …
	AssetID     string          `json:"asset_id"`
	Tier        int             `json:"tier,omitempty"` // the requester's tier, for certificate pieces
	Currency    Currency        `json:"currency"`
	Quote       Quote           `json:"quote"`
	Status      FinancingStatus `json:"status"`
	CreatedAt   time.Time       `json:"created_at"`
	DisbursedAt *time.Time      `json:"disbursed_at,omitempty"`
	// Interest is what the funder earns, charged at collection (factoring, PO financing).
	Interest int64 `json:"interest,omitempty"`
	// PayableID is the payable whose collection repays the financing: the asset itself
	// for factoring; for PO financing, the payable the order became, swept to the funder.
	PayableID string `json:"payable_id,omitempty"`
	// DueDate is when a loan (distributor financing, warehouse pledge) is to be repaid.
	DueDate Date `json:"due_date,omitzero"`
	// MarginCall and Frozen flag a warehouse pledge: its loan-to-value passed the
	// program's margin-call level; the warehouse reported less than pledged.
	MarginCall bool `json:"margin_call,omitempty"`
	// MarginDemand is the last margin call made on a pledge loan, by an alert's
	// margin_call action or a margin check: the amount to repay by a date, and
	// whether it was met.
	MarginDemand *MarginDemand `json:"margin_demand,omitempty"`
	// Repaid is the principal of a pledge loan repaid in part before the whole, and
	// Repayments how many such part repayments there were (each its own ledger
	// transfer). Owed counts them off; the interest, worked out at the quote, is paid
	// with the rest. None for every other product, and for loans made before.
	Repaid     int64 `json:"repaid,omitempty"`
	Repayments int   `json:"repayments,omitempty"`
	// DefaultReason says why a loan defaulted before its due date:
	// DefaultMarginCallUnmet, its margin call's due date passed with the call unmet.
	// None for a default at maturity.
	DefaultReason string `json:"default_reason,omitempty"`
	// Decision is the requester's score, grade, scoring model and reasons the quote
	// was decided on, and the program's terms for the grade (docs/CREDIT.md).
	Decision *CreditDecision `json:"decision,omitempty"`
	// SupplierLimit is the program's per-supplier cap when the quote was made (0: none).
	SupplierLimit int64 `json:"supplier_limit,omitempty"`
	Frozen        bool  `json:"frozen,omitempty"`
	// HoldsUntil is when the limits an accepted financing holds are released: the
	// funder disburses before it, or the financing lapses.
	HoldsUntil *time.Time `json:"holds_until,omitempty"`
	// LedgerBase is the first of the ledger ids reserved for the financing's transfers
	// when it was accepted: each leg (a hold, the disbursement, a repayment, …) has its
	// slot from there. 0 for a financing accepted before ranges were reserved, whose
	// transfer ids are hashes of its id and the leg's name. A decimal string in JSON,
	// as ledger ids are.
	LedgerBase StringInt `json:"ledger_base,omitempty"`

	// Disbursement is how the funder pays: directly (""), locked in a conditional
	// payment to the payee released as the order's goods are accepted (on_receipt),
	// or into a purpose-bound wallet of the requester's that pays the payee alone
	// (purpose_bound); ConditionalPaymentID and BoundWalletID name what it paid into.
	Disbursement         DisbursementMode `json:"disbursement,omitempty"`
	ConditionalPaymentID string           `json:"conditional_payment_id,omitempty"`
	BoundWalletID        string           `json:"bound_wallet_id,omitempty"`
	// Rail is how an early payment is paid: between platform wallets (""), or from
	// the anchor's designated e-CNY wallet into the seller's (ecny); ECNYTransferID is
	// then the ledger transfer that paid it.
	Rail           PaymentRail `json:"rail,omitempty"`
	ECNYTransferID StringInt   `json:"ecny_transfer_id,omitempty"`
}

// DefaultMarginCallUnmet is the DefaultReason of a pledge loan defaulted because its
// margin call went unmet by its due date.
const DefaultMarginCallUnmet = "margin_call_unmet"

// Owed is what repays a loan or an advance: the price paid out and its interest, less
// the principal repaid in part (Repaid).
func (f *Financing) Owed() (int64, error) {
	owed, err := Add(f.Quote.Price, f.Interest)
	return owed - f.Repaid, err
}

// Outstanding is the principal of a loan not yet repaid: the price paid out less the
// part repayments.
func (f *Financing) Outstanding() int64 { return f.Quote.Price - f.Repaid }
