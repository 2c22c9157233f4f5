// Package xmldoc reads the tokens of an XML document from outside (a bank's ISO 20022
// message, a UBL invoice) for encoding/xml, refusing what XML does not allow and
// encoding/xml lets pass, and decoding the encoding the document declares.
//
// A document is in UTF-8, in UTF-16 (found by its first bytes, as XML 1.0 Appendix F
// describes: a byte order mark, or "<?" in UTF-16 without one) or in the encoding its
// XML declaration names.
//
// A Reader is an xml.TokenReader: an xml.Decoder made by xml.NewTokenDecoder on it
// checks the nesting of elements and resolves namespaces. What is not well-formed is
// an *xml.SyntaxError; a document that declares an encoding this package does not read,
// or whose bytes are not of the encoding it declares, is an *EncodingError. Errors of
// the underlying reader are passed on as they are.
package xmldoc

import (
	"bufio"
	"bytes"
	"encoding/xml"
	"fmt"
	"io"
	"strings"
	"unicode/utf16"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/unicode"
)

// EncodingError refuses a document for its encoding.
type EncodingError struct{ Msg string }

func (e *EncodingError) Error() string { return e.Msg }

func encodingError(format string, args ...any) *EncodingError {
	return &EncodingError{Msg: fmt.Sprintf(format, args...)}
}

// Reader passes on the raw tokens of a document, refusing as an *xml.SyntaxError what
// XML does not allow and encoding/xml does not check:
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
type Reader struct {
	raw    *xml.Decoder
	tokens int  // tokens read, a byte order mark at the start aside
	bom    bool // the document begins with UTF-8's byte order mark
	depth  int  // elements open
	rooted bool // the root element has begun

	utf16    string // "utf-16be" or "utf-16le" for a document in UTF-16
	utf16BOM bool   // the UTF-16 document begins with its byte order mark
}

// NewReader returns a Reader of the document r holds.
func NewReader(r io.Reader) *Reader {
	w := &Reader{}
	w.raw = xml.NewDecoder(w.sniff(r))
	w.raw.CharsetReader = w.charsetReader
	return w
}

// sniff reads the first bytes of r to find a document in UTF-16, which encoding/xml
// does not read: by its byte order mark (FE FF, FF FE), or by "<?" in UTF-16 without
// one. It returns what encoding/xml is to read: r's bytes, or a UTF-16 document in
// UTF-8 without its byte order mark.
func (w *Reader) sniff(r io.Reader) io.Reader {
	var head [4]byte
	n, err := io.ReadFull(r, head[:])
	var rest io.Reader
	switch err {
	case nil:
		rest = r
	case io.EOF, io.ErrUnexpectedEOF:
		rest = bytes.NewReader(nil) // r has no more
	default:
		rest = errReader{err}
	}
	b := head[:n]
	if w.utf16 = utf16Start(b); w.utf16 != "" && b[0] != 0 && b[0] != '<' {
		w.utf16BOM, b = true, b[2:] // the byte order mark, which is not the document's
	}
	in := io.MultiReader(bytes.NewReader(b), rest)
	if w.utf16 == "" {
		return in
	}
	return &utf16Reader{r: bufio.NewReader(in), big: w.utf16 == "utf-16be"}
}

// errReader fails with err.
type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

// Line is the line of the input the reader has reached, for error messages.
func (w *Reader) Line() int {
	line, _ := w.raw.InputPos()
	return line
}

// bom is U+FEFF in UTF-8, which may begin a document.
var bom = []byte("\ufeff")

