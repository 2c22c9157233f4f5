// Package recordcache keeps records decoded: a version of a record is decoded once, into
// a value of its kind's registered Go type (linkfin.RegisterKind), and every read gets a
// deep copy of that value instead of decoding its JSON again. A Put keeps what it wrote
// as its version's value (Keep). The engine's writer and memtx keep their records this
// way.
//
// Copies are what make this safe: a command may change what it read (append to a
// program's funders, a certificate's children, a maturity's pieces) and then fail, and
// the version it read must be as it was, for the next command. What a Put wrote is
// not copied: the command hands it over, and changes it no more (a Watch checks
// this in tests). No value the cache holds is handed out to a command's Get, only
// copies of it; readers that change nothing share it (Share).
package recordcache

import (
	"bytes"
	"encoding"
	"encoding/json"
	"reflect"
	"sync"
	"unsafe"

	"linkfin"
)

// Get reads a version of a record of the kind into v, a pointer: data is the version's
// JSON, and *val its value, decoded from data on the version's first read and kept
// there. Into a pointer to the kind's registered type, Get copies the value; into
// anything else (a json.RawMessage, a smaller struct) it decodes the JSON. A value that
// v already points to is decoded into, as json.Unmarshal does: only the zero value is
// simply replaced. A version that keeps *val may drop its JSON (data nil): it is encoded
// again from *val for a reader that needs it. Into nil, Get reads nothing: the caller
// only asks whether the record exists.
func Get(kind string, data []byte, val *any, v any) error {
	if v == nil {
		return nil
	}
	t := valueType(kind)
	dst := reflect.ValueOf(v)
	if t == nil || dst.Type() != t || dst.IsNil() || !zero(dst) {
		if data == nil && *val != nil {
			var err error
			if data, err = json.Marshal(*val); err != nil {
				return err
			}
		}
		return json.Unmarshal(data, v)
	}
	if err := decoded(t, data, val); err != nil {
		return err
	}
	copyInto(dst.Elem(), reflect.ValueOf(*val).Elem())
	return nil
}

// decoded sets *val, if it is not set, to data decoded into a new value of t.
func decoded(t reflect.Type, data []byte, val *any) error {
	if *val == nil {
		p := reflect.New(t.Elem()).Interface()
		if err := json.Unmarshal(data, p); err != nil {
			return err
		}
		*val = p
	}
	return nil
}

// Share reads a version into v as Get does, except that where Get copies the value,
// Share sets *v to a shallow copy of it: v shares the slices, maps and pointers it
// holds with the version. For a reader that changes nothing it reads (a version's
// value is never changed in place, so what it read stays as it was); a Watch checks
// such readers in tests. A v Get would not copy into is read as Get reads it.
func Share(kind string, data []byte, val *any, v any) error {
	if v == nil {
		return nil
	}
	t := valueType(kind)
	dst := reflect.ValueOf(v)
	if t == nil || dst.Type() != t || dst.IsNil() || !zero(dst) {
		return Get(kind, data, val, v)
	}
	if err := decoded(t, data, val); err != nil {
		return err
	}
	dst.Elem().Set(reflect.ValueOf(*val).Elem())
	return nil
}

// Keep returns what a Put of v, a record of the kind, keeps as that version's value: v
// itself when it is a pointer to the kind's registered type, a new pointer to v when v
// is that type, and nil when v is of another type (the version's first read then
// decodes its JSON). The version takes v over, and what v shares (its slices, maps
// and pointers): the command that wrote it changes none of it afterwards, unless it
// writes it again, and nothing else does (linkfin.Tx's Put); a Watch checks this in
// tests.
func Keep(kind string, v any) any {
	t := valueType(kind)
	if t == nil || v == nil {
		return nil
	}
	src := reflect.ValueOf(v)
	switch src.Type() {
	case t:
		if src.IsNil() {
			return nil
		}
		return v
	case t.Elem():
		p := reflect.New(t.Elem())
		p.Elem().Set(src)
		return p.Interface()
	}
	return nil
}

// types holds, for each registered kind read so far, the type of the values kept for
// it (a valueTypeOf).
var types sync.Map

type valueTypeOf struct{ t reflect.Type }

