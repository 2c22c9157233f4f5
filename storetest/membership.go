package storetest

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"linkfin"
	"linkfin/engine"
	"linkfin/services"
)

// submitAll runs the commands in one request to the engine, each on its own.
func submitAll(t *testing.T, env *Env, cs []linkfin.Command) {
	t.Helper()
	resp, err := env.Engine.Submit(context.Background(), &engine.Request{Commands: cs})
	if err != nil {
		t.Fatal(err)
	}
	for i, out := range resp.Outcomes {
		if err := out.Err(); err != nil {
			t.Fatalf("%s: %v", engine.Name(cs[i]), err)
		}
	}
}

// countedReads counts the relationships a reader hands out, by any route.
type countedReads struct {
	linkfin.Store
	relationships int
}

func (c *countedReads) count(kind string, n int) {
	if kind == linkfin.KindRelationship {
		c.relationships += n
	}
}

func (c *countedReads) ListObjects(ctx context.Context, kind, after string, limit int) ([]linkfin.Object, error) {
	objs, err := c.Store.ListObjects(ctx, kind, after, limit)
	c.count(kind, len(objs))
	return objs, err
}

func (c *countedReads) ListObjectsByParty(ctx context.Context, kind, party, after string, limit int) ([]linkfin.Object, error) {
	objs, err := c.Store.ListObjectsByParty(ctx, kind, party, after, limit)
	c.count(kind, len(objs))
	return objs, err
}

func (c *countedReads) ListIndexed(ctx context.Context, kind, name, prefix, afterValue, afterID string, limit int) ([]linkfin.IndexedObject, error) {
	objs, err := c.Store.ListIndexed(ctx, kind, name, prefix, afterValue, afterID, limit)
	c.count(kind, len(objs))
	return objs, err
}

func (c *countedReads) Object(ctx context.Context, kind, id string) (*linkfin.Object, error) {
	c.count(kind, 1)
	return c.Store.Object(ctx, kind, id)
}

// testMembership: an anchor that buys from many suppliers, and a supplier of it, find
// the programs they see — and a funder of the anchor's program a supplier's scorecard —
// reading a handful of relationships, never every one the anchor has.
func testMembership(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	ctx := context.Background()
	financingFixture(t, env)
	const many = 1500
	var cs []linkfin.Command
	for i := range many {
		id := fmt.Sprintf("s%04d", i)
		cs = append(cs, &services.CreateOrganization{Org: linkfin.Organization{ID: id, Name: id, Capabilities: []linkfin.Capability{linkfin.CapTrade}}})
	}
	submitAll(t, env, cs)
	cs = cs[:0]
	for i := range many {
		cs = append(cs, &services.ProposeRelationship{Actor: "anchor", BuyerID: "anchor", SellerID: fmt.Sprintf("s%04d", i)})
	}
	submitAll(t, env, cs)
	cs = cs[:0]
	for i := range many {
		id := fmt.Sprintf("s%04d", i)
		cs = append(cs, &services.AcceptRelationship{Actor: id, BuyerID: "anchor", SellerID: id})
	}
	submitAll(t, env, cs)
	env.Restart()

	for _, org := range []string{"anchor", "s0042", "tier1"} {
		c := &countedReads{Store: env.Store}
		progs, err := services.ProgramsOf(ctx, c, org)
		if err != nil {
			t.Fatal(err)
		}
		if !slices.ContainsFunc(progs, func(p linkfin.Program) bool { return p.ID == "auto-scf" }) {
			t.Errorf("%s does not see the anchor's program: %v", org, progs)
		}
		if c.relationships > 10 {
			t.Errorf("%s's programs read %d relationships", org, c.relationships)
		}
	}
	c := &countedReads{Store: env.Store}
	if err := services.SeesScorecard(ctx, c, linkfin.Viewer{Org: "bank"}, "s0042"); err != nil {
		t.Errorf("the program's funder does not see a supplier's scorecard: %v", err)
	}
	if c.relationships > 10 {
		t.Errorf("seeing a supplier's scorecard read %d relationships", c.relationships)
	}
	// A relationship proposed and not accepted is not in the index: its seller is
	// not a member.
	mustRun(t, env, &services.CreateOrganization{Org: linkfin.Organization{ID: "proposed", Name: "Proposed", Capabilities: []linkfin.Capability{linkfin.CapTrade}}})
	mustRun(t, env, &services.ProposeRelationship{Actor: "anchor", BuyerID: "anchor", SellerID: "proposed"})
	progs, err := services.ProgramsOf(ctx, env.Store, "proposed")
	if err != nil || slices.ContainsFunc(progs, func(p linkfin.Program) bool { return p.ID == "auto-scf" }) {
		t.Errorf("a seller whose relationship is only proposed sees %v (%v)", progs, err)
	}
	env.MustVerify()
}
