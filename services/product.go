package services

import (
	"context"
	"fmt"
	"slices"

	"linkfin"
)

// FinancingProduct is one way of financing an asset of the supply chain (DESIGN §2):
// what it finances and locks, how it quotes, accepts, disburses, repays, closes, lapses
// and defaults, and which ledger legs it moves. Each product is one file of this
// package that registers itself (Register); the HTTP API, the scheduler, the exposure
// report, the demo and the command line find a financing's product here and never
// name one themselves.
//
// The steps every product shares — holding the limits at acceptance, the funder's
// disbursement, cancellation and lapse — are DisburseFinancing, CancelFinancing and
// LapseFinancing; they call the product for what happens to its asset.
type FinancingProduct interface {
	// Name is the product's name in the API and in programs ("factoring").
	Name() linkfin.Product
	// AssetKind is the kind of record the product finances, locked to the financing
	// from acceptance until it ends.
	AssetKind() string
	// Downstream reports a product that finances the anchor's buyers (distributors)
	// rather than its suppliers: the exposure report counts it apart from the tiers.
	Downstream() bool
	// Legs lists the ledger legs (legNames) the product moves besides the holds on the
	// limits; financingLegs refuses any other.
	Legs() []string

	// Request makes the command that quotes a financing of in.AssetID for actor. It
	// may read s for what the command's keys depend on; the command checks the rest.
	Request(ctx context.Context, s linkfin.Store, actor string, in *linkfin.FinancingIn) (linkfin.Command, error)
	// Accept makes the command by which actor accepts the quote f.
	Accept(actor string, f *linkfin.Financing) linkfin.Command
	// Repay makes the command by which f's borrower repays it, or refuses with
	// not_repayable where the product is repaid by settlement.
	Repay(actor string, f *linkfin.Financing) (linkfin.Command, error)
	// Close makes the command that closes f at its due date (collects, repays, buys
	// back, forecloses or defaults), or refuses with not_closable where the product
	// settles with its certificate.
	Close(f *linkfin.Financing) (linkfin.Command, error)
	// CloseDate is the first day Close may run on the disbursed financing f; ok is
	// false while it has none (the product settles otherwise, or its date is not
	// known yet).
	CloseDate(ctx context.Context, s linkfin.RecordReader, f *linkfin.Financing) (d linkfin.Date, ok bool, err error)

	// AssetKeys lists the records Disbursed and Release read and write.
	AssetKeys(f *linkfin.Financing) []linkfin.ObjectKey
	// Disbursed does to the asset what the funder's payment does (a certificate piece
	// passes to the funder).
	Disbursed(tx linkfin.Tx, f *linkfin.Financing) error
	// Release frees the asset of an accepted financing that will not be disbursed
	// (cancelled, or lapsed).
	Release(tx linkfin.Tx, f *linkfin.Financing) error
}

// products are the registered products, in the order they registered.
var products []FinancingProduct

// Register adds a financing product. It panics if the name is taken or is not one of
// the root package's products, since that is a mistake in the program.
func Register(p FinancingProduct) {
	if !slices.Contains(linkfin.Products(), p.Name()) {
		panic(fmt.Sprintf("services: product %q is not one of linkfin.Products", p.Name()))
	}
	for _, q := range products {
		if q.Name() == p.Name() {
			panic(fmt.Sprintf("services: product %q registered twice", p.Name()))
		}
	}
	for _, name := range p.Legs() {
		if _, ok := legSlots[name]; !ok {
			panic(fmt.Sprintf("services: product %q names leg %q, which has no slot in legNames", p.Name(), name))
		}
	}
	products = append(products, p)
}

// Products lists the registered financing products, in the order of
// linkfin.Products.
func Products() []FinancingProduct {
	out := slices.Clone(products)
	order := linkfin.Products()
	slices.SortFunc(out, func(a, b FinancingProduct) int {
		return slices.Index(order, a.Name()) - slices.Index(order, b.Name())
	})
	return out
}

// ProductNamed returns the registered product of the name, or refuses an unknown one.
func ProductNamed(name linkfin.Product) (FinancingProduct, error) {
	for _, p := range products {
		if p.Name() == name {
			return p, nil
		}
	}
	return nil, linkfin.Errorf(linkfin.EINVALID, "unknown product %q", name)
}

