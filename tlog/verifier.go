package tlog

import (
	sumtlog "golang.org/x/mod/sumdb/tlog"
)

// Verifier rebuilds the tree from the leaf records, in order, keeping only its
// right edge in memory. It lets `linkfin verify` check the stored log:
//
//   - after the leaf with index k, Tree() must equal any stored checkpoint of size k+1;
//   - each complete tile returned by Add must equal the stored tile, byte for byte;
//   - at the end, each tile of PartialTiles must equal the stored tile, which is
//     exactly that wide when the store holds exactly the leaves added.
type Verifier struct {
	a     Appender
	stale bool // a.tree.Hash is not computed yet
}

// NewVerifier returns a Verifier for an empty log.
func NewVerifier() *Verifier {
	return &Verifier{a: Appender{tree: Tree{Hash: emptyHash}, edge: map[int64]sumtlog.Hash{}}}
}

// Add appends record as the next leaf and returns its index and the tiles it
// completed (usually none; never partial tiles).
func (v *Verifier) Add(record []byte) (index int64, complete []TileData) {
	index = v.a.tree.Size
	p, err := v.a.prepare([]sumtlog.Hash{sumtlog.RecordHash(record)}, true)
	if err != nil {
		// The edge is complete by construction: only a bug lands here.
		panic(err)
	}
	v.a.apply(p)
	v.stale = true
	return index, p.Tiles
}

// Tree returns the tree of the leaves added so far.
func (v *Verifier) Tree() Tree {
	if v.stale {
		root, err := sumtlog.TreeHash(v.a.tree.Size, v.a.edgeReader())
		if err != nil {
			panic(err)
		}
		v.a.tree.Hash = root
		v.stale = false
	}
	return v.a.tree
}

// PartialTiles returns the incomplete tiles of the current tree, lowest level first.
func (v *Verifier) PartialTiles() []TileData {
	var tiles []TileData
	for level := 0; v.a.tree.Size>>uint(level*TileHeight) > 0; level++ {
		m := v.a.tree.Size >> uint(level*TileHeight)
		w := int(m & (1<<TileHeight - 1))
		if w == 0 {
			continue
		}
		t := sumtlog.Tile{H: TileHeight, L: level, N: m >> TileHeight, W: w}
		data, err := sumtlog.ReadTileData(t, v.a.edgeReader())
		if err != nil {
			panic(err)
		}
		tiles = append(tiles, TileData{Tile: t, Data: data})
	}
	return tiles
}
