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
	b, err := json.Marshal(rec{N: 4611686018427387905})
	if err != nil || string(b) != `{"n":"4611686018427387905"}` {
		t.Fatalf("%s, %v", b, err)
	}
}
