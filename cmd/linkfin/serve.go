package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"math"
	"net"
	"net/http"
	"os"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"time"

	"linkfin"
	"linkfin/console"
	"linkfin/demo"
	"linkfin/engine"
	lfhttp "linkfin/http"
	"linkfin/services"
	"linkfin/webhook"
)

func runServe(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	o, err := parseServe(args, stderr)
	if err != nil {
		return err
	}
	level := slog.LevelInfo
	if o.verbose {
		level = slog.LevelDebug
	}
	logger := slog.New(slog.NewTextHandler(stderr, &slog.HandlerOptions{Level: level}))
	slog.SetDefault(logger)

	// The port first: a busy one leaves nothing made and no key printed.
	ln, err := o.listen()
	if err != nil {
		return err
	}
	served := false
	defer func() {
		if !served {
			ln.Close()
		}
	}()

	// The calendars before the store: a bad file leaves nothing made either.
	if err := o.sf.loadCalendars(stdout); err != nil {
		return err
	}
	s, err := o.sf.open(ctx)
	if err != nil {
		return err
	}
	defer s.Close()
	e, keys, err := o.openEngine(ctx, s, logger)
	if err != nil {
		return err
	}
	defer e.Close() // after the server: finishes the batch in flight
	if err := registerNames(ctx, e, s, logger); err != nil {
		return err
	}
	if err := registerIdentifiers(ctx, e, s, logger); err != nil {
		return err
	}
	if err := registerNumbers(ctx, e, s, logger); err != nil {
		return err
	}
	auth := services.NewAuth(s, e, keys.credentials)
	auth.Absolute, auth.Idle = o.sessionAbsolute, o.sessionIdle
	if err := firstKeys(ctx, e, auth, o.seed, stdout); err != nil {
		return err
	}
	srv, pages := o.server(e, s, auth, keys.webhook, logger)
	srv.Serve(ln)
	served = true
	stopBackground := o.background(e, s, keys.webhook, logger)
	shown, everywhere := shownAddr(srv.Addr())
	fmt.Fprintf(stdout, "linkfin listening on http://%s (%s store)\n", shown, s.Dialect())
	if everywhere {
		fmt.Fprintf(stdout, "and on every other address of this machine (--addr %s)\n", o.addr)
	}
	fmt.Fprintf(stdout, "the console: http://%s/ (sign in as a user of an organization)\n", shown)
	<-ctx.Done()
	logger.Info("shutting down: finishing requests in flight")
	sctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	err = srv.Close(sctx)
	pages.Close() // a verification it runs, which records through the engine
	if herr := stopBackground(); herr != nil {
		err = errors.Join(err, herr)
	}
	return err
}

// serveOptions are serve's settings, as its command line gives them.
type serveOptions struct {
	fs *flag.FlagSet
	sf storeFlags

	addr                         string
	verbose, seed                bool
	perSecond, failRate          float64
	burst, failBurst             int
	localHooks, https            bool
	sessionAbsolute, sessionIdle time.Duration
	every                        time.Duration
}

// parseServe reads serve's command line, and refuses a setting it cannot take
// (check); --addr is checked when serve listens on it.
func parseServe(args []string, stderr io.Writer) (*serveOptions, error) {
	o := &serveOptions{fs: newFlags("serve", "serve [--addr HOST:PORT] [--db DSN] [--data DIR] [--demo]", stderr)}
	fs := o.fs
	o.sf.register(fs)
	fs.StringVar(&o.addr, "addr", "127.0.0.1:8080", "address to listen on")
	fs.BoolVar(&o.verbose, "v", false, "log every request")
	fs.BoolVar(&o.seed, "demo", false, "seed a new database with the demo supply chain and print an API key per organization")
	fs.Float64Var(&o.perSecond, "rate-limit", 200, "requests a second allowed per API key (0: no limit)")
	fs.IntVar(&o.burst, "rate-burst", 400, "requests a key may send at once, above its rate")
	fs.Float64Var(&o.failRate, "auth-fail-limit", 60, "failed authentications a minute allowed per source address, past its burst (0: no limit)")
	fs.IntVar(&o.failBurst, "auth-fail-burst", 100, "failed authentications a source address may make at once, before its limit applies")
	fs.BoolVar(&o.localHooks, "webhooks-to-private", false, "let webhook endpoints be on loopback and private networks (for development)")
	fs.DurationVar(&o.sessionAbsolute, "session-max", services.DefaultSessionAbsolute, "how long a user's session lasts at most")
	fs.DurationVar(&o.sessionIdle, "session-idle", services.DefaultSessionIdle, "how long a user's session lasts unused")
	fs.BoolVar(&o.https, "https", false, "clients reach linkfin over HTTPS, through a TLS-terminating proxy in front of it: mark its session and form cookies Secure")
	fs.DurationVar(&o.every, "schedule-every", time.Hour, "how often to run due settlements and close due financings (0: never; POST /v1/settlements/run still works)")
	if err := parse(fs, args); err != nil {
		return nil, err
	}
	if err := o.check(); err != nil {
		return nil, err
	}
	return o, nil
}

