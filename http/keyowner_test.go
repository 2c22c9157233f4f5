package http_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"linkfin"
	"linkfin/services"
)

// TestKeysOfADisabledUser: a key a user made, or one of its keys made, acts with the
// user's standing. Once the user's role drops below the key's, or the user is
// disabled (over the API, or as the console does it, through services.Auth), the key
// opens nothing: 401 unauthorized, as a revoked key, and it lists as revoked, also
// once the user is enabled again.
func TestKeysOfADisabledUser(t *testing.T) {
	p := newPlatform(t)
	ann := p.signIn(t, "ann@anchor.example", "correct horse battery", "")
	makeKey := func(b *browser, role string) linkfin.APIKeyOut {
		t.Helper()
		var k linkfin.APIKeyOut
		wantJSON(t, b.change("POST", "/v1/organizations/anchor/api-keys", `{"role":"`+role+`"}`), http.StatusCreated, &k)
		if k.Owner != p.user.ID {
			t.Fatalf("ann's key is owned by %q", k.Owner)
		}
		return k
	}
	admin, viewer := makeKey(ann, "admin"), makeKey(ann, "viewer")
	use := func(k linkfin.APIKeyOut) reply {
		t.Helper()
		return p.do("GET", "/v1/purchase-orders/PO-1", "", "Authorization", "Bearer "+k.Key)
	}
	// A key the admin key makes is ann's too.
	var finance linkfin.APIKeyOut
	wantJSON(t, p.do("POST", "/v1/organizations/anchor/api-keys", `{"role":"finance"}`, "Authorization", "Bearer "+admin.Key), http.StatusCreated, &finance)
	if finance.Owner != p.user.ID {
		t.Fatalf("the key ann's key made is owned by %q", finance.Owner)
	}
	for _, k := range []linkfin.APIKeyOut{admin, viewer, finance} {
		wantJSON(t, use(k), http.StatusOK, nil)
	}
	// The anchor's own admin key is no one's, and stays.
	var unowned linkfin.APIKeyOut
	wantJSON(t, p.as("anchor", "POST", "/v1/organizations/anchor/api-keys", `{"role":"admin"}`), http.StatusCreated, &unowned)
	if unowned.Owner != "" {
		t.Fatalf("the key of a key no one owns is owned by %q", unowned.Owner)
	}

	// Ann made finance: her admin key opens nothing; the others still do.
	wantJSON(t, p.as("anchor", "PATCH", "/v1/users/"+p.user.ID, `{"role":"finance"}`), http.StatusOK, nil)
	wantProblem(t, use(admin), http.StatusUnauthorized, linkfin.EUNAUTHORIZED)
	wantJSON(t, use(viewer), http.StatusOK, nil)
	wantJSON(t, use(finance), http.StatusOK, nil)

	// Disabled as the console does it, through the sign-in service: none opens anything.
	disabled := linkfin.UserDisabled
	if err := p.srv.Auth.Changing(p.user.ID, func() error {
		return p.engine.Run(context.Background(), &services.UpdateUser{Actor: "anchor", By: "key:x", ID: p.user.ID,
			Patch: linkfin.UserPatch{Status: &disabled}}, new(json.RawMessage))
	}); err != nil {
		t.Fatal(err)
	}
	for _, k := range []linkfin.APIKeyOut{admin, viewer, finance} {
		wantProblem(t, use(k), http.StatusUnauthorized, linkfin.EUNAUTHORIZED)
	}
	wantJSON(t, use(unowned), http.StatusOK, nil)

	// Enabled again over the API, ann's keys stay revoked, and list so.
	wantJSON(t, p.as("anchor", "PATCH", "/v1/users/"+p.user.ID, `{"status":"active","role":"admin"}`), http.StatusOK, nil)
	var list linkfin.List[linkfin.APIKeyOut]
	wantJSON(t, p.as("anchor", "GET", "/v1/organizations/anchor/api-keys?limit=1000", ""), http.StatusOK, &list)
	seen := 0
	for _, k := range list.Data {
		if k.Owner == p.user.ID {
			seen++
			if k.RevokedAt == "" {
				t.Fatalf("ann's key %s is live after she was disabled", k.ID)
			}
		}
	}
	if seen != 3 {
		t.Fatalf("the list shows %d of ann's keys", seen)
	}
	for _, k := range []linkfin.APIKeyOut{admin, viewer, finance} {
		wantProblem(t, use(k), http.StatusUnauthorized, linkfin.EUNAUTHORIZED)
	}

	// Over the API, a key of a user disabled with its admin key still open is refused
	// at once, its own cache notwithstanding.
	ann = p.signIn(t, "ann@anchor.example", "correct horse battery", "")
	again := makeKey(ann, "viewer")
	wantJSON(t, use(again), http.StatusOK, nil)
	wantJSON(t, p.as("anchor", "PATCH", "/v1/users/"+p.user.ID, `{"status":"disabled"}`), http.StatusOK, nil)
	wantProblem(t, use(again), http.StatusUnauthorized, linkfin.EUNAUTHORIZED)
}
