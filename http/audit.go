package http

import (
	"encoding/base64"
	"math"
	"net/http"
	"reflect"
	"strings"

	sumtlog "golang.org/x/mod/sumdb/tlog"

	"linkfin"
	"linkfin/engine"
	"linkfin/services"
	"linkfin/tlog"
)

// logKey reads the log's public key, which the database records.
func (s *Server) logKey(r *http.Request) (string, error) {
	k, err := s.Store.Meta(r.Context(), linkfin.MetaLogKey)
	if err != nil {
		return "", err
	}
	if k == "" {
		return "", linkfin.Errorf(linkfin.ENOTFOUND, "the log has no public key yet")
	}
	return k, nil
}

func (s *Server) publicKey(w http.ResponseWriter, r *http.Request) {
	k, err := s.logKey(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	name, _, _ := strings.Cut(k, "+")
	writeJSON(w, http.StatusOK, linkfin.LogKey{Key: k, Name: name, Origin: s.Engine.Origin(), Algorithm: "ed25519"})
}

// checkpointOut is the checkpoint on the wire, with the key it is signed with.
func (s *Server) checkpointOut(r *http.Request, c *linkfin.Checkpoint) (linkfin.CheckpointOut, error) {
	k, err := s.Store.Meta(r.Context(), linkfin.MetaLogKey)
	if err != nil {
		return linkfin.CheckpointOut{}, err
	}
	return linkfin.CheckpointOut{Size: c.Size, Root: base64.StdEncoding.EncodeToString(c.Hash), Note: string(c.Note), Time: rfc3339(c.Time),
		PublicKey: k}, nil
}

func (s *Server) latest(r *http.Request) (*linkfin.Checkpoint, error) {
	h, err := s.Store.Head(r.Context())
	if err != nil {
		return nil, err
	}
	if h.Last == nil {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "the log is empty")
	}
	return h.Last, nil
}

