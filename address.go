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

// The most characters of each part of an address that ISO 20022's PostalAddress24
// carries.
const (
	MaxStreet         = 70
	MaxBuildingNumber = 16
	MaxPostCode       = 16
	MaxTown           = 35
	MaxSubdivision    = 35
)

// Validate refuses an address an ISO 20022 message could not carry: no town, a country
// that is not an ISO 3166-1 alpha-2 code (IsCountry), a part longer than the message
// allows, or one that holds a control character or only spaces.
func (a *PostalAddress) Validate() error {
	for _, f := range []struct {
		what, v  string
		max      int
		required bool
	}{
		{"the address's street", a.Street, MaxStreet, false},
		{"the address's building_number", a.BuildingNumber, MaxBuildingNumber, false},
		{"the address's post_code", a.PostCode, MaxPostCode, false},
		{"the address's town", a.Town, MaxTown, true},
		{"the address's subdivision", a.Subdivision, MaxSubdivision, false},
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
	if !IsCountry(a.Country) {
		return Errorf(EINVALID, "the address's country %q is no country's ISO 3166-1 alpha-2 code", a.Country)
	}
	return nil
}

// IsCountry reports whether code is a country's ISO 3166-1 alpha-2 code: one of the
// 249 officially assigned, or XK, Kosovo's user-assigned code, which banks take (its
// IBANs begin with it). Codes withdrawn (YU, AN, CS, …), reserved (UK, EU, …) or
// private (XX, ZZ, …) are not: a payment file naming one is refused by the bank
// whole.
func IsCountry(code string) bool { return countries[code] }

var countries = func() map[string]bool {
	m := map[string]bool{}
	for _, c := range strings.Fields(countryCodes) {
		m[c] = true
	}
	return m
}()

// countryCodes are ISO 3166-1's officially assigned alpha-2 codes, and XK.
const countryCodes = "AD AE AF AG AI AL AM AO AQ AR AS AT AU AW AX AZ BA BB BD BE BF BG BH BI BJ BL BM BN " +
	"BO BQ BR BS BT BV BW BY BZ CA CC CD CF CG CH CI CK CL CM CN CO CR CU CV CW CX CY CZ " +
	"DE DJ DK DM DO DZ EC EE EG EH ER ES ET FI FJ FK FM FO FR GA GB GD GE GF GG GH GI GL " +
	"GM GN GP GQ GR GS GT GU GW GY HK HM HN HR HT HU ID IE IL IM IN IO IQ IR IS IT JE JM " +
	"JO JP KE KG KH KI KM KN KP KR KW KY KZ LA LB LC LI LK LR LS LT LU LV LY MA MC MD ME " +
	"MF MG MH MK ML MM MN MO MP MQ MR MS MT MU MV MW MX MY MZ NA NC NE NF NG NI NL NO NP " +
	"NR NU NZ OM PA PE PF PG PH PK PL PM PN PR PS PT PW PY QA RE RO RS RU RW SA SB SC SD " +
	"SE SG SH SI SJ SK SL SM SN SO SR SS ST SV SX SY SZ TC TD TF TG TH TJ TK TL TM TN TO " +
	"TR TT TV TW TZ UA UG UM US UY UZ VA VC VE VG VI VN VU WF WS XK YE YT ZA ZM ZW"
