package storetest

import (
	"context"
	"crypto/ed25519"
	"encoding/json"
	"slices"
	"strings"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
)

// testAlerts: a signed reading of a pledged lot raises nothing at the quantity pledged
// and a red alert one unit under it, in the reading's batch; the loan freezes and is
// not disbursed; the program stops the supplier's new requests, refused naming the
// alert, until a watcher resolves it. The program's anchor and funder list it, the
// supplier and the warehouse do not; acknowledging and resolving keep who and why.
func testAlerts(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	pledgedLots(t, env, []linkfin.AlertAction{linkfin.ActionStopFinancing, linkfin.ActionFreeze})
	lot7 := newSensor(t, env, "port", "D-7", "LOT-7")
	// A quote the trader holds before the alert: the stop refuses its acceptance too.
	early := &services.RequestPledgeLoan{Actor: "trader", ID: "w0", ReceiptID: "R2", ProgramID: "wh", FunderID: "factor"}
	if _, err := run[linkfin.Financing](t, env, early); err != nil {
		t.Fatal(err)
	}

	list := func(v linkfin.Viewer) []linkfin.Alert { t.Helper(); return alertsOf(t, env, v) }
	// The lot counted whole: nothing.
	if _, err := lot7.count(t, env, "port", "R1", 100); err != nil {
		t.Fatal(err)
	}
	if got := list(linkfin.Viewer{Operator: true}); len(got) != 0 {
		t.Fatalf("a whole count raised %+v", got)
	}
	// One tonne short: a red alert, the loan frozen and not disbursed.
	if _, err := lot7.count(t, env, "port", "R1", 99); err != nil {
		t.Fatal(err)
	}
	got := list(linkfin.Viewer{Org: "factor"})
	if len(got) != 1 || got[0].Rule != linkfin.RuleTelemetryBelowPledge || got[0].Level != linkfin.AlertRed || got[0].SupplierID != "trader" ||
		got[0].FinancingID != "w1" || got[0].Status != linkfin.AlertOpen || len(got[0].Actions) != 3 {
		t.Fatalf("the funder's alerts: %+v", got)
	}
	a := got[0]
	if len(list(linkfin.Viewer{Org: "anchor"})) != 1 || len(list(linkfin.Viewer{Org: "trader"})) != 0 || len(list(linkfin.Viewer{Org: "port"})) != 0 {
		t.Fatal("the alert is listed to the wrong organizations")
	}
	if _, err := run[linkfin.Financing](t, env, &services.DisburseFinancing{Actor: "factor", ID: "w1"}); !refusal(err, linkfin.ECONFLICT, "frozen") {
		t.Fatalf("disbursing the frozen loan: %v", err)
	}
	if _, err := run[linkfin.Financing](t, env, &services.AcceptPledgeLoan{Actor: "trader", ID: "w0", ReceiptID: "R2"}); !refusal(err, linkfin.EFINANCINGSTOPPED, a.ID) {
		t.Fatalf("accepting a quote made before the stop: %v", err)
	}
	if f := record[linkfin.Financing](t, env, linkfin.KindFinancing, "w0"); f.Status != linkfin.FinancingQuoted {
		t.Fatalf("the refused acceptance left the quote %s", f.Status)
	}
	// The trader's next request is refused, naming the alert; acknowledging does not lift it.
	req := &services.RequestPledgeLoan{Actor: "trader", ID: "w2", ReceiptID: "R2", ProgramID: "wh", FunderID: "factor"}
	if _, err := run[linkfin.Financing](t, env, req); !refusal(err, linkfin.EFINANCINGSTOPPED, a.ID) {
		t.Fatalf("a stopped supplier's request: %v", err)
	}
	if _, err := run[linkfin.Alert](t, env, &services.ActOnAlert{Actor: "trader", ID: a.ID, Reason: "mine"}); !refusal(err, linkfin.ENOTFOUND, a.ID) {
		t.Fatalf("the supplier acting on its alert: %v", err)
	}
	if _, err := run[linkfin.Alert](t, env, &services.ActOnAlert{Actor: "factor", By: "user:ana", ID: a.ID, Reason: "counting"}); err != nil {
		t.Fatal(err)
	}
	if _, err := run[linkfin.Financing](t, env, req); !refusal(err, linkfin.EFINANCINGSTOPPED, a.ID) {
		t.Fatalf("a stopped supplier's request, the alert acknowledged: %v", err)
	}
	done, err := run[linkfin.Alert](t, env, &services.ActOnAlert{Actor: "anchor", By: "user:li", ID: a.ID, Resolve: true, Reason: "recounted"})
	if err != nil {
		t.Fatal(err)
	}
	if done.Status != linkfin.AlertResolved || done.AcknowledgedBy != "user:ana" || done.AcknowledgedReason != "counting" ||
		done.ResolvedBy != "user:li" || done.ResolvedReason != "recounted" {
		t.Fatalf("the resolved alert: %+v", done)
	}
	if _, err := run[linkfin.Financing](t, env, req); err != nil {
		t.Fatalf("the request once the alert is resolved: %v", err)
	}
}

