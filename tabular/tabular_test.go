package tabular

import (
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
	want := "id,amount,big,lines,meta,code\n" +
		`"a,1",9007199254740993,,"[1,2]","{""x"":1}","'=HYPERLINK(""x"")"` + "\n" +
		`"b ""q""",-5,123456789012345678,,,` + "\n"
	if b.String() != want {
		t.Fatalf("got\n%s\nwant\n%s", b.String(), want)
	}
	if err := Write(&b, []string{"id"}, []json.RawMessage{json.RawMessage(`[1]`)}); err == nil {
		t.Fatal("a record that is not an object was written")
	}
}
