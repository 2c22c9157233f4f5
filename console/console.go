// Package console is linkfin's web console: the pages the people of the supply chain
// work in, served by linkfin serve beside the API. It is a client of the domain as the
// API is: every read goes through services' visibility rules and every change is a
// command the engine runs, so the console has no rules of its own (DESIGN §4).
package console

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/base64"
	"encoding/json"
	"errors"
	"html/template"
	"io/fs"
	"log/slog"
	"maps"
	"net"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"linkfin"
	"linkfin/engine"
	lfhttp "linkfin/http"
	"linkfin/services"
)

//go:embed templates/*.html
var templateFS embed.FS

//go:embed static
var staticFS embed.FS

// maxForm bounds a posted form; maxUpload an uploaded e-invoice or bank statement, and
// the form that carries it, as the API bounds one (PEPPOL invoices embed their PDF; a
// month's statement of a busy account holds thousands of entries).
const (
	maxForm   = 1 << 20
	maxUpload = max(lfhttp.MaxEInvoiceBytes, lfhttp.MaxBankDocumentBytes)
)

// Cookie names.
const (
	sessionCookie = "linkfin_session"
	// formCookie holds the token a form carries before anyone has signed in (the
	// sign-in form): the form's hidden field must match it (double submit).
	formCookie = "linkfin_form"
)

// Person is who is signed in: a user of an organization (or of the operator), with
// the token the session's forms carry.
type Person struct {
	Viewer linkfin.Viewer
	UserID string
	Name   string
	Role   linkfin.Role
	Lang   Lang   // the user's language; "" for the request's
	CSRF   string // the session's form token
	// Caps is what the person's organization may do: the sections it has.
	Caps []linkfin.Capability

	session *services.SignedIn
}

// personOf is who a live session opens for.
func personOf(si *services.SignedIn) *Person {
	name := si.User.DisplayName
	if name == "" {
		name = si.User.Name
	}
	l, _ := ParseLang(si.User.Language)
	return &Person{Viewer: si.Viewer(), UserID: si.User.ID, Name: name, Role: si.Role(), Lang: l, CSRF: si.CSRF, session: si}
}

// CanAct reports whether the person may change anything: a viewer may not.
func (p *Person) CanAct() bool { return p.Role != linkfin.RoleViewer }

// Console serves the pages.
type Console struct {
	Store  linkfin.Store
	Engine *engine.Engine
	Auth   *services.Auth
	Logger *slog.Logger
	// HTTPS says that browsers reach the console over HTTPS though it serves plain HTTP
	// (a TLS-terminating proxy in front): its cookies are then marked Secure, as they
	// are for a request that came over TLS to it.
	HTTPS bool

	mux   *http.ServeMux
	pages map[Lang]map[string]*template.Template

	verifying  verifying          // the verification the operator started, while it runs
	background sync.WaitGroup     // what runs apart from requests
	lifetime   context.Context    // of what runs apart from requests
	stop       context.CancelFunc // Close
}