// check refuses limits, session times and a schedule that serve cannot take, before
// anything is made; a --session-max shorter than the default idle time shortens the
// idle time to it.
func (o *serveOptions) check() error {
	// A negative limit or period is no setting of these, nor is a rate that is no
	// number (NaN, which every comparison lets through) or none (Inf: 0 says no
	// limit).
	for _, r := range []*float64{&o.perSecond, &o.failRate} {
		if math.IsNaN(*r) || math.IsInf(*r, 0) {
			*r = -1
		}
	}
	if o.perSecond < 0 || o.burst < 0 || o.failRate < 0 || o.failBurst < 0 || o.every < 0 {
		return badValue(o.fs, "--rate-limit, --rate-burst, --auth-fail-limit, --auth-fail-burst and --schedule-every are 0 or more (0: no limit, or never)")
	}
	if o.sessionAbsolute <= 0 || o.sessionIdle <= 0 {
		return badValue(o.fs, "--session-max and --session-idle are positive durations, such as 12h and 2h")
	}
	if o.sessionIdle > o.sessionAbsolute {
		idleSet := false
		o.fs.Visit(func(f *flag.Flag) { idleSet = idleSet || f.Name == "session-idle" })
		if idleSet {
			return badValue(o.fs, "--session-idle (%v) is longer than --session-max (%v), which ends a session however it is used: choose an idle time no longer than it", o.sessionIdle, o.sessionAbsolute)
		}
		o.sessionIdle = o.sessionAbsolute // a --session-max shorter than the default idle time
	}
	// The due work reads every program's maturities: run back to back, it would keep
	// the engine busy for nothing.
	if o.every > 0 && o.every < time.Second {
		return badValue(o.fs, "--schedule-every is 0 (never) or a period of 1s or more, such as 1h, not %v", o.every)
	}
	return nil
}

// listen refuses an --addr that is no HOST:PORT, or whose port is out of range, and
// listens on it; a failure to listen says what to do (listenAdvice).
func (o *serveOptions) listen() (net.Listener, error) {
	if _, port, err := net.SplitHostPort(o.addr); err != nil {
		return nil, badValue(o.fs, "--addr is HOST:PORT, such as 127.0.0.1:8080, not %q", o.addr)
	} else if n, err := strconv.Atoi(port); err == nil && (n < 0 || n > 65535) {
		return nil, badValue(o.fs, "--addr %q: a port is 0 to 65535 (0: any free one)", o.addr)
	}
	ln, err := net.Listen("tcp", o.addr)
	if err != nil {
		return nil, fmt.Errorf("%w: %s", err, listenAdvice(err, o.addr))
	}
	return ln, nil
}

// serveKeys are the data directory's secret keys that serve uses: the one that signs
// webhook deliveries, and the one that seals stored credentials.
type serveKeys struct {
	webhook, credentials []byte
}

