package sqlite_test

import (
	"context"
	"database/sql"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"linkfin"
	"linkfin/engine"
	"linkfin/ledger"
	"linkfin/sqlite"
	"linkfin/storetest"
)

// A commit that fails for want of space (SQLITE_FULL, as on a full disk) is refused,
// unavailable, and changes nothing; the write-ahead log, which may hold many times
// the pages the database needs and has taken the disk's last space itself, is then
// truncated as soon as no reader is in it; and once there is room the engine commits
// again by itself, and the database verifies.
func TestFullDiskTruncatesLog(t *testing.T) {
	ctx := context.Background()
	db, path := openStore(t)
	signer, verifier := storetest.Keys(t)
	e, err := engine.Open(ctx, engine.Config{Store: db, Signer: signer})
	if err != nil {
		t.Fatal(err)
	}
	defer e.Close()
	// create makes accounts id*10000 to id*10000+2999, more than the pages the
	// log's growth freed hold.
	create := func(id int64) error {
		var as []ledger.Account
		for i := range int64(3000) {
			as = append(as, storetest.Acct(id*10000+i, 0))
		}
		r, err := e.Submit(ctx, &engine.Request{IdempotencyKey: strconv.FormatInt(id, 10), Hash: []byte{byte(id)},
			CreateAccounts: as})
		if err == nil && r.Results[0] != ledger.OK {
			t.Fatalf("create accounts of %d: %v", id, r.Results[0])
		}
		return err
	}
	if err := create(1); err != nil {
		t.Fatal(err)
	}

	// A reader in the log keeps it from being reset while it grows, as the API's
	// reads do under load.
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
	for i := range 40 {
		if err := db.SetMeta(ctx, "filler", strings.Repeat(strconv.Itoa(i), 20000)); err != nil {
			t.Fatal(err)
		}
	}
	walSize := func() int64 {
		fi, err := os.Stat(path + "-wal")
		if err != nil {
			t.Fatal(err)
		}
		return fi.Size()
	}
	if s := walSize(); s < 1<<20 {
		t.Fatalf("the log is %d bytes: the test did not grow it", s)
	}

	pages, err := sqlite.PageCount(ctx, db)
	if err != nil {
		t.Fatal(err)
	}
	if err := sqlite.SetMaxPages(ctx, db, pages); err != nil {
		t.Fatal(err)
	}
	for id := int64(2); id < 4; id++ {
		if err := create(id); linkfin.ErrorCode(err) != engine.EUNAVAILABLE {
			t.Fatalf("a commit with no room: %v, want %s", err, engine.EUNAVAILABLE)
		}
	}
	tx.Rollback()
	for deadline := time.Now().Add(3 * time.Second); walSize() > 0; time.Sleep(50 * time.Millisecond) {
		if time.Now().After(deadline) {
			t.Fatalf("the log is still %d bytes after a commit failed for want of space", walSize())
		}
	}

	if err := sqlite.SetMaxPages(ctx, db, 1<<30); err != nil {
		t.Fatal(err)
	}
	if err := create(2); err != nil {
		t.Fatalf("a commit once there is room: %v", err)
	}
	for id, want := range map[int64]bool{1: true, 2: true, 3: false} {
		_, err := db.Account(ctx, id*10000+2999)
		if got := err == nil; got != want {
			t.Errorf("account %d stored: %v, want %v (%v)", id, got, want, err)
		}
	}
	verified(t, db, verifier)
}
