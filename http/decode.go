package http

import (
	"bytes"
	"encoding"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"reflect"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"linkfin"
)

// decode parses JSON strictly: field names exactly as documented (encoding/json
// would also take "Amount" for "amount"), each at most once (it would keep the last),
// no unknown fields, every required field present and not null (an optional one given
// as null is left as it is, absent), no item of an array null, no trailing data,
// right types, valid UTF-8 (encoding/json would replace what is not), at every depth.
// A body that could be read two ways is refused: a proxy in front of linkfin must
// never see another amount than the ledger applies.
//
// The required fields are those the OpenAPI document requires, found the same way
// from the same Go type (jsonFields): the two cannot disagree.
func decode(body []byte, v any) error {
	if err := checkText(body); err != nil {
		return err
	}
	// A well-formed body is checked over a scan of its bytes, which gives the tokens
	// encoding/json's decoder would; any other is checked through that decoder, for
	// its errors.
	var toks tokenReader = &scan{b: body}
	if !json.Valid(body) {
		d := json.NewDecoder(bytes.NewReader(body))
		d.UseNumber()
		toks = d
	}
	if err := strict(toks, reflect.TypeOf(v).Elem(), "", nil); err != nil && err != errWrongKind {
		return err
	}
	dec := json.NewDecoder(bytes.NewReader(body))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return decodeError(err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return linkfin.Errorf(EMALFORMED, "unexpected data after the JSON value")
	}
	return nil
}

var (
	timeType        = reflect.TypeFor[time.Time]()
	jsonUnmarshaler = reflect.TypeFor[json.Unmarshaler]()
	textUnmarshaler = reflect.TypeFor[encoding.TextUnmarshaler]()
)

// strict reads the next JSON value from dec as a value of type t, checking the
// members of every object it holds. A value of the wrong kind is left for the decoder
// to report. at names the value for messages ("" for the body).
func strict(dec tokenReader, t reflect.Type, at string, f *jsonField) error {
	tok, err := dec.Token()
	if err != nil {
		return decodeError(err)
	}
	return strictValue(dec, tok, t, at, f)
}

