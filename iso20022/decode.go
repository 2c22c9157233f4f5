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
// document declares, and an xmldoc.Once, which refuses an element read once given
// twice in the Document it is told to begin at; the xml.Decoder it embeds checks the
// nesting of elements and resolves namespaces.
type decoder struct {
	*xml.Decoder
	raw  *xmldoc.Reader
	once *xmldoc.Once
}

func newDecoder(r io.Reader) *decoder {
	raw := xmldoc.NewReader(r)
	once := xmldoc.NewOnce(raw, raw.Line)
	return &decoder{Decoder: xml.NewTokenDecoder(once), raw: raw, once: once}
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
// not well-formed, EINVALID for a value the document's shape cannot hold, and for an
// element read once given twice. That one is named by its path below the message
// element (Stmt[1]/Ntry[3]/Amt), as the readers name what they refuse.
func (d *decoder) malformed(err error) error {
	var twice *xmldoc.Twice
	if errors.As(err, &twice) {
		from := 0
		if len(twice.Path) > 1 {
			from = 1
		}
		return linkfin.Errorf(linkfin.EINVALID, "%s is given twice (line %d): ISO 20022 allows it once there",
			clip(twice.Where(from, true)), twice.Line)
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
