package ubl

import (
	"fmt"
	"math/big"

	"linkfin"
)

// Check lists the ways the document's amounts disagree with each other; nil means they
// agree. Each entry starts with the rule it breaks:
//
// The messages name the totals as the document's syntax does (UBL's
// LineExtensionAmount is CII's LineTotalAmount, and so on).
//
//   - BR-CO-10: the lines' amounts add up to LineTotal.
//   - BR-CO-11: the document-level allowances add up to AllowanceTotal.
//   - BR-CO-12: the document-level charges add up to ChargeTotal.
//   - BR-CO-13: LineTotal − AllowanceTotal + ChargeTotal = TaxExclusive.
//   - BR-CO-14: the tax subtotals add up to TaxTotal, when the document gives them.
//   - BR-CO-15: TaxExclusive + TaxTotal = TaxInclusive, when the document gives TaxTotal.
//   - BR-CO-16: TaxInclusive − Prepaid + Rounding = Payable.
//   - PEPPOL-EN16931-R120: each line's amount is Quantity × Price ÷ BaseQuantity + Charge
//     − Allowance, give or take two minor units (PEPPOL's tolerance is 0.02).
//
// The BR rules are those of EN 16931-1. Parse does not call Check: a document whose sums
// are off is still the one the seller issued, and whether to refuse it, flag it or ask
// is the caller's decision.
func (d *Document) Check() []string {
	var out []string
	report := func(rule, format string, args ...any) {
		out = append(out, rule+": "+fmt.Sprintf(format, args...))
	}
	cur := d.Currency
	n := ublNames
	if d.Syntax == SyntaxCII {
		n = ciiNames
	}

	lines := new(big.Rat)
	for _, l := range d.Lines {
		lines.Add(lines, major(l.Amount, cur))
	}
	if lineTotal := major(d.LineTotal, cur); lines.Cmp(lineTotal) != 0 {
		report("BR-CO-10", "the lines add up to %s but %s is %s",
			format(lines, cur), n.lineTotal, format(lineTotal, cur))
	}

	if a, total := major(d.Allowances, cur), major(d.AllowanceTotal, cur); a.Cmp(total) != 0 {
		report("BR-CO-11", "the document-level allowances add up to %s but %s is %s", format(a, cur), n.allowanceTotal, format(total, cur))
	}
	if c, total := major(d.Charges, cur), major(d.ChargeTotal, cur); c.Cmp(total) != 0 {
		report("BR-CO-12", "the document-level charges add up to %s but %s is %s", format(c, cur), n.chargeTotal, format(total, cur))
	}

	net := sum(major(d.LineTotal, cur), neg(major(d.AllowanceTotal, cur)), major(d.ChargeTotal, cur))
	if taxExclusive := major(d.TaxExclusive, cur); net.Cmp(taxExclusive) != 0 {
		report("BR-CO-13", "%s - %s + %s is %s but %s is %s",
			n.lineTotal, n.allowanceTotal, n.chargeTotal, format(net, cur), n.taxExclusive, format(taxExclusive, cur))
	}

	if d.TaxSubtotals.Currency != "" {
		if sub, total := major(d.TaxSubtotals, cur), major(d.TaxTotal, cur); sub.Cmp(total) != 0 {
			report("BR-CO-14", "the tax subtotals add up to %s but %s is %s", format(sub, cur), n.taxTotal, format(total, cur))
		}
	}

	if d.TaxTotal.Currency != "" {
		gross := sum(major(d.TaxExclusive, cur), major(d.TaxTotal, cur))
		if taxInclusive := major(d.TaxInclusive, cur); gross.Cmp(taxInclusive) != 0 {
			report("BR-CO-15", "%s + %s is %s but %s is %s",
				n.taxExclusive, n.taxTotalShort, format(gross, cur), n.taxInclusive, format(taxInclusive, cur))
		}
	}

	due := sum(major(d.TaxInclusive, cur), neg(major(d.Prepaid, cur)), major(d.Rounding, cur))
	if payable := major(d.Payable, cur); due.Cmp(payable) != 0 {
		report("BR-CO-16", "%s - %s + %s is %s but %s is %s",
			n.taxInclusive, n.prepaid, n.rounding, format(due, cur), n.payable, format(payable, cur))
	}

	// Two minor units of tolerance, as an exact fraction of the major unit.
	tolerance := big.NewRat(2, 1)
	tolerance.Quo(tolerance, pow10(cur.Exponent()))
	for _, l := range d.Lines {
		if l.BaseQuantity.Sign() == 0 {
			continue // not from Parse, which refuses it
		}
		want := new(big.Rat).Mul(l.Quantity.Rat(), l.Price.Rat())
		want.Quo(want, l.BaseQuantity.Rat())
		want = sum(want, major(l.Charge, cur), neg(major(l.Allowance, cur)))
		got := major(l.Amount, cur)
		if diff := new(big.Rat).Sub(got, want); diff.Abs(diff).Cmp(tolerance) > 0 {
			report("PEPPOL-EN16931-R120", "line %q: quantity %s × price %s ÷ base quantity %s + charges %s - allowances %s is %s but %s is %s",
				l.ID, l.Quantity, l.Price, l.BaseQuantity, format(major(l.Charge, cur), cur), format(major(l.Allowance, cur), cur),
				format(want, cur), n.lineAmount, format(got, cur))
		}
	}
	return out
}

