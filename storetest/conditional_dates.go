package storetest

import (
	"testing"

	"linkfin"
	"linkfin/services"
)

// testConditionalDates: a conditional payment's release date and expiry are bounded as
// an invoice's dates are, to 2099-12-31: a date in the next centuries (9999-12-31, or
// 2207 for 2027) is refused, 400 invalid, locking nothing, where it would have locked
// the money for ever unless the payee agreed to cancel. The last day of the range is
// taken.
func testConditionalDates(t *testing.T, open Opener) {
	env := NewEnv(t, open)
	conditionalFixture(t, env)
	acceptedOrder(t, env, "po-dates")
	anchorWallet := linkfin.WalletID("anchor", "CNY")
	held := free(t, env, anchorWallet)
	goods := func(expires linkfin.Date) linkfin.ConditionalPaymentIn {
		return linkfin.ConditionalPaymentIn{PayeeID: "tier1", Currency: "CNY", Amount: 1_000_00, ExpiresOn: &expires,
			Condition: linkfin.ConditionIn{Type: linkfin.ConditionGoodsReceived, POID: "po-dates"}}
	}
	on := func(d linkfin.Date) linkfin.ConditionalPaymentIn {
		return linkfin.ConditionalPaymentIn{PayeeID: "tier1", Currency: "CNY", Amount: 1_000_00,
			Condition: linkfin.ConditionIn{Type: linkfin.ConditionDate, Date: &d}}
	}
	for _, in := range []linkfin.ConditionalPaymentIn{
		goods(linkfin.NewDate(9999, 12, 31)), goods(linkfin.NewDate(2207, 1, 31)), goods(linkfin.NewDate(2100, 1, 1)),
		on(linkfin.NewDate(9999, 12, 31)), on(linkfin.NewDate(2100, 1, 1)),
	} {
		_, err := run[linkfin.ConditionalPayment](t, env, &services.CreateConditionalPayment{Actor: "anchor", In: in})
		if linkfin.ErrorCode(err) != linkfin.EINVALID {
			t.Fatalf("a conditional payment with expires_on %v, condition date %v: %v, want %s", in.ExpiresOn, in.Condition.Date, err, linkfin.EINVALID)
		}
		if got := free(t, env, anchorWallet); got != held {
			t.Fatalf("a refused conditional payment locked %d", held-got)
		}
	}
	last := linkfin.MaxInvoiceDate
	for _, in := range []linkfin.ConditionalPaymentIn{goods(last), on(last)} {
		p := lockPayment(t, env, "anchor", in)
		wantPayment(t, env, p.ID, linkfin.ConditionalLocked, 0, 0)
	}
	if got := free(t, env, anchorWallet); got != held-2_000_00 {
		t.Fatalf("two payments dated 2099-12-31 locked %d, want 2,000.00", held-got)
	}
	env.MustVerify()
}
