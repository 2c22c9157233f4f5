package services_test

import (
	"go/build"
	"strings"
	"testing"
)

// The domain runs on any linkfin.Tx: services imports the root package and pure
// packages, never an adapter (the engine, a store, the API).
func TestServicesImportNoAdapter(t *testing.T) {
	p, err := build.ImportDir(".", 0)
	if err != nil {
		t.Fatal(err)
	}
	adapters := []string{"engine", "sqlite", "postgres", "http", "webhook", "client", "storetest", "demo", "bench", "audit", "cmd"}
	for _, imp := range p.Imports {
		for _, a := range adapters {
			if imp == "linkfin/"+a || strings.HasPrefix(imp, "linkfin/"+a+"/") {
				t.Errorf("services imports %s", imp)
			}
		}
	}
}
