package http

import (
	"net/http"

	"linkfin"
	"linkfin/services"
)

// OrganizationIn is the body that registers an organization.
type OrganizationIn struct {
	ID           string               `json:"id"`
	Name         string               `json:"name"`
	Capabilities []linkfin.Capability `json:"capabilities"`
}

func (s *Server) createOrganization(w http.ResponseWriter, r *http.Request) {
	body, err := readBody(w, r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	var in OrganizationIn
	if err := decode(body, &in); err != nil {
		writeError(w, r, err)
		return
	}
	var res services.OrganizationResult
	if !s.command(w, r, body, &services.CreateOrganization{Org: linkfin.Organization{ID: in.ID, Name: in.Name, Capabilities: in.Capabilities}}, &res) {
		return
	}
	status := http.StatusCreated
	if res.Existed {
		status = http.StatusOK
	}
	writeJSON(w, status, res.Organization)
}

func (s *Server) getOrganization(w http.ResponseWriter, r *http.Request) {
	o, err := (&services.Organizations{Store: s.Store}).Get(r.Context(), r.PathValue("id"))
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, o)
}

func (s *Server) listOrganizations(w http.ResponseWriter, r *http.Request) {
	limit, err := pageLimit(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	after := r.URL.Query().Get("after")
	os, err := (&services.Organizations{Store: s.Store}).List(r.Context(), after, limit)
	if err != nil {
		writeError(w, r, err)
		return
	}
	out := List[linkfin.Organization]{Data: os}
	if out.Data == nil {
		out.Data = []linkfin.Organization{}
	}
	if len(os) == limit {
		out.NextCursor = os[len(os)-1].ID
	}
	writeJSON(w, http.StatusOK, out)
}
