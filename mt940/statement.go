package mt940

import (
	"fmt"
	"strings"
	"unicode/utf8"

	"linkfin"
	"linkfin/iso20022"
)

// convert reads each message into a statement of one statement message.
func convert(msgs []message) (*iso20022.StatementMessage, error) {
	out := &iso20022.StatementMessage{Statements: make([]iso20022.Statement, 0, len(msgs))}
	seen := map[string]int{}
	for i, m := range msgs {
		r := &reader{m: m, kind: kindOf(m), attach: -1}
		st, err := r.read()
		if err != nil {
			return nil, err
		}
		version := "MT" + r.kind
		if i == 0 {
			out.Version, out.MessageID, out.CreatedAt = version, r.ref, st.CreatedAt
		} else if version != out.Version {
			return nil, linkfin.Errorf(linkfin.EINVALID, "line %d: an %s in a file of %s messages: read them apart", m.line, version, out.Version)
		}
		key := st.Account.ID() + "\x00" + st.ID
		if first, ok := seen[key]; ok {
			return nil, linkfin.Errorf(linkfin.EINVALID, "line %d: the statement %q of account %s is the one of line %d again (the same :20:, :28C: and date)",
				m.line, clip(st.ID), clip(st.Account.ID()), first)
		}
		seen[key] = m.line
		out.Statements = append(out.Statements, st)
	}
	return out, nil
}

// kindOf is a message's type: its envelope's, else MT942 when it has a field only an
// MT942 has, else MT940.
func kindOf(m message) string {
	if m.kind != "" {
		return m.kind
	}
	for _, f := range m.fields {
		if f.tag == "13" || f.tag == "13D" || f.tag == "34F" {
			return "942"
		}
	}
	return "940"
}

// maxText bounds a field's text, as the ISO 20022 reader bounds its texts: an
// MT940's longest field, :86:, has 6 lines of 65 characters.
const maxText = 2048

// once are the tags a message gives at most once, by the group they count in, and
// what that group is.
var once = map[string]string{
	"20": "transaction reference", "21": "related reference", "25": "account identification",
	"25P": "account identification", "28": "statement number", "28C": "statement number",
	"13": "date and time", "13D": "date and time", "60F": "opening balance", "60M": "opening balance",
	"62F": "closing balance", "62M": "closing balance", "64": "closing available balance",
	"90D": "number and sum of debits", "90C": "number and sum of credits",
}

// multiLine are the tags whose value may take more than one line.
var multiLine = map[string]bool{"61": true, "86": true, "NS": true, "25P": true}

// balanceTypes are the ISO 20022 balance type of each balance tag.
var balanceTypes = map[string]string{"60F": "OPBD", "60M": "ITBD", "62F": "CLBD", "62M": "ITBD", "64": "CLAV", "65": "FWAV"}

// reader reads one message into a statement.
type reader struct {
	m    message
	kind string // "940", "942" or "950"

	ref, seq  string // :20: and :28C:
	account   string // :25:
	currency  linkfin.Currency
	created   string       // :13D: as ISO 8601
	createdOn linkfin.Date // and its date
	opening   int          // the index of the opening balance, -1 for none
	closing   int          // of the closing balance
	balances  []iso20022.Balance
	balanceAt []field // the field of each balance
	entries   []pendingEntry
	info      []string // the statement's :86: lines
	attach    int      // the entry a :86: now belongs to, -1 for the statement
}

// pendingEntry is a :61: read but for its amount, which needs the statement's currency,
// and its :86:.
type pendingEntry struct {
	f      field
	entry  iso20022.Entry
	amount string
	info   []string
}

// fail is the refusal of a field.
func fail(f field, format string, args ...any) error {
	return linkfin.Errorf(linkfin.EINVALID, "line %d: :%s: %s", f.line, f.tag, fmt.Sprintf(format, args...))
}

// read reads the message into a statement.
func (r *reader) read() (iso20022.Statement, error) {
	r.opening, r.closing = -1, -1
	if err := r.checkFields(); err != nil {
		return iso20022.Statement{}, err
	}
	for _, f := range r.m.fields {
		if err := r.field(f); err != nil {
			return iso20022.Statement{}, err
		}
	}
	if err := r.checkRequired(); err != nil {
		return iso20022.Statement{}, err
	}
	return r.statement()
}

