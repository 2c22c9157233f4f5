package services

import (
	"time"

	"linkfin"
)

// StartSession opens a session for a user whose password (and second factor's code,
// whose time step is TOTPStep) the caller has checked. Its event, session.created,
// is the sign-in's record in the log.
type StartSession struct {
	UserID string
	Stamp  int    // the user's Stamp when its password was checked
	Hash   string // hex SHA-256 of the token's secret
	Source string
	// Absolute and Idle are the session's limits.
	Absolute, Idle time.Duration
	// TOTPStep is the time step of the code given, 0 for none.
	TOTPStep int64
}

// Keys implements linkfin.Command.
func (c *StartSession) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindUser, ID: c.UserID}, {Kind: linkfin.KindCredential, ID: c.UserID}}
}

// DependentKeys implements linkfin.DependentCommand: the user's organization's policy.
func (c *StartSession) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var u linkfin.User
	if found, err := r.Get(linkfin.KindUser, c.UserID, &u); err != nil || !found || u.OrgID == "" {
		return nil
	}
	return []linkfin.ObjectKey{{Kind: linkfin.KindSignInPolicy, ID: u.OrgID}}
}

// Apply implements linkfin.Command.
func (c *StartSession) Apply(tx linkfin.Tx) (any, error) {
	var u linkfin.User
	found, err := tx.Get(linkfin.KindUser, c.UserID, &u)
	if err != nil {
		return nil, err
	}
	if !found || u.Status != linkfin.UserActive || u.Stamp != c.Stamp {
		return nil, linkfin.Errorf(linkfin.EUNAUTHORIZED, "the sign-in name or the password is wrong, or the user is disabled")
	}
	if len(c.Hash) != 64 || c.Absolute <= 0 || c.Idle <= 0 {
		return nil, linkfin.Errorf(linkfin.EINVALID, "a session has a 64-digit hash and positive limits")
	}
	if u.SecondFactor && c.TOTPStep == 0 {
		return nil, linkfin.Errorf(ETOTPREQUIRED, "this user signs in with the code of its authenticator app too")
	}
	now := tx.Now()
	s := linkfin.Session{ID: tx.NewID("ses"), UserID: u.ID, OrgID: u.OrgID, Hash: c.Hash, Source: c.Source, Stamp: u.Stamp,
		CreatedAt: now, SeenAt: now, ExpiresAt: now.Add(c.Absolute), IdleFor: int64(c.Idle / time.Second)}
	if c.TOTPStep != 0 {
		var cr linkfin.Credential
		if _, err := tx.Get(linkfin.KindCredential, u.ID, &cr); err != nil {
			return nil, err
		}
		if c.TOTPStep <= cr.TOTPStep {
			return nil, linkfin.Errorf(ETOTPREPLAYED, "this code has been used already: wait for the next one")
		}
		cr.TOTPStep = c.TOTPStep
		if err := tx.Put(linkfin.KindCredential, u.ID, &cr, "credential.totp_used"); err != nil {
			return nil, err
		}
		s.SecondFactor = true
	}
	if u.OrgID != "" && !u.SecondFactor {
		var p linkfin.SignInPolicy
		if _, err := tx.Get(linkfin.KindSignInPolicy, u.OrgID, &p); err != nil {
			return nil, err
		}
		s.EnrollOnly = p.Requires(u.Role)
	}
	return &s, tx.Put(linkfin.KindSession, s.ID, &s, "session.created")
}

// TouchSession records that a live session was used now, which moves its idle limit.
type TouchSession struct {
	ID string
}

// Keys implements linkfin.Command.
func (c *TouchSession) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindSession, ID: c.ID}}
}

// Apply implements linkfin.Command.
func (c *TouchSession) Apply(tx linkfin.Tx) (any, error) {
	var s linkfin.Session
	found, err := tx.Get(linkfin.KindSession, c.ID, &s)
	if err != nil {
		return nil, err
	}
	if !found || !s.Live(tx.Now()) {
		return nil, linkfin.Errorf(linkfin.EUNAUTHORIZED, "the session has ended: sign in again")
	}
	s.SeenAt = tx.Now()
	return &s, tx.Put(linkfin.KindSession, s.ID, &s, "session.seen")
}

// RevokeSessions ends sessions: a user's own (UserID, not Admin), or any of its
// organization's as its admin (Actor, Admin), or any as the operator (Actor "",
// Admin). A session the actor may not end is not found; one ended already is
// answered as it is. Signing out is revoking one's own session; its event,
// session.revoked, names who ended it.
type RevokeSessions struct {
	Actor  string
	Admin  bool
	UserID string
	By     string
	IDs    []string
}

// Keys implements linkfin.Command.
func (c *RevokeSessions) Keys() []linkfin.ObjectKey {
	keys := make([]linkfin.ObjectKey, len(c.IDs))
	for i, id := range c.IDs {
		keys[i] = linkfin.ObjectKey{Kind: linkfin.KindSession, ID: id}
	}
	return keys
}

