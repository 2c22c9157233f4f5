package webhook

import (
	"errors"
	"syscall"

	"golang.org/x/sys/windows"
)

// refused reports whether err is a connection the endpoint's host refused. Windows
// says so with Winsock's WSAECONNREFUSED, which is not syscall.ECONNREFUSED there.
func refused(err error) bool {
	return errors.Is(err, windows.WSAECONNREFUSED) || errors.Is(err, syscall.ECONNREFUSED)
}
