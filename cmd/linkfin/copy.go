package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"slices"

	"linkfin"
)

// errNotEmpty stops the read of a table that should hold nothing.
var errNotEmpty = errors.New("not empty")

func runCopy(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var sf storeFlags
	fl := newFlags("copy", "copy --to DSN [--data DIR] [--db DSN]", stderr)
	sf.register(fl)
	to := fl.String("to", "", "the database to copy into: a new SQLite file, or a postgres:// URL of an empty database (or schema)")
	if err := parse(fl, args); err != nil {
		return err
	}
	if *to == "" {
		fmt.Fprintln(stderr, "--to is required: the database to copy into")
		fl.Usage()
		return errUsage
	}
	from, err := sf.sqlitePath()
	if isPostgres(sf.db) {
		from, err = sf.db, nil
	}
	if err != nil {
		return err
	}
	if *to == from {
		return fmt.Errorf("--to names the database copied from: copy into another one")
	}
	if err := checkDSN("--to", *to); err != nil {
		return err
	}
	src, err := sf.openExisting(ctx)
	if err != nil {
		return err
	}
	defer src.Close()
	release, err := src.LockWriter(ctx)
	if linkfin.ErrorCode(err) == linkfin.ELOCKED {
		return fmt.Errorf("%s (%s): stop the server first, so that nothing is written after the copy is made", linkfin.ErrorMessage(err), linkfin.ELOCKED)
	} else if err != nil {
		return err
	}
	defer release()

	made := false // a new SQLite file, removed if the copy fails
	if !isPostgres(*to) {
		// Made here, empty, so that it is this copy's own to remove, and its owner's
		// alone to read.
		f, err := os.OpenFile(*to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if errors.Is(err, fs.ErrExist) {
			return fmt.Errorf("%s already exists: a copy into SQLite makes a new file", *to)
		} else if err != nil {
			return fmt.Errorf("cannot make the copy %s (%w): --to names a new file in a directory that is there and that you may write, or a postgres:// URL", *to, err)
		}
		f.Close()
		made = true
	}
	dst, err := (&storeFlags{db: *to, data: sf.data}).open(ctx)
	if err != nil {
		if made {
			os.Remove(*to)
		}
		return &inFlag{"--to", err}
	}
	n, err := copyInto(ctx, src, dst)
	dst.Close()
	if err != nil {
		if made {
			for _, f := range []string{*to, *to + "-wal", *to + "-shm", *to + "-writer.lock"} {
				os.Remove(f)
			}
		}
		return err
	}
	fmt.Fprintf(stdout, "copied %s into %s: %d rows\n", redact(from), redact(*to), n)
	if err := verifyCopy(ctx, &storeFlags{db: *to, data: sf.data}, stdout); err != nil {
		return err
	}
	fmt.Fprintf(stdout, "a server runs on it with --db %s and the data directory's keys (log.key, webhook.key, credentials.key)\n", redact(*to))
	return nil
}

// copyInto copies every table of src into dst, which must hold none of their rows, in
// one transaction of dst's, and returns how many rows it copied.
func copyInto(ctx context.Context, src, dst linkfin.Store) (int, error) {
	from, ok1 := src.(linkfin.TableStore)
	into, ok2 := dst.(linkfin.TableStore)
	if !ok1 || !ok2 {
		return 0, fmt.Errorf("a %s store cannot be copied into a %s store", src.Dialect(), dst.Dialect())
	}
	release, err := dst.LockWriter(ctx)
	if linkfin.ErrorCode(err) == linkfin.ELOCKED {
		return 0, fmt.Errorf("%s (%s): a server runs on the database to copy into", linkfin.ErrorMessage(err), linkfin.ELOCKED)
	} else if err != nil {
		return 0, err
	}
	defer release()
	return copyTables(ctx, from, into)
}

// copyTables copies every table of from into into, which must hold none of their
// rows, in one transaction of into's, and returns how many rows it copied.
func copyTables(ctx context.Context, from, into linkfin.TableStore) (int, error) {
	cols := make(map[string][]string, len(linkfin.CopiedTables))
	for _, t := range linkfin.CopiedTables {
		a, err := from.Columns(ctx, t)
		if err != nil {
			return 0, err
		}
		b, err := into.Columns(ctx, t)
		if err != nil {
			return 0, err
		}
		if x, y := slices.Sorted(slices.Values(a)), slices.Sorted(slices.Values(b)); !slices.Equal(x, y) {
			return 0, fmt.Errorf("table %s has the columns %v in the one database and %v in the other: "+
				"run linkfin migrate on each with the same linkfin first", t, a, b)
		}
		cols[t] = a
		err = into.ReadTable(ctx, t, b, func([]any) error { return errNotEmpty })
		if errors.Is(err, errNotEmpty) {
			return 0, fmt.Errorf("the database to copy into is not empty (its table %s has rows): copy into a new one", t)
		} else if err != nil {
			return 0, err
		}
	}
	n := 0
	err := into.WriteTables(ctx, func(put func(string, []string, []any) error) error {
		for _, t := range linkfin.CopiedTables {
			if err := from.ReadTable(ctx, t, cols[t], func(row []any) error {
				n++
				return put(t, cols[t], row)
			}); err != nil {
				return err
			}
		}
		return nil
	})
	return n, err
}

// verifyCopy checks the copy as linkfin verify checks a database.
func verifyCopy(ctx context.Context, sf *storeFlags, stdout io.Writer) error {
	s, err := sf.openExisting(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	return verifyStored(ctx, s, stdout, nil)
}
