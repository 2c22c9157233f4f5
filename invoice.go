package linkfin

import (
	"math/big"
	"slices"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
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

// InvoiceLine bills part of one purchase order line. Several lines may bill the same
// order line, and a line with a negative quantity (and amount) corrects or returns what
// another bills: the three-way match judges each order line's net quantity.
//
// A line's price is UnitPrice minor units per unit, or, as e-invoices may give it,
// Price major units per BaseQuantity units exactly (EN 16931 allows prices finer than
// the minor unit, and per 100 or 1000 units); UnitPrice is then 0. Amount is always in
// minor units: quantity × price ÷ base quantity − Allowance + Charge, rounded to the
// minor unit.
type InvoiceLine struct {
	LineID    string `json:"line_id"` // the purchase order line
	Quantity  int64  `json:"quantity" bound:"quantity"`
	UnitPrice int64  `json:"unit_price" bound:"price"`
	// Price and BaseQuantity give the price exactly, in major units per BaseQuantity
	// units (1 if zero), instead of UnitPrice.
	Price        Rate  `json:"price,omitzero"`
	BaseQuantity Rate  `json:"base_quantity,omitzero"`
	Allowance    int64 `json:"allowance,omitempty" bound:"amount"` // the line's allowances (discounts), minor units
	Charge       int64 `json:"charge,omitempty" bound:"amount"`    // the line's charges, minor units
	Amount       int64 `json:"amount" bound:"amount"`
	// DocumentLine is the line's own id in the seller's document, when it has one.
	DocumentLine string `json:"document_line,omitempty"`
}

// Priced reports whether the line gives its price as Price and BaseQuantity.
func (l *InvoiceLine) Priced() bool { return !l.Price.IsZero() || !l.BaseQuantity.IsZero() }

// UnitPriceRat is the line's net price of one unit in minor units of a currency with
// exp decimals, exactly.
func (l *InvoiceLine) UnitPriceRat(exp int) *big.Rat {
	if !l.Priced() {
		return new(big.Rat).SetInt64(l.UnitPrice)
	}
	p := l.Price.Rat()
	p.Mul(p, new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(max(exp, 0))), nil)))
	if !l.BaseQuantity.IsZero() {
		p.Quo(p, l.BaseQuantity.Rat())
	}
	return p
}

// AmountOK reports whether the line's amount is its quantity × unit price − allowance
// + charge, rounded to the minor unit either way: exact when the price is in minor
// units, within less than one minor unit when it is finer.
func (l *InvoiceLine) AmountOK(exp int) bool {
	if !l.Priced() {
		// In minor units: exact in int64 unless it overflows, and then the amount
		// must equal it.
		if p, ok := mul64(l.Quantity, l.UnitPrice); ok {
			if want, ok := add64(p, l.Charge-l.Allowance); ok {
				return l.Amount == want
			}
		}
	}
	return l.amountOKExact(exp)
}

// amountOKExact is AmountOK in rationals.
func (l *InvoiceLine) amountOKExact(exp int) bool {
	want := new(big.Rat).Mul(new(big.Rat).SetInt64(l.Quantity), l.UnitPriceRat(exp))
	want.Add(want, new(big.Rat).SetInt64(l.Charge-l.Allowance))
	diff := want.Sub(new(big.Rat).SetInt64(l.Amount), want)
	return diff.Abs(diff).Cmp(big.NewRat(1, 1)) < 0
}

// MaxInvoiceLines is the most lines an invoice has, in JSON or as an e-invoice: far
// more than any order's, few enough that the three-way match of one runs in a batch
// without holding the others up.
const MaxInvoiceLines = 1000

// The dates an invoice or credit note states (issued, due, in JSON or in an
// e-invoice) are from MinInvoiceDate to MaxInvoiceDate: no invoice financed today
// was issued before 2000, and none falls due in the next century. A date outside
// them is a typing error (1899 for 1999, 2099 for 2029), not a bill. An invoice is
// not issued after tomorrow either (services.EISSUEDFUTURE), which needs the clock.
// Every other business date a request carries is held to the same range (CheckDate).
var (
	MinInvoiceDate = NewDate(2000, 1, 1)
	MaxInvoiceDate = NewDate(2099, 12, 31)
)

// InvoiceDateInRange reports whether d is from MinInvoiceDate to MaxInvoiceDate.
func InvoiceDateInRange(d Date) bool {
	return !d.Before(MinInvoiceDate) && !d.After(MaxInvoiceDate)
}

