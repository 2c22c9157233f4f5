package hugepages

import (
	"bufio"
	"bytes"
	"os"
	"runtime"
	"strconv"

	"golang.org/x/sys/unix"
)

// Reserve has the heap mapped for about n bytes more and asks for huge pages for it:
// at most a quarter of the machine's memory, so that a machine that would refuse to
// map that much is not asked to, and nothing where the kernel counts what is mapped,
// not what is used, against its limit (vm.overcommit_memory 2). Call it before the
// heap holds what it is for.
func Reserve(n int64) {
	if mode, err := os.ReadFile("/proc/sys/vm/overcommit_memory"); err != nil || string(bytes.TrimSpace(mode)) == "2" {
		return
	}
	var si unix.Sysinfo_t
	if unix.Sysinfo(&si) != nil {
		return
	}
	n = min(n, int64(si.Totalram)*int64(si.Unit)/4)
	if n <= 0 {
		return
	}
	// A block of no pointers is not cleared when fresh from the kernel, so its pages
	// are never touched: it takes address space, not memory. Once collected, the room
	// it took is the heap's, under the advice.
	b := make([]byte, n)
	Advise()
	runtime.KeepAlive(b)
	b = nil
	runtime.GC()
}

// Advise marks every private, anonymous, writable mapping of the process (its heap,
// where Go's allocator maps it) MADV_HUGEPAGE: the kernel backs what is touched of it
// next with huge pages where it can, and its khugepaged merges what was touched
// before. It reports how many mappings it marked; none where /proc/self/maps cannot be
// read.
func Advise() int {
	maps, err := os.ReadFile("/proc/self/maps")
	if err != nil {
		return 0
	}
	n := 0
	for sc := bufio.NewScanner(bytes.NewReader(maps)); sc.Scan(); {
		start, end, ok := anonymous(sc.Bytes())
		if !ok {
			continue
		}
		if _, _, errno := unix.Syscall(unix.SYS_MADVISE, start, end-start, unix.MADV_HUGEPAGE); errno == 0 {
			n++
		}
	}
	return n
}

// anonymous parses a line of /proc/self/maps ("start-end perms offset dev inode
// [path]") and reports the range of a private, writable mapping of no file.
func anonymous(line []byte) (start, end uintptr, ok bool) {
	f := bytes.Fields(line)
	if len(f) != 5 || len(f[1]) != 4 || f[1][1] != 'w' || f[1][3] != 'p' || string(f[4]) != "0" {
		return 0, 0, false // a file's, a named one ([stack], [heap], [vdso]), shared or read-only
	}
	from, to, found := bytes.Cut(f[0], []byte("-"))
	if !found {
		return 0, 0, false
	}
	s, err1 := strconv.ParseUint(string(from), 16, 64)
	e, err2 := strconv.ParseUint(string(to), 16, 64)
	if err1 != nil || err2 != nil || e <= s {
		return 0, 0, false
	}
	return uintptr(s), uintptr(e), true
}
