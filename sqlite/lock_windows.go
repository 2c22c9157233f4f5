package sqlite

import (
	"cmp"
	"errors"
	"os"

	"golang.org/x/sys/windows"
)

// tryLock takes an exclusive LockFileEx lock on all of f without waiting. busy
// reports that another handle holds it, in this process or another: Windows refuses
// a second handle's lock even within the process that holds the first.
func tryLock(f *os.File) (busy bool, err error) {
	rc, err := f.SyscallConn()
	if err != nil {
		return false, err
	}
	var lerr error
	err = rc.Control(func(fd uintptr) {
		const all = ^uint32(0) // the whole file, as far as it may ever reach
		lerr = windows.LockFileEx(windows.Handle(fd), windows.LOCKFILE_EXCLUSIVE_LOCK|windows.LOCKFILE_FAIL_IMMEDIATELY, 0, all, all, new(windows.Overlapped))
	})
	if errors.Is(lerr, windows.ERROR_LOCK_VIOLATION) {
		return true, nil
	}
	return false, cmp.Or(err, lerr)
}
