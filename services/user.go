package services

import (
	"slices"

	"linkfin"
)

// People's accounts: users, their credentials and their sessions. Passwords are
// hashed and sealed, and second factors' codes checked, by the caller before it
// submits a command (Auth does it): a command only compares what it is given with
// what the records hold, so the writer never spends a password hash's time.

// Codes of refusals about users and sessions.
const (
	EUSERNAMETAKEN = "user_name_taken"
	// ETOTPREQUIRED: the user has a second factor and the sign-in gave no code.
	ETOTPREQUIRED = "totp_required"
	// ETOTPREPLAYED: the code, or a later one, has already opened a session.
	ETOTPREPLAYED = "totp_replayed"
	// ETOTPENROLLED: the user has a second factor already.
	ETOTPENROLLED = "totp_enrolled"
	// EENROLLREQUIRED: the organization requires a second factor the user has not
	// enrolled; until it has, its session may only enroll one.
	EENROLLREQUIRED = "second_factor_enrollment_required"
	// ESIGNINLIMITED: too many failed sign-ins for the name or from the address.
	ESIGNINLIMITED = "sign_in_rate_limited"
	// ECSRF: a request a session's cookie authenticates that changes something came
	// without its CSRF token, or from another origin.
	ECSRF = "csrf_failed"
)

// ByOperator names the operator in a record's created_by or updated_by when no key
// or user is known.
const ByOperator = "operator"

// userOf reads a user that the actor (an organization, "" for the operator) manages.
func userOf(tx linkfin.Tx, actor, id string) (*linkfin.User, error) {
	var u linkfin.User
	found, err := tx.Get(linkfin.KindUser, id, &u)
	if err != nil {
		return nil, err
	}
	if !found || actor != "" && actor != u.OrgID {
		return nil, notFound(linkfin.KindUser, id)
	}
	return &u, nil
}

func by(b string) string {
	if b == "" {
		return ByOperator
	}
	return b
}

// CreateUser makes a user of an organization (or, from the operator with OrgID "",
// an operator user), with a password the caller hashed and sealed (Auth.SealPassword).
// The actor is the organization acting ("" for the operator); an organization makes
// users for itself alone. By names the key or user that acts ("key:<id>",
// "user:<id>").
type CreateUser struct {
	Actor    string
	By       string
	User     linkfin.User // OrgID, Name, DisplayName, Role, Language
	Password string       // sealed PHC hash
}

// Keys implements linkfin.Command.
func (c *CreateUser) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindUserName, ID: c.User.Name}, {Kind: linkfin.KindOrganization, ID: c.User.OrgID}}
}

// Validate implements linkfin.Validator.
func (c *CreateUser) Validate() error {
	if c.Password == "" {
		return linkfin.Errorf(linkfin.EINVALID, "a user has a password")
	}
	u := c.User
	if u.Language == "" {
		u.Language = linkfin.LangZH
	}
	return u.Validate()
}

// Apply implements linkfin.Command.
func (c *CreateUser) Apply(tx linkfin.Tx) (any, error) {
	u := c.User
	if u.Language == "" {
		u.Language = linkfin.LangZH
	}
	if err := u.Validate(); err != nil {
		return nil, err
	}
	if c.Actor != "" && c.Actor != u.OrgID {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "organization %s not found", u.OrgID)
	}
	if u.OrgID != "" {
		if _, err := organization(tx, u.OrgID); err != nil {
			return nil, err
		}
	}
	var taken linkfin.UserName
	if found, err := tx.Get(linkfin.KindUserName, u.Name, &taken); err != nil {
		return nil, err
	} else if found {
		return nil, linkfin.Errorf(EUSERNAMETAKEN, "the sign-in name %s is taken: choose another", u.Name)
	}
	u.ID = tx.NewID("usr")
	u.Status, u.SecondFactor, u.Stamp = linkfin.UserActive, false, 0
	u.CreatedBy, u.CreatedAt, u.UpdatedBy, u.UpdatedAt = by(c.By), tx.Now(), "", nil
	if err := tx.Put(linkfin.KindUserName, u.Name, &linkfin.UserName{ID: u.Name, UserID: u.ID}, "user_name.taken"); err != nil {
		return nil, err
	}
	if err := tx.Put(linkfin.KindCredential, u.ID, &linkfin.Credential{ID: u.ID, Password: c.Password}, "credential.password_set"); err != nil {
		return nil, err
	}
	return &u, tx.Put(linkfin.KindUser, u.ID, &u, "user.created")
}

