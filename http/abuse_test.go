package http_test

import (
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"testing"
	"time"

	"linkfin"
	lfhttp "linkfin/http"
	"linkfin/services"
)

// serveFrom runs one request through the server as if it came from the address src.
func serveFrom(a *api, src, method, path, key string) *httptest.ResponseRecorder {
	req := httptest.NewRequest(method, path, nil)
	req.RemoteAddr = src + ":40000"
	if key != "" {
		req.Header.Set("Authorization", "Bearer "+key)
	}
	w := httptest.NewRecorder()
	a.srv.ServeHTTP(w, req)
	return w
}

func wantCode(t *testing.T, w *httptest.ResponseRecorder, status int, code string) {
	t.Helper()
	if w.Code != status || !strings.Contains(w.Body.String(), `"code":"`+code+`"`) {
		t.Fatalf("status %d, want %d %s\n%s", w.Code, status, code, w.Body)
	}
}

// TestAuthFailureLimit guesses keys from one address: past its allowance, every
// request it sends with a key is refused with 429 and Retry-After, a valid key too,
// until the allowance refills; other addresses are not touched.
func TestAuthFailureLimit(t *testing.T) {
	a := newAPI(t)
	a.srv.SetAuthFailureLimit(600, 3) // three at once, then one every 100 ms
	const attacker, other = "203.0.113.7", "198.51.100.9"
	guess := linkfin.KeyPrefix + "0123456789abcdef_" + strings.Repeat("x", 43)
	for i := range 3 {
		if w := serveFrom(a, attacker, "GET", "/v1/organizations", guess); w.Code != http.StatusUnauthorized {
			t.Fatalf("guess %d: status %d\n%s", i, w.Code, w.Body)
		}
	}
	for _, key := range []string{guess, "garbage", operatorKey} {
		w := serveFrom(a, attacker, "GET", "/v1/organizations", key)
		wantCode(t, w, http.StatusTooManyRequests, lfhttp.EAUTHLIMITED)
		if s, err := strconv.Atoi(w.Header().Get("Retry-After")); err != nil || s < 1 {
			t.Fatalf("Retry-After %q", w.Header().Get("Retry-After"))
		}
	}
	// A request without a key guesses nothing: it is answered as ever, and not counted.
	wantCode(t, serveFrom(a, attacker, "GET", "/v1/organizations", ""), http.StatusUnauthorized, linkfin.EUNAUTHORIZED)
	if w := serveFrom(a, attacker, "GET", "/healthz", ""); w.Code != http.StatusOK {
		t.Fatalf("healthz from a limited address: %d", w.Code)
	}
	// Another address is not limited.
	if w := serveFrom(a, other, "GET", "/v1/organizations", operatorKey); w.Code != http.StatusOK {
		t.Fatalf("another address: status %d\n%s", w.Code, w.Body)
	}
	wantCode(t, serveFrom(a, other, "GET", "/v1/organizations", guess), http.StatusUnauthorized, linkfin.EUNAUTHORIZED)
	// Once the allowance refills, the valid key opens again.
	time.Sleep(300 * time.Millisecond)
	if w := serveFrom(a, attacker, "GET", "/v1/organizations", operatorKey); w.Code != http.StatusOK {
		t.Fatalf("after the wait: status %d\n%s", w.Code, w.Body)
	}
}

// TestAPIKeyLimit makes keys up to the bound: the next is refused with its code until
// one is revoked.
func TestAPIKeyLimit(t *testing.T) {
	a := newAPI(t)
	a.mustCreate("/v1/organizations", `{"id":"acme","name":"Acme","capabilities":["trade"]}`)
	var ids []string
	for i := range linkfin.MaxAPIKeys {
		var k linkfin.APIKeyOut
		wantJSON(t, a.do("POST", "/v1/organizations/acme/api-keys", `{"role":"viewer","name":"k`+strconv.Itoa(i)+`"}`), http.StatusCreated, &k)
		ids = append(ids, k.ID)
	}
	wantProblem(t, a.do("POST", "/v1/organizations/acme/api-keys", `{"role":"viewer"}`), http.StatusUnprocessableEntity, services.EAPIKEYLIMIT)
	wantJSON(t, a.do("POST", "/v1/organizations/acme/api-keys/"+ids[0]+"/revoke", ""), http.StatusOK, nil)
	// Revoking twice frees one place only.
	wantJSON(t, a.do("POST", "/v1/organizations/acme/api-keys/"+ids[0]+"/revoke", ""), http.StatusOK, nil)
	wantJSON(t, a.do("POST", "/v1/organizations/acme/api-keys", `{"role":"viewer"}`), http.StatusCreated, nil)
	wantProblem(t, a.do("POST", "/v1/organizations/acme/api-keys", `{"role":"viewer"}`), http.StatusUnprocessableEntity, services.EAPIKEYLIMIT)
	// Another organization has its own count.
	a.mustCreate("/v1/organizations", `{"id":"bolt","name":"Bolt","capabilities":["trade"]}`)
	wantJSON(t, a.do("POST", "/v1/organizations/bolt/api-keys", `{"role":"viewer"}`), http.StatusCreated, nil)
}

// TestMetricsNeedOperator: metrics tell the platform's load and its tenants' traffic.
func TestMetricsNeedOperator(t *testing.T) {
	a := newAPI(t)
	a.mustCreate("/v1/organizations", `{"id":"acme","name":"Acme","capabilities":["trade"]}`)
	var k linkfin.APIKeyOut
	wantJSON(t, a.do("POST", "/v1/organizations/acme/api-keys", `{"role":"admin"}`), http.StatusCreated, &k)
	wantProblem(t, a.do("GET", "/metrics", "", "Authorization", ""), http.StatusUnauthorized, linkfin.EUNAUTHORIZED)
	wantProblem(t, a.do("GET", "/metrics", "", "Authorization", "Bearer "+k.Key), http.StatusForbidden, linkfin.EFORBIDDEN)
	if r := a.do("GET", "/metrics", ""); r.status != http.StatusOK || !strings.Contains(string(r.body), "linkfin_engine_batches_total") {
		t.Fatalf("metrics with an operator key: %d\n%.300s", r.status, r.body)
	}
}
