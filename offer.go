package linkfin

// AssetOffers are the live offers to finance one asset an organization holds now (an
// active certificate piece backing no financing, an approved open payable it sells):
// for each product its program offers on the asset and each funder that would finance
// it, what a request made now would be answered.
type AssetOffers struct {
	AssetKind string   `json:"asset_kind"` // certificate, payable
	AssetID   string   `json:"asset_id"`
	ProgramID string   `json:"program_id"`
	Currency  Currency `json:"currency"`
	Face      int64    `json:"face"`     // what the asset pays at maturity: a piece's face, a payable's amount
	Maturity  Date     `json:"maturity"` // a piece's maturity, a payable's due date
	// Offers are the quotes, best first: the highest price, then the lowest effective
	// rate, then the funder's id.
	Offers []Offer `json:"offers"`
	// Refused are the requests that would be refused, each with its refusal (a piece
	// that matures past the program's tenor, a payable due today), by product and
	// funder: the person sees why a funder of its program makes no offer.
	Refused []Offer `json:"refused"`
}

// Offer is one funder's offer to finance an asset under one product: the quote a
// request made now would get, or the refusal it would get.
type Offer struct {
	Product  Product `json:"product"`
	FunderID string  `json:"funder_id"` // for dynamic discounting, the anchor, who pays early
	// Quote is the quote: its Price is what the organization receives on its
	// ValueDate (today), Discount the discount or interest, EffectiveRate the annual
	// rate it comes to, Days the days financed, ExpiresAt when such a quote would
	// expire, Reasons why it is offered. Nil for a refused offer.
	Quote *Quote `json:"quote,omitempty"`
	// Code and Message are a refused offer's refusal: the stable code and the message
	// a request would be answered.
	Code    string `json:"code,omitempty"`
	Message string `json:"message,omitempty"`
}
