// Package ubl reads the e-invoices and credit notes of EN 16931 in both of its syntaxes
// into a Document, the neutral form that linkfin's invoice service maps onto its
// domain: UBL 2.1 (OASIS UBL 2.1, PEPPOL BIS Billing 3.0, the EN 16931 UBL binding) and
// the UN/CEFACT Cross Industry Invoice (CII D16B, the EN 16931 CII binding, which
// Factur-X, ZUGFeRD and XRechnung's CII form use).
//
// Parse is strict about what money and identity depend on: the document number, dates,
// the currency, every amount (exact, in minor units, in the document currency), the
// parties' names and the lines. It ignores the rest of the document. Whether the totals
// add up is a separate question, answered by Document.Check.
package ubl

import (
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strings"
	"time"

	"linkfin"
	"linkfin/internal/xmldoc"
)

// Error codes of this package. They are stable: callers match on them.
const (
	EINVALID  = "ubl_invalid"   // not a UBL 2.1 or CII invoice or credit note that linkfin can use
	ETOOLARGE = "ubl_too_large" // larger than the caller's limit
)

// DefaultMaxBytes is the size limit of Parse. Invoices with embedded attachments (scans,
// PDFs in base64) run to a few megabytes.
const DefaultMaxBytes = 32 << 20

// Document kinds.
const (
	KindInvoice    = "invoice"     // UBL: root element Invoice; CII: a type code not of a credit note
	KindCreditNote = "credit_note" // UBL: root element CreditNote; CII: a credit note's type code (381, 396, …)
)

// Syntaxes of a Document.
const (
	SyntaxUBL = "ubl" // UBL 2.1
	SyntaxCII = "cii" // UN/CEFACT Cross Industry Invoice D16B
)

// Document is an invoice or a credit note. Amounts are linkfin.Money in minor units of
// the document currency, with the sign the document gives them: a credit note's positive
// amounts are owed to the buyer, and invoices may carry negative lines (returns) or even
// negative totals (corrections), as EN 16931 allows. An optional amount the document does
// not give is the zero Money, whose Currency is "".
type Document struct {
	Kind      string           `json:"kind"`                // KindInvoice or KindCreditNote
	Syntax    string           `json:"syntax"`              // SyntaxUBL or SyntaxCII: what the document was written in
	TypeCode  string           `json:"type_code,omitempty"` // InvoiceTypeCode or CreditNoteTypeCode (UNTDID 1001: 380 commercial invoice, 381 credit note, 393 factored invoice, …)
	ID        string           `json:"id"`                  // cbc:ID (CII: ExchangedDocument/ID), the invoice or credit note number
	IssueDate string           `json:"issue_date"`          // YYYY-MM-DD
	DueDate   string           `json:"due_date,omitempty"`  // cbc:DueDate, else the first PaymentMeans/PaymentDueDate, else the first PaymentTerms/PaymentDueDate; YYYY-MM-DD or ""
	Currency  linkfin.Currency `json:"currency"`            // cbc:DocumentCurrencyCode

	Note string `json:"note,omitempty"` // the first cbc:Note, such as a credit note's reason

	OrderRef    string   `json:"order_ref,omitempty"`    // OrderReference/ID, the buyer's purchase order
	BillingRefs []string `json:"billing_refs,omitempty"` // BillingReference/InvoiceDocumentReference/ID: for a credit note, the invoices it credits

	Seller Party `json:"seller"`         // AccountingSupplierParty
	Buyer  Party `json:"buyer"`          // AccountingCustomerParty
	Payee  Party `json:"payee,omitzero"` // PayeeParty, when someone other than the seller is to be paid, such as a factor; zero if absent

	Lines []Line `json:"lines"` // at least one

	// LegalMonetaryTotal, and the document's VAT total.
	LineTotal      linkfin.Money `json:"line_total"`               // LineExtensionAmount: the sum of the lines' net amounts
	AllowanceTotal linkfin.Money `json:"allowance_total,omitzero"` // AllowanceTotalAmount: document-level allowances; optional
	ChargeTotal    linkfin.Money `json:"charge_total,omitzero"`    // ChargeTotalAmount: document-level charges; optional
	TaxExclusive   linkfin.Money `json:"tax_exclusive"`            // TaxExclusiveAmount
	TaxTotal       linkfin.Money `json:"tax_total,omitzero"`       // the sum of TaxTotal/TaxAmount in the document currency; optional
	TaxInclusive   linkfin.Money `json:"tax_inclusive"`            // TaxInclusiveAmount
	Prepaid        linkfin.Money `json:"prepaid,omitzero"`         // PrepaidAmount; optional
	// The sums of the document's own parts that the totals above restate: its
	// document-level AllowanceCharge amounts, and the TaxSubtotal/TaxAmount of its tax
	// totals in the document currency. Zero Money where the document has none.
	Allowances   linkfin.Money `json:"allowances,omitzero"`
	Charges      linkfin.Money `json:"charges,omitzero"`
	TaxSubtotals linkfin.Money `json:"tax_subtotals,omitzero"`
	Rounding     linkfin.Money `json:"rounding,omitzero"` // PayableRoundingAmount; optional
	Payable      linkfin.Money `json:"payable"`           // PayableAmount: what the buyer is to pay

	// PaymentAccount is the first PaymentMeans/PayeeFinancialAccount/ID: usually an IBAN,
	// but national account numbers (a Swedish bankgiro, say) are written there too.
	PaymentAccount string `json:"payment_account,omitempty"`
}

