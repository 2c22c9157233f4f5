package demo_test

import (
	"bytes"
	"context"
	"strings"
	"testing"

	"linkfin/demo"
)

func TestDemoReconcilesAndRepeats(t *testing.T) {
	var a, b bytes.Buffer
	if err := demo.Run(context.Background(), &a, t.TempDir()); err != nil {
		t.Fatalf("demo: %v\n%s", err, a.String())
	}
	if err := demo.Run(context.Background(), &b, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	out := a.String()
	for _, want := range []string{
		"(First Brands): duplicate_invoice",
		"(Chengxing): forbidden",
		"(Greensill): not_found",
		"the same piece financed again: asset_financed",
		// 10,000.00 paid 7 days early at 18 % on 360 days: 35.00.
		"10,000.00 paid 7 days early at 0.18 APR: discount 35.00, tier1 receives 9,965.00",
		"run again: 0 pieces paid",
		"(Carillion): exceeds_credits",
		"a second receipt for the same lot (Qingdao): lot_has_receipt",
		"the receipt pledged a second time (Qingdao): asset_financed",
		"margin call true",
		"the receipt is frozen",
		"(FX-1) collected from the anchor: settled",
		"(PF-1) collected from the anchor: settled",
		// The advance on PO-1004 is released as its hubs are accepted: 100 of 300 first.
		"100 of 300 hubs accepted: 60,000.00 released to tier1, 120,000.00 still locked (locked)",
		"the other 200 accepted: 180,000.00 released to tier1, 0.00 still locked (released)",
		"the dealer paying tier1 from it: purpose_bound_payee",
		"the dealer pays the anchor 400,000.00 from it",
		"the dealer sold the cars and repays the factor: settled",
		// In e-CNY: 50,000.00 paid 28 days early at 18 %: 700.00 off, from the anchor's
		// designated wallet into tier1's.
		"paid in e-CNY before tier1 designates a wallet: ecny_wallet_not_designated",
		"50,000.00 paid 28 days early in e-CNY: tier1's wallet receives 49,300.00, the anchor's holds 50,700.00 (settled)",
		// At maturity tier2's class IV wallet cannot hold its 10,000.00: that piece alone waits.
		"stays unpaid, with its reason: wallet_balance_limit",
		"in e-CNY: 20,000.00 paid into tier1's wallet, which holds 69,300.00",
		"run again: 10,000.00 paid into it, 0 refused; the anchor's wallet holds 20,700.00",
		": 3 pieces, conserved",
		": 7 pieces, conserved",
		// The platform names the records; the parties number their documents.
		"the anchor's order PO-1001 is po_",
		"everything reconciles",
	} {
		if !strings.Contains(out, want) {
			t.Errorf("the story lacks %q", want)
		}
	}
	if a.String() != b.String() {
		t.Error("two runs told different stories")
	}
}

func TestDemoSaysNoWordTwice(t *testing.T) {
	var out bytes.Buffer
	if err := demo.Run(context.Background(), &out, t.TempDir()); err != nil {
		t.Fatal(err)
	}
	for _, line := range strings.Split(out.String(), "\n") {
		words := strings.Fields(line)
		for i := 1; i < len(words); i++ {
			if words[i] == words[i-1] && strings.ContainsAny(words[i], "abcdefghijklmnopqrstuvwxyz") {
				t.Errorf("%q says %q twice", line, words[i])
			}
		}
	}
}
