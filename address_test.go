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
