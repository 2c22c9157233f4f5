package console

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"

	"linkfin"
	"linkfin/services"
)

// reads is the store a site's console reads through, counting what it reads: the
// events of the log, and the records listed (by id, by party, through the ordered
// index) — not the records read one by one, which a page reads as it shows them.
type reads struct {
	linkfin.Store
	events, listed atomic.Int64
}

func (r *reads) Events(ctx context.Context, from int64, limit int) ([]linkfin.Event, error) {
	evs, err := r.Store.Events(ctx, from, limit)
	r.events.Add(int64(len(evs)))
	return evs, err
}

func (r *reads) RecordEvents(ctx context.Context, kind, id string, after int64, limit int) ([]linkfin.Event, error) {
	evs, err := r.Store.RecordEvents(ctx, kind, id, after, limit)
	r.events.Add(int64(len(evs)))
	return evs, err
}

func (r *reads) ListObjects(ctx context.Context, kind, after string, limit int) ([]linkfin.Object, error) {
	objs, err := r.Store.ListObjects(ctx, kind, after, limit)
	r.listed.Add(int64(len(objs)))
	return objs, err
}

func (r *reads) ListObjectsByParty(ctx context.Context, kind, party, after string, limit int) ([]linkfin.Object, error) {
	objs, err := r.Store.ListObjectsByParty(ctx, kind, party, after, limit)
	r.listed.Add(int64(len(objs)))
	return objs, err
}

func (r *reads) ListIndexed(ctx context.Context, kind, name, prefix, afterValue, afterID string, limit int) ([]linkfin.IndexedObject, error) {
	objs, err := r.Store.ListIndexed(ctx, kind, name, prefix, afterValue, afterID, limit)
	r.listed.Add(int64(len(objs)))
	return objs, err
}

// counted makes the site's console read through a counter (before anyone signs in).
func (s *site) counted() *reads {
	r := &reads{Store: s.store}
	s.srv.Close()
	s.srv = httptest.NewServer(New(r, s.e, s.auth, nil))
	s.t.Cleanup(s.srv.Close)
	return r
}

// get reads a page as the client, and how many events and listed records it read.
func (r *reads) get(t *testing.T, c *client, path string) (page string, events, listed int64) {
	t.Helper()
	r.events.Store(0)
	r.listed.Store(0)
	code, page := c.get(path)
	if code != http.StatusOK {
		t.Fatalf("%s: %d\n%s", path, code, page)
	}
	return page, r.events.Load(), r.listed.Load()
}

// A piece's page names who caused each of its events from the first attribution after
// it, found through the index of events by record: it reads that attribution alone
// from the log, never the events of other records between (a piece made by a command
// no one is attributed with is followed by many such).
func TestPieceHistoryReadsNoOtherEvents(t *testing.T) {
	s := certified(t)
	r := s.counted()
	// C-1 split in 100, the last of those in 100, and so on: 300 events of other
	// pieces follow the first piece's.
	id := "C-1"
	face := int64(100_000_00)
	for range 3 {
		var parts []linkfin.Piece
		for i := range 100 {
			parts = append(parts, linkfin.Piece{ID: fmt.Sprintf("%s-%02d", id, i), Face: face / 100})
		}
		parts[99].Face += face - 100*(face/100)
		s.run(&services.SplitCertificate{Actor: "tier1", ID: id, Pieces: parts})
		id, face = parts[99].ID, parts[99].Face
	}
	tier1 := s.as("tier1", linkfin.RoleFinance)
	page, events, _ := r.get(t, tier1, "/pieces/C-1-00")
	if !strings.Contains(page, "C-1-00") {
		t.Fatalf("the piece's page:\n%s", page)
	}
	// Its one event (the split), read from its history, and nothing more.
	if events > 2 {
		t.Errorf("the page of a piece with one event read %d events of the log", events)
	}
}
