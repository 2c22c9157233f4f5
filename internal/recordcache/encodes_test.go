package recordcache

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
	"time"

	"linkfin"
)

// TestEncodesByType: a type's values are taken for sure to encode only where its
// parts are known: an interface, a cycle, an embedded field, JSON methods of its own
// (a raw message may hold anything) are not, and neither is an "id" JSON would not
// write as that string.
func TestEncodesByType(t *testing.T) {
	type node struct {
		ID   string  `json:"id"`
		Next []*node `json:"next"`
	}
	type inner struct{ N int }
	for _, tc := range []struct {
		v    any
		want bool
	}{
		{struct {
			ID    string            `json:"id"`
			T     time.Time         `json:"t"`
			P     *time.Time        `json:"p"`
			R     *linkfin.Rate     `json:"r,omitempty"`
			D     linkfin.Date      `json:"d,omitzero"`
			N     linkfin.StringInt `json:"n"`
			F     []float64         `json:"f"`
			M     map[int]string    `json:"m"`
			Lines []inner           `json:"lines"`
		}{}, true},
		{struct {
			ID string `json:"id"`
			V  any    `json:"v"`
		}{}, false},
		{node{}, false},
		{struct {
			ID string `json:"id"`
			inner
		}{}, true}, // its fields are the outer's
		{struct {
			inner
			N int
		}{}, false}, // no id, and N twice
		{struct {
			ID string `json:"id"`
			*inner
		}{}, false},
		{struct {
			ID    string `json:"id"`
			inner `json:"inner"`
		}{}, false},
		{struct {
			ID string `json:"id"`
			time.Time
		}{}, false},
		{struct {
			ID  string          `json:"id"`
			Raw json.RawMessage `json:"raw"`
		}{}, false},
		{struct {
			ID string `json:"id,string"`
		}{}, false},
		{struct{ ID string }{}, false}, // written as "ID"
		{struct {
			ID int64 `json:"id"`
		}{}, false},
	} {
		p := encodePlanOf(reflect.TypeOf(tc.v))
		if got := p.ok && p.id != nil; got != tc.want {
			t.Errorf("%T: sure to encode = %v, want %v", tc.v, got, tc.want)
		}
	}
}

const kindEncodes = "recordcache_encodes"

type encoded struct {
	ID    string             `json:"id"`
	At    time.Time          `json:"at"`
	Basis linkfin.DayCount   `json:"basis"`
	Ratio map[string]float64 `json:"ratio"`
}

func init() { linkfin.RegisterKind(kindEncodes, func() any { return new(encoded) }) }

// TestEncodesByValue: Encodes is true exactly where json.Marshal succeeds and the JSON
// holds the id, for the values of a type whose parts must each be checked; and false
// for what is not a pointer to the kind's type.
func TestEncodesByValue(t *testing.T) {
	ok := func() *encoded {
		return &encoded{ID: "e", At: time.Date(2026, 1, 2, 0, 0, 0, 0, time.UTC), Basis: linkfin.ACT365F,
			Ratio: map[string]float64{"a": 0.25}}
	}
	for name, tc := range map[string]struct {
		id    string
		spoil func(*encoded)
	}{
		"as written":    {"e", func(*encoded) {}},
		"year 10000":    {"e", func(e *encoded) { e.At = e.At.AddDate(8000, 0, 0) }},
		"a local zone":  {"e", func(e *encoded) { e.At = e.At.In(time.FixedZone("x", 3600)) }},
		"no day count":  {"e", func(e *encoded) { e.Basis = 0 }},
		"a NaN":         {"e", func(e *encoded) { e.Ratio["b"] = math.NaN() }},
		"+Inf":          {"e", func(e *encoded) { e.Ratio["a"] = math.Inf(1) }},
		"another id":    {"f", func(*encoded) {}},
		"an empty id":   {"", func(e *encoded) { e.ID = "" }},
		"invalid UTF-8": {"\xff", func(e *encoded) { e.ID = "\xff" }},
	} {
		v := ok()
		tc.spoil(v)
		data, err := linkfin.EncodeRecord(kindEncodes, tc.id, v, kindEncodes+".made")
		sure := Encodes(kindEncodes, tc.id, v)
		if sure && err != nil {
			t.Errorf("%s: taken to encode, and encoding fails: %v", name, err)
		}
		if name == "as written" && (!sure || err != nil) {
			t.Errorf("%s: sure %v, %s %v", name, sure, data, err)
		}
		if name != "as written" && name != "a local zone" && sure {
			t.Errorf("%s: taken to encode", name)
		}
	}
	if Encodes(kindEncodes, "e", *ok()) || Encodes(kindEncodes, "e", (*encoded)(nil)) || Encodes("no such kind", "e", ok()) {
		t.Error("a value, a nil pointer or a kind not registered is taken to encode")
	}
}
