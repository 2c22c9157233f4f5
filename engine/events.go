package engine

import (
	"strconv"

	"linkfin"
	"linkfin/ledger"
)

// encodeEvent gives a ledger event its canonical JSON form. It is written by hand
// because it runs for every transfer on the hot path, and because the bytes are hashed
// into the log: the field order and number format must never change.
func encodeEvent(ev *ledger.Event) linkfin.Event {
	out := linkfin.Event{Time: ev.Timestamp, Type: string(ev.Type)}
	switch ev.Type {
	case ledger.EventAccountCreated, ledger.EventAccountClosed:
		out.Data = appendAccount(make([]byte, 0, 256), ev.Account)
	case ledger.EventTransferCreated:
		out.Data = appendTransfer(make([]byte, 0, 256), ev.Transfer)
	case ledger.EventPendingExpired:
		b := make([]byte, 0, 96)
		b = append(b, `{"id":"`...)
		b = strconv.AppendInt(b, ev.Transfer.ID, 10)
		b = append(b, `","amount":`...)
		b = strconv.AppendInt(b, ev.Transfer.Amount, 10)
		out.Data = append(b, '}')
	}
	return out
}

func appendAccount(b []byte, a *ledger.Account) []byte {
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

func appendTransfer(b []byte, t *ledger.Transfer) []byte {
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
