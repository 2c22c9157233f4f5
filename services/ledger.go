package services

import (
	"slices"

	"linkfin"
	"linkfin/ledger"
)

// The platform's ledger layout. Every organization has a wallet per currency that
// cannot go below zero; money enters and leaves through rail accounts; a program's
// limits are accounts credited with the limit, which financings debit (pending at
// acceptance, posted at disbursement, released at repayment), so that the ledger itself
// refuses a financing over a limit.
const (
	codeWallet      = 1
	codeRail        = 2
	codeLimit       = 3
	codeLimitSource = 4
)

// ledgers maps the currencies the platform keeps ledgers for to their ledger: the ISO
// 4217 numeric code.
var ledgers = map[linkfin.Currency]uint32{"CNY": 156, "USD": 840, "EUR": 978, "HKD": 344, "GBP": 826, "JPY": 392,
	"SGD": 702, "CHF": 756, "KRW": 410, "BHD": 48, "KWD": 414, "JOD": 400}

// PlatformLedger reports whether the ledger is one the platform keeps its accounts on
// (a currency's: its ISO 4217 numeric code). The raw ledger API stays off them
// (ledger.Fence): the platform's accounts and transfers move by its commands alone.
func PlatformLedger(l uint32) bool { return platformLedgers[l] }

// platformLedgers is the set of the ledgers' numbers.
var platformLedgers = func() map[uint32]bool {
	set := make(map[uint32]bool, len(ledgers))
	for _, n := range ledgers {
		set[n] = true
	}
	return set
}()

// ledgerOf is the ledger of a currency.
func ledgerOf(c linkfin.Currency) (uint32, error) {
	if n, ok := ledgers[c]; ok {
		return n, nil
	}
	return 0, linkfin.Errorf(linkfin.EINVALID, "no ledger for currency %s", c)
}

// WalletIDs lists the ledger accounts an organization's wallets would have, one per
// currency with a ledger, in ascending id order.
func WalletIDs(org string) []int64 {
	ids := make([]int64, 0, len(ledgers))
	for c := range ledgers {
		ids = append(ids, linkfin.WalletID(org, c))
	}
	slices.Sort(ids)
	return ids
}

// IsWallet reports whether the ledger account is the organization's wallet.
func IsWallet(org string, a *ledger.Account) bool {
	return a.Code == codeWallet && a.ID == linkfin.WalletID(org, linkfin.Currency(a.Currency))
}

// LimitID is the ledger account of a program's limit (funder "") or of a funder's part of it.
func LimitID(program, funder string) int64 {
	return linkfin.LedgerID("limit/" + program + "/" + funder)
}

func railID(rail string, c linkfin.Currency) int64 {
	return linkfin.LedgerID("rail/" + rail + "/" + string(c))
}

// limitSourceID is where a program's limits are granted from (it goes negative by the
// sum of the limits it granted).
func limitSourceID(program string) int64 { return linkfin.LedgerID("limits/" + program) }

func account(id int64, c linkfin.Currency, code uint16, flags ledger.AccountFlags) (ledger.Account, error) {
	l, err := ledgerOf(c)
	return ledger.Account{ID: id, Ledger: l, Currency: string(c), Code: code, Flags: flags}, err
}

// openLimit creates the limit account of a program (funder "") or of a funder's part,
// holding limit, granted from the program's limit source.
func openLimit(tx linkfin.Tx, program, funder string, c linkfin.Currency, limit int64) error {
	lim, err := account(LimitID(program, funder), c, codeLimit, ledger.DebitsMustNotExceedCredits)
	if err != nil {
		return err
	}
	src, err := account(limitSourceID(program), c, codeLimitSource, 0)
	if err != nil {
		return err
	}
	create := tx.CreateAccounts
	if funder == "" && tx.Made(program) {
		// A new program's: its id was made by this command.
		create = tx.CreateNewAccounts
	}
	if err := create(src, lim); err != nil {
		return err
	}
	return tx.Transfer(ledger.Transfer{ID: linkfin.LedgerID("limit-grant/" + program + "/" + funder), DebitAccountID: src.ID,
		CreditAccountID: lim.ID, Amount: limit, Ledger: lim.Ledger, Currency: lim.Currency, Code: codeLimit})
}

// RecordInboundPayment credits an organization's wallet with money that arrived on a
// rail (a bank statement line, an e-CNY transfer). The rail's instruction id makes it
// idempotent: the same instruction twice is credited once.
type RecordInboundPayment struct {
	Rail          string // "bank" or "ecny"
	InstructionID string
	OrgID         string
	Currency      linkfin.Currency
	Amount        int64

	// queueChunk is, for a payment out over the bank rail, the chunk of the rail's
	// queue its instruction joins (RecordOutboundPayment.DependentKeys).
	queueChunk int64
}

// Keys implements linkfin.Command.
func (c *RecordInboundPayment) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindOrganization, ID: c.OrgID}}
}

