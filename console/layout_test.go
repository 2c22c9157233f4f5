package console

import (
	"context"
	"strings"
	"testing"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/emulation"
	"github.com/chromedp/chromedp"

	"linkfin"
	"linkfin/services"
)

// sideways is, where the page scrolls sideways, how wide it is and the first elements
// that make it so: a box past the screen's edge, or text overflowing its box (a long
// word), outside a box that scrolls on its own (a table); else nothing.
const sideways = `(() => {
	const w = document.documentElement.clientWidth;
	if (document.documentElement.scrollWidth <= w) return [];
	const scrolls = e => { for (let a = e.parentElement; a; a = a.parentElement) { if (getComputedStyle(a).overflowX != "visible") return true; } return false; };
	return [document.documentElement.scrollWidth + " px", ...[...document.querySelectorAll("body *")]
		.filter(e => !scrolls(e) && (e.getBoundingClientRect().right > w + 1 || (getComputedStyle(e).overflowX == "visible" && e.scrollWidth > e.clientWidth + 1 && e.clientWidth > 0)))
		.slice(0, 5).map(e => e.tagName + (e.className ? "." + e.className : "") + " " + Math.round(e.getBoundingClientRect().right) + "/" + e.scrollWidth)];
})()`

// The main pages of each party fit the narrowest phone, 320 px wide (as a screen 1280
// px wide at 400% zoom), a screen 1280 px wide at 200% zoom (640 px) and at 100%: the
// page never scrolls sideways (a wide table scrolls in its own box, not the page).
func TestPagesFitTheScreen(t *testing.T) {
	s := disbursed(t)
	// Rows on the pages of money in and out: a withdrawal filed, a payment announced,
	// a bank account waiting for the operator.
	for _, c := range []linkfin.Command{
		&services.RecordInboundPayment{Rail: "bank", InstructionID: "in-1", OrgID: "tier1", Currency: "CNY", Amount: 1_000_00},
		&services.RecordOutboundPayment{Rail: "bank", InstructionID: "out-1", OrgID: "tier1", Currency: "CNY", Amount: 123_45},
		&services.SetPaymentDebtor{Debtor: linkfin.PaymentParty{Name: "Auto SCF Platform", BankAccount: linkfin.BankAccount{IBAN: "DE89370400440532013000", BIC: "COBADEFFXXX"}}},
		&services.CreatePaymentFile{Rail: "bank", Date: linkfin.BusinessDate(s.clock.Now())},
		&services.RecordOutboundPayment{Rail: "bank", InstructionID: "out-2", OrgID: "tier1", Currency: "CNY", Amount: 45_00},
		&services.CreateExpectedPayment{Actor: "tier1", In: linkfin.ExpectedPaymentIn{Currency: "CNY", Amount: 500_00, Date: linkfin.BusinessDate(s.clock.Now())}},
		&services.SetBankAccount{Actor: "tier1", OrgID: "tier1", Account: linkfin.BankAccount{IBAN: "GB82WEST12345698765432", BIC: "NWBKGB2L", BankCode: "102100000030"}},
	} {
		s.run(c)
	}
	pages := map[string][]string{
		"tier1":  {"/", "/orders", "/invoices", "/payables", "/financings", "/pieces/C-1", "/orders/PO-1", "/account", "/wallet", "/organization"},
		"anchor": {"/", "/invoices/inv-1", "/payables", "/settlements", "/programs", "/programs/auto-scf", "/programs/auto-scf/disclosure", "/exposure", "/discounting", "/users"},
		"bank":   {"/", "/financings?status=disbursed", "/financings/F-1", "/exposure"},
		"port":   {"/", "/receipts", "/orders"},
		"":       {"/organizations", "/organizations?waiting=bank_account", "/payment-files", "/bank", "/webhooks", "/audit", "/settlements"},
	}
	// Each party in one language, the languages taking turns: Chinese words are
	// wider per character, English ones longer.
	langs := map[string]Lang{"tier1": Chinese, "anchor": English, "bank": Chinese, "port": English, "": Chinese}
	for org, paths := range pages {
		role := linkfin.RoleAdmin
		if org == "" {
			role = linkfin.RoleOperator
		}
		for _, lang := range []Lang{langs[org]} {
			j := s.signInAt(t, org, role, lang, 375)
			for _, width := range []int64{320, 640, 1280} {
				j.do(chromedp.EmulateViewport(width, 900))
				for _, path := range paths {
					j.open(path)
					wide := must(t, j.ctx, chromedp.Evaluate[[]string](sideways))
					if len(wide) > 0 {
						t.Errorf("%s in %s at %d px: %s scrolls sideways: %s", org, lang, width, path, strings.Join(wide, ", "))
					}
				}
			}
		}
	}
}

