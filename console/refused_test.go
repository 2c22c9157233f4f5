package console

import (
	"html/template"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/chromedp/chromedp"
	"github.com/chromedp/chromedp/kb"

	"linkfin"
)

// postFrom sends a form as a browser sends it from the page at referer.
func (c *client) postFrom(path, referer string, form url.Values) (int, string) {
	c.t.Helper()
	req, _ := http.NewRequest("POST", c.base+path, strings.NewReader(form.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	req.Header.Set("Origin", c.base)
	if referer != "" {
		req.Header.Set("Referer", referer)
	}
	resp, err := c.c.Do(req)
	if err != nil {
		c.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// control is the tag of the form control named name on a page (the first), or "".
func control(page, tag, name string) string {
	return regexp.MustCompile(`<` + tag + `[^>]*\bname="` + name + `"[^>]*>`).FindString(page)
}

// A refused form is answered with its page again, in the refusal's status: the refusal
// above it in the person's language, the form filled in as typed, the field at fault
// marked and tied to the refusal, and a new key, with which the corrected form goes
// through. A password is never written back into a page.
func TestRefusedFormAgain(t *testing.T) {
	s := certified(t)
	for lang, role := range map[Lang]linkfin.Role{Chinese: linkfin.RoleFinance, English: linkfin.RoleAdmin} {
		c := s.browser()
		if code, body := c.signIn(s.user("tier1", role, string(lang)), password, ""); code != http.StatusSeeOther {
			t.Fatalf("sign in: %d\n%s", code, body)
		}
		_, page := c.get("/pieces/C-1")
		key := hidden(page, "idempotency_key")
		form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {key}, "amount": {"12.345"}}
		code, again := c.postFrom("/pieces/C-1/split", c.base+"/pieces/C-1", form)
		if code != http.StatusBadRequest || !strings.Contains(again, `action="/pieces/C-1/split"`) {
			t.Fatalf("%s: a split of 12.345 is not its page again: %d\n%s", lang, code, again)
		}
		if !strings.Contains(again, `<div class="error" role="alert" id="refusal" tabindex="-1" autofocus>`) ||
			!strings.Contains(again, template.HTMLEscapeString(lang.T("form.amount"))) || !strings.Contains(again, "<code>invalid</code>") ||
			!strings.Contains(again, "<title>"+lang.T("error.title")+" · ") {
			t.Fatalf("%s: the refusal is not said above the page\n%s", lang, again)
		}
		in := control(again, "input", "amount")
		if !strings.Contains(in, `value="12.345"`) || !strings.Contains(in, `aria-invalid="true"`) || !strings.Contains(in, `aria-describedby="refusal"`) {
			t.Fatalf("%s: the amount field: %s", lang, in)
		}
		if hidden(again, "idempotency_key") == key || hidden(again, "csrf") != form.Get("csrf") {
			t.Fatalf("%s: the form drawn again keeps key %q, token %q", lang, hidden(again, "idempotency_key"), hidden(again, "csrf"))
		}
		if s.piece("C-1").Status != linkfin.CertificateActive {
			t.Fatal("a refused split changed the piece")
		}
	}

	// Corrected, with the key of the page drawn again, it goes through.
	c := s.as("tier1", linkfin.RoleAdmin)
	_, page := c.get("/pieces/C-1")
	form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}, "amount": {"abc"}}
	_, again := c.postFrom("/pieces/C-1/split", "", form) // no Referer: the page above the form's address
	form.Set("idempotency_key", hidden(again, "idempotency_key"))
	form.Set("amount", "４０，０００．００")
	if code, body := c.post("/pieces/C-1/split", form); code != http.StatusSeeOther {
		t.Fatalf("the corrected split: %d\n%s", code, body)
	}
	if c1 := s.piece("C-1"); c1.Status != linkfin.CertificateSplit || s.piece(c1.Children[0]).Face != 40_000_00 {
		t.Fatalf("after the corrected split C-1 is %+v", c1)
	}

	// The page is the Referer's, with its query, where it is the console's on this
	// host; another host's is not followed: the page is the form's, /payables (not a
	// payable named "certify").
	anchor := s.as("anchor", linkfin.RoleFinance)
	_, list := anchor.get("/payables?status=open")
	form = url.Values{"csrf": {hidden(list, "csrf")}, "idempotency_key": {hidden(list, "idempotency_key")}}
	code, again := anchor.postFrom("/payables/certify", anchor.base+"/payables?status=open&number=P%22X", form)
	if code == http.StatusSeeOther || code == http.StatusOK || !strings.Contains(again, `id="refusal"`) || !strings.Contains(control(again, "input", "number"), `value="P&#34;X"`) {
		t.Fatalf("certifying nothing from a filtered list: %d\n%s", code, again)
	}
	for _, from := range []string{"https://evil.example/payables?number=EVIL", anchor.base + "/payables?number=EVIL%00", anchor.base + "/payables?number=EVIL%FF", anchor.base + "//evil.example/payables?number=EVIL", anchor.base + "/no/such?number=EVIL"} {
		_, again = anchor.postFrom("/payables/certify", from, form)
		if !strings.Contains(again, `id="refusal"`) || !strings.Contains(again, `<form method="get" action="/payables"`) || strings.Contains(again, "EVIL") {
			t.Fatalf("from %s: %s", from, again)
		}
	}

	// What was ticked stays ticked, in that form alone.
	operator := s.as("", linkfin.RoleOperator)
	_, orgs := operator.get("/organizations")
	form = url.Values{"csrf": {hidden(orgs, "csrf")}, "idempotency_key": {hidden(orgs, "idempotency_key")},
		"id": {"not an id!"}, "name": {"Castings & Co"}, "capability": {"trade", "fund"}}
	code, again = operator.postFrom("/organizations", operator.base+"/organizations", form)
	newOrg := again[strings.Index(again, `action="/organizations" `):]
	if code != http.StatusBadRequest || !strings.Contains(newOrg, `value="trade" checked`) || !strings.Contains(newOrg, `value="fund" checked`) ||
		strings.Contains(newOrg, `value="anchor" checked`) || !strings.Contains(newOrg, `value="Castings &amp; Co"`) {
		t.Fatalf("a new organization refused: %d\n%s", code, again)
	}

	// The current password typed wrong: the account page again, saying so (not "sign
	// in"), the field marked, and no password written back.
	_, acct := c.get("/account")
	form = url.Values{"csrf": {hidden(acct, "csrf")}, "idempotency_key": {hidden(acct, "idempotency_key")}, "current": {"not it at all"}, "new": {"a new password, long enough"}}
	code, again = c.post("/account/password", form)
	if code != http.StatusUnauthorized || !strings.Contains(again, English.T("account.wrong_current")) || !strings.Contains(again, `action="/account/password"`) {
		t.Fatalf("a wrong current password: %d\n%s", code, again)
	}
	if in := control(again, "input", "current"); !strings.Contains(in, `aria-invalid="true"`) || strings.Contains(again, "not it at all") || strings.Contains(again, "long enough") {
		t.Fatalf("the password fields: %s\n%s", in, again)
	}
	if code, _ := c.get("/"); code != http.StatusOK {
		t.Fatalf("a wrong current password ended the session: %d", code)
	}
}

// A text that would show in another order than it is (a right-to-left override) is
// refused as the API refuses it; the page says so, and nothing changes.
func TestBidiOverrideRefused(t *testing.T) {
	s := newSite(t)
	anchor := s.as("anchor", linkfin.RoleFinance)
	_, page := anchor.get("/invoices/inv-1")
	form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}, "reason": {"short by \u202e001 units"}}
	code, again := anchor.postFrom("/invoices/inv-1/dispute", anchor.base+"/invoices/inv-1", form)
	if code != http.StatusBadRequest || !strings.Contains(again, "<code>invalid</code>") || !strings.Contains(again, "U&#43;202E") || !strings.Contains(again, `action="/invoices/inv-1/dispute"`) {
		t.Fatalf("a dispute with an override: %d\n%s", code, again)
	}
	if st := s.invoice("inv-1").Status; st != linkfin.InvoiceMatched {
		t.Fatalf("the refused dispute left the invoice %s", st)
	}
}

