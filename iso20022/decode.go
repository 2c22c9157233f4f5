package iso20022

import (
	"bytes"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"

	"linkfin"
)

// readDocument reads an ISO 20022 message from r into v: the first Document element,
// the root or inside an envelope (a business application header's wrapper), whose
// namespace is prefix followed by a version that supported accepts. It returns that
// version.
//
// The whole input is read, and must be well-formed XML before anything else is said of
// it: what is not is EMALFORMED, and so is a document whose bytes are not of the
// encoding it declares (UTF-8 when it declares none), or that declares one this package
// does not read. Then a document without a Document is EINVALID, and another message,
// or a version supported refuses, is EUNSUPPORTED.
func readDocument(r io.Reader, prefix string, supported func(version string) error, v any) (string, error) {
	d := newDecoder(r)
	start, found, err := d.document()
	if err != nil {
		return "", d.malformed(err)
	}
	var version string
	var verdict error
	switch {
	case !found:
		verdict = linkfin.Errorf(linkfin.EINVALID, "no ISO 20022 Document element found")
	case !strings.HasPrefix(start.Name.Space, prefix):
		verdict = linkfin.Errorf(EUNSUPPORTED, "the Document is of namespace %q; want %sNN", clip(start.Name.Space), prefix)
	default:
		version = strings.TrimPrefix(start.Name.Space, prefix)
		verdict = supported(version)
	}
	if found {
		if verdict == nil {
			err = d.DecodeElement(v, &start)
		} else {
			err = d.Skip()
		}
		if err != nil {
			return "", d.malformed(err)
		}
	}
	// The rest of the envelope, and what follows the root element.
	for {
		if _, err := d.Token(); err == io.EOF {
			break
		} else if err != nil {
			return "", d.malformed(err)
		}
	}
	if verdict != nil {
		return "", verdict
	}
	return version, nil
}

// decoder reads a document's tokens through wellFormed, which refuses what encoding/xml
// lets pass of XML that is not well-formed; the xml.Decoder it embeds checks the
// nesting of elements and resolves namespaces.
type decoder struct {
	*xml.Decoder
	raw *xml.Decoder
}

