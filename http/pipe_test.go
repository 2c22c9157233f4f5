package http

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strings"
	"testing"
)

// TestOnePipe: a request reaches the engine through one function, submit, which also
// writes the answer or the error; so the idempotency key, a replay's header and a
// refused command are handled once, the same way for every route.
func TestOnePipe(t *testing.T) {
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var callers []*ast.FuncDecl
	for _, name := range names {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range f.Decls {
			fn, ok := d.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				sel, ok := n.(*ast.SelectorExpr)
				if !ok || sel.Sel.Name != "Submit" {
					return true
				}
				if x, ok := sel.X.(*ast.SelectorExpr); ok && x.Sel.Name == "Engine" {
					callers = append(callers, fn)
				}
				return true
			})
		}
	}
	if len(callers) != 1 || callers[0].Name.Name != "submit" {
		var names []string
		for _, fn := range callers {
			names = append(names, fn.Name.Name)
		}
		t.Fatalf("Engine.Submit is called from %v, want submit alone", names)
	}
	if callers[0].Type.Results != nil {
		t.Error("submit hands the response back to its caller: it should write the answer itself")
	}
}
