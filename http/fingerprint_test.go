package http

import (
	"net/http/httptest"
	"strings"
	"testing"

	"linkfin"
)

// BenchmarkFingerprint: what a transfer's form by what it says costs, made from the
// value it was decoded into (decodedForm) and from its JSON (canonicalJSON).
func BenchmarkFingerprint(b *testing.B) {
	const body = `{"id":"1234567890123","debit_account_id":"17","credit_account_id":"42","amount":12345,"ledger":1,"currency":"CNY","code":1}`
	r := httptest.NewRequest("POST", "/v1/transfers", strings.NewReader(body))
	r.Header.Set("Idempotency-Key", "k")
	var in linkfin.TransferIn
	if err := decode([]byte(body), &in); err != nil {
		b.Fatal(err)
	}
	b.Run("decoded", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if decodedForm(r, &in, nil) == nil {
				b.Fatal("no form")
			}
		}
	})
	b.Run("canonical", func(b *testing.B) {
		b.ReportAllocs()
		for b.Loop() {
			if _, ok := canonicalJSON([]byte(body), nil); !ok {
				b.Fatal("no form")
			}
		}
	})
}
