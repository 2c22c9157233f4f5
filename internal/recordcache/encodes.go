package recordcache

import (
	"math"
	"reflect"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"linkfin"
)

// Encodes reports whether v, which a Put writes as the record (kind, id), is sure to
// encode to JSON (json.Marshal cannot fail on it) holding id as its "id", as
// linkfin.EncodeRecord requires: then a store that keeps the value (Value) may wait to
// encode it until something reads its JSON, and the Put still fails exactly when it
// would have. v must be a non-nil pointer to the kind's registered type, whose value
// is kept (see Value); Encodes is false for anything it cannot prove, and the caller
// then encodes v at once.
//
// What can fail to encode is known by type: a float that is NaN or infinite, a
// time.Time outside the years 0 to 9999 or whose zone is not UTC, a day count that is
// none, an interface, a channel, a function, a value that holds itself (a cycle), or a
// type with JSON or text methods of its own other than linkfin's that cannot fail, an
// embedded field that is no struct, two fields of one name.
func Encodes(kind, id string, v any) bool {
	t := valueType(kind)
	if t == nil || v == nil || id == "" || !utf8.ValidString(id) {
		return false
	}
	p := reflect.ValueOf(v)
	if p.Type() != t || p.IsNil() {
		return false
	}
	plan := encodePlanOf(t.Elem())
	if !plan.ok || plan.id == nil {
		return false
	}
	e := p.Elem()
	if e.FieldByIndex(plan.id).String() != id {
		return false
	}
	return plan.check == nil || plan.check(e)
}

// encodePlan is what Encodes knows of a record type: whether its values can be proven
// to encode (ok), the check a value must pass for it (nil: every value encodes), and
// the path to its string field encoded as "id" (nil if none).
type encodePlan struct {
	ok    bool
	check func(reflect.Value) bool
	id    []int
}

var encodePlans sync.Map // reflect.Type → encodePlan

func encodePlanOf(t reflect.Type) encodePlan {
	if p, ok := encodePlans.Load(t); ok {
		return p.(encodePlan)
	}
	check, ok := makeCheck(t, map[reflect.Type]bool{})
	p := encodePlan{ok: ok, check: check, id: idField(t)}
	encodePlans.Store(t, p)
	return p
}

// idField returns the path to the one field of the struct t that JSON encodes as
// "id", when it is a plain string tagged so: nil otherwise.
func idField(t reflect.Type) []int {
	if t.Kind() != reflect.Struct {
		return nil
	}
	fields, ok := jsonFields(t, nil)
	if !ok {
		return nil
	}
	for _, f := range fields {
		if f.name == "id" && f.tagged && f.typ.Kind() == reflect.String && !hasOption(f.opts, "string") &&
			!implementsJSON(f.typ) {
			return f.index
		}
	}
	return nil
}

// jsonField is a field JSON encodes: its path from the outer struct, its name, the
// options of its tag, and whether the tag named it.
type jsonField struct {
	index  []int
	name   string
	opts   string
	tagged bool
	typ    reflect.Type
}

// jsonFields lists the fields JSON encodes of the struct t (at index within the
// outer struct), the fields of an embedded struct among them: false when an embedded
// field is anything else (a pointer, a type that is no struct, one tagged with a
// name), or when two fields have one name, which JSON resolves by rules not followed
// here.
func jsonFields(t reflect.Type, index []int) ([]jsonField, bool) {
	var out []jsonField
	for i := range t.NumField() {
		f := t.Field(i)
		tag, hasTag := f.Tag.Lookup("json")
		if tag == "-" {
			continue
		}
		name, opts, _ := strings.Cut(tag, ",")
		at := append(slices.Clone(index), i)
		if f.Anonymous {
			if name != "" || f.Type.Kind() != reflect.Struct || implementsJSON(f.Type) {
				return nil, false
			}
			inner, ok := jsonFields(f.Type, at)
			if !ok {
				return nil, false
			}
			out = append(out, inner...)
			continue
		}
		if !f.IsExported() {
			continue
		}
		tagged := hasTag && name != ""
		if !tagged {
			name = f.Name
		}
		out = append(out, jsonField{index: at, name: name, opts: opts, tagged: tagged, typ: f.Type})
	}
	if index == nil {
		seen := map[string]bool{}
		for _, f := range out {
			if seen[f.name] {
				return nil, false
			}
			seen[f.name] = true
		}
	}
	return out, true
}

func hasOption(opts, want string) bool {
	for opts != "" {
		var o string
		o, opts, _ = strings.Cut(opts, ",")
		if o == want {
			return true
		}
	}
	return false
}

var (
	timeType     = reflect.TypeFor[time.Time]()
	dayCountType = reflect.TypeFor[linkfin.DayCount]()
	// neverFail are linkfin's types with JSON or text methods that encode every value.
	neverFail = map[reflect.Type]bool{
		reflect.TypeFor[linkfin.Rate]():      true,
		reflect.TypeFor[linkfin.Date]():      true,
		reflect.TypeFor[linkfin.StringInt](): true,
		reflect.TypeFor[linkfin.ID]():        true,
	}
)

func implementsJSON(t reflect.Type) bool {
	pt := reflect.PointerTo(t)
	return t.Implements(jsonMarshaler) || pt.Implements(jsonMarshaler) ||
		t.Implements(textMarshaler) || pt.Implements(textMarshaler)
}

