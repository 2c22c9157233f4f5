// Package testrand gives randomised tests a source whose seed is new on every run and
// logged, so that a failure can be run again exactly: LINKFIN_TEST_SEED=<seed> fixes it.
package testrand

import (
	"math/rand/v2"
	"os"
	"strconv"
	"testing"
	"time"
)

// SeedVar is the environment variable that fixes the seed.
const SeedVar = "LINKFIN_TEST_SEED"

// Seed returns the seed for this test: LINKFIN_TEST_SEED if it is set, else one from
// the clock. It logs the seed and how to reproduce the run; the log is shown when the
// test fails (or under -v).
func Seed(t testing.TB) uint64 {
	t.Helper()
	seed := uint64(time.Now().UnixNano())
	if s := os.Getenv(SeedVar); s != "" {
		v, err := strconv.ParseUint(s, 10, 64)
		if err != nil {
			t.Fatalf("%s=%q is not a seed: %v", SeedVar, s, err)
		}
		seed = v
	}
	t.Logf("seed %d (%s=%d reproduces it)", seed, SeedVar, seed)
	return seed
}

// New returns a random source seeded by Seed.
func New(t testing.TB) *rand.Rand {
	t.Helper()
	seed := Seed(t)
	return rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
}
