package client_test

import (
	"context"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"testing"

	"linkfin"
	"linkfin/client"
)

// TestIdentifierRequests: registering and removing an identifier post it, as the
// routes take it, to the organization's identifiers and to their remove.
func TestIdentifierRequests(t *testing.T) {
	var paths []string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in linkfin.Identifier
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Type != linkfin.IdentifierVAT || in.Value != "SE4598375937" {
			t.Errorf("%s %s: body %+v, %v", r.Method, r.URL.Path, in, err)
		}
		paths = append(paths, r.Method+" "+r.URL.EscapedPath())
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"id":"o/1"}`))
	}))
	defer ts.Close()
	c := client.New(ts.URL, "lfk_k_secret")
	vat := linkfin.Identifier{Type: linkfin.IdentifierVAT, Value: "SE4598375937"}
	if o, err := c.RegisterIdentifier(context.Background(), "o/1", vat); err != nil || o.ID != "o/1" {
		t.Fatalf("%+v, %v", o, err)
	}
	if o, err := c.RemoveIdentifier(context.Background(), "o/1", vat); err != nil || o.ID != "o/1" {
		t.Fatalf("%+v, %v", o, err)
	}
	want := []string{"POST /v1/organizations/o%2F1/identifiers", "POST /v1/organizations/o%2F1/identifiers/remove"}
	if len(paths) != 2 || paths[0] != want[0] || paths[1] != want[1] {
		t.Fatalf("requests %q, want %q", paths, want)
	}
}

// TestBankAccountRequest: registering a bank account posts it, as the route takes it,
// to the organization's bank-account.
func TestBankAccountRequest(t *testing.T) {
	var path string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in linkfin.BankAccountIn
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.BankAccount.Account != "6222" || in.BankAccount.BIC != "ICBKCNBJ" {
			t.Errorf("%s %s: body %+v, %v", r.Method, r.URL.Path, in, err)
		}
		path = r.Method + " " + r.URL.EscapedPath()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"id":"o/1","bank_account":{"account":"6222","bic":"ICBKCNBJ"}}`))
	}))
	defer ts.Close()
	c := client.New(ts.URL, "lfk_k_secret")
	o, err := c.SetBankAccount(context.Background(), "o/1", linkfin.BankAccount{Account: "6222", BIC: "ICBKCNBJ"})
	if err != nil || o.BankAccount == nil || o.BankAccount.Account != "6222" {
		t.Fatalf("%+v, %v", o, err)
	}
	if path != "POST /v1/organizations/o%2F1/bank-account" {
		t.Fatalf("request %q", path)
	}
}

// TestAddressRequest: registering an address posts it, as the route takes it, to the
// organization's address.
func TestAddressRequest(t *testing.T) {
	var path string
	ts := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		var in linkfin.AddressIn
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil || in.Address.Town != "Suzhou" || in.Address.Country != "CN" {
			t.Errorf("%s %s: body %+v, %v", r.Method, r.URL.Path, in, err)
		}
		path = r.Method + " " + r.URL.EscapedPath()
		w.Header().Set("Content-Type", "application/json")
		w.Write([]byte(`{"id":"o/1","address":{"town":"Suzhou","country":"CN"}}`))
	}))
	defer ts.Close()
	c := client.New(ts.URL, "lfk_k_secret")
	o, err := c.SetAddress(context.Background(), "o/1", linkfin.PostalAddress{Town: "Suzhou", Country: "CN"})
	if err != nil || o.Address == nil || o.Address.Town != "Suzhou" {
		t.Fatalf("%+v, %v", o, err)
	}
	if path != "POST /v1/organizations/o%2F1/address" {
		t.Fatalf("request %q", path)
	}
}
