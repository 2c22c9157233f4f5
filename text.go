package linkfin

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// ETOOLONG refuses a text longer than its field takes.
const ETOOLONG = "text_too_long"

// The most characters (Unicode code points) of the texts a request gives. Every text
// field has one; an id has MaxIDLength (see ValidateID), a document's number MaxNumber.
const (
	MaxIDLength = 64
	MaxName     = 200  // an organization's, a program's, a key's name
	MaxUnit     = 20   // a unit of measure: "EA", "kg", "t"
	MaxItem     = 500  // what an order line buys
	MaxLocation = 200  // where a shipment is
	MaxText     = 1000 // any other text: a reason, an event filter
	MaxURL      = 2048
)

// ValidateText checks a text a caller gives: UTF-8 of at most max characters, without
// control characters (newlines and tabs aside when multiline). Emptiness is for the
// caller to judge.
func ValidateText(what, s string, max int, multiline bool) error {
	if !utf8.ValidString(s) {
		return Errorf(EINVALID, "%s is not valid UTF-8", what)
	}
	if n := utf8.RuneCountInString(s); n > max {
		return Errorf(ETOOLONG, "%s has %d characters; at most %d", what, n, max)
	}
	if i := strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsControl(r) && !(multiline && (r == '\n' || r == '\t' || r == '\r'))
	}); i >= 0 {
		return Errorf(EINVALID, "%s holds a control character (%U)", what, []rune(s[i:])[0])
	}
	return nil
}
