package iso20022_test

import (
	"io"
	"os"
	"reflect"
	"strings"
	"testing"

	"golang.org/x/text/encoding/unicode"

	"linkfin"
	"linkfin/iso20022"
)

// isoReader is one of the package's readers of ISO 20022 documents, with a document it
// reads. word is a text of the document that the encoding tests write in other bytes; a
// document without an XML declaration has none.
type isoReader struct {
	name, doc, word string
	read            func(io.Reader) (any, error)
}

// declared is the reader's document declaring encoding, with its word written as bytes.
func declared(r isoReader, encoding, bytes string) string {
	return strings.Replace(strings.Replace(r.doc, `encoding="UTF-8"`, `encoding="`+encoding+`"`, 1), r.word, bytes, 1)
}

// readsAs checks that the reader reads doc as want.
func readsAs(t *testing.T, r isoReader, doc string, want any) {
	t.Helper()
	got, err := r.read(strings.NewReader(doc))
	if err != nil {
		t.Fatal(err)
	}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("read\n%+v\nwant\n%+v", got, want)
	}
}

func isoReaders(t *testing.T) []isoReader {
	t.Helper()
	envelope, err := os.ReadFile("testdata/prowide-camt.053.001.07.xml")
	if err != nil {
		t.Fatal(err)
	}
	readStatement := func(r io.Reader) (any, error) {
		m, err := iso20022.ReadStatement(r)
		if err != nil {
			return nil, err
		}
		return m, nil
	}
	readStatusReport := func(r io.Reader) (any, error) {
		m, err := iso20022.ReadStatusReport(r)
		if err != nil {
			return nil, err
		}
		return m, nil
	}
	return []isoReader{
		{"camt.053", statement("08", `<Ntry><Amt Ccy="EUR">1.00</Amt><CdtDbtInd>CRDT</CdtDbtInd><Sts><Cd>BOOK</Cd></Sts>
<NtryDtls><TxDtls><RmtInf><Ustrd>WORD</Ustrd></RmtInf></TxDtls></NtryDtls></Ntry>
`), "WORD", readStatement},
		// The Document inside a business application header's envelope: the root is the
		// envelope.
		{"camt.053 in an envelope", string(envelope), "", readStatement},
		{"pain.002", statusReportDoc, "closed", readStatusReport},
	}
}

// withoutDeclaration is doc from its root element on.
func withoutDeclaration(doc string) string {
	if i := strings.Index(doc, "?>"); strings.HasPrefix(doc, "<?xml") && i >= 0 {
		return strings.TrimLeft(doc[i+2:], "\n")
	}
	return doc
}

// TestReadersRefuseWhatIsNotWellFormed: every reader refuses, as EMALFORMED, a document
// that is not well-formed XML around the root element, where encoding/xml lets it pass:
// after the root element ends only white space, comments and processing instructions
// may follow; a second element, an end tag, unclosed markup, text or a declaration is
// refused, as is text or another element before the root, a document of no element,
// and an attribute given twice.
func TestReadersRefuseWhatIsNotWellFormed(t *testing.T) {
	cases := []struct {
		name string
		doc  func(doc string) string
		says string
	}{
		{"the end tag again and an unclosed element after the root", func(d string) string { return d + "</Document><junk" }, "after the root element"},
		{"an end tag after the root", func(d string) string { return d + "</Document>" }, "after the root element"},
		{"a second root element", func(d string) string { return d + withoutDeclaration(d) }, "second root element"},
		{"an empty element after the root", func(d string) string { return d + "\n<junk/>\n" }, "second root element <junk>"},
		{"an element after a comment after the root", func(d string) string { return d + "<!-- more -->\n<Document/>" }, "second root element"},
		{"text and an open tag after the root", func(d string) string { return d + "garbage<" }, "text after the root element"},
		{"text after the root", func(d string) string { return d + "\ngarbage\n" }, "text after the root element"},
		{"an entity after the root", func(d string) string { return d + "&amp;" }, "text after the root element"},
		{"a CDATA section after the root", func(d string) string { return d + "<![CDATA[x]]>" }, "text after the root element"},
		{"a byte order mark after the root", func(d string) string { return d + "\ufeff" }, "text after the root element"},
		{"an unclosed tag after the root", func(d string) string { return d + "<junk" }, "unexpected EOF"},
		{"an unclosed comment after the root", func(d string) string { return d + "<!-- more" }, "unexpected EOF"},
		{"a DOCTYPE after the root", func(d string) string { return d + "<!DOCTYPE Document>" }, "declaration"},
		{"an XML declaration after the root", func(d string) string { return d + `<?xml version="1.0"?>` }, "XML declaration"},
		{"an XML declaration of another encoding after the root", func(d string) string { return d + `<?xml version="1.0" encoding="UTF-16"?>` },
			"XML declaration"},
		{"an element before the root", func(d string) string { return "<Hdr/>" + withoutDeclaration(d) }, "second root element"},
		{"text before the root", func(d string) string { return "garbage" + withoutDeclaration(d) }, "text before the root element"},
		{"a comment before the XML declaration", func(d string) string {
			return "<!-- first -->" + `<?xml version="1.0" encoding="UTF-8"?>` + withoutDeclaration(d)
		}, "XML declaration"},
		{"a DOCTYPE inside the root", func(d string) string {
			i := strings.LastIndex(d, "</")
			return d[:i] + "<!DOCTYPE x>" + d[i:]
		}, "declaration"},
		{"an attribute given twice", func(d string) string {
			i := strings.Index(d, "<Document ") + len("<Document ")
			return d[:i] + `xmlns="urn:x" ` + d[i:]
		}, "attribute xmlns given twice"},
		{"no root element", func(string) string { return `<?xml version="1.0"?>` + "\n<!-- nothing -->\n" }, "no root element"},
		{"cut short", func(d string) string { return d[:len(d)-3] }, "unexpected EOF"},
	}
	for _, r := range isoReaders(t) {
		if _, err := r.read(strings.NewReader(r.doc)); err != nil {
			t.Fatalf("%s: the document itself: %v", r.name, err)
		}
		for _, c := range cases {
			t.Run(r.name+"/"+c.name, func(t *testing.T) {
				_, err := r.read(strings.NewReader(c.doc(r.doc)))
				if code := linkfin.ErrorCode(err); code != iso20022.EMALFORMED {
					t.Fatalf("code %q (%v), want %q", code, err, iso20022.EMALFORMED)
				}
				if !strings.Contains(linkfin.ErrorMessage(err), c.says) {
					t.Errorf("message %q does not say %q", linkfin.ErrorMessage(err), c.says)
				}
			})
		}
	}
}