// valueType returns the type of the values kept for a kind: a pointer to its
// registered type, or nil when the kind is not registered or its type is not one whose
// copy is what its JSON decodes to (see copiesAsJSON); its reads then decode the JSON
// every time.
func valueType(kind string) reflect.Type {
	if t, ok := types.Load(kind); ok {
		return t.(valueTypeOf).t
	}
	v := linkfin.NewRecord(kind)
	if v == nil {
		return nil // not registered yet: nothing is kept of it
	}
	t := reflect.TypeOf(v)
	if t.Kind() != reflect.Pointer || !copiesAsJSON(t.Elem(), map[reflect.Type]bool{}) {
		t = nil
	}
	types.Store(kind, valueTypeOf{t})
	return t
}

var (
	jsonMarshaler   = reflect.TypeFor[json.Marshaler]()
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textMarshaler   = reflect.TypeFor[encoding.TextMarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// copiesAsJSON reports whether a deep copy of a value of type t is what decoding its
// JSON gives back, so that the cache may keep a copy of what a Put wrote instead of
// decoding it. JSON loses an unexported field, one tagged "-", and the type behind an
// interface, and makes a new value behind an embedded pointer; a type with its own JSON
// or text methods decodes what it encodes (linkfin.Date, linkfin.Rate, time.Time, …).
func copiesAsJSON(t reflect.Type, seen map[reflect.Type]bool) bool {
	if seen[t] {
		return true
	}
	seen[t] = true
	pt := reflect.PointerTo(t)
	if (t.Implements(jsonMarshaler) || pt.Implements(jsonMarshaler)) && pt.Implements(jsonUnmarshaler) ||
		(t.Implements(textMarshaler) || pt.Implements(textMarshaler)) && pt.Implements(textUnmarshaler) {
		return true
	}
	switch t.Kind() {
	case reflect.Bool, reflect.String,
		reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64,
		reflect.Float32, reflect.Float64:
		return true
	case reflect.Pointer, reflect.Slice, reflect.Array:
		return copiesAsJSON(t.Elem(), seen)
	case reflect.Map:
		switch t.Key().Kind() {
		case reflect.String, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		default:
			return false
		}
		return copiesAsJSON(t.Elem(), seen)
	case reflect.Struct:
		for i := range t.NumField() {
			f := t.Field(i)
			if !f.IsExported() && !f.Anonymous || f.Tag.Get("json") == "-" ||
				f.Anonymous && f.Type.Kind() == reflect.Pointer || !copiesAsJSON(f.Type, seen) {
				return false
			}
		}
		return true
	}
	return false
}

// Copy sets what dst points to to a deep copy of src, when that is what decoding src's
// JSON into it gives: src is a non-nil pointer to dst's element type (or a value of
// it), whose copy is what its JSON decodes to (see copiesAsJSON), and dst points to the
// zero value. It reports whether it did; when it did not, the caller goes through JSON.
// A command's answer is read this way where it is not sent anywhere (memtx).
func Copy(dst, src any) bool {
	d, s := reflect.ValueOf(dst), reflect.ValueOf(src)
	if !d.IsValid() || !s.IsValid() || d.Kind() != reflect.Pointer || d.IsNil() {
		return false
	}
	t := d.Type().Elem()
	switch {
	case s.Type() == d.Type():
		if s.IsNil() {
			return false
		}
		s = s.Elem()
	case s.Type() != t:
		return false
	}
	if !zero(d) || !copies(t) {
		return false
	}
	copyInto(d.Elem(), s)
	return true
}

var copyable sync.Map // reflect.Type → bool, of copiesAsJSON

func copies(t reflect.Type) bool {
	if ok, found := copyable.Load(t); found {
		return ok.(bool)
	}
	ok := copiesAsJSON(t, map[reflect.Type]bool{})
	copyable.Store(t, ok)
	return ok
}

// zero reports whether p, a non-nil pointer, points to the zero value: whether its
// bytes are all zero, without walking the value's fields one by one as
// reflect.Value.IsZero does (which also takes a negative zero float in a struct for
// zero: not so here, and that value is decoded into, as before).
func zero(p reflect.Value) bool {
	n := p.Type().Elem().Size()
	if n > uintptr(len(zeros)) {
		return p.Elem().IsZero()
	}
	return bytes.Equal(unsafe.Slice((*byte)(p.UnsafePointer()), n), zeros[:n])
}

var zeros [4096]byte
