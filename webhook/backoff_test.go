package webhook_test

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"linkfin"
	"linkfin/webhook"
)

// listFailing is a store whose list of webhook endpoints fails while fail is set,
// and which counts those lists.
type listFailing struct {
	linkfin.Store
	fail  atomic.Bool
	lists atomic.Int64
}

func (s *listFailing) ListObjects(ctx context.Context, kind, after string, limit int) ([]linkfin.Object, error) {
	if kind == linkfin.KindWebhookEndpoint {
		s.lists.Add(1)
		if s.fail.Load() {
			return nil, linkfin.Errorf(linkfin.EUNAVAILABLE, "the database is not available at the moment")
		}
	}
	return s.Store.ListObjects(ctx, kind, after, limit)
}

// logBuffer is a log's text, written by one goroutine and read by another.
type logBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *logBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *logBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

func (b *logBuffer) count(s string) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	return strings.Count(b.buf.String(), s)
}

// TestRunBacksOff: while the store fails to list the endpoints, Run reads them less
// often, the wait doubling to its bound (MaxBackoff here), and logs the failure once;
// when a read succeeds, it logs that once and polls at PollInterval again.
func TestRunBacksOff(t *testing.T) {
	e := newEnv(t)
	store := &listFailing{Store: e.store}
	store.fail.Store(true)
	var log logBuffer
	d := &webhook.Dispatcher{Engine: e.engine, Store: store, Key: key, Client: &http.Client{},
		Logger:       slog.New(slog.NewTextHandler(&log, nil)),
		PollInterval: 10 * time.Millisecond, MaxBackoff: 80 * time.Millisecond}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- d.Run(ctx) }()
	defer func() {
		cancel()
		if err := <-done; err != nil {
			t.Fatalf("Run: %v", err)
		}
	}()

	// A second of failures: at 10 ms, 100 reads; doubling to 80 ms, about 15. The
	// lower bound is loose: a loaded machine fires timers late, and fewer reads are
	// what backing off wants anyway.
	time.Sleep(time.Second)
	failed := store.lists.Load()
	if failed < 4 || failed > 25 {
		t.Fatalf("%d reads of the endpoints in a second of failures, want about 15 (10 ms doubling to 80 ms)", failed)
	}
	if n := log.count("level=ERROR"); n != 1 {
		t.Fatalf("%d errors logged in a second of failures, want 1:\n%s", n, log.String())
	}

	store.fail.Store(false)
	deadline := time.Now().Add(10 * time.Second)
	for log.count("the store answers again") == 0 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	if n := log.count("the store answers again"); n != 1 {
		t.Fatalf("the store's return logged %d times, want 1:\n%s", n, log.String())
	}
	before := store.lists.Load()
	time.Sleep(500 * time.Millisecond)
	if n := store.lists.Load() - before; n < 10 { // at 80 ms, 6
		t.Fatalf("%d reads of the endpoints in half a second after the store answered, want about 50 (every 10 ms)", n)
	}
	if n := log.count("level=ERROR"); n != 1 {
		t.Fatalf("%d errors logged, want 1:\n%s", n, log.String())
	}

	// A second outage is logged once again.
	store.fail.Store(true)
	for log.count("level=ERROR") < 2 && time.Now().Before(deadline) {
		time.Sleep(5 * time.Millisecond)
	}
	time.Sleep(200 * time.Millisecond)
	if n := log.count("level=ERROR"); n != 2 {
		t.Fatalf("%d errors logged after a second outage, want 2:\n%s", n, log.String())
	}
}
