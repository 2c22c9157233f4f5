package http

import "testing"

// TestTopLevelID: the id a 201's Location names is the answer's own top-level "id",
// read without a decode where the JSON names it first, and decoded otherwise.
func TestTopLevelID(t *testing.T) {
	for body, want := range map[string]string{
		`{"id":"fin_1hvq5e98crs2j","status":"quoted"}`:        "fin_1hvq5e98crs2j",
		"{\n  \"id\": \"wh_1\",\n  \"url\": \"https://x\"\n}": "wh_1",
		`{"org_id":"a","id":"att_1"}`:                         "att_1",
		`{"id":"a\u002fb"}`:                                   "a/b",
		`{"id":"a\"b"}`:                                       `a"b`,
		`{"data":{"id":"inner"}}`:                             "",
		`{"id":7}`:                                            "",
		`[{"id":"x"}]`:                                        "",
		`{"id":"unterminated`:                                 "",
		``:                                                    "",
	} {
		if got := topLevelID([]byte(body)); got != want {
			t.Errorf("topLevelID(%s) = %q, want %q", body, got, want)
		}
	}
}
