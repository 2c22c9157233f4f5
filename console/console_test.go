package console

import (
	"io"
	"io/fs"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"regexp"
	"strings"
	"testing"
	"time"

	"linkfin"
)

func TestMoney(t *testing.T) {
	for _, tc := range []struct {
		l     Lang
		c     linkfin.Currency
		minor int64
		want  string
	}{
		{Chinese, "CNY", 123456, "¥1,234.56"},
		{English, "CNY", 123456, "CNY 1,234.56"},
		{English, "CNY", 5, "CNY 0.05"},
		{English, "CNY", 0, "CNY 0.00"},
		{Chinese, "CNY", -100_000_000_00, "-¥100,000,000.00"},
		{English, "JPY", 1234567, "JPY 1,234,567"},
		{English, "BHD", 1234567, "BHD 1,234.567"},
		{English, "USD", linkfin.MaxAmount, "USD 10,000,000,000,000.00"},
		{English, "CNY", -9223372036854775808, "-CNY 92,233,720,368,547,758.08"},
	} {
		if got := Money(tc.l, tc.c, tc.minor); got != tc.want {
			t.Errorf("Money(%s, %s, %d) = %q, want %q", tc.l, tc.c, tc.minor, got, tc.want)
		}
	}
}

func TestDate(t *testing.T) {
	d, err := linkfin.ParseDate("2027-01-29")
	if err != nil {
		t.Fatal(err)
	}
	if got := Date(Chinese, d); got != "2027年1月29日" {
		t.Errorf("Chinese: %q", got)
	}
	if got := Date(English, d); got != "29 Jan 2027" {
		t.Errorf("English: %q", got)
	}
}

// An instant is shown in China Standard Time, the platform's business time, saying
// so, and on its business date (linkfin.BusinessDate): 16:00 UTC is midnight in
// Beijing, where the day turns. Whatever the location the instant is read in.
func TestMoment(t *testing.T) {
	west := time.FixedZone("UTC-5", -5*3600)
	for _, tc := range []struct {
		at     time.Time
		en, zh string
		dayEn  string
		dayZh  string
	}{
		{time.Date(2027, 1, 29, 15, 59, 59, 0, time.UTC), "29 Jan 2027 23:59:59 China Standard Time", "北京时间 2027年1月29日 23:59:59", "29 Jan 2027", "2027年1月29日"},
		{time.Date(2027, 1, 29, 16, 0, 0, 0, time.UTC), "30 Jan 2027 00:00:00 China Standard Time", "北京时间 2027年1月30日 00:00:00", "30 Jan 2027", "2027年1月30日"},
		{time.Date(2027, 1, 29, 17, 0, 0, 0, time.UTC).In(west), "30 Jan 2027 01:00:00 China Standard Time", "北京时间 2027年1月30日 01:00:00", "30 Jan 2027", "2027年1月30日"},
		{time.Date(2026, 12, 31, 16, 0, 0, 0, time.UTC), "1 Jan 2027 00:00:00 China Standard Time", "北京时间 2027年1月1日 00:00:00", "1 Jan 2027", "2027年1月1日"},
	} {
		if got := Moment(English, tc.at); got != tc.en {
			t.Errorf("Moment(English, %s) = %q, want %q", tc.at, got, tc.en)
		}
		if got := Moment(Chinese, tc.at); got != tc.zh {
			t.Errorf("Moment(Chinese, %s) = %q, want %q", tc.at, got, tc.zh)
		}
		if got := Day(English, tc.at); got != tc.dayEn {
			t.Errorf("Day(English, %s) = %q, want %q", tc.at, got, tc.dayEn)
		}
		if got := Day(Chinese, tc.at); got != tc.dayZh {
			t.Errorf("Day(Chinese, %s) = %q, want %q", tc.at, got, tc.dayZh)
		}
	}
}

