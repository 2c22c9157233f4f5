package main

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"

	"github.com/jackc/pgx/v5/pgconn"
	"golang.org/x/mod/sumdb/note"

	"linkfin"
	"linkfin/postgres"
	"linkfin/sqlite"
	"linkfin/tlog"
)

// Origin is the first line of every checkpoint linkfin signs.
const Origin = "linkfin"

// storeFlags are the flags every command that opens the database shares.
type storeFlags struct {
	db   string
	data string
	fs   *flag.FlagSet // the command's flags, which say whether --db and --data were given
}

func (f *storeFlags) register(fs *flag.FlagSet) {
	f.fs = fs
	fs.StringVar(&f.db, "db", os.Getenv("LINKFIN_DB"),
		"database: a SQLite file path or a postgres:// URL (env LINKFIN_DB; default <data>/linkfin.db)")
	fs.StringVar(&f.data, "data", os.Getenv("LINKFIN_DATA"),
		"data directory for the embedded database and the log's signing key (env LINKFIN_DATA; default "+defaultDataName+")")
}

// dbName names where the database's URL or path came from, for advice on it: --db,
// or LINKFIN_DB where the environment gave it and the command line did not.
func (f *storeFlags) dbName() string {
	return f.name("db", f.db, "LINKFIN_DB")
}

// dataName names where the data directory came from: --data, or LINKFIN_DATA.
func (f *storeFlags) dataName() string {
	return f.name("data", f.data, "LINKFIN_DATA")
}

// name is "--" and the flag's name, or env where the flag's value (not empty) is the
// environment's: the command line did not give the flag.
func (f *storeFlags) name(flagName, value, env string) string {
	if value == "" || f.fs == nil {
		return "--" + flagName
	}
	given := false
	f.fs.Visit(func(fl *flag.Flag) { given = given || fl.Name == flagName })
	if given {
		return "--" + flagName
	}
	return env
}

// named wraps an error about the database in the name of where its URL came from
// when that is the environment, so that describe's advice names LINKFIN_DB.
func (f *storeFlags) named(err error) error {
	if err == nil || f.dbName() == "--db" {
		return err
	}
	return &inFlag{f.dbName(), err}
}

func (f *storeFlags) dataDir() (string, error) {
	if f.data != "" {
		return f.data, nil
	}
	home, err := os.UserHomeDir()
	dir := defaultDataDir(os.Getenv, home)
	if dir == "" {
		return "", fmt.Errorf("no data directory: set --data or LINKFIN_DATA (%w)", err)
	}
	return dir, nil
}

// unixDataDir is the data directory where --data and LINKFIN_DATA name none, on Unix:
// $XDG_DATA_HOME/linkfin, else ~/.local/share/linkfin (the XDG Base Directory
// Specification's); "" without either.
func unixDataDir(getenv func(string) string, home string) string {
	return dataDirIn(getenv("XDG_DATA_HOME"), home, ".local", "share")
}

// windowsDataDir is the data directory where --data and LINKFIN_DATA name none, on
// Windows: %LocalAppData%\linkfin, where a program keeps the data of a user on one
// machine, else the profile's AppData\Local; "" without either.
func windowsDataDir(getenv func(string) string, home string) string {
	return dataDirIn(getenv("LocalAppData"), home, "AppData", "Local")
}

// dataDirIn is linkfin's directory in the system's place for a user's data: base, where
// the environment names it, else the place under the home directory; "" without either.
func dataDirIn(base, home string, underHome ...string) string {
	if base == "" {
		if home == "" {
			return ""
		}
		base = filepath.Join(append([]string{home}, underHome...)...)
	}
	return filepath.Join(base, "linkfin")
}

func isPostgres(dsn string) bool {
	return strings.HasPrefix(dsn, "postgres://") || strings.HasPrefix(dsn, "postgresql://")
}

