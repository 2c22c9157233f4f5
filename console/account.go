package console

import (
	"html/template"
	"net/http"
	"strings"

	"linkfin"
	"linkfin/services"
)

// accountView is a person's own account: its sessions, and a second factor being set
// up.
type accountView struct {
	User     linkfin.User
	Sessions []sessionRow
	Enroll   *linkfin.TOTPEnrollment // shown once, right after it is made
	// AppLink is the enrollment's otpauth:// address, which html/template would
	// otherwise refuse as a link of a scheme it does not know.
	AppLink template.URL
	// EnrollOnly: the session may only set up a second factor, which the
	// organization requires.
	EnrollOnly bool
}

type sessionRow struct {
	linkfin.Session
	Status  string
	Current bool
}

// account shows the person's sessions (where and when it signed in, which are live),
// and lets it end the others, change its password and set up a second factor.
func (c *Console) account(w http.ResponseWriter, r *http.Request, p *Person) {
	c.renderAccount(w, r, p, accountView{})
}

func (c *Console) renderAccount(w http.ResponseWriter, r *http.Request, p *Person, v accountView) {
	v.User, v.EnrollOnly = p.session.User, p.session.Session.EnrollOnly
	sessions, _, err := c.Auth.Sessions(r.Context(), p.UserID, "", 100)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	now := c.Auth.Time()
	for i := len(sessions) - 1; i >= 0; i-- { // the newest first
		s := sessions[i]
		v.Sessions = append(v.Sessions, sessionRow{Session: s.Session, Status: services.SessionStatus(&s.Session, s.Ended, now), Current: s.ID == p.session.Session.ID})
	}
	c.render(w, r, http.StatusOK, "account", "account.title", p, v, "")
}

// revokeSessions ends every other live session of the person's.
func (c *Console) revokeSessions(w http.ResponseWriter, r *http.Request, p *Person) {
	n, err := c.Auth.RevokeOthers(r.Context(), p.session)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	c.doneWith(w, r, p, langFor(r, p).T("account.revoked", n))
}

// changePassword sets a new password after checking the current one; every session
// the user had ends with it, so the person signs in again.
func (c *Console) changePassword(w http.ResponseWriter, r *http.Request, p *Person) {
	u := p.session.User
	if err := c.Auth.CheckPassword(r.Context(), u.Name, r.PostFormValue("current"), source(r)); err != nil {
		if linkfin.ErrorCode(err) == linkfin.EUNAUTHORIZED {
			// Not "sign in first": the person is signed in, and typed another password.
			err = &fieldError{Field: "current", Key: "account.wrong_current", Nth: -1, err: err}
		}
		c.fail(w, r, p, err)
		return
	}
	if err := linkfin.ValidatePassword(r.PostFormValue("new")); err != nil {
		c.fail(w, r, p, inField("new", "", err))
		return
	}
	sealed, err := c.Auth.SealPassword(u.Name, r.PostFormValue("new"))
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	err = c.Auth.Changing(u.ID, func() error {
		// Its own password: a viewer changes it too.
		_, err := c.actOnOwn(r.Context(), p, r.PostForm, &services.SetPassword{Actor: u.OrgID, By: p.session.By(), ID: u.ID, Password: sealed})
		return err
	})
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	done(w, r, "/sign-in")
}

// enrollTOTP makes a second factor and shows its secret, this once.
func (c *Console) enrollTOTP(w http.ResponseWriter, r *http.Request, p *Person) {
	e, err := c.Auth.EnrollTOTP(r.Context(), p.session)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	v := accountView{Enroll: e}
	if strings.HasPrefix(e.URI, "otpauth://") {
		v.AppLink = template.URL(e.URI) // made here, by the TOTP library: not the request's
	}
	c.renderAccount(w, r, p, v)
}

// confirmTOTP checks a first code of the new second factor, which from then on the
// person signs in with.
func (c *Console) confirmTOTP(w http.ResponseWriter, r *http.Request, p *Person) {
	if _, err := c.Auth.ConfirmTOTP(r.Context(), p.session, r.PostFormValue("code")); err != nil {
		c.fail(w, r, p, inField("code", "", err))
		return
	}
	c.doneWith(w, r, p, langFor(r, p).T("account.totp_on"))
}
