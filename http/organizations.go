package http

import (
	"encoding/json"
	"net/http"
	"reflect"

	"linkfin"
	"linkfin/engine"
	"linkfin/services"
)

func toAPIKey(k *linkfin.APIKey) linkfin.APIKeyOut {
	out := linkfin.APIKeyOut{ID: k.ID, OrgID: k.OrgID, Role: k.Role, Name: k.Name, CreatedBy: k.CreatedBy, CreatedAt: rfc3339(k.CreatedAt.UnixNano())}
	if k.RevokedAt != nil {
		out.RevokedAt = rfc3339(k.RevokedAt.UnixNano())
	}
	return out
}

func (s *Server) organizationRoutes() {
	org, key := reflect.TypeFor[linkfin.Organization](), reflect.TypeFor[linkfin.APIKeyOut]()
	s.handle(Route{Pattern: "POST /v1/organizations", Access: Operator, Status: http.StatusCreated, In: reflect.TypeFor[linkfin.OrganizationIn](), Out: org,
		Summary: "Register an organization (the operator); the same again answers 200 with it as it is."}, s.createOrganization)
	listRoute[linkfin.Organization](s, "GET /v1/organizations", linkfin.KindOrganization, "List organizations (an organization: itself).")
	getRoute[linkfin.Organization](s, "GET /v1/organizations/{id}", linkfin.KindOrganization, "Get an organization.")
	s.handle(Route{Pattern: "POST /v1/organizations/{id}/api-keys", Access: Admin, Status: http.StatusCreated, In: reflect.TypeFor[linkfin.APIKeyIn](), Out: key,
		Summary: "Make an API key for the organization (its admin, or the operator); the secret key is in this answer alone."}, s.createAPIKey)
	s.handle(Route{Pattern: "GET /v1/organizations/{id}/api-keys", Access: Admin, Out: key, List: true, Query: pageQuery,
		Summary: "List the organization's keys, without their secrets."}, s.listAPIKeys)
	s.handle(Route{Pattern: "POST /v1/organizations/{id}/api-keys/{key}/revoke", Access: Admin, Out: key,
		Summary: "Revoke a key: from now on it opens nothing."}, s.revokeAPIKey)
}

func (s *Server) createOrganization(w http.ResponseWriter, r *http.Request) {
	var in linkfin.OrganizationIn
	body, err := readJSON(w, r, &in)
	if err != nil {
		writeError(w, r, err)
		return
	}
	c := &services.CreateOrganization{Org: linkfin.Organization{ID: in.ID, Name: in.Name, Capabilities: in.Capabilities}}
	s.submit(w, r, body, &engine.Request{Commands: []linkfin.Command{c}}, func(resp *engine.Response) (int, any, error) {
		res, err := valueOf[services.OrganizationResult](resp)
		if err != nil {
			return 0, nil, err
		}
		if res.Existed {
			return http.StatusOK, res.Organization, nil
		}
		return http.StatusCreated, res.Organization, nil
	})
}

// keyOrg is the organization of a key route, which the principal must be (or be the
// operator): any other answers not found.
func keyOrg(r *http.Request) (string, error) {
	org, p := r.PathValue("id"), principalOf(r)
	if !p.operator() && org != p.Org {
		return "", linkfin.Errorf(linkfin.ENOTFOUND, "organization %s not found", org)
	}
	return org, nil
}

func (s *Server) createAPIKey(w http.ResponseWriter, r *http.Request) {
	org, err := keyOrg(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	var in linkfin.APIKeyIn
	body, err := readJSON(w, r, &in)
	if err != nil {
		writeError(w, r, err)
		return
	}
	secret, k := linkfin.NewAPIKey(org, in.Role, in.Name)
	c := &services.CreateAPIKey{Actor: principalOf(r).Org, Key: k}
	s.submit(w, r, body, &engine.Request{Commands: []linkfin.Command{c}}, func(resp *engine.Response) (int, any, error) {
		made, err := valueOf[linkfin.APIKey](resp)
		if err != nil {
			return 0, nil, err
		}
		out := toAPIKey(made)
		// A retry under the same Idempotency-Key answers the key the first try made,
		// which is all the store knows: its secret was shown once, in the first answer,
		// and the one made for this try belongs to no key.
		if !resp.Replayed {
			out.Key = secret
		}
		return http.StatusCreated, out, nil
	})
}

func (s *Server) listAPIKeys(w http.ResponseWriter, r *http.Request) {
	org, err := keyOrg(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	limit, err := pageLimit(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	objs, err := s.Store.ListObjectsByParty(r.Context(), linkfin.KindAPIKey, org, r.URL.Query().Get("after"), limit)
	if err != nil {
		writeError(w, r, err)
		return
	}
	out := linkfin.List[linkfin.APIKeyOut]{Data: []linkfin.APIKeyOut{}}
	for _, o := range objs {
		var k linkfin.APIKey
		if err := json.Unmarshal(o.Data, &k); err != nil {
			writeError(w, r, err)
			return
		}
		out.Data = append(out.Data, toAPIKey(&k))
	}
	if len(objs) == limit {
		out.NextCursor = objs[len(objs)-1].ID
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) revokeAPIKey(w http.ResponseWriter, r *http.Request) {
	org, err := keyOrg(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if _, err := emptyBody(w, r); err != nil {
		writeError(w, r, err)
		return
	}
	actor := principalOf(r).Org
	if principalOf(r).operator() {
		actor = org // the operator revokes the organization's keys as the organization would
	}
	// Dropped before and after: a request that read the key before the revocation
	// committed cannot put it back.
	s.keys.drop(r.PathValue("key"))
	c := &services.RevokeAPIKey{Actor: actor, ID: r.PathValue("key")}
	s.submit(w, r, nil, &engine.Request{Commands: []linkfin.Command{c}}, func(resp *engine.Response) (int, any, error) {
		k, err := valueOf[linkfin.APIKey](resp)
		if err != nil {
			return 0, nil, err
		}
		s.keys.drop(k.ID)
		return http.StatusOK, toAPIKey(k), nil
	})
}
