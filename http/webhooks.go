package http

import (
	"encoding/json"
	"net/http"
	"reflect"

	"linkfin"
	"linkfin/engine"
	"linkfin/services"
	"linkfin/webhook"
)

func (s *Server) webhookRoutes() {
	endpoint := reflect.TypeFor[linkfin.WebhookEndpoint]()
	s.handle(Route{Pattern: "POST /v1/webhook-endpoints", Access: Admin, Status: http.StatusCreated, In: reflect.TypeFor[linkfin.WebhookEndpointIn](),
		Out: reflect.TypeFor[linkfin.WebhookEndpointOut](), Summary: "Register a webhook endpoint of the caller's organization: it receives " +
			"the events that follow, of records the organization is party to, whose type matches a filter. The signing secret is in this answer alone."},
		s.createWebhookEndpoint)
	listRoute[linkfin.WebhookEndpoint](s, "GET /v1/webhook-endpoints", linkfin.KindWebhookEndpoint, "List webhook endpoints.")
	getRoute[linkfin.WebhookEndpoint](s, "GET /v1/webhook-endpoints/{id}", linkfin.KindWebhookEndpoint, "Get a webhook endpoint.")
	act(s, Route{Pattern: "POST /v1/webhook-endpoints/{id}", Kind: linkfin.KindWebhookEndpoint, Access: Admin, Out: endpoint,
		Summary: "Change a webhook endpoint's URL and event filters. Its secret stays, and deliveries go on after the last event delivered."},
		func(r *http.Request, p *principal, in *linkfin.WebhookEndpointUpdate) (linkfin.Command, error) {
			return &services.UpdateWebhookEndpoint{Actor: p.Org, ID: r.PathValue("id"), URL: in.URL, Events: in.Events}, nil
		})
	act(s, Route{Pattern: "POST /v1/webhook-endpoints/{id}/disable", Kind: linkfin.KindWebhookEndpoint, Access: Admin, Out: endpoint,
		Summary: "Disable a webhook endpoint: nothing more is delivered to it until it is enabled."},
		func(r *http.Request, p *principal, _ *none) (linkfin.Command, error) {
			return &services.DisableWebhookEndpoint{Actor: p.Org, ID: r.PathValue("id")}, nil
		})
	act(s, Route{Pattern: "POST /v1/webhook-endpoints/{id}/enable", Kind: linkfin.KindWebhookEndpoint, Access: Admin, Out: endpoint,
		Summary: "Enable a disabled webhook endpoint: deliveries resume after the last event delivered, the events of the time it was off included."},
		func(r *http.Request, p *principal, _ *none) (linkfin.Command, error) {
			return &services.EnableWebhookEndpoint{Actor: p.Org, ID: r.PathValue("id")}, nil
		})
	s.handle(Route{Pattern: "GET /v1/webhook-endpoints/{id}/deliveries", Access: AnyKey, Out: reflect.TypeFor[linkfin.WebhookDeliveryOut](), List: true, Query: pageQuery,
		Summary: "An endpoint's delivery log, in log order: each event sent, its status and attempts."}, s.webhookDeliveries)
}

func (s *Server) createWebhookEndpoint(w http.ResponseWriter, r *http.Request) {
	owner, err := services.EndpointOwner(principalOf(r).viewer())
	if err != nil {
		writeError(w, r, err)
		return
	}
	var in linkfin.WebhookEndpointIn
	body, err := readJSON(w, r, &in)
	if err != nil {
		writeError(w, r, err)
		return
	}
	ep := linkfin.WebhookEndpoint{OrgID: owner, URL: in.URL, Events: in.Events}
	if err := ep.Validate(); err != nil {
		writeError(w, r, err)
		return
	}
	if len(s.WebhookKey) == 0 {
		writeError(w, r, linkfin.Errorf(engine.EUNAVAILABLE, "webhooks are not set up on this server"))
		return
	}
	// The endpoint receives the events after those in the log now.
	head, err := s.Store.Head(r.Context())
	if err != nil {
		writeError(w, r, err)
		return
	}
	ep.Cursor = head.Size - 1
	c := &services.CreateWebhookEndpoint{Actor: owner, Endpoint: ep}
	s.submit(w, r, body, decodedForm(r, &in, s.secrets[r.Pattern]), &engine.Request{Commands: []linkfin.Command{c}}, func(resp *engine.Response) (int, any, error) {
		made, err := valueOf[linkfin.WebhookEndpoint](resp)
		if err != nil {
			return 0, nil, err
		}
		return http.StatusCreated, linkfin.WebhookEndpointOut{WebhookEndpoint: *made, Secret: webhook.FormatSecret(webhook.Secret(s.WebhookKey, made.ID))}, nil
	})
}

func (s *Server) webhookDeliveries(w http.ResponseWriter, r *http.Request) {
	ep, err := get[linkfin.WebhookEndpoint](s, r, linkfin.KindWebhookEndpoint, r.PathValue("id"))
	var limit int
	if err == nil {
		limit, err = pageLimit(r)
	}
	out := linkfin.List[json.RawMessage]{}
	if err == nil {
		out.Data, out.NextCursor, err = services.Deliveries(r.Context(), s.Store, ep, r.URL.Query().Get("after"), limit)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}
