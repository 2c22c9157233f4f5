package services

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"sync"
	"time"

	"github.com/pquerna/otp"
	"github.com/pquerna/otp/totp"

	"linkfin"
	"linkfin/internal/ratelimit"
)

// Runner runs one command through the platform's writer and decodes its value into
// v (the engine's Run).
type Runner interface {
	Run(ctx context.Context, c linkfin.Command, v any) error
}

// Default limits of a session.
const (
	DefaultSessionAbsolute = 12 * time.Hour
	DefaultSessionIdle     = 2 * time.Hour
)

// Auth signs people in and finds who a session token opens, for the API and the
// console alike. It checks passwords and second factors itself, before any command,
// and keeps the sessions it has read in memory: a request opened by a session reads
// the store once, not every time. Every change of a session or a user goes through
// it (or is reported to it with Forget), so that what it keeps is never stale: the
// engine is the database's only writer, and the process that serves holds it.
type Auth struct {
	store  linkfin.PartyReader
	runner Runner
	key    []byte // the credentials key: seals password hashes and TOTP secrets

	// Absolute and Idle are the limits of the sessions it opens from now on. A
	// session is used within Idle of its last recorded use, or it ends; its use is
	// recorded (an event, session.seen) when a quarter of Idle has passed since.
	Absolute, Idle time.Duration
	// Now is the clock (time.Now if nil).
	Now func() time.Time

	mu    sync.Mutex
	cache map[string]cachedSession
	gen   uint64 // counts changes: a session read before one is not kept after it

	names, sources *ratelimit.Keyed // failed sign-ins per name, per source address

	watchers []func(userID string) // told of every user Forget forgets (OnForget)
}

type cachedSession struct {
	hash string
	s    *SignedIn
}

// SignedIn is a live session and who it opens for.
type SignedIn struct {
	Session linkfin.Session
	User    linkfin.User
	// Token is the session's token, "<id>.<secret>": set by SignIn alone, which
	// shows it once (the caller puts it in a cookie).
	Token string
	// CSRF is the token a request of this session that changes anything carries
	// (CheckCSRF).
	CSRF string
}

// Viewer is who the session reads as: the user's organization, or the operator.
func (s *SignedIn) Viewer() linkfin.Viewer {
	return linkfin.Viewer{Org: s.User.OrgID, Operator: s.User.Role == linkfin.RoleOperator}
}

// Role is the user's role.
func (s *SignedIn) Role() linkfin.Role { return s.User.Role }

// By names the user for a record's created_by or updated_by: "user:<id>".
func (s *SignedIn) By() string { return "user:" + s.User.ID }

// CheckCSRF checks a submitted CSRF token against the session's, in constant time.
func (s *SignedIn) CheckCSRF(submitted string) error {
	if s.CSRF == "" || subtle.ConstantTimeCompare([]byte(submitted), []byte(s.CSRF)) != 1 {
		return linkfin.Errorf(ECSRF, "this request changes something and came without the session's CSRF token: send it as X-CSRF-Token (or the form's csrf_token)")
	}
	return nil
}

// CSRFToken is the CSRF token of a session token: HMAC-SHA256 of a fixed label under
// the token's secret. It is derived, not stored: whoever holds the cookie can compute
// it, and a page that shows it reveals nothing of the cookie.
func CSRFToken(token string) string {
	_, secret, ok := linkfin.ParseSessionToken(token)
	if !ok {
		return ""
	}
	m := hmac.New(sha256.New, []byte(secret))
	m.Write([]byte("linkfin csrf v1"))
	return base64.RawURLEncoding.EncodeToString(m.Sum(nil))
}

