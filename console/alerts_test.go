package console

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/json"
	"html"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
)

// The alert inbox: a reading of the pledged lot one tonne short raises a red alert
// that the anchor and the bank list, in both languages, and the supplier and the
// warehouse do not; a viewer is offered no form; the bank acknowledges it and the
// anchor resolves it, each with a reason, and the alert keeps who and why.
func TestAlertInbox(t *testing.T) {
	s, f := pledged(t)
	d := s.sensorOn(t, 5)
	s.read(d, 40)
	bank := s.as("bank", linkfin.RoleFinance)
	if _, page := bank.get("/alerts"); strings.Contains(page, `id="alert-`) {
		t.Fatalf("the lot counted whole raised an alert:\n%s", page)
	}
	s.read(d, 39)
	code, page := bank.get("/alerts")
	if code != http.StatusOK || !strings.Contains(page, English.T("alerts.rule.telemetry_below_pledge")) || !strings.Contains(page, f.ID) ||
		!strings.Contains(page, English.T("alerts.level.red")) || !strings.Contains(page, "/acknowledge") {
		t.Fatalf("the bank's inbox: %d\n%s", code, page)
	}
	id := strings.TrimPrefix(strings.SplitN(page[strings.Index(page, `id="alert-`)+len(`id="`):], `"`, 2)[0], "alert-")
	for _, org := range []string{"tier2", "port"} {
		if _, other := s.as(org, linkfin.RoleAdmin).get("/alerts"); strings.Contains(other, id) {
			t.Fatalf("%s sees the alert:\n%s", org, other)
		}
	}
	if _, vpage := s.as("bank", linkfin.RoleViewer).get("/alerts"); !strings.Contains(vpage, id) || strings.Contains(vpage, "/acknowledge") {
		t.Fatalf("a viewer's inbox:\n%s", vpage)
	}
	form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {"ack-1"}, "reason": {"counting the lot"}}
	if code, body := bank.post("/alerts/"+id+"/acknowledge", form); code != http.StatusSeeOther {
		t.Fatalf("acknowledging: %d\n%s", code, body)
	}
	s.user("anchor", linkfin.RoleAdmin, string(Chinese))
	anchor := s.as("anchor", linkfin.RoleAdmin)
	_, page = anchor.get("/alerts")
	if !strings.Contains(page, Chinese.T("alerts.status.acknowledged")) || !strings.Contains(page, "counting the lot") || !strings.Contains(page, "/resolve") {
		t.Fatalf("the anchor's inbox in Chinese:\n%s", page)
	}
	form = url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {"res-1"}, "reason": {""}}
	if code, body := anchor.post("/alerts/"+id+"/resolve", form); code < 400 || !strings.Contains(body, "<code>invalid</code>") {
		t.Fatalf("resolving without a reason: %d\n%s", code, body)
	}
	form.Set("reason", "lot recounted: 40 t")
	form.Set("idempotency_key", "res-2")
	if code, body := anchor.post("/alerts/"+id+"/resolve", form); code != http.StatusSeeOther {
		t.Fatalf("resolving: %d\n%s", code, body)
	}
	o, err := s.store.Object(context.Background(), linkfin.KindAlert, id)
	if err != nil {
		t.Fatal(err)
	}
	var a linkfin.Alert
	json.Unmarshal(o.Data, &a)
	if a.Status != linkfin.AlertResolved || a.AcknowledgedReason != "counting the lot" || a.ResolvedReason != "lot recounted: 40 t" ||
		!strings.HasPrefix(a.AcknowledgedBy, "user:") || !strings.HasPrefix(a.ResolvedBy, "user:") || a.AcknowledgedBy == a.ResolvedBy {
		t.Fatalf("the alert after both: %+v", a)
	}
}

// Every rule, level, status and action an alert may carry has its words in the inbox,
// in both languages.
func TestAlertWords(t *testing.T) {
	keys := append(linkfin.AlertRules(), string(linkfin.AlertYellow), string(linkfin.AlertOrange), string(linkfin.AlertRed),
		string(linkfin.AlertOpen), string(linkfin.AlertAcknowledged), string(linkfin.AlertResolved))
	for _, a := range linkfin.AlertActions() {
		keys = append(keys, string(a))
	}
	for _, k := range keys {
		msg, ok := alertWords[k]
		if !ok {
			t.Fatalf("%s has no words in the inbox", k)
		}
		for _, l := range []Lang{English, Chinese} {
			if got := l.T(msg); got == "" || got == msg {
				t.Fatalf("%s has no %s message: %q", k, l, got)
			}
		}
	}
}

