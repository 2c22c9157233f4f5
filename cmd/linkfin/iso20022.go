package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"os"

	"linkfin"
	"linkfin/iso20022"
)

// runISO20022 reads ISO 20022 documents without a database or a server.
func runISO20022(_ context.Context, args []string, stdout, stderr io.Writer) error {
	const synopsis = "iso20022 parse FILE   print what linkfin reads from a camt.053, camt.052 or camt.054 message, or a pain.002 status report, as JSON (FILE - reads standard input)"
	doc, name, ok, err := parseFile("iso20022", synopsis, args, stderr)
	if !ok {
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
		return fmt.Errorf("%s: %w", name, err)
	}
	return printJSON(stdout, out)
}

// parseFile reads the file of "<command> parse [flags] FILE" (FILE "-" is standard
// input), with the flags each of flags defines: ok says it did. Otherwise it printed
// the usage, and err is nil for help.
func parseFile(command, synopsis string, args []string, stderr io.Writer, flags ...func(*flag.FlagSet)) (doc []byte, name string, ok bool, err error) {
	fs := newFlags(command, synopsis, stderr)
	for _, f := range flags {
		f(fs)
	}
	if len(args) == 0 || args[0] != "parse" {
		fs.Usage()
		if len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "help") {
			return nil, "", false, nil
		}
		return nil, "", false, errUsage
	}
	if err := fs.Parse(args[1:]); err != nil {
		return nil, "", false, err
	}
	if fs.NArg() != 1 {
		fmt.Fprintf(stderr, "%s parse takes one file\n", command)
		fs.Usage()
		return nil, "", false, errUsage
	}
	name = fs.Arg(0)
	if name == "-" {
		doc, err = io.ReadAll(os.Stdin)
	} else {
		doc, err = os.ReadFile(name)
	}
	return doc, name, err == nil, err
}