// CheckDate refuses, with EINVALID naming the field and the range, a business date
// a request carries outside an invoice's, MinInvoiceDate to MaxInvoiceDate: an
// order's deliver_by, a conditional payment's expiry and release date, the day an
// expected payment is booked, a payment file's execution date, a settlement run's
// date, a credit note's issue date. ParseDate reads years 1 to 9999, and a date in 9999
// keeps money locked or a scheduler waiting for ever, where year 1 breaks day counts.
// Documents read from files (e-invoices, bank statements) are checked as their own
// rules say.
func CheckDate(field string, d Date) error {
	if !InvoiceDateInRange(d) {
		return Errorf(EINVALID, "%s is from %s to %s, not %s", field, MinInvoiceDate, MaxInvoiceDate, d)
	}
	return nil
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
	// Allowance and Charge are the document's own allowances (discounts) and charges
	// (freight, say), beyond its lines'.
	Allowance int64 `json:"allowance,omitempty"`
	Charge    int64 `json:"charge,omitempty"`
	Tax       int64 `json:"tax"`
	Total     int64 `json:"total"` // lines − allowance + charge + tax, as the seller states it
	// Prepaid is what the buyer paid before the invoice; Rounding what the seller adds
	// (or, negative, takes off) to round the amount due. The buyer owes Due().
	Prepaid  int64         `json:"prepaid,omitempty"`
	Rounding int64         `json:"rounding,omitempty"`
	Status   InvoiceStatus `json:"status"`
	// TypeCode is the document's type (UNTDID 1001: 380 commercial invoice, 389
	// self-billed, …) when it came as an e-invoice; SelfBilled says the buyer issued it
	// for the seller (389).
	TypeCode   string `json:"type_code,omitempty"`
	SelfBilled bool   `json:"self_billed,omitempty"`
	// Credited is the sum of the seller's credit notes against the invoice: what is
	// owed is Due() − Credited.
	Credited int64        `json:"credited"`
	Match    *MatchResult `json:"match,omitempty"`
	Dispute  string       `json:"dispute,omitempty"`
	// Hold, when set, says the invoice repeats an earlier one's seller, buyer, currency
	// and total within days of its issue date: it is held for review, and cannot be
	// approved until the buyer or the operator clears the hold.
	Hold      *InvoiceHold `json:"hold,omitempty"`
	CreatedAt time.Time    `json:"created_at"`
}

// InvoiceHold is an invoice held for review as a possible duplicate of an earlier one
// (renumbered): the earlier invoice, and, once cleared, who cleared it, when and why.
type InvoiceHold struct {
	EarlierInvoiceID string     `json:"earlier_invoice_id,omitempty"`
	ClearedAt        *time.Time `json:"cleared_at,omitempty"`
	ClearedBy        string     `json:"cleared_by,omitempty"`
	Reason           string     `json:"reason,omitempty"`
}

// Held reports whether the invoice is held for review and not yet cleared.
func (inv *Invoice) Held() bool { return inv.Hold != nil && inv.Hold.ClearedAt == nil }

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
	if !InvoiceDateInRange(inv.IssueDate) || !InvoiceDateInRange(inv.DueDate) {
		return Errorf(EINVALID, "an invoice's dates are from %s to %s, not issued %s and due %s", MinInvoiceDate, MaxInvoiceDate, inv.IssueDate, inv.DueDate)
	}
	if len(inv.Lines) == 0 || len(inv.Lines) > MaxInvoiceLines {
		return Errorf(EINVALID, "an invoice has 1 to %d lines, not %d", MaxInvoiceLines, len(inv.Lines))
	}
	if inv.Tax < 0 || inv.Total <= 0 || inv.Allowance < 0 || inv.Charge < 0 || inv.Prepaid < 0 {
		return Errorf(EINVALID, "tax, allowance, charge and prepaid amounts are not negative and the total is positive")
	}
	if err := firstErr(CheckAmount("tax", inv.Tax), CheckAmount("total", inv.Total), CheckAmount("allowance", inv.Allowance),
		CheckAmount("charge", inv.Charge), CheckAmount("prepaid", inv.Prepaid), CheckAmount("rounding", inv.Rounding)); err != nil {
		return err
	}
	// Rounding rounds the amount due to a whole unit of its currency: less than one
	// either way. More would raise (or cut) what the buyer owes past what the lines,
	// the total and the three-way match say.
	unit := int64(1)
	for range inv.Currency.Exponent() {
		unit *= 10
	}
	if inv.Rounding <= -unit || inv.Rounding >= unit {
		return Errorf(EINVALID, "rounding: less than one %s either way (it rounds the amount due to a whole unit), not %d minor units",
			inv.Currency, inv.Rounding)
	}
	if due, err := inv.Due(); err != nil || due <= 0 {
		return Errorf(EINVALID, "the invoice leaves nothing to pay: its total less what was prepaid, plus rounding, is not positive")
	}
	for i := range inv.Lines {
		if err := inv.Lines[i].validate(); err != nil {
			return err
		}
	}
	return nil
}

