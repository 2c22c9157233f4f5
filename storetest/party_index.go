package storetest

import (
	"context"
	"reflect"
	"slices"
	"testing"

	"linkfin"
	"linkfin/services"
)

// Reopener is a store that can be opened again on the same database once it is
// closed, as a new process would open it. Every store under this suite implements it.
type Reopener interface {
	Reopen(ctx context.Context) (linkfin.Store, error)
}

// parcel is a test record held by one organization at a time.
type parcel struct {
	ID     string `json:"id"`
	Holder string `json:"holder"`
}

// Parties implements linkfin.Partied.
func (p *parcel) Parties() []string { return []string{p.Holder} }

// handOver passes a parcel to each holder in turn, all in one command: only its last
// version is committed, and the index must still name every holder.
type handOver struct {
	ID      string
	Holders []string
}

func (c *handOver) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: "parcel", ID: c.ID}}
}

func (c *handOver) Apply(tx linkfin.Tx) (any, error) {
	p := &parcel{ID: c.ID}
	for _, h := range c.Holders {
		p.Holder = h
		if err := tx.Put("parcel", c.ID, p, "parcel.handed_over"); err != nil {
			return nil, err
		}
	}
	return p, nil
}

// testPartyIndex: a record is listed under each organization party to it and under
// no other, and stays listed under a party it has left; lists page in id order, keep
// kinds apart, return the records whole, and outlive the store's closing.
func testPartyIndex(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	ctx := context.Background()
	financingFixture(t, env) // anchor buys from tier1 under auto-scf, funded by bank, factor and poor
	list := func(kind, party, after string, limit int) []string {
		t.Helper()
		objs, err := env.Store.ListObjectsByParty(ctx, kind, party, after, limit)
		if err != nil {
			t.Fatal(err)
		}
		ids := make([]string, len(objs))
		for i, o := range objs {
			ids[i] = o.ID
		}
		return ids
	}
	want := func(kind, party string, ids ...string) {
		t.Helper()
		if got := list(kind, party, "", 1000); !slices.Equal(got, ids) {
			t.Fatalf("%s records of %s = %q, want %q", kind, party, got, ids)
		}
	}

	// Each kind apart: an organization is its own party, and nobody else's.
	for _, org := range []string{"anchor", "tier1", "tier2", "bank"} {
		want(linkfin.KindOrganization, org, org)
	}
	want(linkfin.KindOrganization, "ghost")
	rel := linkfin.RelationshipID("anchor", "tier1")
	want(linkfin.KindRelationship, "anchor", rel)
	want(linkfin.KindRelationship, "tier1", rel)
	want(linkfin.KindRelationship, "tier2")
	// The program was the anchor's alone until it invited its funders.
	for _, org := range []string{"anchor", "bank", "factor", "poor"} {
		want(linkfin.KindProgram, org, "auto-scf")
	}
	want(linkfin.KindProgram, "tier1")
	want(linkfin.KindCertificate, "anchor")

	// A piece passes from the supplier to the funder that finances it: the funder now
	// sees it, and the supplier still does.
	p := approvedPayable(t, env, 1, 1000, 1_000_00, "2027-01-31")
	want(linkfin.KindPayable, "anchor", p.ID)
	want(linkfin.KindPayable, "tier1", p.ID)
	want(linkfin.KindPayable, "bank")
	want(linkfin.KindInvoice, "tier1", "inv-1")
	want(linkfin.KindPurchaseOrder, "anchor", "po-1")
	mustRun(t, env, &services.IssueCertificate{Actor: "anchor", ID: "c1", ProgramID: "auto-scf", PayableIDs: []string{p.ID}})
	want(linkfin.KindCertificate, "tier1", "c1")
	want(linkfin.KindCertificate, "bank")
	mustRun(t, env, &services.RequestCertificateDiscounting{Actor: "tier1", ID: "f1", ProgramID: "auto-scf", PieceID: "c1", FunderID: "bank"})
	mustRun(t, env, &services.AcceptCertificateDiscounting{Actor: "tier1", ID: "f1", PieceID: "c1"})
	mustRun(t, env, &services.DisburseFinancing{Actor: "bank", ID: "f1"})
	if c := record[linkfin.Certificate](t, env, linkfin.KindCertificate, "c1"); c.HolderID != "bank" {
		t.Fatalf("piece after financing: %+v", c)
	}
	for _, org := range []string{"anchor", "tier1", "bank"} {
		want(linkfin.KindCertificate, org, "c1")
	}
	want(linkfin.KindCertificate, "factor")
	want(linkfin.KindFinancing, "tier1", "f1")
	want(linkfin.KindFinancing, "bank", "f1")
	want(linkfin.KindFinancing, "anchor")

	// Holders that came and went within one command, and then in another batch.
	mustRun(t, env, &handOver{ID: "x1", Holders: []string{"tier1", "tier2", "bank"}})
	for _, org := range []string{"tier1", "tier2", "bank"} {
		want("parcel", org, "x1")
	}
	want("parcel", "factor")
	mustRun(t, env, &handOver{ID: "x1", Holders: []string{"factor"}})
	for _, org := range []string{"tier1", "tier2", "bank", "factor"} {
		want("parcel", org, "x1")
	}
	want("parcel", "anchor")

	// Pages: in id order, strictly after the id after, at most limit long.
	base := record[linkfin.Program](t, env, linkfin.KindProgram, "auto-scf")
	for _, id := range []string{"p-e", "p-a", "p-c", "p-b", "p-d"} {
		prog := base
		prog.ID, prog.Funders = id, nil
		mustRun(t, env, &services.CreateProgram{Actor: "anchor", Program: prog})
	}
	all := []string{"auto-scf", "p-a", "p-b", "p-c", "p-d", "p-e"}
	want(linkfin.KindProgram, "anchor", all...)
	want(linkfin.KindProgram, "bank", "auto-scf")
	var paged []string
	for after := ""; ; {
		page := list(linkfin.KindProgram, "anchor", after, 2)
		if len(page) > 2 {
			t.Fatalf("a page of 2 holds %q", page)
		}
		if len(page) == 0 {
			break
		}
		paged = append(paged, page...)
		after = page[len(page)-1]
	}
	if !slices.Equal(paged, all) {
		t.Fatalf("pages of 2 = %q, want %q", paged, all)
	}
	if got := list(linkfin.KindProgram, "anchor", "p-b", 2); !slices.Equal(got, []string{"p-c", "p-d"}) {
		t.Fatalf("after p-b = %q", got)
	}
	if got := list(linkfin.KindProgram, "anchor", "p-bb", 1); !slices.Equal(got, []string{"p-c"}) {
		t.Fatalf("after p-bb = %q", got)
	}

	// The lists hold the records as ListObjects returns them, and every record is
	// listed under each of its present parties.
	orgs := []string{"anchor", "tier1", "tier2", "bank", "factor", "poor"}
	kinds := []string{linkfin.KindOrganization, linkfin.KindRelationship, linkfin.KindProgram, linkfin.KindPurchaseOrder,
		linkfin.KindGoodsReceipt, linkfin.KindInvoice, linkfin.KindPayable, linkfin.KindCertificate, linkfin.KindFinancing, "parcel"}
	for _, kind := range kinds {
		every, err := env.Store.ListObjects(ctx, kind, "", 100000)
		if err != nil {
			t.Fatal(err)
		}
		if len(every) == 0 {
			t.Fatalf("no %s records", kind)
		}
		byID := make(map[string]linkfin.Object)
		for _, o := range every {
			byID[o.ID] = o
		}
		for _, org := range orgs {
			objs, err := env.Store.ListObjectsByParty(ctx, kind, org, "", 100000)
			if err != nil {
				t.Fatal(err)
			}
			listed := make(map[string]bool)
			for _, o := range objs {
				if !reflect.DeepEqual(o, byID[o.ID]) {
					t.Fatalf("%s %s listed for %s as %+v, stored as %+v", kind, o.ID, org, o, byID[o.ID])
				}
				listed[o.ID] = true
			}
			// WasParty answers exactly what the list holds.
			for _, o := range every {
				was, err := env.Store.WasParty(ctx, kind, o.ID, org)
				if err != nil {
					t.Fatal(err)
				}
				if was != listed[o.ID] {
					t.Fatalf("WasParty(%s %s, %s) = %v; listed: %v", kind, o.ID, org, was, listed[o.ID])
				}
			}
		}
		for _, o := range every {
			parties, err := linkfin.PartiesOf(kind, o.Data)
			if err != nil {
				t.Fatal(err)
			}
			for _, party := range parties {
				if !slices.Contains(list(kind, party, "", 100000), o.ID) {
					t.Fatalf("%s %s is not listed under its party %s", kind, o.ID, party)
				}
			}
		}
	}

	// The index outlives the store: closed, opened again, and written to.
	index := func() map[string][]string {
		m := make(map[string][]string)
		for _, kind := range kinds {
			for _, org := range orgs {
				m[kind+" of "+org] = list(kind, org, "", 100000)
			}
		}
		return m
	}
	before := index()
	r, ok := env.Store.(Reopener)
	if !ok {
		t.Fatalf("%T cannot be reopened", env.Store)
	}
	env.Engine.Close()
	if err := env.Store.Close(); err != nil {
		t.Fatal(err)
	}
	s, err := r.Reopen(ctx)
	if err != nil {
		t.Fatal(err)
	}
	env.Store = s
	t.Cleanup(func() { env.Engine.Close(); s.Close() })
	env.Restart()
	if after := index(); !reflect.DeepEqual(after, before) {
		t.Fatalf("index after reopening:\n%v\nbefore:\n%v", after, before)
	}
	mustRun(t, env, &services.ProposeRelationship{Actor: "tier1", BuyerID: "tier1", SellerID: "tier2"})
	want(linkfin.KindRelationship, "tier1", rel, linkfin.RelationshipID("tier1", "tier2"))
	want(linkfin.KindRelationship, "tier2", linkfin.RelationshipID("tier1", "tier2"))
	env.MustVerify()
}

