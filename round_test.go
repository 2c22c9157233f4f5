package linkfin_test

import (
	"math"
	"math/big"
	"testing"

	"linkfin"
)

func TestRoundHalfEven(t *testing.T) {
	tests := []struct {
		in   string // big.Rat syntax
		want int64
	}{
		{"0", 0},
		{"0.5", 0},
		{"1.5", 2},
		{"2.5", 2},
		{"3.5", 4},
		{"-0.5", 0},
		{"-1.5", -2},
		{"-2.5", -2},
		{"2.5000001", 3},
		{"-2.5000001", -3},
		{"2.4999999", 2},
		{"1/3", 0},
		{"2/3", 1},
		{"-2/3", -1},
		{"1062500", 1062500},
		{"9223372036854775806.5", math.MaxInt64 - 1},
		{"9223372036854775807.4", math.MaxInt64},
		{"-9223372036854775808.5", math.MinInt64},
	}
	for _, tt := range tests {
		r, ok := new(big.Rat).SetString(tt.in)
		if !ok {
			t.Fatalf("bad test input %q", tt.in)
		}
		got, err := linkfin.RoundHalfEven(r)
		if err != nil || got != tt.want {
			t.Errorf("RoundHalfEven(%s) = %d, %v; want %d", tt.in, got, err, tt.want)
		}
	}
}

func TestRoundHalfEvenOverflow(t *testing.T) {
	for _, in := range []string{
		"9223372036854775807.5", // MaxInt64 is odd, so the tie goes up, out of range
		"9223372036854775808",
		"-9223372036854775808.5000001",
		"-9223372036854775809",
		"1e30",
	} {
		r, _ := new(big.Rat).SetString(in)
		got, err := linkfin.RoundHalfEven(r)
		if err == nil {
			t.Errorf("RoundHalfEven(%s) = %d, want overflow", in, got)
		}
		wantCode(t, err, linkfin.EOVERFLOW)
	}
	_, err := linkfin.RoundHalfEven(nil)
	wantCode(t, err, linkfin.EINVALID)
}

func TestRoundHalfEvenDoesNotModifyInput(t *testing.T) {
	r := big.NewRat(5, 2)
	if _, err := linkfin.RoundHalfEven(r); err != nil {
		t.Fatal(err)
	}
	if r.Cmp(big.NewRat(5, 2)) != 0 {
		t.Errorf("input changed to %s", r.RatString())
	}
}
