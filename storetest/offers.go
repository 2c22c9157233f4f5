package storetest

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"linkfin"
	"linkfin/ledger"
	"linkfin/services"
)

// offersFixture is the certificate fixture (c1, 1,000,000.00 held by tier1, maturing
// in 91 days, and the funders bank, factor and poor at 4.25 %) with: "cheap", live at
// 3.95 % with 1,000,000.00 in its wallet; "late", invited and not live; and under "both", a program that offers
// factoring (bank at 6 %, for 120 days at most) and dynamic discounting (the anchor's
// APR 18 %), two payables: 100,000.00 due in 60 days, and 1,000.00 due in 240 days,
// past what a funder finances. The anchor has cash to pay early.
func offersFixture(t *testing.T, open Opener) *Env {
	t.Helper()
	env := certificateFixture(t, open)
	cheap, bank := mustRate(t, "0.0395"), mustRate(t, "0.06")
	for _, id := range []string{"cheap", "late"} {
		mustRun(t, env, &services.CreateOrganization{Org: linkfin.Organization{ID: id, Name: "Funder " + id,
			Capabilities: []linkfin.Capability{linkfin.CapFund}}})
		mustRun(t, env, &services.InviteFunder{Actor: "anchor", ProgramID: "auto-scf", FunderID: id, Limit: 3_000_000_00,
			Pricing: linkfin.Pricing{FixedRate: &cheap}})
	}
	mustRun(t, env, &services.AcceptFunder{Actor: "cheap", ProgramID: "auto-scf"})
	mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: "dep-cheap", OrgID: "cheap", Currency: "CNY", Amount: 1_000_000_00})
	apr := mustRate(t, "0.18")
	bankFunds(t, env, linkfin.Program{ID: "both", Name: "Factoring or early payment",
		Currency: "CNY", Limit: 10_000_000_00, Products: []linkfin.Product{linkfin.ProductFactoring, linkfin.ProductDynamicDiscounting},
		MaxTenorDays: 120, AdvanceRate: mustRate(t, "0.8"), DayCount: linkfin.ACT360, Calendar: "CN", EarlyPaymentAPR: &apr}, bank)
	approvedPayableIn(t, env, "both", 3, 100, 1_000_00, "2027-01-01")
	approvedPayableIn(t, env, "both", 4, 1, 1_000_00, "2027-06-30")
	mustRun(t, env, &services.RecordInboundPayment{Rail: "bank", InstructionID: "dep-anchor", OrgID: "anchor", Currency: "CNY", Amount: 500_000_00})
	return env
}

// offers lists the viewer's offers now, as the text the test compares: one line per
// asset, then one per offer (product, funder, price, discount, effective rate, days,
// value date) and one per refusal (product, funder, code).
func offers(t *testing.T, env *Env, v linkfin.Viewer) string {
	t.Helper()
	now := env.Clock.Now()
	got, err := services.Offers(context.Background(), env.Records().(linkfin.PartyReader), v, now)
	if err != nil {
		t.Fatal(err)
	}
	var b strings.Builder
	for _, a := range got {
		fmt.Fprintf(&b, "%s %s %s %d %s\n", a.AssetKind, a.AssetID, a.ProgramID, a.Face, a.Maturity)
		for _, o := range a.Offers {
			q := o.Quote
			if !q.ExpiresAt.Equal(now.Add(services.QuoteValidity)) || q.ValueDate != linkfin.BusinessDate(now) || len(q.Reasons) == 0 {
				t.Errorf("offer %s by %s on %s: expires %s, value date %s, reasons %q", o.Product, o.FunderID, a.AssetID, q.ExpiresAt, q.ValueDate, q.Reasons)
			}
			fmt.Fprintf(&b, "  %s %s %d %d %s %d\n", o.Product, o.FunderID, q.Price, q.Discount, q.EffectiveRate, q.Days)
		}
		for _, o := range a.Refused {
			fmt.Fprintf(&b, "  refused %s %s %s: %s\n", o.Product, o.FunderID, o.Code, o.Message)
		}
	}
	return b.String()
}

