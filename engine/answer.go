package engine

import (
	"encoding/json"
	"strconv"
)

// appendAnswer appends resp's JSON, byte for byte what json.Marshal writes, leaving out
// the values an event holds (those with ValueFrom) when stored is set: the answer as
// the store keeps it (see Outcome.ValueFrom). The values are a command's JSON as the
// engine encoded it, often the record it wrote: json.Marshal would scan each of them
// again to compact it, and they are already compact.
func appendAnswer(b []byte, resp *Response, stored bool) []byte {
	b = append(b, `{"results":`...)
	if resp.Results == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, r := range resp.Results {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendString(b, string(r))
		}
		b = append(b, ']')
	}
	b = append(b, `,"timestamps":`...)
	if resp.Timestamps == nil {
		b = append(b, "null"...)
	} else {
		b = append(b, '[')
		for i, ts := range resp.Timestamps {
			if i > 0 {
				b = append(b, ',')
			}
			b = strconv.AppendInt(b, ts, 10)
		}
		b = append(b, ']')
	}
	if len(resp.Outcomes) > 0 {
		b = append(b, `,"outcomes":[`...)
		for i := range resp.Outcomes {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendOutcome(b, &resp.Outcomes[i], stored)
		}
		b = append(b, ']')
	}
	return append(b, '}')
}

func appendOutcome(b []byte, o *Outcome, stored bool) []byte {
	b = append(b, '{')
	first := true
	field := func(name string) {
		if !first {
			b = append(b, ',')
		}
		first = false
		b = append(b, '"')
		b = append(b, name...)
		b = append(b, `":`...)
	}
	if len(o.Value) > 0 && !(stored && o.ValueFrom != nil) {
		field("value")
		b = append(b, o.Value...)
	}
	if o.Code != "" {
		field("code")
		b = appendString(b, o.Code)
	}
	if o.Message != "" {
		field("message")
		b = appendString(b, o.Message)
	}
	if o.ValueFrom != nil {
		field("value_from")
		b = strconv.AppendInt(b, *o.ValueFrom, 10)
	}
	return append(b, '}')
}

// appendString appends s as a JSON string, as json.Marshal writes it.
func appendString(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x80 || c == '"' || c == '\\' || c == '<' || c == '>' || c == '&' {
			q, _ := json.Marshal(s)
			return append(b, q...)
		}
	}
	b = append(b, '"')
	b = append(b, s...)
	return append(b, '"')
}
