package http_test

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"reflect"
	"strings"
	"testing"

	sumtlog "golang.org/x/mod/sumdb/tlog"

	"linkfin"
	"linkfin/services"
)

// resourceOf is the path under /v1 of a kind's records: "purchase_order" →
// "purchase-orders".
func resourceOf(kind string) string {
	if k, ok := strings.CutSuffix(kind, "y"); ok {
		return strings.ReplaceAll(k, "_", "-") + "ies" // bank_entry: bank-entries
	}
	return strings.ReplaceAll(kind, "_", "-") + "s"
}

// TestHistoryRoutes: every record the API gets by id has its history beside it.
func TestHistoryRoutes(t *testing.T) {
	routes := newAPI(t).srv.Routes()
	patterns := map[string]bool{}
	for _, r := range routes {
		patterns[r.Pattern] = true
	}
	n := 0
	for _, r := range routes {
		if r.Method() != "GET" || !strings.HasSuffix(r.Path(), "/{id}") || strings.Count(r.Path(), "/") != 3 {
			continue
		}
		if r.Path() == "/v1/accounts/{id}" || r.Path() == "/v1/transfers/{id}" {
			continue // the ledger's, not a domain record: an account's history is its transfers
		}
		n++
		if h := r.Pattern + "/events"; !patterns[h] {
			t.Errorf("%s has no history: no route %s", r.Pattern, h)
		}
	}
	if n < 14 {
		t.Fatalf("walked %d records' routes", n)
	}
}

// historyPages reads a record's history through the API as who, in pages of size,
// following next_cursor to the end.
func historyPages(t *testing.T, p *platform, who, path string, size int) []linkfin.EventOut {
	t.Helper()
	var out []linkfin.EventOut
	for cursor, pages := "", 0; ; pages++ {
		q := fmt.Sprintf("?limit=%d", size)
		if cursor != "" {
			q += "&after=" + cursor
		}
		var page linkfin.List[linkfin.EventOut]
		wantJSON(t, p.as(who, "GET", path+q, ""), http.StatusOK, &page)
		if len(page.Data) > size || pages > 1000 {
			t.Fatalf("%s: a page of %d events, asked for %d", path, len(page.Data), size)
		}
		out = append(out, page.Data...)
		if page.NextCursor == "" {
			return out
		}
		cursor = page.NextCursor
	}
}

