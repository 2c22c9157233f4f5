package linkfin

import (
	"bytes"
	"encoding/json"
	"strconv"
)

// MaxSafeJSONInt is the largest integer that every JSON reader holds exactly: 2^53 − 1,
// the last integer a float64 (JavaScript's only number) counts one by one.
const MaxSafeJSONInt = 1<<53 - 1

// StringInt is an int64 that JSON carries as a decimal string, "42": ids, times in
// nanoseconds and running sums can exceed 2^53, and a number that large loses digits
// in JavaScript and in every reader that parses numbers into float64. It reads a JSON
// number too, as records written before it existed hold one.
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
	v, err := strconv.ParseInt(s, 10, 64)
	if err != nil || s == "" || s[0] == '+' {
		return Errorf(EINVALID, "%s is not a decimal integer of 64 bits", b)
	}
	*n = StringInt(v)
	return nil
}
