// Package webhook delivers the events of the log to the organizations' endpoints:
// signed with HMAC-SHA256, in log order, at least once.
//
// The log is the outbox. An event is committed with the batch that made it, so there
// is nothing to lose when an endpoint is down; each endpoint's record holds a cursor,
// the last event delivered (or passed over), and the dispatcher sends what follows it.
// A delivery that fails blocks the events after it, for that endpoint alone, until a
// retry succeeds: order is kept. An event may arrive twice if the process stops
// between the endpoint's answer and the record of it; receivers drop ids they have
// seen.
package webhook

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"slices"
	"strconv"
	"sync"
	"time"

	"linkfin"
	"linkfin/engine"
	"linkfin/services"
)

// Defaults of a Dispatcher.
const (
	DefaultPollInterval = time.Second
	DefaultMaxBackoff   = 10 * time.Minute
	DefaultTimeout      = 10 * time.Second
	DefaultSkipAfter    = 1000
	DefaultWorkers      = 16
)

const (
	// pageSize is how many events one read of the log takes.
	pageSize = 500
	// maxPerRound bounds the deliveries to one endpoint in one round, after which its
	// record is read again: a disable, say, takes effect soon.
	maxPerRound = 100
	// firstBackoff is the wait after the first failed attempt; it doubles with each.
	firstBackoff = time.Second
	// maxListBackoff bounds Run's wait between reads of the endpoints while the store
	// fails them (MaxBackoff bounds it too): deliveries start again soon after the
	// database is back.
	maxListBackoff = 30 * time.Second
)

// Payload is the JSON body of a delivery.
type Payload struct {
	ID   string          `json:"id"`   // the event's seq in the log, in decimal
	Type string          `json:"type"` // "financing.accepted"
	Time string          `json:"time"` // RFC 3339, UTC
	Data json.RawMessage `json:"data"` // the record as the event wrote it, as the endpoint's organization sees it (services.Seen)
}

// Dispatcher delivers events to the enabled webhook endpoints. Set its fields, then
// call Run; the zero values of the optional fields take the defaults.
type Dispatcher struct {
	Engine *engine.Engine
	Store  linkfin.Store
	Key    []byte // the platform's webhook key, which the endpoints' secrets derive from

	// Client sends the deliveries. Nil uses NewClient, which reaches public
	// addresses alone and follows no redirects.
	Client *http.Client
	Logger *slog.Logger
	// PollInterval is how often the log is read for new events.
	PollInterval time.Duration
	// MaxBackoff bounds the wait between attempts, which starts at one second and
	// doubles with each failure. It bounds too, to at most 30 seconds, Run's wait
	// between reads of the endpoints while the store fails them, which starts at
	// twice PollInterval and doubles with each failure.
	MaxBackoff time.Duration
	// Timeout bounds one attempt: an endpoint that has not answered 2xx by then failed.
	Timeout time.Duration
	// SkipAfter is how many events that concern an endpoint not at all it passes over
	// before its cursor is moved past them, in one command.
	SkipAfter int
	// Workers bounds the endpoints served at once.
	Workers int
	Now     func() time.Time

	once  sync.Once
	mu    sync.Mutex
	busy  map[string]bool   // endpoints being served
	retry map[string]*retry // endpoint id → the failed attempts at its first pending event
}

// retry is where an endpoint stands with the event that blocks it.
type retry struct {
	seq      int64
	attempts int
	next     time.Time
}

func (d *Dispatcher) init() error {
	if d.Engine == nil || d.Store == nil {
		return errors.New("webhook: a dispatcher needs an engine and a store")
	}
	if len(d.Key) == 0 {
		return errors.New("webhook: a dispatcher needs the platform's webhook key")
	}
	d.once.Do(func() {
		if d.Client == nil {
			d.Client = NewClient()
		}
		if d.Logger == nil {
			d.Logger = slog.New(slog.DiscardHandler)
		}
		if d.PollInterval <= 0 {
			d.PollInterval = DefaultPollInterval
		}
		if d.MaxBackoff <= 0 {
			d.MaxBackoff = DefaultMaxBackoff
		}
		if d.Timeout <= 0 {
			d.Timeout = DefaultTimeout
		}
		if d.SkipAfter <= 0 {
			d.SkipAfter = DefaultSkipAfter
		}
		if d.Workers <= 0 {
			d.Workers = DefaultWorkers
		}
		if d.Now == nil {
			d.Now = time.Now
		}
		d.busy = make(map[string]bool)
		d.retry = make(map[string]*retry)
	})
	return nil
}

