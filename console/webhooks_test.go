package console

import (
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
)

// An organization sees its webhook endpoints' health: how far behind the log, how
// many deliveries went through and how many are failing, and the last; the operator
// sees every organization's; another organization sees none of them.
func TestWebhooksHealth(t *testing.T) {
	s := newSite(t)
	var ep linkfin.WebhookEndpoint
	if err := json.Unmarshal(s.run(&services.CreateWebhookEndpoint{Actor: "anchor", Endpoint: linkfin.WebhookEndpoint{OrgID: "anchor",
		URL: "https://erp.anchor.example/hooks", Events: []string{"*"}}}), &ep); err != nil || ep.ID == "" {
		t.Fatalf("the endpoint: %+v, %v", ep, err)
	}
	s.run(&services.RecordDelivery{EndpointID: ep.ID, Seq: 1, EventType: "organization.created", Status: linkfin.WebhookDelivered, HTTPStatus: 200, Attempt: 1})
	next := s.clock.Now().Add(time.Minute)
	s.run(&services.RecordDelivery{EndpointID: ep.ID, Seq: 2, EventType: "organization.created", Status: linkfin.WebhookFailed, HTTPStatus: 503,
		Error: "the endpoint answered 503", Attempt: 1, NextAttemptAt: &next})

	code, page := s.as("anchor", linkfin.RoleViewer).get("/webhooks")
	if code != http.StatusOK || !strings.Contains(page, "https://erp.anchor.example/hooks") {
		t.Fatalf("the anchor's webhooks: %d\n%s", code, page)
	}
	row := page[strings.Index(page, "https://erp.anchor.example/hooks"):]
	row = row[:strings.Index(row, "</tr>")]
	for _, want := range []string{`<td class="num">1</td><td class="num">1</td>`, "failed", "HTTP 503", "the endpoint answered 503"} {
		if !strings.Contains(row, want) {
			t.Fatalf("the endpoint's row lacks %q:\n%s", want, row)
		}
	}
	if _, op := s.as("", linkfin.RoleOperator).get("/webhooks"); !strings.Contains(op, "https://erp.anchor.example/hooks") {
		t.Fatal("the operator does not see the anchor's endpoint")
	}
	if _, other := s.as("tier1", linkfin.RoleAdmin).get("/webhooks"); strings.Contains(other, "erp.anchor.example") {
		t.Fatal("another organization sees the anchor's endpoint")
	}
}