// New builds the console's router.
func New(s linkfin.Store, e *engine.Engine, auth *services.Auth, logger *slog.Logger) *Console {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	c := &Console{Store: s, Engine: e, Auth: auth, Logger: logger, mux: http.NewServeMux()}
	c.lifetime, c.stop = context.WithCancel(context.Background())
	c.verifying.now = c.now
	c.pages = parsePages()
	static, _ := fs.Sub(staticFS, "static")
	c.mux.Handle("GET /static/", http.StripPrefix("/static/", c.files(static)))
	c.mux.HandleFunc("GET /language", c.language)
	c.mux.HandleFunc("GET /sign-in", c.signInPage)
	c.mux.HandleFunc("POST /sign-in", c.signIn)
	c.mux.HandleFunc("POST /sign-out", c.person(c.signOut))
	c.mux.HandleFunc("GET /{$}", c.person(c.home))
	c.mux.HandleFunc("GET /pieces/{id}", c.person(c.piece))
	c.mux.HandleFunc("POST /pieces/{id}/split", c.person(c.splitPiece))
	c.mux.HandleFunc("POST /pieces/{id}/pass", c.person(c.passPiece))
	c.mux.HandleFunc("GET /offers", c.person(c.offersPage))
	c.mux.HandleFunc("GET /pieces", c.person(c.piecesPage))
	c.mux.HandleFunc("GET /offers/confirm", c.person(c.confirmOffer))
	c.mux.HandleFunc("POST /offers/take", c.person(c.takeOffer))
	c.mux.HandleFunc("GET /settlements", c.person(c.section(c.settlements)))
	c.mux.HandleFunc("POST /settlements/run", c.person(c.runSettlement))
	c.mux.HandleFunc("GET /webhooks", c.person(c.section(c.webhooks)))
	c.mux.HandleFunc("GET /organizations", c.person(c.section(c.organizations)))
	c.mux.HandleFunc("POST /organizations", c.person(c.createOrganization))
	c.mux.HandleFunc("POST /organizations/{id}/capabilities", c.person(c.setCapabilities))
	c.mux.HandleFunc("POST /organizations/{id}/bank-account/confirm", c.person(c.decideBankAccount(true)))
	c.mux.HandleFunc("POST /organizations/{id}/bank-account/reject", c.person(c.decideBankAccount(false)))
	c.mux.HandleFunc("GET /organization", c.person(c.organization))
	c.mux.HandleFunc("POST /organization/bank-account", c.person(c.setBankAccount))
	c.mux.HandleFunc("POST /organization/address", c.person(c.setAddress))
	c.mux.HandleFunc("GET /users", c.person(c.users))
	c.mux.HandleFunc("POST /users", c.person(c.createUser))
	c.mux.HandleFunc("POST /users/{id}", c.person(c.updateUser))
	c.mux.HandleFunc("POST /users/{id}/password", c.person(c.resetPassword))
	c.mux.HandleFunc("GET /account", c.person(c.account))
	c.mux.HandleFunc("POST /account/password", c.person(c.changePassword))
	c.mux.HandleFunc("POST /account/sessions/revoke", c.person(c.revokeSessions))
	c.mux.HandleFunc("POST /account/totp", c.person(c.enrollTOTP))
	c.mux.HandleFunc("POST /account/totp/confirm", c.person(c.confirmTOTP))
	c.mux.HandleFunc("GET /payables", c.person(c.section(c.payables)))
	c.mux.HandleFunc("POST /payables/certify", c.person(c.issueCertificate))
	c.mux.HandleFunc("GET /financings", c.person(c.section(c.financings)))
	c.mux.HandleFunc("GET /financings/{id}", c.person(c.financing))
	for _, step := range []string{"accept", "disburse", "cancel", "repay"} {
		c.mux.HandleFunc("POST /financings/{id}/"+step, c.person(c.financingAction(step)))
	}
	c.mux.HandleFunc("GET /invoices", c.person(c.section(c.invoices)))
	c.mux.HandleFunc("GET /invoices/{id}", c.person(c.invoice))
	c.mux.HandleFunc("POST /invoices/{id}/approve", c.person(c.approveInvoice))
	c.mux.HandleFunc("POST /invoices/{id}/dispute", c.person(c.disputeInvoice))
	c.mux.HandleFunc("POST /invoices/{id}/clear-hold", c.person(c.clearInvoiceHold))
	// The audit: the signed checkpoint, the log's key, an event's proof checked in the page.
	c.mux.HandleFunc("GET /audit", c.person(c.audit))
	c.mux.HandleFunc("GET /audit/event", c.person(c.findEvent))
	c.mux.HandleFunc("POST /audit/verify", c.person(c.verify))
	c.mux.HandleFunc("GET /audit/events/{seq}", c.person(c.auditEvent))
	// Warehouse receipts: the lots and their signed counts over time; the warehouse's
	// devices, registered with their public keys, and retired.
	c.mux.HandleFunc("GET /receipts", c.person(c.section(c.receipts)))
	c.mux.HandleFunc("GET /receipts/{id}", c.person(c.receipt))
	c.mux.HandleFunc("GET /devices", c.person(c.section(c.devices)))
	// The alert inbox of anchors, funders and the operator.
	c.mux.HandleFunc("GET /alerts", c.person(c.section(c.alerts)))
	c.mux.HandleFunc("POST /alerts/{id}/acknowledge", c.person(c.actOnAlert(false)))
	c.mux.HandleFunc("POST /alerts/{id}/resolve", c.person(c.actOnAlert(true)))
	c.mux.HandleFunc("POST /devices", c.person(c.registerDevice))
	c.mux.HandleFunc("POST /devices/{id}/retire", c.person(c.retireDevice))
	c.mux.HandleFunc("GET /payables/{id}", c.person(c.payable))
	// Purchase orders: the seller accepts, ships and invoices them.
	c.mux.HandleFunc("GET /orders", c.person(c.section(c.orders)))
	c.mux.HandleFunc("GET /orders/{id}", c.person(c.order))
	c.mux.HandleFunc("POST /orders/{id}/accept", c.person(c.acceptOrder))
	c.mux.HandleFunc("POST /orders/{id}/ship", c.person(c.shipOrder))
	c.mux.HandleFunc("POST /orders/{id}/invoice", c.person(c.invoiceOrder))
	c.mux.HandleFunc("POST /orders/{id}/invoice/ubl", c.person(c.uploadInvoice))
	// Charts: an anchor's program usage, a funder's portfolio and exposure.
	c.mux.HandleFunc("GET /programs", c.person(c.section(c.programs)))
	c.mux.HandleFunc("GET /programs/{id}", c.person(c.program))
	c.mux.HandleFunc("GET /programs/{id}/disclosure", c.person(c.disclosure))
	c.mux.HandleFunc("GET /exposure", c.person(c.section(c.exposure)))
	c.mux.HandleFunc("GET /scorecard", c.person(c.section(c.scorecard)))
	c.mux.HandleFunc("GET /declined", c.person(c.declined))
	// Dynamic discounting: the anchor's early payments, offered and made.
	c.mux.HandleFunc("GET /discounting", c.person(c.section(c.discounting)))
	c.mux.HandleFunc("POST /discounting/offer", c.person(c.offerEarlyPayment))
	// The bank's statements: the entries nothing matched, for the operator to assign.
	c.mux.HandleFunc("GET /bank", c.person(c.section(c.bankEntries)))
	c.mux.HandleFunc("POST /bank/entries/{id}/assign", c.person(c.assignBankEntry))
	c.mux.HandleFunc("POST /bank/statements", c.person(c.importStatement))
	c.mux.HandleFunc("GET /wallet", c.person(c.section(c.walletPage)))
	c.mux.HandleFunc("POST /wallet/withdraw", c.person(c.withdraw))
	c.mux.HandleFunc("POST /wallet/expected", c.person(c.expectPayment))
	c.mux.HandleFunc("POST /wallet/expected/{id}/cancel", c.person(c.cancelExpected))
	c.mux.HandleFunc("GET /payment-files", c.person(c.section(c.paymentFiles)))
	c.mux.HandleFunc("POST /payment-files", c.person(c.createPaymentFile))
	c.mux.HandleFunc("POST /payment-files/debtor", c.person(c.setPaymentDebtor))
	c.mux.HandleFunc("GET /payment-files/{id}/pain.001", c.person(c.paymentFileDocument))
	c.mux.HandleFunc("POST /payment-files/{id}/status", c.person(c.applyPaymentStatus))
	c.mux.HandleFunc("GET /ecny", c.person(c.section(c.ecnyWallets)))
	c.mux.HandleFunc("POST /ecny/open", c.person(c.openECNYWallet))
	c.mux.HandleFunc("POST /ecny/{id}/top-up", c.person(c.moveECNY("top-up")))
	c.mux.HandleFunc("POST /ecny/{id}/redeem", c.person(c.moveECNY("redeem")))
	c.mux.HandleFunc("POST /ecny/{id}/pay", c.person(c.payECNY))
	c.mux.HandleFunc("POST /ecny/{id}/designate", c.person(c.designateECNY))
	c.ecnyWalletRoutes()
	c.conditionalRoutes()
	c.mux.HandleFunc("/", c.notFound)
	return c
}

