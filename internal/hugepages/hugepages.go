// Package hugepages asks the kernel to back a process's heap with huge pages, for a
// process that reads gigabytes of pointers at random (the simulator's year of
// records): with 4 KiB pages most such reads miss the processor's TLB as well as its
// caches, and a huge page (2 MiB on x86-64) covers 512 times as much memory with one
// entry of it.
//
// Go's runtime does not ask for huge pages, and where the kernel gives them only to
// memory that asks (Linux's transparent huge pages set to "madvise", the default of
// many distributions) its heap gets none. A mapping asks once (madvise
// MADV_HUGEPAGE), and what of it is touched afterwards gets huge pages; but the runtime
// maps its heap a few MiB at a time as it grows, and touches each piece at once. So
// Reserve has it map the heap a process will need in one piece before anything is
// kept there — a block allocated and dropped untouched, which costs no memory — and
// asks for that; Keep asks again now and then for what the heap grows beyond it.
// Where the kernel gives huge pages to all memory, or to none, or on another system,
// neither changes anything.
package hugepages

import (
	"context"
	"time"
)

// Keep calls Advise every interval until ctx is done.
func Keep(ctx context.Context, interval time.Duration) {
	t := time.NewTicker(interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			Advise()
		}
	}
}