// alertsOf lists the alerts the viewer sees.
func alertsOf(t *testing.T, env *Env, v linkfin.Viewer) []linkfin.Alert {
	t.Helper()
	page, err := services.List(context.Background(), env.Store, v, linkfin.KindAlert, services.Filter{}, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	out := make([]linkfin.Alert, len(page.Data))
	for i, raw := range page.Data {
		if err := json.Unmarshal(raw, &out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

// runDue runs what the scheduler finds due now, as serve does.
func runDue(t *testing.T, env *Env) {
	t.Helper()
	cs, err := services.Due(context.Background(), env.Records(), env.Clock.Now())
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range cs {
		mustRun(t, env, c)
	}
}

// testLateShipments: orders of a program due by 2 November, its allowance the default
// 3 days. Goods received on the 5th, 3 days late, raise nothing; on the 6th a goods
// receipt and a shipment reported delivered each raise late_shipment in their own
// batch, and the scheduler raises it for the order with nothing received — not on the
// 5th, once on the 6th, and not again on the 7th. Orders received in full on time, or
// without a deliver_by date, are never listed.
func testLateShipments(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	financingFixture(t, env)
	mustRun(t, env, &services.CreateOrganization{Org: linkfin.Organization{ID: "carrier", Name: "Fast Freight",
		Capabilities: []linkfin.Capability{linkfin.CapLogistics}}})
	for _, bad := range []int{-1, linkfin.MaxLateShipmentAllowanceDays + 1} {
		_, err := run[linkfin.Program](t, env, &services.CreateProgram{Actor: "anchor", Program: linkfin.Program{ID: "late", Name: "Late",
			Currency: "CNY", Limit: 1_000_00, Products: []linkfin.Product{linkfin.ProductFactoring}, MaxTenorDays: 90,
			AdvanceRate: mustRate(t, "0.8"), DayCount: linkfin.ACT360, Calendar: "CN", LateShipmentAllowanceDays: &bad}})
		if !refusal(err, linkfin.EINVALID, "late_shipment_allowance_days") {
			t.Fatalf("an allowance of %d days: %v", bad, err)
		}
	}
	due := date(t, "2026-11-02")
	order := func(id string, deliverBy *linkfin.Date) {
		t.Helper()
		po, err := run[linkfin.PurchaseOrder](t, env, &services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: id, Number: id,
			SellerID: "tier1", ProgramID: "auto-scf", Currency: "CNY", DeliverBy: deliverBy,
			Lines: []linkfin.POLine{{LineID: "L1", Item: "brake disc", Quantity: 10, Unit: "pc", UnitPrice: 12_50}}}})
		if err != nil {
			t.Fatal(err)
		}
		if deliverBy != nil && (po.LateFrom == nil || po.LateFrom.String() != "2026-11-06") {
			t.Fatalf("order %s is late from %v", id, po.LateFrom)
		}
		mustRun(t, env, &services.AcceptPurchaseOrder{Actor: "tier1", ID: id})
	}
	for _, id := range []string{"po-edge", "po-gr", "po-ship", "po-none", "po-ontime"} {
		order(id, &due)
	}
	order("po-nodate", nil)
	ship, err := run[linkfin.Shipment](t, env, &services.CreateShipment{Actor: "tier1", Shipment: linkfin.Shipment{POID: "po-ship", CarrierID: "carrier"}})
	if err != nil {
		t.Fatal(err)
	}
	onTime, err := run[linkfin.Shipment](t, env, &services.CreateShipment{Actor: "tier1", Shipment: linkfin.Shipment{POID: "po-ontime", CarrierID: "carrier"}})
	if err != nil {
		t.Fatal(err)
	}
	receive(t, env, "po-ontime", linkfin.ReceiptLine{LineID: "L1", Accepted: 10})
	late := func() []linkfin.Alert {
		var out []linkfin.Alert
		for _, a := range alertsOf(t, env, linkfin.Viewer{Operator: true}) {
			if a.Rule == linkfin.RuleLateShipment {
				out = append(out, a)
			}
		}
		return out
	}
	// The 5th: three days late, the allowance, raises nothing.
	env.Clock.Advance(3 * 24 * time.Hour)
	receive(t, env, "po-edge", linkfin.ReceiptLine{LineID: "L1", Accepted: 10})
	runDue(t, env)
	if got := late(); len(got) != 0 {
		t.Fatalf("late alerts within the allowance: %+v", got)
	}
	// The 6th: four days late.
	env.Clock.Advance(24 * time.Hour)
	receive(t, env, "po-gr", linkfin.ReceiptLine{LineID: "L1", Accepted: 4})
	mustRun(t, env, &services.ReportShipmentEvent{Actor: "carrier", ShipmentID: ship.ID, Status: linkfin.ShipmentDelivered})
	// Goods received in full on time and reported delivered late raise nothing.
	mustRun(t, env, &services.ReportShipmentEvent{Actor: "carrier", ShipmentID: onTime.ID, Status: linkfin.ShipmentDelivered})
	got := late()
	if len(got) != 2 || got[0].SubjectKind != linkfin.KindGoodsReceipt || got[1].SubjectKind != linkfin.KindShipment || got[1].SubjectID != ship.ID {
		t.Fatalf("the late arrivals raised %+v", got)
	}
	runDue(t, env)
	got = late()
	if len(got) != 3 || got[2].SubjectKind != linkfin.KindPurchaseOrder || got[2].SubjectID != "po-none" {
		t.Fatalf("the scheduler on the late day raised %+v", got)
	}
	for _, a := range got {
		if a.Level != linkfin.AlertYellow || a.SupplierID != "tier1" || a.ProgramID != "auto-scf" || !slices.Contains(a.Watchers, "bank") ||
			!strings.Contains(a.Evidence, "4 days late") && !strings.Contains(a.Evidence, "4 days later") {
			t.Fatalf("a late alert: %+v", a)
		}
	}
	for _, id := range []string{"po-gr", "po-ship", "po-none"} {
		if po := record[linkfin.PurchaseOrder](t, env, linkfin.KindPurchaseOrder, id); po.LateAlertID == "" {
			t.Fatalf("order %s names no late alert", id)
		}
	}
	// An alert on the supplier's trade alone: a funder of the program watches it and
	// acknowledges it, but does not resolve it (resolving lifts what the anchor's
	// program set); the anchor does.
	if _, err := run[linkfin.Alert](t, env, &services.ActOnAlert{Actor: "bank", ID: got[0].ID, Resolve: true, Reason: "fine"}); !refusal(err, linkfin.EFORBIDDEN, "anchor") {
		t.Fatalf("a funder resolving an alert on a supplier: %v", err)
	}
	mustRun(t, env, &services.ActOnAlert{Actor: "bank", ID: got[0].ID, Reason: "asked the supplier"})
	mustRun(t, env, &services.ActOnAlert{Actor: "anchor", ID: got[0].ID, Resolve: true, Reason: "the goods came"})
	// The 7th: each order once; the rest of po-gr, arriving now, raises nothing more.
	env.Clock.Advance(24 * time.Hour)
	receive(t, env, "po-gr", linkfin.ReceiptLine{LineID: "L1", Accepted: 6})
	if cs, err := services.LateOrders(context.Background(), env.Records(), linkfin.BusinessDate(env.Clock.Now())); err != nil || len(cs) != 0 {
		t.Fatalf("orders flagged again: %v, %v", cs, err)
	}
	runDue(t, env)
	if got := late(); len(got) != 3 {
		t.Fatalf("late alerts a day after: %+v", got)
	}
	env.MustVerify()
}

// testSilentSensors: a device of a pledged lot registered with a heartbeat of 600 s.
// Silent for exactly 600 s it raises nothing; one second more and the scheduler marks
// it silent and raises sensor_silent on the loan, once: later runs raise nothing more.
// Its next reading ends the silence, and a new silence raises a new alert. A silent
// device of a lot that backs no loan is marked, with no alert; a device without a
// heartbeat is never watched; a heartbeat under a minute is refused.
func testSilentSensors(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	pledgedLots(t, env, nil)
	mustRun(t, env, &services.DisburseFinancing{Actor: "factor", ID: "w1"})
	key := func(id string) ed25519.PublicKey { return deviceKey(id).Public().(ed25519.PublicKey) }
	if _, err := run[linkfin.Device](t, env, &services.RegisterDevice{Actor: "port", Device: linkfin.Device{ID: "D-x", LotID: "LOT-7",
		PublicKey: key("D-x"), HeartbeatSeconds: linkfin.MinHeartbeatSeconds - 1}}); !refusal(err, linkfin.EINVALID, "heartbeat_seconds") {
		t.Fatalf("a heartbeat under a minute: %v", err)
	}
	lot7 := &sensor{id: "D-7", key: deviceKey("D-7")}
	for _, d := range []linkfin.Device{
		{ID: "D-7", LotID: "LOT-7", PublicKey: lot7.public(), HeartbeatSeconds: 600},
		{ID: "D-8", LotID: "LOT-8", PublicKey: key("D-8"), HeartbeatSeconds: 600},
		{ID: "D-0", LotID: "LOT-7", PublicKey: key("D-0")},
	} {
		mustRun(t, env, &services.RegisterDevice{Actor: "port", Device: d})
	}
	if _, err := lot7.count(t, env, "port", "R1", 100); err != nil {
		t.Fatal(err)
	}
	silent := func() []linkfin.Alert {
		var out []linkfin.Alert
		for _, a := range alertsOf(t, env, linkfin.Viewer{Operator: true}) {
			if a.Rule == linkfin.RuleSensorSilent {
				out = append(out, a)
			}
		}
		return out
	}
	device := func(id string) linkfin.Device { return record[linkfin.Device](t, env, linkfin.KindDevice, id) }
	env.Clock.Advance(600 * time.Second)
	runDue(t, env)
	if got := silent(); len(got) != 0 || device("D-7").SilentSince != nil {
		t.Fatalf("silent for exactly its heartbeat: %+v", got)
	}
	env.Clock.Advance(time.Second)
	runDue(t, env)
	got := silent()
	if len(got) != 1 || got[0].Level != linkfin.AlertOrange || got[0].SubjectID != "D-7" || got[0].FinancingID != "w1" ||
		got[0].SupplierID != "trader" || !slices.Contains(got[0].Watchers, "factor") || !strings.Contains(got[0].Evidence, "heartbeat is 600 s") {
		t.Fatalf("silent for 601 s: %+v", got)
	}
	if device("D-7").SilentSince == nil || device("D-8").SilentSince == nil || device("D-0").SilentSince != nil {
		t.Fatalf("marked silent: D-7 %v, D-8 %v, D-0 %v", device("D-7").SilentSince, device("D-8").SilentSince, device("D-0").SilentSince)
	}
	env.Clock.Advance(600 * time.Second)
	if cs, err := services.SilentDevices(context.Background(), env.Records(), env.Clock.Now()); err != nil || len(cs) != 0 {
		t.Fatalf("devices flagged again: %v, %v", cs, err)
	}
	runDue(t, env)
	if got := silent(); len(got) != 1 {
		t.Fatalf("one silence raised again: %+v", got)
	}
	// It reports again: the silence is over, and the next one raises a new alert.
	if _, err := lot7.count(t, env, "port", "R1", 100); err != nil {
		t.Fatal(err)
	}
	if d := device("D-7"); d.SilentSince != nil || d.ReceiptID != "R1" {
		t.Fatalf("after a reading: %+v", d)
	}
	env.Clock.Advance(601 * time.Second)
	runDue(t, env)
	if got := silent(); len(got) != 2 || got[1].SubjectID != "D-7" || got[1].ID == got[0].ID {
		t.Fatalf("a second silence: %+v", got)
	}
	env.MustVerify()
}

// testMarginCall: a program whose alerts make margin calls. A lot counted whole calls
// nothing; one tonne short of 100, the borrower is called to repay 1 % of what the loan
// owes, rounded up to the fen, within the program's 5 days, on the loan and on the
// alert; repaying the loan meets it. Another loan's call is withdrawn when its alert is
// resolved, by the funder alone: the anchor does not withdraw it, and another funder
// of the program does not see it. A margin call period outside 1 to 30 days is
// refused.
func testMarginCall(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	pledgeFixture(t, env, []linkfin.AlertAction{linkfin.ActionMarginCall})
	for _, bad := range []int{0, linkfin.MaxMarginCallDays + 1} {
		ltv := mustRate(t, "0.75")
		_, err := run[linkfin.Program](t, env, &services.CreateProgram{Actor: "anchor", Program: linkfin.Program{ID: "mc", Name: "Calls",
			Currency: "CNY", Limit: 1_000_00, Products: []linkfin.Product{linkfin.ProductWarehousePledge}, MaxTenorDays: 90,
			AdvanceRate: mustRate(t, "0.6"), MarginCallLTV: &ltv, DayCount: linkfin.ACT360, Calendar: "CN", MarginCallDays: &bad}})
		if !refusal(err, linkfin.EINVALID, "margin_call_days") {
			t.Fatalf("a margin call period of %d days: %v", bad, err)
		}
	}
	mustRun(t, env, &services.MarkPrice{Mark: linkfin.PriceMark{ID: "copper", Currency: "CNY", Price: 60_000_00}})
	for _, r := range []linkfin.WarehouseReceipt{
		{ID: "R1", OwnerID: "trader", LotID: "LOT-7", Commodity: "copper", Quantity: 100, Unit: "t"},
		{ID: "R2", OwnerID: "trader", LotID: "LOT-8", Commodity: "copper", Quantity: 3, Unit: "t"},
	} {
		mustRun(t, env, &services.IssueWarehouseReceipt{Actor: "port", Receipt: r})
	}
	// A second funder of the program, which finances none of the loans.
	mustRun(t, env, &services.CreateOrganization{Org: linkfin.Organization{ID: "rival", Name: "Rival Bank", Capabilities: []linkfin.Capability{linkfin.CapFund}}})
	mustRun(t, env, &services.InviteFunder{Actor: "anchor", ProgramID: "wh", FunderID: "rival", Limit: 1_000_000_00,
		Pricing: linkfin.Pricing{FixedRate: func() *linkfin.Rate { r := mustRate(t, "0.05"); return &r }()}})
	mustRun(t, env, &services.AcceptFunder{Actor: "rival", ProgramID: "wh"})
	for _, l := range [][2]string{{"w1", "R1"}, {"w2", "R2"}} {
		mustRun(t, env, &services.RequestPledgeLoan{Actor: "trader", ID: l[0], ReceiptID: l[1], ProgramID: "wh", FunderID: "factor"})
		mustRun(t, env, &services.AcceptPledgeLoan{Actor: "trader", ID: l[0], ReceiptID: l[1]})
		mustRun(t, env, &services.DisburseFinancing{Actor: "factor", ID: l[0]})
	}
	lot7, lot8 := newSensor(t, env, "port", "D-7", "LOT-7"), newSensor(t, env, "port", "D-8", "LOT-8")
	loan := func(id string) linkfin.Financing { return record[linkfin.Financing](t, env, linkfin.KindFinancing, id) }
	if _, err := lot7.count(t, env, "port", "R1", 100); err != nil {
		t.Fatal(err)
	}
	if f := loan("w1"); f.MarginDemand != nil {
		t.Fatalf("a whole count called margin: %+v", f.MarginDemand)
	}
	if _, err := lot7.count(t, env, "port", "R1", 99); err != nil {
		t.Fatal(err)
	}
	// 3,600,000.00 lent and 45,500.00 interest (91 days: the 90th day is a Sunday): 1 %
	// is 36,455.00, due in 5 days on a business day (2026-11-07 is a Saturday).
	f := loan("w1")
	d := f.MarginDemand
	if d == nil || d.Amount != 36_455_00 || d.Currency != "CNY" || d.DueDate != date(t, "2026-11-09") || d.Status != linkfin.MarginDemandCalled {
		t.Fatalf("the margin call: %+v", d)
	}
	a := alertsOf(t, env, linkfin.Viewer{Org: "factor"})
	if len(a) != 1 || a[0].ID != d.AlertID || a[0].MarginDemand == nil || a[0].MarginDemand.Amount != d.Amount ||
		!slices.Contains(a[0].Actions, linkfin.ActionMarginCall) {
		t.Fatalf("the alert of the call: %+v", a)
	}
	// Three tonnes, one short: a third of what w2 owes, rounded up.
	if _, err := lot8.count(t, env, "port", "R2", 2); err != nil {
		t.Fatal(err)
	}
	w2 := loan("w2")
	owed, _ := w2.Owed()
	if d2 := w2.MarginDemand; d2 == nil || d2.Amount != (owed+2)/3 || d2.Status != linkfin.MarginDemandCalled {
		t.Fatalf("w2's margin call on %d owed: %+v", owed, d2)
	}
	mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: "dep-trader", OrgID: "trader", Currency: "CNY", Amount: 100_000_00})
	mustRun(t, env, &services.RepayPledgeLoan{Actor: "trader", ID: "w1"})
	if d := loan("w1").MarginDemand; d == nil || d.Status != linkfin.MarginDemandMet || d.ClosedAt == nil {
		t.Fatalf("the call once the loan is repaid: %+v", d)
	}
	// The call is the funder's to withdraw: the anchor, which watches the alert,
	// acknowledges it but does not resolve it while the call is open; another funder
	// of the program does not even see it.
	if _, err := run[linkfin.Alert](t, env, &services.ActOnAlert{Actor: "anchor", ID: w2.MarginDemand.AlertID, Resolve: true, Reason: "fine"}); !refusal(err, linkfin.EFORBIDDEN, "margin call") {
		t.Fatalf("the anchor withdrawing the funder's margin call: %v", err)
	}
	if _, err := run[linkfin.Alert](t, env, &services.ActOnAlert{Actor: "rival", ID: w2.MarginDemand.AlertID, Resolve: true, Reason: "fine"}); !refusal(err, linkfin.ENOTFOUND, w2.MarginDemand.AlertID) {
		t.Fatalf("another funder withdrawing the margin call: %v", err)
	}
	if got := alertsOf(t, env, linkfin.Viewer{Org: "rival"}); len(got) != 0 {
		t.Fatalf("another funder of the program sees the alerts on factor's loans: %+v", got)
	}
	if d := loan("w2").MarginDemand; d == nil || d.Status != linkfin.MarginDemandCalled {
		t.Fatalf("the call after the refusals: %+v", d)
	}
	mustRun(t, env, &services.ActOnAlert{Actor: "factor", ID: w2.MarginDemand.AlertID, Resolve: true, Reason: "two tonnes moved to LOT-9, counted"})
	if d := loan("w2").MarginDemand; d == nil || d.Status != linkfin.MarginDemandWithdrawn {
		t.Fatalf("the call once its alert is resolved: %+v", d)
	}
	env.MustVerify()
}

