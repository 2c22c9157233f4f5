package http

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"time"

	"linkfin"
	"linkfin/engine"
)

// checkedKey holds, in a request's context, the record its route's tenancy check read.
type checkedKey struct{}

// none is the body of an action that takes none: empty, or {}.
type none struct{}

// act registers a route that runs one domain command, built from the principal, the
// path and the decoded body, and answers the command's value.
func act[In any](s *Server, rt Route, build func(r *http.Request, p *principal, in *In) (linkfin.Command, error)) {
	if t := reflect.TypeFor[In](); t != reflect.TypeFor[none]() && rt.In == nil {
		rt.In = t
	}
	if rt.Status == 0 {
		rt.Status = http.StatusOK
	}
	s.handle(rt, func(w http.ResponseWriter, r *http.Request) {
		// A stranger learns nothing, not even whether its body was well formed.
		if rt.Kind != "" {
			o, err := s.record(r, rt.Kind, r.PathValue("id"))
			if err != nil {
				writeError(w, r, err)
				return
			}
			r = r.WithContext(context.WithValue(r.Context(), checkedKey{}, o))
		}
		var in In
		var body []byte
		var err error
		if rt.In != nil {
			body, err = readJSON(w, r, &in)
		} else {
			body, err = emptyBody(w, r)
		}
		if err != nil {
			writeError(w, r, err)
			return
		}
		c, err := build(r, principalOf(r), &in)
		if err != nil {
			writeError(w, r, err)
			return
		}
		s.submit(w, r, body, &engine.Request{Commands: []linkfin.Command{c}}, valueAnswer(rt.Status))
	})
}

// An answer makes the reply to a request the engine ran: the status and the value to
// write as JSON, or an error to write instead.
type answer func(resp *engine.Response) (status int, v any, err error)

// submit runs a request through the engine under the caller's Idempotency-Key and
// writes what answer makes of the response, or the error: the engine's, the first
// refused command's, or answer's own. Every request of the API that reaches the
// engine goes this way.
func (s *Server) submit(w http.ResponseWriter, r *http.Request, body []byte, req *engine.Request, answer answer) {
	if key := r.Header.Get("Idempotency-Key"); key != "" {
		if len(key) > 255 {
			writeError(w, r, linkfin.Errorf(linkfin.EINVALID, "Idempotency-Key is longer than 255 characters"))
			return
		}
		h := sha256.New()
		// The query is part of the request (an XML invoice takes its ids there): two
		// requests that differ only in it are different requests.
		h.Write([]byte(r.Method + " " + r.URL.Path + "?" + r.URL.Query().Encode() + "\n"))
		h.Write(body)
		req.IdempotencyKey = principalOf(r).namespace() + key
		req.Hash = h.Sum(nil)
	}
	resp, err := s.Engine.Submit(r.Context(), req)
	if err == nil {
		if resp.Replayed {
			w.Header().Set("Idempotency-Hit", "true")
		}
		for i := range resp.Outcomes {
			if err = resp.Outcomes[i].Err(); err != nil {
				break
			}
		}
	}
	var status int
	var v any
	if err == nil {
		status, v, err = answer(resp)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, status, v)
}

// valueAnswer answers a one-command request with the command's value, as it is.
func valueAnswer(status int) answer {
	return func(resp *engine.Response) (int, any, error) { return status, resp.Outcomes[0].Value, nil }
}

// valueOf decodes the value of a one-command request's command.
func valueOf[T any](resp *engine.Response) (*T, error) {
	var v T
	return &v, json.Unmarshal(resp.Outcomes[0].Value, &v)
}