// addPages registers pages, each a template of its own, and the words they use beside
// messages (a word already there keeps its text).
func addPages(words map[string]message, names ...string) {
	pageNames = append(pageNames, names...)
	for k, m := range words {
		if _, ok := messages[k]; !ok {
			messages[k] = m
		}
	}
}

// pageNames are the pages, each a template of its own inside the layout.
var pageNames = []string{"signin", "home", "offers", "pieces", "notfound", "error", "invoices", "invoice", "piece", "financings", "financing", "payables", "offer", "settlements", "account", "users"}

// parsePages parses every page once per language, with t bound to the language.
func parsePages() map[Lang]map[string]*template.Template {
	out := make(map[Lang]map[string]*template.Template)
	for _, l := range Langs {
		out[l] = make(map[string]*template.Template)
		funcs := template.FuncMap{
			"t":       l.T,
			"money":   func(c linkfin.Currency, v int64) string { return Money(l, c, v) },
			"date":    func(d linkfin.Date) string { return Date(l, d) },
			"percent": Percent,
			"said":    func(msg string) string { return Said(l, msg) },
			"moment":  func(ns int64) string { return Moment(l, time.Unix(0, ns)) },
			"event":   func(typ string) string { return eventName(l, typ) },
			// day is an instant's business date (Day); when is the instant with its
			// time in China Standard Time, saying so (Moment): a template formats no
			// time of its own.
			"day":    func(t time.Time) string { return Day(l, t) },
			"when":   func(t time.Time) string { return Moment(l, t) },
			"base64": base64.StdEncoding.EncodeToString,
			// shown is a text a bank sent, with its bidirectional embeddings, overrides
			// and isolates shown as their code points (linkfin.ShowBidiControls): a
			// request's texts hold none, a bank's file may. Pages put it in a <bdi>,
			// so that a right-to-left name does not reorder what is beside it.
			"shown": linkfin.ShowBidiControls,
			// reason is a stable reason code in words; one without words shows as its code.
			"reason": func(code string) string {
				if _, ok := messages["reason."+code]; ok {
					return l.T("reason." + code)
				}
				return code
			},
			"cap": func(s string) string {
				if _, ok := messages["cap."+s]; ok {
					return l.T("cap." + s)
				}
				return s
			},
			"product": func(s string) string {
				if _, ok := messages["product."+s]; ok {
					return l.T("product." + s)
				}
				return s
			},
			"role": func(r linkfin.Role) string {
				if _, ok := messages["role."+string(r)]; ok {
					return l.T("role." + string(r))
				}
				return string(r)
			},
			"status": func(s string) string {
				if _, ok := messages["status."+s]; ok {
					return l.T("status." + s)
				}
				return s
			},
		}
		for _, name := range pageNames {
			out[l][name] = template.Must(template.New(name).Funcs(funcs).ParseFS(templateFS, "templates/layout.html", "templates/history.html", "templates/offercard.html", "templates/bankaccount.html", "templates/"+name+".html"))
		}
	}
	return out
}