// A chart in Chinese: the anchor's program usage, drawn in the page, titled and
// labelled in Chinese, with its amounts in yuan.
func TestJourneyAnchorChartInChinese(t *testing.T) {
	s := disbursed(t)
	j := s.signIn(t, "anchor", linkfin.RoleFinance, Chinese)
	j.open("/programs/auto-scf")
	j.do(chromedp.WaitVisible(chromedp.CSS("svg.chart")))
	j.shot("program-usage")
	chart := must(t, j.ctx, chromedp.Evaluate[struct {
		Title string
		Width float64
		Texts []string
		Drawn float64
	}](`(() => {
		const svg = document.querySelector("svg.chart");
		const texts = [...svg.querySelectorAll("text")];
		return {Title: svg.getAttribute("aria-label"), Width: svg.getBoundingClientRect().width,
			Texts: texts.map(t => t.textContent), Drawn: texts.reduce((n, t) => n + t.getComputedTextLength(), 0)};
	})()`))
	if !strings.Contains(chart.Title, "已用额度") || chart.Width < 200 || chart.Drawn <= 0 {
		t.Fatalf("the chart: %+v", chart)
	}
	yuan := false
	for _, tx := range chart.Texts {
		yuan = yuan || strings.HasPrefix(tx, "¥")
		if strings.Contains(tx, "CNY") {
			t.Errorf("the chart writes %q in Chinese", tx)
		}
	}
	if !yuan {
		t.Errorf("the chart's amounts are not in yuan: %v", chart.Texts)
	}
}

// A word longer than the screen is wide (a document's number of 100 characters, an
// item's of 500, an organization's name of 200, without a space) breaks where it must,
// or widens a table, which scrolls in its own box: the page never scrolls sideways for
// it at 375 px, neither for a box nor for the text that overflows one.
func TestLongWordsFit(t *testing.T) {
	s := newSite(t)
	s.run(&services.CreateOrganization{Org: linkfin.Organization{ID: "longhaul", Name: strings.Repeat("L", linkfin.MaxName),
		Capabilities: []linkfin.Capability{linkfin.CapLogistics}}})
	s.run(&services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "PO-LONG", Number: strings.Repeat("W", linkfin.MaxNumber),
		SellerID: "tier1", ProgramID: "auto-scf", Currency: "CNY",
		Lines: []linkfin.POLine{{LineID: "1", Item: strings.Repeat("I", linkfin.MaxItem), Quantity: 1, Unit: "EA", UnitPrice: 1_00}}}})
	s.run(&services.AcceptPurchaseOrder{Actor: "tier1", ID: "PO-LONG"})
	for org, paths := range map[string][]string{"anchor": {"/orders/PO-LONG", "/orders"}, "tier1": {"/orders/PO-LONG"}} {
		j := s.signInAt(t, org, linkfin.RoleAdmin, English, 375)
		for _, path := range paths {
			j.open(path)
			wide := must(t, j.ctx, chromedp.Evaluate[[]string](sideways))
			if len(wide) > 0 {
				t.Errorf("%s: %s at 375 px scrolls sideways: %s", org, path, strings.Join(wide, ", "))
			}
		}
	}
}

// Printed, a record's page is its record: its heading, its facts and its tables,
// none of the header's sections, language switch or sign-out, no form or button, and
// no wider than the paper (A4's 794 px less its margins, on a narrow sheet too).
func TestRecordPrinted(t *testing.T) {
	s := newSite(t)
	j := s.signInAt(t, "anchor", linkfin.RoleAdmin, English, 1280)
	for _, path := range []string{"/invoices/inv-1", "/programs/auto-scf/disclosure", "/audit/events/1"} {
		for _, width := range []int64{700, 420} {
			j.do(chromedp.EmulateViewport(width, 1000), media("print"))
			j.open(path)
			got := must(t, j.ctx, chromedp.Evaluate[struct {
				Shown          []string
				Heading, Facts bool
				Wide           []string
			}](`(() => {
				const shown = e => e.getClientRects().length > 0 && getComputedStyle(e).visibility != "hidden";
				return {
					Shown: [...document.querySelectorAll("header nav, header form, form, button, input:not([type=hidden]), select, textarea, .skip")].filter(shown).map(e => e.outerHTML.slice(0, 80)),
					Heading: shown(document.querySelector("h1")),
					Facts: [...document.querySelectorAll("dl.facts, table")].some(shown),
					Wide: `+sideways+`,
				};
			})()`))
			if len(got.Shown) > 0 || !got.Heading || !got.Facts || len(got.Wide) > 0 {
				t.Errorf("%s printed at %d px: controls %q, heading %v, facts %v, sideways %q", path, width, got.Shown, got.Heading, got.Facts, got.Wide)
			}
		}
	}
	j.do(media(""))
}

// media has the page's CSS read for the media type ("print"; "" for the screen again).
func media(m string) chromedp.Action[chromedp.Void] {
	return chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		_, err := cdp.Call(ctx, t, emulation.SetEmulatedMedia, emulation.SetEmulatedMediaParams{Media: m})
		return err
	})
}
