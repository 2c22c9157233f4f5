package http

import (
	"encoding/json"
	"errors"
	"net/http"
	"reflect"
	"time"

	"linkfin"
	"linkfin/engine"
	"linkfin/services"
)

// SessionCookie is the cookie that carries a signed-in user's session token.
const SessionCookie = "linkfin_session"

// enrollRoutes are what a session that must first enroll a second factor may do.
var enrollRoutes = map[string]bool{
	"GET /v1/sessions/current":         true,
	"DELETE /v1/sessions/current":      true,
	"POST /v1/users/{id}/totp":         true,
	"POST /v1/users/{id}/totp/confirm": true,
}

func toSession(s *linkfin.Session, ended bool, now time.Time) linkfin.SessionOut {
	out := linkfin.SessionOut{ID: s.ID, UserID: s.UserID, OrgID: s.OrgID, Source: s.Source, CreatedAt: rfc3339(s.CreatedAt.UnixNano()),
		SeenAt: rfc3339(s.SeenAt.UnixNano()), ExpiresAt: rfc3339(s.ExpiresAt.UnixNano()), Status: services.SessionStatus(s, ended, now),
		SecondFactor: s.SecondFactor, EnrollOnly: s.EnrollOnly}
	if s.RevokedAt != nil {
		out.RevokedAt = rfc3339(s.RevokedAt.UnixNano())
	}
	return out
}

// by names who a principal is, for the records it makes and changes: "user:<id>",
// "key:<id>".
func (p *principal) by() string {
	if p.session != nil {
		return p.session.By()
	}
	return "key:" + p.KeyID
}

// signedIn is the principal's session, or a refusal for a key.
func (p *principal) signedIn() (*services.SignedIn, error) {
	if p.session == nil {
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "sessions belong to users: sign in (POST /v1/sessions) rather than use an API key")
	}
	return p.session, nil
}

func (s *Server) userRoutes() {
	user, ses := reflect.TypeFor[linkfin.User](), reflect.TypeFor[linkfin.SessionOut]()
	s.handle(Route{Pattern: "POST /v1/sessions", Access: Public, Status: http.StatusCreated, In: reflect.TypeFor[linkfin.SignInIn](), Out: ses,
		Summary: "Sign in with a user's name and password (and its authenticator's code, if it has a second factor). The session's token " +
			"is in the linkfin_session cookie alone (HttpOnly, SameSite=Strict); the answer holds the CSRF token that requests of the " +
			"session that change anything send as X-CSRF-Token."}, s.signIn)
	s.handle(Route{Pattern: "GET /v1/sessions", Access: AnyKey, Out: ses, List: true, Query: pageQuery,
		Summary: "List the signed-in user's sessions, oldest first."}, s.listSessions)
	s.handle(Route{Pattern: "GET /v1/sessions/current", Access: AnyKey, Out: ses,
		Summary: "The session of the request's cookie, with its CSRF token."}, s.currentSession)
	s.handle(Route{Pattern: "DELETE /v1/sessions/current", Access: AnyKey, Out: ses,
		Summary: "Sign out: revoke the session of the request's cookie, and clear the cookie."}, s.signOut)
	s.handle(Route{Pattern: "POST /v1/sessions/current/revoke-others", Access: AnyKey, Out: reflect.TypeFor[linkfin.RevokedOut](),
		Summary: "Revoke every other live session of the signed-in user."}, s.revokeOthers)
	s.handle(Route{Pattern: "DELETE /v1/sessions/{id}", Access: AnyKey, Out: ses,
		Summary: "Revoke a session: the user's own, or, as its organization's admin (a user or a key) or the operator, any of the organization's."},
		s.revokeSession)

	s.handle(Route{Pattern: "POST /v1/users", Access: Admin, Status: http.StatusCreated, In: reflect.TypeFor[linkfin.UserIn](), Out: user,
		Summary: "Make a user of the caller's organization (its admin), or of any organization or the platform (the operator: org_id)."}, s.createUser)
	listRoute[linkfin.User](s, "GET /v1/users", linkfin.KindUser, "List users (an organization: its own).")
	getRoute[linkfin.User](s, "GET /v1/users/{id}", linkfin.KindUser, "Get a user.")
	s.handle(Route{Pattern: "PATCH /v1/users/{id}", Access: Admin, In: reflect.TypeFor[linkfin.UserPatch](), Out: user,
		Summary: "Change a user's display name, role, language or status (disabled ends its sessions and revokes the API keys it owns; " +
			"a lowered role revokes those of a role its new one does not include), or remove its second factor (its organization's admin, or the operator)."}, s.updateUser)
	s.handle(Route{Pattern: "POST /v1/users/{id}/password", Access: AnyKey, In: reflect.TypeFor[linkfin.PasswordIn](), Out: user,
		Summary: "Set a user's password (12 to 256 bytes): as its organization's admin or the operator, or as the user itself with its " +
			"current password. Every session the user had ends."}, s.setPassword)
	s.handle(Route{Pattern: "POST /v1/users/{id}/totp", Access: AnyKey, Out: reflect.TypeFor[linkfin.TOTPEnrollment](),
		Summary: "Enroll a second factor (the signed-in user itself): the answer shows its secret once, as an otpauth:// URI."}, s.enrollTOTP)
	s.handle(Route{Pattern: "POST /v1/users/{id}/totp/confirm", Access: AnyKey, In: reflect.TypeFor[linkfin.TOTPCodeIn](), Out: user,
		Summary: "Confirm the second factor with a code of it: from then on the user signs in with a code too."}, s.confirmTOTP)
	s.handle(Route{Pattern: "POST /v1/organizations/{id}/sign-in-policy", Access: Admin, In: reflect.TypeFor[linkfin.SignInPolicyIn](),
		Out: reflect.TypeFor[linkfin.SignInPolicy](), Summary: "Set the organization's sign-in rules: require a second factor of its admin and finance users."},
		s.setSignInPolicy)
	s.handle(Route{Pattern: "GET /v1/organizations/{id}/sign-in-policy", Access: AnyKey, Out: reflect.TypeFor[linkfin.SignInPolicy](),
		Summary: "The organization's sign-in rules (none required until its admin sets them)."}, s.getSignInPolicy)
}