// UpdateUser changes a user's display name, role, language or status, or removes its
// second factor (SecondFactor false), as its organization's admin or the operator. An
// admin user neither disables itself nor gives up its own admin role: another admin
// does, so that an organization is never left without one by mistake.
//
// The API keys the user owns act with its standing: disabling the user revokes every
// one of them, and lowering its role those whose role its new one does not include
// (an admin made finance loses its admin keys), in the same command. They stay
// revoked when the user is enabled again, or given back its role, as its sessions do.
type UpdateUser struct {
	Actor string
	By    string
	ID    string
	Patch linkfin.UserPatch
	// RemoveSecondFactor removes the user's second factor, so that it enrolls again.
	RemoveSecondFactor bool
}

// Keys implements linkfin.Command.
func (c *UpdateUser) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindUser, ID: c.ID}, {Kind: linkfin.KindCredential, ID: c.ID},
		{Kind: linkfin.KindUserKeys, ID: c.ID}}
}

// DependentKeys implements linkfin.DependentCommand: the keys the user owns, and
// their organizations' counts.
func (c *UpdateUser) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var l linkfin.UserKeys
	if found, err := r.Get(linkfin.KindUserKeys, c.ID, &l); err != nil || !found {
		return nil
	}
	var keys []linkfin.ObjectKey
	for _, id := range l.Keys {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindAPIKey, ID: id})
		var k linkfin.APIKey
		if found, err := r.Get(linkfin.KindAPIKey, id, &k); err == nil && found {
			keys = append(keys, keyKeys(&k)...)
		}
	}
	return keys
}

// Apply implements linkfin.Command.
func (c *UpdateUser) Apply(tx linkfin.Tx) (any, error) {
	u, err := userOf(tx, c.Actor, c.ID)
	if err != nil {
		return nil, err
	}
	p := c.Patch
	if p.DisplayName != nil {
		u.DisplayName = *p.DisplayName
	}
	if p.Role != nil {
		u.Role = *p.Role
	}
	if p.Language != nil {
		u.Language = *p.Language
	}
	if p.Status != nil {
		if *p.Status != linkfin.UserActive && *p.Status != linkfin.UserDisabled {
			return nil, linkfin.Errorf(linkfin.EINVALID, "a user's status is %s or %s", linkfin.UserActive, linkfin.UserDisabled)
		}
		if *p.Status == linkfin.UserDisabled && u.Status != linkfin.UserDisabled {
			// Its sessions end for good, as on a new password: enabling the user again
			// does not open them again (a disabled user may be one whose session was
			// stolen).
			u.Stamp++
		}
		u.Status = *p.Status
	}
	if err := u.Validate(); err != nil {
		return nil, err
	}
	if c.By == "user:"+u.ID && (u.Status != linkfin.UserActive || u.OrgID != "" && u.Role != linkfin.RoleAdmin) {
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "an admin neither disables itself nor drops its own admin role: ask another admin")
	}
	if c.RemoveSecondFactor && u.SecondFactor {
		var cr linkfin.Credential
		if _, err := tx.Get(linkfin.KindCredential, u.ID, &cr); err != nil {
			return nil, err
		}
		cr.TOTP, cr.TOTPPending = "", ""
		if err := tx.Put(linkfin.KindCredential, u.ID, &cr, "credential.totp_removed"); err != nil {
			return nil, err
		}
		u.SecondFactor = false
	}
	if err := revokeBeyond(tx, u); err != nil {
		return nil, err
	}
	now := tx.Now()
	u.UpdatedBy, u.UpdatedAt = by(c.By), &now
	event := "user.updated"
	if p.Status != nil && *p.Status == linkfin.UserDisabled {
		event = "user.disabled"
	}
	return u, tx.Put(linkfin.KindUser, u.ID, u, event)
}

