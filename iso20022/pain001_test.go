package iso20022_test

import (
	"bytes"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"linkfin"
	"linkfin/iso20022"
)

// validate checks doc against the pain.001.001.09 schema with xmllint, or skips the
// test, saying why, where xmllint is not installed (Debian: libxml2-utils).
func validate(t *testing.T, doc []byte) {
	t.Helper()
	validateAs(t, doc, iso20022.Pain001V09)
}

// validateAs checks doc against the schema of the version.
func validateAs(t *testing.T, doc []byte, version string) {
	t.Helper()
	xmllint, err := exec.LookPath("xmllint")
	if err != nil {
		t.Skip("xmllint is not installed (apt-get install libxml2-utils): the schema is not checked")
	}
	file := filepath.Join(t.TempDir(), "pain.001.xml")
	if err := os.WriteFile(file, doc, 0o644); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(xmllint, "--noout", "--schema", "testdata/"+version+".xsd", file).CombinedOutput()
	if err != nil {
		t.Fatalf("the document does not validate: %v\n%s\n%s", err, out, doc)
	}
}

func TestWritePain001Validates(t *testing.T) {
	c := sampleInitiation()
	var b bytes.Buffer
	if err := iso20022.WritePain001(&b, c); err != nil {
		t.Fatal(err)
	}
	doc := b.String()
	for _, want := range []string{
		`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.09">`,
		`<CreDtTm>2026-03-02T01:30:15Z</CreDtTm>`, `<NbOfTxs>5</NbOfTxs>`,
		`<PmtInfId>pf_0000000000001-CNY</PmtInfId>`, `<CtrlSum>1234.77</CtrlSum>`,
		`<Cd>CNAPS</Cd>`, `<MmbId>103100000026</MmbId>`, `<MmbId>104100000004</MmbId>`, `<BICFI>BKCHCNBJ</BICFI>`,
		`<TwnNm>Frankfurt am Main</TwnNm>`, `<StrtNm>世纪大道</StrtNm>`, `<BldgNb>100</BldgNb>`, `<PstCd>200120</PstCd>`, `<TwnNm>上海</TwnNm>`,
		`<CtrySubDvsn>上海市</CtrySubDvsn>`, `<Ctry>CN</Ctry>`,
		`<InstdAmt Ccy="CNY">1234.56</InstdAmt>`, `<InstdAmt Ccy="CNY">0.05</InstdAmt>`, `<InstdAmt Ccy="JPY">1500</InstdAmt>`,
		`<Nm>Platform &amp; Co &lt;Shanghai&gt;</Nm>`, `<ReqdExctnDt>`, `<Dt>2026-03-03</Dt>`,
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("the document lacks %s", want)
		}
	}
	// CNY's block comes before JPY's, each with its own count.
	if i, j := strings.Index(doc, "-CNY<"), strings.Index(doc, "-JPY<"); i < 0 || j < i {
		t.Errorf("payment information blocks out of order")
	}
	validate(t, b.Bytes())
}

