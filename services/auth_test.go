package services_test

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/pquerna/otp/totp"

	"linkfin"
	"linkfin/services"
)

// countingStore counts the records Auth reads.
type countingStore struct {
	linkfin.PartyReader
	reads int
}

func (s *countingStore) Object(ctx context.Context, kind, id string) (*linkfin.Object, error) {
	s.reads++
	return s.PartyReader.Object(ctx, kind, id)
}

var credKey = []byte("0123456789abcdef0123456789abcdef")

// people is a world with two organizations and a sign-in service over it.
func people(t *testing.T) (*world, *services.Auth, *countingStore) {
	w := newWorld(t)
	for _, id := range []string{"acme", "bolt"} {
		w.must(&services.CreateOrganization{Org: linkfin.Organization{ID: id, Name: id, Capabilities: []linkfin.Capability{linkfin.CapTrade}}})
	}
	cs := &countingStore{PartyReader: w.db}
	a := services.NewAuth(cs, w.db, credKey)
	a.Now = func() time.Time { return w.now }
	return w, a, cs
}

func makeUser(w *world, a *services.Auth, actor, org, name string, role linkfin.Role, password string) *linkfin.User {
	w.t.Helper()
	sealed, err := a.SealPassword(name, password)
	if err != nil {
		w.t.Fatal(err)
	}
	u, err := run[linkfin.User](w, &services.CreateUser{Actor: actor, By: "key:k1", Password: sealed,
		User: linkfin.User{OrgID: org, Name: name, Role: role, DisplayName: "Ann"}})
	if err != nil {
		w.t.Fatal(err)
	}
	return u
}

func TestPasswordHash(t *testing.T) {
	h1, err := services.HashPassword("correct horse battery")
	if err != nil {
		t.Fatal(err)
	}
	h2, _ := services.HashPassword("correct horse battery")
	if !strings.HasPrefix(h1, "$argon2id$v=19$m=19456,t=2,p=1$") || h1 == h2 {
		t.Fatalf("hashes %q and %q: want PHC Argon2id, m=19 MiB, t=2, p=1, salted", h1, h2)
	}
	if !services.VerifyPassword("correct horse battery", h1) || services.VerifyPassword("correct horse batterY", h1) {
		t.Fatal("verify: the right password must match and no other")
	}
	for p, code := range map[string]string{strings.Repeat("x", 11): linkfin.EPASSWORDSHORT, strings.Repeat("x", 257): linkfin.EPASSWORDLONG} {
		if _, err := services.HashPassword(p); linkfin.ErrorCode(err) != code {
			t.Errorf("a %d-byte password: %v, want %s", len(p), err, code)
		}
	}
	for _, n := range []int{12, 256} {
		if _, err := services.HashPassword(strings.Repeat("y", n)); err != nil {
			t.Errorf("a %d-byte password: %v", n, err)
		}
	}
}

func TestUsers(t *testing.T) {
	w, a, _ := people(t)
	u := makeUser(w, a, "acme", "acme", "ann@acme.example", linkfin.RoleAdmin, "correct horse battery")
	if u.ID == "" || u.Status != linkfin.UserActive || u.Language != linkfin.LangZH || u.CreatedBy != "key:k1" {
		t.Fatalf("user %+v", u)
	}
	sealed, _ := a.SealPassword("bob", "correct horse battery")
	w.refused(&services.CreateUser{Actor: "bolt", Password: sealed, User: linkfin.User{OrgID: "bolt", Name: "ann@acme.example", Role: linkfin.RoleViewer}},
		services.EUSERNAMETAKEN)
	w.refused(&services.CreateUser{Actor: "bolt", Password: sealed, User: linkfin.User{OrgID: "acme", Name: "bob", Role: linkfin.RoleViewer}},
		linkfin.ENOTFOUND)
	w.refused(&services.CreateUser{Actor: "acme", Password: sealed, User: linkfin.User{OrgID: "acme", Name: "bob", Role: "boss"}},
		linkfin.EINVALID)
	w.refused(&services.CreateUser{Actor: "acme", Password: sealed, User: linkfin.User{OrgID: "acme", Name: "Bob!", Role: linkfin.RoleViewer}},
		linkfin.EINVALID)
	makeUser(w, a, "", "bolt", "bob", linkfin.RoleFinance, "correct horse battery")

	// Each organization lists its own users.
	for org, want := range map[string]string{"acme": "ann@acme.example", "bolt": "bob"} {
		objs, err := w.db.ListObjectsByParty(context.Background(), linkfin.KindUser, org, "", 10)
		if err != nil || len(objs) != 1 || !strings.Contains(string(objs[0].Data), want) {
			t.Fatalf("%s's users: %v %v", org, objs, err)
		}
	}
	// No event holds a readable password hash.
	for _, e := range w.db.Events() {
		if strings.Contains(string(e.Data), "argon2") || strings.Contains(string(e.Data), "correct horse") {
			t.Fatalf("event %s holds the password: %s", e.Type, e.Data)
		}
	}

	// The admin changes a user; an admin keeps its own role; another org finds none.
	role := linkfin.RoleViewer
	w.refused(&services.UpdateUser{Actor: "acme", By: "user:" + u.ID, ID: u.ID, Patch: linkfin.UserPatch{Role: &role}}, linkfin.EFORBIDDEN)
	w.refused(&services.UpdateUser{Actor: "bolt", ID: u.ID, Patch: linkfin.UserPatch{Role: &role}}, linkfin.ENOTFOUND)
	disabled := "disabled"
	got, err := run[linkfin.User](w, &services.UpdateUser{Actor: "acme", By: "user:usr_other", ID: u.ID, Patch: linkfin.UserPatch{Status: &disabled}})
	if err != nil || got.Status != linkfin.UserDisabled || got.UpdatedBy != "user:usr_other" {
		t.Fatalf("disable: %+v %v", got, err)
	}
}

