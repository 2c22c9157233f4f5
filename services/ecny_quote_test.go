package services_test

import (
	"testing"
	"time"

	"linkfin"
	"linkfin/services"
)

// A request or offer of an early payment on the e-CNY rail that its acceptance would
// refuse for the limits of the anchor's designated wallet is refused when it is made,
// with the acceptance's code and words, and nothing is logged; what the anchor's
// wallet holds is not checked then, and a new day gives its daily limit back. The
// anchor's refusals name its wallet and headroom to the anchor alone: the seller is
// told only that the anchor's wallet cannot pay, with the same code, and the anchor
// paying the seller is not told the seller's balance limit.
func TestECNYRequestOverWalletLimitsRefused(t *testing.T) {
	w := newWorld(t)
	parties(w)
	w.must(&services.CreateProgram{Actor: "anchor", Program: linkfin.Program{ID: "early", Name: "Early", Currency: "CNY", Limit: 10_000_000_00,
		Products: []linkfin.Product{linkfin.ProductDynamicDiscounting}, MaxTenorDays: 90, AdvanceRate: rate(t, "0.8"),
		DayCount: linkfin.ACT360, Calendar: "CN", EarlyPaymentAPR: new(rate(t, "0.06")),
		Tolerances: linkfin.MatchTolerances{QuantityRate: rate(t, "0.02"), PriceRate: rate(t, "0.01")}}})
	wallet := func(org string, l linkfin.WalletLimits) string {
		ew, err := run[linkfin.ECNYWallet](w, &services.OpenECNYWallet{OrgID: org, In: linkfin.ECNYWalletIn{Limits: &l}})
		if err != nil {
			t.Fatal(err)
		}
		w.must(&services.DesignateECNYWallet{Actor: org, OrgID: org, WalletID: ew.ID})
		return ew.ID
	}
	// One payment of at most 80,000.00 from the anchor's wallet, 150,000.00 a day.
	from := wallet("anchor", linkfin.WalletLimits{Balance: 1_000_000_00, Payment: 80_000_00, Daily: 150_000_00, Yearly: 10_000_000_00})
	// The seller's wallet holds at most 180,000.00.
	to := wallet("tier1", linkfin.WalletLimits{Balance: 180_000_00, Payment: 1_000_000_00, Daily: 1_000_000_00, Yearly: 10_000_000_00})
	big, small := payableUnder(w, "early", "big", 100, 1_000_00, "2027-01-04"), payableUnder(w, "early", "small", 50, 1_000_00, "2027-01-04")
	ask := func(pay *linkfin.Payable) *services.RequestDynamicDiscounting {
		return &services.RequestDynamicDiscounting{Actor: "tier1", PayableID: pay.ID, ProgramID: "early", Rail: linkfin.RailECNY}
	}
	offer := func(pay *linkfin.Payable) *services.OfferDynamicDiscounting {
		return &services.OfferDynamicDiscounting{Actor: "anchor", PayableID: pay.ID, ProgramID: "early", Rail: linkfin.RailECNY}
	}
	words := func(c linkfin.Command, code, want string) {
		t.Helper()
		w.refused(c, code)
		if _, err := run[linkfin.Financing](w, c); linkfin.ErrorMessage(err) != want {
			t.Fatalf("%T: %q, want %q", c, linkfin.ErrorMessage(err), want)
		}
	}

	// Over the single-payment limit: refused, asked for or offered; the seller is not
	// told the anchor's wallet or its limit.
	const withheld = "the anchor's e-CNY wallet cannot pay this amount now"
	words(ask(big), linkfin.EWALLETPAYMENT, withheld)
	words(offer(big), linkfin.EWALLETPAYMENT, "one payment from wallet "+from+" is at most 80000.00 CNY")

	// Within the limits, quoted though the anchor's wallet holds nothing yet.
	q, err := run[linkfin.Financing](w, ask(small))
	if err != nil || q.Status != linkfin.FinancingQuoted {
		t.Fatalf("within the limits: %+v, %v", q, err)
	}

	// The anchor pays 140,000.00 today: 10,000.00 of its daily limit is left, less than
	// the price. The request and the offer are refused as the acceptance is, in its words.
	w.must(&services.RecordInboundPayment{Rail: "bank", InstructionID: "dep-anchor", OrgID: "anchor", Currency: "CNY", Amount: 200_000_00},
		&services.MoveECNY{Actor: "anchor", ID: from, Op: "top-up", Amount: 200_000_00},
		&services.PayECNY{Actor: "anchor", From: from, To: to, Amount: 70_000_00},
		&services.PayECNY{Actor: "anchor", From: from, To: to, Amount: 70_000_00})
	daily := "wallet " + from + " may pay 10000.00 CNY more today"
	accept := &services.AcceptDynamicDiscounting{Actor: "tier1", ID: q.ID, PayableID: small.ID}
	words(accept, linkfin.EWALLETDAILY, withheld)
	words(ask(small), linkfin.EWALLETDAILY, withheld)
	words(offer(small), linkfin.EWALLETDAILY, daily)

	// The next day gives the daily limit back, but the seller's wallet, holding
	// 140,000.00, has room for 40,000.00: the seller's request is refused for it, as its
	// acceptance would be; the anchor's offer, which does not read the seller's wallet,
	// is quoted. Once the seller redeems, its request is quoted and accepted.
	w.now = w.now.Add(24 * time.Hour)
	words(ask(small), linkfin.EWALLETBALANCE, "wallet "+to+" may hold 40000.00 CNY more (its limit is 180000.00 CNY)")
	// Nor is the anchor told the seller's room when it pays the seller past it.
	words(&services.PayECNY{Actor: "anchor", From: from, To: to, Amount: 50_000_00}, linkfin.EWALLETBALANCE,
		"the payee's e-CNY wallet cannot be paid this amount now")
	if _, err := run[linkfin.Financing](w, offer(small)); err != nil {
		t.Fatalf("the anchor's offer the next day: %v", err)
	}
	w.must(&services.RecordInboundPayment{Rail: "bank", InstructionID: "dep-tier1", OrgID: "tier1", Currency: "CNY", Amount: 1_00},
		&services.MoveECNY{Actor: "tier1", ID: to, Op: "redeem", Amount: 140_000_00})
	q, err = run[linkfin.Financing](w, ask(small))
	if err != nil {
		t.Fatalf("the next day: %v", err)
	}
	if f, err := run[linkfin.Financing](w, &services.AcceptDynamicDiscounting{Actor: "tier1", ID: q.ID, PayableID: small.ID}); err != nil || f.Status != linkfin.FinancingSettled {
		t.Fatalf("accepted the next day: %+v, %v", f, err)
	}
}
