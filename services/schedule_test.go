package services

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"testing"
	"time"

	"linkfin"
)

// jsonRecords reads records as a store does: by their JSON.
type jsonRecords map[string][]any

func (r jsonRecords) Object(ctx context.Context, kind, id string) (*linkfin.Object, error) {
	objs, _ := r.ListObjects(ctx, kind, "", 1000)
	for i := range objs {
		if objs[i].ID == id {
			return &objs[i], nil
		}
	}
	return nil, linkfin.Errorf(linkfin.ENOTFOUND, "%s %s not found", kind, id)
}

func (r jsonRecords) ListObjects(_ context.Context, kind, after string, limit int) ([]linkfin.Object, error) {
	var out []linkfin.Object
	for _, v := range r[kind] {
		data, err := json.Marshal(v)
		if err != nil {
			return nil, err
		}
		var head struct {
			ID string `json:"id"`
		}
		if err := json.Unmarshal(data, &head); err != nil {
			return nil, err
		}
		if head.ID > after {
			out = append(out, linkfin.Object{Kind: kind, ID: head.ID, Version: 1, Data: data})
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ID < out[j].ID })
	if len(out) > limit {
		out = out[:limit]
	}
	return out, nil
}

// valueRecords hands the same records as values, and refuses to list them as JSON.
type valueRecords struct{ jsonRecords }

func (r valueRecords) ListObjects(ctx context.Context, kind, after string, limit int) ([]linkfin.Object, error) {
	switch kind {
	case linkfin.KindMaturity, linkfin.KindFinancing, linkfin.KindConditionalPayment:
		return nil, fmt.Errorf("%s listed as JSON", kind)
	}
	return r.jsonRecords.ListObjects(ctx, kind, after, limit)
}

func (r valueRecords) ScanValues(_ context.Context, kind string, fn func(v any) error) error {
	for _, v := range r.jsonRecords[kind] {
		if err := fn(v); err != nil {
			return err
		}
	}
	return nil
}

// Due reads a reader's values where it offers them (ValueScanner), and lists from them
// the same commands as from the records' JSON.
func TestDueReadsValues(t *testing.T) {
	now := time.Date(2026, 3, 10, 9, 0, 0, 0, time.UTC)
	today := linkfin.BusinessDate(now)
	held, later := now.Add(-time.Hour), now.Add(time.Hour)
	expired := today.AddDays(-1)
	records := jsonRecords{
		linkfin.KindMaturity: {
			&linkfin.Maturity{ID: "P-1@2026-03-09", ProgramID: "P-1", Date: today.AddDays(-1), Pieces: []string{"C-1"}},
			&linkfin.Maturity{ID: "P-1@2026-03-10", ProgramID: "P-1", Date: today},
			&linkfin.Maturity{ID: "P-1@2026-03-11", ProgramID: "P-1", Date: today.AddDays(1), Pieces: []string{"C-2"}},
		},
		linkfin.KindFinancing: {
			&linkfin.Financing{ID: "F-1", Quote: linkfin.Quote{DayCount: linkfin.ACT360}, Product: linkfin.ProductDistributorFinancing, Status: linkfin.FinancingDisbursed, DueDate: today.AddDays(-1)},
			&linkfin.Financing{ID: "F-2", Quote: linkfin.Quote{DayCount: linkfin.ACT360}, Product: linkfin.ProductDistributorFinancing, Status: linkfin.FinancingDisbursed, DueDate: today},
			&linkfin.Financing{ID: "F-3", Quote: linkfin.Quote{DayCount: linkfin.ACT360}, Product: linkfin.ProductFactoring, Status: linkfin.FinancingAccepted, HoldsUntil: &held},
			&linkfin.Financing{ID: "F-4", Quote: linkfin.Quote{DayCount: linkfin.ACT360}, Product: linkfin.ProductFactoring, Status: linkfin.FinancingAccepted, HoldsUntil: &later},
		},
		linkfin.KindConditionalPayment: {
			&linkfin.ConditionalPayment{ID: "CP-1", Status: linkfin.ConditionalLocked, ExpiresOn: &expired},
			&linkfin.ConditionalPayment{ID: "CP-2", Status: linkfin.ConditionalLocked},
		},
	}
	list := func(s linkfin.RecordReader) string {
		cs, err := Due(context.Background(), s, now)
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, c := range cs {
			out = append(out, fmt.Sprintf("%T%+v", c, c))
		}
		return fmt.Sprint(out)
	}
	want := `[*services.SettleMaturity&{ProgramID:P-1 Date:2026-03-09} *services.CloseDistributorLoan&{ID:F-1} *services.LapseFinancing&{ID:F-3} *services.SettleConditionalPayment&{ID:CP-1}]`
	if got := list(records); got != want {
		t.Fatalf("from JSON: %s, want %s", got, want)
	}
	if got := list(valueRecords{records}); got != want {
		t.Fatalf("from values: %s, want %s", got, want)
	}
	records[linkfin.KindFinancing] = append(records[linkfin.KindFinancing], linkfin.Financing{ID: "F-5"})
	if _, err := Due(context.Background(), valueRecords{records}, now); err == nil {
		t.Fatal("a financing handed as a linkfin.Financing, not a pointer: no error")
	}
}
