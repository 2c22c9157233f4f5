package linkfin_test

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"linkfin"
)

func TestErrorCodeAndMessage(t *testing.T) {
	domain := linkfin.Errorf(linkfin.ENOTFOUND, "certificate %d not found", 42)
	tests := []struct {
		name    string
		err     error
		code    string
		message string
	}{
		{"nil", nil, "", ""},
		{"domain", domain, linkfin.ENOTFOUND, "certificate 42 not found"},
		{"wrapped", fmt.Errorf("issue certificate: %w", domain), linkfin.ENOTFOUND, "certificate 42 not found"},
		{"other", errors.New("disk on fire"), linkfin.EINTERNAL, "Internal error."},
		// A message naming a huge input is cut, at a character.
		{"at most", linkfin.Errorf(linkfin.EINVALID, "%s", strings.Repeat("x", linkfin.MaxErrorMessage)), linkfin.EINVALID,
			strings.Repeat("x", linkfin.MaxErrorMessage)},
		{"cut", linkfin.Errorf(linkfin.EINVALID, "unknown product %q", strings.Repeat("元", 1000)), linkfin.EINVALID,
			`unknown product "` + strings.Repeat("元", (linkfin.MaxErrorMessage-len(`unknown product "`)-len("…"))/3) + "…"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := linkfin.ErrorCode(tt.err); got != tt.code {
				t.Errorf("ErrorCode = %q, want %q", got, tt.code)
			}
			if got := linkfin.ErrorMessage(tt.err); got != tt.message {
				t.Errorf("ErrorMessage = %q, want %q", got, tt.message)
			}
		})
	}
	if got, want := domain.Error(), "linkfin error: code=not_found message=certificate 42 not found"; got != want {
		t.Errorf("Error() = %q, want %q", got, want)
	}
}

// wantCode fails the test unless err carries code.
func wantCode(t *testing.T, err error, code string) {
	t.Helper()
	if got := linkfin.ErrorCode(err); got != code {
		t.Errorf("error %v: code %q, want %q", err, got, code)
	}
}

// A stale plan is a conflict, known as stale through any wrapping; another conflict is
// not one.
func TestStalePlan(t *testing.T) {
	err := linkfin.StalePlan("credit transfer %s was filed while this request waited; retry it", "ct_1")
	if !linkfin.IsStalePlan(err) || linkfin.ErrorCode(err) != linkfin.ECONFLICT ||
		linkfin.ErrorMessage(err) != "credit transfer ct_1 was filed while this request waited; retry it" {
		t.Fatalf("%v: stale %v, code %s", err, linkfin.IsStalePlan(err), linkfin.ErrorCode(err))
	}
	if wrapped := fmt.Errorf("assign: %w", err); !linkfin.IsStalePlan(wrapped) {
		t.Fatal("a wrapped stale plan is not known as one")
	}
	if linkfin.IsStalePlan(linkfin.Errorf(linkfin.ECONFLICT, "x")) || linkfin.IsStalePlan(nil) {
		t.Fatal("another conflict is taken for a stale plan")
	}
}

// TestUnavailable: a store's own failure marked Unavailable reads as EUNAVAILABLE, with
// the platform's words, while the driver's error stays underneath and in its text;
// marking twice changes nothing, and nil stays nil.
func TestUnavailable(t *testing.T) {
	driver := errors.New("disk I/O error")
	err := linkfin.Unavailable(driver)
	if linkfin.ErrorCode(err) != linkfin.EUNAVAILABLE || !errors.Is(err, driver) || err.Error() != "disk I/O error" ||
		linkfin.ErrorMessage(err) != "the database is not available at the moment; nothing was changed: send the request again later" {
		t.Fatalf("marked: code %q, message %q, text %q, is driver's: %v", linkfin.ErrorCode(err), linkfin.ErrorMessage(err), err, errors.Is(err, driver))
	}
	if again := linkfin.Unavailable(err); again != err {
		t.Fatalf("marked again: %#v, want %#v", again, err)
	}
	if linkfin.Unavailable(nil) != nil {
		t.Fatal("nil marked is not nil")
	}
}