// testPartyBackfill: a database whose records were written before the party index
// existed gets them indexed, once, when it is migrated.
func testPartyBackfill(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	ctx := context.Background()
	financingFixture(t, env)
	p := approvedPayable(t, env, 1, 1000, 1_000_00, "2027-01-31")
	mustRun(t, env, &services.IssueCertificate{Actor: "anchor", ID: "c1", ProgramID: "auto-scf", PayableIDs: []string{p.ID}})
	parties := func() map[string][]string {
		t.Helper()
		out := map[string][]string{}
		for _, org := range []string{"anchor", "tier1", "bank", "factor", "poor"} {
			for _, kind := range []string{linkfin.KindOrganization, linkfin.KindProgram, linkfin.KindPurchaseOrder, linkfin.KindPayable, linkfin.KindCertificate} {
				objs, err := env.Store.ListObjectsByParty(ctx, kind, org, "", 1000)
				if err != nil {
					t.Fatal(err)
				}
				for _, o := range objs {
					out[org] = append(out[org], kind+" "+o.ID)
				}
			}
		}
		return out
	}
	indexed := parties()
	if len(indexed["tier1"]) < 4 || len(indexed["bank"]) < 2 {
		t.Fatalf("the index before: %v", indexed)
	}
	env.Engine.Close()
	tam, ok := env.Store.(Tamperer)
	if !ok {
		t.Skip("store cannot run raw SQL")
	}
	// As before migration 0003: no index, and no backfill recorded.
	for _, q := range []string{`DELETE FROM object_parties`, `DELETE FROM schema_migrations WHERE version = '` + linkfin.PartyBackfill + `'`} {
		if err := tam.Exec(ctx, q); err != nil {
			t.Fatal(err)
		}
	}
	if got := parties(); len(got) != 0 {
		t.Fatalf("the index emptied: %v", got)
	}
	for range 2 { // the second migration finds the backfill done
		if err := env.Store.Migrate(ctx); err != nil {
			t.Fatal(err)
		}
		if got := parties(); !reflect.DeepEqual(got, indexed) {
			t.Fatalf("the index after the backfill: %v, want %v", got, indexed)
		}
	}
	env.Restart()
	env.MustVerify()
}
