package ubl

// The XML shape of the parts of a UN/CEFACT Cross Industry Invoice (CII D16B, the EN
// 16931 CII binding: Factur-X, ZUGFeRD, XRechnung's CII form) that Parse reads. As in
// xml.go, tags name the namespace as well as the element; everything else is skipped.
// A field that is not a slice is read once: EN 16931's CII binding allows it once
// where D16B may allow more.

const nsCII = "urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100"

// nsZUGFeRD1 is ZUGFeRD 1.0's root namespace, which Parse names in its refusal.
const nsZUGFeRD1 = "urn:ferd:CrossIndustryDocument:invoice:1p0"

type ciiDocument struct {
	Context     *ciiContext     `xml:"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100 ExchangedDocumentContext"`
	Header      *ciiHeader      `xml:"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100 ExchangedDocument"`
	Transaction *ciiTransaction `xml:"urn:un:unece:uncefact:data:standard:CrossIndustryInvoice:100 SupplyChainTradeTransaction"`
}

// ciiContext is the specification the document says it follows (BT-24): EN 16931's
// own, a CIUS such as XRechnung, or a Factur-X / ZUGFeRD profile.
type ciiContext struct {
	Guideline *struct {
		ID string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ID"`
	} `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 GuidelineSpecifiedDocumentContextParameter"`
}

type ciiHeader struct {
	ID            string       `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ID"`
	TypeCode      string       `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 TypeCode"`
	IssueDateTime *ciiDateTime `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 IssueDateTime"`
	IncludedNote  []ciiNote    `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 IncludedNote"`
}

type ciiDateTime struct {
	DateTimeString *ciiDateString `xml:"urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100 DateTimeString"`
}

type ciiDateString struct {
	Value  string `xml:",chardata"`
	Format string `xml:"format,attr"`
}

type ciiNote struct {
	Content []string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 Content"`
}

type ciiTransaction struct {
	Lines      []ciiLine            `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 IncludedSupplyChainTradeLineItem"`
	Agreement  *ciiHeaderAgreement  `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ApplicableHeaderTradeAgreement"`
	Settlement *ciiHeaderSettlement `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ApplicableHeaderTradeSettlement"`
}

type ciiHeaderAgreement struct {
	Seller     *ciiParty       `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 SellerTradeParty"`
	Buyer      *ciiParty       `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 BuyerTradeParty"`
	BuyerOrder *ciiDocumentRef `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 BuyerOrderReferencedDocument"`
}

type ciiDocumentRef struct {
	IssuerAssignedID string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 IssuerAssignedID"`
}

type ciiParty struct {
	ID                []xmlID               `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ID"`
	GlobalID          []xmlID               `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 GlobalID"`
	Name              string                `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 Name"`
	LegalOrganization *ciiLegalOrganization `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 SpecifiedLegalOrganization"`
	Address           *ciiAddress           `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 PostalTradeAddress"`
	URI               []ciiURI              `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 URIUniversalCommunication"`
	TaxRegistration   []ciiTaxRegistration  `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 SpecifiedTaxRegistration"`
}

type ciiLegalOrganization struct {
	ID                  *xmlID `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ID"`
	TradingBusinessName string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 TradingBusinessName"`
}

type ciiAddress struct {
	CountryID string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 CountryID"`
}

type ciiURI struct {
	URIID *xmlID `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 URIID"`
}

type ciiTaxRegistration struct {
	ID *xmlID `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ID"`
}

type ciiHeaderSettlement struct {
	TaxCurrencyCode     string               `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 TaxCurrencyCode"`
	InvoiceCurrencyCode string               `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 InvoiceCurrencyCode"`
	Payee               *ciiParty            `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 PayeeTradeParty"`
	PaymentMeans        []ciiPaymentMeans    `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 SpecifiedTradeSettlementPaymentMeans"`
	Tax                 []ciiTradeTax        `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ApplicableTradeTax"`
	AllowanceCharge     []ciiAllowanceCharge `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 SpecifiedTradeAllowanceCharge"`
	LogisticsCharge     []ciiLogisticsCharge `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 SpecifiedLogisticsServiceCharge"`
	PaymentTerms        []ciiPaymentTerms    `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 SpecifiedTradePaymentTerms"`
	Totals              *ciiTotals           `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 SpecifiedTradeSettlementHeaderMonetarySummation"`
	InvoiceReferenced   []ciiDocumentRef     `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 InvoiceReferencedDocument"`
}