// Every string the pages use has a message, in both languages; and no message is
// left unused.
func TestMessagesComplete(t *testing.T) {
	for key, m := range messages {
		if strings.TrimSpace(m.en) == "" || strings.TrimSpace(m.zh) == "" {
			t.Errorf("message %q lacks a language: %+v", key, m)
		}
		if strings.Count(m.en, "%") != strings.Count(m.zh, "%") {
			t.Errorf("message %q: the languages take different arguments: %+v", key, m)
		}
	}
	used := map[string]bool{}
	uses := regexp.MustCompile(`\bt "([a-z0-9_.]+)"|T\("([a-z0-9_.]+)"|"([a-z_]+\.[a-z0-9_.]+)"`)
	for _, dir := range []fs.FS{templateFS} {
		fs.WalkDir(dir, ".", func(path string, d fs.DirEntry, err error) error {
			if err != nil || d.IsDir() {
				return err
			}
			b, _ := fs.ReadFile(dir, path)
			for _, m := range uses.FindAllStringSubmatch(string(b), -1) {
				used[m[1]+m[2]+m[3]] = true
			}
			return nil
		})
	}
	goFiles, _ := fs.Glob(os.DirFS("."), "*.go")
	for _, f := range goFiles {
		if strings.HasSuffix(f, "_test.go") || f == "i18n.go" {
			continue
		}
		b, _ := fs.ReadFile(os.DirFS("."), f)
		for _, m := range uses.FindAllStringSubmatch(string(b), -1) {
			used[m[1]+m[2]+m[3]] = true
		}
	}
	for key := range used {
		if _, ok := messages[key]; !ok && !strings.HasSuffix(key, ".") && strings.Count(key, ".") > 0 && !strings.Contains(key, "/") && !strings.HasSuffix(key, ".html") && !strings.HasSuffix(key, ".go") {
			t.Errorf("%q is used but has no message", key)
		}
	}
	for key := range messages {
		if !used[key] && !strings.HasPrefix(key, "status.") && !strings.HasPrefix(key, "reason.") && !strings.HasPrefix(key, "product.") && !strings.HasPrefix(key, "event.") && !strings.HasPrefix(key, "cap.") && !strings.HasPrefix(key, "code.") && !strings.HasPrefix(key, "role.") {
			t.Errorf("message %q is never used", key)
		}
	}
}

func TestParseLang(t *testing.T) {
	for in, want := range map[string]Lang{"zh": Chinese, "zh-CN": Chinese, "ZH-hans": Chinese, "en": English, "en-GB": English} {
		if got, ok := ParseLang(in); !ok || got != want {
			t.Errorf("ParseLang(%q) = %q, %v", in, got, ok)
		}
	}
	if _, ok := ParseLang("fr"); ok {
		t.Error("French is not spoken")
	}
}

// The language follows the choice, then the browser, then Chinese; the switch goes
// back to the page it was on, and never to another site.
func TestLanguage(t *testing.T) {
	c := New(nil, nil, nil, nil)
	for _, tc := range []struct{ accept, want string }{{"en-US,en;q=0.9", "Sign in"}, {"zh-CN", "登录"}, {"", "登录"}, {"fr, en;q=0.5", "Sign in"}} {
		req := httptest.NewRequest("GET", "/sign-in", nil)
		req.Header.Set("Accept-Language", tc.accept)
		rec := httptest.NewRecorder()
		c.ServeHTTP(rec, req)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Body.String(), "<h1>"+tc.want+"</h1>") {
			t.Errorf("Accept-Language %q: %d, want the page in %q", tc.accept, rec.Code, tc.want)
		}
	}
	for back, want := range map[string]string{"/sign-in": "/sign-in", "/orders?status=issued": "/orders?status=issued",
		"//evil.example/": "/", "https://evil.example/": "/", "/\\evil": "/", "": "/", "sign-in": "/"} {
		rec := httptest.NewRecorder()
		c.ServeHTTP(rec, httptest.NewRequest("GET", "/language?to=en&back="+url.QueryEscape(back), nil))
		if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != want {
			t.Errorf("back=%q: %d to %q, want %q", back, rec.Code, rec.Header().Get("Location"), want)
		}
		if ck := rec.Result().Cookies(); len(ck) != 1 || ck[0].Name != langCookie || ck[0].Value != "en" {
			t.Errorf("back=%q: cookies %v", back, ck)
		}
	}
	// The switch comes back to the page with its query: a list's filters, the page to
	// return to after signing in.
	rec := httptest.NewRecorder()
	c.ServeHTTP(rec, httptest.NewRequest("GET", "/sign-in?next=%2Forders%3Fstatus%3Dissued", nil))
	if want := `href="/language?to=en&amp;back=%2fsign-in%3fnext%3d%252Forders%253Fstatus%253Dissued"`; !strings.Contains(rec.Body.String(), want) {
		t.Errorf("the sign-in page's switch, want %s:\n%s", want, rec.Body.String())
	}
	// A browser drops tabs and line breaks from a URL: "/\t/evil.example" is
	// "//evil.example", another site. A control character is not text: such an address
	// is refused whole (TestAddressNotText), and sends the browser nowhere.
	for _, back := range []string{"/\t/evil.example", "/\n/evil.example", "/\r/evil.example", "/\x00/evil.example", "/\x7f"} {
		rec := httptest.NewRecorder()
		c.ServeHTTP(rec, httptest.NewRequest("GET", "/language?to=en&back="+url.QueryEscape(back), nil))
		if rec.Code != http.StatusBadRequest || rec.Header().Get("Location") != "" || len(rec.Result().Cookies()) != 0 {
			t.Errorf("back=%q: %d to %q, cookies %v", back, rec.Code, rec.Header().Get("Location"), rec.Result().Cookies())
		}
	}
	// sitePath, which the console asks of every address it sends a browser back to,
	// refuses them too.
	for _, back := range []string{"/\t/evil.example", "/\n/evil.example", "/\x00/evil.example", "/\x7f", "/\\evil", "//evil"} {
		if sitePath(back) {
			t.Errorf("sitePath(%q)", back)
		}
	}
}

