package postgres_test

import (
	"context"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"linkfin"
	"linkfin/postgres"
)

// writerLocks selects, from pg_locks, the writer's lock of the current schema held by
// a session.
const writerLocks = `FROM pg_locks
	WHERE locktype = 'advisory' AND granted AND objsubid = 1
	AND ((classid::bigint << 32) | objid::bigint) = hashtextextended('linkfin writer ' || current_schema(), 0)`

// endWriterSession ends the session that holds the writer's lock of the schema at u,
// as a restart of PostgreSQL or a network fault would: the server drops the lock
// with it. It returns once the session has ended.
func endWriterSession(t *testing.T, u string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	var n int
	err = conn.QueryRow(ctx, `SELECT count(pg_terminate_backend(pid, 10000)) `+writerLocks).Scan(&n)
	if err != nil {
		t.Fatal(err)
	}
	if n != 1 {
		t.Fatalf("%d sessions hold the writer's lock, want 1", n)
	}
}

// waitWriterSession waits, up to 10 seconds, until a session holds the writer's lock
// of the schema at u.
func waitWriterSession(t *testing.T, u string) {
	t.Helper()
	ctx := context.Background()
	conn, err := pgx.Connect(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(ctx)
	for start := time.Now(); time.Since(start) < 10*time.Second; time.Sleep(50 * time.Millisecond) {
		var n int
		err := conn.QueryRow(ctx, `SELECT count(*) `+writerLocks).Scan(&n)
		if err != nil {
			t.Fatal(err)
		}
		if n == 1 {
			return
		}
	}
	t.Fatal("no session took the writer's lock again within 10 s")
}

// TestWriterLockLost: a writer whose session with the database ends (PostgreSQL
// restarted, the session terminated) has lost its lock. If no one else took it, the
// writer takes it again at its next commit, or by itself within seconds when idle, and
// goes on; if another writer took it and wrote, the first one's commits are refused,
// writer_locked, and never both write.
func TestWriterLockLost(t *testing.T) {
	ctx := context.Background()
	first, u := openSchemaURL(t)
	commit := func(db *postgres.DB, clock int64) error {
		return db.Commit(ctx, &linkfin.Batch{Clock: clock})
	}
	release, err := first.LockWriter(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer release()
	if err := commit(first, 1); err != nil {
		t.Fatal(err)
	}

	// Lost, and no one else took it: the commit after the loss takes it again, and
	// the lock is held again.
	endWriterSession(t, u)
	if err := commit(first, 2); err != nil {
		t.Fatalf("the writer does not take its lock again after its session ended: %v", err)
	}
	second, err := postgres.Open(ctx, u)
	if err != nil {
		t.Fatal(err)
	}
	defer second.Close()
	if r, err := second.LockWriter(ctx); linkfin.ErrorCode(err) != linkfin.ELOCKED {
		if err == nil {
			r()
		}
		t.Fatalf("a second writer once the first took its lock again: %v, want %s", err, linkfin.ELOCKED)
	}

	// Lost by a writer with nothing to commit: it takes the lock again by itself, so
	// that a second writer started after is refused.
	endWriterSession(t, u)
	waitWriterSession(t, u)
	if r, err := second.LockWriter(ctx); linkfin.ErrorCode(err) != linkfin.ELOCKED {
		if err == nil {
			r()
		}
		t.Fatalf("a second writer after the idle first lost its session: %v, want %s", err, linkfin.ELOCKED)
	}

	// Lost, and another writer took the lock and wrote: the first commits no more.
	endWriterSession(t, u)
	releaseSecond, err := second.LockWriter(ctx)
	for i := 0; i < 5 && linkfin.ErrorCode(err) == linkfin.ELOCKED; i++ {
		// The first took it again before the second: end its session once more.
		endWriterSession(t, u)
		releaseSecond, err = second.LockWriter(ctx)
	}
	if err != nil {
		t.Fatalf("a second writer once the first's session ended: %v", err)
	}
	defer releaseSecond()
	if err := commit(second, 10); err != nil {
		t.Fatal(err)
	}
	for _, clock := range []int64{4, 5} {
		if err := commit(first, clock); linkfin.ErrorCode(err) != linkfin.ELOCKED {
			t.Fatalf("the first writer committed after another took the lock: %v, want %s", err, linkfin.ELOCKED)
		}
	}
	// Even once the other has gone: the log is no longer as the first left it.
	releaseSecond()
	if err := commit(first, 6); linkfin.ErrorCode(err) != linkfin.ELOCKED {
		t.Fatalf("the first writer committed after another wrote: %v, want %s", err, linkfin.ELOCKED)
	}
	if v, err := second.Meta(ctx, "clock"); err != nil || v != "10" {
		t.Fatalf("clock = %q, %v; want the second writer's, 10", v, err)
	}
}
