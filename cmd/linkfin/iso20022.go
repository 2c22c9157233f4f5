package main

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"os"

	"linkfin"
	"linkfin/iso20022"
)

// runISO20022 reads ISO 20022 documents without a database or a server.
func runISO20022(_ context.Context, args []string, stdout, stderr io.Writer) error {
	const synopsis = "iso20022 parse FILE   print what linkfin reads from a camt.053, camt.052 or camt.054 message, or a pain.002 status report, as JSON (FILE - reads standard input)"
	fs := newFlags("iso20022", synopsis, stderr)
	if len(args) == 0 || args[0] != "parse" {
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			fs.Usage()
			return nil
		}
		fs.Usage()
		return errUsage
	}
	if err := fs.Parse(args[1:]); err != nil {
		return err
	}
	if fs.NArg() != 1 {
		fmt.Fprintln(stderr, "iso20022 parse takes one file")
		fs.Usage()
		return errUsage
	}
	var in io.Reader = os.Stdin
	if name := fs.Arg(0); name != "-" {
		f, err := os.Open(name)
		if err != nil {
			return err
		}
		defer f.Close()
		in = f
	}
	doc, err := io.ReadAll(in)
	if err != nil {
		return err
	}
	var out any
	m, err := iso20022.ReadStatement(bytes.NewReader(doc))
	out = m
	if linkfin.ErrorCode(err) == iso20022.EUNSUPPORTED {
		// Not a statement: a status report, perhaps.
		if rep, rerr := iso20022.ReadStatusReport(bytes.NewReader(doc)); linkfin.ErrorCode(rerr) != iso20022.EUNSUPPORTED {
			out, err = rep, rerr
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", fs.Arg(0), err)
	}
	enc := json.NewEncoder(stdout)
	enc.SetIndent("", "  ")
	return enc.Encode(out)
}
