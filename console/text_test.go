package console

import (
	"crypto/ed25519"
	"net/http"
	"strings"
	"testing"

	"golang.org/x/net/html"

	"linkfin"
	"linkfin/services"
)

// hostile is a text meant to break out of wherever a page shows it: an element, an
// attribute of either quote, a template, an entity; short enough for a document's
// number.
const hostile = `<script>x=1</script>"><img src=x onerror=alert(1)>'><svg onload=alert(2)>{{.}}</textarea>&amp;`

// markup is what of the page is not the console's own: a script other than its own
// file, an image, an SVG not drawn by the console (a chart's has role="img"), an event
// handler attribute, a javascript: address.
func markup(page string) []string {
	doc, err := html.Parse(strings.NewReader(page))
	if err != nil {
		return []string{err.Error()}
	}
	var found []string
	var walk func(*html.Node)
	walk = func(n *html.Node) {
		if n.Type == html.ElementNode {
			attrs := map[string]string{}
			for _, a := range n.Attr {
				attrs[a.Key] = a.Val
				if strings.HasPrefix(a.Key, "on") {
					found = append(found, n.Data+" "+a.Key)
				}
				if (a.Key == "href" || a.Key == "src" || a.Key == "action") && strings.HasPrefix(strings.ToLower(strings.TrimSpace(a.Val)), "javascript:") {
					found = append(found, n.Data+" "+a.Key+"="+a.Val)
				}
			}
			switch {
			case n.Data == "script" && attrs["src"] != "/static/audit.js", n.Data == "img", n.Data == "svg" && attrs["role"] != "img":
				found = append(found, n.Data)
			}
		}
		for c := n.FirstChild; c != nil; c = c.NextSibling {
			walk(c)
		}
	}
	walk(doc)
	return found
}

// A text another party typed — an organization's name, an order's number and item, a
// shipment's place, a dispute's reason, a user's name, a device's name, a webhook's
// address — is shown as text on every page that shows it: read back whole, and no
// element or attribute of it reaches the page.
func TestTextShownAsText(t *testing.T) {
	s := newSite(t)
	pub, _, _ := ed25519.GenerateKey(nil)
	s.run(&services.CreateOrganization{Org: linkfin.Organization{ID: "hostile", Name: hostile, Capabilities: []linkfin.Capability{linkfin.CapLogistics}}})
	s.run(&services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "PO-H", Number: hostile, SellerID: "tier1", ProgramID: "auto-scf",
		Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: hostile, Quantity: 1, Unit: `"><b>`, UnitPrice: 1_00}}}})
	s.run(&services.AcceptPurchaseOrder{Actor: "tier1", ID: "PO-H"})
	s.run(&services.CreateShipment{Actor: "tier1", Shipment: linkfin.Shipment{ID: "SH-H", POID: "PO-H", CarrierID: "port"}})
	s.run(&services.ReportShipmentEvent{Actor: "port", ShipmentID: "SH-H", Status: linkfin.ShipmentPickedUp, Location: hostile})
	s.run(&services.DisputeInvoice{Actor: "anchor", ID: "inv-1", Reason: hostile})
	s.run(&services.CreateUser{User: linkfin.User{OrgID: "tier1", Name: "someone", DisplayName: hostile, Role: linkfin.RoleViewer}, Password: "x"})
	s.run(&services.RegisterDevice{Actor: "port", Device: linkfin.Device{ID: "DEV-H", WarehouseID: "port", Name: hostile, PublicKey: pub}})
	s.run(&services.CreateWebhookEndpoint{Actor: "tier1", Endpoint: linkfin.WebhookEndpoint{ID: "WH-H", OrgID: "tier1",
		URL: "https://hooks.example/" + strings.NewReplacer(" ", "%20", "<", "%3C", ">", "%3E").Replace(hostile) + `"'<>`, Events: []string{"*"}}})

	for who, paths := range map[*client][]string{
		s.as("tier1", linkfin.RoleAdmin):  {"/orders", "/orders/PO-H", "/invoices/inv-1", "/users", "/webhooks"},
		s.as("anchor", linkfin.RoleAdmin): {"/orders/PO-H", "/invoices/inv-1"},
		s.as("port", linkfin.RoleAdmin):   {"/devices"},
		s.as("", linkfin.RoleOperator):    {"/organizations", "/webhooks", "/devices", "/orders/PO-H"},
	} {
		for _, path := range paths {
			code, page := who.get(path)
			if code != http.StatusOK {
				t.Errorf("%s: %d", path, code)
				continue
			}
			if found := markup(page); len(found) > 0 {
				t.Errorf("%s: the page holds %v", path, found)
			}
			if !strings.Contains(text(page), hostile) && !strings.Contains(page, "hooks.example") {
				t.Errorf("%s does not show the text whole:\n%s", path, page)
			}
		}
	}
}
