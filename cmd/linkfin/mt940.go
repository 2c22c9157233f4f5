package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"io"
	"slices"
	"strings"

	"linkfin/mt940"
)

// runMT940 reads a bank's SWIFT MT940 or MT942 without a database or a server.
func runMT940(_ context.Context, args []string, stdout, stderr io.Writer) error {
	const synopsis = "mt940 parse [--charset NAME] FILE   print what linkfin reads from a bank's SWIFT MT940 statement or MT942 intraday report, as JSON, in the form of a camt message's reading (FILE - reads standard input)"
	var charset string
	known := func() string {
		if charset == "" || slices.Contains(mt940.Charsets, strings.ToLower(charset)) {
			return ""
		}
		return fmt.Sprintf("--charset %q is none linkfin reads: it reads %s", charset, strings.Join(mt940.Charsets, ", "))
	}
	doc, name, ok, err := parseFile("mt940", synopsis, args, stdout, stderr, known, func(fs *flag.FlagSet) {
		fs.StringVar(&charset, "charset", "", "the file's characters: "+strings.Join(mt940.Charsets, ", ")+" (gb18030 for a Chinese bank's export, windows-1250 or iso-8859-2 for a Central European one); none: UTF-8, else windows-1252")
	})
	if !ok {
		return err
	}
	m, err := mt940.ReadCharset(bytes.NewReader(doc), charset)
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	return printJSON(stdout, m)
}
