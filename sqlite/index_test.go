package sqlite_test

import (
	"context"
	"slices"
	"strings"
	"testing"

	"linkfin"
	"linkfin/engine"
	"linkfin/services"
	"linkfin/sqlite"
	"linkfin/sqlite/sqlitetest"
	"linkfin/storetest"
)

// TestOrderedIndexOneTree: the ordered index is one B-tree, keyed (kind, name, value,
// id) as it is listed, with no second index by record; the committer's deletes and
// verify's lookups each seek it by the whole key, and a list walks it with no sort. A database whose index was made
// with the second index (by migration 0005) is migrated to the one tree, its entries
// kept, once.
func TestOrderedIndexOneTree(t *testing.T) {
	ctx := context.Background()
	env := storetest.NewEnv(t, func(t *testing.T) linkfin.Store { return sqlitetest.Open(t) })
	db := env.Store.(*sqlite.DB)
	env.Submit(&engine.Request{Commands: []linkfin.Command{
		&services.CreateOrganization{Org: linkfin.Organization{ID: "anchor-1", Name: "Anchor", Capabilities: []linkfin.Capability{linkfin.CapAnchor, linkfin.CapTrade}}},
		&services.CreateOrganization{Org: linkfin.Organization{ID: "carrier-1", Name: "Carrier", Capabilities: []linkfin.Capability{linkfin.CapLogistics}}},
	}})
	// A write that deletes an entry and inserts another.
	env.Submit(&engine.Request{Commands: []linkfin.Command{
		&services.SetCapabilities{OrgID: "carrier-1", Capabilities: []linkfin.Capability{linkfin.CapFund}},
	}})
	entries := func() []string {
		t.Helper()
		rows, err := db.Strings(ctx, `SELECT kind || ' ' || id || ' ' || name || ' ' || value || ' ' || amount FROM object_index ORDER BY 1`)
		if err != nil {
			t.Fatal(err)
		}
		return rows
	}
	want := []string{"organization anchor-1 can anchor/ 0", "organization anchor-1 can trade/ 0", "organization carrier-1 can fund/ 0"}
	if got := entries(); !slices.Equal(got, want) {
		t.Fatalf("the index holds %q, want %q", got, want)
	}
	checkSchema := func(when string) {
		t.Helper()
		schema, err := db.Strings(ctx, `SELECT type || ' ' || name || ': ' || sql FROM sqlite_schema WHERE tbl_name = 'object_index'`)
		if err != nil {
			t.Fatal(err)
		}
		if len(schema) != 1 || !strings.Contains(schema[0], "PRIMARY KEY (kind, name, value, id)") || !strings.Contains(schema[0], "WITHOUT ROWID") {
			t.Fatalf("%s: the ordered index is %q; want one table keyed (kind, name, value, id), without rowid, and no index", when, schema)
		}
		seek := " USING PRIMARY KEY (kind=? AND name=? AND value=? AND id=?)"
		for _, q := range []struct {
			what, sql string
			args      []any
		}{
			{"the committer's delete", sqlite.DeleteIndexRows + " VALUES (?, ?, ?, ?), (?, ?, ?, ?) )",
				[]any{"organization", "can", "anchor/", "anchor-1", "organization", "can", "trade/", "anchor-1"}},
			{"verify's lookup", sqlite.IndexRowsByKey, []any{`[["organization","can","anchor/","anchor-1"]]`}},
		} {
			plan, err := db.QueryPlan(ctx, q.sql, q.args...)
			if err != nil {
				t.Fatal(err)
			}
			seeks := slices.ContainsFunc(plan, func(s string) bool { return strings.HasPrefix(s, "SEARCH ") && strings.HasSuffix(s, seek) })
			scans := slices.ContainsFunc(plan, func(s string) bool {
				return strings.HasPrefix(s, "SCAN object_index") || strings.HasPrefix(s, "SCAN x")
			})
			if !seeks || scans {
				t.Fatalf("%s: %s's plan is %q; want it to seek the index by its whole key", when, q.what, plan)
			}
		}
		// ListIndexed walks the tree in its order: no sort of its own.
		plan, err := db.QueryPlan(ctx, sqlite.ListIndexed, "organization", "can", "", "\x7f", "", "", 10)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(plan, func(s string) bool {
			return strings.HasPrefix(s, "SEARCH x USING PRIMARY KEY (kind=? AND name=? AND value>? AND value<?)")
		}) || slices.ContainsFunc(plan, func(s string) bool { return strings.Contains(s, "TEMP B-TREE") }) {
			t.Fatalf("%s: a list's plan is %q; want it to walk the index by its key, with no sort", when, plan)
		}
	}
	checkSchema("migrated")
	env.MustVerify()

	// The index as migration 0005 made it, and 0007 not applied.
	env.Engine.Close()
	for _, q := range []string{
		`CREATE TABLE object_index_old (kind TEXT NOT NULL, id TEXT NOT NULL, name TEXT NOT NULL, value TEXT NOT NULL,
			amount INTEGER NOT NULL, PRIMARY KEY (kind, id, name, value)) WITHOUT ROWID`,
		`INSERT INTO object_index_old SELECT kind, id, name, value, amount FROM object_index`,
		`DROP TABLE object_index`,
		`ALTER TABLE object_index_old RENAME TO object_index`,
		`CREATE INDEX object_index_by_value ON object_index (kind, name, value, id)`,
		`DELETE FROM schema_migrations WHERE version = 'migrations/0007_object_index_by_value.sql'`,
	} {
		if err := db.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if schema, _ := db.Strings(ctx, `SELECT name FROM sqlite_schema WHERE tbl_name = 'object_index'`); len(schema) != 2 {
		t.Fatalf("the old index is %q", schema)
	}
	for range 2 { // the second migration finds it done
		if err := db.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		checkSchema("rebuilt")
		if got := entries(); !slices.Equal(got, want) {
			t.Fatalf("rebuilt, the index holds %q, want %q", got, want)
		}
	}
	env.Restart()
	env.MustVerify()
}
