package http_test

import (
	"net/http"
	"strconv"
	"testing"

	"linkfin"
)

// TestShipmentKeepsItsLastReports: a shipment keeps the last MaxShipmentEvents of its
// carrier's reports and counts them all, so a carrier that reports often does not make
// each report rewrite every one before it; its history has the version each wrote.
func TestShipmentKeepsItsLastReports(t *testing.T) {
	p := newPlatform(t)
	reports := linkfin.MaxShipmentEvents + 5
	var s linkfin.Shipment
	for i := range reports {
		status := "in_transit"
		if i == 0 {
			status = "picked_up"
		}
		wantJSON(t, p.as("port", "POST", "/v1/shipments/SH-1/events", `{"status":"`+status+`","location":"km `+strconv.Itoa(i)+`"}`),
			http.StatusOK, &s)
	}
	wantJSON(t, p.as("tier1", "GET", "/v1/shipments/SH-1", ""), http.StatusOK, &s)
	if s.EventCount != reports || len(s.Events) != linkfin.MaxShipmentEvents || s.Events[0].Location != "km 5" ||
		s.Events[len(s.Events)-1].Location != "km "+strconv.Itoa(reports-1) || s.Status != linkfin.ShipmentInTransit {
		t.Fatalf("the shipment after %d reports: %d counted, %d kept, from %q to %q", reports, s.EventCount, len(s.Events),
			s.Events[0].Location, s.Events[len(s.Events)-1].Location)
	}
	var history linkfin.List[linkfin.EventOut]
	wantJSON(t, p.as("tier1", "GET", "/v1/shipments/SH-1/events?limit=1000", ""), http.StatusOK, &history)
	reported := 0
	for _, e := range history.Data {
		if e.Type == "shipment.picked_up" || e.Type == "shipment.in_transit" {
			reported++
		}
	}
	if reported != reports {
		t.Fatalf("the history holds %d reports of %d", reported, reports)
	}
}
