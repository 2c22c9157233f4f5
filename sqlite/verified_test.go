package sqlite_test

import (
	"context"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"linkfin/audit"
	"linkfin/sqlite"
)

// verified fails the test unless linkfin verify's checks pass on the database.
func verified(t *testing.T, db *sqlite.DB, verifier note.Verifier) {
	t.Helper()
	rep, err := audit.Verify(context.Background(), db, verifier, "linkfin")
	if err != nil {
		t.Fatal(err)
	}
	if !rep.OK() {
		t.Fatalf("verify: %v", rep.Problems)
	}
}
