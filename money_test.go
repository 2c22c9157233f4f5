package linkfin_test

import (
	"math"
	"math/big"
	"testing"

	"pgregory.net/rapid"

	"linkfin"
)

func TestCurrencyExponent(t *testing.T) {
	tests := []struct {
		code string
		exp  int
	}{
		{"CNY", 2}, {"USD", 2}, {"EUR", 2}, {"GBP", 2}, {"HKD", 2}, {"CHF", 2}, {"SGD", 2},
		{"JPY", 0}, {"KRW", 0},
		{"BHD", 3}, {"KWD", 3}, {"JOD", 3},
	}
	for _, tt := range tests {
		c, err := linkfin.ParseCurrency(tt.code)
		if err != nil {
			t.Fatalf("ParseCurrency(%q): %v", tt.code, err)
		}
		if got := c.Exponent(); got != tt.exp {
			t.Errorf("%s.Exponent() = %d, want %d", tt.code, got, tt.exp)
		}
	}
	if got := linkfin.Currency("XXX").Exponent(); got != -1 {
		t.Errorf("unknown currency exponent = %d, want -1", got)
	}
}

func TestParseCurrencyRejects(t *testing.T) {
	for _, s := range []string{"", "cny", "CN", "CNYY", "XXX", " CNY", "RMB"} {
		_, err := linkfin.ParseCurrency(s)
		wantCode(t, err, linkfin.EINVALID)
	}
}

func TestCheckedArithmetic(t *testing.T) {
	const maxI, minI = math.MaxInt64, math.MinInt64
	tests := []struct {
		name     string
		op       func(a, b int64) (int64, error)
		a, b     int64
		want     int64
		overflow bool
	}{
		{"add", linkfin.Add, 1, 2, 3, false},
		{"add max", linkfin.Add, maxI, 0, maxI, false},
		{"add max+1", linkfin.Add, maxI, 1, 0, true},
		{"add max+max", linkfin.Add, maxI, maxI, 0, true},
		{"add min-1", linkfin.Add, minI, -1, 0, true},
		{"add min+max", linkfin.Add, minI, maxI, -1, false},
		{"sub", linkfin.Sub, 1, 2, -1, false},
		{"sub min-1", linkfin.Sub, minI, 1, 0, true},
		{"sub 0-min", linkfin.Sub, 0, minI, 0, true},
		{"sub -1-min", linkfin.Sub, -1, minI, maxI, false},
		{"sub max-(-1)", linkfin.Sub, maxI, -1, 0, true},
		{"mul", linkfin.Mul, -3, 4, -12, false},
		{"mul zero", linkfin.Mul, 0, minI, 0, false},
		{"mul max*1", linkfin.Mul, maxI, 1, maxI, false},
		{"mul max*2", linkfin.Mul, maxI, 2, 0, true},
		{"mul max*-1", linkfin.Mul, maxI, -1, -maxI, false},
		{"mul min*1", linkfin.Mul, minI, 1, minI, false},
		{"mul min*-1", linkfin.Mul, minI, -1, 0, true},
		{"mul -1*min", linkfin.Mul, -1, minI, 0, true},
		{"mul 2^32*2^31", linkfin.Mul, 1 << 32, 1 << 31, 0, true},
		{"mul -2^32*2^31", linkfin.Mul, -1 << 32, 1 << 31, minI, false},
		{"mul 3037000500^2", linkfin.Mul, 3037000500, 3037000500, 0, true},
		{"mul -3037000500*3037000500", linkfin.Mul, -3037000500, 3037000500, 0, true},
		{"mul max*-2", linkfin.Mul, maxI, -2, 0, true},
		{"mul 3037000499^2", linkfin.Mul, 3037000499, 3037000499, 9223372030926249001, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got, err := tt.op(tt.a, tt.b)
			if tt.overflow {
				if err == nil {
					t.Fatalf("got %d, want overflow", got)
				}
				wantCode(t, err, linkfin.EOVERFLOW)
				return
			}
			if err != nil || got != tt.want {
				t.Fatalf("got %d, %v; want %d", got, err, tt.want)
			}
		})
	}
}

