// Package client is a Go client for linkfin's REST API (DESIGN §5). One request path
// sets the key, encodes JSON, puts an Idempotency-Key on every POST and turns problem
// details into errors that carry their stable code; typed methods cover the resources
// of the whole process, from organizations to settlement, and the money it moves:
// e-CNY wallets and payments, conditional payments, purpose-bound wallets, and bank
// statements, expected payments and payment files. The platform names the
// records a create makes; the answer carries the id the next calls use. The wire
// types are the root package's, which the server speaks too: the client needs that
// package and the standard library alone.
//
//	c := client.New("http://127.0.0.1:8080", os.Getenv("LINKFIN_KEY"))
//	inv, err := c.CreateInvoice(ctx, client.InvoiceIn{Number: "INV-0042", …})
//	pay, err := c.ApproveInvoice(ctx, inv.ID)
//	if linkfin.ErrorCode(err) == linkfin.EFORBIDDEN { … }
//
// A request that got no answer (no server, a connection cut) is a *NoAnswerError of
// code ENOANSWER; a POST's carries its Idempotency-Key, to send it again under.
package client

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"iter"
	"mime"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"

	"linkfin"
)

// EUNEXPECTED is the code of an error answer that is not problem+json, such as a
// proxy's error page.
const EUNEXPECTED = "unexpected_response"

// ENOANSWER is the code of a request that got no answer: the server was not reached,
// or the connection failed before its answer came (a *NoAnswerError). A POST may
// have run: send it again under the same Idempotency-Key (WithIdempotencyKey, with
// NoAnswerError.IdempotencyKey) to learn its outcome, which the server applies once.
const ENOANSWER = "no_answer"

// NoAnswerError is a request that got no answer from the server. Its code is
// ENOANSWER (linkfin.ErrorCode), where a failure of the client's own would read as
// the server's internal error; it unwraps to the transport's error too, such as a
// *url.Error or a *net.OpError.
type NoAnswerError struct {
	Method, URL    string
	IdempotencyKey string // a POST's, to send it again under
	Err            error  // the transport's
}

// Error implements the error interface: the transport's words.
func (e *NoAnswerError) Error() string { return e.Err.Error() }

// Unwrap returns the transport's error and the domain error of code ENOANSWER.
func (e *NoAnswerError) Unwrap() []error {
	return []error{e.Err, &linkfin.Error{Code: ENOANSWER, Message: "no answer from the server to " + e.Method + " " + e.URL}}
}

// Client calls one linkfin server with one API key. It is safe for concurrent use.
type Client struct {
	base      string
	key       string
	http      *http.Client
	userAgent string
}

// Option configures a Client.
type Option func(*Client)

// WithHTTPClient sends requests with h instead of a client with a 60-second timeout;
// a nil h keeps that client.
func WithHTTPClient(h *http.Client) Option {
	return func(c *Client) {
		if h != nil {
			c.http = h
		}
	}
}

// WithUserAgent sets the User-Agent header of every request.
func WithUserAgent(ua string) Option { return func(c *Client) { c.userAgent = ua } }

// New returns a client of the server at baseURL ("http://127.0.0.1:8080") that
// authenticates with key ("lfk_<id>_<secret>").
func New(baseURL, key string, opts ...Option) *Client {
	c := &Client{base: strings.TrimRight(baseURL, "/"), key: key, http: &http.Client{Timeout: 60 * time.Second},
		userAgent: "linkfin-go-client"}
	for _, o := range opts {
		o(c)
	}
	return c
}

// Error is an error answer of the API: an RFC 9457 problem with linkfin's stable code.
// It unwraps to a *linkfin.Error, so linkfin.ErrorCode and linkfin.ErrorMessage work
// on it as on the server's own errors.
type Error struct {
	Status   int    // the HTTP status
	Code     string // the stable code, such as "forbidden" or "duplicate_invoice"
	Title    string
	Detail   string // safe to show to a user
	Instance string // "urn:request:<id>", to quote to the operator
}

