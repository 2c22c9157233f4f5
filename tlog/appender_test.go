package tlog

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"

	sumtlog "golang.org/x/mod/sumdb/tlog"

	"linkfin/internal/testrand"
)

// checkEdge asserts that the Appender holds exactly the right edge of its tree,
// with the reference hashes.
func checkEdge(tb testing.TB, ref *refLog, a *Appender) {
	tb.Helper()
	want := edgeIndexes(a.tree.Size)
	if len(a.edge) != len(want) {
		tb.Fatalf("tree %d: %d hashes in memory, want %d", a.tree.Size, len(a.edge), len(want))
	}
	for _, x := range want {
		h, ok := a.edge[x]
		if !ok || h != ref.stored[x] {
			tb.Fatalf("tree %d: edge hash %d = %v (present %v), want %v", a.tree.Size, x, h, ok, ref.stored[x])
		}
	}
}

func TestAppendOneAtATime(t *testing.T) {
	ctx := context.Background()
	const n = 1500
	ref := newRefLog(t, testRecords(1, n))
	store := newMemStore(t)
	a, err := NewAppender(ctx, Tree{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got := a.Tree(); got != ref.tree(t, 0) {
		t.Fatalf("empty tree = %v, want %v", got, ref.tree(t, 0))
	}
	for i, r := range ref.records {
		p, err := a.Prepare([][]byte{r})
		if err != nil {
			t.Fatal(err)
		}
		if want := ref.tree(t, int64(i)); p.Old != want {
			t.Fatalf("leaf %d: Old = %v, want %v", i, p.Old, want)
		}
		if want := ref.tree(t, int64(i+1)); p.New != want {
			t.Fatalf("leaf %d: New = %v, want %v", i, p.New, want)
		}
		checkTiles(t, ref, p)
		store.save(p.Tiles)
		if err := a.Commit(p); err != nil {
			t.Fatal(err)
		}
		checkEdge(t, ref, a)
	}
	// The store now holds exactly the tiles of the whole tree.
	all := sumtlog.NewTiles(TileHeight, 0, n)
	if len(store.tiles) != len(all) {
		t.Fatalf("store has %d tiles, want %d", len(store.tiles), len(all))
	}
	for _, tile := range all {
		if got := store.tiles[[2]int64{int64(tile.L), tile.N}]; !bytes.Equal(got, ref.tileData(t, tile)) {
			t.Fatalf("stored tile %s differs from sumtlog's", tile.Path())
		}
	}
	// 1500 = 5·256 + 220: 5 full level-0 tiles, a partial one of 220, and 1/000.p/5.
	if len(all) != 7 || all[5].W != 220 || all[6] != (sumtlog.Tile{H: 8, L: 1, N: 0, W: 5}) {
		t.Fatalf("tiles of tree 1500 = %v", all)
	}
}

func TestAppendBatchesAndReopen(t *testing.T) {
	ctx := context.Background()
	const n = 4000
	ref := newRefLog(t, testRecords(2, n))
	rng := testrand.New(t)
	store := newMemStore(t)
	a, err := NewAppender(ctx, Tree{}, store)
	if err != nil {
		t.Fatal(err)
	}
	hashes := make([]sumtlog.Hash, n)
	for i, r := range ref.records {
		hashes[i] = sumtlog.RecordHash(r)
	}
	reopened := 0
	for size := 0; size < n; {
		k := min(n-size, rng.IntN(400)) // includes empty batches
		var p *Append
		if rng.IntN(2) == 0 {
			p, err = a.Prepare(ref.records[size : size+k])
		} else {
			p, err = a.PrepareHashes(hashes[size : size+k])
		}
		if err != nil {
			t.Fatal(err)
		}
		if want := ref.tree(t, int64(size+k)); p.New != want {
			t.Fatalf("append %d→%d: New = %v, want %v", size, size+k, p.New, want)
		}
		checkTiles(t, ref, p)
		store.save(p.Tiles)
		if err := a.Commit(p); err != nil {
			t.Fatal(err)
		}
		checkEdge(t, ref, a)
		size += k
		if rng.IntN(2) == 0 {
			reads := store.reads
			a, err = NewAppender(ctx, a.Tree(), store)
			if err != nil {
				t.Fatalf("reopen at %d: %v", size, err)
			}
			if size > 0 && store.reads != reads+1 {
				t.Fatalf("reopen at %d: %d tile reads, want 1", size, store.reads-reads)
			}
			checkEdge(t, ref, a)
			reopened++
		}
	}
	if reopened < 5 {
		t.Fatalf("reopened only %d times", reopened)
	}
	if got, want := a.Tree(), ref.tree(t, n); got != want {
		t.Fatalf("final tree = %v, want %v", got, want)
	}

	// Reopen the finished store at many earlier sizes (stored tiles are wider
	// than those trees need) and append the rest in one batch.
	for range 40 {
		size := 1 + rng.Int64N(n)
		b, err := NewAppender(ctx, ref.tree(t, size), store)
		if err != nil {
			t.Fatalf("reopen at %d: %v", size, err)
		}
		checkEdge(t, ref, b)
		p, err := b.Prepare(ref.records[size:])
		if err != nil {
			t.Fatal(err)
		}
		if want := ref.tree(t, n); p.New != want {
			t.Fatalf("reopened at %d: root %v, want %v", size, p.New, want)
		}
		checkTiles(t, ref, p)
	}
}

func TestNewAppenderRejectsWrongState(t *testing.T) {
	ctx := context.Background()
	const n = 700
	ref := newRefLog(t, testRecords(3, n))
	store := newMemStore(t)
	a, err := NewAppender(ctx, Tree{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Prepare(ref.records)
	if err != nil {
		t.Fatal(err)
	}
	store.save(p.Tiles)

	forged := ref.tree(t, 600)
	forged.Hash[0] ^= 1
	for _, c := range []struct {
		tree Tree
		want string
	}{
		{forged, "inconsistent tile"},
		{Tree{Size: 600, Hash: ref.tree(t, 599).Hash}, "inconsistent tile"}, // a real root, of another size
		{Tree{Size: 701, Hash: ref.tree(t, 700).Hash}, "bytes stored"},      // beyond the stored tiles
		{Tree{Size: 0, Hash: ref.tree(t, 1).Hash}, "empty tree with root"},
		{Tree{Size: -1}, "negative tree size"},
	} {
		if _, err := NewAppender(ctx, c.tree, store); err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("NewAppender(%d, %v): %v, want %q", c.tree.Size, c.tree.Hash, err, c.want)
		}
	}

	// A corrupted tile is caught against the root.
	if _, err := NewAppender(ctx, ref.tree(t, 600), store); err != nil {
		t.Fatal(err)
	}
	store.tiles[[2]int64{0, 2}][5] ^= 1 // in 0/002.p/88, the partial tile of tree 600
	if _, err := NewAppender(ctx, ref.tree(t, 600), store); err == nil || !strings.Contains(err.Error(), "inconsistent tile") {
		t.Fatalf("NewAppender over a corrupted tile: %v", err)
	}
}

func TestPrepareLeavesAppenderUnchanged(t *testing.T) {
	ctx := context.Background()
	const n = 900
	ref := newRefLog(t, testRecords(4, n))
	other := newRefLog(t, append(append([][]byte{}, ref.records[:300]...), testRecords(5, 600)...))

	a, err := NewAppender(ctx, Tree{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	p, err := a.Prepare(ref.records[:300])
	if err != nil {
		t.Fatal(err)
	}
	if err := a.Commit(p); err != nil {
		t.Fatal(err)
	}
	before := a.Tree()

	// Two appends prepared from the same state, with different leaves.
	p1, err := a.Prepare(ref.records[300:600])
	if err != nil {
		t.Fatal(err)
	}
	p2, err := a.Prepare(other.records[300:600])
	if err != nil {
		t.Fatal(err)
	}
	if a.Tree() != before {
		t.Fatalf("Prepare changed the tree: %v, was %v", a.Tree(), before)
	}
	checkEdge(t, ref, a)
	if want := other.tree(t, 600); p2.New != want {
		t.Fatalf("p2.New = %v, want %v", p2.New, want)
	}
	checkTiles(t, other, p2)

	if err := a.Commit(p1); err != nil {
		t.Fatal(err)
	}
	if err := a.Commit(p2); !errors.Is(err, ErrStale) {
		t.Fatalf("Commit of a stale append = %v, want ErrStale", err)
	}
	if err := a.Commit(p1); !errors.Is(err, ErrStale) {
		t.Fatalf("second Commit = %v, want ErrStale", err)
	}
	if want := ref.tree(t, 600); a.Tree() != want {
		t.Fatalf("tree = %v, want %v", a.Tree(), want)
	}
	checkEdge(t, ref, a)

	// p2 did not disturb what p1 left behind.
	p3, err := a.Prepare(ref.records[600:])
	if err != nil {
		t.Fatal(err)
	}
	if want := ref.tree(t, n); p3.New != want {
		t.Fatalf("p3.New = %v, want %v", p3.New, want)
	}

	empty, err := a.Prepare(nil)
	if err != nil {
		t.Fatal(err)
	}
	if empty.Old != a.Tree() || empty.New != a.Tree() || len(empty.Tiles) != 0 {
		t.Fatalf("empty append = %+v", empty)
	}
}