// TestCheckedArithmeticProperty compares Add, Sub and Mul with arbitrary-precision results.
func TestCheckedArithmeticProperty(t *testing.T) {
	ops := []struct {
		name string
		op   func(a, b int64) (int64, error)
		big  func(z, a, b *big.Int) *big.Int
	}{
		{"Add", linkfin.Add, (*big.Int).Add},
		{"Sub", linkfin.Sub, (*big.Int).Sub},
		{"Mul", linkfin.Mul, (*big.Int).Mul},
	}
	// Mix the whole range with values near the edges, where overflow happens.
	gen := rapid.OneOf(
		rapid.Int64(),
		rapid.Int64Range(-1<<32, 1<<32),
		rapid.Int64Range(math.MaxInt64-1000, math.MaxInt64),
		rapid.Int64Range(math.MinInt64, math.MinInt64+1000),
	)
	rapid.Check(t, func(t *rapid.T) {
		a, b := gen.Draw(t, "a"), gen.Draw(t, "b")
		for _, o := range ops {
			want := o.big(new(big.Int), big.NewInt(a), big.NewInt(b))
			got, err := o.op(a, b)
			if want.IsInt64() {
				if err != nil || got != want.Int64() {
					t.Fatalf("%s(%d, %d) = %d, %v; want %s", o.name, a, b, got, err, want)
				}
			} else if linkfin.ErrorCode(err) != linkfin.EOVERFLOW {
				t.Fatalf("%s(%d, %d) = %d, %v; want overflow", o.name, a, b, got, err)
			}
		}
	})
}

func TestMoneyAddSub(t *testing.T) {
	a := linkfin.Money{Amount: 100000000, Currency: linkfin.CNY}
	b := linkfin.Money{Amount: 1062500, Currency: linkfin.CNY}

	sum, err := a.Add(b)
	if err != nil || sum != (linkfin.Money{Amount: 101062500, Currency: linkfin.CNY}) {
		t.Errorf("Add = %v, %v", sum, err)
	}
	diff, err := a.Sub(b)
	if err != nil || diff != (linkfin.Money{Amount: 98937500, Currency: linkfin.CNY}) {
		t.Errorf("Sub = %v, %v", diff, err)
	}

	usd := linkfin.Money{Amount: 1, Currency: linkfin.USD}
	_, err = a.Add(usd)
	wantCode(t, err, linkfin.ECURRENCYMISMATCH)
	_, err = a.Sub(usd)
	wantCode(t, err, linkfin.ECURRENCYMISMATCH)

	top := linkfin.Money{Amount: math.MaxInt64, Currency: linkfin.CNY}
	_, err = top.Add(linkfin.Money{Amount: 1, Currency: linkfin.CNY})
	wantCode(t, err, linkfin.EOVERFLOW)
	bottom := linkfin.Money{Amount: math.MinInt64, Currency: linkfin.CNY}
	_, err = bottom.Sub(linkfin.Money{Amount: 1, Currency: linkfin.CNY})
	wantCode(t, err, linkfin.EOVERFLOW)
}

