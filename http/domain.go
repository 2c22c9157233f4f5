package http

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/json"
	"io"
	"net/http"
	"reflect"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"

	"linkfin"
	"linkfin/engine"
	"linkfin/services"
)

// checkedKey holds, in a request's context, the record its route's tenancy check read
// (a *checked).
type checkedKey struct{}

// checked is a record a route's tenancy check read, and its value decoded, which the
// first get of it takes instead of decoding it again.
type checked struct {
	o *linkfin.Object
	v any
}

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
	answers := recordKind(rt.Out) // the kind of record the route answers, if any
	s.handle(rt, func(w http.ResponseWriter, r *http.Request) {
		// A stranger learns nothing, not even whether its body was well formed.
		if rt.Kind != "" {
			c, err := s.recordValue(r, rt.Kind, r.PathValue("id"))
			if err != nil {
				writeError(w, r, err)
				return
			}
			r = r.WithContext(context.WithValue(r.Context(), checkedKey{}, c))
		}
		var in In
		var body []byte
		var err error
		if rt.In != nil && rt.BodyOptional {
			body, err = optionalJSON(w, r, &in)
		} else if rt.In != nil {
			body, err = readJSON(w, r, &in)
		} else {
			body, err = emptyBody(w, r)
		}
		if err != nil {
			writeError(w, r, err)
			return
		}
		// What the body says, taken before build sees the value.
		form := decodedForm(r, &in, s.secrets[r.Pattern])
		c, err := build(r, principalOf(r), &in)
		if err != nil {
			writeError(w, r, err)
			return
		}
		ans := valueAnswer(rt.Status)
		if answers != "" {
			// The record the route makes or acts on, as the caller sees it.
			ans = seenAnswer(rt.Status, answers, principalOf(r).viewer())
		}
		s.submit(w, r, body, form, &engine.Request{Commands: []linkfin.Command{c}}, ans)
	})
}

// secretFields are the fields of a body type tagged secret:"true", which carry a
// password or a one-time code. They are not part of a request's fingerprint, which is
// kept with its answer under the Idempotency-Key: a fast hash of a password would let
// whoever reads the database (or a backup) guess it past Argon2id. A retry under the
// same key that differs only in them is answered as the first.
func secretFields(t reflect.Type) []string {
	if t == nil || t.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	for _, f := range jsonFields(t) {
		if f.secret {
			out = append(out, f.name)
		}
	}
	return out
}

// withoutSecrets is a JSON object's body with the fields named set to one value, or
// the body as it is when it names none of them (or is not an object).
func withoutSecrets(body []byte, fields []string) []byte {
	if len(fields) == 0 {
		return body
	}
	var m map[string]json.RawMessage
	if json.Unmarshal(body, &m) != nil {
		return body
	}
	changed := false
	for _, f := range fields {
		if _, ok := m[f]; ok {
			m[f], changed = json.RawMessage(`"secret"`), true
		}
	}
	if !changed {
		return body
	}
	out, err := json.Marshal(m)
	if err != nil {
		return body
	}
	return out
}

// canonicalJSON is a JSON body in one form for what it means, and true; false for a
// body that is not one JSON value. Its objects' members are sorted by name, without
// space between tokens, its strings escaped one way, the fields named (secretFields)
// of the top object set to one value. A number is kept as written: 100 and 1e2 are
// not the same body. RFC 8785 (JCS) would write every number as a float64 does, and
// so give two amounts above 2^53 one form: two different requests would be one.
// The body has passed decode, which refuses a member given twice and text that is
// not UTF-8, so the value decoded here is the one the request is run with.
func canonicalJSON(body []byte, secrets []string) ([]byte, bool) {
	d := json.NewDecoder(bytes.NewReader(body))
	d.UseNumber()
	var v any
	if d.Decode(&v) != nil {
		return nil, false
	}
	if _, err := d.Token(); err != io.EOF {
		return nil, false
	}
	if m, ok := v.(map[string]any); ok {
		for _, f := range secrets {
			if _, ok := m[f]; ok {
				m[f] = "secret"
			}
		}
	}
	var out bytes.Buffer
	enc := json.NewEncoder(&out)
	enc.SetEscapeHTML(false)
	if enc.Encode(v) != nil {
		return nil, false
	}
	return bytes.TrimSuffix(out.Bytes(), []byte("\n")), true
}

// decodedForm is the form of a JSON body by what it says, made from the value v it
// was decoded into: v encoded again, its members in its type's order, numbers and
// strings as Go writes them. Two bodies that decode to one value are one request to
// the route, since the route runs on the value; it is the cheap way to canonicalJSON's
// end where the value is at hand (for a transfer, a fifth of its time and a ninth of
// its allocations: BenchmarkFingerprint). A body left out (empty, or whitespace
// alone) where the route takes none, or reads it as its zero value, is that value
// too: "", " " and "{}" are one request, as the route runs them alike. The secret
// fields named (secretFields) are set to one value, as canonicalJSON sets them. It is
// nil where there is no Idempotency-Key to fingerprint.
func decodedForm(r *http.Request, v any, secrets []string) []byte {
	if r.Header.Get("Idempotency-Key") == "" {
		return nil
	}
	form, err := json.Marshal(v)
	if err != nil {
		return nil
	}
	return withoutSecrets(form, secrets)
}

