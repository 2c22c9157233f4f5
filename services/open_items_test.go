package services

import (
	"math"
	"slices"
	"strings"
	"testing"

	"pgregory.net/rapid"

	"linkfin"
)

// TestQuotedIDs: an id a text quotes, as it is or as banks write it (upper-cased,
// without the "_"), is among the ids quotedIDs finds in the squashed text, and every id
// it finds is one the text quotes.
func TestQuotedIDs(t *testing.T) {
	rapid.Check(t, func(t *rapid.T) {
		prefix := rapid.SampledFrom([]string{"ep", "ct", "pf"}).Draw(t, "prefix")
		id := linkfin.FormatID(prefix, rapid.Int64Range(0, math.MaxInt64).Draw(t, "clock"))
		quoted := id
		if rapid.Bool().Draw(t, "as banks write it") {
			quoted = strings.ToUpper(strings.ReplaceAll(id, "_", ""))
		}
		text := squash(rapid.StringMatching(`[ -~]{0,40}`).Draw(t, "before") + quoted + rapid.StringMatching(`[ -~]{0,40}`).Draw(t, "after"))
		got := quotedIDs(text, prefix)
		if !slices.Contains(got, id) {
			t.Fatalf("%q quotes %s: found %v", text, id, got)
		}
		for _, q := range got {
			if !strings.HasPrefix(q, prefix+"_") || len(q) != len(id) || !strings.Contains(text, squash(q)) {
				t.Fatalf("%q: found %s, which it does not quote", text, q)
			}
		}
	})
	for text, want := range map[string][]string{
		"":                               nil,
		"deepsleep":                      nil,
		"ep0123456789ab":                 nil, // twelve digits
		"ep0123456789abi":                nil, // i is no digit of the alphabet
		"ep0123456789abc":                {"ep_0123456789abc"},
		"epep0123456789abc":              {"ep_ep0123456789a", "ep_0123456789abc"}, // whichever it is
		"ep0123456789abcep0123456789abd": {"ep_0123456789abc", "ep_0123456789abd"},
	} {
		if got := quotedIDs(text, "ep"); !slices.Equal(got, want) {
			t.Errorf("quotedIDs(%q) = %v, want %v", text, got, want)
		}
	}
}