func TestMoneyString(t *testing.T) {
	tests := []struct {
		m    linkfin.Money
		want string
	}{
		{linkfin.Money{Amount: 100000000, Currency: "CNY"}, "1000000.00 CNY"},
		{linkfin.Money{Amount: 1062500, Currency: "CNY"}, "10625.00 CNY"},
		{linkfin.Money{Amount: 0, Currency: "CNY"}, "0.00 CNY"},
		{linkfin.Money{Amount: 5, Currency: "CNY"}, "0.05 CNY"},
		{linkfin.Money{Amount: -5, Currency: "CNY"}, "-0.05 CNY"},
		{linkfin.Money{Amount: -123, Currency: "USD"}, "-1.23 USD"},
		{linkfin.Money{Amount: 1500, Currency: "JPY"}, "1500 JPY"},
		{linkfin.Money{Amount: -7, Currency: "KRW"}, "-7 KRW"},
		{linkfin.Money{Amount: 1234, Currency: "BHD"}, "1.234 BHD"},
		{linkfin.Money{Amount: 1, Currency: "KWD"}, "0.001 KWD"},
		{linkfin.Money{Amount: math.MaxInt64, Currency: "CNY"}, "92233720368547758.07 CNY"},
		{linkfin.Money{Amount: math.MinInt64, Currency: "CNY"}, "-92233720368547758.08 CNY"},
	}
	for _, tt := range tests {
		if got := tt.m.String(); got != tt.want {
			t.Errorf("%#v.String() = %q, want %q", tt.m, got, tt.want)
		}
	}
}

func TestParseMoney(t *testing.T) {
	tests := []struct {
		s    string
		cur  linkfin.Currency
		want int64
	}{
		{"1000000.00", "CNY", 100000000},
		{"1000000", "CNY", 100000000},
		{"10625.5", "CNY", 1062550},
		{"0.01", "CNY", 1},
		{"-0.01", "CNY", -1},
		{"-0", "CNY", 0},
		{"007.10", "CNY", 710},
		{"1500", "JPY", 1500},
		{"1.234", "BHD", 1234},
		{"92233720368547758.07", "CNY", math.MaxInt64},
		{"-92233720368547758.08", "CNY", math.MinInt64},
		{"9223372036854775807", "JPY", math.MaxInt64},
	}
	for _, tt := range tests {
		got, err := linkfin.ParseMoney(tt.s, tt.cur)
		want := linkfin.Money{Amount: tt.want, Currency: tt.cur}
		if err != nil || got != want {
			t.Errorf("ParseMoney(%q, %s) = %v, %v; want %v", tt.s, tt.cur, got, err, want)
		}
	}
}

func TestParseMoneyRejects(t *testing.T) {
	tests := []struct {
		s    string
		cur  linkfin.Currency
		code string
	}{
		{"", "CNY", linkfin.EINVALID},
		{"abc", "CNY", linkfin.EINVALID},
		{"1e3", "CNY", linkfin.EINVALID},
		{"1E3", "CNY", linkfin.EINVALID},
		{"0.001", "CNY", linkfin.EINVALID}, // finer than a fen
		{"1.0", "JPY", linkfin.EINVALID},
		{"1.2345", "BHD", linkfin.EINVALID},
		{"+1.00", "CNY", linkfin.EINVALID},
		{"--1", "CNY", linkfin.EINVALID},
		{"-", "CNY", linkfin.EINVALID},
		{".5", "CNY", linkfin.EINVALID},
		{"5.", "CNY", linkfin.EINVALID},
		{".", "CNY", linkfin.EINVALID},
		{"1.2.3", "CNY", linkfin.EINVALID},
		{"1,000.00", "CNY", linkfin.EINVALID},
		{"1_000", "CNY", linkfin.EINVALID},
		{" 1.00", "CNY", linkfin.EINVALID},
		{"1.00 ", "CNY", linkfin.EINVALID},
		{"0x10", "CNY", linkfin.EINVALID},
		{"Inf", "CNY", linkfin.EINVALID},
		{"NaN", "CNY", linkfin.EINVALID},
		{"１", "CNY", linkfin.EINVALID}, // full-width digit
		{"1.00", "XXX", linkfin.EINVALID},
		{"1.00", "", linkfin.EINVALID},
		{"92233720368547758.08", "CNY", linkfin.EOVERFLOW},
		{"-92233720368547758.09", "CNY", linkfin.EOVERFLOW},
		{"99999999999999999999999", "JPY", linkfin.EOVERFLOW},
	}
	for _, tt := range tests {
		got, err := linkfin.ParseMoney(tt.s, tt.cur)
		if err == nil {
			t.Errorf("ParseMoney(%q, %q) = %v, want error", tt.s, tt.cur, got)
			continue
		}
		wantCode(t, err, tt.code)
	}
}

