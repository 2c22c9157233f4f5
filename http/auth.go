package http

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"linkfin"
	"linkfin/internal/ratelimit"
	"linkfin/services"
)

// ERATELIMITED answers a key that sent more requests than its rate allows.
const ERATELIMITED = "rate_limited"

// EAUTHLIMITED answers a source address that failed authentication more often than
// SetAuthFailureLimit allows: until it may try again, every request it sends with a
// key is refused, a valid key too, so that guessing learns nothing.
const EAUTHLIMITED = "authentication_rate_limited"

// Access is who may call a route.
type Access int

// The levels of access.
const (
	Public   Access = iota // no key: health checks and the API's description
	AnyKey                 // any valid key; what it reads is limited to its organization's
	Write                  // an organization's finance or admin key
	Admin                  // an organization's admin key, or an operator key
	Operator               // operator keys alone: the platform's own operations
	// WriteOrOperator is an organization's finance or admin key, acting for it, or an
	// operator key, acting for the platform where the route says how.
	WriteOrOperator
)

func (a Access) String() string {
	return [...]string{"no key", "any key", "a finance or admin key", "an admin or operator key", "an operator key",
		"a finance, admin or operator key"}[a]
}

// principal is who a request acts for: an API key, its organization ("" for an
// operator key) and its role.
type principal struct {
	KeyID string // "" for a user's session
	Org   string
	Role  linkfin.Role
	// owner is the user whose standing the key acts with (linkfin.APIKey.Owner).
	owner string
	// session is the signed-in user's, when the request came with a session cookie
	// rather than a key.
	session *services.SignedIn
}

// limitKey names the principal's rate limit: its key's, or its user's.
func (p *principal) limitKey() string {
	if p.session != nil {
		return "user:" + p.session.User.ID
	}
	return p.KeyID
}

func (p *principal) operator() bool { return p.Role == linkfin.RoleOperator }

// namespace keeps idempotency keys of different organizations apart.
func (p *principal) namespace() string {
	if p.operator() {
		return "operator:"
	}
	return "org/" + p.Org + ":"
}

// viewer is who the principal reads as: its organization, or the operator.
func (p *principal) viewer() linkfin.Viewer {
	return linkfin.Viewer{Org: p.Org, Operator: p.operator()}
}

type principalKey struct{}

func principalOf(r *http.Request) *principal {
	p, _ := r.Context().Value(principalKey{}).(*principal)
	return p
}

// authenticate finds the request's key, or without one its session cookie. A key that
// is malformed, unknown, revoked or does not match its hash answers the same:
// unauthorized; so does a session that is unknown, ended or revoked.
func (s *Server) authenticate(r *http.Request) (*principal, error) {
	unauthorized := linkfin.Errorf(linkfin.EUNAUTHORIZED, "a valid API key is required: Authorization: Bearer <key>; or sign in (POST /v1/sessions)")
	if c, err := r.Cookie(SessionCookie); err == nil && r.Header.Get("Authorization") == "" && s.Auth != nil {
		si, err := s.Auth.Authenticate(r.Context(), c.Value)
		if err != nil {
			return nil, err
		}
		return &principal{Org: si.User.OrgID, Role: si.User.Role, session: si}, nil
	}
	key, ok := bearerToken(r)
	if !ok {
		return nil, unauthorized
	}
	id, ok := linkfin.ParseAPIKey(key)
	if !ok {
		return nil, unauthorized
	}
	hash := linkfin.HashAPIKey(key)
	if p, ok := s.keys.get(id, hash); ok {
		return p, nil
	}
	s.watchUsers()
	gen := s.keys.generation()
	obj, err := s.Store.Object(r.Context(), linkfin.KindAPIKey, id)
	if linkfin.ErrorCode(err) == linkfin.ENOTFOUND {
		return nil, unauthorized
	} else if err != nil {
		return nil, err
	}
	var k linkfin.APIKey
	if err := json.Unmarshal(obj.Data, &k); err != nil {
		return nil, err
	}
	if subtle.ConstantTimeCompare([]byte(hash), []byte(k.Hash)) != 1 || k.RevokedAt != nil {
		return nil, unauthorized
	}
	p := &principal{KeyID: k.ID, Org: k.OrgID, Role: k.Role, owner: k.Owner}
	s.keys.put(id, hash, p, gen)
	return p, nil
}

// bearerToken is the credentials of the request's Authorization header in the Bearer
// scheme (RFC 6750 §2.1), whose name is case-insensitive, as every authentication
// scheme's is (RFC 9110 §11.1): "Bearer", "bearer" or "BEARER", then one or more
// spaces, then the token.
func bearerToken(r *http.Request) (string, bool) {
	scheme, token, ok := strings.Cut(r.Header.Get("Authorization"), " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") {
		return "", false
	}
	token = strings.TrimLeft(token, " ")
	return token, token != ""
}

