// Package blocks hands out values from large blocks instead of one allocation each:
// for what a long run holds for good in millions (memtx's records, its ledger's
// transfers). Go's collector follows every pointer on each of its cycles and looks
// up the span of memory each points into; a value apart is a span lookup that mostly
// misses the processor's caches, while the values of a block share one span. A block
// stays alive as long as any value in it, so it suits what is never freed.
package blocks

// Take returns a new zero value from *block, first making a new block of size values
// if it is full.
func Take[T any](block *[]T, size int) *T {
	b := *block
	if len(b) == cap(b) {
		b = make([]T, 0, size)
	}
	b = b[:len(b)+1]
	*block = b
	return &b[len(b)-1]
}