// checkFields refuses a tag given more times than a message may give it, a field of
// one line given more, and a field longer than maxText.
func (r *reader) checkFields() error {
	first := map[string]field{}
	floorLimits := 0
	for _, f := range r.m.fields {
		if group, ok := once[f.tag]; ok {
			if prev, ok := first[group]; ok {
				return fail(f, "is the message's second %s (the first is :%s: at line %d); it gives one", group, prev.tag, prev.line)
			}
			first[group] = f
		}
		if f.tag == "34F" {
			if floorLimits++; floorLimits > 2 {
				return fail(f, "is the third floor limit; an MT942 gives one or two")
			}
		}
		if !multiLine[f.tag] && len(f.lines) > 1 {
			return fail(f, "takes one line, and the line after it continues it")
		}
		if runes(f.lines) > maxText {
			return fail(f, "is longer than %d characters", maxText)
		}
	}
	return nil
}

// field reads one field.
func (r *reader) field(f field) error {
	v := strings.TrimSpace(f.lines[0])
	if f.tag != "86" && f.tag != "NS" {
		r.attach = -1
	}
	switch f.tag {
	case "20":
		if v == "" {
			return fail(f, "is empty: the message has no transaction reference")
		}
		r.ref = v
	case "25", "25P":
		if v == "" {
			return fail(f, "is empty: the message names no account")
		}
		r.account = v
	case "28", "28C":
		return r.statementNumber(f, v)
	case "13", "13D":
		return r.dateTime(f, v)
	case "34F":
		return r.floorLimit(f, v)
	case "60F", "60M", "62F", "62M", "64", "65":
		return r.balance(f, v)
	case "61":
		return r.statementLine(f)
	case "86":
		info := &r.info
		if r.attach >= 0 {
			info = &r.entries[r.attach].info
		}
		*info = append(*info, f.lines...)
		if runes(*info) > maxText {
			return fail(f, "makes the information of its entry or statement longer than %d characters", maxText)
		}
	}
	return nil
}

// runes is the number of characters of lines.
func runes(lines []string) int {
	n := 0
	for _, l := range lines {
		n += utf8.RuneCountInString(l)
	}
	return n
}

// statementNumber reads :28C:, a statement number and an optional sequence number:
// "00001/001".
func (r *reader) statementNumber(f field, v string) error {
	number, sequence, hasSequence := strings.Cut(v, "/")
	if !linkfin.IsDigits(number) || hasSequence && !linkfin.IsDigits(sequence) || len(v) > 23 {
		return fail(f, "%q is not a statement number and an optional sequence number (00001/001)", clip(v))
	}
	r.seq = v
	return nil
}

// dateTime reads :13D:, the date and time of an MT942 with its offset from UTC
// ("1701191815+0100"), or the older :13:, without one.
func (r *reader) dateTime(f field, v string) error {
	iso, date, ok := dateTime(v)
	if !ok {
		return fail(f, "%q is not a date and time (YYMMDDHHMM and an offset, such as 1701191815+0100)", clip(v))
	}
	r.created, r.createdOn = iso, date
	return nil
}

// floorLimit reads :34F:, an MT942's floor limit: a currency, an optional D or C and an
// amount ("EURD0,"). The first gives the statement's currency.
func (r *reader) floorLimit(f field, v string) error {
	if len(v) < 4 || !linkfin.IsDigits(v[len(v)-1:]) && v[len(v)-1] != ',' {
		return fail(f, "%q is not a floor limit (a currency, D or C, an amount)", clip(v))
	}
	cur, err := linkfin.ParseCurrency(v[:3])
	if err != nil {
		return fail(f, "%s", linkfin.ErrorMessage(err))
	}
	amount := v[3:]
	if amount[0] == 'D' || amount[0] == 'C' {
		amount = amount[1:]
	}
	if _, err := parseAmount(amount, cur); err != nil {
		return failCode(f, err)
	}
	if r.currency != "" && cur != r.currency {
		return fail(f, "is in %s, the first floor limit in %s", cur, r.currency)
	}
	r.currency = cur
	return nil
}

// failCode is the refusal of a field for err, with err's code.
func failCode(f field, err error) error {
	return linkfin.Errorf(linkfin.ErrorCode(err), "line %d: :%s: %s", f.line, f.tag, linkfin.ErrorMessage(err))
}

