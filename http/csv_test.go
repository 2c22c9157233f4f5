package http_test

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"net/http"
	"strings"
	"testing"

	"linkfin"
	lfhttp "linkfin/http"
	"linkfin/tabular"
)

// Every list answers as CSV too, with Accept: text/csv: the same records as its JSON
// page, a column per field of the record, and the next page in a Link header. An error
// stays problem+json.
func TestListsAsCSV(t *testing.T) {
	p := newPlatform(t)
	lists := 0
	for _, rt := range p.srv.Routes() {
		if !rt.List {
			continue
		}
		lists++
		path := p.fill(t, rt)
		who := "anchor"
		if strings.HasSuffix(rt.Path(), "/{id}/events") || strings.HasPrefix(rt.Path(), "/v1/bank-statements/") || rt.Access == lfhttp.Operator {
			who = "operator" // a record's history, of records the anchor is not party to too; a statement's entries; the operator's lists
		}
		jr := p.as(who, "GET", path+"?limit=2", "")
		var page linkfin.List[map[string]json.RawMessage]
		wantJSON(t, jr, http.StatusOK, &page)
		cr := p.as(who, "GET", path+"?limit=2", "", "Accept", "text/csv, application/json;q=0.5")
		if cr.status != http.StatusOK || cr.header.Get("Content-Type") != "text/csv; charset=utf-8" {
			t.Fatalf("%s as CSV: %d %s\n%s", rt.Pattern, cr.status, cr.header.Get("Content-Type"), cr.body)
		}
		rows, err := csv.NewReader(bytes.NewReader(cr.body)).ReadAll()
		if err != nil {
			t.Fatalf("%s: %v", rt.Pattern, err)
		}
		cols := tabular.Columns(rt.Out)
		if len(rows) != 1+len(page.Data) || strings.Join(rows[0], ",") != strings.Join(cols, ",") {
			t.Fatalf("%s: %d rows under %v, want %d under %v", rt.Pattern, len(rows), rows[0], 1+len(page.Data), cols)
		}
		for i, rec := range page.Data {
			for j, c := range cols {
				var want string
				if v, ok := rec[c]; ok && string(v) != "null" {
					var s string
					if json.Unmarshal(v, &s) == nil {
						want = s
					} else {
						var b bytes.Buffer
						json.Compact(&b, v)
						want = b.String()
					}
				}
				if got := strings.TrimPrefix(rows[1+i][j], "'"); got != want {
					t.Errorf("%s: row %d, %s = %q, JSON has %q", rt.Pattern, i, c, got, want)
				}
			}
		}
		link := cr.header.Get("Link")
		if (page.NextCursor != "") != (link != "") || page.NextCursor != "" && !strings.Contains(link, `rel="next"`) {
			t.Errorf("%s: next cursor %q, Link %q", rt.Pattern, page.NextCursor, link)
		}
	}
	if lists < 10 {
		t.Fatalf("walked %d lists", lists)
	}
	// JSON stays the default, and an error stays a problem.
	if r := p.as("anchor", "GET", "/v1/invoices", "", "Accept", "*/*"); r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("Accept */*: %s", r.header.Get("Content-Type"))
	}
	r := p.as("anchor", "GET", "/v1/invoices?limit=x", "", "Accept", "text/csv")
	if r.status != http.StatusBadRequest || r.header.Get("Content-Type") != "application/problem+json" {
		t.Fatalf("a bad list request as CSV: %d %s", r.status, r.header.Get("Content-Type"))
	}
}

// TestAcceptWeights: a route that answers in more than one form answers in the one
// the request's Accept weighs most, as RFC 9110 says: by the ranges' q, a q of 0 in
// any spelling refusing a form, the more specific range counting over a wildcard,
// every Accept line counting; of two of one weight, the one named first. A list
// answers JSON or CSV, a payment file JSON or its XML.
func TestAcceptWeights(t *testing.T) {
	p := newPlatform(t)
	for _, c := range []struct {
		path    string
		accepts []string
		want    string
	}{
		{"/v1/invoices", []string{"text/csv;q=0.5, application/json;q=0.9"}, "application/json"},
		{"/v1/invoices", []string{"application/json;q=0.5, text/csv"}, "text/csv; charset=utf-8"},
		{"/v1/invoices", []string{"text/csv;q=0.0"}, "application/json"},
		{"/v1/invoices", []string{"text/csv;q=0.000, application/json;q=0.1"}, "application/json"},
		{"/v1/invoices", []string{"text/csv;q=0., */*;q=0.1"}, "application/json"},
		{"/v1/invoices", []string{"text/csv;q=2"}, "application/json"}, // not a weight: not heeded
		{"/v1/invoices", []string{"text/csv;q=0.5, */*;q=0.9"}, "application/json"},
		{"/v1/invoices", []string{"*/*;q=0.1, text/*"}, "text/csv; charset=utf-8"},
		{"/v1/invoices", []string{"application/*;q=0.2, text/csv;q=0.3"}, "text/csv; charset=utf-8"},
		{"/v1/invoices", []string{"application/json;q=0.1", "text/csv"}, "text/csv; charset=utf-8"},
		{"/v1/invoices", []string{"text/csv, application/json"}, "text/csv; charset=utf-8"},
		{"/v1/invoices", []string{"application/json, text/csv"}, "application/json"},
		{"/v1/invoices", []string{"*/*"}, "application/json"},
		{"/v1/invoices", []string{"image/png"}, "application/json"},
		{"/v1/payment-files/" + p.paymentFile, []string{"application/json;q=0.5, application/xml"}, "application/xml"},
		{"/v1/payment-files/" + p.paymentFile, []string{"application/xml;q=0.5, application/json"}, "application/json"},
		{"/v1/payment-files/" + p.paymentFile, []string{"application/xml;q=0.00"}, "application/json"},
		{"/v1/payment-files/" + p.paymentFile, []string{"application/*"}, "application/json"},
	} {
		req, err := http.NewRequest("GET", p.url+c.path, nil)
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Authorization", "Bearer "+operatorKey)
		for _, a := range c.accepts {
			req.Header.Add("Accept", a)
		}
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusOK || resp.Header.Get("Content-Type") != c.want {
			t.Errorf("%s with Accept %q: %d %s, want %s", c.path, c.accepts, resp.StatusCode, resp.Header.Get("Content-Type"), c.want)
		}
	}
}
