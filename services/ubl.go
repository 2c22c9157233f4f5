package services

import (
	"math/big"

	"linkfin"
	"linkfin/ubl"
)

// InvoiceFromUBL maps a UBL invoice onto a linkfin invoice against a purchase order,
// for the seller to submit with CreateInvoice. linkfin bills whole units at prices in
// minor units, per order line: a line must name its order line (OrderLineReference,
// else its own ID is taken as the order line), have a whole positive quantity priced
// per single unit, and a price exact to the minor unit. Anything else is refused, not
// rounded. The due date falls back to the issue date when the document gives none.
// The document's ID is the invoice's number; the platform gives the invoice its id.
func InvoiceFromUBL(doc *ubl.Document, poID, buyerID string) (linkfin.Invoice, error) {
	inv := linkfin.Invoice{Number: doc.ID, BuyerID: buyerID, POID: poID, Currency: doc.Currency}
	if doc.Kind != ubl.KindInvoice {
		return inv, linkfin.Errorf(linkfin.EINVALID, "a %s is not an invoice", doc.Kind)
	}
	var err error
	if inv.IssueDate, err = linkfin.ParseDate(doc.IssueDate); err != nil {
		return inv, err
	}
	inv.DueDate = inv.IssueDate
	if doc.DueDate != "" {
		if inv.DueDate, err = linkfin.ParseDate(doc.DueDate); err != nil {
			return inv, err
		}
	}
	scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(doc.Currency.Exponent())), nil))
	for _, l := range doc.Lines {
		line := linkfin.InvoiceLine{LineID: l.OrderLine, Amount: l.Amount.Amount}
		if line.LineID == "" {
			line.LineID = l.ID
		}
		q := l.Quantity.Rat()
		if !q.IsInt() || q.Sign() <= 0 || !q.Num().IsInt64() {
			return inv, linkfin.Errorf(linkfin.EINVALID, "line %s: quantity %s is not a whole positive number of units", l.ID, l.Quantity)
		}
		if l.BaseQuantity.Rat().Cmp(big.NewRat(1, 1)) != 0 {
			return inv, linkfin.Errorf(linkfin.EINVALID, "line %s: the price is per %s units; linkfin prices single units", l.ID, l.BaseQuantity)
		}
		p := new(big.Rat).Mul(l.Price.Rat(), scale)
		if !p.IsInt() || !p.Num().IsInt64() {
			return inv, linkfin.Errorf(linkfin.EINVALID, "line %s: price %s is finer than the currency's minor unit", l.ID, l.Price)
		}
		if l.Allowance.Amount != 0 || l.Charge.Amount != 0 {
			return inv, linkfin.Errorf(linkfin.EINVALID, "line %s: line allowances and charges are not supported", l.ID)
		}
		line.Quantity, line.UnitPrice = q.Num().Int64(), p.Num().Int64()
		inv.Lines = append(inv.Lines, line)
	}
	if doc.AllowanceTotal.Amount != 0 || doc.ChargeTotal.Amount != 0 || doc.Prepaid.Amount != 0 || doc.Rounding.Amount != 0 {
		return inv, linkfin.Errorf(linkfin.EINVALID, "document-level allowances, charges, prepayments and rounding are not supported")
	}
	inv.Tax, inv.Total = doc.TaxTotal.Amount, doc.TaxInclusive.Amount
	return inv, inv.Validate()
}
