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
	out := linkfin.APIKeyOut{ID: k.ID, OrgID: k.OrgID, Role: k.Role, Name: k.Name, CreatedBy: k.CreatedBy, Owner: k.Owner,
		CreatedAt: rfc3339(k.CreatedAt.UnixNano())}
	if k.RevokedAt != nil {
		out.RevokedAt = rfc3339(k.RevokedAt.UnixNano())
	}
	return out
}

func (s *Server) organizationRoutes() {
	org, key := reflect.TypeFor[linkfin.Organization](), reflect.TypeFor[linkfin.APIKeyOut]()
	s.handle(Route{Pattern: "POST /v1/organizations", Access: Operator, Status: http.StatusCreated, In: reflect.TypeFor[linkfin.OrganizationIn](), Out: org,
		Summary: "Register an organization (the operator); the same again answers 200 with it as it is. " +
			"An id that differs from another organization's in case alone is refused, 409 id_taken; a name that differs from another's " +
			"in case, width, white space or invisible characters alone, 409 organization_name_taken."}, s.createOrganization)
	listRoute[linkfin.Organization](s, "GET /v1/organizations", linkfin.KindOrganization, "List organizations (an organization: itself).")
	getRoute[linkfin.Organization](s, "GET /v1/organizations/{id}", linkfin.KindOrganization, "Get an organization.")
	act(s, Route{Pattern: "POST /v1/organizations/{id}/capabilities", Kind: linkfin.KindOrganization, Access: Operator, Out: org,
		Summary: "Set what an organization may do (the operator): trade, anchor (run programs, issue certificates), fund, logistics, operate. The same again changes nothing. " +
			"What was done stays done; a capability withdrawn is refused, forbidden, at every act it governs from then on (no longer an anchor: no funder invited, no certificate issued; " +
			"no longer a funder: no invitation accepted; and no request quoted from it, invalid, nor offer made in its name, in any product)."},
		func(r *http.Request, p *principal, in *linkfin.CapabilitiesIn) (linkfin.Command, error) {
			return &services.SetCapabilities{OrgID: r.PathValue("id"), Capabilities: in.Capabilities}, nil
		})
	act(s, Route{Pattern: "POST /v1/organizations/{id}/bank-account", Kind: linkfin.KindOrganization, Access: Admin, Out: org,
		Summary: "Register the account at a bank that the organization's withdrawals over the bank rail are paid into (its admin, or the operator): " +
			"its iban, or another account id (account), and optionally the bank's bic and CNAPS code (bank_code). The operator's replaces the one before at once; " +
			"an admin's waits, as pending_bank_account, for the operator to confirm it, and the one before stays in effect. Instructions already made keep theirs."},
		func(r *http.Request, p *principal, in *linkfin.BankAccountIn) (linkfin.Command, error) {
			actor, id, err := managed(r, p)
			if err != nil {
				return nil, err
			}
			return &services.SetBankAccount{Actor: actor, OrgID: id, Account: in.BankAccount}, nil
		})
	for _, d := range []struct {
		verb, summary string
		confirm       bool
	}{
		{"confirm", "Confirm the bank account the organization's admin registered (the operator), named again in the body as it waits: from now on the organization's withdrawals are paid into it.", true},
		{"reject", "Reject the bank account the organization's admin registered (the operator), named again in the body as it waits: it is dropped, and the account in effect stays.", false},
	} {
		act(s, Route{Pattern: "POST /v1/organizations/{id}/bank-account/" + d.verb, Kind: linkfin.KindOrganization, Access: Operator, Out: org, Summary: d.summary},
			func(r *http.Request, p *principal, in *linkfin.BankAccountIn) (linkfin.Command, error) {
				return &services.DecideBankAccount{OrgID: r.PathValue("id"), Account: in.BankAccount, Confirm: d.confirm}, nil
			})
	}
	s.handle(Route{Pattern: "GET /v1/bank-account-changes", Access: Operator, Out: org, List: true, Query: pageQuery,
		Summary: "List the organizations whose admin registered a bank account that waits for the operator's confirmation (pending_bank_account), " +
			"the longest waiting first."},
		func(w http.ResponseWriter, r *http.Request) {
			limit, err := pageLimit(r)
			var out *linkfin.List[json.RawMessage]
			if err == nil {
				out, err = services.BankAccountsWaiting(r.Context(), s.Store, principalOf(r).viewer(), r.URL.Query().Get("after"), limit)
			}
			if err != nil {
				writeError(w, r, err)
				return
			}
			writeJSON(w, http.StatusOK, out)
		})
	act(s, Route{Pattern: "POST /v1/organizations/{id}/address", Kind: linkfin.KindOrganization, Access: Admin, Out: org,
		Summary: "Register the organization's postal address (its admin, or the operator): the town and the country (ISO 3166-1 alpha-2) at least, " +
			"and its street, building number, post code and subdivision, which its credit transfer instructions name. It replaces the one before."},
		func(r *http.Request, p *principal, in *linkfin.AddressIn) (linkfin.Command, error) {
			actor, id, err := managed(r, p)
			if err != nil {
				return nil, err
			}
			return &services.SetAddress{Actor: actor, OrgID: id, Address: in.Address}, nil
		})
	identifierRoute := func(pattern, summary string, command func(actor, org string, id linkfin.Identifier) linkfin.Command) {
		act(s, Route{Pattern: pattern, Kind: linkfin.KindOrganization, Access: Admin, Out: org, Summary: summary},
			func(r *http.Request, p *principal, in *linkfin.Identifier) (linkfin.Command, error) {
				actor, id, err := managed(r, p)
				if err != nil {
					return nil, err
				}
				return command(actor, id, *in), nil
			})
	}
	identifierRoute("POST /v1/organizations/{id}/identifiers", "Register an electronic identifier of the organization (its admin, or the operator): its e-invoice endpoint with the "+
		"scheme, its VAT number or its legal registration id, by which e-invoices name it. Each names one organization.",
		func(actor, org string, id linkfin.Identifier) linkfin.Command {
			return &services.RegisterIdentifier{Actor: actor, OrgID: org, Identifier: id}
		})
	identifierRoute("POST /v1/organizations/{id}/identifiers/remove", "Remove an electronic identifier the organization registered (its admin, or the operator), given as it was registered "+
		"or as e-invoices write it: e-invoices no longer find the organization by it, and another organization may register it.",
		func(actor, org string, id linkfin.Identifier) linkfin.Command {
			return &services.RemoveIdentifier{Actor: actor, OrgID: org, Identifier: id}
		})
	s.handle(Route{Pattern: "POST /v1/organizations/{id}/api-keys", Access: Admin, Status: http.StatusCreated, In: reflect.TypeFor[linkfin.APIKeyIn](), Out: key,
		Summary: "Make an API key for the organization (its admin, or the operator); the secret key is in this answer alone. " +
			"A key a user makes, or one of its keys makes, is the user's (owner): disabling the user revokes it."}, s.createAPIKey)
	s.handle(Route{Pattern: "GET /v1/organizations/{id}/api-keys", Access: Admin, Out: key, List: true, Query: pageQuery,
		Summary: "List the organization's keys, without their secrets."}, s.listAPIKeys)
	s.handle(Route{Pattern: "POST /v1/organizations/{id}/api-keys/{key}/revoke", Access: Admin, Out: key,
		Summary: "Revoke a key: from now on it opens nothing."}, s.revokeAPIKey)
}

