// Package iso20022test holds what the tests of the readers of a bank's messages (camt,
// SWIFT MT) check alike of what they read.
package iso20022test

import (
	"bytes"
	"encoding/json"
	"testing"
	"unicode/utf8"

	"linkfin/iso20022"
)

// RoundTrips fails t unless the reading encodes to JSON in valid UTF-8 that decodes to
// the same reading, as the API answers it and a client reads it back.
func RoundTrips(t testing.TB, m *iso20022.StatementMessage) {
	t.Helper()
	out, err := json.Marshal(m)
	if err != nil {
		t.Fatal(err)
	}
	if !utf8.Valid(out) {
		t.Fatal("JSON is not valid UTF-8")
	}
	var back iso20022.StatementMessage
	if err := json.Unmarshal(out, &back); err != nil {
		t.Fatalf("the reading does not decode from its JSON: %v\n%s", err, out)
	}
	if again, _ := json.Marshal(back); !bytes.Equal(out, again) {
		t.Fatalf("JSON does not round-trip:\n%s\n%s", out, again)
	}
}
