package http_test

import (
	"bufio"
	"encoding/json"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"

	"linkfin"
	lfhttp "linkfin/http"
)

// TestLargeBodyTime: a bank's document, which may be 16 MiB, has longer to come than
// the server's read timeout gives other bodies; a JSON body sent as slowly is cut off.
// (The server here gives 1 s; linkfin serve gives 30 s, and 5 minutes to a
// document.)
func TestLargeBodyTime(t *testing.T) {
	a := newAPI(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: a.srv, ReadTimeout: time.Second, WriteTimeout: time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	doc, err := os.ReadFile("../iso20022/testdata/genkgo-camt053.v2.minimal.xml")
	if err != nil {
		t.Fatal(err)
	}
	// slowly posts body in ten parts, 250 ms apart.
	slowly := func(path, contentType string, body []byte) (int, error) {
		pr, pw := io.Pipe()
		go func() {
			for i := range 10 {
				time.Sleep(250 * time.Millisecond)
				pw.Write(body[len(body)*i/10 : len(body)*(i+1)/10])
			}
			pw.Close()
		}()
		req, _ := http.NewRequest("POST", "http://"+ln.Addr().String()+path, pr)
		req.ContentLength = int64(len(body))
		req.Header.Set("Authorization", "Bearer "+operatorKey)
		req.Header.Set("Content-Type", contentType)
		req.Header.Set("Idempotency-Key", "slow-"+strconv.FormatInt(time.Now().UnixNano(), 10))
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			return 0, err
		}
		defer resp.Body.Close()
		io.Copy(io.Discard, resp.Body)
		return resp.StatusCode, nil
	}
	if code, err := slowly("/v1/bank-statements", "application/xml", doc); err != nil || code != http.StatusOK {
		t.Fatalf("a statement sent over 2.5 s: %d, %v", code, err)
	}
	body := []byte(`{"id":"slow-org","name":"Slow Trading","capabilities":["trade"]}`)
	if code, err := slowly("/v1/organizations", "application/json", body); err == nil && code < 400 {
		t.Fatalf("a JSON body sent over 2.5 s was taken: %d", code)
	}
}

// TestBodyCutShort: a body that does not all come is refused in words of its own, as
// problem+json: one declared larger than the route takes at once (413 body_too_large,
// before a 100 Continue would invite it), one that stops coming when the server's time
// for it is up (408 body_timeout), and one whose connection ends before it or whose
// chunks are malformed (400 body_incomplete). None of them is malformed JSON, and
// none makes anything.
func TestBodyCutShort(t *testing.T) {
	a := newAPI(t)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	srv := &http.Server{Handler: a.srv, ReadTimeout: time.Second, WriteTimeout: 2 * time.Second}
	go srv.Serve(ln)
	defer srv.Close()
	// send writes head, its headers and the first bytes of a body, then (if half)
	// ends its side of the connection, and reads the answer.
	send := func(path, headers, body string, half bool) (status int, code string, took time.Duration) {
		t.Helper()
		c, err := net.Dial("tcp", ln.Addr().String())
		if err != nil {
			t.Fatal(err)
		}
		defer c.Close()
		start := time.Now()
		fmt.Fprintf(c, "POST %s HTTP/1.1\r\nHost: linkfin\r\nAuthorization: Bearer %s\r\nIdempotency-Key: cut-%d\r\n%s\r\n%s",
			path, operatorKey, time.Now().UnixNano(), headers, body)
		if half {
			c.(*net.TCPConn).CloseWrite()
		}
		c.SetReadDeadline(time.Now().Add(10 * time.Second))
		resp, err := http.ReadResponse(bufio.NewReader(c), nil)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		defer resp.Body.Close()
		var p linkfin.Problem
		if ct := resp.Header.Get("Content-Type"); ct != "application/problem+json" {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, ct)
		}
		if err := json.NewDecoder(resp.Body).Decode(&p); err != nil {
			t.Fatal(err)
		}
		return resp.StatusCode, p.Code, time.Since(start)
	}
	const org = `{"id":"cut-org","name":"Cut Trading","capabilities":["trade"]}`
	for _, c := range []struct {
		name, path, headers, body string
		half                      bool
		status                    int
		code                      string
	}{
		{"declared over 1 MiB", "/v1/organizations", fmt.Sprintf("Content-Type: application/json\r\nExpect: 100-continue\r\nContent-Length: %d\r\n", lfhttp.MaxBodyBytes+1), "", false,
			http.StatusRequestEntityTooLarge, lfhttp.ETOOLARGE},
		{"a document declared over 16 MiB", "/v1/bank-statements", fmt.Sprintf("Content-Type: application/xml\r\nContent-Length: %d\r\n", lfhttp.MaxEInvoiceBytes+1), "<", false,
			http.StatusRequestEntityTooLarge, lfhttp.ETOOLARGE},
		{"stops coming", "/v1/organizations", fmt.Sprintf("Content-Type: application/json\r\nContent-Length: %d\r\n", len(org)), org[:10], false,
			http.StatusRequestTimeout, lfhttp.EBODYTIMEOUT},
		{"ends before its length", "/v1/organizations", fmt.Sprintf("Content-Type: application/json\r\nContent-Length: %d\r\n", len(org)), org[:10], true,
			http.StatusBadRequest, lfhttp.EINCOMPLETE},
		{"malformed chunks", "/v1/organizations", "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n", "zz\r\n" + org + "\r\n0\r\n\r\n", false,
			http.StatusBadRequest, lfhttp.EINCOMPLETE},
	} {
		status, code, took := send(c.path, c.headers, c.body, c.half)
		if status != c.status || code != c.code {
			t.Errorf("a body that %s: %d %s, want %d %s", c.name, status, code, c.status, c.code)
		}
		if c.status == http.StatusRequestEntityTooLarge && took > 500*time.Millisecond {
			t.Errorf("a body that %s was refused after %s, not at once", c.name, took)
		}
	}
	wantProblem(t, a.do("GET", "/v1/organizations/cut-org", ""), http.StatusNotFound, linkfin.ENOTFOUND)
}