func newDecoder(r io.Reader) *decoder {
	raw := xml.NewDecoder(r)
	w := &wellFormed{raw: raw}
	raw.CharsetReader = w.charsetReader
	return &decoder{Decoder: xml.NewTokenDecoder(w), raw: raw}
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
// not well-formed, EINVALID for a value the document's shape cannot hold.
func (d *decoder) malformed(err error) error {
	var syn *xml.SyntaxError
	if errors.As(err, &syn) {
		// The line of the input, which the decoder that checks nesting does not know.
		line, _ := d.raw.InputPos()
		return linkfin.Errorf(EMALFORMED, "the XML is malformed at line %d: %s", line, clip(syn.Msg))
	}
	var le *linkfin.Error
	if errors.As(err, &le) {
		return le
	}
	return linkfin.Errorf(linkfin.EINVALID, "the XML could not be read: %s", clip(err.Error()))
}

// wellFormed passes on the raw tokens of a document, refusing as an *xml.SyntaxError
// what XML does not allow and encoding/xml does not check:
//
//   - outside the root element, anything but white space, comments, processing
//     instructions and (before it) a DOCTYPE: a second root element, an end tag, text
//     (a CDATA section or an entity too) or a <!…> declaration after the root element,
//     text before it, and a document of no element at all;
//   - an XML declaration anywhere but at the start, where only UTF-8's byte order mark
//     may precede it;
//   - a <!…> declaration inside the root element;
//   - an attribute given twice in an element (<Amt Ccy="EUR" Ccy="USD">);
//   - a comment, processing instruction or declaration that is not valid UTF-8 (text,
//     names and attributes encoding/xml checks itself).
type wellFormed struct {
	raw    *xml.Decoder
	tokens int  // tokens read, a byte order mark at the start aside
	bom    bool // the document begins with UTF-8's byte order mark
	depth  int  // elements open
	rooted bool // the root element has begun
}

// bom is U+FEFF in UTF-8, which may begin a document.
var bom = []byte("\ufeff")

func (w *wellFormed) Token() (xml.Token, error) {
	tok, err := w.raw.RawToken()
	if err == io.EOF && !w.rooted {
		return nil, w.fail("the document has no root element")
	}
	if err != nil {
		return nil, err
	}
	first := w.tokens == 0
	w.tokens++
	switch t := tok.(type) {
	case xml.StartElement:
		if w.depth == 0 {
			if w.rooted {
				return nil, w.fail("a second root element <%s> after the first", clip(t.Name.Local))
			}
			w.rooted = true
		}
		w.depth++
		for i, a := range t.Attr {
			for _, b := range t.Attr[:i] {
				if a.Name == b.Name {
					return nil, w.fail("the attribute %s given twice in <%s>", clip(qualified(a.Name)), clip(t.Name.Local))
				}
			}
		}
	case xml.EndElement:
		if w.depth == 0 {
			return nil, w.fail("</%s> %s the root element", clip(t.Name.Local), w.where())
		}
		w.depth--
	case xml.CharData:
		if w.depth > 0 {
			break
		}
		text := []byte(t)
		if first && bytes.HasPrefix(text, bom) {
			text = text[len(bom):]
			w.bom = true
			if len(text) == 0 {
				w.tokens = 0 // the XML declaration may follow
			}
		}
		if len(bytes.Trim(text, " \t\r\n")) > 0 {
			return nil, w.fail("text %s the root element", w.where())
		}
	case xml.ProcInst:
		// encoding/xml reads the declaration as a processing instruction named xml; XML
		// reserves the name in every case.
		if strings.EqualFold(t.Target, "xml") && (!first || t.Target != "xml") {
			return nil, w.fail("an XML declaration that is not at the start of the document")
		}
		if !utf8.Valid(t.Inst) {
			return nil, w.fail("a processing instruction that is not valid UTF-8")
		}
	case xml.Comment:
		if !utf8.Valid(t) {
			return nil, w.fail("a comment that is not valid UTF-8")
		}
	case xml.Directive:
		if w.depth > 0 || w.rooted {
			return nil, w.fail("a <!…> declaration %s the root element", w.where())
		}
		if !utf8.Valid(t) {
			return nil, w.fail("a <!…> declaration that is not valid UTF-8")
		}
	}
	return tok, nil
}

// qualified is a raw name as the document writes it, with its prefix.
func qualified(n xml.Name) string {
	if n.Space == "" {
		return n.Local
	}
	return n.Space + ":" + n.Local
}

// where says where the decoder is, for a token at the top level or inside the root.
func (w *wellFormed) where() string {
	switch {
	case w.depth > 0:
		return "inside"
	case w.rooted:
		return "after"
	}
	return "before"
}

func (w *wellFormed) fail(format string, args ...any) error {
	line, _ := w.raw.InputPos()
	return &xml.SyntaxError{Msg: fmt.Sprintf(format, args...), Line: line}
}

// charsetReader decodes documents declared in another encoding than UTF-8, as banks
// still send (ISO-8859-1, windows-1252, windows-1251, Shift_JIS, GBK, …), by the
// encodings and names of the WHATWG Encoding Standard. encoding/xml calls it for the
// encoding an XML declaration names, unless that is "UTF-8" in some case.
//
// The declaration it names has been read as ASCII, so an encoding that does not write
// ASCII as ASCII (UTF-16) is not the document's. A decoder writes U+FFFD for bytes that
// are not of its encoding: from an encoding that cannot spell U+FFFD itself, a U+FFFD
// is refused. GB18030 can, so a byte of a GB18030 document that is not GB18030 passes
// as U+FFFD.
func (w *wellFormed) charsetReader(label string, in io.Reader) (io.Reader, error) {
	if w.tokens > 0 {
		return nil, w.fail("an XML declaration that is not at the start of the document")
	}
	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil, linkfin.Errorf(EMALFORMED, "the XML declares the encoding %q, which is not one linkfin reads", clip(label))
	}
	name, _ := htmlindex.Name(enc)
	switch {
	case name == "utf-8":
		// encoding/xml reads UTF-8 and refuses bytes that are not.
		return in, nil
	case w.bom:
		return nil, linkfin.Errorf(EMALFORMED, "the XML begins with UTF-8's byte order mark but declares the encoding %q", clip(label))
	case name == "replacement":
		// WHATWG's decoder of ISO-2022-KR, HZ-GB-2312 and others reads a document as one
		// U+FFFD.
		return nil, linkfin.Errorf(EMALFORMED, "the XML declares the encoding %q, which is not one linkfin reads", clip(label))
	case !spells(enc, `<?xml version="1.0" encoding=""?>`, `<?xml version="1.0" encoding=""?>`):
		return nil, linkfin.Errorf(EMALFORMED, "the XML declares the encoding %q, but is not written in it: its declaration is in ASCII", clip(label))
	}
	r := enc.NewDecoder().Reader(in)
	if spells(enc, "\uFFFD", "") {
		return r, nil
	}
	return &refuseReplacement{r: r, label: label}, nil
}

// spells reports whether enc encodes s, as want when want is not empty.
func spells(enc encoding.Encoding, s, want string) bool {
	b, err := enc.NewEncoder().String(s)
	return err == nil && (want == "" || b == want)
}

// replacement is U+FFFD in UTF-8.
var replacement = []byte("\uFFFD")

// refuseReplacement passes a decoder's UTF-8 on, and fails at a U+FFFD.
type refuseReplacement struct {
	r     io.Reader
	label string
	tail  [2]byte // the end of what was read before, which may begin a U+FFFD
	nTail int
}

func (x *refuseReplacement) Read(p []byte) (int, error) {
	n, err := x.r.Read(p)
	if n == 0 {
		return n, err
	}
	// A U+FFFD across two reads begins in the tail and ends in p's first two bytes.
	var edge [4]byte
	k := copy(edge[:], x.tail[:x.nTail])
	k += copy(edge[k:], p[:min(n, 2)])
	if bytes.Contains(edge[:k], replacement) || bytes.Contains(p[:n], replacement) {
		return 0, linkfin.Errorf(EMALFORMED, "the XML declares the encoding %q, but holds bytes that are not %s", clip(x.label), clip(x.label))
	}
	if n >= 2 {
		x.nTail = copy(x.tail[:], p[n-2:n])
	} else {
		x.nTail = copy(x.tail[:], edge[max(0, k-2):k])
	}
	return n, err
}
