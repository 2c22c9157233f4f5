package mt940

import (
	"slices"
	"strings"

	"linkfin"
	"linkfin/iso20022"
)

// statementLine reads a :61: into a pending entry: value date, optional entry date,
// mark, optional funds code, amount, transaction type, reference for the account
// owner, optional "//" and the bank's reference, and supplementary details.
func (r *reader) statementLine(f field) error {
	l := &line61{f: f, s: strings.TrimRight(f.lines[0], " \t"), more: f.lines[1:]}
	e := iso20022.Entry{Status: "BOOK"}
	if err := l.dates(&e); err != nil {
		return err
	}
	if err := l.mark(&e, r.kind); err != nil {
		return err
	}
	amount, err := l.amount()
	if err != nil {
		return err
	}
	// Commerzbank and Deutsche Bank put a space between the amount and the type.
	if t := strings.TrimLeft(l.s, " "); len(t) < len(l.s) && len(t) >= 4 && isUpper(t[0]) && typeCode(t[1:4]) {
		l.s = t
	}
	if len(l.s) < 4 || !isUpper(l.s[0]) || !typeCode(l.s[1:4]) {
		return fail(f, "%q has no transaction type after its amount (a letter and three characters, such as NTRF)", clip(f.lines[0]))
	}
	e.BankTransactionCode = strings.TrimRight(l.s[:4], " ")
	var details string
	e.EntryReference, e.AccountServicerReference, details = references(l.s[4:])
	e.AdditionalInfo = plainText(append([]string{details}, l.more...))
	r.entries = append(r.entries, pendingEntry{f: f, entry: e, amount: amount})
	r.attach = len(r.entries) - 1
	return nil
}

// line61 is a :61: being read: what is left of its first line, and its other lines.
type line61 struct {
	f    field
	s    string
	more []string
}

// dates reads the value date YYMMDD and the optional entry date MMDD (or four spaces in
// its place).
func (l *line61) dates(e *iso20022.Entry) error {
	if len(l.s) < 6 || !linkfin.IsDigits(l.s[:6]) {
		return fail(l.f, "%q does not begin with a value date YYMMDD", clip(l.s))
	}
	var ok bool
	if e.ValueDate, ok = yymmdd(l.s[:6]); !ok {
		return fail(l.f, "the value date %q is not a date", l.s[:6])
	}
	l.s = l.s[6:]
	// Citibank's and ASN Bank's exports leave an absent entry date as four spaces.
	if len(l.s) > 4 && l.s[:4] == "    " {
		l.s = l.s[4:]
		return nil
	}
	if len(l.s) >= 4 && linkfin.IsDigits(l.s[:4]) {
		if e.BookingDate, ok = entryDate(l.s[:4], e.ValueDate); !ok {
			return fail(l.f, "the entry date %q is not a date MMDD", l.s[:4])
		}
		l.s = l.s[4:]
	}
	return nil
}

// mark reads the debit/credit mark, an MT942's expected entries' too, and skips the
// funds code after it.
func (l *line61) mark(e *iso20022.Entry, kind string) error {
	mark := markOf(l.s)
	switch {
	case mark == "":
		return fail(l.f, "%q has no debit/credit mark (C, D, RC or RD) after its dates", clip(l.f.lines[0]))
	case mark[0] == 'E' && kind != "942":
		return fail(l.f, "the mark %s (an expected entry) is an MT942's", mark)
	}
	e.CreditDebit, e.Reversal = markSign(mark), mark[0] == 'R'
	if mark[0] == 'E' {
		e.Status = "PDNG"
	}
	l.s = l.s[len(mark):]
	if l.s != "" && isUpper(l.s[0]) {
		l.s = l.s[1:] // the funds code
	}
	return nil
}

