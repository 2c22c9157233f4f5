package tlog

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	sumtlog "golang.org/x/mod/sumdb/tlog"
	"pgregory.net/rapid"
)

// buildStore appends records in batches of batch leaves and returns the store
// and the tree after each batch.
func buildStore(tb testing.TB, records [][]byte, batch int) *memStore {
	tb.Helper()
	store := newMemStore(tb)
	a, err := NewAppender(context.Background(), Tree{}, nil)
	if err != nil {
		tb.Fatal(err)
	}
	for i := 0; i < len(records); i += batch {
		p, err := a.Prepare(records[i:min(i+batch, len(records))])
		if err != nil {
			tb.Fatal(err)
		}
		store.save(p.Tiles)
		if err := a.Commit(p); err != nil {
			tb.Fatal(err)
		}
	}
	return store
}

func TestInclusionProof(t *testing.T) {
	ctx := context.Background()
	const n = 300
	ref := newRefLog(t, testRecords(6, n))
	store := buildStore(t, ref.records, 7)
	for _, size := range []int64{1, 2, 3, 37, 256, 257, n} {
		tree := ref.tree(t, size)
		for i := range size {
			p, err := InclusionProof(ctx, tree, i, store)
			if err != nil {
				t.Fatalf("prove %d in %d: %v", i, size, err)
			}
			want, err := sumtlog.ProveRecord(size, i, ref)
			if err != nil {
				t.Fatal(err)
			}
			if !slices.Equal(p, want) {
				t.Fatalf("proof of %d in %d differs from sumtlog's", i, size)
			}
			leaf := sumtlog.RecordHash(ref.records[i])
			if err := CheckInclusion(p, tree, i, leaf); err != nil {
				t.Fatalf("check %d in %d: %v", i, size, err)
			}
			wrong := sumtlog.RecordHash(append(ref.records[i], '!'))
			if err := CheckInclusion(p, tree, i, wrong); !errors.Is(err, ErrProof) {
				t.Fatalf("check of a wrong leaf %d in %d = %v, want ErrProof", i, size, err)
			}
			if size > 1 {
				if err := CheckInclusion(p, tree, (i+1)%size, leaf); !errors.Is(err, ErrProof) {
					t.Fatalf("check of leaf %d at index %d in %d = %v, want ErrProof", i, (i+1)%size, size, err)
				}
			}
		}
	}
	if err := CheckInclusion(nil, ref.tree(t, 5), 5, sumtlog.Hash{}); err == nil || !strings.Contains(err.Error(), "leaf 5 is not in tree 5") {
		t.Fatalf("check of a leaf beyond the tree: %v", err)
	}
	if _, err := InclusionProof(ctx, ref.tree(t, 5), 5, store); err == nil || !strings.Contains(err.Error(), "leaf 5 is not in tree 5") {
		t.Fatalf("proof of a leaf beyond the tree: %v", err)
	}
	forged := ref.tree(t, 100)
	forged.Hash[3] ^= 1
	if _, err := InclusionProof(ctx, forged, 4, store); err == nil || !strings.Contains(err.Error(), "inconsistent tile") {
		t.Fatalf("proof against a forged root: %v", err)
	}
}

func TestConsistencyProof(t *testing.T) {
	ctx := context.Background()
	const n = 1200
	ref := newRefLog(t, testRecords(7, n))
	store := buildStore(t, ref.records, 97)
	// Any prefix of any size proves against sumtlog's proof, and a flipped bit in
	// either tree's hash fails it. rapid draws the sizes, logs its seed and shrinks a
	// failure to the smallest sizes that show it.
	rapid.Check(t, func(rt *rapid.T) {
		size := rapid.Int64Range(1, n).Draw(rt, "size")
		oldSize := rapid.Int64Range(0, size).Draw(rt, "oldSize")
		tree, old := ref.tree(t, size), ref.tree(t, oldSize)
		p, err := ConsistencyProof(ctx, tree, oldSize, store)
		if err != nil {
			rt.Fatalf("prove %d extends %d: %v", size, oldSize, err)
		}
		if oldSize > 0 {
			want, err := sumtlog.ProveTree(size, oldSize, ref)
			if err != nil {
				rt.Fatal(err)
			}
			if !slices.Equal(p, want) {
				rt.Fatalf("proof %d extends %d differs from sumtlog's", size, oldSize)
			}
		}
		if err := CheckConsistency(p, tree, old); err != nil {
			rt.Fatalf("check %d extends %d: %v", size, oldSize, err)
		}
		forged := old
		forged.Hash[rapid.IntRange(0, sumtlog.HashSize-1).Draw(rt, "byte")] ^= 1 << rapid.IntRange(0, 7).Draw(rt, "bit")
		if err := CheckConsistency(p, tree, forged); !errors.Is(err, ErrProof) {
			rt.Fatalf("check %d extends forged %d = %v, want ErrProof", size, oldSize, err)
		}
		forgedNew := tree
		forgedNew.Hash[0] ^= 0x80
		if err := CheckConsistency(p, forgedNew, old); oldSize > 0 && !errors.Is(err, ErrProof) {
			rt.Fatalf("check forged %d extends %d = %v, want ErrProof", size, oldSize, err)
		}
	})
	if err := CheckConsistency(nil, ref.tree(t, 10), Tree{}); err != nil {
		t.Fatalf("every tree extends the zero Tree: %v", err)
	}
	if _, err := ConsistencyProof(ctx, ref.tree(t, 10), 11, store); err == nil || !strings.Contains(err.Error(), "has no prefix of size 11") {
		t.Fatalf("proof of a longer prefix: %v", err)
	}
	if err := CheckConsistency(nil, ref.tree(t, 10), ref.tree(t, 11)); err == nil || !strings.Contains(err.Error(), "cannot extend tree 11") {
		t.Fatalf("check of a longer prefix: %v", err)
	}
}
