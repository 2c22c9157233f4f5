package tlog

import (
	"context"
	"fmt"
	"testing"

	sumtlog "golang.org/x/mod/sumdb/tlog"
)

// benchAppender returns an Appender for a tree of about a million leaves, with
// partial tiles at every level.
func benchAppender(b *testing.B) *Appender {
	b.Helper()
	a, err := NewAppender(context.Background(), Tree{}, nil)
	if err != nil {
		b.Fatal(err)
	}
	const size = 1<<20 + 12345
	hashes := make([]sumtlog.Hash, 1<<16)
	for i := int64(0); i < size; i += int64(len(hashes)) {
		batch := hashes[:min(int64(len(hashes)), size-i)]
		for j := range batch {
			batch[j] = sumtlog.RecordHash(fmt.Appendf(nil, "leaf %d", i+int64(j)))
		}
		p, err := a.PrepareHashes(batch)
		if err != nil {
			b.Fatal(err)
		}
		if err := a.Commit(p); err != nil {
			b.Fatal(err)
		}
	}
	return a
}

func BenchmarkPrepare(b *testing.B) {
	a := benchAppender(b)
	for _, n := range []int{1, 100, 10000} {
		records := testRecords(9, n)
		for i := range records {
			records[i] = append(records[i], make([]byte, 200-len(records[i]))...) // ~200-byte events
		}
		b.Run(fmt.Sprintf("records=%d", n), func(b *testing.B) {
			for b.Loop() {
				if _, err := a.Prepare(records); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*n), "ns/leaf")
		})
	}
	// The engine may hash records as it builds them; PrepareHashes then only
	// builds the tree.
	hashes := make([]sumtlog.Hash, 10000)
	for i, r := range testRecords(9, len(hashes)) {
		hashes[i] = sumtlog.RecordHash(r)
	}
	b.Run(fmt.Sprintf("hashes=%d", len(hashes)), func(b *testing.B) {
		for b.Loop() {
			if _, err := a.PrepareHashes(hashes); err != nil {
				b.Fatal(err)
			}
		}
		b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*len(hashes)), "ns/leaf")
	})
}

func BenchmarkVerifierAdd(b *testing.B) {
	records := testRecords(10, 1<<16)
	v := NewVerifier()
	i := 0
	for b.Loop() {
		v.Add(records[i%len(records)])
		i++
	}
}
