package services_test

import (
	"context"
	"reflect"
	"testing"

	"linkfin"
	"linkfin/services"
)

// jsonOnly hides a reader's values: services read its records' JSON.
type jsonOnly struct{ linkfin.RecordReader }

// A reader that hands records as values (services.ValueGetter) reads as one that hands
// their JSON: a split piece's lineage, its payable, invoice and order are the same
// either way, and an absent piece is not_found from both.
func TestReadValuesAsJSON(t *testing.T) {
	w := newWorld(t)
	parties(w)
	p := payable(w, "1", 1000, 1_000_00, "2027-01-29")
	w.must(&services.IssueCertificate{Actor: "anchor", ID: "c1", ProgramID: "auto-scf", PayableIDs: []string{p.ID}},
		&services.SplitCertificate{Actor: "tier1", ID: "c1", Pieces: []linkfin.Piece{{ID: "c1a", Face: 400_000_00}, {ID: "c1b", Face: 600_000_00}}})
	if _, ok := any(w.db).(services.ValueGetter); !ok {
		t.Fatal("memtx hands no values: the test compares nothing")
	}
	ctx := context.Background()
	byValue, err := services.CertificateLineage(ctx, w.db, "c1b")
	if err != nil {
		t.Fatal(err)
	}
	byJSON, err := services.CertificateLineage(ctx, jsonOnly{w.db}, "c1b")
	if err != nil {
		t.Fatal(err)
	}
	if len(byValue.Pieces) != 2 || len(byValue.Invoices) != 1 || len(byValue.Orders) != 1 {
		t.Fatalf("lineage of %d pieces, %d invoices, %d orders; want 2, 1, 1", len(byValue.Pieces), len(byValue.Invoices), len(byValue.Orders))
	}
	if !reflect.DeepEqual(byValue, byJSON) {
		t.Fatalf("read as values:\n%+v\nread as JSON:\n%+v", byValue, byJSON)
	}
	for _, r := range []linkfin.RecordReader{w.db, jsonOnly{w.db}} {
		if _, err := services.CertificateLineage(ctx, r, "c9"); linkfin.ErrorCode(err) != linkfin.ENOTFOUND {
			t.Errorf("%T: an absent piece's lineage: %v, want %s", r, err, linkfin.ENOTFOUND)
		}
	}
}
