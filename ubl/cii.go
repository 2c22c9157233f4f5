package ubl

import (
	"fmt"
	"slices"
	"strings"
	"time"

	"linkfin"
)

// creditNoteTypes are the UNTDID 1001 document type codes that EN 16931 lists for a
// credit note; a CII document says it is one by its type code alone (a UBL one by its
// root element).
var creditNoteTypes = map[string]bool{
	"81": true, "83": true, "261": true, "262": true, "296": true, "308": true,
	"381": true, "396": true, "420": true, "458": true, "532": true,
}

// linelessProfiles are the Factur-X (and ZUGFeRD 2) profiles below EN 16931, by their
// guideline ids (BT-24): their documents carry the totals but no lines, and the
// Factur-X specification itself counts them below EN 16931, not as invoices it
// describes.
var linelessProfiles = map[string]string{
	"urn:factur-x.eu:1p0:minimum": "MINIMUM",
	"urn:factur-x.eu:1p0:basicwl": "BASIC WL",
	"urn:zugferd.de:2p0:minimum":  "MINIMUM",
	"urn:zugferd.de:2p0:basicwl":  "BASIC WL",
}

// notInvoiced are the sub-types of a line (LineStatusReasonCode, in Factur-X's EXTENDED
// profile and XRechnung's extension) that are not invoiced: a GROUP line heads the
// lines below it (ParentLineID) and repeats their sum, an INFORMATION line only
// describes. The invoice's lines are its DETAIL lines (or those with no sub-type),
// which add up to LineTotalAmount (BT-106), as BR-CO-10 checks; reading the others too
// would count a group twice.
var notInvoiced = map[string]bool{"GROUP": true, "INFORMATION": true}

// convertCII checks a decoded CII document and builds the Document, as convert does a
// UBL one; the messages name CII's elements. Its parts are read in the document's
// order, so the first fault found is the first in the document.
func convertCII(x *ciiDocument) (*Document, error) {
	doc, err := ciiExchanged(x)
	if err != nil {
		return nil, err
	}
	t := x.Transaction
	if t == nil {
		return nil, invalid("SupplyChainTradeTransaction is missing")
	}
	a, s := t.Agreement, t.Settlement
	if a == nil {
		return nil, invalid("ApplicableHeaderTradeAgreement is missing")
	}
	if s == nil {
		return nil, invalid("ApplicableHeaderTradeSettlement is missing")
	}
	code := trim(s.InvoiceCurrencyCode)
	if code == "" {
		return nil, invalid("ApplicableHeaderTradeSettlement/InvoiceCurrencyCode is missing")
	}
	doc.Currency = linkfin.Currency(code)
	if doc.Currency.Exponent() < 0 {
		return nil, invalid("InvoiceCurrencyCode: unknown currency %s", quote(code))
	}
	// CII gives an amount's currency only where it may differ (TaxTotalAmount): an
	// amount without one is in the invoice currency.
	c := converter{cur: doc.Currency, bare: true}
	for _, p := range s.PaymentTerms {
		if doc.DueDate != "" {
			break
		}
		if doc.DueDate, err = ciiDate("SpecifiedTradePaymentTerms/DueDateDateTime", p.DueDateDateTime); err != nil {
			return nil, err
		}
	}
	if a.BuyerOrder != nil {
		doc.OrderRef = trim(a.BuyerOrder.IssuerAssignedID)
	}
	for _, r := range s.InvoiceReferenced {
		if id := trim(r.IssuerAssignedID); id != "" {
			doc.BillingRefs = append(doc.BillingRefs, id)
		}
	}
	if err := ciiParties(doc, a, s); err != nil {
		return nil, err
	}
	if err := c.ciiCharges(doc, s); err != nil {
		return nil, err
	}
	if err := c.ciiTotals(doc, s); err != nil {
		return nil, err
	}
	if err := c.ciiLines(doc, t); err != nil {
		return nil, err
	}
	return doc, nil
}

