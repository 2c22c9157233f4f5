package linkfin

import (
	"strconv"
	"strings"
	"testing"
)

// TestInputRules checks the rules every caller's input meets, whatever calls: line
// values by document, bounds, ids, texts and currencies.
func TestInputRules(t *testing.T) {
	po := func(q, price int64) error {
		o := PurchaseOrder{Number: "PO-1", Currency: "CNY", Lines: []POLine{{LineID: "1", Item: "disc", Quantity: q, Unit: "EA", UnitPrice: price}}}
		return o.Validate()
	}
	day, err := ParseDate("2026-11-02")
	if err != nil {
		t.Fatal(err)
	}
	inv := func(q, price, amount int64) error {
		i := Invoice{Number: "INV-1", Currency: "CNY", IssueDate: day, DueDate: day.AddDays(60), Tax: 0, Total: 100,
			Lines: []InvoiceLine{{LineID: "1", Quantity: q, UnitPrice: price, Amount: amount}}}
		return i.Validate()
	}
	wr := func(f func(*WarehouseReceipt)) error {
		w := WarehouseReceipt{OwnerID: "tier2", LotID: "LOT-1", Commodity: "copper", Quantity: 40, Unit: "t"}
		f(&w)
		return w.Validate()
	}
	for _, c := range []struct {
		name string
		err  error
		code string
	}{
		{"order line", po(100, 1000), ""},
		{"order of zero", po(0, 1000), EINVALID},
		{"order of less than nothing", po(-1, 1000), EINVALID},
		{"order at no price", po(1, 0), EINVALID},
		{"order at a negative price", po(1, -5), EINVALID},
		{"order of too many", po(MaxQuantity+1, 1), EOUTOFRANGE},
		{"order at too high a price", po(1, MaxPrice+1), EOUTOFRANGE},
		{"order line too large", po(MaxQuantity, MaxPrice), EOUTOFRANGE},
		{"invoice line", inv(1, 100, 100), ""},
		{"invoice line of another amount (the match's to judge)", inv(1, 100, 90), ""},
		{"invoice of zero", inv(0, 100, 0), EINVALID},
		{"invoice at a negative price", inv(1, -100, -100), EINVALID},
		{"invoice of too many", inv(MaxQuantity+1, 1, 1), EOUTOFRANGE},
		{"invoice amount beyond any", inv(1, 1, MaxAmount+1), EOUTOFRANGE},
		{"receipt", wr(func(*WarehouseReceipt) {}), ""},
		{"receipt commodity a path", wr(func(w *WarehouseReceipt) { w.Commodity = "../../etc/passwd" }), EINVALID},
		{"receipt commodity with a NUL", wr(func(w *WarehouseReceipt) { w.Commodity = "cop\x00per" }), EINVALID},
		{"receipt commodity of a megabyte", wr(func(w *WarehouseReceipt) { w.Commodity = strings.Repeat("c", 1<<20) }), EINVALID},
		{"receipt of too much", wr(func(w *WarehouseReceipt) { w.Quantity = MaxQuantity + 1 }), EOUTOFRANGE},
		{"receipt unit too long", wr(func(w *WarehouseReceipt) { w.Unit = strings.Repeat("t", MaxUnit+1) }), ETOOLONG},
		{"price mark", (&PriceMark{ID: "copper", Currency: "CNY", Price: 6_000_000}).Validate(), ""},
		{"price mark beyond", (&PriceMark{ID: "copper", Currency: "CNY", Price: MaxPrice + 1}).Validate(), EOUTOFRANGE},
		{"price mark in BTC", (&PriceMark{ID: "copper", Currency: "BTC", Price: 1}).Validate(), EINVALID},
		{"payment", CheckPayment("bank", "in-1", "tier1", "CNY", MaxAmount), ""},
		{"payment of 2^63-1", CheckPayment("bank", "in-1", "tier1", "CNY", 1<<63-1), EOUTOFRANGE},
		{"payment of nothing", CheckPayment("bank", "in-1", "tier1", "CNY", 0), EINVALID},
		{"payment without instruction", CheckPayment("bank", "", "tier1", "CNY", 1), EINVALID},
		{"payment in ZZZ", CheckPayment("bank", "in-1", "tier1", "ZZZ", 1), EINVALID},
		{"e-CNY payment in yuan", CheckPayment("ecny", "in-1", "tier1", "CNY", 1), ""},
		{"e-CNY payment in dollars", CheckPayment("ecny", "in-1", "tier1", "USD", 1), EINVALID},
		{"text with a NUL", ValidateText("reason", "a\x00b", MaxText, true), EINVALID},
		{"text with a newline", ValidateText("reason", "a\nb", MaxText, true), ""},
		{"text too long", ValidateText("reason", strings.Repeat("é", MaxText+1), MaxText, true), ETOOLONG},
		{"text not UTF-8", ValidateText("reason", "a\xffb", MaxText, true), EINVALID},
		{"text with a right-to-left override", ValidateText("name", "INV-\u202e1002", MaxName, false), EINVALID},
		{"text with an isolate", ValidateText("reason", "a\u2067b", MaxText, true), EINVALID},
		{"text with a left-to-right embedding", ValidateText("reason", "a\u202ab", MaxText, true), EINVALID},
		{"text with a right-to-left mark", ValidateText("name", "\u05d0\u200f-1", MaxName, false), ""},
		{"text in Arabic", ValidateText("name", "شركة النقل", MaxName, false), ""},
		{"number with a right-to-left override", ValidateNumber("number", "INV-\u202e1002"), EINVALID},
		{"number with a pop directional isolate", ValidateNumber("number", "INV-\u20691002"), EINVALID},
		{"number with a right-to-left mark", ValidateNumber("number", "INV-\u200f1002"), ""},
		{"name with a line separator", ValidateText("name", "Acme\u2028Castings", MaxName, false), EINVALID},
		{"name with a paragraph separator", ValidateText("name", "Acme\u2029Castings", MaxName, false), EINVALID},
		{"reason with a line separator", ValidateText("reason", "a\u2028b\u2029c", MaxText, true), ""},
		{"name with a byte order mark", ValidateText("name", "\ufeffAcme", MaxName, false), EINVALID},
		{"reason with a byte order mark", ValidateText("reason", "a\ufeffb", MaxText, true), EINVALID},
		{"name with a zero-width space", ValidateText("name", "AC\u200bME", MaxName, false), ""},
		{"name in Persian with a zero-width non-joiner", ValidateText("name", "می\u200cخواهم", MaxName, false), ""},
		{"name with an emoji of zero-width joiners", ValidateText("name", "\U0001F468\u200d\U0001F469\u200d\U0001F467 Foods", MaxName, false), ""},
		{"number with a line separator", ValidateNumber("number", "INV-1002\u2028"), EINVALID},
		{"number with a byte order mark", ValidateNumber("number", "\ufeffINV-1002"), EINVALID},
		{"organization named with a NUL", (&Organization{ID: "acme", Name: "Ac\x00me", Capabilities: []Capability{CapTrade}}).Validate(), EINVALID},
		{"id of 64", ValidateID("id", strings.Repeat("a", 64)), ""},
		{"id of 65", ValidateID("id", strings.Repeat("a", 65)), EINVALID},
		{"id with a dot first", ValidateID("id", ".a"), EINVALID},
	} {
		if got := ErrorCode(c.err); got != c.code {
			t.Errorf("%s: %v, want code %q", c.name, c.err, c.code)
		}
	}
	for _, code := range []string{"CNY", "EUR", "XCG", "ZWG", "SLE", "CLF", "KWD"} {
		if _, err := ParseCurrency(code); err != nil {
			t.Errorf("%s is an active ISO 4217 currency: %v", code, err)
		}
	}
	for _, code := range []string{"ZZZ", "BTC", "HRK", "SLL", "ZWL", "XAU", "XXX", "XTS", "cny", "CN"} {
		if _, err := ParseCurrency(code); ErrorCode(err) != EINVALID {
			t.Errorf("%s is no currency linkfin takes: %v", code, err)
		}
	}
	if MaxAmount >= 1<<53 || MaxPrice >= 1<<53 || MaxQuantity >= 1<<53 || MaxAmount > (1<<63-1)/9223 {
		t.Errorf("the maxima must stay below 2^53 and far below the ledger's overflow")
	}
}