// revokeBeyond revokes the live keys the user owns that its standing no longer
// covers: all of them when it is disabled, else those of a role its own does not
// include.
func revokeBeyond(tx linkfin.Tx, u *linkfin.User) error {
	var l linkfin.UserKeys
	if _, err := tx.Get(linkfin.KindUserKeys, u.ID, &l); err != nil {
		return err
	}
	for _, id := range slices.Clone(l.Keys) { // revoke changes the list
		var k linkfin.APIKey
		if found, err := tx.Get(linkfin.KindAPIKey, id, &k); err != nil {
			return err
		} else if !found || k.RevokedAt != nil {
			continue
		}
		if u.Status == linkfin.UserActive && u.Role.Includes(k.Role) {
			continue
		}
		if err := revoke(tx, &k); err != nil {
			return err
		}
	}
	return nil
}

// SetPassword sets a user's password (hashed and sealed by the caller), as its
// organization's admin, the operator, or the user itself (Actor its organization).
// Every session the user had ends: they were opened with the old password.
type SetPassword struct {
	Actor    string
	By       string
	ID       string
	Password string // sealed PHC hash
}

// Keys implements linkfin.Command.
func (c *SetPassword) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindUser, ID: c.ID}, {Kind: linkfin.KindCredential, ID: c.ID}}
}

// Apply implements linkfin.Command.
func (c *SetPassword) Apply(tx linkfin.Tx) (any, error) {
	u, err := userOf(tx, c.Actor, c.ID)
	if err != nil {
		return nil, err
	}
	if c.Password == "" {
		return nil, linkfin.Errorf(linkfin.EINVALID, "a user has a password")
	}
	var cr linkfin.Credential
	if _, err := tx.Get(linkfin.KindCredential, u.ID, &cr); err != nil {
		return nil, err
	}
	cr.ID, cr.Password = u.ID, c.Password
	if err := tx.Put(linkfin.KindCredential, u.ID, &cr, "credential.password_set"); err != nil {
		return nil, err
	}
	now := tx.Now()
	u.Stamp++
	u.UpdatedBy, u.UpdatedAt = by(c.By), &now
	return u, tx.Put(linkfin.KindUser, u.ID, u, "user.password_changed")
}

// SetSignInPolicy sets an organization's sign-in rules, as its admin or the
// operator.
type SetSignInPolicy struct {
	Actor  string
	By     string
	OrgID  string
	Policy linkfin.SignInPolicyIn
}

// Keys implements linkfin.Command.
func (c *SetSignInPolicy) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindOrganization, ID: c.OrgID}, {Kind: linkfin.KindSignInPolicy, ID: c.OrgID}}
}

// Apply implements linkfin.Command.
func (c *SetSignInPolicy) Apply(tx linkfin.Tx) (any, error) {
	if c.Actor != "" && c.Actor != c.OrgID {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "organization %s not found", c.OrgID)
	}
	if _, err := organization(tx, c.OrgID); err != nil {
		return nil, err
	}
	now := tx.Now()
	p := linkfin.SignInPolicy{ID: c.OrgID, OrgID: c.OrgID, RequireSecondFactor: c.Policy.RequireSecondFactor, UpdatedBy: by(c.By), UpdatedAt: &now}
	return &p, tx.Put(linkfin.KindSignInPolicy, p.ID, &p, "sign_in_policy.set")
}
