package services

import (
	"cmp"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"net/url"
	"slices"
	"strconv"
	"strings"

	"linkfin"
	"linkfin/iso20022"
	"linkfin/ledger"
)

// The bank's statements come back to the platform and are booked entry by entry.
//
// A debit entry is money the bank paid out of the platform's account: it settles
// credit transfer instructions of a payment file, whose money left its wallet when the
// instruction was made, so booking it moves nothing on the ledger: the instructions
// become booked. A credit entry is money paid in: it settles an expected payment, and
// booking it moves its amount from the bank rail into the organization's wallet, once
// (the ledger transfer's id comes from the bank's reference of the entry).
//
// An entry is matched to what it settles by its end-to-end id, then by a reference it
// quotes (an instruction's or expected payment's id in its remittance information, or
// a payment file's id as the batch it books), then by its amount alone when exactly one
// open item of that amount and currency is dated within linkfin.MatchWindowDays days of
// the entry's value date: where several are, whoever's they are, the entry names none
// of them, and linkfin does not guess. What matches nothing waits for a person to
// assign it (AssignBankEntry).

// statementHash names a bank statement by its account and the bank's statement id.
func statementHash(rail, account, statement string) string {
	h := sha256.Sum256([]byte(rail + "\x00" + account + "\x00" + statement))
	return hex.EncodeToString(h[:16])
}

// statementKeyID is the id of the record that names the imported statement.
func statementKeyID(rail, account, statement string) string {
	return "bsk_" + statementHash(rail, account, statement)
}

// entryPrefix is what the ids of a statement's entries start with: they derive from
// the statement's account and id, not from the record's, so that the command lists
// them before it runs, and a statement's entries list together.
func entryPrefix(rail, account, statement string) string {
	return "be_" + statementHash(rail, account, statement) + "."
}

// debitReferenceID is the id of the registry record of a booked debit's bank
// reference on the rail's account (linkfin.KindBankDebitReference).
func debitReferenceID(rail, account, ref string) string {
	return "bdr_" + statementHash(rail, account, ref)
}

// debitReferenceKeys lists the registry records of the bank reference ref of an entry
// of the sign on the rail's account, one under each of its spellings (accountSpellings):
// a debit's that has one. The first is where a booked debit registers it; a debit is
// booked before when any of them exists.
func debitReferenceKeys(rail string, spellings []string, sign, ref string) []linkfin.ObjectKey {
	if sign != iso20022.Debit || ref == "" {
		return nil
	}
	keys := make([]linkfin.ObjectKey, len(spellings))
	for i, a := range spellings {
		keys[i] = linkfin.ObjectKey{Kind: linkfin.KindBankDebitReference, ID: debitReferenceID(rail, a, ref)}
	}
	return keys
}

// bookedBefore reports whether an entry of the same bank reference was booked on the
// account before, so that this one is a copy of it: a credit's by a booking transfer
// (bookings: the entry's, under each spelling of the account), a debit's by the
// registry of its reference (debits: debitReferenceKeys).
func bookedBefore(tx linkfin.Tx, bookings []int64, debits []linkfin.ObjectKey) (bool, error) {
	for _, id := range bookings {
		if id != 0 && tx.ExistingTransfer(id) != nil {
			return true, nil
		}
	}
	for _, k := range debits {
		if found, err := tx.Get(k.Kind, k.ID, nil); err != nil || found {
			return found, err
		}
	}
	return false, nil
}

// statementDigest is the SHA-256 of what linkfin read of a statement, its account
// identification written as account, the spelling its keys are made of (an IBAN as
// its IBAN, any other as its other identification): the same statement sent again
// under another spelling of its account has the same digest. One that writes its
// account as account (an IBAN as its IBAN) has the digest of what linkfin read, as
// every digest was before linkfin keyed statements by one spelling; a record made
// before of one that does not is compared with that (importedBefore).
func statementDigest(st *iso20022.Statement, account string) (string, error) {
	c := *st
	c.Account.IBAN, c.Account.Other = "", account
	if iso20022.ValidIBAN(account) {
		c.Account.IBAN, c.Account.Other = account, ""
	}
	return digestOf(&c)
}

// digestOf is the SHA-256 of a statement as linkfin read it.
func digestOf(st *iso20022.Statement) (string, error) {
	b, err := json.Marshal(st)
	if err != nil {
		return "", err
	}
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:]), nil
}

// BankEntryID is the id of a statement's entry at a position (from 1).
func BankEntryID(s *linkfin.BankStatement, position int) string {
	return entryID(s.EntryIDPrefix, position)
}

func entryID(prefix string, position int) string { return fmt.Sprintf("%s%05d", prefix, position) }

// reportName is how a report of a bank's message is named among its account's, for the
// record that keeps it imported once and for its entries' ids: a statement (camt.053)
// by its id; an account report (camt.052), a notification (camt.054) or a SWIFT MT
// statement or report (MT940, MT942) by its message and its id, for a bank may give a
// day's report the id of the day's statement.
func reportName(version string, st *iso20022.Statement) string {
	if msg, _, _ := strings.Cut(version, ".001."); msg != "" && msg != "camt.053" {
		return msg + ":" + st.ID
	}
	return st.ID
}

// bookingIDs are the ledger ids of the transfers that would book a statement's credit
// entries, under the spellings of its account (accountSpellings): from the account and
// the bank's reference of the entry, so that the same entry in another statement is
// not booked twice; from the statement and the position for an entry without a
// reference. Entries of one statement that share a reference (which a bank should not
// give) are told apart by their order among them, so that each, repeated in a later
// statement, is found booked there too. An entry's first id is the one that books it;
// the others, under the account's other spellings, are those an earlier statement may
// have booked it under (an entry without a reference has one: a statement imported
// before under another key is not imported again).
func bookingIDs(rail, version string, st *iso20022.Statement, spellings []string) [][]int64 {
	ids := make([][]int64, len(st.Entries))
	seen := map[string]int{}
	key := statementKeyID(rail, spellings[0], reportName(version, st))
	for i := range st.Entries {
		e := &st.Entries[i]
		if e.CreditDebit != iso20022.Credit {
			continue
		}
		if ref := e.BankReference(); ref != "" {
			seen[ref]++
			ids[i] = creditBookings(rail, spellings, ref, seen[ref])
			continue
		}
		ids[i] = []int64{linkfin.LedgerID(fmt.Sprintf("bank-entry/%s/%d", key, i+1))}
	}
	return ids
}

