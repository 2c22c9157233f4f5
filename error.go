package linkfin

import (
	"errors"
	"fmt"
	"unicode/utf8"
)

// General error codes. They are stable: clients and the HTTP layer match on them, so a
// code is never renamed once published.
const (
	ECONFLICT     = "conflict"
	EFORBIDDEN    = "forbidden"
	EINTERNAL     = "internal"
	EINVALID      = "invalid"
	ELOCKED       = "writer_locked" // the database already has a writer
	ENOTFOUND     = "not_found"
	EOVERFLOW     = "overflow"
	EUNAUTHORIZED = "unauthorized"
	// EUNAVAILABLE: the platform cannot do or read this now, for no fault of the
	// request's: its database is unreachable or refuses it, or the engine is shutting
	// down. Nothing was changed; the same request may be sent again.
	EUNAVAILABLE = "unavailable"
)

// Error is a domain error: a stable machine-readable Code and a Message that is safe to
// show to the caller. Any other error is treated as internal and its text is not shown.
type Error struct {
	Code    string
	Message string
	// Violations lists, when the error is about a document's business rules, each
	// rule the document breaks.
	Violations []Violation
}

// Violation is a business rule a document breaks: the rule's id as its standard names
// it (EN 16931's "BR-CO-15", say) and what is wrong.
type Violation struct {
	Rule    string `json:"rule"`
	Message string `json:"message"`
}

// Error implements the error interface. The text is meant for logs, not for users.
func (e *Error) Error() string {
	return fmt.Sprintf("linkfin error: code=%s message=%s", e.Code, e.Message)
}

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, args...)}
}

// ErrorCode returns the code of the first *Error in err's chain, "" for a nil error, and
// EINTERNAL for any other error.
func ErrorCode(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the message of the first *Error in err's chain, "" for a nil error,
// and a generic text for any other error, whose details must not leak to callers. A
// message longer than MaxErrorMessage bytes is cut there, at a character, and ends
// with "…": one that names a caller's input whole (an unknown product, a status that is
// none) is answered, and kept under an idempotency key, at that length whatever the
// input's.
func ErrorMessage(err error) string {
	var e *Error
	if err == nil {
		return ""
	} else if errors.As(err, &e) {
		return cutMessage(e.Message)
	}
	return "Internal error."
}

// MaxErrorMessage is the longest message ErrorMessage returns, in bytes.
const MaxErrorMessage = 1000

// cutMessage cuts m to MaxErrorMessage bytes, at the start of a character.
func cutMessage(m string) string {
	if len(m) <= MaxErrorMessage {
		return m
	}
	n := MaxErrorMessage - len("…")
	for n > 0 && !utf8.RuneStart(m[n]) {
		n--
	}
	return m[:n] + "…"
}

// quote renders user input for an error message, cut short so that a huge input does not
// end up in logs and responses whole.
func quote(s string) string {
	const max = 40
	if len(s) > max {
		return fmt.Sprintf("%q…", s[:max])
	}
	return fmt.Sprintf("%q", s)
}

// StalePlanError is the refusal of a command that finds, as it runs, that what it
// worked out before its batch ran (in DependentKeys, from the records as they stood)
// no longer holds: an earlier command of the batch changed them. The engine then
// plans the command again from the records as they are and runs it once more; only a
// command still stale then answers the error, a conflict to send again.
type StalePlanError struct{ Err *Error }

// Error implements the error interface, as the refusal's error.
func (s *StalePlanError) Error() string { return s.Err.Error() }

// Unwrap is the refusal's error.
func (s *StalePlanError) Unwrap() error { return s.Err }

// StalePlan returns a conflict whose message is the formatted text, as a stale plan.
func StalePlan(format string, args ...any) error {
	return &StalePlanError{Errorf(ECONFLICT, format, args...)}
}

// IsStalePlan reports whether err is a stale plan's refusal.
func IsStalePlan(err error) bool {
	var s *StalePlanError
	return errors.As(err, &s)
}

// errUnavailable is what a caller is told of a store's own failure (Unavailable): the
// driver's words stay in the server's log.
var errUnavailable = Errorf(EUNAVAILABLE, "the database is not available at the moment; nothing was changed: send the request again later")

// unavailableError is a store's own failure, marked by Unavailable.
type unavailableError struct{ err error }

func (e *unavailableError) Error() string   { return e.err.Error() }
func (e *unavailableError) Unwrap() []error { return []error{errUnavailable, e.err} }

// Unavailable marks err, a failure of the database itself rather than the request's
// or linkfin's (each store decides which of its driver's errors are), as EUNAVAILABLE:
// so ErrorCode and ErrorMessage read it, while errors.Is and errors.As still find the
// driver's error and its text is the driver's, for logs and advice. An error already
// marked is returned as it is, and nil as nil.
func Unavailable(err error) error {
	var ue *unavailableError
	if err == nil || errors.As(err, &ue) {
		return err
	}
	return &unavailableError{err}
}
