package http

import (
	"bytes"
	"encoding/json"
	"io"
	"unicode/utf8"
)

// tokenReader reads JSON a token at a time, as encoding/json's Decoder does (with
// UseNumber): the strict check (strict) reads either.
type tokenReader interface {
	Token() (json.Token, error)
	More() bool
}

// scan reads the tokens of a body that json.Valid accepts, as json.Decoder's Token
// gives them: delimiters, strings (object keys too), json.Number, bools and nil. It
// needs no reader, buffer or state machine, since the body is known to be well formed;
// Decoder.Token was most of a small request's decoding. A string with an escape, or
// with bytes that are not UTF-8 (which decode refuses before), is unquoted by
// encoding/json itself.
type scan struct {
	b []byte
	i int
}

func (s *scan) space() {
	for s.i < len(s.b) {
		switch s.b[s.i] {
		case ' ', '\t', '\n', '\r', ',', ':':
			s.i++
		default:
			return
		}
	}
}

// More reports whether the array or object being read has another element.
func (s *scan) More() bool {
	s.space()
	return s.i < len(s.b) && s.b[s.i] != ']' && s.b[s.i] != '}'
}

// Token returns the next token, or io.EOF after the value.
func (s *scan) Token() (json.Token, error) {
	s.space()
	if s.i >= len(s.b) {
		return nil, io.EOF
	}
	switch c := s.b[s.i]; c {
	case '{', '}', '[', ']':
		s.i++
		return json.Delim(c), nil
	case '"':
		start := s.i
		s.i++
		escaped := false
		for s.b[s.i] != '"' {
			if s.b[s.i] == '\\' {
				escaped = true
				s.i++
			}
			s.i++
		}
		s.i++
		if raw := s.b[start+1 : s.i-1]; !escaped && utf8.Valid(raw) {
			return string(raw), nil
		}
		var v string
		if err := json.Unmarshal(s.b[start:s.i], &v); err != nil {
			return nil, err
		}
		return v, nil
	case 't':
		s.i += len("true")
		return true, nil
	case 'f':
		s.i += len("false")
		return false, nil
	case 'n':
		s.i += len("null")
		return nil, nil
	default: // a number
		start := s.i
		end := bytes.IndexAny(s.b[s.i:], " \t\n\r,:]}")
		if end < 0 {
			s.i = len(s.b)
		} else {
			s.i += end
		}
		return json.Number(s.b[start:s.i]), nil
	}
}