func (s *Server) checkpoint(w http.ResponseWriter, r *http.Request) {
	c, err := s.latest(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	out, err := s.checkpointOut(r, c)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func toEvent(e *linkfin.Event) linkfin.EventOut {
	h := sumtlog.RecordHash(e.Record())
	return linkfin.EventOut{Seq: e.Seq, Time: rfc3339(e.Time), TimeNS: linkfin.StringInt(e.Time), Type: e.Type, Data: string(e.Data),
		LeafHash: base64.StdEncoding.EncodeToString(h[:])}
}

// auditRoutes registers the transparency log's reads. Checkpoints and proofs are
// hashes, for anyone with a key; an event's data is shown only to the parties of its
// record (and to the operator), and with its proof to whoever reads the record's
// history (services.ReadsEvent).
func (s *Server) auditRoutes() {
	s.handle(Route{Pattern: "GET /v1/audit/checkpoint", Access: AnyKey, Out: reflect.TypeFor[linkfin.CheckpointOut](),
		Summary: "The latest signed checkpoint of the event log, with the public key it is signed with."}, s.checkpoint)
	s.handle(Route{Pattern: "GET /v1/audit/public-key", Access: AnyKey, Out: reflect.TypeFor[linkfin.LogKey](),
		Summary: "The event log's public key: with it, anyone checks a checkpoint offline."}, s.publicKey)
	s.handle(Route{Pattern: "GET /v1/audit/events", Access: AnyKey, Out: reflect.TypeFor[linkfin.EventOut](), List: true, Query: pageQuery,
		Summary: "Events in log order (an organization: those of records it is party to; a page may be short, follow next_cursor)."}, s.events)
	s.handle(Route{Pattern: "GET /v1/audit/proof/{seq}", Access: AnyKey, Out: reflect.TypeFor[linkfin.Proof](),
		Summary: "An inclusion proof of one event in the latest checkpoint (an organization: of an event it may read, or of one in the history of a record it sees)."}, s.proof)
	s.handle(Route{Pattern: "GET /v1/audit/consistency", Access: AnyKey, Out: reflect.TypeFor[linkfin.Consistency](), Query: []string{"old_size"},
		Summary: "A proof that the tree of old_size is a prefix of the latest."}, s.consistency)
}

func (s *Server) events(w http.ResponseWriter, r *http.Request) {
	limit, after, err := page(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if r.URL.Query().Get("after") == "" {
		after = -1 // no cursor, or an empty one: from the log's first event, seq 0
	}
	evs, next, err := services.Events(r.Context(), s.Store, principalOf(r).viewer(), after, limit)
	if err != nil {
		writeError(w, r, err)
		return
	}
	out := linkfin.List[linkfin.EventOut]{Data: make([]linkfin.EventOut, len(evs)), NextCursor: next}
	for i := range evs {
		out.Data[i] = toEvent(&evs[i])
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) tree(r *http.Request) (tlog.Tree, *linkfin.Checkpoint, error) {
	c, err := s.latest(r)
	if err != nil {
		return tlog.Tree{}, nil, err
	}
	t := tlog.Tree{Size: c.Size}
	copy(t.Hash[:], c.Hash)
	return t, c, nil
}

func (s *Server) proof(w http.ResponseWriter, r *http.Request) {
	seq, err := decimal("seq", r.PathValue("seq"), 0, math.MaxInt64)
	if err != nil {
		writeError(w, r, err)
		return
	}
	t, c, err := s.tree(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if seq >= t.Size {
		writeError(w, r, linkfin.Errorf(linkfin.ENOTFOUND, "event %d not found", seq))
		return
	}
	evs, err := s.Store.Events(r.Context(), seq, 1)
	if err == nil && len(evs) == 0 {
		err = linkfin.Errorf(linkfin.ENOTFOUND, "event %d not found", seq)
	}
	var reads bool
	if err == nil {
		// An event of a record whose history the caller sees, its proof too.
		reads, err = services.ReadsEvent(r.Context(), s.Store, principalOf(r).viewer(), &evs[0])
	}
	if err == nil && !reads {
		err = linkfin.Errorf(linkfin.ENOTFOUND, "event %d not found", seq)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	p, err := tlog.InclusionProof(r.Context(), t, seq, tlog.StoredTiles(s.Store))
	if err != nil {
		writeError(w, r, err)
		return
	}
	cp, err := s.checkpointOut(r, c)
	if err != nil {
		writeError(w, r, err)
		return
	}
	out := linkfin.Proof{Event: toEvent(&evs[0]), Checkpoint: cp, Hashes: make([]string, len(p))}
	for i, h := range p {
		out.Hashes[i] = base64.StdEncoding.EncodeToString(h[:])
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) consistency(w http.ResponseWriter, r *http.Request) {
	old, err := decimal("old_size", r.URL.Query().Get("old_size"), 0, math.MaxInt64)
	if err != nil {
		writeError(w, r, err)
		return
	}
	t, c, err := s.tree(r)
	if err != nil {
		writeError(w, r, err)
		return
	}
	if old > t.Size {
		writeError(w, r, linkfin.Errorf(linkfin.EINVALID, "old_size %d is beyond the log's %d events", old, t.Size))
		return
	}
	p, err := tlog.ConsistencyProof(r.Context(), t, old, tlog.StoredTiles(s.Store))
	if err != nil {
		writeError(w, r, err)
		return
	}
	cp, err := s.checkpointOut(r, c)
	if err != nil {
		writeError(w, r, err)
		return
	}
	out := linkfin.Consistency{OldSize: old, Checkpoint: cp, Hashes: make([]string, len(p))}
	for i, h := range p {
		out.Hashes[i] = base64.StdEncoding.EncodeToString(h[:])
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) healthz(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, linkfin.Health{Status: "ok"})
}

func (s *Server) readyz(w http.ResponseWriter, r *http.Request) {
	if _, err := s.Store.Head(r.Context()); err != nil {
		writeError(w, r, linkfin.Errorf(engine.EUNAVAILABLE, "the store is not reachable"))
		return
	}
	writeJSON(w, http.StatusOK, linkfin.Health{Status: "ready"})
}