// A page that needs someone signed in sends a stranger to sign in; a form posted
// without a session changes nothing.
func TestSignedOut(t *testing.T) {
	c := New(nil, nil, nil, nil)
	rec := httptest.NewRecorder()
	c.ServeHTTP(rec, httptest.NewRequest("GET", "/", nil))
	if rec.Code != http.StatusSeeOther || rec.Header().Get("Location") != "/sign-in" {
		t.Fatalf("home signed out: %d to %q", rec.Code, rec.Header().Get("Location"))
	}
	rec = httptest.NewRecorder()
	c.ServeHTTP(rec, httptest.NewRequest("POST", "/sign-out", nil))
	if rec.Code != http.StatusUnauthorized || rec.Header().Get("WWW-Authenticate") != `Cookie realm="linkfin", form-action="/sign-in", cookie-name="linkfin_session"` {
		t.Fatalf("sign-out signed out: %d, WWW-Authenticate %q", rec.Code, rec.Header().Get("WWW-Authenticate"))
	}
	// A form sent without a live session answers the sign-in form, saying nothing ran,
	// which goes back to the form's page.
	rec = httptest.NewRecorder()
	c.ServeHTTP(rec, httptest.NewRequest("POST", "/invoices/inv-1/approve", strings.NewReader("")))
	if page := rec.Body.String(); rec.Code != http.StatusUnauthorized || !strings.Contains(page, `action="/sign-in"`) ||
		!strings.Contains(page, `name="next" value="/invoices/inv-1"`) || !strings.Contains(page, Chinese.T("error.unauthorized")) {
		t.Fatalf("a form signed out: %d\n%s", rec.Code, page)
	}
	rec = httptest.NewRecorder()
	c.ServeHTTP(rec, httptest.NewRequest("GET", "/no/such/page", nil))
	if rec.Code != http.StatusNotFound || rec.Header().Get("X-Frame-Options") != "DENY" || rec.Header().Get("Strict-Transport-Security") != "" {
		t.Fatalf("an unknown page: %d, headers %v", rec.Code, rec.Header())
	}
	// Over HTTPS, the browser is told to keep to it (RFC 6797).
	rec = httptest.NewRecorder()
	c.ServeHTTP(rec, httptest.NewRequest("GET", "https://linkfin.example/sign-in", nil))
	if got := rec.Header().Get("Strict-Transport-Security"); rec.Code != http.StatusOK || got != "max-age=31536000" {
		t.Fatalf("the sign-in page over HTTPS: %d, Strict-Transport-Security %q", rec.Code, got)
	}
}

