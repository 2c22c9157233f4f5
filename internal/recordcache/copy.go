package recordcache

import (
	"reflect"
	"sync"
	"time"

	clone "github.com/huandu/go-clone"

	"linkfin"
)

// A record's value is copied by a plan made once per type: what holds nothing that can
// change in place (numbers, strings, a Date, a Rate, a time.Time) is copied as it is;
// pointers, slices and maps get new ones, filled with copies of what the old held.
// Only a type whose parts the plan cannot reach (an unexported field that holds a
// pointer, a slice or a map) is copied by go-clone, slower, walking it every time.

// copier copies src into dst, a settable value of the same type that is the zero
// value or already a shallow copy of src.
type copier func(dst, src reflect.Value)

// fallback deep-copies what a plan cannot. A Rate is immutable (see linkfin.Rate), so
// its copies share its number, as copies of a time.Time share its location.
var fallback = func() *clone.Allocator {
	a := clone.NewAllocator(nil, &clone.AllocatorMethods{})
	a.MarkAsScalar(reflect.TypeFor[linkfin.Rate]())
	return a
}()

var plans sync.Map // reflect.Type → copier, nil for a type copied as it is

// copyInto sets dst, a settable value, to a deep copy of src, of the same type.
func copyInto(dst, src reflect.Value) {
	if c := planOf(src.Type()); c != nil {
		c(dst, src)
		return
	}
	dst.Set(src)
}

// copyOf returns a deep copy of p, a non-nil pointer.
func copyOf(p any) any {
	src := reflect.ValueOf(p).Elem()
	dst := reflect.New(src.Type())
	copyInto(dst.Elem(), src)
	return dst.Interface()
}

// planOf returns how to copy a value of type t: nil when a plain assignment does.
func planOf(t reflect.Type) copier {
	if c, ok := plans.Load(t); ok {
		return c.(copier)
	}
	c := makePlan(t, map[reflect.Type]*copier{})
	plans.Store(t, c)
	return c
}

// immutable are the types with unexported references that never change in place.
var immutable = map[reflect.Type]bool{reflect.TypeFor[time.Time](): true, reflect.TypeFor[linkfin.Rate](): true}

// makePlan makes the plan of t; making holds the plans being made, for a type that
// holds itself (through a pointer, a slice or a map). A pointer, a slice, an array
// and a map are copied by the plan of their element (pointerPlan, slicePlan,
// arrayPlan, mapPlan), a struct by its fields' (structPlan); what a plan cannot reach
// is copied by go-clone.
func makePlan(t reflect.Type, making map[reflect.Type]*copier) copier {
	if p, ok := making[t]; ok {
		return func(dst, src reflect.Value) {
			if *p == nil {
				dst.Set(src)
				return
			}
			(*p)(dst, src)
		}
	}
	if c, ok := plans.Load(t); ok {
		return c.(copier)
	}
	if immutable[t] {
		return nil
	}
	// The plans of the types t holds reach c through making: they call it when they
	// copy, once it is made.
	var c copier
	making[t] = &c
	defer delete(making, t)
	// Each kind's plan is made by a function that makes its element's or fields'
	// plans, and so is never inlined here: Go (1.26) compiles a closure made in an
	// inlined function without reflect's small methods inlined into it, and a map's
	// copy would then allocate its iterator.
	switch t.Kind() {
	case reflect.Pointer:
		c = pointerPlan(t, making)
	case reflect.Slice:
		c = slicePlan(t, making)
	case reflect.Array:
		c = arrayPlan(t, making)
	case reflect.Map:
		c = mapPlan(t, making)
	case reflect.Struct:
		c = structPlan(t, making)
	case reflect.Interface, reflect.Chan, reflect.Func, reflect.UnsafePointer:
		c = func(dst, src reflect.Value) { dst.Set(fallback.Clone(src)) }
	}
	return c
}

// pointerPlan is the plan of the pointer type t: a new element, a copy of the old by
// the element's plan, or by an assignment when it has none.
func pointerPlan(t reflect.Type, making map[reflect.Type]*copier) copier {
	elem := makePlan(t.Elem(), making)
	return func(dst, src reflect.Value) {
		if src.IsNil() {
			dst.SetZero()
			return
		}
		p := reflect.New(t.Elem())
		if elem != nil {
			elem(p.Elem(), src.Elem())
		} else {
			p.Elem().Set(src.Elem())
		}
		dst.Set(p)
	}
}

// slicePlan is the plan of the slice type t: a new array of copies of the old one's
// elements, by the element's plan or by reflect.Copy when it has none; an empty
// slice, not nil, copied as one shared empty slice.
func slicePlan(t reflect.Type, making map[reflect.Type]*copier) copier {
	elem := makePlan(t.Elem(), making)
	// Every empty copy is this one: with no room, an append to it makes its own.
	empty := reflect.MakeSlice(t, 0, 0)
	return func(dst, src reflect.Value) {
		if src.IsNil() {
			dst.SetZero()
			return
		}
		n := src.Len()
		if n == 0 {
			dst.Set(empty)
			return
		}
		// Grown in place, dst's new array is the only allocation (MakeSlice would
		// allocate the slice header too).
		dst.SetZero()
		dst.Grow(n)
		dst.SetLen(n)
		if elem == nil {
			reflect.Copy(dst, src)
			return
		}
		for i := range n {
			elem(dst.Index(i), src.Index(i))
		}
	}
}

// arrayPlan is the plan of the array type t: each element copied by the element's
// plan; nil, an assignment, when the element has none.
func arrayPlan(t reflect.Type, making map[reflect.Type]*copier) copier {
	elem := makePlan(t.Elem(), making)
	if elem == nil {
		return nil
	}
	return func(dst, src reflect.Value) {
		for i := range src.Len() {
			elem(dst.Index(i), src.Index(i))
		}
	}
}

// mapPlan is the plan of the map type t: a new map, under the same keys, of copies of
// the old one's elements, by the element's plan or as they are when it has none.
func mapPlan(t reflect.Type, making map[reflect.Type]*copier) copier {
	elem := makePlan(t.Elem(), making)
	return func(dst, src reflect.Value) {
		if src.IsNil() {
			dst.SetZero()
			return
		}
		m := reflect.MakeMapWithSize(t, src.Len())
		for it := src.MapRange(); it.Next(); {
			v := it.Value()
			if elem != nil {
				nv := reflect.New(t.Elem()).Elem()
				elem(nv, v)
				v = nv
			}
			m.SetMapIndex(it.Key(), v)
		}
		dst.Set(m)
	}
}

// structPlan is the plan of the struct type t, making the plans of its fields with
// making: an assignment, then a copy by its plan of each field that has one; nil when
// none has; go-clone's copy of the whole value when an unexported field has one.
func structPlan(t reflect.Type, making map[reflect.Type]*copier) copier {
	type field struct {
		i int
		c copier
	}
	var deep []field
	for i := range t.NumField() {
		f := t.Field(i)
		fc := makePlan(f.Type, making)
		if fc == nil {
			continue
		}
		if !f.IsExported() {
			// A part reflect cannot set: go-clone copies the whole value.
			return func(dst, src reflect.Value) { dst.Set(fallback.Clone(src)) }
		}
		deep = append(deep, field{i, fc})
	}
	if len(deep) == 0 {
		return nil
	}
	return func(dst, src reflect.Value) {
		dst.Set(src)
		for _, f := range deep {
			f.c(dst.Field(f.i), src.Field(f.i))
		}
	}
}