// csp is the console's Content-Security-Policy: its own scripts, styles and images
// alone (no inline script or style, no plug-in), forms sent to itself, no <base> that
// would send its links and forms elsewhere, and no framing.
const csp = "default-src 'self'; img-src 'self' data:; style-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"

// ServeHTTP serves the console. Every answer forbids framing and sniffing, and keeps
// its pages out of shared caches; over HTTPS, it has the browser keep to HTTPS.
func (c *Console) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	h := w.Header()
	h.Set("X-Frame-Options", "DENY")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	h.Set("Content-Security-Policy", csp)
	h.Set("Cross-Origin-Opener-Policy", "same-origin")
	if c.secure(r) {
		h.Set("Strict-Transport-Security", lfhttp.HSTS)
	}
	if r.Body != nil {
		limit := int64(maxForm)
		if r.Method == http.MethodPost && (strings.HasSuffix(r.URL.Path, "/invoice/ubl") || r.URL.Path == "/bank/statements") {
			limit = maxUpload + maxForm // the document, and the rest of the form
		}
		r.Body = http.MaxBytesReader(w, r.Body, limit)
	}
	if lfhttp.CheckURL(r.URL) != nil {
		// No page or record is named so, and the stores read no such name.
		c.render(w, r, http.StatusBadRequest, "error", "error.title", nil, nil, langOf(r).T("error.address"))
		return
	}
	c.mux.ServeHTTP(w, r)
}

// view is what every page template gets.
type view struct {
	Lang  Lang
	Langs []Lang
	// Title is the page's title, where its template has no heading of its own (a
	// record's page names the record in its heading, and its title is that heading).
	Title  string
	Path   string
	Person *Person
	CSRF   string
	Error  string
	Data   any
	// Key is the idempotency key of the page's forms.
	Key string
	// Query is the page's query: a list's filters, to show them in its form.
	Query url.Values
	// Refusal is the error's code and the platform's message, beside Error.
	Refusal *refusal
	// Refused is the refusal of a form sent from this page, shown above it, and
	// focused as the page opens.
	Refused *refusal
	// Done is what the person's last form did, in words, said once on the page it
	// was sent back to (doneWith).
	Done string
	// RefusedField says that the refusal is of one of the form's fields, which the
	// refusal then links to (refill).
	RefusedField bool
	// Back is the page with its query (a list's filters, the page to return to after
	// signing in), for the language switch to come back to.
	Back string
}

// First is the page's address on the first page of its list paged by the query
// parameter key (a cursor): its query without key; "" where the page is the first.
// A person paging on a list goes back to its start by it, its filters kept.
func (v view) First(key string) string {
	if !v.Query.Has(key) {
		return ""
	}
	q := maps.Clone(v.Query)
	q.Del(key)
	return addressOf(v.Path, q)
}

// Filtered is the page's address with its list filtered by key to value (not by key,
// for ""), on its first page: the page's other filters kept, so that choosing a
// status keeps the counterparty, number and dates typed in the filter form.
func (v view) Filtered(key, value string) string {
	q := maps.Clone(v.Query)
	q.Del("after")
	q.Del(key)
	if value != "" {
		q.Set(key, value)
	}
	return addressOf(v.Path, q)
}

// addressOf is path with the query q, if any.
func addressOf(path string, q url.Values) string {
	if len(q) == 0 {
		return path
	}
	return path + "?" + q.Encode()
}

// langFor is the language a page for the person is drawn in: the one chosen with the
// switch in this browser, else the user's own (its admin's choice, the API's
// language), else the browser's. The switch is offered on every page, and a person
// who may not change its own user's language (a finance user, a viewer) changes it so.
func langFor(r *http.Request, p *Person) Lang {
	if l, ok := chosenLang(r); ok {
		return l
	}
	if p != nil && p.Lang != "" {
		return p.Lang
	}
	return langOf(r)
}

// pagePath is the page a page drawn in answer to r is, for its language links to
// come back to: r's own path when it is a page, else (a form's answer: POST
// /account/totp, /invoices/x/approve) the nearest page above it (the catch-all "/"
// answers not found, and is no page). A form's own address is its page only where a
// page has that very path (POST /users): /payables/certify and /ecny/open are forms
// whose last segment a record's page would take for an id, and their page is above.
func (c *Console) pagePath(r *http.Request) string {
	path := r.URL.Path
	if r.Method == http.MethodGet {
		return path
	}
	for own := true; path != "/" && path != ""; own = false {
		_, pattern := c.mux.Handler(&http.Request{Method: http.MethodGet, Host: r.Host, URL: &url.URL{Path: path}})
		if pattern != "" && pattern != "/" && !(own && strings.Contains(pattern, "{")) {
			return path
		}
		path = path[:strings.LastIndex(path, "/")]
	}
	return "/"
}