// strictValue checks the value whose first token, tok, was just read. f is the field
// the value is (or is an element of), nil for none: its rules apply to texts and
// integers.
func strictValue(dec tokenReader, tok json.Token, t reflect.Type, at string, f *jsonField) error {
	for t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	d, delim := tok.(json.Delim)
	if t == timeType && tok != nil {
		// time.Time's own errors say nothing of the field, and the decoder would answer
		// them as malformed JSON: a time is a string in RFC 3339.
		v, ok := tok.(string)
		if !ok {
			if delim {
				_ = skipRest(dec)
			}
			return linkfin.Errorf(ETYPE, "field %q must be a string, a time in RFC 3339 (2026-11-04T09:30:00Z)", at)
		}
		if _, err := time.Parse(time.RFC3339Nano, v); err != nil {
			return linkfin.Errorf(linkfin.EINVALID, "field %q is not a time in RFC 3339 (2026-11-04T09:30:00Z): %q", at, v)
		}
		return nil
	}
	if implements(t, jsonUnmarshaler) || implements(t, textUnmarshaler) {
		if delim {
			return skipRest(dec)
		}
		return nil
	}
	if tok == nil {
		if at == "" {
			return linkfin.Errorf(ETYPE, "the body must be %s, not null", jsonKind(t.Kind().String()))
		}
		return nil // null leaves an optional field as it is; a required one is refused by its object
	}
	switch {
	case d == '{' && t.Kind() == reflect.Struct:
		return strictObject(dec, t, at)
	case d == '{' && t.Kind() == reflect.Map:
		seen := make(map[string]bool)
		for dec.More() {
			tok, err := dec.Token()
			if err != nil {
				return decodeError(err)
			}
			name, _ := tok.(string)
			if seen[name] {
				return linkfin.Errorf(EMALFORMED, "field %q appears twice", join(at, name))
			}
			seen[name] = true
			if err := strict(dec, t.Elem(), join(at, name), nil); err != nil {
				return err
			}
		}
		_, err := dec.Token()
		return decodeError(err)
	case d == '[' && (t.Kind() == reflect.Slice || t.Kind() == reflect.Array):
		i := 0
		for ; dec.More(); i++ {
			if f != nil && f.maxItems != 0 && i == f.maxItems {
				return linkfin.Errorf(linkfin.EINVALID, "%s has more than %d items", at, f.maxItems)
			}
			tok, err := dec.Token()
			if err != nil {
				return decodeError(err)
			}
			item := fmt.Sprintf("%s[%d]", at, i)
			if tok == nil && !nullableItem(t.Elem()) {
				// encoding/json would make it the zero item, an empty text or a line
				// without its required members, refused later, if at all, in other words.
				of := at
				if of == "" {
					of = "the body"
				}
				return linkfin.Errorf(ETYPE, "%s is null: an item of %s is a value, never null", item, of)
			}
			if err := strictValue(dec, tok, t.Elem(), item, f); err != nil {
				return err
			}
		}
		if f != nil && i < f.minItems {
			return linkfin.Errorf(linkfin.EINVALID, "%s has %d items, at least %d", at, i, f.minItems)
		}
		_, err := dec.Token()
		return decodeError(err)
	case delim:
		return errWrongKind // the decoder names the type it wanted
	case tok == json.Number("-0") && integerKind(t.Kind()):
		// JSON's grammar gives an integer no leading zero and no plus, but -0, which
		// encoding/json reads as 0 (and refuses for an unsigned integer, as a number
		// of the wrong type): an integer has one spelling, and zero's is 0, whether
		// the field is signed or not.
		return linkfin.Errorf(linkfin.EINVALID, "field %q is -0: an integer has one spelling, and zero is 0, without a sign", at)
	case f == nil:
		return nil
	}
	switch v := tok.(type) {
	case string:
		if !plainText(t) {
			return nil
		}
		if id, maxLen := f.textRule(); id {
			return linkfin.ValidateID(at, v)
		} else {
			return linkfin.ValidateText(at, v, maxLen, maxLen >= linkfin.MaxText)
		}
	case json.Number:
		lo, hi := f.min, f.max
		switch t.Kind() {
		case reflect.Uint8, reflect.Uint16, reflect.Uint32:
			lo, hi = 0, int64(1)<<t.Bits()-1
		case reflect.Int8, reflect.Int16, reflect.Int32:
			lo, hi = -int64(1)<<(t.Bits()-1), int64(1)<<(t.Bits()-1)-1
		}
		if hi == 0 {
			return nil
		}
		n, err := strconv.ParseInt(string(v), 10, 64)
		if err != nil && !errors.Is(err, strconv.ErrRange) {
			return nil // not an integer: the decoder says so
		}
		if err != nil || n > hi || n < lo {
			return linkfin.Errorf(linkfin.EOUTOFRANGE, "%s %s is out of its range, %d to %d", at, v, lo, hi)
		}
	}
	return nil
}

// nullableItem reports whether an array of t takes null as an item: an array of
// pointers, or of any JSON value (the OpenAPI document says so of each, nullable). An
// array of any other type is refused null as an item, 400 invalid_type.
func nullableItem(t reflect.Type) bool {
	return t.Kind() == reflect.Pointer || t.Kind() == reflect.Interface || t == reflect.TypeFor[json.RawMessage]()
}

// integerKind reports whether k is an integer kind, signed or not.
func integerKind(k reflect.Kind) bool {
	return k >= reflect.Int && k <= reflect.Uint64
}

// skipRest reads to the end of the object or array whose opening was just read.
func skipRest(dec tokenReader) error {
	for depth := 1; depth > 0; {
		tok, err := dec.Token()
		if err != nil {
			return decodeError(err)
		}
		switch tok {
		case json.Delim('{'), json.Delim('['):
			depth++
		case json.Delim('}'), json.Delim(']'):
			depth--
		}
	}
	return nil
}

// errWrongKind stops the check at a value of the wrong kind: the decoder reports it.
var errWrongKind = errors.New("wrong kind")

