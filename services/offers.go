package services

import (
	"cmp"
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"linkfin"
)

// Offerer is a FinancingProduct that offers, unasked, to finance what an organization
// holds: Offers lists its quotes on every such asset, and TakeOffer takes one in one
// step. A product of assets that are asked for one by one (an order, a warehouse
// receipt) is not one.
type Offerer interface {
	FinancingProduct
	// Offer prices, with no Tx, what org would be answered if it asked now to finance
	// asset — a pointer to a record of the product's AssetKind (linkfin.NewRecord) —
	// under the program the asset was written under, found in programs (those org
	// sees, as it sees them, by id), with the funds on the value date: for every
	// funder that would finance it, its quote or the refusal a request would give. It
	// reports false for an asset that is not org's to finance (another's, no longer
	// active, taken) or whose program org does not see or does not offer the product.
	Offer(org string, asset any, programs map[string]*linkfin.Program, valueDate linkfin.Date) (linkfin.AssetOffers, bool)
	// Quote makes the request command by which actor asks for funder's offer on the
	// asset under the program, as Request does from the API's input. TakeOffer runs
	// it, and the product's Accept after it. Rail is the rail the request asks to be
	// paid on, which TakeOffer has checked the product pays on (CheckFinancingRail).
	Quote(actor, programID, assetID, funderID string, rail linkfin.PaymentRail) linkfin.Command
}

// Offerers lists the registered products that offer unasked, in the order of
// linkfin.Products.
func Offerers() []Offerer {
	var out []Offerer
	for _, p := range Products() {
		if o, ok := p.(Offerer); ok {
			out = append(out, o)
		}
	}
	return out
}

