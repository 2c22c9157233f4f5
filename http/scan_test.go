package http

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"testing"

	"linkfin"
)

// tokenTrace reads every token of r, with what More says before each, as text.
func tokenTrace(r tokenReader) string {
	var b bytes.Buffer
	for {
		more := r.More()
		tok, err := r.Token()
		if err == io.EOF {
			return b.String()
		}
		if err != nil {
			fmt.Fprintf(&b, "error %v", err)
			return b.String()
		}
		fmt.Fprintf(&b, "%v %T %q\n", more, tok, fmt.Sprint(tok))
	}
}

// FuzzScanTokens checks that scan reads any well-formed body into the tokens
// encoding/json's Decoder reads, with the same answers from More: the strict check
// may then read either.
func FuzzScanTokens(f *testing.F) {
	for _, s := range []string{
		`{"id":"1","debit_account_id":"1","credit_account_id":"2","amount":5,"ledger":1,"currency":"CNY","code":1}`,
		` [ {"a" : [1, -2.5e3, true, false, null, {}, []]}, "x\"y\\u00e9\ud83d\ude00", 0 ] `,
		`"\u0061mount"`, `123`, `-0.0E+2`, `{"":""}`, `[[[]],[{}]]`, `"tab\there"`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, body []byte) {
		if !json.Valid(body) {
			return
		}
		d := json.NewDecoder(bytes.NewReader(body))
		d.UseNumber()
		want := tokenTrace(d)
		if got := tokenTrace(&scan{b: body}); got != want {
			t.Fatalf("%q: scan read\n%s\nthe decoder\n%s", body, got, want)
		}
	})
}

// BenchmarkDecodeTransfer is the strict decoding of one raw-ledger transfer's body.
func BenchmarkDecodeTransfer(b *testing.B) {
	body := []byte(`{"id":"1234567890","debit_account_id":"17","credit_account_id":"42","amount":12345,"ledger":1,"currency":"CNY","code":1}`)
	b.ReportAllocs()
	for b.Loop() {
		var in linkfin.TransferIn
		if err := decode(body, &in); err != nil {
			b.Fatal(err)
		}
	}
}