// makeCheck returns the check a value of type t must pass to be sure to encode (nil
// when every value does), and false when no check can tell (see Encodes). making
// holds the types being walked: a type that holds itself may hold a cycle, which
// JSON refuses. A type known by itself is checked as knownCheck says; a pointer, a
// slice, an array and a map by their elements' check (pointerCheck, elementsCheck,
// mapCheck), a struct by its fields' (structCheck).
func makeCheck(t reflect.Type, making map[reflect.Type]bool) (func(reflect.Value) bool, bool) {
	if check, ok, known := knownCheck(t); known {
		return check, ok
	}
	if making[t] {
		return nil, false
	}
	making[t] = true
	defer delete(making, t)
	switch t.Kind() {
	case reflect.Bool, reflect.String,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return nil, true
	case reflect.Float32, reflect.Float64:
		return func(v reflect.Value) bool {
			f := v.Float()
			return !math.IsNaN(f) && !math.IsInf(f, 0)
		}, true
	case reflect.Pointer:
		return pointerCheck(t, making)
	case reflect.Slice, reflect.Array:
		return elementsCheck(t, making)
	case reflect.Map:
		if !encodesKey(t.Key()) {
			return nil, false
		}
		return mapCheck(t, making)
	case reflect.Struct:
		return structCheck(t, making)
	}
	return nil, false // an interface, a channel, a function, a complex number, …
}

// knownCheck is makeCheck's answer for a type known by itself (known): one of
// linkfin's that never fails, a time.Time (its year from 0 to 9999, its zone UTC), a
// day count (not none), or a type with JSON or text methods of its own, which no
// check can tell of. A pointer is not known by its methods: it is encoded as its
// element is, or as null.
func knownCheck(t reflect.Type) (check func(reflect.Value) bool, ok, known bool) {
	switch {
	case neverFail[t]:
		return nil, true, true
	case t == timeType:
		return func(v reflect.Value) bool {
			var tm time.Time
			if v.CanAddr() {
				tm = *(*time.Time)(v.Addr().UnsafePointer()) // no copy to the heap
			} else {
				tm = v.Interface().(time.Time)
			}
			y := tm.Year()
			return y >= 0 && y <= 9999 && tm.Location() == time.UTC
		}, true, true
	case t == dayCountType:
		return func(v reflect.Value) bool { return linkfin.DayCount(v.Int()).Basis() != 0 }, true, true
	case t.Kind() != reflect.Pointer && implementsJSON(t):
		// (A pointer has its element's methods, and is encoded as its element is, or
		// as null: its element is checked by makeCheck.)
		return nil, false, true
	}
	return nil, false, false
}

// pointerCheck is makeCheck of the pointer type t: nil, or its element passing the
// element's check.
func pointerCheck(t reflect.Type, making map[reflect.Type]bool) (func(reflect.Value) bool, bool) {
	elem, ok := makeCheck(t.Elem(), making)
	if !ok || elem == nil {
		return nil, ok
	}
	return func(v reflect.Value) bool { return v.IsNil() || elem(v.Elem()) }, true
}

// elementsCheck is makeCheck of the slice or array type t: each element passing the
// element's check.
func elementsCheck(t reflect.Type, making map[reflect.Type]bool) (func(reflect.Value) bool, bool) {
	elem, ok := makeCheck(t.Elem(), making)
	if !ok || elem == nil {
		return nil, ok
	}
	return func(v reflect.Value) bool {
		for i := range v.Len() {
			if !elem(v.Index(i)) {
				return false
			}
		}
		return true
	}, true
}

// encodesKey reports whether JSON encodes every map key of type k: a string, or an
// integer without JSON or text methods of its own.
func encodesKey(k reflect.Type) bool {
	switch {
	case k.Kind() == reflect.String:
		return true
	case implementsJSON(k):
		return false
	}
	switch k.Kind() {
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return true
	}
	return false
}

// mapCheck is makeCheck of the map type t, whose keys encode (encodesKey): each value
// passing the element's check.
func mapCheck(t reflect.Type, making map[reflect.Type]bool) (func(reflect.Value) bool, bool) {
	elem, ok := makeCheck(t.Elem(), making)
	if !ok || elem == nil {
		return nil, ok
	}
	return func(v reflect.Value) bool {
		for it := v.MapRange(); it.Next(); {
			if !elem(it.Value()) {
				return false
			}
		}
		return true
	}, true
}

// structCheck is makeCheck of the struct type t: each field JSON encodes passing its
// check; false when JSON's fields of t cannot be told (jsonFields) or one of them has
// no check that can tell.
func structCheck(t reflect.Type, making map[reflect.Type]bool) (func(reflect.Value) bool, bool) {
	fields, ok := jsonFields(t, nil)
	if !ok {
		return nil, false
	}
	type field struct {
		index []int
		check func(reflect.Value) bool
	}
	var checks []field
	for _, f := range fields {
		c, ok := makeCheck(f.typ, making)
		if !ok {
			return nil, false
		}
		if c != nil {
			checks = append(checks, field{f.index, c})
		}
	}
	if len(checks) == 0 {
		return nil, true
	}
	return func(v reflect.Value) bool {
		for _, f := range checks {
			if !f.check(v.FieldByIndex(f.index)) {
				return false
			}
		}
		return true
	}, true
}
