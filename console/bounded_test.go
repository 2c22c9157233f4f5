package console

import (
	"context"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"
)

// The home page shows the first offers and the first pieces held, by maturity, and
// links to the offers and pieces pages, which list every one of them a page at a
// time: the same offers, in the same order, as the API's list of offers, and the same
// pieces as the organization holds. Nothing is hidden; no page reads them all.
func TestHomeShowsTheFirstAndListsLinkTheRest(t *testing.T) {
	s := certified(t)
	// C-1 (100,000.00) split into 60 pieces of tier1's: more than a page of the lists.
	var parts []linkfin.Piece
	for i := range 60 {
		parts = append(parts, linkfin.Piece{ID: fmt.Sprintf("C-1-%02d", i), Face: 100_000_00 / 60})
	}
	parts[59].Face += 100_000_00 - 60*(100_000_00/60)
	s.run(&services.SplitCertificate{Actor: "tier1", ID: "C-1", Pieces: parts})
	// One financed: no offer on it, but tier1 still holds it.
	s.run(&services.RequestCertificateDiscounting{Actor: "tier1", ID: "F-1", ProgramID: "auto-scf", PieceID: "C-1-07", FunderID: "bank"})
	s.run(&services.AcceptCertificateDiscounting{Actor: "tier1", ID: "F-1", PieceID: "C-1-07"})

	// An open payable of tier1's due before the pieces: its offers come first.
	due := linkfin.BusinessDate(s.clock.Now()).AddDays(30)
	for _, c := range []linkfin.Command{
		&services.CreatePurchaseOrder{Actor: "anchor", Order: linkfin.PurchaseOrder{ID: "PO-2", Number: "PO-2", SellerID: "tier1", ProgramID: "auto-scf",
			Currency: "CNY", Lines: []linkfin.POLine{{LineID: "1", Item: "brake pad", Quantity: 10, Unit: "EA", UnitPrice: 100_00}}}},
		&services.AcceptPurchaseOrder{Actor: "tier1", ID: "PO-2"},
		&services.CreateGoodsReceipt{Actor: "anchor", Receipt: linkfin.GoodsReceipt{ID: "GR-2", POID: "PO-2", Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: 10}}}},
		&services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{ID: "inv-2", Number: "INV-2", BuyerID: "anchor", POID: "PO-2",
			Currency: "CNY", IssueDate: linkfin.BusinessDate(s.clock.Now()), DueDate: due,
			Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: 10, UnitPrice: 100_00, Amount: 1_000_00}}, Total: 1_000_00}},
		&services.ApproveInvoice{Actor: "anchor", ID: "inv-2"},
	} {
		s.run(c)
	}

	tier1 := s.as("tier1", linkfin.RoleFinance)
	_, home := tier1.get("/")
	offerLink := regexp.MustCompile(`<a class="button" href="/offers/confirm\?asset=([^&"]+)`)
	if got := len(offerLink.FindAllString(home, -1)); got != homeRows {
		t.Errorf("the home page shows %d offers; want the first %d", got, homeRows)
	}
	if !strings.Contains(home, `href="/offers"`) || !strings.Contains(home, `href="/pieces"`) {
		t.Fatalf("the home page does not link to every offer and every piece:\n%s", home)
	}
	pieceRow := regexp.MustCompile(`<tr><td>[^<]*</td><td><a href="/pieces/([^"]+)">`)
	if got := len(pieceRow.FindAllString(home, -1)); got != homeRows {
		t.Errorf("the home page shows %d pieces; want the first %d", got, homeRows)
	}

	// Every page of a list, following its next links.
	walk := func(path string, re *regexp.Regexp) []string {
		t.Helper()
		var ids []string
		for pages := 0; path != ""; pages++ {
			code, page := tier1.get(path)
			if code != http.StatusOK || pages > 5 {
				t.Fatalf("%s: %d", path, code)
			}
			for _, m := range re.FindAllStringSubmatch(page, -1) {
				ids = append(ids, m[1])
			}
			path = ""
			if m := regexp.MustCompile(`<a rel="next" href="([^"]+)"`).FindStringSubmatch(page); m != nil {
				path = strings.ReplaceAll(m[1], "&amp;", "&")
			}
		}
		return ids
	}
	all, err := services.Offers(context.Background(), s.store, linkfin.Viewer{Org: "tier1"}, s.e.Now())
	if err != nil {
		t.Fatal(err)
	}
	var want []string
	for _, a := range all {
		if len(a.Offers) > 0 {
			want = append(want, a.AssetID)
		}
	}
	if got := walk("/offers", offerLink); !slices.Equal(got, want) || len(got) != 60 || got[0] != linkfin.PayableID("inv-2") {
		t.Errorf("the offers pages list %d offers %v;\nthe API lists %d %v", len(got), got, len(want), want)
	}
	var held []string
	for _, p := range parts {
		held = append(held, p.ID)
	}
	if got := walk("/pieces", pieceRow); !slices.Equal(got, held) {
		t.Errorf("the pieces pages list %v; tier1 holds %v", got, held)
	}
	if !slices.Equal(offerLink.FindAllStringSubmatch(home, -1)[0][1:], want[:1]) {
		t.Errorf("the home page's first offer is not the API's first")
	}
	// A cursor not made by a page is refused, with the API's words.
	if code, _ := tier1.get("/offers?after=nonsense"); code != http.StatusBadRequest {
		t.Errorf("a made-up cursor: %d", code)
	}
}