// NewAuth returns the sign-in service over the store, running its commands with r,
// sealing credentials under key (32 bytes, kept by the server in its data
// directory). Sign-in failures are limited to 10 at once and 10 a minute per name,
// and 30 at once and 30 a minute per source address (SetSignInLimit).
func NewAuth(s linkfin.PartyReader, r Runner, key []byte) *Auth {
	a := &Auth{store: s, runner: r, key: key, Absolute: DefaultSessionAbsolute, Idle: DefaultSessionIdle}
	a.SetSignInLimit(10, 10, 30, 30)
	return a
}

// SetSignInLimit lets a sign-in name fail burst times at once and perMinute times a
// minute after that, and a source address sourceBurst and sourcePerMinute; 0 a
// minute lifts that limit.
func (a *Auth) SetSignInLimit(perMinute float64, burst int, sourcePerMinute float64, sourceBurst int) {
	a.names = ratelimit.New(perMinute/60, burst)
	a.sources = ratelimit.New(sourcePerMinute/60, sourceBurst)
}

// Time is the time by Auth's clock.
func (a *Auth) Time() time.Time { return a.now() }

func (a *Auth) now() time.Time {
	if a.Now != nil {
		return a.Now()
	}
	return time.Now()
}

// SealPassword hashes a password (Argon2id) and seals the hash for the user named:
// what CreateUser and SetPassword take. It refuses a password out of bounds
// (linkfin.EPASSWORDSHORT, linkfin.EPASSWORDLONG).
func (a *Auth) SealPassword(name, password string) (string, error) {
	phc, err := HashPassword(password)
	if err != nil {
		return "", err
	}
	return Seal(a.key, passwordAAD(name), phc)
}

// RetryError is a refusal that may be tried again after After.
type RetryError struct {
	Err   *linkfin.Error
	After time.Duration
}

func (e *RetryError) Error() string { return e.Err.Error() }

// Unwrap gives the refusal, whose code is the error's.
func (e *RetryError) Unwrap() error { return e.Err }

var wrongPassword = linkfin.Errorf(linkfin.EUNAUTHORIZED, "the sign-in name or the password is wrong")

// SignIn checks a user's name, password and, if it has a second factor, the code of
// it, and opens a session from the source address. Failures are limited per name and
// per source (ESIGNINLIMITED, a *RetryError); a wrong name or password answers
// unauthorized, the same for both; a user with a second factor that gives no code,
// ETOTPREQUIRED; a code that already opened a session, ETOTPREPLAYED. The answer's
// Token is the session's, shown this once.
func (a *Auth) SignIn(ctx context.Context, in linkfin.SignInIn, source string) (*SignedIn, error) {
	name := linkfin.NormalizeUserName(in.Name)
	for _, l := range []struct {
		f   *ratelimit.Keyed
		key string
	}{{a.names, name}, {a.sources, source}} {
		if d, limited := l.f.Limited(l.key); limited {
			return nil, &RetryError{Err: linkfin.Errorf(ESIGNINLIMITED, "too many failed sign-ins; retry in %d s", int(d.Seconds())+1), After: d}
		}
	}
	fail := func(err error) (*SignedIn, error) {
		a.names.Spend(name)
		a.sources.Spend(source)
		return nil, err
	}
	u, cr, err := a.credential(ctx, name)
	if err != nil {
		return nil, err
	}
	if u == nil {
		VerifyPassword(in.Password, dummyHash()) // as long as a wrong password
		return fail(wrongPassword)
	}
	phc, err := Unseal(a.key, passwordAAD(u.Name), cr.Password)
	if err != nil {
		return nil, err
	}
	if !VerifyPassword(in.Password, phc) {
		return fail(wrongPassword)
	}
	if u.Status != linkfin.UserActive {
		return nil, linkfin.Errorf(linkfin.EUNAUTHORIZED, "this user is disabled: its organization's admin enables it")
	}
	var step int64
	if u.SecondFactor {
		if in.Code == "" {
			return nil, linkfin.Errorf(ETOTPREQUIRED, "this user signs in with the code of its authenticator app too")
		}
		secret, err := Unseal(a.key, totpAAD(u.Name), cr.TOTP)
		if err != nil {
			return nil, err
		}
		if step = totpStep(secret, in.Code, a.now()); step == 0 {
			return fail(linkfin.Errorf(linkfin.EUNAUTHORIZED, "the authenticator app's code is wrong"))
		}
	}
	var b [32]byte
	rand.Read(b[:])
	secret := base64.RawURLEncoding.EncodeToString(b[:])
	var s linkfin.Session
	err = a.runner.Run(ctx, &StartSession{UserID: u.ID, Stamp: u.Stamp, Hash: linkfin.HashSecret(secret), Source: source,
		Absolute: a.Absolute, Idle: a.Idle, TOTPStep: step}, &s)
	if err != nil {
		return nil, err
	}
	token := s.ID + "." + secret
	return &SignedIn{Session: s, User: *u, Token: token, CSRF: CSRFToken(token)}, nil
}