func TestSignIn(t *testing.T) {
	w, a, cs := people(t)
	ctx := context.Background()
	u := makeUser(w, a, "acme", "acme", "ann", linkfin.RoleFinance, "correct horse battery")

	si, err := a.SignIn(ctx, linkfin.SignInIn{Name: " ANN ", Password: "correct horse battery"}, "10.0.0.1")
	if err != nil {
		t.Fatal(err)
	}
	if si.Session.UserID != u.ID || si.Session.OrgID != "acme" || si.Token == "" || si.Session.Source != "10.0.0.1" ||
		si.Session.ExpiresAt.Sub(si.Session.CreatedAt) != 12*time.Hour {
		t.Fatalf("signed in: %+v", si.Session)
	}
	// The session keeps the hash of its token's secret alone.
	_, secret, _ := linkfin.ParseSessionToken(si.Token)
	for _, e := range w.db.Events() {
		if strings.Contains(string(e.Data), secret) {
			t.Fatalf("event %s holds the token's secret", e.Type)
		}
	}
	reads := cs.reads
	for range 3 {
		got, err := a.Authenticate(ctx, si.Token)
		if err != nil || got.User.ID != u.ID || got.Viewer().Org != "acme" || got.Role() != linkfin.RoleFinance {
			t.Fatalf("authenticate: %+v %v", got, err)
		}
	}
	if n := cs.reads - reads; n != 3 {
		t.Errorf("three requests of one session read %d records, want 3 (the session, its user and its organization's policy, once)", n)
	}

	// CSRF: the session's token passes, any other fails, and sessions' tokens differ.
	if err := si.CheckCSRF(services.CSRFToken(si.Token)); err != nil {
		t.Fatal(err)
	}
	if err := si.CheckCSRF(""); linkfin.ErrorCode(err) != services.ECSRF {
		t.Fatalf("no CSRF token: %v", err)
	}
	si2, _ := a.SignIn(ctx, linkfin.SignInIn{Name: "ann", Password: "correct horse battery"}, "10.0.0.2")
	if si2.CSRF == si.CSRF || si.CheckCSRF(si2.CSRF) == nil {
		t.Fatal("one session's CSRF token passes for another")
	}

	// A wrong password, an unknown name and a forged token are unauthorized.
	for _, in := range []linkfin.SignInIn{{Name: "ann", Password: "correct horse batterx"}, {Name: "nobody", Password: "correct horse battery"}} {
		if _, err := a.SignIn(ctx, in, "10.0.0.9"); linkfin.ErrorCode(err) != linkfin.EUNAUTHORIZED {
			t.Fatalf("sign in as %s: %v", in.Name, err)
		}
	}
	id, _, _ := linkfin.ParseSessionToken(si.Token)
	if _, err := a.Authenticate(ctx, id+"."+strings.Repeat("A", 43)); linkfin.ErrorCode(err) != linkfin.EUNAUTHORIZED {
		t.Fatalf("forged token: %v", err)
	}

	// Sign out ends the session, and it alone.
	if err := a.SignOut(ctx, si2.Token); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Authenticate(ctx, si2.Token); linkfin.ErrorCode(err) != linkfin.EUNAUTHORIZED {
		t.Fatalf("signed out: %v", err)
	}
	if _, err := a.Authenticate(ctx, si.Token); err != nil {
		t.Fatal(err)
	}
	if last := w.db.Events()[len(w.db.Events())-1]; last.Type != "session.revoked" || !strings.Contains(string(last.Data), `"revoked_by":"user:`+u.ID) {
		t.Fatalf("sign out logged %s %s", last.Type, last.Data)
	}

	// Use is recorded after a quarter of the idle limit; unused for the idle limit, a
	// session ends; whatever its use, it ends at its absolute limit.
	w.now = w.now.Add(31 * time.Minute)
	if _, err := a.Authenticate(ctx, si.Token); err != nil {
		t.Fatal(err)
	}
	if last := w.db.Events()[len(w.db.Events())-1]; last.Type != "session.seen" {
		t.Fatalf("use after 31 min logged %s", last.Type)
	}
	for range 12 {
		w.now = w.now.Add(time.Hour)
		if _, err := a.Authenticate(ctx, si.Token); err != nil && w.now.Before(si.Session.ExpiresAt) {
			t.Fatalf("at %s: %v", w.now, err)
		}
	}
	if _, err := a.Authenticate(ctx, si.Token); linkfin.ErrorCode(err) != linkfin.EUNAUTHORIZED {
		t.Fatalf("past its absolute limit: %v", err)
	}
	si3, _ := a.SignIn(ctx, linkfin.SignInIn{Name: "ann", Password: "correct horse battery"}, "10.0.0.2")
	w.now = w.now.Add(2 * time.Hour)
	if _, err := a.Authenticate(ctx, si3.Token); linkfin.ErrorCode(err) != linkfin.EUNAUTHORIZED {
		t.Fatalf("idle for 2 h: %v", err)
	}

	// A new password ends every session; so does disabling the user.
	si4, _ := a.SignIn(ctx, linkfin.SignInIn{Name: "ann", Password: "correct horse battery"}, "10.0.0.2")
	a.Authenticate(ctx, si4.Token)
	sealed, _ := a.SealPassword("ann", "a new horse battery")
	w.must(&services.SetPassword{Actor: "acme", ID: u.ID, Password: sealed})
	a.Forget(u.ID)
	if _, err := a.Authenticate(ctx, si4.Token); linkfin.ErrorCode(err) != linkfin.EUNAUTHORIZED {
		t.Fatalf("after a new password: %v", err)
	}
	if _, err := a.SignIn(ctx, linkfin.SignInIn{Name: "ann", Password: "correct horse battery"}, "10.0.0.3"); linkfin.ErrorCode(err) != linkfin.EUNAUTHORIZED {
		t.Fatalf("old password: %v", err)
	}
	si5, err := a.SignIn(ctx, linkfin.SignInIn{Name: "ann", Password: "a new horse battery"}, "10.0.0.3")
	if err != nil {
		t.Fatal(err)
	}
	disabled := linkfin.UserDisabled
	w.must(&services.UpdateUser{Actor: "acme", ID: u.ID, Patch: linkfin.UserPatch{Status: &disabled}})
	a.Forget(u.ID)
	if _, err := a.Authenticate(ctx, si5.Token); linkfin.ErrorCode(err) != linkfin.EUNAUTHORIZED {
		t.Fatalf("disabled: %v", err)
	}
	if _, err := a.SignIn(ctx, linkfin.SignInIn{Name: "ann", Password: "a new horse battery"}, "10.0.0.3"); linkfin.ErrorCode(err) != linkfin.EUNAUTHORIZED {
		t.Fatalf("disabled sign-in: %v", err)
	}
}

