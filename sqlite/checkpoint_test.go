package sqlite_test

import (
	"context"
	"database/sql"
	"strconv"
	"testing"
	"time"

	"linkfin/sqlite"
)

// A reader that stays in the write-ahead log for long (linkfin verify, linkfin backup)
// does not stall the writer once the log has grown past the size at which the
// checkpointer resets it: the reset does not wait for the reader while it holds the
// writer's lock, and it is done once the reader has gone.
func TestCheckpointWaitsForNoReader(t *testing.T) {
	ctx := context.Background()
	db, path := openStore(t)
	sqlite.SetRestartFrames(db, 20)
	write := func(i int) time.Duration {
		t.Helper()
		t0 := time.Now()
		if err := db.SetMeta(ctx, "n", strconv.Itoa(i)); err != nil {
			t.Fatalf("write %d: %v", i, err)
		}
		return time.Since(t0)
	}
	for i := range 50 {
		write(i)
	}

	reader, err := sql.Open("sqlite", "file:"+path)
	if err != nil {
		t.Fatal(err)
	}
	defer reader.Close()
	tx, err := reader.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM meta`).Scan(&n); err != nil {
		t.Fatal(err)
	}
	// The checkpointer looks every 200 ms: a second and a half is several looks.
	var slowest time.Duration
	for i, end := 0, time.Now().Add(1500*time.Millisecond); time.Now().Before(end); i++ {
		slowest = max(slowest, write(i))
		time.Sleep(5 * time.Millisecond)
	}
	if slowest > 500*time.Millisecond {
		t.Errorf("a write took %v while a reader stayed in the log", slowest)
	}
	frames, err := sqlite.WALFrames(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if frames <= 20 {
		t.Fatalf("the log holds %d frames while the reader stays: the test did not grow it past the reset", frames)
	}
	tx.Rollback()

	deadline := time.Now().Add(5 * time.Second)
	for i := 0; ; i++ {
		write(i)
		if frames, err = sqlite.WALFrames(ctx, db); err != nil {
			t.Fatal(err)
		}
		if frames < 20 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the log still holds %d frames 5 s after the reader went", frames)
		}
		time.Sleep(50 * time.Millisecond)
	}
}
