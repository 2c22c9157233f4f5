package services_test

import (
	"slices"
	"testing"

	"linkfin"
	"linkfin/services"
)

// records is a fixed set of records, read as a command's DependentKeys reads them.
type records map[linkfin.ObjectKey]any

func (r records) Get(kind, id string, v any) (bool, error) {
	rec, ok := r[linkfin.ObjectKey{Kind: kind, ID: id}]
	if !ok {
		return false, nil
	}
	switch v := v.(type) {
	case *linkfin.PurchaseOrder:
		*v = rec.(linkfin.PurchaseOrder)
	case *linkfin.Program:
		*v = rec.(linkfin.Program)
	default:
		panic("records: " + kind)
	}
	return true, nil
}

// An invoice's fingerprint keys are made once for the rounds of DependentKeys, and made
// again for what has changed since.
func TestCreateInvoiceDependentKeys(t *testing.T) {
	window := 3
	recs := records{
		{Kind: linkfin.KindPurchaseOrder, ID: "po-1"}: linkfin.PurchaseOrder{ID: "po-1", BuyerID: "anchor", SellerID: "tier1", ProgramID: "prog"},
		{Kind: linkfin.KindProgram, ID: "prog"}:       linkfin.Program{ID: "prog", DuplicateWindowDays: &window},
	}
	issued := linkfin.NewDate(2026, 11, 2)
	c := &services.CreateInvoice{Actor: "tier1", Invoice: linkfin.Invoice{POID: "po-1", BuyerID: "anchor", Currency: "CNY",
		Total: 1_000_00, IssueDate: issued}}
	want := func() []linkfin.ObjectKey {
		keys := []linkfin.ObjectKey{{Kind: linkfin.KindRelationship, ID: linkfin.RelationshipID("anchor", "tier1")},
			{Kind: linkfin.KindProgram, ID: "prog"}}
		for _, id := range linkfin.InvoiceFingerprintKeys("tier1", "anchor", "CNY", c.Invoice.Total, c.Invoice.IssueDate, window) {
			keys = append(keys, linkfin.ObjectKey{Kind: linkfin.KindInvoiceFingerprint, ID: id})
		}
		return keys
	}
	check := func() {
		t.Helper()
		if got := c.DependentKeys(recs); !slices.Equal(got, want()) {
			t.Fatalf("keys %v, want %v", got, want())
		}
	}
	check()
	// Asked again, as the prefetch does: the fingerprint keys are not made again,
	// only the list, the relationship's id and the order and program read into.
	if n := testing.AllocsPerRun(20, func() { c.DependentKeys(recs) }); n > 4 {
		t.Errorf("DependentKeys asked again makes %v allocations, want at most 4", n)
	}
	c.Invoice.Total++
	check()
	c.Invoice.IssueDate = issued.AddDays(1)
	check()
	window = 5
	recs[linkfin.ObjectKey{Kind: linkfin.KindProgram, ID: "prog"}] = linkfin.Program{ID: "prog", DuplicateWindowDays: &window}
	check()
}