// Party is a seller, buyer or payee.
type Party struct {
	Name      string `json:"name"`                 // PartyName/Name, else PartyLegalEntity/RegistrationName, else PartyTaxScheme/RegistrationName
	LegalName string `json:"legal_name,omitempty"` // PartyLegalEntity/RegistrationName
	ID        string `json:"id,omitempty"`         // EndpointID, else PartyIdentification/ID, else PartyLegalEntity/CompanyID
	IDScheme  string `json:"id_scheme,omitempty"`  // the schemeID of ID, such as "0088" (GLN) or "0007" (Swedish organisation number)
	VATID     string `json:"vat_id,omitempty"`     // PartyTaxScheme/CompanyID under the VAT tax scheme
	// The electronic address (EndpointID, with its schemeID: an EAS code such as
	// "0088" or "9930") and the legal registration id (PartyLegalEntity/CompanyID, with
	// its schemeID if any), as the document gives them.
	Endpoint       string `json:"endpoint,omitempty"`
	EndpointScheme string `json:"endpoint_scheme,omitempty"`
	LegalID        string `json:"legal_id,omitempty"`
	LegalIDScheme  string `json:"legal_id_scheme,omitempty"`
	// Identifications are the party's identifiers (EN 16931 BT-29, BT-46, BT-60), each
	// PartyIdentification/ID with its schemeID (an ISO 6523 code such as "0088", or none
	// for a number one trading partner gives the other), in the document's order.
	Identifications []Identification `json:"identifications,omitempty"`
	Country         string           `json:"country,omitempty"` // PostalAddress/Country/IdentificationCode
}

// Identification is an identifier of a party, with its scheme if the document gives one.
type Identification struct {
	ID     string `json:"id"`
	Scheme string `json:"scheme,omitempty"`
}

// Line is an InvoiceLine or CreditNoteLine. Quantity keeps its sign: EN 16931 lets an
// invoice line have a negative quantity (goods returned), and a credit note line too.
// The unit price cannot be negative (EN 16931 BR-27); Parse refuses one.
type Line struct {
	ID           string        `json:"id"`
	Item         string        `json:"item,omitempty"`       // Item/Name
	Quantity     Decimal       `json:"quantity"`             // InvoicedQuantity or CreditedQuantity
	UnitCode     string        `json:"unit_code,omitempty"`  // its unitCode (UN/ECE Recommendation 20)
	Price        Decimal       `json:"price"`                // Price/PriceAmount: the net price of BaseQuantity units
	BaseQuantity Decimal       `json:"base_quantity"`        // Price/BaseQuantity; 1 when the document gives none
	Allowance    linkfin.Money `json:"allowance,omitzero"`   // the sum of the line's allowances; zero Money if none
	Charge       linkfin.Money `json:"charge,omitzero"`      // the sum of the line's charges; zero Money if none
	Amount       linkfin.Money `json:"amount"`               // LineExtensionAmount, the line's net amount
	OrderLine    string        `json:"order_line,omitempty"` // OrderLineReference/LineID
}

// Parse reads an invoice or credit note of at most DefaultMaxBytes. See ParseLimit.
func Parse(r io.Reader) (*Document, error) {
	return ParseLimit(r, DefaultMaxBytes)
}

