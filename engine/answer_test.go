package engine

import (
	"encoding/json"
	"slices"
	"testing"

	"pgregory.net/rapid"

	"linkfin/ledger"
)

// TestAppendAnswer: the engine writes an answer byte for byte as json.Marshal does, in
// memory and as the store keeps it, for any results, timestamps and outcomes, with texts
// that JSON escapes (quotes, controls, HTML, invalid UTF-8, U+2028).
func TestAppendAnswer(t *testing.T) {
	text := rapid.OneOf(rapid.String(), rapid.SampledFrom([]string{"", "ok", "exists", `a"b\c`, "<&>", "\u2028\x00\xff", "naïve"}))
	rapid.Check(t, func(t *rapid.T) {
		resp := &Response{}
		if rapid.Bool().Draw(t, "results") {
			resp.Results = []ledger.Result{}
			for _, s := range rapid.SliceOf(text).Draw(t, "result texts") {
				resp.Results = append(resp.Results, ledger.Result(s))
			}
		}
		if rapid.Bool().Draw(t, "timestamps") {
			resp.Timestamps = rapid.SliceOf(rapid.Int64()).Draw(t, "timestamp values")
		}
		for range rapid.IntRange(0, 4).Draw(t, "outcomes") {
			var o Outcome
			if rapid.Bool().Draw(t, "has value") {
				// A command's value as the engine encodes it.
				v := map[string]any{"id": text.Draw(t, "id"), "n": rapid.Int64().Draw(t, "n"), "tags": rapid.SliceOf(text).Draw(t, "tags")}
				o.Value, _ = json.Marshal(v)
			}
			o.Code, o.Message = text.Draw(t, "code"), text.Draw(t, "message")
			if rapid.Bool().Draw(t, "value from") {
				seq := rapid.Int64Min(0).Draw(t, "seq")
				o.ValueFrom = &seq
			}
			resp.Outcomes = append(resp.Outcomes, o)
		}
		want, err := json.Marshal(resp)
		if err != nil {
			t.Fatal(err)
		}
		if got := appendAnswer(nil, resp, false); string(got) != string(want) {
			t.Fatalf("answer\n got %s\nwant %s", got, want)
		}
		stored := *resp
		stored.Outcomes = slices.Clone(resp.Outcomes)
		for i := range stored.Outcomes {
			if stored.Outcomes[i].ValueFrom != nil {
				stored.Outcomes[i].Value = nil
			}
		}
		want, _ = json.Marshal(&stored)
		if got := appendAnswer(nil, resp, true); string(got) != string(want) {
			t.Fatalf("stored answer\n got %s\nwant %s", got, want)
		}
	})
}
