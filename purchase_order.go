package linkfin

import (
	"time"
)

// Record kinds of trade documents.
const (
	KindPurchaseOrder = "purchase_order"
	KindGoodsReceipt  = "goods_receipt"
)

// POStatus is where a purchase order stands.
type POStatus string

const (
	POIssued    POStatus = "issued"    // sent by the buyer
	POAccepted  POStatus = "accepted"  // the seller will deliver
	POCancelled POStatus = "cancelled" // by the buyer, before any goods were received
)

// POLine is one line of a purchase order. Quantities are whole units of Unit (order
// in grams rather than fractions of a kilogram); prices are minor units per unit.
type POLine struct {
	LineID    string `json:"line_id"`
	Item      string `json:"item"`
	Quantity  int64  `json:"quantity"`
	Unit      string `json:"unit"`
	UnitPrice int64  `json:"unit_price"`
	Amount    int64  `json:"amount"` // Quantity × UnitPrice, computed by the platform
	// Received is the quantity accepted so far by goods receipts.
	Received int64 `json:"received"`
	// Invoiced is the quantity on the order's invoices that matched and are not
	// disputed: what is received is invoiced once.
	Invoiced int64 `json:"invoiced,omitempty"`
}

// PurchaseOrder is a buyer's order to a seller with whom it has an active relationship.
type PurchaseOrder struct {
	ID string `json:"id"`
	// Number is the buyer's own number for the order: one order per number and buyer.
	Number    string   `json:"number"`
	BuyerID   string   `json:"buyer_id"`
	SellerID  string   `json:"seller_id"`
	ProgramID string   `json:"program_id,omitempty"`
	Currency  Currency `json:"currency"`
	// DeliverBy is the day the goods are due, if the buyer set one: a receipt after
	// it is late in the seller's scorecard.
	DeliverBy *Date    `json:"deliver_by,omitempty"`
	Lines     []POLine `json:"lines"`
	Total     int64    `json:"total"`
	Status    POStatus `json:"status"`
	// Tolerances of the three-way match, copied from the program when the order is
	// issued, so that its invoices are judged by the terms in force at the order.
	Tolerances MatchTolerances `json:"tolerances"`
	// Receipts lists the goods receipts against the order.
	Receipts []string `json:"receipts"`
	// LateFrom is the first day on which goods not yet received make the order late
	// beyond its program's allowance: deliver_by plus the program's
	// late_shipment_allowance_days plus one, fixed when the order is issued (none for
	// an order without a deliver_by date or a program). LateAlertID is the alert that
	// said so, once (docs/CREDIT.md, "Alert rules").
	LateFrom    *Date  `json:"late_from,omitempty"`
	LateAlertID string `json:"late_alert_id,omitempty"`
	// FinancingID is the PO financing the order backs, if any: the payable the order
	// becomes is swept to repay it.
	FinancingID string `json:"financing_id,omitempty"`
	// Funders are the funders that financed the order, kept after the financing ends:
	// they are party to it, and see what they financed.
	Funders     []string   `json:"funders,omitempty"`
	IssuedAt    time.Time  `json:"issued_at"`
	AcceptedAt  *time.Time `json:"accepted_at,omitempty"`
	CancelledAt *time.Time `json:"cancelled_at,omitempty"`
}

// ReceivedInFull reports whether every line of the order is received in full.
func (po *PurchaseOrder) ReceivedInFull() bool {
	for _, l := range po.Lines {
		if l.Received < l.Quantity {
			return false
		}
	}
	return true
}

// AwaitsLate reports whether the order is still watched for lateness: it has a late
// day, no late alert yet, is not cancelled and is not received in full.
func (po *PurchaseOrder) AwaitsLate() bool {
	return po.LateFrom != nil && po.LateAlertID == "" && po.Status != POCancelled && !po.ReceivedInFull()
}

// Line returns the order line with the id, or nil.
func (po *PurchaseOrder) Line(id string) *POLine {
	for i := range po.Lines {
		if po.Lines[i].LineID == id {
			return &po.Lines[i]
		}
	}
	return nil
}

