package tlog

import (
	"crypto/ed25519"
	"crypto/rand"
	"encoding/base64"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"unicode/utf8"

	"golang.org/x/mod/sumdb/note"
	sumtlog "golang.org/x/mod/sumdb/tlog"
)

// A checkpoint is a signed note (c2sp.org/signed-note) whose text is, per
// c2sp.org/tlog-checkpoint:
//
//	<origin>
//	<tree size, decimal>
//	<root hash, standard base64>
//	[extension lines, ignored]

// GenerateKey returns a new Ed25519 signer key and its verifier key for the
// log named name, in the note key formats.
func GenerateKey(name string) (skey, vkey string, err error) {
	return note.GenerateKey(rand.Reader, name)
}

// PublicKey returns the verifier key of a signer key made by [GenerateKey]. A signer
// key is "PRIVATE+KEY+<name>+<hash>+<key>": the name holds no '+', the hash is eight
// hex digits, and the last field, standard base64, may hold '+' itself.
func PublicKey(skey string) (string, error) {
	// note.NewSigner checks every field and that the hash matches the key.
	signer, err := note.NewSigner(skey)
	if err != nil {
		return "", err
	}
	rest, ok := strings.CutPrefix(skey, "PRIVATE+KEY+"+signer.Name()+"+")
	_, key64, _ := strings.Cut(rest, "+")
	raw, err := base64.StdEncoding.DecodeString(key64)
	if !ok || err != nil || len(raw) != 1+ed25519.SeedSize || raw[0] != 1 {
		return "", errors.New("not an Ed25519 signer key")
	}
	pub := ed25519.NewKeyFromSeed(raw[1:]).Public().(ed25519.PublicKey)
	return note.NewEd25519VerifierKey(signer.Name(), pub)
}

// SignCheckpoint returns the checkpoint of tree t of the log origin, signed by signer.
func SignCheckpoint(signer note.Signer, origin string, t Tree) ([]byte, error) {
	t = normalize(t)
	if origin == "" || strings.ContainsAny(origin, "\n") || !utf8.ValidString(origin) {
		return nil, fmt.Errorf("tlog: invalid checkpoint origin %q", origin)
	}
	if t.Size < 0 {
		return nil, fmt.Errorf("tlog: negative tree size %d", t.Size)
	}
	msg, err := note.Sign(&note.Note{Text: formatCheckpoint(origin, t)}, signer)
	if err != nil {
		return nil, fmt.Errorf("tlog: sign checkpoint: %w", err)
	}
	return msg, nil
}

// OpenCheckpoint verifies msg's signature by v and returns the tree it states
// for the log origin.
func OpenCheckpoint(msg []byte, v note.Verifier, origin string) (Tree, error) {
	if v == nil {
		return Tree{}, fmt.Errorf("tlog: open checkpoint: no verifier key")
	}
	n, err := note.Open(msg, note.VerifierList(v))
	if err != nil {
		return Tree{}, fmt.Errorf("tlog: open checkpoint: %w", err)
	}
	got, t, err := parseCheckpoint(n.Text)
	if err != nil {
		return Tree{}, err
	}
	if got != origin {
		return Tree{}, fmt.Errorf("tlog: checkpoint is for log %q, want %q", got, origin)
	}
	return t, nil
}

func formatCheckpoint(origin string, t Tree) string {
	return origin + "\n" + strconv.FormatInt(t.Size, 10) + "\n" + base64.StdEncoding.EncodeToString(t.Hash[:]) + "\n"
}

// parseCheckpoint parses a checkpoint's note text strictly: one spelling per tree.
func parseCheckpoint(text string) (origin string, t Tree, err error) {
	body, ok := strings.CutSuffix(text, "\n")
	lines := strings.Split(body, "\n")
	if !ok || len(lines) < 3 {
		return "", Tree{}, fmt.Errorf("tlog: malformed checkpoint: want origin, size and hash lines")
	}
	for i, l := range lines {
		if l == "" {
			return "", Tree{}, fmt.Errorf("tlog: malformed checkpoint: line %d is empty", i+1)
		}
	}
	origin = lines[0]
	size, err := strconv.ParseInt(lines[1], 10, 64)
	if err != nil || size < 0 || strconv.FormatInt(size, 10) != lines[1] {
		return "", Tree{}, fmt.Errorf("tlog: malformed checkpoint: tree size %q", lines[1])
	}
	hash, err := base64.StdEncoding.Strict().DecodeString(lines[2])
	if err != nil || len(hash) != sumtlog.HashSize || base64.StdEncoding.EncodeToString(hash) != lines[2] {
		return "", Tree{}, fmt.Errorf("tlog: malformed checkpoint: root hash %q", lines[2])
	}
	t.Size = size
	copy(t.Hash[:], hash)
	return origin, t, nil
}
