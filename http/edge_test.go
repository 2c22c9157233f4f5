package http_test

import (
	"bufio"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"time"

	"linkfin"
	lfhttp "linkfin/http"
)

// edgeAnswer is what a server on loopback answered a request written as it is.
type edgeAnswer struct {
	status int
	header http.Header
	body   []byte
}

// serveOnLoopback serves a's server as linkfin serve does (Server.Serve, its own
// http.Server), on a port of its own, and returns a function that writes a request
// as given on a new connection and reads the answer.
func serveOnLoopback(t *testing.T, a *api) func(raw string) edgeAnswer {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	a.srv.Serve(ln)
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		a.srv.Close(ctx)
	})
	return func(raw string) edgeAnswer {
		t.Helper()
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		c.SetDeadline(time.Now().Add(10 * time.Second))
		// A server may answer and close before all is written (a head over its
		// bound): what it answered is read all the same.
		go io.WriteString(c, raw)
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("%.60q: %v", raw, err)
		}
		defer resp.Body.Close()
		body, _ := io.ReadAll(resp.Body)
		return edgeAnswer{resp.StatusCode, resp.Header, body}
	}
}

// TestEdgeHeaderTooLarge: a request's head (request line and header fields) of up to
// MaxHeaderBytes, counted as sent, is taken; one byte more is refused by linkfin in
// its own form, 431 header_too_large as problem+json with the request's id, before the
// route or the key is looked at. A head past the server's hard bound (1 MiB) is
// answered by Go's net/http itself, in text/plain, as docs/API.md says.
func TestEdgeHeaderTooLarge(t *testing.T) {
	a := newAPI(t)
	send := serveOnLoopback(t, a)
	// The head of this request is 49 bytes and its X-Pad's value.
	head := func(pad int) string {
		return "GET /healthz HTTP/1.1\r\nHost: linkfin\r\nX-Pad: " + strings.Repeat("a", pad) + "\r\n\r\n"
	}
	at := lfhttp.MaxHeaderBytes - 49
	if n := len(head(at)); n != lfhttp.MaxHeaderBytes {
		t.Fatalf("the head is %d bytes", n)
	}
	if r := send(head(at)); r.status != http.StatusOK || r.header.Get("Content-Type") != "application/json" {
		t.Fatalf("a head of MaxHeaderBytes: %d %s\n%s", r.status, r.header.Get("Content-Type"), r.body)
	}
	over := func(name, raw string) {
		t.Run(name, func(t *testing.T) {
			r := send(raw)
			if r.status != http.StatusRequestHeaderFieldsTooLarge || r.header.Get("Content-Type") != "application/problem+json" {
				t.Fatalf("%d %s\n%.200s", r.status, r.header.Get("Content-Type"), r.body)
			}
			var p linkfin.Problem
			decodeStrict(t, r.body, &p)
			if p.Code != lfhttp.EHEADERTOOLARGE || p.Status != http.StatusRequestHeaderFieldsTooLarge || r.header.Get("X-Request-Id") == "" ||
				p.Instance != "urn:request:"+r.header.Get("X-Request-Id") {
				t.Fatalf("%+v, X-Request-Id %q", p, r.header.Get("X-Request-Id"))
			}
		})
	}
	over("one byte over", head(at+1))
	// On a route that takes a key and a body, with a good key: refused the same, and
	// nothing is made.
	org := `{"id":"big-head","name":"Big Head Trading","capabilities":["trade"]}`
	over("a write", fmt.Sprintf("POST /v1/organizations HTTP/1.1\r\nHost: linkfin\r\nAuthorization: Bearer %s\r\nContent-Type: application/json\r\n"+
		"Cookie: c=%s\r\nContent-Length: %d\r\n\r\n%s", operatorKey, strings.Repeat("x", lfhttp.MaxHeaderBytes), len(org), org))
	wantProblem(t, a.do("GET", "/v1/organizations/big-head", ""), http.StatusNotFound, linkfin.ENOTFOUND)
	// Many fields, each small.
	var many strings.Builder
	for i := range lfhttp.MaxHeaderBytes / 8 {
		fmt.Fprintf(&many, "X-F-%d: v\r\n", i)
	}
	over("many fields", "GET /v1/purchase-orders HTTP/1.1\r\nHost: linkfin\r\n"+many.String()+"\r\n")
	// A path of an unclean form, or none at all, is refused for its head first.
	over("an unclean path", "GET //v1/../x?"+strings.Repeat("q", lfhttp.MaxHeaderBytes)+" HTTP/1.1\r\nHost: linkfin\r\n\r\n")

	// Past the server's hard bound, Go answers before linkfin sees the request.
	r := send(head(2 << 20))
	if r.status != http.StatusRequestHeaderFieldsTooLarge || !strings.HasPrefix(r.header.Get("Content-Type"), "text/plain") || r.header.Get("X-Request-Id") != "" {
		t.Fatalf("a head of 2 MiB: %d %s (X-Request-Id %q)", r.status, r.header.Get("Content-Type"), r.header.Get("X-Request-Id"))
	}
}

// TestEdgeAnsweredByGo: what Go's net/http answers itself, before linkfin's handler
// sees the request, in text/plain or with no body, as docs/API.md says: an Expect other
// than 100-continue (417), a malformed request line or header field (400), a protocol
// version other than HTTP/1.x (505) and a transfer coding other than chunked (501).
// None has the request id linkfin gives every answer of its own. 100-continue itself
// is linkfin's to answer.
func TestEdgeAnsweredByGo(t *testing.T) {
	a := newAPI(t)
	send := serveOnLoopback(t, a)
	for _, c := range []struct {
		name, raw string
		status    int
	}{
		{"an Expect other than 100-continue", "GET /healthz HTTP/1.1\r\nHost: linkfin\r\nExpect: 200-ok\r\n\r\n", http.StatusExpectationFailed},
		{"a malformed request line", "GET /healthz\r\nHost: linkfin\r\n\r\n", http.StatusBadRequest},
		{"a malformed header field", "GET /healthz HTTP/1.1\r\nHost: linkfin\r\nBad Name: x\r\n\r\n", http.StatusBadRequest},
		{"no Host", "GET /healthz HTTP/1.1\r\n\r\n", http.StatusBadRequest},
		{"HTTP/2.0 as text", "GET /healthz HTTP/2.0\r\nHost: linkfin\r\n\r\n", http.StatusHTTPVersionNotSupported},
		{"a transfer coding other than chunked", "POST /v1/organizations HTTP/1.1\r\nHost: linkfin\r\nTransfer-Encoding: gzip\r\n\r\n", http.StatusNotImplemented},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := send(c.raw)
			ct := r.header.Get("Content-Type")
			if r.status != c.status || ct != "" && !strings.HasPrefix(ct, "text/plain") || r.header.Get("X-Request-Id") != "" {
				t.Fatalf("%d %q (X-Request-Id %q)\n%s", r.status, ct, r.header.Get("X-Request-Id"), r.body)
			}
		})
	}
	r := send("GET /healthz HTTP/1.1\r\nHost: linkfin\r\nExpect: 100-continue\r\n\r\n")
	var h linkfin.Health
	if r.status != http.StatusOK || r.header.Get("X-Request-Id") == "" || json.Unmarshal(r.body, &h) != nil {
		t.Fatalf("Expect: 100-continue: %d %s", r.status, r.body)
	}
}
