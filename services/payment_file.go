package services

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"

	"linkfin"
	"linkfin/iso20022"
	"linkfin/ledger"
)

// The rails money moves on.
const (
	RailBank = "bank"
	RailECNY = "ecny"
)

// queueCreditTransfer makes the credit transfer instruction of a payment out of org's
// wallet over the bank rail, and puts it in the rail's queue for the next file: it
// joins chunk, the queue's last chunk when the command's batch began (its DependentKeys
// listed it, from queueJoin).
func queueCreditTransfer(tx linkfin.Tx, org, instruction string, c linkfin.Currency, amount int64, chunk int64) (*linkfin.CreditTransfer, error) {
	o, err := organization(tx, org)
	if err != nil {
		return nil, err
	}
	if o.BankAccount == nil {
		if o.PendingBankAccount != nil {
			return nil, linkfin.Errorf(linkfin.ENOBANKACCOUNT, "organization %s has no bank account to be paid into yet: the one it registered waits for the operator's confirmation; withdraw over the e-CNY rail meanwhile", org)
		}
		return nil, linkfin.Errorf(linkfin.ENOBANKACCOUNT, "organization %s has registered no bank account to be paid into: register it (POST /v1/organizations/%s/bank-account), or withdraw over the e-CNY rail", org, org)
	}
	ct := &linkfin.CreditTransfer{ID: tx.NewID(linkfin.IDPrefix[linkfin.KindCreditTransfer]), Rail: RailBank, OrgID: org,
		InstructionID: instruction, Creditor: o.Name, CreditorAccount: clone(o.BankAccount), CreditorAddress: clone(o.Address),
		Currency: c, Amount: amount, Status: linkfin.CreditTransferPending, CreatedAt: tx.Now()}
	if err := tx.Put(linkfin.KindCreditTransfer, ct.ID, ct, "credit_transfer.created"); err != nil {
		return nil, err
	}
	q, err := paymentQueue(tx, RailBank)
	if err != nil {
		return nil, err
	}
	if chunk < q.First || chunk > q.Last {
		// Not for a batch: a file in it takes only what waited before it (chunk, the
		// last then, holds this batch's instructions too, which it does not take), and
		// the last chunk moves on only once full.
		return nil, linkfin.Errorf(linkfin.EINTERNAL, "the %s rail's queue is at chunks %d to %d; this instruction found %d", RailBank, q.First, q.Last, chunk)
	}
	k := queueChunkKey(RailBank, chunk)
	ch := &linkfin.PaymentQueueChunk{ID: k.ID}
	if _, err := tx.Get(k.Kind, k.ID, ch); err != nil {
		return nil, err
	}
	ch.IDs = append(ch.IDs, ct.ID)
	if err := tx.Put(k.Kind, k.ID, ch, "payment_queue_chunk.updated"); err != nil {
		return nil, err
	}
	if len(ch.IDs) < linkfin.QueueChunkSize || q.Last > chunk {
		return ct, nil
	}
	q.Last = chunk + 1
	return ct, tx.Put(linkfin.KindPaymentQueue, q.ID, q, "payment_queue.updated")
}

// queueChunkKey is the key of chunk n of the rail's queue.
func queueChunkKey(rail string, n int64) linkfin.ObjectKey {
	return linkfin.ObjectKey{Kind: linkfin.KindPaymentQueueChunk, ID: linkfin.PaymentQueueChunkID(rail, n)}
}

