package services

import (
	"cmp"
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"strings"

	"linkfin"
)

// Payment terms (docs/CREDIT.md, "Alert rules"): a buyer sets its terms with a seller
// on their relationship. A change while the seller has financed receivables from the
// buyer outstanding raises payment_terms_changed, one alert per program they are
// financed under: a buyer that stretches (or shortens) its terms moves what the
// funders are owed.

// MaxFinancedReceivables bounds the financings a change of terms names.
const MaxFinancedReceivables = 200

// receivableBuyer is who owes a financed receivable: the buyer of a factored payable or
// of a financed order, the anchor of a discounted certificate piece; "" for a loan on
// anything else (a pledge, a distributor's loan).
func receivableBuyer(get func(kind, id string, v any) (bool, error), f *linkfin.Financing) (string, error) {
	switch f.AssetKind {
	case linkfin.KindPayable:
		var p linkfin.Payable
		_, err := get(linkfin.KindPayable, f.AssetID, &p)
		return p.BuyerID, err
	case linkfin.KindPurchaseOrder:
		var po linkfin.PurchaseOrder
		_, err := get(linkfin.KindPurchaseOrder, f.AssetID, &po)
		return po.BuyerID, err
	case linkfin.KindCertificate:
		var c linkfin.Certificate
		_, err := get(linkfin.KindCertificate, f.AssetID, &c)
		return c.AnchorID, err
	}
	return "", nil
}

// FinancedReceivables lists the disbursed financings of the seller whose receivable
// the buyer owes — at most MaxFinancedReceivables, by due date — from the ordered
// index's financings of the seller, never every financing.
func FinancedReceivables(ctx context.Context, s IndexedReader, buyer, seller string) ([]string, error) {
	objs, err := s.ListIndexed(ctx, linkfin.KindFinancing, linkfin.IndexOwed, linkfin.IndexValue(seller, string(linkfin.FinancingDisbursed), ""), "", "", 10*MaxFinancedReceivables)
	if err != nil {
		return nil, err
	}
	get := func(kind, id string, v any) (bool, error) {
		o, err := s.Object(ctx, kind, id)
		if err != nil || o == nil {
			return false, err
		}
		return true, json.Unmarshal(o.Data, v)
	}
	var out []string
	for _, o := range objs {
		var f linkfin.Financing
		if err := json.Unmarshal(o.Data, &f); err != nil {
			return nil, err
		}
		if f.RequesterID != seller {
			continue
		}
		if b, err := receivableBuyer(get, &f); err != nil {
			return nil, err
		} else if b == buyer && len(out) < MaxFinancedReceivables {
			out = append(out, f.ID)
		}
	}
	return out, nil
}

// SetPaymentTerms is a buyer setting its payment terms with a seller on their active
// relationship (0: none). Financed names the seller's financings of receivables the
// buyer owes, as FinancedReceivables found them just before: each is checked again in
// the batch, and those still outstanding raise the alert.
type SetPaymentTerms struct {
	Actor    string // the buyer
	BuyerID  string // the relationship's, which only the buyer may be
	SellerID string
	Days     int
	Financed []string
}

// Keys implements linkfin.Command.
func (c *SetPaymentTerms) Keys() []linkfin.ObjectKey {
	keys := []linkfin.ObjectKey{{Kind: linkfin.KindRelationship, ID: linkfin.RelationshipID(c.BuyerID, c.SellerID)}, organizationKey(c.Actor)}
	for _, id := range c.Financed {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindFinancing, ID: id})
	}
	return keys
}

// DependentKeys implements linkfin.DependentCommand: each financing's asset, and what
// raising an alert under its program reads.
func (c *SetPaymentTerms) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var keys []linkfin.ObjectKey
	for _, id := range c.Financed {
		var f linkfin.Financing
		if found, err := r.Get(linkfin.KindFinancing, id, &f); err != nil || !found {
			continue
		}
		keys = append(append(keys, linkfin.ObjectKey{Kind: f.AssetKind, ID: f.AssetID}), alertKeys(c.SellerID, f.ProgramID)...)
	}
	return keys
}

