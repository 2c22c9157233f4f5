package storetest

import (
	"context"
	"encoding/json"
	"testing"

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
	pledgeFixture(t, env, []linkfin.AlertAction{linkfin.ActionStopFinancing, linkfin.ActionFreeze})
	mustRun(t, env, &services.MarkPrice{Mark: linkfin.PriceMark{ID: "copper", Currency: "CNY", Price: 60_000_00}})
	for _, r := range []linkfin.WarehouseReceipt{
		{ID: "R1", OwnerID: "trader", LotID: "LOT-7", Commodity: "copper", Quantity: 100, Unit: "t"},
		{ID: "R2", OwnerID: "trader", LotID: "LOT-8", Commodity: "copper", Quantity: 10, Unit: "t"},
	} {
		mustRun(t, env, &services.IssueWarehouseReceipt{Actor: "port", Receipt: r})
	}
	mustRun(t, env, &services.RequestPledgeLoan{Actor: "trader", ID: "w1", ReceiptID: "R1", ProgramID: "wh", FunderID: "factor"})
	mustRun(t, env, &services.AcceptPledgeLoan{Actor: "trader", ID: "w1", ReceiptID: "R1"})
	lot7 := newSensor(t, env, "port", "D-7", "LOT-7")

	list := func(v linkfin.Viewer) []linkfin.Alert {
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