// In a real browser: a split of more decimals than the yuan has is refused on the
// piece's own page (the browser names it as the form's Referer), in Chinese, the amount
// still typed and marked; corrected there, the same form goes through.
func TestRefusedFormInBrowser(t *testing.T) {
	s := certified(t)
	j := s.signIn(t, "tier1", linkfin.RoleFinance, Chinese)
	j.open("/pieces/C-1?from=home")
	j.do(chromedp.SendKeys(chromedp.CSS("#split-amount"), "４０，０００．００５"))
	j.click(`form[action$="/split"] button`)
	j.shot("refused")
	got := must(t, j.ctx, chromedp.Evaluate[struct{ URL, Refusal, Value, Invalid, Described string }](`({URL: location.pathname,
		Refusal: document.querySelector("#refusal").innerText, Value: document.querySelector("#split-amount").value,
		Invalid: document.querySelector("#split-amount").getAttribute("aria-invalid"),
		Described: document.querySelector("#split-amount").getAttribute("aria-describedby")})`))
	if got.URL != "/pieces/C-1/split" || !strings.Contains(got.Refusal, Chinese.T("form.amount")) || got.Value != "４０，０００．００５" || got.Invalid != "true" || got.Described != "refusal" {
		t.Fatalf("the refused split in the browser: %+v", got)
	}
	// The refusal is focused as the page opens, and links to the field at fault by its
	// label: a person on the keyboard reads it, tabs to the link and is on the field.
	focus := func() string {
		return must(t, j.ctx, chromedp.Evaluate[string](`document.activeElement ? document.activeElement.id : "(none)"`))
	}
	if at := focus(); at != "refusal" {
		t.Fatalf("the refused page opens with %q focused, not the refusal", at)
	}
	link := must(t, j.ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('#refusal a')].map(a => a.getAttribute('href') + ' ' + a.innerText).join('|')`))
	label := must(t, j.ctx, chromedp.Evaluate[string](`document.querySelector('label[for="split-amount"]').innerText.trim()`))
	if link != "#split-amount "+label {
		t.Fatalf("the refusal links %q, want the amount field by its label %q", link, label)
	}
	j.do(chromedp.KeyEvent(kb.Tab))
	if href := must(t, j.ctx, chromedp.Evaluate[string](`document.activeElement.getAttribute('href') || document.activeElement.outerHTML`)); href != "#split-amount" {
		t.Fatalf("tab from the refusal reaches %q, not its link", href)
	}
	// Enter on the link puts the person on the field, and sends nothing: the field
	// does not take the key as its form's submission.
	j.do(chromedp.KeyEvent(kb.Enter))
	if at := focus(); at != "split-amount" {
		t.Fatalf("the refusal's link leads to %q, not the amount field", at)
	}
	if s.piece("C-1").Status != linkfin.CertificateActive {
		t.Fatal("a refused split changed the piece")
	}
	j.do(chromedp.SetValue(chromedp.CSS("#split-amount"), "40000"))
	j.click(`form[action$="/split"] button`)
	if c1 := s.piece("C-1"); c1.Status != linkfin.CertificateSplit || s.piece(c1.Children[0]).Face != 40_000_00 {
		t.Fatalf("the corrected split: %+v", c1)
	}
}

// A refused field without an id of its own (a line of an order's invoice, named by its
// aria-label) is given one, and the refusal links to it by its words; a field inside
// its label is named by the label's words.
func TestRefusalLinksItsField(t *testing.T) {
	page := `<div id="refusal"><p>no</p><p class="to-field">To correct: </p></div>` +
		`<form method="post" action="/x"><input name="quantity" aria-label="Quantity 1"><input name="quantity" aria-label="Quantity 2">` +
		`<label>Unit &amp; price <input name="price"></label></form>`
	for _, tc := range []struct {
		field string
		nth   int
		want  []string
	}{
		{"quantity", 1, []string{`<input name="quantity" aria-label="Quantity 2" aria-invalid="true" aria-describedby="refusal" id="field-quantity-1">`,
			`<p class="to-field">To correct: <a href="#field-quantity-1">Quantity 2</a></p>`}},
		{"price", -1, []string{`id="field-price-0"`, `<a href="#field-price-0">Unit &amp; price</a>`}},
	} {
		got := refill(page, &refused{field: tc.field, nth: tc.nth, form: url.Values{}, action: "/x"})
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s %d: want %s in\n%s", tc.field, tc.nth, w, got)
			}
		}
	}
}
