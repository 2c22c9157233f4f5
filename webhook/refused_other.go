//go:build !windows

package webhook

import (
	"errors"
	"syscall"
)

// refused reports whether err is a connection the endpoint's host refused.
func refused(err error) bool { return errors.Is(err, syscall.ECONNREFUSED) }
