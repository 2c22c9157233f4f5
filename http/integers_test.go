package http_test

import (
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"math/big"
	"testing"

	"linkfin"
)

// unsafeNumbers lists the JSON numbers in b that a reader parsing numbers into
// float64 (JavaScript's JSON.parse) would not hold exactly: integers beyond 2^53 − 1
// must travel as strings. Every answer of the HTTP tests passes through it.
func unsafeNumbers(b []byte) []string {
	d := json.NewDecoder(bytes.NewReader(b))
	d.UseNumber()
	var out []string
	limit := big.NewInt(linkfin.MaxSafeJSONInt)
	for {
		tok, err := d.Token()
		if errors.Is(err, io.EOF) || err != nil {
			return out
		}
		n, ok := tok.(json.Number)
		if !ok {
			continue
		}
		v, ok := new(big.Int).SetString(n.String(), 10)
		if ok && v.CmpAbs(limit) > 0 {
			out = append(out, n.String())
		}
	}
}

func TestUnsafeNumbers(t *testing.T) {
	got := unsafeNumbers([]byte(`{"a":9007199254740991,"b":[{"c":9007199254740992}],"d":"9223372036854775807","e":-9007199254740993,"f":1.5}`))
	if len(got) != 2 || got[0] != "9007199254740992" || got[1] != "-9007199254740993" {
		t.Fatalf("unsafe numbers: %v", got)
	}
}
