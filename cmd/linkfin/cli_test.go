package main

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"linkfin"
	"linkfin/client"
)

// apiCLI runs an API command against the server s and wants the exit code.
func apiCLI(t *testing.T, s *server, want int, args ...string) (stdout, stderr string) {
	t.Helper()
	code, stdout, stderr := cli(t, append(args, "--url", "http://"+s.addr)...)
	if code != want {
		t.Fatalf("linkfin %s: exit %d, want %d\nstdout:\n%s\nstderr:\n%s", strings.Join(args, " "), code, want, stdout, stderr)
	}
	return stdout, stderr
}

// decodeOut decodes a command's JSON output.
func decodeOut[T any](t *testing.T, stdout string) T {
	t.Helper()
	var v T
	if err := json.Unmarshal([]byte(stdout), &v); err != nil {
		t.Fatalf("output is not the JSON of a %T: %v\n%s", v, err, stdout)
	}
	if !strings.HasPrefix(stdout, "{\n  \"") || !strings.HasSuffix(stdout, "}\n") {
		t.Fatalf("output is not indented JSON:\n%s", stdout)
	}
	return v
}

// wantRefusal checks that stderr names the command, the problem's code and detail.
func wantRefusal(t *testing.T, stderr, command, code, detail string) {
	t.Helper()
	if !strings.HasPrefix(stderr, "linkfin "+command+": "+code+": ") || !strings.Contains(stderr, detail) {
		t.Fatalf("stderr %q, want the code %s and %q", stderr, code, detail)
	}
}