// A HEAD request reads as the GET of its path, signed in or not: it is not a form, and
// needs no token. A method a path does not take answers 405 with the methods it does,
// for any id alike; a path the console does not have stays not found.
func TestMethods(t *testing.T) {
	s := newSite(t)
	anchor := s.as("anchor", linkfin.RoleAdmin)
	for _, c := range []struct {
		who  *client
		path string
		code int
	}{{anchor, "/", http.StatusOK}, {anchor, "/invoices/inv-1", http.StatusOK}, {anchor, "/invoices/no-such", http.StatusNotFound},
		{s.browser(), "/", http.StatusSeeOther}, {s.browser(), "/sign-in", http.StatusOK}} {
		req, _ := http.NewRequest("HEAD", c.who.base+c.path, nil)
		resp, err := c.who.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.code {
			t.Errorf("HEAD %s: %d, want %d", c.path, resp.StatusCode, c.code)
		}
	}
	for _, c := range []struct{ method, path, allow string }{
		{"PUT", "/", "GET, HEAD"}, {"DELETE", "/invoices/inv-1", "GET, HEAD"}, {"OPTIONS", "/invoices", "GET, HEAD"},
		{"GET", "/invoices/inv-1/approve", "POST"}, {"PUT", "/invoices/no-such/approve", "POST"},
		{"PATCH", "/users", "GET, HEAD, POST"}, {"DELETE", "/sign-out", "POST"},
	} {
		req, _ := http.NewRequest(c.method, anchor.base+c.path, nil)
		resp, err := anchor.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != http.StatusMethodNotAllowed || resp.Header.Get("Allow") != c.allow || !strings.Contains(string(b), English.T("error.method")) { // the person's language
			t.Errorf("%s %s: %d, Allow %q\n%s", c.method, c.path, resp.StatusCode, resp.Header.Get("Allow"), b)
		}
	}
	req, _ := http.NewRequest("PUT", anchor.base+"/no/such/page", nil)
	if resp, err := anchor.c.Do(req); err != nil || resp.StatusCode != http.StatusNotFound {
		t.Fatalf("PUT of a path the console does not have: %v %v", resp.StatusCode, err)
	}
	// A path the console does not have reads, signed in, as a record not found does:
	// in the person's language, with its sections.
	code, missing := anchor.get("/no/such/page")
	_, record := anchor.get("/invoices/no-such")
	if code != http.StatusNotFound || !strings.Contains(missing, `<html lang="en">`) || !strings.Contains(missing, `href="/payables"`) ||
		strings.Replace(missing, "%2fno%2fsuch%2fpage", "%2finvoices%2fno-such", 1) != record {
		t.Fatalf("a path the console does not have, signed in: %d\n%s\nand a record not found:\n%s", code, missing, record)
	}
}

// Every answer of the console, a page, a download, a file of its own, a refusal, signed
// in or not, carries the same security headers: its own scripts and styles alone, no
// plug-in, no <base>, forms to itself, no framing, no sniffing, no referrer to another
// site, and a window of its own.
func TestSecurityHeaders(t *testing.T) {
	s := newSite(t)
	anchor := s.as("anchor", linkfin.RoleAdmin)
	want := map[string]string{
		"Content-Security-Policy":    "default-src 'self'; img-src 'self' data:; style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
		"X-Frame-Options":            "DENY",
		"X-Content-Type-Options":     "nosniff",
		"Referrer-Policy":            "same-origin",
		"Cross-Origin-Opener-Policy": "same-origin",
	}
	for _, c := range []struct {
		who  *client
		path string
		code int
	}{{anchor, "/", 200}, {anchor, "/invoices?format=csv", 200}, {anchor, "/static/console.css", 200}, {anchor, "/invoices/no-such", 404},
		{s.browser(), "/sign-in", 200}, {s.browser(), "/", 303}, {s.browser(), "/%00", 400}, {s.browser(), "/static/", 404}} {
		resp, err := c.who.c.Get(c.who.base + c.path)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != c.code {
			t.Errorf("%s: %d, want %d", c.path, resp.StatusCode, c.code)
		}
		for k, v := range want {
			if got := resp.Header.Get(k); got != v {
				t.Errorf("%s: %s %q, want %q", c.path, k, got, v)
			}
		}
	}
}

// Every reason code of the three-way match, and every status of an invoice or a
// certificate, has words in both languages.
func TestCodesHaveWords(t *testing.T) {
	for file, pattern := range map[string]string{
		"../invoice.go":     `Reason\w+\s*=\s*"([a-z_]+)"`,
		"../certificate.go": `Certificate\w+\s+CertificateStatus = "([a-z_]+)"`,
	} {
		src, err := os.ReadFile(file)
		if err != nil {
			t.Fatal(err)
		}
		prefix := "reason."
		if strings.Contains(pattern, "Status") {
			prefix = "status."
		}
		found := regexp.MustCompile(pattern).FindAllStringSubmatch(string(src), -1)
		if len(found) == 0 {
			t.Fatalf("no codes found in %s", file)
		}
		for _, m := range found {
			if _, ok := messages[prefix+m[1]]; !ok {
				t.Errorf("%s%s has no words", prefix, m[1])
			}
		}
	}
	for _, st := range []linkfin.InvoiceStatus{linkfin.InvoiceMatched, linkfin.InvoiceMismatched, linkfin.InvoiceApproved, linkfin.InvoiceDisputed} {
		if _, ok := messages["status."+string(st)]; !ok {
			t.Errorf("invoice status %s has no words", st)
		}
	}
	src, err := os.ReadFile("../financing.go")
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range regexp.MustCompile(`Financing\w+\s+FinancingStatus = "([a-z_]+)"`).FindAllStringSubmatch(string(src), -1) {
		if _, ok := messages["status."+m[1]]; !ok {
			t.Errorf("financing status %s has no words", m[1])
		}
	}
	src, err = os.ReadFile("../apikey.go")
	if err != nil {
		t.Fatal(err)
	}
	roles := regexp.MustCompile(`Role\w+\s+Role = "([a-z_]+)"`).FindAllStringSubmatch(string(src), -1)
	if len(roles) < 4 {
		t.Fatalf("%d roles found in apikey.go", len(roles))
	}
	for _, m := range roles {
		if _, ok := messages["role."+m[1]]; !ok {
			t.Errorf("role %s has no words", m[1])
		}
	}
	for _, c := range linkfin.Capabilities() {
		if _, ok := messages["cap."+string(c)]; !ok {
			t.Errorf("capability %s has no words", c)
		}
	}
	for _, pr := range linkfin.Products() {
		if _, ok := messages["product."+string(pr)]; !ok {
			t.Errorf("product %s has no words", pr)
		}
	}
}