// creditBookings are the ledger ids of the transfer that books a credit of the bank
// reference ref, the nth of its statement to give it, under each spelling of its
// account, each once.
func creditBookings(rail string, spellings []string, ref string, n int) []int64 {
	ids := make([]int64, 0, len(spellings))
	var names []string
	for _, a := range spellings {
		name := bookingName(rail, a, ref, n)
		if !slices.Contains(names, name) {
			names = append(names, name)
			ids = append(ids, linkfin.LedgerID(name))
		}
	}
	return ids
}

// bookingName names the booking of the nth credit of a statement with the bank
// reference ref on the account: the account as bookingAccount writes it, less the
// bank's BIC (canonicalAccount), as credits were always booked.
func bookingName(rail, account, ref string, n int) string {
	name := "bank-entry/" + rail + "/" + bookingAccount(canonicalAccount(account)) + "/" + ref
	if n > 1 {
		name += "#" + strconv.Itoa(n)
	}
	return name
}

// EACCOUNTMISMATCH refuses a bank statement of another account than the platform's.
const EACCOUNTMISMATCH = "account_mismatch"

// platformAccount refuses a statement of an account other than reg, the one the
// operator registered as the platform's (SetPaymentDebtor; nil for none): its entries
// are money in and out of that account, and another's would credit wallets with money
// the platform never received. With no account registered, any statement is the
// platform's.
func platformAccount(reg *linkfin.BankAccount, st *iso20022.Statement) error {
	if reg == nil || isRegistered(reg, st.Account) {
		return nil
	}
	theirs := reg.IBAN
	if theirs == "" {
		theirs = reg.Account
	}
	return linkfin.Errorf(EACCOUNTMISMATCH, "statement %q is of account %s, not of the platform's account %s", st.ID, st.Account.ID(), theirs)
}

// registeredAccount is the account the operator registered as the platform's
// (SetPaymentDebtor), or nil.
func registeredAccount(r linkfin.Records) (*linkfin.BankAccount, error) {
	var d linkfin.PaymentDebtor
	if found, err := r.Get(linkfin.KindPaymentDebtor, RailBank, &d); err != nil || !found {
		return nil, err
	}
	return &d.Debtor.BankAccount, nil
}

// isRegistered reports whether a statement's account is the registered one, under any
// spelling: its IBAN or its other identification (less an MT940's "BIC/" before it) is
// the registered IBAN or account number on its letters and digits, in any case.
func isRegistered(reg *linkfin.BankAccount, a iso20022.Account) bool {
	same := func(mine, theirs string) bool {
		return mine != "" && theirs != "" && squash(mine) == squash(canonicalAccount(theirs))
	}
	for _, theirs := range []string{a.IBAN, a.Other} {
		if same(reg.IBAN, theirs) || same(reg.Account, theirs) {
			return true
		}
	}
	return false
}

// A statement's once-only keys (the record that names it imported, its entries' ids, a
// credit's booking transfer, a debit's registered reference) are made of its account.
// A bank spells one account several ways: an MT940's :25: with spaces or with the
// bank's BIC before it, an IBAN in lower case, the IBAN in a camt.053 and the account
// number in an MT940 of the same day. Each spelling the platform's account check
// (platformAccount) takes for its account must give the same keys, or the same entry
// stated under two of them would be booked twice, and the same statement imported
// twice.

// accountSpellings are the spellings of a statement's account that its keys are made of
// (reg is the registered account, or nil). The first is the one new keys are made of:
// the registered account's, its IBAN, else its account number, as normalAccount writes
// it, where the statement's is the registered one (isRegistered), so that the IBAN and
// the account number registered with it key alike; else the statement's own, as
// normalAccount writes it. The others are where keys made before may be, and are
// looked up too: the registration's other identification (keys made before it was
// registered with both), and the account as the statement writes it, as every key was
// made before linkfin made them of one spelling. A statement that writes its account
// as its first spelling (an IBAN without spaces, an account number of digits) keeps the
// keys it always had.
var accountSpellings = func(reg *linkfin.BankAccount, a iso20022.Account) []string {
	var out []string
	add := func(s string) {
		if s != "" && !slices.Contains(out, s) {
			out = append(out, s)
		}
	}
	if reg != nil && isRegistered(reg, a) {
		add(normalAccount(reg.IBAN))
		add(normalAccount(reg.Account))
	}
	add(normalAccount(a.ID()))
	add(a.ID())
	return out
}

// normalAccount is an account's identification with its letters and digits alone,
// upper-cased, less an MT940's "BIC/" before it (canonicalAccount): "icbkcnbj/6222
// 0202-01" is 6222020201, "de89 3704…" DE893704…. One with no letter or digit is
// itself.
func normalAccount(id string) string {
	if n := strings.ToUpper(squash(canonicalAccount(id))); n != "" {
		return n
	}
	return id
}

// canonicalAccount is an account's identification as bookings name it: less the
// bank's BIC where an MT940's :25: writes it first ("ICBKCNBJ/6222…" is account
// 6222…, as a camt.053 of the same account names it), so that one entry stated under
// both spellings is booked once.
func canonicalAccount(id string) string {
	if bic, rest, ok := strings.Cut(id, "/"); ok && iso20022.ValidBIC(bic) && strings.TrimSpace(rest) != "" {
		return strings.TrimSpace(rest)
	}
	return id
}

