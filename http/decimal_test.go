package http_test

import (
	"net/http"
	"strings"
	"testing"

	"linkfin"
)

// TestIntegersHaveOneSpelling: an integer of a path or a query is read in one spelling
// alone, decimal digits without a sign or a leading zero: "+4" and "04" were read as 4.
// Anything else answers 400 invalid naming the parameter, on every route that reads
// one; each route still reads the number's own spelling.
func TestIntegersHaveOneSpelling(t *testing.T) {
	a := newAPI(t)
	wantJSON(t, a.do("POST", "/v1/accounts", "["+accountJSON(4, "CNY")+","+accountJSON(5, "CNY")+"]"), http.StatusOK, nil)
	wantJSON(t, a.do("POST", "/v1/transfers", transferJSON(7, 4, 5, 1)), http.StatusCreated, nil)

	for _, c := range []struct{ good, param string }{
		{"/v1/audit/proof/{}", "seq"},
		{"/v1/audit/consistency?old_size={}", "old_size"},
		{"/v1/audit/events?limit={}", "limit"},
		{"/v1/audit/events?after={}", "after"},
		{"/v1/accounts?after={}", "after"},
		{"/v1/accounts?limit={}", "limit"},
		{"/v1/organizations?limit={}", "limit"},
		{"/v1/invoices/inv-1/events?after={}", "after"},
		{"/v1/accounts/{}", "id"},
		{"/v1/accounts/{}/transfers", "id"},
		{"/v1/accounts/{}/transfers?after={}", "after"},
		{"/v1/transfers/{}", "id"},
	} {
		number := "4"
		switch {
		case strings.HasPrefix(c.good, "/v1/transfers/"):
			number = "7"
		case c.param == "after" && strings.HasPrefix(c.good, "/v1/accounts/"):
			c.good = strings.Replace(c.good, "{}", "4", 1)
		}
		path := func(n string) string { return strings.Replace(c.good, "{}", n, 1) }
		if r := a.do("GET", path(number), ""); r.status != http.StatusOK && r.status != http.StatusNotFound {
			t.Fatalf("GET %s: %d\n%s", path(number), r.status, r.body)
		}
		for _, bad := range []string{"0" + number, "00" + number, "%2B" + number, "-" + number, "%20" + number, number + ".0", "0x4", "99999999999999999999"} {
			p := wantProblem(t, a.do("GET", path(bad), ""), http.StatusBadRequest, linkfin.EINVALID)
			if !strings.HasPrefix(p.Detail, c.param+" must be a decimal integer from ") {
				t.Fatalf("GET %s: %q does not name %s", path(bad), p.Detail, c.param)
			}
		}
	}
	// Zero is spelt "0", where a route takes it.
	wantJSON(t, a.do("GET", "/v1/audit/proof/0", ""), http.StatusOK, nil)
	wantJSON(t, a.do("GET", "/v1/audit/consistency?old_size=0", ""), http.StatusOK, nil)
	wantJSON(t, a.do("GET", "/v1/audit/events?after=0", ""), http.StatusOK, nil)
	for _, bad := range []string{"/v1/audit/events?limit=0", "/v1/accounts/0", "/v1/transfers/00"} {
		wantProblem(t, a.do("GET", bad, ""), http.StatusBadRequest, linkfin.EINVALID)
	}

	// Closing an account, and a ledger id in a body, read it the same way.
	wantProblem(t, a.do("POST", "/v1/accounts/04/close", ""), http.StatusBadRequest, linkfin.EINVALID)
	wantProblem(t, a.do("POST", "/v1/accounts", strings.Replace(accountJSON(6, "CNY"), `"6"`, `"06"`, 1)), http.StatusBadRequest, linkfin.EINVALID)
	wantProblem(t, a.do("GET", "/v1/accounts/6", ""), http.StatusNotFound, linkfin.ENOTFOUND)
	wantJSON(t, a.do("GET", "/v1/accounts/4", ""), http.StatusOK, nil)
}

// TestBodyIntegersHaveOneSpelling: an integer of a body is a JSON number, whose
// grammar allows no leading zero or plus, but allows -0, which encoding/json read as
// 0: a post of a pending transfer with "amount":-0 posted the whole pending amount, as
// "amount":0 does. -0 answers 400 invalid naming the field, and nothing is posted; 0
// and the field's other numbers are read as before.
func TestBodyIntegersHaveOneSpelling(t *testing.T) {
	a := newAPI(t)
	wantJSON(t, a.do("POST", "/v1/accounts", "["+accountJSON(4, "CNY")+","+accountJSON(5, "CNY")+"]"), http.StatusOK, nil)
	wantJSON(t, a.do("POST", "/v1/transfers", transferJSON(7, 4, 5, 10, "pending")), http.StatusCreated, nil)
	for body, field := range map[string]string{
		`{"id":"8","pending_id":"7","amount":-0,"flags":["post_pending"]}`:   "amount",
		`[{"id":"8","pending_id":"7","amount":-0,"flags":["post_pending"]}]`: "amount",
		// An unsigned integer's -0 is the same mistake, answered the same way (it was
		// 400 invalid_type, "must be an integer, not number -0").
		`{"id":"8","pending_id":"7","amount":0,"code":-0,"flags":["post_pending"]}`:   "code",
		`{"id":"8","pending_id":"7","amount":0,"ledger":-0,"flags":["post_pending"]}`: "ledger",
	} {
		p := wantProblem(t, a.do("POST", "/v1/transfers", body), http.StatusBadRequest, linkfin.EINVALID)
		if !strings.Contains(p.Detail, field+`"`) || !strings.Contains(p.Detail, "-0") {
			t.Fatalf("%s: %q names neither the field nor the value", body, p.Detail)
		}
	}
	wantProblem(t, a.do("GET", "/v1/transfers/8", ""), http.StatusNotFound, linkfin.ENOTFOUND)
	wantJSON(t, a.do("POST", "/v1/transfers", resolveJSON(8, 7, 0, "post_pending")), http.StatusCreated, nil)
}
