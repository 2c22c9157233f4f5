package ledger

import (
	"strconv"

	"linkfin"
)

// AppendAccountJSON appends the canonical JSON of an account, as hashed into the
// transparency log. It is written by hand because it runs on the hot path, and
// because its bytes are hashed: the field order and number format never change.
func AppendAccountJSON(b []byte, a *Account) []byte {
	b = append(b, `{"id":"`...)
	b = strconv.AppendInt(b, a.ID, 10)
	b = append(b, `","ledger":`...)
	b = strconv.AppendUint(b, uint64(a.Ledger), 10)
	b = append(b, `,"currency":`...)
	b = strconv.AppendQuote(b, a.Currency)
	b = append(b, `,"code":`...)
	b = strconv.AppendUint(b, uint64(a.Code), 10)
	b = append(b, `,"flags":`...)
	b = strconv.AppendUint(b, uint64(a.Flags), 10)
	b = append(b, `,"debits_pending":`...)
	b = strconv.AppendInt(b, a.DebitsPending, 10)
	b = append(b, `,"debits_posted":`...)
	b = strconv.AppendInt(b, a.DebitsPosted, 10)
	b = append(b, `,"credits_pending":`...)
	b = strconv.AppendInt(b, a.CreditsPending, 10)
	b = append(b, `,"credits_posted":`...)
	b = strconv.AppendInt(b, a.CreditsPosted, 10)
	b = append(b, `,"timestamp":`...)
	b = strconv.AppendInt(b, a.Timestamp, 10)
	return append(b, '}')
}

// AppendTransferJSON appends the canonical JSON of a transfer, as hashed into the
// transparency log. (PrevDebit and PrevCredit are navigation, not part of it.)
func AppendTransferJSON(b []byte, t *Transfer) []byte {
	b = append(b, `{"id":"`...)
	b = strconv.AppendInt(b, t.ID, 10)
	b = append(b, `","debit_account_id":"`...)
	b = strconv.AppendInt(b, t.DebitAccountID, 10)
	b = append(b, `","credit_account_id":"`...)
	b = strconv.AppendInt(b, t.CreditAccountID, 10)
	b = append(b, `","amount":`...)
	b = strconv.AppendInt(b, t.Amount, 10)
	b = append(b, `,"pending_id":"`...)
	b = strconv.AppendInt(b, t.PendingID, 10)
	b = append(b, `","ledger":`...)
	b = strconv.AppendUint(b, uint64(t.Ledger), 10)
	b = append(b, `,"currency":`...)
	b = strconv.AppendQuote(b, t.Currency)
	b = append(b, `,"code":`...)
	b = strconv.AppendUint(b, uint64(t.Code), 10)
	b = append(b, `,"flags":`...)
	b = strconv.AppendUint(b, uint64(t.Flags), 10)
	b = append(b, `,"timeout":`...)
	b = strconv.AppendUint(b, uint64(t.Timeout), 10)
	b = append(b, `,"timestamp":`...)
	b = strconv.AppendInt(b, t.Timestamp, 10)
	return append(b, '}')
}

// LogEvent gives the event its canonical JSON form, as the transparency log holds it;
// Seq is left to the caller.
func (ev *Event) LogEvent() linkfin.Event {
	out := linkfin.Event{Time: ev.Timestamp, Type: string(ev.Type)}
	if ev.Data != nil {
		out.Data = ev.Data
		return out
	}
	switch ev.Type {
	case EventAccountCreated, EventAccountClosed:
		out.Data = AppendAccountJSON(make([]byte, 0, 256), ev.Account)
	case EventTransferCreated:
		// The transfer's row holds the data: the store keeps only the reference and
		// re-encodes the row when the event is read (see linkfin.Event.TransferID).
		out.Data = AppendTransferJSON(make([]byte, 0, 256), ev.Transfer)
		out.TransferID = ev.Transfer.ID
	case EventPendingExpired:
		b := make([]byte, 0, 96)
		b = append(b, `{"id":"`...)
		b = strconv.AppendInt(b, ev.Transfer.ID, 10)
		b = append(b, `","amount":`...)
		b = strconv.AppendInt(b, ev.Transfer.Amount, 10)
		out.Data = append(b, '}')
	}
	return out
}