// amount reads the amount's digits and comma, which some Sparkasse exports put on the
// next line.
func (l *line61) amount() (string, error) {
	if l.s == "" && len(l.more) > 0 {
		l.s, l.more = strings.TrimRight(l.more[0], " \t"), l.more[1:]
	}
	n := strings.IndexFunc(l.s, func(c rune) bool { return (c < '0' || c > '9') && c != ',' })
	if n < 0 {
		n = len(l.s)
	}
	if n == 0 {
		return "", fail(l.f, "%q has no amount after its mark", clip(l.f.lines[0]))
	}
	amount := l.s[:n]
	l.s = l.s[n:]
	return amount, nil
}

// markOf is the debit/credit mark s begins with: C, D, RC, RD, EC or ED; "" for none.
func markOf(s string) string {
	for _, m := range []string{"RC", "RD", "EC", "ED", "C", "D"} {
		if strings.HasPrefix(s, m) {
			return m
		}
	}
	return ""
}

// markSign is the ISO 20022 sign of an entry of a mark: the reversal of a credit (RC)
// takes the money back out, a debit; the reversal of a debit (RD) puts it back, a
// credit.
func markSign(mark string) string {
	switch mark {
	case "D", "RC", "ED":
		return iso20022.Debit
	}
	return iso20022.Credit
}

// isUpper reports whether c is an ASCII capital letter.
func isUpper(c byte) bool { return c >= 'A' && c <= 'Z' }

// typeCode reports whether s is the three characters of a transaction type after its
// letter: capitals, digits, or the spaces some banks pad it with.
func typeCode(s string) bool {
	for i := 0; i < len(s); i++ {
		if c := s[i]; !isUpper(c) && (c < '0' || c > '9') && c != ' ' {
			return false
		}
	}
	return true
}

// references splits what follows the transaction type: the reference for the account
// owner ("" for NONREF), the bank's after "//", and what some banks write after a
// reference of 16 characters on the same line. A reference longer than 16 characters
// without a space in it is whole (ASN Bank writes an IBAN there).
func references(s string) (own, bank, details string) {
	own, bank, _ = strings.Cut(s, "//")
	own, bank = strings.TrimRight(own, " "), strings.TrimSpace(bank)
	if r := []rune(own); len(r) > 16 && strings.ContainsRune(own, ' ') {
		own, details = string(r[:16]), strings.TrimSpace(string(r[16:]))
	}
	own = strings.TrimSpace(own)
	if strings.EqualFold(own, "NONREF") {
		own = ""
	}
	return own, bank, details
}

// describe gives an entry its transaction, with what its :86: says.
func describe(e *iso20022.Entry, info information) {
	t := iso20022.Transaction{
		Amount:                   e.Amount,
		Currency:                 e.Currency,
		CreditDebit:              e.CreditDebit,
		AccountServicerReference: e.AccountServicerReference,
		EndToEndID:               info.endToEnd,
		RemittanceInformation:    info.remittance,
	}
	if notProvided(t.EndToEndID) {
		t.EndToEndID = e.EntryReference
		if notProvided(t.EndToEndID) || pointsAtInformation(t.EndToEndID) {
			t.EndToEndID = ""
		}
	}
	if e.CreditDebit == iso20022.Credit {
		t.DebtorName, t.DebtorAccount = info.name, info.account
	} else {
		t.CreditorName, t.CreditorAccount = info.name, info.account
	}
	e.EndToEndID, e.RemittanceInformation = t.EndToEndID, t.RemittanceInformation
	e.Transactions = []iso20022.Transaction{t}
}

// pointsAtInformation reports whether a reference for the account owner is no
// reference but a keyword that points at the :86: (German banks write KREF+, Rabobank
// EREF or PREF).
func pointsAtInformation(ref string) bool {
	switch ref {
	case "EREF", "KREF", "MREF", "PREF", "MARF":
		return true
	}
	return slices.Contains(sepaKeywords, ref)
}

// notProvided reports whether a reference is none: empty, or SEPA's NOTPROVIDED.
func notProvided(ref string) bool { return ref == "" || strings.EqualFold(ref, "NOTPROVIDED") }
