package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"crypto/tls"
	"encoding/base64"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"

	"golang.org/x/term"

	"linkfin"
	"linkfin/client"
)

// The commands in this file call a running server's API with the client package.
// Each prints the answer as indented JSON on stdout; an error answer goes to stderr
// with its code and detail, and the exit code is 1.

// clientFlags are the flags of every command that calls the API.
type clientFlags struct {
	url string
	key string
}

func (f *clientFlags) register(fs *flag.FlagSet) {
	url := os.Getenv("LINKFIN_URL")
	if url == "" {
		url = "http://127.0.0.1:8080"
	}
	fs.StringVar(&f.url, "url", url, "the server's URL (env LINKFIN_URL)")
	fs.StringVar(&f.key, "key", os.Getenv("LINKFIN_KEY"), "API key, lfk_… (env LINKFIN_KEY)")
}

func (f *clientFlags) client() (*client.Client, error) {
	if f.key == "" {
		return nil, errors.New("no API key: pass --key or set LINKFIN_KEY")
	}
	if u, err := url.Parse(f.url); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return nil, fmt.Errorf("%q is not a server's URL: pass --url (or set LINKFIN_URL) as http://HOST:PORT, such as http://127.0.0.1:8080", f.url)
	}
	return client.New(f.url, f.key, client.WithUserAgent("linkfin-cli")), nil
}

// unreachable says in words that no linkfin server answered at the URL, where err is
// a failure to connect, to speak TLS or to get an answer rather than an answer of the
// API's, or an answer that is not the API's (a web server's page).
func (f *clientFlags) unreachable(err error) error {
	var op *net.OpError
	var rec tls.RecordHeaderError
	var ue *url.Error
	switch {
	case errors.As(err, &op) && op.Op == "dial":
		return fmt.Errorf("no linkfin server answers at %s (%w): start one with linkfin serve, or pass its URL with --url (or LINKFIN_URL)", f.url, op)
	case errors.As(err, &rec), errors.As(err, &ue) && strings.Contains(ue.Err.Error(), "HTTP response to HTTPS client"):
		// (net/http says the latter where the answer looks like HTTP's.)
		return fmt.Errorf("%s does not answer in TLS (%w): linkfin serves plain HTTP; pass --url (or LINKFIN_URL) as http://, or the https:// address of the TLS proxy in front of it", f.url, errors.Unwrap(err))
	case linkfin.ErrorCode(err) == client.EUNEXPECTED:
		return fmt.Errorf("%w\nwhat answers at %s is not linkfin's API: pass its URL with --url (or LINKFIN_URL), such as http://127.0.0.1:8080", err, f.url)
	case errors.As(err, &ue):
		return fmt.Errorf("no answer from %s (%w): check --url (or LINKFIN_URL), and that the server runs and is reachable from here", f.url, ue.Err)
	}
	return err
}

// run is what an action does with a client and its positional arguments: it
// returns the value to print.
type runFunc func(ctx context.Context, c *client.Client, args []string) (any, error)

// action is one verb of a resource command, such as "invoices approve ID".
type action struct {
	usage string   // the verb and what follows it: "approve ID"
	args  []string // the names of its positional arguments
	help  string
	// setup registers the action's own flags and returns what it runs.
	setup func(fs *flag.FlagSet) runFunc
}

func (a *action) verb() string { v, _, _ := strings.Cut(a.usage, " "); return v }

// runResource runs "linkfin <name> <verb> …" with the verb's action.
func runResource(ctx context.Context, name string, actions []action, args []string, stdout, stderr io.Writer) error {
	usage := func(w io.Writer) {
		fmt.Fprintf(w, "Usage: linkfin %s <action> [flags]\n\nActions:\n", name)
		for _, a := range actions {
			fmt.Fprintf(w, "  %-28s %s\n", a.usage, a.help)
		}
		fmt.Fprintf(w, "\nEvery action takes --url (env LINKFIN_URL) and --key (env LINKFIN_KEY).\n")
	}
	if len(args) == 0 {
		usage(stderr)
		return errUsage
	}
	if v := args[0]; v == "help" || v == "-h" || v == "--help" || v == "-help" {
		usage(stdout)
		return nil
	}
	var a *action
	for i := range actions {
		if actions[i].verb() == args[0] {
			a = &actions[i]
		}
	}
	if a == nil {
		fmt.Fprintf(stderr, "linkfin %s: unknown action %q\n\n", name, args[0])
		usage(stderr)
		return errUsage
	}
	var cf clientFlags
	fs := newFlags(name+" "+a.verb(), name+" "+a.usage, stderr)
	cf.register(fs)
	var run runFunc
	if a.setup != nil {
		run = a.setup(fs)
	}
	pos, err := parseArgs(fs, args[1:])
	if err != nil {
		return err
	}
	if len(pos) != len(a.args) {
		fmt.Fprintf(stderr, "linkfin %s %s takes %d argument(s) (%s), not %d\n", name, a.verb(), len(a.args), strings.Join(a.args, " "), len(pos))
		fs.Usage()
		return errUsage
	}
	c, err := cf.client()
	if err != nil && !offline(fs) {
		return err
	}
	v, err := run(ctx, c, pos)
	if err != nil {
		return cf.unreachable(err)
	}
	return printJSON(stdout, v)
}

