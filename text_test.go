package linkfin_test

import (
	"strings"
	"testing"
	"unicode"

	"linkfin"
)

// IsDefaultIgnorable is Unicode's Default_Ignorable_Code_Point: the characters
// DerivedCoreProperties.txt lists (4174 code points since Unicode 6.3), and not the
// format characters it leaves out, which show something.
func TestIsDefaultIgnorable(t *testing.T) {
	for _, r := range []rune{
		0x00AD, 0x034F, 0x061C, 0x115F, 0x1160, 0x17B4, 0x17B5, 0x180B, 0x180E, 0x180F,
		0x200B, 0x200C, 0x200D, 0x200E, 0x200F, 0x202A, 0x202E, 0x2060, 0x2064, 0x2065, 0x2066, 0x206F,
		0x3164, 0xFE00, 0xFE0F, 0xFEFF, 0xFFA0, 0xFFF0, 0xFFF8, 0x1BCA0, 0x1D173, 0xE0000, 0xE0001, 0xE007F, 0xE0100, 0xE0FFF,
	} {
		if !linkfin.IsDefaultIgnorable(r) {
			t.Errorf("%U is default ignorable", r)
		}
	}
	for _, r := range []rune{
		'a', ' ', '-', 0x00A0, 0x0600, 0x06DD, 0x070F, 0x110BD, 0x2028, 0x2029, 0x3000, 0xFFF9, 0xFFFB,
		0x13430, 0x1343F, 0x200A, 0x2010, 0x0640, 0x1100, 0xE1000,
	} {
		if linkfin.IsDefaultIgnorable(r) {
			t.Errorf("%U is not default ignorable", r)
		}
	}
	n := 0
	for r := rune(0); r <= unicode.MaxRune; r++ {
		if linkfin.IsDefaultIgnorable(r) {
			n++
		}
	}
	if n != 4174 {
		t.Errorf("%d default ignorable code points, want 4174", n)
	}
}

// WithoutIgnorables leaves out what does not show, and gives a text without any as
// it is.
func TestWithoutIgnorables(t *testing.T) {
	for in, want := range map[string]string{
		"ACME": "ACME", "AC\u200bME": "ACME", "\ufeffAC\u2060M\u00adE\u200e": "ACME", "发票\u200d-7": "发票-7",
		"\U0001F468\u200d\U0001F469\ufe0f": "\U0001F468\U0001F469", "": "",
	} {
		if got := linkfin.WithoutIgnorables(in); got != want {
			t.Errorf("WithoutIgnorables(%q) = %q, want %q", in, got, want)
		}
	}
	if got := testing.AllocsPerRun(10, func() { _ = linkfin.WithoutIgnorables("INV-1002 华鑫") }); got != 0 {
		t.Errorf("a text without invisible characters allocates %v times", got)
	}
}

// A document's number, and an invoice's between its seller and buyer, is registered
// without its invisible characters, wherever they are.
func TestNumberKeyIgnoresInvisible(t *testing.T) {
	for _, number := range []string{"INV-1002\u200b", "INV\u200b-1002", "INV-1\u200b00\u20602", "INV-1\u00ad0\u200b02"} {
		if a, b := linkfin.NumberKey("tier1", "invoice", "INV-1002"), linkfin.NumberKey("tier1", "invoice", number); a != b {
			t.Errorf("INV-1002 is %q, %q is %q", a, number, b)
		}
		if got, want := linkfin.InvoiceNumberKey("tier1", "anchor", number), "tier1~anchor~inv1002"; got != want {
			t.Errorf("invoice number %q is %q, want %q", number, got, want)
		}
	}
}

// A refusal of an invisible character in a text names it, as the other refusals do.
func TestTextRefusalNamesCharacter(t *testing.T) {
	for in, want := range map[string]string{"a\u2028b": "U+2028", "a\u2029b": "U+2029", "a\ufeffb": "U+FEFF"} {
		err := linkfin.ValidateText("name", in, linkfin.MaxName, false)
		if linkfin.ErrorCode(err) != linkfin.EINVALID || !strings.Contains(err.Error(), want) || !strings.HasPrefix(linkfin.ErrorMessage(err), "name ") {
			t.Errorf("%q: %v, want invalid naming %s", in, err, want)
		}
	}
}