// LedgerKeys implements linkfin.LedgerCommand.
func (c *RecordInboundPayment) LedgerKeys(linkfin.Records) (accounts, transfers []int64) {
	return []int64{railID(c.Rail, c.Currency), linkfin.WalletID(c.OrgID, c.Currency)},
		[]int64{paymentID(c.Rail, c.InstructionID, true)}
}

// Apply implements linkfin.Command.
func (c *RecordInboundPayment) Apply(tx linkfin.Tx) (any, error) {
	paid, err := railPayment(tx, c.Rail, c.InstructionID, c.OrgID, c.Currency, c.Amount, true)
	if err != nil {
		return nil, err // not a nil *RailPaid inside a non-nil answer
	}
	return paid, nil
}

// RecordOutboundPayment pays money out of an organization's wallet over a rail (a
// withdrawal). The ledger refuses it if the wallet is short. The instruction id makes
// it idempotent; it is the organization's own: two organizations may use the same.
// Over the bank rail the instruction id is registered as the organization's number of
// the credit transfer it makes (linkfin.KindNumber), so that a retry answers that
// credit transfer's id as the first answer did.
type RecordOutboundPayment RecordInboundPayment

// Keys implements linkfin.Command: over the bank rail, also the rail's queue of
// instructions, which the payment's credit transfer joins, and the registry record of
// the instruction id.
func (c *RecordOutboundPayment) Keys() []linkfin.ObjectKey {
	keys := (*RecordInboundPayment)(c).Keys()
	if c.Rail == RailBank {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindPaymentQueue, ID: RailBank})
		keys = append(keys, numberKeys(c.OrgID, linkfin.KindCreditTransfer, c.InstructionID)...)
	}
	return keys
}

// DependentKeys implements linkfin.DependentCommand: over the bank rail, the chunk of
// the rail's queue the payment's credit transfer joins.
func (c *RecordOutboundPayment) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	if c.Rail != RailBank {
		return nil
	}
	c.queueChunk = queueJoin(r, RailBank)
	return []linkfin.ObjectKey{queueChunkKey(RailBank, c.queueChunk)}
}

// LedgerKeys implements linkfin.LedgerCommand.
func (c *RecordOutboundPayment) LedgerKeys(linkfin.Records) (accounts, transfers []int64) {
	return []int64{railID(c.Rail, c.Currency), linkfin.WalletID(c.OrgID, c.Currency)},
		[]int64{paymentID(c.Rail, c.OrgID+"/"+c.InstructionID, false)}
}

// Apply implements linkfin.Command.
func (c *RecordOutboundPayment) Apply(tx linkfin.Tx) (any, error) {
	m, err := railPayment(tx, c.Rail, c.OrgID+"/"+c.InstructionID, c.OrgID, c.Currency, c.Amount, false)
	if err != nil {
		return nil, err
	}
	m.InstructionID = c.InstructionID
	if c.Rail != RailBank {
		return m, nil
	}
	if m.Replayed {
		// The credit transfer the instruction made, as the registry names it. One made
		// before linkfin registered instruction ids has no record: its retry answers
		// without it, as it always did.
		var h numberHolder
		if _, err := tx.Get(linkfin.KindNumber, linkfin.NumberKey(c.OrgID, linkfin.KindCreditTransfer, c.InstructionID), &h); err != nil {
			return nil, err
		}
		m.CreditTransferID = h.RecordID
		return m, nil
	}
	// Money out over the bank rail is an instruction to the bank, filed later.
	ct, err := queueCreditTransfer(tx, c.OrgID, c.InstructionID, c.Currency, c.Amount, c.queueChunk)
	if err != nil {
		return nil, err
	}
	m.CreditTransferID = ct.ID
	return m, claimNumber(tx, c.OrgID, linkfin.KindCreditTransfer, c.InstructionID, ct.ID)
}

// RailPaid is the answer to a payment on a rail: the instruction, whether it was a
// retry, and for money out over the bank rail the credit transfer it queued (a retry's,
// the one the first queued). Its
// fields are in the order of their names, as a map's would be.
type RailPaid struct {
	CreditTransferID string `json:"credit_transfer_id,omitempty"`
	InstructionID    string `json:"instruction_id"`
	Replayed         bool   `json:"replayed"`
}