func TestCLIOrganizationsAndKeys(t *testing.T) {
	isolate(t)
	dir := t.TempDir()
	s := serve(t, "--data", dir)
	if s.key == "" {
		t.Fatalf("no operator key:\n%s", s.stdout)
	}
	t.Setenv("LINKFIN_KEY", s.key)

	out, _ := apiCLI(t, s, 0, "orgs", "create", "--id", "acme", "--name", "Acme Castings", "--capabilities", "trade, anchor")
	org := decodeOut[linkfin.Organization](t, out)
	if org.ID != "acme" || org.Name != "Acme Castings" || len(org.Capabilities) != 2 || org.CreatedAt.IsZero() {
		t.Fatalf("created %+v", org)
	}
	apiCLI(t, s, 0, "orgs", "create", "--id", "bolt", "--name", "Bolt Supply", "--capabilities", "trade")
	list := decodeOut[client.List[linkfin.Organization]](t, stdoutOf(apiCLI(t, s, 0, "orgs", "list")))
	if len(list.Data) != 2 || list.Data[0].ID != "acme" || list.Data[1].ID != "bolt" || list.NextCursor != "" {
		t.Fatalf("list %+v", list)
	}
	page := decodeOut[client.List[linkfin.Organization]](t, stdoutOf(apiCLI(t, s, 0, "orgs", "list", "--limit", "1")))
	if len(page.Data) != 1 || page.NextCursor != "acme" {
		t.Fatalf("first page %+v", page)
	}
	all := decodeOut[client.List[linkfin.Organization]](t, stdoutOf(apiCLI(t, s, 0, "orgs", "list", "--limit", "1", "--all")))
	if len(all.Data) != 2 || all.NextCursor != "" {
		t.Fatalf("--all %+v", all)
	}
	// The id may come before or after the flags.
	if got := decodeOut[linkfin.Organization](t, stdoutOf(apiCLI(t, s, 0, "orgs", "get", "bolt"))); got.Name != "Bolt Supply" {
		t.Fatalf("get %+v", got)
	}
	code, stdout, stderr := cli(t, "orgs", "get", "--url", "http://"+s.addr, "bolt")
	if code != 0 || decodeOut[linkfin.Organization](t, stdout).ID != "bolt" {
		t.Fatalf("get with the flags first: exit %d\n%s", code, stderr)
	}
	_, stderr = apiCLI(t, s, 1, "orgs", "get", "nobody")
	wantRefusal(t, stderr, "orgs", "not_found", "organization nobody not found")
	ided := decodeOut[linkfin.Organization](t, stdoutOf(apiCLI(t, s, 0, "orgs", "identify", "bolt", "--type", "endpoint", "--scheme", "0088", "--value", "5790000435975")))
	if len(ided.Identifiers) != 1 || ided.Identifiers[0] != (linkfin.Identifier{Type: "endpoint", Scheme: "0088", Value: "5790000435975"}) {
		t.Fatalf("identified: %+v", ided)
	}
	_, stderr = apiCLI(t, s, 1, "orgs", "identify", "acme", "--type", "endpoint", "--scheme", "0088", "--value", "5790000435975")
	wantRefusal(t, stderr, "orgs", "identifier_taken", "registered to another organization")

	// A key made over the API works at once, for its organization alone.
	key := decodeOut[client.APIKey](t, stdoutOf(apiCLI(t, s, 0, "keys", "create", "--org", "acme", "--role", "admin", "--name", "ci")))
	if key.OrgID != "acme" || key.Role != linkfin.RoleAdmin || key.Name != "ci" || !strings.HasPrefix(key.Key, "lfk_"+key.ID+"_") {
		t.Fatalf("key %+v", key)
	}
	mine := decodeOut[client.List[linkfin.Organization]](t, stdoutOf(apiCLI(t, s, 0, "orgs", "list", "--key", key.Key)))
	if len(mine.Data) != 1 || mine.Data[0].ID != "acme" {
		t.Fatalf("acme's list %+v", mine)
	}
	_, stderr = apiCLI(t, s, 1, "orgs", "get", "bolt", "--key", key.Key)
	wantRefusal(t, stderr, "orgs", "not_found", "bolt")
	_, stderr = apiCLI(t, s, 1, "orgs", "create", "--id", "evil", "--name", "Evil", "--capabilities", "trade", "--key", key.Key)
	wantRefusal(t, stderr, "orgs", "forbidden", "operator")
	viewer := decodeOut[client.APIKey](t, stdoutOf(apiCLI(t, s, 0, "keys", "create", "--org", "acme", "--role", "viewer", "--key", key.Key)))
	keys := decodeOut[client.List[client.APIKey]](t, stdoutOf(apiCLI(t, s, 0, "keys", "list", "--org", "acme", "--key", key.Key)))
	if len(keys.Data) != 2 || keys.Data[0].Key != "" || keys.Data[1].Key != "" {
		t.Fatalf("acme's keys %+v", keys)
	}
	revoked := decodeOut[client.APIKey](t, stdoutOf(apiCLI(t, s, 0, "keys", "revoke", viewer.ID, "--org", "acme", "--key", key.Key)))
	if revoked.RevokedAt == "" {
		t.Fatalf("revoked %+v", revoked)
	}
	_, stderr = apiCLI(t, s, 1, "orgs", "list", "--key", viewer.Key)
	wantRefusal(t, stderr, "orgs", "unauthorized", "a valid API key is required")
	t.Setenv("LINKFIN_KEY", "")
	_, stderr = apiCLI(t, s, 1, "orgs", "list")
	if !strings.Contains(stderr, "no API key: pass --key or set LINKFIN_KEY") {
		t.Fatalf("no key: %s", stderr)
	}
	// LINKFIN_URL picks the server as --url does.
	t.Setenv("LINKFIN_URL", "http://"+s.addr)
	if code, stdout, stderr := cli(t, "orgs", "get", "acme", "--key", key.Key); code != 0 || decodeOut[linkfin.Organization](t, stdout).ID != "acme" {
		t.Fatalf("LINKFIN_URL: exit %d\n%s", code, stderr)
	}

	// --local while the server runs is refused: the database has one writer.
	code, stdout, stderr = cli(t, "keys", "create", "--local", "--data", dir, "--org", "acme", "--role", "finance")
	if code != 1 || stdout != "" || !strings.Contains(stderr, "writer_locked") || !strings.Contains(stderr, "stop it first") ||
		!strings.Contains(stderr, "over the API without --local") {
		t.Fatalf("--local on a running server: exit %d\nstdout:\n%s\nstderr:\n%s", code, stdout, stderr)
	}
	if code := s.stop(); code != 0 {
		t.Fatalf("serve: exit %d\n%s", code, s.stderr)
	}
	// Stopped, it writes the key straight into the database, with no API key at all.
	code, stdout, stderr = cli(t, "keys", "create", "--local", "--data", dir, "--org", "acme", "--role", "finance", "--name", "offline")
	if code != 0 {
		t.Fatalf("--local on a stopped server: exit %d\n%s", code, stderr)
	}
	local := decodeOut[client.APIKey](t, stdout)
	if local.OrgID != "acme" || local.Role != linkfin.RoleFinance || local.Name != "offline" || !strings.HasPrefix(local.Key, "lfk_"+local.ID+"_") {
		t.Fatalf("local key %+v", local)
	}
	code, _, stderr = cli(t, "keys", "create", "--local", "--data", dir, "--org", "nobody", "--role", "admin")
	if code != 1 || !strings.Contains(stderr, "linkfin keys: not_found: ") {
		t.Fatalf("--local for a missing organization: exit %d\n%s", code, stderr)
	}
	// Without --role, or an organization's role without --org, it says which flag is
	// missing: a command line it cannot run, exit 2, before any request.
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"create", "--local", "--data", dir}, "linkfin keys create: --role is required: admin, finance or viewer (operator, with --local and no --org)\n"},
		{[]string{"create", "--local", "--data", dir, "--role", "admin"}, "linkfin keys create: --org is required: the organization the admin key acts for (only an operator key, --role operator, has none)\n"},
		{[]string{"create", "--org", "acme", "--key", local.Key}, "linkfin keys create: --role is required: admin, finance or viewer (operator, with --local and no --org)\n"},
		{[]string{"create", "--role", "admin", "--key", local.Key}, "linkfin keys create: --org is required: the organization the key acts for\n"},
		{[]string{"create", "--local", "--data", dir, "--role", "owner"}, "linkfin keys create: --role is admin, finance or viewer (operator, with --local and no --org), not \"owner\"\n"},
		{[]string{"list", "--key", local.Key}, "linkfin keys list: --org is required: the organization whose keys to list\n"},
		{[]string{"revoke", "k1", "--key", local.Key}, "linkfin keys revoke: --org is required: the organization the key belongs to (or --local, on a stopped server's database)\n"},
	} {
		code, stdout, stderr = cli(t, append([]string{"keys"}, tc.args...)...)
		verb := tc.args[0]
		if code != 2 || stdout != "" || stderr != tc.want+"Run \"linkfin keys "+verb+" --help\" for its flags.\n" {
			t.Errorf("keys %q: exit %d\nstdout:\n%s\nstderr:\n%s", tc.args, code, stdout, stderr)
		}
	}
	s2 := serve(t, "--data", dir)
	if got := decodeOut[linkfin.Organization](t, stdoutOf(apiCLI(t, s2, 0, "orgs", "get", "acme", "--key", local.Key))); got.ID != "acme" {
		t.Fatalf("the local key reads %+v", got)
	}
	if code := s2.stop(); code != 0 {
		t.Fatalf("serve: exit %d\n%s", code, s2.stderr)
	}
	// Revoked locally, the organization's key and the operator's own open nothing.
	opID, _ := linkfin.ParseAPIKey(s.key)
	for _, id := range []string{local.ID, opID} {
		code, stdout, stderr = cli(t, "keys", "revoke", id, "--local", "--data", dir)
		if code != 0 || decodeOut[client.APIKey](t, stdout).RevokedAt == "" {
			t.Fatalf("revoke %s --local: exit %d\n%s%s", id, code, stdout, stderr)
		}
	}
	s3 := serve(t, "--data", dir)
	for _, key := range []string{local.Key, s.key} {
		if code, _ := s3.do("GET", "/v1/organizations/acme", key, ""); code != 401 {
			t.Fatalf("a key revoked locally answers %d", code)
		}
	}
	if code := s3.stop(); code != 0 {
		t.Fatalf("serve: exit %d\n%s", code, s3.stderr)
	}
	if code, stdout, _ := cli(t, "verify", "--data", dir); code != 0 || !strings.Contains(stdout, "\nOK: ") {
		t.Fatalf("verify after local keys: exit %d\n%s", code, stdout)
	}
}