// bookingAccount is an account's identification as a credit's booking names it, with
// no "/" in it, so that the account ends where the reference starts: account 6222/01
// with reference 77 and account 6222 with reference 01/77 book apart. An
// identification with neither "/" nor "%" (every IBAN) is itself; any other is
// escaped, and then holds a "%" that none of the first kind does.
func bookingAccount(id string) string {
	if !strings.ContainsAny(id, "/%") {
		return id
	}
	return url.PathEscape(id)
}

// bookable reports whether the bank booked the entry (its status is BOOK, or it has
// none) and it is no reversal, which a person books.
func bookable(e *iso20022.Entry) bool {
	return (e.Status == "" || e.Status == "BOOK") && !e.Reversal
}

// kindFor is the kind of open item an entry of the sign settles.
func kindFor(sign string) string {
	if sign == iso20022.Debit {
		return linkfin.KindCreditTransfer
	}
	return linkfin.KindExpectedPayment
}

// squash keeps the letters and digits of s, in lower case: banks upper-case
// references and drop the characters their character sets lack ('_' in SEPA's).
func squash(s string) string {
	var b strings.Builder
	for _, r := range strings.ToLower(s) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// entryText is everything an entry quotes that may name what it settles, squashed.
func entryText(e *iso20022.Entry) string {
	parts := []string{e.EndToEndID, e.RemittanceInformation, e.CreditorReference, e.AdditionalInfo, e.EntryReference}
	for _, t := range e.Transactions {
		parts = append(parts, t.EndToEndID, t.RemittanceInformation, t.CreditorReference, t.AdditionalInfo, t.MessageID,
			t.PaymentInformationID, t.InstructionID, t.TransactionID)
	}
	return squash(strings.Join(parts, " "))
}

// endToEndIDs are an entry's end-to-end ids: its transactions', or its own.
func endToEndIDs(e *iso20022.Entry) []string {
	var ids []string
	for _, t := range e.Transactions {
		if t.EndToEndID != "" {
			ids = append(ids, t.EndToEndID)
		}
	}
	if len(ids) == 0 && e.EndToEndID != "" {
		ids = append(ids, e.EndToEndID)
	}
	return ids
}

// relevant reports whether an open item could settle the entry: of its kind and
// currency, and of its amount, or named by what it quotes (the item's id or its file's,
// squashed).
func relevant(it *linkfin.OpenItem, id, file string, e *iso20022.Entry, text string) bool {
	if it.Kind != kindFor(e.CreditDebit) || it.Currency != e.Currency {
		return false
	}
	return it.Amount == e.Amount || strings.Contains(text, id) || file != "" && strings.Contains(text, file)
}

// matcher finds what entries settle among the open items a command loaded.
type matcher struct {
	items []linkfin.OpenItem
	taken []bool
	// ids and files are the items' ids and their files' ids, squashed.
	ids, files []string
}

// add makes an open item one the matcher may match.
func (m *matcher) add(it linkfin.OpenItem) {
	m.items, m.taken = append(m.items, it), append(m.taken, false)
	m.ids, m.files = append(m.ids, squash(it.ID)), append(m.files, squash(it.FileID))
}

// sum is the total of the items at idx, or -1 on overflow.
func (m *matcher) sum(idx []int) int64 {
	var total int64
	for _, i := range idx {
		var err error
		if total, err = linkfin.Add(total, m.items[i].Amount); err != nil {
			return -1
		}
	}
	return total
}

// open lists the items not yet taken that could settle the entry.
func (m *matcher) open(e *iso20022.Entry) []int {
	var idx []int
	for i := range m.items {
		if !m.taken[i] && m.items[i].Kind == kindFor(e.CreditDebit) && m.items[i].Currency == e.Currency {
			idx = append(idx, i)
		}
	}
	return idx
}

// byEndToEnd: every end-to-end id of the entry is an open item's id, and together
// they make its amount (a batch booking lists one transaction per instruction).
func (m *matcher) byEndToEnd(e *iso20022.Entry) ([]int, string) {
	ids := endToEndIDs(e)
	if len(ids) == 0 {
		return nil, ""
	}
	open := m.open(e)
	var got []int
	for _, id := range ids {
		id = squash(id)
		i := slices.IndexFunc(open, func(i int) bool { return m.ids[i] == id })
		if i < 0 {
			return nil, ""
		}
		if !slices.Contains(got, open[i]) {
			got = append(got, open[i])
		}
	}
	if m.sum(got) != e.Amount {
		return nil, fmt.Sprintf("its end-to-end id names %s, of another amount", m.items[got[0]].ID)
	}
	return got, ""
}

// byReference: what the entry quotes names open items that make its amount, or the
// payment file whose items in its currency make it.
func (m *matcher) byReference(e *iso20022.Entry, text string) ([]int, string) {
	var named []int
	files := map[string][]int{}
	var order []string
	for _, i := range m.open(e) {
		if strings.Contains(text, m.ids[i]) {
			named = append(named, i)
		}
		if f := m.items[i].FileID; f != "" && strings.Contains(text, m.files[i]) {
			if files[f] == nil {
				order = append(order, f)
			}
			files[f] = append(files[f], i)
		}
	}
	if len(named) > 0 && m.sum(named) == e.Amount {
		return named, ""
	}
	for _, f := range order {
		if m.sum(files[f]) == e.Amount {
			return files[f], ""
		}
	}
	if len(named) > 0 {
		return nil, fmt.Sprintf("it names %s, of another amount", m.items[named[0]].ID)
	}
	return nil, ""
}

// byAmountDate: the one open item of the entry's amount dated within
// linkfin.MatchWindowDays days of its value date (else its booking date). Where several
// are, of one organization or of several, none is taken: the nearest in date is no
// better a guess than the others (another party's payment of the same amount a day
// earlier is as likely the one), and a person assigns the entry.
func (m *matcher) byAmountDate(e *iso20022.Entry) ([]int, string) {
	day := entryDay(e)
	if day.IsZero() {
		return nil, ""
	}
	// An entry that names one of the platform's items, which its id and reference
	// did not settle (it is not open, or of another amount), is not some other item
	// of its amount: a debit of a rejected instruction would book another
	// organization's instead.
	if named := quotedIDs(entryText(e), linkfin.IDPrefix[kindFor(e.CreditDebit)]); len(named) > 0 {
		return nil, fmt.Sprintf("it names %s, which it does not settle: assign it", named[0])
	}
	var fits []int
	for _, i := range m.open(e) {
		if m.items[i].Amount != e.Amount {
			continue
		}
		if d := linkfin.DaysBetween(m.items[i].Date, day); d >= -linkfin.MatchWindowDays && d <= linkfin.MatchWindowDays {
			fits = append(fits, i)
		}
	}
	if len(fits) > 1 {
		return nil, fmt.Sprintf("%d open items have its amount within %d days of its date: assign it", len(fits), linkfin.MatchWindowDays)
	}
	return fits, ""
}

// ImportBankStatement books a bank's camt.053 message: each statement of it, once.
// A statement imported before (the same account and statement id, the same content)
// answers as it was imported and changes nothing; the same account and id with other
// content is refused (linkfin.ESTATEMENTCONFLICT).
type ImportBankStatement struct {
	Message *iso20022.StatementMessage

	// candidates are the open items DependentKeys named for loading: the only ones
	// Apply may read. They are copies: the records DependentKeys read them from are
	// shared with the database (linkfin.Records), and an OpenItem holds only values,
	// so copying one copies all of it.
	candidates []linkfin.OpenItem
	// spellings are, for each statement, the spellings of its account that
	// DependentKeys listed its keys under (accountSpellings), from the registered
	// account as it found it.
	spellings [][]string
}

// Validate implements linkfin.Validator: a statement's entries are in its account's
// currency (statementCurrency) when it says it, a message names each statement once, and holds at most
// linkfin.MaxStatementEntries entries in all.
func (c *ImportBankStatement) Validate() error {
	if c.Message == nil || len(c.Message.Statements) == 0 {
		return linkfin.Errorf(linkfin.EINVALID, "a bank statement message holds a statement")
	}
	seen, entries := map[string]bool{}, 0
	for i, st := range c.Message.Statements {
		if entries += len(st.Entries); entries > linkfin.MaxStatementEntries {
			return linkfin.Errorf(linkfin.EINVALID, "%s: a message holds at most %d entries in all: import it in parts", place(c.Message.Version, i, -1), linkfin.MaxStatementEntries)
		}
		key := statementKeyID(RailBank, normalAccount(st.Account.ID()), reportName(c.Message.Version, &st))
		if seen[key] {
			return linkfin.Errorf(linkfin.EINVALID, "%s: %q of account %s is in the message twice", place(c.Message.Version, i, -1), st.ID, st.Account.ID())
		}
		seen[key] = true
		cur, from := statementCurrency(&st)
		for j, e := range st.Entries {
			if cur != "" && e.Currency != cur {
				return linkfin.Errorf(linkfin.ECURRENCYMISMATCH, "%s: the entry is in %s, the account %s in %s (%s)",
					place(c.Message.Version, i, j), e.Currency, st.Account.ID(), cur, from)
			}
		}
	}
	return nil
}

// statementCurrency is the currency of a statement's account, and where the statement
// says it: the account's own (a camt Acct/Ccy; an MT940's opening balance's), else the
// currency of its opening booked balance (OPBD, else PRCD), as an MT940's account is in
// its :60F:'s, else of its closing booked balance (CLBD). A statement that names none
// of them (a notification, a report of interim balances alone) leaves it "": its
// entries are each in their own currency.
func statementCurrency(st *iso20022.Statement) (linkfin.Currency, string) {
	if st.Account.Currency != "" {
		return st.Account.Currency, "its currency"
	}
	for _, types := range [][]string{{"OPBD", "PRCD"}, {"CLBD"}} {
		for _, t := range types {
			for _, b := range st.Balances {
				if b.Type == t && b.Currency != "" {
					return b.Currency, "its " + t + " balance's currency"
				}
			}
		}
	}
	return "", ""
}

// place names a message's statement i, and its entry j unless j < 0, as the message
// of the version writes them: Stmt[1]/Ntry[2] in a camt.053 (Rpt in a camt.052,
// Ntfctn in a camt.054), "message 1, :61: 2" in a SWIFT MT940 or MT942.
func place(version string, i, j int) string {
	if strings.HasPrefix(version, "MT") {
		if j < 0 {
			return fmt.Sprintf("message %d", i+1)
		}
		return fmt.Sprintf("message %d, :61: %d", i+1, j+1)
	}
	element := iso20022.ReportElement(version)
	if j < 0 {
		return fmt.Sprintf("%s[%d]", element, i+1)
	}
	return fmt.Sprintf("%s[%d]/Ntry[%d]", element, i+1, j+1)
}

// Keys implements linkfin.Command: the registered account, the rail's open items of a
// database made before they were kept by amount and date, and the records that name
// the statements imported under their accounts' own spellings (those DependentKeys
// reads first: most statements write their account as the registered one).
func (c *ImportBankStatement) Keys() []linkfin.ObjectKey {
	keys := []linkfin.ObjectKey{legacyItemsKey(RailBank), {Kind: linkfin.KindPaymentDebtor, ID: RailBank}}
	if c.Message == nil {
		return keys
	}
	for _, st := range c.Message.Statements {
		name := reportName(c.Message.Version, &st)
		for _, a := range accountSpellings(nil, st.Account) {
			keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindBankStatementKey, ID: statementKeyID(RailBank, a, name)})
		}
	}
	return keys
}

