package engine_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"linkfin"
	_ "linkfin/services"  // registers the platform's record
	_ "linkfin/storetest" // registers the conformance suite's records
)

// The tests' own record kinds.
func init() { linkfin.RegisterKind("record", func() any { return new(map[string]string) }) }

// TestEveryWrittenKindIsRegistered reads the module's source for the record kinds that
// commands write (the first argument of every Tx.Put that is a constant) and checks that
// each is registered, so that the conformance suite writes and verifies one of it. The
// engine refuses an unregistered kind at run time too; this finds one that no test runs.
func TestEveryWrittenKindIsRegistered(t *testing.T) {
	root := ".."
	consts := map[string]string{} // constant name → value, for the Kind… constants
	type use struct {
		expr string
		pos  token.Position
	}
	var puts []use
	fset := token.NewFileSet()
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && strings.HasPrefix(d.Name(), ".") && path != root {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			switch n := n.(type) {
			case *ast.ValueSpec:
				for i, name := range n.Names {
					if i < len(n.Values) && strings.HasPrefix(name.Name, "Kind") {
						if lit, ok := n.Values[i].(*ast.BasicLit); ok && lit.Kind == token.STRING {
							consts[name.Name], _ = strconv.Unquote(lit.Value)
						}
					}
				}
			case *ast.CallExpr:
				sel, ok := n.Fun.(*ast.SelectorExpr)
				if !ok || sel.Sel.Name != "Put" || len(n.Args) != 4 {
					return true
				}
				switch a := n.Args[0].(type) {
				case *ast.BasicLit:
					puts = append(puts, use{a.Value, fset.Position(a.Pos())})
				case *ast.Ident:
					puts = append(puts, use{a.Name, fset.Position(a.Pos())})
				case *ast.SelectorExpr:
					puts = append(puts, use{a.Sel.Name, fset.Position(a.Pos())})
				}
			}
			return true
		})
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	checked := 0
	for _, p := range puts {
		kind, ok := consts[p.expr]
		if s, err := strconv.Unquote(p.expr); err == nil {
			kind, ok = s, true
		}
		if !ok {
			continue // a variable: the engine checks it when it runs
		}
		checked++
		if !linkfin.KnownKind(kind) {
			t.Errorf("%s: Put writes records of kind %q, which is not registered (linkfin.RegisterKind)", p.pos, kind)
		}
	}
	if checked < 20 {
		t.Fatalf("found only %d Put calls with a constant kind: the scan is broken", checked)
	}
}