// TestMoneyDecimalRoundTrip checks that every amount in every exponent survives
// Decimal → ParseMoney.
func TestMoneyDecimalRoundTrip(t *testing.T) {
	curs := []linkfin.Currency{"CNY", "JPY", "BHD"}
	rapid.Check(t, func(t *rapid.T) {
		m := linkfin.Money{
			Amount:   rapid.Int64().Draw(t, "amount"),
			Currency: rapid.SampledFrom(curs).Draw(t, "currency"),
		}
		got, err := linkfin.ParseMoney(m.Decimal(), m.Currency)
		if err != nil || got != m {
			t.Fatalf("ParseMoney(%q) = %v, %v; want %v", m.Decimal(), got, err, m)
		}
	})
}

func FuzzParseMoney(f *testing.F) {
	for _, seed := range []struct{ s, cur string }{
		{"1000000.00", "CNY"}, {"0.01", "CNY"}, {"-0.05", "USD"}, {"1500", "JPY"},
		{"1.234", "BHD"}, {"92233720368547758.07", "CNY"}, {"-92233720368547758.08", "CNY"},
		{"1e3", "CNY"}, {"0.001", "CNY"}, {"", "CNY"}, {"abc", "EUR"}, {"007.1", "HKD"},
	} {
		f.Add(seed.s, seed.cur)
	}
	f.Fuzz(func(t *testing.T, s, code string) {
		cur, err := linkfin.ParseCurrency(code)
		if err != nil {
			return
		}
		m, err := linkfin.ParseMoney(s, cur)
		if err != nil {
			if c := linkfin.ErrorCode(err); c != linkfin.EINVALID && c != linkfin.EOVERFLOW {
				t.Fatalf("ParseMoney(%q, %s): unexpected code %q", s, cur, c)
			}
			return
		}
		text := m.Decimal()
		again, err := linkfin.ParseMoney(text, cur)
		if err != nil || again != m {
			t.Fatalf("ParseMoney(%q) = %v; re-parsing %q gave %v, %v", s, m, text, again, err)
		}
		if again.Decimal() != text {
			t.Fatalf("Decimal not canonical: %q then %q", text, again.Decimal())
		}
		if want := text + " " + code; m.String() != want {
			t.Fatalf("String() = %q, want %q", m.String(), want)
		}
	})
}

// TestFinancingOwed: what a loan owes is its price and interest, exactly up to int64,
// and an overflow error beyond it.
func TestFinancingOwed(t *testing.T) {
	f := linkfin.Financing{Quote: linkfin.Quote{Price: linkfin.MaxAmount}, Interest: linkfin.MaxAmount / 2}
	if owed, err := f.Owed(); err != nil || owed != linkfin.MaxAmount*3/2 {
		t.Fatalf("owed %d, %v", owed, err)
	}
	f.Quote.Price, f.Interest = math.MaxInt64-1, 1
	if owed, err := f.Owed(); err != nil || owed != math.MaxInt64 {
		t.Fatalf("owed %d, %v", owed, err)
	}
	f.Interest = 2
	_, err := f.Owed()
	wantCode(t, err, linkfin.EOVERFLOW)
}

// TestCheckTreeOverflow: pieces whose faces overflow when summed are a problem of the
// tree, not a wrapped sum that happens to match.
func TestCheckTreeOverflow(t *testing.T) {
	// Two faces of math.MaxInt64 and one of 4 wrap around to 2, the root's face.
	root := linkfin.Certificate{ID: "c", RootID: "c", Face: 2, Status: linkfin.CertificateSplit, Children: []string{"a", "b", "d"}}
	tree := []linkfin.Certificate{root}
	for id, face := range map[string]int64{"a": math.MaxInt64, "b": math.MaxInt64, "d": 4} {
		tree = append(tree, linkfin.Certificate{ID: id, RootID: "c", ParentID: "c", Face: face, Status: linkfin.CertificateActive})
	}
	if p := linkfin.CheckTree(tree, 0); len(p) == 0 {
		t.Fatal("no problem with faces whose sum overflows")
	}
}

