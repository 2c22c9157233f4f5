package xmldoc

import (
	"bytes"
	"encoding/xml"
	"errors"
	"io"
	"reflect"
	"strings"
	"testing"
	"testing/iotest"

	"golang.org/x/text/encoding/unicode"
)

// TestRefuseReplacement: a U+FFFD is refused however the reads cut it, and text
// without one passes whole.
func TestRefuseReplacement(t *testing.T) {
	for _, c := range []struct {
		text string
		ok   bool
	}{
		{"Caf\u00e9 テスト", true},
		{"\ufffd", false},
		{"a\ufffd", false},
		{"ab\ufffdcd", false},
		{"テ\ufffd", false},
		{"\u00e9\ufffd\u00e9", false},
	} {
		readers := map[string]func(io.Reader) io.Reader{
			"whole":       func(r io.Reader) io.Reader { return r },
			"byte a read": iotest.OneByteReader,
			"half a read": iotest.HalfReader,
		}
		for name, wrap := range readers {
			got, err := io.ReadAll(&refuseReplacement{r: wrap(strings.NewReader(c.text)), label: "Shift_JIS"})
			if c.ok && (err != nil || string(got) != c.text) {
				t.Errorf("%q, %s: read %q, %v", c.text, name, got, err)
			}
			var enc *EncodingError
			if !c.ok && !errors.As(err, &enc) {
				t.Errorf("%q, %s: read %q, %v; want an *EncodingError", c.text, name, got, err)
			}
		}
	}
}

// tokens reads doc through a Reader and a decoder on it, and returns its tokens, or
// the error that ended them.
func tokens(doc []byte) ([]xml.Token, error) {
	d := xml.NewTokenDecoder(NewReader(bytes.NewReader(doc)))
	var out []xml.Token
	for {
		t, err := d.Token()
		if err == io.EOF {
			return out, nil
		}
		if err != nil {
			return out, err
		}
		out = append(out, xml.CopyToken(t))
	}
}

// utf16Bytes writes s in UTF-16 of the byte order (by golang.org/x/text), after bom.
func utf16Bytes(s string, big bool, bom string) []byte {
	order := map[bool]unicode.Endianness{true: unicode.BigEndian, false: unicode.LittleEndian}[big]
	b, _ := unicode.UTF16(order, unicode.IgnoreBOM).NewEncoder().Bytes([]byte(s))
	return append([]byte(bom), b...)
}

