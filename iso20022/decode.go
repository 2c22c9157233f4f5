package iso20022

import (
	"encoding/xml"
	"errors"
	"io"
	"strings"

	"linkfin"
	"linkfin/internal/xmldoc"
)

// readDocument reads an ISO 20022 message from r into v: the first Document element,
// the root or inside an envelope (a business application header's wrapper), whose
// namespace is one of prefixes followed by a version that supported accepts. It
// returns that prefix and version. shape is the shape of v's type, by which an element that v reads once, given
// twice under its parent, is refused: encoding/xml would keep the last.
//
// The whole input is read, and must be well-formed XML before anything else is said of
// it: what is not is EMALFORMED, and so is a document whose bytes are not of the
// encoding it declares (UTF-8 when it declares none), or that declares one this package
// does not read. Then a document without a Document is EINVALID, and another message,
// or a version supported refuses, is EUNSUPPORTED. A Document that is read with an
// element read once given twice is EINVALID: it breaks its schema, which allows it once.
// So is one holding an element of another namespace than the Document's, or an
// attribute of a namespace, outside a supplementary data envelope (namespaces), which
// its schema does not allow either.
func readDocument(r io.Reader, prefixes []string, shape *xmldoc.Shape, supported func(prefix, version string) error, v any) (prefix, version string, err error) {
	d := newDecoder(r)
	start, found, err := d.document()
	if err != nil {
		return "", "", d.malformed(err)
	}
	var verdict error
	space := start.Name.Space
	if iso, ok := nationalVariants[space]; ok {
		space = iso
	}
	for _, p := range prefixes {
		if strings.HasPrefix(space, p) {
			prefix = p
		}
	}
	switch {
	case !found:
		verdict = linkfin.Errorf(linkfin.EINVALID, "no ISO 20022 Document element found")
	case prefix == "":
		verdict = linkfin.Errorf(EUNSUPPORTED, "the Document is of namespace %q; want %sNN", clip(start.Name.Space), strings.Join(prefixes, "NN or "))
	default:
		version = strings.TrimPrefix(space, prefix)
		verdict = supported(prefix, version)
	}
	if found {
		if verdict == nil {
			d.spaces.begin(start.Name.Space)
			d.once.Begin(shape)
			err = d.DecodeElement(v, &start)
		} else {
			err = d.Skip()
		}
		if err != nil {
			return "", "", d.malformed(err)
		}
	}
	// The rest of the envelope, and what follows the root element.
	for {
		if _, err := d.Token(); err == io.EOF {
			break
		} else if err != nil {
			return "", "", d.malformed(err)
		}
	}
	if verdict != nil {
		return "", "", verdict
	}
	return prefix, version, nil
}

// nationalVariants are the namespaces of national variants of an ISO 20022 message
// that restrict it without renaming its elements, by the ISO namespace they read as:
// the Swiss Payment Standards' pain.002 before 2019.
var nationalVariants = map[string]string{
	"http://www.six-interbank-clearing.com/de/pain.002.001.03.ch.02.xsd": pain002Prefix + "03",
}

// decoder reads a document's tokens through xmldoc.Reader, which refuses what
// encoding/xml lets pass of XML that is not well-formed and decodes the encoding the
// document declares; a namespaces, which refuses in the Document it is told to begin
// at an element of another namespace; and an xmldoc.Once, which refuses an element
// read once given twice there. The xml.Decoder it embeds checks the nesting of
// elements and resolves namespaces.
type decoder struct {
	*xml.Decoder
	raw    *xmldoc.Reader
	spaces *namespaces
	once   *xmldoc.Once
}

func newDecoder(r io.Reader) *decoder {
	raw := xmldoc.NewReader(r)
	spaces := &namespaces{r: raw, line: raw.Line, doc: -1}
	once := xmldoc.NewOnce(spaces, raw.Line)
	return &decoder{Decoder: xml.NewTokenDecoder(once), raw: raw, spaces: spaces, once: once}
}

// document reads up to the first Document element, and reports whether there is one.
func (d *decoder) document() (xml.StartElement, bool, error) {
	for {
		tok, err := d.Token()
		if err == io.EOF {
			return xml.StartElement{}, false, nil
		}
		if err != nil {
			return xml.StartElement{}, false, err
		}
		if start, ok := tok.(xml.StartElement); ok && start.Name.Local == "Document" {
			return start, true, nil
		}
	}
}

// malformed turns the XML decoder's error into a refusal: EMALFORMED for XML that is
// not well-formed, EINVALID for a value the document's shape cannot hold, for an
// element read once given twice, and for an element inside a value (an amount) that
// would be read without its text. Those are named by their path below the message
// element (Stmt[1]/Ntry[3]/Amt), as the readers name what they refuse.
func (d *decoder) malformed(err error) error {
	var twice *xmldoc.Twice
	if errors.As(err, &twice) {
		return linkfin.Errorf(linkfin.EINVALID, "%s is given twice (line %d): ISO 20022 allows it once there",
			clip(twice.Where(belowMessage(twice.Path), true)), twice.Line)
	}
	var in *xmldoc.ElementInText
	if errors.As(err, &in) {
		return linkfin.Errorf(linkfin.EINVALID, "%s has an element %s inside its value (line %d): ISO 20022 allows text alone there",
			clip(in.Where(belowMessage(in.Path), true)), clip(in.Child), in.Line)
	}
	var syn *xml.SyntaxError
	if errors.As(err, &syn) {
		// The line of the input, which the decoder that checks nesting does not know.
		return linkfin.Errorf(EMALFORMED, "the XML is malformed at line %d: %s", d.raw.Line(), clip(syn.Msg))
	}
	var enc *xmldoc.EncodingError
	if errors.As(err, &enc) {
		return linkfin.Errorf(EMALFORMED, "%s", enc.Msg)
	}
	var le *linkfin.Error
	if errors.As(err, &le) {
		return le
	}
	return linkfin.Errorf(linkfin.EINVALID, "the XML could not be read: %s", clip(err.Error()))
}