// ciiExchanged reads the document's profile and ExchangedDocument: its number, type,
// issue date and first note.
func ciiExchanged(x *ciiDocument) (*Document, error) {
	if x.Context != nil && x.Context.Guideline != nil {
		if profile, ok := linelessProfiles[trim(x.Context.Guideline.ID)]; ok {
			return nil, invalid("the document follows Factur-X's %s profile (%s), which has no invoice lines: it is not an invoice EN 16931 describes; "+
				"send it in the BASIC, EN 16931 or EXTENDED profile, or as UBL", profile, quote(trim(x.Context.Guideline.ID)))
		}
	}
	h := x.Header
	if h == nil {
		return nil, invalid("ExchangedDocument is missing")
	}
	doc := &Document{Kind: KindInvoice, Syntax: SyntaxCII, ID: trim(h.ID), TypeCode: trim(h.TypeCode)}
	if doc.ID == "" {
		return nil, invalid("ExchangedDocument/ID (the document number) is missing")
	}
	if creditNoteTypes[doc.TypeCode] {
		doc.Kind = KindCreditNote
	}
	var err error
	if doc.IssueDate, err = ciiDate("ExchangedDocument/IssueDateTime", h.IssueDateTime); err != nil {
		return nil, err
	}
	if doc.IssueDate == "" {
		return nil, invalid("ExchangedDocument/IssueDateTime is missing")
	}
	for _, n := range h.IncludedNote {
		for _, c := range n.Content {
			if doc.Note == "" {
				doc.Note = trim(c)
			}
		}
	}
	return doc, nil
}

// ciiParties reads the seller and the buyer, each with a name, the payee if another,
// and the first account to pay into.
func ciiParties(doc *Document, a *ciiHeaderAgreement, s *ciiHeaderSettlement) error {
	if a.Seller == nil {
		return invalid("SellerTradeParty (the seller) is missing")
	}
	doc.Seller = tradeParty(a.Seller)
	if doc.Seller.Name == "" {
		return invalid("SellerTradeParty: the seller has no name (Name or SpecifiedLegalOrganization/TradingBusinessName)")
	}
	if a.Buyer == nil {
		return invalid("BuyerTradeParty (the buyer) is missing")
	}
	doc.Buyer = tradeParty(a.Buyer)
	if doc.Buyer.Name == "" {
		return invalid("BuyerTradeParty: the buyer has no name (Name or SpecifiedLegalOrganization/TradingBusinessName)")
	}
	if s.Payee != nil {
		doc.Payee = tradeParty(s.Payee)
	}
	for _, pm := range s.PaymentMeans {
		if pm.Account == nil {
			continue
		}
		if doc.PaymentAccount = trim(pm.Account.IBANID); doc.PaymentAccount == "" {
			doc.PaymentAccount = trim(pm.Account.ProprietaryID)
		}
		if doc.PaymentAccount != "" {
			break
		}
	}
	return nil
}

// ciiCharges reads the VAT of each rate, and the document's allowances and charges,
// the EXTENDED profile's logistics service charges among them.
func (c converter) ciiCharges(doc *Document, s *ciiHeaderSettlement) error {
	for i, tax := range s.Tax {
		path := fmt.Sprintf("ApplicableTradeTax[%d]/CalculatedAmount", i+1)
		if tax.CalculatedAmount == nil {
			return invalid("%s is missing", path)
		}
		m, err := c.amount(path, tax.CalculatedAmount)
		if err != nil {
			return err
		}
		if doc.TaxSubtotals, err = add(doc.TaxSubtotals, m); err != nil {
			return at("ApplicableTradeTax", err)
		}
	}
	var err error
	if doc.Allowances, doc.Charges, err = c.allowanceCharges("SpecifiedTradeAllowanceCharge", "ActualAmount", ciiAllowanceCharges(s.AllowanceCharge)); err != nil {
		return err
	}
	logistics := make([]xmlAllowanceCharge, len(s.LogisticsCharge))
	for i, lc := range s.LogisticsCharge {
		logistics[i] = xmlAllowanceCharge{ChargeIndicator: "true", Amount: lc.AppliedAmount}
	}
	_, freight, err := c.allowanceCharges("SpecifiedLogisticsServiceCharge", "AppliedAmount", logistics)
	if err != nil {
		return err
	}
	if doc.Charges, err = add(doc.Charges, freight); err != nil {
		return at("SpecifiedLogisticsServiceCharge", err)
	}
	return nil
}