// render writes a page in the person's language (or the request's).
func (c *Console) render(w http.ResponseWriter, r *http.Request, status int, page, titleKey string, p *Person, data any, errText string) {
	c.renderView(w, r, status, page, titleKey, p, data, errText, nil)
}

// renderView renders a page with a refusal's code and particulars.
func (c *Console) renderView(w http.ResponseWriter, r *http.Request, status int, page, titleKey string, p *Person, data any, errText string, ref *refusal) {
	l := langFor(r, p)
	rf := refusedOf(r)
	if rf != nil && status != http.StatusOK {
		// The page the refused form came from could not be drawn: the refusal alone.
		page, titleKey, data, status, errText, ref = "error", "error.title", nil, rf.status, rf.ref.Text, &rf.ref
	}
	v := view{Lang: l, Langs: Langs, Title: l.T(titleKey), Path: c.pagePath(r), Person: p, Error: errText, Data: data, Key: formKey(), Query: r.URL.Query(), Refusal: ref}
	v.Back = v.Path
	if v.Path == r.URL.Path && r.URL.RawQuery != "" {
		v.Back += "?" + r.URL.RawQuery
	}
	if rf != nil && page != "error" {
		status, v.Refused, v.RefusedField = rf.status, &rf.ref, rf.field != "" // the title begins with the error's word
	}
	if p != nil {
		v.CSRF = p.CSRF
		if status == http.StatusOK && safe(r) {
			v.Done = c.takeDone(w, r, p)
		}
	}
	if page == "signin" {
		v.CSRF = c.formToken(w, r)
	}
	var b strings.Builder
	if err := c.pages[l][page].ExecuteTemplate(&b, "layout", v); err != nil {
		c.Logger.Error("console: render", "page", page, "err", err)
		http.Error(w, l.T("error.internal"), http.StatusInternalServerError)
		return
	}
	out := b.String()
	if v.Refused != nil {
		out = refill(out, rf)
	}
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	if status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", challenge)
	}
	w.WriteHeader(status)
	w.Write([]byte(out))
}

// challenge is what a 401 of the console asks for (RFC 9110 §11.6.1 wants one on
// every 401): no scheme of HTTP's own, but a session cookie that its sign-in form
// sets, said in the Cookie scheme's terms that browsers ignore and other clients can
// read (realm, the form's action, the cookie's name).
var challenge = `Cookie realm="linkfin", form-action="/sign-in", cookie-name="` + sessionCookie + `"`

// person wraps a page that needs someone signed in: without a live session it sends
// the browser to sign in. A form posted to it must carry the session's token.
func (c *Console) person(page func(http.ResponseWriter, *http.Request, *Person)) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		// Nothing a person sees, a page or a download (a CSV, a payment file), is
		// kept by a cache.
		w.Header().Set("Cache-Control", "no-store")
		if c.refuseTwice(w, r, sessionCookie) {
			return
		}
		var p *Person
		if ck, err := r.Cookie(sessionCookie); err == nil && c.Auth != nil {
			si, err := c.Auth.Authenticate(r.Context(), ck.Value)
			switch {
			case err == nil:
				p = personOf(si)
				if p.Caps, err = c.capabilities(r.Context(), p.Viewer); err != nil {
					c.fail(w, r, p, err)
					return
				}
			case linkfin.ErrorCode(err) != linkfin.EUNAUTHORIZED:
				c.fail(w, r, nil, err)
				return
			}
		}
		if p == nil {
			if safe(r) {
				// Signed in, the person comes back here.
				to := "/sign-in"
				if r.URL.Path != "/" {
					to += "?" + url.Values{"next": {r.URL.RequestURI()}}.Encode()
				}
				http.Redirect(w, r, to, http.StatusSeeOther)
				return
			}
			// A form sent once the session has ended (or never was): nothing ran. The
			// sign-in form, which goes back to the form's page.
			c.render(w, r, http.StatusUnauthorized, "signin", "signin.title", nil, signInView{Next: returnTo(c.pagePath(r))}, langOf(r).T("error.unauthorized"))
			return
		}
		if !safe(r) && !sameForm(r, p.CSRF) {
			c.render(w, r, http.StatusForbidden, "error", "error.title", p, nil, langOf(r).T("error.csrf"))
			return
		}
		// A form of a section's page (its page is the section's, not a record's) is
		// not found by an organization without the section, as the page is not: it
		// is told neither that the form is there nor what it would take.
		if s := sectionOf(c.pagePath(r)); !safe(r) && s != nil && !p.has(s) {
			c.fail(w, r, p, linkfin.Errorf(linkfin.ENOTFOUND, "no such page"))
			return
		}
		// An organization that requires a second factor gives a user without one a
		// session that only sets one up: the account page and signing out.
		if p.session != nil && p.session.Session.EnrollOnly && r.URL.Path != "/sign-out" && !strings.HasPrefix(r.URL.Path, "/account") {
			if safe(r) {
				http.Redirect(w, r, "/account", http.StatusSeeOther)
				return
			}
			c.render(w, r, http.StatusForbidden, "error", "error.title", p, nil, langFor(r, p).T("account.enroll_first"))
			return
		}
		page(w, r, p)
	}
}

