package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// linkfin mt940 parse prints a real bank's MT940 as the importer reads it, and
// refuses what is not one with its code.
func TestMT940Parse(t *testing.T) {
	isolate(t)
	code, stdout, stderr := cli(t, "mt940", "parse", "../../mt940/testdata/wolph/jejik/abnamro.sta")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, stderr)
	}
	var got struct {
		Version    string `json:"version"`
		Statements []struct {
			Account  map[string]any   `json:"account"`
			Balances []map[string]any `json:"balances"`
			Entries  []map[string]any `json:"entries"`
		} `json:"statements"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("%v\n%s", err, stdout)
	}
	if got.Version != "MT940" || len(got.Statements) != 2 || got.Statements[0].Account["other_id"] != "517852257" ||
		len(got.Statements[0].Entries) == 0 || got.Statements[0].Balances[0]["amount"] != "323628" {
		t.Fatalf("read %s", stdout)
	}
	want := map[string]any{"amount": "900", "currency": "EUR", "credit_debit": "DBIT", "value_date": "2011-05-24",
		"booking_date": "2011-05-24", "bank_transaction_code": "N192"}
	e := got.Statements[0].Entries[0]
	for k, v := range want {
		if e[k] != v {
			t.Errorf("%s = %#v, want %#v", k, e[k], v)
		}
	}
	letter := filepath.Join(t.TempDir(), "letter.txt")
	os.WriteFile(letter, []byte("Dear customer,\n"), 0o644)
	code, _, stderr = cli(t, "mt940", "parse", letter)
	if code != 1 || !strings.Contains(stderr, "unsupported_message") {
		t.Errorf("a letter: exit %d, %s", code, stderr)
	}
	if code, _, _ := cli(t, "mt940", "parse"); code != 2 {
		t.Errorf("no file: exit %d, want 2", code)
	}
}
