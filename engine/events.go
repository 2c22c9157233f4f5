package engine

import (
	"strconv"

	"linkfin"
	"linkfin/ledger"
)

// encodeEvent gives a ledger event its canonical JSON form (see ledger/encode.go).
func encodeEvent(ev *ledger.Event) linkfin.Event {
	out := linkfin.Event{Time: ev.Timestamp, Type: string(ev.Type)}
	if ev.Data != nil {
		out.Data = ev.Data
		return out
	}
	switch ev.Type {
	case ledger.EventAccountCreated, ledger.EventAccountClosed:
		out.Data = ledger.AppendAccountJSON(make([]byte, 0, 256), ev.Account)
	case ledger.EventTransferCreated:
		// The transfer's row holds the data: the store keeps only the reference and
		// re-encodes the row when the event is read (see linkfin.Event.TransferID).
		out.Data = ledger.AppendTransferJSON(make([]byte, 0, 256), ev.Transfer)
		out.TransferID = ev.Transfer.ID
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