// stdoutOf keeps a command's stdout.
func stdoutOf(stdout, _ string) string { return stdout }

var demoKey = regexp.MustCompile(`export ([A-Z0-9]+)_KEY=(lfk_\S+)\n`)

func TestCLIInvoicesCertificatesFinancings(t *testing.T) {
	isolate(t)
	s := serve(t, "--data", t.TempDir(), "--demo")
	keys := map[string]string{}
	for _, m := range demoKey.FindAllStringSubmatch(s.stdout.String(), -1) {
		keys[strings.ToLower(m[1])] = m[2]
	}
	if len(keys) != 9 {
		t.Fatalf("demo keys %v\n%s", keys, s.stdout)
	}
	ctx := context.Background()
	url := "http://" + s.addr
	anchor, tier1 := client.New(url, keys["anchor"]), client.New(url, keys["tier1"])

	// Two delivered orders, each invoiced by tier1.
	today := linkfin.BusinessDate(time.Now())
	due := today.AddDays(60)
	ids := map[string]string{} // the ids the platform gave, by the orders' numbers
	for _, po := range []string{"PO-1", "PO-2"} {
		steps := []error{}
		o, err := anchor.CreatePurchaseOrder(ctx, client.PurchaseOrderIn{Number: po, SellerID: "tier1", ProgramID: "auto-scf", Currency: "CNY",
			Lines: []client.POLineIn{{LineID: "1", Item: "rotor", Quantity: 100, Unit: "pc", UnitPrice: 1_000_00}}})
		steps = append(steps, err)
		if err == nil {
			_, err = tier1.AcceptPurchaseOrder(ctx, o.ID)
		}
		steps = append(steps, err)
		_, err = anchor.CreateGoodsReceipt(ctx, client.GoodsReceiptIn{POID: o.ID, Lines: []linkfin.ReceiptLine{{LineID: "1", Accepted: 100}}})
		steps = append(steps, err)
		inv, err := tier1.CreateInvoice(ctx, client.InvoiceIn{Number: "INV-" + po, BuyerID: "anchor", POID: o.ID, Currency: "CNY",
			IssueDate: today, DueDate: due, Lines: []linkfin.InvoiceLine{{LineID: "1", Quantity: 100, UnitPrice: 1_000_00, Amount: 100_000_00}}, Total: 100_000_00})
		steps = append(steps, err)
		if err == nil {
			ids["inv-"+po] = inv.ID
		}
		for i, err := range steps {
			if err != nil {
				t.Fatalf("%s, step %d: %v", po, i, err)
			}
		}
	}

	// The seller cannot approve its own invoice; the buyer can.
	_, stderr := apiCLI(t, s, 1, "invoices", "approve", ids["inv-PO-1"], "--key", keys["tier1"])
	wantRefusal(t, stderr, "invoices", "forbidden", "")
	if !strings.HasSuffix(stderr, "(HTTP 403)\n") {
		t.Fatalf("stderr %q", stderr)
	}
	pay := decodeOut[linkfin.Payable](t, stdoutOf(apiCLI(t, s, 0, "invoices", "approve", ids["inv-PO-1"], "--key", keys["anchor"])))
	if pay.ID != linkfin.PayableID(ids["inv-PO-1"]) || pay.Amount != 100_000_00 || pay.SellerID != "tier1" || pay.Status != linkfin.PayableOpen {
		t.Fatalf("payable %+v", pay)
	}
	disputed := decodeOut[linkfin.Invoice](t, stdoutOf(apiCLI(t, s, 0, "invoices", "dispute", ids["inv-PO-2"], "--reason", "rotors scratched", "--key", keys["anchor"])))
	if disputed.Status != linkfin.InvoiceDisputed || disputed.Dispute != "rotors scratched" {
		t.Fatalf("disputed %+v", disputed)
	}
	approved := decodeOut[client.List[linkfin.Invoice]](t, stdoutOf(apiCLI(t, s, 0, "invoices", "list", "--status", "approved", "--key", keys["tier1"])))
	if len(approved.Data) != 1 || approved.Data[0].ID != ids["inv-PO-1"] {
		t.Fatalf("approved invoices %+v", approved)
	}
	if got := decodeOut[linkfin.Invoice](t, stdoutOf(apiCLI(t, s, 0, "invoices", "get", ids["inv-PO-2"], "--key", keys["tier1"]))); got.Status != linkfin.InvoiceDisputed {
		t.Fatalf("get %+v", got)
	}
	_, stderr = apiCLI(t, s, 1, "invoices", "get", ids["inv-PO-1"], "--key", keys["tier3"])
	wantRefusal(t, stderr, "invoices", "not_found", ids["inv-PO-1"])
	_, stderr = apiCLI(t, s, 1, "invoices", "list", "--from", "yesterday", "--key", keys["tier1"])
	if !strings.Contains(stderr, "--from: yesterday is not a date") {
		t.Fatalf("a bad date: %s", stderr)
	}

	// The anchor issues a certificate; tier1 reads it and sells it to the bank.
	c9, err := anchor.IssueCertificate(ctx, client.CertificateIn{ProgramID: "auto-scf", PayableIDs: []string{pay.ID}})
	if err != nil {
		t.Fatal(err)
	}
	certs := decodeOut[client.List[linkfin.Certificate]](t, stdoutOf(apiCLI(t, s, 0, "certificates", "list", "--key", keys["tier1"])))
	if len(certs.Data) != 1 || certs.Data[0].ID != c9.ID || certs.Data[0].Face != 100_000_00 {
		t.Fatalf("certificates %+v", certs)
	}
	cert := decodeOut[client.CertificateOut](t, stdoutOf(apiCLI(t, s, 0, "certificates", "get", c9.ID, "--key", keys["tier1"])))
	if cert.HolderID != "tier1" || len(cert.Lineage.Invoices) != 1 || cert.Lineage.Invoices[0].ID != ids["inv-PO-1"] {
		t.Fatalf("certificate %+v", cert)
	}
	q := decodeOut[linkfin.Financing](t, stdoutOf(apiCLI(t, s, 0, "financings", "request", "--product", "certificate_discounting",
		"--program", "auto-scf", "--funder", "bank", "--asset", c9.ID, "--key", keys["tier1"])))
	if q.Status != linkfin.FinancingQuoted || q.Quote.Face != 100_000_00 || q.Quote.Price >= q.Quote.Face || q.Quote.Price+q.Quote.Discount != q.Quote.Face {
		t.Fatalf("quote %+v", q)
	}
	_, stderr = apiCLI(t, s, 1, "financings", "disburse", q.ID, "--key", keys["bank"])
	wantRefusal(t, stderr, "financings", "conflict", "not accepted")
	if f := decodeOut[linkfin.Financing](t, stdoutOf(apiCLI(t, s, 0, "financings", "accept", q.ID, "--key", keys["tier1"]))); f.Status != linkfin.FinancingAccepted {
		t.Fatalf("accepted %+v", f)
	}
	if f := decodeOut[linkfin.Financing](t, stdoutOf(apiCLI(t, s, 0, "financings", "disburse", q.ID, "--key", keys["bank"]))); f.Status != linkfin.FinancingDisbursed {
		t.Fatalf("disbursed %+v", f)
	}
	if f := decodeOut[linkfin.Financing](t, stdoutOf(apiCLI(t, s, 0, "financings", "get", q.ID, "--key", keys["tier1"]))); f.Status != linkfin.FinancingDisbursed {
		t.Fatalf("get %+v", f)
	}
	fins := decodeOut[client.List[linkfin.Financing]](t, stdoutOf(apiCLI(t, s, 0, "financings", "list", "--all", "--key", keys["bank"])))
	if len(fins.Data) != 1 || fins.Data[0].ID != q.ID {
		t.Fatalf("the bank's financings %+v", fins)
	}
	wallet, err := client.New(url, keys["tier1"]).Wallet(ctx, "tier1", "CNY")
	if err != nil || int64(wallet.CreditsPosted-wallet.DebitsPosted) != q.Quote.Price {
		t.Fatalf("tier1's wallet %+v, %v; want %d", wallet, err, q.Quote.Price)
	}
}