// ProductOf returns the product of a financing on record.
func ProductOf(f *linkfin.Financing) (FinancingProduct, error) {
	p, err := ProductNamed(f.Product)
	if err != nil {
		return nil, linkfin.Errorf(linkfin.EINTERNAL, "financing %s has an unknown product %q", f.ID, f.Product)
	}
	return p, nil
}

// RepayFinancing makes the command by which actor repays f: only its borrower does,
// and only a product repaid by its borrower.
func RepayFinancing(actor string, f *linkfin.Financing) (linkfin.Command, error) {
	if f.RequesterID != actor {
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only the borrower repays a loan")
	}
	p, err := ProductOf(f)
	if err != nil {
		return nil, err
	}
	return p.Repay(actor, f)
}

// notRepayable is Repay's answer for a product repaid at maturity by settlement.
func notRepayable(f *linkfin.Financing) error {
	return linkfin.Errorf("not_repayable", "a %s financing is repaid at maturity by settlement, not by its requester", f.Product)
}

// notClosable is Close's answer for a product that settles with its certificate.
func notClosable(f *linkfin.Financing) error {
	return linkfin.Errorf("not_closable", "a %s financing is not closed: it settles with its certificate at maturity, when the anchor pays", f.Product)
}

// offered is the live funder of a program that offers the product: the checks every
// request makes once its asset is found, after those of the asset.
func offered(p *linkfin.Program, product linkfin.Product, what, funderID string) (*linkfin.ProgramFunder, error) {
	if !p.Offers(product) {
		return nil, linkfin.Errorf(linkfin.EINVALID, "program %s does not offer %s", p.ID, what)
	}
	return liveFunder(p, funderID)
}

// requestKeys are the keys of a request for a quote: the id asked for the financing,
// the asset and the program.
func requestKeys(id, assetKind, assetID, programID string) []linkfin.ObjectKey {
	return append(idKeys(linkfin.KindFinancing, id),
		linkfin.ObjectKey{Kind: assetKind, ID: assetID},
		linkfin.ObjectKey{Kind: linkfin.KindProgram, ID: programID},
	)
}

// payableRequest reads what a request on a payable starts from: the new financing's
// id, the payable, as the actor may see it, and the program it was written under.
func payableRequest(tx linkfin.Tx, id, payableID, programID, actor string) (string, *linkfin.Payable, *linkfin.Program, error) {
	id, err := newID(tx, linkfin.KindFinancing, id)
	if err != nil {
		return "", nil, nil, err
	}
	pay, err := payable(tx, payableID, actor)
	if err != nil {
		return "", nil, nil, err
	}
	if err := heldByOrder(tx, pay); err != nil {
		return "", nil, nil, err
	}
	p, err := assetProgram(tx, programID, pay.ProgramID)
	return id, pay, p, err
}

// orderRequest reads what a request on a purchase order starts from: the new
// financing's id, the order, as the actor may see it, and the program it was written
// under.
func orderRequest(tx linkfin.Tx, id, poID, programID, actor string) (string, *linkfin.PurchaseOrder, *linkfin.Program, error) {
	id, err := newID(tx, linkfin.KindFinancing, id)
	if err != nil {
		return "", nil, nil, err
	}
	po, err := purchaseOrder(tx, poID, actor)
	if err != nil {
		return "", nil, nil, err
	}
	p, err := assetProgram(tx, programID, po.ProgramID)
	return id, po, p, err
}

// newQuote is a quoted financing of an asset under a program, by the requester, at the
// terms the product's pricing worked out (q), which may be accepted until
// QuoteValidity from now; the product fills in the payee and the supplier's limit
// where it draws the limits.
func newQuote(tx linkfin.Tx, id string, product FinancingProduct, p *linkfin.Program, requester, funder, assetID string, q linkfin.Quote) *linkfin.Financing {
	q.ExpiresAt = tx.Now().Add(QuoteValidity)
	return &linkfin.Financing{ID: id, Product: product.Name(), ProgramID: p.ID, RequesterID: requester, FunderID: funder,
		AssetKind: product.AssetKind(), AssetID: assetID, Currency: p.Currency, Status: linkfin.FinancingQuoted,
		CreatedAt: tx.Now(), Quote: q}
}