// Run delivers events until ctx is done, then waits for the deliveries in flight to
// stop and returns nil. It fails at once only when the dispatcher lacks its engine,
// store or key; other errors are logged and retried. While the store fails to list
// the endpoints (the database down, say), Run reads them less and less often, the
// wait doubling to its bound (see MaxBackoff), and logs the failure once, when it
// begins, and once more when a read succeeds again, which polls at PollInterval again.
func (d *Dispatcher) Run(ctx context.Context) error {
	if err := d.init(); err != nil {
		return err
	}
	var wg sync.WaitGroup
	defer wg.Wait()
	wait, bound := d.PollInterval, max(d.PollInterval, min(d.MaxBackoff, maxListBackoff))
	timer := time.NewTimer(wait)
	defer timer.Stop()
	var failingSince time.Time // when the store began to fail to list the endpoints
	for {
		ids, err := d.due(ctx)
		switch {
		case err != nil && ctx.Err() == nil:
			if failingSince.IsZero() {
				failingSince = time.Now()
				d.Logger.Error("webhook: list endpoints; reading them less often until the store answers", "err", err)
			}
			wait = min(wait*2, bound)
		case err == nil && !failingSince.IsZero():
			d.Logger.Info("webhook: list endpoints: the store answers again", "failed_for", time.Since(failingSince).Round(time.Millisecond))
			failingSince, wait = time.Time{}, d.PollInterval
		}
		for _, id := range ids {
			if !d.claim(id, true) {
				continue
			}
			wg.Go(func() {
				defer d.release(id)
				if err := d.serve(ctx, id); err != nil && ctx.Err() == nil {
					d.Logger.Error("webhook: serve endpoint", "endpoint", id, "err", err)
				}
			})
		}
		timer.Reset(wait)
		select {
		case <-ctx.Done():
			return nil
		case <-timer.C:
		}
	}
}

