package services

import (
	"math/big"
	"slices"
	"strings"

	"linkfin"
)

// Alerts are raised by the commands whose events trip their rules, in the same batch:
// such a command names among its keys the program the supplier is financed under
// (whose alert_actions say what to do) and the supplier's financing stop, and calls
// raise. Nothing reads history back to find them (docs/CREDIT.md, "Alert rules").

// alertKeys are the records raising an alert on a supplier under a program reads and
// writes.
func alertKeys(supplier, programID string) []linkfin.ObjectKey {
	keys := []linkfin.ObjectKey{{Kind: linkfin.KindFinancingStop, ID: supplier}}
	if programID != "" {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindProgram, ID: programID})
	}
	return keys
}

// raise records alert a (its rule, level, supplier, program, subject, evidence and
// required action set) and takes the program's actions: every alert notifies (its
// event, alert.raised, goes to the webhooks); stop_financing adds it to the
// supplier's financing stop; freeze freezes the pledge loan it is about; margin_call
// calls that loan's borrower to repay what it owes, all of it: the whole lot is in
// doubt.
func raise(tx linkfin.Tx, a linkfin.Alert) (*linkfin.Alert, error) { return raiseShare(tx, a, 1, 1) }

// raiseShare is raise for an alert that puts part of whole units of the pledged lot
// in doubt: its margin call asks for that share of what the loan owes, rounded up to
// the minor unit.
func raiseShare(tx linkfin.Tx, a linkfin.Alert, part, whole int64) (*linkfin.Alert, error) {
	a.ID = tx.NewID(linkfin.IDPrefix[linkfin.KindAlert])
	a.Status, a.CreatedAt = linkfin.AlertOpen, tx.Now()
	a.Actions = []linkfin.AlertAction{linkfin.ActionNotify}
	var p linkfin.Program
	if a.ProgramID != "" {
		if found, err := tx.Get(linkfin.KindProgram, a.ProgramID, &p); err != nil {
			return nil, err
		} else if found {
			a.Watchers = append(a.Watchers, p.AnchorID)
			if a.FinancingID == "" {
				// An alert on the supplier's trade alone: every funder of the program
				// watches it. One about a financing is its funder's and the anchor's: a
				// funder never learns of another funder's asset.
				for _, f := range p.Funders {
					if f.Status == linkfin.FunderAccepted {
						a.Watchers = append(a.Watchers, f.FunderID)
					}
				}
			}
			for _, act := range p.AlertActions {
				if !slices.Contains(a.Actions, act) {
					a.Actions = append(a.Actions, act)
				}
			}
		}
	}
	if a.FinancingID != "" {
		var f linkfin.Financing
		if found, err := tx.Get(linkfin.KindFinancing, a.FinancingID, &f); err != nil {
			return nil, err
		} else if found {
			a.Watchers = append(a.Watchers, f.FunderID)
			if slices.Contains(a.Actions, linkfin.ActionFreeze) && f.Product == linkfin.ProductWarehousePledge && !f.Frozen {
				f.Frozen = true
				if err := tx.Put(linkfin.KindFinancing, f.ID, &f, "financing.frozen"); err != nil {
					return nil, err
				}
			}
			if slices.Contains(a.Actions, linkfin.ActionMarginCall) {
				if err := marginCall(tx, &a, &p, &f, part, whole); err != nil {
					return nil, err
				}
			}
		}
	}
	a.Watchers = slices.Compact(slices.Sorted(slices.Values(a.Watchers)))
	if slices.Contains(a.Actions, linkfin.ActionStopFinancing) {
		var st linkfin.FinancingStop
		if _, err := tx.Get(linkfin.KindFinancingStop, a.SupplierID, &st); err != nil {
			return nil, err
		}
		st.ID, st.Alerts = a.SupplierID, append(st.Alerts, a.ID)
		if err := tx.Put(linkfin.KindFinancingStop, a.SupplierID, &st, "financing_stop.added"); err != nil {
			return nil, err
		}
	}
	return &a, tx.Put(linkfin.KindAlert, a.ID, &a, "alert.raised")
}