// openEngine opens the engine on s, with the log's signer and serve's keys. It
// refuses --demo on a database that holds events, and says what to do when another
// linkfin writes the database.
func (o *serveOptions) openEngine(ctx context.Context, s linkfin.Store, logger *slog.Logger) (*engine.Engine, serveKeys, error) {
	var keys serveKeys
	signer, err := o.sf.signer(ctx, s)
	if err != nil {
		return nil, keys, err
	}
	if o.seed {
		if h, err := s.Head(ctx); err != nil {
			return nil, keys, err
		} else if h.Size > 0 {
			return nil, keys, fmt.Errorf("--demo seeds a new database, and this one holds %d events: start without --demo to use it, "+
				"or choose an empty --data directory", h.Size)
		}
	}
	if keys.webhook, err = o.sf.webhookKey(); err != nil {
		return nil, keys, err
	}
	if keys.credentials, err = o.sf.credentialsKey(); err != nil {
		return nil, keys, err
	}
	e, err := engine.Open(ctx, engine.Config{Store: s, Signer: signer, Origin: Origin, Logger: logger})
	if linkfin.ErrorCode(err) == linkfin.ELOCKED {
		// Another data directory is another database only where --db names none.
		own := "with a data directory of its own (--data)"
		if o.sf.db != "" {
			own = "on a database of its own (--db, or LINKFIN_DB)"
		}
		return nil, keys, fmt.Errorf("%s (%s): another linkfin (a server, most likely) writes this database: stop it first, "+
			"or start this one %s", linkfin.ErrorMessage(err), linkfin.ELOCKED, own)
	} else if err != nil {
		return nil, keys, err
	}
	return e, keys, nil
}

// firstKeys prints the keys to start with: with demo, it seeds the demo supply chain
// and prints an API key and a user per organization and the operator's; otherwise,
// on a new database, the operator's first API key (on a later start, nothing).
func firstKeys(ctx context.Context, e *engine.Engine, auth *services.Auth, demo bool, stdout io.Writer) error {
	if demo {
		keys, users, err := seedDemo(ctx, e, auth)
		if err != nil {
			return err
		}
		fmt.Fprintf(stdout, "demo API keys, the operator's and one admin key per organization (shown once; paste these lines into your shell):\n")
		for _, k := range keys {
			fmt.Fprintf(stdout, "  export %s_KEY=%s\n", strings.ToUpper(k[0]), k[1])
		}
		fmt.Fprintf(stdout, "demo users, the operator's and one admin per organization (name and password, shown once):\n")
		for _, u := range users {
			fmt.Fprintf(stdout, "  %-16s %s\n", u[0], u[1])
		}
		return nil
	}
	operatorKey, err := bootstrap(ctx, e)
	if err != nil {
		return err
	}
	if operatorKey != "" {
		fmt.Fprintf(stdout, "operator API key (shown once; keep it safe):\n  %s\n", operatorKey)
		fmt.Fprintf(stdout, "a user to sign in to the console with: linkfin users create --key KEY --name NAME --role operator (prints its password)\n")
	}
	return nil
}

// server makes the HTTP server with its limits and keys, and the console, which takes
// every path outside the API on the same port.
func (o *serveOptions) server(e *engine.Engine, s linkfin.Store, auth *services.Auth, hookKey []byte, logger *slog.Logger) (*lfhttp.Server, *console.Console) {
	srv := lfhttp.NewServer(e, s, logger)
	srv.SetRateLimit(o.perSecond, o.burst)
	srv.SetAuthFailureLimit(o.failRate, o.failBurst)
	srv.WebhookKey = hookKey
	srv.Auth = auth
	srv.HTTPS = o.https
	pages := console.New(s, e, auth, logger)
	pages.HTTPS = o.https
	srv.Pages = pages
	return srv, pages
}

// background starts the work that runs beside the server until it stops: webhook
// deliveries, the schedule of due work, and the calendars' reload on SIGHUP. The
// function it returns stops them and waits for them, and returns the webhook
// dispatcher's error, if it failed; it is called before the engine closes, as the
// dispatcher records each delivery through it.
func (o *serveOptions) background(e *engine.Engine, s linkfin.Store, hookKey []byte, logger *slog.Logger) (stop func() error) {
	dctx, stopHooks := context.WithCancel(context.Background())
	hooks := make(chan error, 1)
	d := &webhook.Dispatcher{Engine: e, Store: s, Key: hookKey, Logger: logger}
	if o.localHooks {
		d.Client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	}
	go func() { hooks <- d.Run(dctx) }()
	scheduled := make(chan struct{})
	go func() { defer close(scheduled); schedule(dctx, e, s, o.every, logger) }()
	// SIGHUP is taken from here on (before the server says it listens, so that no
	// one who waits for that ends it with one). Windows has none: there the calendars
	// are loaded at start alone.
	hup := make(chan os.Signal, 1)
	if len(reloadSignals) > 0 { // Notify with none would take every signal
		signal.Notify(hup, reloadSignals...)
	}
	reloading := make(chan struct{})
	go func() { defer close(reloading); o.sf.followCalendars(dctx, hup, logger) }()
	return func() error {
		stopHooks()
		<-scheduled
		<-reloading
		if herr := <-hooks; herr != nil && !errors.Is(herr, context.Canceled) {
			return herr
		}
		return nil
	}
}

