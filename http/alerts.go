package http

import (
	"net/http"
	"reflect"

	"linkfin"
	"linkfin/services"
)

// alertRoutes: the early warnings raised on the suppliers of a program, for its anchor,
// its funders and the operator (docs/CREDIT.md, "Alert rules").
func (s *Server) alertRoutes() {
	alert := reflect.TypeFor[linkfin.Alert]()
	listRoute[linkfin.Alert](s, "GET /v1/alerts", linkfin.KindAlert, "List the alerts the caller watches: those raised on the suppliers "+
		"of the programs it runs or funds (status: open, acknowledged or resolved).")
	getRoute[linkfin.Alert](s, "GET /v1/alerts/{id}", linkfin.KindAlert, "Get an alert: its rule, level, evidence, required action, "+
		"the actions its program took, and who acknowledged and resolved it, when and why.")
	act(s, Route{Pattern: "POST /v1/programs/{id}/alert-actions", Kind: linkfin.KindProgram, Access: Write,
		Out: reflect.TypeFor[linkfin.Program](),
		Summary: "Change what the program does when an alert is raised on one of its suppliers (its anchor): alert_actions " +
			"(notify, stop_financing, freeze, margin_call) replaces the list it has; none means notify. Alerts raised before keep theirs."},
		func(r *http.Request, p *principal, in *linkfin.AlertActionsIn) (linkfin.Command, error) {
			return &services.SetAlertActions{Actor: p.Org, ProgramID: r.PathValue("id"), Actions: in.AlertActions}, nil
		})
	for _, step := range []struct {
		verb, summary string
		resolve       bool
	}{
		{"acknowledge", "Acknowledge an open alert (a watcher, or the operator), with a reason: who and why are kept. It still acts.", false},
		{"resolve", "Resolve an alert (the program's anchor, the financing's funder, or the operator; while the margin call it made " +
			"is open, its funder or the operator), with a reason: who and why are kept, the financing stop it set is lifted and " +
			"its margin call withdrawn.", true},
	} {
		act(s, Route{Pattern: "POST /v1/alerts/{id}/" + step.verb, Kind: linkfin.KindAlert, Access: WriteOrOperator, Out: alert, Summary: step.summary},
			func(r *http.Request, p *principal, in *linkfin.AlertReasonIn) (linkfin.Command, error) {
				org := p.Org
				if p.operator() {
					org = ""
				}
				return &services.ActOnAlert{Actor: org, By: p.by(), ID: r.PathValue("id"), Resolve: step.resolve, Reason: in.Reason}, nil
			})
	}
}
