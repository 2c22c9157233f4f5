package console

import (
	"bytes"
	"context"
	"crypto/ed25519"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"
)

// pledged is the site with tier2's 40 t of copper receipted by the port and pledged
// to the bank for a loan the bank has paid.
func pledged(t *testing.T) (*site, linkfin.Financing) {
	s := newSite(t)
	s.run(&services.MarkPrice{Mark: linkfin.PriceMark{ID: "copper", Currency: "CNY", Price: 60_000_00}})
	s.run(&services.IssueWarehouseReceipt{Actor: "port", Receipt: linkfin.WarehouseReceipt{ID: "WR-1", Number: "WR-1", OwnerID: "tier2",
		LotID: "LOT-7", Commodity: "copper", Quantity: 40, Unit: "t"}})
	p, err := services.ProductNamed(linkfin.ProductWarehousePledge)
	if err != nil {
		t.Fatal(err)
	}
	req, err := p.Request(context.Background(), s.store, "tier2", &linkfin.FinancingIn{Product: linkfin.ProductWarehousePledge, ProgramID: "auto-scf",
		AssetID: "WR-1", FunderID: "bank"})
	if err != nil {
		t.Fatal(err)
	}
	var f linkfin.Financing
	json.Unmarshal(s.run(req), &f)
	s.run(p.Accept("tier2", &f))
	s.run(&services.DisburseFinancing{Actor: "bank", ID: f.ID})
	return s, f
}

func (s *site) receipt(id string) linkfin.WarehouseReceipt {
	s.t.Helper()
	o, err := s.store.Object(context.Background(), linkfin.KindWarehouseReceipt, id)
	if err != nil {
		s.t.Fatal(err)
	}
	var w linkfin.WarehouseReceipt
	json.Unmarshal(o.Data, &w)
	return w
}

// sensor is the port's device on lot LOT-7, and its key.
type sensor struct {
	id  string
	key ed25519.PrivateKey
	seq int64
}

// sensorOn registers a device of the port on LOT-7.
func (s *site) sensorOn(t *testing.T, seed byte) *sensor {
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{seed}, ed25519.SeedSize))
	var d linkfin.Device
	json.Unmarshal(s.run(&services.RegisterDevice{Actor: "port", Device: linkfin.Device{LotID: "LOT-7", PublicKey: key.Public().(ed25519.PublicKey)}}), &d)
	return &sensor{id: d.ID, key: key}
}

// read is the sensor's next signed reading of receipt WR-1.
func (s *site) read(d *sensor, qty int64) {
	d.seq++
	r := linkfin.Reading{DeviceID: d.id, ReceiptID: "WR-1", Sequence: d.seq, ReadAt: s.clock.Now(), Quantity: qty}
	r.Sign(d.key)
	s.run(&services.ReportTelemetry{Actor: "port", ReceiptID: "WR-1", Reading: r})
}

// The warehouse's receipts: listed by status and as CSV; the receipt's page charts its
// counts, each signed by one of the warehouse's devices, against the quantity pledged;
// a device's reading of the lot short freezes the loan, which the receipt's chart marks
// and the financing's page shows. No one counts by hand: the page offers no count, and
// points the warehouse to its devices. A stranger sees nothing.
func TestWarehouseReceipts(t *testing.T) {
	s, f := pledged(t)
	port := s.as("port", linkfin.RoleFinance)
	code, page := port.get("/receipts?status=pledged")
	if code != http.StatusOK || !strings.Contains(page, `href="/receipts/WR-1"`) || !strings.Contains(page, `href="/receipts"`) {
		t.Fatalf("the port's pledged receipts: %d\n%s", code, page)
	}
	if _, page := port.get("/receipts?status=frozen"); strings.Contains(page, `href="/receipts/WR-1"`) {
		t.Fatal("a pledged receipt is listed as frozen")
	}
	code, csv := port.get("/receipts?format=csv")
	if code != http.StatusOK || !strings.HasPrefix(csv, bom+"id,number,warehouse_id,owner_id") || !strings.Contains(csv, "WR-1,WR-1,port,tier2,LOT-7,copper,40,t,40,,pledged") {
		t.Fatalf("CSV: %d\n%s", code, csv)
	}

	code, page = port.get("/receipts/WR-1")
	if code != http.StatusOK || strings.Contains(page, "/count") || !strings.Contains(page, `href="/devices"`) ||
		!strings.Contains(page, `aria-label="Counts of the copper lot over time, against the 40 t receipted"`) {
		t.Fatalf("the port's receipt: %d\n%s", code, page)
	}
	for _, org := range []string{"tier2", "bank"} {
		code, other := s.as(org, linkfin.RoleAdmin).get("/receipts/WR-1")
		if code != http.StatusOK || strings.Contains(other, `href="/devices"`) {
			t.Fatalf("%s's view of the receipt: %d\n%s", org, code, other)
		}
	}
	if code, _ := s.as("tier1", linkfin.RoleAdmin).get("/receipts/WR-1"); code != http.StatusNotFound {
		t.Fatalf("a stranger reads the receipt: %d", code)
	}
	if code, _ := port.post("/receipts/WR-1/count", url.Values{"csrf": {hidden(page, "csrf")}, "quantity": {"38"}}); code == http.StatusSeeOther {
		t.Fatal("a count by hand was taken")
	}

	// The device reads 38 t of 40: the loan freezes; then 37 t.
	d := s.sensorOn(t, 7)
	s.read(d, 38)
	if w := s.receipt("WR-1"); w.Status != linkfin.ReceiptFrozen || w.Observed != 38 {
		t.Fatalf("after the reading the receipt is %s, %d t", w.Status, w.Observed)
	}
	s.read(d, 37)

	_, page = s.as("tier2", linkfin.RoleViewer).get("/receipts/WR-1")
	svg := regexp.MustCompile(`(?s)<svg class="chart".*?</svg>`).FindString(page)
	if !strings.Contains(page, "the loan it backs is frozen") || svg == "" || !strings.Contains(svg, "<title>") {
		t.Fatalf("the frozen receipt:\n%s", page)
	}
	if !strings.Contains(page, "<td>"+d.id+" · 1</td>") || !strings.Contains(page, "<td>"+d.id+" · 2</td>") {
		t.Fatalf("the counts do not name the device and its readings:\n%s", page)
	}
	// Three counts — at issue, 38, 37 — one of which froze the loan, against the 40 t line.
	points := regexp.MustCompile(`<polyline class="counts" points="([^"]*)"`).FindStringSubmatch(svg)
	if points == nil || len(strings.Fields(points[1])) != 3 {
		t.Fatalf("the chart's counts: %v\n%s", points, svg)
	}
	if strings.Count(svg, `<circle class="froze"`) != 1 || strings.Count(svg, `<circle class="count"`) != 2 || !strings.Contains(svg, ">40 t</text>") {
		t.Fatalf("the chart marks the freeze wrong:\n%s", svg)
	}
	if !strings.Contains(svg, "38 t counted on") {
		t.Fatalf("the chart does not name the count that froze the loan:\n%s", svg)
	}
	if _, fpage := s.as("bank", linkfin.RoleViewer).get("/financings/" + f.ID); !strings.Contains(fpage, "frozen: the warehouse counted less than pledged") {
		t.Fatalf("the financing's page does not show it frozen:\n%s", fpage)
	}
	if _, list := port.get("/receipts?status=frozen"); !strings.Contains(list, `href="/receipts/WR-1"`) {
		t.Fatal("the frozen receipt is not listed as frozen")
	}
}

