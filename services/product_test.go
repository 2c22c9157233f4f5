package services

import (
	"slices"
	"testing"

	"linkfin"
)

// Every product a program may offer is registered once, in the root package's order,
// and an unknown name is refused as invalid input.
func TestProductRegistry(t *testing.T) {
	var names []linkfin.Product
	for _, p := range Products() {
		names = append(names, p.Name())
		if !linkfin.KnownKind(p.AssetKind()) {
			t.Errorf("%s finances a %q, which is not a record kind", p.Name(), p.AssetKind())
		}
		got, err := ProductNamed(p.Name())
		if err != nil || got.Name() != p.Name() {
			t.Errorf("ProductNamed(%s) = %v, %v", p.Name(), got, err)
		}
	}
	if !slices.Equal(names, linkfin.Products()) {
		t.Fatalf("registered %v, want %v", names, linkfin.Products())
	}
	if _, err := ProductNamed("forfaiting"); linkfin.ErrorCode(err) != linkfin.EINVALID {
		t.Fatalf("an unknown product: %v, want %s", err, linkfin.EINVALID)
	}
	if _, err := ProductOf(&linkfin.Financing{ID: "F-1", Product: "forfaiting"}); linkfin.ErrorCode(err) != linkfin.EINTERNAL {
		t.Fatalf("a financing of an unknown product: %v, want %s", err, linkfin.EINTERNAL)
	}
}

// Register refuses a product twice, one the root package does not list, and one
// whose legs have no ledger slot.
func TestRegisterRefuses(t *testing.T) {
	for name, p := range map[string]FinancingProduct{
		"twice":      factoring{},
		"not listed": renamed{factoring{}, "forfaiting"},
		"bad leg":    legs{dynamicDiscounting{}, []string{"bonus"}},
	} {
		t.Run(name, func(t *testing.T) {
			before := len(products)
			defer func() {
				if recover() == nil {
					t.Errorf("Register did not panic")
				}
				if len(products) != before {
					t.Errorf("Register kept the product it refused")
				}
			}()
			Register(p)
		})
	}
}

type renamed struct {
	FinancingProduct
	name linkfin.Product
}

func (r renamed) Name() linkfin.Product { return r.name }

type legs struct {
	FinancingProduct
	legs []string
}

func (l legs) Legs() []string { return l.legs }

// A product moves only the legs it declares, besides those on the limits: a pledge
// loan is never bought back.
func TestFinancingLegsDeclared(t *testing.T) {
	f := &linkfin.Financing{ID: "F-1", Product: linkfin.ProductWarehousePledge, Currency: "CNY"}
	if _, err := transfersOf(f, []leg{{"funder-limit-release", 1, 2, 100, codeLimit}, {"repayment", 2, 1, 100, codeWallet}}); err != nil {
		t.Fatalf("declared legs: %v", err)
	}
	if _, err := transfersOf(f, []leg{{"buy-back", 2, 1, 100, codeWallet}}); linkfin.ErrorCode(err) != linkfin.EINTERNAL {
		t.Fatalf("a buy-back of a pledge loan: %v, want %s", err, linkfin.EINTERNAL)
	}
}
