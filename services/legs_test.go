package services

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"linkfin"
)

// TestLegIDs checks a financing's range of ledger ids: every leg has a slot of its own
// inside the range, and a financing accepted before ranges were reserved keeps the ids
// its transfers already have.
func TestLegIDs(t *testing.T) {
	if len(legNames) > legRange {
		t.Fatalf("%d leg names do not fit a range of %d", len(legNames), legRange)
	}
	if len(legSlots) != len(legNames) {
		t.Fatalf("leg names repeat: %d names, %d slots", len(legNames), len(legSlots))
	}
	base := int64(linkfin.ReservedLedgerIDs | 1_795_459_278_880_266_814)
	f := &linkfin.Financing{ID: "F-1", LedgerBase: linkfin.StringInt(base)}
	old := &linkfin.Financing{ID: "F-1"}
	seen := map[int64]string{}
	for _, name := range legNames {
		id := LegID(f, name)
		if id < base || id >= base+legRange {
			t.Errorf("leg %s: id %d outside [%d, %d)", name, id, base, base+legRange)
		}
		if other, ok := seen[id]; ok {
			t.Errorf("legs %s and %s share id %d", name, other, id)
		}
		seen[id] = name
		if got, want := LegID(old, name), linkfin.LedgerID("financing/F-1/"+name); got != want {
			t.Errorf("leg %s of a financing without a range: id %d, want the hash %d", name, got, want)
		}
	}
	if got, want := LegID(f, "no-such-leg"), linkfin.LedgerID("financing/F-1/no-such-leg"); got != want {
		t.Errorf("a leg without a slot: id %d, want the hash %d", got, want)
	}
}

// TestEveryLegHasASlot reads the package's source for the legs its commands move, so
// that a new leg cannot be forgotten in legNames (it would still be correct, with a
// hashed id, but its transfer would land apart from the financing's others).
func TestEveryLegHasASlot(t *testing.T) {
	f := &linkfin.Financing{SupplierLimit: 1}
	var names []string
	for _, g := range limitDraws(f) {
		names = append(names, g.name, g.name+"-post", g.name+"-void")
	}
	for _, g := range releaseLimits(f) {
		names = append(names, g.name)
	}
	files, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	fset := token.NewFileSet()
	literals := 0
	for _, file := range files {
		if strings.HasSuffix(file, "_test.go") {
			continue
		}
		src, err := parser.ParseFile(fset, file, nil, 0)
		if err != nil {
			t.Fatal(err)
		}
		ast.Inspect(src, func(n ast.Node) bool {
			lit, ok := n.(*ast.CompositeLit)
			if !ok {
				return true
			}
			var legs []ast.Expr
			switch typ := lit.Type.(type) {
			case *ast.Ident:
				if typ.Name == "leg" {
					legs = []ast.Expr{lit}
				}
			case *ast.ArrayType:
				if id, ok := typ.Elt.(*ast.Ident); ok && id.Name == "leg" {
					legs = lit.Elts
				}
			}
			for _, e := range legs {
				l, ok := e.(*ast.CompositeLit)
				if !ok || len(l.Elts) == 0 {
					continue
				}
				if s, ok := l.Elts[0].(*ast.BasicLit); ok && s.Kind == token.STRING {
					name, _ := strconv.Unquote(s.Value)
					names = append(names, name)
					literals++
				}
			}
			return true
		})
	}
	if literals < 8 {
		t.Fatalf("found only %d leg literals in the source; the search is broken", literals)
	}
	for _, name := range names {
		if _, ok := legSlots[name]; !ok {
			t.Errorf("leg %q has no slot in legNames", name)
		}
	}
}