// queueJoin is, for a DependentKeys, the chunk of the rail's queue an instruction made
// now joins: the queue's last.
func queueJoin(r linkfin.Records, rail string) int64 {
	var q linkfin.PaymentQueue
	_, _ = r.Get(linkfin.KindPaymentQueue, rail, &q) // absent (or unreadable): chunk 0
	return q.Last
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

// waiting lists, for a DependentKeys, the chunks of the rail's queue that hold its first
// instructions (up to linkfin.MaxFileTransfers), from chunk first to chunk last: named
// from the queue alone, as every chunk but the last holds at least
// linkfin.QueueChunkSize. And it lists those instructions, in order, as far as the
// chunks loaded so far tell.
func waiting(r linkfin.Records, rail string) (ids []string, first, last int64) {
	var q linkfin.PaymentQueue // absent until a chunk fills: chunk 0, from the first
	if _, err := r.Get(linkfin.KindPaymentQueue, rail, &q); err != nil {
		return nil, 0, -1
	}
	ids = slices.Clone(q.Pending[:min(len(q.Pending), linkfin.MaxFileTransfers)]) // shared: appended to below
	last = q.First - 1
	if need := linkfin.MaxFileTransfers - len(ids); need > 0 {
		// Chunk First may hold few still waiting: one more than the rest need.
		last = min(q.Last, q.First+1+int64((need+linkfin.QueueChunkSize-1)/linkfin.QueueChunkSize))
	}
	for n := q.First; n <= last && len(ids) < linkfin.MaxFileTransfers; n++ {
		var ch linkfin.PaymentQueueChunk
		if found, err := r.Get(linkfin.KindPaymentQueueChunk, linkfin.PaymentQueueChunkID(rail, n), &ch); err != nil || !found {
			break // not loaded yet (or the last, not begun): the next ones wait for it
		}
		from := 0
		if n == q.First {
			from = min(q.Filed, len(ch.IDs))
		}
		ids = append(ids, ch.IDs[from:min(len(ch.IDs), from+linkfin.MaxFileTransfers-len(ids))]...)
	}
	return ids, q.First, last
}

// DefaultDebtor is who a payment file pays from when the request names no account and
// the operator registered none (SetPaymentDebtor): a placeholder that names the
// platform, which a bank would not take.
var DefaultDebtor = linkfin.PaymentParty{Name: "linkfin", BankAccount: linkfin.BankAccount{Account: "linkfin-bank"}}

// SetPaymentDebtor registers the platform's own account that the bank rail's payment
// files pay from when a request names none (the operator): a name, an IBAN or another
// account id, and optionally the bank's BIC and CNAPS code and the holder's address.
// It applies to the files made after it. The same again changes nothing.
type SetPaymentDebtor struct {
	Debtor linkfin.PaymentParty
}

// Validate implements linkfin.Validator.
func (c *SetPaymentDebtor) Validate() error { return checkDebtor(&c.Debtor) }

// Keys implements linkfin.Command.
func (c *SetPaymentDebtor) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindPaymentDebtor, ID: RailBank}}
}

// Apply implements linkfin.Command.
func (c *SetPaymentDebtor) Apply(tx linkfin.Tx) (any, error) {
	var d linkfin.PaymentDebtor
	found, err := tx.Get(linkfin.KindPaymentDebtor, RailBank, &d)
	if err != nil {
		return nil, err
	}
	if found && sameParty(&d.Debtor, &c.Debtor) {
		return &d, nil
	}
	d = linkfin.PaymentDebtor{ID: RailBank, Debtor: c.Debtor, UpdatedAt: tx.Now()}
	d.Debtor.Address = clone(c.Debtor.Address)
	return &d, tx.Put(linkfin.KindPaymentDebtor, RailBank, &d, "payment_debtor.set")
}

// sameParty reports whether two payment parties name the same holder, account and
// address.
func sameParty(a, b *linkfin.PaymentParty) bool {
	return a.Name == b.Name && a.BankAccount == b.BankAccount && same(a.Address, b.Address)
}

// checkDebtor refuses a debtor a pain.001 document could not name.
func checkDebtor(d *linkfin.PaymentParty) error {
	if d.IBAN == "" && d.Account == "" {
		return linkfin.Errorf(linkfin.EINVALID, "the debtor has an iban or an account")
	}
	if err := linkfin.ValidateText("debtor name", d.Name, linkfin.MaxPartyName, false); err != nil {
		return err
	}
	return bankParty(d.Name, &d.BankAccount, d.Address).Check("the debtor")
}

