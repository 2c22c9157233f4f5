package postgres

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/jackc/pgx/v5"

	"linkfin"
)

var _ linkfin.TableStore = (*DB)(nil)

// Columns implements linkfin.TableStore: the table's columns in the schema the
// connection uses.
func (db *DB) Columns(ctx context.Context, table string) ([]string, error) {
	cols, _, err := columns(ctx, db.pool, table)
	return cols, err
}

// columns lists a table's columns and their types, of the current schema.
func columns(ctx context.Context, q querier, table string) (names, types []string, err error) {
	if err := linkfin.CheckCopied(table); err != nil {
		return nil, nil, err
	}
	rows, err := q.Query(ctx, `SELECT column_name, data_type FROM information_schema.columns
		WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`, table)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var n, t string
		if err := rows.Scan(&n, &t); err != nil {
			return nil, nil, err
		}
		names, types = append(names, n), append(types, t)
	}
	return names, types, rows.Err()
}

// ReadTable implements linkfin.TableStore; a snapshot's reads the table as of its
// moment.
func (db *DB) ReadTable(ctx context.Context, table string, cols []string, fn func(row []any) error) error {
	if err := linkfin.CheckCopied(table); err != nil {
		return err
	}
	ids := make([]string, len(cols))
	for i, c := range cols {
		ids[i] = pgx.Identifier{c}.Sanitize()
	}
	rows, err := db.reader().Query(ctx, `SELECT `+strings.Join(ids, ", ")+` FROM `+pgx.Identifier{table}.Sanitize())
	if err != nil {
		return fmt.Errorf("read %s: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		vals, err := rows.Values()
		if err != nil {
			return fmt.Errorf("read %s: %w", table, err)
		}
		for i, v := range vals {
			switch n := v.(type) {
			case nil, int64, string:
			case int32:
				vals[i] = int64(n)
			case int16:
				vals[i] = int64(n)
			case []byte:
				vals[i] = slices.Clone(n)
			default:
				return fmt.Errorf("read %s: column %s holds a %T, which no linkfin column holds", table, cols[i], v)
			}
		}
		if err := fn(vals); err != nil {
			return err
		}
	}
	return rows.Err()
}

// copyChunk is how many rows WriteTables sends to the server in one COPY.
const copyChunk = 10_000

// WriteTables implements linkfin.TableStore: the rows of each table go by COPY, each
// value as its column's type takes it, in one transaction, and the totals are summed
// from the index (exactly: PostgreSQL's sum of BIGINTs is a NUMERIC).
func (db *DB) WriteTables(ctx context.Context, fill func(put func(table string, cols []string, row []any) error) error) error {
	return pgx.BeginFunc(ctx, db.pool, func(tx pgx.Tx) error {
		var (
			table string
			cols  []string
			types []string
			rows  [][]any
		)
		flush := func() error {
			if len(rows) == 0 {
				return nil
			}
			if _, err := tx.CopyFrom(ctx, pgx.Identifier{table}, cols, pgx.CopyFromRows(rows)); err != nil {
				return fmt.Errorf("write %s: %w", table, err)
			}
			rows = rows[:0]
			return nil
		}
		put := func(t string, cs []string, row []any) error {
			if t != table || !slices.Equal(cs, cols) {
				if err := flush(); err != nil {
					return err
				}
				names, all, err := columns(ctx, tx, t)
				if err != nil {
					return err
				}
				types = make([]string, len(cs))
				for i, c := range cs {
					j := slices.Index(names, c)
					if j < 0 {
						return fmt.Errorf("write %s: no column %s", t, c)
					}
					types[i] = all[j]
				}
				table, cols = t, slices.Clone(cs)
			}
			vals := make([]any, len(row))
			for i, v := range row {
				a, err := storedAs(v, types[i])
				if err != nil {
					return fmt.Errorf("write %s.%s: %w", table, cols[i], err)
				}
				vals[i] = a
			}
			rows = append(rows, vals)
			if len(rows) == copyChunk {
				return flush()
			}
			return nil
		}
		if err := fill(put); err != nil {
			return err
		}
		if err := flush(); err != nil {
			return err
		}
		if _, err := tx.Exec(ctx, `DELETE FROM object_totals`); err != nil {
			return err
		}
		for _, n := range linkfin.IndexNames {
			if !linkfin.Totaled(n[1]) {
				continue
			}
			if _, err := tx.Exec(ctx, `INSERT INTO object_totals (kind, name, value, count, amount)
				SELECT kind, name, value, count(*), sum(amount) FROM object_index WHERE kind = $1 AND name = $2
				GROUP BY kind, name, value`, n[0], n[1]); err != nil {
				return err
			}
		}
		return nil
	})
}

// storedAs converts a value read from a table of any store to what a PostgreSQL column
// of the type takes: an int64 for an integer, a string for text, a []byte for bytea.
func storedAs(v any, typ string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch typ {
	case "bigint", "integer", "smallint":
		if n, ok := v.(int64); ok {
			return n, nil
		}
	case "text":
		switch s := v.(type) {
		case string:
			return s, nil
		case []byte:
			return string(s), nil
		}
	case "bytea":
		switch b := v.(type) {
		case []byte:
			return b, nil
		case string:
			return []byte(b), nil
		}
	}
	return nil, fmt.Errorf("a %T is not stored in a column of type %s", v, typ)
}