// totalNames are the elements of a syntax that Check's messages name.
type totalNames struct {
	lineTotal, allowanceTotal, chargeTotal, taxExclusive, taxTotal, taxTotalShort string
	taxInclusive, prepaid, rounding, payable, lineAmount                          string
}

var (
	ublNames = totalNames{
		lineTotal: "LineExtensionAmount", allowanceTotal: "AllowanceTotalAmount", chargeTotal: "ChargeTotalAmount",
		taxExclusive: "TaxExclusiveAmount", taxTotal: "TaxTotal/TaxAmount", taxTotalShort: "TaxTotal",
		taxInclusive: "TaxInclusiveAmount", prepaid: "PrepaidAmount", rounding: "PayableRoundingAmount",
		payable: "PayableAmount", lineAmount: "LineExtensionAmount",
	}
	ciiNames = totalNames{
		lineTotal: "LineTotalAmount", allowanceTotal: "AllowanceTotalAmount", chargeTotal: "ChargeTotalAmount",
		taxExclusive: "TaxBasisTotalAmount", taxTotal: "TaxTotalAmount", taxTotalShort: "TaxTotalAmount",
		taxInclusive: "GrandTotalAmount", prepaid: "TotalPrepaidAmount", rounding: "RoundingAmount",
		payable: "DuePayableAmount", lineAmount: "LineTotalAmount",
	}
)

// major returns m in major units of cur; the zero Money, an absent amount, is 0.
func major(m linkfin.Money, cur linkfin.Currency) *big.Rat {
	r := new(big.Rat).SetInt64(m.Amount)
	return r.Quo(r, pow10(cur.Exponent()))
}

func pow10(n int) *big.Rat {
	return new(big.Rat).SetInt(new(big.Int).Exp(big.NewInt(10), big.NewInt(int64(max(n, 0))), nil))
}

func sum(terms ...*big.Rat) *big.Rat {
	s := new(big.Rat)
	for _, t := range terms {
		s.Add(s, t)
	}
	return s
}

func neg(r *big.Rat) *big.Rat {
	return new(big.Rat).Neg(r)
}

// format writes r with the currency's number of decimals, rounding only where r is not a
// whole number of minor units (a line's quantity × price can be finer).
func format(r *big.Rat, cur linkfin.Currency) string {
	return r.FloatString(max(cur.Exponent(), 0)) + " " + string(cur)
}
