package main

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"

	"golang.org/x/mod/sumdb/note"

	"linkfin"
	"linkfin/audit"
	"linkfin/console"
	"linkfin/engine"
	"linkfin/services"
	"linkfin/tlog"
)

// errFindings: verify ran and found the database altered or inconsistent.
var errFindings = errors.New("verification failed")

func runVerify(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	var sf storeFlags
	fs := newFlags("verify", "verify [--data DIR] [--db DSN] [--key VERIFIER-KEY] [--checkpoint FILE] [--record]", stderr)
	sf.register(fs)
	key := fs.String("key", "", "the log's public key to check signatures with (default: the key recorded in the database; an auditor passes the key they were given)")
	kept := fs.String("checkpoint", "", "a signed checkpoint kept outside the database (GET /v1/audit/checkpoint's answer, or its note alone): check that it is signed with the log's key and that the database's log contains it, so that a database rolled back, or restored from a copy older than it, fails")
	record := fs.Bool("record", false, "record the outcome as the platform's last verification, which the console's audit page shows (not while a server runs on the database: the console's audit page runs and records it then)")
	if err := parse(fs, args); err != nil {
		return err
	}
	// The kept checkpoint first: a file that is not there is said as that, whatever
	// the database holds.
	var keptNote []byte
	if *kept != "" {
		b, err := os.ReadFile(*kept)
		if err != nil {
			return fmt.Errorf("--checkpoint %s: cannot read it (%w): name the file you kept GET /v1/audit/checkpoint's answer (or its note) in", *kept, err)
		}
		keptNote = b
	}
	s, err := sf.openExisting(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	if *record {
		// Said before the verification, which may take minutes, rather than after it.
		if *key != "" {
			// A verification with a key other than the log's fails every checkpoint
			// whatever the database holds: as the platform's last, it would say the
			// database failed when it is the key that did.
			stored, err := s.Meta(ctx, metaLogKey)
			if err != nil {
				return err
			}
			if stored != "" && stored != *key {
				return fmt.Errorf("--record: --key is not the key the database records its log as signed by (%s): a verification with another key checks the key, not the database, so it is not recorded; verify with --key but without --record, or record without --key (with the log's own key)", stored)
			}
		}
		release, err := s.LockWriter(ctx)
		if linkfin.ErrorCode(err) == linkfin.ELOCKED {
			return fmt.Errorf("--record: %s (%s): a server is running on this database; run the verification from the console's audit page, which records it, or verify without --record", linkfin.ErrorMessage(err), linkfin.ELOCKED)
		} else if err != nil {
			return err
		}
		release()
	}
	vkey := *key
	if vkey == "" {
		if vkey, err = s.Meta(ctx, metaLogKey); err != nil {
			return err
		}
	}
	if vkey == "" && *kept != "" {
		return fmt.Errorf("--checkpoint: the database has no log yet, so it does not contain the checkpoint: it was rolled back to before its first event, or is not the database of that log")
	}
	if vkey == "" {
		fmt.Fprintln(stdout, "the database has no log yet: nothing to verify")
		return nil
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return fmt.Errorf("--key %q is not a log's public key (%w): pass it as verify prints it after \"signed by:\" "+
			"and GET /v1/audit/public-key answers it, %s+<8 hex digits>+<base64>", vkey, err, Origin)
	}
	var rep *audit.Report
	var tree tlog.Tree
	if *kept != "" {
		if tree, err = readCheckpoint(keptNote, v); err != nil {
			return fmt.Errorf("--checkpoint %s: %w", *kept, err)
		}
		rep, err = audit.VerifyKept(ctx, s, v, Origin, tree)
	} else {
		rep, err = audit.Verify(ctx, s, v, Origin)
	}
	if err != nil {
		return err
	}
	printVerification(stdout, rep, vkey)
	if *key != "" {
		// Checkpoints that do not check with the auditor's key are failed as such;
		// which key the database says it signs with tells a log of another key from a
		// key of another log.
		if stored, err := s.Meta(ctx, metaLogKey); err == nil && stored != "" && stored != *key {
			fmt.Fprintf(stdout, "recorded as: %s (the key the database says its log is signed by, not --key's)\n", stored)
		}
	}
	if *kept != "" {
		fmt.Fprintf(stdout, "checkpoint:  %d events, root %s, kept in %s\n", tree.Size, base64.StdEncoding.EncodeToString(tree.Hash[:]), *kept)
	}
	if *record {
		if err := recordVerification(ctx, &sf, s, rep); err != nil {
			return err
		}
		fmt.Fprintln(stdout, "recorded:    the platform's last verification")
	}
	return verificationOutcome(stdout, rep)
}

// readCheckpoint reads a checkpoint kept outside the database, b, a file's bytes: the
// answer of GET /v1/audit/checkpoint (JSON, whose note is read: its other fields are
// not signed), or the signed note alone, as its note field holds it. The note must be signed with the
// log's key (v) for the log linkfin keeps (Origin); it returns the tree the note states.
func readCheckpoint(b []byte, v note.Verifier) (tlog.Tree, error) {
	msg := b
	if t := bytes.TrimSpace(b); len(t) > 0 && t[0] == '{' {
		var out linkfin.CheckpointOut
		if err := json.Unmarshal(t, &out); err != nil || out.Note == "" {
			return tlog.Tree{}, errors.New("not the answer of GET /v1/audit/checkpoint: JSON without its note")
		}
		msg = []byte(out.Note)
	}
	// A note ends with one newline; a note saved by hand may have gained more.
	msg = append(bytes.TrimRight(msg, "\r\n"), '\n')
	tree, err := tlog.OpenCheckpoint(msg, v, Origin)
	if err != nil {
		return tlog.Tree{}, fmt.Errorf("not a checkpoint of this log signed with its key: %w", err)
	}
	return tree, nil
}

// verifyStored checks the database s as linkfin verify does, with the key its log is
// signed by, which check (if not nil) is given first, and prints what it checked.
func verifyStored(ctx context.Context, s linkfin.Store, stdout io.Writer, check func(vkey string) error) error {
	vkey, err := s.Meta(ctx, metaLogKey)
	if err != nil {
		return err
	}
	if vkey == "" {
		fmt.Fprintln(stdout, "the database has no log yet: nothing to verify")
		return nil
	}
	if check != nil {
		if err := check(vkey); err != nil {
			return err
		}
	}
	v, err := note.NewVerifier(vkey)
	if err != nil {
		return err
	}
	rep, err := audit.Verify(ctx, s, v, Origin)
	if err != nil {
		return err
	}
	printVerification(stdout, rep, vkey)
	return verificationOutcome(stdout, rep)
}

// printVerification prints what a verification checked: the log, the ledger, the
// records and the key the log is signed by.
func printVerification(stdout io.Writer, rep *audit.Report, vkey string) {
	fmt.Fprintf(stdout, "log:         %d events, %d signed checkpoints, root %s\n", rep.Events, rep.Checkpoints, base64.StdEncoding.EncodeToString(rep.Root[:]))
	fmt.Fprintf(stdout, "ledger:      %d accounts, %d transfers\n", rep.Accounts, rep.Transfers)
	fmt.Fprintf(stdout, "records:     %d records, %d saved answers\n", rep.Records, rep.Answers)
	for _, b := range rep.Totals {
		fmt.Fprintf(stdout, "  ledger %d %s: debits posted %s, credits posted %s; pending %s / %s\n",
			b.Ledger, b.Currency, b.DebitsPosted, b.CreditsPosted, b.DebitsPending, b.CreditsPending)
	}
	fmt.Fprintf(stdout, "signed by:   %s\n", vkey)
}

// verificationOutcome prints whether the verification found the database as its log
// says, and its problems if not (errFindings).
func verificationOutcome(stdout io.Writer, rep *audit.Report) error {
	if !rep.OK() {
		fmt.Fprintf(stdout, "FAILED: %d problem(s)\n", len(rep.Problems))
		for _, p := range rep.Problems {
			fmt.Fprintf(stdout, "  - %s\n", p)
		}
		return errFindings
	}
	fmt.Fprintln(stdout, "OK: the log re-hashes to every signed checkpoint, the balances, records, party index, index of events by record and saved answers match the log, and the ledger balances")
	return nil
}

// recordVerification records a verification's outcome through an engine of its own: the
// database takes one writer, so while a server runs on it this is refused.
func recordVerification(ctx context.Context, sf *storeFlags, s linkfin.Store, rep *audit.Report) error {
	signer, err := sf.signer(ctx, s)
	if err != nil {
		return err
	}
	e, err := engine.Open(ctx, engine.Config{Store: s, Signer: signer, Origin: Origin})
	if linkfin.ErrorCode(err) == linkfin.ELOCKED {
		return fmt.Errorf("--record: %s (%s): a server is running on this database; run the verification from the console's audit page, which records it", linkfin.ErrorMessage(err), linkfin.ELOCKED)
	} else if err != nil {
		return err
	}
	defer e.Close()
	return e.Run(ctx, &services.RecordVerification{Result: console.VerificationOf(rep, "cli")}, new(json.RawMessage))
}
