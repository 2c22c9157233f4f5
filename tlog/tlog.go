// Package tlog keeps linkfin's transparency log: every committed event is a leaf
// of an RFC 6962 Merkle tree, stored as tiles of hashes the way the Go checksum
// database stores its log, and published as signed checkpoints.
//
// All hashing, tiling and proofs are done by golang.org/x/mod/sumdb/tlog; this
// package holds the glue: an [Appender] that extends the tree inside the engine's
// batch without reading storage, checkpoint signing, proofs served from stored
// tiles, and a [Verifier] that re-hashes the whole log.
package tlog

import (
	"context"
	"crypto/sha256"
	"errors"

	sumtlog "golang.org/x/mod/sumdb/tlog"

	"linkfin"
)

// TileHeight is the height of the stored tiles: a complete tile holds 256 hashes.
const TileHeight = 8

// Tree is a log state: its number of leaves and its root hash.
// The zero Tree is read as the empty log wherever a Tree is an input.
type Tree struct {
	Size int64
	Hash sumtlog.Hash
}

// TileReader reads stored tile data. Storage keeps one row per (level, index): the
// widest data written so far for that tile (partial tiles are overwritten as they grow).
// ReadTiles must return, for each requested tile t, exactly t.W*32 bytes (the prefix of
// the stored data), or an error if fewer are stored.
type TileReader interface {
	ReadTiles(ctx context.Context, tiles []sumtlog.Tile) ([][]byte, error)
}

// TileStore is what reads linkfin's stored tiles: a store, or a snapshot of one.
type TileStore interface {
	ReadTiles(ctx context.Context, tiles []linkfin.Tile) ([][]byte, error)
}

// StoredTiles is a store's tiles as a TileReader, for proofs and the appender.
func StoredTiles(s TileStore) TileReader { return storedTiles{s} }

type storedTiles struct{ s TileStore }

func (r storedTiles) ReadTiles(ctx context.Context, tiles []sumtlog.Tile) ([][]byte, error) {
	ts := make([]linkfin.Tile, len(tiles))
	for i, t := range tiles {
		ts[i] = linkfin.Tile{L: t.L, N: t.N, W: t.W}
	}
	return r.s.ReadTiles(ctx, ts)
}

// TileData is a tile to persist: store it under (Tile.L, Tile.N), replacing a narrower one.
type TileData struct {
	Tile sumtlog.Tile
	Data []byte
}

// ErrStale reports a Commit of an Append prepared for another state of the tree.
var ErrStale = errors.New("tlog: append was prepared for another tree")

// emptyHash is the RFC 6962 root of the empty tree.
var emptyHash = sumtlog.Hash(sha256.Sum256(nil))

// normalize maps the zero Tree to the empty tree with its real root hash.
func normalize(t Tree) Tree {
	if t == (Tree{}) {
		t.Hash = emptyHash
	}
	return t
}

// readTilesFunc adapts a TileReader, with its context bound in a closure,
// to the tile reader of sumtlog. Tiles read here are authenticated by
// sumtlog.TileHashReader against the tree hash, and never saved back.
type readTilesFunc func(tiles []sumtlog.Tile) ([][]byte, error)

func (readTilesFunc) Height() int { return TileHeight }

func (f readTilesFunc) ReadTiles(tiles []sumtlog.Tile) ([][]byte, error) { return f(tiles) }

func (readTilesFunc) SaveTiles([]sumtlog.Tile, [][]byte) {}

// tileHashes returns a HashReader over the stored tiles of tree t that checks
// every tile it loads against t's root hash.
func tileHashes(ctx context.Context, t Tree, tr TileReader) sumtlog.HashReader {
	read := readTilesFunc(func(tiles []sumtlog.Tile) ([][]byte, error) {
		return tr.ReadTiles(ctx, tiles)
	})
	return sumtlog.TileHashReader(sumtlog.Tree{N: t.Size, Hash: t.Hash}, read)
}
