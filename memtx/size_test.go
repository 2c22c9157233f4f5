package memtx

import (
	"testing"
	"unsafe"
)

// A database holds a version of each of its records, millions in a long simulation:
// beside its value, a version keeps its JSON, version and time in 64 bytes. Its kind
// and id are its slot's key, and the parties a command names go to the slot.
func TestRecordIsSmall(t *testing.T) {
	if n := unsafe.Sizeof(record{}); n > 64 {
		t.Fatalf("a record is %d bytes, want at most 64", n)
	}
}