// The same file as pain.001.001.03, for a bank that takes only 2009's version: the
// execution date is the element itself, a bank's BIC is BIC; the rest is as in 001.09,
// and it validates against 001.03's schema. A BIC of 2014's form, with a digit among
// its first six characters, is refused there, and so is a version linkfin does not
// write; nothing is written either way.
func TestWritePain001V03(t *testing.T) {
	var b bytes.Buffer
	if err := iso20022.WritePain001Version(&b, sampleInitiation(), iso20022.Pain001V03); err != nil {
		t.Fatal(err)
	}
	doc := b.String()
	for _, want := range []string{
		`<Document xmlns="urn:iso:std:iso:20022:tech:xsd:pain.001.001.03">`, `<ReqdExctnDt>2026-03-03</ReqdExctnDt>`,
		`<BIC>BKCHCNBJ</BIC>`, `<BIC>COBADEFFXXX</BIC>`, `<MmbId>103100000026</MmbId>`, `<CtrySubDvsn>上海市</CtrySubDvsn>`,
		`<CtrlSum>1234.77</CtrlSum>`, `<InstdAmt Ccy="JPY">1500</InstdAmt>`,
	} {
		if !strings.Contains(doc, want) {
			t.Errorf("the document lacks %s", want)
		}
	}
	if strings.Contains(doc, "BICFI") || strings.Contains(doc, "<Dt>") {
		t.Errorf("the document has elements of 001.09:\n%s", doc)
	}
	validateAs(t, b.Bytes(), iso20022.Pain001V03)

	// Every BIC 001.03 takes validates there.
	for _, bic := range []string{"DEUTDEFF", "DEUTDEFF500", "BKCHCN2J", "BKCHCNBN"} {
		c := sampleInitiation()
		c.Transfers[1].Creditor.BIC = bic
		b.Reset()
		if err := iso20022.WritePain001Version(&b, c, iso20022.Pain001V03); err != nil {
			t.Fatalf("%s: %v", bic, err)
		}
		validateAs(t, b.Bytes(), iso20022.Pain001V03)
	}
	for _, c := range []struct{ bic, version, code string }{
		{"1BNKDEFF", iso20022.Pain001V03, iso20022.EUNSUPPORTED}, // a digit in the institution code: 2014's form
		{"BANKDE1F", iso20022.Pain001V03, iso20022.EUNSUPPORTED}, // a location starting with 1
		{"BANKDEFO", iso20022.Pain001V03, iso20022.EUNSUPPORTED}, // a location ending with O
		{"DEUTDEFF", "pain.001.001.05", iso20022.EUNSUPPORTED},
	} {
		in := sampleInitiation()
		in.Transfers[1].Creditor.BIC = c.bic
		b.Reset()
		if err := iso20022.WritePain001Version(&b, in, c.version); linkfin.ErrorCode(err) != c.code || b.Len() != 0 {
			t.Errorf("%s as %s: %v, %d bytes written; want %s", c.bic, c.version, err, b.Len(), c.code)
		}
	}
	// 1BNKDEFF is a BIC of 2014's form: 001.09 writes it.
	in := sampleInitiation()
	in.Transfers[1].Creditor.BIC = "1BNKDEFF"
	b.Reset()
	if err := iso20022.WritePain001(&b, in); err != nil {
		t.Fatal(err)
	}
	validate(t, b.Bytes())
}

// sampleInitiation is a file of five transfers in two currencies, to banks named every
// way a file names them.
func sampleInitiation() *iso20022.CreditTransferInitiation {
	return &iso20022.CreditTransferInitiation{
		MessageID: "pf_0000000000001",
		CreatedAt: time.Date(2026, 3, 2, 9, 30, 15, 500, time.FixedZone("CST", 8*3600)),
		Debtor: iso20022.Party{Name: "Platform & Co <Shanghai>", IBAN: "DE89370400440532013000", BIC: "COBADEFFXXX",
			Address: &linkfin.PostalAddress{Town: "Frankfurt am Main", Country: "DE"}},
		ExecutionDate: linkfin.NewDate(2026, 3, 3),
		Transfers: []iso20022.CreditTransfer{
			{EndToEndID: "ct_1", Amount: 123456, Currency: "CNY", Creditor: iso20022.Party{Name: "上海一级供应商有限公司"}, Remittance: "withdrawal W-1"},
			{EndToEndID: "ct_2", Amount: 1500, Currency: "JPY", Creditor: iso20022.Party{Name: "Tokyo KK", Account: "1234567", BIC: "BOTKJPJT"}},
			{EndToEndID: "ct_3", Amount: 5, Currency: "CNY", Creditor: iso20022.Party{Name: strings.Repeat("长", 200), IBAN: "GB82WEST12345698765432"}},
			// A bank in China by its CNAPS code alone, and by BIC and code.
			{EndToEndID: "ct_4", Amount: 7, Currency: "CNY", Creditor: iso20022.Party{Name: "二级供应商", Account: "6228480010000000033", BankCode: "103100000026"}},
			{EndToEndID: "ct_5", Amount: 9, Currency: "CNY", Creditor: iso20022.Party{Name: "三级供应商", Account: "6216610100000000044", BIC: "BKCHCNBJ", BankCode: "104100000004",
				Address: &linkfin.PostalAddress{Street: "世纪大道", BuildingNumber: "100", PostCode: "200120", Town: "上海", Subdivision: "上海市", Country: "CN"}}},
		},
	}
}