// ParseLimit reads a UBL 2.1 Invoice or CreditNote, or a CII CrossIndustryInvoice,
// telling them apart by the root element and its namespace (and a CII credit note by
// its type code). A body longer than maxBytes is an ETOOLARGE error; a body
// that is not a usable invoice or credit note is an EINVALID error whose message says
// what is wrong. Errors reading r are returned wrapped, without a code.
//
// The XML is read as the iso20022 package reads a bank's messages: in UTF-8, in UTF-16
// (by its byte order mark, or "<?xml" in UTF-16 declaring it) or in the encoding its
// XML declaration names (ISO-8859-1, windows-1252, …), and it must be well-formed
// throughout: a document whose bytes are not of the encoding it declares (UTF-8 when it
// declares none), an attribute given twice, an XML declaration anywhere
// but at the start or anything but white space, comments and processing instructions
// after the root element is EINVALID. So is an element that Parse reads once (the
// document's ID, a total, a party's EndpointID, a line's Price, …) given twice under
// its parent, which UBL (and EN 16931's CII binding) does not allow either: it is not for Parse to choose one. So is an
// element inside a value Parse reads (<cbc:PayableAmount currencyID="CNY">1<x>0</x>000.00</…>):
// values are text alone, and encoding/xml would read this one without the element's
// text, as 1000.00, where any other reader reads 10000.00. It may not have a DOCTYPE or any other <!…>
// declaration: they are how entity expansion and external-entity (XXE) attacks begin,
// and neither syntax needs one.
func ParseLimit(r io.Reader, maxBytes int64) (*Document, error) {
	raw := xmldoc.NewReader(&limitReader{r: r, left: maxBytes})
	once := xmldoc.NewOnce(checked{raw}, raw.Line)
	syntax := SyntaxUBL
	doc, err := decode(xml.NewTokenDecoder(once), once, &syntax)
	if err != nil {
		return nil, explain(err, raw, maxBytes, syntax)
	}
	return doc, nil
}

// The shapes of what Parse reads of the root element, by the tags of xmlDocument and
// ciiDocument: once follows them to refuse an element read once given twice.
var (
	documentShape = xmldoc.ShapeOf(reflect.TypeFor[xmlDocument]())
	ciiShape      = xmldoc.ShapeOf(reflect.TypeFor[ciiDocument]())
)

// decode reads the document, setting *syntax to the syntax its root element is of
// (SyntaxUBL or SyntaxCII), for the messages of errors found later.
func decode(d *xml.Decoder, once *xmldoc.Once, syntax *string) (*Document, error) {
	root, err := rootElement(d)
	if err != nil {
		return nil, err
	}
	var (
		kind string
		x    xmlDocument
		cii  ciiDocument
		into any = &x
	)
	switch root.Name {
	case xml.Name{Space: nsInvoice, Local: "Invoice"}:
		kind = KindInvoice
		once.Begin(documentShape)
	case xml.Name{Space: nsCreditNote, Local: "CreditNote"}:
		kind = KindCreditNote
		once.Begin(documentShape)
	case xml.Name{Space: nsCII, Local: "CrossIndustryInvoice"}:
		*syntax, into = SyntaxCII, &cii
		once.Begin(ciiShape)
	case xml.Name{Space: nsZUGFeRD1, Local: "CrossIndustryDocument"}:
		return nil, invalid("a ZUGFeRD 1.0 invoice (namespace %s), the format that came before EN 16931: send it as ZUGFeRD 2 or Factur-X "+
			"(a CII CrossIndustryInvoice) or as UBL 2.1", quote(nsZUGFeRD1))
	default:
		return nil, invalid("the root element is %s in namespace %s: want a UBL 2.1 Invoice or CreditNote, or a CII CrossIndustryInvoice",
			quote(root.Name.Local), quote(root.Name.Space))
	}
	if err := d.DecodeElement(into, &root); err != nil {
		return nil, err
	}
	// What may follow the root element (comments, processing instructions, white
	// space) the token reader lets pass; anything else it refuses.
	for {
		if _, err := d.Token(); err == io.EOF {
			break
		} else if err != nil {
			return nil, err
		}
	}
	if *syntax == SyntaxCII {
		return convertCII(&cii)
	}
	return convert(kind, &x)
}

// rootElement returns the first element; the token reader refuses text before it, and
// a document without one.
func rootElement(d *xml.Decoder) (xml.StartElement, error) {
	for {
		t, err := d.Token()
		if err != nil {
			return xml.StartElement{}, err
		}
		if t, ok := t.(xml.StartElement); ok {
			return t, nil
		}
	}
}

// checked passes the tokens of the well-formedness checking reader on, refusing any
// directive (<!DOCTYPE …>, <!ENTITY …>). An xmldoc.Once reads from it, refusing an
// element read once given twice; the decoder that reads from that does the namespace
// translation and the checking of element nesting.
type checked struct{ r *xmldoc.Reader }

func (c checked) Token() (xml.Token, error) {
	t, err := c.r.Token()
	if _, ok := t.(xml.Directive); ok {
		return nil, invalid("the document has a DOCTYPE or other <!...> declaration: they are refused, as they can define entities (XXE)")
	}
	return t, err
}

var errTooLarge = errors.New("document too large")

// readError is an error of the caller's reader, told apart from the document's faults.
type readError struct{ err error }

func (e readError) Error() string { return e.err.Error() }
func (e readError) Unwrap() error { return e.err }

