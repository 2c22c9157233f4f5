package xmldoc

import (
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// TestRefuseReplacement: a U+FFFD is refused however the reads cut it, and text
// without one passes whole.
func TestRefuseReplacement(t *testing.T) {
	for _, c := range []struct {
		text string
		ok   bool
	}{
		{"Caf\u00e9 テスト", true},
		{"\ufffd", false},
		{"a\ufffd", false},
		{"ab\ufffdcd", false},
		{"テ\ufffd", false},
		{"\u00e9\ufffd\u00e9", false},
	} {
		readers := map[string]func(io.Reader) io.Reader{
			"whole":       func(r io.Reader) io.Reader { return r },
			"byte a read": iotest.OneByteReader,
			"half a read": iotest.HalfReader,
		}
		for name, wrap := range readers {
			got, err := io.ReadAll(&refuseReplacement{r: wrap(strings.NewReader(c.text)), label: "Shift_JIS"})
			if c.ok && (err != nil || string(got) != c.text) {
				t.Errorf("%q, %s: read %q, %v", c.text, name, got, err)
			}
			var enc *EncodingError
			if !c.ok && !errors.As(err, &enc) {
				t.Errorf("%q, %s: read %q, %v; want an *EncodingError", c.text, name, got, err)
			}
		}
	}
}
