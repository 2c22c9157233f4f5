package console

import (
	"context"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"linkfin"
)

// org reads an organization as the store holds it.
func (s *site) org(id string) linkfin.Organization {
	s.t.Helper()
	o, err := s.store.Object(context.Background(), linkfin.KindOrganization, id)
	if err != nil {
		s.t.Fatal(err)
	}
	var out linkfin.Organization
	if err := json.Unmarshal(o.Data, &out); err != nil {
		s.t.Fatal(err)
	}
	return out
}

// An organization's admin sees where its withdrawals are paid and its address, and
// registers others; a form the API would refuse is refused with its code and changes
// nothing; a finance user and the operator change nothing here.
func TestOrganizationPage(t *testing.T) {
	s := newSite(t)
	admin := s.as("tier2", linkfin.RoleAdmin)
	code, page := admin.get("/organization")
	if code != http.StatusOK || !strings.Contains(page, "6228480010000000033") || !strings.Contains(page, "CNAPS 103100000026") ||
		!strings.Contains(page, "Changzhou") {
		t.Fatalf("the page: %d\n%s", code, page)
	}
	form := func(page string, kv ...string) url.Values {
		v := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}}
		for i := 0; i < len(kv); i += 2 {
			v.Set(kv[i], kv[i+1])
		}
		return v
	}
	before := s.org("tier2")
	for _, bad := range []url.Values{
		form(page, "iban", "DE00 3704 0044 0532 0130 00"),
		form(page, "account", "6228", "iban", "DE89370400440532013000"),
		form(page, "account", "6228", "bank_code", "1031"),
	} {
		if code, body := admin.post("/organization/bank-account", bad); code != http.StatusBadRequest || !strings.Contains(body, "invalid") {
			t.Errorf("%v: %d\n%s", bad, code, body)
		}
	}
	if code, body := admin.post("/organization/address", form(page, "town", "Changzhou", "country", "China")); code != http.StatusBadRequest {
		t.Errorf("a country by name: %d\n%s", code, body)
	}
	if after := s.org("tier2"); *after.BankAccount != *before.BankAccount || *after.Address != *before.Address {
		t.Fatalf("refused forms changed the organization: %+v", after)
	}
	// An IBAN as people write it, in groups of four. It waits for the operator, who
	// sees it on the organizations page and confirms it there.
	gb := linkfin.BankAccount{IBAN: "GB82WEST12345698765432", BIC: "NWBKGB2L"}
	if code, body := admin.submit("/organization/bank-account", form(page, "iban", "gb82 west 1234 5698 7654 32", "bic", "nwbkgb2l")); code != http.StatusOK ||
		!strings.Contains(body, "Waiting for the operator&#39;s confirmation") || !strings.Contains(body, "IBAN GB82WEST12345698765432 · BIC NWBKGB2L") {
		t.Fatalf("registering an IBAN: %d\n%s", code, body)
	}
	if got := s.org("tier2"); *got.BankAccount != *before.BankAccount || got.PendingBankAccount == nil || got.PendingBankAccount.Account != gb {
		t.Fatalf("the account while it waits: %+v, %+v", got.BankAccount, got.PendingBankAccount)
	}
	op := s.as("", linkfin.RoleOperator)
	_, orgs := op.get("/organizations?waiting=bank_account")
	if rows := strings.Count(orgs, "<tr><td>"); rows != 1 || !strings.Contains(orgs, "<tr><td>tier2</td>") {
		t.Fatalf("the organizations whose account waits: %d rows\n%s", rows, orgs)
	}
	const confirm = "/organizations/tier2/bank-account/confirm?waiting=bank_account"
	decide := formOn(t, orgs, confirm)
	if decide.Get("iban") != gb.IBAN || decide.Get("bic") != gb.BIC {
		t.Fatalf("the confirmation names %v", decide)
	}
	if code, body := admin.post(confirm, decide); code != http.StatusForbidden {
		t.Fatalf("the admin confirms its own account: %d\n%s", code, body)
	}
	swapped := formOn(t, orgs, confirm)
	swapped.Set("iban", "DE89370400440532013000")
	swapped.Set("idempotency_key", decide.Get("idempotency_key")+"-other")
	if code, body := op.post(confirm, swapped); code != http.StatusConflict || !strings.Contains(body, "conflict") {
		t.Fatalf("confirming another account: %d\n%s", code, body)
	}
	if code, body := op.submit(confirm, decide); code != http.StatusOK || !strings.Contains(body, "The bank account of tier2 is confirmed") ||
		strings.Contains(body, "<tr><td>") {
		t.Fatalf("confirming: %d\n%s", code, body)
	}
	if got := s.org("tier2"); got.BankAccount == nil || *got.BankAccount != gb || got.PendingBankAccount != nil {
		t.Fatalf("the account: %+v, %+v", got.BankAccount, got.PendingBankAccount)
	}
	_, page = admin.get("/organization")
	if code, body := admin.submit("/organization/address", form(page, "street", "Renmin Road", "town", "Suzhou", "subdivision", "Jiangsu", "country", "cn")); code != http.StatusOK ||
		!strings.Contains(body, "Renmin Road Suzhou, Jiangsu, CN") {
		t.Fatalf("registering the address: %d\n%s", code, body)
	}
	if got := *s.org("tier2").Address; got != (linkfin.PostalAddress{Street: "Renmin Road", Town: "Suzhou", Subdivision: "Jiangsu", Country: "CN"}) {
		t.Fatalf("the address: %+v", got)
	}

	finance := s.as("tier2", linkfin.RoleFinance)
	if code, _ := finance.get("/organization"); code != http.StatusForbidden {
		t.Errorf("a finance user reads the page: %d", code)
	}
	_, fpage := finance.get("/")
	if code, _ := finance.post("/organization/bank-account", form(fpage, "account", "1")); code != http.StatusForbidden {
		t.Errorf("a finance user changes the account: %d", code)
	}
	code, opage := op.get("/organization")
	if code != http.StatusOK || !strings.Contains(opage, "no organization of its own") || strings.Contains(opage, `action="/organization/`) {
		t.Fatalf("the operator's page: %d\n%s", code, opage)
	}
	if code, _ := op.post("/organization/address", form(opage, "town", "Suzhou", "country", "CN")); code != http.StatusForbidden {
		t.Errorf("the operator posts the form: %d", code)
	}
}

// formOn is the fields of the form on a page that posts to action, hidden or not, as
// a browser would send them.
func formOn(t *testing.T, page, action string) url.Values {
	t.Helper()
	start := strings.Index(page, `action="`+action+`"`)
	if start < 0 {
		t.Fatalf("no form posts to %s:\n%s", action, page)
	}
	end := strings.Index(page[start:], "</form>")
	v := url.Values{}
	for _, m := range regexp.MustCompile(`<input type="hidden" name="([^"]+)" value="([^"]*)">`).FindAllStringSubmatch(page[start:start+end], -1) {
		v.Set(m[1], html.UnescapeString(m[2]))
	}
	return v
}