// offline reports whether the action was asked to work on the database itself
// (--local), without the API and so without a key.
func offline(fs *flag.FlagSet) bool {
	f := fs.Lookup("local")
	return f != nil && f.Value.String() == "true"
}

// parseArgs parses flags that come before, between or after the positional
// arguments, and returns the positional ones.
func parseArgs(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				return nil, err
			}
			return nil, errUsage
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func printJSON(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// listAction lists a resource, one page, or every page with --all, filtered by the
// query parameters its route takes besides limit and after (filters: status,
// counterparty, number, from, to): a flag for one it does not take would only be
// refused by the server.
func listAction[T any](page func(*client.Client, context.Context, *client.ListOptions) (*client.List[T], error), filters ...string) action {
	help := "list (--limit, --after, --" + strings.Join(filters, ", --") + ", --all)"
	return action{usage: "list", help: help,
		setup: func(fs *flag.FlagSet) runFunc {
			var limit pageLimit
			fs.Var(&limit, "limit", "items per page, 1 to 1000 (default 100)")
			after := fs.String("after", "", "the next_cursor of the page before")
			var opt client.ListOptions
			dates := map[string]*string{}
			for _, f := range filters {
				switch f {
				case "status":
					fs.StringVar(&opt.Status, f, "", "only items of this status")
				case "counterparty":
					fs.StringVar(&opt.Counterparty, f, "", "only items shared with this organization")
				case "number":
					fs.StringVar(&opt.Number, f, "", "only documents of this number")
				case "from":
					dates[f] = fs.String(f, "", "only items created on or after this date, YYYY-MM-DD")
				case "to":
					dates[f] = fs.String(f, "", "only items created on or before this date, YYYY-MM-DD")
				default:
					panic("listAction: no filter " + f)
				}
			}
			all := fs.Bool("all", false, "follow next_cursor to the end and print every item")
			return func(ctx context.Context, c *client.Client, _ []string) (any, error) {
				opt := opt
				opt.Limit, opt.After = int(limit), *after
				for _, d := range []struct {
					name string
					to   *linkfin.Date
				}{{"from", &opt.From}, {"to", &opt.To}} {
					if v := dates[d.name]; v != nil && *v != "" {
						date, err := linkfin.ParseDate(*v)
						if err != nil {
							return nil, fmt.Errorf("--%s: %s is not a date, YYYY-MM-DD", d.name, *v)
						}
						*d.to = date
					}
				}
				if !*all {
					return page(c, ctx, &opt)
				}
				items, err := client.Collect(ctx, func(ctx context.Context, o *client.ListOptions) (*client.List[T], error) {
					return page(c, ctx, o)
				}, &opt)
				return client.List[T]{Data: items}, err
			}
		}}
}

// pageLimit is a list's --limit: 1 to 1000 items a page, as the API takes; 0, unset,
// leaves the page to the server's default. A value out of range is refused as the
// command line is read (exit 2), where the client would leave it out and the server
// answer its default page.
type pageLimit int

func (l *pageLimit) String() string { return strconv.Itoa(int(*l)) }

func (l *pageLimit) Set(s string) error {
	n, err := strconv.Atoi(s)
	if err != nil || n < 1 || n > 1000 {
		return errors.New("a page holds 1 to 1000 items")
	}
	*l = pageLimit(n)
	return nil
}

// idAction runs a method that takes one id, such as "get ID" or "approve ID".
func idAction[T any](verb, help string, do func(*client.Client, context.Context, string) (T, error)) action {
	return action{usage: verb + " ID", args: []string{"ID"}, help: help, setup: func(*flag.FlagSet) runFunc {
		return func(ctx context.Context, c *client.Client, args []string) (any, error) {
			return do(c, ctx, args[0])
		}
	}}
}

func runOrgs(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runResource(ctx, "orgs", []action{
		listAction((*client.Client).ListOrganizations, "counterparty", "from", "to"),
		idAction("get", "show an organization", (*client.Client).GetOrganization),
		{usage: "create --id ID --name NAME --capabilities a,b", help: "register an organization (operator key), under the id the operator gives it",
			setup: func(fs *flag.FlagSet) runFunc {
				id := fs.String("id", "", "the organization's id")
				name := fs.String("name", "", "its name")
				caps := fs.String("capabilities", "", "comma-separated: trade, anchor, fund, logistics, operate")
				return func(ctx context.Context, c *client.Client, _ []string) (any, error) {
					in := client.OrganizationIn{ID: *id, Name: *name, Capabilities: []linkfin.Capability{}}
					for _, s := range strings.Split(*caps, ",") {
						if s = strings.TrimSpace(s); s != "" {
							in.Capabilities = append(in.Capabilities, linkfin.Capability(s))
						}
					}
					return c.CreateOrganization(ctx, in)
				}
			}},
		{usage: "identify ID --type endpoint|vat|legal [--scheme S] --value V", args: []string{"ID"},
			help: "register an electronic identifier of the organization (its admin key, or the operator's), by which e-invoices name it",
			setup: func(fs *flag.FlagSet) runFunc {
				typ := fs.String("type", "", "endpoint (a PEPPOL EndpointID), vat (a VAT number) or legal (a registration id)")
				scheme := fs.String("scheme", "", "the scheme: an endpoint's EAS code (0088 for a GLN), a legal id's if it has one")
				value := fs.String("value", "", "the identifier")
				return func(ctx context.Context, c *client.Client, args []string) (any, error) {
					return c.RegisterIdentifier(ctx, args[0], linkfin.Identifier{Type: *typ, Scheme: *scheme, Value: *value})
				}
			}},
	}, args, stdout, stderr)
}

func runUsers(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runResource(ctx, "users", []action{
		listAction((*client.Client).ListUsers, "status", "counterparty", "from", "to"),
		idAction("get", "show a user", (*client.Client).GetUser),
		{usage: "create --name NAME --role ROLE", help: "make a user (an admin key: of its organization; the operator: --org); " +
			"the password is read from stdin, or made and printed once",
			setup: func(fs *flag.FlagSet) runFunc {
				name := fs.String("name", "", "the sign-in name (3 to 64 of a-z 0-9 . _ - @)")
				display := fs.String("display-name", "", "the name shown")
				role := fs.String("role", "viewer", "admin, finance or viewer (operator, for a user of the platform)")
				lang := fs.String("language", linkfin.LangZH, "zh-CN or en")
				org := fs.String("org", "", "the organization (operator key only)")
				stdin := fs.Bool("password-stdin", false, "read the password from stdin rather than make one (asked for, without echo, on a terminal)")
				return func(ctx context.Context, c *client.Client, _ []string) (any, error) {
					password, made, err := readPassword(*stdin, fs.Output())
					if err != nil {
						return nil, err
					}
					u, err := c.CreateUser(ctx, client.UserIn{OrgID: *org, Name: *name, DisplayName: *display, Role: linkfin.Role(*role),
						Language: *lang, Password: password})
					if err != nil || !made {
						return u, err
					}
					return struct {
						*linkfin.User
						Password string `json:"password"`
					}{u, password}, nil
				}
			}},
		idAction("disable", "disable a user: its sessions end", (*client.Client).DisableUser),
		{usage: "enable ID", args: []string{"ID"}, help: "enable a disabled user",
			setup: func(*flag.FlagSet) runFunc {
				return func(ctx context.Context, c *client.Client, args []string) (any, error) {
					s := linkfin.UserActive
					return c.UpdateUser(ctx, args[0], client.UserPatch{Status: &s})
				}
			}},
		{usage: "role ID ROLE", args: []string{"ID", "ROLE"}, help: "change a user's role",
			setup: func(*flag.FlagSet) runFunc {
				return func(ctx context.Context, c *client.Client, args []string) (any, error) {
					r := linkfin.Role(args[1])
					return c.UpdateUser(ctx, args[0], client.UserPatch{Role: &r})
				}
			}},
		{usage: "reset-password ID", args: []string{"ID"}, help: "set a user's password (read from stdin, or made and printed once); its sessions end",
			setup: func(fs *flag.FlagSet) runFunc {
				stdin := fs.Bool("password-stdin", false, "read the password from stdin rather than make one (asked for, without echo, on a terminal)")
				return func(ctx context.Context, c *client.Client, args []string) (any, error) {
					password, made, err := readPassword(*stdin, fs.Output())
					if err != nil {
						return nil, err
					}
					u, err := c.SetPassword(ctx, args[0], password)
					if err != nil || !made {
						return u, err
					}
					return struct {
						*linkfin.User
						Password string `json:"password"`
					}{u, password}, nil
				}
			}},
	}, args, stdout, stderr)
}

// readPassword reads a password from stdin's first line, or makes one of 20
// characters (made true) to print once. From a terminal it asks for it on prompt
// (standard error) and reads it without echo, as a password is typed.
func readPassword(fromStdin bool, prompt io.Writer) (password string, made bool, err error) {
	if fromStdin {
		if fd := int(os.Stdin.Fd()); term.IsTerminal(fd) {
			fmt.Fprint(prompt, "Password: ")
			b, err := term.ReadPassword(fd)
			fmt.Fprintln(prompt) // the newline typed, which was not echoed
			if err != nil {
				return "", false, fmt.Errorf("cannot read the password from the terminal: %w", err)
			}
			return string(b), false, nil
		}
		line, err := bufio.NewReader(os.Stdin).ReadString('\n')
		if err != nil && !errors.Is(err, io.EOF) {
			return "", false, err
		}
		return strings.TrimRight(line, "\r\n"), false, nil
	}
	var b [15]byte
	rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:]), true, nil
}