// testReadingBounds: a device of a pledged lot registered with a temperature range, a
// geofence and door hours. Readings at each edge raise nothing; one thousandth of a
// degree, one millionth of a degree, one minute past each raises its rule, each reading
// its own alert. The figures are signed: one altered after signing is forged. A lot
// that backs no loan raises nothing; bounds that make no sense are refused.
func testReadingBounds(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	pledgedLots(t, env, nil)
	mustRun(t, env, &services.DisburseFinancing{Actor: "factor", ID: "w1"})
	temp := &linkfin.TemperatureRange{Min: -18000, Max: -15000}
	fence := &linkfin.Geofence{MinLat: 31_000_000, MaxLat: 31_100_000, MinLon: 121_400_000, MaxLon: 121_500_000}
	hours := &linkfin.DoorHours{From: "08:00", Until: "18:00"} // China's time: 00:00 to 10:00 UTC
	for _, bad := range []linkfin.Device{
		{ID: "D-x", Temperature: &linkfin.TemperatureRange{Min: -15000, Max: -18000}},
		{ID: "D-x", Geofence: &linkfin.Geofence{MinLat: 0, MaxLat: linkfin.MaxLatitude + 1}},
		{ID: "D-x", DoorHours: &linkfin.DoorHours{From: "08:00", Until: "24:00"}},
		{ID: "D-x", DoorHours: &linkfin.DoorHours{From: "08:00", Until: "08:00"}},
	} {
		bad.LotID, bad.PublicKey = "LOT-7", make([]byte, ed25519.PublicKeySize)
		if _, err := run[linkfin.Device](t, env, &services.RegisterDevice{Actor: "port", Device: bad}); !refusal(err, linkfin.EINVALID, "") {
			t.Fatalf("bounds %+v %+v %+v: %v", bad.Temperature, bad.Geofence, bad.DoorHours, err)
		}
	}
	sensors := map[string]*sensor{}
	for _, lot := range []string{"LOT-7", "LOT-8"} {
		id := "D-" + lot[4:]
		s := &sensor{id: id, key: deviceKey(id)}
		mustRun(t, env, &services.RegisterDevice{Actor: "port", Device: linkfin.Device{ID: id, LotID: lot, PublicKey: s.public(),
			Temperature: temp, Geofence: fence, DoorHours: hours}})
		sensors[lot] = s
	}
	i64 := func(v int64) *int64 { return &v }
	isOpen, closed := true, false
	read := func(lot, receipt string, qty int64, set func(r *linkfin.Reading)) error {
		t.Helper()
		s := sensors[lot]
		s.seq++
		r := linkfin.Reading{DeviceID: s.id, ReceiptID: receipt, Sequence: s.seq, ReadAt: env.Clock.Now(), Quantity: qty}
		set(&r)
		r.Sign(s.key)
		_, err := run[linkfin.WarehouseReceipt](t, env, &services.ReportTelemetry{Actor: "port", ReceiptID: receipt, Reading: r})
		return err
	}
	rules := func() []string {
		var out []string
		for _, a := range alertsOf(t, env, linkfin.Viewer{Org: "factor"}) {
			out = append(out, a.Rule)
		}
		return out
	}
	want := func(what string, rs ...string) {
		t.Helper()
		if got := rules(); !slices.Equal(got, rs) {
			t.Fatalf("%s: alerts %v, want %v", what, got, rs)
		}
	}
	for _, set := range []func(r *linkfin.Reading){
		func(r *linkfin.Reading) { r.Temperature = i64(-15000) },
		func(r *linkfin.Reading) { r.Temperature = i64(-18000) },
		func(r *linkfin.Reading) { r.Latitude, r.Longitude = i64(31_100_000), i64(121_400_000) },
		func(r *linkfin.Reading) { r.Latitude, r.Longitude = i64(31_000_000), i64(121_500_000) },
		func(r *linkfin.Reading) { r.DoorOpen = &isOpen }, // 17:00 in China
	} {
		if err := read("LOT-7", "R1", 100, set); err != nil {
			t.Fatal(err)
		}
	}
	want("readings at the edges")
	// Altered after signing: forged.
	s7 := sensors["LOT-7"]
	s7.seq++
	forged := linkfin.Reading{DeviceID: s7.id, ReceiptID: "R1", Sequence: s7.seq, ReadAt: env.Clock.Now(), Quantity: 100, Temperature: i64(-16000)}
	forged.Sign(s7.key)
	*forged.Temperature = -20000
	if _, err := run[linkfin.WarehouseReceipt](t, env, &services.ReportTelemetry{Actor: "port", ReceiptID: "R1", Reading: forged}); !refusal(err, linkfin.ETELEMETRYFORGED, "") {
		t.Fatalf("a temperature altered after signing: %v", err)
	}
	if err := read("LOT-7", "R1", 100, func(r *linkfin.Reading) { r.Latitude = i64(31_000_000) }); !refusal(err, linkfin.EINVALID, "both") {
		t.Fatalf("a latitude without a longitude: %v", err)
	}
	if err := read("LOT-7", "R1", 100, func(r *linkfin.Reading) { r.Temperature = i64(-14999) }); err != nil {
		t.Fatal(err)
	}
	want("a thousandth of a degree warm", linkfin.RuleTemperature)
	if err := read("LOT-7", "R1", 100, func(r *linkfin.Reading) { r.Temperature = i64(-18001) }); err != nil {
		t.Fatal(err)
	}
	want("a thousandth of a degree cold", linkfin.RuleTemperature, linkfin.RuleTemperature)
	if err := read("LOT-7", "R1", 100, func(r *linkfin.Reading) { r.Latitude, r.Longitude = i64(31_100_001), i64(121_450_000) }); err != nil {
		t.Fatal(err)
	}
	want("a millionth of a degree north", linkfin.RuleTemperature, linkfin.RuleTemperature, linkfin.RuleGeofence)
	// 17:59 in China, the door open: within its hours; at 18:00 closed, then open.
	env.Clock.Advance(59 * time.Minute)
	if err := read("LOT-7", "R1", 100, func(r *linkfin.Reading) { r.DoorOpen = &isOpen }); err != nil {
		t.Fatal(err)
	}
	env.Clock.Advance(time.Minute)
	if err := read("LOT-7", "R1", 100, func(r *linkfin.Reading) { r.DoorOpen = &closed }); err != nil {
		t.Fatal(err)
	}
	want("the door within its hours, and closed after", linkfin.RuleTemperature, linkfin.RuleTemperature, linkfin.RuleGeofence)
	if err := read("LOT-7", "R1", 100, func(r *linkfin.Reading) { r.DoorOpen = &isOpen }); err != nil {
		t.Fatal(err)
	}
	all := alertsOf(t, env, linkfin.Viewer{Org: "factor"})
	if len(all) != 4 || all[3].Rule != linkfin.RuleDoorOutsideHours || all[3].FinancingID != "w1" || all[3].SupplierID != "trader" ||
		all[2].Level != linkfin.AlertRed || !strings.Contains(all[2].Evidence, "31.100001") || !strings.Contains(all[0].Evidence, "-14.999") {
		t.Fatalf("the alerts: %+v", all)
	}
	// The lot of no loan: nothing.
	if err := read("LOT-8", "R2", 10, func(r *linkfin.Reading) { r.Temperature, r.DoorOpen = i64(0), &isOpen }); err != nil {
		t.Fatal(err)
	}
	if got := alertsOf(t, env, linkfin.Viewer{Operator: true}); len(got) != 4 {
		t.Fatalf("a lot of no loan raised alerts: %+v", got[4:])
	}
	w := record[linkfin.WarehouseReceipt](t, env, linkfin.KindWarehouseReceipt, "R1")
	if w.Reading == nil || w.Reading.DoorOpen == nil || !*w.Reading.DoorOpen || !w.Reading.Verify(w.Reading.PublicKey) {
		t.Fatalf("the receipt keeps the reading as signed: %+v", w.Reading)
	}
	env.MustVerify()
}

