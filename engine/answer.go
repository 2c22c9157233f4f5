package engine

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
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

// storedAnswer is the answer as the store keeps it: the values that are an event's
// data are left out (see Outcome.ValueFrom). body is the whole answer, encoded.
func storedAnswer(resp *Response, body []byte) []byte {
	compact := false
	for _, o := range resp.Outcomes {
		compact = compact || o.ValueFrom != nil
	}
	if !compact {
		return body
	}
	return appendAnswer(nil, resp, true)
}

// wholeAnswer puts back the values a stored answer left out, from the log.
func (e *Engine) wholeAnswer(ctx context.Context, stored []byte) ([]byte, error) {
	if !bytes.Contains(stored, []byte(`"value_from"`)) {
		return stored, nil
	}
	var r Response
	if err := json.Unmarshal(stored, &r); err != nil {
		return nil, err
	}
	// The events of one request are a run of the log: read them at once.
	first, last := int64(-1), int64(-1)
	for _, o := range r.Outcomes {
		if o.ValueFrom != nil && o.Value == nil {
			if first < 0 || *o.ValueFrom < first {
				first = *o.ValueFrom
			}
			last = max(last, *o.ValueFrom)
		}
	}
	if first < 0 {
		return stored, nil
	}
	evs, err := e.store.Events(ctx, first, int(last-first+1))
	if err != nil {
		return nil, err
	}
	for i := range r.Outcomes {
		o := &r.Outcomes[i]
		if o.ValueFrom == nil || o.Value != nil {
			continue
		}
		k := *o.ValueFrom - first
		if k >= int64(len(evs)) || evs[k].Seq != *o.ValueFrom {
			return nil, fmt.Errorf("an idempotent answer refers to event %d, which is not in the log", *o.ValueFrom)
		}
		o.Value = evs[k].Data
	}
	return json.Marshal(&r)
}
