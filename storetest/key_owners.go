package storetest

import (
	"encoding/json"
	"slices"
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"
)

// testKeyOwners: a key a user makes, or one of its keys makes, acts with the user's
// standing. Lowering the user's role revokes the keys its new role does not include;
// disabling it revokes them all, for good; a user disabled, or a key revoked, makes
// no key; and each organization's count of live keys follows.
func testKeyOwners(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	mustRun(t, env, &services.CreateOrganization{Org: linkfin.Organization{ID: "acme", Name: "Acme",
		Capabilities: []linkfin.Capability{linkfin.CapTrade}}})
	var ann linkfin.User
	if err := env.Domain.Run(t.Context(), &services.CreateUser{Actor: "acme", Password: "sealed",
		User: linkfin.User{OrgID: "acme", Name: "ann", Role: linkfin.RoleAdmin}}, &ann); err != nil {
		t.Fatal(err)
	}
	makeKey := func(id, by string, role linkfin.Role) (*linkfin.APIKey, error) {
		return run[linkfin.APIKey](t, env, &services.CreateAPIKey{Actor: "acme", By: by,
			Key: linkfin.APIKey{ID: id, OrgID: "acme", Role: role, Hash: strings.Repeat("0f", 32)}})
	}
	for _, k := range []struct {
		id, by string
		role   linkfin.Role
	}{
		{"k-admin", "user:" + ann.ID, linkfin.RoleAdmin}, {"k-viewer", "user:" + ann.ID, linkfin.RoleViewer},
		{"k-finance", "key:k-admin", linkfin.RoleFinance}, // made by ann's key: ann's too
		{"k-org", "", linkfin.RoleAdmin},                  // the operator's: no one's
	} {
		got, err := makeKey(k.id, k.by, k.role)
		if err != nil {
			t.Fatal(err)
		}
		if want := map[bool]string{true: ann.ID}[k.by != ""]; got.Owner != want {
			t.Fatalf("%s is owned by %q, want %q", k.id, got.Owner, want)
		}
	}
	state := func() (live []string, quota int) {
		t.Helper()
		for _, id := range []string{"k-admin", "k-viewer", "k-finance", "k-org"} {
			o, err := env.object(linkfin.KindAPIKey, id)
			if err != nil {
				t.Fatal(err)
			}
			var k linkfin.APIKey
			if err := json.Unmarshal(o.Data, &k); err != nil {
				t.Fatal(err)
			}
			if k.RevokedAt == nil {
				live = append(live, id)
			}
		}
		o, err := env.object(linkfin.KindAPIKeyQuota, "acme")
		if err != nil {
			t.Fatal(err)
		}
		var q linkfin.APIKeyQuota
		if err := json.Unmarshal(o.Data, &q); err != nil {
			t.Fatal(err)
		}
		return live, q.Live
	}
	want := func(step string, live ...string) {
		t.Helper()
		got, quota := state()
		if !slices.Equal(got, live) || quota != len(live) {
			t.Fatalf("%s: live keys %v (counted %d), want %v", step, got, quota, live)
		}
	}
	want("made", "k-admin", "k-viewer", "k-finance", "k-org")

	// Ann made finance: her admin key goes, her finance and viewer keys stay.
	finance, active := linkfin.RoleFinance, linkfin.UserActive
	mustRun(t, env, &services.UpdateUser{Actor: "acme", ID: ann.ID, Patch: linkfin.UserPatch{Role: &finance}})
	want("ann made finance", "k-viewer", "k-finance", "k-org")
	// Her revoked key makes nothing, and she makes no admin key.
	if _, err := makeKey("k-late", "key:k-admin", linkfin.RoleViewer); linkfin.ErrorCode(err) != linkfin.EUNAUTHORIZED {
		t.Fatalf("a key made by a revoked key: %v", err)
	}
	if _, err := makeKey("k-late", "user:"+ann.ID, linkfin.RoleAdmin); linkfin.ErrorCode(err) != linkfin.EUNAUTHORIZED {
		t.Fatalf("an admin key made by a finance user: %v", err)
	}
	want("refused", "k-viewer", "k-finance", "k-org")

	// Disabled, she loses them all; enabled again, they stay revoked.
	disabled := linkfin.UserDisabled
	mustRun(t, env, &services.UpdateUser{Actor: "acme", ID: ann.ID, Patch: linkfin.UserPatch{Status: &disabled}})
	want("ann disabled", "k-org")
	if _, err := makeKey("k-late", "user:"+ann.ID, linkfin.RoleViewer); linkfin.ErrorCode(err) != linkfin.EUNAUTHORIZED {
		t.Fatalf("a key made by a disabled user: %v", err)
	}
	admin := linkfin.RoleAdmin
	mustRun(t, env, &services.UpdateUser{Actor: "acme", ID: ann.ID, Patch: linkfin.UserPatch{Status: &active, Role: &admin}})
	want("ann enabled", "k-org")
	// Enabled, she makes keys again.
	if _, err := makeKey("k-new", "user:"+ann.ID, linkfin.RoleAdmin); err != nil {
		t.Fatal(err)
	}
	mustRun(t, env, &services.RevokeAPIKey{Actor: "acme", ID: "k-new"})
	want("k-new revoked", "k-org")
	env.MustVerify()
}