// limitReader reads at most left bytes from r and fails with errTooLarge if there is
// more.
type limitReader struct {
	r    io.Reader
	left int64
}

func (l *limitReader) Read(p []byte) (int, error) {
	if len(p) == 0 {
		return 0, nil
	}
	if l.left <= 0 {
		// At the limit: the body is fine if it ends here.
		var one [1]byte
		n, err := l.r.Read(one[:])
		if n > 0 {
			return 0, errTooLarge
		}
		return 0, wrapRead(err)
	}
	if int64(len(p)) > l.left {
		p = p[:l.left]
	}
	n, err := l.r.Read(p)
	l.left -= int64(n)
	return n, wrapRead(err)
}

func wrapRead(err error) error {
	if err == nil || err == io.EOF {
		return err
	}
	return readError{err}
}

// explain turns what the decoder returned into this package's errors; syntax is the
// document's (SyntaxUBL, SyntaxCII).
func explain(err error, raw *xmldoc.Reader, maxBytes int64, syntax string) error {
	var (
		rerr  readError
		lerr  *linkfin.Error
		serr  *xml.SyntaxError
		eerr  *xmldoc.EncodingError
		twice *xmldoc.Twice
		inval *xmldoc.ElementInText
	)
	switch {
	case errors.As(err, &rerr):
		return fmt.Errorf("read document: %w", rerr.err)
	case errors.Is(err, errTooLarge):
		return linkfin.Errorf(ETOOLARGE, "the document is larger than %d bytes", maxBytes)
	case errors.As(err, &lerr):
		return lerr
	case errors.As(err, &twice):
		return invalid("%s is given twice (line %d): %s allows it once there", pathTail(twice.Path, twice.Where), twice.Line, strings.ToUpper(syntax))
	case errors.As(err, &inval):
		// Its value would be read without the element's text, which any other reader
		// of the document reads: <cbc:PayableAmount>1<x>0</x>000.00</…> is 10000.00.
		return invalid("%s has an element %s inside its value (line %d): %s allows text alone there",
			pathTail(inval.Path, inval.Where), quote(inval.Child), inval.Line, strings.ToUpper(syntax))
	case errors.As(err, &serr):
		return invalid("not well-formed XML, line %d: %s", raw.Line(), trunc(serr.Msg))
	case errors.As(err, &eerr):
		return invalid("%s", eerr.Msg)
	default:
		return invalid("not well-formed XML: %s", trunc(err.Error()))
	}
}

// oioubl is the start of the specification identifier (CustomizationID, BT-24) of
// OIOUBL, Denmark's national UBL (OIOUBL-2.01, OIOUBL-2.02, OIOUBL-2.1). Its documents
// are UBL, but not EN 16931's: their TaxExclusiveAmount is the total of their taxes
// (VAT and duties), not the amount without them, and they may give a TaxTotal for each
// tax, so that read as EN 16931 every one of them breaks BR-CO-13 and BR-CO-15.
const oioubl = "OIOUBL-"

// xrechnungExtension is in the specification identifier (CustomizationID) of an invoice
// that follows XRechnung's extension, where a cac:PrepaidPayment is not a prepayment
// but a third party's claim that the seller collects (BG-DEX-09), which its
// PayableAmount adds to TaxInclusiveAmount − PrepaidAmount + PayableRoundingAmount.
const xrechnungExtension = "urn:xeinkauf.de:kosit:extension:xrechnung"

// convert checks the decoded document and builds the Document. Its parts are read in
// the document's order, so the first fault found is the first in the document.
func convert(kind string, x *xmlDocument) (*Document, error) {
	if err := notEN16931(x); err != nil {
		return nil, err
	}
	doc, err := ublHeader(kind, x)
	if err != nil {
		return nil, err
	}
	c := converter{cur: doc.Currency}
	lines, name := x.InvoiceLine, "InvoiceLine"
	doc.TypeCode = trim(x.InvoiceTypeCode)
	if kind == KindCreditNote {
		lines, name = x.CreditNoteLine, "CreditNoteLine"
		doc.TypeCode = trim(x.CreditNoteTypeCode)
		if len(x.InvoiceLine) > 0 {
			return nil, invalid("a CreditNote has InvoiceLine elements: want CreditNoteLine")
		}
	} else if len(x.CreditNoteLine) > 0 {
		return nil, invalid("an Invoice has CreditNoteLine elements: want InvoiceLine")
	}
	for _, n := range x.Note {
		if doc.Note = trim(n); doc.Note != "" {
			break
		}
	}
	if x.OrderReference != nil {
		doc.OrderRef = trim(x.OrderReference.ID)
	}
	for _, b := range x.BillingReference {
		if b.InvoiceDocumentReference != nil {
			if id := trim(b.InvoiceDocumentReference.ID); id != "" {
				doc.BillingRefs = append(doc.BillingRefs, id)
			}
		}
	}
	if err := ublParties(doc, x); err != nil {
		return nil, err
	}
	if err := c.ublTotals(doc, x); err != nil {
		return nil, err
	}
	if len(lines) == 0 {
		return nil, invalid("the document has no %s", name)
	}
	doc.Lines = make([]Line, 0, len(lines))
	for i, l := range lines {
		q := l.InvoicedQuantity
		if kind == KindCreditNote {
			q = l.CreditedQuantity
		}
		ln, err := c.line(fmt.Sprintf("%s[%d]", name, i+1), l, q)
		if err != nil {
			return nil, err
		}
		doc.Lines = append(doc.Lines, ln)
	}
	return doc, nil
}

