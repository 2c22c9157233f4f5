package linkfin

import (
	"math/big"
	"time"
)

// Record kinds of invoices and payables.
const (
	KindInvoice = "invoice"
	KindPayable = "payable"
)

// InvoiceStatus is where an invoice stands.
type InvoiceStatus string

const (
	InvoiceMatched    InvoiceStatus = "matched"    // passed the three-way match; the buyer may approve it
	InvoiceMismatched InvoiceStatus = "mismatched" // failed it; the reasons are stored
	InvoiceApproved   InvoiceStatus = "approved"   // by the buyer: now a payable
	InvoiceDisputed   InvoiceStatus = "disputed"   // by the buyer
)

// InvoiceLine bills one purchase order line.
type InvoiceLine struct {
	LineID    string `json:"line_id"` // the purchase order line
	Quantity  int64  `json:"quantity" bound:"quantity"`
	UnitPrice int64  `json:"unit_price" bound:"price"`
	Amount    int64  `json:"amount" bound:"amount"`
}

// Invoice is a seller's bill against a purchase order.
type Invoice struct {
	ID        string        `json:"id"`
	Number    string        `json:"number"` // the seller's invoice number
	SellerID  string        `json:"seller_id"`
	BuyerID   string        `json:"buyer_id"`
	POID      string        `json:"po_id"`
	ProgramID string        `json:"program_id,omitempty"` // the order's program, if any
	Currency  Currency      `json:"currency"`
	IssueDate Date          `json:"issue_date"`
	DueDate   Date          `json:"due_date"`
	Lines     []InvoiceLine `json:"lines"`
	Tax       int64         `json:"tax"`
	Total     int64         `json:"total"` // lines plus tax, as the seller states it
	Status    InvoiceStatus `json:"status"`
	// Credited is the sum of the seller's credit notes against the invoice: what is
	// owed is Total − Credited.
	Credited  int64        `json:"credited"`
	Match     *MatchResult `json:"match,omitempty"`
	Dispute   string       `json:"dispute,omitempty"`
	CreatedAt time.Time    `json:"created_at"`
}

// Validate checks the invoice's own arithmetic and fields.
func (inv *Invoice) Validate() error {
	if err := ValidateNumber("the invoice number", inv.Number); err != nil {
		return err
	}
	if _, err := ParseCurrency(string(inv.Currency)); err != nil {
		return err
	}
	if inv.IssueDate.IsZero() || inv.DueDate.IsZero() || inv.DueDate.Before(inv.IssueDate) {
		return Errorf(EINVALID, "an invoice has an issue date and a due date not before it")
	}
	if len(inv.Lines) == 0 || len(inv.Lines) > 1000 {
		return Errorf(EINVALID, "an invoice has 1 to 1000 lines")
	}
	if inv.Tax < 0 || inv.Total <= 0 {
		return Errorf(EINVALID, "tax is not negative and the total is positive")
	}
	if err := firstErr(CheckAmount("tax", inv.Tax), CheckAmount("total", inv.Total)); err != nil {
		return err
	}
	for _, l := range inv.Lines {
		if err := ValidateID("line_id", l.LineID); err != nil {
			return err
		}
		if err := lineValues(l.LineID, l.Quantity, l.UnitPrice); err != nil {
			return err
		}
		// A line's amount that is not quantity × price is the three-way match's to
		// report; one beyond any amount is refused.
		if err := CheckAmount("line "+l.LineID+": amount", l.Amount); err != nil {
			return err
		}
	}
	return nil
}

// Match reason codes, stable: clients show them and rules refer to them.
const (
	ReasonLineNotOnPO        = "line_not_on_po"
	ReasonNothingReceived    = "nothing_received"
	ReasonQuantityOverRecvd  = "quantity_exceeds_received"
	ReasonPriceDiffers       = "price_differs"
	ReasonAmountWrong        = "line_amount_wrong"
	ReasonCurrencyDiffers    = "currency_differs"
	ReasonTotalDiffers       = "total_differs"
	ReasonLineInvoicedTwice  = "line_invoiced_twice"
	ReasonTotalOverTolerance = "total_exceeds_tolerance"
	ReasonAlreadyInvoiced    = "received_already_invoiced"
)