// credential reads the user of a sign-in name and its credential; a name of no one
// answers nil.
func (a *Auth) credential(ctx context.Context, name string) (*linkfin.User, *linkfin.Credential, error) {
	if linkfin.ValidateUserName(name) != nil {
		return nil, nil, nil
	}
	var n linkfin.UserName
	if found, err := a.read(ctx, linkfin.KindUserName, name, &n); err != nil || !found {
		return nil, nil, err
	}
	var u linkfin.User
	var cr linkfin.Credential
	if found, err := a.read(ctx, linkfin.KindUser, n.UserID, &u); err != nil || !found {
		return nil, nil, err
	}
	if found, err := a.read(ctx, linkfin.KindCredential, n.UserID, &cr); err != nil || !found {
		return nil, nil, err
	}
	return &u, &cr, nil
}

func (a *Auth) read(ctx context.Context, kind, id string, v any) (bool, error) {
	o, err := a.store.Object(ctx, kind, id)
	if linkfin.ErrorCode(err) == linkfin.ENOTFOUND {
		return false, nil
	} else if err != nil {
		return false, err
	}
	return true, json.Unmarshal(o.Data, v)
}

var unauthorized = linkfin.Errorf(linkfin.EUNAUTHORIZED, "sign in: the session is unknown, has ended or was revoked")

// Authenticate finds the live session a token (the cookie's value) opens and its
// user, or answers unauthorized. It reads the store once per session, then keeps it;
// a session's use is recorded once a quarter of its idle limit has passed since the
// last record. A session that may only enroll a second factor answers as any other:
// the caller lets it do nothing else (Session.EnrollOnly).
func (a *Auth) Authenticate(ctx context.Context, token string) (*SignedIn, error) {
	id, secret, ok := linkfin.ParseSessionToken(token)
	if !ok {
		return nil, unauthorized
	}
	hash := linkfin.HashSecret(secret)
	si, ok := a.cached(id, hash)
	if !ok {
		gen := a.generation()
		var s linkfin.Session
		var u linkfin.User
		if found, err := a.read(ctx, linkfin.KindSession, id, &s); err != nil {
			return nil, err
		} else if !found || subtle.ConstantTimeCompare([]byte(hash), []byte(s.Hash)) != 1 {
			return nil, unauthorized
		}
		if found, err := a.read(ctx, linkfin.KindUser, s.UserID, &u); err != nil {
			return nil, err
		} else if !found {
			return nil, unauthorized
		}
		// A policy set since the sign-in binds the session too: until the user enrolls
		// a second factor the policy requires, it may only enroll one.
		if u.OrgID != "" && !u.SecondFactor {
			var p linkfin.SignInPolicy
			if _, err := a.read(ctx, linkfin.KindSignInPolicy, u.OrgID, &p); err != nil {
				return nil, err
			}
			s.EnrollOnly = s.EnrollOnly || p.Requires(u.Role)
		}
		si = &SignedIn{Session: s, User: u, CSRF: CSRFToken(token)}
		a.put(id, hash, si, gen)
	}
	now := a.now()
	if !si.Session.Live(now) || si.User.Status != linkfin.UserActive || si.User.Stamp != si.Session.Stamp {
		return nil, unauthorized
	}
	if now.Sub(si.Session.SeenAt) > time.Duration(si.Session.IdleFor)*time.Second/4 {
		gen := a.generation()
		var s linkfin.Session
		if err := a.runner.Run(ctx, &TouchSession{ID: id}, &s); err != nil {
			a.drop(id)
			return nil, err
		}
		touched := *si
		touched.Session = s
		si = &touched
		a.put(id, hash, si, gen)
	}
	out := *si
	return &out, nil
}

