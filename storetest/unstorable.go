package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"sync"
	"testing"

	"linkfin"
)

// readRecord reads one record, and answers whether it is there.
type readRecord struct{ Kind, ID string }

func (c *readRecord) Keys() []linkfin.ObjectKey { return []linkfin.ObjectKey{{Kind: c.Kind, ID: c.ID}} }

func (c *readRecord) Apply(tx linkfin.Tx) (any, error) {
	var v tally
	return tx.Get(c.Kind, c.ID, &v)
}

// unstorable are ids that no store can hold: PostgreSQL's text takes no NUL and no
// byte sequence that is not UTF-8.
var unstorable = []string{"a\x00b", "\x00", "\xff", "\xc0\xaf", "\xed\xa0\x80"}

// testUnstorableKeys: a command that names a record under an id no store can hold
// finds it absent, and one that writes one is refused as invalid, while the commands
// sent with it, in the same batches, run as if it had not been sent: before, on
// PostgreSQL, the read of such a key failed, and with it every request of its batch
// ("the store could not be read").
func testUnstorableKeys(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	ctx := context.Background()
	const rounds = 8
	var wg sync.WaitGroup
	errs := make(chan error, rounds*len(unstorable)*3)
	for r := range rounds {
		for i, id := range unstorable {
			wg.Add(3)
			go func() {
				defer wg.Done()
				var found bool
				if err := env.Domain.Run(ctx, &readRecord{Kind: "tally", ID: id}, &found); err != nil || found {
					errs <- fmt.Errorf("tally %q read: found %v, %v", id, found, err)
				}
			}()
			go func() {
				defer wg.Done()
				if err := env.Domain.Run(ctx, &writeRecord{Kind: "tally", ID: id}, new(json.RawMessage)); linkfin.ErrorCode(err) != linkfin.EINVALID {
					errs <- fmt.Errorf("tally %q written: %v, want %s", id, err, linkfin.EINVALID)
				}
			}()
			go func() {
				defer wg.Done()
				if err := env.Domain.Run(ctx, &writeRecord{Kind: "tally", ID: fmt.Sprintf("t-%d-%d", r, i)}, new(json.RawMessage)); err != nil {
					errs <- fmt.Errorf("a tally beside them: %v", err)
				}
			}()
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	for r := range rounds {
		for i := range unstorable {
			if _, err := env.object("tally", fmt.Sprintf("t-%d-%d", r, i)); err != nil {
				t.Fatalf("tally t-%d-%d: %v", r, i, err)
			}
		}
	}
	if env.Mem == nil {
		env.MustVerify()
	}
}
