package http

import (
	"net/http"
	"reflect"

	"linkfin"
	"linkfin/services"
)

// scorecardRoutes registers the suppliers' scorecards and the funders' grade floors.
func (s *Server) scorecardRoutes() {
	s.handle(Route{Pattern: "GET /v1/organizations/{id}/scorecard", Access: AnyKey, Query: []string{"buyer_id"},
		Out: reflect.TypeFor[linkfin.Score](),
		Summary: "The organization's score as a supplier, now, under the current scoring model: score (0–100), grade, " +
			"model_version, as_of, each factor's value and points, and the reasons that cost the most points, in Chinese " +
			"and English; with buyer_id, its trade with that buyer alone. Seen by the supplier, and by the anchors and " +
			"live funders of the programs it is in as a member of the anchor's supply chain, not by a program's other " +
			"parties (a fellow funder, the anchor's own funders). An anchor or a funder reads what its programs justify: buyer_id only for " +
			"the anchor of a program it runs or funds (any other not_found), and the top buyer's name only if it is one (docs/CREDIT.md)."}, s.scorecard)
	act(s, Route{Pattern: "POST /v1/programs/{id}/funders/{funder}/grade-floor", Kind: linkfin.KindProgram, Access: Write,
		Out: reflect.TypeFor[linkfin.Program](),
		Summary: "Set the funder's own grade floor in the program (the funder itself): requests from suppliers graded " +
			"worse are refused for it with grade_below_floor; an empty grade_floor sets none."},
		func(r *http.Request, p *principal, in *linkfin.GradeFloorIn) (linkfin.Command, error) {
			if r.PathValue("funder") != p.Org {
				return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "a funder sets its own grade floor")
			}
			return &services.SetGradeFloor{Actor: p.Org, ProgramID: r.PathValue("id"), Floor: in.GradeFloor}, nil
		})
}

func (s *Server) scorecard(w http.ResponseWriter, r *http.Request) {
	sc, err := services.ScorecardFor(r.Context(), s.Store, principalOf(r).viewer(), r.PathValue("id"),
		r.URL.Query().Get("buyer_id"), s.Engine.Now())
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, sc)
}
