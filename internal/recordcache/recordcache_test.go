package recordcache

import (
	"encoding/json"
	"reflect"
	"testing"
	"time"

	"linkfin"
)

// TestKindsCachedAsValues: every record kind of the root package is kept in the cache
// as a value, so none of them is decoded on every read.
func TestKindsCachedAsValues(t *testing.T) {
	for _, kind := range linkfin.Kinds() {
		if reflect.TypeOf(linkfin.NewRecord(kind)).Elem().PkgPath() != "linkfin" {
			continue // a test's or the platform's, checked where it is defined
		}
		if valueType(kind) == nil {
			t.Errorf("%s records (%T) are decoded on every read: a copy of one is not what its JSON decodes to",
				kind, linkfin.NewRecord(kind))
		}
	}
}

// TestCopiesAsJSON: the cache keeps a copy of what a Put wrote only for types whose JSON
// gives back all they hold.
func TestCopiesAsJSON(t *testing.T) {
	type inner struct {
		A []string         `json:"a"`
		M map[int64]string `json:"m"`
	}
	for _, tc := range []struct {
		v    any
		want bool
	}{
		{struct {
			S     string          `json:"s"`
			T     time.Time       `json:"t"`
			R     *linkfin.Rate   `json:"r,omitempty"`
			D     linkfin.Date    `json:"d,omitzero"`
			Raw   json.RawMessage `json:"raw"`
			N     int64           `json:"n,string"`
			Inner []inner         `json:"inner"`
			inner
		}{}, true},
		{struct{ V any }{}, false}, // the type behind an interface
		{struct{ v int }{}, false}, // an unexported field
		{struct {
			V int `json:"-"`
		}{}, false}, // a field JSON leaves out
		{struct{ *inner }{}, false},           // an embedded pointer
		{struct{ M map[[2]int]int }{}, false}, // a key JSON cannot write
		{struct{ F func() }{}, false},
		{map[string]map[string]any{}, false},
		{map[string]string{}, true},
	} {
		if got := copiesAsJSON(reflect.TypeOf(tc.v), map[reflect.Type]bool{}); got != tc.want {
			t.Errorf("%T: copiesAsJSON = %v, want %v", tc.v, got, tc.want)
		}
	}
}
