package http

import (
	"encoding/json"
	"testing"

	"linkfin"
)

// FuzzDecodeTransfer checks the strict decoder on arbitrary bodies: it never panics,
// every refusal carries a code of the decoding family, and whatever it accepts
// re-encodes to JSON that it accepts again as the same value.
func FuzzDecodeTransfer(f *testing.F) {
	for _, s := range []string{
		`{"id":"1","debit_account_id":"1","credit_account_id":"2","amount":5,"ledger":1,"currency":"CNY","code":1}`,
		`{"id":"1","amount":5,"Amount":500}`,
		`{"id":"1","amount":5,"amount":6}`,
		`[{"id":"1"},{"id":"2","flags":["pending"],"timeout":3}]`,
		`{"id":"1"}}`,
		`{"id":1}`,
		`{"amount":1.5}`,
		``, `null`, `[]`, `{}`,
	} {
		f.Add([]byte(s))
	}
	codes := map[string]bool{EMALFORMED: true, EUNKNOWNFIELD: true, ETYPE: true, EMISSING: true, EENCODING: true, linkfin.EINVALID: true,
		linkfin.EOUTOFRANGE: true, linkfin.ETOOLONG: true}
	f.Fuzz(func(t *testing.T, body []byte) {
		var in linkfin.TransferIn
		err := decode(body, &in)
		if err != nil {
			if !codes[linkfin.ErrorCode(err)] {
				t.Fatalf("decode(%q): code %q (%v)", body, linkfin.ErrorCode(err), err)
			}
			return
		}
		again, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		var back linkfin.TransferIn
		if err := decode(again, &back); err != nil {
			t.Fatalf("re-decode of %s (from %q): %v", again, body, err)
		}
		a, _ := json.Marshal(back)
		if string(a) != string(again) {
			t.Fatalf("round trip changed %s into %s", again, a)
		}
	})
}