func (a *Auth) cached(id, hash string) (*SignedIn, bool) {
	a.mu.Lock()
	c, ok := a.cache[id]
	a.mu.Unlock()
	if !ok || subtle.ConstantTimeCompare([]byte(hash), []byte(c.hash)) != 1 {
		return nil, false
	}
	return c.s, true
}

func (a *Auth) generation() uint64 {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.gen
}

// put keeps a session read at generation gen, unless something changed since.
func (a *Auth) put(id, hash string, s *SignedIn, gen uint64) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if gen != a.gen {
		return
	}
	if a.cache == nil || len(a.cache) >= 100_000 {
		a.cache = make(map[string]cachedSession) // bounded: a dropped session is read again
	}
	a.cache[id] = cachedSession{hash, s}
}

func (a *Auth) drop(ids ...string) {
	a.mu.Lock()
	for _, id := range ids {
		delete(a.cache, id)
	}
	a.gen++
	a.mu.Unlock()
}

// Changing runs a change of a user (role, status, password, second factor) made
// other than through Auth, forgetting what is kept of the user's sessions before and
// after it, so that no session read before the change is kept after it.
func (a *Auth) Changing(userID string, change func() error) error {
	a.Forget(userID)
	defer a.Forget(userID)
	return change()
}

// Forget drops what is kept of a user's sessions: call it after any change of the
// user (role, status, password, second factor), before and after the change
// commits (Changing does both). It tells every function OnForget registered.
func (a *Auth) Forget(userID string) {
	a.mu.Lock()
	for id, c := range a.cache {
		if c.s.User.ID == userID {
			delete(a.cache, id)
		}
	}
	a.gen++
	watchers := a.watchers
	a.mu.Unlock()
	for _, f := range watchers {
		f(userID)
	}
}

// OnForget registers f to be told the id of every user Forget forgets: whoever keeps
// something that a change of a user changes (the API keys the user owns, which
// disabling it revokes) drops it there, before and after the change commits.
func (a *Auth) OnForget(f func(userID string)) {
	a.mu.Lock()
	a.watchers = append(a.watchers, f)
	a.mu.Unlock()
}

// ForgetOrg drops what is kept of an organization's sessions: call it after a change
// of its sign-in policy, before and after the change commits.
func (a *Auth) ForgetOrg(org string) {
	a.mu.Lock()
	for id, c := range a.cache {
		if c.s.User.OrgID == org {
			delete(a.cache, id)
		}
	}
	a.gen++
	a.mu.Unlock()
}

// SignOut revokes the session the token opens.
func (a *Auth) SignOut(ctx context.Context, token string) error {
	si, err := a.Authenticate(ctx, token)
	if err != nil {
		return err
	}
	_, err = a.Revoke(ctx, &RevokeSessions{Actor: si.User.OrgID, UserID: si.User.ID, By: si.By(), IDs: []string{si.Session.ID}})
	return err
}

// Revoke runs a revocation of sessions, and forgets them.
func (a *Auth) Revoke(ctx context.Context, c *RevokeSessions) ([]linkfin.Session, error) {
	a.drop(c.IDs...)
	var out []linkfin.Session
	err := a.runner.Run(ctx, c, &out)
	a.drop(c.IDs...)
	return out, err
}