func runInvoices(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runResource(ctx, "invoices", []action{
		listAction((*client.Client).ListInvoices, "status", "counterparty", "number", "from", "to"),
		idAction("get", "show an invoice with its three-way match", (*client.Client).GetInvoice),
		idAction("approve", "approve a matched invoice into a payable (the buyer)", (*client.Client).ApproveInvoice),
		{usage: "dispute ID --reason TEXT", args: []string{"ID"}, help: "dispute an invoice (the buyer)",
			setup: func(fs *flag.FlagSet) runFunc {
				reason := fs.String("reason", "", "why the invoice is disputed")
				return func(ctx context.Context, c *client.Client, args []string) (any, error) {
					return c.DisputeInvoice(ctx, args[0], *reason)
				}
			}},
	}, args, stdout, stderr)
}

func runFinancings(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runResource(ctx, "financings", []action{
		listAction((*client.Client).ListFinancings, "status", "counterparty", "from", "to"),
		idAction("get", "show a financing with its quote", (*client.Client).GetFinancing),
		{usage: "request --product P --program ID [--funder ID] --asset ID", help: "request financing: the answer is a quote, with the financing's new id",
			setup: func(fs *flag.FlagSet) runFunc {
				var in client.FinancingIn
				product := fs.String("product", "", productNames())
				fs.StringVar(&in.ProgramID, "program", "", "the program")
				fs.StringVar(&in.FunderID, "funder", "", "the funder (none for dynamic discounting)")
				fs.StringVar(&in.AssetID, "asset", "", "the certificate piece, payable, order or warehouse receipt")
				return func(ctx context.Context, c *client.Client, _ []string) (any, error) {
					in.Product = linkfin.Product(*product)
					return c.RequestFinancing(ctx, in)
				}
			}},
		idAction("accept", "accept a quote (the requester)", (*client.Client).AcceptFinancing),
		idAction("disburse", "pay an accepted financing (the funder)", (*client.Client).DisburseFinancing),
		idAction("cancel", "withdraw an accepted financing before it is paid", (*client.Client).CancelFinancing),
		idAction("repay", "repay a pledge or distributor loan (the borrower)", (*client.Client).RepayFinancing),
	}, args, stdout, stderr)
}

// productNames lists the products a program may offer: "a, b or c".
func productNames() string {
	var names []string
	for _, p := range linkfin.Products() {
		names = append(names, string(p))
	}
	return strings.Join(names[:len(names)-1], ", ") + " or " + names[len(names)-1]
}

func runCertificates(ctx context.Context, args []string, stdout, stderr io.Writer) error {
	return runResource(ctx, "certificates", []action{
		listAction((*client.Client).ListCertificates, "status", "counterparty", "from", "to"),
		idAction("get", "show a piece with its lineage", (*client.Client).GetCertificate),
	}, args, stdout, stderr)
}