// The warehouse's devices page, in both languages: the warehouse registers a device
// with its public key and retires it; a bad key is refused with its words and changes
// nothing; a viewer is offered neither and changes nothing; an owner and a funder have
// no such page, and see none of the port's devices.
func TestDevices(t *testing.T) {
	s, _ := pledged(t)
	port := s.as("port", linkfin.RoleFinance)
	code, page := port.get("/devices")
	if code != http.StatusOK || !strings.Contains(page, `action="/devices"`) || !strings.Contains(page, English.T("devices.intro")) {
		t.Fatalf("the port's devices: %d\n%s", code, page)
	}
	key := ed25519.NewKeyFromSeed(bytes.Repeat([]byte{3}, ed25519.SeedSize)).Public().(ed25519.PublicKey)
	b64 := base64.StdEncoding.EncodeToString(key)
	form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}, "public_key": {"AAAA"}, "lot_id": {"LOT-7"}}
	if code, body := port.post("/devices", form); code < 400 || !strings.Contains(body, "device_key_invalid") ||
		!strings.Contains(body, codeMessages["device_key_invalid"].en) {
		t.Fatalf("a key of 3 bytes: %d\n%s", code, body)
	}
	form.Set("public_key", b64)
	if code, body := port.post("/devices", form); code != http.StatusSeeOther {
		t.Fatalf("registering: %d\n%s", code, body)
	}
	list, err := services.List(context.Background(), s.store, linkfin.Viewer{Org: "port"}, linkfin.KindDevice, services.Filter{}, "", 10)
	if err != nil || len(list.Data) != 1 {
		t.Fatalf("the port's devices after registering: %v, %v", list, err)
	}
	var d linkfin.Device
	json.Unmarshal(list.Data[0], &d)
	if d.LotID != "LOT-7" || d.Status != linkfin.DeviceActive || !bytes.Equal(d.PublicKey, key) {
		t.Fatalf("the registered device: %+v", d)
	}
	s.user("port", linkfin.RoleAdmin, string(Chinese))
	_, page = s.as("port", linkfin.RoleAdmin).get("/devices")
	if !strings.Contains(page, b64) || !strings.Contains(page, Chinese.T("devices.active")) || !strings.Contains(page, `action="/devices/`+d.ID+`/retire"`) {
		t.Fatalf("the device in Chinese:\n%s", page)
	}
	viewer := s.as("port", linkfin.RoleViewer)
	_, vpage := viewer.get("/devices")
	if strings.Contains(vpage, `action="/devices"`) || strings.Contains(vpage, "/retire") || !strings.Contains(vpage, b64) {
		t.Fatalf("a viewer's devices page:\n%s", vpage)
	}
	if code, _ := viewer.post("/devices/"+d.ID+"/retire", url.Values{"csrf": {hidden(vpage, "csrf")}, "idempotency_key": {"v"}}); code != http.StatusForbidden {
		t.Fatalf("a viewer retiring: %d", code)
	}
	for _, org := range []string{"tier2", "bank"} {
		if _, other := s.as(org, linkfin.RoleAdmin).get("/devices"); strings.Contains(other, b64) {
			t.Fatalf("%s sees the port's device:\n%s", org, other)
		}
	}
	_, page = port.get("/devices")
	retire := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {"r-" + d.ID}}
	if code, body := port.post("/devices/"+d.ID+"/retire", retire); code != http.StatusSeeOther {
		t.Fatalf("retiring: %d\n%s", code, body)
	}
	if o, _ := s.store.Object(context.Background(), linkfin.KindDevice, d.ID); !strings.Contains(string(o.Data), `"status":"retired"`) {
		t.Fatalf("the device after retiring: %s", o.Data)
	}
	if _, page = port.get("/devices"); strings.Contains(page, "/retire") || !strings.Contains(page, English.T("devices.retired")) {
		t.Fatalf("the retired device's row:\n%s", page)
	}
}
