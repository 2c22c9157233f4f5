package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestEInvoiceParse prints what linkfin reads from an e-invoice, in either syntax,
// without a database, with the EN 16931 rules its amounts break.
func TestEInvoiceParse(t *testing.T) {
	isolate(t)
	type parsed struct {
		Document struct {
			Kind, Syntax, ID, Currency string
			Payable                    struct{ Amount int64 }
		} `json:"document"`
		Violations []struct{ Rule, Message string } `json:"violations"`
	}
	for _, c := range []struct {
		file, syntax, id string
		payable          int64
		rules            []string
	}{
		{"../../ubl/testdata/cen-cii/CII_example4.xml", "cii", "TOSL110", 4675_00, nil},
		{"../../ubl/testdata/peppol-bis3-base-example.xml", "ubl", "Snippet1", 1656_25, nil},
		{"../../ubl/testdata/oasis-ubl-invoice-2.1-example.xml", "ubl", "TOSL108", 729_00, []string{"BR-CO-15", "BR-CO-16", "PEPPOL-EN16931-R120"}},
	} {
		code, stdout, stderr := cli(t, "einvoice", "parse", c.file)
		if code != 0 {
			t.Fatalf("%s: exit %d: %s", c.file, code, stderr)
		}
		var got parsed
		if err := json.Unmarshal([]byte(stdout), &got); err != nil {
			t.Fatalf("%v\n%s", err, stdout)
		}
		// An amount is written as the API writes one: {"amount", "currency"}, in minor units.
		var raw struct {
			Document struct {
				Payable map[string]any `json:"payable"`
			} `json:"document"`
		}
		if err := json.Unmarshal([]byte(stdout), &raw); err != nil {
			t.Fatal(err)
		}
		if p := raw.Document.Payable; len(p) != 2 || p["amount"] != float64(c.payable) || p["currency"] != got.Document.Currency {
			t.Errorf("%s: payable written as %v", c.file, p)
		}
		var rules []string
		for _, v := range got.Violations {
			rules = append(rules, v.Rule)
			if v.Message == "" {
				t.Errorf("%s: rule %s without its message", c.file, v.Rule)
			}
		}
		if got.Document.Kind != "invoice" || got.Document.Syntax != c.syntax || got.Document.ID != c.id ||
			got.Document.Payable.Amount != c.payable || strings.Join(rules, " ") != strings.Join(c.rules, " ") {
			t.Errorf("%s: read %+v, rules %q", c.file, got, rules)
		}
	}
	bad := filepath.Join(t.TempDir(), "order.xml")
	os.WriteFile(bad, []byte(`<Order xmlns="urn:oasis:names:specification:ubl:schema:xsd:Order-2"/>`), 0o644)
	if code, _, stderr := cli(t, "einvoice", "parse", bad); code != 1 || !strings.Contains(stderr, "ubl_invalid") {
		t.Errorf("an order: exit %d, %s", code, stderr)
	}
	if code, _, _ := cli(t, "einvoice", "parse"); code != 2 {
		t.Errorf("no file: exit %d, want 2", code)
	}
}