// LineMatch is the three-way match of one line.
type LineMatch struct {
	LineID   string `json:"line_id"`
	Ordered  int64  `json:"ordered"`
	Received int64  `json:"received"`
	// InvoicedBefore is the quantity of the line on the order's other matched invoices.
	InvoicedBefore int64    `json:"invoiced_before,omitempty"`
	Invoiced       int64    `json:"invoiced"`
	POPrice        int64    `json:"po_price"`
	Price          int64    `json:"price"`
	Reasons        []string `json:"reasons"`
}

// MatchResult is a stored three-way match: purchase order ↔ goods receipts ↔ invoice.
type MatchResult struct {
	OK      bool        `json:"ok"`
	Lines   []LineMatch `json:"lines"`
	Reasons []string    `json:"reasons"` // about the whole invoice
}

// ThreeWayMatch compares an invoice with its purchase order and what was received
// against it, within the order's tolerances: per line, the quantity invoiced may exceed
// the quantity accepted and not yet on the order's other matched invoices by at most
// QuantityRate of it (what was received is invoiced once), the unit price may differ from the
// order's by at most PriceRate of it, and each line's amount must be quantity × price;
// the stated total must equal the lines plus tax, and exceed what the order's prices
// give for the lines by at most AmountAbs.
func ThreeWayMatch(po *PurchaseOrder, inv *Invoice) *MatchResult {
	m := &MatchResult{Lines: []LineMatch{}, Reasons: []string{}}
	if inv.Currency != po.Currency {
		m.Reasons = append(m.Reasons, ReasonCurrencyDiffers)
	}
	var sum, atPOPrices int64
	overflow := false
	add := func(acc *int64, v int64) {
		if r, err := Add(*acc, v); err != nil {
			overflow = true
		} else {
			*acc = r
		}
	}
	seen := make(map[string]bool)
	for _, l := range inv.Lines {
		lm := LineMatch{LineID: l.LineID, Invoiced: l.Quantity, Price: l.UnitPrice, Reasons: []string{}}
		add(&sum, l.Amount)
		if amount, err := Mul(l.Quantity, l.UnitPrice); err != nil || amount != l.Amount || l.Quantity <= 0 || l.UnitPrice < 0 {
			lm.Reasons = append(lm.Reasons, ReasonAmountWrong)
		}
		if seen[l.LineID] {
			lm.Reasons = append(lm.Reasons, ReasonLineInvoicedTwice)
		}
		seen[l.LineID] = true
		pl := po.Line(l.LineID)
		if pl == nil {
			lm.Reasons = append(lm.Reasons, ReasonLineNotOnPO)
			m.Lines = append(m.Lines, lm)
			continue
		}
		lm.Ordered, lm.Received, lm.InvoicedBefore, lm.POPrice = pl.Quantity, pl.Received, pl.Invoiced, pl.UnitPrice
		open, err := Sub(pl.Received, pl.Invoiced)
		switch {
		case err != nil:
			lm.Reasons = append(lm.Reasons, ReasonQuantityOverRecvd)
		case pl.Received == 0:
			lm.Reasons = append(lm.Reasons, ReasonNothingReceived)
		case open <= 0:
			lm.Reasons = append(lm.Reasons, ReasonAlreadyInvoiced)
		case !within(l.Quantity, open, po.Tolerances.QuantityRate, true):
			lm.Reasons = append(lm.Reasons, ReasonQuantityOverRecvd)
		}
		if !within(l.UnitPrice, pl.UnitPrice, po.Tolerances.PriceRate, false) {
			lm.Reasons = append(lm.Reasons, ReasonPriceDiffers)
		}
		if v, err := Mul(l.Quantity, pl.UnitPrice); err == nil {
			add(&atPOPrices, v)
		} else {
			overflow = true
		}
		m.Lines = append(m.Lines, lm)
	}
	withTax := sum
	add(&withTax, inv.Tax)
	if overflow || withTax != inv.Total {
		m.Reasons = append(m.Reasons, ReasonTotalDiffers)
	}
	if over, err := Sub(sum, atPOPrices); !overflow && (err != nil || over > po.Tolerances.AmountAbs) {
		m.Reasons = append(m.Reasons, ReasonTotalOverTolerance)
	}
	m.OK = len(m.Reasons) == 0
	for _, l := range m.Lines {
		m.OK = m.OK && len(l.Reasons) == 0
	}
	return m
}

// within reports whether got is within rate of want: |got − want| ≤ want × rate, or,
// with upOnly, got ≤ want × (1 + rate). Exact, in rationals.
func within(got, want int64, rate Rate, upOnly bool) bool {
	diff := new(big.Rat).Sub(new(big.Rat).SetInt64(got), new(big.Rat).SetInt64(want))
	if upOnly && diff.Sign() <= 0 {
		return true
	}
	diff.Abs(diff)
	allowed := new(big.Rat).Mul(new(big.Rat).SetInt64(want), rate.Rat())
	return diff.Cmp(allowed) <= 0
}

