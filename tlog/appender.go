package tlog

import (
	"context"
	"fmt"
	"math"
	"slices"

	sumtlog "golang.org/x/mod/sumdb/tlog"
)

// Appender holds the right edge of the tree in memory so appends need no reads.
//
// The right edge of a tree of n leaves is what extending it reads, and nothing
// more: at every level L, the last node if it still waits for a right sibling
// (sumtlog.StoredHashes pairs it with the next node), and at every tile level
// (L a multiple of TileHeight) the nodes of the last, partial tile, which
// sumtlog.ReadTileData rewrites whole as it grows. That is at most
// 64 + (2^TileHeight-1) hashes per tile level.
//
// An Appender is not safe for concurrent use; the engine's single writer owns it.
type Appender struct {
	tree Tree
	edge map[int64]sumtlog.Hash // by stored-hash index; exactly the right edge of tree
}

// Append is the prepared result of appending leaves: the trees before and
// after, and the tiles to store (complete tiles once, partial tiles each time
// they grow). Nothing changes until [Appender.Commit].
type Append struct {
	Old, New Tree
	Tiles    []TileData

	add  []storedHash // hashes joining the right edge
	drop []int64      // stored-hash indexes leaving it
}

type storedHash struct {
	index int64
	hash  sumtlog.Hash
}

// edgeRange returns the node numbers [lo, hi) at level that are on the right edge
// of a tree of the given size. Both parts of the edge depend only on size>>level,
// and hi is always size>>level.
func edgeRange(size int64, level int) (lo, hi int64) {
	m := size >> uint(level)
	if level%TileHeight == 0 {
		return m >> TileHeight << TileHeight, m
	}
	if m&1 == 1 {
		return m - 1, m
	}
	return m, m
}

// edgeIndexes returns the stored-hash indexes of the right edge of a tree of the
// given size, sorted.
func edgeIndexes(size int64) []int64 {
	var indexes []int64
	for level := 0; size>>uint(level) > 0; level++ {
		lo, hi := edgeRange(size, level)
		for n := lo; n < hi; n++ {
			indexes = append(indexes, sumtlog.StoredHashIndex(level, n))
		}
	}
	slices.Sort(indexes)
	return indexes
}

// NewAppender loads the right edge of tree from tr. For an empty tree, tr is not
// used. The loaded tiles must reproduce tree.Hash.
func NewAppender(ctx context.Context, tree Tree, tr TileReader) (*Appender, error) {
	tree = normalize(tree)
	switch {
	case tree.Size < 0:
		return nil, fmt.Errorf("tlog: negative tree size %d", tree.Size)
	case tree.Size == 0:
		if tree.Hash != emptyHash {
			return nil, fmt.Errorf("tlog: empty tree with root %v, want %v", tree.Hash, emptyHash)
		}
		return &Appender{tree: tree, edge: map[int64]sumtlog.Hash{}}, nil
	}
	indexes := edgeIndexes(tree.Size)
	// TileHashReader authenticates every tile it loads against tree.Hash.
	hashes, err := tileHashes(ctx, tree, tr).ReadHashes(indexes)
	if err != nil {
		return nil, fmt.Errorf("tlog: load right edge of tree %d (root %v) from stored tiles: %w", tree.Size, tree.Hash, err)
	}
	a := &Appender{tree: tree, edge: make(map[int64]sumtlog.Hash, len(indexes))}
	for i, x := range indexes {
		a.edge[x] = hashes[i]
	}
	root, err := sumtlog.TreeHash(tree.Size, a.edgeReader())
	if err != nil {
		return nil, fmt.Errorf("tlog: load right edge of tree %d: %w", tree.Size, err)
	}
	if root != tree.Hash {
		return nil, fmt.Errorf("tlog: stored tiles give root %v for tree %d, want %v", root, tree.Size, tree.Hash)
	}
	return a, nil
}

// Tree returns the current state of the log.
func (a *Appender) Tree() Tree { return a.tree }

// Prepare computes the result of appending records as leaves (leaf hash
// sumtlog.RecordHash(record)) without changing a.
func (a *Appender) Prepare(records [][]byte) (*Append, error) {
	hashes := make([]sumtlog.Hash, len(records))
	for i, r := range records {
		hashes[i] = sumtlog.RecordHash(r)
	}
	return a.prepare(hashes, false)
}