// RevokeOthers revokes every live session of the signed-in user but its own, and
// answers how many it revoked.
func (a *Auth) RevokeOthers(ctx context.Context, si *SignedIn) (int, error) {
	var ids []string
	now := a.now()
	after := ""
	for {
		page, next, err := a.Sessions(ctx, si.User.ID, after, 1000)
		if err != nil {
			return 0, err
		}
		for _, s := range page {
			if s.ID != si.Session.ID && s.Live(now) && !s.Ended {
				ids = append(ids, s.ID)
			}
		}
		if next == "" {
			break
		}
		after = next
	}
	total := len(ids)
	for len(ids) > 0 {
		n := min(len(ids), 1000)
		if _, err := a.Revoke(ctx, &RevokeSessions{Actor: si.User.OrgID, UserID: si.User.ID, By: si.By(), IDs: ids[:n]}); err != nil {
			return 0, err
		}
		ids = ids[n:]
	}
	return total, nil
}

// Sessions answers a page of up to limit of a user's sessions, oldest first, after
// the session after; next is the last id when the page is full.
func (a *Auth) Sessions(ctx context.Context, userID, after string, limit int) (out []ListedSession, next string, err error) {
	if err := CheckCursor(linkfin.KindSession, after); err != nil {
		return nil, "", err
	}
	objs, err := a.store.ListObjectsByParty(ctx, linkfin.KindSession, userID, after, limit)
	if err != nil {
		return nil, "", err
	}
	if out, err = a.sessions(ctx, objs); err != nil {
		return nil, "", err
	}
	if len(objs) == limit {
		next = objs[len(objs)-1].ID
	}
	return out, next, nil
}

// ListedSession is a session as the lists of sessions answer it: Ended says its
// user's password changed, or the user was disabled, since it opened, which ends it as
// a revocation does (worked out from the user, not stored with the session).
type ListedSession struct {
	linkfin.Session
	Ended bool
}

// sessions decodes stored sessions, each marked Ended if its user's password changed
// or the user was disabled since it opened.
func (a *Auth) sessions(ctx context.Context, objs []linkfin.Object) ([]ListedSession, error) {
	out := make([]ListedSession, len(objs))
	users := map[string]*linkfin.User{}
	for i := range objs {
		s := &out[i]
		if err := json.Unmarshal(objs[i].Data, &s.Session); err != nil {
			return nil, err
		}
		u, ok := users[s.UserID]
		if !ok {
			u = new(linkfin.User)
			if found, err := a.read(ctx, linkfin.KindUser, s.UserID, u); err != nil {
				return nil, err
			} else if !found {
				u = nil
			}
			users[s.UserID] = u
		}
		s.Ended = u == nil || u.Status != linkfin.UserActive || u.Stamp != s.Stamp
	}
	return out, nil
}

// OrgSessions answers a page of an organization's sessions (every session for org
// "", the operator's view), for its admin.
func (a *Auth) OrgSessions(ctx context.Context, org, after string, limit int) (out []ListedSession, next string, err error) {
	if err := CheckCursor(linkfin.KindSession, after); err != nil {
		return nil, "", err
	}
	var objs []linkfin.Object
	if org == "" {
		objs, err = a.store.ListObjects(ctx, linkfin.KindSession, after, limit)
	} else {
		objs, err = a.store.ListObjectsByParty(ctx, linkfin.KindSession, org, after, limit)
	}
	if err != nil {
		return nil, "", err
	}
	if out, err = a.sessions(ctx, objs); err != nil {
		return nil, "", err
	}
	if len(objs) == limit {
		next = objs[len(objs)-1].ID
	}
	return out, next, nil
}

// SessionStatus is "live", "expired" or "revoked": signed out, revoked, or ended (by
// its user's new password or disabling).
func SessionStatus(s *linkfin.Session, ended bool, now time.Time) string {
	switch {
	case s.RevokedAt != nil || ended:
		return "revoked"
	case s.Live(now):
		return "live"
	}
	return "expired"
}