// safe reports whether r only reads: a GET, or a HEAD, which the router serves as the
// GET of its path (a link checker, a monitor, curl -I). Anything else is a form, which
// must carry its token.
func safe(r *http.Request) bool { return r.Method == http.MethodGet || r.Method == http.MethodHead }

// capabilities are what the viewer's organization may do (the operator: operate). An
// organization granted operate runs nothing of the platform through it: the API
// answers only the operator's keys on the operator's routes, so the console offers
// the operator's sections to the operator alone.
func (c *Console) capabilities(ctx context.Context, v linkfin.Viewer) ([]linkfin.Capability, error) {
	if v.Operator {
		return []linkfin.Capability{linkfin.CapOperate}, nil
	}
	o, err := c.Store.Object(ctx, linkfin.KindOrganization, v.Org)
	if linkfin.ErrorCode(err) == linkfin.ENOTFOUND {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	var org linkfin.Organization
	if err := json.Unmarshal(o.Data, &org); err != nil {
		return nil, err
	}
	return slices.DeleteFunc(org.Capabilities, func(c linkfin.Capability) bool { return c == linkfin.CapOperate }), nil
}

// crossOrigin tells a browser's request from another origin, as the API does: by
// Sec-Fetch-Site, or else Origin against Host (an opaque origin, "null", is another).
var crossOrigin = http.NewCrossOriginProtection()

// sameForm checks a posted form: it comes from this site and carries the token, once.
func sameForm(r *http.Request, token string) bool {
	if crossOrigin.Check(r) != nil {
		return false
	}
	got := postedValues(r, "csrf")
	return token != "" && len(got) == 1 && subtle.ConstantTimeCompare([]byte(got[0]), []byte(token)) == 1
}

// postedValues are the values of a posted form's field (the body's, not the query's).
func postedValues(r *http.Request, name string) []string {
	r.PostFormValue(name) // parses the form, once
	return r.PostForm[name]
}

// refuseTwice answers a request that carries one of the console's credentials more
// than once, as the API refuses a session's cookie or CSRF token sent twice (400
// invalid), and reports whether it did: the cookie named (the session's, or the
// sign-in form's), of which a second may be another site's under the same domain,
// whose session or token the console would then take for its own; and a form's token,
// of which the console would check one. Nothing is shown or run: the refusal says what
// to do, in the request's language (a person it cannot tell has no language of its own).
func (c *Console) refuseTwice(w http.ResponseWriter, r *http.Request, cookie string) bool {
	var key, detail string
	switch {
	case len(r.CookiesNamed(cookie)) > 1:
		key, detail = "error.cookie_twice", "the "+cookie+" cookie is sent more than once: send it once"
	case !safe(r) && len(postedValues(r, "csrf")) > 1:
		key, detail = "error.token_twice", "the form's csrf field is sent more than once: send it once"
	default:
		return false
	}
	l := langOf(r)
	ref := refusalOf(l, linkfin.Errorf(linkfin.EINVALID, "%s", detail))
	ref.Text = l.T(key)
	c.renderView(w, r, http.StatusBadRequest, "error", "error.title", nil, nil, ref.Text, &ref)
	return true
}

// formToken is the token of the forms shown before signing in, kept in a cookie that
// the posted form must match.
func (c *Console) formToken(w http.ResponseWriter, r *http.Request) string {
	if ck, err := r.Cookie(formCookie); err == nil && len(ck.Value) == 43 {
		return ck.Value
	}
	tok := randomToken()
	http.SetCookie(w, &http.Cookie{Name: formCookie, Value: tok, Path: "/", HttpOnly: true, Secure: c.secure(r),
		SameSite: http.SameSiteStrictMode})
	return tok
}

func randomToken() string {
	b := make([]byte, 32)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}

// signInView is the sign-in page's: the page of the console to go to once signed in
// ("" for home).
type signInView struct{ Next string }

// returnTo is the page to go back to once signed in, as the address or form asks: a path of
// this site alone (never another host), else "".
func returnTo(s string) string {
	if !sitePath(s) || strings.HasPrefix(s, "/sign-") {
		return ""
	}
	return s
}

func (c *Console) signInPage(w http.ResponseWriter, r *http.Request) {
	c.render(w, r, http.StatusOK, "signin", "signin.title", nil, signInView{Next: returnTo(r.URL.Query().Get("next"))}, "")
}

func (c *Console) signIn(w http.ResponseWriter, r *http.Request) {
	if c.refuseTwice(w, r, formCookie) {
		return
	}
	l := langOf(r)
	back := signInView{Next: returnTo(r.PostFormValue("next"))}
	ck, err := r.Cookie(formCookie)
	if err != nil || !sameForm(r, ck.Value) {
		c.render(w, r, http.StatusForbidden, "signin", "signin.title", nil, back, l.T("error.csrf"))
		return
	}
	if c.Auth == nil {
		c.render(w, r, http.StatusUnauthorized, "signin", "signin.title", nil, back, l.T("signin.failed"))
		return
	}
	si, err := c.Auth.SignIn(r.Context(), linkfin.SignInIn{Name: r.PostFormValue("name"), Password: r.PostFormValue("password"),
		Code: r.PostFormValue("code")}, source(r))
	var retry *services.RetryError
	switch code := linkfin.ErrorCode(err); {
	case err == nil:
	case errors.As(err, &retry):
		w.Header().Set("Retry-After", strconv.Itoa(int(retry.After.Seconds())+1))
		c.render(w, r, http.StatusTooManyRequests, "signin", "signin.title", nil, back, l.T("error.rate_limited"))
		return
	case code == services.ETOTPREQUIRED:
		c.render(w, r, http.StatusUnauthorized, "signin", "signin.title", nil, back, l.T("signin.code_required"))
		return
	case code == linkfin.EUNAUTHORIZED || code == services.ETOTPREPLAYED:
		c.render(w, r, http.StatusUnauthorized, "signin", "signin.title", nil, back, l.T("signin.failed"))
		return
	default:
		c.fail(w, r, nil, err)
		return
	}
	// A new session, a new cookie: nothing set before signing in carries over.
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: si.Token, Path: "/", HttpOnly: true, Secure: c.secure(r),
		SameSite: http.SameSiteStrictMode})
	http.SetCookie(w, &http.Cookie{Name: formCookie, Value: "", Path: "/", MaxAge: -1})
	to := "/"
	if back.Next != "" {
		to = back.Next
	}
	http.Redirect(w, r, to, http.StatusSeeOther)
}