// marginCall calls the borrower of a disbursed pledge loan to repay part/whole of what
// it owes by the program's margin call period (to a business day: businessDay), unless a call of the loan is open
// already: the loan and the alert keep the call, and the loan's event,
// financing.margin_called, goes to the borrower and the funder.
func marginCall(tx linkfin.Tx, a *linkfin.Alert, p *linkfin.Program, f *linkfin.Financing, part, whole int64) error {
	if f.Product != linkfin.ProductWarehousePledge || f.Status != linkfin.FinancingDisbursed ||
		f.MarginDemand != nil && f.MarginDemand.Status == linkfin.MarginDemandCalled || part <= 0 || whole <= 0 {
		return nil
	}
	owed, err := f.Owed()
	if err != nil {
		return err
	}
	// ⌈owed × part / whole⌉, exactly: part ≤ whole, so it is at most owed.
	n := new(big.Int).Mul(big.NewInt(owed), big.NewInt(min(part, whole)))
	q, r := new(big.Int).QuoRem(n, big.NewInt(whole), new(big.Int))
	if r.Sign() > 0 {
		q.Add(q, big.NewInt(1))
	}
	amount := q.Int64()
	if err := linkfin.CheckAmount("the margin call", amount); err != nil {
		return err
	}
	due, err := businessDay(p, linkfin.BusinessDate(tx.Now()).AddDays(p.MarginCallPeriod()))
	if err != nil {
		return err
	}
	d := &linkfin.MarginDemand{AlertID: a.ID, Amount: amount, Currency: f.Currency, Status: linkfin.MarginDemandCalled,
		DueDate: due, CalledAt: tx.Now()}
	f.MarginDemand = d
	a.MarginDemand = new(linkfin.MarginDemand)
	*a.MarginDemand = *d
	return tx.Put(linkfin.KindFinancing, f.ID, f, "financing.margin_called")
}

// closeMarginDemand closes the loan's open margin call, met or withdrawn.
func closeMarginDemand(tx linkfin.Tx, f *linkfin.Financing, status linkfin.MarginDemandStatus) bool {
	if f.MarginDemand == nil || f.MarginDemand.Status != linkfin.MarginDemandCalled {
		return false
	}
	now := tx.Now()
	d := *f.MarginDemand
	d.Status, d.ClosedAt = status, &now
	f.MarginDemand = &d
	return true
}

// stopped refuses a request from a supplier that an open alert stops, naming the
// alert (EFINANCINGSTOPPED).
func stopped(tx linkfin.Tx, supplier string) error {
	var st linkfin.FinancingStop
	if found, err := tx.Get(linkfin.KindFinancingStop, supplier, &st); err != nil || !found || len(st.Alerts) == 0 {
		return err
	}
	return linkfin.Errorf(linkfin.EFINANCINGSTOPPED, "new financing of %s is stopped by alert %s until it is resolved", supplier, strings.Join(st.Alerts, ", "))
}

// ActOnAlert is a watcher of an alert (an organization that sees it) acknowledging it
// or resolving it, with its reason; By is the user or key it acts through. Resolving
// lifts the financing stop the alert set and withdraws the margin call it made, if
// still open: so it is the program's anchor's, the financing's funder's or the
// operator's, and a margin call still open is its funder's (or the operator's) alone
// to withdraw. Another watcher acknowledges it.
type ActOnAlert struct {
	Actor   string // the organization; "" for the operator
	By      string
	ID      string
	Resolve bool
	Reason  string
}

// Keys implements linkfin.Command.
func (c *ActOnAlert) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindAlert, ID: c.ID}}
}