func (l *InvoiceLine) validate() error {
	if err := ValidateID("line_id", l.LineID); err != nil {
		return err
	}
	if l.Quantity == 0 {
		return Errorf(EINVALID, "line %s: quantity is a whole number of units, not 0 (negative corrects another line)", l.LineID)
	}
	if err := inLine(l.LineID, CheckQuantity("quantity", l.Quantity)); err != nil {
		return err
	}
	if l.Priced() {
		if l.UnitPrice != 0 {
			return Errorf(EINVALID, "line %s: a line gives unit_price or price, not both", l.LineID)
		}
		// Price ≤ MaxPrice per unit; a base quantity from a millionth to MaxQuantity.
		if l.Price.Cmp(Rate{r: new(big.Rat).SetInt64(MaxPrice)}) > 0 ||
			!l.BaseQuantity.IsZero() && (l.BaseQuantity.Cmp(Rate{r: big.NewRat(1, 1_000_000)}) < 0 ||
				l.BaseQuantity.Cmp(Rate{r: new(big.Rat).SetInt64(MaxQuantity)}) > 0) {
			return Errorf(EOUTOFRANGE, "line %s: price %s per %s units is out of range", l.LineID, l.Price, l.BaseQuantity)
		}
	} else if err := inLine(l.LineID, checkRange("unit price", l.UnitPrice, 1, MaxPrice)); err != nil {
		return err
	}
	if l.Allowance < 0 || l.Charge < 0 {
		return Errorf(EINVALID, "line %s: allowance and charge are not negative", l.LineID)
	}
	if err := ValidateText("document_line", l.DocumentLine, MaxNumber, false); err != nil {
		return err
	}
	// A line's amount that is not quantity × price is the three-way match's to
	// report; one beyond any amount is refused.
	return inLine(l.LineID, firstErr(CheckAmount("amount", l.Amount), CheckAmount("allowance", l.Allowance),
		CheckAmount("charge", l.Charge)))
}

// Due is what the buyer owes on the invoice before credit notes: its total less what
// was prepaid, plus the rounding.
func (inv *Invoice) Due() (int64, error) {
	d, err := Sub(inv.Total, inv.Prepaid)
	if err == nil {
		d, err = Add(d, inv.Rounding)
	}
	return d, err
}

// Owed is what the buyer still owes on the invoice: Due less the credit notes.
func (inv *Invoice) Owed() (int64, error) {
	d, err := inv.Due()
	if err == nil {
		d, err = Sub(d, inv.Credited)
	}
	return d, err
}

// Match reason codes, stable: clients show them and rules refer to them.
const (
	ReasonLineNotOnPO       = "line_not_on_po"
	ReasonNothingReceived   = "nothing_received"
	ReasonQuantityOverRecvd = "quantity_exceeds_received"
	ReasonPriceDiffers      = "price_differs"
	ReasonAmountWrong       = "line_amount_wrong"
	ReasonCurrencyDiffers   = "currency_differs"
	ReasonTotalDiffers      = "total_differs"
	// ReasonLineInvoicedTwice is no longer given: several lines may bill one order line.
	ReasonLineInvoicedTwice  = "line_invoiced_twice"
	ReasonNetNotPositive     = "net_quantity_not_positive" // the lines billing an order line add up to nothing or less
	ReasonTotalOverTolerance = "total_exceeds_tolerance"
	ReasonAlreadyInvoiced    = "received_already_invoiced"
	// ReasonTaxOverRate: the tax is more than MaxTaxRate of what it is charged on.
	ReasonTaxOverRate = "tax_exceeds_rate"
)

