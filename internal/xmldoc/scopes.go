package xmldoc

import "encoding/xml"

// Scopes are the namespace prefixes that the elements open bind, in a stream of raw
// tokens (xml.Decoder.RawToken, which leaves names as written): Open takes an
// element's start and binds what its xmlns attributes declare, and Close, at its end,
// restores what they replaced.
type Scopes struct {
	ns   map[string]string // namespace prefix ("" the default) → name
	undo []binding         // the bindings the open elements replaced, in order
}

type binding struct {
	prefix, name string
	bound        bool // the prefix was bound before
}

// Open binds the prefixes the element's xmlns attributes declare, and returns the mark
// that Close restores to at the element's end.
func (s *Scopes) Open(t xml.StartElement) (mark int) {
	mark = len(s.undo)
	for _, a := range t.Attr {
		switch {
		case a.Name.Space == "xmlns":
			s.bind(a.Name.Local, a.Value)
		case a.Name.Space == "" && a.Name.Local == "xmlns":
			s.bind("", a.Value)
		}
	}
	return mark
}

// Close restores the bindings replaced since mark.
func (s *Scopes) Close(mark int) {
	for i := len(s.undo) - 1; i >= mark; i-- {
		b := s.undo[i]
		if b.bound {
			s.ns[b.prefix] = b.name
		} else {
			delete(s.ns, b.prefix)
		}
	}
	s.undo = s.undo[:mark]
}

// Lookup returns the namespace prefix is bound to, if it is.
func (s *Scopes) Lookup(prefix string) (name string, ok bool) {
	name, ok = s.ns[prefix]
	return name, ok
}

func (s *Scopes) bind(prefix, name string) {
	if s.ns == nil {
		s.ns = map[string]string{}
	}
	old, bound := s.ns[prefix]
	s.undo = append(s.undo, binding{prefix: prefix, name: old, bound: bound})
	s.ns[prefix] = name
}
