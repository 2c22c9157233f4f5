package main

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"strings"

	"linkfin"
	"linkfin/ubl"
)

// runEInvoice reads e-invoices without a database or a server.
func runEInvoice(_ context.Context, args []string, stdout, stderr io.Writer) error {
	const synopsis = "einvoice parse FILE   print what linkfin reads from an e-invoice or credit note (UBL 2.1 or CII), and the EN 16931 rules its amounts break, as JSON (FILE - reads standard input)"
	body, name, ok, err := parseFile("einvoice", synopsis, args, stdout, stderr, nil)
	if !ok {
		return err
	}
	doc, err := ubl.Parse(bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("%s: %w", name, err)
	}
	// What the API would refuse with einvoice_rules, rule by rule.
	out := struct {
		Document   *ubl.Document       `json:"document"`
		Violations []linkfin.Violation `json:"violations"`
	}{Document: doc, Violations: []linkfin.Violation{}}
	for _, v := range doc.Check() {
		rule, msg, _ := strings.Cut(v, ": ")
		out.Violations = append(out.Violations, linkfin.Violation{Rule: rule, Message: msg})
	}
	return printJSON(stdout, out)
}
