package linkfin

import (
	"strings"
	"unicode"
)

// KindIdentifier is the record kind of the registry of electronic identifiers: one
// record per identifier, naming the organization that registered it.
const KindIdentifier = "identifier"

// The types of electronic identifier an organization registers, as e-invoices name
// their parties (EN 16931 BT-34/BT-49, BT-31/BT-48, BT-30/BT-47).
const (
	IdentifierEndpoint = "endpoint" // the electronic address (EndpointID), with its EAS scheme ("0088" GLN, "0007", "9930", …)
	IdentifierVAT      = "vat"      // the VAT number, with its country prefix (PartyTaxScheme/CompanyID)
	IdentifierLegal    = "legal"    // the legal registration id (PartyLegalEntity/CompanyID), with its scheme if it has one
)

// Identifier is an organization's electronic identifier. Identifiers are public (a
// VAT number is printed on every invoice) and each names one organization.
type Identifier struct {
	Type   string `json:"type"`             // IdentifierEndpoint, IdentifierVAT or IdentifierLegal
	Scheme string `json:"scheme,omitempty"` // required for an endpoint, optional for a legal id, none for a VAT number
	Value  string `json:"value"`
}

// Validate checks the identifier's fields.
func (i *Identifier) Validate() error {
	switch i.Type {
	case IdentifierEndpoint:
		if canonicalText(i.Scheme) == "" { // none, or one of invisible characters alone
			return Errorf(EINVALID, "an endpoint identifier has its scheme (the EAS code, such as \"0088\")")
		}
	case IdentifierVAT:
		if i.Scheme != "" {
			return Errorf(EINVALID, "a VAT number has no scheme: its country prefix is part of it")
		}
	case IdentifierLegal:
	default:
		return Errorf(EINVALID, "an identifier's type is %q, %q or %q", IdentifierEndpoint, IdentifierVAT, IdentifierLegal)
	}
	if err := firstErr(ValidateText("scheme", i.Scheme, 20, false), ValidateText("value", i.Value, MaxNumber, false)); err != nil {
		return err
	}
	if strings.TrimSpace(i.Value) == "" || strings.TrimSpace(i.Scheme) != i.Scheme {
		return Errorf(EINVALID, "an identifier has a value, and a scheme without spaces around it")
	}
	// The letters and digits Key keeps: a Hangul filler (U+3164) is a letter, but
	// an invisible one, which Key leaves out.
	if !strings.ContainsFunc(canonicalText(i.Value), func(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }) {
		return Errorf(EINVALID, "an identifier's value has letters or digits: %q names nothing", i.Value)
	}
	return nil
}

// Key is the registry id of the identifier: its type, scheme and value, compared as
// the schemes' registries compare them, without case and, in VAT numbers, without the
// spaces, dots and dashes people write in them. Full-width forms are first read as
// the characters they widen (foldWidth), and invisible characters left out
// (canonicalText: a zero-width space, a variation selector, a Hangul filler), so that
// a look-alike of an identifier is it.
//
// Before Key left out every default ignorable code point, it left out the format
// characters alone: an identifier holding another (a variation selector, U+034F, a
// Hangul filler) was registered under a key with it, which linkfin serve registers
// again under Key once (services.IdentifiersUnregistered).
func (i Identifier) Key() string {
	v := strings.ToUpper(strings.TrimSpace(canonicalText(i.Value)))
	if i.Type == IdentifierVAT {
		v = strings.Map(func(r rune) rune {
			if unicode.IsSpace(r) || unicode.IsPunct(r) {
				return -1
			}
			return r
		}, v)
	}
	return i.Type + "~" + strings.ToUpper(canonicalText(i.Scheme)) + "~" + v
}

// canonicalText is s with full-width forms read as ASCII, without invisible
// characters: Unicode's default ignorable code points (IsDefaultIgnorable), as names
// and numbers are compared, and the format characters (Cf) that show a sign (U+0600,
// the interlinear annotations, the Egyptian hieroglyph format controls), which Key
// left out before and leaves out still, so that no identifier registered then has
// another key now for them.
func canonicalText(s string) string {
	return strings.Map(func(r rune) rune {
		if IsDefaultIgnorable(r) || unicode.Is(unicode.Cf, r) {
			return -1
		}
		return foldWidth(r)
	}, s)
}

// String names the identifier for messages: "endpoint 0088:5790000435975".
func (i Identifier) String() string {
	if i.Scheme == "" {
		return i.Type + " " + i.Value
	}
	return i.Type + " " + i.Scheme + ":" + i.Value
}

// IdentifierHolder is the registry's record of an identifier: the organization that
// registered it, "" once it removed it (and none holds it). Its id is the identifier's
// Key.
type IdentifierHolder struct {
	ID         string     `json:"id"`
	OrgID      string     `json:"org_id"`
	Identifier Identifier `json:"identifier"`
}
