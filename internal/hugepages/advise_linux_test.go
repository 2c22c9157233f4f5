package hugepages

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

func TestAnonymous(t *testing.T) {
	for _, c := range []struct {
		line       string
		start, end uintptr
		ok         bool
	}{
		{"c000000000-c004000000 rw-p 00000000 00:00 0 ", 0xc000000000, 0xc004000000, true},
		{"7f7b18b0f000-7f7b1930f000 rw-p 00000000 00:00 0", 0x7f7b18b0f000, 0x7f7b1930f000, true},
		{"2ae46000-2ae67000 rw-p 00000000 00:00 0                                  [heap]", 0, 0, false},
		{"7ffd1e3a1000-7ffd1e3c2000 rw-p 00000000 00:00 0                          [stack]", 0, 0, false},
		{"56168ee70000-56168ee73000 rw-p 00008000 fe:00 247278                     /usr/bin/head", 0, 0, false},
		{"7f7afc021000-7f7b00000000 ---p 00000000 00:00 0 ", 0, 0, false},
		{"7f7afc021000-7f7b00000000 r--p 00000000 00:00 0 ", 0, 0, false},
		{"7f7afc021000-7f7b00000000 rw-s 00000000 00:01 1234 ", 0, 0, false},
		{"7f7b00000000-7f7afc021000 rw-p 00000000 00:00 0 ", 0, 0, false},
		{"garbage", 0, 0, false},
	} {
		start, end, ok := anonymous([]byte(c.line))
		if start != c.start || end != c.end || ok != c.ok {
			t.Errorf("anonymous(%q) = %#x, %#x, %v; want %#x, %#x, %v", c.line, start, end, ok, c.start, c.end, c.ok)
		}
	}
}

// After Reserve, the heap has a mapping of at least what was reserved that asks for
// huge pages (its VmFlags say "hg"), where the kernel has them at all.
func TestReserve(t *testing.T) {
	mode, err := os.ReadFile("/sys/kernel/mm/transparent_hugepage/enabled")
	if err != nil || strings.Contains(string(mode), "[never]") {
		t.Skip("this kernel gives no transparent huge pages: nothing to ask for")
	}
	const n = 256 << 20
	Reserve(n)
	f, err := os.Open("/proc/self/smaps")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var size uintptr
	for sc := bufio.NewScanner(f); sc.Scan(); {
		line := sc.Text()
		if start, end, ok := anonymous([]byte(line)); ok {
			size = end - start
			continue
		}
		if flags, found := strings.CutPrefix(line, "VmFlags:"); found {
			if size >= n && strings.Contains(" "+flags+" ", " hg ") {
				return
			}
			size = 0
		}
	}
	t.Fatalf("no anonymous mapping of %d bytes or more asks for huge pages", n)
}
