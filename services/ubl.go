package services

import (
	"math/big"
	"strings"
	"unicode/utf8"

	"linkfin"
	"linkfin/ubl"
)

// Error codes of e-invoices read into linkfin's records. They are stable.
const (
	// ERULES: the document breaks EN 16931's arithmetic rules; the error's
	// Violations name each rule.
	ERULES = "einvoice_rules"
	// ETYPECODE: a document type (UNTDID 1001 type code) that linkfin does not take
	// as what it was sent as.
	ETYPECODE = "einvoice_type"
	// EUNBILLABLE: the document says something linkfin's invoices cannot hold, such as
	// a fraction of a unit, or a negative total.
	EUNBILLABLE = "einvoice_unbillable"
	// EREFERENCE: a credit note that names no invoice, or several.
	EREFERENCE = "einvoice_reference"
)

// Invoice type codes (UNTDID 1001) that an Invoice document may have, and what each
// becomes. The others (prepayment invoices, debit notes, proformas, …) are refused.
var invoiceTypes = map[string]string{
	"":    "a commercial invoice", // plain UBL 2.1 leaves the type code out
	"380": "a commercial invoice",
	"393": "a factored invoice",
	"326": "a partial invoice",
	"389": "a self-billed invoice",
}

// Credit note type codes a CreditNote document may have.
var creditNoteTypes = map[string]string{
	"":    "a credit note",
	"381": "a credit note",
	"396": "a factored credit note",
}

// refusedTypes says why linkfin refuses the type codes that real documents carry.
var refusedTypes = map[string]string{
	"381": "a credit note (381) is sent as a credit note (a UBL CreditNote, or a CII document of type 381)",
	"384": "a corrected invoice (384) replaces an invoice in place; on linkfin the seller credits the invoice with a credit note and issues a new one",
	"386": "a prepayment invoice (386) bills before delivery; linkfin's invoices bill goods received against an order",
	"383": "a debit note (383) is not an invoice against an order",
	"261": "a self-billed credit note (261) is not taken: the seller issues credit notes",
	"262": "a consolidated credit note (262) credits goods and services, not one invoice",
	"325": "a proforma invoice (325) asks for no payment",
}

// ruleErrors turns the document's rule violations into an ERULES error, or nil.
func ruleErrors(doc *ubl.Document) error {
	found := doc.Check()
	if len(found) == 0 {
		return nil
	}
	err := linkfin.Errorf(ERULES, "the document breaks %d of the rules on its amounts (EN 16931's, and PEPPOL's R120): %s", len(found), strings.Join(found, "; "))
	for _, f := range found {
		rule, msg, _ := strings.Cut(f, ": ")
		err.Violations = append(err.Violations, linkfin.Violation{Rule: rule, Message: msg})
	}
	return err
}

// typeRefused is the error for a type code the document kind does not take.
func typeRefused(doc *ubl.Document) error {
	if why, ok := refusedTypes[doc.TypeCode]; ok {
		return linkfin.Errorf(ETYPECODE, "document %s: %s", doc.ID, why)
	}
	return linkfin.Errorf(ETYPECODE, "document %s has type code %q, which linkfin does not take as %s", doc.ID, doc.TypeCode, doc.Kind)
}

// InvoiceFromEInvoice maps an e-invoice (UBL or CII, as package ubl reads either) onto
// a linkfin invoice against a purchase order, for the seller to submit with
// CreateInvoice (a self-billed invoice, type code 389, for the buyer, with the seller's
// id filled in). The document's number is the invoice's; the platform gives the
// invoice its id. Elements are named below as UBL names them.
//
// The document must keep EN 16931's arithmetic (Document.Check); a breach is an
// ERULES error naming each rule. linkfin bills whole units of an order's lines: a line
// names its order line (OrderLineReference, else its own ID is taken), several lines
// may name the same one, and a negative quantity corrects. A price finer than the
// currency's minor unit, or per a base quantity other than 1, is kept exactly; line
// and document allowances and charges, the prepaid amount and the rounding are kept,
// so that the payable is the document's PayableAmount. A document without a due date
// is due after the payment terms of the order's program. Nothing is rounded: what
// linkfin cannot hold is refused with the reason.
func InvoiceFromEInvoice(doc *ubl.Document, poID, buyerID string) (linkfin.Invoice, error) {
	inv := linkfin.Invoice{Number: doc.ID, BuyerID: buyerID, POID: poID, Currency: doc.Currency, TypeCode: doc.TypeCode}
	if doc.Kind != ubl.KindInvoice {
		return inv, linkfin.Errorf(ETYPECODE, "a %s is not an invoice: send it as a credit note", strings.ReplaceAll(doc.Kind, "_", " "))
	}
	if _, ok := invoiceTypes[doc.TypeCode]; !ok {
		return inv, typeRefused(doc)
	}
	inv.SelfBilled = doc.TypeCode == "389"
	if err := ruleErrors(doc); err != nil {
		return inv, err
	}
	var err error
	if inv.IssueDate, err = linkfin.ParseDate(doc.IssueDate); err != nil {
		return inv, err
	}
	if doc.DueDate != "" {
		if inv.DueDate, err = linkfin.ParseDate(doc.DueDate); err != nil {
			return inv, err
		}
	}
	for _, l := range doc.Lines {
		line, err := invoiceLine(l, doc.Currency)
		if err != nil {
			return inv, err
		}
		inv.Lines = append(inv.Lines, line)
	}
	if doc.Payable.Amount <= 0 || doc.TaxInclusive.Amount <= 0 {
		return inv, linkfin.Errorf(EUNBILLABLE, "invoice %s asks for %s: an invoice on linkfin asks for a positive amount, and a negative one is sent as a credit note", doc.ID, doc.Payable)
	}
	inv.Allowance, inv.Charge = doc.AllowanceTotal.Amount, doc.ChargeTotal.Amount
	inv.Tax, inv.Total = doc.TaxTotal.Amount, doc.TaxInclusive.Amount
	inv.Prepaid, inv.Rounding = doc.Prepaid.Amount, doc.Rounding.Amount
	check := inv
	if check.DueDate.IsZero() {
		check.DueDate = check.IssueDate // the order's program gives it
	}
	return inv, check.Validate()
}