func strictObject(dec tokenReader, t reflect.Type, at string) error {
	table := fieldTableOf(t)
	seen := make(map[string]bool)
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return decodeError(err)
		}
		name, _ := tok.(string)
		f, ok := table.byName[name]
		if !ok {
			return linkfin.Errorf(EUNKNOWNFIELD, "unknown field %q", join(at, name))
		}
		if seen[name] {
			return linkfin.Errorf(EMALFORMED, "field %q appears twice", join(at, name))
		}
		seen[name] = true
		tok, err = dec.Token()
		if err != nil {
			return decodeError(err)
		}
		if tok == nil && !f.optional {
			return linkfin.Errorf(EMISSING, "field %q is required: null is not a value of it", join(at, name))
		}
		if err := strictValue(dec, tok, f.typ, join(at, name), &f); err != nil {
			return err
		}
	}
	if _, err := dec.Token(); err != nil {
		return decodeError(err)
	}
	for _, f := range table.list {
		if !f.optional && !seen[f.name] {
			return linkfin.Errorf(EMISSING, "field %q is required", join(at, f.name))
		}
	}
	return nil
}

func join(at, name string) string {
	if at == "" {
		return name
	}
	return at + "." + name
}

// checkText refuses a body that is not UTF-8, or whose strings escape half of a
// surrogate pair: encoding/json would replace either with U+FFFD, silently changing
// what the caller sent.
func checkText(body []byte) error {
	if !utf8.Valid(body) {
		return linkfin.Errorf(EENCODING, "the body is not valid UTF-8")
	}
	in := false
	for i := 0; i < len(body); i++ {
		switch c := body[i]; {
		case c == '"':
			in = !in
		case c == '\\' && in && i+1 < len(body):
			i++
			if body[i] != 'u' {
				continue
			}
			r, ok := hex4(body, i+1)
			if !ok {
				continue // the decoder reports it
			}
			i += 4
			switch {
			case r >= 0xDC00 && r <= 0xDFFF:
				return linkfin.Errorf(EENCODING, "the body escapes half of a UTF-16 surrogate pair (\\u%04x)", r)
			case r >= 0xD800 && r <= 0xDBFF:
				if i+2 >= len(body) || body[i+1] != '\\' || body[i+2] != 'u' {
					return linkfin.Errorf(EENCODING, "the body escapes half of a UTF-16 surrogate pair (\\u%04x)", r)
				}
				lo, ok := hex4(body, i+3)
				if !ok || lo < 0xDC00 || lo > 0xDFFF {
					return linkfin.Errorf(EENCODING, "the body escapes half of a UTF-16 surrogate pair (\\u%04x)", r)
				}
				i += 6
			}
		}
	}
	return nil
}

func hex4(b []byte, i int) (rune, bool) {
	if i+4 > len(b) {
		return 0, false
	}
	var r rune
	for _, c := range b[i : i+4] {
		switch {
		case c >= '0' && c <= '9':
			r = r<<4 | rune(c-'0')
		case c >= 'a' && c <= 'f':
			r = r<<4 | rune(c-'a'+10)
		case c >= 'A' && c <= 'F':
			r = r<<4 | rune(c-'A'+10)
		default:
			return 0, false
		}
	}
	return r, true
}

func decodeError(err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	var le *linkfin.Error
	switch {
	case err == nil:
		return nil
	case errors.As(err, &le):
		return le
	case errors.As(err, &syn):
		return linkfin.Errorf(EMALFORMED, "malformed JSON at byte %d: %v", syn.Offset, syn)
	case errors.As(err, &typ):
		if typ.Field != "" {
			return linkfin.Errorf(ETYPE, "field %q must be %s, not %s", typ.Field, jsonKind(typ.Type.Kind().String()), typ.Value)
		}
		return linkfin.Errorf(ETYPE, "the body must be %s, not %s", jsonKind(typ.Type.Kind().String()), typ.Value)
	case errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		return linkfin.Errorf(EMALFORMED, "the body is empty or cut short")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return linkfin.Errorf(EUNKNOWNFIELD, "unknown field %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
	}
	return linkfin.Errorf(EMALFORMED, "malformed JSON: %v", err)
}

func jsonKind(k string) string {
	switch k {
	case "int64", "int", "uint32", "uint16", "int32":
		return "an integer"
	case "string":
		return "a string"
	case "slice":
		return "an array"
	case "struct", "map":
		return "an object"
	}
	return fmt.Sprintf("a %s", k)
}