// DependentKeys implements linkfin.DependentCommand: the supplier's financing stop,
// the program (its anchor) and the financing (its funder, and the margin call the
// alert made on it).
func (c *ActOnAlert) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var a linkfin.Alert
	if found, err := r.Get(linkfin.KindAlert, c.ID, &a); err != nil || !found {
		return nil
	}
	keys := []linkfin.ObjectKey{{Kind: linkfin.KindFinancingStop, ID: a.SupplierID}}
	if a.ProgramID != "" {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindProgram, ID: a.ProgramID})
	}
	if a.FinancingID != "" {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindFinancing, ID: a.FinancingID})
	}
	return keys
}

// mayResolve refuses an organization that sees alert a but may not resolve it: only
// the program's anchor and the financing's funder may, and only the funder may while
// the margin call the alert made on its loan is open. f is the alert's financing
// (nil if it names none, or none is found).
func mayResolve(tx linkfin.Tx, actor string, a *linkfin.Alert, f *linkfin.Financing) error {
	if f != nil && f.MarginDemand != nil && f.MarginDemand.AlertID == a.ID && f.MarginDemand.Status == linkfin.MarginDemandCalled {
		if actor == f.FunderID {
			return nil
		}
		return linkfin.Errorf(linkfin.EFORBIDDEN, "alert %s made a margin call on financing %s, which its funder withdraws by resolving it: acknowledge it instead", a.ID, f.ID)
	}
	if f != nil && actor == f.FunderID {
		return nil
	}
	if a.ProgramID != "" {
		var p linkfin.Program
		if found, err := linkfin.View(tx, linkfin.KindProgram, a.ProgramID, &p); err != nil {
			return err
		} else if found && actor == p.AnchorID {
			return nil
		}
	}
	return linkfin.Errorf(linkfin.EFORBIDDEN, "alert %s is resolved by the program's anchor or the financing's funder: acknowledge it instead", a.ID)
}

// Apply implements linkfin.Command.
func (c *ActOnAlert) Apply(tx linkfin.Tx) (any, error) {
	var a linkfin.Alert
	if found, err := tx.Get(linkfin.KindAlert, c.ID, &a); err != nil {
		return nil, err
	} else if !found || c.Actor != "" && !slices.Contains(a.Watchers, c.Actor) {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "alert %s not found", c.ID)
	}
	if c.Reason == "" || len(c.Reason) > 1000 {
		return nil, linkfin.Errorf(linkfin.EINVALID, "reason: why, in 1 to 1000 characters")
	}
	who := c.By
	switch {
	case who != "":
	case c.Actor == "":
		who = ByOperator
	default:
		who = "org:" + c.Actor
	}
	now := tx.Now()
	switch {
	case a.Status == linkfin.AlertResolved:
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "alert %s is resolved", a.ID)
	case !c.Resolve && a.Status == linkfin.AlertAcknowledged:
		return nil, linkfin.Errorf(linkfin.ECONFLICT, "alert %s is already acknowledged", a.ID)
	case !c.Resolve:
		a.Status, a.AcknowledgedBy, a.AcknowledgedAt, a.AcknowledgedReason = linkfin.AlertAcknowledged, who, &now, c.Reason
		return &a, tx.Put(linkfin.KindAlert, a.ID, &a, "alert.acknowledged")
	}
	var f *linkfin.Financing
	if a.FinancingID != "" {
		f = new(linkfin.Financing)
		if found, err := tx.Get(linkfin.KindFinancing, a.FinancingID, f); err != nil {
			return nil, err
		} else if !found {
			f = nil
		}
	}
	if c.Actor != "" {
		if err := mayResolve(tx, c.Actor, &a, f); err != nil {
			return nil, err
		}
	}
	a.Status, a.ResolvedBy, a.ResolvedAt, a.ResolvedReason = linkfin.AlertResolved, who, &now, c.Reason
	var st linkfin.FinancingStop
	if found, err := tx.Get(linkfin.KindFinancingStop, a.SupplierID, &st); err != nil {
		return nil, err
	} else if found && slices.Contains(st.Alerts, a.ID) {
		st.Alerts = slices.DeleteFunc(st.Alerts, func(id string) bool { return id == a.ID })
		if err := tx.Put(linkfin.KindFinancingStop, a.SupplierID, &st, "financing_stop.lifted"); err != nil {
			return nil, err
		}
	}
	if a.MarginDemand != nil && f != nil && f.MarginDemand != nil && f.MarginDemand.AlertID == a.ID &&
		closeMarginDemand(tx, f, linkfin.MarginDemandWithdrawn) {
		// Resolving the alert withdraws the margin call it made, if still open.
		if err := tx.Put(linkfin.KindFinancing, f.ID, f, "financing.margin_withdrawn"); err != nil {
			return nil, err
		}
	}
	return &a, tx.Put(linkfin.KindAlert, a.ID, &a, "alert.resolved")
}