// PrepareHashes is Prepare for leaves given by their leaf hashes.
func (a *Appender) PrepareHashes(hashes []sumtlog.Hash) (*Append, error) {
	return a.prepare(hashes, false)
}

// Commit adopts p. It returns ErrStale, changing nothing, unless p was prepared
// for the current tree.
func (a *Appender) Commit(p *Append) error {
	if p == nil || p.Old != a.tree {
		return ErrStale
	}
	a.apply(p)
	return nil
}

func (a *Appender) apply(p *Append) {
	for _, x := range p.drop {
		delete(a.edge, x)
	}
	for _, s := range p.add {
		a.edge[s.index] = s.hash
	}
	a.tree = p.New
}

// edgeReader reads hashes from the right edge alone.
func (a *Appender) edgeReader() sumtlog.HashReader {
	return sumtlog.HashReaderFunc(func(indexes []int64) ([]sumtlog.Hash, error) {
		out := make([]sumtlog.Hash, len(indexes))
		for i, x := range indexes {
			h, ok := a.edge[x]
			if !ok {
				return nil, fmt.Errorf("tlog: hash %d is not on the right edge of tree %d", x, a.tree.Size)
			}
			out[i] = h
		}
		return out, nil
	})
}

// prepare appends hashes in a scratch space over the right edge. With lazy
// set, as the Verifier wants, it skips partial tiles and the new root: New.Hash
// is left zero.
func (a *Appender) prepare(hashes []sumtlog.Hash, lazy bool) (*Append, error) {
	old := a.tree.Size
	if int64(len(hashes)) > math.MaxInt64-old {
		return nil, fmt.Errorf("tlog: appending %d leaves to tree %d overflows", len(hashes), old)
	}
	size := old + int64(len(hashes))
	p := &Append{Old: a.tree, New: a.tree}
	if size == old {
		return p, nil
	}

	// Hashes stored for the new leaves have consecutive indexes from base.
	base := sumtlog.StoredHashIndex(0, old)
	stored := make([]sumtlog.Hash, 0, sumtlog.StoredHashCount(size)-base)
	read := sumtlog.HashReaderFunc(func(indexes []int64) ([]sumtlog.Hash, error) {
		out := make([]sumtlog.Hash, len(indexes))
		for i, x := range indexes {
			if x >= base {
				if x-base >= int64(len(stored)) {
					return nil, fmt.Errorf("tlog: hash %d is not computed yet", x)
				}
				out[i] = stored[x-base]
				continue
			}
			h, ok := a.edge[x]
			if !ok {
				return nil, fmt.Errorf("tlog: hash %d is not on the right edge of tree %d", x, old)
			}
			out[i] = h
		}
		return out, nil
	})

	for i, h := range hashes {
		sh, err := sumtlog.StoredHashesForRecordHash(old+int64(i), h, read)
		if err != nil {
			return nil, fmt.Errorf("tlog: append leaf %d: %w", old+int64(i), err)
		}
		stored = append(stored, sh...)
	}

	for _, t := range sumtlog.NewTiles(TileHeight, old, size) {
		if lazy && t.W < 1<<TileHeight {
			continue
		}
		data, err := sumtlog.ReadTileData(t, read)
		if err != nil {
			return nil, fmt.Errorf("tlog: tile %s: %w", t.Path(), err)
		}
		p.Tiles = append(p.Tiles, TileData{Tile: t, Data: data})
	}

	p.New = Tree{Size: size}
	if !lazy {
		root, err := sumtlog.TreeHash(size, read)
		if err != nil {
			return nil, fmt.Errorf("tlog: root of tree %d: %w", size, err)
		}
		p.New.Hash = root
	}

	// Move the right edge level by level. Nodes numbered from old>>level on are
	// new in this append; older ones on the new edge were on the old edge too.
	for level := 0; size>>uint(level) > 0; level++ {
		oldLo, oldHi := edgeRange(old, level)
		newLo, newHi := edgeRange(size, level)
		for n := oldLo; n < min(oldHi, newLo); n++ {
			p.drop = append(p.drop, sumtlog.StoredHashIndex(level, n))
		}
		for n := max(newLo, oldHi); n < newHi; n++ {
			x := sumtlog.StoredHashIndex(level, n)
			p.add = append(p.add, storedHash{index: x, hash: stored[x-base]})
		}
	}
	return p, nil
}
