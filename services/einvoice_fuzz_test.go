package services_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"slices"
	"testing"

	"linkfin"
	"linkfin/services"
	"linkfin/ubl"
)

// FuzzEInvoice reads arbitrary documents, starting from every published one, through
// to the stored invoice: parse, map, and create it against an order made to fit. It
// must never panic; every refusal carries a stable code; an invoice that maps is valid
// and keeps the document's totals; and one that is stored is stored as it was mapped,
// with the payable asking the document's PayableAmount.
func FuzzEInvoice(f *testing.F) {
	files, _ := filepath.Glob("../ubl/testdata/*.xml")
	more, _ := filepath.Glob("../ubl/testdata/cen*/*.[xX][mM][lL]")
	for _, name := range append(files, more...) {
		b, err := os.ReadFile(name)
		if err != nil {
			f.Fatal(err)
		}
		f.Add(b)
	}
	codes := []string{ubl.EINVALID, ubl.ETOOLARGE, services.ERULES, services.ETYPECODE, services.EUNBILLABLE, services.EREFERENCE,
		services.EDUEDATE, linkfin.EINVALID, linkfin.EOUTOFRANGE, linkfin.ETOOLONG, linkfin.EOVERFLOW}
	f.Fuzz(func(t *testing.T, body []byte) {
		doc, err := ubl.ParseLimit(bytes.NewReader(body), 1<<20)
		if err != nil {
			if !slices.Contains(codes, linkfin.ErrorCode(err)) {
				t.Fatalf("parse: code %q: %v", linkfin.ErrorCode(err), err)
			}
			return
		}
		if doc.Kind == ubl.KindCreditNote {
			n, ref, err := services.CreditNoteFromEInvoice(doc)
			if err != nil {
				if !slices.Contains(codes, linkfin.ErrorCode(err)) {
					t.Fatalf("credit note: code %q: %v", linkfin.ErrorCode(err), err)
				}
				return
			}
			if ref == "" || n.Amount != doc.Payable.Amount || n.Amount <= 0 || n.Number != doc.ID {
				t.Fatalf("credit note %+v for %q from %+v", n, ref, doc)
			}
			return
		}
		inv, err := services.InvoiceFromEInvoice(doc, "", "anchor")
		if err != nil {
			if !slices.Contains(codes, linkfin.ErrorCode(err)) {
				t.Fatalf("invoice: code %q: %v", linkfin.ErrorCode(err), err)
			}
			return
		}
		if c := doc.Check(); c != nil {
			t.Fatalf("mapped a document that breaks %q", c)
		}
		due, err := inv.Due()
		if err != nil || due != doc.Payable.Amount || inv.Total != doc.TaxInclusive.Amount || len(inv.Lines) != len(doc.Lines) {
			t.Fatalf("invoice %+v from %+v", inv, doc)
		}
		var sum int64
		for _, l := range inv.Lines {
			sum += l.Amount
		}
		if sum != doc.LineTotal.Amount || sum-inv.Allowance+inv.Charge != doc.TaxExclusive.Amount {
			t.Fatalf("lines %d, allowance %d, charge %d; document %+v", sum, inv.Allowance, inv.Charge, doc)
		}

		w := newWorld(t)
		parties(w)
		if inv.POID, err = tryOrder(w, inv); err != nil {
			return // no order can be made to fit it (a line nets to nothing, a price beyond bounds)
		}
		stored, err := run[linkfin.Invoice](w, &services.CreateInvoice{Actor: "tier1", Invoice: inv})
		if err != nil {
			if !slices.Contains(codes, linkfin.ErrorCode(err)) {
				t.Fatalf("create: code %q: %v", linkfin.ErrorCode(err), err)
			}
			return
		}
		if stored.Total != inv.Total || stored.Tax != inv.Tax || stored.Prepaid != inv.Prepaid || stored.Rounding != inv.Rounding ||
			!slices.EqualFunc(stored.Lines, inv.Lines, func(a, b linkfin.InvoiceLine) bool { return a.Amount == b.Amount && a.Quantity == b.Quantity }) {
			t.Fatalf("stored %+v, mapped %+v", stored, inv)
		}
		if stored.Status != linkfin.InvoiceMatched {
			return
		}
		p, err := run[linkfin.Payable](w, &services.ApproveInvoice{Actor: "anchor", ID: stored.ID})
		if err != nil || p.Amount != doc.Payable.Amount || p.DueDate != stored.DueDate {
			t.Fatalf("payable %+v, %v; document asks %v", p, err, doc.Payable)
		}
	})
}

// tryOrder is orderFor, answering an error where no order fits the invoice.
func tryOrder(w *world, inv linkfin.Invoice) (string, error) {
	program := ""
	if slices.Contains([]linkfin.Currency{"EUR", "CNY", "USD", "GBP"}, inv.Currency) {
		program = termsProgram(w, inv.Currency)
	}
	po := linkfin.PurchaseOrder{ID: "po-e", Number: "PO-E", SellerID: "tier1", ProgramID: program, Currency: inv.Currency}
	for _, l := range inv.Lines {
		i := slices.IndexFunc(po.Lines, func(p linkfin.POLine) bool { return p.LineID == l.LineID })
		if i < 0 {
			price, err := linkfin.RoundHalfEven(l.UnitPriceRat(inv.Currency.Exponent()))
			if err != nil || price < 1 {
				price = 1
			}
			po.Lines = append(po.Lines, linkfin.POLine{LineID: l.LineID, Item: "item", Unit: "pc", UnitPrice: price})
			i = len(po.Lines) - 1
		}
		po.Lines[i].Quantity += l.Quantity
	}
	receipt := linkfin.GoodsReceipt{ID: "gr-e", POID: po.ID}
	for _, l := range po.Lines {
		receipt.Lines = append(receipt.Lines, linkfin.ReceiptLine{LineID: l.LineID, Accepted: l.Quantity})
	}
	for _, c := range []linkfin.Command{&services.CreatePurchaseOrder{Actor: "anchor", Order: po},
		&services.AcceptPurchaseOrder{Actor: "tier1", ID: po.ID}, &services.CreateGoodsReceipt{Actor: "anchor", Receipt: receipt}} {
		if err := w.db.Run(context.Background(), c, new(json.RawMessage)); err != nil {
			return "", err
		}
	}
	return po.ID, nil
}
