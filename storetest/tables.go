package storetest

import (
	"context"
	"errors"
	"testing"

	"linkfin"
)

// testTables: a store's tables are read and written whole (linkfin copy), only those of
// linkfin.CopiedTables, each value as its column holds it; a write that fails, in fill
// or in put, writes nothing.
func testTables(t *testing.T, open Opener) {
	ctx := context.Background()
	s := open(t)
	ts, ok := s.(linkfin.TableStore)
	if !ok {
		t.Fatalf("a %s store is not a linkfin.TableStore", s.Dialect())
	}
	for _, table := range linkfin.CopiedTables {
		if cols, err := ts.Columns(ctx, table); err != nil || len(cols) == 0 {
			t.Errorf("columns of %s: %v, %v", table, cols, err)
		}
	}
	for _, table := range []string{"object_totals", "schema_migrations", "meta; DROP TABLE meta", `meta"`} {
		if _, err := ts.Columns(ctx, table); err == nil {
			t.Errorf("columns of %q: no error", table)
		}
		if err := ts.ReadTable(ctx, table, []string{"key"}, func([]any) error { return nil }); err == nil {
			t.Errorf("read of %q: no error", table)
		}
	}
	if err := s.SetMeta(ctx, "copied", "yes"); err != nil {
		t.Fatal(err)
	}

	into := open(t).(linkfin.TableStore)
	refused := errors.New("refused")
	for name, fill := range map[string]func(put func(string, []string, []any) error) error{
		"fill fails": func(put func(string, []string, []any) error) error {
			if err := put("meta", []string{"key", "value"}, []any{"half", "written"}); err != nil {
				return err
			}
			return refused
		},
		"a table not copied": func(put func(string, []string, []any) error) error {
			if err := put("meta", []string{"key", "value"}, []any{"half", "written"}); err != nil {
				return err
			}
			return put("schema_migrations", []string{"version"}, []any{"x"})
		},
		"a column not there": func(put func(string, []string, []any) error) error {
			if err := put("meta", []string{"key", "value"}, []any{"half", "written"}); err != nil {
				return err
			}
			return put("meta", []string{"key", "nothing"}, []any{"k", "v"})
		},
		"a value of another type": func(put func(string, []string, []any) error) error {
			if err := put("meta", []string{"key", "value"}, []any{"half", "written"}); err != nil {
				return err
			}
			return put("accounts", []string{"id"}, []any{"1"})
		},
	} {
		if err := into.WriteTables(ctx, fill); err == nil {
			t.Errorf("%s: the write did not fail", name)
		}
		if v, err := into.(linkfin.Store).Meta(ctx, "half"); err != nil || v != "" {
			t.Errorf("%s: a failed write left meta %q (%v)", name, v, err)
		}
	}

	cols, err := ts.Columns(ctx, "meta")
	if err != nil {
		t.Fatal(err)
	}
	if err := into.WriteTables(ctx, func(put func(string, []string, []any) error) error {
		return ts.ReadTable(ctx, "meta", cols, func(row []any) error { return put("meta", cols, row) })
	}); err != nil {
		t.Fatal(err)
	}
	if v, err := into.(linkfin.Store).Meta(ctx, "copied"); err != nil || v != "yes" {
		t.Errorf("meta copied: %q, %v", v, err)
	}
}
