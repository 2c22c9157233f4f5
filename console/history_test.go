package console

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"
)

// Every record's page lists its events, each in words and linked to its inclusion
// proof, exactly those the store holds for the record.
func TestRecordHistory(t *testing.T) {
	s := newSite(t)
	s.run(&services.ApproveInvoice{Actor: "anchor", ID: "inv-1"})
	s.run(&services.IssueCertificate{Actor: "anchor", ID: "C-1", ProgramID: "auto-scf", PayableIDs: []string{linkfin.PayableID("inv-1")}})
	s.run(&services.RequestCertificateDiscounting{Actor: "tier1", ID: "F-1", ProgramID: "auto-scf", PieceID: "C-1", FunderID: "bank"})
	s.run(&services.AcceptCertificateDiscounting{Actor: "tier1", ID: "F-1", PieceID: "C-1"})

	tier1 := s.as("tier1", linkfin.RoleViewer)
	for _, rec := range []struct{ kind, id, path, words string }{
		{linkfin.KindInvoice, "inv-1", "/invoices/inv-1", "approved by the buyer"},
		{linkfin.KindCertificate, "C-1", "/pieces/C-1", "piece locked for a financing"},
		{linkfin.KindFinancing, "F-1", "/financings/F-1", "quote accepted"},
		{linkfin.KindPayable, linkfin.PayableID("inv-1"), "/payables/" + linkfin.PayableID("inv-1"), "payable created"},
	} {
		evs, err := s.store.RecordEvents(context.Background(), rec.kind, rec.id, -1, 100)
		if err != nil || len(evs) < 2 {
			t.Fatalf("%s has %d events: %v", rec.id, len(evs), err)
		}
		code, page := tier1.get(rec.path)
		if code != http.StatusOK || !strings.Contains(page, `<h2 id="history">History</h2>`) || !strings.Contains(page, rec.words) {
			t.Fatalf("%s: %d, no history in words %q\n%s", rec.path, code, rec.words, page)
		}
		if got := strings.Count(page, `href="/audit/events/`); got != len(evs) {
			t.Fatalf("%s links %d events to their proofs, the store holds %d", rec.path, got, len(evs))
		}
		for _, e := range evs {
			if !strings.Contains(page, `href="/audit/events/`+strconv.FormatInt(e.Seq, 10)+`"`) {
				t.Fatalf("%s does not link event %d (%s)", rec.path, e.Seq, e.Type)
			}
		}
	}
	if _, list := tier1.get("/payables"); !strings.Contains(list, `href="/payables/`+linkfin.PayableID("inv-1")+`"`) {
		t.Fatal("the payables do not link to their pages")
	}
	if code, _ := s.as("bank", linkfin.RoleAdmin).get("/payables/" + linkfin.PayableID("inv-1")); code != http.StatusNotFound {
		t.Fatalf("a stranger reads the payable: %d", code)
	}
	// In Chinese, in its words and dates.
	zh := s.browser()
	if code, _ := zh.signIn(s.user("tier1", linkfin.RoleAdmin, "zh-CN"), password, ""); code != http.StatusSeeOther {
		t.Fatal("signing in")
	}
	if _, page := zh.get("/invoices/inv-1"); !strings.Contains(page, "买方已确认") || !strings.Contains(page, "历史记录") {
		t.Fatalf("the history in Chinese:\n%s", page)
	}
	if code, _ := tier1.get("/invoices/inv-1?history_after=x"); code != http.StatusBadRequest {
		t.Fatalf("a bad history_after: %d", code)
	}
}

