package http

import (
	"bytes"
	"io"
	"strings"
	"testing"
	"testing/iotest"
)

// TestReadAll: a body is read whole, whatever its length says and however it arrives;
// what is held before the bytes come is at most readAhead, whatever the length a client
// declares.
func TestReadAll(t *testing.T) {
	big := bytes.Repeat([]byte("0123456789abcdef"), (3<<20)/16)
	for _, c := range []struct {
		name   string
		body   []byte
		length int64
	}{
		{"no length", big, -1}, {"its length", big, int64(len(big))}, {"a small body", big[:100], 100},
		{"exactly read ahead", big[:readAhead], readAhead}, {"one past read ahead", big[:readAhead+1], readAhead + 1},
		{"over the limit declared", big, 64 << 20},
	} {
		got, err := readAll(iotest.HalfReader(bytes.NewReader(c.body)), c.length, 16<<20)
		if err != nil || !bytes.Equal(got, c.body) {
			t.Errorf("%s: %d bytes of %d, %v", c.name, len(got), len(c.body), err)
		}
	}
	// 16 MiB declared, 10 bytes sent.
	got, err := readAll(strings.NewReader("0123456789"), 16<<20, 16<<20)
	if err != nil || string(got) != "0123456789" || cap(got) > readAhead+bytes.MinRead {
		t.Errorf("a body that declares 16 MiB and sends 10 bytes: %q in a buffer of %d, %v", got, cap(got), err)
	}
	// A read that fails is the error.
	if _, err := readAll(io.MultiReader(bytes.NewReader(big[:readAhead+5]), iotest.ErrReader(io.ErrUnexpectedEOF)), int64(len(big)), 16<<20); err != io.ErrUnexpectedEOF {
		t.Errorf("a read that fails: %v", err)
	}
}
