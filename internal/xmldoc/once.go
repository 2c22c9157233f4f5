package xmldoc

import (
	"encoding"
	"encoding/xml"
	"fmt"
	"reflect"
	"strings"
)

// Elements read once. encoding/xml keeps the last of two elements that fill the same
// field, and merges two aggregates that fill the same struct or pointer, so a document
// giving an amount twice would be read for its second. The schemas of the documents
// read here (UBL, ISO 20022) allow each element read into a single field at most once
// under its parent: a second one is refused, by Once, as the tokens pass to the
// decoder. Elements read into slices may repeat, and elements the decoding types do not
// read are not looked at.
//
// Elements read as text. encoding/xml reads into a field of text (a string, an amount's
// character data) the text of the element itself, and skips what its child elements
// hold: <Amt>1<x>0</x>000.00</Amt> is read as 1000.00, where the XPath string value of
// the element, and any other reader of the document, is 10000.00. The values of these
// schemas are simple content, which has no child elements: Once refuses an element
// inside one read as text, as an *ElementInText error.

// Shape is what a decoding struct type reads of an element's children, from its xml
// tags.
type Shape struct {
	children map[xml.Name]child // by namespace and local name as the field tags name them
	anySpace bool               // the tags name no namespace: children are by local name only
	repeats  int                // the children that may repeat, numbered by child.slot
}

// child is an element that a field of its parent's struct reads.
type child struct {
	shape *Shape // what is read of its own children; nil if none
	text  bool   // its text is read (a string, a number, a struct with character data)
	bit   uint64 // its bit in the parent's set of children seen; 0 if it may repeat
	slot  int    // for one that may repeat: its counter among the parent's
}

// ShapeOf reads the xml tags of t, a struct type or a pointer to one, that an element
// is decoded into, and of the types of its fields. A field's tag is "<namespace>
// <element>", matching the element of that name in that namespace, or "<element>",
// matching an element of that local name in any namespace, as encoding/xml does; the
// fields of one struct type all name a namespace or none do. Fields of attributes and
// character data are not elements; any other form of tag (a path "a>b", ",any",
// ",innerxml", a field without a tag, an embedded struct) ShapeOf does not follow, and
// panics at. So does a struct that reads more than 64 elements once.
func ShapeOf(t reflect.Type) *Shape {
	if s := shapeOf(t, map[reflect.Type]*Shape{}); s != nil {
		return s
	}
	return &Shape{}
}

// shapeOf is t's shape; nil if it reads no elements (text, an amount with its
// attributes).
func shapeOf(t reflect.Type, done map[reflect.Type]*Shape) *Shape {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	if s, ok := done[t]; ok {
		return s
	}
	s := &Shape{children: map[xml.Name]child{}}
	done[t] = s
	singles := 0
	for i := range t.NumField() {
		f := t.Field(i)
		tag := f.Tag.Get("xml")
		name, opts, _ := strings.Cut(tag, ",")
		if opts == "attr" || opts == "chardata" || tag == "-" || (!f.IsExported() && !f.Anonymous) {
			continue
		}
		space, local, spaced := strings.Cut(name, " ")
		if !spaced {
			space, local = "", name
		}
		if local == "" || opts != "" || f.Anonymous || strings.ContainsAny(local, "> ") {
			panic(fmt.Sprintf("xmldoc: %s.%s: xml tag %q is not \"<namespace> <element>\" or \"<element>\"", t, f.Name, tag))
		}
		if len(s.children) == 0 {
			s.anySpace = !spaced
		} else if s.anySpace == spaced {
			panic(fmt.Sprintf("xmldoc: %s: some xml tags name a namespace and some do not", t))
		}
		var c child
		ft := f.Type
		if ft.Kind() == reflect.Slice && ft.Elem().Kind() != reflect.Uint8 {
			ft = ft.Elem()
			c.slot = s.repeats
			s.repeats++
		} else {
			if singles == 64 {
				panic(fmt.Sprintf("xmldoc: %s reads more than 64 elements once", t))
			}
			c.bit = 1 << singles
			singles++
		}
		c.shape = shapeOf(ft, done)
		c.text = c.shape == nil && readsText(ft)
		key := xml.Name{Space: space, Local: local}
		if _, ok := s.children[key]; ok {
			panic(fmt.Sprintf("xmldoc: %s reads %q twice", t, name))
		}
		s.children[key] = c
	}
	if len(s.children) == 0 {
		done[t] = nil
		return nil
	}
	return s
}

