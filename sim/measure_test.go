package sim

import "testing"

// number reads back only an order's number as the runner writes it (%d), so that the
// measure finds a record by its id exactly as a lookup of fmt.Sprintf's id would.
func TestNumber(t *testing.T) {
	for _, c := range []struct {
		s     string
		below int
		want  int
	}{
		{"1", 10, 1}, {"9", 10, 9}, {"10", 11, 10}, {"10", 10, 0}, {"0", 10, 0}, {"01", 10, 0},
		{"", 10, 0}, {"1a", 10, 0}, {"-1", 10, 0}, {"1.2", 100, 0}, {"1234567890", 1 << 40, 0},
	} {
		if got := number(c.s, c.below); got != c.want {
			t.Errorf("number(%q, %d) = %d, want %d", c.s, c.below, got, c.want)
		}
	}
}
