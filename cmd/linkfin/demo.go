package main

import (
	"context"
	"fmt"
	"io"

	"linkfin/demo"
)

const demoUsage = `Usage: linkfin demo

Runs linkfin's whole process on a temporary database, and tells it as a story: an
anchor, three tiers of suppliers, a distributor, two funders and a logistics operator
join; an order is shipped, received, matched and approved; a certificate is split
down three tiers and financed; all six financing products run, with the controls
refusing what they must; settlement at maturity pays every holder once. It ends by
reconciling every fen of the ledger against the log, and exits 1 if anything is off.
It takes no flags, needs no server, and leaves nothing behind; the same run prints
the same story.

To try the API on the same supply chain, start "linkfin serve --demo --data DIR".
`

func runDemo(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	fs := newFlags("demo", "demo", stderr)
	fs.Usage = func() {
		fmt.Fprint(stderr, demoUsage)
	}
	if err := parse(fs, args); err != nil {
		return err
	}
	return demo.Run(ctx, stdout, "")
}