// TestSum: a Sum of amounts is exact past 2^63, in either direction, whatever the
// order of its terms; Int64 gives it when it fits and refuses it with
// linkfin.ETOTALTOOLARGE when it does not; linkfin.NewSum normalizes any two parts.
func TestSum(t *testing.T) {
	big10 := func(s linkfin.Sum) *big.Int {
		v := new(big.Int).Mul(big.NewInt(s.High), big.NewInt(linkfin.SumBase))
		return v.Add(v, big.NewInt(s.Low))
	}
	check := func(s linkfin.Sum, want *big.Int) {
		t.Helper()
		if s.Low < 0 || s.Low >= linkfin.SumBase || big10(s).Cmp(want) != 0 || s.String() != want.String() {
			t.Fatalf("sum %+v (%s), want %s", s, s, want)
		}
		v, err := s.Int64()
		switch {
		case want.IsInt64() && (err != nil || v != want.Int64()):
			t.Fatalf("%s as an int64: %d, %v", want, v, err)
		case !want.IsInt64() && linkfin.ErrorCode(err) != linkfin.ETOTALTOOLARGE:
			t.Fatalf("%s as an int64: %d, %v; want %s", want, v, err, linkfin.ETOTALTOOLARGE)
		}
	}
	terms := []int64{linkfin.MaxAmount, math.MaxInt64, -linkfin.MaxAmount, 1, -1, math.MinInt64, 999_999_999_999_999_999, -linkfin.SumBase, linkfin.SumBase, 0}
	var s, back linkfin.Sum
	want := new(big.Int)
	for i := range 30_000 {
		a := terms[i%len(terms)]
		if i%3 == 0 {
			a = linkfin.MaxAmount
		}
		var err error
		if s, err = s.Add(linkfin.SumOf(a)); err != nil {
			t.Fatal(err)
		}
		want.Add(want, big.NewInt(a))
		check(s, want)
		if back, err = back.Sub(linkfin.SumOf(a)); err != nil {
			t.Fatal(err)
		}
		check(back, new(big.Int).Neg(want))
	}
	if z, err := s.Add(back); err != nil || !z.IsZero() {
		t.Fatalf("a sum and its negation: %+v %v", z, err)
	}
	for _, c := range [][2]int64{{0, math.MinInt64}, {3, -1}, {-3, 2 * linkfin.SumBase}, {math.MaxInt64, linkfin.SumBase - 1}, {math.MinInt64, 0}} {
		s, err := linkfin.NewSum(c[0], c[1])
		if err != nil {
			t.Fatal(err)
		}
		v := new(big.Int).Mul(big.NewInt(c[0]), big.NewInt(linkfin.SumBase))
		check(s, v.Add(v, big.NewInt(c[1])))
	}
	if _, err := linkfin.NewSum(math.MaxInt64, linkfin.SumBase); linkfin.ErrorCode(err) != linkfin.EOVERFLOW {
		t.Fatalf("a sum beyond a Sum: %v", err)
	}
	top, _ := linkfin.NewSum(math.MaxInt64, 0)
	if _, err := top.Add(linkfin.SumOf(linkfin.SumBase)); linkfin.ErrorCode(err) != linkfin.EOVERFLOW {
		t.Fatalf("adding past the top of a Sum: %v", err)
	}
	if v, err := linkfin.AddTotal(math.MaxInt64-1, 1); err != nil || v != math.MaxInt64 {
		t.Fatalf("linkfin.AddTotal to the top: %d %v", v, err)
	}
	if _, err := linkfin.AddTotal(math.MaxInt64, 1); linkfin.ErrorCode(err) != linkfin.ETOTALTOOLARGE {
		t.Fatalf("linkfin.AddTotal past the top: %v", err)
	}
}