func TestWritePain001Refuses(t *testing.T) {
	ok := func() *iso20022.CreditTransferInitiation {
		return &iso20022.CreditTransferInitiation{MessageID: "pf_1", CreatedAt: time.Now(), ExecutionDate: linkfin.NewDate(2026, 3, 3),
			Debtor:    iso20022.Party{Name: "P", Account: "123"},
			Transfers: []iso20022.CreditTransfer{{EndToEndID: "ct_1", Amount: 1, Currency: "CNY", Creditor: iso20022.Party{Name: "C"}}}}
	}
	cases := []struct {
		name string
		edit func(*iso20022.CreditTransferInitiation)
		code string
	}{
		{"no transfers", func(c *iso20022.CreditTransferInitiation) { c.Transfers = nil }, linkfin.EINVALID},
		{"a bad IBAN check", func(c *iso20022.CreditTransferInitiation) { c.Debtor.IBAN = "DE88370400440532013000" }, linkfin.EINVALID},
		{"a bad BIC", func(c *iso20022.CreditTransferInitiation) { c.Debtor.BIC = "COBA1EFF" }, linkfin.EINVALID},
		{"a bad CNAPS code", func(c *iso20022.CreditTransferInitiation) { c.Transfers[0].Creditor.BankCode = "10310000002" }, linkfin.EINVALID},
		{"an account id with a NUL", func(c *iso20022.CreditTransferInitiation) { c.Debtor.Account = "123\x00" }, linkfin.EINVALID},
		{"a creditor's account id with a tab", func(c *iso20022.CreditTransferInitiation) { c.Transfers[0].Creditor.Account = "62\t22" }, linkfin.EINVALID},
		{"an address without a town", func(c *iso20022.CreditTransferInitiation) {
			c.Transfers[0].Creditor.Address = &linkfin.PostalAddress{Country: "CN"}
		}, linkfin.EINVALID},
		{"a debtor's address without a country", func(c *iso20022.CreditTransferInitiation) {
			c.Debtor.Address = &linkfin.PostalAddress{Town: "Shanghai"}
		}, linkfin.EINVALID},
		{"no debtor account", func(c *iso20022.CreditTransferInitiation) { c.Debtor.Account = "" }, linkfin.EINVALID},
		{"a zero amount", func(c *iso20022.CreditTransferInitiation) { c.Transfers[0].Amount = 0 }, linkfin.EOUTOFRANGE},
		{"a long end-to-end id", func(c *iso20022.CreditTransferInitiation) { c.Transfers[0].EndToEndID = strings.Repeat("x", 36) }, linkfin.EINVALID},
		{"no creditor name", func(c *iso20022.CreditTransferInitiation) { c.Transfers[0].Creditor.Name = " " }, linkfin.EINVALID},
	}
	var b bytes.Buffer
	if err := iso20022.WritePain001(&b, ok()); err != nil {
		t.Fatalf("the base case: %v", err)
	}
	validate(t, b.Bytes())
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			doc := ok()
			c.edit(doc)
			var b bytes.Buffer
			if err := iso20022.WritePain001(&b, doc); linkfin.ErrorCode(err) != c.code || b.Len() != 0 {
				t.Errorf("error %v, %d bytes written; want %s and nothing", err, b.Len(), c.code)
			}
		})
	}
}

func TestValidIBAN(t *testing.T) {
	for _, s := range []string{"DE89370400440532013000", "GB82WEST12345698765432", "NL91ABNA0417164300", "CH9300762011623852957"} {
		if !iso20022.ValidIBAN(s) {
			t.Errorf("%s is an IBAN", s)
		}
	}
	for _, s := range []string{"", "DE8937040044053201300", "de89370400440532013000", "DE89 3704 0044 0532 0130 00", "GB82WEST1234569876543X",
		"XX46370400440532013000", "UK26WEST12345698765432"} { // the last two's check digits verify, but XX and UK are no countries
		if iso20022.ValidIBAN(s) {
			t.Errorf("%q is not an IBAN", s)
		}
	}
}

func TestValidBIC(t *testing.T) {
	for _, s := range []string{"DEUTDEFF", "DEUTDEFF500", "ICBKCNBJ", "BKCHCNBJ300", "1BNKDEFF", "ABCDXK22"} {
		if !iso20022.ValidBIC(s) {
			t.Errorf("%s is a BIC", s)
		}
	}
	for _, s := range []string{"", "DEUTDEF", "DEUTDEFF50", "deutdeff", "DEUT1EFF", "DEUTXXFF", "DEUTUKFF", "BARCUK22"} {
		if iso20022.ValidBIC(s) {
			t.Errorf("%q is not a BIC", s)
		}
	}
}
