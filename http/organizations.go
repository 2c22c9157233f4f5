package http

import (
	"crypto/sha256"
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
	var key string
	var hash []byte
	if k := r.Header.Get("Idempotency-Key"); k != "" {
		if len(k) > 255 {
			writeError(w, r, linkfin.Errorf(linkfin.EINVALID, "Idempotency-Key is longer than 255 characters"))
			return
		}
		h := sha256.Sum256(append([]byte(r.Method+" "+r.URL.Path+"\n"), body...))
		key, hash = "operator:"+k, h[:]
	}
	var res services.OrganizationResult
	replayed, err := services.Submit(r.Context(), s.Engine, key, hash,
		&services.CreateOrganization{Org: linkfin.Organization{ID: in.ID, Name: in.Name, Capabilities: in.Capabilities}}, &res)
	if replayed {
		w.Header().Set("Idempotency-Hit", "true")
	}
	if err != nil {
		writeError(w, r, err)
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