// TestHistory: over the demo's supply chain, every record's history through the API is
// exactly the events of the whole log that wrote that record, in log order, read in
// pages of any size; each organization reads it if and only if it sees the record
// (including the versions from before it was party), with a proof of each event that
// checks against the signed checkpoint, and otherwise gets the answer a record that
// does not exist gets.
func TestHistory(t *testing.T) {
	p := newPlatform(t)
	ctx := context.Background()
	// More of the story: a piece passed on in part (tier2 becomes party to the tree), a
	// shipment on its way, a second mark of the price.
	p.submit(t, &services.TransferCertificate{Actor: "tier1", ID: "C-1", To: "tier2", Amount: 10_000_00, NewID: "C-1a", RemainderID: "C-1b"})
	p.submit(t, &services.ReportShipmentEvent{Actor: "port", ShipmentID: "SH-1", Status: "picked_up", Location: "Ningbo"})
	p.submit(t, &services.MarkPrice{Mark: linkfin.PriceMark{ID: "copper", Currency: "CNY", Price: 61_000_00}})
	var log []linkfin.EventOut
	for q := "?limit=1000"; q != ""; {
		var page linkfin.List[linkfin.EventOut]
		wantJSON(t, p.as("operator", "GET", "/v1/audit/events"+q, ""), http.StatusOK, &page)
		log, q = append(log, page.Data...), ""
		if page.NextCursor != "" {
			q = "?limit=1000&after=" + page.NextCursor
		}
	}
	// The log filtered by record, read from each event alone: the kind its type
	// begins with, the id in its data.
	byRecord := map[linkfin.ObjectKey][]linkfin.EventOut{}
	var order []linkfin.ObjectKey
	for _, e := range log {
		kind, _, _ := strings.Cut(e.Type, ".")
		if !linkfin.KnownKind(kind) {
			continue
		}
		var rec struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal([]byte(e.Data), &rec); err != nil || rec.ID == "" {
			t.Fatalf("event %d (%s) names no record: %s", e.Seq, e.Type, e.Data)
		}
		k := linkfin.ObjectKey{Kind: kind, ID: rec.ID}
		if byRecord[k] == nil {
			order = append(order, k)
		}
		byRecord[k] = append(byRecord[k], e)
	}
	routes := map[string]bool{}
	for _, r := range p.srv.Routes() {
		routes[r.Pattern] = true
	}
	var cp linkfin.CheckpointOut
	wantJSON(t, p.as("operator", "GET", "/v1/audit/checkpoint", ""), http.StatusOK, &cp)
	var root sumtlog.Hash
	raw, _ := base64.StdEncoding.DecodeString(cp.Root)
	copy(root[:], raw)
	kinds := map[string]int{}
	earlier := 0 // events read in a history that the viewer was not party to
	for _, k := range order {
		want := byRecord[k]
		if !routes["GET /v1/"+resourceOf(k.Kind)+"/{id}/events"] {
			continue // a record the API does not get by id (a lot, a maturity, a key)
		}
		kinds[k.Kind]++
		path := "/v1/" + resourceOf(k.Kind) + "/" + url.PathEscape(k.ID) + "/events"
		for _, size := range []int{1, 3, 1000} {
			if got := historyPages(t, p, "operator", path, size); !reflect.DeepEqual(got, want) {
				t.Fatalf("%s %s, in pages of %d: history\n%+v\nthe log's events of it\n%+v", k.Kind, k.ID, size, got, want)
			}
		}
		for _, who := range []string{"anchor", "tier1", "tier2", "bank", "port", "outsider"} {
			v := linkfin.Viewer{Org: who}
			_, err := services.Read(ctx, p.store, v, k.Kind, k.ID)
			if err == nil || k.Kind == linkfin.KindPriceMark { // market data, for every key
				got := historyPages(t, p, who, path, 1000)
				if !reflect.DeepEqual(got, want) {
					t.Fatalf("%s reads %s %s's history as\n%+v\nthe log's events of it\n%+v", who, k.Kind, k.ID, got, want)
				}
				for _, e := range got {
					ev := &linkfin.Event{Seq: e.Seq, Time: int64(e.TimeNS), Type: e.Type, Data: []byte(e.Data)}
					if !services.SeesEvent(v, ev) {
						earlier++
					}
					var pr linkfin.Proof
					wantJSON(t, p.as(who, "GET", fmt.Sprintf("/v1/audit/proof/%d", e.Seq), ""), http.StatusOK, &pr)
					leaf := sumtlog.RecordHash(ev.Record())
					if err := sumtlog.CheckRecord(sumtlog.RecordProof(hashesOf(t, pr.Hashes)), cp.Size, root, e.Seq, leaf); err != nil || pr.Checkpoint != cp {
						t.Fatalf("%s: the proof of event %d of %s %s does not check: %v", who, e.Seq, k.Kind, k.ID, err)
					}
				}
				continue
			}
			if linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
				t.Fatal(err)
			}
			pr := wantProblem(t, p.as(who, "GET", path, ""), http.StatusNotFound, linkfin.ENOTFOUND)
			if w := strings.ReplaceAll(k.Kind, "_", " ") + " " + k.ID + " not found"; pr.Detail != w {
				t.Fatalf("%s reads %s %s's history: %q, want %q, as for a record that does not exist", who, k.Kind, k.ID, pr.Detail, w)
			}
		}
	}
	for _, r := range p.srv.Routes() {
		if res, ok := strings.CutSuffix(strings.TrimPrefix(r.Pattern, "GET /v1/"), "/{id}/events"); ok && r.Method() == "GET" {
			kind := strings.TrimSuffix(strings.ReplaceAll(res, "-", "_"), "s")
			if k, ok := strings.CutSuffix(kind, "ie"); ok {
				kind = k + "y"
			}
			if kinds[kind] == 0 {
				t.Errorf("no %s in the demo: its history went untried", kind)
			}
		}
	}
	if earlier == 0 {
		t.Fatal("no organization read an event of a version it was not party to: the test tries too little")
	}
}

// TestHistoryCursor: a history's pages follow one another from any event's seq, end
// with an empty cursor, and refuse what is not a page.
func TestHistoryCursor(t *testing.T) {
	p := newPlatform(t)
	const path = "/v1/invoices/inv-1/events"
	all := historyPages(t, p, "tier1", path, 1000)
	if len(all) < 2 {
		t.Fatalf("inv-1 has %d events", len(all))
	}
	for i, e := range all {
		var page linkfin.List[linkfin.EventOut]
		wantJSON(t, p.as("tier1", "GET", fmt.Sprintf("%s?after=%d", path, e.Seq), ""), http.StatusOK, &page)
		if !reflect.DeepEqual(page.Data, all[i+1:]) && !(len(page.Data) == 0 && i == len(all)-1) {
			t.Fatalf("after event %d: %+v, want %+v", e.Seq, page.Data, all[i+1:])
		}
		if page.NextCursor != "" {
			t.Fatalf("a short page with a cursor %q", page.NextCursor)
		}
	}
	var page linkfin.List[linkfin.EventOut]
	wantJSON(t, p.as("tier1", "GET", path+"?limit=1", ""), http.StatusOK, &page)
	if len(page.Data) != 1 || page.NextCursor != fmt.Sprint(all[0].Seq) {
		t.Fatalf("a first page of 1: %+v, cursor %q", page.Data, page.NextCursor)
	}
	for _, q := range []string{"?limit=0", "?limit=1001", "?limit=x", "?after=x", "?after=-2"} {
		wantProblem(t, p.as("tier1", "GET", path+q, ""), http.StatusBadRequest, linkfin.EINVALID)
	}
	wantProblem(t, p.as("tier1", "GET", path+"?bogus=1", ""), http.StatusBadRequest, linkfin.EINVALID)
}