// Elements of another namespace. The reader's types name elements by their local names
// alone, as each version of a message has its own namespace, and encoding/xml then
// fills a field from an element of that name in any namespace: <Ntry xmlns="urn:x">
// inside a camt.053 statement would be read as one of its entries. The schemas of the
// messages read here make every element of a Document qualified by its namespace
// (elementFormDefault="qualified"), and allow another namespace's elements only inside a
// supplementary data envelope (SplmtryData/Envlp, of xs:any), and no attribute of a
// namespace but XML Schema instance's (xsi:schemaLocation, xsi:type), which every
// schema processor takes. A Document that holds any other is not valid against its
// schema, and is refused (EINVALID) whether or not the reader reads the element: what is
// read is never another namespace's, and what is refused does not depend on it.

// xsiSpace is the namespace of XML Schema instance attributes.
const xsiSpace = "http://www.w3.org/2001/XMLSchema-instance"

// xmlSpace is the namespace the prefix xml is bound to.
const xmlSpace = "http://www.w3.org/XML/1998/namespace"

// namespaces is an xml.TokenReader that passes on the raw tokens of another and, from
// the Document begin names (the element whose start was the last token read) to its
// end, refuses an element of another namespace than the Document's, or an attribute of
// a namespace, outside SplmtryData/Envlp.
type namespaces struct {
	r    xml.TokenReader
	line func() int // the line the reader has reached

	scopes xmldoc.Scopes // the namespace prefixes bound
	open   []openName    // every element open, from the document's root
	doc    int           // the Document's index in open; -1 before begin, and after its end
	space  string        // the Document's namespace
	free   int           // the index in open of an Envlp open, inside which anything goes; 0 if none
}

type openName struct {
	local string
	undo  int // the mark of its scope (Scopes.Open)
}

// begin makes the element whose start was the last token read the Document, of the
// namespace space.
func (n *namespaces) begin(space string) {
	n.doc, n.space = len(n.open)-1, space
}

// Token returns the next token of the reader, or the refusal of an element or
// attribute of another namespace.
func (n *namespaces) Token() (xml.Token, error) {
	t, err := n.r.Token()
	switch t := t.(type) {
	case xml.StartElement:
		mark := n.scopes.Open(t)
		n.open = append(n.open, openName{local: t.Name.Local, undo: mark})
		if err := n.check(t); err != nil {
			return nil, err
		}
	case xml.EndElement:
		if len(n.open) > 0 {
			last := len(n.open) - 1
			n.scopes.Close(n.open[last].undo)
			n.open = n.open[:last]
			switch last {
			case n.free:
				n.free = 0
			case n.doc:
				n.doc = -1
			}
		}
	}
	return t, err
}

// check refuses the start of an element in the Document, the last of open, of another
// namespace than the Document's, or with an attribute of a namespace, outside an
// envelope; and notes the start of an envelope.
func (n *namespaces) check(t xml.StartElement) error {
	at := len(n.open) - 1
	if n.doc < 0 || n.free > 0 {
		return nil
	}
	if space, ok := n.resolve(t.Name.Space, true); at > n.doc && (!ok || space != n.space) {
		return linkfin.Errorf(linkfin.EINVALID, "%s (line %d) is of namespace %q, not the Document's %q: ISO 20022 allows another namespace's elements only in SplmtryData/Envlp",
			clip(n.path()), n.line(), clip(space), clip(n.space))
	}
	for _, a := range t.Attr {
		if a.Name.Space == "" || a.Name.Space == "xmlns" {
			continue
		}
		if space, ok := n.resolve(a.Name.Space, false); !ok || space != xsiSpace {
			return linkfin.Errorf(linkfin.EINVALID, "%s (line %d) has the attribute %s of namespace %q: ISO 20022 allows no attribute of a namespace there",
				clip(n.path()), n.line(), clip(a.Name.Local), clip(space))
		}
	}
	if t.Name.Local == "Envlp" && at > n.doc+1 && n.open[at-1].local == "SplmtryData" {
		n.free = at
	}
	return nil
}

// resolve is the namespace a prefix of an element (elem) or an attribute names, and
// whether it is bound; an element without a prefix is of the default namespace, an
// attribute without one of none.
func (n *namespaces) resolve(prefix string, elem bool) (string, bool) {
	switch {
	case prefix == "xml":
		return xmlSpace, true
	case prefix == "" && !elem:
		return "", true
	}
	space, ok := n.scopes.Lookup(prefix)
	if !ok && prefix == "" {
		return "", true // no default namespace: none
	}
	if !ok {
		return prefix + ":", false
	}
	return space, true
}

// path names the last element open by the local names of the elements from below the
// message element (Stmt/Ntry), or the message element itself.
func (n *namespaces) path() string {
	from := n.doc + 1
	if len(n.open) > from+1 {
		from++
	}
	names := make([]string, 0, len(n.open)-from)
	for _, e := range n.open[from:] {
		names = append(names, e.local)
	}
	return strings.Join(names, "/")
}

// belowMessage is the step of a path below the Document's root from which the readers
// name an element: below the message element, unless the path is that element alone.
func belowMessage(path []xmldoc.Step) int {
	if len(path) > 1 {
		return 1
	}
	return 0
}
