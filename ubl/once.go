package ubl

import (
	"encoding/xml"
	"fmt"
	"reflect"
	"strings"
)

// Elements read once. encoding/xml keeps the last of two elements that fill the same
// field, and merges two aggregates that fill the same pointer, so a document giving
// PayableAmount twice would be read for its second. UBL allows each element that Parse
// reads into a single field at most once under its parent: a second one is refused, by
// once, as the tokens pass to the decoder. Elements read into slices (lines, notes, tax
// subtotals, …) may repeat, and elements Parse does not read are not looked at.

// shape is what Parse reads of an element's children, from the struct type it decodes
// the element into.
type shape struct {
	children map[xml.Name]child // by namespace and local name, as the field tags name them
}

// child is an element that a field of its parent's struct reads.
type child struct {
	shape *shape // what is read of its own children; nil if none
	bit   uint64 // its bit in the parent's set of children seen; 0 if it may repeat
}

// documentShape follows xmlDocument, the root element's type.
var documentShape = shapeOf(reflect.TypeFor[xmlDocument](), map[reflect.Type]*shape{})

// shapeOf reads the xml tags of t, a struct type of xml.go or a pointer to one, for the
// elements it reads; nil if it reads none (text, an amount with its attributes).
func shapeOf(t reflect.Type, done map[reflect.Type]*shape) *shape {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	if s, ok := done[t]; ok {
		return s
	}
	s := &shape{children: map[xml.Name]child{}}
	done[t] = s
	singles := 0
	for i := range t.NumField() {
		f := t.Field(i)
		name, opts, _ := strings.Cut(f.Tag.Get("xml"), ",")
		if opts == "attr" || opts == "chardata" {
			continue
		}
		space, local, ok := strings.Cut(name, " ")
		if !ok || opts != "" || strings.Contains(local, ">") {
			// Every element field names its namespace and element, and nothing else:
			// the shape would not follow the decoder otherwise.
			panic(fmt.Sprintf("ubl: %s.%s: xml tag %q is not \"<namespace> <element>\"", t, f.Name, f.Tag.Get("xml")))
		}
		var c child
		ft := f.Type
		if ft.Kind() == reflect.Slice {
			ft = ft.Elem()
		} else {
			if singles == 64 {
				panic(fmt.Sprintf("ubl: %s reads more than 64 elements once", t))
			}
			c.bit = 1 << singles
			singles++
		}
		c.shape = shapeOf(ft, done)
		s.children[xml.Name{Space: space, Local: local}] = c
	}
	if len(s.children) == 0 {
		done[t] = nil
		return nil
	}
	return s
}

// once follows the raw tokens of a document through documentShape, resolving the
// namespace prefixes as the decoder does, and refuses an element read once that is
// given a second time under the same parent.
type once struct {
	open  []openElement
	skip  int               // elements open inside one Parse does not read (or reads as text)
	ns    map[string]string // namespace prefix ("" the default) → name
	undo  []binding         // bindings that elements in open replaced, to restore at their end
	lines func() int        // the line the reader has reached
}

// openElement is an element open whose children Parse reads.
type openElement struct {
	shape *shape
	seen  uint64 // the bits of the children seen that are read once
	local string // its name, for messages
	undo  int    // len(undo) when it began
}

type binding struct {
	prefix, name string
	bound        bool // the prefix was bound before
}

// start takes the start of an element.
func (o *once) start(t xml.StartElement) error {
	if o.skip > 0 {
		o.skip++
		return nil
	}
	mark := len(o.undo)
	for _, a := range t.Attr {
		switch {
		case a.Name.Space == "xmlns":
			o.bind(a.Name.Local, a.Value)
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			o.bind("", a.Value)
		}
	}
	if len(o.open) == 0 {
		// The root element: decode checks its name.
		o.open = append(o.open, openElement{shape: documentShape, undo: mark})
		return nil
	}
	name := t.Name
	if space, ok := o.ns[name.Space]; ok {
		name.Space = space // as the decoder translates it; an unbound prefix stays
	}
	parent := &o.open[len(o.open)-1]
	c, ok := parent.shape.children[name]
	if ok && c.bit != 0 {
		if parent.seen&c.bit != 0 {
			return invalid("%s is given twice (line %d): UBL allows it once there", o.path(name.Local), o.lines())
		}
		parent.seen |= c.bit
	}
	if !ok || c.shape == nil {
		o.unbind(mark)
		o.skip = 1
		return nil
	}
	o.open = append(o.open, openElement{shape: c.shape, local: name.Local, undo: mark})
	return nil
}

// end takes the end of an element; the reader has checked the nesting.
func (o *once) end() {
	switch {
	case o.skip > 0:
		o.skip--
	case len(o.open) > 0:
		o.unbind(o.open[len(o.open)-1].undo)
		o.open = o.open[:len(o.open)-1]
	}
}

func (o *once) bind(prefix, name string) {
	if o.ns == nil {
		o.ns = map[string]string{}
	}
	old, bound := o.ns[prefix]
	o.undo = append(o.undo, binding{prefix: prefix, name: old, bound: bound})
	o.ns[prefix] = name
}

// unbind restores the bindings replaced since len(undo) was mark.
func (o *once) unbind(mark int) {
	for i := len(o.undo) - 1; i >= mark; i-- {
		b := o.undo[i]
		if b.bound {
			o.ns[b.prefix] = b.name
		} else {
			delete(o.ns, b.prefix)
		}
	}
	o.undo = o.undo[:mark]
}

// path names an element by its ancestors below the root: LegalMonetaryTotal/PayableAmount.
func (o *once) path(local string) string {
	var b strings.Builder
	for _, e := range o.open[1:] {
		b.WriteString(e.local)
		b.WriteByte('/')
	}
	b.WriteString(local)
	return trunc(b.String())
}
