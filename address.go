package linkfin

import "strings"

// PostalAddress is a structured postal address, as ISO 20022 messages write one
// (PostalAddress24): the town and the country at least, which a payment across borders
// must name for its creditor and its debtor (SWIFT's CBPR+ rules from November 2026).
type PostalAddress struct {
	Street         string `json:"street,omitempty"`          // StrtNm, up to 70 characters
	BuildingNumber string `json:"building_number,omitempty"` // BldgNb, up to 16
	PostCode       string `json:"post_code,omitempty"`       // PstCd, up to 16
	Town           string `json:"town"`                      // TwnNm, up to 35
	// Subdivision is the country's subdivision: a province, a state (CtrySubDvsn, up
	// to 35).
	Subdivision string `json:"subdivision,omitempty"`
	Country     string `json:"country"` // Ctry: its ISO 3166-1 alpha-2 code, such as CN
}

// Validate refuses an address an ISO 20022 message could not carry: no town, a country
// that is not two capital letters, a part longer than the message allows, or one that
// holds a control character or only spaces.
func (a *PostalAddress) Validate() error {
	for _, f := range []struct {
		what, v  string
		max      int
		required bool
	}{
		{"the address's street", a.Street, 70, false},
		{"the address's building_number", a.BuildingNumber, 16, false},
		{"the address's post_code", a.PostCode, 16, false},
		{"the address's town", a.Town, 35, true},
		{"the address's subdivision", a.Subdivision, 35, false},
	} {
		if f.v != "" && strings.TrimSpace(f.v) == "" || f.required && f.v == "" {
			return Errorf(EINVALID, "%s has a letter or digit", f.what)
		}
		if err := ValidateText(f.what, f.v, f.max, false); err != nil {
			return err
		}
	}
	if len(a.Country) != 2 || a.Country[0] < 'A' || a.Country[0] > 'Z' || a.Country[1] < 'A' || a.Country[1] > 'Z' {
		return Errorf(EINVALID, "the address's country is its ISO 3166-1 alpha-2 code, two capital letters such as CN")
	}
	return nil
}