// CreatePaymentFile gathers the instructions of a rail that wait in its queue, in the
// order they were made and up to linkfin.MaxFileTransfers, into a payment file to be
// executed on Date: each instruction is filed once. The operator sends the file's
// pain.001 document to the bank.
type CreatePaymentFile struct {
	Rail   string
	Date   linkfin.Date
	Debtor *linkfin.PaymentParty

	// listed are the instructions DependentKeys listed, the first waiting in the queue,
	// and chunks the first and last chunk of the queue it listed: the file takes no
	// other instruction, and reads no other chunk.
	listed []string
	chunks [2]int64
}

// Validate implements linkfin.Validator.
func (c *CreatePaymentFile) Validate() error {
	if c.Rail != RailBank {
		return linkfin.Errorf(linkfin.EINVALID, "payment files are of the bank rail: rail is %q", RailBank)
	}
	// A payment file has its execution date, bounded as an invoice's dates are: one
	// to be executed in 9999 would hold its instructions, filed once, for ever. None
	// (the zero date, 0001-01-01) is out of the range too.
	if err := linkfin.CheckDate("date", c.Date); err != nil {
		return err
	}
	if c.Debtor != nil {
		return checkDebtor(c.Debtor)
	}
	return nil
}

// Keys implements linkfin.Command: the rail's queue, and the account the operator
// registered for its files when the request names none.
func (c *CreatePaymentFile) Keys() []linkfin.ObjectKey {
	keys := []linkfin.ObjectKey{{Kind: linkfin.KindPaymentQueue, ID: c.Rail}}
	if c.Debtor == nil {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindPaymentDebtor, ID: c.Rail})
	}
	return keys
}

// DependentKeys implements linkfin.DependentCommand: the first instructions waiting in
// the queue and the chunks that list them, and the records of open items they join
// until a statement shows them paid.
func (c *CreatePaymentFile) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	ids, first, last := waiting(r, c.Rail)
	c.listed, c.chunks = ids, [2]int64{first, last}
	keys := make([]linkfin.ObjectKey, 0, int(max(last-first+1, 0))+2*len(ids))
	for n := first; n <= last; n++ {
		keys = append(keys, queueChunkKey(c.Rail, n))
	}
	var items []linkfin.OpenItem
	for _, id := range ids {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindCreditTransfer, ID: id})
		var ct linkfin.CreditTransfer
		if found, _ := r.Get(linkfin.KindCreditTransfer, id, &ct); found {
			items = append(items, linkfin.OpenItem{Kind: linkfin.KindCreditTransfer, ID: id, Currency: ct.Currency, Amount: ct.Amount, Date: c.Date})
		}
	}
	records, _ := groupItems(c.Rail, items)
	return append(keys, records...)
}

// debtor is who the file pays from: the request's, else the account the operator
// registered for the rail, else DefaultDebtor.
func (c *CreatePaymentFile) debtor(tx linkfin.Tx) (linkfin.PaymentParty, error) {
	if c.Debtor != nil {
		return *c.Debtor, nil
	}
	var d linkfin.PaymentDebtor
	found, err := tx.Get(linkfin.KindPaymentDebtor, c.Rail, &d)
	if err != nil || !found {
		return DefaultDebtor, err
	}
	return d.Debtor, nil
}