func TestSignInRateLimit(t *testing.T) {
	w, a, _ := people(t)
	ctx := context.Background()
	makeUser(w, a, "acme", "acme", "ann", linkfin.RoleFinance, "correct horse battery")
	makeUser(w, a, "acme", "acme", "bob", linkfin.RoleFinance, "correct horse battery")
	a.SetSignInLimit(1, 3, 1, 5)
	for i := range 3 {
		if _, err := a.SignIn(ctx, linkfin.SignInIn{Name: "ann", Password: "wrong password!"}, "10.0.0."+string(rune('1'+i))); linkfin.ErrorCode(err) != linkfin.EUNAUTHORIZED {
			t.Fatalf("failure %d: %v", i, err)
		}
	}
	// The name is spent, from any address, even with the right password.
	_, err := a.SignIn(ctx, linkfin.SignInIn{Name: "ann", Password: "correct horse battery"}, "10.0.0.9")
	var re *services.RetryError
	if linkfin.ErrorCode(err) != services.ESIGNINLIMITED || !errors.As(err, &re) || re.After <= 0 {
		t.Fatalf("a spent name: %v", err)
	}
	// Another name signs in; an address spent on many names is refused for all.
	if _, err := a.SignIn(ctx, linkfin.SignInIn{Name: "bob", Password: "correct horse battery"}, "10.0.0.9"); err != nil {
		t.Fatal(err)
	}
	for i := range 5 {
		a.SignIn(ctx, linkfin.SignInIn{Name: "x" + strings.Repeat("y", i+2), Password: "wrong password!"}, "10.9.9.9")
	}
	if _, err := a.SignIn(ctx, linkfin.SignInIn{Name: "bob", Password: "correct horse battery"}, "10.9.9.9"); linkfin.ErrorCode(err) != services.ESIGNINLIMITED {
		t.Fatalf("a spent address: %v", err)
	}
}

