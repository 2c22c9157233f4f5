package http_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"

	"linkfin"
)

// TestLedgerFlagsDocumented: the OpenAPI document names the flags of the raw ledger's
// accounts and transfers, in requests and in answers, as the server takes and
// answers them: each flag it names for a request is taken, another is 400 invalid,
// and an answer's flags (a closed account's "closed" too) are among those it names
// for the answer. The document said only "a string of up to 1000 characters".
func TestLedgerFlagsDocumented(t *testing.T) {
	a := newAPI(t)
	doc, err := a.srv.OpenAPI()
	if err != nil {
		t.Fatal(err)
	}
	spec := loadOpenAPI(t, doc)
	flags := func(schema string) *openapi3.Schema {
		t.Helper()
		s := spec.Components.Schemas[schema]
		if s == nil || s.Value.Properties["flags"] == nil || s.Value.Properties["flags"].Value.Items == nil {
			t.Fatalf("%s.flags is not in the document", schema)
		}
		items := s.Value.Properties["flags"].Value.Items.Value
		if len(items.Enum) == 0 {
			t.Fatalf("%s.flags: the document names no flag", schema)
		}
		return s.Value.Properties["flags"].Value
	}
	var taken []string
	for i, v := range flags("AccountIn").Items.Value.Enum {
		name := v.(string)
		taken = append(taken, name)
		r := a.do("POST", "/v1/accounts", fmt.Sprintf(`{"id":"%d","ledger":1,"currency":"CNY","code":1,"flags":["%s"]}`, 700+i, name))
		if r.status != http.StatusCreated {
			t.Errorf("an account with the flag %s the document names: %d %s", name, r.status, r.body)
		}
	}
	for _, name := range []string{"closed", "history", "Linked"} {
		wantProblem(t, a.do("POST", "/v1/accounts", `{"id":"790","ledger":1,"currency":"CNY","code":1,"flags":["`+name+`"]}`), http.StatusBadRequest, linkfin.EINVALID)
	}
	for _, v := range flags("TransferIn").Items.Value.Enum {
		// A flag alone may make a transfer the ledger refuses, but never as unknown.
		r := a.do("POST", "/v1/transfers", `{"id":"791","debit_account_id":"700","credit_account_id":"701","amount":1,"ledger":1,"code":1,"flags":["`+v.(string)+`"]}`)
		if r.status == http.StatusBadRequest && strings.Contains(string(r.body), "unknown transfer flag") {
			t.Errorf("the transfer flag %s the document names: %s", v, r.body)
		}
	}
	wantProblem(t, a.do("POST", "/v1/transfers", `{"id":"792","debit_account_id":"700","credit_account_id":"701","amount":1,"ledger":1,"code":1,"flags":["closed"]}`),
		http.StatusBadRequest, linkfin.EINVALID)
	// An answer's flags: an account made with a flag a request may set, closed.
	body := fmt.Sprintf(`{"id":"793","ledger":1,"currency":"CNY","code":1,"flags":["%s"]}`, taken[0])
	if r := a.do("POST", "/v1/accounts", body); r.status != http.StatusCreated {
		t.Fatalf("an account with a flag: %d %s", r.status, r.body)
	}
	wantJSON(t, a.do("POST", "/v1/accounts/793/close", ""), http.StatusOK, nil)
	var acc linkfin.Account
	wantJSON(t, a.do("GET", "/v1/accounts/793", ""), http.StatusOK, &acc)
	if !slices.Contains(acc.Flags, "closed") {
		t.Fatalf("the closed account's flags: %v", acc.Flags)
	}
	answer, err := json.Marshal(acc.Flags)
	if err != nil {
		t.Fatal(err)
	}
	var v any
	json.Unmarshal(answer, &v)
	if err := flags("Account").VisitJSON(v, openapi3.EnableJSONSchema2020()); err != nil {
		t.Errorf("the closed account's flags %v: %v", acc.Flags, err)
	}
}