func TestCLIUsage(t *testing.T) {
	isolate(t)
	for _, tc := range []struct {
		args []string
		code int
		want string
	}{
		{[]string{"invoices"}, 2, "Usage: linkfin invoices <action> [flags]"},
		{[]string{"invoices", "frob"}, 2, `linkfin invoices: unknown action "frob"`},
		{[]string{"invoices", "get"}, 2, "linkfin invoices get takes 1 argument(s) (ID), not 0"},
		{[]string{"invoices", "approve", "a", "b"}, 2, "takes 1 argument(s) (ID), not 2"},
		{[]string{"orgs", "list", "--nope"}, 2, "flag provided but not defined: -nope"},
		{[]string{"financings", "request", "--help"}, 0, "Usage: linkfin financings request --product P"},
		{[]string{"keys", "create", "--help"}, 0, "-local"},
		{[]string{"certificates", "list", "--key", ""}, 1, "no API key"},
		{[]string{"orgs", "list", "--key", "lfk_x_y", "--url", "http://127.0.0.1:1"}, 1,
			"linkfin orgs: no linkfin server answers at http://127.0.0.1:1 (dial tcp 127.0.0.1:1: "},
		{[]string{"orgs", "list", "--key", "lfk_x_y", "--url", "127.0.0.1:8080"}, 1,
			`linkfin orgs: "127.0.0.1:8080" is not a server's URL: pass --url (or set LINKFIN_URL) as http://HOST:PORT`},
	} {
		// A usage asked for is the answer, on standard output; an error's is on standard error.
		code, stdout, stderr := cli(t, tc.args...)
		answer, other := stderr, stdout
		if tc.code == 0 {
			answer, other = stdout, stderr
		}
		if code != tc.code || !strings.Contains(answer, tc.want) || other != "" {
			t.Errorf("linkfin %q: exit %d, want %d and %q\nstdout:\n%s\nstderr:\n%s", tc.args, code, tc.code, tc.want, stdout, stderr)
		}
	}
	code, stdout, _ := cli(t, "financings", "help")
	if code != 0 || !strings.Contains(stdout, "disburse ID") {
		t.Fatalf("financings help: exit %d\n%s", code, stdout)
	}
	code, stdout, _ = cli(t, "help")
	for _, cmd := range []string{"orgs", "invoices", "financings", "certificates", "keys"} {
		if code != 0 || !strings.Contains(stdout, "\n  "+cmd+" ") {
			t.Errorf("help does not list %s:\n%s", cmd, stdout)
		}
	}
}