// notEN16931 refuses, by its customization, a document whose amounts do not mean what
// EN 16931's do: OIOUBL's, and XRechnung's extension with third-party payments.
func notEN16931(x *xmlDocument) error {
	if id := trim(x.CustomizationID); len(id) >= len(oioubl) && strings.EqualFold(id[:len(oioubl)], oioubl) {
		return invalid("the document follows OIOUBL (CustomizationID %s), Denmark's national UBL, whose TaxExclusiveAmount is the total of its taxes, "+
			"not the amount without them: it is not an invoice EN 16931 describes; send it as PEPPOL BIS Billing 3.0", quote(id))
	}
	if n := len(x.PrepaidPayment); n > 0 && strings.Contains(strings.ToLower(x.CustomizationID), xrechnungExtension) {
		return invalid("the document follows XRechnung's extension and gives %d third-party payment(s) (cac:PrepaidPayment, BG-DEX-09), "+
			"which its PayableAmount adds to what the buyer owes beyond TaxInclusiveAmount - PrepaidAmount + PayableRoundingAmount: "+
			"linkfin takes an invoice whose PayableAmount is EN 16931's; bill the third parties' amounts on lines of their own, or apart", n)
	}
	return nil
}

// ublHeader reads the document's number, its dates and its currency.
func ublHeader(kind string, x *xmlDocument) (*Document, error) {
	doc := &Document{Kind: kind, Syntax: SyntaxUBL, ID: trim(x.ID)}
	if doc.ID == "" {
		return nil, invalid("ID (the document number) is missing")
	}
	var err error
	if doc.IssueDate, err = date("IssueDate", x.IssueDate); err != nil {
		return nil, err
	}
	if doc.IssueDate == "" {
		return nil, invalid("IssueDate is missing")
	}
	if doc.DueDate, err = dueDate(x); err != nil {
		return nil, err
	}
	code := trim(x.DocumentCurrencyCode)
	if code == "" {
		return nil, invalid("DocumentCurrencyCode is missing")
	}
	doc.Currency = linkfin.Currency(code)
	if doc.Currency.Exponent() < 0 {
		return nil, invalid("DocumentCurrencyCode: unknown currency %s", quote(code))
	}
	return doc, nil
}

// ublParties reads the seller and the buyer, each with a name, the payee if another,
// and the first account to pay into.
func ublParties(doc *Document, x *xmlDocument) error {
	if x.AccountingSupplierParty == nil || x.AccountingSupplierParty.Party == nil {
		return invalid("AccountingSupplierParty (the seller) is missing")
	}
	doc.Seller = party(x.AccountingSupplierParty.Party)
	if doc.Seller.Name == "" {
		return invalid("AccountingSupplierParty: the seller has no name (PartyName/Name, PartyLegalEntity/RegistrationName or PartyTaxScheme/RegistrationName)")
	}
	if x.AccountingCustomerParty == nil || x.AccountingCustomerParty.Party == nil {
		return invalid("AccountingCustomerParty (the buyer) is missing")
	}
	doc.Buyer = party(x.AccountingCustomerParty.Party)
	if doc.Buyer.Name == "" {
		return invalid("AccountingCustomerParty: the buyer has no name (PartyName/Name, PartyLegalEntity/RegistrationName or PartyTaxScheme/RegistrationName)")
	}
	if x.PayeeParty != nil {
		doc.Payee = party(x.PayeeParty)
	}
	for _, pm := range x.PaymentMeans {
		if pm.PayeeFinancialAccount != nil {
			if id := trim(pm.PayeeFinancialAccount.ID); id != "" {
				doc.PaymentAccount = id
				break
			}
		}
	}
	return nil
}