// spellingsOf are the spellings of each statement's account (accountSpellings), where
// reg is the registered account.
func (c *ImportBankStatement) spellingsOf(reg *linkfin.BankAccount) [][]string {
	out := make([][]string, len(c.Message.Statements))
	for i := range c.Message.Statements {
		out[i] = accountSpellings(reg, c.Message.Statements[i].Account)
	}
	return out
}

// DependentKeys implements linkfin.DependentCommand: under the spellings of each
// statement's account (from the registered account), the records that name it
// imported, its entries, and the registry records of its debits' bank references; and
// the open items the entries of the statements not imported before could settle, with
// the records that hold them.
func (c *ImportBankStatement) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	c.candidates, c.spellings = nil, nil
	if c.Message == nil {
		return nil
	}
	reg, err := registeredAccount(r)
	if err != nil {
		return nil
	}
	var legacy linkfin.Reconciliation
	if _, err := r.Get(linkfin.KindReconciliation, RailBank, &legacy); err != nil {
		return nil
	}
	c.spellings = c.spellingsOf(reg)
	f := &finder{r: r, legacy: legacy.Open, seen: map[linkfin.ObjectKey]bool{}, got: map[linkfin.ObjectKey]bool{},
		squashed: map[string]string{}}
	for i, st := range c.Message.Statements {
		name, spellings := reportName(c.Message.Version, &st), c.spellings[i]
		imported := false
		for _, a := range spellings {
			k := linkfin.ObjectKey{Kind: linkfin.KindBankStatementKey, ID: statementKeyID(RailBank, a, name)}
			f.key(k)
			if found, _ := r.Get(k.Kind, k.ID, nil); found {
				imported = true
			}
		}
		prefix := entryPrefix(RailBank, spellings[0], name)
		for j := range st.Entries {
			e := &st.Entries[j]
			f.key(linkfin.ObjectKey{Kind: linkfin.KindBankEntry, ID: entryID(prefix, j+1)})
			for _, k := range debitReferenceKeys(RailBank, spellings, e.CreditDebit, e.BankReference()) {
				f.key(k)
			}
		}
		if imported {
			continue // imported before: it answers what it kept
		}
		for j := range st.Entries {
			if e := &st.Entries[j]; bookable(e) {
				f.entry(e)
			}
		}
	}
	// In the order they opened (ids grow with time), whatever found them first.
	slices.SortFunc(f.items, func(a, b linkfin.OpenItem) int { return cmp.Or(cmp.Compare(a.Kind, b.Kind), cmp.Compare(a.ID, b.ID)) })
	c.candidates = f.items
	return f.keys
}