// MaxTaxRate is the most an invoice's tax may be of its net amount (its lines less
// allowances plus charges) and still match: no value-added tax in force reaches it
// (the highest standard rate is 27 %, China's are 13, 9, 6 and 0 %). More is not a tax
// but an amount the order and the match's tolerance never saw, which the payable
// would ask for.
var MaxTaxRate = big.NewRat(3, 10)

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
// against it, within the order's tolerances. Lines are judged per order line, on the
// net quantity of the invoice's lines that bill it (several may, and a negative one
// corrects the others): it must be positive and may exceed the quantity accepted and not
// yet on the order's other matched invoices by at most QuantityRate of it (what was
// received is invoiced once). Each line's unit price may differ from the order's by at
// most PriceRate of it, and its amount must be quantity × price − allowance + charge
// (InvoiceLine.AmountOK). The stated total must equal the lines less the document's
// allowance plus its charge and the tax, and the lines less the allowance plus the
// charge may exceed what the order's prices give for the quantities by at most
// AmountAbs. Exact, in integers and rationals.
func ThreeWayMatch(po *PurchaseOrder, inv *Invoice) *MatchResult {
	m := &MatchResult{Reasons: []string{}}
	if inv.Currency != po.Currency {
		m.Reasons = append(m.Reasons, ReasonCurrencyDiffers)
	}
	exp := inv.Currency.Exponent()
	var sum, atPOPrices int64
	overflow := false
	add := func(acc *int64, v int64) {
		if r, err := Add(*acc, v); err != nil {
			overflow = true
		} else {
			*acc = r
		}
	}
	reason := func(lm *LineMatch, r string) {
		if !slices.Contains(lm.Reasons, r) {
			lm.Reasons = append(lm.Reasons, r)
		}
	}
	// The order lines the invoice bills, in the order it first names each, and
	// whether a price it bills one at is out of tolerance. Few: searched in order.
	byLine := make([]LineMatch, 0, len(inv.Lines))
	var priceDiffers []bool
	for i := range inv.Lines {
		l := &inv.Lines[i]
		add(&sum, l.Amount)
		pl := po.Line(l.LineID)
		j := 0
		for j < len(byLine) && byLine[j].LineID != l.LineID {
			j++
		}
		if j == len(byLine) {
			lm := LineMatch{LineID: l.LineID, Price: displayPrice(l, exp), Reasons: []string{}}
			if pl != nil {
				lm.Ordered, lm.Received, lm.InvoicedBefore, lm.POPrice = pl.Quantity, pl.Received, pl.Invoiced, pl.UnitPrice
			}
			byLine, priceDiffers = append(byLine, lm), append(priceDiffers, false)
		}
		lm := &byLine[j]
		add(&lm.Invoiced, l.Quantity)
		if !l.AmountOK(exp) {
			reason(lm, ReasonAmountWrong)
		}
		if pl != nil && !priceWithin(l, exp, pl.UnitPrice, po.Tolerances.PriceRate) {
			priceDiffers[j] = true
		}
	}
	for j := range byLine {
		lm := &byLine[j]
		pl := po.Line(lm.LineID)
		switch open, err := Sub(lm.Received, lm.InvoicedBefore); {
		case pl == nil:
			reason(lm, ReasonLineNotOnPO)
		case lm.Invoiced <= 0:
			reason(lm, ReasonNetNotPositive)
		case err != nil:
			reason(lm, ReasonQuantityOverRecvd)
		case lm.Received == 0:
			reason(lm, ReasonNothingReceived)
		case open <= 0:
			reason(lm, ReasonAlreadyInvoiced)
		case !within(lm.Invoiced, open, po.Tolerances.QuantityRate, true):
			reason(lm, ReasonQuantityOverRecvd)
		}
		if priceDiffers[j] {
			reason(lm, ReasonPriceDiffers)
		}
		if pl != nil {
			if v, err := Mul(lm.Invoiced, pl.UnitPrice); err == nil {
				add(&atPOPrices, v)
			} else {
				overflow = true
			}
		}
	}
	m.Lines = byLine
	net := sum
	add(&net, -inv.Allowance)
	add(&net, inv.Charge)
	withTax := net
	add(&withTax, inv.Tax)
	if overflow || withTax != inv.Total {
		m.Reasons = append(m.Reasons, ReasonTotalDiffers)
	}
	if over, err := Sub(net, atPOPrices); !overflow && (err != nil || over > po.Tolerances.AmountAbs) {
		m.Reasons = append(m.Reasons, ReasonTotalOverTolerance)
	}
	if inv.Tax > 0 && (net <= 0 || new(big.Rat).SetFrac64(inv.Tax, net).Cmp(MaxTaxRate) > 0) {
		m.Reasons = append(m.Reasons, ReasonTaxOverRate)
	}
	m.OK = len(m.Reasons) == 0
	for _, l := range m.Lines {
		m.OK = m.OK && len(l.Reasons) == 0
	}
	return m
}