// take takes the instructions to file off the front of the queue q: those waiting, in
// order, up to linkfin.MaxFileTransfers and as far as DependentKeys listed them (one
// queued by an earlier command of the same batch waits for the next file).
func (c *CreatePaymentFile) take(tx linkfin.Tx, q *linkfin.PaymentQueue) ([]string, error) {
	var ids []string
	next := func(id string) bool {
		if len(ids) == len(c.listed) || c.listed[len(ids)] != id {
			return false
		}
		ids = append(ids, id)
		return true
	}
	n := 0
	for n < len(q.Pending) && next(q.Pending[n]) {
		n++
	}
	q.Pending = slices.Clone(q.Pending[n:])
	if len(q.Pending) > 0 {
		return ids, nil
	}
	for q.First <= q.Last && q.First <= c.chunks[1] && len(ids) < len(c.listed) {
		k := queueChunkKey(c.Rail, q.First)
		var ch linkfin.PaymentQueueChunk
		if _, err := tx.Get(k.Kind, k.ID, &ch); err != nil {
			return nil, err
		}
		for q.Filed < len(ch.IDs) && next(ch.IDs[q.Filed]) {
			q.Filed++
		}
		if q.Filed < len(ch.IDs) || q.First == q.Last {
			break
		}
		q.First, q.Filed = q.First+1, 0
	}
	return ids, nil
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
	ids, err := c.take(tx, q)
	if err != nil {
		return nil, err
	}
	if len(ids) == 0 {
		return nil, linkfin.Errorf(linkfin.ENOTHINGTOFILE, "no %s instruction waits to be filed", c.Rail)
	}
	debtor, err := c.debtor(tx)
	if err != nil {
		return nil, err
	}
	f := &linkfin.PaymentFile{ID: tx.NewID(linkfin.IDPrefix[linkfin.KindPaymentFile]), Rail: c.Rail, Date: c.Date,
		Debtor: debtor, Status: linkfin.PaymentFileCreated, Count: len(ids), CreatedAt: tx.Now()}
	for _, id := range ids {
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
			CreditorAccount: clone(ct.CreditorAccount), CreditorAddress: clone(ct.CreditorAddress), // each record holds its own
			Currency: ct.Currency, Amount: ct.Amount, Status: ct.Status})
	}
	// The document must be one the bank takes before the file is made.
	if err := iso20022.WritePain001(&bytes.Buffer{}, Pain001(f)); err != nil {
		return nil, err
	}
	if err := tx.Put(linkfin.KindPaymentQueue, q.ID, q, "payment_queue.updated"); err != nil {
		return nil, err
	}
	items := make([]linkfin.OpenItem, len(f.Transfers))
	for i := range f.Transfers {
		items[i] = transferItem(f, &f.Transfers[i])
	}
	if err := addOpenItems(tx, c.Rail, items...); err != nil {
		return nil, err
	}
	return f, tx.Put(linkfin.KindPaymentFile, f.ID, f, "payment_file.created")
}

// Pain001 is a payment file's pain.001 document. The debtor's account without an IBAN
// is named per currency when it is the platform's default.
func Pain001(f *linkfin.PaymentFile) *iso20022.CreditTransferInitiation {
	doc := &iso20022.CreditTransferInitiation{MessageID: f.ID, CreatedAt: f.CreatedAt, ExecutionDate: f.Date,
		Debtor: bankParty(f.Debtor.Name, &f.Debtor.BankAccount, f.Debtor.Address)}
	for _, t := range f.Transfers {
		cdtr := bankParty(t.Creditor, t.CreditorAccount, t.CreditorAddress)
		doc.Transfers = append(doc.Transfers, iso20022.CreditTransfer{EndToEndID: t.ID, Amount: t.Amount, Currency: t.Currency,
			Creditor: cdtr, Remittance: "linkfin withdrawal " + t.ID})
	}
	return doc
}

// returnID is the ledger id of the transfer that gives a rejected instruction's money
// back to its wallet.
func returnID(creditTransfer string) int64 { return linkfin.LedgerID("return/bank/" + creditTransfer) }

// ApplyPaymentStatus applies a bank's pain.002 status report to the payment file it
// answers: each instruction it accepts is accepted; each it rejects is rejected with the
// bank's reason, and its money goes back to the wallet it was paid from. A status is
// the transaction's own, else its payment information block's, else the whole
// message's. An instruction already rejected does not change again, nor one accepted
// but by its own rejection (a bank may accept a transaction technically, then reject
// it), so the same report twice changes nothing; a report of another file, or that names a
// transaction or block the file does not have, or that contradicts itself, is refused.
type ApplyPaymentStatus struct {
	FileID string
	Report *iso20022.StatusReport
}

// Validate implements linkfin.Validator: a report that contradicts itself, accepting
// and rejecting one instruction (iso20022.StatusReport.Check), is refused as a whole.
func (c *ApplyPaymentStatus) Validate() error {
	if c.Report == nil {
		return linkfin.Errorf(linkfin.EINVALID, "a status report is needed")
	}
	if err := c.Report.Check(); err != nil {
		return err
	}
	return linkfin.ValidateID("payment file id", c.FileID)
}

