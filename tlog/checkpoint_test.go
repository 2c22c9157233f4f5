package tlog

import (
	"bytes"
	"encoding/base64"
	"errors"
	"strings"
	"testing"

	"golang.org/x/mod/sumdb/note"
	sumtlog "golang.org/x/mod/sumdb/tlog"
)

const testOrigin = "linkfin.example/log"

func testKey(tb testing.TB, name string) (note.Signer, note.Verifier) {
	tb.Helper()
	skey, vkey, err := GenerateKey(name)
	if err != nil {
		tb.Fatal(err)
	}
	s, err := note.NewSigner(skey)
	if err != nil {
		tb.Fatal(err)
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		tb.Fatal(err)
	}
	return s, v
}

func TestCheckpointRoundTrip(t *testing.T) {
	signer, verifier := testKey(t, testOrigin)
	tree := Tree{Size: 20852163, Hash: sumtlog.RecordHash([]byte("root"))}
	msg, err := SignCheckpoint(signer, testOrigin, tree)
	if err != nil {
		t.Fatal(err)
	}
	wantText := testOrigin + "\n20852163\n" + base64.StdEncoding.EncodeToString(tree.Hash[:]) + "\n\n— " + testOrigin + " "
	if !bytes.HasPrefix(msg, []byte(wantText)) {
		t.Fatalf("checkpoint =\n%s\nwant prefix\n%s", msg, wantText)
	}
	got, err := OpenCheckpoint(msg, verifier, testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	if got != tree {
		t.Fatalf("OpenCheckpoint = %v, want %v", got, tree)
	}

	// The empty log, given as the zero Tree, is signed with its real root.
	msg, err = SignCheckpoint(signer, testOrigin, Tree{})
	if err != nil {
		t.Fatal(err)
	}
	if got, err := OpenCheckpoint(msg, verifier, testOrigin); err != nil || got != (Tree{Hash: emptyHash}) {
		t.Fatalf("empty checkpoint = %v, %v", got, err)
	}
}

func TestCheckpointRejects(t *testing.T) {
	signer, verifier := testKey(t, testOrigin)
	tree := Tree{Size: 5, Hash: sumtlog.RecordHash([]byte("root"))}
	msg, err := SignCheckpoint(signer, testOrigin, tree)
	if err != nil {
		t.Fatal(err)
	}
	modified := bytes.Replace(msg, []byte("\n5\n"), []byte("\n6\n"), 1)
	if bytes.Equal(modified, msg) {
		t.Fatal("size line not found")
	}
	var invalid *note.InvalidSignatureError
	if _, err := OpenCheckpoint(modified, verifier, testOrigin); !errors.As(err, &invalid) {
		t.Errorf("modified checkpoint: %v, want an invalid signature", err)
	}
	_, otherVerifier := testKey(t, testOrigin)
	var unverified *note.UnverifiedNoteError
	if _, err := OpenCheckpoint(msg, otherVerifier, testOrigin); !errors.As(err, &unverified) {
		t.Errorf("checkpoint opened with another key of the same name: %v, want no verifiable signature", err)
	}
	if _, err := OpenCheckpoint(msg, verifier, "other.example/log"); err == nil || !strings.Contains(err.Error(), "other.example/log") {
		t.Errorf("checkpoint of another origin: %v", err)
	}
	if _, err := SignCheckpoint(signer, "two\nlines", tree); err == nil || !strings.Contains(err.Error(), "invalid checkpoint origin") {
		t.Errorf("signed an origin with a newline: %v", err)
	}
}

// Note texts validly signed but malformed as checkpoints.
func TestCheckpointFormat(t *testing.T) {
	signer, verifier := testKey(t, testOrigin)
	hash := base64.StdEncoding.EncodeToString(make([]byte, 32))
	for _, tc := range []struct {
		text string
		ok   bool
		size int64
	}{
		{text: "o\n0\n" + hash + "\n", ok: true},
		{text: "o\n42\n" + hash + "\nextension line\n", ok: true, size: 42},
		{text: "o\n42\n"},
		{text: "o\n042\n" + hash + "\n"},
		{text: "o\n+42\n" + hash + "\n"},
		{text: "o\n-1\n" + hash + "\n"},
		{text: "o\n 42\n" + hash + "\n"},
		{text: "o\n9223372036854775808\n" + hash + "\n"},
		{text: "o\n42\n" + hash[:40] + "\n"},
		{text: "o\n42\n" + base64.StdEncoding.EncodeToString(make([]byte, 31)) + "\n"},
		{text: "o\n42\n" + base64.RawStdEncoding.EncodeToString(make([]byte, 32)) + "\n"},
		{text: "o\n42\n" + hash[:42] + "B=\n"}, // non-zero padding bits
	} {
		msg, err := note.Sign(&note.Note{Text: tc.text}, signer)
		if err != nil {
			t.Fatal(err)
		}
		got, err := OpenCheckpoint(msg, verifier, "o")
		if tc.ok != (err == nil) {
			t.Errorf("%q: err = %v, want ok %v", tc.text, err, tc.ok)
			continue
		}
		if tc.ok && got != (Tree{Size: tc.size}) {
			t.Errorf("%q: tree = %v", tc.text, got)
		}
	}
}

// FuzzParseCheckpoint checks that parsing is canonical: what parses formats back
// to the same text, minus extension lines.
func FuzzParseCheckpoint(f *testing.F) {
	f.Add(formatCheckpoint(testOrigin, Tree{Size: 7, Hash: sumtlog.RecordHash(nil)}))
	f.Add("o\n42\n" + base64.StdEncoding.EncodeToString(make([]byte, 32)) + "\next\n")
	f.Fuzz(func(t *testing.T, text string) {
		origin, tree, err := parseCheckpoint(text)
		if err != nil {
			return
		}
		out := formatCheckpoint(origin, tree)
		if !strings.HasPrefix(text, out) {
			t.Fatalf("parse(%q) formats as %q", text, out)
		}
		origin2, tree2, err := parseCheckpoint(out)
		if err != nil || origin2 != origin || tree2 != tree {
			t.Fatalf("reparse(%q) = %q, %v, %v", out, origin2, tree2, err)
		}
	})
}

// TestPublicKey derives the verifier key of many signer keys: about half of them hold
// a '+' in their base64 key, which is a field separator elsewhere in the key.
func TestPublicKey(t *testing.T) {
	plus := 0
	for range 64 {
		skey, vkey, err := GenerateKey(testOrigin)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Count(skey, "+") > 4 {
			plus++
		}
		got, err := PublicKey(skey)
		if err != nil || got != vkey {
			t.Fatalf("PublicKey(%s) = %q, %v; want %q", skey, got, err, vkey)
		}
	}
	if plus == 0 {
		t.Fatal("no key of 64 held a '+' in its key data: the case is not tested")
	}
	skey, _, err := GenerateKey(testOrigin)
	if err != nil {
		t.Fatal(err)
	}
	for _, bad := range []string{"", "PRIVATE+KEY", skey[:len(skey)-4], strings.Replace(skey, "PRIVATE", "PUBLIC", 1), skey + "+x"} {
		if v, err := PublicKey(bad); err == nil {
			t.Errorf("PublicKey(%q) = %q, want an error", bad, v)
		}
	}
}
