//go:build !linux

package hugepages

// Reserve does nothing on this system.
func Reserve(int64) {}

// Advise does nothing on this system: it reports no mapping marked.
func Advise() int { return 0 }
