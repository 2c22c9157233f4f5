package services

import (
	"slices"
	"time"

	"linkfin"
)

// EWEBHOOKLIMIT refuses an endpoint past MaxWebhookEndpoints.
const EWEBHOOKLIMIT = "webhook_endpoint_limit"

// CreateWebhookEndpoint registers where an organization wants its events delivered.
// The endpoint starts at the log's end: Endpoint.Cursor is the seq of the last event
// in the log when it is made (-1 for an empty log), which the caller reads, since a
// command cannot read the log. Its signing secret is derived from the platform's
// webhook key and the endpoint's id, and is in no record.
type CreateWebhookEndpoint struct {
	Actor    string                  // the organization acting; it makes endpoints for itself alone
	Endpoint linkfin.WebhookEndpoint // OrgID, URL, Events, Cursor; ID empty for a new one
}

// Keys implements linkfin.Command.
func (c *CreateWebhookEndpoint) Keys() []linkfin.ObjectKey {
	return append(idKeys(linkfin.KindWebhookEndpoint, c.Endpoint.ID), linkfin.ObjectKey{Kind: linkfin.KindOrganization, ID: c.Endpoint.OrgID},
		linkfin.ObjectKey{Kind: linkfin.KindWebhookQuota, ID: c.Endpoint.OrgID})
}

// Apply implements linkfin.Command.
func (c *CreateWebhookEndpoint) Apply(tx linkfin.Tx) (any, error) {
	w := c.Endpoint
	if c.Actor == "" || c.Actor != w.OrgID {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "no organization %s", w.OrgID)
	}
	if err := w.Validate(); err != nil {
		return nil, err
	}
	if w.Cursor < -1 {
		return nil, linkfin.Errorf(linkfin.EINVALID, "an endpoint's cursor is a seq of the log, or -1")
	}
	if _, err := organization(tx, w.OrgID); err != nil {
		return nil, err
	}
	var err error
	if w.ID, err = newID(tx, linkfin.KindWebhookEndpoint, w.ID); err != nil {
		return nil, err
	}
	q := linkfin.WebhookQuota{OrgID: w.OrgID}
	if _, err := tx.Get(linkfin.KindWebhookQuota, w.OrgID, &q); err != nil {
		return nil, err
	}
	q.ID = w.OrgID // a quota counted before records held their id lacks it
	if q.Endpoints >= linkfin.MaxWebhookEndpoints {
		return nil, linkfin.Errorf(EWEBHOOKLIMIT, "organization %s has made %d webhook endpoints, the most it may: change one instead",
			w.OrgID, q.Endpoints)
	}
	w.CreatedAt, w.DisabledAt = tx.Now(), nil
	if err := tx.Put(linkfin.KindWebhookEndpoint, w.ID, &w, "webhook_endpoint.created"); err != nil {
		return nil, err
	}
	q.Endpoints++
	return &w, tx.Put(linkfin.KindWebhookQuota, w.OrgID, &q, "webhook_quota.counted")
}

// UpdateWebhookEndpoint replaces an endpoint's URL and event filters. Its secret
// (derived from its id) and its cursor stay: deliveries go on after the last event
// delivered or passed over, to the new URL, for the new filters. Only the organization
// that owns the endpoint changes it.
type UpdateWebhookEndpoint struct {
	Actor  string
	ID     string
	URL    string
	Events []string
}

// Keys implements linkfin.Command.
func (c *UpdateWebhookEndpoint) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindWebhookEndpoint, ID: c.ID}}
}

// Apply implements linkfin.Command.
func (c *UpdateWebhookEndpoint) Apply(tx linkfin.Tx) (any, error) {
	if c.Actor == "" {
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "an endpoint is changed by its organization")
	}
	w, err := endpoint(tx, c.Actor, c.ID)
	if err != nil {
		return nil, err
	}
	if w.URL == c.URL && slices.Equal(w.Events, c.Events) {
		return w, nil
	}
	w.URL, w.Events = c.URL, c.Events
	if err := w.Validate(); err != nil {
		return nil, err
	}
	return w, tx.Put(linkfin.KindWebhookEndpoint, w.ID, w, "webhook_endpoint.updated")
}

// EnableWebhookEndpoint turns a disabled endpoint back on. Deliveries resume after its
// cursor, so the events of the time it was off are delivered too: the log is the
// outbox, and nothing in it is skipped. Enabling an enabled endpoint answers it as it is.
type EnableWebhookEndpoint struct {
	Actor string
	ID    string
}

// Keys implements linkfin.Command.
func (c *EnableWebhookEndpoint) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindWebhookEndpoint, ID: c.ID}}
}

// Apply implements linkfin.Command.
func (c *EnableWebhookEndpoint) Apply(tx linkfin.Tx) (any, error) {
	if c.Actor == "" {
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "an endpoint is enabled by its organization")
	}
	w, err := endpoint(tx, c.Actor, c.ID)
	if err != nil || w.DisabledAt == nil {
		return w, err
	}
	w.DisabledAt = nil
	return w, tx.Put(linkfin.KindWebhookEndpoint, w.ID, w, "webhook_endpoint.enabled")
}

// DisableWebhookEndpoint stops deliveries to an endpoint until its organization enables
// it again. Disabling a disabled endpoint answers it as it is.
type DisableWebhookEndpoint struct {
	Actor string // the organization acting, "" for the operator
	ID    string
}