// source is the client's address, without its port: sign-in failures are limited per
// address.
func source(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

func (c *Console) signOut(w http.ResponseWriter, r *http.Request, p *Person) {
	ck, _ := r.Cookie(sessionCookie)
	if err := c.Auth.SignOut(r.Context(), ck.Value); err != nil {
		c.fail(w, r, p, err)
		return
	}
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1, HttpOnly: true, SameSite: http.SameSiteStrictMode})
	http.Redirect(w, r, "/sign-in", http.StatusSeeOther)
}

// language keeps the language chosen and goes back to the page it was chosen on.
func (c *Console) language(w http.ResponseWriter, r *http.Request) {
	l, ok := ParseLang(r.URL.Query().Get("to"))
	if !ok {
		l = langOf(r)
	}
	http.SetCookie(w, &http.Cookie{Name: langCookie, Value: string(l), Path: "/", MaxAge: 365 * 24 * 3600,
		Secure: c.secure(r), SameSite: http.SameSiteLaxMode})
	back := r.URL.Query().Get("back")
	if !sitePath(back) {
		back = "/"
	}
	http.Redirect(w, r, back, http.StatusSeeOther)
}

// secure reports whether a cookie set in answer to r is to be marked Secure: the
// request came over TLS, or the console is reached over HTTPS (HTTPS).
func (c *Console) secure(r *http.Request) bool { return r.TLS != nil || c.HTTPS }

// sitePath reports whether p is a path of this site, to send a browser back to: never
// another host, as a browser reads it ("//evil", "/\evil", and "/\t/evil", since a
// browser drops tabs and line breaks from a URL), and no control character.
func sitePath(p string) bool {
	if !strings.HasPrefix(p, "/") || strings.HasPrefix(p, "//") {
		return false
	}
	for _, r := range p {
		if r < 0x20 || r == 0x7f || r == '\\' {
			return false
		}
	}
	u, err := url.Parse(p)
	return err == nil && u.Scheme == "" && u.Host == ""
}

// notFound answers a path the console does not have, as a page; a path it has, asked
// with a method it does not take there (PUT, DELETE, OPTIONS, a GET of a form's
// address), answers 405 with the methods it takes (RFC 9110 §15.5.6). Whether the path
// names a record is not looked at: /invoices/{id}/approve takes POST for any id.
func (c *Console) notFound(w http.ResponseWriter, r *http.Request) {
	var allow []string
	for _, m := range []string{http.MethodGet, http.MethodPost} {
		u := *r.URL
		if _, pattern := c.mux.Handler(&http.Request{Method: m, Host: r.Host, URL: &u}); pattern != "" && pattern != "/" {
			allow = append(allow, m)
			if m == http.MethodGet {
				allow = append(allow, http.MethodHead)
			}
		}
	}
	// Signed in, the page is the person's, in its language and with its sections, as a
	// record's not found is.
	p := c.signedIn(r)
	if p != nil {
		w.Header().Set("Cache-Control", "no-store")
	}
	if len(allow) > 0 && !slices.Contains(allow, r.Method) {
		w.Header().Set("Allow", strings.Join(allow, ", "))
		c.render(w, r, http.StatusMethodNotAllowed, "error", "error.title", p, nil, langFor(r, p).T("error.method"))
		return
	}
	c.render(w, r, http.StatusNotFound, "notfound", "notfound.title", p, nil, "")
}

