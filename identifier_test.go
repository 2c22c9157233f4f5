package linkfin_test

import (
	"testing"
	"unicode"

	"linkfin"
)

// An identifier's Key leaves out every default ignorable code point (a variation
// selector, U+034F, a Hangul filler, U+17B4, a Mongolian free variation selector, as
// well as the format characters), in its value and its scheme; and, as before, the
// format characters that are not default ignorable (U+0600, U+FFF9), so that no key
// of then changes for them. Full-width forms and case are folded as before.
func TestIdentifierKeyIgnoresInvisible(t *testing.T) {
	plain := linkfin.Identifier{Type: linkfin.IdentifierLegal, Scheme: "0199", Value: "91310000MA1FL5LX3Q"}
	for _, c := range []rune{0xFE0F, 0xFE00, 0xE0100, 0x034F, 0x115F, 0x1160, 0x3164, 0xFFA0, 0x17B4, 0x17B5, 0x180B, 0x180F,
		0x200B, 0x2060, 0x00AD, 0x200D, 0x0600, 0xFFF9} {
		if !linkfin.IsDefaultIgnorable(c) && !unicode.Is(unicode.Cf, c) {
			t.Fatalf("%U is neither default ignorable nor a format character", c)
		}
		for _, i := range []linkfin.Identifier{
			{Type: linkfin.IdentifierLegal, Scheme: "0199", Value: "91310000MA1FL5LX3" + string(c) + "Q"},
			{Type: linkfin.IdentifierLegal, Scheme: "01" + string(c) + "99", Value: string(c) + "９１３１００００ma1fl5lx3q"},
		} {
			if i.Key() != plain.Key() {
				t.Errorf("%q: key %q, want %q", i, i.Key(), plain.Key())
			}
		}
	}
	if v := (linkfin.Identifier{Type: linkfin.IdentifierVAT, Value: "DE\u3164 123.456\ufe0f789"}); v.Key() != "vat~~DE123456789" {
		t.Errorf("%q: key %q", v, v.Key())
	}
	for _, i := range []linkfin.Identifier{
		{Type: linkfin.IdentifierLegal, Value: "\u3164\u3164"},
		{Type: linkfin.IdentifierEndpoint, Scheme: "\u034f", Value: "5790000435975"},
	} {
		if err := i.Validate(); linkfin.ErrorCode(err) != linkfin.EINVALID {
			t.Errorf("%q: %v, want invalid", i, err)
		}
	}
}
