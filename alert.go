package linkfin

import (
	"slices"
	"strings"
	"time"
)

// Early warnings: an alert is raised by the command whose event trips its rule, in
// the same batch, never by reading history back (docs/CREDIT.md, "Alert rules").
const (
	// KindAlert is the record kind of alerts.
	KindAlert = "alert"
	// KindFinancingStop is the record kind of the open alerts that stop a supplier's
	// new financing, one record per supplier, read by every graded request.
	KindFinancingStop = "financing_stop"
)

// EFINANCINGSTOPPED refuses a request from a supplier that an open alert stops; the
// message names the alert.
const EFINANCINGSTOPPED = "financing_stopped_by_alert"

func init() {
	RegisterKind(KindAlert, func() any { return new(Alert) })
	RegisterKind(KindFinancingStop, func() any { return new(FinancingStop) })
	IDPrefix[KindAlert] = "al"
}

// AlertLevel is how grave an alert is.
type AlertLevel string

const (
	AlertYellow AlertLevel = "yellow" // watch
	AlertOrange AlertLevel = "orange" // act soon
	AlertRed    AlertLevel = "red"    // the collateral or the claim is in doubt now
)

// AlertStatus is where an alert stands.
type AlertStatus string

const (
	AlertOpen         AlertStatus = "open"
	AlertAcknowledged AlertStatus = "acknowledged" // a person has seen it; it still acts
	AlertResolved     AlertStatus = "resolved"     // closed, with who and why; it no longer acts
)

// AlertAction is what a program does when one of its suppliers' alerts is raised.
type AlertAction string

const (
	// ActionNotify: the alert's event goes to the webhooks and the console inbox
	// lists it. Every alert notifies.
	ActionNotify AlertAction = "notify"
	// ActionStopFinancing: the supplier's new requests are refused
	// (EFINANCINGSTOPPED) until the alert is resolved.
	ActionStopFinancing AlertAction = "stop_financing"
	// ActionFreeze: the pledge loan the alert is about is frozen (a loan frozen is
	// disbursed no further).
	ActionFreeze AlertAction = "freeze"
	// ActionMarginCall: the borrower of the pledge loan the alert is about is called to
	// repay, by a due date, the share of what it owes that the goods in doubt back
	// (Financing.MarginDemand).
	ActionMarginCall AlertAction = "margin_call"
)

// MarginDemandStatus is where a margin call stands.
type MarginDemandStatus string

const (
	MarginDemandCalled    MarginDemandStatus = "called"    // open: to be met by its due date
	MarginDemandMet       MarginDemandStatus = "met"       // repaid: the amount called, or the whole loan
	MarginDemandWithdrawn MarginDemandStatus = "withdrawn" // its alert was resolved, or the price rose back, first
	MarginDemandUnmet     MarginDemandStatus = "unmet"     // its due date passed: the loan was closed as at maturity
)

// MarginDemand is what a margin call asks of a pledge loan's borrower: to repay
// Amount (minor units of the loan's currency) by DueDate. A margin_call alert action
// makes one (AlertID, the alert), and so does a margin check that finds the loan past
// the program's margin-call loan-to-value (no AlertID: the price mark's call, which asks
// for what brings the loan back to the program's advance rate of the lot). It is met
// when repayments since it was made, in part or of the whole loan, reach Amount (Paid
// counts them); withdrawn when the alert that made it is resolved, or, for the price
// mark's call, when a margin check finds the loan back within the margin-call
// loan-to-value; and unmet when the scheduler finds its due date passed with it still
// open, and closes the loan as at maturity: repaid from the borrower's wallet if it
// holds what the loan owes, else defaulted and the lot forfeited to the funder.
type MarginDemand struct {
	AlertID  string             `json:"alert_id,omitempty"`
	Amount   int64              `json:"amount"`
	Paid     int64              `json:"paid,omitempty"`
	Currency Currency           `json:"currency"`
	DueDate  Date               `json:"due_date"`
	Status   MarginDemandStatus `json:"status"`
	CalledAt time.Time          `json:"called_at"`
	ClosedAt *time.Time         `json:"closed_at,omitempty"`
}

// Margin call periods: a margin call is due this many days after it is made; a
// program may set its own.
const (
	DefaultMarginCallDays = 5
	MaxMarginCallDays     = 30
)

// alertActions are the actions a program may configure.
var alertActions = []AlertAction{ActionNotify, ActionStopFinancing, ActionFreeze, ActionMarginCall}

// AlertActions lists every action a program may configure.
func AlertActions() []AlertAction { return slices.Clone(alertActions) }

