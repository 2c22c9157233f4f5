package linkfin

import (
	"bytes"
	"encoding/json"
	"strconv"
	"strings"
)

// MaxSafeJSONInt is the largest integer that every JSON reader holds exactly: 2^53 − 1,
// the last integer a float64 (JavaScript's only number) counts one by one.
const MaxSafeJSONInt = 1<<53 - 1

// StringInt is an int64 that JSON carries as a decimal string, "42": ids, times in
// nanoseconds and running sums can exceed 2^53, and a number that large loses digits
// in JavaScript and in every reader that parses numbers into float64. It reads a JSON
// number too, as records written before it existed hold one.
//
// It reads an integer in its one spelling, as a string or as a number: decimal digits
// without a leading zero ("0" itself is zero), after a '-' for one below zero. "04",
// "-0", "-04", "+4" and " 4" are refused: strconv reads them all, and one integer
// written many ways could be read one way by linkfin and another by a reader in front
// of it (a leading zero is octal to some). What MarshalJSON writes, and what
// encoding/json wrote for an int64 before, are in that spelling: no stored record holds
// another, not even a JSON number -0, which no Go encoder writes for an integer.
type StringInt int64

// MarshalJSON writes the integer as a decimal string.
func (n StringInt) MarshalJSON() ([]byte, error) {
	return strconv.AppendQuote(nil, strconv.FormatInt(int64(n), 10)), nil
}

// UnmarshalJSON reads a decimal string, or a JSON number.
func (n *StringInt) UnmarshalJSON(b []byte) error {
	s := string(b)
	if len(b) > 0 && b[0] == '"' {
		if err := json.Unmarshal(b, &s); err != nil {
			return err
		}
	} else if bytes.Equal(b, []byte("null")) {
		return nil
	}
	v, ok := parseSignedDecimal(s)
	if !ok {
		return Errorf(EINVALID, "%s is not a decimal integer of 64 bits in its one spelling, without a plus, a space, a leading zero or a sign on zero", b)
	}
	*n = StringInt(v)
	return nil
}

// parseSignedDecimal reads s as an int64 written in its one spelling: ParseDecimal's
// (decimal digits without a leading zero, "0" itself is zero), after a '-' for a
// number below zero. "-0", "+4", "04" and " 4" are not integers here.
func parseSignedDecimal(s string) (int64, bool) {
	digits := strings.TrimPrefix(s, "-")
	if !IsDigits(digits) || digits[0] == '0' && (len(digits) > 1 || len(s) > 1) {
		return 0, false
	}
	v, err := strconv.ParseInt(s, 10, 64)
	return v, err == nil
}
