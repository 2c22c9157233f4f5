// Package tabular writes lists of records as CSV, for the API's text/csv answers and
// the console's downloads: one row per record and one column per top-level field of
// the record's type, in the order the type declares them.
package tabular

import (
	"bytes"
	"encoding/csv"
	"encoding/json"
	"io"
	"reflect"
	"strconv"
	"strings"

	"linkfin"
)

// Columns are the JSON names of the top-level fields of t (a struct, or a pointer to
// one), in declaration order; embedded structs give their fields in place.
func Columns(t reflect.Type) []string {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	if t.Kind() != reflect.Struct {
		return nil
	}
	var out []string
	for f := range t.Fields() {
		tag := f.Tag.Get("json")
		name, _, _ := strings.Cut(tag, ",")
		if name == "-" {
			continue
		}
		// An embedded struct's fields are the record's, as encoding/json has them.
		if f.Anonymous && name == "" && (f.Type.Kind() == reflect.Struct || f.Type.Kind() == reflect.Pointer) {
			out = append(out, Columns(f.Type)...)
			continue
		}
		if !f.IsExported() {
			continue
		}
		if name == "" {
			name = f.Name
		}
		out = append(out, name)
	}
	return out
}

// Write writes the records (each a JSON object) as CSV under a header of the columns,
// each line ending in CRLF, as RFC 4180 has it.
// A cell holds the field's JSON value as text, exactly: a string unquoted, a number as
// its digits (never through a float), an object or a list as compact JSON, and
// nothing for a missing field or null. A string a spreadsheet would run as a formula
// (it starts with =, +, -, @, a tab or a carriage return) gets a leading apostrophe;
// a bidirectional embedding, override or isolate is written as its code point in a
// string ("‹U+202E›"), as its escape in JSON ("\u202e").
func Write(w io.Writer, columns []string, records []json.RawMessage) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // RFC 4180: each record ends in CRLF
	if err := cw.Write(columns); err != nil {
		return err
	}
	row := make([]string, len(columns))
	for _, rec := range records {
		var fields map[string]json.RawMessage
		if err := json.Unmarshal(rec, &fields); err != nil {
			return err
		}
		for i, c := range columns {
			cell, err := text(fields[c])
			if err != nil {
				return err
			}
			row[i] = cell
		}
		if err := cw.Write(row); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}

// defused is a text as a cell: one a spreadsheet would run as a formula (it starts
// with =, +, -, @, a tab or a carriage return) gets a leading apostrophe, and a
// bidirectional embedding, override or isolate, which a bank's texts may hold, is
// written as its code point ("‹U+202E›", linkfin.ShowBidiControls), so that the cell
// reads in the order it is.
func defused(s string) string {
	s = linkfin.ShowBidiControls(s)
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// text is a JSON value as a cell.
func text(v json.RawMessage) (string, error) {
	v = bytes.TrimSpace(v)
	if len(v) == 0 || string(v) == "null" {
		return "", nil
	}
	switch v[0] {
	case '"':
		var s string
		if err := json.Unmarshal(v, &s); err != nil {
			return "", err
		}
		return defused(s), nil
	case '{', '[':
		var b bytes.Buffer
		if err := json.Compact(&b, v); err != nil {
			return "", err
		}
		return linkfin.EscapeBidiControls(b.String()), nil
	}
	return string(v), nil // a number, true or false, as written
}

// WriteItems writes one record as a table of two columns, item and value, one row per
// item: a value that is not a whole number and that a spreadsheet would run as a
// formula gets a leading apostrophe, as Write's strings do.
func WriteItems(w io.Writer, rows [][2]string) error {
	cw := csv.NewWriter(w)
	cw.UseCRLF = true // RFC 4180: each record ends in CRLF
	if err := cw.Write([]string{"item", "value"}); err != nil {
		return err
	}
	for _, r := range rows {
		v := r[1]
		if _, err := strconv.ParseInt(v, 10, 64); err != nil {
			v = defused(v)
		}
		if err := cw.Write([]string{r[0], v}); err != nil {
			return err
		}
	}
	cw.Flush()
	return cw.Error()
}
