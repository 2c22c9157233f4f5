package storetest

import (
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"linkfin"
	"linkfin/engine"
	"linkfin/ledger"
	"linkfin/services"
)

// logByRecord reads the whole log and files every event that wrote a record under
// that record, read here from the event itself: the kind its type begins with, and the
// "id" of its data.
func logByRecord(t *testing.T, s linkfin.Store) map[linkfin.ObjectKey][]linkfin.Event {
	t.Helper()
	out := map[linkfin.ObjectKey][]linkfin.Event{}
	for from := int64(0); ; {
		page, err := s.Events(context.Background(), from, 1000)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			return out
		}
		from = page[len(page)-1].Seq + 1
		for k, evs := range eventsByRecord(t, page) {
			out[k] = append(out[k], evs...)
		}
	}
}

// eventsByRecord groups events by the record each wrote, in their order.
func eventsByRecord(t *testing.T, evs []linkfin.Event) map[linkfin.ObjectKey][]linkfin.Event {
	t.Helper()
	out := map[linkfin.ObjectKey][]linkfin.Event{}
	for _, e := range evs {
		if !linkfin.KnownKind(e.Kind()) {
			continue
		}
		var rec struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(e.Data, &rec); err != nil || rec.ID == "" {
			t.Fatalf("event %d (%s) holds no record id: %s", e.Seq, e.Type, e.Data)
		}
		k := linkfin.ObjectKey{Kind: e.Kind(), ID: rec.ID}
		out[k] = append(out[k], e)
	}
	return out
}

// historyOf reads a record's events from the store's index, page by page of size.
func historyOf(t *testing.T, s linkfin.Store, k linkfin.ObjectKey, size int) []linkfin.Event {
	t.Helper()
	var out []linkfin.Event
	for after := int64(-1); ; {
		page, err := s.RecordEvents(context.Background(), k.Kind, k.ID, after, size)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page...)
		if len(page) < size {
			return out
		}
		after = page[len(page)-1].Seq
	}
}

// wantHistories checks that every record's events, as the store's index lists them,
// are those of the log that wrote it, in log order, each whole; and that every stored
// record has its history, ending with the event of its stored version.
func wantHistories(t *testing.T, env *Env, byRecord map[linkfin.ObjectKey][]linkfin.Event) {
	t.Helper()
	for k, want := range byRecord {
		for _, size := range []int{1, 2, 1000} {
			got := historyOf(t, env.Store, k, size)
			if len(got) != len(want) {
				t.Fatalf("%s %s: %d events in its history (pages of %d), %d in the log", k.Kind, k.ID, len(got), size, len(want))
			}
			for i := range want {
				if g, w := got[i], want[i]; g.Seq != w.Seq || g.Time != w.Time || g.Type != w.Type || string(g.Data) != string(w.Data) {
					t.Fatalf("%s %s: event %d of its history is %d %s %s; the log's is %d %s %s", k.Kind, k.ID, i, g.Seq, g.Type, g.Data, w.Seq, w.Type, w.Data)
				}
			}
		}
		o, err := env.Store.Object(context.Background(), k.Kind, k.ID)
		if err != nil {
			t.Fatal(err)
		}
		if last := want[len(want)-1]; last.Time != o.UpdatedAt || string(last.Data) != string(o.Data) {
			t.Fatalf("%s %s: its history ends with event %d, not with its stored version", k.Kind, k.ID, last.Seq)
		}
	}
	for _, kind := range linkfin.Kinds() {
		objs, err := env.Store.ListObjects(context.Background(), kind, "", 10_000)
		if err != nil {
			t.Fatal(err)
		}
		for _, o := range objs {
			if len(byRecord[o.Key()]) == 0 {
				t.Fatalf("%s %s is stored, and has no event in the log", kind, o.ID)
			}
		}
	}
	if got, err := env.Store.RecordEvents(context.Background(), linkfin.KindCertificate, "nobody", -1, 10); err != nil || len(got) != 0 {
		t.Fatalf("the history of a record that does not exist: %v, %v", got, err)
	}
}

// testRecordEvents: the index of events by record gives each record's history, equal
// to the log's events of that record, whether the events were indexed as they were
// committed or, in a database made before the index, when it is migrated.
func testRecordEvents(t *testing.T, open Opener) {
	env := certificateFixture(t, open)
	ctx := context.Background()
	// Two versions of a record written by one command, beside the ledger's events in
	// its batch, and a third in another batch; a piece split.
	env.Submit(&engine.Request{CreateAccounts: []ledger.Account{Acct(1, 0), Acct(2, 0)},
		CreateTransfers: []ledger.Transfer{Xfer(1, 1, 2, 5)},
		Commands:        []linkfin.Command{&handOver{ID: "p-1", Holders: []string{"holder-1", "holder-2"}}}})
	env.Submit(&engine.Request{Commands: []linkfin.Command{&handOver{ID: "p-1", Holders: []string{"holder-3"}}}})
	mustRun(t, env, &services.SplitCertificate{Actor: "tier1", ID: "c1", Pieces: []linkfin.Piece{{ID: "c1-a", Face: 400_000_00}, {ID: "c1-b", Face: 600_000_00}}})
	byRecord := logByRecord(t, env.Store)
	if n := len(byRecord[linkfin.ObjectKey{Kind: "parcel", ID: "p-1"}]); n != 3 {
		t.Fatalf("parcel p-1 has %d events in the log, want 3", n)
	}
	if n := len(byRecord[linkfin.ObjectKey{Kind: linkfin.KindCertificate, ID: "c1"}]); n < 2 {
		t.Fatalf("certificate c1 has %d events in the log, want its issue and its split", n)
	}
	wantHistories(t, env, byRecord)
	env.Restart()
	wantHistories(t, env, byRecord)

	// A database made before the index: its events are indexed, once, when it is
	// migrated.
	env.Engine.Close()
	tam, ok := env.Store.(Tamperer)
	if !ok {
		t.Skip("store cannot run raw SQL")
	}
	for _, q := range []string{`DELETE FROM record_events`, `DELETE FROM schema_migrations WHERE version = '` + linkfin.EventIndexBackfill + `'`} {
		if err := tam.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if got := historyOf(t, env.Store, linkfin.ObjectKey{Kind: linkfin.KindCertificate, ID: "c1"}, 10); len(got) != 0 {
		t.Fatalf("the index emptied still lists %d events of c1", len(got))
	}
	for range 2 { // the second migration finds the backfill done
		if err := env.Store.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		wantHistories(t, env, byRecord)
	}
	env.Restart()
	mustRun(t, env, &services.CreateOrganization{Org: linkfin.Organization{ID: "late", Name: "Late", Capabilities: []linkfin.Capability{linkfin.CapTrade}}})
	after := logByRecord(t, env.Store)
	if !reflect.DeepEqual(after[linkfin.ObjectKey{Kind: "parcel", ID: "p-1"}], byRecord[linkfin.ObjectKey{Kind: "parcel", ID: "p-1"}]) {
		t.Fatal("the log changed under the backfill")
	}
	wantHistories(t, env, after)
	env.MustVerify()
}
