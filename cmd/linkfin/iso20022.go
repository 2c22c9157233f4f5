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
	doc, name, ok, err := parseFile("iso20022", synopsis, args, stdout, stderr, nil)
	if !ok {
		return err
	}
	var out any
	m, err := iso20022.ReadStatement(bytes.NewReader(doc))
	out = m
	if linkfin.ErrorCode(err) == iso20022.EUNSUPPORTED {
		// Not a statement: a status report, perhaps.
		rep, rerr := iso20022.ReadStatusReport(bytes.NewReader(doc))
		if linkfin.ErrorCode(rerr) != iso20022.EUNSUPPORTED {
			out, err = rep, rerr
		} else {
			// Neither: say what each wants, as the command reads both.
			err = linkfin.Errorf(iso20022.EUNSUPPORTED, "as a statement, %s; as a status report, %s", linkfin.ErrorMessage(err), linkfin.ErrorMessage(rerr))
		}
	}
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return printJSON(stdout, out)
}

// parseFile reads the file of "<command> parse [flags] FILE" (FILE "-" is standard
// input), with the flags each of flags defines, before or after FILE: ok says it did.
// A command line it cannot read is said with the usage, errUsage (exit 2); the usage
// asked for, err is nil. check, if not nil, is given the flags' values before the file
// is read: a value it refuses is a usage error too.
func parseFile(command, synopsis string, args []string, stdout, stderr io.Writer, check func() string, flags ...func(*flag.FlagSet)) (doc []byte, name string, ok bool, err error) {
	help := len(args) > 0 && (args[0] == "-h" || args[0] == "--help" || args[0] == "-help" || args[0] == "help")
	if help {
		stderr = stdout // asked for, the usage is the answer
	}
	fs := newFlags(command, synopsis, stderr)
	for _, f := range flags {
		f(fs)
	}
	if len(args) == 0 || args[0] != "parse" {
		fs.Usage()
		if help {
			return nil, "", false, nil
		}
		return nil, "", false, errUsage
	}
	pos, err := parseArgs(fs, args[1:])
	if err != nil {
		return nil, "", false, err
	}
	if len(pos) != 1 {
		fmt.Fprintf(stderr, "%s parse takes one file\n", command)
		fs.Usage()
		return nil, "", false, errUsage
	}
	if check != nil {
		if msg := check(); msg != "" {
			return nil, "", false, badValue(fs, "%s", msg)
		}
	}
	name = pos[0]
	if name == "-" {
		doc, err = io.ReadAll(os.Stdin)
	} else {
		doc, err = os.ReadFile(name)
	}
	if err != nil {
		return nil, name, false, fmt.Errorf("cannot read %s (%w): name a file that is there and that you may read, or - for standard input", name, err)
	}
	return doc, name, true, nil
}