// Keys implements linkfin.Command.
func (c *DisableWebhookEndpoint) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindWebhookEndpoint, ID: c.ID}}
}

// Apply implements linkfin.Command.
func (c *DisableWebhookEndpoint) Apply(tx linkfin.Tx) (any, error) {
	w, err := endpoint(tx, c.Actor, c.ID)
	if err != nil {
		return nil, err
	}
	if w.DisabledAt != nil {
		return w, nil
	}
	now := tx.Now()
	w.DisabledAt = &now
	return w, tx.Put(linkfin.KindWebhookEndpoint, w.ID, w, "webhook_endpoint.disabled")
}

// RecordDelivery records one attempt to deliver the event Seq to an endpoint. A
// delivered event also moves the endpoint's cursor to it, in the same command, so
// that what the log says was delivered is never sent again.
type RecordDelivery struct {
	EndpointID    string
	Seq           int64
	EventType     string
	Status        string // linkfin.WebhookDelivered or linkfin.WebhookFailed
	HTTPStatus    int    // the endpoint's answer, 0 for none
	Error         string // why the attempt failed
	Attempt       int    // 1 for the first attempt
	NextAttemptAt *time.Time
}

// Keys implements linkfin.Command.
func (c *RecordDelivery) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{
		{Kind: linkfin.KindWebhookEndpoint, ID: c.EndpointID},
		{Kind: linkfin.KindWebhookDelivery, ID: linkfin.WebhookDeliveryID(c.EndpointID, c.Seq)},
	}
}

// maxDeliveryError bounds the error a delivery record keeps.
const maxDeliveryError = 500

// Apply implements linkfin.Command.
func (c *RecordDelivery) Apply(tx linkfin.Tx) (any, error) {
	w, err := endpoint(tx, "", c.EndpointID)
	if err != nil {
		return nil, err
	}
	switch {
	case c.Seq < 0 || c.Attempt < 1:
		return nil, linkfin.Errorf(linkfin.EINVALID, "a delivery names an event and an attempt from 1")
	case c.Status == linkfin.WebhookDelivered && c.NextAttemptAt != nil,
		c.Status == linkfin.WebhookFailed && c.NextAttemptAt == nil,
		c.Status != linkfin.WebhookDelivered && c.Status != linkfin.WebhookFailed:
		return nil, linkfin.Errorf(linkfin.EINVALID, "a delivery is delivered, or failed with a next attempt")
	}
	id := linkfin.WebhookDeliveryID(w.ID, c.Seq)
	var d linkfin.WebhookDelivery
	if _, err := tx.Get(linkfin.KindWebhookDelivery, id, &d); err != nil {
		return nil, err
	}
	if d.Status == linkfin.WebhookDelivered {
		return &d, nil // delivered once is delivered
	}
	now := tx.Now()
	msg := []rune(c.Error)
	if len(msg) > maxDeliveryError {
		msg = msg[:maxDeliveryError]
	}
	d = linkfin.WebhookDelivery{ID: id, EndpointID: w.ID, OrgID: w.OrgID, Seq: c.Seq, EventType: c.EventType, Status: c.Status,
		Attempts: max(c.Attempt, d.Attempts+1), HTTPStatus: c.HTTPStatus, Error: string(msg), AttemptedAt: now, NextAttemptAt: c.NextAttemptAt}
	if c.Status == linkfin.WebhookDelivered {
		d.DeliveredAt = &now
	}
	if err := tx.Put(linkfin.KindWebhookDelivery, id, &d, "webhook_delivery."+c.Status); err != nil {
		return nil, err
	}
	if c.Status == linkfin.WebhookDelivered && c.Seq > w.Cursor {
		w.Cursor = c.Seq
		if err := tx.Put(linkfin.KindWebhookEndpoint, w.ID, w, "webhook_endpoint.advanced"); err != nil {
			return nil, err
		}
	}
	return &d, nil
}

// AdvanceWebhookCursor moves an endpoint's cursor past events that concern it not at
// all, so that the dispatcher need not read them again. It never moves back.
type AdvanceWebhookCursor struct {
	EndpointID string
	Through    int64 // the seq of the last event passed over
}

// Keys implements linkfin.Command.
func (c *AdvanceWebhookCursor) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindWebhookEndpoint, ID: c.EndpointID}}
}

// Apply implements linkfin.Command.
func (c *AdvanceWebhookCursor) Apply(tx linkfin.Tx) (any, error) {
	w, err := endpoint(tx, "", c.EndpointID)
	if err != nil || c.Through <= w.Cursor {
		return w, err
	}
	w.Cursor = c.Through
	return w, tx.Put(linkfin.KindWebhookEndpoint, w.ID, w, "webhook_endpoint.advanced")
}

// endpoint reads an endpoint the actor owns ("" for the operator, or the platform).
func endpoint(tx linkfin.Tx, actor, id string) (*linkfin.WebhookEndpoint, error) {
	var w linkfin.WebhookEndpoint
	found, err := tx.Get(linkfin.KindWebhookEndpoint, id, &w)
	if err != nil {
		return nil, err
	}
	if !found || actor != "" && actor != w.OrgID {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "webhook endpoint %s not found", id)
	}
	return &w, nil
}