// PayableStatus is where a payable stands.
type PayableStatus string

const (
	PayableOpen      PayableStatus = "open"      // an irrevocable obligation of the buyer, due on DueDate
	PayableCertified PayableStatus = "certified" // backs a certificate
	PayablePaid      PayableStatus = "paid"      // paid by the buyer, early (dynamic discounting) or at maturity
	PayableFactored  PayableStatus = "factored"  // sold to a funder with recourse; the buyer pays the funder
	PayableUnpaid    PayableStatus = "unpaid"    // the buyer did not pay at maturity
)

// Payable is an invoice that passed the three-way match and that the buyer approved,
// with its own credentials, on the platform: an irrevocable obligation with a due date.
type Payable struct {
	ID         string        `json:"id"`
	InvoiceID  string        `json:"invoice_id"`
	POID       string        `json:"po_id"`
	ProgramID  string        `json:"program_id,omitempty"`
	BuyerID    string        `json:"buyer_id"`
	SellerID   string        `json:"seller_id"`
	Currency   Currency      `json:"currency"`
	Amount     int64         `json:"amount"`
	DueDate    Date          `json:"due_date"`
	Status     PayableStatus `json:"status"`
	ApprovedAt time.Time     `json:"approved_at"`
	// CertificateID is the certificate the payable backs, once certified.
	CertificateID string `json:"certificate_id,omitempty"`
	// FinancingID is the factoring that the payable backs, if any.
	FinancingID string `json:"financing_id,omitempty"`
	// Funders are the funders that financed the payable, kept after the financing
	// ends: they are party to it, and see what they financed.
	Funders []string `json:"funders,omitempty"`
}

// KindCreditNote is the record kind of credit notes.
const KindCreditNote = "credit_note"

// CreditNote is a seller reducing what an invoice asks (returns, discounts, errors):
// dilution of the receivable.
type CreditNote struct {
	ID        string    `json:"id"`
	Number    string    `json:"number"`
	InvoiceID string    `json:"invoice_id"`
	SellerID  string    `json:"seller_id"`
	BuyerID   string    `json:"buyer_id"`
	Amount    int64     `json:"amount"`
	Reason    string    `json:"reason"`
	CreatedAt time.Time `json:"created_at"`
}

// PayableID is the id of the payable an approved invoice becomes.
func PayableID(invoiceID string) string { return "pay-" + invoiceID }

// KindInvoiceNumber is the record kind of the registry of invoice numbers: one record
// per seller, buyer and normalized number, naming the invoice that holds it.
const KindInvoiceNumber = "invoice_number"

// NormalizeInvoiceNumber reduces an invoice number to what identifies it, so that near
// duplicates meet: case, punctuation and spaces are dropped, and each run of digits
// loses its leading zeros ("INV-0042", "inv 42" and "Inv.42" all give "inv42").
func NormalizeInvoiceNumber(n string) string {
	var out []byte
	inDigits := false
	for i := 0; i < len(n); i++ {
		c := n[i]
		switch {
		case c >= 'A' && c <= 'Z':
			c += 'a' - 'A'
			fallthrough
		case c >= 'a' && c <= 'z':
			out = append(out, c)
			inDigits = false
		case c >= '0' && c <= '9':
			if c == '0' && !inDigits {
				// A leading zero: kept only if the run is all zeros (see below).
				if i+1 < len(n) && n[i+1] >= '0' && n[i+1] <= '9' {
					continue
				}
			}
			out = append(out, c)
			inDigits = true
		case c >= 0x80:
			out = append(out, c) // other scripts are kept as they are
			inDigits = false
		default:
			inDigits = false
		}
	}
	return string(out)
}

// InvoiceNumber is the registry's record of an invoice number between a seller and a
// buyer: the invoice that holds it. Its id is InvoiceNumberKey's.
type InvoiceNumber struct {
	ID        string `json:"id"`
	InvoiceID string `json:"invoice_id"`
}

// InvoiceNumberKey is the registry id of an invoice number between two parties.
func InvoiceNumberKey(sellerID, buyerID, number string) string {
	return sellerID + "~" + buyerID + "~" + NormalizeInvoiceNumber(number)
}