// ValidateAlertActions checks a program's alert actions: each a known action, at most
// once.
func ValidateAlertActions(actions []AlertAction) error {
	for i, a := range actions {
		if !slices.Contains(alertActions, a) {
			names := make([]string, len(alertActions))
			for i, a := range alertActions {
				names[i] = string(a)
			}
			return Errorf(EINVALID, "alert_actions: %q is not an action (%s)", a, strings.Join(names, ", "))
		}
		if slices.Contains(actions[:i], a) {
			return Errorf(EINVALID, "alert_actions: %q is listed twice", a)
		}
	}
	return nil
}

// The alert rules.
const (
	// RuleCreditedAfterFinancing: a credit note on an invoice whose order backs a
	// financing.
	RuleCreditedAfterFinancing = "invoice_credited_after_financing"
	// RuleDisputedAfterFinancing: the buyer disputes an invoice whose order backs a
	// financing.
	RuleDisputedAfterFinancing = "invoice_disputed_after_financing"
	// RuleTelemetryBelowPledge: a signed reading counts less in a pledged lot than
	// its receipt holds.
	RuleTelemetryBelowPledge = "telemetry_below_pledge"
	// RuleLateShipment: an order's goods arrive, or are still not all received, more
	// than its program's allowance after its deliver_by date.
	RuleLateShipment = "late_shipment"
	// RuleSensorSilent: a device watching a pledged lot reported nothing for longer
	// than its heartbeat.
	RuleSensorSilent = "sensor_silent"
	// RuleTemperature: a signed reading of a pledged lot outside the temperature range
	// its device was registered with.
	RuleTemperature = "telemetry_temperature_out_of_range"
	// RuleGeofence: a signed reading of a pledged lot's position outside its device's
	// geofence.
	RuleGeofence = "telemetry_outside_geofence"
	// RuleDoorOutsideHours: a signed reading of a pledged lot's door open outside its
	// device's door hours.
	RuleDoorOutsideHours = "door_opened_outside_hours"
	// RulePaymentTermsChanged: a buyer changes its payment terms with a seller that
	// has financed receivables from it outstanding.
	RulePaymentTermsChanged = "payment_terms_changed"
)

// AlertRules lists every rule.
func AlertRules() []string {
	return []string{RuleCreditedAfterFinancing, RuleDisputedAfterFinancing, RuleTelemetryBelowPledge, RuleLateShipment, RuleSensorSilent,
		RuleTemperature, RuleGeofence, RuleDoorOutsideHours, RulePaymentTermsChanged}
}

// Alert is one early warning about a supplier's trade.
type Alert struct {
	ID         string     `json:"id"`
	Rule       string     `json:"rule"`
	Level      AlertLevel `json:"level"`
	SupplierID string     `json:"supplier_id"`
	ProgramID  string     `json:"program_id,omitempty"`
	// FinancingID is the financing the alert is about.
	FinancingID string `json:"financing_id,omitempty"`
	// Subject is the record whose event raised it: its kind and id.
	SubjectKind string `json:"subject_kind"`
	SubjectID   string `json:"subject_id"`
	// Evidence is what the rule saw, in words and figures.
	Evidence       string        `json:"evidence"`
	RequiredAction string        `json:"required_action"`
	Actions        []AlertAction `json:"actions"`
	// MarginDemand is the margin call the alert made, as made (the loan keeps where it
	// stands).
	MarginDemand *MarginDemand `json:"margin_demand,omitempty"`
	Status       AlertStatus   `json:"status"`
	// Watchers see the alert and act on it: the program's anchor and its funders,
	// and the financing's funder.
	Watchers  []string  `json:"watchers"`
	CreatedAt time.Time `json:"created_at"` // when it was raised
	// Who acknowledged and resolved it, when and why (the user of the organization).
	AcknowledgedBy     string     `json:"acknowledged_by,omitempty"`
	AcknowledgedAt     *time.Time `json:"acknowledged_at,omitempty"`
	AcknowledgedReason string     `json:"acknowledged_reason,omitempty"`
	ResolvedBy         string     `json:"resolved_by,omitempty"`
	ResolvedAt         *time.Time `json:"resolved_at,omitempty"`
	ResolvedReason     string     `json:"resolved_reason,omitempty"`
}

// Parties implements Partied: the watchers.
func (a *Alert) Parties() []string { return parties(a.Watchers...) }

// FinancingStop lists the open alerts that stop a supplier's new financing.
type FinancingStop struct {
	ID     string   `json:"id"` // the supplier
	Alerts []string `json:"alerts"`
}

// AlertActionsIn is the body of changing a program's alert actions: the whole list,
// which replaces the one the program has (none: notify).
type AlertActionsIn struct {
	AlertActions []AlertAction `json:"alert_actions" unique:"true"`
}

// AlertReasonIn is the body of acknowledging or resolving an alert.
type AlertReasonIn struct {
	Reason string `json:"reason"`
}