// ublTotals reads the VAT, the document's allowances and charges, and its
// LegalMonetaryTotal.
func (c converter) ublTotals(doc *Document, x *xmlDocument) error {
	var err error
	if doc.TaxTotal, doc.TaxSubtotals, err = c.taxTotal(x.TaxTotal, trim(x.TaxCurrencyCode)); err != nil {
		return err
	}
	if doc.Allowances, doc.Charges, err = c.allowanceCharges("AllowanceCharge", "Amount", x.AllowanceCharge); err != nil {
		return err
	}
	t := x.LegalMonetaryTotal
	if t == nil {
		return invalid("LegalMonetaryTotal is missing")
	}
	return c.totals("LegalMonetaryTotal/", []total{
		{&doc.LineTotal, "LineExtensionAmount", t.LineExtensionAmount, true},
		{&doc.AllowanceTotal, "AllowanceTotalAmount", t.AllowanceTotalAmount, false},
		{&doc.ChargeTotal, "ChargeTotalAmount", t.ChargeTotalAmount, false},
		{&doc.TaxExclusive, "TaxExclusiveAmount", t.TaxExclusiveAmount, true},
		{&doc.TaxInclusive, "TaxInclusiveAmount", t.TaxInclusiveAmount, true},
		{&doc.Prepaid, "PrepaidAmount", t.PrepaidAmount, false},
		{&doc.Rounding, "PayableRoundingAmount", t.PayableRoundingAmount, false},
		{&doc.Payable, "PayableAmount", t.PayableAmount, true},
	})
}

// converter reads amounts, which must all be in the document currency cur. Each names
// its currency (UBL), or may leave it out when bare is set (CII).
type converter struct {
	cur  linkfin.Currency
	bare bool
}

// amount reads an optional amount: nil gives the zero Money.
func (c converter) amount(path string, a *xmlAmount) (linkfin.Money, error) {
	if a == nil {
		return linkfin.Money{}, nil
	}
	if err := c.currency(path, a); err != nil {
		return linkfin.Money{}, err
	}
	m, err := money(a.Value, c.cur)
	if err != nil {
		return linkfin.Money{}, at(path, err)
	}
	return m, nil
}

// total is a document total: where it goes, its element, what the document gives.
type total struct {
	dst      *linkfin.Money
	name     string
	src      *xmlAmount
	required bool
}

// totals reads the totals, whose elements are below parent.
func (c converter) totals(parent string, ts []total) error {
	for _, t := range ts {
		if t.src == nil && t.required {
			return invalid("%s%s is missing", parent, t.name)
		}
		var err error
		if *t.dst, err = c.amount(parent+t.name, t.src); err != nil {
			return err
		}
	}
	return nil
}

// currency checks that a is in the document currency.
func (c converter) currency(path string, a *xmlAmount) error {
	switch id := trim(a.CurrencyID); id {
	case string(c.cur):
		return nil
	case "":
		if c.bare {
			return nil
		}
		return invalid("%s: currencyID is missing", path)
	default:
		return invalid("%s: currency %s differs from the document currency %s", path, quote(id), c.cur)
	}
}

// taxTotal sums the TaxTotal/TaxAmount elements in the document currency, and their
// TaxSubtotal/TaxAmount elements. EN 16931 lets a document give its VAT total a second
// time in the tax currency (BT-111) when that differs; those amounts are checked but
// not added.
func (c converter) taxTotal(totals []xmlTaxTotal, taxCurrency string) (sum, subtotals linkfin.Money, err error) {
	for i, t := range totals {
		path := fmt.Sprintf("TaxTotal[%d]/TaxAmount", i+1)
		if t.TaxAmount == nil {
			return sum, subtotals, invalid("%s is missing", path)
		}
		if id := trim(t.TaxAmount.CurrencyID); id != string(c.cur) && id != "" && id == taxCurrency {
			if _, err := money(t.TaxAmount.Value, linkfin.Currency(id)); err != nil {
				return sum, subtotals, at(path, err)
			}
			continue
		}
		m, err := c.amount(path, t.TaxAmount)
		if err != nil {
			return sum, subtotals, err
		}
		if sum, err = add(sum, m); err != nil {
			return sum, subtotals, at("TaxTotal", err)
		}
		for j, st := range t.TaxSubtotal {
			path := fmt.Sprintf("TaxTotal[%d]/TaxSubtotal[%d]/TaxAmount", i+1, j+1)
			if st.TaxAmount == nil {
				return sum, subtotals, invalid("%s is missing", path)
			}
			m, err := c.amount(path, st.TaxAmount)
			if err != nil {
				return sum, subtotals, err
			}
			if subtotals, err = add(subtotals, m); err != nil {
				return sum, subtotals, at("TaxSubtotal", err)
			}
		}
	}
	return sum, subtotals, nil
}

