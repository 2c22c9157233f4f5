package linkfin_test

import (
	"encoding/json"
	"math/big"
	"testing"

	"linkfin"
)

func mustRate(t testing.TB, s string) linkfin.Rate {
	t.Helper()
	r, err := linkfin.ParseRate(s)
	if err != nil {
		t.Fatalf("ParseRate(%q): %v", s, err)
	}
	return r
}

func TestParseRate(t *testing.T) {
	tests := []struct {
		in     string
		rat    string // exact value, big.Rat syntax
		string string // canonical form
	}{
		{"0.0425", "17/400", "0.0425"},
		{"0.18", "9/50", "0.18"},
		{"0.0400", "1/25", "0.04"},
		{"0", "0", "0"},
		{"0.000", "0", "0"},
		{"1", "1", "1"},
		{"1.0", "1", "1"},
		{"12.5", "25/2", "12.5"},
		{"0.000001", "1/1000000", "0.000001"},
		{"0.123456789012345678901234567890", "123456789012345678901234567890/1000000000000000000000000000000", "0.12345678901234567890123456789"},
	}
	for _, tt := range tests {
		r := mustRate(t, tt.in)
		want, _ := new(big.Rat).SetString(tt.rat)
		if r.Rat().Cmp(want) != 0 {
			t.Errorf("ParseRate(%q) = %s, want %s", tt.in, r.Rat().RatString(), want.RatString())
		}
		if got := r.String(); got != tt.string {
			t.Errorf("ParseRate(%q).String() = %q, want %q", tt.in, got, tt.string)
		}
	}
}

func TestParseRateRejects(t *testing.T) {
	for _, s := range []string{
		"", "abc", "-0.01", "-0", "+0.01", "1e3", "4.25e-2", "0x1p-2", "4.25%", ".5", "5.",
		".", "1/2", " 0.1", "0.1 ", "0,1", "1_000", "Inf", "NaN", "０.1",
		"0.00000000000000000000000000000000000000001", // longer than any real rate
		// A number has one integer part: a leading zero is octal to some readers, and
		// "0100.00" (an exact price) is 100 written another way.
		"00.5", "00", "01", "007.5", "0100.00", "00.0425",
	} {
		r, err := linkfin.ParseRate(s)
		if err == nil {
			t.Errorf("ParseRate(%q) = %s, want error", s, r)
			continue
		}
		wantCode(t, err, linkfin.EINVALID)
	}
}

func TestRateZeroValue(t *testing.T) {
	var r linkfin.Rate
	if !r.IsZero() || r.String() != "0" || r.Rat().Sign() != 0 {
		t.Errorf("zero Rate: IsZero %v, String %q, Rat %s", r.IsZero(), r.String(), r.Rat())
	}
	if r.Cmp(mustRate(t, "0.000")) != 0 || r.Cmp(mustRate(t, "0.01")) != -1 {
		t.Error("zero Rate compares wrongly")
	}
}

func TestRateIsImmutable(t *testing.T) {
	r := mustRate(t, "0.0425")
	r.Rat().SetInt64(7)
	if r.String() != "0.0425" {
		t.Errorf("Rate changed through Rat(): %s", r)
	}
}

func TestRateJSON(t *testing.T) {
	type quote struct {
		Rate linkfin.Rate `json:"rate"`
	}
	b, err := json.Marshal(quote{mustRate(t, "0.04250")})
	if err != nil {
		t.Fatal(err)
	}
	if got, want := string(b), `{"rate":"0.0425"}`; got != want {
		t.Errorf("Marshal = %s, want %s", got, want)
	}

	var q quote
	if err := json.Unmarshal([]byte(`{"rate":"0.18"}`), &q); err != nil {
		t.Fatal(err)
	}
	if q.Rate.Cmp(mustRate(t, "0.18")) != 0 {
		t.Errorf("Unmarshal = %s, want 0.18", q.Rate)
	}

	for _, in := range []string{`{"rate":0.18}`, `{"rate":"-0.18"}`, `{"rate":"1e-2"}`, `{"rate":""}`, `{"rate":"00.18"}`} {
		if err := json.Unmarshal([]byte(in), &q); err == nil {
			t.Errorf("Unmarshal(%s) accepted %s", in, q.Rate)
		}
	}
}

func FuzzParseRate(f *testing.F) {
	for _, s := range []string{
		"0.0425", "0.18", "0", "1", "0.0400", "00.5", "12.5", "0.000001",
		"1e3", "-0.01", "", "abc", ".5", "5.",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		r, err := linkfin.ParseRate(s)
		if err != nil {
			wantCode(t, err, linkfin.EINVALID)
			return
		}
		if r.Rat().Sign() < 0 {
			t.Fatalf("ParseRate(%q) = %s, negative", s, r)
		}
		text := r.String()
		again, err := linkfin.ParseRate(text)
		if err != nil || again.Cmp(r) != 0 {
			t.Fatalf("ParseRate(%q) = %s; re-parsing gave %s, %v", s, text, again, err)
		}
		if again.String() != text {
			t.Fatalf("String not canonical: %q then %q", text, again.String())
		}
		// The canonical form must be the exact value, not an approximation.
		exact, _ := new(big.Rat).SetString(s)
		if exact.Cmp(again.Rat()) != 0 {
			t.Fatalf("ParseRate(%q).String() = %q, not the same number", s, text)
		}
	})
}
