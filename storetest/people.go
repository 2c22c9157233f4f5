package storetest

import (
	"context"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
)

// testPeople signs users in on the store: users made by their admin, sessions opened,
// found by their token after a restart, listed for their user from the party index,
// revoked, and ended by a new password; the log verifies.
func testPeople(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	ctx := context.Background()
	key := []byte("0123456789abcdef0123456789abcdef")
	auth := func() *services.Auth {
		a := services.NewAuth(env.Records().(linkfin.PartyReader), env.Domain, key)
		a.Now = env.Clock.Now
		return a
	}
	a := auth()
	for _, id := range []string{"acme", "bolt"} {
		if err := env.Domain.Run(ctx, &services.CreateOrganization{Org: linkfin.Organization{ID: id, Name: id,
			Capabilities: []linkfin.Capability{linkfin.CapTrade}}}, new(services.OrganizationResult)); err != nil {
			t.Fatal(err)
		}
	}
	var users []linkfin.User
	for _, n := range []struct {
		org, name string
	}{{"acme", "ann"}, {"acme", "alf"}, {"bolt", "bob"}} {
		sealed, err := a.SealPassword(n.name, "correct horse battery")
		if err != nil {
			t.Fatal(err)
		}
		var u linkfin.User
		if err := env.Domain.Run(ctx, &services.CreateUser{Actor: n.org, Password: sealed,
			User: linkfin.User{OrgID: n.org, Name: n.name, Role: linkfin.RoleAdmin}}, &u); err != nil {
			t.Fatal(err)
		}
		users = append(users, u)
	}
	ann := users[0]
	var sessions []*services.SignedIn
	for range 3 {
		si, err := a.SignIn(ctx, linkfin.SignInIn{Name: "ann", Password: "correct horse battery"}, "192.0.2.1")
		if err != nil {
			t.Fatal(err)
		}
		sessions = append(sessions, si)
	}
	if _, err := a.SignIn(ctx, linkfin.SignInIn{Name: "bob", Password: "correct horse battery"}, "192.0.2.1"); err != nil {
		t.Fatal(err)
	}

	// After a restart, with nothing in memory, the token opens the session.
	env.Restart()
	a = auth()
	env.Clock.Advance(time.Minute)
	si, err := a.Authenticate(ctx, sessions[0].Token)
	if err != nil || si.User.ID != ann.ID || si.Viewer().Org != "acme" {
		t.Fatalf("after a restart: %+v %v", si, err)
	}
	// The user's sessions are listed from the party index: its own alone.
	list, _, err := a.Sessions(ctx, ann.ID, "", 10)
	if err != nil || len(list) != 3 || list[0].ID != sessions[0].Session.ID {
		t.Fatalf("ann's sessions: %d %v", len(list), err)
	}
	if n, err := a.RevokeOthers(ctx, si); err != nil || n != 2 {
		t.Fatalf("revoke others: %d %v", n, err)
	}
	for i, s := range sessions {
		_, err := a.Authenticate(ctx, s.Token)
		if (i == 0) != (err == nil) {
			t.Fatalf("session %d after revoking the others: %v", i, err)
		}
	}
	// Another organization's admin finds none of them.
	if _, err := a.Revoke(ctx, &services.RevokeSessions{Actor: "bolt", Admin: true, IDs: []string{sessions[0].Session.ID}}); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
		t.Fatalf("another organization revokes: %v", err)
	}
	// A new password ends the session.
	sealed, _ := a.SealPassword("ann", "another horse battery")
	a.Forget(ann.ID)
	if err := env.Domain.Run(ctx, &services.SetPassword{Actor: "acme", ID: ann.ID, Password: sealed}, new(linkfin.User)); err != nil {
		t.Fatal(err)
	}
	a.Forget(ann.ID)
	if _, err := a.Authenticate(ctx, sessions[0].Token); linkfin.ErrorCode(err) != linkfin.EUNAUTHORIZED {
		t.Fatalf("after a new password: %v", err)
	}
	if env.Store != nil {
		env.MustVerify()
	}
}
