package tlog

import (
	"bytes"
	"context"
	"fmt"
	"math/rand/v2"
	"testing"

	sumtlog "golang.org/x/mod/sumdb/tlog"
)

// memStore keeps tiles like the real store: one row per (level, index), the
// widest data written so far.
type memStore struct {
	tb    testing.TB
	tiles map[[2]int64][]byte
	reads int
}

func newMemStore(tb testing.TB) *memStore {
	return &memStore{tb: tb, tiles: map[[2]int64][]byte{}}
}

func (s *memStore) save(tiles []TileData) {
	s.tb.Helper()
	for _, td := range tiles {
		if len(td.Data) != td.Tile.W*sumtlog.HashSize {
			s.tb.Fatalf("tile %s: %d bytes, want %d", td.Tile.Path(), len(td.Data), td.Tile.W*sumtlog.HashSize)
		}
		k := [2]int64{int64(td.Tile.L), td.Tile.N}
		old := s.tiles[k]
		// A tile only ever grows: what was stored is never rewritten.
		if !bytes.HasPrefix(td.Data, old) {
			s.tb.Fatalf("tile %s rewrites stored data", td.Tile.Path())
		}
		if len(td.Data) > len(old) {
			s.tiles[k] = bytes.Clone(td.Data)
		}
	}
}

func (s *memStore) ReadTiles(_ context.Context, tiles []sumtlog.Tile) ([][]byte, error) {
	s.reads++
	out := make([][]byte, len(tiles))
	for i, t := range tiles {
		d := s.tiles[[2]int64{int64(t.L), t.N}]
		if len(d) < t.W*sumtlog.HashSize {
			return nil, fmt.Errorf("tile %s: %d bytes stored", t.Path(), len(d))
		}
		out[i] = d[:t.W*sumtlog.HashSize]
	}
	return out, nil
}

// refLog is the reference: every stored hash of the log, computed by sumtlog
// alone over a complete in-memory list.
type refLog struct {
	records [][]byte
	stored  []sumtlog.Hash
}

func newRefLog(tb testing.TB, records [][]byte) *refLog {
	tb.Helper()
	l := &refLog{records: records}
	for i, r := range records {
		hs, err := sumtlog.StoredHashes(int64(i), r, l)
		if err != nil {
			tb.Fatal(err)
		}
		l.stored = append(l.stored, hs...)
	}
	return l
}

func (l *refLog) ReadHashes(indexes []int64) ([]sumtlog.Hash, error) {
	out := make([]sumtlog.Hash, len(indexes))
	for i, x := range indexes {
		if x >= int64(len(l.stored)) {
			return nil, fmt.Errorf("hash %d not stored", x)
		}
		out[i] = l.stored[x]
	}
	return out, nil
}

func (l *refLog) tree(tb testing.TB, n int64) Tree {
	tb.Helper()
	h, err := sumtlog.TreeHash(n, l)
	if err != nil {
		tb.Fatal(err)
	}
	return Tree{Size: n, Hash: h}
}

func (l *refLog) tileData(tb testing.TB, t sumtlog.Tile) []byte {
	tb.Helper()
	d, err := sumtlog.ReadTileData(t, l)
	if err != nil {
		tb.Fatal(err)
	}
	return d
}

func testRecords(seed uint64, n int) [][]byte {
	rng := rand.New(rand.NewPCG(seed, 1))
	records := make([][]byte, n)
	for i := range records {
		b := make([]byte, 16+rng.IntN(64))
		for j := range b {
			b[j] = byte(rng.Uint32())
		}
		records[i] = fmt.Appendf(nil, "event %d %x", i, b)
	}
	return records
}

// checkTiles asserts that every tile of an append is the tile sumtlog computes
// from the full reference log.
func checkTiles(tb testing.TB, ref *refLog, p *Append) {
	tb.Helper()
	want := sumtlog.NewTiles(TileHeight, p.Old.Size, p.New.Size)
	if len(p.Tiles) != len(want) {
		tb.Fatalf("append %d→%d: %d tiles, want %d", p.Old.Size, p.New.Size, len(p.Tiles), len(want))
	}
	for i, td := range p.Tiles {
		if td.Tile != want[i] {
			tb.Fatalf("append %d→%d: tile %d is %s, want %s", p.Old.Size, p.New.Size, i, td.Tile.Path(), want[i].Path())
		}
		if !bytes.Equal(td.Data, ref.tileData(tb, td.Tile)) {
			tb.Fatalf("append %d→%d: tile %s data differs from sumtlog's", p.Old.Size, p.New.Size, td.Tile.Path())
		}
	}
}