// TestReadersTakeWhatMayFollowTheRoot: white space, comments and processing
// instructions around the root element, a byte order mark at the start and a DOCTYPE
// before the root are well-formed: every reader reads the document as without them.
func TestReadersTakeWhatMayFollowTheRoot(t *testing.T) {
	cases := []struct {
		name string
		doc  func(doc string) string
	}{
		{"as it is", func(d string) string { return d }},
		{"white space after the root", func(d string) string { return d + " \t\r\n\n" }},
		{"a comment after the root", func(d string) string { return d + "<!-- signed by the bank -->" }},
		{"a processing instruction after the root", func(d string) string { return d + `<?bank-signature alg="none"?>` }},
		{"all of them", func(d string) string { return d + "\n<!-- a -->\n<?pi b?>\n\n<!-- c -->\n" }},
		{"a comment and a processing instruction before the root", func(d string) string {
			return "<!-- a -->\n<?pi b?>\n" + withoutDeclaration(d)
		}},
		{"a byte order mark at the start", func(d string) string { return "\ufeff" + d }},
		{"a DOCTYPE before the root", func(d string) string {
			root := withoutDeclaration(d)
			return d[:len(d)-len(root)] + "<!DOCTYPE Document>\n" + root
		}},
	}
	for _, r := range isoReaders(t) {
		want, err := r.read(strings.NewReader(r.doc))
		if err != nil {
			t.Fatalf("%s: the document itself: %v", r.name, err)
		}
		for _, c := range cases {
			t.Run(r.name+"/"+c.name, func(t *testing.T) { readsAs(t, r, c.doc(r.doc), want) })
		}
	}
}

// TestReadersTakeTheEncodingDeclared: a document in the encoding its declaration names
// reads as the same document in UTF-8.
func TestReadersTakeTheEncodingDeclared(t *testing.T) {
	cases := []struct{ name, encoding, utf8, bytes string }{
		{"ISO-8859-1", "ISO-8859-1", "Café", "Caf\xe9"},
		{"windows-1252", "windows-1252", "€ 5", "\x80 5"},
		{"Shift_JIS", "Shift_JIS", "テスト", "\x83\x65\x83\x58\x83\x67"},
		{"GBK", "GBK", "中文", "\xd6\xd0\xce\xc4"},
		{"UTF-8 in lower case", "utf-8", "Café", "Café"},
		{"UTF-8 by another name", "utf8", "Café", "Café"},
		{"a replacement character GB18030 spells", "GB18030", "\ufffd", "\x84\x31\xa4\x37"},
	}
	for _, r := range isoReaders(t) {
		if r.word == "" {
			continue
		}
		for _, c := range cases {
			t.Run(r.name+"/"+c.name, func(t *testing.T) {
				want, err := r.read(strings.NewReader(strings.Replace(r.doc, r.word, c.utf8, 1)))
				if err != nil {
					t.Fatal(err)
				}
				readsAs(t, r, declared(r, c.encoding, c.bytes), want)
			})
		}
	}
}

