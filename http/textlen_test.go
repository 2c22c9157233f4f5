package http_test

import (
	"net/http"
	"strings"
	"testing"

	"linkfin"
)

// TestTextLengthsAsDocumented: a user's display name is at most 100 characters, as the
// OpenAPI document now says (it said 1000), and one longer is text_too_long, as every
// text beyond its length is (it was invalid); an account id is at most 34.
func TestTextLengthsAsDocumented(t *testing.T) {
	p := newPlatform(t)
	doc, err := p.srv.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	spec := loadOpenAPI(t, doc)
	for schema, field := range map[string]string{"UserIn": "display_name", "BankAccount": "account"} {
		s := spec.Components.Schemas[schema]
		if s == nil || s.Value.Properties[field] == nil || s.Value.Properties[field].Value.MaxLength == nil {
			t.Fatalf("%s.%s has no maxLength", schema, field)
		}
		want := map[string]uint64{"display_name": linkfin.MaxDisplayName, "account": linkfin.MaxAccount}[field]
		if got := *s.Value.Properties[field].Value.MaxLength; got != want {
			t.Errorf("%s.%s: maxLength %d, want %d", schema, field, got, want)
		}
	}
	user := func(display string) string {
		return `{"name":"clerk` + string(rune('a'+len(display)%26)) + `@anchor","role":"viewer","password":"correct horse battery","display_name":"` + display + `"}`
	}
	wantProblem(t, p.as("anchor", "POST", "/v1/users", user(strings.Repeat("a", linkfin.MaxDisplayName+1))), http.StatusBadRequest, linkfin.ETOOLONG)
	wantJSON(t, p.as("anchor", "POST", "/v1/users", user(strings.Repeat("a", linkfin.MaxDisplayName))), http.StatusCreated, nil)
	wantProblem(t, p.as("anchor", "POST", "/v1/organizations/anchor/bank-account", `{"bank_account":{"account":"`+strings.Repeat("1", linkfin.MaxAccount+1)+`"}}`,
		"Idempotency-Key", "long-account"), http.StatusBadRequest, linkfin.ETOOLONG)
}
