package main

import (
	"bytes"
	"context"
	"fmt"
	"io"

	"linkfin/mt940"
)

// runMT940 reads a bank's SWIFT MT940 or MT942 without a database or a server.
func runMT940(_ context.Context, args []string, stdout, stderr io.Writer) error {
	const synopsis = "mt940 parse FILE   print what linkfin reads from a bank's SWIFT MT940 statement or MT942 intraday report, as JSON, in the form of a camt message's reading (FILE - reads standard input)"
	doc, name, ok, err := parseFile("mt940", synopsis, args, stderr)
	if !ok {
		return err
	}
	m, err := mt940.Read(bytes.NewReader(doc))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return printJSON(stdout, m)
}