// A line's field that fails its check is told with its line, in the field's words.
func TestLineErrorsNameTheLine(t *testing.T) {
	day, err := ParseDate("2026-11-02")
	if err != nil {
		t.Fatal(err)
	}
	inv := Invoice{Number: "INV-1", Currency: "CNY", IssueDate: day, DueDate: day.AddDays(60), Total: 100,
		Lines: []InvoiceLine{{LineID: "L7", Quantity: 1, UnitPrice: 100, Amount: MaxAmount + 1}}}
	po := PurchaseOrder{Number: "PO-1", Currency: "CNY", Lines: []POLine{{LineID: "L8", Item: "disc", Quantity: MaxQuantity + 1, Unit: "EA", UnitPrice: 1}}}
	unit := PurchaseOrder{Number: "PO-1", Currency: "CNY", Lines: []POLine{{LineID: "L9", Item: "disc", Quantity: 1, Unit: strings.Repeat("u", MaxUnit+1), UnitPrice: 1}}}
	gr := GoodsReceipt{Lines: []ReceiptLine{{LineID: "L6", Accepted: -1}}}
	for _, c := range []struct {
		err       error
		code, msg string
	}{
		{inv.Validate(), EOUTOFRANGE, "line L7: amount " + strconv.FormatInt(MaxAmount+1, 10) + " is beyond the maximum of "},
		{po.Validate(), EOUTOFRANGE, "line L8: quantity " + strconv.FormatInt(MaxQuantity+1, 10) + " is beyond the maximum of "},
		{unit.Validate(), ETOOLONG, "line L9: unit has " + strconv.Itoa(MaxUnit+1) + " characters"},
		{gr.ValidateLines(), EINVALID, "line L6: accepted is not negative, not -1"},
	} {
		if ErrorCode(c.err) != c.code || !strings.HasPrefix(ErrorMessage(c.err), c.msg) {
			t.Errorf("%v (%s), want %s %q…", c.err, ErrorCode(c.err), c.code, c.msg)
		}
	}
}

// TestProgramTolerancesBounded: a three-way match tolerance is a share of the order's
// own quantity or price, from 0 to 1; more is refused.
func TestProgramTolerancesBounded(t *testing.T) {
	rate := func(s string) Rate {
		r, err := ParseRate(s)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	for _, c := range []struct {
		qty, price string
		ok         bool
	}{{"0", "0", true}, {"1", "1", true}, {"0.02", "0.01", true}, {"1.0001", "0", false}, {"0", "1000", false}, {"1000", "5", false}} {
		p := Program{ID: "p", AnchorID: "a", Name: "P", Currency: "CNY", Limit: 1_000_00, Products: []Product{ProductFactoring},
			MaxTenorDays: 90, AdvanceRate: rate("0.8"), DayCount: ACT360, Calendar: "CN",
			Tolerances: MatchTolerances{QuantityRate: rate(c.qty), PriceRate: rate(c.price)}}
		err := p.Validate()
		if c.ok != (err == nil) || err != nil && (ErrorCode(err) != EINVALID || !strings.Contains(err.Error(), "tolerances.")) {
			t.Fatalf("tolerances %s and %s: %v", c.qty, c.price, err)
		}
	}
}
