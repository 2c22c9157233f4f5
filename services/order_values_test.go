package services

import (
	"math/big"
	"testing"

	"pgregory.net/rapid"

	"linkfin"
)

// orderValues says what the lines are worth, received and ordered, exactly as big
// numbers do whenever it says it can, and it can for any order within the bounds.
func TestOrderValuesIsExact(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		n := rapid.IntRange(1, 5).Draw(t, "lines")
		// Most orders are within the bounds; some lines are beyond any.
		maxQ, maxP := int64(1_000_000), int64(1_000_000_000)
		if rapid.Bool().Draw(t, "huge") {
			maxQ, maxP = linkfin.MaxQuantity, linkfin.MaxPrice
		}
		lines := make([]linkfin.POLine, n)
		for i := range lines {
			q := rapid.Int64Range(1, maxQ).Draw(t, "quantity")
			lines[i] = linkfin.POLine{Quantity: q, UnitPrice: rapid.Int64Range(1, maxP).Draw(t, "price"),
				Received: rapid.Int64Range(0, 2*q).Draw(t, "received")}
		}
		var accepted, ordered big.Int
		for _, l := range lines {
			accepted.Add(&accepted, new(big.Int).Mul(big.NewInt(min(l.Received, l.Quantity)), big.NewInt(l.UnitPrice)))
			ordered.Add(&ordered, new(big.Int).Mul(big.NewInt(l.Quantity), big.NewInt(l.UnitPrice)))
		}
		a, o, ok := orderValues(lines)
		fits := ordered.IsInt64() && ordered.Int64() <= linkfin.MaxAmount
		if fits && !ok {
			t.Fatalf("an order worth %s within the bounds is not said in machine words", &ordered)
		}
		if ok && (a != accepted.Int64() || o != ordered.Int64() || !accepted.IsInt64() || !ordered.IsInt64()) {
			t.Fatalf("orderValues says %d received of %d ordered, big numbers %s of %s", a, o, &accepted, &ordered)
		}
	})
}
