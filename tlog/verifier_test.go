package tlog

import (
	"bytes"
	"context"
	"testing"

	sumtlog "golang.org/x/mod/sumdb/tlog"
)

func TestVerifier(t *testing.T) {
	const n = 2100
	ref := newRefLog(t, testRecords(8, n))
	store := buildStore(t, ref.records, 333)

	a, err := NewAppender(context.Background(), Tree{}, nil)
	if err != nil {
		t.Fatal(err)
	}
	v := NewVerifier()
	if v.Tree() != ref.tree(t, 0) {
		t.Fatalf("empty verifier tree = %v", v.Tree())
	}
	var complete []sumtlog.Tile
	for i, r := range ref.records {
		index, tiles := v.Add(r)
		if index != int64(i) {
			t.Fatalf("Add = %d, want %d", index, i)
		}
		p, err := a.Prepare([][]byte{r})
		if err != nil {
			t.Fatal(err)
		}
		if err := a.Commit(p); err != nil {
			t.Fatal(err)
		}
		if v.Tree() != a.Tree() || v.Tree() != ref.tree(t, int64(i+1)) {
			t.Fatalf("leaf %d: verifier %v, appender %v", i, v.Tree(), a.Tree())
		}
		for _, td := range tiles {
			if td.Tile.W != 1<<TileHeight {
				t.Fatalf("leaf %d: Add returned partial tile %s", i, td.Tile.Path())
			}
			if !bytes.Equal(td.Data, store.tiles[[2]int64{int64(td.Tile.L), td.Tile.N}]) {
				t.Fatalf("leaf %d: tile %s differs from the stored one", i, td.Tile.Path())
			}
			complete = append(complete, td.Tile)
		}
	}
	// 2100 = 8·256 + 52: tiles 0/000..0/007 complete, then 1/000 is not.
	if len(complete) != 8 {
		t.Fatalf("complete tiles = %v", complete)
	}
	partial := v.PartialTiles()
	want := []sumtlog.Tile{{H: 8, L: 0, N: 8, W: 52}, {H: 8, L: 1, N: 0, W: 8}}
	if len(partial) != len(want) {
		t.Fatalf("partial tiles = %v, want %v", partial, want)
	}
	for i, td := range partial {
		if td.Tile != want[i] || !bytes.Equal(td.Data, store.tiles[[2]int64{int64(td.Tile.L), td.Tile.N}]) {
			t.Fatalf("partial tile %s differs from the stored %s", td.Tile.Path(), want[i].Path())
		}
	}
	if got := len(complete) + len(partial); got != len(store.tiles) {
		t.Fatalf("verifier saw %d tiles, store has %d", got, len(store.tiles))
	}
}