// Validate implements linkfin.Validator.
func (c *SetPaymentTerms) Validate() error {
	if c.Days < 0 || c.Days > linkfin.MaxTenorDays {
		return linkfin.Errorf(linkfin.EINVALID, "payment_terms_days is from 0 (none) to %d", linkfin.MaxTenorDays)
	}
	if len(c.Financed) > MaxFinancedReceivables {
		return linkfin.Errorf(linkfin.EINVALID, "at most %d financings", MaxFinancedReceivables)
	}
	return nil
}

// Apply implements linkfin.Command.
func (c *SetPaymentTerms) Apply(tx linkfin.Tx) (any, error) {
	var rel linkfin.Relationship
	if found, err := tx.Get(linkfin.KindRelationship, linkfin.RelationshipID(c.BuyerID, c.SellerID), &rel); err != nil {
		return nil, err
	} else if !found || c.Actor != rel.BuyerID && c.Actor != rel.SellerID {
		// Only its two sides may see a relationship: to anyone else it does not exist.
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "relationship not found")
	}
	if c.Actor != rel.BuyerID {
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only the buyer sets its payment terms")
	}
	if rel.Status != linkfin.RelationshipActive {
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "the relationship is %s: terms are set on an active one", rel.Status)
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	// Terms are what the buyer's future trade with the seller is paid on.
	if err := trades(tx, c.Actor, false); err != nil {
		return nil, err
	}
	before := 0
	if rel.PaymentTermsDays != nil {
		before = *rel.PaymentTermsDays
	}
	if before == c.Days {
		return &rel, nil
	}
	now := tx.Now()
	rel.PaymentTermsDays, rel.TermsChangedAt = &c.Days, &now
	if c.Days == 0 {
		rel.PaymentTermsDays = nil
	}
	// The financings still outstanding, by program and funder: each funder's alert
	// names its own financings alone.
	type programFunder struct{ program, funder string }
	byProgram := map[programFunder][]string{}
	for _, id := range c.Financed {
		var f linkfin.Financing
		if found, err := tx.Get(linkfin.KindFinancing, id, &f); err != nil {
			return nil, err
		} else if !found || f.RequesterID != c.SellerID || f.Status != linkfin.FinancingDisbursed {
			continue
		}
		if b, err := receivableBuyer(tx.Get, &f); err != nil {
			return nil, err
		} else if b == c.Actor {
			k := programFunder{f.ProgramID, f.FunderID}
			byProgram[k] = append(byProgram[k], f.ID)
		}
	}
	say := func(d int) string {
		if d == 0 {
			return "none (the program's)"
		}
		return fmt.Sprintf("%d days", d)
	}
	keys := slices.SortedFunc(maps.Keys(byProgram), func(a, b programFunder) int {
		return cmp.Or(strings.Compare(a.program, b.program), strings.Compare(a.funder, b.funder))
	})
	for _, k := range keys {
		ids, prog := byProgram[k], k.program
		// None counts as 0 days: set from none, terms are lengthened.
		level, what := linkfin.AlertOrange, "lengthened"
		if c.Days < before {
			level, what = linkfin.AlertYellow, "shortened"
		}
		if _, err := raise(tx, linkfin.Alert{Rule: linkfin.RulePaymentTermsChanged, Level: level, SupplierID: c.SellerID, ProgramID: prog,
			FinancingID: ids[0], SubjectKind: linkfin.KindRelationship, SubjectID: rel.ID,
			Evidence: fmt.Sprintf("buyer %s %s its payment terms with %s from %s to %s while %d financing(s) of its receivables are outstanding: %s",
				c.Actor, what, c.SellerID, say(before), say(c.Days), len(ids), strings.Join(ids, ", ")),
			RequiredAction: "ask the buyer why its terms changed; check the due dates of the financed receivables and the buyer's payment record"}); err != nil {
			return nil, err
		}
	}
	return &rel, tx.Put(linkfin.KindRelationship, rel.ID, &rel, "relationship.terms_changed")
}
