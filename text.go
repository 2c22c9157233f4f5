package linkfin

import (
	"fmt"
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
// control characters (newlines and tabs aside when multiline), bidirectional
// embeddings, overrides and isolates (IsBidiControl) or byte order marks (U+FEFF),
// and, unless multiline, without the line and paragraph separators (U+2028, U+2029),
// which break a line as a newline does. Emptiness is for the caller to judge.
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
	if i := strings.IndexFunc(s, IsBidiControl); i >= 0 {
		return Errorf(EINVALID, "%s holds a bidirectional embedding, override or isolate (%U), which shows the text around it in another order than it is", what, []rune(s[i:])[0])
	}
	if !multiline {
		if i := strings.IndexFunc(s, isLineBreak); i >= 0 {
			return Errorf(EINVALID, "%s holds a line or paragraph separator (%U), which breaks a line as a newline does: it is one line of text", what, []rune(s[i:])[0])
		}
	}
	if strings.ContainsRune(s, byteOrderMark) {
		return Errorf(EINVALID, "%s holds a byte order mark (%U), which marks the start of a file, not a place in a text", what, byteOrderMark)
	}
	return nil
}

// byteOrderMark is U+FEFF, which begins a file of UTF-16 or UTF-8 to mark its
// encoding; inside a text it is an invisible character no text needs.
const byteOrderMark = '\uFEFF'

// isLineBreak reports whether r is the line separator (U+2028) or the paragraph
// separator (U+2029): Unicode's own line breaks, which break a line as a newline does.
func isLineBreak(r rune) bool { return r == '\u2028' || r == '\u2029' }

// IsDefaultIgnorable reports whether r is one of Unicode's default ignorable code
// points (the derived property Default_Ignorable_Code_Point of the Unicode Character
// Database, DerivedCoreProperties.txt): characters that nothing shows where a font
// has no glyph for them, and that change nothing of how a text reads. A zero-width
// space (U+200B), a word joiner (U+2060), a byte order mark (U+FEFF), a soft hyphen
// (U+00AD), the marks and controls of direction (U+200E, U+200F, U+061C, U+202A to
// U+202E, U+2066 to U+2069), the joiners (U+200C, U+200D), the variation selectors
// and the Hangul fillers are among them. "AC\u200bME" reads as ACME.
//
// The set is the property's derivation, from the standard library's tables of the
// Unicode version Go carries: Other_Default_Ignorable_Code_Point, the format
// characters (Cf) and the variation selectors, less white space, the interlinear
// annotation characters (U+FFF9 to U+FFFB), the Egyptian hieroglyph format controls
// (U+13430 to U+1343F) and the prepended concatenation marks (U+0600, which shows a
// sign).
//
// Texts compared to refuse a duplicate are compared without them (WithoutIgnorables):
// names, invoice numbers, document numbers, electronic identifiers (Identifier.Key). Most stay allowed in a text: the joiners
// join letters in Persian and the Indic scripts, and the parts of an emoji; a
// variation selector chooses a glyph.
func IsDefaultIgnorable(r rune) bool {
	switch {
	case r < 0xAD:
		return false
	case unicode.Is(unicode.Other_Default_Ignorable_Code_Point, r), unicode.Is(unicode.Variation_Selector, r):
		return true
	case unicode.Is(unicode.Cf, r):
		return !unicode.Is(unicode.White_Space, r) && !unicode.Is(unicode.Prepended_Concatenation_Mark, r) &&
			!(r >= 0xFFF9 && r <= 0xFFFB) && !(r >= 0x13430 && r <= 0x1343F)
	}
	return false
}

// WithoutIgnorables is s without its default ignorable code points
// (IsDefaultIgnorable): s as two texts that read the same are compared. A text
// without one is given back as it is.
func WithoutIgnorables(s string) string {
	if strings.IndexFunc(s, IsDefaultIgnorable) < 0 {
		return s
	}
	return strings.Map(func(r rune) rune {
		if IsDefaultIgnorable(r) {
			return -1
		}
		return r
	}, s)
}

// IsBidiControl reports whether r is one of Unicode's explicit bidirectional
// formatting characters: the embeddings, overrides and isolates (U+202A to U+202E,
// U+2066 to U+2069). A text holding one is shown in another order than it is, and
// reorders what is shown after it ("INV-\u202E1002" reads as INV-2001; CVE-2021-42574);
// no name, number or reason needs one. The marks (U+200E, U+200F, U+061C) reorder
// nothing around them, and stay allowed.
func IsBidiControl(r rune) bool { return r >= 0x202A && r <= 0x202E || r >= 0x2066 && r <= 0x2069 }

// ShowBidiControls writes each bidirectional embedding, override or isolate of a text
// (IsBidiControl) as its code point between single guillemets, "‹U+202E›", and leaves
// the rest as it is. A request's texts hold none (ValidateText), but a bank's files
// may, and they are kept as the bank sent them: where a person reads such a text (the
// console, a CSV), the character is shown rather than obeyed, so that neither the
// text nor what follows it reads in another order than it is, and the reader sees
// that it was there.
func ShowBidiControls(s string) string { return replaceBidiControls(s, "‹%U›") }

// EscapeBidiControls writes each bidirectional embedding, override or isolate of JSON
// (IsBidiControl; they can only be in its strings) as its escape, "\u202e": the same
// JSON to a reader of it, and text that reads in the order it is.
func EscapeBidiControls(s string) string { return replaceBidiControls(s, `\u%04x`) }

// replaceBidiControls writes each IsBidiControl of s by format, and the rest as it is.
func replaceBidiControls(s, format string) string {
	if strings.IndexFunc(s, IsBidiControl) < 0 {
		return s
	}
	var b strings.Builder
	for _, r := range s {
		if IsBidiControl(r) {
			fmt.Fprintf(&b, format, r)
			continue
		}
		b.WriteRune(r)
	}
	return b.String()
}