// textUnmarshaler is the interface by which encoding/xml reads a value from its text.
var textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()

// readsText reports whether encoding/xml reads an element decoded into t by its
// text: a scalar (string, number, bool, bytes), a type that unmarshals text, or a
// struct with a field of character data.
func readsText(t reflect.Type) bool {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if reflect.PointerTo(t).Implements(textUnmarshaler) {
		return true
	}
	switch t.Kind() {
	case reflect.String, reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
		reflect.Float32, reflect.Float64:
		return true
	case reflect.Slice:
		return t.Elem().Kind() == reflect.Uint8
	case reflect.Struct:
		for i := range t.NumField() {
			if _, opts, _ := strings.Cut(t.Field(i).Tag.Get("xml"), ","); opts == "chardata" || opts == "cdata" {
				return true
			}
		}
	}
	return false
}

// Once is an xml.TokenReader that passes on the raw tokens of another, as an
// xml.Decoder made by xml.NewTokenDecoder reads them, and refuses an element read once
// that is given a second time under the same parent, as a *Twice error. It follows the
// document from the element Begin names as the root, through the root's Shape,
// resolving namespace prefixes as the decoder does; before Begin, and after the root's
// end, it only passes the tokens on. It refuses, too, an element inside one that the
// shape reads as text, as an *ElementInText error.
type Once struct {
	r     xml.TokenReader
	lines func() int // the line the reader has reached

	open   []openElement // the elements open, from the document's root, whose children are followed
	root   int           // the root's index in open; -1 before Begin
	skip   int           // elements open inside one whose children are not followed
	text   *Step         // when skip is 1: the element skipped, if it is read as text
	scopes Scopes        // the namespace prefixes bound
	counts []int         // the counters of the open elements' children that may repeat
}

// openElement is an element open whose children are followed: the root, its
// descendants that the shape reads, and before Begin its ancestors (of no shape).
type openElement struct {
	shape  *Shape
	seen   uint64 // the bits of the children seen that are read once
	local  string // its name, for messages
	n      int    // its number among its parent's children of its name, if they may repeat; else 0
	undo   int    // the mark of its scope (Scopes.Open)
	counts int    // len(counts) when it began
}

// NewOnce returns a Once of the tokens of r; lines tells the line r has reached, for
// messages.
func NewOnce(r xml.TokenReader, lines func() int) *Once {
	return &Once{r: r, lines: lines, root: -1}
}

// Begin makes the element whose start was the last token read the root, read into the
// struct type of shape. It is called once, if at all.
func (o *Once) Begin(shape *Shape) {
	if o.root >= 0 || len(o.open) == 0 || o.skip > 0 {
		panic("xmldoc: Once.Begin not at the start of an element, or called twice")
	}
	o.root = len(o.open) - 1
	o.open[o.root].shape = shape
	o.open[o.root].counts = len(o.counts)
	o.counts = append(o.counts, make([]int, shape.repeats)...)
}

// Token returns the next token of the reader, or a *Twice error.
func (o *Once) Token() (xml.Token, error) {
	t, err := o.r.Token()
	switch t := t.(type) {
	case xml.StartElement:
		if err := o.start(t); err != nil {
			return nil, err
		}
	case xml.EndElement:
		o.end()
	}
	return t, err
}

// Twice is an element read once given a second time under its parent.
type Twice struct {
	Path []Step // the element, after its ancestors below the root
	Line int    // the line at which it is given again
}

