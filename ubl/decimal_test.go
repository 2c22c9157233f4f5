package ubl

import (
	"encoding/json"
	"math/big"
	"testing"

	"linkfin"
)

func TestParseDecimal(t *testing.T) {
	tests := []struct {
		in, out string
		rat     string // the exact value, as big.Rat prints it
	}{
		{"12", "12", "12/1"},
		{"-0.5", "-0.5", "-1/2"},
		{"+3.", "3", "3/1"},
		{".25", "0.25", "1/4"},
		{" 1.50\n", "1.50", "3/2"},
		{"-0.00", "0.00", "0/1"},
		{"007.10", "7.10", "71/10"},
		{"0.000000000000000001", "0.000000000000000001", "1/1000000000000000000"},
		{"9223372036854775807", "9223372036854775807", "9223372036854775807/1"},
		{"-9223372036854775808", "-9223372036854775808", "-9223372036854775808/1"},
		{"-92233720368547758.08", "-92233720368547758.08", "-2305843009213693952/25"},
		// Zeros that end the fraction, dropped where they would not fit.
		{"1656.2500000000000000000000000", "1656.250000000000000", "6625/4"},
		{"0.0000000000000000010", "0.000000000000000001", "1/1000000000000000000"},
		{"9223372036854775807.000", "9223372036854775807", "9223372036854775807/1"},
		{"1.000000000000000000", "1.000000000000000000", "1/1"}, // fits, so keeps its scale
		{"1.0000000000000000000", "1.000000000000000000", "1/1"},
		{"10.000000000000000000", "10.00000000000000000", "10/1"},
	}
	for _, tt := range tests {
		d, err := ParseDecimal(tt.in)
		if err != nil {
			t.Errorf("ParseDecimal(%q): %v", tt.in, err)
			continue
		}
		if d.String() != tt.out || d.Rat().String() != tt.rat {
			t.Errorf("ParseDecimal(%q) = %s (%s), want %s (%s)", tt.in, d, d.Rat(), tt.out, tt.rat)
		}
		if back, err := ParseDecimal(d.String()); err != nil || back != d {
			t.Errorf("ParseDecimal(%q) = %#v, %v; want %#v", d.String(), back, err, d)
		}
	}

	for _, in := range []string{
		"", " ", ".", "-", "+", "-.", "1e3", "1E-2", "1,5", "1.2.3", "--1", "+-1", "-+1",
		"0x10", "1 000", "½", "١", "NaN", "Inf",
		"9223372036854775808", "-9223372036854775809", "0.0000000000000000001",
		"9223372036854775808.0", "0.00000000000000000010001",
	} {
		if d, err := ParseDecimal(in); err == nil {
			t.Errorf("ParseDecimal(%q) = %s, want an error", in, d)
		} else if code := linkfin.ErrorCode(err); code != EINVALID {
			t.Errorf("ParseDecimal(%q): code %q, want %q", in, code, EINVALID)
		}
	}
}

func TestDecimalJSON(t *testing.T) {
	in := Line{Quantity: Decimal{unscaled: -1500, scale: 3}, Price: Decimal{unscaled: 7}}
	b, err := json.Marshal(in)
	if err != nil {
		t.Fatal(err)
	}
	const want = `{"id":"","quantity":"-1.500","price":"7","base_quantity":"0","amount":{"amount":0,"currency":""}}`
	if string(b) != want {
		t.Errorf("JSON %s, want %s", b, want)
	}
	var out Line
	if err := json.Unmarshal(b, &out); err != nil || out != in {
		t.Errorf("decoded %+v, %v; want %+v", out, err, in)
	}
	if err := json.Unmarshal([]byte(`{"quantity":"1e3"}`), &out); linkfin.ErrorCode(err) != EINVALID {
		t.Errorf("decoding 1e3 as a Decimal: %v, want code %s", err, EINVALID)
	}
}

func TestMoney(t *testing.T) {
	tests := []struct {
		in    string
		cur   linkfin.Currency
		minor int64
	}{
		{"1436.50", "EUR", 143650},
		{"1436.5", "EUR", 143650},
		{"-0.01", "EUR", -1},
		{"1.000", "EUR", 100}, // zeros beyond the minor unit change nothing
		{"1500", "JPY", 1500},
		{"1500.00", "JPY", 1500},
		{"1.234", "BHD", 1234},
		{"0.5", "KWD", 500},
		{"92233720368547758.07", "EUR", 9223372036854775807},
		{"1656.2500000000000000000000000", "EUR", 165625}, // as .NET writes a decimal of scale 25
		{"92233720368547758.0700", "EUR", 9223372036854775807},
	}
	for _, tt := range tests {
		m, err := money(tt.in, tt.cur)
		if err != nil || m != (linkfin.Money{Amount: tt.minor, Currency: tt.cur}) {
			t.Errorf("money(%q, %s) = %v, %v; want %d", tt.in, tt.cur, m, err, tt.minor)
		}
	}

	for _, tt := range []struct {
		in  string
		cur linkfin.Currency
	}{
		{"1.005", "EUR"},  // half a cent
		{"-0.396", "EUR"}, // a line tax amount in the OASIS example
		{"1500.5", "JPY"},
		{"1.2345", "BHD"},
		{"92233720368547758.08", "EUR"}, // just over int64 cents
		{"92233720368547759", "EUR"},    // fits as euros, not as cents
		{"1", "ABC"},                    // unknown currency
		{"1", ""},
	} {
		if m, err := money(tt.in, tt.cur); err == nil {
			t.Errorf("money(%q, %s) = %v, want an error", tt.in, tt.cur, m)
		} else if code := linkfin.ErrorCode(err); code != EINVALID {
			t.Errorf("money(%q, %s): code %q, want %q", tt.in, tt.cur, code, EINVALID)
		}
	}
}

// A Decimal's Rat is exact, however many digits: quantity × price keeps them all.
func TestDecimalRatExact(t *testing.T) {
	q, p := Decimal{unscaled: 3, scale: 0}, Decimal{unscaled: 333333333333333333, scale: 18}
	got := new(big.Rat).Mul(q.Rat(), p.Rat())
	if want, _ := new(big.Rat).SetString("0.999999999999999999"); got.Cmp(want) != 0 {
		t.Errorf("3 × 0.333333333333333333 = %s", got.FloatString(20))
	}
}