// TestListLimitInRange: a list's --limit is 1 to 1000, as the API takes it; another
// is refused as the command line is read (exit 2, no key needed, no request made),
// where it was left out of the request and the server's default page printed.
func TestListLimitInRange(t *testing.T) {
	isolate(t)
	t.Setenv("LINKFIN_KEY", "")
	for _, limit := range []string{"0", "-3", "1001", "ten"} {
		code, stdout, stderr := cli(t, "orgs", "list", "--url", "http://127.0.0.1:1", "--limit", limit)
		if code != 2 || stdout != "" || !strings.HasPrefix(stderr, `invalid value "`+limit+`" for flag -limit: a page holds 1 to 1000 items`) {
			t.Errorf("orgs list --limit %s: exit %d\nstdout:\n%s\nstderr:\n%s", limit, code, stdout, stderr)
		}
	}
}

// TestListFlagsAsTheRouteTakes: each list command has a flag for each query
// parameter its route takes, and for no other (a flag the route does not take would
// only be refused by the server, 400 invalid); its usage lists the same. The route's
// own refusal of an unknown parameter names what it takes.
func TestListFlagsAsTheRouteTakes(t *testing.T) {
	isolate(t)
	s := serve(t, "--data", t.TempDir())
	takes := regexp.MustCompile(`\(this takes ([a-z_, ]+)\)`)
	flagLine := regexp.MustCompile(`(?m)^  -([a-z-]+)`)
	for _, tc := range []struct{ command, route string }{
		{"orgs", "/v1/organizations"}, {"users", "/v1/users"}, {"invoices", "/v1/invoices"},
		{"financings", "/v1/financings"}, {"certificates", "/v1/certificates"},
	} {
		req, _ := http.NewRequest("GET", "http://"+s.addr+tc.route+"?nosuch=1", nil)
		req.Header.Set("Authorization", "Bearer "+s.key)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(res.Body)
		res.Body.Close()
		m := takes.FindStringSubmatch(string(body))
		if res.StatusCode != 400 || m == nil {
			t.Fatalf("GET %s?nosuch=1: %d %s", tc.route, res.StatusCode, body)
		}
		want := append(strings.Split(m[1], ", "), "all", "key", "url")
		slices.Sort(want)
		code, stdout, stderr := cli(t, tc.command, "list", "--help")
		var got []string
		for _, f := range flagLine.FindAllStringSubmatch(stdout, -1) {
			got = append(got, f[1])
		}
		slices.Sort(got)
		if code != 0 || !slices.Equal(got, want) {
			t.Errorf("%s list --help: exit %d, flags %v, want %v (%s)\n%s", tc.command, code, got, want, tc.route, stderr)
		}
		code, stdout, _ = cli(t, tc.command, "--help")
		listed := regexp.MustCompile(`(?m)^  list +list \(([^)]*)\)`).FindStringSubmatch(stdout)
		var named []string
		if listed != nil {
			for _, f := range strings.Split(listed[1], ", ") {
				named = append(named, strings.TrimPrefix(f, "--"))
			}
		}
		slices.Sort(named)
		if wantNamed := slices.DeleteFunc(slices.Clone(want), func(f string) bool { return f == "key" || f == "url" }); code != 0 || !slices.Equal(named, wantNamed) {
			t.Errorf("%s --help lists %v for list, want %v", tc.command, named, wantNamed)
		}
	}
	code, _, stderr := cli(t, "orgs", "list", "--url", "http://"+s.addr, "--key", s.key, "--status", "active")
	if code != 2 || !strings.HasPrefix(stderr, "flag provided but not defined: -status\n") {
		t.Errorf("orgs list --status active: exit %d\n%s", code, stderr)
	}
}

