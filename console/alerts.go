package console

import (
	"net/http"
	"strings"

	"linkfin"
	"linkfin/services"
)

func init() { pageNames = append(pageNames, "alerts") }

// alertsView is a page of the alerts the person's organization watches, as every
// list page shows it (status filter, next page, CSV), and whether it may acknowledge
// and resolve them.
type alertsView struct {
	List *listView[linkfin.Alert]
	Rows []alertRow
	Act  bool
}

// alertRow is an alert with the messages of its rule, level, status and actions.
type alertRow struct {
	linkfin.Alert
	RuleKey, LevelKey, StatusKey string
	ActionKeys                   []string
}

// alertWords are the messages of the alerts' rules, levels, statuses and actions.
var alertWords = map[string]string{
	linkfin.RuleCreditedAfterFinancing:  "alerts.rule.invoice_credited_after_financing",
	linkfin.RuleDisputedAfterFinancing:  "alerts.rule.invoice_disputed_after_financing",
	linkfin.RuleTelemetryBelowPledge:    "alerts.rule.telemetry_below_pledge",
	linkfin.RuleLateShipment:            "alerts.rule.late_shipment",
	linkfin.RuleSensorSilent:            "alerts.rule.sensor_silent",
	linkfin.RuleTemperature:             "alerts.rule.telemetry_temperature_out_of_range",
	linkfin.RuleGeofence:                "alerts.rule.telemetry_outside_geofence",
	linkfin.RuleDoorOutsideHours:        "alerts.rule.door_opened_outside_hours",
	linkfin.RulePaymentTermsChanged:     "alerts.rule.payment_terms_changed",
	string(linkfin.AlertYellow):         "alerts.level.yellow",
	string(linkfin.AlertOrange):         "alerts.level.orange",
	string(linkfin.AlertRed):            "alerts.level.red",
	string(linkfin.AlertOpen):           "alerts.status.open",
	string(linkfin.AlertAcknowledged):   "alerts.status.acknowledged",
	string(linkfin.AlertResolved):       "alerts.status.resolved",
	string(linkfin.ActionNotify):        "alerts.action.notify",
	string(linkfin.ActionStopFinancing): "alerts.action.stop_financing",
	string(linkfin.ActionFreeze):        "alerts.action.freeze",
	string(linkfin.ActionMarginCall):    "alerts.action.margin_call",
}

// alerts is the alert inbox of an anchor, a funder or the operator: the early warnings
// raised on the suppliers of the programs it runs or funds (docs/CREDIT.md), a page at
// a time and filtered as every list, each with its rule, evidence, required action and
// the actions taken, and forms to acknowledge and resolve it with a reason.
func (c *Console) alerts(w http.ResponseWriter, r *http.Request, p *Person) {
	list, ok := listOf[linkfin.Alert](c, w, r, p, linkfin.KindAlert, "alerts", linkfin.AlertOpen, linkfin.AlertAcknowledged, linkfin.AlertResolved)
	if !ok {
		return
	}
	v := alertsView{List: list, Act: p.CanAct()}
	for _, a := range list.Rows {
		row := alertRow{Alert: a, RuleKey: alertWords[a.Rule], LevelKey: alertWords[string(a.Level)], StatusKey: alertWords[string(a.Status)]}
		for _, act := range a.Actions {
			row.ActionKeys = append(row.ActionKeys, alertWords[string(act)])
		}
		v.Rows = append(v.Rows, row)
	}
	c.render(w, r, http.StatusOK, "alerts", "alerts.title", p, v, "")
}

// actOnAlert acknowledges or resolves an alert from its row's form, with the reason
// typed (services.ActOnAlert); the person is kept as who.
func (c *Console) actOnAlert(resolve bool) func(w http.ResponseWriter, r *http.Request, p *Person) {
	return func(w http.ResponseWriter, r *http.Request, p *Person) {
		cmd := &services.ActOnAlert{Actor: p.Viewer.Org, By: "user:" + p.UserID, ID: r.PathValue("id"), Resolve: resolve,
			Reason: strings.TrimSpace(r.PostFormValue("reason"))}
		if _, err := c.act(r.Context(), p, r.PostForm, cmd); err != nil {
			c.fail(w, r, p, err)
			return
		}
		done(w, r, "/alerts#alert-"+cmd.ID)
	}
}