// Token returns the next raw token, as xml.Decoder.RawToken does, or the reason the
// document is not well-formed.
func (w *Reader) Token() (xml.Token, error) {
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
				return nil, w.fail("a second root element <%s> after the first", Clip(t.Name.Local))
			}
			w.rooted = true
		}
		w.depth++
		for i, a := range t.Attr {
			for _, b := range t.Attr[:i] {
				if a.Name == b.Name {
					return nil, w.fail("the attribute %s given twice in <%s>", Clip(qualified(a.Name)), Clip(t.Name.Local))
				}
			}
		}
	case xml.EndElement:
		if w.depth == 0 {
			return nil, w.fail("</%s> %s the root element", Clip(t.Name.Local), w.where())
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
		if t.Target == "xml" && w.utf16 != "" {
			// encoding/xml asks charsetReader of every encoding declared but UTF-8.
			switch label := declared(t.Inst); {
			case strings.EqualFold(label, "utf-8"):
				return nil, w.utf16Declares(label)
			case label == "" && !w.utf16BOM:
				return nil, encodingError("the XML is in UTF-16 without a byte order mark, and its declaration names no encoding")
			}
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

// where says where the reader is, for a token at the top level or inside the root.
func (w *Reader) where() string {
	switch {
	case w.depth > 0:
		return "inside"
	case w.rooted:
		return "after"
	}
	return "before"
}

func (w *Reader) fail(format string, args ...any) error {
	return &xml.SyntaxError{Msg: fmt.Sprintf(format, args...), Line: w.Line()}
}

// charsetReader decodes documents declared in another encoding than UTF-8, as banks
// and invoicing systems still send (ISO-8859-1, windows-1252, windows-1251, Shift_JIS,
// GBK, …), by the encodings and names of the WHATWG Encoding Standard. encoding/xml
// calls it for the encoding an XML declaration names, unless that is "UTF-8" in some
// case.
//
// The declaration it names has been read as ASCII, so an encoding that does not write
// ASCII as ASCII (UTF-16) is not the document's. A decoder writes U+FFFD for bytes that
// are not of its encoding: from an encoding that cannot spell U+FFFD itself, a U+FFFD
// is refused. GB18030 can, so a byte of a GB18030 document that is not GB18030 passes
// as U+FFFD.
func (w *Reader) charsetReader(label string, in io.Reader) (io.Reader, error) {
	if w.tokens > 0 {
		return nil, w.fail("an XML declaration that is not at the start of the document")
	}
	enc, err := htmlindex.Get(label)
	if err != nil {
		return nil, encodingError("the XML declares the encoding %q, which is not one linkfin reads", Clip(label))
	}
	name, _ := htmlindex.Name(enc)
	if w.utf16 != "" {
		// Read as UTF-16 already. "UTF-16" names either byte order; another name of
		// UTF-16 (UTF-16LE, UTF-16BE, …) must name the document's.
		if name != w.utf16 && !(strings.EqualFold(label, "utf-16") && strings.HasPrefix(name, "utf-16")) {
			return nil, w.utf16Declares(label)
		}
		return in, nil
	}
	switch {
	case name == "utf-8":
		// encoding/xml reads UTF-8 and refuses bytes that are not.
		return in, nil
	case w.bom:
		return nil, encodingError("the XML begins with UTF-8's byte order mark but declares the encoding %q", Clip(label))
	case name == "replacement":
		// WHATWG's decoder of ISO-2022-KR, HZ-GB-2312 and others reads a document as one
		// U+FFFD.
		return nil, encodingError("the XML declares the encoding %q, which is not one linkfin reads", Clip(label))
	case !spells(enc, `<?xml version="1.0" encoding=""?>`, `<?xml version="1.0" encoding=""?>`):
		return nil, encodingError("the XML declares the encoding %q, but is not written in it: its declaration is in ASCII", Clip(label))
	}
	r := enc.NewDecoder().Reader(in)
	if spells(enc, "\uFFFD", "") {
		return r, nil
	}
	return &refuseReplacement{r: r, label: label}, nil
}

// utf16Declares refuses a UTF-16 document that declares another encoding than its own.
func (w *Reader) utf16Declares(label string) error {
	found := "its byte order mark"
	if !w.utf16BOM {
		found = "its first bytes"
	}
	return encodingError("the XML is in %s by %s, but declares the encoding %q", strings.ToUpper(w.utf16), found, Clip(label))
}

// InUTF8 reports whether the document doc is to be read in UTF-8: it does not begin in
// UTF-16, and its XML declaration, if it has one, names no encoding or UTF-8. Such a
// document's bytes that are not UTF-8 are the text's fault, not the document's, and an
// API may refuse them as it refuses any body that is not UTF-8.
func InUTF8(doc []byte) bool {
	if utf16Start(doc) != "" {
		return false
	}
	label := declaration(doc)
	if label == "" {
		return true
	}
	enc, err := htmlindex.Get(label)
	if err != nil {
		return false
	}
	name, _ := htmlindex.Name(enc)
	return name == "utf-8"
}

// LooksLikeXML reports whether doc begins as an XML document does: in UTF-16 (by its
// byte order mark or its first characters), or with '<' after UTF-8's byte order mark
// and white space. A reader of another text format tells XML from its own by it.
func LooksLikeXML(doc []byte) bool {
	return utf16Start(doc) != "" || bytes.HasPrefix(bytes.TrimLeft(bytes.TrimPrefix(doc, bom), " \t\r\n"), []byte("<"))
}

// Charset checks the charset that the document doc was sent with, such as the charset
// parameter of an HTTP Content-Type, against the encoding the document is read in. RFC
// 7303 §3.2 makes the parameter authoritative where it is given; a Reader reads the
// encoding the document itself names, so the two must agree: name the same encoding, or
// read the document as the same text (a document all in ASCII reads the same in every
// encoding that keeps ASCII, as HTTP clients that add charset=ISO-8859-1 or US-ASCII
// to whatever they send have it). Labels are compared by the encodings of the WHATWG
// Encoding Standard that they name, as the Reader reads them (ISO-8859-1 is
// windows-1252 there); "UTF-16" names either byte order. Charset returns an
// *EncodingError if charset names no encoding of the standard, or another encoding
// than the document's that reads it otherwise: the document's is UTF-16 of its byte
// order for a document that begins in UTF-16, else the encoding its XML declaration
// names, else UTF-8. A declaration naming an encoding the standard does not have is
// left for the Reader to refuse.
func Charset(doc []byte, charset string) error {
	enc, err := htmlindex.Get(charset)
	if err != nil {
		return encodingError("the charset %q is not an encoding linkfin reads", Clip(charset))
	}
	name, _ := htmlindex.Name(enc)
	if order := utf16Start(doc); order != "" {
		if name == order || (strings.EqualFold(charset, "utf-16") && strings.HasPrefix(name, "utf-16")) {
			return nil
		}
		return encodingError("the charset is %q, but the XML is in %s", Clip(charset), strings.ToUpper(order))
	}
	label := declaration(doc)
	if label == "" {
		if name == "utf-8" || sameText(doc, enc, unicode.UTF8) {
			return nil
		}
		return encodingError("the charset is %q, but the XML declares no encoding: it is in UTF-8", Clip(charset))
	}
	declared, err := htmlindex.Get(label)
	if err != nil {
		return nil
	}
	if d, _ := htmlindex.Name(declared); d == name || sameText(doc, enc, declared) {
		return nil
	}
	return encodingError("the charset is %q, but the XML declares the encoding %q", Clip(charset), Clip(label))
}

// sameText reports whether doc reads as the same text in the encodings a and b.
func sameText(doc []byte, a, b encoding.Encoding) bool {
	x, err := a.NewDecoder().Bytes(doc)
	if err != nil {
		return false
	}
	y, err := b.NewDecoder().Bytes(doc)
	return err == nil && bytes.Equal(x, y)
}

// utf16Start is "utf-16be" or "utf-16le" for a document that begins in UTF-16 (with a
// byte order mark, or "<?" in UTF-16), else "".
func utf16Start(doc []byte) string {
	switch {
	case bytes.HasPrefix(doc, []byte{0xFE, 0xFF}), bytes.HasPrefix(doc, []byte{0, '<', 0, '?'}):
		return "utf-16be"
	case bytes.HasPrefix(doc, []byte{0xFF, 0xFE}), bytes.HasPrefix(doc, []byte{'<', 0, '?', 0}):
		return "utf-16le"
	}
	return ""
}

// declaration is the encoding that the XML declaration at the start of a document not
// in UTF-16 names (after UTF-8's byte order mark, if any), or "".
func declaration(doc []byte) string {
	doc = bytes.TrimPrefix(doc, bom)
	rest, ok := bytes.CutPrefix(doc, []byte("<?xml"))
	if !ok || len(rest) == 0 || !strings.ContainsRune(" \t\r\n", rune(rest[0])) {
		return ""
	}
	inst, _, _ := bytes.Cut(rest, []byte("?>"))
	return declared(inst)
}

// declared is the encoding an XML declaration's text names, or "".
func declared(inst []byte) string {
	s := string(inst)
	i := strings.Index(s, "encoding")
	if i < 0 {
		return ""
	}
	s = strings.TrimLeft(s[i+len("encoding"):], " \t\r\n")
	s, ok := strings.CutPrefix(s, "=")
	if !ok {
		return ""
	}
	s = strings.TrimLeft(s, " \t\r\n")
	if s == "" || (s[0] != '"' && s[0] != '\'') {
		return ""
	}
	value, _, _ := strings.Cut(s[1:], s[:1])
	return value
}

// utf16Reader decodes UTF-16 into UTF-8, refusing what is not UTF-16: half of a
// surrogate pair, or an odd number of bytes.
type utf16Reader struct {
	r   *bufio.Reader
	big bool   // big-endian
	out []byte // decoded and not read yet
	err error  // to return once out is read
}

func (u *utf16Reader) Read(p []byte) (int, error) {
	for len(u.out) == 0 && u.err == nil {
		u.fill()
	}
	if len(u.out) > 0 {
		n := copy(p, u.out)
		u.out = u.out[n:]
		return n, nil
	}
	return 0, u.err
}

// fill decodes up to about 4 KiB of UTF-8 into out, or sets err.
func (u *utf16Reader) fill() {
	buf := u.out[:0]
	for len(buf) < 4096 {
		c, err := u.unit()
		if err != nil {
			u.err = err
			break
		}
		r := rune(c)
		if utf16.IsSurrogate(r) {
			if r >= 0xDC00 {
				u.err = u.notUTF16("half of a surrogate pair")
				break
			}
			c2, err := u.unit()
			if err == io.EOF || (err == nil && (c2 < 0xDC00 || c2 > 0xDFFF)) {
				u.err = u.notUTF16("half of a surrogate pair")
				break
			} else if err != nil {
				u.err = err
				break
			}
			r = utf16.DecodeRune(r, rune(c2))
		}
		buf = utf8.AppendRune(buf, r)
	}
	u.out = buf
}

// unit reads a 16-bit code unit; io.EOF at the end of the input.
func (u *utf16Reader) unit() (uint16, error) {
	a, err := u.r.ReadByte()
	if err != nil {
		return 0, err
	}
	b, err := u.r.ReadByte()
	if err == io.EOF {
		return 0, u.notUTF16("an odd number of bytes")
	} else if err != nil {
		return 0, err
	}
	if u.big {
		return uint16(a)<<8 | uint16(b), nil
	}
	return uint16(b)<<8 | uint16(a), nil
}

func (u *utf16Reader) notUTF16(what string) error {
	return encodingError("the XML is in UTF-16, but holds bytes that are not UTF-16: %s", what)
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
		return 0, encodingError("the XML declares the encoding %q, but holds bytes that are not %s", Clip(x.label), Clip(x.label))
	}
	if n >= 2 {
		x.nTail = copy(x.tail[:], p[n-2:n])
	} else {
		x.nTail = copy(x.tail[:], edge[max(0, k-2):k])
	}
	return n, err
}

// Clip cuts document text short for an error message, and makes it valid UTF-8.
func Clip(s string) string {
	const max = 80
	if len(s) > max {
		s = s[:max]
		for !utf8.ValidString(s) {
			s = s[:len(s)-1]
		}
		s += "…"
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}