// record reads a domain record the principal is or was party to. Any other answers
// not found, exactly as a missing id does. A record the route's check already read is
// not read again.
func (s *Server) record(r *http.Request, kind, id string) (*linkfin.Object, error) {
	if o, ok := r.Context().Value(checkedKey{}).(*linkfin.Object); ok && o.Kind == kind && o.ID == id {
		return o, nil
	}
	notFound := linkfin.Errorf(linkfin.ENOTFOUND, "%s %s not found", strings.ReplaceAll(kind, "_", " "), id)
	o, err := s.Store.Object(r.Context(), kind, id)
	if linkfin.ErrorCode(err) == linkfin.ENOTFOUND {
		return nil, notFound
	} else if err != nil {
		return nil, err
	}
	parties, err := linkfin.PartiesOf(kind, o.Data)
	if err != nil {
		return nil, err
	}
	p := principalOf(r)
	if p.party(parties) {
		return o, nil
	}
	// A former party (a holder that passed its piece on) sees the record as its lists
	// show it: the party index, which only grows, is what both read.
	was, err := s.Store.WasParty(r.Context(), kind, id, p.Org)
	if err != nil {
		return nil, err
	}
	if !was {
		return nil, notFound
	}
	return o, nil
}

// get decodes a record the principal is party to.
func get[T any](s *Server, r *http.Request, kind, id string) (*T, error) {
	o, err := s.record(r, kind, id)
	if err != nil {
		return nil, err
	}
	var v T
	return &v, json.Unmarshal(o.Data, &v)
}

// getRoute registers GET of one record by id.
func getRoute[T any](s *Server, pattern, kind, summary string) {
	s.handle(Route{Pattern: pattern, Access: AnyKey, Out: reflect.TypeFor[T](), Summary: summary}, func(w http.ResponseWriter, r *http.Request) {
		o, err := s.record(r, kind, r.PathValue("id"))
		if err != nil {
			writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, json.RawMessage(o.Data))
	})
}

// listFilter is what a list may be narrowed by.
type listFilter struct {
	Status       string
	Counterparty string
	Number       string        // a document's own number
	From, To     *linkfin.Date // the record's creation date, inclusive
}

// filterFields are the fields a filter reads from a record.
type filterFields struct {
	Status     string     `json:"status"`
	Number     string     `json:"number"`
	CreatedAt  *time.Time `json:"created_at"`
	IssuedAt   *time.Time `json:"issued_at"`
	ApprovedAt *time.Time `json:"approved_at"`
	ProposedAt *time.Time `json:"proposed_at"`
	ReceivedAt *time.Time `json:"received_at"`
}

func parseFilter(r *http.Request) (listFilter, error) {
	var f listFilter
	q := r.URL.Query()
	f.Status, f.Counterparty, f.Number = q.Get("status"), q.Get("counterparty"), q.Get("number")
	for name, d := range map[string]**linkfin.Date{"from": &f.From, "to": &f.To} {
		if v := q.Get(name); v != "" {
			x, err := linkfin.ParseDate(v)
			if err != nil {
				return f, linkfin.Errorf(linkfin.EINVALID, "%s must be a date, YYYY-MM-DD", name)
			}
			*d = &x
		}
	}
	return f, nil
}

func (f *listFilter) match(kind string, o *linkfin.Object, self string) (bool, error) {
	if f.Status == "" && f.Counterparty == "" && f.Number == "" && f.From == nil && f.To == nil {
		return true, nil
	}
	var v filterFields
	if err := json.Unmarshal(o.Data, &v); err != nil {
		return false, err
	}
	if f.Status != "" && v.Status != f.Status || f.Number != "" && v.Number != f.Number {
		return false, nil
	}
	if f.Counterparty != "" {
		parties, err := linkfin.PartiesOf(kind, o.Data)
		if err != nil {
			return false, err
		}
		found := false
		for _, id := range parties {
			found = found || id == f.Counterparty && id != self
		}
		if !found {
			return false, nil
		}
	}
	if f.From != nil || f.To != nil {
		var at *time.Time
		for _, t := range []*time.Time{v.CreatedAt, v.IssuedAt, v.ApprovedAt, v.ProposedAt, v.ReceivedAt} {
			if at == nil {
				at = t
			}
		}
		if at == nil {
			return false, nil
		}
		d := linkfin.DateOf(*at)
		if f.From != nil && d.Before(*f.From) || f.To != nil && f.To.Before(d) {
			return false, nil
		}
	}
	return true, nil
}

