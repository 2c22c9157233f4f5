package http_test

import (
	"io"
	"net"
	"net/http"
	"os"
	"strconv"
	"testing"
	"time"
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
