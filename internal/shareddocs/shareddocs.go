// Package shareddocs reads, for tests, the published third-party documents kept beside
// the repository rather than in it: ../shared/testdata, next to the clone, as CI has it.
// A clone with nothing beside it runs every other test; those that need the shared
// documents skip, saying which document they needed.
package shareddocs

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"testing"
)

// Dir is where the shared documents are: ../shared/testdata beside the repository.
func Dir() string {
	_, file, _, _ := runtime.Caller(0) // internal/shareddocs/shareddocs.go of the repository
	return filepath.Join(filepath.Dir(file), "..", "..", "..", "shared", "testdata")
}

// Read returns the shared document at path (slash-separated, under Dir), and skips the
// test where it is not there.
func Read(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(Dir(), filepath.FromSlash(path)))
	if errors.Is(err, fs.ErrNotExist) {
		t.Skipf("%s is not among the shared test documents beside the repository (../shared/testdata)", path)
	}
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// Glob returns the shared documents that pattern (slash-separated, under Dir) matches:
// none where the shared documents are not there.
func Glob(pattern string) []string {
	files, _ := filepath.Glob(filepath.Join(Dir(), filepath.FromSlash(pattern)))
	return files
}