// Poll makes one pass: every endpoint that is due gets the events after its cursor,
// in order, until one fails or none is left (or a round's bound is reached). It waits
// for the pass to end. Run polls on its own; Poll is for callers that drive the
// dispatcher themselves, such as tests.
func (d *Dispatcher) Poll(ctx context.Context) error {
	if err := d.init(); err != nil {
		return err
	}
	ids, err := d.due(ctx)
	if err != nil {
		return err
	}
	var (
		wg   sync.WaitGroup
		mu   sync.Mutex
		errs []error
	)
	workers := make(chan struct{}, d.Workers)
	for _, id := range ids {
		if !d.claim(id, false) {
			continue // another caller serves it
		}
		workers <- struct{}{}
		wg.Go(func() {
			defer func() { <-workers }()
			defer d.release(id)
			if err := d.serve(ctx, id); err != nil {
				mu.Lock()
				errs = append(errs, fmt.Errorf("endpoint %s: %w", id, err))
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	return errors.Join(errs...)
}

// claim marks an endpoint as being served, if no one serves it and, when bounded, a
// worker is free.
func (d *Dispatcher) claim(id string, bounded bool) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	if d.busy[id] || bounded && len(d.busy) >= d.Workers {
		return false
	}
	d.busy[id] = true
	return true
}

func (d *Dispatcher) release(id string) {
	d.mu.Lock()
	delete(d.busy, id)
	d.mu.Unlock()
}

// due lists the enabled endpoints that are not waiting to retry.
func (d *Dispatcher) due(ctx context.Context) ([]string, error) {
	now := d.Now()
	var ids []string
	for after := ""; ; {
		objs, err := d.Store.ListObjects(ctx, linkfin.KindWebhookEndpoint, after, pageSize)
		if err != nil {
			return ids, err
		}
		for _, o := range objs {
			var w linkfin.WebhookEndpoint
			if err := json.Unmarshal(o.Data, &w); err != nil {
				return ids, fmt.Errorf("endpoint %s: %w", o.ID, err)
			}
			if w.DisabledAt != nil {
				continue
			}
			d.mu.Lock()
			r := d.retry[w.ID]
			d.mu.Unlock()
			if r != nil && r.next.After(now) {
				continue
			}
			ids = append(ids, w.ID)
		}
		if len(objs) < pageSize {
			return ids, nil
		}
		after = objs[len(objs)-1].ID
	}
}

// serve delivers the events after an endpoint's cursor, in order, until one fails or
// none is left, a round at a time.
func (d *Dispatcher) serve(ctx context.Context, id string) error {
	for {
		more, err := d.round(ctx, id)
		if err != nil || !more || ctx.Err() != nil {
			return err
		}
	}
}

// round delivers the events after an endpoint's cursor, in order, stopping at the
// first that fails or at a round's bound; then, if it passed over a long stretch of
// events the endpoint takes no interest in, it moves the cursor past them. It reports
// whether it stopped at a bound, with more to do.
func (d *Dispatcher) round(ctx context.Context, id string) (more bool, err error) {
	// The record is read afresh: the cursor moves with every delivery, and the
	// endpoint may have been disabled.
	o, err := d.Store.Object(ctx, linkfin.KindWebhookEndpoint, id)
	if err != nil {
		return false, err
	}
	var w linkfin.WebhookEndpoint
	if err := json.Unmarshal(o.Data, &w); err != nil {
		return false, err
	}
	if w.DisabledAt != nil {
		return false, nil
	}
	secret := Secret(d.Key, w.ID)
	cursor := w.Cursor
	passed, others, delivered := cursor, 0, 0
	long := int64(10 * d.SkipAfter)
scan:
	for from := cursor + 1; ; {
		evs, err := d.Store.Events(ctx, from, pageSize)
		if err != nil {
			return false, err
		}
		for i := range evs {
			ev := &evs[i]
			if !d.wants(&w, ev) {
				passed = ev.Seq
				if linkfin.WebhookKindDelivered(ev.Kind()) {
					others++
				}
				continue
			}
			ok, err := d.attempt(ctx, &w, secret, ev)
			if err != nil || !ok {
				// What was passed over before the event is passed with it, once it
				// is delivered.
				return false, err
			}
			cursor, passed, others = ev.Seq, ev.Seq, 0
			if delivered++; delivered == maxPerRound {
				more = true
				break scan
			}
		}
		if len(evs) < pageSize {
			break
		}
		if passed-cursor >= long {
			more = true
			break
		}
		from = evs[len(evs)-1].Seq + 1
	}
	// Moving the cursor writes an event itself, which every endpoint passes over: only
	// the events of other records count towards SkipAfter, else the moves would feed
	// one another. A very long stretch of the webhooks' own events is passed too.
	if passed > cursor && (others >= d.SkipAfter || passed-cursor >= long) {
		var out json.RawMessage
		err := d.Engine.Run(ctx, &services.AdvanceWebhookCursor{EndpointID: w.ID, Through: passed}, &out)
		return more, err
	}
	return more, nil
}

// wants reports whether the endpoint takes the event: a type its filters match, of a
// record its organization is party to.
func (d *Dispatcher) wants(w *linkfin.WebhookEndpoint, ev *linkfin.Event) bool {
	if !w.Wants(ev.Type) {
		return false
	}
	parties, err := ev.Parties()
	if err != nil {
		d.Logger.Error("webhook: read an event's parties", "seq", ev.Seq, "err", err)
		return false
	}
	return slices.Contains(parties, w.OrgID)
}

// attempt sends one event to the endpoint, unless it must wait for a retry, and
// records the outcome. It reports whether the event was delivered.
func (d *Dispatcher) attempt(ctx context.Context, w *linkfin.WebhookEndpoint, secret []byte, ev *linkfin.Event) (bool, error) {
	r, err := d.retryOf(ctx, w.ID, ev.Seq)
	if err != nil {
		return false, err
	}
	now := d.Now()
	if r.next.After(now) {
		return false, nil
	}
	// The record as the endpoint's organization sees it (services.Seen).
	data := json.RawMessage(ev.Data)
	if k, ok := linkfin.RecordOf(ev); ok {
		if data, err = services.Seen(linkfin.Viewer{Org: w.OrgID}, &linkfin.Object{Kind: k.Kind, ID: k.ID, Data: ev.Data}); err != nil {
			return false, err
		}
	}
	body, err := json.Marshal(Payload{ID: strconv.FormatInt(ev.Seq, 10), Type: ev.Type,
		Time: time.Unix(0, ev.Time).UTC().Format(time.RFC3339Nano), Data: data})
	if err != nil {
		return false, err
	}
	status, sendErr := d.send(ctx, w.URL, secret, ev, body, now)
	if sendErr != nil && ctx.Err() != nil {
		return false, ctx.Err() // stopping: the event is sent again on the next start
	}
	// An answer is recorded even when stopping: an event acknowledged and not
	// recorded would be sent again.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), d.Timeout)
	defer cancel()
	rec := &services.RecordDelivery{EndpointID: w.ID, Seq: ev.Seq, EventType: ev.Type, HTTPStatus: status, Attempt: r.attempts + 1}
	if sendErr == nil {
		rec.Status = linkfin.WebhookDelivered
	} else {
		next := now.Add(d.backoff(rec.Attempt))
		rec.Status, rec.Error, rec.NextAttemptAt = linkfin.WebhookFailed, sendErr.Error(), &next
		d.mu.Lock()
		r.attempts, r.next = rec.Attempt, next
		d.mu.Unlock()
	}
	var out json.RawMessage
	if err := d.Engine.Run(rctx, rec, &out); err != nil {
		// Unrecorded, a delivered event is sent again: at least once, never lost.
		return false, fmt.Errorf("record delivery of event %d: %w", ev.Seq, err)
	}
	if sendErr != nil {
		d.Logger.Info("webhook: delivery failed", "endpoint", w.ID, "seq", ev.Seq, "attempt", rec.Attempt, "err", sendErr)
		return false, nil
	}
	d.mu.Lock()
	delete(d.retry, w.ID)
	d.mu.Unlock()
	return true, nil
}

// retryOf is where the endpoint stands with the event: from memory, or after a
// restart from the event's delivery record, so that a restart neither resets the
// backoff nor the count of attempts.
func (d *Dispatcher) retryOf(ctx context.Context, endpointID string, seq int64) (*retry, error) {
	d.mu.Lock()
	r := d.retry[endpointID]
	d.mu.Unlock()
	if r != nil && r.seq == seq {
		return r, nil
	}
	r = &retry{seq: seq}
	o, err := d.Store.Object(ctx, linkfin.KindWebhookDelivery, linkfin.WebhookDeliveryID(endpointID, seq))
	switch {
	case linkfin.ErrorCode(err) == linkfin.ENOTFOUND:
	case err != nil:
		return nil, err
	default:
		var rec linkfin.WebhookDelivery
		if err := json.Unmarshal(o.Data, &rec); err != nil {
			return nil, err
		}
		if rec.Status == linkfin.WebhookFailed {
			r.attempts = rec.Attempts
			if rec.NextAttemptAt != nil {
				r.next = *rec.NextAttemptAt
			}
		}
	}
	d.mu.Lock()
	d.retry[endpointID] = r
	d.mu.Unlock()
	return r, nil
}

// backoff is the wait after the attempt-th failure: one second, doubling, up to
// MaxBackoff.
func (d *Dispatcher) backoff(attempt int) time.Duration {
	wait := firstBackoff
	for i := 1; i < attempt && wait < d.MaxBackoff; i++ {
		wait *= 2
	}
	return min(wait, d.MaxBackoff)
}

// send posts the body, signed; anything but a 2xx answer within the timeout fails.
func (d *Dispatcher) send(ctx context.Context, url string, secret []byte, ev *linkfin.Event, body []byte, now time.Time) (int, error) {
	ctx, cancel := context.WithTimeout(ctx, d.Timeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return 0, err
	}
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("User-Agent", "linkfin-webhooks")
	req.Header.Set("Linkfin-Event-Id", strconv.FormatInt(ev.Seq, 10))
	req.Header.Set("Linkfin-Event-Type", ev.Type)
	req.Header.Set("Linkfin-Signature", Sign(secret, now, body))
	resp, err := d.Client.Do(req)
	if err != nil {
		if ctx.Err() != nil && ctx.Err() != context.DeadlineExceeded {
			return 0, err // stopping, not failing
		}
		return 0, deliveryError(err)
	}
	defer resp.Body.Close()
	// Read a little of the answer, so that the connection can be reused.
	io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return resp.StatusCode, fmt.Errorf("the endpoint answered %d %s", resp.StatusCode, http.StatusText(resp.StatusCode))
	}
	return resp.StatusCode, nil
}