// shownAddr is the address serve says it listens on, to open in a browser or pass as
// --url: where it listens on every address of the machine (0.0.0.0, ::, or no host),
// which is no address to open, this machine's own, 127.0.0.1 (everywhere reports it).
func shownAddr(addr string) (shown string, everywhere bool) {
	host, port, err := net.SplitHostPort(addr)
	if ip := net.ParseIP(host); err == nil && ip != nil && ip.IsUnspecified() {
		return net.JoinHostPort("127.0.0.1", port), true
	}
	return addr, false
}

// listenAdvice says what to do when serve cannot listen on addr: a host that is not
// this machine's, a port the system keeps from linkfin, or (most often) a port
// another program holds.
func listenAdvice(err error, addr string) string {
	var dns *net.DNSError
	var bad *net.AddrError
	switch {
	case errors.As(err, &dns), errors.As(err, &bad), errors.Is(err, syscall.EADDRNOTAVAIL):
		return "--addr's host is no address of this machine: choose 127.0.0.1 (this machine alone), " +
			"0.0.0.0 (every interface) or an address of one of its interfaces"
	case errors.Is(err, fs.ErrPermission):
		return fmt.Sprintf("the system does not let linkfin listen on %s: choose a port above 1023 with --addr, "+
			"or let the program that runs linkfin give it that port", addr)
	}
	return fmt.Sprintf("if another program (or another linkfin serve) listens on %s, stop it, or choose another address with --addr", addr)
}

// metaNamesKey is the meta entry registerNames sets to namesFolded once it has
// registered the names of the organizations registered before names were: a later
// start reads nothing more.
const metaNamesKey = "organization_names_registered"

// namesFolded is metaNamesKey's value once the names are registered as names are
// compared now, without invisible characters. A database whose names were registered
// before names were compared so ("yes") has them registered again, once: an
// organization whose name holds an invisible character ("AC\u200bME") is registered
// under its name without it as well, so that a new "ACME" is refused it; every other
// organization holds its name already, and is passed over.
const namesFolded = "without invisible characters"

// registerNames registers, through the engine, the names of the organizations of a
// database made before names were registered, or before they were compared without
// invisible characters (services.RegisterOrganizationNames), so that a new
// organization is refused an old one's name as it is a new one's; each record is
// logged (folded_id.taken), as CreateOrganization logs one. An organization whose name
// another holds is left as it is and logged as a warning. It runs once per database
// and way of comparing names (metaNamesKey): on a new one, or one whose names are
// registered, it writes nothing.
func registerNames(ctx context.Context, e *engine.Engine, s linkfin.Store, logger *slog.Logger) error {
	if done, err := s.Meta(ctx, metaNamesKey); err != nil || done == namesFolded {
		return err
	}
	ids, err := services.OrganizationsUnnamed(ctx, s)
	if err != nil {
		return fmt.Errorf("register the organizations' names: %w", err)
	}
	registered := 0
	for len(ids) > 0 {
		n := min(len(ids), 500)
		var res services.NamesRegistered
		if err := e.Run(ctx, &services.RegisterOrganizationNames{IDs: ids[:n]}, &res); err != nil {
			return fmt.Errorf("register the organizations' names: %w", err)
		}
		registered += len(res.Registered)
		for _, sh := range res.Shared {
			logger.Warn("an organization's name is another's but for case, width, spacing or invisible characters: it is left registered for the other",
				"organization", sh.ID, "name", sh.Name, "holder", sh.With)
		}
		ids = ids[n:]
	}
	if registered > 0 {
		logger.Info("registered the names of the organizations registered before names were", "organizations", registered)
	}
	return s.SetMeta(ctx, metaNamesKey, namesFolded)
}

