package tabular

import (
	"encoding/csv"
	"encoding/json"
	"reflect"
	"slices"
	"strings"
	"testing"
)

type inner struct {
	Code string `json:"code"`
}

type record struct {
	ID     string         `json:"id"`
	Amount int64          `json:"amount"`
	Big    string         `json:"big,omitempty"`
	Lines  []int          `json:"lines"`
	Meta   map[string]int `json:"meta"`
	Hidden string         `json:"-"`
	inner
	unexported int // not a column: encoding/json skips it
}

func TestColumns(t *testing.T) {
	_ = record{unexported: 1}
	got := Columns(reflect.TypeFor[*record]())
	if want := []string{"id", "amount", "big", "lines", "meta", "code"}; !slices.Equal(got, want) {
		t.Fatalf("columns %v, want %v", got, want)
	}
}

func TestWrite(t *testing.T) {
	recs := []json.RawMessage{
		json.RawMessage(`{"id":"a,1","amount":9007199254740993,"lines":[1, 2],"meta":{"x": 1},"code":"=HYPERLINK(\"x\")"}`),
		json.RawMessage(`{"id":"b \"q\"","amount":-5,"big":"123456789012345678","lines":null}`),
	}
	var b strings.Builder
	if err := Write(&b, Columns(reflect.TypeFor[record]()), recs); err != nil {
		t.Fatal(err)
	}
	// Each line ends in CRLF, as RFC 4180 has it.
	want := "id,amount,big,lines,meta,code\r\n" +
		`"a,1",9007199254740993,,"[1,2]","{""x"":1}","'=HYPERLINK(""x"")"` + "\r\n" +
		`"b ""q""",-5,123456789012345678,,,` + "\r\n"
	if b.String() != want {
		t.Fatalf("got\n%q\nwant\n%q", b.String(), want)
	}
	if err := Write(&b, []string{"id"}, []json.RawMessage{json.RawMessage(`[1]`)}); err == nil {
		t.Fatal("a record that is not an object was written")
	}
}

// TestWriteBidiShown: a bidirectional override, embedding or isolate in a string cell
// is written as its code point, and in an object or a list as its JSON escape, so that
// no cell reads in another order than it is ("INV-\u202E1002" read as INV-2001 in a
// spreadsheet); the marks stay. A bank's texts may hold them, as the bank sent them.
func TestWriteBidiShown(t *testing.T) {
	recs := []json.RawMessage{json.RawMessage(`{"id":"INV-\u202e1002 \u2067x\u2069 \u200f","amount":1,"lines":null,"meta":{"\u202a":1},"code":"-\u202d"}`)}
	var b strings.Builder
	if err := Write(&b, Columns(reflect.TypeFor[record]()), recs); err != nil {
		t.Fatal(err)
	}
	want := "id,amount,big,lines,meta,code\r\n" +
		"INV-‹U+202E›1002 ‹U+2067›x‹U+2069› \u200f,1,,,\"{\"\"\\u202a\"\":1}\",'-‹U+202D›\r\n"
	if b.String() != want {
		t.Fatalf("got\n%q\nwant\n%q", b.String(), want)
	}
	// The JSON cell reads back as the record's JSON.
	rows, err := csv.NewReader(strings.NewReader(b.String())).ReadAll()
	var meta map[string]int
	if err != nil || json.Unmarshal([]byte(rows[1][4]), &meta) != nil || meta["\u202a"] != 1 {
		t.Fatalf("the meta cell %q reads %v (%v)", rows[1][4], meta, err)
	}
	b.Reset()
	if err := WriteItems(&b, [][2]string{{"supplier", "\u202eenoyna"}}); err != nil {
		t.Fatal(err)
	}
	if want := "item,value\r\nsupplier,‹U+202E›enoyna\r\n"; b.String() != want {
		t.Fatalf("items: got %q, want %q", b.String(), want)
	}
}