// challenge is the WWW-Authenticate header of a 401 answer (RFC 9110 §11.6.1: a 401
// carries at least one challenge): the Bearer scheme of linkfin's API keys, and, where
// the request sent a key that was refused, RFC 6750's invalid_token (§3.1; a request
// without credentials gets no error code, §3).
func challenge(r *http.Request, code string) string {
	if _, sent := bearerToken(r); sent && code == linkfin.EUNAUTHORIZED {
		return `Bearer realm="linkfin", error="invalid_token"`
	}
	return `Bearer realm="linkfin"`
}

// watchUsers has the sign-in service tell the key cache of every change of a user:
// one may revoke the keys the user owns (services.UpdateUser).
func (s *Server) watchUsers() {
	s.watchMu.Lock()
	defer s.watchMu.Unlock()
	if s.Auth != nil && s.watching != s.Auth {
		s.Auth.OnForget(s.keys.dropOwner)
		s.watching = s.Auth
	}
}

// keyCache remembers the keys that opened a request, so that a request need not read
// its key from the store. A key changes once at most, when it is revoked, and that
// goes through this process (the engine is the database's only writer, and serve
// holds it): the revoke route drops the key from the cache before it answers, and a
// change of a user, which may revoke the keys it owns, drops them through
// services.Auth (Changing, whether the API or the console made it), before and after
// the change commits.
type keyCache struct {
	mu   sync.Mutex
	keys map[string]cachedKey
	gen  uint64 // counts revocations: a key read before one is not cached after it
}

type cachedKey struct {
	hash string
	p    *principal
}

func (c *keyCache) get(id, hash string) (*principal, bool) {
	c.mu.Lock()
	k, ok := c.keys[id]
	c.mu.Unlock()
	if !ok || subtle.ConstantTimeCompare([]byte(hash), []byte(k.hash)) != 1 {
		return nil, false
	}
	return k.p, true
}

func (c *keyCache) generation() uint64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.gen
}

// put caches a key read when the cache was at generation gen, unless a key was
// revoked since.
func (c *keyCache) put(id, hash string, p *principal, gen uint64) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if gen != c.gen {
		return
	}
	if c.keys == nil || len(c.keys) >= 100_000 {
		c.keys = make(map[string]cachedKey) // bounded: a dropped key is read again
	}
	c.keys[id] = cachedKey{hash, p}
}

func (c *keyCache) drop(id string) {
	c.mu.Lock()
	delete(c.keys, id)
	c.gen++
	c.mu.Unlock()
}

// dropOwner drops the keys a user owns.
func (c *keyCache) dropOwner(user string) {
	c.mu.Lock()
	for id, k := range c.keys {
		if k.p.owner == user {
			delete(c.keys, id)
		}
	}
	c.gen++
	c.mu.Unlock()
}

// allowed checks the principal's role against the route's access.
func allowed(p *principal, a Access) error {
	ok := false
	switch a {
	case Public, AnyKey:
		ok = true
	case Write:
		ok = p.Role == linkfin.RoleAdmin || p.Role == linkfin.RoleFinance
	case Admin:
		ok = p.Role == linkfin.RoleAdmin || p.operator()
	case Operator:
		ok = p.operator()
	case WriteOrOperator:
		ok = p.Role == linkfin.RoleAdmin || p.Role == linkfin.RoleFinance || p.operator()
	}
	if ok {
		return nil
	}
	if a == Write && p.operator() {
		return linkfin.Errorf(linkfin.EFORBIDDEN, "an operator key acts for the platform, not for an organization: use the organization's key")
	}
	return linkfin.Errorf(linkfin.EFORBIDDEN, "this needs %s; this key's role is %s", a, p.Role)
}

// source is the address a request comes from: the peer's IP, never a header the
// client writes. Behind a reverse proxy every request comes from the proxy.
func source(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// SetAuthFailureLimit lets a source address fail authentication burst times at once
// and perMinute times a minute after that; perMinute 0 lifts the limit, as a new
// Server has none (linkfin serve sets one). A request without an Authorization header
// is not a failure: it guesses nothing.
func (s *Server) SetAuthFailureLimit(perMinute float64, burst int) {
	s.fails = ratelimit.New(perMinute/60, burst)
}

// SetRateLimit limits every API key to perSecond requests a second, with bursts of
// burst; perSecond 0 lifts the limit.
func (s *Server) SetRateLimit(perSecond float64, burst int) {
	s.limits = ratelimit.New(perSecond, burst)
}

func retryAfter(d time.Duration) string {
	return strconv.Itoa(int(max(1, (d+time.Second-1)/time.Second)))
}

func withPrincipal(ctx context.Context, p *principal) context.Context {
	return context.WithValue(ctx, principalKey{}, p)
}
