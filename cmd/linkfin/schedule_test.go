package main

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"strings"
	"testing"
	"time"

	"linkfin"
)

// putMaturity writes a maturity record as it is: the test's way to give the scheduler
// work due on a date.
type putMaturity struct{ m linkfin.Maturity }

func (c *putMaturity) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindMaturity, ID: c.m.ID}}
}

func (c *putMaturity) Apply(tx linkfin.Tx) (any, error) {
	return nil, tx.Put(linkfin.KindMaturity, c.m.ID, &c.m, "maturity.written")
}

// TestScheduleRunsOnPlatformClock: the scheduler runs what is due by the engine's
// clock, the platform's time every command sees, and not by the machine's. On a
// platform whose clock reads 10 January 2020, a maturity of the 9th is tried (its
// settlement refused, as its program is not there: the refusal names it), and one of
// June 2025, long past on the machine's clock, is not yet due and is not tried. Once
// the platform's clock reads 2099, a maturity of then is due.
func TestScheduleRunsOnPlatformClock(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2020, 1, 10, 9, 0, 0, 0, time.UTC)
	if !time.Now().After(time.Date(2025, 6, 3, 0, 0, 0, 0, time.UTC)) {
		t.Fatal("the machine's clock reads before June 2025")
	}
	st, e := openEngine(t, func() time.Time { return now })
	put := func(m linkfin.Maturity) {
		t.Helper()
		m.ID = linkfin.MaturityID(m.ProgramID, m.Date)
		var out json.RawMessage
		if err := e.Run(ctx, &putMaturity{m}, &out); err != nil {
			t.Fatal(err)
		}
	}
	put(linkfin.Maturity{ProgramID: "due-by-platform", Date: linkfin.BusinessDate(now).AddDays(-1), Pieces: []string{"C-1"}})
	put(linkfin.Maturity{ProgramID: "due-by-machine", Date: linkfin.BusinessDate(time.Date(2025, 6, 2, 9, 0, 0, 0, time.UTC)), Pieces: []string{"C-2"}})
	var log bytes.Buffer
	runDue(ctx, e, st, slog.New(slog.NewTextHandler(&log, nil)))
	got := log.String()
	if !strings.Contains(got, "program due-by-platform not found") || strings.Contains(got, "due-by-machine") {
		t.Fatalf("the scheduler on 2020-01-10 by the engine's clock logged:\n%s", got)
	}
	// The platform's clock moved on to 2099: a maturity of the day before, still to come
	// on the machine's clock, is due.
	now = time.Date(2099, 1, 12, 9, 0, 0, 0, time.UTC)
	put(linkfin.Maturity{ProgramID: "due-in-2099", Date: linkfin.BusinessDate(now).AddDays(-1), Pieces: []string{"C-3"}})
	log.Reset()
	runDue(ctx, e, st, slog.New(slog.NewTextHandler(&log, nil)))
	if got := log.String(); !strings.Contains(got, "program due-in-2099 not found") {
		t.Fatalf("the scheduler on 2099-01-12 by the engine's clock logged:\n%s", got)
	}
}
