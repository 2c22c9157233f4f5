package mt940

import (
	"strings"
	"testing"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/simplifiedchinese"

	"linkfin"
	"linkfin/iso20022"
)

// A Chinese bank's export in GB18030 reads as Chinese when its charset is named; read
// without one it is windows-1252's letters (no error: the bytes cannot tell), and named
// as UTF-8 it is refused. A charset linkfin does not read is refused as unsupported.
func TestReadCharset(t *testing.T) {
	const text = ":20:CMB20261204\n:25:755912345610001\n:28C:00338/001\n:60F:C261203CNY1000,00\n" +
		":61:2612041204C2500,00NTRFNONREF//CMB0012345\n:86:货款 PO-4711 上海安亭汽车零部件有限公司\n:62F:C261204CNY3500,00\n-\n"
	gb, err := simplifiedchinese.GB18030.NewEncoder().String(text)
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(gb, "货款") {
		t.Fatal("the encoded text is still UTF-8")
	}
	for _, charset := range []string{"gb18030", "GBK", "gb2312"} {
		m, err := ReadCharset(strings.NewReader(gb), charset)
		if err != nil {
			t.Fatalf("%s: %v", charset, err)
		}
		e := m.Statements[0].Entries[0]
		if e.RemittanceInformation != "货款 PO-4711 上海安亭汽车零部件有限公司" || e.Amount != 2500_00 || e.AccountServicerReference != "CMB0012345" {
			t.Fatalf("%s: %+v", charset, e)
		}
	}
	m, err := Read(strings.NewReader(gb))
	if err != nil {
		t.Fatal(err)
	}
	if got := m.Statements[0].Entries[0].RemittanceInformation; strings.Contains(got, "货款") || !strings.Contains(got, "PO-4711") {
		t.Fatalf("read without a charset: %q", got)
	}
	if _, err := ReadCharset(strings.NewReader(gb), "utf-8"); linkfin.ErrorCode(err) != linkfin.EINVALID {
		t.Fatalf("GB18030 named UTF-8: %v", err)
	}
	if _, err := ReadCharset(strings.NewReader(text), "utf-8"); err != nil {
		t.Fatalf("UTF-8 named UTF-8: %v", err)
	}
	if _, err := ReadCharset(strings.NewReader(text), "koi8-r"); linkfin.ErrorCode(err) != iso20022.EUNSUPPORTED {
		t.Fatalf("KOI8-R: %v", err)
	}
}

// TestCentralEuropeanAndDOS reads a Polish bank's entry in each charset Polish and Czech
// banks export in, and a German one in DOS code page 850, when the charset is named;
// read as windows-1252 the Polish letters come out wrong. Every charset of Charsets is
// one the reader reads, and it reads no other.
func TestCentralEuropeanAndDOS(t *testing.T) {
	for _, c := range []struct {
		charset string
		enc     encoding.Encoding
		text    string
	}{
		{"windows-1250", charmap.Windows1250, "Zapłata za fakturę FV/2026/12/001 Łódź Spółka z o.o."},
		{"ISO-8859-2", charmap.ISO8859_2, "Zapłata za fakturę FV/2026/12/001 Łódź Spółka z o.o."},
		{"ibm852", charmap.CodePage852, "Úhrada faktury 2026-118 Příbram"},
		{"cp852", charmap.CodePage852, "Zapłata za fakturę FV/2026/12/001 Łódź"},
		{"ibm850", charmap.CodePage850, "Überweisung Müller Straße Rg. 4711"},
		{"iso-8859-15", charmap.ISO8859_15, "Virement 1 250 € facture 4711 Œuvre"},
	} {
		doc := ":20:PKO20261204\n:25:PL61109010140000071219812874\n:28C:00338/001\n:60F:C261203PLN1000,00\n" +
			":61:2612041204C2500,00NTRFNONREF//PKO0012345\n:86:" + c.text + "\n:62F:C261204PLN3500,00\n-\n"
		raw, err := c.enc.NewEncoder().String(doc)
		if err != nil {
			t.Fatalf("%s: %v", c.charset, err)
		}
		m, err := ReadCharset(strings.NewReader(raw), c.charset)
		if err != nil {
			t.Fatalf("%s: %v", c.charset, err)
		}
		if got := m.Statements[0].Entries[0].RemittanceInformation; got != c.text {
			t.Errorf("%s: read %q, want %q", c.charset, got, c.text)
		}
		if c.charset == "windows-1250" {
			m, err := Read(strings.NewReader(raw))
			if err != nil {
				t.Fatal(err)
			}
			if got := m.Statements[0].Entries[0].RemittanceInformation; got == c.text {
				t.Errorf("read as windows-1252, the Polish letters came out right: %q", got)
			}
		}
	}
	for _, name := range Charsets {
		if _, ok := charsets[name]; !ok {
			t.Errorf("Charsets names %q, which the reader does not read", name)
		}
	}
	if len(charsets) != len(Charsets)+1 { // and "", none named
		t.Errorf("the reader reads %d charsets, Charsets names %d", len(charsets)-1, len(Charsets))
	}
}