// Keys implements linkfin.Command: the file, and the bank rail's open items of a
// database made before they were kept by amount and date, which a rejected
// instruction leaves.
func (c *ApplyPaymentStatus) Keys() []linkfin.ObjectKey {
	return []linkfin.ObjectKey{{Kind: linkfin.KindPaymentFile, ID: c.FileID}, legacyItemsKey(RailBank)}
}

// DependentKeys implements linkfin.DependentCommand: the file's instructions, and the
// records of open items a rejected one leaves.
func (c *ApplyPaymentStatus) DependentKeys(r linkfin.Records) []linkfin.ObjectKey {
	var f linkfin.PaymentFile
	if found, err := r.Get(linkfin.KindPaymentFile, c.FileID, &f); err != nil || !found {
		return nil
	}
	keys := make([]linkfin.ObjectKey, 0, 2*len(f.Transfers))
	items := make([]linkfin.OpenItem, len(f.Transfers))
	for i, t := range f.Transfers {
		keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindCreditTransfer, ID: t.ID})
		items[i] = transferItem(&f, &t)
	}
	records, _ := groupItems(f.Rail, items)
	return append(keys, records...)
}

// LedgerKeys implements linkfin.LedgerCommand: the rail's and the wallets' accounts,
// and the returns, of every instruction of the file.
func (c *ApplyPaymentStatus) LedgerKeys(r linkfin.Records) (accounts, transfers []int64) {
	var f linkfin.PaymentFile
	if found, err := r.Get(linkfin.KindPaymentFile, c.FileID, &f); err != nil || !found {
		return nil, nil
	}
	for _, t := range f.Transfers {
		accounts = append(accounts, railID(f.Rail, t.Currency), linkfin.WalletID(t.OrgID, t.Currency))
		transfers = append(transfers, returnID(t.ID))
	}
	slices.Sort(accounts)
	return slices.Compact(accounts), transfers
}

// Apply implements linkfin.Command.
func (c *ApplyPaymentStatus) Apply(tx linkfin.Tx) (any, error) {
	if err := c.Validate(); err != nil {
		return nil, err
	}
	var f linkfin.PaymentFile
	found, err := tx.Get(linkfin.KindPaymentFile, c.FileID, &f)
	if err != nil {
		return nil, err
	}
	if !found {
		return nil, linkfin.Errorf(linkfin.ENOTFOUND, "payment file %s not found", c.FileID)
	}
	rep := c.Report
	if rep.OriginalMessageID != f.ID {
		return nil, linkfin.Errorf(linkfin.EINVALID, "the report answers message %q, not payment file %s", rep.OriginalMessageID, f.ID)
	}
	blocks := map[string]iso20022.PaymentStatus{}
	for _, p := range rep.Payments {
		if !slices.ContainsFunc(f.Transfers, func(t linkfin.PaymentFileTransfer) bool { return f.ID+"-"+string(t.Currency) == p.PaymentInformationID }) {
			return nil, linkfin.Errorf(linkfin.EINVALID, "the report answers payment information %q, which payment file %s does not have", p.PaymentInformationID, f.ID)
		}
		blocks[p.PaymentInformationID] = p
	}
	txs := map[string]iso20022.TransactionStatus{}
	for _, t := range rep.Transactions {
		if !slices.ContainsFunc(f.Transfers, func(ft linkfin.PaymentFileTransfer) bool { return ft.ID == t.EndToEndID }) {
			return nil, linkfin.Errorf(linkfin.EINVALID, "the report answers end-to-end id %q, which payment file %s does not have", t.EndToEndID, f.ID)
		}
		txs[t.EndToEndID] = t
	}
	changed := false
	for i, ft := range f.Transfers {
		status, reason := rep.GroupStatus, rep.GroupReason
		if b, ok := blocks[f.ID+"-"+string(ft.Currency)]; ok && b.Status != "" {
			status, reason = b.Status, b.Reason
		}
		t, own := txs[ft.ID]
		if own {
			status, reason = t.Status, t.Reason
		}
		var ct linkfin.CreditTransfer
		if found, err := tx.Get(linkfin.KindCreditTransfer, ft.ID, &ct); err != nil || !found {
			return nil, linkfin.Errorf(linkfin.EINTERNAL, "credit transfer %s of payment file %s is missing", ft.ID, f.ID)
		}
		// Answered before, nothing changes: but the bank may reject, by name, a
		// transaction it had accepted (technically, at first). One its statement shows
		// paid is past rejecting: a bank that takes it back books a credit.
		if ct.Status == linkfin.CreditTransferRejected || ct.Status == linkfin.CreditTransferBooked ||
			(ct.Status == linkfin.CreditTransferAccepted && !(own && iso20022.Rejected(status))) {
			continue
		}
		switch {
		case iso20022.Rejected(status):
			if reason == "" {
				reason = "rejected by the bank, no reason given"
			}
			if err := returnPayment(tx, f.Rail, &ct); err != nil {
				return nil, err
			}
			ct.Status, ct.Reason = linkfin.CreditTransferRejected, reason
			if err := tx.Put(linkfin.KindCreditTransfer, ct.ID, &ct, "credit_transfer.rejected"); err != nil {
				return nil, err
			}
			if err := closeItems(tx, f.Rail, transferItem(&f, &ft)); err != nil {
				return nil, err
			}
		case iso20022.Accepted(status):
			ct.Status = linkfin.CreditTransferAccepted
			if err := tx.Put(linkfin.KindCreditTransfer, ct.ID, &ct, "credit_transfer.accepted"); err != nil {
				return nil, err
			}
		default:
			continue // pending, received, or no status for it: later
		}
		f.Transfers[i].Status, f.Transfers[i].Reason = ct.Status, ct.Reason
		changed = true
	}
	if !changed {
		return &f, nil
	}
	f.Status = linkfin.PaymentFileReported
	if !slices.Contains(f.Reports, rep.MessageID) {
		f.Reports = append(f.Reports, rep.MessageID)
	}
	return &f, tx.Put(linkfin.KindPaymentFile, f.ID, &f, "payment_file.reported")
}