// Validate implements linkfin.Validator.
func (c *RevokeSessions) Validate() error {
	if len(c.IDs) == 0 || len(c.IDs) > 1000 {
		return linkfin.Errorf(linkfin.EINVALID, "revoke 1 to 1000 sessions at once")
	}
	return nil
}

// Apply implements linkfin.Command.
func (c *RevokeSessions) Apply(tx linkfin.Tx) (any, error) {
	out := make([]linkfin.Session, 0, len(c.IDs))
	now := tx.Now()
	for _, id := range c.IDs {
		var s linkfin.Session
		found, err := tx.Get(linkfin.KindSession, id, &s)
		if err != nil {
			return nil, err
		}
		mine := c.Admin && (c.Actor == "" || c.Actor == s.OrgID) || c.UserID != "" && c.UserID == s.UserID
		if !found || !mine {
			return nil, notFound(linkfin.KindSession, id)
		}
		if s.RevokedAt == nil {
			s.RevokedAt, s.RevokedBy = &now, by(c.By)
			if err := tx.Put(linkfin.KindSession, s.ID, &s, "session.revoked"); err != nil {
				return nil, err
			}
		}
		out = append(out, s)
	}
	return out, nil
}

// EnrollTOTP keeps a new second factor's secret (sealed by the caller) until the user
// confirms it with a code. Only the user itself enrolls.
type EnrollTOTP struct {
	UserID string
	Secret string // sealed
}

// Keys implements linkfin.Command.
func (c *EnrollTOTP) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindUser, ID: c.UserID}, {Kind: linkfin.KindCredential, ID: c.UserID}}
}

// Apply implements linkfin.Command.
func (c *EnrollTOTP) Apply(tx linkfin.Tx) (any, error) {
	u, err := userOf(tx, "", c.UserID)
	if err != nil {
		return nil, err
	}
	if u.SecondFactor {
		return nil, linkfin.Errorf(ETOTPENROLLED, "this user has a second factor already: an admin removes it before another is enrolled")
	}
	var cr linkfin.Credential
	if _, err := tx.Get(linkfin.KindCredential, u.ID, &cr); err != nil {
		return nil, err
	}
	cr.TOTPPending = c.Secret
	return u, tx.Put(linkfin.KindCredential, u.ID, &cr, "credential.totp_pending")
}

// ConfirmTOTP makes the pending second factor the user's, once the caller has checked
// a code of it (whose step is Step). The session it confirms from, if it could only
// enroll, now opens what the user may do.
type ConfirmTOTP struct {
	UserID    string
	SessionID string
	Pending   string // the sealed secret the code was checked against
	Step      int64
}

// Keys implements linkfin.Command.
func (c *ConfirmTOTP) Keys() []linkfin.ObjectKey {
	keys := []linkfin.ObjectKey{{Kind: linkfin.KindUser, ID: c.UserID}, {Kind: linkfin.KindCredential, ID: c.UserID}}
	if c.SessionID != "" {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindSession, ID: c.SessionID})
	}
	return keys
}

// Apply implements linkfin.Command.
func (c *ConfirmTOTP) Apply(tx linkfin.Tx) (any, error) {
	u, err := userOf(tx, "", c.UserID)
	if err != nil {
		return nil, err
	}
	var cr linkfin.Credential
	if _, err := tx.Get(linkfin.KindCredential, u.ID, &cr); err != nil {
		return nil, err
	}
	if u.SecondFactor {
		return nil, linkfin.Errorf(ETOTPENROLLED, "this user has a second factor already")
	}
	if cr.TOTPPending == "" || cr.TOTPPending != c.Pending {
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "no second factor is waiting for confirmation: enroll again")
	}
	if c.Step <= cr.TOTPStep {
		return nil, linkfin.Errorf(ETOTPREPLAYED, "this code has been used already: wait for the next one")
	}
	cr.TOTP, cr.TOTPPending, cr.TOTPStep = cr.TOTPPending, "", c.Step
	if err := tx.Put(linkfin.KindCredential, u.ID, &cr, "credential.totp_confirmed"); err != nil {
		return nil, err
	}
	if c.SessionID != "" {
		var s linkfin.Session
		if found, err := tx.Get(linkfin.KindSession, c.SessionID, &s); err != nil {
			return nil, err
		} else if found && s.UserID == u.ID && s.RevokedAt == nil {
			s.EnrollOnly, s.SecondFactor = false, true
			if err := tx.Put(linkfin.KindSession, s.ID, &s, "session.second_factor"); err != nil {
				return nil, err
			}
		}
	}
	now := tx.Now()
	u.SecondFactor, u.UpdatedBy, u.UpdatedAt = true, "user:"+u.ID, &now
	return u, tx.Put(linkfin.KindUser, u.ID, u, "user.second_factor_enrolled")
}
