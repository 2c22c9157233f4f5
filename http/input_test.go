package http_test

import (
	"encoding/json"
	"net/http"
	"os"
	"testing"

	"linkfin"
	"linkfin/engine"
)

// TestPaginationCannotWrap: a numeric cursor at the top of its range is the end of
// the list, not its start again; one beyond it, or below zero, is refused.
func TestPaginationCannotWrap(t *testing.T) {
	p := newPlatform(t)
	type page struct {
		Data       []json.RawMessage `json:"data"`
		NextCursor string            `json:"next_cursor"`
	}
	var first page
	wantJSON(t, p.as("operator", "GET", "/v1/audit/events?limit=2", ""), http.StatusOK, &first)
	if len(first.Data) != 2 {
		t.Fatalf("the first page holds %d events", len(first.Data))
	}
	for _, path := range []string{"/v1/audit/events", "/v1/accounts"} {
		for _, after := range []string{"9223372036854775807", "9223372036854775806"} {
			var got page
			wantJSON(t, p.as("operator", "GET", path+"?limit=2&after="+after, ""), http.StatusOK, &got)
			if len(got.Data) != 0 || got.NextCursor != "" {
				t.Errorf("%s?after=%s answered %d items and cursor %q, want none", path, after, len(got.Data), got.NextCursor)
			}
		}
		for _, bad := range []string{"9223372036854775808", "-1", "-9223372036854775808", "1e3", "0x10"} {
			wantProblem(t, p.as("operator", "GET", path+"?after="+bad, ""), http.StatusBadRequest, linkfin.EINVALID)
		}
		for _, bad := range []string{"9223372036854775807", "4294967297", "-1", "0"} {
			wantProblem(t, p.as("operator", "GET", path+"?limit="+bad, ""), http.StatusBadRequest, linkfin.EINVALID)
		}
	}
}

// TestIdempotencyHashCoversQuery: an Idempotency-Key reused with the same body and
// another query is another request, refused as a reused key, not answered as a replay.
func TestIdempotencyHashCoversQuery(t *testing.T) {
	p := newPlatform(t)
	doc, err := os.ReadFile("../ubl/testdata/en16931-bis3-factoring.xml")
	if err != nil {
		t.Fatal(err)
	}
	send := func(query string) reply {
		return p.as("tier1", "POST", "/v1/invoices?"+query, string(doc), "Content-Type", "application/xml", "Idempotency-Key", "ubl-1")
	}
	first := send("id=inv-u1&po_id=PO-1&buyer_id=anchor")
	if first.status < 200 || first.status >= 500 || first.header.Get("Idempotency-Hit") != "" {
		t.Fatalf("first upload: %d %s", first.status, first.body)
	}
	t.Logf("first upload: %d", first.status)
	again := send("buyer_id=anchor&id=inv-u1&po_id=PO-1") // the same query, in another order
	if again.status != first.status || again.header.Get("Idempotency-Hit") != "true" {
		t.Fatalf("the retry was not a replay: %d %s", again.status, again.body)
	}
	wantProblem(t, send("id=inv-u2&po_id=PO-1&buyer_id=anchor"), http.StatusConflict, engine.EIDEMPOTENCY)
}
