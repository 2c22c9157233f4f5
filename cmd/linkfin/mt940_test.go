package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/text/encoding/simplifiedchinese"
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
	// A Chinese bank's export in GB18030, its charset named.
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(":20:CMB-1204\n:25:755912345610001\n:28C:00338/001\n:60F:C261203CNY0,00\n" +
		":61:2612041204C2500,00NTRFNONREF//CMB0012345\n:86:货款 PO-4711\n:62F:C261204CNY2500,00\n-\n")
	if err != nil {
		t.Fatal(err)
	}
	cmb := filepath.Join(t.TempDir(), "cmb.sta")
	os.WriteFile(cmb, []byte(gb), 0o644)
	code, stdout, stderr = cli(t, "mt940", "parse", "--charset", "gb18030", cmb)
	if code != 0 || !strings.Contains(stdout, `"remittance_information": "货款 PO-4711"`) {
		t.Errorf("a GB18030 file: exit %d\n%s%s", code, stdout, stderr)
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

// TestParseCommandLines: the three parse commands read their command line as every
// other command does: a flag they do not know, a flag without its value or a charset
// none of theirs is a usage error (exit 2, the file unread), said once; flags may
// follow the file; a file that cannot be read is said in words (exit 1).
func TestParseCommandLines(t *testing.T) {
	isolate(t)
	missing := filepath.Join(t.TempDir(), "missing.xml")
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"mt940", "parse", "--nosuch", missing}, 2, "flag provided but not defined: -nosuch\n"},
		{[]string{"iso20022", "parse", "--nosuch", missing}, 2, "flag provided but not defined: -nosuch\n"},
		{[]string{"einvoice", "parse", missing, "--nosuch"}, 2, "flag provided but not defined: -nosuch\n"},
		{[]string{"mt940", "parse", missing, "--charset"}, 2, "flag needs an argument: -charset\n"},
		{[]string{"mt940", "parse", "--charset", "ebcdic", missing}, 2, `linkfin mt940: --charset "ebcdic" is none linkfin reads: it reads utf-8, `},
		{[]string{"mt940", "parse", missing}, 1, "linkfin mt940: cannot read " + missing + " ("},
		{[]string{"iso20022", "parse", missing}, 1, "name a file that is there and that you may read, or - for standard input\n"},
		{[]string{"einvoice", "parse", t.TempDir()}, 1, "linkfin einvoice: cannot read "},
	} {
		code, stdout, stderr := cli(t, tc.args...)
		if code != tc.code || stdout != "" || strings.Count(stderr, tc.want) != 1 {
			t.Errorf("linkfin %q: exit %d, want %d and %q\nstdout:\n%s\nstderr:\n%s", tc.args, code, tc.code, tc.want, stdout, stderr)
		}
	}
	code, stdout, stderr := cli(t, "mt940", "parse", "../../mt940/testdata/wolph/jejik/abnamro.sta", "--charset", "UTF-8")
	if code != 0 || !strings.Contains(stdout, `"version": "MT940"`) {
		t.Errorf("mt940 parse FILE --charset UTF-8: exit %d\n%s%s", code, stdout, stderr)
	}
}
