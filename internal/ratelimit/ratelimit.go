// Package ratelimit keeps a token bucket per key (an API key, a user, a sign-in name,
// a source address), in bounded memory.
package ratelimit

import (
	"sync"
	"time"

	"golang.org/x/time/rate"
)

// Keyed holds a token bucket per key, each made full on first use. A nil Keyed, or
// one of rate 0, limits nothing.
type Keyed struct {
	mu      sync.Mutex
	rate    rate.Limit
	burst   int
	buckets map[string]*rate.Limiter
}

// New returns buckets of perSecond tokens a second, holding burst at most.
func New(perSecond float64, burst int) *Keyed {
	return &Keyed{rate: rate.Limit(perSecond), burst: max(burst, 1), buckets: make(map[string]*rate.Limiter)}
}

func (k *Keyed) off() bool { return k == nil || k.rate <= 0 }

// bucket is the key's token bucket.
func (k *Keyed) bucket(key string) *rate.Limiter {
	k.mu.Lock()
	defer k.mu.Unlock()
	b := k.buckets[key]
	if b == nil {
		if len(k.buckets) >= 100_000 {
			clear(k.buckets) // bounded memory; a cleared key starts with a full bucket
		}
		b = rate.NewLimiter(k.rate, k.burst)
		k.buckets[key] = b
	}
	return b
}

// Allow takes a token from the key's bucket, or says how long to wait for one.
func (k *Keyed) Allow(key string) (time.Duration, bool) {
	if k.off() {
		return 0, true
	}
	res := k.bucket(key).Reserve()
	if d := res.Delay(); d > 0 {
		res.Cancel()
		return d, false
	}
	return 0, true
}

// Limited reports, taking nothing, whether the key's bucket is empty, and how long
// until it holds a token: for counting failures, which Spend takes.
func (k *Keyed) Limited(key string) (time.Duration, bool) {
	if k.off() {
		return 0, false
	}
	if t := k.bucket(key).Tokens(); t < 1 {
		return time.Duration((1 - t) / float64(k.rate) * float64(time.Second)), true
	}
	return 0, false
}

// Spend takes a token from the key's bucket, if it has one.
func (k *Keyed) Spend(key string) {
	if k.off() {
		return
	}
	k.bucket(key).Allow()
}