// A platform message's dates read as the language writes them; the rest is as said.
func TestSaid(t *testing.T) {
	msg := "the quote expired at 2027-01-29; request a new one"
	if got := Said(Chinese, msg); got != "the quote expired at 2027年1月29日; request a new one" {
		t.Errorf("Chinese: %q", got)
	}
	if got := Said(English, msg); got != "the quote expired at 29 Jan 2027; request a new one" {
		t.Errorf("English: %q", got)
	}
	if got := Said(English, "order 2027-13-45 is 12-1"); got != "order 2027-13-45 is 12-1" {
		t.Errorf("not a date: %q", got)
	}
	// The day a person typed, however far from any the platform takes, is said.
	if got := Said(Chinese, "date is from 2000-01-01 to 2099-12-31, not 0001-01-01"); got != "date is from 2000年1月1日 to 2099年12月31日, not 0001-01-01" {
		t.Errorf("the zero date: %q", got)
	}
}

// The console's cookies are Secure over TLS, and over plain HTTP when it is reached
// over HTTPS through a proxy (Console.HTTPS); not otherwise.
func TestCookiesSecure(t *testing.T) {
	for _, proxied := range []bool{false, true} {
		c := New(nil, nil, nil, nil)
		c.HTTPS = proxied
		for _, target := range []string{"https://linkfin.example", "http://linkfin.example"} {
			for _, path := range []string{"/sign-in", "/language?to=en&back=/"} {
				req := httptest.NewRequest("GET", target+path, nil)
				rec := httptest.NewRecorder()
				c.ServeHTTP(rec, req)
				cookies := rec.Result().Cookies()
				if len(cookies) != 1 || cookies[0].Secure != (req.TLS != nil || proxied) {
					t.Errorf("%s%s, HTTPS %v: %d %+v", target, path, proxied, rec.Code, cookies)
				}
			}
		}
	}
}

// TestAddressNotText: an address of the console whose path or query parameter is not
// text once decoded (a NUL, bytes that are not UTF-8, a control character) is refused
// with 400 and a page that says so, on every one of its routes, signed in or not,
// before anything reads it: no page or record is named so, and PostgreSQL cannot even
// take such a name as a parameter.
func TestAddressNotText(t *testing.T) {
	src, err := os.ReadFile("console.go")
	if err != nil {
		t.Fatal(err)
	}
	s := newSite(t)
	anchor := s.as("anchor", linkfin.RoleAdmin)
	wildcard := regexp.MustCompile(`{[a-z]+}`)
	routes := regexp.MustCompile(`c\.mux\.HandleFunc\("(GET|POST) (/[^"]*)"`).FindAllStringSubmatch(string(src), -1)
	if len(routes) < 40 {
		t.Fatalf("%d routes found in console.go", len(routes))
	}
	for _, rt := range routes {
		method, path := rt[1], strings.TrimSuffix(rt[2], "{$}")
		var bad []string
		for _, v := range []string{"%00", "a%00b", "%FF", "%ED%A0%80", "%01"} {
			if wildcard.MatchString(path) {
				bad = append(bad, wildcard.ReplaceAllString(path, v))
			}
			bad = append(bad, wildcard.ReplaceAllString(path, "x1")+"?after="+v, wildcard.ReplaceAllString(path, "x1")+"?"+v+"=1")
		}
		for _, u := range bad {
			for _, c := range []*client{anchor, s.browser()} {
				req, err := http.NewRequest(method, c.base+u, strings.NewReader(""))
				if err != nil {
					t.Fatal(err)
				}
				req.Header.Set("Origin", c.base)
				resp, err := c.c.Do(req)
				if err != nil {
					t.Fatal(err)
				}
				b, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				said := strings.Contains(string(b), English.T("error.address")) || strings.Contains(string(b), Chinese.T("error.address"))
				if resp.StatusCode != http.StatusBadRequest || !said {
					t.Fatalf("%s %s: %d\n%s", method, u, resp.StatusCode, b)
				}
			}
		}
	}
	// Text in any script is an address, and names nothing here.
	if code, _ := anchor.get("/invoices/%E5%8F%91%E7%A5%A8"); code != http.StatusNotFound {
		t.Fatalf("an invoice named in Chinese: %d", code)
	}
}