// EnrollTOTP makes a new second factor for the signed-in user and shows its secret,
// this once; a code of it confirms it (ConfirmTOTP).
func (a *Auth) EnrollTOTP(ctx context.Context, si *SignedIn) (*linkfin.TOTPEnrollment, error) {
	k, err := totp.Generate(totp.GenerateOpts{Issuer: "linkfin", AccountName: si.User.Name})
	if err != nil {
		return nil, err
	}
	sealed, err := Seal(a.key, totpAAD(si.User.Name), k.Secret())
	if err != nil {
		return nil, err
	}
	a.Forget(si.User.ID)
	var u linkfin.User
	if err := a.runner.Run(ctx, &EnrollTOTP{UserID: si.User.ID, Secret: sealed}, &u); err != nil {
		return nil, err
	}
	return &linkfin.TOTPEnrollment{URI: k.URL(), Secret: k.Secret()}, nil
}

// ConfirmTOTP checks a code of the signed-in user's pending second factor and makes
// it the user's: from then on it signs in with a code.
func (a *Auth) ConfirmTOTP(ctx context.Context, si *SignedIn, code string) (*linkfin.User, error) {
	_, cr, err := a.credential(ctx, si.User.Name)
	if err != nil {
		return nil, err
	}
	if cr == nil || cr.TOTPPending == "" {
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "no second factor is waiting for confirmation: enroll first")
	}
	secret, err := Unseal(a.key, totpAAD(si.User.Name), cr.TOTPPending)
	if err != nil {
		return nil, err
	}
	step := totpStep(secret, code, a.now())
	if step == 0 {
		return nil, linkfin.Errorf(linkfin.EINVALID, "the authenticator app's code is wrong")
	}
	a.Forget(si.User.ID)
	var u linkfin.User
	err = a.runner.Run(ctx, &ConfirmTOTP{UserID: si.User.ID, SessionID: si.Session.ID, Pending: cr.TOTPPending, Step: step}, &u)
	a.Forget(si.User.ID)
	return &u, err
}

// CheckPassword checks the user's password, as a change of its own password asks
// for its current one; failures count as failed sign-ins.
func (a *Auth) CheckPassword(ctx context.Context, name, password, source string) error {
	in := linkfin.SignInIn{Name: name, Password: password}
	u, cr, err := a.credential(ctx, linkfin.NormalizeUserName(in.Name))
	if err != nil {
		return err
	} else if u == nil {
		return fmt.Errorf("check password: no user %s", name)
	}
	if d, limited := a.names.Limited(u.Name); limited {
		return &RetryError{Err: linkfin.Errorf(ESIGNINLIMITED, "too many failed sign-ins; retry in %d s", int(d.Seconds())+1), After: d}
	}
	phc, err := Unseal(a.key, passwordAAD(u.Name), cr.Password)
	if err != nil {
		return err
	}
	if !VerifyPassword(password, phc) {
		a.names.Spend(u.Name)
		a.sources.Spend(source)
		return linkfin.Errorf(linkfin.EUNAUTHORIZED, "the current password is wrong")
	}
	return nil
}

// totpStep is the time step (RFC 6238, 30 s) of the one code of the secret within a
// step of now that equals code, or 0 if none does.
func totpStep(secret, code string, now time.Time) int64 {
	if len(code) != 6 {
		return 0
	}
	opts := totp.ValidateOpts{Period: 30, Digits: otp.DigitsSix, Algorithm: otp.AlgorithmSHA1}
	var found int64
	for _, d := range []int64{-1, 0, 1} {
		t := now.Add(time.Duration(d*30) * time.Second)
		want, err := totp.GenerateCodeCustom(secret, t, opts)
		if err == nil && subtle.ConstantTimeCompare([]byte(want), []byte(code)) == 1 {
			found = t.Unix() / 30
		}
	}
	return found
}