func TestSecondFactor(t *testing.T) {
	w, a, _ := people(t)
	ctx := context.Background()
	u := makeUser(w, a, "acme", "acme", "ann", linkfin.RoleFinance, "correct horse battery")
	early, err := a.SignIn(ctx, linkfin.SignInIn{Name: "ann", Password: "correct horse battery"}, "10.0.0.1")
	if err != nil || early.Session.EnrollOnly {
		t.Fatalf("sign in before the policy: %+v %v", early, err)
	}
	a.Authenticate(ctx, early.Token)
	w.must(&services.SetSignInPolicy{Actor: "acme", OrgID: "acme", Policy: linkfin.SignInPolicyIn{RequireSecondFactor: true}})
	a.ForgetOrg("acme")
	// A session opened before the policy is bound by it.
	if si, err := a.Authenticate(ctx, early.Token); err != nil || !si.Session.EnrollOnly {
		t.Fatalf("a session from before the policy: %+v %v", si, err)
	}
	w.refused(&services.SetSignInPolicy{Actor: "bolt", OrgID: "acme"}, linkfin.ENOTFOUND)

	// Required and not enrolled: the session may only enroll.
	si, err := a.SignIn(ctx, linkfin.SignInIn{Name: "ann", Password: "correct horse battery"}, "10.0.0.1")
	if err != nil || !si.Session.EnrollOnly {
		t.Fatalf("sign in without a second factor under a policy that requires one: %+v %v", si, err)
	}
	en, err := a.EnrollTOTP(ctx, si)
	if err != nil || !strings.HasPrefix(en.URI, "otpauth://totp/linkfin:ann?") {
		t.Fatalf("enroll: %+v %v", en, err)
	}
	for _, e := range w.db.Events() {
		if strings.Contains(string(e.Data), en.Secret) {
			t.Fatalf("event %s holds the TOTP secret", e.Type)
		}
	}
	if _, err := a.ConfirmTOTP(ctx, si, "000000"); linkfin.ErrorCode(err) != linkfin.EINVALID {
		t.Fatalf("a wrong code confirms: %v", err)
	}
	code, _ := totp.GenerateCode(en.Secret, w.now)
	if got, err := a.ConfirmTOTP(ctx, si, code); err != nil || !got.SecondFactor {
		t.Fatalf("confirm: %+v %v", got, err)
	}
	if got, err := a.Authenticate(ctx, si.Token); err != nil || got.Session.EnrollOnly {
		t.Fatalf("after enrolling, the session: %+v %v", got, err)
	}

	// Now the code is required, taken once, and the next one opens.
	if _, err := a.SignIn(ctx, linkfin.SignInIn{Name: "ann", Password: "correct horse battery"}, "10.0.0.1"); linkfin.ErrorCode(err) != services.ETOTPREQUIRED {
		t.Fatalf("no code: %v", err)
	}
	if _, err := a.SignIn(ctx, linkfin.SignInIn{Name: "ann", Password: "correct horse battery", Code: code}, "10.0.0.1"); linkfin.ErrorCode(err) != services.ETOTPREPLAYED {
		t.Fatalf("the confirming code again: %v", err)
	}
	w.now = w.now.Add(30 * time.Second)
	code, _ = totp.GenerateCode(en.Secret, w.now)
	si2, err := a.SignIn(ctx, linkfin.SignInIn{Name: "ann", Password: "correct horse battery", Code: code}, "10.0.0.1")
	if err != nil || !si2.Session.SecondFactor || si2.Session.EnrollOnly {
		t.Fatalf("with the next code: %+v %v", si2, err)
	}
	if _, err := a.SignIn(ctx, linkfin.SignInIn{Name: "ann", Password: "correct horse battery", Code: code}, "10.0.0.1"); linkfin.ErrorCode(err) != services.ETOTPREPLAYED {
		t.Fatalf("a code twice: %v", err)
	}
	if _, err := a.SignIn(ctx, linkfin.SignInIn{Name: "ann", Password: "correct horse battery", Code: "123456"}, "10.0.0.1"); linkfin.ErrorCode(err) != linkfin.EUNAUTHORIZED {
		t.Fatalf("a wrong code: %v", err)
	}
	// The admin removes it; the user enrolls again.
	w.must(&services.UpdateUser{Actor: "acme", ID: u.ID, RemoveSecondFactor: true})
	a.Forget(u.ID)
	if si, err := a.SignIn(ctx, linkfin.SignInIn{Name: "ann", Password: "correct horse battery"}, "10.0.0.1"); err != nil || !si.Session.EnrollOnly {
		t.Fatalf("after removal: %+v %v", si, err)
	}
}
