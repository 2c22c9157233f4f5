package recordcache

import (
	"encoding/json"
	"math"
	"reflect"
	"testing"
	"time"

	"linkfin"
)

type tree struct {
	Name     string           `json:"name"`
	Children []*tree          `json:"children"`
	ByName   map[string]*tree `json:"by_name"`
	Pair     [2][]int         `json:"pair"`
	Raw      json.RawMessage  `json:"raw"`
	hidden
}

type hidden struct {
	Tags []string `json:"tags"`
}

// fill sets every part of v that reflect can reach, to values that differ by seed:
// pointers, slices and maps get elements, down to depth.
func fill(v reflect.Value, seed, depth int) {
	switch v.Type() {
	case reflect.TypeFor[time.Time]():
		v.Set(reflect.ValueOf(time.Date(2026, 1, 1+seed, 0, 0, 0, 0, time.UTC)))
		return
	case reflect.TypeFor[linkfin.Rate]():
		r, _ := linkfin.ParseRate("0.05")
		v.Set(reflect.ValueOf(r))
		return
	case reflect.TypeFor[json.RawMessage]():
		v.SetBytes([]byte("12"))
		return
	case reflect.TypeFor[linkfin.Date]():
		v.Set(reflect.ValueOf(linkfin.NewDate(2026, 1, 1+seed)))
		return
	}
	switch v.Kind() {
	case reflect.Bool:
		v.SetBool(seed%2 == 0)
	case reflect.String:
		v.SetString("s" + string(rune('a'+seed%26)))
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(seed + 1))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(seed + 1))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(seed) + 0.5)
	case reflect.Pointer:
		if depth > 0 {
			v.Set(reflect.New(v.Type().Elem()))
			fill(v.Elem(), seed+1, depth-1)
		}
	case reflect.Slice:
		if depth > 0 {
			v.Set(reflect.MakeSlice(v.Type(), 2, 2))
			for i := range 2 {
				fill(v.Index(i), seed+i, depth-1)
			}
		}
	case reflect.Array:
		for i := range v.Len() {
			fill(v.Index(i), seed+i, depth)
		}
	case reflect.Map:
		if depth > 0 {
			v.Set(reflect.MakeMap(v.Type()))
			for i := range 2 {
				k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
				fill(k, seed+i, depth-1)
				fill(e, seed+i, depth-1)
				v.SetMapIndex(k, e)
			}
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Field(i); f.CanSet() {
				fill(f, seed+i, depth)
			}
		}
	}
}

// TestCopyIsDeep: a copy of a value of each record kind (and of a type that holds
// itself) equals it, and shares nothing with it that can change in place: filling the
// original again with other values leaves the copy as it was.
func TestCopyIsDeep(t *testing.T) {
	types := []reflect.Type{reflect.TypeFor[tree]()}
	for _, kind := range linkfin.Kinds() {
		types = append(types, reflect.TypeOf(linkfin.NewRecord(kind)).Elem())
	}
	for _, typ := range types {
		orig := reflect.New(typ)
		fill(orig.Elem(), 0, 3)
		before := fallback.Clone(orig).Interface() // go-clone's copy, to compare with
		cp := copyOf(orig.Interface())
		if !reflect.DeepEqual(cp, orig.Interface()) {
			t.Errorf("%v: the copy %+v differs from %+v", typ, cp, orig.Interface())
			continue
		}
		mutate(orig.Elem())
		if !reflect.DeepEqual(cp, before) {
			t.Errorf("%v: changing the original changed the copy:\n%+v\n%+v", typ, before, cp)
		}
	}
}

// mutate changes every string, number and flag reachable in place from v, without
// replacing any pointer, slice or map it holds.
func mutate(v reflect.Value) {
	switch v.Kind() {
	case reflect.String:
		v.SetString(v.String() + "!")
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(v.Int() + 7)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(v.Uint() + 7)
	case reflect.Bool:
		v.SetBool(!v.Bool())
	case reflect.Pointer:
		if !v.IsNil() {
			mutate(v.Elem())
		}
	case reflect.Slice, reflect.Array:
		for i := range v.Len() {
			mutate(v.Index(i))
		}
	case reflect.Map:
		for it := v.MapRange(); it.Next(); {
			e := reflect.New(v.Type().Elem()).Elem()
			e.Set(it.Value())
			mutate(e)
			v.SetMapIndex(it.Key(), e)
		}
	case reflect.Struct:
		for i := range v.NumField() {
			if f := v.Field(i); f.CanSet() {
				mutate(f)
			}
		}
	}
}

// zero reports what reflect.Value.IsZero does, by the bytes; but for a negative zero
// float, which IsZero takes for zero in a struct and not alone: zero does not, so its
// reader decodes into it as json.Unmarshal does.
func TestZero(t *testing.T) {
	negZero := math.Copysign(0, -1)
	big := [5000]byte{}
	bigSet := [5000]byte{4999: 1}
	for _, v := range []any{&tree{}, &tree{Name: "a"}, &tree{hidden: hidden{Tags: []string{}}}, &struct{ F float64 }{},
		&struct{ F float64 }{negZero}, &linkfin.Date{}, &time.Time{}, &big, &bigSet, &struct{ B [3]byte }{[3]byte{0, 0, 1}}} {
		p := reflect.ValueOf(v)
		want := p.Elem().IsZero()
		if f, ok := v.(*struct{ F float64 }); ok && math.Signbit(f.F) {
			want = false
		}
		if got := zero(p); got != want {
			t.Errorf("%T %+v: zero %v, IsZero %v", v, v, got, want)
		}
	}
}

// An empty slice copies to an empty slice, not nil (JSON tells [] from null), and one
// copy's append is its own.
func TestCopyOfEmptySlice(t *testing.T) {
	type tags struct{ Tags []string }
	orig := &tags{Tags: make([]string, 0, 4)}
	a, b := copyOf(orig).(*tags), copyOf(orig).(*tags)
	if a.Tags == nil || len(a.Tags) != 0 {
		t.Fatalf("the copy's tags are %#v, want empty and not nil", a.Tags)
	}
	a.Tags = append(a.Tags, "x")
	if b.Tags == nil || len(b.Tags) != 0 || cap(b.Tags) != 0 || len(orig.Tags) != 0 {
		t.Fatalf("another copy's tags are %#v (room for %d), the original's %#v", b.Tags, cap(b.Tags), orig.Tags)
	}
	if c := copyOf(orig).(*tags); c.Tags == nil || len(c.Tags) != 0 {
		t.Fatalf("a later copy's tags are %#v", c.Tags)
	}
}