// numbered are the kinds of documents that carry their organization's own number,
// which their lists filter by.
var numbered = map[string]bool{linkfin.KindPurchaseOrder: true, linkfin.KindShipment: true, linkfin.KindGoodsReceipt: true,
	linkfin.KindInvoice: true, linkfin.KindCreditNote: true, linkfin.KindWarehouseReceipt: true}

// listQuery and pageQuery are what lists take: filters, and a page.
var (
	listQuery = []string{"limit", "after", "status", "counterparty", "from", "to"}
	pageQuery = []string{"limit", "after"}
)

// listRoute registers a cursor-paginated list of a kind: an organization's lists
// hold what it is or was party to; the operator's, everything.
func listRoute[T any](s *Server, pattern, kind, summary string) {
	query, filters := listQuery, "status, counterparty, from and to (creation date, inclusive)"
	if numbered[kind] {
		query, filters = append(slices.Clone(listQuery), "number"), "status, counterparty, number (the document's own number), from and to (creation date, inclusive)"
	}
	s.handle(Route{Pattern: pattern, Access: AnyKey, Out: reflect.TypeFor[T](), List: true, Query: query, Summary: summary +
		" Filters: " + filters + ". A filtered page may be short: follow next_cursor."},
		func(w http.ResponseWriter, r *http.Request) {
			out, err := s.list(r, kind)
			if err != nil {
				writeError(w, r, err)
				return
			}
			writeJSON(w, http.StatusOK, out)
		})
}

func (s *Server) list(r *http.Request, kind string) (*linkfin.List[json.RawMessage], error) {
	p := principalOf(r)
	return listFrom(r, kind, func(after string, limit int) ([]linkfin.Object, error) {
		if p.operator() {
			return s.Store.ListObjects(r.Context(), kind, after, limit)
		}
		return s.Store.ListObjectsByParty(r.Context(), kind, p.Org, after, limit)
	})
}

// listFrom answers a page of the records source lists (in id order, after an id),
// filtered as the request asks.
func listFrom(r *http.Request, kind string, source func(after string, limit int) ([]linkfin.Object, error)) (*linkfin.List[json.RawMessage], error) {
	limit, err := pageLimit(r)
	if err != nil {
		return nil, err
	}
	f, err := parseFilter(r)
	if err != nil {
		return nil, err
	}
	p := principalOf(r)
	read := func(last *linkfin.Object) ([]linkfin.Object, error) {
		after := r.URL.Query().Get("after")
		if last != nil {
			after = last.ID
		}
		return source(after, limit)
	}
	keep := func(o *linkfin.Object) (bool, error) { return f.match(kind, o, p.Org) }
	objs, next, err := filtered(limit, read, keep, func(o *linkfin.Object) string { return o.ID })
	if err != nil {
		return nil, err
	}
	out := &linkfin.List[json.RawMessage]{Data: make([]json.RawMessage, len(objs)), NextCursor: next}
	for i := range objs {
		out.Data[i] = objs[i].Data
	}
	return out, nil
}

// filtered fills a page of up to limit items that keep accepts, reading the list a page
// of limit at a time with read (from the start for nil, else after the item given), and
// at most ten pages: a filtered page may be short. The cursor is that of the last item
// read, or "" at the end of the list.
func filtered[T any](limit int, read func(last *T) ([]T, error), keep func(*T) (bool, error), cursor func(*T) string) (out []T, next string, err error) {
	var last *T
	for scanned := 0; scanned < 10*limit; {
		items, err := read(last)
		if err != nil {
			return nil, "", err
		}
		for i := range items {
			ok, err := keep(&items[i])
			if err != nil {
				return nil, "", err
			}
			if ok {
				out = append(out, items[i])
			}
			next = cursor(&items[i])
			if len(out) == limit {
				return out, next, nil
			}
		}
		if len(items) < limit {
			return out, "", nil
		}
		scanned += len(items)
		last = &items[len(items)-1]
	}
	return out, next, nil
}
