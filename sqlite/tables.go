package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"

	"linkfin"
)

var _ linkfin.TableStore = (*DB)(nil)

// Columns implements linkfin.TableStore.
func (db *DB) Columns(ctx context.Context, table string) ([]string, error) {
	cols, _, err := columns(ctx, db.r, table)
	return cols, unavailable(err)
}

// columns lists a table's columns and their declared types.
func columns(ctx context.Context, q interface {
	QueryContext(context.Context, string, ...any) (*sql.Rows, error)
}, table string) (names, types []string, err error) {
	if err := linkfin.CheckCopied(table); err != nil {
		return nil, nil, err
	}
	rows, err := q.QueryContext(ctx, `SELECT name, type FROM pragma_table_info(?) ORDER BY cid`, table)
	if err != nil {
		return nil, nil, err
	}
	defer rows.Close()
	for rows.Next() {
		var n, t string
		if err := rows.Scan(&n, &t); err != nil {
			return nil, nil, err
		}
		names, types = append(names, n), append(types, strings.ToUpper(t))
	}
	return names, types, rows.Err()
}

// quoted lists the columns for a statement, each name quoted.
func quoted(cols []string) string {
	q := make([]string, len(cols))
	for i, c := range cols {
		q[i] = `"` + strings.ReplaceAll(c, `"`, `""`) + `"`
	}
	return strings.Join(q, ", ")
}

// ReadTable implements linkfin.TableStore; a snapshot's reads the table as of its
// moment.
func (db *DB) ReadTable(ctx context.Context, table string, cols []string, fn func(row []any) error) error {
	if err := linkfin.CheckCopied(table); err != nil {
		return err
	}
	rows, err := db.query(ctx, `SELECT `+quoted(cols)+` FROM `+table)
	if err != nil {
		return fmt.Errorf("read %s: %w", table, err)
	}
	defer rows.Close()
	for rows.Next() {
		row := make([]any, len(cols))
		ptrs := make([]any, len(cols))
		for i := range row {
			ptrs[i] = &row[i]
		}
		if err := rows.Scan(ptrs...); err != nil {
			return fmt.Errorf("read %s: %w", table, err)
		}
		for i, v := range row {
			switch v.(type) {
			case nil, int64, string, []byte:
			default:
				return fmt.Errorf("read %s: column %s holds a %T, which no linkfin column holds", table, cols[i], v)
			}
		}
		if err := fn(row); err != nil {
			return err
		}
	}
	return rows.Err()
}

// WriteTables implements linkfin.TableStore: each value is stored as its column
// declares (an integer, text or a blob), in one transaction of the writer's
// connection, and the totals are summed from the index as the migrations sum them.
func (db *DB) WriteTables(ctx context.Context, fill func(put func(table string, cols []string, row []any) error) error) error {
	tx, err := db.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback()
	type insert struct {
		stmt  *sql.Stmt
		types []string // of cols, declared
	}
	inserts := map[string]insert{} // by table and columns
	defer func() {
		for _, in := range inserts {
			in.stmt.Close()
		}
	}()
	put := func(table string, cols []string, row []any) error {
		key := table + "(" + strings.Join(cols, ",") + ")"
		in, ok := inserts[key]
		if !ok {
			names, types, err := columns(ctx, tx, table)
			if err != nil {
				return err
			}
			in.types = make([]string, len(cols))
			for i, c := range cols {
				j := slices.Index(names, c)
				if j < 0 {
					return fmt.Errorf("write %s: no column %s", table, c)
				}
				in.types[i] = types[j]
			}
			marks := strings.TrimSuffix(strings.Repeat("?, ", len(cols)), ", ")
			if in.stmt, err = tx.PrepareContext(ctx, `INSERT INTO `+table+` (`+quoted(cols)+`) VALUES (`+marks+`)`); err != nil {
				return fmt.Errorf("write %s: %w", table, err)
			}
			inserts[key] = in
		}
		args := make([]any, len(row))
		for i, v := range row {
			a, err := storedAs(v, in.types[i])
			if err != nil {
				return fmt.Errorf("write %s.%s: %w", table, cols[i], err)
			}
			args[i] = a
		}
		if _, err := in.stmt.ExecContext(ctx, args...); err != nil {
			return fmt.Errorf("write %s: %w", table, err)
		}
		return nil
	}
	if err := fill(put); err != nil {
		return err
	}
	if _, err := tx.ExecContext(ctx, `DELETE FROM object_totals`); err != nil {
		return err
	}
	for _, n := range linkfin.IndexNames {
		if err := sumTotals(ctx, tx, n[0], n[1]); err != nil {
			return err
		}
	}
	return tx.Commit()
}

// storedAs converts a value read from a table of any store to what a SQLite column of
// the declared type holds: an int64 for an integer, a string for text, a []byte for a
// blob (SQLite's rules of type affinity, for the types linkfin declares).
func storedAs(v any, declared string) (any, error) {
	if v == nil {
		return nil, nil
	}
	switch {
	case strings.Contains(declared, "INT"):
		if n, ok := v.(int64); ok {
			return n, nil
		}
	case strings.Contains(declared, "TEXT"):
		switch s := v.(type) {
		case string:
			return s, nil
		case []byte:
			return string(s), nil
		}
	case strings.Contains(declared, "BLOB"):
		switch b := v.(type) {
		case []byte:
			return b, nil
		case string:
			return []byte(b), nil
		}
	}
	return nil, fmt.Errorf("a %T is not stored in a column of type %s", v, declared)
}
