package services

import (
	"bytes"
	"slices"

	"linkfin"
	"linkfin/iso20022"
)

// The rails money moves on.
const (
	RailBank = "bank"
	RailECNY = "ecny"
)

// queueCreditTransfer makes the credit transfer instruction of a payment out of org's
// wallet over the bank rail, and puts it in the rail's queue for the next file.
func queueCreditTransfer(tx linkfin.Tx, org, instruction string, c linkfin.Currency, amount int64) (*linkfin.CreditTransfer, error) {
	o, err := organization(tx, org)
	if err != nil {
		return nil, err
	}
	ct := &linkfin.CreditTransfer{ID: tx.NewID(linkfin.IDPrefix[linkfin.KindCreditTransfer]), Rail: RailBank, OrgID: org,
		InstructionID: instruction, Creditor: o.Name, Currency: c, Amount: amount,
		Status: linkfin.CreditTransferPending, CreatedAt: tx.Now()}
	if err := tx.Put(linkfin.KindCreditTransfer, ct.ID, ct, "credit_transfer.created"); err != nil {
		return nil, err
	}
	q, err := paymentQueue(tx, RailBank)
	if err != nil {
		return nil, err
	}
	q.Pending = append(q.Pending, ct.ID)
	return ct, tx.Put(linkfin.KindPaymentQueue, q.ID, q, "payment_queue.updated")
}

func paymentQueue(tx linkfin.Tx, rail string) (*linkfin.PaymentQueue, error) {
	q := &linkfin.PaymentQueue{ID: rail}
	if _, err := tx.Get(linkfin.KindPaymentQueue, rail, q); err != nil {
		return nil, err
	}
	if q.Pending == nil {
		q.Pending = []string{}
	}
	return q, nil
}

// DefaultDebtor is who a payment file pays from when the request names no account: the
// platform, by its account on the bank rail in each currency.
var DefaultDebtor = linkfin.PaymentParty{Name: "linkfin", Account: "linkfin-bank"}

// CreatePaymentFile gathers the instructions of a rail that wait in its queue, in the
// order they were made and up to linkfin.MaxFileTransfers, into a payment file to be
// executed on Date: each instruction is filed once. The operator sends the file's
// pain.001 document to the bank.
type CreatePaymentFile struct {
	Rail   string
	Date   linkfin.Date
	Debtor *linkfin.PaymentParty
}

// Validate implements linkfin.Validator.
func (c *CreatePaymentFile) Validate() error {
	if c.Rail != RailBank {
		return linkfin.Errorf(linkfin.EINVALID, "payment files are of the bank rail: rail is %q", RailBank)
	}
	if c.Date.IsZero() {
		return linkfin.Errorf(linkfin.EINVALID, "a payment file has its execution date (date)")
	}
	if c.Debtor != nil {
		d := c.Debtor
		if d.IBAN == "" && d.Account == "" {
			return linkfin.Errorf(linkfin.EINVALID, "the debtor has an iban or an account")
		}
		if err := linkfin.ValidateText("debtor name", d.Name, 140, false); err != nil {
			return err
		}
		if err := (iso20022.Party{Name: d.Name, IBAN: d.IBAN, Account: d.Account, BIC: d.BIC}).Check("the debtor"); err != nil {
			return err
		}
	}
	return nil
}

// Keys implements linkfin.Command.
func (c *CreatePaymentFile) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindPaymentQueue, ID: c.Rail}}
}

// DependentKeys implements linkfin.DependentCommand: the instructions the queue lists.
func (c *CreatePaymentFile) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var q linkfin.PaymentQueue
	if found, err := r.Get(linkfin.KindPaymentQueue, c.Rail, &q); err != nil || !found {
		return nil
	}
	keys := make([]linkfin.ObjectKey, 0, min(len(q.Pending), linkfin.MaxFileTransfers))
	for _, id := range q.Pending[:min(len(q.Pending), linkfin.MaxFileTransfers)] {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindCreditTransfer, ID: id})
	}
	return keys
}

// Apply implements linkfin.Command.
func (c *CreatePaymentFile) Apply(tx linkfin.Tx) (any, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	q, err := paymentQueue(tx, c.Rail)
	if err != nil {
		return nil, err
	}
	if len(q.Pending) == 0 {
		return nil, linkfin.Errorf(linkfin.ENOTHINGTOFILE, "no %s instruction waits to be filed", c.Rail)
	}
	debtor := DefaultDebtor
	if c.Debtor != nil {
		debtor = *c.Debtor
	}
	n := min(len(q.Pending), linkfin.MaxFileTransfers)
	f := &linkfin.PaymentFile{ID: tx.NewID(linkfin.IDPrefix[linkfin.KindPaymentFile]), Rail: c.Rail, Date: c.Date,
		Debtor: debtor, Status: linkfin.PaymentFileCreated, Count: n, CreatedAt: tx.Now()}
	for _, id := range q.Pending[:n] {
		var ct linkfin.CreditTransfer
		found, err := tx.Get(linkfin.KindCreditTransfer, id, &ct)
		if err != nil {
			return nil, err
		}
		if !found || ct.Status != linkfin.CreditTransferPending {
			return nil, linkfin.Errorf(linkfin.EINTERNAL, "queued credit transfer %s is missing or not pending", id)
		}
		ct.Status, ct.FileID = linkfin.CreditTransferFiled, f.ID
		if err := tx.Put(linkfin.KindCreditTransfer, ct.ID, &ct, "credit_transfer.filed"); err != nil {
			return nil, err
		}
		f.Transfers = append(f.Transfers, linkfin.PaymentFileTransfer{ID: ct.ID, OrgID: ct.OrgID, Creditor: ct.Creditor,
			Currency: ct.Currency, Amount: ct.Amount, Status: ct.Status})
	}
	// The document must be one the bank takes before the file is made.
	if err := iso20022.WritePain001(&bytes.Buffer{}, Pain001(f)); err != nil {
		return nil, err
	}
	q.Pending = slices.Clone(q.Pending[n:])
	if err := tx.Put(linkfin.KindPaymentQueue, q.ID, q, "payment_queue.updated"); err != nil {
		return nil, err
	}
	return f, tx.Put(linkfin.KindPaymentFile, f.ID, f, "payment_file.created")
}

// Pain001 is a payment file's pain.001 document. The debtor's account without an IBAN
// is named per currency when it is the platform's default.
func Pain001(f *linkfin.PaymentFile) *iso20022.CreditTransferInitiation {
	doc := &iso20022.CreditTransferInitiation{MessageID: f.ID, CreatedAt: f.CreatedAt, ExecutionDate: f.Date,
		Debtor: iso20022.Party{Name: f.Debtor.Name, IBAN: f.Debtor.IBAN, Account: f.Debtor.Account, BIC: f.Debtor.BIC}}
	for _, t := range f.Transfers {
		doc.Transfers = append(doc.Transfers, iso20022.CreditTransfer{EndToEndID: t.ID, Amount: t.Amount, Currency: t.Currency,
			Creditor: iso20022.Party{Name: t.Creditor}, Remittance: "linkfin withdrawal " + t.ID})
	}
	return doc
}
