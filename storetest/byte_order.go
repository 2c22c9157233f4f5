package storetest

import (
	"context"
	"slices"
	"testing"

	"linkfin"
	"linkfin/services"
)

// testByteOrder: a kind's records list in the byte order of their ids, as Go compares
// strings, on every store and whatever locale a PostgreSQL database was made with (a
// linguistic one put "alpha" before "Beta" and "a_b" before "a-b"), page by page too.
func testByteOrder(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	ctx := context.Background()
	ids := []string{"Zeta", "alpha", "Beta", "a-b", "a_b", "A.b", "b0", "B1", "a.c", "Z8", "z9"}
	for _, id := range ids {
		mustRun(t, env, &services.CreateOrganization{Org: linkfin.Organization{ID: id, Name: "Org " + id,
			Capabilities: []linkfin.Capability{linkfin.CapTrade}}})
	}
	want := slices.Sorted(slices.Values(ids))
	var all []string
	objs, err := env.Records().ListObjects(ctx, linkfin.KindOrganization, "", 100)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range objs {
		all = append(all, o.ID)
	}
	if !slices.Equal(all, want) {
		t.Fatalf("organizations listed %q, want %q", all, want)
	}
	var paged []string
	for after := ""; ; {
		page, err := env.Records().ListObjects(ctx, linkfin.KindOrganization, after, 1)
		if err != nil {
			t.Fatal(err)
		}
		if len(page) == 0 {
			break
		}
		paged, after = append(paged, page[0].ID), page[0].ID
	}
	if !slices.Equal(paged, want) {
		t.Fatalf("organizations paged %q, want %q", paged, want)
	}
	// After an id that is none of theirs, the list goes on from where it would sort.
	from, err := env.Records().ListObjects(ctx, linkfin.KindOrganization, "B", 100)
	if err != nil {
		t.Fatal(err)
	}
	if len(from) != len(want)-1 || from[0].ID != "B1" {
		t.Fatalf("after B: %d records, want %d from B1", len(from), len(want)-1)
	}
}