// allowanceCharges sums a list of AllowanceCharge elements into their allowances and
// their charges; amount names the element of the amount, for messages.
func (c converter) allowanceCharges(path, amount string, acs []xmlAllowanceCharge) (allowances, charges linkfin.Money, err error) {
	for i, ac := range acs {
		acPath := fmt.Sprintf("%s[%d]", path, i+1)
		var charge bool
		switch trim(ac.ChargeIndicator) {
		case "true", "1":
			charge = true
		case "false", "0":
		default:
			return allowances, charges, invalid("%s: ChargeIndicator %s is not true or false", acPath, quote(trim(ac.ChargeIndicator)))
		}
		if ac.Amount == nil {
			return allowances, charges, invalid("%s: %s is missing", acPath, amount)
		}
		m, err := c.amount(acPath+"/"+amount, ac.Amount)
		if err != nil {
			return allowances, charges, err
		}
		if charge {
			charges, err = add(charges, m)
		} else {
			allowances, err = add(allowances, m)
		}
		if err != nil {
			return allowances, charges, at(acPath, err)
		}
	}
	return allowances, charges, nil
}

func (c converter) line(path string, l xmlLine, q *xmlQuantity) (Line, error) {
	ln := Line{ID: trim(l.ID)}
	if ln.ID == "" {
		return Line{}, invalid("%s: ID is missing", path)
	}
	path += " (ID " + quote(ln.ID) + ")"
	if l.Item != nil {
		ln.Item = trim(l.Item.Name)
	}
	if q == nil {
		return Line{}, invalid("%s: the quantity is missing", path)
	}
	var err error
	if ln.Quantity, err = ParseDecimal(q.Value); err != nil {
		return Line{}, at(path+": quantity", err)
	}
	ln.UnitCode = trim(q.UnitCode)

	if l.LineExtensionAmount == nil {
		return Line{}, invalid("%s: LineExtensionAmount is missing", path)
	}
	if ln.Amount, err = c.amount(path+": LineExtensionAmount", l.LineExtensionAmount); err != nil {
		return Line{}, err
	}

	if l.Price == nil || l.Price.PriceAmount == nil {
		return Line{}, invalid("%s: Price/PriceAmount is missing", path)
	}
	if ln.Price, ln.BaseQuantity, err = c.price(path+": Price/PriceAmount", l.Price.PriceAmount,
		path+": Price/BaseQuantity", l.Price.BaseQuantity); err != nil {
		return Line{}, err
	}

	for _, r := range l.OrderLineReference {
		if ln.OrderLine = trim(r.LineID); ln.OrderLine != "" {
			break
		}
	}

	if ln.Allowance, ln.Charge, err = c.allowanceCharges(path+": AllowanceCharge", "Amount", l.AllowanceCharge); err != nil {
		return Line{}, err
	}
	return ln, nil
}

// price reads a line's net price, which may not be negative, and the quantity it is
// the price of (1 when base is nil), which must be positive. where and baseWhere name
// them.
func (c converter) price(where string, amount *xmlAmount, baseWhere string, base *xmlQuantity) (price, per Decimal, err error) {
	if err := c.currency(where, amount); err != nil {
		return price, per, err
	}
	if price, err = ParseDecimal(amount.Value); err != nil {
		return price, per, at(where, err)
	}
	if price.Sign() < 0 {
		return price, per, invalid("%s %s is negative (EN 16931 BR-27); a return has a negative quantity instead", where, price)
	}
	per = Decimal{unscaled: 1}
	if base != nil {
		if per, err = ParseDecimal(base.Value); err != nil {
			return price, per, at(baseWhere, err)
		}
		if per.Sign() <= 0 {
			return price, per, invalid("%s %s is not positive", baseWhere, per)
		}
	}
	return price, per, nil
}

// party reads the fields of a Party; a missing name is the caller's to judge.
func party(p *xmlParty) Party {
	var out Party
	for _, n := range p.PartyName {
		if out.Name = trim(n.Name); out.Name != "" {
			break
		}
	}
	for _, e := range p.PartyLegalEntity {
		if out.LegalName = trim(e.RegistrationName); out.LegalName != "" {
			break
		}
	}
	if out.Name == "" {
		out.Name = out.LegalName
	}
	// The name registered with the tax authority: some documents name a party only
	// there (Peruvian UBL 2.1 invoices name the buyer so).
	for _, t := range p.PartyTaxScheme {
		if out.Name != "" {
			break
		}
		out.Name = trim(t.RegistrationName)
	}

	if p.EndpointID != nil {
		out.Endpoint, out.EndpointScheme = trim(p.EndpointID.Value), trim(p.EndpointID.SchemeID)
	}
	for _, e := range p.PartyLegalEntity {
		if e.CompanyID != nil && trim(e.CompanyID.Value) != "" {
			out.LegalID, out.LegalIDScheme = trim(e.CompanyID.Value), trim(e.CompanyID.SchemeID)
			break
		}
	}
	ids := []*xmlID{p.EndpointID}
	for _, pi := range p.PartyIdentification {
		ids = append(ids, pi.ID)
		if pi.ID != nil && trim(pi.ID.Value) != "" {
			out.Identifications = append(out.Identifications, Identification{ID: trim(pi.ID.Value), Scheme: trim(pi.ID.SchemeID)})
		}
	}
	for _, e := range p.PartyLegalEntity {
		ids = append(ids, e.CompanyID)
	}
	for _, id := range ids {
		if id != nil && trim(id.Value) != "" {
			out.ID, out.IDScheme = trim(id.Value), trim(id.SchemeID)
			break
		}
	}

	for _, s := range p.PartyTaxScheme {
		if s.TaxScheme != nil && trim(s.TaxScheme.ID) == "VAT" {
			if out.VATID = trim(s.CompanyID); out.VATID != "" {
				break
			}
		}
	}
	if p.PostalAddress != nil && p.PostalAddress.Country != nil {
		out.Country = trim(p.PostalAddress.Country.IdentificationCode)
	}
	return out
}

