package linkfin

import (
	"crypto/sha256"
	"encoding/hex"
	"slices"
	"strings"
	"time"
)

// People sign in as users; machines use API keys. A user belongs to one organization
// (or, with the operator role, to the platform) and carries a role as a key does.

// The record kinds of people's sign-in.
const (
	KindUser         = "user"           // a person: name, role, language, status
	KindUserName     = "user_name"      // the platform-wide index of sign-in names
	KindCredential   = "credential"     // a user's password and second factor, sealed
	KindSession      = "session"        // a signed-in browser or client
	KindSignInPolicy = "sign_in_policy" // an organization's sign-in rules
)

// Languages a user may choose.
const (
	LangZH = "zh-CN"
	LangEN = "en"
)

// Languages lists the languages of the console, the default first.
var Languages = []string{LangZH, LangEN}

// The statuses of a user.
const (
	UserActive   = "active"
	UserDisabled = "disabled"
)

// Bounds of a user's texts and password. A password's length is counted in bytes,
// as Argon2id reads it.
const (
	MinUserName    = 3
	MaxUserName    = 64
	MaxDisplayName = 100
	MinPassword    = 12
	MaxPassword    = 256
)

// Codes of password refusals.
const (
	EPASSWORDSHORT = "password_too_short"
	EPASSWORDLONG  = "password_too_long"
)

