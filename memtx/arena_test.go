package memtx_test

import (
	"context"
	"fmt"
	"slices"
	"testing"
	"time"

	"linkfin"
	"linkfin/memtx"
)

const kindDeal = "memtx_deal"

// deal is a record with parties: its buyer and seller, and anyone it names besides.
type deal struct {
	ID     string   `json:"id"`
	Buyer  string   `json:"buyer"`
	Seller string   `json:"seller"`
	Others []string `json:"others,omitempty"`
}

// Parties lists them in a slice with room to spare, as a list that drops duplicates
// may have.
func (d *deal) Parties() []string {
	return append(append(make([]string, 0, 8), d.Buyer, d.Seller), d.Others...)
}

func init() { linkfin.RegisterKind(kindDeal, func() any { return new(deal) }) }

// putDeal writes a deal as it is given.
type putDeal struct{ d deal }

func (c *putDeal) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: kindDeal, ID: c.d.ID}}
}

func (c *putDeal) Apply(tx linkfin.Tx) (any, error) {
	d := c.d
	return nil, tx.Put(kindDeal, d.ID, &d, kindDeal+".written")
}

// Records that name the same parties share what the DB keeps of them: one that comes
// to name another party is listed under it alone, and every record stays listed under
// every party it ever named, whatever the others did.
func TestPartyIndexOfRecordsNamingTheSameParties(t *testing.T) {
	db := memtx.New(func() time.Time { return start })
	ctx := context.Background()
	put := func(d deal) {
		t.Helper()
		if err := db.Run(ctx, &putDeal{d}, nil); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		put(deal{ID: fmt.Sprintf("d%d", i), Buyer: "b", Seller: "s"})
	}
	put(deal{ID: "d1", Buyer: "b", Seller: "s", Others: []string{"f"}}) // d1 now names a funder
	put(deal{ID: "d2", Buyer: "b", Seller: "t"})                        // d2 changed its seller
	put(deal{ID: "d3", Buyer: "b", Seller: "s", Others: []string{"f"}}) // a new record naming all three

	listed := func(party string) []string {
		t.Helper()
		objs, err := db.ListObjectsByParty(ctx, kindDeal, party, "", 100)
		if err != nil {
			t.Fatal(err)
		}
		var ids []string
		for _, o := range objs {
			ids = append(ids, o.ID)
		}
		return ids
	}
	for party, want := range map[string][]string{
		"b": {"d0", "d1", "d2", "d3"},
		"s": {"d0", "d1", "d2", "d3"}, // d2 named s once
		"f": {"d1", "d3"},
		"t": {"d2"},
	} {
		if got := listed(party); !slices.Equal(got, want) {
			t.Errorf("records of %s: %v, want %v", party, got, want)
		}
		for _, id := range []string{"d0", "d1", "d2", "d3"} {
			was, err := db.WasParty(ctx, kindDeal, id, party)
			if err != nil {
				t.Fatal(err)
			}
			if want := slices.Contains(want, id); was != want {
				t.Errorf("WasParty(%s, %s) = %v, want %v", id, party, was, want)
			}
		}
	}
}
