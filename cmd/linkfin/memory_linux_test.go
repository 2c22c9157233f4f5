package main

import (
	"bufio"
	"math"
	"os"
	"runtime/debug"
	"strconv"
	"strings"
	"testing"

	"github.com/KimMachineGun/automemlimit/memlimit"
)

// TestMemoryLimit: linkfin bounds its heap below the memory there is (90 % of its
// cgroup's limit, else of the machine's), and leaves a GOMEMLIMIT given to it alone.
func TestMemoryLimit(t *testing.T) {
	before, percent := debug.SetMemoryLimit(-1), debug.SetGCPercent(-1)
	debug.SetGCPercent(percent)
	t.Cleanup(func() {
		debug.SetMemoryLimit(before)
		debug.SetGCPercent(percent)
	})
	total := memTotal(t)
	for _, env := range []string{"GOMEMLIMIT", "AUTOMEMLIMIT", "GOGC"} {
		t.Setenv(env, "")
		os.Unsetenv(env)
	}

	// The bound is the cgroup's limit where one is set (it may be above the machine's
	// memory), else the machine's memory.
	bound := total
	if l, err := memlimit.FromCgroup(); err == nil {
		bound = l
	}
	debug.SetMemoryLimit(math.MaxInt64)
	tuneMemory()
	limit := debug.SetMemoryLimit(-1)
	if want := float64(bound) * 0.9; math.Abs(float64(limit)-want) > 1<<20 {
		t.Fatalf("memory limit %d with a bound of %d bytes: want 90 %% of it, %.0f", limit, bound, want)
	}
	if got := debug.SetGCPercent(-1); got != 400 {
		t.Fatalf("GOGC %d, want 400", got)
	}

	t.Setenv("GOMEMLIMIT", "1GiB")
	t.Setenv("GOGC", "100")
	debug.SetMemoryLimit(1 << 30)
	debug.SetGCPercent(100)
	tuneMemory()
	if got := debug.SetMemoryLimit(-1); got != 1<<30 {
		t.Fatalf("memory limit %d under GOMEMLIMIT=1GiB, want it left at %d", got, 1<<30)
	}
	if got := debug.SetGCPercent(-1); got != 100 {
		t.Fatalf("GOGC %d under GOGC=100, want it left at 100", got)
	}
}

// memTotal is the machine's memory in bytes, as /proc/meminfo gives it.
func memTotal(t *testing.T) uint64 {
	f, err := os.Open("/proc/meminfo")
	if err != nil {
		t.Skipf("no /proc/meminfo: %v", err)
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if rest, ok := strings.CutPrefix(sc.Text(), "MemTotal:"); ok {
			kb, err := strconv.ParseUint(strings.TrimSuffix(strings.TrimSpace(rest), " kB"), 10, 64)
			if err != nil {
				t.Fatal(err)
			}
			return kb * 1024
		}
	}
	t.Fatal("/proc/meminfo has no MemTotal")
	return 0
}
