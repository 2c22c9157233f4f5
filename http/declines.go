package http

import "linkfin"

// declineRoutes: the financing requests refused on their requester's grade, kept with
// the decision they were refused on (docs/CREDIT.md).
func (s *Server) declineRoutes() {
	listRoute[linkfin.DeclinedRequest](s, "GET /v1/declined-requests", linkfin.KindDeclinedRequest,
		"List the financing requests refused because the requester is graded below a floor, that the caller is party to "+
			"(the requester, the funder asked, the program's anchor): each with its decision (score, grade, model_version, "+
			"reasons, inputs), the floor and who set it.")
	getRoute[linkfin.DeclinedRequest](s, "GET /v1/declined-requests/{id}", linkfin.KindDeclinedRequest,
		"Get a declined request: what was asked, the decision it was refused on, and whose floor (program or funder).")
}