// displayPrice is a line's unit price in minor units, rounded half-even when the line
// gives it finer, for the match's report.
func displayPrice(l *InvoiceLine, exp int) int64 {
	if !l.Priced() {
		return l.UnitPrice
	}
	p, err := RoundHalfEven(l.UnitPriceRat(exp))
	if err != nil {
		return 0
	}
	return p
}

// within reports whether got is within rate of want: |got − want| ≤ want × rate, or,
// with upOnly, got ≤ want × (1 + rate). Exact: in int64 when nothing overflows, else in
// rationals.
func within(got, want int64, rate Rate, upOnly bool) bool {
	if ok, exact := withinInt(got, want, rate, upOnly); exact {
		return ok
	}
	return withinExact(got, want, rate, upOnly)
}

// withinInt is within in int64, and whether it could tell: the rate is num/den with
// den > 0, so |got − want| ≤ want × num/den iff |got − want| × den ≤ want × num.
func withinInt(got, want int64, rate Rate, upOnly bool) (ok, exact bool) {
	diff, fits := sub64(got, want)
	if !fits {
		return false, false
	}
	if upOnly && diff <= 0 {
		return true, true
	}
	if diff < 0 {
		if diff = -diff; diff < 0 { // −2⁶³ has no opposite
			return false, false
		}
	}
	num, den, fits := rate.int64s()
	if !fits {
		return false, false
	}
	l, fitsL := mul64(diff, den)
	r, fitsR := mul64(want, num)
	if !fitsL || !fitsR {
		return false, false
	}
	return l <= r, true
}

// withinExact is within in rationals.
func withinExact(got, want int64, rate Rate, upOnly bool) bool {
	diff := new(big.Rat).Sub(new(big.Rat).SetInt64(got), new(big.Rat).SetInt64(want))
	if upOnly && diff.Sign() <= 0 {
		return true
	}
	diff.Abs(diff)
	allowed := new(big.Rat).Mul(new(big.Rat).SetInt64(want), rate.Rat())
	return diff.Cmp(allowed) <= 0
}

// priceWithin reports whether the line's unit price is within rate of want: a price
// in minor units is an integer, which within compares.
func priceWithin(l *InvoiceLine, exp int, want int64, rate Rate) bool {
	if !l.Priced() {
		return within(l.UnitPrice, want, rate, false)
	}
	return withinRat(l.UnitPriceRat(exp), want, rate)
}

// withinRat reports whether the exact price got is within rate of want.
func withinRat(got *big.Rat, want int64, rate Rate) bool {
	diff := new(big.Rat).Sub(got, new(big.Rat).SetInt64(want))
	diff.Abs(diff)
	return diff.Cmp(new(big.Rat).Mul(new(big.Rat).SetInt64(want), rate.Rat())) <= 0
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
	// The obligation's life, for its buyer's disclosures: the amount confirmed at
	// approval, the invoice's issue date, each credit note that reduced it, and when
	// it was paid. Payables approved before these were kept have none of them.
	Confirmed   int64           `json:"confirmed,omitempty"`
	InvoiceDate *Date           `json:"invoice_date,omitempty"`
	Credits     []PayableCredit `json:"credits,omitempty"`
	PaidAt      *time.Time      `json:"paid_at,omitempty"`
}

// PayableCredit is a credit note's reduction of a payable.
type PayableCredit struct {
	CreditNoteID string    `json:"credit_note_id"`
	Amount       int64     `json:"amount"`
	At           time.Time `json:"at"`
}

// KindCreditNote is the record kind of credit notes.
const KindCreditNote = "credit_note"