// metaIdentifiersKey is the meta entry registerIdentifiers sets to identifiersKeyed
// once it has registered the identifiers of a database under their keys as
// linkfin.Identifier.Key makes them now: a later start reads nothing more.
const metaIdentifiersKey = "organization_identifiers_registered"

// identifiersKeyed is metaIdentifiersKey's value once identifiers are registered as
// they are compared now, without every invisible character (Unicode's default
// ignorable code points; before, without the format characters alone).
const identifiersKeyed = "without invisible characters"

// registerIdentifiers registers, through the engine, under its key as identifiers are
// compared now, each identifier an organization registered before Key left out every
// invisible character and whose key that changed (services.IdentifiersUnregistered):
// "X", U+FE0F, "Y" registered then is registered as XY, so that another organization
// is refused XY. Each record is logged (identifier.registered), as a registration
// logs one. An identifier another organization holds as it reads now is left as it
// is and logged as a warning, and so is one that is not valid as identifiers are
// checked now (a value of Hangul fillers alone names nothing). It runs once per
// database (metaIdentifiersKey): on a new one, or one whose identifiers are
// registered so, it writes nothing.
func registerIdentifiers(ctx context.Context, e *engine.Engine, s linkfin.Store, logger *slog.Logger) error {
	if done, err := s.Meta(ctx, metaIdentifiersKey); err != nil || done == identifiersKeyed {
		return err
	}
	unregistered, err := services.IdentifiersUnregistered(ctx, s)
	if err != nil {
		return fmt.Errorf("register the organizations' identifiers: %w", err)
	}
	registered := 0
	for _, u := range unregistered {
		err := e.Run(ctx, &services.RegisterIdentifier{OrgID: u.OrgID, Identifier: u.Identifier}, new(linkfin.Organization))
		switch linkfin.ErrorCode(err) {
		case "":
			registered++
		case services.EIDENTIFIERTAKEN:
			logger.Warn("an organization's identifier is another's but for invisible characters: it is left registered for the other",
				"organization", u.OrgID, "identifier", u.Identifier.String())
		case linkfin.EINVALID:
			logger.Warn("an organization's identifier is not valid as identifiers are checked now: it is left as it is",
				"organization", u.OrgID, "identifier", u.Identifier.String(), "error", linkfin.ErrorMessage(err))
		default:
			return fmt.Errorf("register organization %s's identifier %s: %w", u.OrgID, u.Identifier, err)
		}
	}
	if registered > 0 {
		logger.Info("registered the identifiers of organizations as identifiers are compared now", "identifiers", registered)
	}
	return s.SetMeta(ctx, metaIdentifiersKey, identifiersKeyed)
}

// metaNumbersKey is the meta entry registerNumbers sets to numbersKeyed once it has
// registered the document and invoice numbers of a database under their keys as
// linkfin.NumberKey and linkfin.InvoiceNumberKey make them now: a later start reads
// nothing more.
const metaNumbersKey = "document_numbers_registered"

// numbersKeyed is metaNumbersKey's value once numbers are registered as they are
// compared now, without invisible characters.
const numbersKeyed = "without invisible characters"

