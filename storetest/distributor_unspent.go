package storetest

import (
	"context"
	"fmt"
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
)

// testDistributorUnspent: a distributor loan paid into a purpose-bound wallet takes
// back, when it is closed, what the distributor has not spent of it, whatever the
// close comes to. Before, a loan whose 200,000.00 lay unspent in the wallet defaulted
// with the funder paid nothing, and the distributor then spent the funder's money on
// the anchor all the same; one the anchor bought back cost it the whole loan while
// the loan's money stayed the distributor's to spend.
func testDistributorUnspent(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	financingFixture(t, env)
	ctx := context.Background()
	dealerPrograms(t, env)
	// Each loan is 200,000.00 for 90 days at 7.2 %, due on the 90th day's next business
	// day (2027-01-31 is a Sunday): 91 days of interest, 203,640.00 owed.
	type loan struct {
		dealer, program string
		spend           int64 // what the dealer pays the anchor from the wallet
	}
	loans := []loan{{"dealer1", "dist-nb", 0}, {"dealer2", "dist", 150_000_00}, {"dealer3", "dist-nb", 50_000_00}}
	wallets := map[string]string{}
	for i, l := range loans {
		po := fmt.Sprintf("upo-%d", i)
		dealerOrder(t, env, l.dealer, l.program, po)
		mustRun(t, env, &services.RequestDistributorFinancing{Actor: l.dealer, ID: "d" + po, POID: po, ProgramID: l.program, FunderID: "bank",
			Disbursement: linkfin.DisbursePurposeBound})
		mustRun(t, env, &services.AcceptDistributorFinancing{Actor: l.dealer, ID: "d" + po, POID: po})
		f, err := run[linkfin.Financing](t, env, &services.DisburseFinancing{Actor: "bank", ID: "d" + po})
		if err != nil || f.BoundWalletID == "" {
			t.Fatalf("disbursed %s: %+v, %v", po, f, err)
		}
		wallets[l.dealer] = f.BoundWalletID
		if l.spend > 0 {
			mustRun(t, env, &services.PayFromBoundWallet{Actor: l.dealer, ID: f.BoundWalletID, PayeeID: "anchor", Amount: l.spend})
		}
	}
	// The anchor can buy back dealer2's loan, what is left of it; the dealers have
	// nothing of their own.
	anchorWallet, bankWallet := linkfin.WalletID("anchor", "CNY"), linkfin.WalletID("bank", "CNY")
	mustRun(t, env, &services.RecordOutboundPayment{Rail: "bank", InstructionID: "du-out", OrgID: "anchor", Currency: "CNY",
		Amount: free(t, env, anchorWallet)})
	mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: "du-anchor", OrgID: "anchor", Currency: "CNY", Amount: 153_640_00})
	env.Clock.Advance(92 * 24 * time.Hour) // the day after the due date, 2027-02-01
	for _, c := range []struct {
		loan     int
		status   linkfin.FinancingStatus
		returned int64
	}{
		// dealer1 spent nothing: 200,000.00 goes back to the bank, and the loan
		// defaults for the 3,640.00 interest (no buy-back in dist-nb).
		{0, linkfin.FinancingDefaulted, 200_000_00},
		// dealer2 spent 150,000.00: 50,000.00 goes back, the anchor buys back 153,640.00.
		{1, linkfin.FinancingBoughtBack, 50_000_00},
		// dealer3 spent 50,000.00: 150,000.00 goes back, and the rest defaults.
		{2, linkfin.FinancingDefaulted, 150_000_00},
	} {
		l := loans[c.loan]
		id := fmt.Sprintf("dupo-%d", c.loan)
		bank0, anchor0 := free(t, env, bankWallet), free(t, env, anchorWallet)
		f, err := run[linkfin.Financing](t, env, &services.CloseDistributorLoan{ID: id})
		if err != nil || f.Status != c.status {
			t.Fatalf("closing %s: %+v, %v; want %s", id, f, err, c.status)
		}
		w, err := services.ReadBoundWallet(ctx, env.Records().(linkfin.PartyReader), env.Domain, linkfin.Viewer{Org: l.dealer}, wallets[l.dealer])
		if err != nil || w.Balance != 0 || w.Returned != c.returned {
			t.Fatalf("%s's wallet after the close: %+v, %v; want %d returned", l.dealer, w, err, c.returned)
		}
		bought := int64(0)
		if c.status == linkfin.FinancingBoughtBack {
			bought = 203_640_00 - c.returned
		}
		if d := free(t, env, bankWallet) - bank0; d != c.returned+bought {
			t.Fatalf("closing %s, the bank moved %d", id, d)
		}
		if d := free(t, env, anchorWallet) - anchor0; d != -bought {
			t.Fatalf("closing %s, the anchor moved %d", id, d)
		}
		// The loan's money went back: the dealer pays the anchor nothing more from it.
		if _, err := run[linkfin.BoundPayment](t, env, &services.PayFromBoundWallet{Actor: l.dealer, ID: wallets[l.dealer], PayeeID: "anchor", Amount: 1_00}); err == nil {
			t.Fatalf("%s paid the anchor from the wallet of a closed loan", l.dealer)
		}
		// Closed once: again, nothing moves.
		if again, err := run[linkfin.Financing](t, env, &services.CloseDistributorLoan{ID: id}); err != nil || again.Status != c.status ||
			free(t, env, bankWallet)-bank0 != c.returned+bought {
			t.Fatalf("closing %s again: %+v, %v", id, again, err)
		}
	}
	env.Restart()
	env.MustVerify()
}
