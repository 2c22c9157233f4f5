package services

import (
	"context"
	"encoding/json"
	"slices"
	"strconv"
	"strings"

	"linkfin"
)

// A rail's open items (what a statement's entries may settle) are kept in records of
// one kind, currency, date and amount each (linkfin.KindOpenItems), not in one list:
// an item joins and leaves its own record, so announcing a payment or filing an
// instruction costs the same with ten open items or ten thousand. A statement's entry
// names the records it could match without a list of them: those of its amount dated
// within linkfin.MatchWindowDays days of it, and the items and payment files whose ids
// it quotes. A database made before keeps the items then open in the rail's
// linkfin.KindReconciliation record, which they leave as before and no item joins.

// openItemsID names the record of a rail's open items of one kind, currency, date and
// amount.
func openItemsID(rail, kind string, c linkfin.Currency, date linkfin.Date, amount int64) string {
	b := make([]byte, 0, 64)
	b = append(b, rail...)
	b = append(b, '/')
	b = append(b, kind...)
	b = append(b, '/')
	b = append(b, c...)
	b = append(b, '/')
	b = append(b, date.String()...)
	b = append(b, '/')
	b = strconv.AppendInt(b, amount, 10)
	return string(b)
}

// openItemsKey is the record an open item of the rail joins.
func openItemsKey(rail string, it *linkfin.OpenItem) linkfin.ObjectKey {
	return linkfin.ObjectKey{Kind: linkfin.KindOpenItems, ID: openItemsID(rail, it.Kind, it.Currency, it.Date, it.Amount)}
}

// expectedItem is an expected payment's open item.
func expectedItem(ep *linkfin.ExpectedPayment) *linkfin.OpenItem {
	return &linkfin.OpenItem{Kind: linkfin.KindExpectedPayment, ID: ep.ID, OrgID: ep.OrgID, Currency: ep.Currency, Amount: ep.Amount, Date: ep.Date}
}

// creditTransferItem is the open item of an instruction filed in f.
func creditTransferItem(ct *linkfin.CreditTransfer, f *linkfin.PaymentFile) *linkfin.OpenItem {
	return &linkfin.OpenItem{Kind: linkfin.KindCreditTransfer, ID: ct.ID, OrgID: ct.OrgID, FileID: f.ID, Currency: ct.Currency,
		Amount: ct.Amount, Date: f.Date}
}

// transferItem is the open item of an instruction of a payment file.
func transferItem(f *linkfin.PaymentFile, t *linkfin.PaymentFileTransfer) linkfin.OpenItem {
	return linkfin.OpenItem{Kind: linkfin.KindCreditTransfer, ID: t.ID, OrgID: t.OrgID, FileID: f.ID, Currency: t.Currency,
		Amount: t.Amount, Date: f.Date}
}

// legacyItemsKey is the record of a database made before open items were kept by
// amount and date, listing the rail's open items then.
func legacyItemsKey(rail string) linkfin.ObjectKey {
	return linkfin.ObjectKey{Kind: linkfin.KindReconciliation, ID: rail}
}

// readOpenItems reads a record of open items (an absent one holds none).
func readOpenItems(tx linkfin.Tx, k linkfin.ObjectKey) (*linkfin.Reconciliation, error) {
	r := &linkfin.Reconciliation{ID: k.ID}
	if _, err := tx.Get(k.Kind, k.ID, r); err != nil {
		return nil, err
	}
	if r.Open == nil {
		r.Open = []linkfin.OpenItem{}
	}
	return r, nil
}

// addOpenItems makes items open on the rail: each joins the record of its kind, currency,
// date and amount, which the command lists.
func addOpenItems(tx linkfin.Tx, rail string, items ...linkfin.OpenItem) error {
	keys, byKey := groupItems(rail, items)
	for _, k := range keys {
		r, err := readOpenItems(tx, k)
		if err != nil {
			return err
		}
		r.Open = append(r.Open, byKey[k]...)
		if err := tx.Put(k.Kind, k.ID, r, "open_items.updated"); err != nil {
			return err
		}
	}
	return nil
}