// ciiTotals reads the document's monetary summation, and its VAT total in the invoice
// currency (BT-110); one again in the tax currency (BT-111) is checked, not added.
func (c converter) ciiTotals(doc *Document, s *ciiHeaderSettlement) error {
	m := s.Totals
	if m == nil {
		return invalid("SpecifiedTradeSettlementHeaderMonetarySummation is missing")
	}
	const sum = "SpecifiedTradeSettlementHeaderMonetarySummation/"
	if err := c.totals(sum, []total{
		{&doc.LineTotal, "LineTotalAmount", m.LineTotalAmount, true},
		{&doc.AllowanceTotal, "AllowanceTotalAmount", m.AllowanceTotalAmount, false},
		{&doc.ChargeTotal, "ChargeTotalAmount", m.ChargeTotalAmount, false},
		{&doc.TaxExclusive, "TaxBasisTotalAmount", m.TaxBasisTotalAmount, true},
		{&doc.TaxInclusive, "GrandTotalAmount", m.GrandTotalAmount, true},
		{&doc.Prepaid, "TotalPrepaidAmount", m.TotalPrepaidAmount, false},
		{&doc.Rounding, "RoundingAmount", m.RoundingAmount, false},
		{&doc.Payable, "DuePayableAmount", m.DuePayableAmount, true},
	}); err != nil {
		return err
	}
	taxCurrency := trim(s.TaxCurrencyCode)
	for i := range m.TaxTotalAmount {
		tax := &m.TaxTotalAmount[i]
		path := fmt.Sprintf("%sTaxTotalAmount[%d]", sum, i+1)
		if id := trim(tax.CurrencyID); id != string(doc.Currency) && id != "" && id == taxCurrency {
			if _, err := money(tax.Value, linkfin.Currency(id)); err != nil {
				return at(path, err)
			}
			continue
		}
		if doc.TaxTotal.Currency != "" {
			return invalid("%s: the VAT total is given twice in the invoice currency %s", path, doc.Currency)
		}
		var err error
		if doc.TaxTotal, err = c.amount(path, tax); err != nil {
			return err
		}
	}
	return nil
}

// ciiLines reads the invoice lines, passing over GROUP and INFORMATION lines, which
// invoice nothing of their own.
func (c converter) ciiLines(doc *Document, t *ciiTransaction) error {
	if len(t.Lines) == 0 {
		return invalid("the document has no IncludedSupplyChainTradeLineItem")
	}
	doc.Lines = make([]Line, 0, len(t.Lines))
	for i, l := range t.Lines {
		if l.Document != nil && notInvoiced[strings.ToUpper(trim(l.Document.StatusReason))] {
			continue
		}
		ln, err := c.ciiLine(fmt.Sprintf("IncludedSupplyChainTradeLineItem[%d]", i+1), &l)
		if err != nil {
			return err
		}
		doc.Lines = append(doc.Lines, ln)
	}
	if len(doc.Lines) == 0 {
		return invalid("the document has no invoice line: each IncludedSupplyChainTradeLineItem is a GROUP or INFORMATION line")
	}
	return nil
}

func (c converter) ciiLine(path string, l *ciiLine) (Line, error) {
	var ln Line
	if l.Document != nil {
		ln.ID = trim(l.Document.LineID)
	}
	if ln.ID == "" {
		return Line{}, invalid("%s: AssociatedDocumentLineDocument/LineID is missing", path)
	}
	path += " (LineID " + quote(ln.ID) + ")"
	if l.Product != nil {
		for _, n := range l.Product.Name {
			if ln.Item = trim(n); ln.Item != "" {
				break
			}
		}
	}
	if l.Delivery == nil || l.Delivery.BilledQuantity == nil {
		return Line{}, invalid("%s: SpecifiedLineTradeDelivery/BilledQuantity is missing", path)
	}
	q := l.Delivery.BilledQuantity
	var err error
	if ln.Quantity, err = ParseDecimal(q.Value); err != nil {
		return Line{}, at(path+": BilledQuantity", err)
	}
	ln.UnitCode = trim(q.UnitCode)

	s := l.Settlement
	if s == nil || s.Totals == nil || s.Totals.LineTotalAmount == nil {
		return Line{}, invalid("%s: SpecifiedLineTradeSettlement/SpecifiedTradeSettlementLineMonetarySummation/LineTotalAmount is missing", path)
	}
	if ln.Amount, err = c.amount(path+": LineTotalAmount", s.Totals.LineTotalAmount); err != nil {
		return Line{}, err
	}

	const price = "SpecifiedLineTradeAgreement/NetPriceProductTradePrice"
	a := l.Agreement
	if a == nil || a.NetPrice == nil || a.NetPrice.ChargeAmount == nil {
		return Line{}, invalid("%s: %s/ChargeAmount is missing", path, price)
	}
	if ln.Price, ln.BaseQuantity, err = c.price(path+": "+price+"/ChargeAmount", a.NetPrice.ChargeAmount,
		path+": "+price+"/BasisQuantity", a.NetPrice.BasisQuantity); err != nil {
		return Line{}, err
	}
	if a.BuyerOrder != nil {
		ln.OrderLine = trim(a.BuyerOrder.LineID)
	}
	if ln.Allowance, ln.Charge, err = c.allowanceCharges(path+": SpecifiedTradeAllowanceCharge", "ActualAmount", ciiAllowanceCharges(s.AllowanceCharge)); err != nil {
		return Line{}, err
	}
	return ln, nil
}

