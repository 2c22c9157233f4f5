package memtx_test

import (
	"testing"

	"linkfin/storetest"
)

// The conformance suite's domain tests, on memtx instead of an engine on a store.
func TestConformance(t *testing.T) { storetest.RunInMemory(t) }