// CreditNote is a seller reducing what an invoice asks (returns, discounts, errors):
// dilution of the receivable.
type CreditNote struct {
	ID        string `json:"id"`
	Number    string `json:"number"`
	InvoiceID string `json:"invoice_id"`
	SellerID  string `json:"seller_id"`
	BuyerID   string `json:"buyer_id"`
	Amount    int64  `json:"amount"`
	Reason    string `json:"reason"`
	// IssueDate is the day the seller issued it, held to an invoice's rules; a note
	// made before it was kept has none.
	IssueDate Date      `json:"issue_date,omitzero"`
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
// Full-width forms are read as the characters they widen (foldWidth: "ＩＮＶ" is
// "INV"), and of other scripts only letters and digits are kept (a hyphen U+2010, a
// combining dot are dropped), so look-alikes meet too. Invisible characters
// (IsDefaultIgnorable) are not there at all: a zero-width space inside a run of digits
// does not part it, and "INV-1\u200b002", which reads as INV-1002, is it.
func NormalizeInvoiceNumber(n string) string {
	n = strings.Map(foldWidth, WithoutIgnorables(n))
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
			r, size := utf8.DecodeRuneInString(n[i:])
			i += size - 1
			inDigits = false
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				out = utf8.AppendRune(out, unicode.ToLower(r))
			}
		default:
			inDigits = false
		}
	}
	return string(out)
}

// KindInvoiceFingerprint is the record kind of the registry of invoice fingerprints:
// one record per seller, buyer, currency, total and issue date, listing the invoices
// that have them, so that a renumbered invoice is found by its amount and date.
const KindInvoiceFingerprint = "invoice_fingerprint"

// InvoiceFingerprint lists the invoices of one fingerprint: the first
// MaxFingerprintInvoices of them, which a hold names, and how many there are. Its id
// is InvoiceFingerprintKey's.
type InvoiceFingerprint struct {
	ID         string   `json:"id"`
	InvoiceIDs []string `json:"invoice_ids"`
	Count      int64    `json:"count"`
}

// MaxFingerprintInvoices bounds the invoices a fingerprint lists, so that a record
// that many alike invoices share stays small.
const MaxFingerprintInvoices = 10

// InvoiceFingerprintKey is the registry id of the invoices of a seller to a buyer of a
// total in a currency issued on a day.
func InvoiceFingerprintKey(sellerID, buyerID string, currency Currency, total int64, issued Date) string {
	return string(issued.appendTo(appendFingerprintPrefix(nil, sellerID, buyerID, currency, total)))
}

// InvoiceFingerprintKeys are the InvoiceFingerprintKey of each day from window days
// before issued to window days after it, in order: the days an invoice's duplicates
// are looked for on. What the keys share is made once, and the keys are parts of one
// string: an invoice makes two allocations for them, not one a day.
func InvoiceFingerprintKeys(sellerID, buyerID string, currency Currency, total int64, issued Date, window int) []string {
	prefix := appendFingerprintPrefix(make([]byte, 0, len(sellerID)+len(buyerID)+len(currency)+44), sellerID, buyerID, currency, total)
	days := 2*max(window, 0) + 1
	all := make([]byte, 0, days*(len(prefix)+12))
	ends := make([]int, 0, days)
	for d := -window; d <= window; d++ {
		all = issued.AddDays(d).appendTo(append(all, prefix...))
		ends = append(ends, len(all))
	}
	s := string(all)
	keys := make([]string, len(ends))
	start := 0
	for i, end := range ends {
		keys[i], start = s[start:end], end
	}
	return keys
}

// appendFingerprintPrefix appends what the fingerprint keys of an invoice share.
func appendFingerprintPrefix(b []byte, sellerID, buyerID string, currency Currency, total int64) []byte {
	b = append(append(append(append(append(b, sellerID...), '~'), buyerID...), '~'), currency...)
	return append(strconv.AppendInt(append(b, '~'), total, 10), '~')
}

// Duplicate windows: an invoice issued within this many days either side of an
// earlier one of the same seller, buyer, currency and total is held for review. A
// program may set its own, up to the maximum; 0 turns the check off.
const (
	DefaultDuplicateWindowDays = 7
	MaxDuplicateWindowDays     = 31
)

// DuplicateWindow is the duplicate window of a program's invoices (p may be nil: an
// order outside any program).
func (p *Program) DuplicateWindow() int {
	if p == nil || p.DuplicateWindowDays == nil {
		return DefaultDuplicateWindowDays
	}
	return *p.DuplicateWindowDays
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

// foldWidth reads a full-width form (U+FF01–U+FF5E, and the ideographic space U+3000,
// as East Asian input methods type them) as the ASCII character it widens. The
// package does this by hand rather than with golang.org/x/text's NFKC: linkfin's
// client, which imports it, depends on the standard library alone.
func foldWidth(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	}
	return r
}