// testPaymentTerms: the buyer's payment terms with its seller. Set while the seller
// has no financed receivable from the buyer outstanding, they raise nothing; changed
// while one is (a discounted piece of the buyer's certificate), they raise
// payment_terms_changed under its program, one alert for each funder of them naming
// its own financings, orange when lengthened, yellow when shortened; set to what they
// are, nothing. Only the buyer sets them; its invoices
// that state no due date are dated by them.
func testPaymentTerms(t *testing.T, open Opener) {
	env := certificateFixture(t, open)
	ctx := context.Background()
	set := func(actor string, days int) (*linkfin.Relationship, error) {
		t.Helper()
		financed, err := services.FinancedReceivables(ctx, env.Store, "anchor", "tier1")
		if err != nil {
			t.Fatal(err)
		}
		return run[linkfin.Relationship](t, env, &services.SetPaymentTerms{Actor: actor, BuyerID: "anchor", SellerID: "tier1", Days: days, Financed: financed})
	}
	terms := func() []linkfin.Alert {
		var out []linkfin.Alert
		for _, a := range alertsOf(t, env, linkfin.Viewer{Operator: true}) {
			if a.Rule == linkfin.RulePaymentTermsChanged {
				out = append(out, a)
			}
		}
		return out
	}
	if _, err := set("tier1", 60); !refusal(err, linkfin.EFORBIDDEN, "only the buyer") {
		t.Fatalf("the seller setting the buyer's terms: %v", err)
	}
	if _, err := set("tier2", 60); !refusal(err, linkfin.ENOTFOUND, "") {
		t.Fatalf("a stranger setting them: %v", err)
	}
	if _, err := set("anchor", linkfin.MaxTenorDays+1); !refusal(err, linkfin.EINVALID, "payment_terms_days") {
		t.Fatalf("terms too long: %v", err)
	}
	rel, err := set("anchor", 60)
	if err != nil || rel.PaymentTermsDays == nil || *rel.PaymentTermsDays != 60 || len(terms()) != 0 {
		t.Fatalf("terms with nothing financed: %+v, %v, %+v", rel, err, terms())
	}
	// An invoice that states no due date is due 60 days after its issue.
	order := linkfin.PurchaseOrder{ID: "po-t", Number: "po-t", SellerID: "tier1", Currency: "CNY",
		Lines: []linkfin.POLine{{LineID: "L1", Item: "bolt", Quantity: 10, Unit: "pc", UnitPrice: 1_00}}}
	mustRun(t, env, &services.CreatePurchaseOrder{Actor: "anchor", Order: order})
	mustRun(t, env, &services.AcceptPurchaseOrder{Actor: "tier1", ID: "po-t"})
	inv, err := run[linkfin.Invoice](t, env, &services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{Number: "INV-T", BuyerID: "anchor",
		POID: "po-t", Currency: "CNY", IssueDate: date(t, "2026-11-02"),
		Lines: []linkfin.InvoiceLine{{LineID: "L1", Quantity: 10, UnitPrice: 1_00, Amount: 10_00}}, Total: 10_00}})
	if err != nil || inv.DueDate != date(t, "2027-01-01") {
		t.Fatalf("an invoice under the buyer's terms: %+v, %v", inv, err)
	}
	// tier1 discounts the anchor's piece: a financed receivable of the anchor's.
	mustRun(t, env, &services.RequestCertificateDiscounting{Actor: "tier1", ID: "f1", ProgramID: "auto-scf", PieceID: "c1", FunderID: "bank"})
	mustRun(t, env, &services.AcceptCertificateDiscounting{Actor: "tier1", ID: "f1", PieceID: "c1"})
	mustRun(t, env, &services.DisburseFinancing{Actor: "bank", ID: "f1"})
	// And another piece, of another payable, with factor: each funder's alert names
	// its own financing alone, and only it and the anchor see it.
	p2 := approvedPayable(t, env, 2, 100, 1_000_00, "2027-01-31")
	mustRun(t, env, &services.IssueCertificate{Actor: "anchor", ID: "c2", ProgramID: "auto-scf", PayableIDs: []string{p2.ID}})
	mustRun(t, env, &services.RequestCertificateDiscounting{Actor: "tier1", ID: "f2", ProgramID: "auto-scf", PieceID: "c2", FunderID: "factor"})
	mustRun(t, env, &services.AcceptCertificateDiscounting{Actor: "tier1", ID: "f2", PieceID: "c2"})
	mustRun(t, env, &services.DisburseFinancing{Actor: "factor", ID: "f2"})
	if _, err := set("anchor", 60); err != nil || len(terms()) != 0 {
		t.Fatalf("terms set to what they are: %v, %+v", err, terms())
	}
	if _, err := set("anchor", 90); err != nil {
		t.Fatal(err)
	}
	got := terms()
	if len(got) != 2 {
		t.Fatalf("terms lengthened, two funders' financings outstanding: %+v", got)
	}
	for i, want := range []struct{ funder, financing, other string }{{"bank", "f1", "f2"}, {"factor", "f2", "f1"}} {
		a := got[i]
		if a.Level != linkfin.AlertOrange || a.FinancingID != want.financing || a.ProgramID != "auto-scf" ||
			a.SupplierID != "tier1" || a.SubjectID != rel.ID || !strings.Contains(a.Evidence, "from 60 days to 90 days") ||
			!strings.Contains(a.Evidence, "1 financing(s)") || strings.Contains(a.Evidence, want.other) ||
			!slices.Equal(a.Watchers, []string{"anchor", want.funder}) {
			t.Fatalf("terms lengthened, %s's alert: %+v", want.funder, a)
		}
		if mine := alertsOf(t, env, linkfin.Viewer{Org: want.funder}); len(mine) != 1 || mine[0].ID != a.ID {
			t.Fatalf("the alerts %s sees: %+v", want.funder, mine)
		}
	}
	if _, err := set("anchor", 30); err != nil {
		t.Fatal(err)
	}
	if got := terms(); len(got) != 4 || got[2].Level != linkfin.AlertYellow || !strings.Contains(got[2].Evidence, "shortened") ||
		got[3].Level != linkfin.AlertYellow || got[3].FinancingID != "f2" {
		t.Fatalf("terms shortened: %+v", got)
	}
	env.MustVerify()
}