// closeItems takes items out of the rail's open items: out of the records of their
// kind, currency, date and amount, and out of the list of a database made before
// those (legacyItemsKey), all of which the command lists.
func closeItems(tx linkfin.Tx, rail string, items ...linkfin.OpenItem) error {
	keys, _ := groupItems(rail, items)
	closing := make(map[linkfin.ObjectKey]bool, len(items))
	for _, it := range items {
		closing[linkfin.ObjectKey{Kind: it.Kind, ID: it.ID}] = true
	}
	for _, k := range append(keys, legacyItemsKey(rail)) {
		r, err := readOpenItems(tx, k)
		if err != nil {
			return err
		}
		n := len(r.Open)
		r.Open = slices.DeleteFunc(r.Open, func(o linkfin.OpenItem) bool { return closing[linkfin.ObjectKey{Kind: o.Kind, ID: o.ID}] })
		if len(r.Open) == n {
			continue
		}
		event := "open_items.updated"
		if k.Kind == linkfin.KindReconciliation {
			event = "reconciliation.updated"
		}
		if err := tx.Put(k.Kind, k.ID, r, event); err != nil {
			return err
		}
	}
	return nil
}

// groupItems groups items by the record of open items each is kept in: those records'
// keys, in the order of the items, and the items of each.
func groupItems(rail string, items []linkfin.OpenItem) ([]linkfin.ObjectKey, map[linkfin.ObjectKey][]linkfin.OpenItem) {
	var keys []linkfin.ObjectKey
	byKey := make(map[linkfin.ObjectKey][]linkfin.OpenItem, len(items))
	for i := range items {
		k := openItemsKey(rail, &items[i])
		if _, ok := byKey[k]; !ok {
			keys = append(keys, k)
		}
		byKey[k] = append(byKey[k], items[i])
	}
	return keys, byKey
}

// idDigits are the digits of the ids Tx.NewID gives, after the prefix and "_".
const idDigits = 13

// quotedIDs are the ids of the prefix's records (Tx.NewID's: prefix, "_" and thirteen
// base32 digits) that a squashed text quotes: as banks write them, upper-cased and
// without the "_", or as they are.
func quotedIDs(text, prefix string) []string {
	var ids []string
	for i := 0; ; {
		j := strings.Index(text[i:], prefix)
		if j < 0 {
			return ids
		}
		i += j
		digits := text[i+len(prefix):]
		if len(digits) < idDigits {
			return ids
		}
		if strings.IndexFunc(digits[:idDigits], func(r rune) bool { return !isIDDigit(r) }) < 0 {
			if id := prefix + "_" + digits[:idDigits]; !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
		i++
	}
}

// isIDDigit reports whether r is a digit of Crockford's base32 alphabet, lower-cased,
// as ids hold them.
func isIDDigit(r rune) bool {
	return r >= '0' && r <= '9' || r >= 'a' && r <= 'z' && r != 'i' && r != 'l' && r != 'o' && r != 'u'
}

// OpenItems lists the rail's open items: the instructions filed that no statement has
// shown paid, and the expected payments not yet received, by kind, currency and date
// (a database made before they were kept so lists the items open then first).
func OpenItems(ctx context.Context, s linkfin.RecordReader, rail string) ([]linkfin.OpenItem, error) {
	var out []linkfin.OpenItem
	if o, err := s.Object(ctx, linkfin.KindReconciliation, rail); err == nil {
		var r linkfin.Reconciliation
		if err := json.Unmarshal(o.Data, &r); err != nil {
			return nil, err
		}
		out = append(out, r.Open...)
	} else if linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
		return nil, err
	}
	prefix := rail + "/"
	after := prefix
	for {
		objs, err := s.ListObjects(ctx, linkfin.KindOpenItems, after, 500)
		if err != nil {
			return nil, err
		}
		for _, o := range objs {
			if !strings.HasPrefix(o.ID, prefix) {
				return out, nil
			}
			var r linkfin.Reconciliation
			if err := json.Unmarshal(o.Data, &r); err != nil {
				return nil, err
			}
			out = append(out, r.Open...)
		}
		if len(objs) < 500 {
			return out, nil
		}
		after = objs[len(objs)-1].ID
	}
}
