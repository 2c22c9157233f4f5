package services

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"

	"golang.org/x/crypto/argon2"

	"linkfin"
)

// Argon2id's parameters: OWASP's recommendation of 19 MiB, two passes, one lane,
// a 16-byte salt and a 32-byte hash. A hash keeps its parameters (PHC form), so they
// may grow without invalidating the passwords already set.
const (
	argonMemory  = 19 * 1024 // KiB
	argonTime    = 2
	argonThreads = 1
	argonSalt    = 16
	argonKeyLen  = 32
)

// HashPassword hashes a password with Argon2id and a random salt, in PHC form:
// "$argon2id$v=19$m=19456,t=2,p=1$<salt>$<hash>" (unpadded base64). It takes tens of
// milliseconds, on purpose: hash before submitting a command, never inside one.
func HashPassword(password string) (string, error) {
	if err := linkfin.ValidatePassword(password); err != nil {
		return "", err
	}
	salt := make([]byte, argonSalt)
	rand.Read(salt)
	h := argon2.IDKey([]byte(password), salt, argonTime, argonMemory, argonThreads, argonKeyLen)
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version, argonMemory, argonTime, argonThreads,
		base64.RawStdEncoding.EncodeToString(salt), base64.RawStdEncoding.EncodeToString(h)), nil
}

// VerifyPassword reports whether the password matches the PHC hash, comparing in
// constant time. A malformed hash, or a password out of bounds, matches nothing.
func VerifyPassword(password, phc string) bool {
	if len(password) > linkfin.MaxPassword {
		return false
	}
	parts := strings.Split(phc, "$")
	if len(parts) != 6 || parts[1] != "argon2id" || parts[2] != fmt.Sprintf("v=%d", argon2.Version) {
		return false
	}
	var m uint32
	var t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil || m == 0 || m > 1<<20 || t == 0 || t > 16 || p == 0 {
		return false
	}
	salt, err := base64.RawStdEncoding.DecodeString(parts[4])
	if err != nil {
		return false
	}
	want, err := base64.RawStdEncoding.DecodeString(parts[5])
	if err != nil || len(want) < 16 || len(want) > 64 {
		return false
	}
	got := argon2.IDKey([]byte(password), salt, t, m, p, uint32(len(want)))
	return subtle.ConstantTimeCompare(got, want) == 1
}

// dummyHash is verified against when a sign-in names no user, so that a name that
// does not exist costs as long as a wrong password. It is made on first use, not when
// every program that imports this package starts.
var dummyHash = sync.OnceValue(func() string {
	h, _ := HashPassword("linkfin-no-such-user-password")
	return h
})

// sealPrefix starts a sealed value: the version of the scheme.
const sealPrefix = "v1."

// Seal encrypts a secret under the credentials key (AES-256-GCM, random nonce), bound
// to what it is the secret of (aad: the user's id and the field), so that a sealed
// value copied to another user or field does not open.
func Seal(key []byte, aad, plain string) (string, error) {
	g, err := gcm(key)
	if err != nil {
		return "", err
	}
	nonce := make([]byte, g.NonceSize())
	rand.Read(nonce)
	return sealPrefix + base64.RawURLEncoding.EncodeToString(g.Seal(nonce, nonce, []byte(plain), []byte(aad))), nil
}

// Unseal opens what Seal sealed.
func Unseal(key []byte, aad, sealed string) (string, error) {
	g, err := gcm(key)
	if err != nil {
		return "", err
	}
	rest, ok := strings.CutPrefix(sealed, sealPrefix)
	b, err := base64.RawURLEncoding.DecodeString(rest)
	if !ok || err != nil || len(b) < g.NonceSize() {
		return "", fmt.Errorf("unseal: not a sealed value")
	}
	plain, err := g.Open(nil, b[:g.NonceSize()], b[g.NonceSize():], []byte(aad))
	if err != nil {
		return "", fmt.Errorf("unseal: %w (is this the server's credentials key?)", err)
	}
	return string(plain), nil
}

func gcm(key []byte) (cipher.AEAD, error) {
	if len(key) != 32 {
		return nil, fmt.Errorf("the credentials key has 32 bytes, not %d", len(key))
	}
	b, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(b)
}

// The aad of each sealed field of a credential: the user's sign-in name, which never
// changes and, unlike its id, is known before the user is made.
func passwordAAD(name string) string { return "password/" + name }
func totpAAD(name string) string     { return "totp/" + name }
