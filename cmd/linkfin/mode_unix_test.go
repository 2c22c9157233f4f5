//go:build unix

package main

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// wantMode fails t unless the file or directory at path is there with the
// permission bits want.
func wantMode(t *testing.T, path string, want fs.FileMode) {
	t.Helper()
	if fi, err := os.Stat(path); err != nil {
		t.Errorf("%s: %v; want mode %v", path, err, want)
	} else if fi.Mode().Perm() != want {
		t.Errorf("%s: %v; want mode %v", path, fi.Mode(), want)
	}
}

// TestReadOnlyDatabase: serve on a database file its user may not write is refused
// before it listens, naming the file, where it would otherwise start and fail every
// write; verify, which only reads, still checks it. (Root writes any file: the test
// needs another user.)
func TestReadOnlyDatabase(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root may write a read-only file: run as another user to check the refusal")
	}
	isolate(t)
	dir := t.TempDir()
	if code, _, stderr := cli(t, "migrate", "--data", dir); code != 0 {
		t.Fatal(stderr)
	}
	db := filepath.Join(dir, "linkfin.db")
	if err := os.Chmod(db, 0o400); err != nil {
		t.Fatal(err)
	}
	code, stdout, stderr := cli(t, "serve", "--addr", "127.0.0.1:0", "--data", dir)
	if code != 1 || stdout != "" || !strings.Contains(stderr, "linkfin serve: linkfin may not write the database "+db) {
		t.Fatalf("serve on a read-only database: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if code, stdout, stderr := cli(t, "verify", "--data", dir); code != 0 {
		t.Fatalf("verify of a read-only database: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
}

// TestUnreachableDatabase: a database in a directory its user may not enter is said
// as that, not as no database at all (which would send the user to make one). (Root
// enters any directory: the test needs another user.)
func TestUnreachableDatabase(t *testing.T) {
	if os.Geteuid() == 0 {
		t.Skip("root enters any directory: run as another user to check the refusal")
	}
	isolate(t)
	dir := t.TempDir()
	if code, _, stderr := cli(t, "migrate", "--data", dir); code != 0 {
		t.Fatal(stderr)
	}
	if err := os.Chmod(dir, 0); err != nil {
		t.Fatal(err)
	}
	defer os.Chmod(dir, 0o700)
	db := filepath.Join(dir, "linkfin.db")
	for _, cmd := range []string{"verify", "backup", "copy"} {
		args := []string{cmd, "--data", dir}
		if cmd != "verify" {
			args = append(args, "--to", filepath.Join(t.TempDir(), "to"))
		}
		code, stdout, stderr := cli(t, args...)
		if want := "linkfin " + cmd + ": linkfin cannot reach the database " + db + " ("; code != 1 || stdout != "" || !strings.HasPrefix(stderr, want) {
			t.Errorf("%s of a database it may not reach: exit %d, want 1 and %q\nstdout:\n%s\nstderr:\n%s", cmd, code, want, stdout, stderr)
		}
	}
}
