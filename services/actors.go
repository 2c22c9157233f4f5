package services

import (
	"context"
	"encoding/json"
	"slices"
	"strings"

	"linkfin"
)

// Actor is who caused a change, as its attribution names it: a user or an API key of
// an organization ("" for the operator).
type Actor struct {
	OrgID string
	// Kind is "user" or "key".
	Kind string
	ID   string
	// Name is the user's sign-in name or the key's name ("" for a key without one).
	Name string
	// DisplayName is the user's name for people, if it has one.
	DisplayName string
}

// attributionWindow bounds how far past an event Actors looks for its command's
// attribution: a command's events are contiguous in the log, its attribution last.
const attributionWindow = 256

// Actors names who caused each of a record's events (as History answers them), by
// seq: the user or key the command's attribution names. The attribution is written by
// the command right after its records, so it is the first attribution in the log
// after the event; one that does not name the record belongs to a later command, and
// the event was caused by no one attributed (the platform itself, or a command run
// without a key or user). Which of an organization's people did what is its own
// business and the operator's: an event whose attribution the viewer may not read
// (SeesEvent) has no actor in the answer.
func Actors(ctx context.Context, s linkfin.Store, v linkfin.Viewer, kind, id string, evs []linkfin.Event) (map[int64]Actor, error) {
	out := make(map[int64]Actor)
	done := make(map[int64]bool)
	for _, e := range evs {
		if done[e.Seq] {
			continue
		}
		done[e.Seq] = true
		// The record's later events before the attribution are the same command's.
		same := []int64{e.Seq}
		if err := actorFromIndex(ctx, s, v, kind, id, e.Seq, &same, done, out); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// actorFromIndex is Actors for one event (seq) through the index of events by record:
// which records the events after it wrote, up to the first attribution, read from
// the index, and the attribution alone read from the log, never the events between.
func actorFromIndex(ctx context.Context, s linkfin.Store, v linkfin.Viewer, kind, id string, seq int64, same *[]int64, done map[int64]bool, out map[int64]Actor) error {
	from, read := seq+1, 0
	// Most commands write a few events: read a few first, more only if needed.
	for window := 16; read < attributionWindow; window = attributionWindow - read {
		keys, err := s.IndexedEvents(ctx, from, from+int64(window))
		if err != nil {
			return err
		}
		seqs := make([]int64, 0, len(keys))
		for n := range keys {
			seqs = append(seqs, n)
		}
		slices.Sort(seqs)
		for _, n := range seqs {
			switch k := keys[n]; {
			case k.Kind == linkfin.KindAttribution:
				evs, err := s.Events(ctx, n, 1)
				if err != nil {
					return err
				}
				found, err := attributed(ctx, s, v, kind, id, evs, same, done, out)
				if err != nil || found {
					return err
				}
			case k.Kind == kind && k.ID == id:
				*same = append(*same, n)
				done[n] = true
			}
		}
		read += window
		from += int64(window)
	}
	return nil
}

// attributed reads on through events after a record's event, noting the record's
// events of the same command in same (and done), up to the first attribution: if it
// names the record and the viewer may read it, its actor is each of same's. found is
// whether an attribution ended the command.
func attributed(ctx context.Context, s linkfin.Store, v linkfin.Viewer, kind, id string, next []linkfin.Event, same *[]int64, done map[int64]bool, out map[int64]Actor) (found bool, err error) {
	for i := range next {
		n := &next[i]
		if n.Type != "attribution.recorded" {
			if k, ok := linkfin.RecordOf(n); ok && k.Kind == kind && k.ID == id {
				*same = append(*same, n.Seq)
				done[n.Seq] = true
			}
			continue
		}
		var a linkfin.Attribution
		if err := json.Unmarshal(n.Data, &a); err != nil {
			return true, err
		}
		if !slices.Contains(a.Records, kind+"/"+id) || !SeesEvent(v, n) {
			return true, nil
		}
		who, err := actorOf(ctx, s, &a)
		if err != nil {
			return true, err
		}
		for _, seq := range *same {
			out[seq] = who
		}
		return true, nil
	}
	return false, nil
}

// actorOf reads the user or key an attribution names.
func actorOf(ctx context.Context, s linkfin.Store, a *linkfin.Attribution) (Actor, error) {
	kind, id, _ := strings.Cut(a.By, ":")
	who := Actor{OrgID: a.OrgID, Kind: kind, ID: id}
	switch kind {
	case "user":
		var u linkfin.User
		if ok, err := readObject(ctx, s, linkfin.KindUser, id, &u); err != nil || !ok {
			return who, err
		}
		who.Name, who.DisplayName = u.Name, u.DisplayName
	case "key":
		var k linkfin.APIKey
		if ok, err := readObject(ctx, s, linkfin.KindAPIKey, id, &k); err != nil || !ok {
			return who, err
		}
		who.Name = k.Name
	}
	return who, nil
}

// readObject decodes a stored record; ok is false if there is none.
func readObject(ctx context.Context, s linkfin.Store, kind, id string, v any) (bool, error) {
	o, err := s.Object(ctx, kind, id)
	if linkfin.ErrorCode(err) == linkfin.ENOTFOUND {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return true, json.Unmarshal(o.Data, v)
}