// logged lists the types of the events logged from the seq from on (a batch's saved
// answers aside), and where the log ends.
func logged(t *testing.T, env *Env, from int64) (types []string, end int64) {
	t.Helper()
	var evs []linkfin.Event
	if env.Mem != nil {
		evs = env.Mem.Events()[from:]
	} else {
		var err error
		if evs, err = env.Store.Events(context.Background(), from, 100_000); err != nil {
			t.Fatal(err)
		}
	}
	for _, e := range evs {
		if e.Type != linkfin.EventAnswersSaved {
			types = append(types, e.Type)
		}
	}
	return types, from + int64(len(evs))
}

// testOffers: what a supplier is offered for what it holds, best first, with the
// refusals a request would give; and taking an offer in one step, which records and
// accepts the quote exactly as the two calls do, or refuses and changes nothing.
func testOffers(t *testing.T, open Opener) {
	env := offersFixture(t, open)
	// c1: 1,000,000.00 × 3.95 % × 91 / 360 = 9,984.72 for cheap; 10,743.06 at 4.25 %,
	// the same for bank, factor and poor, in the order of their ids; late is not live.
	// The first payable: the anchor pays early at 18 % for 60 days (3,000.00 off), or
	// bank advances 80 % at 6 % (800.00 of interest). The second is due past the
	// program's tenor: bank's request would be refused; the anchor pays early for
	// 120.00 off.
	want := `payable pay-inv-3 both 10000000 2027-01-01
  dynamic_discounting anchor 9700000 300000 0.185567 60
  factoring bank 8000000 80000 0.06 60
certificate c1 auto-scf 100000000 2027-02-01
  certificate_discounting cheap 99001528 998472 0.039898 91
  certificate_discounting bank 98925694 1074306 0.042962 91
  certificate_discounting factor 98925694 1074306 0.042962 91
  certificate_discounting poor 98925694 1074306 0.042962 91
payable pay-inv-4 both 100000 2027-06-30
  dynamic_discounting anchor 88000 12000 0.204545 240
  refused factoring bank invalid: the payable is due in 240 days; the program finances 1 to 120
`
	tier1 := linkfin.Viewer{Org: "tier1"}
	if got := offers(t, env, tier1); got != want {
		t.Fatalf("tier1's offers:\n%s\nwant:\n%s", got, want)
	}
	// What others hold is not theirs to be offered: the buyer of the payable, the
	// anchor of the pieces, a funder, a supplier that holds nothing, the operator.
	for _, v := range []linkfin.Viewer{{Org: "anchor"}, {Org: "bank"}, {Org: "tier2"}, {Operator: true}} {
		if got := offers(t, env, v); got != "" {
			t.Fatalf("%+v is offered:\n%s", v, got)
		}
	}
	// Each offer is what a request now quotes.
	q, err := run[linkfin.Financing](t, env, &services.RequestCertificateDiscounting{Actor: "tier1", ID: "ask", ProgramID: "auto-scf", PieceID: "c1", FunderID: "cheap"})
	if err != nil || q.Quote.Price != 990_015_28 {
		t.Fatalf("the request's quote: %+v, %v", q, err)
	}

	type fin = linkfin.Financing
	take := func(actor, product, asset, program, funder string, price int64) (*fin, error) {
		return run[fin](t, env, &services.TakeOffer{Actor: actor, Product: linkfin.Product(product), AssetID: asset,
			ProgramID: program, FunderID: funder, Price: price})
	}
	// Each refusal has its code and changes nothing.
	_, end := logged(t, env, 0)
	for _, c := range []struct {
		actor, product, asset, program, funder string
		price                                  int64
		code, about                            string
	}{
		{"tier1", "certificate_discounting", "c1", "auto-scf", "cheap", 990_015_29, services.EOFFERCHANGED, "now pays 990015.28 CNY, not the 990015.29 CNY confirmed"},
		{"tier1", "po_financing", "c1", "auto-scf", "cheap", 990_015_28, linkfin.EINVALID, `"po_financing" makes no offers`},
		{"tier1", "certificate_discounting", "c1", "auto-scf", "cheap", 0, linkfin.EINVALID, "a positive amount"},
		{"tier1", "certificate_discounting", "c1", "auto-scf", "late", 990_015_28, linkfin.EINVALID, "late is not a live funder"},
		{"tier2", "certificate_discounting", "c1", "auto-scf", "cheap", 990_015_28, linkfin.ENOTFOUND, "certificate c1 not found"},
		{"tier1", "factoring", "pay-inv-4", "both", "bank", 800_00, linkfin.EINVALID, "the program finances 1 to 120"},
		{"tier1", "dynamic_discounting", "pay-inv-3", "both", "bank", 97_000_00, linkfin.EINVALID, "offered by anchor, not bank"},
		// Over factor's limit of 500,000.00: the quote is made, the hold refused, and
		// the quote is not kept either.
		{"tier1", "certificate_discounting", "c1", "auto-scf", "factor", 989_256_94, string(ledger.ExceedsCredits), "the limits of program auto-scf leave less than the"},
	} {
		if _, err := take(c.actor, c.product, c.asset, c.program, c.funder, c.price); !refusal(err, c.code, c.about) {
			t.Fatalf("%s takes %s's %s offer on %s at %d: %v, want %s (%s)", c.actor, c.funder, c.product, c.asset, c.price, err, c.code, c.about)
		}
		if types, _ := logged(t, env, end); len(types) != 0 {
			t.Fatalf("%s taking %s's offer on %s was refused and logged %v", c.actor, c.funder, c.asset, types)
		}
	}
	if got := offers(t, env, tier1); got != want {
		t.Fatalf("tier1's offers after the refusals:\n%s\nwant:\n%s", got, want)
	}
	// A day later the quote pays more: the price confirmed yesterday has changed.
	env.Clock.Advance(24 * time.Hour)
	if _, err := take("tier1", "certificate_discounting", "c1", "auto-scf", "cheap", 990_015_28); !refusal(err, services.EOFFERCHANGED, "now pays 990125.00 CNY") {
		t.Fatalf("yesterday's price: %v", err)
	}

	// Taken, c1's half is accepted exactly as a request and an acceptance accept the
	// other half: the same events, the same financing.
	mustRun(t, env, &services.SplitCertificate{Actor: "tier1", ID: "c1", Pieces: []linkfin.Piece{{ID: "c1a", Face: 500_000_00}, {ID: "c1b", Face: 500_000_00}}})
	_, end = logged(t, env, 0)
	taken, err := take("tier1", "certificate_discounting", "c1a", "auto-scf", "cheap", 495_062_50)
	if err != nil || taken.Status != linkfin.FinancingAccepted || taken.Quote.Price != 495_062_50 || taken.FunderID != "cheap" {
		t.Fatalf("take: %+v, %v", taken, err)
	}
	tookEvents, end := logged(t, env, end)
	asked, err := run[fin](t, env, &services.RequestCertificateDiscounting{Actor: "tier1", ProgramID: "auto-scf", PieceID: "c1b", FunderID: "cheap"})
	if err != nil {
		t.Fatal(err)
	}
	accepted, err := run[fin](t, env, &services.AcceptCertificateDiscounting{Actor: "tier1", ID: asked.ID, PieceID: "c1b"})
	if err != nil {
		t.Fatal(err)
	}
	twoEvents, _ := logged(t, env, end)
	if strings.Join(tookEvents, " ") != strings.Join(twoEvents, " ") || !strings.Contains(strings.Join(tookEvents, " "), "financing.quoted") {
		t.Fatalf("taking an offer logged %v; a request and its acceptance, %v", tookEvents, twoEvents)
	}
	same := func(f fin) string {
		// Its ids, and the instants of the batches, a few ns apart, aside.
		f.ID, f.AssetID, f.LedgerBase, f.CreatedAt, f.Quote.ExpiresAt, f.HoldsUntil = "", "", 0, time.Time{}, time.Time{}, nil
		if f.Decision != nil {
			d := *f.Decision
			d.AsOf = time.Time{}
			f.Decision = &d
		}
		data, _ := json.Marshal(f)
		return string(data)
	}
	if same(*taken) != same(*accepted) {
		t.Fatalf("taken:\n%s\naccepted:\n%s", same(*taken), same(*accepted))
	}
	if piece := record[linkfin.Certificate](t, env, linkfin.KindCertificate, "c1a"); piece.FinancingID != taken.ID {
		t.Fatalf("the taken piece backs %q, not %s", piece.FinancingID, taken.ID)
	}
	if limit := env.Account(services.LimitID("auto-scf", "cheap")); limit.DebitsPending != 1_000_000_00 {
		t.Fatalf("cheap's limit holds %d for the two halves", limit.DebitsPending)
	}
	if _, err := take("tier1", "certificate_discounting", "c1a", "auto-scf", "cheap", 495_062_50); !refusal(err, "asset_financed", "certificate c1a backs financing") {
		t.Fatalf("an offer taken twice: %v", err)
	}
	mustRun(t, env, &services.DisburseFinancing{Actor: "cheap", ID: taken.ID})

	// The anchor's early payment, taken: the seller is paid at once.
	wallet := func(org string) int64 {
		a := env.Account(linkfin.WalletID(org, "CNY"))
		return a.CreditsPosted - a.DebitsPosted
	}
	before := wallet("tier1")
	// 100,000.00 × 18 % × 59 / 360 = 2,950.00 off.
	paid, err := take("tier1", "dynamic_discounting", "pay-inv-3", "both", "anchor", 97_050_00)
	if err != nil || paid.Status != linkfin.FinancingSettled || wallet("tier1") != before+97_050_00 {
		t.Fatalf("early payment taken: %+v, %v; tier1 got %d", paid, err, wallet("tier1")-before)
	}
	// What is financed is offered no more: the halves of c1 (the one cheap bought backs
	// its financing still), the payable paid early.
	want = `payable pay-inv-4 both 100000 2027-06-30
  dynamic_discounting anchor 88050 11950 0.204429 239
  refused factoring bank invalid: the payable is due in 239 days; the program finances 1 to 120
`
	if got := offers(t, env, tier1); got != want {
		t.Fatalf("tier1's offers at the end:\n%s\nwant:\n%s", got, want)
	}
	if got := offers(t, env, linkfin.Viewer{Org: "cheap"}); got != "" {
		t.Fatalf("cheap is offered the piece it bought:\n%s", got)
	}
	// A piece passed down the chain is offered to its new holder, a supplier's
	// supplier, under the anchor's program, which it sees as a member of the anchor's
	// chain: 40,000.00 for 87 days, at 3.95 % (381.83 off) or 4.25 % (410.83 off).
	mustRun(t, env, &services.ProposeRelationship{Actor: "tier1", BuyerID: "tier1", SellerID: "tier2"})
	mustRun(t, env, &services.AcceptRelationship{Actor: "tier2", BuyerID: "tier1", SellerID: "tier2"})
	owed := approvedPayable(t, env, 5, 100, 1_000_01, "2027-01-29") // not inv-3's 100,000.00 the same day: that would be held
	mustRun(t, env, &services.IssueCertificate{Actor: "anchor", ID: "c3", ProgramID: "auto-scf", PayableIDs: []string{owed.ID}})
	mustRun(t, env, &services.TransferCertificate{Actor: "tier1", ID: "c3", To: "tier2", Amount: 40_000_00, NewID: "c3t", RemainderID: "c3r"})
	want = `certificate c3t auto-scf 4000000 2027-01-29
  certificate_discounting cheap 3961817 38183 0.03988 87
  certificate_discounting bank 3958917 41083 0.042941 87
  certificate_discounting factor 3958917 41083 0.042941 87
  certificate_discounting poor 3958917 41083 0.042941 87
`
	if got := offers(t, env, linkfin.Viewer{Org: "tier2"}); got != want {
		t.Fatalf("tier2's offers on the piece passed to it:\n%s\nwant:\n%s", got, want)
	}
	env.Restart()
	env.MustVerify()
}