// dueDate picks the payment due date from where UBL 2.1 documents put it.
func dueDate(x *xmlDocument) (string, error) {
	if trim(x.DueDate) != "" {
		return date("DueDate", x.DueDate)
	}
	for _, pm := range x.PaymentMeans {
		if trim(pm.PaymentDueDate) != "" {
			return date("PaymentMeans/PaymentDueDate", pm.PaymentDueDate)
		}
	}
	for _, pt := range x.PaymentTerms {
		if trim(pt.PaymentDueDate) != "" {
			return date("PaymentTerms/PaymentDueDate", pt.PaymentDueDate)
		}
	}
	return "", nil
}

// date reads an xsd:date, YYYY-MM-DD with an optional time zone that is dropped (a
// business date does not move with it). An empty s gives "".
func date(path, s string) (string, error) {
	s = trim(s)
	if s == "" {
		return "", nil
	}
	layout := "2006-01-02"
	if len(s) > len(layout) {
		layout += "Z07:00"
	}
	if _, err := time.Parse(layout, s); err != nil {
		return "", invalid("%s: %s is not a date YYYY-MM-DD", path, quote(s))
	}
	return inRange(path, s[:10])
}

// inRange refuses a date ("YYYY-MM-DD") outside the dates an invoice or credit note
// may state, linkfin.MinInvoiceDate to linkfin.MaxInvoiceDate: 1899 or 2099 is a
// typing error, not a business date.
func inRange(path, date string) (string, error) {
	d, err := linkfin.ParseDate(date)
	if err != nil {
		return "", invalid("%s: %s is not a date YYYY-MM-DD", path, quote(date))
	}
	if !linkfin.InvoiceDateInRange(d) {
		return "", invalid("%s: %s is outside the dates an invoice states, %s to %s", path, date, linkfin.MinInvoiceDate, linkfin.MaxInvoiceDate)
	}
	return date, nil
}

// add sums two amounts of the document currency, either of which may be the zero Money.
func add(a, b linkfin.Money) (linkfin.Money, error) {
	switch {
	case a.Currency == "":
		return b, nil
	case b.Currency == "":
		return a, nil
	}
	s, err := a.Add(b)
	if err != nil {
		return linkfin.Money{}, invalid("the sum is out of range")
	}
	return s, nil
}

func invalid(format string, args ...any) *linkfin.Error {
	return linkfin.Errorf(EINVALID, format, args...)
}

// at puts path in front of the message of an EINVALID error.
func at(path string, err error) error {
	var e *linkfin.Error
	if errors.As(err, &e) {
		return invalid("%s: %s", path, e.Message)
	}
	return err
}

// pathTail names an element (given twice, or with an element inside its value) by as
// much of its path as fits a message, from the element up:
// "…/SpecifiedTradeSettlementHeaderMonetarySummation/DuePayableAmount". where names the
// path from a step on.
func pathTail(path []xmldoc.Step, where func(from int, numbers bool) string) string {
	for from := range path {
		if w := where(from, false); len(w) <= 80 {
			if from > 0 {
				return "…/" + w
			}
			return w
		}
	}
	return trunc(where(len(path)-1, false))
}

func trim(s string) string {
	return strings.TrimSpace(s)
}

// quote renders document text for an error message, cut short so that a huge value does
// not end up whole in logs and responses.
func quote(s string) string {
	return fmt.Sprintf("%q", trunc(s))
}

func trunc(s string) string {
	const max = 60
	if len(s) <= max {
		return s
	}
	for i := max; i > 0; i-- {
		if s[i]&0xC0 != 0x80 { // a rune starts here
			return s[:i] + "…"
		}
	}
	return s[:max] + "…"
}