// ElementInText is an element inside one read as text, whose value encoding/xml would
// read without the child's text.
type ElementInText struct {
	Path  []Step // the element read as text, after its ancestors below the root
	Child string // the local name of the element inside it
	Line  int    // the line of the element inside it
}

func (e *ElementInText) Error() string {
	return fmt.Sprintf("%s has an element %s inside its value (line %d)", e.Where(0, false), e.Child, e.Line)
}

// Where names the element read as text as Twice.Where names an element.
func (e *ElementInText) Where(from int, numbers bool) string {
	return (&Twice{Path: e.Path}).Where(from, numbers)
}

// Step is an element of a Twice's path.
type Step struct {
	Local string // its local name
	N     int    // its number among its parent's children of its name when they may repeat, from 1; else 0
}

func (e *Twice) Error() string {
	return fmt.Sprintf("%s is given twice (line %d)", e.Where(0, false), e.Line)
}

// Where names the element by the steps of its path from the from'th on, as
// "Stmt[1]/Ntry[3]/Amt" with numbers, "Stmt/Ntry/Amt" without.
func (e *Twice) Where(from int, numbers bool) string {
	var b strings.Builder
	for i, s := range e.Path[from:] {
		if i > 0 {
			b.WriteByte('/')
		}
		b.WriteString(s.Local)
		if numbers && s.N > 0 {
			fmt.Fprintf(&b, "[%d]", s.N)
		}
	}
	return b.String()
}

// start takes the start of an element.
func (o *Once) start(t xml.StartElement) error {
	if o.skip == 1 && o.text != nil {
		p := o.path(o.text.Local)
		p[len(p)-1] = *o.text
		return &ElementInText{Path: p, Child: t.Name.Local, Line: o.lines()}
	}
	if o.skip > 0 {
		o.skip++
		return nil
	}
	mark := o.scopes.Open(t)
	if o.root < 0 {
		// Before Begin: the element may be the root, or an ancestor of it whose
		// bindings hold inside.
		o.open = append(o.open, openElement{undo: mark, counts: len(o.counts)})
		return nil
	}
	if len(o.open) <= o.root {
		// After the root.
		o.scopes.Close(mark)
		o.skip = 1
		return nil
	}
	parent := &o.open[len(o.open)-1]
	name := xml.Name{Local: t.Name.Local}
	if !parent.shape.anySpace {
		name.Space = t.Name.Space
		if space, ok := o.scopes.Lookup(name.Space); ok {
			name.Space = space // as the decoder translates it; an unbound prefix stays
		}
	}
	c, ok := parent.shape.children[name]
	n := 0
	switch {
	case !ok:
	case c.bit != 0:
		if parent.seen&c.bit != 0 {
			return &Twice{Path: o.path(name.Local), Line: o.lines()}
		}
		parent.seen |= c.bit
	default:
		o.counts[parent.counts+c.slot]++
		n = o.counts[parent.counts+c.slot]
	}
	if !ok || c.shape == nil {
		o.scopes.Close(mark)
		o.skip = 1
		if ok && c.text {
			o.text = &Step{Local: name.Local, N: n}
		}
		return nil
	}
	o.open = append(o.open, openElement{shape: c.shape, local: name.Local, n: n, undo: mark, counts: len(o.counts)})
	o.counts = append(o.counts, make([]int, c.shape.repeats)...)
	return nil
}

// end takes the end of an element; the reader has checked the nesting.
func (o *Once) end() {
	switch {
	case o.skip > 0:
		if o.skip--; o.skip == 0 {
			o.text = nil
		}
	case len(o.open) > 0:
		e := o.open[len(o.open)-1]
		o.scopes.Close(e.undo)
		o.counts = o.counts[:e.counts]
		o.open = o.open[:len(o.open)-1]
	}
}

// path is the path of an element named local, a child of the last element open, below
// the root.
func (o *Once) path(local string) []Step {
	var p []Step
	for _, e := range o.open[o.root+1:] {
		p = append(p, Step{Local: e.local, N: e.n})
	}
	return append(p, Step{Local: local})
}
