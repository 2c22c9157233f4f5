package linkfin

// The checks of what a caller gives, that depend on the request alone: the commands
// run them before they execute (Validator), so that every caller, the API, the
// command line or a test, gets the same refusals.

// checkRange refuses v outside lo..max (lo is 0 or 1), with EOUTOFRANGE above max.
func checkRange(what string, v, lo, max int64) error {
	if v > max {
		return checkMax(what, v, max)
	}
	if v < lo {
		if lo == 1 {
			return Errorf(EINVALID, "%s is positive, not %d", what, v)
		}
		return Errorf(EINVALID, "%s is not negative, not %d", what, v)
	}
	return nil
}

// CheckPayment checks a payment over a rail: the rail, the rail's instruction id, the
// organization, the currency (the yuan on the e-CNY rail) and an amount from 1 to
// MaxAmount.
func CheckPayment(rail, instruction, org string, c Currency, amount int64) error {
	if rail != "bank" && rail != "ecny" {
		return Errorf(EINVALID, "rail is bank or ecny")
	}
	if err := ValidateID("instruction_id", instruction); err != nil {
		return err
	}
	if err := ValidateID("organization id", org); err != nil {
		return err
	}
	if _, err := ParseCurrency(string(c)); err != nil {
		return err
	}
	if rail == string(RailECNY) {
		// The digital yuan moves yuan alone, in as out.
		if err := CheckRail(RailECNY, c); err != nil {
			return err
		}
	}
	return checkRange("amount", amount, 1, MaxAmount)
}

// Validate checks a price mark: a commodity id, a currency and a price from 1 to
// MaxPrice.
func (m *PriceMark) Validate() error {
	if err := ValidateID("commodity", m.ID); err != nil {
		return err
	}
	if _, err := ParseCurrency(string(m.Currency)); err != nil {
		return err
	}
	return checkRange("price", m.Price, 1, MaxPrice)
}

// Validate checks what a warehouse gives when it issues a receipt.
func (w *WarehouseReceipt) Validate() error {
	if err := ValidateID("lot_id", w.LotID); err != nil {
		return err
	}
	if err := ValidateID("owner_id", w.OwnerID); err != nil {
		return err
	}
	if err := ValidateID("commodity", w.Commodity); err != nil {
		return err
	}
	if w.Number != "" {
		if err := ValidateNumber("the receipt's number", w.Number); err != nil {
			return err
		}
	}
	if err := ValidateText("unit", w.Unit, MaxUnit, false); err != nil || w.Unit == "" {
		return firstErr(err, Errorf(EINVALID, "a receipt names its unit"))
	}
	return checkRange("quantity", w.Quantity, 1, MaxQuantity)
}

// CheckObserved checks a quantity a warehouse's sensors count: 0 to MaxQuantity.
func CheckObserved(q int64) error { return checkRange("quantity", q, 0, MaxQuantity) }

// ValidateLines checks the lines of a goods receipt: 1 to MaxOrderLines order lines, each
// once, with whole quantities accepted and rejected, not both zero.
func (gr *GoodsReceipt) ValidateLines() error {
	if len(gr.Lines) == 0 || len(gr.Lines) > MaxOrderLines {
		return Errorf(EINVALID, "a goods receipt has 1 to %d lines", MaxOrderLines)
	}
	seen := make(map[string]bool)
	for _, l := range gr.Lines {
		if err := ValidateID("line_id", l.LineID); err != nil {
			return err
		}
		if seen[l.LineID] {
			return Errorf(EINVALID, "line %s appears twice", l.LineID)
		}
		seen[l.LineID] = true
		if err := inLine(l.LineID, checkRange("accepted", l.Accepted, 0, MaxQuantity)); err != nil {
			return err
		}
		if err := inLine(l.LineID, checkRange("rejected", l.Rejected, 0, MaxQuantity)); err != nil {
			return err
		}
		if l.Accepted == 0 && l.Rejected == 0 {
			return Errorf(EINVALID, "line %s: nothing accepted or rejected", l.LineID)
		}
	}
	return nil
}

// ValidatePieces checks the pieces a split makes: their ids, if given, and faces from
// 1 to MaxAmount.
func ValidatePieces(pieces []Piece) error {
	for _, p := range pieces {
		if err := OptionalID("piece id", p.ID); err != nil {
			return err
		}
		if err := checkRange("a piece's face", p.Face, 1, MaxAmount); err != nil {
			return err
		}
	}
	return nil
}

// OptionalID checks an id that may be left out ("").
func OptionalID(what, id string) error {
	if id == "" {
		return nil
	}
	return ValidateID(what, id)
}

// CheckPositiveAmount refuses an amount that is not from 1 to MaxAmount.
func CheckPositiveAmount(what string, v int64) error { return checkRange(what, v, 1, MaxAmount) }

// ValidateReason checks a reason a caller gives: 1 to MaxText characters of text.
func ValidateReason(reason string) error {
	if reason == "" {
		return Errorf(EINVALID, "a reason is given")
	}
	return ValidateText("reason", reason, MaxText, true)
}

// inLine names the document's line in the message of err, an error of a check of one
// of its fields ("line L1: amount 5 is beyond the maximum of …"): the message is made
// only for a line that fails, not for every line of every valid document.
func inLine(line string, err error) error {
	e, ok := err.(*Error)
	if !ok {
		return err
	}
	return &Error{Code: e.Code, Message: "line " + line + ": " + e.Message, Violations: e.Violations}
}

func firstErr(errs ...error) error {
	for _, err := range errs {
		if err != nil {
			return err
		}
	}
	return nil
}
