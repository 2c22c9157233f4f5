package linkfin_test

import (
	"strings"
	"testing"

	"linkfin"
)

// A refusal of an invisible character in a text names it, as the other refusals do.
func TestTextRefusalNamesCharacter(t *testing.T) {
	for in, want := range map[string]string{"a\u2028b": "U+2028", "a\u2029b": "U+2029", "a\ufeffb": "U+FEFF"} {
		err := linkfin.ValidateText("name", in, linkfin.MaxName, false)
		if linkfin.ErrorCode(err) != linkfin.EINVALID || !strings.Contains(err.Error(), want) || !strings.HasPrefix(linkfin.ErrorMessage(err), "name ") {
			t.Errorf("%q: %v, want invalid naming %s", in, err, want)
		}
	}
}