// TestCLIReachesNoAPI: an API command whose --url reaches a server that is not
// linkfin's, or reaches linkfin's plain HTTP as https://, says so with what to pass,
// rather than a web page's text or the TLS package's words alone.
func TestCLIReachesNoAPI(t *testing.T) {
	isolate(t)
	page := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html")
		w.WriteHeader(http.StatusNotFound)
		io.WriteString(w, "<!DOCTYPE html><title>Not Found</title>")
	}))
	defer page.Close()
	for _, tc := range []struct{ url, want, also string }{
		{page.URL, "\nwhat answers at " + page.URL + " is not linkfin's API: pass its URL with --url (or LINKFIN_URL)", "(HTTP 404)"},
		{strings.Replace(page.URL, "http://", "https://", 1), " does not answer in TLS (", "linkfin serves plain HTTP; pass --url (or LINKFIN_URL) as http://"},
	} {
		code, stdout, stderr := cli(t, "orgs", "list", "--key", "lfk_a_b", "--url", tc.url)
		if code != 1 || stdout != "" || !strings.HasPrefix(stderr, "linkfin orgs: ") || !strings.Contains(stderr, tc.want) || !strings.Contains(stderr, tc.also) {
			t.Errorf("orgs list --url %s: exit %d, want 1 and %q\nstdout:\n%s\nstderr:\n%s", tc.url, code, tc.want, stdout, stderr)
		}
	}
}
