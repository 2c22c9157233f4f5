package mt940_test

import (
	"os"
	"strings"
	"testing"

	"linkfin"
	"linkfin/iso20022"
	"linkfin/mt940"
)

// TestReadRefuses refuses what is not an MT940, MT942 or MT950 as EUNSUPPORTED, and what
// is wrong in one as EINVALID, saying where.
func TestReadRefuses(t *testing.T) {
	ok := statement(":61:261231D1,00NTRFNONREF", ":86:TEXT")
	cases := []struct {
		name, file, code, where string
	}{
		{"empty", "", iso20022.EUNSUPPORTED, ""},
		{"blank lines", "\r\n\n   \n-\n", iso20022.EUNSUPPORTED, ""},
		{"XML", "\xef\xbb\xbf  <?xml version=\"1.0\"?><Document xmlns=\"urn:iso:std:iso:20022:tech:xsd:camt.053.001.08\"/>", iso20022.EUNSUPPORTED, ""},
		{"binary", "\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", iso20022.EUNSUPPORTED, "line 3"},
		{"UTF-16", "\xff\xfe:\x002\x000\x00:\x00", iso20022.EUNSUPPORTED, "line 1"},
		{"CSV", "date;amount;text\n2026-12-31;5,00;invoice 1\n", iso20022.EUNSUPPORTED, ""},
		{"tags but no :20:", ":25:NL91ABNA0417164300\n:60F:C261230EUR1,00\n", iso20022.EUNSUPPORTED, ""},
		{"an MT103", "{1:F01BANKBEBBAXXX2222123456}{2:I103BANKDEFFXXXXN}{4:\n:20:X\n:32A:261231EUR1,00\n-}", iso20022.EUNSUPPORTED, "line 1"},
		{"an open header", "{1:F01BANKBEBBAXXX2222123456{2:I940BANKDEFFXXXXN}\n" + ok, linkfin.EINVALID, "line 1"},
		{"a header without id", "{1:F01BANKBEBBAXXX2222123456}{940}\n" + ok, linkfin.EINVALID, "line 1"},
		{"empty :20:", strings.Replace(ok, ":20:REF", ":20:  ", 1), linkfin.EINVALID, "line 1: :20:"},
		{"no :25:", strings.Replace(ok, ":25:NL91ABNA0417164300\n", "", 1), linkfin.EINVALID, "line 1"},
		{"no :28C:", strings.Replace(ok, ":28C:1/1\n", "", 1), linkfin.EINVALID, "line 1"},
		{"no opening balance", strings.Replace(ok, ":60F:C261230EUR100,00\n", "", 1), linkfin.EINVALID, "line 1"},
		{"no closing balance", strings.Replace(ok, ":62F:C270102EUR100,00\n", "", 1), linkfin.EINVALID, "line 1"},
		{"MT942 without :13D:", strings.Replace(report(), ":13D:2612311230+0100\n", "", 1), linkfin.EINVALID, "line 1"},
		{"MT942 without :34F:", strings.Replace(report(), ":34F:EURD0,\n:34F:EURC0,\n", "", 1), linkfin.EINVALID, "line 1"},
		{":25: twice", strings.Replace(ok, ":28C:", ":25:DE89370400440532013000\n:28C:", 1), linkfin.EINVALID, "line 3: :25:"},
		{":28: and :28C:", strings.Replace(ok, ":28C:1/1", ":28C:1/1\n:28:1", 1), linkfin.EINVALID, "line 4: :28:"},
		{":60F: and :60M:", strings.Replace(ok, ":61:", ":60M:C261230EUR100,00\n:61:", 1), linkfin.EINVALID, "line 5: :60M:"},
		{":62F: twice", strings.Replace(ok, "\n-\n", "\n:62F:C270102EUR100,00\n-\n", 1), linkfin.EINVALID, "line 8: :62F:"},
		{":64: twice", strings.Replace(ok, "\n-\n", "\n:64:C270102EUR100,00\n:64:C270102EUR100,00\n-\n", 1), linkfin.EINVALID, "line 9: :64:"},
		{":13D: twice", strings.Replace(report(), ":13D:", ":13D:2612311230+0100\n:13D:", 1), linkfin.EINVALID, "line 7: :13D:"},
		{":34F: thrice", strings.Replace(report(), ":13D:", ":34F:EUR0,\n:13D:", 1), linkfin.EINVALID, "line 6: :34F:"},
		{"a :62F: of two lines", strings.Replace(ok, ":62F:C270102EUR100,00\n", ":62F:C270102EUR100,00\nABNANL2A\n", 1), linkfin.EINVALID, "line 7: :62F:"},
		{"a bad :28C:", strings.Replace(ok, ":28C:1/1", ":28C:1/A", 1), linkfin.EINVALID, "line 3: :28C:"},
		{"a bad :13D:", strings.Replace(report(), "2612311230+0100", "2612311260+0100", 1), linkfin.EINVALID, "line 6: :13D:"},
		{"a :13D: without sign", strings.Replace(report(), "2612311230+0100", "2612311230 0100", 1), linkfin.EINVALID, "line 6: :13D:"},
		{"a bad :34F:", strings.Replace(report(), ":34F:EURC0,", ":34F:EURX0,", 1), linkfin.EINVALID, "line 5: :34F:"},
		{"a :34F: in no currency", strings.Replace(report(), ":34F:EURC0,", ":34F:XXXC0,", 1), linkfin.EINVALID, "line 5: :34F:"},
		{"a :34F: in another currency", strings.Replace(report(), ":34F:EURC0,", ":34F:USDC0,", 1), linkfin.EINVALID, "line 5: :34F:"},
		{"a balance without mark", strings.Replace(ok, ":60F:C", ":60F:X", 1), linkfin.EINVALID, "line 4: :60F:"},
		{"a balance on 31 April", strings.Replace(ok, ":60F:C261230", ":60F:C260431", 1), linkfin.EINVALID, "line 4: :60F:"},
		{"a balance in DEM", strings.Replace(ok, ":60F:C261230EUR", ":60F:C261230DEM", 1), linkfin.EINVALID, "line 4: :60F:"},
		{"a closing balance in USD", strings.Replace(ok, ":62F:C270102EUR", ":62F:C270102USD", 1), linkfin.EINVALID, "line 7: :62F:"},
		{"a balance without amount", strings.Replace(ok, "EUR100,00\n:61:", "EUR\n:61:", 1), linkfin.EINVALID, "line 4: :60F:"},
		{"a :61: without mark", strings.Replace(ok, "D1,00NTRF", "X1,00NTRF", 1), linkfin.EINVALID, "line 5: :61:"},
		{"a :61: without amount", strings.Replace(ok, "D1,00NTRF", "DNTRF", 1), linkfin.EINVALID, "line 5: :61:"},
		{"a :61: without type", strings.Replace(ok, "D1,00NTRFNONREF", "D1,00", 1), linkfin.EINVALID, "line 5: :61:"},
		{"a :61: with a decimal point", strings.Replace(ok, "D1,00NTRF", "D1.00NTRF", 1), linkfin.EINVALID, "line 5: :61:"},
		{"a :61: with a lower-case type", strings.Replace(ok, "NTRF", "ntrf", 1), linkfin.EINVALID, "line 5: :61:"},
		{"a :61: without value date", strings.Replace(ok, ":61:261231", ":61:2612", 1), linkfin.EINVALID, "line 5: :61:"},
		{"a :61: with too many decimals", strings.Replace(ok, "D1,00NTRF", "D1,001NTRF", 1), linkfin.EINVALID, "line 5: :61:"},
		{"a :61: beyond the maximum", strings.Replace(ok, "D1,00NTRF", "D9999999999999999,NTRF", 1), linkfin.EOUTOFRANGE, "line 5: :61:"},
		{"a long :86:", strings.Replace(ok, ":86:TEXT", ":86:"+strings.Repeat("TEXT TEXT\n", 250), 1), linkfin.EINVALID, "line 6: :86:"},
		{"a message without :20:", ok + strings.Replace(ok, ":20:REF\n", "", 1), linkfin.EINVALID, "line 9: :25: is outside a message"},
		{"many :86:", strings.Replace(ok, ":86:TEXT", strings.Repeat(":86:TEXT TEXT TEXT TEXT\n", 200), 1), linkfin.EINVALID, "line 113: :86:"},
		{"MT940 and MT942", ok + report(), linkfin.EINVALID, "line 9"},
		{"the same statement twice", ok + ok, linkfin.EINVALID, "line 9"},
	}
	for _, c := range cases {
		_, err := readString(c.file)
		if linkfin.ErrorCode(err) != c.code || !strings.Contains(linkfin.ErrorMessage(err), c.where) {
			t.Errorf("%s: %v, want code %s at %q", c.name, err, c.code, c.where)
		}
	}
}