// orderAlertKeys are the records an invoice's credit or dispute reads to raise an
// alert when its order backs a financing: the order, the financing, its program and
// the seller's financing stop.
// Each is named once the record before it is loaded.
func orderAlertKeys(r linkfin.Records, poID string) []linkfin.ObjectKey {
	keys := []linkfin.ObjectKey{{Kind: linkfin.KindPurchaseOrder, ID: poID}}
	var po linkfin.PurchaseOrder
	if found, err := r.Get(linkfin.KindPurchaseOrder, poID, &po); err != nil || !found || po.FinancingID == "" {
		return keys
	}
	keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindFinancing, ID: po.FinancingID})
	var f linkfin.Financing
	if found, err := r.Get(linkfin.KindFinancing, po.FinancingID, &f); err != nil || !found {
		return keys
	}
	return append(keys, alertKeys(po.SellerID, f.ProgramID)...)
}

// alertIfFinanced raises rule's alert on an invoice whose order backs a financing:
// orange, the financed claim shrinks or is in doubt.
func alertIfFinanced(tx linkfin.Tx, inv *linkfin.Invoice, rule, evidence string) error {
	var po linkfin.PurchaseOrder
	if found, err := tx.Get(linkfin.KindPurchaseOrder, inv.POID, &po); err != nil || !found || po.FinancingID == "" {
		return err
	}
	var f linkfin.Financing
	if found, err := tx.Get(linkfin.KindFinancing, po.FinancingID, &f); err != nil || !found {
		return err
	}
	_, err := raise(tx, linkfin.Alert{Rule: rule, Level: linkfin.AlertOrange, SupplierID: inv.SellerID, ProgramID: f.ProgramID,
		FinancingID: f.ID, SubjectKind: linkfin.KindInvoice, SubjectID: inv.ID,
		Evidence:       "invoice " + inv.ID + " of order " + po.ID + ", which backs financing " + f.ID + ": " + evidence,
		RequiredAction: "check the claim with the buyer; ask the supplier for recourse or a replacement asset before financing it again"})
	return err
}

// SetAlertActions is a program's anchor changing what the program does when an alert
// is raised on one of its suppliers: the list replaces the one it has (none: notify).
// Alerts raised before keep the actions they took; a stop already set stays until its
// alert is resolved.
type SetAlertActions struct {
	Actor     string // the anchor
	ProgramID string
	Actions   []linkfin.AlertAction
}

// Keys implements linkfin.Command.
func (c *SetAlertActions) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindProgram, ID: c.ProgramID}}
}

// Validate implements linkfin.Validator.
func (c *SetAlertActions) Validate() error { return linkfin.ValidateAlertActions(c.Actions) }

// Apply implements linkfin.Command.
func (c *SetAlertActions) Apply(tx linkfin.Tx) (any, error) {
	p, err := program(tx, c.ProgramID, c.Actor)
	if err != nil {
		return nil, err
	}
	if p.AnchorID != c.Actor {
		return nil, linkfin.Errorf(linkfin.EFORBIDDEN, "only the program's anchor sets its alert actions")
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	p.AlertActions = slices.Clone(c.Actions)
	if len(p.AlertActions) == 0 {
		p.AlertActions = nil
	}
	return p, tx.Put(linkfin.KindProgram, p.ID, p, "program.alert_actions_set")
}