// TestReadersTakeUTF16: a document in UTF-16 with its byte order mark reads as the
// same document in UTF-8.
func TestReadersTakeUTF16(t *testing.T) {
	for _, r := range isoReaders(t) {
		if r.word == "" {
			continue
		}
		want, err := r.read(strings.NewReader(r.doc))
		if err != nil {
			t.Fatal(err)
		}
		// Little-endian, after its byte order mark.
		doc, err := unicode.UTF16(unicode.LittleEndian, unicode.UseBOM).NewEncoder().String(strings.Replace(r.doc, `encoding="UTF-8"`, `encoding="UTF-16"`, 1))
		if err != nil {
			t.Fatal(err)
		}
		t.Run(r.name, func(t *testing.T) { readsAs(t, r, doc, want) })
	}
}

// TestReadersRefuseAnEncodingNotDeclared: a document whose bytes are not of the
// encoding it declares (or of UTF-8, when it declares none), or that declares an
// encoding linkfin does not read, is EMALFORMED, from every reader.
func TestReadersRefuseAnEncodingNotDeclared(t *testing.T) {
	cases := []struct{ name, encoding, bytes, says string }{
		// The declaration was read as ASCII: the document is not UTF-16.
		{"UTF-8 declared as UTF-16", "UTF-16", "Café", "UTF-16"},
		{"UTF-8 declared as UTF-16BE", "UTF-16BE", "Café", "UTF-16BE"},
		{"UTF-8 declared as UTF-16LE", "UTF-16LE", "Café", "UTF-16LE"},
		{"ASCII declared as UTF-16", "UTF-16", "Cafe", "UTF-16"},
		{"ISO-8859-1 declared as UTF-8", "UTF-8", "Caf\xe9", "UTF-8"},
		{"ISO-8859-1 declared as UTF-8 by another name", "utf8", "Caf\xe9", "UTF-8"},
		{"ISO-8859-1 in a comment declared as UTF-8", "UTF-8", "<!-- Caf\xe9 -->", "UTF-8"},
		{"ISO-8859-1 in a processing instruction declared as UTF-8", "UTF-8", "<?pi Caf\xe9?>", "UTF-8"},
		{"ISO-8859-1 declared as Shift_JIS", "Shift_JIS", "Caf\xe9 \xfd", "Shift_JIS"},
		{"UTF-8 declared as GBK", "GBK", "\xff", "GBK"},
		{"a byte ISO-8859-3 leaves undefined", "ISO-8859-3", "\xa5", "ISO-8859-3"},
		{"an unknown encoding", "x-klingon", "Cafe", "x-klingon"},
		{"an encoding WHATWG reads as one replacement character", "ISO-2022-KR", "Cafe", "ISO-2022-KR"},
		{"a byte order mark of UTF-8 and another encoding", "ISO-8859-1", "Cafe", "byte order mark"},
	}
	for _, r := range isoReaders(t) {
		if r.word == "" {
			continue
		}
		for _, c := range cases {
			t.Run(r.name+"/"+c.name, func(t *testing.T) {
				doc := declared(r, c.encoding, c.bytes)
				if c.says == "byte order mark" {
					doc = "\ufeff" + doc
				}
				_, err := r.read(strings.NewReader(doc))
				if code := linkfin.ErrorCode(err); code != iso20022.EMALFORMED {
					t.Fatalf("code %q (%v), want %q", code, err, iso20022.EMALFORMED)
				}
				if !strings.Contains(linkfin.ErrorMessage(err), c.says) {
					t.Errorf("message %q does not say %q", linkfin.ErrorMessage(err), c.says)
				}
			})
		}
	}
}

// TestReadersReadWholeDocument: a document is well-formed before it is anything else:
// the same faults after the root refuse a document of another message or version as
// EMALFORMED, not EUNSUPPORTED.
func TestReadersReadWholeDocument(t *testing.T) {
	for _, r := range isoReaders(t) {
		if r.word == "" {
			continue
		}
		other := strings.Replace(r.doc, ":camt.053.001.08", ":camt.053.001.01", 1)
		other = strings.Replace(other, ":pain.002.001.10", ":pain.002.001.02", 1)
		if _, err := r.read(strings.NewReader(other)); linkfin.ErrorCode(err) != iso20022.EUNSUPPORTED {
			t.Fatalf("%s: another version: %v", r.name, err)
		}
		if _, err := r.read(strings.NewReader(other + "<junk/>")); linkfin.ErrorCode(err) != iso20022.EMALFORMED {
			t.Errorf("%s: another version, not well-formed: %v, want %s", r.name, err, iso20022.EMALFORMED)
		}
	}
}