// An amount reads as a person types it: with grouping commas and spaces, and in the
// full-width digits and punctuation of a Chinese input method; what is not an amount
// is refused as the platform refuses one.
func TestAmountTyped(t *testing.T) {
	for in, want := range map[string]int64{
		"1234.56": 123456, "1,234.56": 123456, " 1 234.5 ": 123450, "１２３４．５６": 123456,
		"１，２３４": 123400, "\u3000１２\u3000": 1200, "1\u00a0000": 100000,
	} {
		if got, err := amount(in, "CNY"); err != nil || got != want {
			t.Errorf("amount(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for _, in := range []string{"", "abc", "12.345", "１２．３４５", "1e5", "¥12"} {
		if got, err := amount(in, "CNY"); linkfin.ErrorCode(err) != linkfin.EINVALID {
			t.Errorf("amount(%q) = %d, %v; want %s", in, got, err, linkfin.EINVALID)
		}
	}
}

// A role reads in the person's language, on the users page and the account page; the
// form sends the role's name.
func TestRolesInLanguage(t *testing.T) {
	s := newSite(t)
	c := s.browser()
	if code, body := c.signIn(s.user("tier1", linkfin.RoleAdmin, "zh-CN"), password, ""); code != http.StatusSeeOther {
		t.Fatalf("sign in: %d\n%s", code, body)
	}
	_, users := c.get("/users")
	if !strings.Contains(users, "<td>管理员</td>") || strings.Contains(users, "<td>admin</td>") || !strings.Contains(users, `<option value="viewer">只读</option>`) {
		t.Fatalf("the users page in Chinese:\n%s", users)
	}
	if _, account := c.get("/account"); !strings.Contains(account, "<dd>管理员</dd>") {
		t.Fatalf("the account page in Chinese:\n%s", account)
	}
}

// The switch in the header changes the language of a person signed in too, whatever
// its user's own language; without a choice in the browser, the user's own is the
// page's, before the browser's.
func TestLanguageSwitchSignedIn(t *testing.T) {
	s := newSite(t)
	c := s.browser()
	name := s.user("tier1", linkfin.RoleFinance, string(Chinese))
	if code, body := c.signIn(name, password, ""); code != http.StatusSeeOther {
		t.Fatalf("signing in: %d\n%s", code, body)
	}
	page := func(accept string) string {
		t.Helper()
		req, _ := http.NewRequest("GET", c.base+"/invoices", nil)
		req.Header.Set("Accept-Language", accept)
		resp, err := c.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		b, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != http.StatusOK {
			t.Fatalf("/invoices: %d", resp.StatusCode)
		}
		return string(b)
	}
	if got := page("en"); !strings.Contains(got, `<html lang="zh-CN">`) || !strings.Contains(got, "<h1>"+Chinese.T("invoices.title")+"</h1>") {
		t.Fatalf("before the switch, want the user's own Chinese over the browser's English")
	}
	for _, to := range []Lang{English, Chinese, English} {
		if code, _ := c.get("/language?to=" + string(to) + "&back=%2Finvoices"); code != http.StatusSeeOther {
			t.Fatalf("switching to %s: %d", to, code)
		}
		if got := page("zh-CN"); !strings.Contains(got, `<html lang="`+string(to)+`">`) || !strings.Contains(got, "<h1>"+to.T("invoices.title")+"</h1>") ||
			!strings.Contains(got, `<span aria-current="true">`+to.Name()+`</span>`) {
			t.Fatalf("switched to %s, the page is not:\n%.600s", to, got)
		}
	}
}
