package linkfin_test

import (
	"encoding/json"
	"testing"

	"linkfin"
)

func TestStringInt(t *testing.T) {
	type rec struct {
		N linkfin.StringInt `json:"n"`
	}
	for _, c := range []struct {
		in   string
		want int64
	}{
		{`{"n":"9007199254740993"}`, 9007199254740993},
		{`{"n":9007199254740993}`, 9007199254740993}, // as records written before
		{`{"n":"-5"}`, -5},
		{`{"n":"9223372036854775807"}`, 9223372036854775807},
	} {
		var r rec
		if err := json.Unmarshal([]byte(c.in), &r); err != nil || int64(r.N) != c.want {
			t.Errorf("%s: %d, %v", c.in, r.N, err)
		}
	}
	for _, bad := range []string{`{"n":"x"}`, `{"n":""}`, `{"n":"+1"}`, `{"n":"1.5"}`, `{"n":1.5}`, `{"n":"9223372036854775808"}`, `{"n":true}`} {
		var r rec
		if err := json.Unmarshal([]byte(bad), &r); err == nil {
			t.Errorf("%s: read as %d", bad, r.N)
		}
	}
	// An integer has one spelling, as a string or as a number: no leading zero, no
	// sign on zero, no plus, no space. Each is refused invalid, naming the value.
	for _, bad := range []string{`{"n":"04"}`, `{"n":"-0"}`, `{"n":"-04"}`, `{"n":"00"}`, `{"n":" 4"}`, `{"n":"4 "}`,
		`{"n":"+4"}`, `{"n":"+0"}`, `{"n":"-"}`, `{"n":-0}`, `{"n":"0x4"}`, `{"n":"4e0"}`} {
		var r rec
		err := json.Unmarshal([]byte(bad), &r)
		if linkfin.ErrorCode(err) != linkfin.EINVALID || r.N != 0 {
			t.Errorf("%s: read as %d, %v; want %s", bad, r.N, err, linkfin.EINVALID)
		}
	}
	// What MarshalJSON writes is read back to the same integer.
	for _, n := range []int64{0, 10, -10, -9223372036854775808} {
		b, err := json.Marshal(rec{N: linkfin.StringInt(n)})
		var r rec
		if err == nil {
			err = json.Unmarshal(b, &r)
		}
		if err != nil || int64(r.N) != n {
			t.Errorf("%d: written as %s, read as %d, %v", n, b, r.N, err)
		}
	}
	b, err := json.Marshal(rec{N: 4611686018427387905})
	if err != nil || string(b) != `{"n":"4611686018427387905"}` {
		t.Fatalf("%s, %v", b, err)
	}
}