// managed is the organization of the path that the principal manages (its admin, or
// the operator), and the actor its command names: the organization, or "" for the
// operator.
func managed(r *http.Request, p *principal) (actor, org string, err error) {
	org = r.PathValue("id")
	if err := services.Manages(p.viewer(), org); err != nil {
		return "", "", err
	}
	if p.operator() {
		return "", org, nil
	}
	return p.Org, org, nil
}

func (s *Server) createOrganization(w http.ResponseWriter, r *http.Request) {
	var in linkfin.OrganizationIn
	body, err := readJSON(w, r, &in)
	if err != nil {
		writeError(w, r, err)
		return
	}
	c := &services.CreateOrganization{Org: linkfin.Organization{ID: in.ID, Name: in.Name, Capabilities: in.Capabilities, BankAccount: in.BankAccount, Address: in.Address}}
	s.submit(w, r, body, decodedForm(r, &in, s.secrets[r.Pattern]), &engine.Request{Commands: []linkfin.Command{c}}, func(resp *engine.Response) (int, any, error) {
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

func (s *Server) createAPIKey(w http.ResponseWriter, r *http.Request) {
	org := r.PathValue("id")
	if err := services.Manages(principalOf(r).viewer(), org); err != nil {
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
	c := &services.CreateAPIKey{Actor: principalOf(r).Org, By: principalOf(r).by(), Key: k}
	s.submit(w, r, body, decodedForm(r, &in, s.secrets[r.Pattern]), &engine.Request{Commands: []linkfin.Command{c}}, func(resp *engine.Response) (int, any, error) {
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
	v, org := principalOf(r).viewer(), r.PathValue("id")
	err := services.Manages(v, org)
	var limit int
	if err == nil {
		limit, err = pageLimit(r)
	}
	var keys []linkfin.APIKey
	out := linkfin.List[linkfin.APIKeyOut]{Data: []linkfin.APIKeyOut{}}
	if err == nil {
		keys, out.NextCursor, err = services.ListAPIKeys(r.Context(), s.Store, v, org, r.URL.Query().Get("after"), limit)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	for i := range keys {
		out.Data = append(out.Data, toAPIKey(&keys[i]))
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) revokeAPIKey(w http.ResponseWriter, r *http.Request) {
	c, err := services.RevokeKey(principalOf(r).viewer(), r.PathValue("id"), r.PathValue("key"))
	if err == nil {
		_, err = emptyBody(w, r)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	// Dropped before and after: a request that read the key before the revocation
	// committed cannot put it back.
	s.keys.drop(c.ID)
	s.submit(w, r, nil, nil, &engine.Request{Commands: []linkfin.Command{c}}, func(resp *engine.Response) (int, any, error) {
		k, err := valueOf[linkfin.APIKey](resp)
		if err != nil {
			return 0, nil, err
		}
		s.keys.drop(k.ID)
		return http.StatusOK, toAPIKey(k), nil
	})
}
