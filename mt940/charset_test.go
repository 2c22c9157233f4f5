package mt940

import (
	"strings"
	"testing"

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