// An answer makes the reply to a request the engine ran: the status and the value to
// write as JSON, or an error to write instead.
type answer func(resp *engine.Response) (status int, v any, err error)

// submit runs a request through the engine under the caller's Idempotency-Key and
// writes what answer makes of the response, or the error: the engine's, the first
// refused command's, or answer's own. Every request of the API that reaches the
// engine goes this way. form is the body by what it says (decodedForm), which every
// route that reads a JSON body gives; without it (nil), a JSON body's is
// canonicalJSON's, and any other's its bytes. A route gives it for a body of one media
// type always or never.
func (s *Server) submit(w http.ResponseWriter, r *http.Request, body, form []byte, req *engine.Request, answer answer) {
	if key := r.Header.Get("Idempotency-Key"); key != "" {
		if len(key) > 255 || !utf8.ValidString(key) || strings.IndexFunc(key, unicode.IsControl) >= 0 {
			writeError(w, r, linkfin.Errorf(linkfin.EINVALID, "Idempotency-Key is up to 255 bytes of UTF-8 text, without control characters"))
			return
		}
		// The query is part of the request (an XML invoice takes its ids there): two
		// requests that differ only in it are different requests.
		head := r.Method + " " + r.URL.Path + "?" + r.URL.Query().Encode() + "\n"
		sum := func(body []byte) []byte {
			h := sha256.New()
			h.Write([]byte(head))
			h.Write(body)
			return h.Sum(nil)
		}
		req.IdempotencyKey = principalOf(r).namespace() + key
		// A JSON body is compared by what it means, a retry in other spacing or
		// member order being the same request; an answer kept by a linkfin that
		// compared its bytes is still this body's answer.
		former := withoutSecrets(body, s.secrets[r.Pattern])
		req.Hash = sum(former)
		canon, ok := form, form != nil
		if !ok {
			canon, ok = canonicalJSON(body, s.secrets[r.Pattern])
		}
		if ok && !bytes.Equal(canon, former) {
			req.Hash, req.FormerHash = sum(canon), req.Hash
		}
	}
	// Who sent it is recorded with what it changed.
	if p := principalOf(r); p != nil {
		for i, c := range req.Commands {
			req.Commands[i] = services.Attribute(p.Org, p.by(), c)
		}
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

// recordKind is the kind of record whose value is of type t, or "" for none.
func recordKind(t reflect.Type) string {
	if t == nil {
		return ""
	}
	for _, kind := range linkfin.Kinds() {
		if reflect.TypeOf(linkfin.NewRecord(kind)) == reflect.PointerTo(t) {
			return kind
		}
	}
	return ""
}

// seenAnswer answers a one-command request with the record of the kind that the
// command answers, as the viewer sees it (services.Seen).
func seenAnswer(status int, kind string, v linkfin.Viewer) answer {
	return func(resp *engine.Response) (int, any, error) {
		data, err := services.Seen(v, &linkfin.Object{Kind: kind, Data: resp.Outcomes[0].Value})
		return status, data, err
	}
}

// valueOf decodes the value of a one-command request's command.
func valueOf[T any](resp *engine.Response) (*T, error) {
	var v T
	return &v, json.Unmarshal(resp.Outcomes[0].Value, &v)
}

// record reads a domain record the principal sees (services.Read), through the engine
// (engine.Records): a record a recent batch wrote is read from its memory. A record
// the route's check already read is not read again.
func (s *Server) record(r *http.Request, kind, id string) (*linkfin.Object, error) {
	c, err := s.recordValue(r, kind, id)
	if err != nil {
		return nil, err
	}
	return c.o, nil
}

// recordValue is record with the value its tenancy check decoded
// (services.ReadValue), which the caller may take (set c.v to nil): the record the
// route's check read is answered as the check left it.
func (s *Server) recordValue(r *http.Request, kind, id string) (*checked, error) {
	if c, ok := r.Context().Value(checkedKey{}).(*checked); ok && c.o.Kind == kind && c.o.ID == id {
		return c, nil
	}
	o, v, err := services.ReadValue(r.Context(), s.Engine.Records(), principalOf(r).viewer(), kind, id)
	if err != nil {
		return nil, err
	}
	return &checked{o: o, v: v}, nil
}

// get decodes a record the principal sees: the value the tenancy check decoded, the
// first time it is asked for, else the record's JSON again.
func get[T any](s *Server, r *http.Request, kind, id string) (*T, error) {
	c, err := s.recordValue(r, kind, id)
	if err != nil {
		return nil, err
	}
	if v, ok := c.v.(*T); ok {
		c.v = nil // taken: a second get decodes a value of its own
		return v, nil
	}
	var v T
	return &v, json.Unmarshal(c.o.Data, &v)
}

// getRoute registers GET of one record by id, and of its history (historyRoute).
func getRoute[T any](s *Server, pattern, kind, summary string) {
	s.handle(Route{Pattern: pattern, Access: AnyKey, Out: reflect.TypeFor[T](), Summary: summary}, func(w http.ResponseWriter, r *http.Request) {
		o, err := s.record(r, kind, r.PathValue("id"))
		if err != nil {
			writeError(w, r, err)
			return
		}
		data, err := services.Seen(principalOf(r).viewer(), o)
		if err != nil {
			writeError(w, r, err)
			return
		}
		writeJSON(w, http.StatusOK, data)
	})
	historyRoute(s, pattern, kind)
}

// historyRoute registers, beside the GET of a record by id (pattern), the GET of its
// history: the events that wrote its versions, in log order, a page at a time
// (services.History). Who sees the record sees them all.
func historyRoute(s *Server, pattern, kind string) {
	s.handle(Route{Pattern: pattern + "/events", Access: AnyKey, Out: reflect.TypeFor[linkfin.EventOut](), List: true, Query: pageQuery,
		Summary: "The " + strings.ReplaceAll(kind, "_", " ") + "'s history: the events of the log that wrote each of its versions, in log order, " +
			"each with its seq, for an inclusion proof (GET /v1/audit/proof/{seq}). For whoever sees it, every version's."},
		func(w http.ResponseWriter, r *http.Request) {
			limit, after, err := page(r)
			if err != nil {
				writeError(w, r, err)
				return
			}
			if r.URL.Query().Get("after") == "" {
				after = -1 // no cursor, or an empty one: from the log's first event, seq 0
			}
			evs, next, err := services.History(r.Context(), s.Store, principalOf(r).viewer(), kind, r.PathValue("id"), after, limit)
			if err != nil {
				writeError(w, r, err)
				return
			}
			out := linkfin.List[linkfin.EventOut]{Data: make([]linkfin.EventOut, len(evs)), NextCursor: next}
			for i := range evs {
				out.Data[i] = toEvent(&evs[i])
			}
			writeJSON(w, http.StatusOK, out)
		})
}

// listParams reads what a list takes: ?limit=, ?after= and the filters.
func listParams(r *http.Request) (f services.Filter, after string, limit int, err error) {
	if limit, err = pageLimit(r); err != nil {
		return f, "", 0, err
	}
	q := r.URL.Query()
	if f, err = services.ParseFilter(q); err != nil {
		return f, "", 0, err
	}
	return f, q.Get("after"), limit, nil
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

// statusValues are the values of the status field of a record type, when the domain
// enumerates them (nil otherwise): its type's enum, or for a status of plain text, the
// values plainStatuses lists.
func statusValues(t reflect.Type) []any {
	if vs := plainStatuses[t]; vs != nil {
		return vs
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	for _, f := range jsonFields(t) {
		if vs := enums[f.typ]; f.name == "status" && vs != nil {
			return vs
		}
	}
	return nil
}

// plainStatuses are the statuses of the record types whose status field is plain
// text.
var plainStatuses = map[reflect.Type][]any{
	reflect.TypeFor[linkfin.User](): values(linkfin.UserActive, linkfin.UserDisabled),
}

// hasStatus reports whether a record type has a status field, which its list filters
// by.
func hasStatus(t reflect.Type) bool {
	return t.Kind() == reflect.Struct && slices.ContainsFunc(jsonFields(t), func(f jsonField) bool { return f.name == "status" })
}

// listRoute registers a cursor-paginated list of a kind: an organization's lists
// hold what it is or was party to; the operator's, everything.
// A record type without a status has no status filter: a list of its records refuses
// ?status= as a query parameter it does not take, rather than answer every value
// with an empty page.
func listRoute[T any](s *Server, pattern, kind, summary string) {
	query, filters := slices.Clone(listQuery), "counterparty, from and to (creation date in China Standard Time, inclusive)"
	if numbered[kind] {
		query, filters = append(query, "number"), "counterparty, number (the document's own number), from and to (creation date in China Standard Time, inclusive)"
	}
	if hasStatus(reflect.TypeFor[T]()) {
		filters = "status, " + filters
	} else {
		query = slices.DeleteFunc(query, func(q string) bool { return q == "status" })
	}
	statuses := statusValues(reflect.TypeFor[T]())
	s.handle(Route{Pattern: pattern, Access: AnyKey, Out: reflect.TypeFor[T](), List: true, Query: query, Summary: summary +
		" Filters: " + filters + ". A filtered page may be short: follow next_cursor."},
		func(w http.ResponseWriter, r *http.Request) {
			f, after, limit, err := listParams(r)
			if err == nil && f.Status != "" && statuses != nil && !slices.Contains(statuses, any(f.Status)) {
				err = linkfin.Errorf(linkfin.EINVALID, "status is one of %v", statuses)
			}
			var out *linkfin.List[json.RawMessage]
			if err == nil {
				out, err = services.List(r.Context(), s.Store, principalOf(r).viewer(), kind, f, after, limit)
			}
			if err != nil {
				writeError(w, r, err)
				return
			}
			writeJSON(w, http.StatusOK, out)
		})
}