// returnPayment gives a rejected instruction's money back: from the rail to the wallet
// it was paid from.
func returnPayment(tx linkfin.Tx, railName string, ct *linkfin.CreditTransfer) error {
	rail, err := account(railID(railName, ct.Currency), ct.Currency, codeRail, 0)
	if err != nil {
		return err
	}
	wallet, _ := account(linkfin.WalletID(ct.OrgID, ct.Currency), ct.Currency, codeWallet, ledger.DebitsMustNotExceedCredits)
	if err := tx.CreateAccounts(rail, wallet); err != nil {
		return err
	}
	return tx.Transfer(ledger.Transfer{ID: returnID(ct.ID), DebitAccountID: rail.ID, CreditAccountID: wallet.ID,
		Amount: ct.Amount, Ledger: rail.Ledger, Currency: rail.Currency, Code: codeRail})
}

// WaitingToFile is how many of the rail's instructions wait for a payment file, for the
// operator: those the next file would take, at most linkfin.MaxFileTransfers.
func WaitingToFile(ctx context.Context, s linkfin.RecordReader, v linkfin.Viewer, rail string) (int, error) {
	if !v.Operator {
		return 0, linkfin.Errorf(linkfin.EFORBIDDEN, "the platform's operator files the rails' instructions")
	}
	r := &storeRecords{ctx: ctx, s: s}
	ids, _, _ := waiting(r, rail)
	return len(ids), r.err
}

// storeRecords reads a store's records for code written against linkfin.Records,
// outside a command; err keeps the first failure to read, which Get reports as absent.
type storeRecords struct {
	ctx context.Context
	s   linkfin.RecordReader
	err error
}

// Get implements linkfin.Records.
func (r *storeRecords) Get(kind, id string, v any) (bool, error) {
	o, err := r.s.Object(r.ctx, kind, id)
	if linkfin.ErrorCode(err) == linkfin.ENOTFOUND {
		return false, nil
	}
	if err == nil {
		err = json.Unmarshal(o.Data, v)
	}
	if err != nil && r.err == nil {
		r.err = err
	}
	return err == nil, err
}