// TestUTF16: a document in UTF-16, with its byte order mark or declaring its encoding
// without one, reads as the same document in UTF-8, but for the encoding the
// declaration names. One that declares another encoding, or is not UTF-16 throughout,
// is refused.
func TestUTF16(t *testing.T) {
	const body = "\n<Doc xmlns=\"urn:x\" a=\"é\"><!-- テスト --><Nm>Søren 😀</Nm><?pi x?></Doc>\n"
	want, err := tokens([]byte(`<?xml version="1.0" encoding="UTF-8"?>` + body))
	if err != nil {
		t.Fatal(err)
	}
	without := func(toks []xml.Token) []xml.Token { return toks[1:] } // the declaration aside
	for _, c := range []struct {
		name string
		doc  []byte
	}{
		{"big-endian with its byte order mark", utf16Bytes(`<?xml version="1.0" encoding="UTF-16"?>`+body, true, "\xfe\xff")},
		{"little-endian with its byte order mark", utf16Bytes(`<?xml version="1.0" encoding="UTF-16"?>`+body, false, "\xff\xfe")},
		{"with its byte order mark and no declaration", utf16Bytes(`<?xml version="1.0"?>`+body, false, "\xff\xfe")},
		{"big-endian without a byte order mark", utf16Bytes(`<?xml version="1.0" encoding="UTF-16BE"?>`+body, true, "")},
		{"little-endian without a byte order mark", utf16Bytes(`<?xml version="1.0" encoding="utf-16le"?>`+body, false, "")},
		{"little-endian without a byte order mark, declared UTF-16", utf16Bytes(`<?xml version='1.0' encoding = 'UTF-16'?>`+body, false, "")},
	} {
		got, err := tokens(c.doc)
		if err != nil {
			t.Errorf("%s: %v", c.name, err)
			continue
		}
		if !reflect.DeepEqual(without(got), without(want)) {
			t.Errorf("%s: read\n%q\nwant\n%q", c.name, got, want)
		}
	}

	for _, c := range []struct {
		name string
		doc  []byte
		says string
	}{
		{"declared UTF-8", utf16Bytes(`<?xml version="1.0" encoding="UTF-8"?>`+body, false, "\xff\xfe"), `UTF-16LE by its byte order mark, but declares the encoding "UTF-8"`},
		{"declared ISO-8859-1", utf16Bytes(`<?xml version="1.0" encoding="ISO-8859-1"?>`+body, true, "\xfe\xff"), `declares the encoding "ISO-8859-1"`},
		{"declared the other byte order", utf16Bytes(`<?xml version="1.0" encoding="UTF-16LE"?>`+body, true, ""), `UTF-16BE by its first bytes, but declares the encoding "UTF-16LE"`},
		{"no byte order mark and no encoding declared", utf16Bytes(`<?xml version="1.0"?>`+body, false, ""), "names no encoding"},
		{"an odd number of bytes", append(utf16Bytes(`<?xml version="1.0"?>`+body, false, "\xff\xfe"), 'x'), "odd number of bytes"},
		{"a lone high surrogate", utf16Bytes(`<?xml version="1.0"?>`+body, false, "\xff\xfe\x3d\xd8"), "surrogate"},
		{"a lone low surrogate", utf16Bytes(`<?xml version="1.0"?>`+body, false, "\xff\xfe\x00\xde"), "surrogate"},
		{"a high surrogate at the end", append(utf16Bytes(`<?xml version="1.0"?>`+body, false, "\xff\xfe"), 0x3d, 0xd8), "surrogate"},
	} {
		_, err := tokens(c.doc)
		var enc *EncodingError
		if !errors.As(err, &enc) {
			t.Errorf("%s: %v, want an *EncodingError", c.name, err)
			continue
		}
		if !strings.Contains(enc.Msg, c.says) {
			t.Errorf("%s: %q does not say %q", c.name, enc.Msg, c.says)
		}
	}
}

// TestShortInput: a document shorter than the bytes the reader looks at first, and
// a reader's error among them, are passed on as they are.
func TestShortInput(t *testing.T) {
	if _, err := tokens([]byte("<a")); err == nil || !strings.Contains(err.Error(), "unexpected EOF") {
		t.Errorf("<a: %v", err)
	}
	if _, err := tokens([]byte("<a/")); err == nil {
		t.Error("<a/ was read")
	}
	if got, err := tokens([]byte("<a/>")); err != nil || len(got) != 2 {
		t.Errorf("<a/>: %q, %v", got, err)
	}
	boom := errors.New("connection reset")
	d := xml.NewTokenDecoder(NewReader(io.MultiReader(strings.NewReader("<"), iotest.ErrReader(boom))))
	if _, err := d.Token(); !errors.Is(err, boom) {
		t.Errorf("a failing reader: %v, want its error", err)
	}
}

// TestInUTF8: a document is read in UTF-8 unless it begins in UTF-16 or its
// declaration names another encoding.
func TestInUTF8(t *testing.T) {
	for _, c := range []struct {
		doc  string
		utf8 bool
	}{
		{`<Invoice/>`, true},
		{`<?xml version="1.0"?><Invoice/>`, true},
		{`<?xml version="1.0" encoding="UTF-8"?><Invoice/>`, true},
		{"\ufeff<?xml version='1.0' encoding='utf8'?><Invoice/>", true},
		{`<?xml-stylesheet href="a.xsl"?><Invoice/>`, true},
		{`<?xml version="1.0" encoding="ISO-8859-1"?><Invoice/>`, false},
		{`<?xml version="1.0" encoding="no-such-encoding"?><Invoice/>`, false},
		{"\xff\xfe<\x00?\x00", false},
		{"\xfe\xff\x00<\x00?", false},
		{"<\x00?\x00x\x00", false},
	} {
		if got := InUTF8([]byte(c.doc)); got != c.utf8 {
			t.Errorf("InUTF8(%q) = %v, want %v", c.doc, got, c.utf8)
		}
	}
}