// finder gathers the open items statement entries could settle (those relevant to an
// entry), and the keys of what a command reads of them and writes: each item, the
// record of open items it is kept in, an instruction's payment file, and the records
// that named it.
type finder struct {
	r      linkfin.Records
	legacy []linkfin.OpenItem // a database's open items from before they were kept by amount and date
	items  []linkfin.OpenItem
	keys   []linkfin.ObjectKey
	seen   map[linkfin.ObjectKey]bool // in keys
	got    map[linkfin.ObjectKey]bool // in items, by their kind and id
	// squashed are ids as squash makes them, each made once however many entries ask
	// (an older database's items are asked of every entry).
	squashed map[string]string
}

// squash is squash(s), made once.
func (f *finder) squash(s string) string {
	q, ok := f.squashed[s]
	if !ok {
		q = squash(s)
		f.squashed[s] = q
	}
	return q
}

func (f *finder) key(k linkfin.ObjectKey) {
	if !f.seen[k] {
		f.seen[k] = true
		f.keys = append(f.keys, k)
	}
}

// get reads a record it lists.
func (f *finder) get(k linkfin.ObjectKey, v any) bool {
	f.key(k)
	found, err := f.r.Get(k.Kind, k.ID, v)
	return found && err == nil
}

// add takes an item the entry could settle.
func (f *finder) add(it linkfin.OpenItem, e *iso20022.Entry, text string) {
	k := linkfin.ObjectKey{Kind: it.Kind, ID: it.ID}
	if f.got[k] || !relevant(&it, f.squash(it.ID), f.squash(it.FileID), e, text) {
		return
	}
	f.got[k] = true
	f.items = append(f.items, it)
	f.key(k)
	f.key(openItemsKey(RailBank, &it))
	if it.FileID != "" {
		f.key(linkfin.ObjectKey{Kind: linkfin.KindPaymentFile, ID: it.FileID}) // marked booked in it (filesBooked)
	}
}

// entry finds what an entry could settle: the open items of its amount dated near it,
// those whose ids, or whose payment files' ids, it quotes, and a database's older
// open items.
func (f *finder) entry(e *iso20022.Entry) {
	text := entryText(e)
	kind := kindFor(e.CreditDebit)
	for _, it := range f.legacy {
		f.add(it, e, text)
	}
	if day := entryDay(e); !day.IsZero() {
		for d := -linkfin.MatchWindowDays; d <= linkfin.MatchWindowDays; d++ {
			var r linkfin.Reconciliation
			if f.get(linkfin.ObjectKey{Kind: linkfin.KindOpenItems, ID: openItemsID(RailBank, kind, e.Currency, day.AddDays(d), e.Amount)}, &r) {
				for _, it := range r.Open {
					f.add(it, e, text)
				}
			}
		}
	}
	if kind == linkfin.KindExpectedPayment {
		for _, id := range quotedIDs(text, linkfin.IDPrefix[kind]) {
			var ep linkfin.ExpectedPayment
			if f.get(linkfin.ObjectKey{Kind: kind, ID: id}, &ep) && ep.Status == linkfin.ExpectedPaymentExpected {
				f.add(*expectedItem(&ep), e, text)
			}
		}
		return
	}
	// An instruction's item is dated by its file: it is found there.
	files := quotedIDs(text, linkfin.IDPrefix[linkfin.KindPaymentFile])
	for _, id := range quotedIDs(text, linkfin.IDPrefix[kind]) {
		var ct linkfin.CreditTransfer
		if f.get(linkfin.ObjectKey{Kind: kind, ID: id}, &ct) && ct.FileID != "" && !slices.Contains(files, ct.FileID) {
			files = append(files, ct.FileID)
		}
	}
	for _, id := range files {
		var pf linkfin.PaymentFile
		if f.get(linkfin.ObjectKey{Kind: linkfin.KindPaymentFile, ID: id}, &pf) {
			for _, t := range pf.Transfers {
				f.add(transferItem(&pf, &t), e, text)
			}
		}
	}
}