// Error implements the error interface.
func (e *Error) Error() string {
	if e.Detail == "" {
		return fmt.Sprintf("%s (HTTP %d)", e.Code, e.Status)
	}
	return fmt.Sprintf("%s: %s (HTTP %d)", e.Code, e.Detail, e.Status)
}

// Unwrap returns the domain error the problem stands for.
func (e *Error) Unwrap() error { return &linkfin.Error{Code: e.Code, Message: e.Detail} }

type idempotencyKey struct{}

// WithIdempotencyKey returns a context whose POST sends key as its Idempotency-Key.
// Use it to retry a request safely: the server applies it once, and answers a retry
// with the first answer. Without it, every POST gets a random key of its own.
func WithIdempotencyKey(ctx context.Context, key string) context.Context {
	return context.WithValue(ctx, idempotencyKey{}, key)
}

// Meta is what an answer says besides its body.
type Meta struct {
	Status         int
	RequestID      string
	IdempotencyKey string // the key the request was sent with, "" for a GET
	IdempotencyHit bool   // the server answered a request it had applied before
}

type metaKey struct{}

// WithMeta returns a context that records into m the meta of the request made with it.
func WithMeta(ctx context.Context, m *Meta) context.Context {
	return context.WithValue(ctx, metaKey{}, m)
}

// body is a request body that is not JSON.
type body struct {
	contentType string
	data        []byte
}

// raw is an answer that is not JSON: Do asks for the media type accept and keeps the
// answer's bytes.
type raw struct {
	accept string
	data   []byte
}

// Do sends one request to path ("/v1/…", with any query string) and decodes the JSON
// answer into out unless out is nil. in, unless nil, is sent as JSON. It is the path
// every typed method takes, and it reaches routes they do not cover.
func (c *Client) Do(ctx context.Context, method, path string, in, out any) error {
	var (
		rd          io.Reader
		contentType string
	)
	switch b := in.(type) {
	case nil:
	case body:
		rd, contentType = bytes.NewReader(b.data), b.contentType
	default:
		data, err := json.Marshal(in)
		if err != nil {
			return fmt.Errorf("encode %s %s: %w", method, path, err)
		}
		rd, contentType = bytes.NewReader(data), "application/json"
	}
	req, err := http.NewRequestWithContext(ctx, method, c.base+path, rd)
	if err != nil {
		return err
	}
	req.Header.Set("Authorization", "Bearer "+c.key)
	req.Header.Set("Accept", "application/json")
	if r, ok := out.(*raw); ok {
		req.Header.Set("Accept", r.accept)
	}
	req.Header.Set("User-Agent", c.userAgent)
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	var key string
	if method == http.MethodPost {
		key, _ = ctx.Value(idempotencyKey{}).(string)
		if key == "" {
			key = rand.Text()
		}
		req.Header.Set("Idempotency-Key", key)
	}
	resp, err := c.http.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return err // the caller's context ended: its error says why
		}
		return &NoAnswerError{Method: method, URL: req.URL.Redacted(), IdempotencyKey: key, Err: err}
	}
	defer resp.Body.Close()
	if m, ok := ctx.Value(metaKey{}).(*Meta); ok {
		*m = Meta{Status: resp.StatusCode, RequestID: resp.Header.Get("X-Request-Id"), IdempotencyKey: key,
			IdempotencyHit: resp.Header.Get("Idempotency-Hit") == "true"}
	}
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<20))
	if err != nil {
		return fmt.Errorf("read %s %s: %w", method, path, err)
	}
	if resp.StatusCode >= 300 {
		return problem(resp, data)
	}
	if out == nil {
		return nil
	}
	if r, ok := out.(*raw); ok {
		r.data = data
		return nil
	}
	if err := json.Unmarshal(data, out); err != nil {
		return fmt.Errorf("decode %s %s: %w", method, path, err)
	}
	return nil
}

