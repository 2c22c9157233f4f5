package main

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"linkfin"
	"linkfin/internal/durable"
	"linkfin/sqlite"
	"linkfin/tlog"
)

// The data directory's keys, which a database needs beside it: its log's signing key,
// the webhook key every endpoint's secret derives from, and the key that seals users'
// credentials.
const (
	logKeyFile         = "log.key"
	webhookKeyFile     = "webhook.key"
	credentialsKeyFile = "credentials.key"
)

var keyFiles = []string{logKeyFile, webhookKeyFile, credentialsKeyFile}

func runBackup(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var sf storeFlags
	fl := newFlags("backup", "backup --to DIR [--data DIR] [--db DSN]", stderr)
	sf.register(fl)
	to := fl.String("to", "", "the new directory to write the backup to: a data directory of its own")
	if err := parse(fl, args); err != nil {
		return err
	}
	if *to == "" {
		fmt.Fprintln(stderr, "--to is required: the new directory to write the backup to")
		fl.Usage()
		return errUsage
	}
	s, err := sf.openExisting(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	src, err := sf.sqlitePath()
	if isPostgres(sf.db) {
		src, err = redact(sf.db), nil
	}
	if err != nil {
		return err
	}
	data, err := sf.dataDir()
	if err != nil {
		return err
	}
	if err := os.Mkdir(*to, 0o700); errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("%s already exists: a backup goes into a new directory", *to)
	} else if err != nil {
		return fmt.Errorf("cannot make the backup's directory %s (%w): --to names a new directory in one that is there and that you may write", *to, err)
	}
	cals, err := sf.calendarFiles()
	if err != nil {
		return err
	}
	copied, err := backupInto(ctx, s, data, cals, *to)
	if err != nil {
		os.RemoveAll(*to) // made above: this backup's own
		return err
	}
	fmt.Fprintf(stdout, "backup of %s in %s: linkfin.db", src, *to)
	for _, name := range copied {
		fmt.Fprintf(stdout, ", %s", name)
	}
	fmt.Fprintln(stdout)
	return verifyBackup(ctx, *to, stdout)
}

// backupInto writes the database's copy, the data directory's keys and its calendar
// files cals (those serve loads) into the directory to, each flushed to the disk, and returns the names of the files
// it copied beside the database. A key the data directory does not hold is not
// copied (a server makes each on its first start). The copy is a SQLite file either
// way: SQLite's own copy of an embedded database, or every table of another store as
// of one snapshot of it.
func backupInto(ctx context.Context, s linkfin.Store, data string, cals []string, to string) ([]string, error) {
	path := filepath.Join(to, "linkfin.db")
	if db, ok := s.(*sqlite.DB); ok {
		if err := db.Backup(ctx, path); err != nil {
			return nil, err
		}
	} else if err := backupSnapshot(ctx, s, path); err != nil {
		return nil, err
	}
	names := slices.Clone(keyFiles)
	if len(cals) > 0 {
		if err := os.MkdirAll(filepath.Join(to, "calendars", "cn"), 0o755); err != nil {
			return nil, err
		}
	}
	for _, c := range cals {
		names = append(names, filepath.Join("calendars", "cn", filepath.Base(c)))
	}
	var copied []string
	for _, name := range names {
		switch err := copyFile(filepath.Join(data, name), filepath.Join(to, name)); {
		case errors.Is(err, fs.ErrNotExist):
		case err != nil:
			return nil, err
		default:
			copied = append(copied, name)
		}
	}
	for _, dir := range []string{filepath.Join(to, "calendars", "cn"), filepath.Join(to, "calendars"), to} {
		if err := durable.Sync(dir); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return nil, err
		}
	}
	return copied, nil
}

// backupSnapshot copies every table of the store, as of one snapshot of it (for
// PostgreSQL a REPEATABLE READ transaction, so while a server writes), into a new
// SQLite database at path, and flushes it to the disk.
func backupSnapshot(ctx context.Context, s linkfin.Store, path string) error {
	snap, err := s.Snapshot(ctx)
	if err != nil {
		return err
	}
	defer snap.Close()
	from, ok := snap.(linkfin.TableStore)
	if !ok {
		return fmt.Errorf("a %s store cannot be backed up", s.Dialect())
	}
	// Made here, so that the copy is the owner's alone, as SQLite's own backup is.
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
	if err != nil {
		return err
	}
	f.Close()
	db, err := sqlite.Open(path)
	if err != nil {
		return err
	}
	err = db.Migrate(ctx)
	if err == nil {
		_, err = copyTables(ctx, from, db)
	}
	if cerr := db.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return err
	}
	return durable.Sync(path)
}

// copyFile copies the file from to a new file to, with from's permissions, and flushes
// it to the disk.
func copyFile(from, to string) error {
	in, err := os.Open(from)
	if err != nil {
		return err
	}
	defer in.Close()
	fi, err := in.Stat()
	if err != nil {
		return err
	}
	out, err := os.OpenFile(to, os.O_WRONLY|os.O_CREATE|os.O_EXCL, fi.Mode().Perm())
	if err != nil {
		return err
	}
	_, err = io.Copy(out, in)
	if err == nil {
		err = out.Sync()
	}
	if cerr := out.Close(); err == nil {
		err = cerr
	}
	return err
}

// verifyBackup checks the backup in dir as linkfin verify checks a database, and that
// the log.key copied beside it is the key its log is signed by, so that a server
// started on it signs on.
func verifyBackup(ctx context.Context, dir string, stdout io.Writer) error {
	s, err := sqlite.Open(filepath.Join(dir, "linkfin.db"))
	if err != nil {
		return err
	}
	defer s.Close()
	return verifyStored(ctx, s, stdout, func(vkey string) error {
		b, err := os.ReadFile(filepath.Join(dir, logKeyFile))
		if err != nil {
			return fmt.Errorf("the backup's log is signed by %s, but the data directory holds no log.key to copy: %w", vkey, err)
		}
		if k, err := tlog.PublicKey(strings.TrimSpace(string(b))); err != nil || k != vkey {
			return fmt.Errorf("the data directory's log.key is not the key this database's log is signed by (%s): "+
				"back up from the data directory the server runs with (--data)", vkey)
		}
		return nil
	})
}
