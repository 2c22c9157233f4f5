package services

import (
	"bytes"
	"context"
	"encoding/json"
	"slices"
	"strings"

	"linkfin"
)

// What a party sees of a record it is party to. Read and List decide whether the
// viewer sees a record; Seen decides what of it: a party other than the one whose
// money or wallet a field names does not see that field, for it names what the party
// cannot read (a ledger account or transfer of another organization's wallet answers
// it not found). The operator, and the party the field belongs to, see it whole:
//
//   - a conditional payment: only its payer sees the ledger accounts of its designated
//     e-CNY wallet that hold the lock (ecny.payer_accounts) and the purpose-bound
//     wallet of its own it paid from (source_wallet_id); its payee sees the lock and
//     the transfer of each move on the platform's wallets, which touch its own wallet,
//     but not on the e-CNY rail, where they are the payer's wallet's; a milestone's
//     confirmer, none of them. A release waiting for room in the payee's e-CNY
//     wallet is recorded in words that name none of the wallet's figures (waitWords:
//     the log keeps them, and the payer reads the record's history), which the payee
//     reads of its own wallet (WaitingRoom); of a payment whose wait was recorded
//     before with the wallet's room and limit, only the payee sees them;
//   - a purpose-bound wallet: only its holder sees its ledger account (ledger_account),
//     not its grantor;
//   - an e-CNY payment between wallets its payer named: only the payer sees the
//     wallet it paid from (from_wallet_id); its payee sees its own;
//   - a financing paid into a purpose-bound wallet of its requester's: its payee does
//     not see the wallet (bound_wallet_id), which its requester holds and its funder
//     granted.
//
// A transfer between the payer's wallet and the payee's own (an e-CNY payment's, an
// early payment's or a settlement's ecny_transfer_id) touches the party's own wallet,
// and is left to both sides.
//
// The API's reads, lists and acts' answers, the console's pages and the webhooks'
// deliveries show a record as Seen does. The log keeps each record whole: a record's
// history and the audit events, which prove what was written, are not views
// (docs/API.md, What an organization sees).

// hides clear, in the record's value, the fields the viewer does not see, and report
// whether they cleared any; the viewer is an organization.
var hides = map[string]func(org string, value any) bool{
	linkfin.KindConditionalPayment: func(org string, value any) (cleared bool) {
		p := value.(*linkfin.ConditionalPayment)
		if w := p.Waiting; w != nil && org != p.PayeeID {
			// A release that waited before its words named no figures of the
			// payee's wallet (waitWords) named its room and limit.
			if before, _, ok := strings.Cut(w.Reason, "; the payee's e-CNY wallet may hold "); ok {
				w.Reason, cleared = before+"; "+waitWords, true
			}
		}
		if org == p.PayerID {
			return cleared
		}
		if p.ECNY != nil && p.ECNY.PayerAccounts != (linkfin.ECNYWalletLedger{}) {
			p.ECNY.PayerAccounts, cleared = linkfin.ECNYWalletLedger{}, true
		}
		if p.SourceWalletID != "" {
			p.SourceWalletID, cleared = "", true
		}
		if org != p.PayeeID || p.Rail == linkfin.RailECNY {
			if p.Lock != 0 {
				p.Lock, cleared = 0, true
			}
			for i := range p.Moves {
				if p.Moves[i].TransferID != 0 {
					p.Moves[i].TransferID, cleared = 0, true
				}
			}
		}
		return cleared
	},
	linkfin.KindBoundWallet: func(org string, value any) bool {
		w := value.(*linkfin.BoundWallet)
		if org == w.HolderID || w.Ledger == 0 {
			return false
		}
		w.Ledger = 0
		return true
	},
	linkfin.KindECNYPayment: func(org string, value any) bool {
		p := value.(*linkfin.ECNYPayment)
		if org == p.PayerID || p.From == "" {
			return false
		}
		p.From = ""
		return true
	},
	linkfin.KindFinancing: func(org string, value any) bool {
		f := value.(*linkfin.Financing)
		if org == f.FunderID || org == f.RequesterID || f.BoundWalletID == "" {
			return false
		}
		f.BoundWalletID = ""
		return true
	},
}

// marks are the JSON keys of the fields hides clears, by kind. Each is left out of a
// record's JSON when empty, so a record whose JSON names none of them has nothing to
// hide and is not decoded: most financings, for one, were paid into no purpose-bound
// wallet, and every act's answer on one passes through Seen.
var marks = map[string][][]byte{
	linkfin.KindConditionalPayment: {[]byte(`"payer_accounts"`), []byte(`"source_wallet_id"`), []byte(`"lock"`), []byte(`"transfer_id"`), []byte(`"waiting"`)},
	linkfin.KindBoundWallet:        {[]byte(`"ledger_account"`)},
	linkfin.KindECNYPayment:        {[]byte(`"from_wallet_id"`)},
	linkfin.KindFinancing:          {[]byte(`"bound_wallet_id"`)},
}

// Seen is a record's JSON as the viewer sees it: whole to the operator, and to a
// party without the fields that name what it cannot read (see hides). A record with
// nothing hidden from the viewer is answered as it is stored. The record is one the
// viewer sees (Read, List).
func Seen(v linkfin.Viewer, o *linkfin.Object) (json.RawMessage, error) {
	hide := hides[o.Kind]
	if v.Operator || hide == nil || !slices.ContainsFunc(marks[o.Kind], func(m []byte) bool { return bytes.Contains(o.Data, m) }) {
		return o.Data, nil
	}
	value := linkfin.NewRecord(o.Kind)
	if err := json.Unmarshal(o.Data, value); err != nil {
		return nil, err
	}
	if !hide(v.Org, value) {
		return o.Data, nil
	}
	return json.Marshal(value)
}

// seenValue clears, in a record's value of the kind, the fields the viewer does not
// see (as Seen does of its JSON).
func seenValue(v linkfin.Viewer, kind string, value any) {
	if hide := hides[kind]; hide != nil && !v.Operator {
		hide(v.Org, value)
	}
}

// ReadSeenAs decodes a record the viewer sees into out, a value of the kind's record
// type, as the viewer sees it (Seen).
func ReadSeenAs(ctx context.Context, s linkfin.PartyReader, v linkfin.Viewer, kind, id string, out any) error {
	o, err := Read(ctx, s, v, kind, id)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(o.Data, out); err != nil {
		return err
	}
	seenValue(v, kind, out)
	return nil
}
