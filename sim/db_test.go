package sim

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"path/filepath"
	"testing"

	"golang.org/x/mod/sumdb/note"

	"linkfin"
	"linkfin/audit"
	"linkfin/services"
	"linkfin/sqlite"
)

// A network run through the engine on SQLite databases gives the report it gives in
// memory, to the byte, and each database then passes linkfin verify. The network is
// small, but its month has pieces passed down, distributor loans and pledges.
func TestOnSQLiteAsInMemory(t *testing.T) {
	ctx := context.Background()
	cfg := Config{Seed: 5, Firms: 24, Days: 30, Params: DefaultParams(), PerFirm: true}
	mem, err := Simulate(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	cfg.DBDir = t.TempDir()
	disk, err := Simulate(ctx, cfg)
	if err != nil {
		t.Fatal(err)
	}
	a, _ := json.Marshal(mem)
	b, _ := json.Marshal(disk)
	if !bytes.Equal(a, b) {
		t.Fatalf("in memory and on SQLite differ:\n%s\n%s", a, b)
	}
	var passed int64
	var loans, financed int
	for _, sc := range disk.Scenarios {
		passed += sc.PassedOn
		financed += sc.Distributors.FinancedShareBP
		for _, w := range sc.Warehouses {
			loans += w.Loans
		}
	}
	if passed == 0 || loans == 0 || financed == 0 {
		t.Fatalf("%d passed on, %d pledge loans, distributors financed %d bp", passed, loans, financed)
	}
	for _, sc := range Scenarios {
		s, err := sqlite.Open(filepath.Join(cfg.DBDir, sc.Name+".db"))
		if err != nil {
			t.Fatal(err)
		}
		vkey, err := s.Meta(ctx, linkfin.MetaLogKey)
		if err != nil {
			t.Fatal(err)
		}
		v, err := note.NewVerifier(vkey)
		if err != nil {
			t.Fatal(err)
		}
		rep, err := audit.Verify(ctx, s, v, Origin)
		s.Close()
		if err != nil {
			t.Fatal(err)
		}
		if !rep.OK() || rep.Events == 0 || int64(rep.Events) != findScenario(disk, sc.Name).Check.Events {
			t.Errorf("%s: verify found %v in %d events", sc.Name, rep.Problems, rep.Events)
		}
	}
}

func findScenario(rep *Report, name string) *ScenarioReport {
	for i := range rep.Scenarios {
		if rep.Scenarios[i].Name == name {
			return &rep.Scenarios[i]
		}
	}
	return &ScenarioReport{}
}

// engineLike runs every command it is given, whatever the context, as the engine does
// once a command is queued; it counts them.
type engineLike struct {
	DB
	runs int
}

func (e *engineLike) Run(context.Context, linkfin.Command, any) error { e.runs++; return nil }

// A run stops when its context ends (Ctrl-C on linkfin sim): the engine runs any
// command it was given whatever the context, so the runner gives it none after.
func TestStopsWhenCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	db := &engineLike{}
	r := &runner{ctx: ctx, db: db}
	if err := r.do(&services.CreateOrganization{}); err != nil || db.runs != 1 {
		t.Fatalf("before the cancel: %v, %d commands run", err, db.runs)
	}
	cancel()
	if err := r.do(&services.CreateOrganization{}); !errors.Is(err, context.Canceled) {
		t.Errorf("do after the cancel: %v", err)
	}
	if err := r.try(&services.CreateOrganization{}, nil); !errors.Is(err, context.Canceled) {
		t.Errorf("try after the cancel: %v", err)
	}
	if db.runs != 1 {
		t.Fatalf("after the cancel the engine was given %d more commands", db.runs-1)
	}
}
