package services

import (
	"testing"

	"linkfin"
)

// An organization that both trades and funds a program is offered no quote of its
// own on what it holds or sells: a request of it would be refused (decide), and the
// offers list what can be taken.
func TestNoOfferOfOneself(t *testing.T) {
	p := &linkfin.Program{ID: "p", Currency: "CNY", Products: []linkfin.Product{linkfin.ProductCertificateDiscounting, linkfin.ProductFactoring},
		Funders: []linkfin.ProgramFunder{{FunderID: "tradebank", Status: linkfin.FunderAccepted}, {FunderID: "bank", Status: linkfin.FunderAccepted}}}
	programs := map[string]*linkfin.Program{"p": p}
	funders := func(a linkfin.AssetOffers) []string {
		var out []string
		for _, o := range a.Offers {
			out = append(out, o.FunderID)
		}
		for _, o := range a.Refused {
			out = append(out, o.FunderID)
		}
		return out
	}
	pay := &linkfin.Payable{ID: "pay-1", SellerID: "tradebank", BuyerID: "anchor", ProgramID: "p", Currency: "CNY", Amount: 100_00,
		Status: linkfin.PayableOpen}
	price := func(*linkfin.Program, string, *linkfin.Payable) (linkfin.Quote, error) {
		return linkfin.Quote{Price: 90_00}, nil
	}
	a, ok := payableOffers(factoring{}, "tradebank", pay, programs, liveFunders, price)
	if got := funders(a); !ok || len(got) != 1 || got[0] != "bank" {
		t.Errorf("the payable's offers are of %v (listed %v), want the bank's alone", got, ok)
	}
	piece := &linkfin.Certificate{ID: "c-1", ProgramID: "p", HolderID: "tradebank", Currency: "CNY", Face: 100_00,
		Status: linkfin.CertificateActive}
	a, ok = certificateDiscounting{}.Offer("tradebank", piece, programs, linkfin.Date{})
	if got := funders(a); !ok || len(got) != 1 || got[0] != "bank" {
		t.Errorf("the piece's offers are of %v (listed %v), want the bank's alone", got, ok)
	}
}