// MaxOrderLines is the most lines a purchase order has, and a goods receipt of it.
const MaxOrderLines = 1000

// Validate checks what the buyer gives and computes the line amounts and the total.
func (po *PurchaseOrder) Validate() error {
	if err := ValidateNumber("the order's number", po.Number); err != nil {
		return err
	}
	if _, err := ParseCurrency(string(po.Currency)); err != nil {
		return err
	}
	// The day the goods are due is bounded as an invoice's dates are: an order due in
	// 9999 would never be late, and its late day (deliver_by plus the program's
	// allowance) would run past the calendar.
	if po.DeliverBy != nil {
		if err := CheckDate("deliver_by", *po.DeliverBy); err != nil {
			return err
		}
	}
	if len(po.Lines) == 0 || len(po.Lines) > MaxOrderLines {
		return Errorf(EINVALID, "a purchase order has 1 to %d lines", MaxOrderLines)
	}
	seen := make(map[string]bool)
	var total int64
	for i := range po.Lines {
		l := &po.Lines[i]
		if err := ValidateID("line id", l.LineID); err != nil {
			return err
		}
		if seen[l.LineID] {
			return Errorf(EINVALID, "line %s appears twice", l.LineID)
		}
		seen[l.LineID] = true
		if err := inLine(l.LineID, ValidateText("item", l.Item, MaxItem, false)); err != nil || l.Item == "" {
			return firstErr(err, Errorf(EINVALID, "line %s: item has 1 to %d characters", l.LineID, MaxItem))
		}
		if err := inLine(l.LineID, ValidateText("unit", l.Unit, MaxUnit, false)); err != nil || l.Unit == "" {
			return firstErr(err, Errorf(EINVALID, "line %s: unit has 1 to %d characters", l.LineID, MaxUnit))
		}
		if err := lineValues(l.LineID, l.Quantity, l.UnitPrice); err != nil {
			return err
		}
		amount, err := Mul(l.Quantity, l.UnitPrice)
		if err == nil {
			err = CheckAmount("quantity × unit price", amount) // told below, with its line
		}
		if err != nil {
			return Errorf(EOUTOFRANGE, "line %s: quantity × unit price is beyond the maximum amount of %d", l.LineID, MaxAmount)
		}
		l.Amount, l.Received = amount, 0
		if total, err = Add(total, amount); err == nil {
			err = CheckAmount("the order's total", total)
		}
		if err != nil {
			return Errorf(EOUTOFRANGE, "the order's total is beyond the maximum amount of %d", MaxAmount)
		}
	}
	po.Total = total
	return nil
}

// lineValues checks a line's quantity and unit price, on an order or an invoice: a
// positive whole number of units up to MaxQuantity, at a positive price up to
// MaxPrice. Nothing is bought or billed for free, or at a negative price: a discount is
// a credit note.
func lineValues(line string, quantity, unitPrice int64) error {
	if quantity < 1 {
		return Errorf(EINVALID, "line %s: quantity is a positive whole number of units, not %d", line, quantity)
	}
	if unitPrice < 1 {
		return Errorf(EINVALID, "line %s: unit price is a positive amount per unit, not %d", line, unitPrice)
	}
	if err := checkRange("quantity", quantity, 1, MaxQuantity); err != nil {
		return inLine(line, err)
	}
	return inLine(line, checkRange("unit price", unitPrice, 1, MaxPrice))
}

// ReceiptLine is what arrived of one order line.
type ReceiptLine struct {
	LineID   string `json:"line_id"`
	Accepted int64  `json:"accepted" bound:"quantity"`
	Rejected int64  `json:"rejected" bound:"quantity"`
}

// GoodsReceipt is the buyer's record of goods received against a purchase order.
type GoodsReceipt struct {
	ID string `json:"id"`
	// Number is the buyer's own number for the receipt, if it gives one: one receipt
	// per number and buyer.
	Number     string        `json:"number,omitempty"`
	POID       string        `json:"po_id"`
	BuyerID    string        `json:"buyer_id"`
	SellerID   string        `json:"seller_id"`
	Lines      []ReceiptLine `json:"lines"`
	ReceivedAt time.Time     `json:"received_at"`
}