// balance reads a balance: C or D, YYMMDD, the currency and the amount
// ("C110522EUR3236,28").
func (r *reader) balance(f field, v string) error {
	if len(v) < 12 || v[0] != 'C' && v[0] != 'D' || !linkfin.IsDigits(v[1:7]) {
		return fail(f, "%q is not a balance (C or D, YYMMDD, a currency, an amount)", clip(v))
	}
	date, ok := yymmdd(v[1:7])
	if !ok {
		return fail(f, "%q is not a date", v[1:7])
	}
	cur, err := linkfin.ParseCurrency(v[7:10])
	if err != nil {
		return fail(f, "%s", linkfin.ErrorMessage(err))
	}
	amount, err := parseAmount(v[10:], cur)
	if err != nil {
		return failCode(f, err)
	}
	switch f.tag {
	case "60F", "60M":
		r.opening = len(r.balances)
		if r.kind != "942" {
			r.currency = cur
		}
	case "62F", "62M":
		r.closing = len(r.balances)
	}
	r.balances = append(r.balances, iso20022.Balance{Type: balanceTypes[f.tag], Amount: amount, Currency: cur,
		CreditDebit: sign(v[0]), Date: date})
	r.balanceAt = append(r.balanceAt, f)
	return nil
}

// sign is the ISO 20022 sign of a C or D mark.
func sign(mark byte) string {
	if mark == 'D' {
		return iso20022.Debit
	}
	return iso20022.Credit
}

// requirement is a field a message needs, and whether it lacks it.
type requirement struct {
	missing bool
	what    string
}

// checkRequired refuses a message without a field its type needs, and balances in
// another currency than the statement's.
func (r *reader) checkRequired() error {
	need := []requirement{{r.account == "", ":25: (the account)"}, {r.seq == "", ":28C: (the statement number)"}}
	if r.kind == "942" {
		need = append(need, requirement{r.currency == "", ":34F: (the floor limit)"},
			requirement{r.created == "", ":13D: (the date and time)"})
	} else {
		need = append(need, requirement{r.opening < 0, ":60F: or :60M: (the opening balance)"},
			requirement{r.closing < 0, ":62F: or :62M: (the closing balance)"})
	}
	for _, n := range need {
		if n.missing {
			return linkfin.Errorf(linkfin.EINVALID, "line %d: the MT%s that begins here has no %s", r.m.line, r.kind, n.what)
		}
	}
	for i, b := range r.balances {
		if b.Currency != r.currency {
			return fail(r.balanceAt[i], "is in %s, the statement in %s", b.Currency, r.currency)
		}
	}
	return nil
}

// statement assembles the statement read.
func (r *reader) statement() (iso20022.Statement, error) {
	st := iso20022.Statement{
		ElectronicSequence: r.seq,
		CreatedAt:          r.created,
		Account:            accountOf(r.account),
		Balances:           r.balances,
		Entries:            make([]iso20022.Entry, 0, len(r.entries)),
		AdditionalInfo:     plainText(r.info),
	}
	if st.Balances == nil {
		st.Balances = []iso20022.Balance{}
	}
	st.Account.Currency, st.Account.Servicer = r.currency, r.m.servicer
	day := r.createdOn
	if r.opening >= 0 {
		st.From = r.balances[r.opening].Date.String()
	}
	if r.closing >= 0 {
		day = r.balances[r.closing].Date
		st.To = day.String()
	}
	st.ID = r.ref + "/" + r.seq + "/" + day.String()
	for _, p := range r.entries {
		e := p.entry
		amount, err := parseAmount(p.amount, r.currency)
		if err != nil {
			return iso20022.Statement{}, failCode(p.f, err)
		}
		e.Amount, e.Currency = amount, r.currency
		describe(&e, readInformation(p.info))
		st.Entries = append(st.Entries, e)
	}
	return st, nil
}

// accountOf reads :25:'s account identification: an IBAN, without its spaces and
// without a currency code some banks write after it, or another identification as
// written.
func accountOf(id string) iso20022.Account {
	compact := strings.ReplaceAll(id, " ", "")
	if iso20022.ValidIBAN(compact) {
		return iso20022.Account{IBAN: compact}
	}
	if n := len(compact); n > 3 {
		if _, err := linkfin.ParseCurrency(compact[n-3:]); err == nil && iso20022.ValidIBAN(compact[:n-3]) {
			return iso20022.Account{IBAN: compact[:n-3]}
		}
	}
	return iso20022.Account{Other: id}
}

// parseAmount reads an amount with a decimal comma ("1234,56", "380115,") into minor
// units of cur, exactly. Some banks leave the comma out of a whole amount ("500").
func parseAmount(s string, cur linkfin.Currency) (int64, error) {
	whole, frac, _ := strings.Cut(s, ",")
	if !linkfin.IsDigits(whole) || frac != "" && !linkfin.IsDigits(frac) {
		return 0, linkfin.Errorf(linkfin.EINVALID, "amount %q is not digits with a decimal comma (1234,56)", clip(s))
	}
	return iso20022.ParseAmount(whole+"."+frac, cur)
}
