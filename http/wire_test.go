package http

import (
	"slices"
	"strings"
	"testing"
)

// TestWireTypesInRoot checks that every body and answer the API documents is a type
// of the root package, which the Go client imports alone: a wire type declared in
// this package, or in services, would send the client back to importing the server.
func TestWireTypesInRoot(t *testing.T) {
	g := newGenerator(nil)
	g.document(NewServer(nil, nil, nil).Routes())
	if g.err != nil {
		t.Fatal(g.err)
	}
	var bad []string
	for typ := range g.met {
		if typ.PkgPath() != "linkfin" {
			bad = append(bad, typ.String())
		}
	}
	if len(g.met) == 0 {
		t.Fatal("the document has no components")
	}
	if len(bad) > 0 {
		slices.Sort(bad)
		t.Errorf("the wire types must be declared in the root package; these are not:\n\t%s", strings.Join(bad, "\n\t"))
	}
}
