package linkfin_test

import (
	"strings"
	"testing"

	"linkfin"
)

// An address carries the town and the country, each part within what ISO 20022 takes.
func TestPostalAddressValidate(t *testing.T) {
	ok := linkfin.PostalAddress{Street: "世纪大道", BuildingNumber: "100", PostCode: "200120", Town: "上海", Subdivision: "上海市", Country: "CN"}
	if err := ok.Validate(); err != nil {
		t.Fatal(err)
	}
	if err := (&linkfin.PostalAddress{Town: "Berlin", Country: "DE"}).Validate(); err != nil {
		t.Fatalf("the town and the country alone: %v", err)
	}
	for _, c := range []struct {
		edit func(a *linkfin.PostalAddress)
		code string
	}{
		{func(a *linkfin.PostalAddress) { a.Town = "" }, linkfin.EINVALID},
		{func(a *linkfin.PostalAddress) { a.Town = "   " }, linkfin.EINVALID},
		{func(a *linkfin.PostalAddress) { a.Street = " " }, linkfin.EINVALID},
		{func(a *linkfin.PostalAddress) { a.Country = "" }, linkfin.EINVALID},
		{func(a *linkfin.PostalAddress) { a.Country = "cn" }, linkfin.EINVALID},
		{func(a *linkfin.PostalAddress) { a.Country = "CHN" }, linkfin.EINVALID},
		{func(a *linkfin.PostalAddress) { a.Country = "XX" }, linkfin.EINVALID}, // private use
		{func(a *linkfin.PostalAddress) { a.Country = "ZZ" }, linkfin.EINVALID},
		{func(a *linkfin.PostalAddress) { a.Country = "YU" }, linkfin.EINVALID}, // withdrawn
		{func(a *linkfin.PostalAddress) { a.Country = "UK" }, linkfin.EINVALID}, // reserved: GB is the code
		{func(a *linkfin.PostalAddress) { a.Country = "EU" }, linkfin.EINVALID},
		{func(a *linkfin.PostalAddress) { a.Town = strings.Repeat("城", 36) }, linkfin.ETOOLONG},
		{func(a *linkfin.PostalAddress) { a.Street = strings.Repeat("x", 71) }, linkfin.ETOOLONG},
		{func(a *linkfin.PostalAddress) { a.BuildingNumber = strings.Repeat("1", 17) }, linkfin.ETOOLONG},
		{func(a *linkfin.PostalAddress) { a.PostCode = strings.Repeat("1", 17) }, linkfin.ETOOLONG},
		{func(a *linkfin.PostalAddress) { a.Subdivision = strings.Repeat("省", 36) }, linkfin.ETOOLONG},
		{func(a *linkfin.PostalAddress) { a.Street = "line\nbreak" }, linkfin.EINVALID},
	} {
		a := ok
		c.edit(&a)
		if err := a.Validate(); linkfin.ErrorCode(err) != c.code {
			t.Errorf("%+v: %v, want %s", a, err, c.code)
		}
	}
}

// TestIsCountry: the officially assigned codes and XK, no others; 250 in all.
func TestIsCountry(t *testing.T) {
	for _, c := range []string{"CN", "HK", "MO", "TW", "GB", "DE", "US", "XK", "SS", "BQ", "AQ"} {
		if !linkfin.IsCountry(c) {
			t.Errorf("%s is not a country", c)
		}
		a := linkfin.PostalAddress{Town: "x", Country: c}
		if err := a.Validate(); err != nil {
			t.Errorf("%s: %v", c, err)
		}
	}
	n := 0
	for a := 'A'; a <= 'Z'; a++ {
		for b := 'A'; b <= 'Z'; b++ {
			if linkfin.IsCountry(string([]rune{a, b})) {
				n++
			}
		}
	}
	if n != 250 {
		t.Errorf("%d codes, want the 249 assigned and XK", n)
	}
}