// problem reads an error answer.
func problem(resp *http.Response, data []byte) error {
	if mt, _, _ := mime.ParseMediaType(resp.Header.Get("Content-Type")); mt == "application/problem+json" {
		var p linkfin.Problem
		if err := json.Unmarshal(data, &p); err == nil && p.Code != "" {
			return &Error{Status: resp.StatusCode, Code: p.Code, Title: p.Title, Detail: p.Detail, Instance: p.Instance}
		}
	}
	detail := strings.TrimSpace(string(data))
	if len(detail) > 200 {
		detail = detail[:200] + "…"
	}
	return &Error{Status: resp.StatusCode, Code: EUNEXPECTED, Title: http.StatusText(resp.StatusCode), Detail: detail}
}

func (c *Client) get(ctx context.Context, path string, out any) error {
	return c.Do(ctx, http.MethodGet, path, nil, out)
}

func (c *Client) post(ctx context.Context, path string, in, out any) error {
	return c.Do(ctx, http.MethodPost, path, in, out)
}

// List is a page of a list; NextCursor is "" on the last page.
type List[T any] = linkfin.List[T]

// ListOptions narrows a list. Every field is optional. Status, Counterparty, From and
// To apply to the domain lists (not to keys, accounts and transfers); Number to the
// lists of documents (orders, shipments, goods receipts, invoices, warehouse receipts).
type ListOptions struct {
	Limit        int    // 1 to 1000 (another is sent, and refused: 400 invalid); 0, the server's default, 100
	After        string // a NextCursor
	Status       string
	Counterparty string       // an organization the record is shared with
	Number       string       // a document's own number
	From, To     linkfin.Date // the record's creation date, inclusive
}

func (o *ListOptions) query() string {
	if o == nil {
		return ""
	}
	q := url.Values{}
	if o.Limit != 0 {
		// A negative limit is a caller's mistake, refused as one more than 1000 is,
		// not a request for the default page.
		q.Set("limit", strconv.Itoa(o.Limit))
	}
	for name, v := range map[string]string{"after": o.After, "status": o.Status, "counterparty": o.Counterparty, "number": o.Number} {
		if v != "" {
			q.Set(name, v)
		}
	}
	for name, d := range map[string]linkfin.Date{"from": o.From, "to": o.To} {
		if !d.IsZero() {
			q.Set(name, d.String())
		}
	}
	if len(q) == 0 {
		return ""
	}
	return "?" + q.Encode()
}

// list reads one page of a list route.
func list[T any](ctx context.Context, c *Client, path string, opt *ListOptions) (*List[T], error) {
	var out List[T]
	if err := c.get(ctx, path+opt.query(), &out); err != nil {
		return nil, err
	}
	return &out, nil
}

// All iterates over every item of a list, page by page, following next_cursor:
//
//	for inv, err := range client.All(ctx, c.ListInvoices, &client.ListOptions{Status: "approved"}) { … }
//
// An error ends the iteration after it is yielded.
func All[T any](ctx context.Context, page func(context.Context, *ListOptions) (*List[T], error), opt *ListOptions) iter.Seq2[T, error] {
	return func(yield func(T, error) bool) {
		o := ListOptions{}
		if opt != nil {
			o = *opt
		}
		for {
			p, err := page(ctx, &o)
			if err != nil {
				var zero T
				yield(zero, err)
				return
			}
			for _, v := range p.Data {
				if !yield(v, nil) {
					return
				}
			}
			if p.NextCursor == "" {
				return
			}
			if p.NextCursor == o.After {
				var zero T
				yield(zero, errors.New("the server answered the same cursor twice"))
				return
			}
			o.After = p.NextCursor
		}
	}
}

// Collect reads every item of a list into a slice.
func Collect[T any](ctx context.Context, page func(context.Context, *ListOptions) (*List[T], error), opt *ListOptions) ([]T, error) {
	out := []T{}
	for v, err := range All(ctx, page, opt) {
		if err != nil {
			return nil, err
		}
		out = append(out, v)
	}
	return out, nil
}

// esc escapes an id for a path segment.
func esc(id string) string { return url.PathEscape(id) }