// registerNumbers registers, through the engine, under its key as numbers are
// compared now, each document number and invoice number registered before invisible
// characters were left out whose key that changed (services.NumbersUnregistered):
// "PO-", U+200B, "1" registered then is registered as PO-1 too, and an invoice numbered
// "INV-1", U+200B, "002", registered then as INV-1-002 is, as INV-1002 too, so that
// the number as it reads is refused to another document (duplicate_number,
// duplicate_invoice). Each record is logged (document_number.registered,
// invoice_number.registered), as a registration logs one. A number another document
// or invoice holds under its key now is left as it is and logged as a warning. It
// runs once per database (metaNumbersKey): on a new one, or one whose numbers are
// registered so, it writes nothing.
func registerNumbers(ctx context.Context, e *engine.Engine, s linkfin.Store, logger *slog.Logger) error {
	if done, err := s.Meta(ctx, metaNumbersKey); err != nil || done == numbersKeyed {
		return err
	}
	u, err := services.NumbersUnregistered(ctx, s)
	if err != nil {
		return fmt.Errorf("register the documents' numbers: %w", err)
	}
	numbers, invoices := 0, 0
	for len(u.Numbers) > 0 || len(u.Invoices) > 0 {
		var c services.RegisterNumbers
		n := min(len(u.Numbers), 500)
		c.Numbers, u.Numbers = u.Numbers[:n], u.Numbers[n:]
		n = min(len(u.Invoices), 500-n)
		c.Invoices, u.Invoices = u.Invoices[:n], u.Invoices[n:]
		var res services.NumbersRegistered
		if err := e.Run(ctx, &c, &res); err != nil {
			return fmt.Errorf("register the documents' numbers: %w", err)
		}
		numbers, invoices = numbers+res.Numbers, invoices+res.Invoices
		for _, sh := range res.Shared {
			args := []any{"organization", sh.Org, "kind", sh.Kind, "number", sh.Number, "record", sh.ID, "holder", sh.With}
			if sh.Buyer != "" {
				args = append(args, "buyer", sh.Buyer)
			}
			logger.Warn("a document's number is another's but for invisible characters: it is left registered for the other", args...)
		}
	}
	if numbers > 0 || invoices > 0 {
		logger.Info("registered the numbers of documents as numbers are compared now", "numbers", numbers, "invoice_numbers", invoices)
	}
	return s.SetMeta(ctx, metaNumbersKey, numbersKeyed)
}

// bootstrap makes the platform's first operator key on its first start, and returns
// it; on any later start it returns "".
func bootstrap(ctx context.Context, e *engine.Engine) (string, error) {
	secret, k := linkfin.NewAPIKey("", linkfin.RoleOperator, "")
	var res services.BootstrapResult
	if err := e.Run(ctx, &services.BootstrapOperator{Key: k}, &res); err != nil {
		return "", err
	}
	if !res.Created {
		return "", nil
	}
	return secret, nil
}

// seedDemo seeds a new database with the demo supply chain, the platform's first
// operator key, an admin key for each organization, and a user for the operator and
// for each organization, all in one request, so in one batch: a seeding cut short
// leaves the database empty. It returns pairs of a name ("operator" or the
// organization's id) and its key, and pairs of a user's sign-in name and password.
func seedDemo(ctx context.Context, e *engine.Engine, auth *services.Auth) (keys, users [][2]string, err error) {
	secret, k := linkfin.NewAPIKey("", linkfin.RoleOperator, "")
	keys = [][2]string{{"operator", secret}}
	cs := append([]linkfin.Command{&services.BootstrapOperator{Key: k}}, demo.SeedCommands()...)
	for _, o := range demo.Organizations {
		secret, k := linkfin.NewAPIKey(o.ID, linkfin.RoleAdmin, "demo")
		cs = append(cs, &services.CreateAPIKey{Key: k})
		keys = append(keys, [2]string{o.ID, secret})
	}
	people := []linkfin.User{{Name: "operator@demo", DisplayName: "Operator", Role: linkfin.RoleOperator}}
	for _, o := range demo.Organizations {
		people = append(people, linkfin.User{OrgID: o.ID, Name: o.ID + "@demo", DisplayName: o.Name, Role: linkfin.RoleAdmin})
	}
	for _, u := range people {
		var b [12]byte
		rand.Read(b[:])
		password := base64.RawURLEncoding.EncodeToString(b[:])
		sealed, err := auth.SealPassword(u.Name, password)
		if err != nil {
			return nil, nil, err
		}
		u.Language = linkfin.LangZH
		cs = append(cs, &services.CreateUser{Actor: u.OrgID, By: services.ByOperator, User: u, Password: sealed})
		users = append(users, [2]string{u.Name, password})
	}
	// Once submitted, the request runs to its end even if serve is interrupted.
	if err := demo.SubmitAll(context.WithoutCancel(ctx), e, cs); err != nil {
		return nil, nil, fmt.Errorf("seed the demo: %w", err)
	}
	return keys, users, nil
}

