package linkfin

import "math/big"

// RoundHalfEven rounds r to the nearest integer, ties to the even neighbour (banker's
// rounding), so that ties do not bias sums in either direction. It is the only rounding
// in linkfin: amounts are computed exactly and rounded once, to minor units. A result
// outside int64 is an EOVERFLOW error; a nil r is EINVALID.
func RoundHalfEven(r *big.Rat) (int64, error) {
	if r == nil {
		return 0, Errorf(EINVALID, "nothing to round")
	}
	num, den := r.Num(), r.Denom() // den > 0
	q, m := new(big.Int).QuoRem(num, den, new(big.Int))

	// q is truncated toward zero and m carries num's sign; compare |2m| with den to
	// decide whether to step one away from zero.
	m.Abs(m).Lsh(m, 1)
	if c := m.Cmp(den); c > 0 || (c == 0 && q.Bit(0) == 1) {
		q.Add(q, big.NewInt(int64(num.Sign())))
	}
	if !q.IsInt64() {
		return 0, Errorf(EOVERFLOW, "rounded amount is out of range")
	}
	return q.Int64(), nil
}
