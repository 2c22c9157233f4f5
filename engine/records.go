package engine

import (
	"encoding"
	"encoding/json"
	"reflect"

	clone "github.com/huandu/go-clone"

	"linkfin"
)

// The writer's record cache keeps each record it has loaded or written as the JSON the
// store and the log hold (the version's Object) and, once a command has read or written
// it, as a value of its kind's registered Go type (linkfin.RegisterKind). A record is
// decoded once when it is first read, not on every read: Tx.Get, DependentKeys and
// LedgerKeys get a deep copy of that value. A Put encodes its value once, for the event
// and the store, and keeps a deep copy of it as the new version's value.
//
// Copies are what make this safe: a command may change what it read (append to a
// program's funders, a certificate's children, a maturity's pieces) and then fail, and
// the version it read must be as it was, for the next command; nor may a change the
// command makes after a Put reach the version it wrote. No value the cache holds is
// ever handed out.

// record is one version of a record in the writer's cache.
type record struct {
	obj *linkfin.Object
	// val points to the version decoded into its kind's registered type, or is nil
	// until a command reads it. It is never handed out, only copies of it.
	val any
}

// cloner deep-copies record values. A Rate is immutable (see linkfin.Rate), so its
// copies share its number, as copies of a time.Time share its location.
var cloner = func() *clone.Allocator {
	a := clone.NewAllocator(nil, &clone.AllocatorMethods{})
	a.MarkAsScalar(reflect.TypeFor[linkfin.Rate]())
	return a
}()

// copyOf returns a deep copy of p, a non-nil pointer.
func copyOf(p any) any { return cloner.Clone(reflect.ValueOf(p)).Interface() }

// valueType returns the type of the values the cache keeps for a kind: a pointer to its
// registered type, or nil when the kind is not registered or its type is not one whose
// copy is what its JSON decodes to (see copiesAsJSON); its reads then decode the JSON
// every time, as they did before the cache held values.
func (e *Engine) valueType(kind string) reflect.Type {
	if t, ok := e.valueTypes[kind]; ok {
		return t
	}
	var t reflect.Type
	if v := linkfin.NewRecord(kind); v != nil {
		t = reflect.TypeOf(v)
		if t.Kind() != reflect.Pointer || !copiesAsJSON(t.Elem(), map[reflect.Type]bool{}) {
			t = nil
		}
	}
	e.valueTypes[kind] = t
	return t
}

// getRecord reads the cached record k into v, a pointer, and reports whether it exists.
// Into a pointer to the kind's registered type, it copies the cached value (decoding
// the version once, on its first read); into anything else (a json.RawMessage, a
// smaller struct) it decodes the JSON. A value that v already points to is decoded
// into, as json.Unmarshal does: only the zero value is simply replaced.
func (e *Engine) getRecord(k linkfin.ObjectKey, v any) (bool, error) {
	r := e.objects[k]
	if r == nil {
		return false, nil
	}
	t := e.valueType(k.Kind)
	dst := reflect.ValueOf(v)
	if t == nil || dst.Type() != t || dst.IsNil() || !dst.Elem().IsZero() {
		return true, json.Unmarshal(r.obj.Data, v)
	}
	if r.val == nil {
		val := reflect.New(t.Elem()).Interface()
		if err := json.Unmarshal(r.obj.Data, val); err != nil {
			return true, err
		}
		r.val = val
	}
	dst.Elem().Set(reflect.ValueOf(copyOf(r.val)).Elem())
	return true, nil
}

// valueOf returns a copy of v, which a Put writes as a record of the kind, to keep as
// that version's value: nil when v is not of the kind's registered type (or a pointer
// to it), and the version's first read then decodes it.
func (e *Engine) valueOf(kind string, v any) any {
	t := e.valueType(kind)
	if t == nil || v == nil {
		return nil
	}
	src := reflect.ValueOf(v)
	switch src.Type() {
	case t:
		if src.IsNil() {
			return nil
		}
		return copyOf(v)
	case t.Elem():
		p := reflect.New(t.Elem())
		p.Elem().Set(src)
		return copyOf(p.Interface())
	}
	return nil
}

// records reads the batch's loaded records, for LedgerKeys and DependentKeys.
type records struct{ e *Engine }

func (r records) Get(kind, id string, v any) (bool, error) {
	return r.e.getRecord(linkfin.ObjectKey{Kind: kind, ID: id}, v)
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