// TestReadRefusesFiles refuses the published files that are not statements linkfin
// reads: in Deutsche Mark, without a closing balance, or not MT940 at all.
func TestReadRefusesFiles(t *testing.T) {
	cases := []struct{ file, code, message string }{
		{"wolph/cmxl/mt940.sta", linkfin.EINVALID, `line 4: :60F: unknown currency "DEM"`},
		{"wolph/self-provided/raphaelm.sta", linkfin.EINVALID, `line 13: :60F: unknown currency "DEM"`},
		{"wolph/self-provided/gv_codes.sta", linkfin.EINVALID, "line 1: the MT940 that begins here has no :62F: or :62M: (the closing balance)"},
		{"wolph/self-provided/sparkassen.sta", iso20022.EUNSUPPORTED, "no line begins with :20:"},
		{"wolph/self-provided/invalid_statement.sta", iso20022.EUNSUPPORTED, "no line begins with :20:"},
		{"wolph/self-provided/empty_non_swift.sta", iso20022.EUNSUPPORTED, "no line begins with :20:"},
	}
	for _, c := range cases {
		f, err := os.Open("testdata/" + c.file)
		if err != nil {
			t.Fatal(err)
		}
		_, err = mt940.Read(f)
		f.Close()
		if linkfin.ErrorCode(err) != c.code || !strings.HasPrefix(linkfin.ErrorMessage(err), c.message) {
			t.Errorf("%s: %v, want %s %q", c.file, err, c.code, c.message)
		}
	}
}

// TestReadRefusesLarge refuses a file larger than MaxSize without reading it all.
func TestReadRefusesLarge(t *testing.T) {
	_, err := mt940.Read(strings.NewReader(strings.Repeat(" ", mt940.MaxSize+1)))
	if linkfin.ErrorCode(err) != linkfin.EINVALID || !strings.Contains(linkfin.ErrorMessage(err), "larger than 16 MiB") {
		t.Errorf("%v", err)
	}
}
