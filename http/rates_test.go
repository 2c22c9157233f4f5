package http_test

import (
	"net/http"
	"reflect"
	"strings"
	"testing"

	"linkfin"
)

// TestAnnualRateBound: no annual rate a quote could be priced at is above 1, 100 % a
// year. A program's grade margin, early-payment APR or late rate above it, and a
// funder's pricing above it (alone, as a base rate plus a margin, or as a base rate
// plus one of the program's grade margins) are refused, 400 invalid, naming the field
// and the bound, and nothing is kept.
func TestAnnualRateBound(t *testing.T) {
	p := newPlatform(t)
	program := func(extra string) string {
		return `{"name":"Rates","currency":"CNY","limit":100000000,"products":["factoring"],"max_tenor_days":90,` +
			`"advance_rate":"0.8","day_count":"ACT/360","calendar":"CN","tolerances":{"quantity_rate":"0","price_rate":"0","amount_abs":0},` +
			`"buy_back":false` + extra + `}`
	}
	refused := func(r reply, field string) {
		t.Helper()
		prob := wantProblem(t, r, http.StatusBadRequest, linkfin.EINVALID)
		if !strings.Contains(prob.Detail, field+" is an annual rate of at most 1 (100 % a year)") {
			t.Errorf("detail %q does not name %s and the bound", prob.Detail, field)
		}
	}
	refused(p.as("anchor", "POST", "/v1/programs", program(`,"grades":[{"grade":"E","margin":"99999"}]`)), "grades: E's margin")
	refused(p.as("anchor", "POST", "/v1/programs", program(`,"late_rate":"1.5"`)), "late_rate")
	refused(p.as("anchor", "POST", "/v1/programs", strings.Replace(program(`,"early_payment_apr":"2"`), `["factoring"]`, `["dynamic_discounting"]`, 1)),
		"early_payment_apr")
	for field, pricing := range map[string]string{
		"pricing.fixed_rate":                 `{"fixed_rate":"99999"}`,
		"pricing.margin":                     `{"base_rate":"0.03","margin":"99999"}`,
		"pricing.base_rate + pricing.margin": `{"base_rate":"0.6","margin":"0.6"}`,
	} {
		refused(p.as("anchor", "POST", "/v1/programs/auto-scf/funders", `{"funder_id":"outsider","limit":100,"pricing":`+pricing+`}`), field)
	}
	var graded linkfin.Program
	wantJSON(t, p.as("anchor", "POST", "/v1/programs", program(`,"late_rate":"1","grades":[{"grade":"E","margin":"0.5"}]`)), http.StatusCreated, &graded)
	refused(p.as("anchor", "POST", "/v1/programs/"+graded.ID+"/funders", `{"funder_id":"outsider","limit":100,"pricing":{"base_rate":"0.6","margin":"0.01"}}`),
		"pricing.base_rate + grades: E's margin")
	for _, id := range []string{"auto-scf", graded.ID} {
		var prog linkfin.Program
		wantJSON(t, p.as("anchor", "GET", "/v1/programs/"+id, ""), http.StatusOK, &prog)
		if prog.Funder("outsider") != nil {
			t.Fatalf("program %s kept a refused invitation: %+v", id, prog.Funders)
		}
	}
	wantJSON(t, p.as("anchor", "POST", "/v1/programs/"+graded.ID+"/funders", `{"funder_id":"outsider","limit":100,"pricing":{"base_rate":"0.5","margin":"0.01"}}`),
		http.StatusOK, nil)
}

// TestDecimalsHaveOneSpelling: a decimal of a body (a rate, an invoice line's exact
// price) has no leading zero: "00.8" was read as 0.8. It answers 400 invalid naming
// the value, and nothing is made; the decimal's own spelling is taken.
func TestDecimalsHaveOneSpelling(t *testing.T) {
	p := newPlatform(t)
	base := p.snapshot()
	program := func(advance string) string {
		return `{"name":"Rates","currency":"CNY","limit":100000000,"products":["factoring"],"max_tenor_days":90,` +
			`"advance_rate":"` + advance + `","day_count":"ACT/360","calendar":"CN","tolerances":{"quantity_rate":"0","price_rate":"0","amount_abs":0},` +
			`"buy_back":false}`
	}
	for _, bad := range []string{"00.8", "0.8 ", "00", "01"} {
		prob := wantProblem(t, p.as("anchor", "POST", "/v1/programs", program(bad)), http.StatusBadRequest, linkfin.EINVALID)
		if !strings.Contains(prob.Detail, `"`+bad+`"`) {
			t.Errorf("advance_rate %q: detail %q does not name the value", bad, prob.Detail)
		}
	}
	if !reflect.DeepEqual(p.snapshot(), base) {
		t.Fatal("a refused program changed the store")
	}
	wantJSON(t, p.as("anchor", "POST", "/v1/programs", program("0.80")), http.StatusCreated, nil)
}