// A record's history names who made each change: the user, by name and organization,
// for a change made in the console; the API key for one made through the API. Who at
// an organization did what is its own business and the operator's: the counterparty
// sees the change, not the person.
func TestHistoryNamesWhoDidIt(t *testing.T) {
	s := newSite(t)
	sealed, err := s.auth.SealPassword("wang.fang", password)
	if err != nil {
		t.Fatal(err)
	}
	s.run(&services.CreateUser{User: linkfin.User{OrgID: "anchor", Name: "wang.fang", DisplayName: "Wang Fang", Role: linkfin.RoleFinance, Language: "en"}, Password: sealed})
	anchor := s.browser()
	if code, body := anchor.signIn("wang.fang", password, ""); code != http.StatusSeeOther {
		t.Fatalf("sign in: %d\n%s", code, body)
	}
	_, page := anchor.get("/invoices/inv-1")
	form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}}
	if code, body := anchor.post("/invoices/inv-1/approve", form); code != http.StatusSeeOther {
		t.Fatalf("approve: %d\n%s", code, body)
	}
	// Through the API, with a key: the API attributes its requests so.
	s.run(&services.CreateAPIKey{Key: linkfin.APIKey{ID: "key-erp", OrgID: "anchor", Role: linkfin.RoleFinance, Name: "ERP link", Hash: strings.Repeat("ab", 32)}})
	s.run(services.Attribute("anchor", "key:key-erp", &services.IssueCertificate{Actor: "anchor", ID: "C-1", ProgramID: "auto-scf", PayableIDs: []string{linkfin.PayableID("inv-1")}}))

	approved := regexp.MustCompile(`<td>approved by the buyer</td><td>([^<]*)</td>`)
	issued := regexp.MustCompile(`<td>certificate issued</td><td>([^<]*)</td>`)
	for _, tc := range []struct {
		who       *client
		user, key string
		what      string
	}{
		{anchor, "Wang Fang (wang.fang) · anchor", "API key ERP link · anchor", "the anchor"},
		{s.as("", linkfin.RoleOperator), "Wang Fang (wang.fang) · anchor", "API key ERP link · anchor", "the operator"},
		{s.as("tier1", linkfin.RoleAdmin), "—", "—", "the seller"},
	} {
		_, page := tc.who.get("/invoices/inv-1")
		if m := approved.FindStringSubmatch(page); m == nil || m[1] != tc.user {
			t.Errorf("%s reads the approval's maker as %v, want %q\n%s", tc.what, m, tc.user, page)
		}
		_, page = tc.who.get("/pieces/C-1")
		if m := issued.FindStringSubmatch(page); m == nil || m[1] != tc.key {
			t.Errorf("%s reads the certificate's maker as %v, want %q\n%s", tc.what, m, tc.key, page)
		}
	}
}

// A record's history pages as a list does: its next page's link keeps the page's
// other query parameters, and a later page links back to the first, with them (none
// on the first page).
func TestHistoryPagesKeepQuery(t *testing.T) {
	s, _ := pledged(t)
	d := s.sensorOn(t, 1)
	for range historyPage {
		s.read(d, 40) // an event of the receipt each
	}
	tier1 := s.as("tier2", linkfin.RoleViewer)
	path := "/receipts/WR-1"
	link := func(page, rel string) string {
		m := regexp.MustCompile(`<a rel="` + rel + `" href="([^"]*)"`).FindStringSubmatch(page)
		if m == nil {
			return ""
		}
		return html.UnescapeString(m[1])
	}
	code, page := tier1.get(path + "?note=kept")
	next := link(page, "next")
	u, err := url.Parse(next)
	if code != http.StatusOK || err != nil || u.Path != path || u.Query().Get("note") != "kept" || u.Query().Get("history_after") == "" || u.Fragment != "history" {
		t.Fatalf("the history's next page: %d, %q, want the page's query kept", code, next)
	}
	if first := link(page, "first"); first != "" {
		t.Fatalf("the first page links to the first: %q", first)
	}
	code, page = tier1.get(u.RequestURI())
	if first := link(page, "first"); code != http.StatusOK || first != path+"?note=kept#history" {
		t.Fatalf("a later page of the history: %d, first page %q, want %q", code, first, path+"?note=kept#history")
	}
	if !strings.Contains(page, `href="/audit/events/`) {
		t.Fatalf("the later page shows no events:\n%s", page)
	}
}
