package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"strconv"
	"strings"
	"time"
)

// SecretPrefix starts a signing secret as the API shows it: "whsec_<64 hex digits>".
const SecretPrefix = "whsec_"

// DefaultTolerance is how old a signature Verify accepts when given no tolerance.
const DefaultTolerance = 5 * time.Minute

// Secret is an endpoint's signing secret: HMAC-SHA256 of its id under the platform's
// webhook key. It is derived, never stored: no record and no event holds it.
func Secret(key []byte, endpointID string) []byte {
	m := hmac.New(sha256.New, key)
	m.Write([]byte(endpointID))
	return m.Sum(nil)
}

// FormatSecret writes a secret as the API shows it.
func FormatSecret(secret []byte) string { return SecretPrefix + hex.EncodeToString(secret) }

// ParseSecret reads a secret as the API shows it, for receivers.
func ParseSecret(s string) ([]byte, error) {
	h, ok := strings.CutPrefix(s, SecretPrefix)
	if !ok {
		return nil, errors.New("webhook: a secret starts with " + SecretPrefix)
	}
	b, err := hex.DecodeString(h)
	if err != nil || len(b) != sha256.Size {
		return nil, errors.New("webhook: a secret is " + SecretPrefix + " and 64 hex digits")
	}
	return b, nil
}

// Sign is the Linkfin-Signature header of a body sent at t:
// "t=<unix seconds>,v1=<hex HMAC-SHA256(secret, "<t>.<body>")>".
func Sign(secret []byte, t time.Time, body []byte) string {
	ts := strconv.FormatInt(t.Unix(), 10)
	return "t=" + ts + ",v1=" + hex.EncodeToString(mac(secret, ts, body))
}

func mac(secret []byte, ts string, body []byte) []byte {
	m := hmac.New(sha256.New, secret)
	m.Write([]byte(ts))
	m.Write([]byte{'.'})
	m.Write(body)
	return m.Sum(nil)
}

// Errors of Verify.
var (
	ErrMalformed = errors.New("webhook: malformed signature header")
	ErrSignature = errors.New("webhook: no signature matches the body")
	ErrStale     = errors.New("webhook: the signature's timestamp is outside the tolerance")
)

// Verify checks a Linkfin-Signature header against the body a receiver got: one of
// its v1 signatures must be the body's under the secret, and its timestamp within
// tolerance of now (DefaultTolerance if tolerance is not positive), so that a captured
// delivery cannot be replayed later. Receivers should also drop event ids they have
// seen: a delivery may arrive more than once.
func Verify(secret []byte, header string, body []byte, tolerance time.Duration, now time.Time) error {
	if tolerance <= 0 {
		tolerance = DefaultTolerance
	}
	var ts string
	var sigs [][]byte
	for part := range strings.SplitSeq(header, ",") {
		k, v, ok := strings.Cut(strings.TrimSpace(part), "=")
		if !ok {
			return ErrMalformed
		}
		switch k {
		case "t":
			if ts != "" {
				return ErrMalformed
			}
			ts = v
		case "v1":
			sig, err := hex.DecodeString(v)
			if err != nil {
				return ErrMalformed
			}
			sigs = append(sigs, sig)
		}
	}
	sec, err := strconv.ParseInt(ts, 10, 64)
	if err != nil || len(sigs) == 0 {
		return ErrMalformed
	}
	want := mac(secret, ts, body)
	ok := false
	for _, sig := range sigs {
		ok = hmac.Equal(sig, want) || ok
	}
	if !ok {
		return ErrSignature
	}
	if d := now.Sub(time.Unix(sec, 0)); d > tolerance || d < -tolerance {
		return ErrStale
	}
	return nil
}