type ciiPaymentMeans struct {
	Account *ciiAccount `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 PayeePartyCreditorFinancialAccount"`
}

type ciiAccount struct {
	IBANID        string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 IBANID"`
	ProprietaryID string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ProprietaryID"`
}

type ciiTradeTax struct {
	CalculatedAmount *xmlAmount `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 CalculatedAmount"`
}

type ciiAllowanceCharge struct {
	ChargeIndicator *ciiIndicator `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ChargeIndicator"`
	ActualAmount    *xmlAmount    `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ActualAmount"`
}

// ciiLogisticsCharge is a logistics service charge (BG-X-42 of Factur-X's and
// ZUGFeRD's EXTENDED profile): a charge on the document, such as freight, which its
// ChargeTotalAmount counts beside the SpecifiedTradeAllowanceCharge charges.
type ciiLogisticsCharge struct {
	AppliedAmount *xmlAmount `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 AppliedAmount"`
}

type ciiIndicator struct {
	Indicator string `xml:"urn:un:unece:uncefact:data:standard:UnqualifiedDataType:100 Indicator"`
}

type ciiPaymentTerms struct {
	DueDateDateTime *ciiDateTime `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 DueDateDateTime"`
}

type ciiTotals struct {
	LineTotalAmount      *xmlAmount  `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 LineTotalAmount"`
	ChargeTotalAmount    *xmlAmount  `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ChargeTotalAmount"`
	AllowanceTotalAmount *xmlAmount  `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 AllowanceTotalAmount"`
	TaxBasisTotalAmount  *xmlAmount  `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 TaxBasisTotalAmount"`
	TaxTotalAmount       []xmlAmount `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 TaxTotalAmount"`
	RoundingAmount       *xmlAmount  `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 RoundingAmount"`
	GrandTotalAmount     *xmlAmount  `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 GrandTotalAmount"`
	TotalPrepaidAmount   *xmlAmount  `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 TotalPrepaidAmount"`
	DuePayableAmount     *xmlAmount  `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 DuePayableAmount"`
}

type ciiLine struct {
	Document   *ciiLineDocument   `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 AssociatedDocumentLineDocument"`
	Product    *ciiProduct        `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 SpecifiedTradeProduct"`
	Agreement  *ciiLineAgreement  `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 SpecifiedLineTradeAgreement"`
	Delivery   *ciiLineDelivery   `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 SpecifiedLineTradeDelivery"`
	Settlement *ciiLineSettlement `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 SpecifiedLineTradeSettlement"`
}

type ciiLineDocument struct {
	LineID string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 LineID"`
	// StatusReason is Factur-X EXTENDED's sub-type of a line (and XRechnung's
	// extension's, for sub-invoice lines): DETAIL (or none), GROUP or INFORMATION.
	StatusReason string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 LineStatusReasonCode"`
}

type ciiProduct struct {
	Name []string `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 Name"`
}

type ciiLineAgreement struct {
	BuyerOrder *ciiLineDocument `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 BuyerOrderReferencedDocument"`
	NetPrice   *ciiPrice        `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 NetPriceProductTradePrice"`
}

type ciiPrice struct {
	ChargeAmount  *xmlAmount   `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 ChargeAmount"`
	BasisQuantity *xmlQuantity `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 BasisQuantity"`
}

type ciiLineDelivery struct {
	BilledQuantity *xmlQuantity `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 BilledQuantity"`
}

type ciiLineSettlement struct {
	AllowanceCharge []ciiAllowanceCharge `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 SpecifiedTradeAllowanceCharge"`
	Totals          *ciiLineTotals       `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 SpecifiedTradeSettlementLineMonetarySummation"`
}

type ciiLineTotals struct {
	LineTotalAmount *xmlAmount `xml:"urn:un:unece:uncefact:data:standard:ReusableAggregateBusinessInformationEntity:100 LineTotalAmount"`
}