// schedule runs the day's due work at start and then every interval, as the operator
// would: settlements at maturity, financings closed at their due date, and accepted
// financings lapsed once their limits are no longer held. A refusal
// (an anchor short of money leaves pieces overdue) is logged; the next run tries again.
// The interval is measured on the machine's clock; what is due, on the platform's.
func schedule(ctx context.Context, e *engine.Engine, s linkfin.Store, every time.Duration, logger *slog.Logger) {
	if every <= 0 {
		return
	}
	for {
		runDue(ctx, e, s, logger)
		select {
		case <-ctx.Done():
			return
		case <-time.After(every):
		}
	}
}

// runDue runs the work due by the platform's time (the engine's clock, which every
// command sees), each command in turn, and logs what each did. Judged by the machine's
// clock instead, an engine whose clock reads another time would be sent settlements
// that have not come yet, and never those that have.
func runDue(ctx context.Context, e *engine.Engine, s linkfin.Store, logger *slog.Logger) {
	cs, err := services.Due(ctx, s, e.Now())
	if err != nil && ctx.Err() == nil {
		logger.Error("schedule: due work", "err", err)
	}
	for _, c := range cs {
		var out json.RawMessage
		if err := e.Run(ctx, c, &out); err != nil {
			logger.Warn("schedule", "command", engine.Name(c), "err", err)
		} else {
			logger.Info("schedule", "command", engine.Name(c), "result", string(out))
		}
	}
}

// calendarFiles returns the holiday-cn year files (YYYY.json, as the holiday-cn project
// publishes them) in the data directory's calendars/cn, in order of name, so that the
// later file of a year wins.
func (f *storeFlags) calendarFiles() ([]string, error) {
	dir, err := f.dataDir()
	if err != nil {
		return nil, err
	}
	return filepath.Glob(filepath.Join(dir, "calendars", "cn", "*.json"))
}

// loadCalendarFiles adds the holiday-cn files of the data directory to the China
// calendar every command reads, all of them or, if one is not a year's schedule, none
// (linkfin.LoadChinaHolidays, which reads no more of each than a year's file can be),
// and returns each file's year, in the order of the files. A bad file's error names
// it.
func (f *storeFlags) loadCalendarFiles() (files []string, years []int, err error) {
	if files, err = f.calendarFiles(); err != nil {
		return nil, nil, err
	}
	readers := make([]io.Reader, len(files))
	for i, name := range files {
		file, err := os.Open(name)
		if err != nil {
			return nil, nil, err
		}
		defer file.Close()
		readers[i] = file
	}
	years, err = linkfin.LoadChinaHolidays(readers...)
	if err != nil {
		return nil, nil, fmt.Errorf("%s: %s", files[len(years)], linkfin.ErrorMessage(err))
	}
	return files, years, nil
}

// loadCalendars loads the data directory's calendar files before anything reads the
// calendar, and says which years it added. A file that is not a year's published
// schedule stops the start.
func (f *storeFlags) loadCalendars(stdout io.Writer) error {
	files, years, err := f.loadCalendarFiles()
	if err != nil {
		return err
	}
	for i, name := range files {
		fmt.Fprintf(stdout, "calendar CN: the holidays of %d from %s\n", years[i], name)
	}
	return nil
}

// followCalendars loads the data directory's calendar files again each time hup says
// the process was sent SIGHUP, until ctx ends: a year the State Council has just
// announced is taken without a restart. It never stops the server: a file that is not
// a year's schedule is logged, and then no file is loaded.
func (f *storeFlags) followCalendars(ctx context.Context, hup chan os.Signal, logger *slog.Logger) {
	defer signal.Stop(hup)
	for {
		select {
		case <-ctx.Done():
			return
		case <-hup:
			f.reloadCalendars(logger)
		}
	}
}

// reloadCalendars loads every calendar file again, or, if one is not a year's
// schedule, none. A year loaded before whose file is gone stays loaded until the next
// start; maturities already worked out keep their dates.
func (f *storeFlags) reloadCalendars(logger *slog.Logger) {
	files, years, err := f.loadCalendarFiles()
	if err != nil {
		logger.Error("calendars not reloaded: no file was loaded", "err", err)
		return
	}
	for i, name := range files {
		logger.Info("calendar CN reloaded", "year", years[i], "file", name)
	}
}
