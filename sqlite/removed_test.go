package sqlite_test

import (
	"context"
	"os"
	"strconv"
	"testing"

	"linkfin"
	"linkfin/engine"
	"linkfin/ledger"
	"linkfin/sqlite"
	"linkfin/storetest"
)

// A database file or write-ahead log removed or replaced under a running engine
// takes no more commits: SQLite would go on writing into the file it has open, and
// acknowledge a batch that is lost when the process ends. Every request after is
// refused, unavailable, and changes nothing; with the log removed or replaced, what
// was acknowledged before is in the database when it is opened again, and it verifies.
func TestRemovedFilesRefuseCommits(t *testing.T) {
	for _, tc := range []struct {
		name   string
		damage func(t *testing.T, path string)
	}{
		{"log removed", func(t *testing.T, path string) {
			if err := os.Remove(path + "-wal"); err != nil {
				t.Fatal(err)
			}
		}},
		{"log replaced", func(t *testing.T, path string) {
			if err := os.Rename(path+"-wal", path+"-wal.old"); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(path+"-wal", nil, 0o600); err != nil {
				t.Fatal(err)
			}
		}},
		{"database removed", func(t *testing.T, path string) {
			if err := os.Rename(path, path+".old"); err != nil {
				t.Fatal(err)
			}
		}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ctx := context.Background()
			db, path := openStore(t)
			signer, verifier := storetest.Keys(t)
			e, err := engine.Open(ctx, engine.Config{Store: db, Signer: signer})
			if err != nil {
				t.Fatal(err)
			}
			create := func(id int64) error {
				r, err := e.Submit(ctx, &engine.Request{IdempotencyKey: strconv.FormatInt(id, 10), Hash: []byte{byte(id)},
					CreateAccounts: []ledger.Account{storetest.Acct(id, 0)}})
				if err == nil && r.Results[0] != ledger.OK {
					t.Fatalf("create account %d: %v", id, r.Results[0])
				}
				return err
			}
			if err := create(1); err != nil {
				t.Fatal(err)
			}
			tc.damage(t, path)
			for range 3 {
				err := create(2)
				if linkfin.ErrorCode(err) != engine.EUNAVAILABLE {
					t.Fatalf("a commit after the files changed: %v, want %s", err, engine.EUNAVAILABLE)
				}
			}
			e.Close()
			db.Close()
			if tc.name == "database removed" {
				// Connections opened after it went made a new, empty file under its
				// name: what becomes of the one moved away is SQLite's affair.
				return
			}

			db, err = sqlite.Open(path)
			if err != nil {
				t.Fatal(err)
			}
			defer db.Close()
			for id, want := range map[int64]bool{1: true, 2: false} {
				_, err := db.Account(ctx, id)
				if got := err == nil; got != want {
					t.Errorf("account %d stored: %v, want %v (%v)", id, got, want, err)
				}
			}
			verified(t, db, verifier)
		})
	}
}