// ciiAllowanceCharges gives CII's allowances and charges the shape of UBL's, which
// allowanceCharges reads.
func ciiAllowanceCharges(acs []ciiAllowanceCharge) []xmlAllowanceCharge {
	out := make([]xmlAllowanceCharge, len(acs))
	for i, ac := range acs {
		out[i].Amount = ac.ActualAmount
		if ac.ChargeIndicator != nil {
			out[i].ChargeIndicator = ac.ChargeIndicator.Indicator
		}
	}
	return out
}

// tradeParty reads a CII trade party. CII's Name is the legal name (BT-27, UBL's
// PartyLegalEntity/RegistrationName) and SpecifiedLegalOrganization/TradingBusinessName
// the trading name (BT-28, UBL's PartyName): Name is the trading name, else the legal
// name, as for UBL.
func tradeParty(p *ciiParty) Party {
	out := Party{LegalName: trim(p.Name)}
	if p.LegalOrganization != nil {
		out.Name = trim(p.LegalOrganization.TradingBusinessName)
		if id := p.LegalOrganization.ID; id != nil {
			out.LegalID, out.LegalIDScheme = trim(id.Value), trim(id.SchemeID)
		}
	}
	if out.Name == "" {
		out.Name = out.LegalName
	}
	for _, u := range p.URI {
		if u.URIID != nil && trim(u.URIID.Value) != "" {
			out.Endpoint, out.EndpointScheme = trim(u.URIID.Value), trim(u.URIID.SchemeID)
			break
		}
	}
	// The party's identifier: its electronic address, else its identifiers (BT-29,
	// global ones with their scheme first), else its legal registration, as for UBL.
	ids := []xmlID{{Value: out.Endpoint, SchemeID: out.EndpointScheme}}
	ids = append(ids, p.GlobalID...)
	ids = append(ids, p.ID...)
	ids = append(ids, xmlID{Value: out.LegalID, SchemeID: out.LegalIDScheme})
	for _, id := range ids {
		if trim(id.Value) != "" {
			out.ID, out.IDScheme = trim(id.Value), trim(id.SchemeID)
			break
		}
	}
	// Its identifications, UBL's PartyIdentification: the global ones, then the others.
	for _, id := range slices.Concat(p.GlobalID, p.ID) {
		if trim(id.Value) != "" {
			out.Identifications = append(out.Identifications, Identification{ID: trim(id.Value), Scheme: trim(id.SchemeID)})
		}
	}
	for _, r := range p.TaxRegistration {
		if r.ID != nil && trim(r.ID.SchemeID) == "VA" {
			if out.VATID = trim(r.ID.Value); out.VATID != "" {
				break
			}
		}
	}
	if p.Address != nil {
		out.Country = trim(p.Address.CountryID)
	}
	return out
}

// ciiDate reads a date as EN 16931's CII binding writes it: udt:DateTimeString with
// format 102, YYYYMMDD. nil gives "".
func ciiDate(path string, d *ciiDateTime) (string, error) {
	if d == nil {
		return "", nil
	}
	if d.DateTimeString == nil {
		return "", invalid("%s: DateTimeString is missing", path)
	}
	s := trim(d.DateTimeString.Value)
	if f := trim(d.DateTimeString.Format); f != "102" {
		return "", invalid("%s: DateTimeString has format %s: want 102 (YYYYMMDD)", path, quote(f))
	}
	t, err := time.Parse("20060102", s)
	if err != nil {
		return "", invalid("%s: %s is not a date YYYYMMDD (format 102)", path, quote(s))
	}
	return inRange(path, t.Format("2006-01-02"))
}