// entryDay is the day an entry is matched by amount and date at: its value date, else
// its booking date.
func entryDay(e *iso20022.Entry) linkfin.Date {
	if e.ValueDate.IsZero() {
		return e.BookingDate
	}
	return e.ValueDate
}

// LedgerKeys implements linkfin.LedgerCommand: the rail's accounts and the wallets a
// credit may enter, and the transfers that would book the credits.
func (c *ImportBankStatement) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	if c.Message == nil {
		return nil, nil
	}
	spellings := c.spellings
	if spellings == nil {
		reg, err := registeredAccount(r)
		if err != nil {
			return nil, nil
		}
		spellings = c.spellingsOf(reg)
	}
	for i, st := range c.Message.Statements {
		for j, ids := range bookingIDs(RailBank, c.Message.Version, &st, spellings[i]) {
			if len(ids) > 0 {
				accounts = append(accounts, railID(RailBank, st.Entries[j].Currency))
				transfers = append(transfers, ids...)
			}
		}
	}
	for _, it := range c.candidates {
		if it.Kind == linkfin.KindExpectedPayment {
			accounts = append(accounts, linkfin.WalletID(it.OrgID, it.Currency))
		}
	}
	slices.Sort(accounts)
	return slices.Compact(accounts), transfers
}

// Apply implements linkfin.Command.
func (c *ImportBankStatement) Apply(tx linkfin.Tx) (any, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	m := &matcher{}
	for _, it := range c.candidates {
		if open, err := stillOpen(tx, &it); err != nil {
			return nil, err
		} else if open {
			m.add(it)
		}
	}
	reg, err := registeredAccount(tx)
	if err != nil {
		return nil, err
	}
	spellings := c.spellingsOf(reg)
	if !slices.EqualFunc(spellings, c.spellings, slices.Equal) {
		// Registered anew by a command of this request's batch, after it was prepared.
		return nil, linkfin.StalePlan("the platform's bank account was registered while this request waited; retry it")
	}
	out := &linkfin.BankStatementImport{MessageID: c.Message.MessageID, Version: c.Message.Version,
		Statements: []linkfin.BankStatement{}, Replayed: true}
	for i := range c.Message.Statements {
		st := &c.Message.Statements[i]
		key, err := importedBefore(tx, st, reportName(c.Message.Version, st), spellings[i])
		if err != nil {
			return nil, err
		}
		if key != nil {
			out.Statements = append(out.Statements, key.Imported)
			continue
		}
		out.Replayed = false
		if err := platformAccount(reg, st); err != nil {
			return nil, err
		}
		s, err := c.importStatement(tx, m, st, spellings[i])
		if err != nil {
			return nil, err
		}
		out.Statements = append(out.Statements, *s)
	}
	var settled []linkfin.OpenItem
	for i, it := range m.items {
		if m.taken[i] {
			settled = append(settled, it)
		}
	}
	if len(settled) > 0 {
		if err := closeItems(tx, RailBank, settled...); err != nil {
			return nil, err
		}
		if err := filesBooked(tx, settled); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// importedBefore is the record that names the statement imported before, under any
// spelling of its account, or nil; a statement imported before with other content is
// refused (linkfin.ESTATEMENTCONFLICT). Its content is the same when the digests agree
// with its account written as its first spelling (statementDigest), or, for a record
// made before, as the statement writes it.
func importedBefore(tx linkfin.Tx, st *iso20022.Statement, name string, spellings []string) (*linkfin.BankStatementKey, error) {
	for _, a := range spellings {
		var key linkfin.BankStatementKey
		found, err := tx.Get(linkfin.KindBankStatementKey, statementKeyID(RailBank, a, name), &key)
		if err != nil || !found {
			if err != nil {
				return nil, err
			}
			continue
		}
		digest, err := statementDigest(st, spellings[0])
		if err != nil {
			return nil, err
		}
		if key.Digest != digest {
			if digest, err = digestOf(st); err != nil {
				return nil, err
			}
		}
		if key.Digest != digest {
			return nil, linkfin.Errorf(linkfin.ESTATEMENTCONFLICT, "statement %q of account %s was imported before with other content (as %s)",
				st.ID, st.Account.ID(), key.StatementID)
		}
		return &key, nil
	}
	return nil, nil
}

// filesBooked marks booked, in their payment files, the instructions of items that
// entries booked: a file lists each of its instructions with the status of its record
// (a report's answers, a statement's booking), so that it agrees with them. Each file
// is written once, however many of its instructions the command booked.
func filesBooked(tx linkfin.Tx, items []linkfin.OpenItem) error {
	booked := map[string]map[string]bool{} // by file, the instructions booked
	var files []string
	for _, it := range items {
		if it.Kind != linkfin.KindCreditTransfer || it.FileID == "" {
			continue
		}
		if booked[it.FileID] == nil {
			booked[it.FileID] = map[string]bool{}
			files = append(files, it.FileID)
		}
		booked[it.FileID][it.ID] = true
	}
	for _, id := range files {
		var f linkfin.PaymentFile
		if found, err := tx.Get(linkfin.KindPaymentFile, id, &f); err != nil {
			return err
		} else if !found {
			return linkfin.Errorf(linkfin.EINTERNAL, "payment file %s is missing", id)
		}
		changed := false
		for i := range f.Transfers {
			if t := &f.Transfers[i]; t.Status != linkfin.CreditTransferBooked && booked[id][t.ID] {
				t.Status, changed = linkfin.CreditTransferBooked, true
			}
		}
		if changed {
			if err := tx.Put(linkfin.KindPaymentFile, f.ID, &f, "payment_file.booked"); err != nil {
				return err
			}
		}
	}
	return nil
}

// stillOpen reports whether an open item is still waiting for its money.
func stillOpen(tx linkfin.Tx, it *linkfin.OpenItem) (bool, error) {
	switch it.Kind {
	case linkfin.KindCreditTransfer:
		var ct linkfin.CreditTransfer
		found, err := tx.Get(it.Kind, it.ID, &ct)
		return found && (ct.Status == linkfin.CreditTransferFiled || ct.Status == linkfin.CreditTransferAccepted), err
	case linkfin.KindExpectedPayment:
		var ep linkfin.ExpectedPayment
		found, err := tx.Get(it.Kind, it.ID, &ep)
		return found && ep.Status == linkfin.ExpectedPaymentExpected, err
	}
	return false, nil
}

// importStatement imports a statement not imported before, keyed on the spellings of
// its account (accountSpellings).
func (c *ImportBankStatement) importStatement(tx linkfin.Tx, m *matcher, st *iso20022.Statement, spellings []string) (*linkfin.BankStatement, error) {
	digest, err := statementDigest(st, spellings[0])
	if err != nil {
		return nil, err
	}
	s := c.newStatement(tx, st, spellings[0], digest)
	entries, err := newEntries(tx, s, st, spellings)
	if err != nil {
		return nil, err
	}
	if err := matchEntries(tx, m, st, entries, spellings); err != nil {
		return nil, err
	}
	for j := range entries {
		be := &entries[j]
		switch be.Status {
		case linkfin.BankEntryMatched:
			s.Matched++
		case linkfin.BankEntryUnmatched:
			s.Unmatched++
			if be.Note == "" {
				be.Note = "nothing open has its end-to-end id, a reference it quotes, or its amount near its date"
			}
		case linkfin.BankEntryNotBooked:
			s.NotBooked++
		case linkfin.BankEntryDuplicate:
			s.Duplicates++
		}
		if err := tx.Put(linkfin.KindBankEntry, be.ID, be, "bank_entry."+string(be.Status)); err != nil {
			return nil, err
		}
	}
	if err := tx.Put(linkfin.KindBankStatement, s.ID, s, "bank_statement.imported"); err != nil {
		return nil, err
	}
	key := &linkfin.BankStatementKey{ID: statementKeyID(RailBank, spellings[0], reportName(c.Message.Version, st)), StatementID: s.ID, Digest: digest, Imported: *s}
	return s, tx.Put(linkfin.KindBankStatementKey, key.ID, key, "bank_statement_key.created")
}

// newStatement is the record of a statement being imported, in its account's currency
// (statementCurrency), with its booked opening and closing balances, signed. The
// opening balance is the OPBD, else the PRCD: the closing booked balance of the period
// before, which many banks (ABN AMRO, German savings banks) give instead. A balance of
// an amount whose sign the bank left out is not recorded: linkfin does not guess it;
// nor is one in another currency than the statement's, whose minor units are not the
// record's. Its entries' ids are made of the account as keyed.
func (c *ImportBankStatement) newStatement(tx linkfin.Tx, st *iso20022.Statement, keyed, digest string) *linkfin.BankStatement {
	cur, _ := statementCurrency(st)
	s := &linkfin.BankStatement{ID: tx.NewID(linkfin.IDPrefix[linkfin.KindBankStatement]), Rail: RailBank, Version: c.Message.Version,
		MessageID: c.Message.MessageID, StatementID: st.ID, ElectronicSequence: st.ElectronicSequence, Account: st.Account.ID(),
		Currency: cur, From: st.From, To: st.To, Entries: len(st.Entries),
		EntryIDPrefix: entryPrefix(RailBank, keyed, reportName(c.Message.Version, st)), Digest: digest, CreatedAt: tx.Now()}
	var previous *int64
	for _, b := range st.Balances {
		v := b.Amount
		switch {
		case b.Currency != cur:
			continue // in units of another currency than the statement's
		case b.CreditDebit == iso20022.Debit:
			v = -v
		case b.CreditDebit == "" && v != 0:
			continue
		}
		switch b.Type {
		case "OPBD":
			s.OpeningBalance = &v
		case "PRCD":
			previous = &v
		case "CLBD":
			s.ClosingBalance = &v
		}
	}
	if s.OpeningBalance == nil {
		s.OpeningBalance = previous
	}
	return s
}

// newEntries are the records of a statement's entries before matching: unmatched, or
// not booked by the bank, or duplicates of an entry an earlier statement booked under
// any spelling of its account.
func newEntries(tx linkfin.Tx, s *linkfin.BankStatement, st *iso20022.Statement, spellings []string) ([]linkfin.BankEntry, error) {
	bookings := bookingIDs(RailBank, s.Version, st, spellings)
	entries := make([]linkfin.BankEntry, len(st.Entries))
	for j := range st.Entries {
		e, be := &st.Entries[j], &entries[j]
		*be = linkfin.BankEntry{ID: BankEntryID(s, j+1), StatementID: s.ID, Position: j + 1, Account: s.Account,
			CreditDebit: e.CreditDebit, Amount: e.Amount, Currency: e.Currency, Reversal: e.Reversal, BookingDate: e.BookingDate,
			ValueDate: e.ValueDate, Status: linkfin.BankEntryUnmatched, AccountServicerReference: e.BankReference(),
			EndToEndIDs: endToEndIDs(e), RemittanceInformation: remittance(e), Counterparty: counterparty(e),
			BankTransactionCode: e.BankTransactionCode, CreatedAt: s.CreatedAt}
		if len(bookings[j]) > 0 {
			be.Booking = linkfin.ID(bookings[j][0])
		}
		booked, err := bookedBefore(tx, bookings[j], debitReferenceKeys(RailBank, spellings, be.CreditDebit, be.AccountServicerReference))
		if err != nil {
			return nil, err
		}
		switch {
		case e.Status != "" && e.Status != "BOOK":
			be.Status, be.Note = linkfin.BankEntryNotBooked, "the bank has not booked it (status "+e.Status+")"
		case booked:
			be.Status, be.Note = linkfin.BankEntryDuplicate, "an earlier statement's entry of the same bank reference was booked"
		case e.Reversal:
			be.Note = "a reversal of an earlier entry: a person books it"
		}
	}
	return entries, nil
}

// matchEntries books the unmatched entries that match: first every entry by its
// end-to-end id, then by reference, then by amount and date, so that an entry's own id
// is not taken by another's amount. What matches nothing keeps the first reason why.
func matchEntries(tx linkfin.Tx, m *matcher, st *iso20022.Statement, entries []linkfin.BankEntry, spellings []string) error {
	for pass, how := range []string{linkfin.MatchEndToEnd, linkfin.MatchReference, linkfin.MatchAmountDate} {
		for j := range entries {
			e, be := &st.Entries[j], &entries[j]
			if be.Status != linkfin.BankEntryUnmatched || !bookable(e) {
				continue
			}
			var idx []int
			var note string
			switch pass {
			case 0:
				idx, note = m.byEndToEnd(e)
			case 1:
				idx, note = m.byReference(e, entryText(e))
			case 2:
				idx, note = m.byAmountDate(e)
			}
			if len(idx) == 0 {
				if be.Note == "" {
					be.Note = note
				}
				continue
			}
			if e.CreditDebit == iso20022.Credit && len(idx) > 1 {
				// One credit of several payers' payments: booked into one wallet, it would
				// credit each organization the whole; a person assigns it.
				if be.Note == "" {
					be.Note = fmt.Sprintf("the credit settles %d expected payments at once: assign it", len(idx))
				}
				continue
			}
			items := make([]linkfin.OpenItem, len(idx))
			for k, i := range idx {
				items[k], m.taken[i] = m.items[i], true
			}
			if err := bookEntry(tx, be, items, how, spellings); err != nil {
				return err
			}
		}
	}
	return nil
}

// remittance is what the entry's payer wrote: its transactions' remittance
// information, else the entry's additional information.
func remittance(e *iso20022.Entry) string {
	var parts []string
	for _, t := range e.Transactions {
		if t.RemittanceInformation != "" && !slices.Contains(parts, t.RemittanceInformation) {
			parts = append(parts, t.RemittanceInformation)
		}
	}
	if len(parts) == 0 {
		return e.AdditionalInfo
	}
	return strings.Join(parts, " ")
}

// counterparty is the other side of a one-transaction entry: the payer of a credit,
// the payee of a debit.
func counterparty(e *iso20022.Entry) string {
	if len(e.Transactions) != 1 {
		return ""
	}
	if e.CreditDebit == iso20022.Credit {
		return e.Transactions[0].DebtorName
	}
	return e.Transactions[0].CreditorName
}

// bookEntry books an entry against what it settles: the instructions a debit paid
// (nothing moves: their money left the wallets when they were made), or the expected
// payment a credit brought in, whose wallet its money enters. A debit's reference is
// registered under the first of the spellings of its account (accountSpellings).
func bookEntry(tx linkfin.Tx, be *linkfin.BankEntry, items []linkfin.OpenItem, how string, spellings []string) error {
	now := tx.Now()
	orgs := map[string]bool{}
	for _, it := range items {
		orgs[it.OrgID] = true
		switch it.Kind {
		case linkfin.KindCreditTransfer:
			var ct linkfin.CreditTransfer
			if found, err := tx.Get(it.Kind, it.ID, &ct); err != nil || !found {
				return linkfin.Errorf(linkfin.EINTERNAL, "credit transfer %s is missing", it.ID)
			}
			ct.Status, ct.EntryID = linkfin.CreditTransferBooked, be.ID
			if err := tx.Put(it.Kind, ct.ID, &ct, "credit_transfer.booked"); err != nil {
				return err
			}
			be.CreditTransferIDs = append(be.CreditTransferIDs, ct.ID)
		case linkfin.KindExpectedPayment:
			var ep linkfin.ExpectedPayment
			if found, err := tx.Get(it.Kind, it.ID, &ep); err != nil || !found {
				return linkfin.Errorf(linkfin.EINTERNAL, "expected payment %s is missing", it.ID)
			}
			ep.Status, ep.EntryID, ep.ReceivedAt = linkfin.ExpectedPaymentReceived, be.ID, &now
			if err := tx.Put(it.Kind, ep.ID, &ep, "expected_payment.received"); err != nil {
				return err
			}
			be.ExpectedPaymentID = ep.ID
			if err := creditWallet(tx, be, ep.OrgID); err != nil {
				return err
			}
		}
	}
	if len(orgs) == 1 {
		for org := range orgs {
			be.OrgID = org
		}
	}
	be.Status, be.Match, be.Note, be.BookedAt = linkfin.BankEntryMatched, how, "", &now
	if how == linkfin.MatchAssigned {
		be.Status = linkfin.BankEntryAssigned
	}
	// A debit books no transfer that would tell a later statement's copy of it: its
	// reference is registered instead.
	if keys := debitReferenceKeys(RailBank, spellings[:1], be.CreditDebit, be.AccountServicerReference); len(keys) > 0 {
		return tx.Put(keys[0].Kind, keys[0].ID, &linkfin.BankDebitReference{ID: keys[0].ID, EntryID: be.ID}, "bank_debit_reference.registered")
	}
	return nil
}

// creditWallet moves a credit entry's money from the bank rail into the
// organization's wallet, by the entry's booking transfer.
func creditWallet(tx linkfin.Tx, be *linkfin.BankEntry, org string) error {
	rail, err := account(railID(RailBank, be.Currency), be.Currency, codeRail, 0)
	if err != nil {
		return err
	}
	wallet, _ := account(linkfin.WalletID(org, be.Currency), be.Currency, codeWallet, ledger.DebitsMustNotExceedCredits)
	if err := tx.CreateAccounts(rail, wallet); err != nil {
		return err
	}
	be.OrgID = org
	return tx.Transfer(ledger.Transfer{ID: int64(be.Booking), DebitAccountID: rail.ID, CreditAccountID: wallet.ID,
		Amount: be.Amount, Ledger: rail.Ledger, Currency: rail.Currency, Code: codeRail})
}
