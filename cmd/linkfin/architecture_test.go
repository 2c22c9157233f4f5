package main

import (
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
)

// TestArchitectureMap: docs/ARCHITECTURE.md's map of the code names every directory of
// Go packages at the top of the repository, and its cmd/linkfin line every command
// linkfin's usage lists, so that a package or command added is added to the map.
func TestArchitectureMap(t *testing.T) {
	b, err := os.ReadFile(filepath.Join("..", "..", "docs", "ARCHITECTURE.md"))
	if err != nil {
		t.Fatal(err)
	}
	_, rest, _ := strings.Cut(string(b), "```\n")
	m, _, ok := strings.Cut(rest, "```\n")
	if !ok || !strings.HasPrefix(m, "cmd/linkfin ") {
		t.Fatalf("ARCHITECTURE.md does not begin with its map:\n%s", m)
	}
	entries, err := os.ReadDir(filepath.Join("..", ".."))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if !e.IsDir() || e.Name() == "cmd" {
			continue
		}
		var goFiles []string
		filepath.WalkDir(filepath.Join("..", "..", e.Name()), func(path string, d os.DirEntry, err error) error {
			if err == nil && !d.IsDir() && strings.HasSuffix(path, ".go") {
				goFiles = append(goFiles, path)
			}
			return nil
		})
		if len(goFiles) > 0 && !regexp.MustCompile(`(?m)^\s*`+regexp.QuoteMeta(e.Name())+`/ `).MatchString(m) {
			t.Errorf("the map does not name %s/", e.Name())
		}
	}
	cmdLine, _, _ := strings.Cut(m, "\n  client/")
	for _, c := range regexp.MustCompile(`(?m)^  ([a-z0-9]+) {2,}`).FindAllStringSubmatch(usage, -1) {
		if c[1] == "orgs" {
			break // the API commands, which the line names as such
		}
		if !strings.Contains(cmdLine, c[1]) {
			t.Errorf("the map's cmd/linkfin line does not name %s", c[1])
		}
	}
}