// User is a person who signs in for an organization. Nothing secret is in it: its
// password and second factor are in its Credential, which no organization reads, and
// its events are readable by its organization.
type User struct {
	ID          string `json:"id"`
	OrgID       string `json:"org_id,omitempty"` // "" for an operator user
	Name        string `json:"name"`             // the sign-in name, unique on the platform, lower case
	DisplayName string `json:"display_name,omitempty"`
	Role        Role   `json:"role"`
	Language    string `json:"language"`
	Status      string `json:"status"`
	// SecondFactor says the user signs in with a TOTP code too.
	SecondFactor bool `json:"second_factor"`
	// Stamp counts the user's password changes and disablings: a session made under an
	// older stamp opens nothing, even once the user is enabled again.
	Stamp     int        `json:"stamp"`
	CreatedBy string     `json:"created_by"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedBy string     `json:"updated_by,omitempty"`
	UpdatedAt *time.Time `json:"updated_at,omitempty"`
}

// Parties implements Partied.
func (u *User) Parties() []string { return parties(u.OrgID) }

// Validate checks the fields a caller gives: name, display name, role and language.
func (u *User) Validate() error {
	if err := ValidateUserName(u.Name); err != nil {
		return err
	}
	if err := ValidateText("display_name", u.DisplayName, MaxDisplayName, false); err != nil {
		return err
	}
	switch {
	case u.OrgID == "" && u.Role != RoleOperator:
		return Errorf(EINVALID, "a user of the platform itself has the operator role")
	case u.OrgID != "" && !slices.Contains(Roles, u.Role):
		return Errorf(EINVALID, "a user's role is one of %v", Roles)
	}
	if !slices.Contains(Languages, u.Language) {
		return Errorf(EINVALID, "a user's language is one of %v", Languages)
	}
	return nil
}

// ValidateUserName checks a sign-in name: 3 to 64 lower-case letters, digits and
// ".", "_", "-", "@", starting with a letter or digit (an e-mail address fits).
func ValidateUserName(name string) error {
	if len(name) < MinUserName || len(name) > MaxUserName {
		return Errorf(EINVALID, "a sign-in name has %d to %d characters", MinUserName, MaxUserName)
	}
	for i := 0; i < len(name); i++ {
		c := name[i]
		ok := c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || i > 0 && strings.IndexByte("._-@", c) >= 0
		if !ok {
			return Errorf(EINVALID, "a sign-in name %s holds only lower-case letters, digits, '.', '_', '-' and '@', and starts with a letter or digit", quote(name))
		}
	}
	return nil
}

// NormalizeUserName is the sign-in name as the platform keeps it: without surrounding
// spaces, in lower case.
func NormalizeUserName(name string) string { return strings.ToLower(strings.TrimSpace(name)) }

// ValidatePassword checks a password's length: 12 to 256 bytes.
func ValidatePassword(p string) error {
	if len(p) < MinPassword {
		return Errorf(EPASSWORDSHORT, "a password has at least %d bytes", MinPassword)
	}
	if len(p) > MaxPassword {
		return Errorf(EPASSWORDLONG, "a password has at most %d bytes", MaxPassword)
	}
	return nil
}

// UserName maps a sign-in name (its id) to its user. It has no parties: only the
// operator reads it, so a name taken elsewhere tells an organization nothing but that
// it is taken.
type UserName struct {
	ID     string `json:"id"`
	UserID string `json:"user_id"`
}

// Credential is what a user proves who it is with. Password is the user's Argon2id
// hash in PHC form, and TOTP its second factor's secret, each sealed (AES-256-GCM)
// under the server's credentials key before it reaches the engine: the log holds
// neither in readable form. It has no parties: no organization reads it.
type Credential struct {
	ID          string `json:"id"` // the user's id
	Password    string `json:"password"`
	TOTP        string `json:"totp,omitempty"`         // the confirmed secret
	TOTPPending string `json:"totp_pending,omitempty"` // a secret shown, not yet confirmed
	// TOTPStep is the last time step whose code opened a session: a code of it or an
	// earlier step is not taken again.
	TOTPStep int64 `json:"totp_step,omitempty"`
}

// SignInPolicy is an organization's sign-in rules, set by its admin. Its id is the
// organization's.
type SignInPolicy struct {
	ID    string `json:"id"`
	OrgID string `json:"org_id"`
	// RequireSecondFactor makes the organization's admin and finance users sign in
	// with a TOTP code; one who has none may only enroll until it has.
	RequireSecondFactor bool       `json:"require_second_factor"`
	UpdatedBy           string     `json:"updated_by,omitempty"`
	UpdatedAt           *time.Time `json:"updated_at,omitempty"`
}

// Parties implements Partied.
func (p *SignInPolicy) Parties() []string { return parties(p.OrgID) }

// Requires reports whether the policy requires a second factor of the role.
func (p *SignInPolicy) Requires(r Role) bool {
	return p != nil && p.RequireSecondFactor && (r == RoleAdmin || r == RoleFinance)
}

// Session is a signed-in user. The token that opens it, "<id>.<secret>", is shown
// once, when it is made (in a cookie); the session keeps the SHA-256 of its secret.
type Session struct {
	ID        string    `json:"id"`
	UserID    string    `json:"user_id"`
	OrgID     string    `json:"org_id,omitempty"`
	Hash      string    `json:"hash"`   // hex SHA-256 of the token's secret
	Source    string    `json:"source"` // the address it signed in from
	Stamp     int       `json:"stamp"`  // the user's Stamp at sign-in
	CreatedAt time.Time `json:"created_at"`
	// SeenAt is when it was last used, as recorded: a session unused for its idle
	// limit ends.
	SeenAt    time.Time `json:"seen_at"`
	ExpiresAt time.Time `json:"expires_at"` // its absolute limit
	IdleFor   int64     `json:"idle_seconds"`
	// SecondFactor says it was opened with a TOTP code; EnrollOnly that the user must
	// enroll a second factor before it does anything else.
	SecondFactor bool       `json:"second_factor,omitempty"`
	EnrollOnly   bool       `json:"enroll_only,omitempty"`
	RevokedAt    *time.Time `json:"revoked_at,omitempty"`
	RevokedBy    string     `json:"revoked_by,omitempty"`
}

// Parties implements Partied: its organization, and its user, under whose id the
// store's index lists a user's sessions (a user id is never an organization's).
func (s *Session) Parties() []string { return parties(s.OrgID, s.UserID) }

// Live reports whether the session opens anything at now.
func (s *Session) Live(now time.Time) bool {
	return s.RevokedAt == nil && now.Before(s.ExpiresAt) && now.Sub(s.SeenAt) < time.Duration(s.IdleFor)*time.Second
}

// HashSecret is the hex SHA-256 of a session token's secret.
func HashSecret(secret string) string {
	h := sha256.Sum256([]byte(secret))
	return hex.EncodeToString(h[:])
}

// ParseSessionToken splits a session token "<id>.<secret>".
func ParseSessionToken(token string) (id, secret string, ok bool) {
	id, secret, ok = strings.Cut(token, ".")
	if !ok || len(secret) < 43 || len(secret) > 64 || ValidateID("session id", id) != nil {
		return "", "", false
	}
	return id, secret, true
}

// UserIn makes a user of the caller's organization (or, from the operator, of the
// organization named; an operator user has no organization and the operator role).
//
// A field tagged secret:"true" here and in the other bodies below (a password, a
// one-time code) is left out of what the API keeps of a request: the fingerprint it
// keeps with the answer under an Idempotency-Key. The OpenAPI document marks it
// writeOnly, of format password.
type UserIn struct {
	OrgID       string `json:"org_id,omitempty"`
	Name        string `json:"name"`
	DisplayName string `json:"display_name,omitempty"`
	Role        Role   `json:"role"`
	Language    string `json:"language,omitempty"` // zh-CN if not given
	Password    string `json:"password" secret:"true"`
}

// UserPatch changes a user: what it names, nothing else.
type UserPatch struct {
	DisplayName *string `json:"display_name,omitempty"`
	Role        *Role   `json:"role,omitempty"`
	Language    *string `json:"language,omitempty"`
	Status      *string `json:"status,omitempty"` // active or disabled
	// RemoveSecondFactor removes the user's second factor, so that it enrolls again.
	RemoveSecondFactor bool `json:"remove_second_factor,omitempty"`
}

// PasswordIn sets a user's password.
type PasswordIn struct {
	Password string `json:"password" secret:"true"`
	// CurrentPassword is the user's current one, when it sets its own.
	CurrentPassword string `json:"current_password,omitempty" secret:"true"`
}

// RevokedOut counts the sessions a request revoked.
type RevokedOut struct {
	Revoked int `json:"revoked"`
}

// SignInIn signs a user in.
type SignInIn struct {
	Name     string `json:"name"`
	Password string `json:"password" secret:"true"`
	Code     string `json:"code,omitempty" secret:"true"` // the TOTP code, for a user with a second factor
}

// SessionOut is a session as the API shows it: never its token or hash. CSRFToken,
// which a request the session's cookie authenticates must send as X-CSRF-Token when
// it changes anything, is in the answer that signs in, and in GET
// /v1/sessions/current.
type SessionOut struct {
	ID           string `json:"id"`
	UserID       string `json:"user_id"`
	OrgID        string `json:"org_id,omitempty"`
	Source       string `json:"source"`
	CreatedAt    string `json:"created_at"`
	SeenAt       string `json:"seen_at"`
	ExpiresAt    string `json:"expires_at"`
	Status       string `json:"status"` // live, expired or revoked
	SecondFactor bool   `json:"second_factor"`
	EnrollOnly   bool   `json:"enroll_only,omitempty"`
	RevokedAt    string `json:"revoked_at,omitempty"`
	Current      bool   `json:"current,omitempty"`
	CSRFToken    string `json:"csrf_token,omitempty"`
}

// SignInPolicyIn sets an organization's sign-in rules.
type SignInPolicyIn struct {
	RequireSecondFactor bool `json:"require_second_factor"`
}

// TOTPEnrollment is a second factor's secret, shown once: as an otpauth:// URI for an
// authenticator app, and as base32 to type in.
type TOTPEnrollment struct {
	URI    string `json:"uri"`
	Secret string `json:"secret"`
}

// TOTPCodeIn confirms a second factor with a code of it.
type TOTPCodeIn struct {
	Code string `json:"code" secret:"true"`
}

// KindAttribution is the record kind that says who acted.
const KindAttribution = "attribution"

// Attribution says who caused a change: the key or the user that sent the request,
// and the records the change wrote. It is written by the same command, right after
// those records, so its event follows theirs in the log. Its party is the
// organization that acted: which of its people did what is its own business (and
// the operator's).
type Attribution struct {
	ID      string   `json:"id"`
	OrgID   string   `json:"org_id,omitempty"` // "" for the operator
	By      string   `json:"by"`               // "key:<id>" or "user:<id>"
	Records []string `json:"records"`          // "<kind>/<id>" of each record written, in order
}

// Parties implements Partied.
func (a *Attribution) Parties() []string { return parties(a.OrgID) }