// TestCharset: a charset given with a document agrees with the encoding the document
// is read in, by the WHATWG names of the two.
func TestCharset(t *testing.T) {
	const latin1 = `<?xml version="1.0" encoding="ISO-8859-1"?><Invoice/>`
	const latin1Cafe = "<?xml version=\"1.0\" encoding=\"ISO-8859-1\"?><Invoice>caf\xe9 \xa4</Invoice>"
	utf16LE := string(utf16Bytes(`<?xml version="1.0" encoding="UTF-16"?><Invoice/>`, false, "\xff\xfe"))
	utf16BE := string(utf16Bytes(`<?xml version="1.0" encoding="UTF-16BE"?><Invoice/>`, true, ""))
	for _, c := range []struct {
		doc, charset string
		ok           bool
	}{
		{`<Invoice/>`, "utf-8", true},
		{`<Invoice/>`, "UTF8", true},
		{"\ufeff<Invoice/>", "utf-8", true},
		{`<?xml version="1.0" encoding="UTF-8"?><Invoice/>`, "unicode-1-1-utf-8", true},
		{latin1, "iso-8859-1", true},
		{latin1, "latin1", true},
		{latin1, "windows-1252", true}, // WHATWG reads ISO-8859-1 as windows-1252
		{utf16LE, "utf-16", true},
		{utf16LE, "UTF-16LE", true},
		{utf16BE, "utf-16", true},
		{utf16BE, "utf-16be", true},
		{`<?xml version="1.0" encoding="x-klingon"?><Invoice/>`, "utf-8", true}, // the Reader refuses it
		// Another encoding that reads the document as the same text: all ASCII.
		{`<Invoice/>`, "iso-8859-1", true},
		{`<Invoice/>`, "us-ascii", true}, // windows-1252 to WHATWG
		{latin1, "utf-8", true},
		{latin1, "iso-8859-15", true},
		{`<?xml version="1.0" encoding="UTF-8"?><Invoice/>`, "shift_jis", true},
		{`<?xml version="1.0" encoding="UTF-8"?><Invoice/>`, "gb18030", true},
		// Another encoding that reads it otherwise.
		{`<Invoice>café</Invoice>`, "iso-8859-1", false},
		{`<Invoice>café</Invoice>`, "us-ascii", false},
		{"\ufeff<Invoice/>", "windows-1252", false}, // the byte order mark is "ï»¿" there
		{latin1Cafe, "utf-8", false},
		{latin1Cafe, "iso-8859-15", false}, // the same byte is "é" in both, but 0xA4 is "¤" and "€"
		{`<?xml version="1.0" encoding="UTF-8"?><Invoice>¥</Invoice>`, "shift_jis", false},
		{`<Invoice/>`, "iso-2022-kr", false}, // the "replacement" encoding reads nothing
		{`<?xml version="1.0"?><Invoice/>`, "utf-16", false},
		{utf16LE, "utf-16be", false},
		{utf16LE, "utf-8", false},
		{utf16BE, "utf-16le", false},
		{`<Invoice/>`, "x-klingon", false},
		{`<Invoice/>`, "", false},
	} {
		err := Charset([]byte(c.doc), c.charset)
		var enc *EncodingError
		if c.ok && err != nil || !c.ok && !errors.As(err, &enc) {
			t.Errorf("Charset(%q, %q) = %v, want ok %v", c.doc, c.charset, err, c.ok)
		}
	}
}

// XML is told from other text by its first characters, whatever its encoding.
func TestLooksLikeXML(t *testing.T) {
	for _, c := range []struct {
		doc  string
		want bool
	}{
		{"<Document/>", true}, {"\xEF\xBB\xBF\r\n  <?xml version=\"1.0\"?><a/>", true}, {"\xFF\xFE<\x00", true}, {"\x00<\x00?", true},
		{":20:STMT\n:25:6222", false}, {"ABNANL2A\n940\n", false}, {"", false}, {"  ", false}, {"date;amount\n", false},
	} {
		if got := LooksLikeXML([]byte(c.doc)); got != c.want {
			t.Errorf("%q: %v, want %v", c.doc, got, c.want)
		}
	}
}