// railPayment moves money between a rail and an organization's wallet: in (the rail
// credits the wallet) or out (the wallet pays the rail, refused if short). The
// instruction id makes it idempotent: a retry answers replayed, a reuse with other
// fields is a conflict.
func railPayment(tx linkfin.Tx, railName, instruction, org string, c linkfin.Currency, amount int64, in bool) (*RailPaid, error) {
	if railName != "bank" && railName != "ecny" {
		return nil, linkfin.Errorf(linkfin.EINVALID, "rail is bank or ecny")
	}
	if instruction == "" || len(instruction) > 128 {
		return nil, linkfin.Errorf(linkfin.EINVALID, "a payment has its rail's instruction id (1 to 128 characters)")
	}
	if _, err := organization(tx, org); err != nil {
		return nil, err
	}
	rail, err := account(railID(railName, c), c, codeRail, 0)
	if err != nil {
		return nil, err
	}
	wallet, _ := account(linkfin.WalletID(org, c), c, codeWallet, ledger.DebitsMustNotExceedCredits)
	if err := tx.CreateAccounts(rail, wallet); err != nil {
		return nil, err
	}
	t := ledger.Transfer{ID: paymentID(railName, instruction, in), DebitAccountID: rail.ID, CreditAccountID: wallet.ID,
		Amount: amount, Ledger: rail.Ledger, Currency: rail.Currency, Code: codeRail}
	if !in {
		t.DebitAccountID, t.CreditAccountID = wallet.ID, rail.ID
	}
	if old := tx.ExistingTransfer(t.ID); old != nil {
		if old.DebitAccountID != t.DebitAccountID || old.CreditAccountID != t.CreditAccountID || old.Amount != amount {
			return nil, linkfin.Errorf(linkfin.ECONFLICT, "instruction %s was recorded with other fields", instruction)
		}
		return &RailPaid{InstructionID: instruction, Replayed: true}, nil
	}
	if err := transferFrom(tx, []string{org}, t); err != nil {
		return nil, err
	}
	return &RailPaid{InstructionID: instruction}, nil
}

// paymentID is the ledger id of a rail instruction.
func paymentID(rail, instruction string, in bool) int64 {
	if in {
		return linkfin.LedgerID("inbound/" + rail + "/" + instruction)
	}
	return linkfin.LedgerID("outbound/" + rail + "/" + instruction)
}

// supplierLimitID is the ledger account of one requester's cap under a program.
func supplierLimitID(program, requester string) int64 { return LimitID(program, "supplier/"+requester) }

// limitDraws lists the legs that draw a financing's face on the limits it counts
// against: the program's, the funder's part, and the requester's where the program
// caps suppliers. The ledger refuses the chain if any of them is short.
func limitDraws(f *linkfin.Financing) []leg {
	legs := []leg{
		{"program-limit", LimitID(f.ProgramID, ""), limitSourceID(f.ProgramID), f.Quote.Face, codeLimit},
		{"funder-limit", LimitID(f.ProgramID, f.FunderID), limitSourceID(f.ProgramID), f.Quote.Face, codeLimit},
	}
	if f.SupplierLimit > 0 {
		legs = append(legs, leg{"supplier-limit", supplierLimitID(f.ProgramID, f.RequesterID), limitSourceID(f.ProgramID), f.Quote.Face, codeLimit})
	}
	return legs
}

// releaseLimits gives a financing's draw back to its limits: the draws, reversed.
func releaseLimits(f *linkfin.Financing) []leg {
	legs := limitDraws(f)
	for i := range legs {
		legs[i].name += "-release"
		legs[i].dr, legs[i].cr = legs[i].cr, legs[i].dr
	}
	return legs
}

// transferFrom runs transfers that may pay from the wallets of orgs, as tx.Transfer
// does. The ledger refuses a chain that would take an account below zero
// (exceeds_credits) saying only that an account it pays from holds less, naming no
// ledger id; when that account is the wallet of one of orgs, the refusal says so in the
// API's words: whose wallet, in what currency, and what the request would take from it
// (not what the wallet holds: the caller may be another party than its owner).
func transferFrom(tx linkfin.Tx, orgs []string, ts ...ledger.Transfer) error {
	err := tx.Transfer(ts...)
	if linkfin.ErrorCode(err) != string(ledger.ExceedsCredits) {
		return err
	}
	for _, org := range orgs {
		for _, c := range currenciesOf(ts) {
			wallet := linkfin.WalletID(org, c)
			var need int64
			for _, t := range ts {
				if t.DebitAccountID == wallet && t.Amount > 0 {
					sum, aerr := linkfin.Add(need, t.Amount)
					if aerr != nil {
						return err // more than any wallet holds: the ledger's words stand
					}
					need = sum
				}
			}
			if need == 0 {
				continue
			}
			if have, aerr := available(tx, wallet); aerr == nil && have < need {
				return linkfin.Errorf(string(ledger.ExceedsCredits), "organization %s's %s wallet holds less than the %s it would pay",
					org, c, linkfin.Money{Amount: need, Currency: c})
			}
		}
	}
	return err
}

// currenciesOf lists the currencies of transfers, each once, in their order.
func currenciesOf(ts []ledger.Transfer) []linkfin.Currency {
	var out []linkfin.Currency
	for _, t := range ts {
		if c := linkfin.Currency(t.Currency); c != "" && !slices.Contains(out, c) {
			out = append(out, c)
		}
	}
	return out
}

// available is what an account can pay: its credits less its debits, posted and held.
func available(tx linkfin.Tx, id int64) (int64, error) {
	a, _ := tx.Account(id)
	debits, err := linkfin.Add(a.DebitsPosted, a.DebitsPending)
	if err != nil {
		return 0, err
	}
	return linkfin.Sub(a.CreditsPosted, debits)
}
