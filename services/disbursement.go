package services

import (
	"linkfin"
	"linkfin/ledger"
)

// How a financing of an order pays out. By default the funder pays the payee's
// wallet. A PO financing's advance may instead be locked in a conditional payment from
// the funder to the seller, released pro rata as the order's goods are accepted
// (on_receipt); a distributor loan may be paid into a purpose-bound wallet of the
// distributor's that pays the anchor alone (purpose_bound). Either is asked for with
// the quote, and done as the funder disburses, in the same command.

// CheckDisbursement refuses a way of paying out that the product does not have.
func CheckDisbursement(p linkfin.Product, m linkfin.DisbursementMode) error {
	switch {
	case m == "",
		m == linkfin.DisburseOnReceipt && p == linkfin.ProductPOFinancing,
		m == linkfin.DisbursePurposeBound && p == linkfin.ProductDistributorFinancing:
		return nil
	}
	return linkfin.Errorf(linkfin.EINVALID, "disbursement is on_receipt for po_financing, purpose_bound for distributor_financing, or none")
}

// disbursementLegs are the legs of the funder's payment: the price to the payee's
// wallet; or into a purpose-bound wallet opened now for the requester, which pays the
// payee alone; or none for an advance locked on receipt, which disbursedInto locks.
func disbursementLegs(tx linkfin.Tx, f *linkfin.Financing) ([]leg, error) {
	funder := linkfin.WalletID(f.FunderID, f.Currency)
	switch f.Disbursement {
	case linkfin.DisburseOnReceipt:
		return nil, nil
	case linkfin.DisbursePurposeBound:
		w := &linkfin.BoundWallet{ID: tx.NewID(linkfin.IDPrefix[linkfin.KindBoundWallet]), HolderID: f.RequesterID, GrantorID: f.FunderID,
			Currency: f.Currency, PayeeIDs: []string{f.PayeeID}, Funded: f.Quote.Price, CreatedAt: tx.Now(),
			Purpose: "financing " + f.ID + ": the goods of purchase order " + f.AssetID}
		w.Ledger = linkfin.StringInt(boundAccount(w.ID))
		a, err := account(int64(w.Ledger), w.Currency, codeBound, ledger.DebitsMustNotExceedCredits)
		if err != nil {
			return nil, err
		}
		if err := tx.CreateNewAccounts(a); err != nil {
			return nil, err
		}
		if err := tx.Put(linkfin.KindBoundWallet, w.ID, w, "purpose_bound_wallet.opened"); err != nil {
			return nil, err
		}
		f.BoundWalletID = w.ID
		return []leg{{"disbursement", funder, int64(w.Ledger), f.Quote.Price, codeWallet}}, nil
	}
	return []leg{{"disbursement", funder, linkfin.WalletID(f.PayeeID, f.Currency), f.Quote.Price, codeWallet}}, nil
}

// disbursedInto locks an advance paid on receipt: a conditional payment from the
// funder to the seller of the price, on the order's goods, pro rata.
func disbursedInto(tx linkfin.Tx, f *linkfin.Financing) error {
	if f.Disbursement != linkfin.DisburseOnReceipt {
		return nil
	}
	p := &linkfin.ConditionalPayment{ID: tx.NewID(linkfin.IDPrefix[linkfin.KindConditionalPayment]), PayerID: f.FunderID, PayeeID: f.PayeeID,
		Currency: f.Currency, Amount: f.Quote.Price, FinancingID: f.ID, Reference: "the advance of financing " + f.ID,
		Condition: linkfin.Condition{Type: linkfin.ConditionGoodsReceived, POID: f.AssetID, Release: linkfin.ReleaseProRata},
		Status:    linkfin.ConditionalLocked, CreatedAt: tx.Now()}
	if err := lockPayment(tx, p); err != nil {
		return err
	}
	f.ConditionalPaymentID = p.ID
	return nil
}
