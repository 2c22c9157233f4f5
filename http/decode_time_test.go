package http

import (
	"testing"
	"time"

	"linkfin"
)

// TestDecodeTime: a time in a body is a string in RFC 3339; another JSON type is
// invalid_type and a string that is no such time invalid, naming the field, not
// malformed JSON in the words of Go's time package.
func TestDecodeTime(t *testing.T) {
	for _, c := range []struct {
		readAt, code string
	}{
		{`12345`, ETYPE}, {`true`, ETYPE}, {`{}`, ETYPE}, {`["2026-11-02T09:00:00Z"]`, ETYPE},
		{`"yesterday"`, linkfin.EINVALID}, {`"2026-11-02"`, linkfin.EINVALID}, {`"2026-02-30T09:00:00Z"`, linkfin.EINVALID},
		{`"2026-11-02T09:00:00Z"`, ""}, {`"2026-11-02T09:00:00.5+08:00"`, ""}, {`null`, ""},
	} {
		var in linkfin.TelemetryIn
		err := decode([]byte(`{"device_id":"dev-1","sequence":1,"read_at":`+c.readAt+`,"quantity":1}`), &in)
		if code := linkfin.ErrorCode(err); err != nil && code != c.code || err == nil && c.code != "" {
			t.Errorf("read_at %s: %v (%s), want %q", c.readAt, err, code, c.code)
		}
	}
	var in linkfin.TelemetryIn
	if err := decode([]byte(`{"read_at":"2026-11-02T09:00:00Z","quantity":1}`), &in); err != nil || !in.ReadAt.Equal(time.Date(2026, 11, 2, 9, 0, 0, 0, time.UTC)) {
		t.Fatalf("a time decoded as %v, %v", in.ReadAt, err)
	}
}
