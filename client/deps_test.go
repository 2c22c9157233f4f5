package client_test

import (
	"go/build"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// TestStandsAlone checks that the client needs the root package and the standard
// library alone: never the server, the engine, a store or another module, so that a
// program that calls linkfin links none of them. It follows the imports of the
// client's own files (not its tests', which run a real server), as go list -deps does.
func TestStandsAlone(t *testing.T) {
	root, err := filepath.Abs("..")
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(root, "go.mod")); err != nil {
		t.Fatalf("the module's root is not the client's parent: %v", err)
	}
	var bad []string
	seen := map[string]bool{}
	var walk func(path, dir string)
	walk = func(path, dir string) {
		pkg, err := build.ImportDir(dir, 0)
		if err != nil {
			t.Fatalf("%s: %v", path, err)
		}
		for _, imp := range pkg.Imports {
			if seen[imp] {
				continue
			}
			seen[imp] = true
			switch {
			case imp == "linkfin":
				walk(imp, root)
			case strings.HasPrefix(imp, "linkfin/"):
				bad = append(bad, imp+" (imported by "+path+")")
			case strings.Contains(strings.Split(imp, "/")[0], "."):
				bad = append(bad, imp+" (imported by "+path+")")
			}
		}
	}
	walk("linkfin/client", ".")
	if !seen["linkfin"] {
		t.Errorf("the client does not import the root package: is the walk reading its files?")
	}
	if len(bad) > 0 {
		slices.Sort(bad)
		t.Errorf("the client must depend on the root package and the standard library alone; it imports\n\t%s",
			strings.Join(bad, "\n\t"))
	}
}