// auth is the sign-in service, or a refusal if the server has none.
func (s *Server) auth() (*services.Auth, error) {
	if s.Auth == nil {
		return nil, linkfin.Errorf(engine.EUNAVAILABLE, "this server signs no one in: it has no credentials key")
	}
	return s.Auth, nil
}

func (s *Server) signIn(w http.ResponseWriter, r *http.Request) {
	var in linkfin.SignInIn
	_, err := readJSON(w, r, &in)
	var a *services.Auth
	if err == nil {
		a, err = s.auth()
	}
	var si *services.SignedIn
	if err == nil {
		si, err = a.SignIn(r.Context(), in, source(r))
	}
	if err != nil {
		var re *services.RetryError
		if errors.As(err, &re) {
			w.Header().Set("Retry-After", retryAfter(re.After))
		}
		writeError(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: si.Token, Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: s.secure(r), Expires: si.Session.ExpiresAt})
	out := toSession(&si.Session, false, s.Auth.Time())
	out.Current, out.CSRFToken = true, si.CSRF
	writeJSON(w, http.StatusCreated, out)
}

// listSessions lists a user's own sessions; with a key, an admin's lists its
// organization's, and the operator's every session.
func (s *Server) listSessions(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	limit, err := pageLimit(r)
	var a *services.Auth
	if err == nil {
		a, err = s.auth()
	}
	var list []services.ListedSession
	out := linkfin.List[linkfin.SessionOut]{Data: []linkfin.SessionOut{}}
	after := r.URL.Query().Get("after")
	if err == nil {
		switch {
		case p.session != nil:
			list, out.NextCursor, err = a.Sessions(r.Context(), p.session.User.ID, after, limit)
		case p.Role == linkfin.RoleAdmin || p.operator():
			list, out.NextCursor, err = a.OrgSessions(r.Context(), p.Org, after, limit)
		default:
			err = linkfin.Errorf(linkfin.EFORBIDDEN, "an organization's sessions are listed by its admin; a user lists its own")
		}
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	now := s.Auth.Time()
	for i := range list {
		o := toSession(&list[i].Session, list[i].Ended, now)
		o.Current = p.session != nil && list[i].ID == p.session.Session.ID
		out.Data = append(out.Data, o)
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) currentSession(w http.ResponseWriter, r *http.Request) {
	si, err := principalOf(r).signedIn()
	if err != nil {
		writeError(w, r, err)
		return
	}
	out := toSession(&si.Session, false, s.Auth.Time())
	out.Current, out.CSRFToken = true, si.CSRF
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) signOut(w http.ResponseWriter, r *http.Request) {
	// It takes no body: none, or {}, as every action that takes none.
	_, err := emptyBody(w, r)
	var si *services.SignedIn
	if err == nil {
		si, err = principalOf(r).signedIn()
	}
	var revoked []linkfin.Session
	if err == nil {
		revoked, err = s.Auth.Revoke(r.Context(), &services.RevokeSessions{Actor: si.User.OrgID, UserID: si.User.ID, By: si.By(),
			IDs: []string{si.Session.ID}})
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: SessionCookie, Value: "", Path: "/", HttpOnly: true, SameSite: http.SameSiteStrictMode,
		Secure: s.secure(r), MaxAge: -1})
	writeJSON(w, http.StatusOK, toSession(&revoked[0], false, s.Auth.Time()))
}

func (s *Server) revokeOthers(w http.ResponseWriter, r *http.Request) {
	_, err := emptyBody(w, r)
	var si *services.SignedIn
	if err == nil {
		si, err = principalOf(r).signedIn()
	}
	var n int
	if err == nil {
		n, err = s.Auth.RevokeOthers(r.Context(), si)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, linkfin.RevokedOut{Revoked: n})
}

func (s *Server) revokeSession(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	// It takes no body: none, or {}, as every action that takes none.
	_, err := emptyBody(w, r)
	var a *services.Auth
	if err == nil {
		a, err = s.auth()
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	c := &services.RevokeSessions{Actor: p.Org, Admin: p.Role == linkfin.RoleAdmin || p.operator(), By: p.by(), IDs: []string{r.PathValue("id")}}
	if p.session != nil {
		c.UserID = p.session.User.ID
	}
	revoked, err := a.Revoke(r.Context(), c)
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, toSession(&revoked[0], false, s.Auth.Time()))
}

func (s *Server) createUser(w http.ResponseWriter, r *http.Request) {
	p := principalOf(r)
	var in linkfin.UserIn
	body, err := readJSON(w, r, &in)
	var a *services.Auth
	if err == nil {
		a, err = s.auth()
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	org := in.OrgID
	if !p.operator() {
		if org != "" && org != p.Org {
			writeError(w, r, linkfin.Errorf(linkfin.ENOTFOUND, "organization %s not found", org))
			return
		}
		org = p.Org
	}
	u := linkfin.User{OrgID: org, Name: linkfin.NormalizeUserName(in.Name), DisplayName: in.DisplayName, Role: in.Role, Language: in.Language}
	if u.Language == "" {
		u.Language = linkfin.LangZH
	}
	// Checked before the password's slow hash: a bad request costs no hashing.
	err = u.Validate()
	var sealed string
	if err == nil {
		sealed, err = a.SealPassword(u.Name, in.Password)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	c := &services.CreateUser{Actor: p.Org, By: p.by(), User: u, Password: sealed}
	s.submit(w, r, body, decodedForm(r, &in, s.secrets[r.Pattern]), &engine.Request{Commands: []linkfin.Command{c}}, valueAnswer(http.StatusCreated))
}

// userChange answers a change of a user, and forgets the user's sessions, which the
// change may end, before and after it commits.
func (s *Server) userChange(w http.ResponseWriter, r *http.Request, body, form []byte, id string, c linkfin.Command) {
	s.Auth.Changing(id, func() error {
		s.submit(w, r, body, form, &engine.Request{Commands: []linkfin.Command{c}}, valueAnswer(http.StatusOK))
		return nil
	})
}

func (s *Server) updateUser(w http.ResponseWriter, r *http.Request) {
	p, id := principalOf(r), r.PathValue("id")
	var in linkfin.UserPatch
	body, err := readJSON(w, r, &in)
	if err == nil {
		_, err = s.auth()
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	s.userChange(w, r, body, decodedForm(r, &in, s.secrets[r.Pattern]), id, &services.UpdateUser{Actor: p.Org, By: p.by(), ID: id, Patch: in, RemoveSecondFactor: in.RemoveSecondFactor})
}

func (s *Server) setPassword(w http.ResponseWriter, r *http.Request) {
	p, id := principalOf(r), r.PathValue("id")
	var in linkfin.PasswordIn
	body, err := readJSON(w, r, &in)
	var a *services.Auth
	if err == nil {
		a, err = s.auth()
	}
	var u *linkfin.User
	if err == nil {
		// The user must be one the caller sees before anything is hashed.
		u, err = get[linkfin.User](s, r, linkfin.KindUser, id)
	}
	if err == nil {
		self := p.session != nil && p.session.User.ID == id
		switch {
		case self:
			err = a.CheckPassword(r.Context(), u.Name, in.CurrentPassword, source(r))
		case p.Role != linkfin.RoleAdmin && !p.operator():
			err = linkfin.Errorf(linkfin.EFORBIDDEN, "a user's password is set by the user itself or its organization's admin")
		}
	}
	var sealed string
	if err == nil {
		sealed, err = a.SealPassword(u.Name, in.Password)
	}
	if err != nil {
		var re *services.RetryError
		if errors.As(err, &re) {
			w.Header().Set("Retry-After", retryAfter(re.After))
		}
		writeError(w, r, err)
		return
	}
	s.userChange(w, r, body, decodedForm(r, &in, s.secrets[r.Pattern]), id, &services.SetPassword{Actor: p.Org, By: p.by(), ID: id, Password: sealed})
}

// self is the signed-in user the path names: a user enrolls its own second factor.
// Anyone else is refused, and one that does not see the user finds none.
func (s *Server) self(r *http.Request) (*services.SignedIn, error) {
	p, id := principalOf(r), r.PathValue("id")
	if p.session != nil && p.session.User.ID == id {
		return p.session, nil
	}
	if _, err := s.record(r, linkfin.KindUser, id); err != nil {
		return nil, err
	}
	return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "a user enrolls its own second factor alone, signed in")
}

func (s *Server) enrollTOTP(w http.ResponseWriter, r *http.Request) {
	_, err := emptyBody(w, r)
	var si *services.SignedIn
	if err == nil {
		si, err = s.self(r)
	}
	var out *linkfin.TOTPEnrollment
	if err == nil {
		out, err = s.Auth.EnrollTOTP(r.Context(), si)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, out)
}

func (s *Server) confirmTOTP(w http.ResponseWriter, r *http.Request) {
	var in linkfin.TOTPCodeIn
	_, err := readJSON(w, r, &in)
	var si *services.SignedIn
	if err == nil {
		si, err = s.self(r)
	}
	var u *linkfin.User
	if err == nil {
		u, err = s.Auth.ConfirmTOTP(r.Context(), si, in.Code)
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, u)
}

func (s *Server) setSignInPolicy(w http.ResponseWriter, r *http.Request) {
	p, org := principalOf(r), r.PathValue("id")
	var in linkfin.SignInPolicyIn
	body, err := readJSON(w, r, &in)
	if err == nil {
		err = services.Manages(p.viewer(), org)
	}
	if err == nil {
		_, err = s.auth()
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	c := &services.SetSignInPolicy{Actor: p.Org, By: p.by(), OrgID: org, Policy: in}
	// The organization's sessions are read again: a policy binds those open already.
	s.Auth.ForgetOrg(org)
	s.submit(w, r, body, decodedForm(r, &in, s.secrets[r.Pattern]), &engine.Request{Commands: []linkfin.Command{c}}, func(resp *engine.Response) (int, any, error) {
		s.Auth.ForgetOrg(org)
		return http.StatusOK, resp.Outcomes[0].Value, nil
	})
}

func (s *Server) getSignInPolicy(w http.ResponseWriter, r *http.Request) {
	org := r.PathValue("id")
	_, err := s.record(r, linkfin.KindOrganization, org)
	var o *linkfin.Object
	if err == nil {
		o, err = s.Store.Object(r.Context(), linkfin.KindSignInPolicy, org)
		if linkfin.ErrorCode(err) == linkfin.ENOTFOUND {
			writeJSON(w, http.StatusOK, linkfin.SignInPolicy{ID: org, OrgID: org})
			return
		}
	}
	if err != nil {
		writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, json.RawMessage(o.Data))
}