// signedIn is who r's live session opens for, or nil: no session, or one that has
// ended, or one the store could not read, or two session cookies, of which the console
// cannot tell its own (the page then is a stranger's).
func (c *Console) signedIn(r *http.Request) *Person {
	ck, err := r.Cookie(sessionCookie)
	if err != nil || c.Auth == nil || len(r.CookiesNamed(sessionCookie)) > 1 {
		return nil
	}
	si, err := c.Auth.Authenticate(r.Context(), ck.Value)
	if err != nil {
		return nil
	}
	p := personOf(si)
	if p.Caps, err = c.capabilities(r.Context(), p.Viewer); err != nil {
		return nil
	}
	return p
}

// fail answers an error: a record not found (or not the person's) as the not-found
// page, a refusal with what its code means in the person's language, the code, and the
// platform's message; anything else as the platform's failure.
func (c *Console) fail(w http.ResponseWriter, r *http.Request, p *Person, err error) {
	l := langFor(r, p)
	// A refusal is answered with the API's status for its code.
	status := lfhttp.StatusOf(linkfin.ErrorCode(err))
	switch code := linkfin.ErrorCode(err); code {
	case linkfin.ENOTFOUND:
		c.render(w, r, http.StatusNotFound, "notfound", "notfound.title", p, nil, "")
		return
	case linkfin.EINTERNAL, "":
		c.Logger.Error("console", "path", r.URL.Path, "err", err)
		c.render(w, r, http.StatusInternalServerError, "error", "error.title", p, nil, l.T("error.internal"))
		return
	}
	ref := refusalOf(l, err)
	if r.Method == http.MethodPost && p != nil {
		// A form: its page again, the refusal above it and the form as it was typed.
		c.again(w, r, status, ref, err)
		return
	}
	c.renderView(w, r, status, "error", "error.title", p, nil, ref.Text, &ref)
}

// wallet is one currency of an organization's cash.
type wallet struct {
	Currency        linkfin.Currency
	Available, Held int64
}

// home is a party's home page: its cash, the first offers on what it could finance,
// and the first pieces it holds, each linking to its whole list.
type home struct {
	Wallets    []wallet
	Offers     []linkfin.AssetOffers // only those with at least one offer
	MoreOffers bool                  // more follow on the offers page
	Owed       []linkfin.Certificate
	MorePieces bool // more follow on the pieces page
}

// homeRows is how many offers, and how many pieces, the home page shows: the first by
// maturity; the offers and pieces pages list them all.
const homeRows = 10

func (c *Console) home(w http.ResponseWriter, r *http.Request, p *Person) {
	var h home
	var err error
	if h.Wallets, err = c.wallets(r.Context(), p); err != nil {
		c.fail(w, r, p, err)
		return
	}
	offers, err := services.OffersPage(r.Context(), c.Store, p.Viewer, c.now(), "", homeRows)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	h.Offers, h.MoreOffers = offers.Data, offers.NextCursor != ""
	held, err := services.HeldPieces(r.Context(), c.Store, p.Viewer.Org, "", homeRows)
	if err != nil {
		c.fail(w, r, p, err)
		return
	}
	h.Owed, h.MorePieces = held.Data, held.NextCursor != ""
	c.render(w, r, http.StatusOK, "home", "home.title", p, h, "")
}

// wallets are the organization's cash, a wallet per currency: what is available and
// what is held.
func (c *Console) wallets(ctx context.Context, p *Person) ([]wallet, error) {
	accounts, err := services.ListAccounts(ctx, c.Engine, p.Viewer, 0, 100)
	if err != nil {
		return nil, err
	}
	var out []wallet
	for _, a := range accounts {
		if !services.IsWallet(p.Viewer.Org, &a) {
			continue
		}
		out = append(out, wallet{Currency: linkfin.Currency(a.Currency),
			Available: int64(a.CreditsPosted) - int64(a.DebitsPosted) - int64(a.DebitsPending), Held: int64(a.DebitsPending)})
	}
	return out, nil
}

// files serves the console's own files: a file it has, else the not-found page (never
// a listing of a directory of them).
func (c *Console) files(static fs.FS) http.Handler {
	files := http.FileServerFS(static)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if st, err := fs.Stat(static, r.URL.Path); err != nil || st.IsDir() {
			c.notFound(w, r)
			return
		}
		files.ServeHTTP(w, r)
	})
}