// checkDSN refuses a database named (by the flag name, or the environment variable's
// that gave it) with a URL of a scheme other than PostgreSQL's, which would otherwise
// be taken for a SQLite file's path ("mysql://host/db").
func checkDSN(name, dsn string) error {
	if scheme, _, ok := strings.Cut(dsn, "://"); ok && !isPostgres(dsn) && !strings.ContainsAny(scheme, `/\`) {
		if u, err := url.Parse(dsn); err == nil {
			dsn = u.Redacted()
		}
		sep := " " // --db URL, as a flag is given
		if !strings.HasPrefix(name, "-") {
			sep = "=" // LINKFIN_DB=URL, as a variable is set
		}
		return fmt.Errorf("%s%s%s: linkfin's database is a SQLite file (its path) or PostgreSQL (a postgres:// URL), not %s", name, sep, dsn, scheme)
	}
	return nil
}

// open opens and migrates the chosen store, for a command that writes: an existing
// SQLite file it may not write is refused before anything starts on it.
func (f *storeFlags) open(ctx context.Context) (linkfin.Store, error) {
	if err := checkDSN(f.dbName(), f.db); err != nil {
		return nil, err
	}
	if path, err := f.sqlitePath(); err == nil && !isPostgres(f.db) {
		if rw, err := os.OpenFile(path, os.O_RDWR, 0); errors.Is(err, fs.ErrPermission) {
			return nil, fmt.Errorf("linkfin may not write the database %s (%w): run it as the file's owner, or check the file's mode", path, err)
		} else if err == nil {
			rw.Close()
		}
	}
	s, err := openStore(ctx, f)
	if err != nil {
		return nil, err
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, f.named(err)
	}
	return s, nil
}

// openExisting opens the chosen store for a command that only reads: it creates no
// directory and no database, and a database without linkfin's schema is an error.
// An existing linkfin database is brought up to the current schema.
func (f *storeFlags) openExisting(ctx context.Context) (linkfin.Store, error) {
	if err := checkDSN(f.dbName(), f.db); err != nil {
		return nil, err
	}
	where := f.db
	if !isPostgres(f.db) {
		path, err := f.sqlitePath()
		if err != nil {
			return nil, err
		}
		where = path
		fi, err := os.Stat(path)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			// There may be one, where linkfin may not look (a directory of another user's).
			return nil, fmt.Errorf("linkfin cannot reach the database %s (%w): run it as the database's owner, or check the mode of the file and its directories", path, err)
		}
		if err != nil || !fi.Mode().IsRegular() {
			return nil, fmt.Errorf("no database at %s: check %s and %s (linkfin serve or linkfin migrate creates one)", path, f.dataName(), f.dbName())
		}
		// Opening a file that is not SQLite's would write SQLite's header into it.
		if !isSQLite(path) {
			return nil, fmt.Errorf("%s holds no linkfin database (it is not a SQLite file): check %s and %s", path, f.dataName(), f.dbName())
		}
	}
	s, err := openStore(ctx, f)
	if err != nil {
		return nil, err
	}
	// Every linkfin schema has the meta table: a database without it is not one. A
	// PostgreSQL user denied it (SQLSTATE 42501) may be looking at one all the same:
	// that is said, with what to grant (describe adds it), not that there is none.
	if _, err := s.Meta(ctx, metaLogKey); err != nil {
		s.Close()
		var pg *pgconn.PgError
		if errors.As(err, &pg) && pg.Code == "42501" {
			return nil, f.named(fmt.Errorf("the PostgreSQL user of %s may not read linkfin's tables in %s (%w)", f.dbName(), redact(where), err))
		}
		return nil, f.named(fmt.Errorf("%s holds no linkfin database (%w): check %s and %s (linkfin migrate creates one)", redact(where), err, f.dataName(), f.dbName()))
	}
	if err := s.Migrate(ctx); err != nil {
		s.Close()
		return nil, f.named(err)
	}
	return s, nil
}

// sqlitePath is the SQLite database's file: --db, or linkfin.db in the data directory.
func (f *storeFlags) sqlitePath() (string, error) {
	if f.db != "" {
		return f.db, nil
	}
	dir, err := f.dataDir()
	if err != nil {
		return "", err
	}
	return filepath.Join(dir, "linkfin.db"), nil
}

// isSQLite reports whether the file starts with SQLite's header.
func isSQLite(path string) bool {
	f, err := os.Open(path)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, 16)
	_, err = io.ReadFull(f, head)
	return err == nil && string(head) == "SQLite format 3\x00"
}

// redact hides the password of a postgres:// URL.
func redact(dsn string) string {
	if u, err := url.Parse(dsn); err == nil && isPostgres(dsn) {
		return u.Redacted()
	}
	return dsn
}

func openStore(ctx context.Context, f *storeFlags) (linkfin.Store, error) {
	if err := checkDSN(f.dbName(), f.db); err != nil {
		return nil, err
	}
	if isPostgres(f.db) {
		s, err := postgres.Open(ctx, f.db)
		return s, f.named(err)
	}
	path := f.db
	if path == "" {
		dir, err := f.dataDir()
		if err != nil {
			return nil, err
		}
		if err := makeDataDir(dir); err != nil {
			return nil, err
		}
		path = filepath.Join(dir, "linkfin.db")
	}
	// A new database is made here, empty, so that it is its owner's alone to read
	// (SQLite gives its journal the database's mode), and so that a directory
	// linkfin may not write is said in words rather than in SQLite's.
	if fi, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		nf, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil && !errors.Is(err, fs.ErrExist) {
			return nil, fmt.Errorf("cannot make the database %s (%w): choose a directory you may write with --data or LINKFIN_DATA, or a file with %s", path, err, f.dbName())
		} else if err == nil {
			nf.Close()
		}
	} else if err == nil && fi.IsDir() {
		return nil, fmt.Errorf("%s is a directory, not a database file: check %s (or %s, for a data directory)", path, f.dbName(), f.dataName())
	}
	return sqlite.Open(path)
}

const metaLogKey = linkfin.MetaLogKey

// signer loads the log's signing key from the data directory, creating it on first
// start, and checks it is the key this database's log was signed with. A new
// database beside an existing key is signed with that key.
func (f *storeFlags) signer(ctx context.Context, s linkfin.Store) (note.Signer, error) {
	dir, err := f.dataDir()
	if err != nil {
		return nil, err
	}
	if err := usableDataDir(dir); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, logKeyFile)
	stored, err := s.Meta(ctx, metaLogKey)
	if err != nil {
		return nil, err
	}
	b, err := os.ReadFile(path)
	switch {
	case errors.Is(err, fs.ErrNotExist) && stored == "":
		sk, _, err := tlog.GenerateKey(Origin)
		if err != nil {
			return nil, err
		}
		if err := makeDataDir(dir); err != nil {
			return nil, err
		}
		// O_EXCL: never replace a key another process wrote meanwhile.
		kf, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return nil, keyNotWritten(path, err)
		}
		_, err = kf.WriteString(sk + "\n")
		if cerr := kf.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return nil, keyNotWritten(path, err)
		}
		b = []byte(sk)
	case errors.Is(err, fs.ErrNotExist):
		return nil, fmt.Errorf("this database's log is signed by %s, but its private key is not in %s: "+
			"copy the log.key of this database back into that directory, or choose the --data directory that holds it", stored, path)
	case err != nil:
		return nil, keyNotRead(path, err)
	}
	skey := strings.TrimSpace(string(b))
	vkey, err := tlog.PublicKey(skey)
	if err != nil {
		return nil, fmt.Errorf("%s does not hold a log signing key (%v): restore it from a backup; "+
			"or, for a new database only, move it away and a new key is made", path, err)
	}
	signer, err := note.NewSigner(skey)
	if err != nil {
		return nil, fmt.Errorf("%s does not hold a log signing key (%v): restore it from a backup", path, err)
	}
	if stored == "" {
		// A new database: its log is signed with the key beside it.
		if err := s.SetMeta(ctx, metaLogKey, vkey); err != nil {
			return nil, err
		}
		return signer, nil
	}
	if stored != vkey {
		return nil, fmt.Errorf("%s holds the log key %s, but this database's log is signed by %s: "+
			"restore the log.key of this database, or choose the --data directory that holds it", path, vkey, stored)
	}
	return signer, nil
}

// makeDataDir makes the data directory, if it is not there, for its owner alone.
func makeDataDir(dir string) error {
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return dataDirError(dir, err)
	}
	return nil
}

// usableDataDir refuses a data directory that is there but is no directory (a file, or
// a path through one), before a key is read from it: reading a key there fails for
// the directory, not the key.
func usableDataDir(dir string) error {
	fi, err := os.Stat(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil // made when a key is written
	case err != nil:
		return dataDirError(dir, err)
	case !fi.IsDir():
		return dataDirError(dir, errors.New("not a directory"))
	}
	return nil
}

func dataDirError(dir string, err error) error {
	return fmt.Errorf("cannot make the data directory %s (%w): choose one you may write with --data or LINKFIN_DATA", dir, err)
}

// keyNotWritten says that a key of the data directory could not be made there.
func keyNotWritten(path string, err error) error {
	return fmt.Errorf("cannot write the key %s (%w): the data directory holds linkfin's keys: choose one you may write with --data or LINKFIN_DATA", path, err)
}

// keyNotRead says that a key of the data directory is there but could not be read.
func keyNotRead(path string, err error) error {
	return fmt.Errorf("cannot read the key %s (%w): it is to be a file linkfin's user may read: check its owner and mode, or restore it from a backup", path, err)
}

// webhookKey loads the platform's webhook key from the data directory, creating it
// on first start. Every endpoint's signing secret derives from it, so it never
// changes.
func (f *storeFlags) webhookKey() ([]byte, error) {
	return f.secretKey(webhookKeyFile, "a webhook key", "every webhook endpoint's signing secret derives from it")
}

// credentialsKey loads the key that seals users' password hashes and second factors
// from the data directory, creating it on first start. Without it no user signs in
// (an admin sets new passwords; keys still open the API).
func (f *storeFlags) credentialsKey() ([]byte, error) {
	return f.secretKey(credentialsKeyFile, "a credentials key", "every user's password and second factor are sealed with it")
}

// secretKey loads a 32-byte key kept as hex in a file of the data directory, making
// it on first start.
func (f *storeFlags) secretKey(name, what, why string) ([]byte, error) {
	dir, err := f.dataDir()
	if err != nil {
		return nil, err
	}
	if err := usableDataDir(dir); err != nil {
		return nil, err
	}
	path := filepath.Join(dir, name)
	b, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		key := make([]byte, 32)
		rand.Read(key)
		if err := makeDataDir(dir); err != nil {
			return nil, err
		}
		b = []byte(hex.EncodeToString(key) + "\n")
		if err := os.WriteFile(path, b, 0o600); err != nil {
			return nil, keyNotWritten(path, err)
		}
	} else if err != nil {
		return nil, keyNotRead(path, err)
	}
	key, err := hex.DecodeString(strings.TrimSpace(string(b)))
	if err != nil || len(key) != 32 {
		return nil, fmt.Errorf("%s does not hold %s (64 hex digits): restore it from a backup, since %s", path, what, why)
	}
	return key, nil
}