// invoiceLine maps one line of the document.
func invoiceLine(l ubl.Line, cur linkfin.Currency) (linkfin.InvoiceLine, error) {
	line := linkfin.InvoiceLine{LineID: l.OrderLine, Amount: l.Amount.Amount, DocumentLine: l.ID,
		Allowance: l.Allowance.Amount, Charge: l.Charge.Amount}
	if line.LineID == "" {
		line.LineID = l.ID
	}
	q := l.Quantity.Rat()
	if !q.IsInt() || !q.Num().IsInt64() {
		return line, linkfin.Errorf(EUNBILLABLE, "line %s: quantity %s is not a whole number of units, which an order counts", l.ID, l.Quantity)
	}
	line.Quantity = q.Num().Int64()
	// A price per one unit, exact in minor units, is the order's kind of price.
	scale := new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(cur.Exponent())), nil))
	p := new(big.Rat).Mul(l.Price.Rat(), scale)
	if l.BaseQuantity.Rat().Cmp(big.NewRat(1, 1)) == 0 && p.IsInt() && p.Num().IsInt64() && p.Sign() > 0 {
		line.UnitPrice = p.Num().Int64()
		return line, nil
	}
	var err error
	if line.Price, err = linkfin.ParseRate(l.Price.String()); err != nil {
		return line, linkfin.Errorf(EUNBILLABLE, "line %s: price %s: %s", l.ID, l.Price, linkfin.ErrorMessage(err))
	}
	if l.BaseQuantity.Rat().Cmp(big.NewRat(1, 1)) != 0 {
		if line.BaseQuantity, err = linkfin.ParseRate(l.BaseQuantity.String()); err != nil {
			return line, linkfin.Errorf(EUNBILLABLE, "line %s: base quantity %s: %s", l.ID, l.BaseQuantity, linkfin.ErrorMessage(err))
		}
	}
	return line, nil
}

// CreditNoteFromEInvoice maps an e-credit note (UBL or CII) onto a linkfin credit note
// of the invoice it names (BillingReference; CII: InvoiceReferencedDocument), returned
// as that invoice's number. The note credits
// the document's PayableAmount: what the buyer no longer owes. Its reason is the
// document's first Note, else its type; its issue date the document's, which
// CreateCreditNote holds to an invoice's rules.
func CreditNoteFromEInvoice(doc *ubl.Document) (note linkfin.CreditNote, invoiceNumber string, err error) {
	note = linkfin.CreditNote{Number: doc.ID, Amount: doc.Payable.Amount, Reason: doc.Note}
	if doc.Kind != ubl.KindCreditNote {
		return note, "", linkfin.Errorf(ETYPECODE, "an invoice is not a credit note: send it as an invoice")
	}
	if note.IssueDate, err = linkfin.ParseDate(doc.IssueDate); err != nil {
		return note, "", err
	}
	kind, ok := creditNoteTypes[doc.TypeCode]
	if !ok {
		return note, "", typeRefused(doc)
	}
	if err := ruleErrors(doc); err != nil {
		return note, "", err
	}
	switch len(doc.BillingRefs) {
	case 0:
		return note, "", linkfin.Errorf(EREFERENCE, "credit note %s names no invoice it credits (BillingReference/InvoiceDocumentReference)", doc.ID)
	case 1:
	default:
		return note, "", linkfin.Errorf(EREFERENCE, "credit note %s credits %d invoices; on linkfin a credit note credits one", doc.ID, len(doc.BillingRefs))
	}
	if doc.Payable.Amount <= 0 {
		return note, "", linkfin.Errorf(EUNBILLABLE, "credit note %s credits %s: a credit note credits a positive amount", doc.ID, doc.Payable)
	}
	if note.Reason == "" {
		note.Reason = kind + " " + doc.ID
	}
	if len(note.Reason) > 1000 {
		cut := 997
		for cut > 0 && !utf8.RuneStart(note.Reason[cut]) {
			cut--
		}
		note.Reason = note.Reason[:cut] + "…"
	}
	return note, doc.BillingRefs[0], nil
}
