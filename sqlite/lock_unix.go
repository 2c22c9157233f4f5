//go:build darwin || dragonfly || freebsd || illumos || linux || netbsd || openbsd

package sqlite

import (
	"cmp"
	"errors"
	"os"
	"syscall"
)

// tryLock takes an exclusive flock on f without waiting. busy reports that another
// open file description holds it, in this process or another.
func tryLock(f *os.File) (busy bool, err error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return false, err
	}
	var ferr error
	err = rc.Control(func(fd uintptr) {
		for {
			// Again if a signal interrupts it.
			if ferr = syscall.Flock(int(fd), syscall.LOCK_EX|syscall.LOCK_NB); ferr != syscall.EINTR {
				return
			}
		}
	})
	if errors.Is(ferr, syscall.EWOULDBLOCK) {
		return true, nil
	}
	return false, cmp.Or(err, ferr)
}