// A program whose alerts make margin calls: the lot counted one tonne short of 40, the
// bank's inbox shows the call — a 40th of what the loan owes, rounded up, by the due
// date — and the borrower's page of its loan shows it open.
func TestAlertMarginCall(t *testing.T) {
	s, f := pledged(t)
	s.run(&services.SetAlertActions{Actor: "anchor", ProgramID: "auto-scf", Actions: []linkfin.AlertAction{linkfin.ActionMarginCall}})
	d := s.sensorOn(t, 5)
	s.read(d, 39)
	owed, _ := f.Owed()
	call := Money(English, f.Currency, (owed+39)/40)
	_, page := s.as("bank", linkfin.RoleFinance).get("/alerts")
	if !strings.Contains(page, `class="margin-demand"`) || !strings.Contains(page, call) || !strings.Contains(page, English.T("alerts.action.margin_call")) {
		t.Fatalf("the bank's inbox shows no margin call of %s:\n%s", call, page)
	}
	_, page = s.as("tier2", linkfin.RoleFinance).get("/financings/" + f.ID)
	if !strings.Contains(page, `class="margin-demand"`) || !strings.Contains(page, call) || !strings.Contains(page, English.T("financing.margin_demand.called")) {
		t.Fatalf("the borrower's loan shows no margin call of %s:\n%s", call, page)
	}
}

// The inbox lists a page at a time, as every list: an organization watching more
// alerts than a page reaches the newest on a later page, and filters them by status.
func TestAlertInboxPages(t *testing.T) {
	s, _ := pledged(t)
	// More sensors on the pledged lot than the inbox's page, each falling silent.
	var devices []string
	for i := range pageSize + 2 {
		key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{byte(i + 1)}, ed25519.SeedSize))
		var d linkfin.Device
		json.Unmarshal(s.run(&services.RegisterDevice{Actor: "port", Device: linkfin.Device{LotID: "LOT-7",
			PublicKey: key.Public().(ed25519.PublicKey), HeartbeatSeconds: linkfin.MinHeartbeatSeconds}}), &d)
		devices = append(devices, d.ID)
	}
	s.clock.Advance(2 * linkfin.MinHeartbeatSeconds * time.Second)
	var ids []string
	for i, d := range devices {
		s.run(&services.FlagSilentDevice{ID: d})
		alerts, err := s.store.ListObjects(context.Background(), linkfin.KindAlert, "", 1000)
		if err != nil || len(alerts) != i+1 {
			t.Fatalf("%d devices silent: %d alerts, %v", i+1, len(alerts), err)
		}
		ids = append(ids, alerts[i].ID)
		if i < len(devices)-1 {
			s.run(&services.ActOnAlert{Actor: "anchor", By: "user:test", ID: alerts[i].ID, Resolve: true, Reason: "sensor replaced"})
		}
	}
	newest := ids[len(ids)-1]
	bank := s.as("bank", linkfin.RoleViewer)
	found, pages := false, 0
	for path := "/alerts"; path != "" && pages < 5; pages++ {
		code, page := bank.get(path)
		if code != http.StatusOK {
			t.Fatalf("%s: %d\n%s", path, code, page)
		}
		found = found || strings.Contains(page, `id="alert-`+newest+`"`)
		path = ""
		if i := strings.Index(page, `rel="next" href="`); i >= 0 {
			path = html.UnescapeString(strings.SplitN(page[i+len(`rel="next" href="`):], `"`, 2)[0])
		}
	}
	if !found || pages != 2 {
		t.Fatalf("the newest alert %s: found %v, on %d pages of %d alerts", newest, found, pages, len(ids))
	}
	code, page := bank.get("/alerts?status=open")
	if code != http.StatusOK || strings.Count(page, `id="alert-`) != 1 || !strings.Contains(page, `id="alert-`+newest+`"`) {
		t.Fatalf("the open alerts: %d\n%s", code, page)
	}
}