// Offers lists, for the viewer's organization, every asset it could finance now with
// the live offers on it (see linkfin.AssetOffers), by maturity. It reads what the
// viewer sees: the records it is party to, of the kinds the offering products finance,
// and its programs as it sees them (a member sees the live funders and their pricing,
// never their limits). The work is bounded per asset: its program, and one price per
// product and funder; no financing is read. An offer a request would refuse is listed
// among the asset's Refused with its code, so the person sees why; limits are not
// among those reasons, since the viewer does not see what is drawn on them: a take
// over a limit is refused then, as its request is (drawable). The operator, which holds nothing, gets
// an empty list.
func Offers(ctx context.Context, s linkfin.PartyReader, v linkfin.Viewer, now time.Time) ([]linkfin.AssetOffers, error) {
	out := []linkfin.AssetOffers{}
	if v.Org == "" {
		return out, nil
	}
	programs, err := gradedPrograms(ctx, s, v.Org, now)
	if err != nil {
		return nil, err
	}
	cannot, err := takesNoOffer(ctx, s, v.Org)
	if err != nil {
		return nil, err
	}
	payers, err := payersNotTrading(ctx, s, programs)
	if err != nil {
		return nil, err
	}
	byKind := make(map[string][]Offerer)
	var kinds []string
	for _, o := range Offerers() {
		if _, seen := byKind[o.AssetKind()]; !seen {
			kinds = append(kinds, o.AssetKind())
		}
		byKind[o.AssetKind()] = append(byKind[o.AssetKind()], o)
	}
	valueDate := linkfin.BusinessDate(now)
	for _, kind := range kinds {
		err := scanParty(ctx, s, kind, v.Org, func(data []byte) error {
			asset := linkfin.NewRecord(kind)
			if err := json.Unmarshal(data, asset); err != nil {
				return err
			}
			var a *linkfin.AssetOffers
			for _, o := range byKind[kind] {
				got, ok := o.Offer(v.Org, asset, programs, valueDate)
				switch {
				case !ok:
				case a == nil:
					a = &got
				default:
					a.Offers, a.Refused = append(a.Offers, got.Offers...), append(a.Refused, got.Refused...)
				}
			}
			if a != nil {
				if settle(a, now, cannot, payers); len(a.Offers)+len(a.Refused) > 0 {
					out = append(out, *a)
				}
			}
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	slices.SortFunc(out, func(a, b linkfin.AssetOffers) int {
		return cmp.Or(a.Maturity.Compare(b.Maturity), strings.Compare(a.AssetKind, b.AssetKind), strings.Compare(a.AssetID, b.AssetID))
	})
	return out, nil
}

// takesNoOffer is why org could take no offer now, as TakeOffer's request would
// refuse it: the operator withdrew its trade capability (trades, as a seller or a
// holder); nil if it may.
func takesNoOffer(ctx context.Context, s linkfin.RecordReader, org string) (error, error) {
	var o linkfin.Organization
	if err := read(ctx, s, linkfin.KindOrganization, org, &o); err != nil {
		return nil, err
	}
	return notTrading(&o, true), nil
}

// payersNotTrading is, by anchor, why no offer of a program's anchor to pay early
// (dynamic discounting) could be taken now, as its request would refuse it: the
// anchor, which would pay, does not trade (tradeBetween). It reads the anchor of each
// program that offers dynamic discounting once; an anchor that trades is not listed.
func payersNotTrading(ctx context.Context, s linkfin.RecordReader, programs map[string]*linkfin.Program) (map[string]error, error) {
	out := make(map[string]error)
	seen := make(map[string]bool)
	for _, p := range programs {
		if !p.Offers(linkfin.ProductDynamicDiscounting) || seen[p.AnchorID] {
			continue
		}
		seen[p.AnchorID] = true
		var o linkfin.Organization
		if err := read(ctx, s, linkfin.KindOrganization, p.AnchorID, &o); linkfin.ErrorCode(err) == linkfin.ENOTFOUND {
			continue // as markIdle: what is not there is refused by the request
		} else if err != nil {
			return nil, err
		}
		if err := notTrading(&o, false); err != nil {
			out[p.AnchorID] = err
		}
	}
	return out, nil
}

// settle finishes an asset's offers at now: each quote expiring as a request's would,
// best first; the refusals by product and funder. An anchor's offer to pay early whose
// anchor payers lists (payersNotTrading) is listed among the refusals with its code
// and message instead; and if cannot says why the organization could take none of
// them, so is each offer left.
func settle(a *linkfin.AssetOffers, now time.Time, cannot error, payers map[string]error) {
	a.Offers = slices.DeleteFunc(a.Offers, func(o linkfin.Offer) bool {
		refused := payers[o.FunderID]
		if o.Product != linkfin.ProductDynamicDiscounting || refused == nil {
			return false
		}
		a.Refused = append(a.Refused, linkfin.Offer{Product: o.Product, FunderID: o.FunderID,
			Code: linkfin.ErrorCode(refused), Message: linkfin.ErrorMessage(refused)})
		return true
	})
	if cannot != nil {
		for _, o := range a.Offers {
			a.Refused = append(a.Refused, linkfin.Offer{Product: o.Product, FunderID: o.FunderID,
				Code: linkfin.ErrorCode(cannot), Message: linkfin.ErrorMessage(cannot)})
		}
		a.Offers = nil
	}
	for i := range a.Offers {
		a.Offers[i].Quote.ExpiresAt = now.Add(QuoteValidity)
	}
	slices.SortFunc(a.Offers, func(x, y linkfin.Offer) int {
		return cmp.Or(cmp.Compare(y.Quote.Price, x.Quote.Price), x.Quote.EffectiveRate.Cmp(y.Quote.EffectiveRate),
			strings.Compare(x.FunderID, y.FunderID), strings.Compare(string(x.Product), string(y.Product)))
	})
	slices.SortFunc(a.Refused, func(x, y linkfin.Offer) int {
		return cmp.Or(strings.Compare(string(x.Product), string(y.Product)), strings.Compare(x.FunderID, y.FunderID))
	})
	if a.Offers == nil {
		a.Offers = []linkfin.Offer{}
	}
	if a.Refused == nil {
		a.Refused = []linkfin.Offer{}
	}
}

// offer adds funder's quote under the product, or the refusal its pricing gave, to
// the asset's offers.
func offer(a *linkfin.AssetOffers, product linkfin.Product, funder string, q linkfin.Quote, err error) {
	if err != nil {
		a.Refused = append(a.Refused, linkfin.Offer{Product: product, FunderID: funder,
			Code: linkfin.ErrorCode(err), Message: linkfin.ErrorMessage(err)})
		return
	}
	a.Offers = append(a.Offers, linkfin.Offer{Product: product, FunderID: funder, Quote: &q})
}

// withoutIdleFunders takes out of the programs (read for the offers as their viewer
// sees them, ProgramsOf, and theirs to change) the live funders that may not fund now,
// which the view marks Idle (markIdle): no offer names them, as no request is quoted
// from them.
func withoutIdleFunders(programs map[string]*linkfin.Program) {
	for _, p := range programs {
		p.Funders = slices.DeleteFunc(slices.Clone(p.Funders), func(f linkfin.ProgramFunder) bool { return f.Idle })
	}
}

// markIdle marks Idle, in a view of the programs, each live funder that may not fund
// now: the operator withdrew its fund capability (funds refuses it a request). can
// remembers each funder's answer, so that each organization is read once; a funder
// whose organization is not found does not fund.
func markIdle(ctx context.Context, s linkfin.RecordReader, can map[string]bool, programs ...*linkfin.Program) error {
	for _, p := range programs {
		for i := range p.Funders {
			f := &p.Funders[i]
			if f.Status != linkfin.FunderAccepted {
				continue
			}
			ok, seen := can[f.FunderID]
			if !seen {
				var o linkfin.Organization
				err := read(ctx, s, linkfin.KindOrganization, f.FunderID, &o)
				if err != nil && linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
					return err
				}
				ok = err == nil && o.Can(linkfin.CapFund)
				can[f.FunderID] = ok
			}
			f.Idle = !ok
		}
	}
	return nil
}

// liveFunders names the funders that have accepted the program.
func liveFunders(p *linkfin.Program) []string {
	var out []string
	for _, f := range p.Funders {
		if f.Status == linkfin.FunderAccepted {
			out = append(out, f.FunderID)
		}
	}
	return out
}

// payableOffers are the offers of a product on a payable that org sells, approved,
// open, owing something, and under a program that offers the product, each of funders (who would
// finance it under the program) but org itself priced by price.
func payableOffers(product FinancingProduct, org string, asset any, programs map[string]*linkfin.Program,
	funders func(*linkfin.Program) []string, price func(p *linkfin.Program, funder string, pay *linkfin.Payable) (linkfin.Quote, error)) (linkfin.AssetOffers, bool) {
	pay, ok := asset.(*linkfin.Payable)
	if !ok || pay.SellerID != org || notOpen(pay) != nil {
		return linkfin.AssetOffers{}, false
	}
	p := programs[pay.ProgramID]
	if p == nil || !p.Offers(product.Name()) {
		return linkfin.AssetOffers{}, false
	}
	a := linkfin.AssetOffers{AssetKind: linkfin.KindPayable, AssetID: pay.ID, ProgramID: p.ID, Currency: pay.Currency,
		Face: pay.Amount, Maturity: pay.DueDate}
	for _, funder := range funders(p) {
		if funder == org {
			continue // no organization funds itself (decide refuses it)
		}
		q, err := price(p, funder, pay)
		offer(&a, product.Name(), funder, q, err)
	}
	return a, true
}

// EOFFERCHANGED is TakeOffer's refusal when the quote made now does not pay the price
// the person confirmed: the offers are to be looked at again.
const EOFFERCHANGED = "offer_changed"

// TakeOffer is actor taking an offer (Offers) in one step: the product's request and
// its acceptance, in one command, all or nothing. The asset is quoted again as the
// command runs; if the quote does not pay the Price the person confirmed, or is not
// FunderID's, it is refused with offer_changed (or invalid) and nothing changes. Else
// the quote is recorded and accepted exactly as the two API calls would (the limits
// held, the asset locked, the same events), and the answer is the accepted financing.
// Any refusal of either step is its answer, with its own code.
type TakeOffer struct {
	Actor     string
	Product   linkfin.Product
	AssetID   string
	ProgramID string
	FunderID  string // the offer's funder; for dynamic discounting, the program's anchor
	Price     int64  // the offer's Quote.Price, as shown to the person
	// Rail is how the offer is paid, as a request's: ecny, for dynamic discounting,
	// from the anchor's designated e-CNY wallet into the seller's.
	Rail linkfin.PaymentRail
}

// offerer is the product of the offer, or nil for one that makes no offers.
func (c *TakeOffer) offerer() Offerer {
	p, err := ProductNamed(c.Product)
	if err != nil {
		return nil
	}
	o, _ := p.(Offerer)
	return o
}

// Validate implements linkfin.Validator.
func (c *TakeOffer) Validate() error {
	if c.offerer() == nil {
		names := make([]string, 0, len(Offerers()))
		for _, o := range Offerers() {
			names = append(names, string(o.Name()))
		}
		return linkfin.Errorf(linkfin.EINVALID, "%q makes no offers: the products offered are %s", c.Product, strings.Join(names, ", "))
	}
	if c.Price <= 0 {
		return linkfin.Errorf(linkfin.EINVALID, "price is the offer's price as shown, a positive amount in minor units")
	}
	if err := CheckFinancingRail(c.Product, c.Rail); err != nil {
		return err
	}
	return linkfin.CheckAmount("price", c.Price)
}

// Keys implements linkfin.Command: the request's (the asset and the program); the
// financing it makes is new.
func (c *TakeOffer) Keys() []linkfin.ObjectKey {
	o := c.offerer()
	if o == nil {
		return nil
	}
	return o.Quote(c.Actor, c.ProgramID, c.AssetID, c.FunderID, c.Rail).Keys()
}

// DependentKeys implements linkfin.DependentCommand: a payable's seller's scorecards,
// which count an early payment, and the organization of the program's anchor, which
// pays one early (dynamic discounting); on the e-CNY rail, the program's anchor and
// the actor, and the wallets they designated.
func (c *TakeOffer) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	if o := c.offerer(); o == nil || o.AssetKind() != linkfin.KindPayable {
		return nil
	}
	keys := append(paymentKeys(r, c.AssetID), orderFinancingKeys(r, c.AssetID)...)
	if c.Product == linkfin.ProductDynamicDiscounting {
		keys = append(keys, anchorKeys(r, c.ProgramID)...)
	}
	if c.Rail != linkfin.RailECNY {
		return keys
	}
	var p linkfin.Program
	if found, err := r.Get(linkfin.KindProgram, c.ProgramID, &p); err == nil && found {
		keys = append(keys, designatedKeys(r, p.AnchorID, c.Actor)...)
	}
	return keys
}

// LedgerKeys implements linkfin.LedgerCommand: the accounts any offer's acceptance
// touches, which the financing would list if it existed already: the wallets of the
// requester, the funder and the program's anchor (the funder or the payee of some
// products), in the program's currency and the asset's, and the program's limits.
func (c *TakeOffer) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	o := c.offerer()
	var p linkfin.Program
	if found, err := r.Get(linkfin.KindProgram, c.ProgramID, &p); o == nil || err != nil || !found {
		return nil, nil
	}
	var asset struct {
		Currency linkfin.Currency `json:"currency"`
	}
	currencies := []linkfin.Currency{p.Currency}
	if found, _ := r.Get(o.AssetKind(), c.AssetID, &asset); found && asset.Currency != p.Currency {
		currencies = append(currencies, asset.Currency)
	}
	for _, cur := range currencies {
		for _, org := range []string{c.Actor, c.FunderID, p.AnchorID} {
			accounts = append(accounts, linkfin.WalletID(org, cur))
		}
	}
	if c.Rail == linkfin.RailECNY {
		accounts = append(accounts, designatedAccounts(r, p.AnchorID, c.Actor)...)
	}
	return append(accounts, LimitID(p.ID, ""), LimitID(p.ID, c.FunderID), limitSourceID(p.ID), supplierLimitID(p.ID, c.Actor)), nil
}

// Apply implements linkfin.Command.
func (c *TakeOffer) Apply(tx linkfin.Tx) (any, error) {
	o := c.offerer()
	if o == nil {
		return nil, c.Validate()
	}
	v, err := o.Quote(c.Actor, c.ProgramID, c.AssetID, c.FunderID, c.Rail).Apply(tx)
	if err != nil {
		return nil, err
	}
	f := v.(*linkfin.Financing)
	switch {
	case f.FunderID != c.FunderID:
		return nil, linkfin.Errorf(linkfin.EINVALID, "%s on %s %s is offered by %s, not %s", f.Product, f.AssetKind, f.AssetID, f.FunderID, c.FunderID)
	case f.Quote.Price != c.Price:
		return nil, linkfin.Errorf(EOFFERCHANGED, "the offer now pays %s, not the %s confirmed: look at the offers again",
			linkfin.Money{Amount: f.Quote.Price, Currency: f.Currency}, linkfin.Money{Amount: c.Price, Currency: f.Currency})
	}
	return o.Accept(c.Actor, f).Apply(tx)
}
