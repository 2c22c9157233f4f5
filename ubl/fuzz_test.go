package ubl

import (
	"bytes"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"linkfin"
)

// FuzzParse feeds Parse arbitrary bodies, starting from the sample documents. It must
// never panic; every refusal must carry one of this package's codes (a bytes.Reader cannot
// fail, so anything else is a bug); and every accepted document must be well-formed by
// the package's own promises and survive a JSON round trip unchanged.
func FuzzParse(f *testing.F) {
	for _, name := range []string{
		"en16931-bis3-factoring.xml",
		"en16931-ubl-example1.xml",
		"oasis-ubl-creditnote-2.1-example.xml",
		"oasis-ubl-invoice-2.1-example.xml",
		"peppol-bis3-base-example.xml",
	} {
		f.Add(readSample(f, name))
	}
	cen, err := filepath.Glob("testdata/cen*/*.[xX][mM][lL]")
	if err != nil || len(cen) == 0 {
		f.Fatalf("the CEN examples: %v", err)
	}
	for _, name := range cen {
		f.Add(readSample(f, strings.TrimPrefix(name, "testdata/")))
	}
	for _, s := range []string{
		``, `<`, `<Invoice/>`,
		`<Invoice xmlns="urn:oasis:names:specification:ubl:schema:xsd:Invoice-2"/>`,
		`<!DOCTYPE a [<!ENTITY b "c">]><a>&b;</a>`,
	} {
		f.Add([]byte(s))
	}
	const limit = 1 << 20
	f.Fuzz(func(t *testing.T, body []byte) {
		doc, err := ParseLimit(bytes.NewReader(body), limit)
		if err != nil {
			if code := linkfin.ErrorCode(err); code != EINVALID && code != ETOOLARGE {
				t.Fatalf("code %q: %v", code, err)
			}
			return
		}
		checkInvariants(t, doc)

		b, err := json.Marshal(doc)
		if err != nil {
			t.Fatal(err)
		}
		var back Document
		if err := json.Unmarshal(b, &back); err != nil {
			t.Fatalf("decode %s: %v", b, err)
		}
		if !reflect.DeepEqual(&back, doc) {
			t.Fatalf("JSON round trip changed the document:\n got %+v\nwant %+v", back, *doc)
		}
		_ = doc.Check()
	})
}

// checkInvariants asserts what Parse promises of every document it accepts.
func checkInvariants(t *testing.T, doc *Document) {
	t.Helper()
	if doc.Kind != KindInvoice && doc.Kind != KindCreditNote {
		t.Fatalf("Kind %q", doc.Kind)
	}
	if doc.ID == "" || doc.Seller.Name == "" || doc.Buyer.Name == "" || len(doc.Lines) == 0 {
		t.Fatalf("accepted without ID, a party's name or lines: %+v", doc)
	}
	if doc.Currency.Exponent() < 0 {
		t.Fatalf("unknown currency %q", doc.Currency)
	}
	for _, d := range []string{doc.IssueDate, doc.DueDate} {
		if _, err := time.Parse("2006-01-02", d); err != nil && d != "" {
			t.Fatalf("date %q", d)
		}
	}
	if doc.IssueDate == "" {
		t.Fatal("no IssueDate")
	}
	required := []linkfin.Money{doc.LineTotal, doc.TaxExclusive, doc.TaxInclusive, doc.Payable}
	optional := []linkfin.Money{doc.AllowanceTotal, doc.ChargeTotal, doc.TaxTotal, doc.Prepaid, doc.Rounding}
	for _, l := range doc.Lines {
		required = append(required, l.Amount)
		optional = append(optional, l.Allowance, l.Charge)
		if l.ID == "" || l.Price.Sign() < 0 || l.BaseQuantity.Sign() <= 0 {
			t.Fatalf("line %+v", l)
		}
	}
	for _, m := range required {
		if m.Currency != doc.Currency {
			t.Fatalf("amount %v in a document in %s", m, doc.Currency)
		}
	}
	for _, m := range optional {
		if m.Currency != doc.Currency && m != (linkfin.Money{}) {
			t.Fatalf("optional amount %v in a document in %s", m, doc.Currency)
		}
	}
}
