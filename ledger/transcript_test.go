package ledger_test

import (
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"linkfin/ledger"
)

var update = flag.Bool("update", false, "rewrite the expected output of testdata/*.txt")

// TestTranscripts runs the scripts in testdata/*.txt. A script is a series of blocks:
// command lines, a "----" line, and the expected output up to a blank line. Lines
// starting with # between blocks are comments. Each block is one batch: it begins at
// the script's current time and commits at the end (unless it says "rollback").
//
//	time <duration>          sets the time for this and later blocks (first line only)
//	account <id> ledger=<n> cur=<CCC> [code=<n>] [flags=dmnec|cmned]
//	close <id>
//	transfer <id> <debit>-><credit> <amount> [pending] [timeout=<s>] [linked]
//	         [ledger=<n>] [cur=<CCC>] [code=<n>]     (default ledger=1 cur=CNY)
//	post <id> pending=<id> [amount=<n>] [linked] [dr=<id>] [cr=<id>] [ledger=] [cur=] [code=]
//	void <id> pending=<id> [amount=<n>] [linked]
//	expire <id>...
//	balances [<id>...]       dp/dpo: debits pending/posted, cp/cpo: credits
//	pending [<id>...]
//	changes                  what the batch changed so far
//	check                    totals per ledger and currency, and any broken invariant
//	rollback                 undo the whole batch
//
// Consecutive account lines form one request, as do consecutive transfer, post and
// void lines. Times print relative to the start of the script.
func TestTranscripts(t *testing.T) {
	files, err := filepath.Glob(filepath.Join("testdata", "*.txt"))
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatal("no transcripts in testdata")
	}
	for _, file := range files {
		t.Run(strings.TrimSuffix(filepath.Base(file), ".txt"), func(t *testing.T) {
			runTranscript(t, file)
		})
	}
}

type block struct {
	line int // of the first command
	cmds []string
	want []string
}

// chunk is either comment lines kept verbatim or a block.
type chunk struct {
	text  []string
	block *block
}

func parseTranscript(t *testing.T, file string, data string) []chunk {
	t.Helper()
	lines := strings.Split(strings.TrimRight(data, "\n"), "\n")
	var chunks []chunk
	for i := 0; i < len(lines); {
		if l := strings.TrimSpace(lines[i]); l == "" || strings.HasPrefix(l, "#") {
			chunks = append(chunks, chunk{text: []string{lines[i]}})
			i++
			continue
		}
		b := &block{line: i + 1}
		for ; i < len(lines) && lines[i] != "----"; i++ {
			if strings.TrimSpace(lines[i]) == "" {
				t.Fatalf("%s:%d: blank line before ----", file, i+1)
			}
			b.cmds = append(b.cmds, lines[i])
		}
		if i == len(lines) {
			t.Fatalf("%s:%d: block without ----", file, b.line)
		}
		for i++; i < len(lines) && lines[i] != ""; i++ {
			b.want = append(b.want, lines[i])
		}
		i++ // the blank line ending the block
		chunks = append(chunks, chunk{block: b})
	}
	return chunks
}

func runTranscript(t *testing.T, file string) {
	data, err := os.ReadFile(file)
	if err != nil {
		t.Fatal(err)
	}
	chunks := parseTranscript(t, file, string(data))
	r := &transcript{t: t, file: file, s: ledger.NewState(), start: t0, wall: t0}
	var out strings.Builder
	for _, c := range chunks {
		if c.block == nil {
			out.WriteString(c.text[0] + "\n")
			continue
		}
		got := r.run(c.block)
		if !*update && !slices.Equal(got, c.block.want) {
			t.Errorf("%s:%d:\n%s\n----\ngot:\n%s\nwant:\n%s", file, c.block.line,
				strings.Join(c.block.cmds, "\n"), strings.Join(got, "\n"), strings.Join(c.block.want, "\n"))
		}
		out.WriteString(strings.Join(c.block.cmds, "\n") + "\n----\n")
		for _, l := range got {
			out.WriteString(l + "\n")
		}
		out.WriteString("\n")
	}
	if *update {
		if err := os.WriteFile(file, []byte(strings.TrimRight(out.String(), "\n")+"\n"), 0o644); err != nil {
			t.Fatal(err)
		}
	}
}

type transcript struct {
	t     *testing.T
	file  string
	line  int
	s     *ledger.State
	start int64
	wall  int64
	// accounts and pendings name what balances and pending print by default.
	accounts, pendings []int64
}

func (r *transcript) fatalf(format string, args ...any) {
	r.t.Helper()
	r.t.Fatalf("%s:%d: %s", r.file, r.line, fmt.Sprintf(format, args...))
}

func (r *transcript) rel(ts int64) string { return "+" + time.Duration(ts-r.start).String() }

func (r *transcript) run(b *block) []string {
	var out []string
	cmds := b.cmds
	timed := strings.Fields(cmds[0])[0] == "time"
	if timed {
		f := strings.Fields(cmds[0])
		r.line = b.line
		if len(f) != 2 {
			r.fatalf("usage: time <duration>")
		}
		d, err := time.ParseDuration(f[1])
		if err != nil {
			r.fatalf("%v", err)
		}
		r.wall = r.start + int64(d)
		cmds = cmds[1:]
	}
	r.s.Begin(r.wall)
	if timed {
		out = append(out, "now "+r.rel(r.s.Now()))
	}
	open := true
	offset := len(b.cmds) - len(cmds)
	for i := 0; i < len(cmds); {
		r.line = b.line + offset + i
		if !open {
			r.fatalf("command after rollback")
		}
		f := strings.Fields(cmds[i])
		switch f[0] {
		case "account":
			var req []ledger.Account
			for ; i < len(cmds) && strings.Fields(cmds[i])[0] == "account"; i++ {
				r.line = b.line + offset + i
				req = append(req, r.account(strings.Fields(cmds[i])))
			}
			for j, res := range r.s.CreateAccounts(req) {
				out = append(out, fmt.Sprintf("account %d: %s", req[j].ID, res))
				if res == ledger.OK {
					r.accounts = append(r.accounts, req[j].ID)
				}
			}
			continue
		case "transfer", "post", "void":
			var req []ledger.Transfer
			var kinds []string
			for ; i < len(cmds); i++ {
				g := strings.Fields(cmds[i])
				if g[0] != "transfer" && g[0] != "post" && g[0] != "void" {
					break
				}
				r.line = b.line + offset + i
				req = append(req, r.transfer(g))
				kinds = append(kinds, g[0])
			}
			for j, res := range r.s.CreateTransfers(req) {
				out = append(out, fmt.Sprintf("%s %d: %s", kinds[j], req[j].ID, res))
				if res == ledger.OK && req[j].Flags&ledger.Pending != 0 {
					r.pendings = append(r.pendings, req[j].ID)
				}
			}
			continue
		case "close":
			for _, id := range r.ids(f[1:]) {
				out = append(out, fmt.Sprintf("close %d: %s", id, r.s.CloseAccount(id)))
			}
		case "expire":
			for _, id := range r.ids(f[1:]) {
				out = append(out, fmt.Sprintf("expire %d: %t", id, r.s.Expire(id)))
			}
		case "balances":
			out = append(out, r.balances(f[1:])...)
		case "pending":
			out = append(out, r.pending(f[1:])...)
		case "changes":
			out = append(out, r.changes()...)
		case "check":
			out = append(out, r.check()...)
		case "rollback":
			r.s.RollbackBatch()
			out = append(out, "rolled back")
			open = false
		default:
			r.fatalf("unknown command %q", f[0])
		}
		i++
	}
	if open {
		r.s.Commit()
	}
	// Whatever the script expects, no batch may break an invariant.
	for _, p := range r.problems() {
		r.t.Errorf("%s:%d: after the block: %s", r.file, b.line, p)
	}
	return out
}

func (r *transcript) ids(args []string) []int64 {
	if len(args) == 0 {
		r.fatalf("missing id")
	}
	var ids []int64
	for _, a := range args {
		ids = append(ids, r.int(a))
	}
	return ids
}

func (r *transcript) int(s string) int64 {
	n, err := strconv.ParseInt(s, 10, 64)
	if err != nil {
		r.fatalf("%v", err)
	}
	return n
}

// options splits key=value arguments; bare words map to "".
func (r *transcript) options(args []string, allowed ...string) map[string]string {
	opts := make(map[string]string)
	for _, a := range args {
		k, v, _ := strings.Cut(a, "=")
		if !slices.Contains(allowed, k) {
			r.fatalf("unknown argument %q", a)
		}
		opts[k] = v
	}
	return opts
}

func (r *transcript) account(f []string) ledger.Account {
	if len(f) < 2 {
		r.fatalf("usage: account <id> ledger=<n> cur=<CCC> [code=<n>] [flags=...]")
	}
	o := r.options(f[2:], "ledger", "cur", "code", "flags")
	a := ledger.Account{ID: r.int(f[1]), Currency: o["cur"]}
	if v, ok := o["ledger"]; ok {
		a.Ledger = uint32(r.int(v))
	}
	if v, ok := o["code"]; ok {
		a.Code = uint16(r.int(v))
	}
	if v, ok := o["flags"]; ok {
		for _, fl := range strings.Split(v, "|") {
			switch fl {
			case "dmnec":
				a.Flags |= dmnec
			case "cmned":
				a.Flags |= cmned
			case "closed":
				a.Flags |= ledger.Closed
			default:
				r.fatalf("unknown account flag %q", fl)
			}
		}
	}
	return a
}

func (r *transcript) transfer(f []string) ledger.Transfer {
	if len(f) < 2 {
		r.fatalf("missing transfer id")
	}
	t := ledger.Transfer{ID: r.int(f[1])}
	var o map[string]string
	switch f[0] {
	case "transfer":
		if len(f) < 4 {
			r.fatalf("usage: transfer <id> <debit>-><credit> <amount> ...")
		}
		dr, cr, ok := strings.Cut(f[2], "->")
		if !ok {
			r.fatalf("accounts %q: want <debit>-><credit>", f[2])
		}
		t.DebitAccountID, t.CreditAccountID, t.Amount = r.int(dr), r.int(cr), r.int(f[3])
		t.Ledger, t.Currency = 1, "CNY"
		o = r.options(f[4:], "pending", "timeout", "linked", "ledger", "cur", "code")
		if _, ok := o["pending"]; ok {
			t.Flags |= ledger.Pending
		}
	case "post", "void":
		o = r.options(f[2:], "pending", "amount", "linked", "dr", "cr", "ledger", "cur", "code")
		t.Flags = ledger.PostPending
		if f[0] == "void" {
			t.Flags = ledger.VoidPending
		}
		t.PendingID = r.int(o["pending"])
		if v, ok := o["amount"]; ok {
			t.Amount = r.int(v)
		}
		if v, ok := o["dr"]; ok {
			t.DebitAccountID = r.int(v)
		}
		if v, ok := o["cr"]; ok {
			t.CreditAccountID = r.int(v)
		}
	}
	if _, ok := o["linked"]; ok {
		t.Flags |= ledger.Linked
	}
	if v, ok := o["timeout"]; ok {
		t.Timeout = uint32(r.int(v))
	}
	if v, ok := o["ledger"]; ok {
		t.Ledger = uint32(r.int(v))
	}
	if v, ok := o["cur"]; ok {
		t.Currency = v
	}
	if v, ok := o["code"]; ok {
		t.Code = uint16(r.int(v))
	}
	return t
}

func (r *transcript) balances(args []string) []string {
	ids := r.accounts
	if len(args) > 0 {
		ids = r.ids(args)
	}
	var out []string
	for _, id := range sortedUnique(ids) {
		a := r.s.Account(id)
		if a == nil {
			out = append(out, fmt.Sprintf("%d: not found", id))
			continue
		}
		l := fmt.Sprintf("%d: dp=%d dpo=%d cp=%d cpo=%d", id, a.DebitsPending, a.DebitsPosted, a.CreditsPending, a.CreditsPosted)
		var fl []string
		if a.Flags&dmnec != 0 {
			fl = append(fl, "dmnec")
		}
		if a.Flags&cmned != 0 {
			fl = append(fl, "cmned")
		}
		if a.Flags&ledger.Closed != 0 {
			fl = append(fl, "closed")
		}
		if len(fl) > 0 {
			l += " " + strings.Join(fl, "|")
		}
		out = append(out, l)
	}
	return out
}

func (r *transcript) pending(args []string) []string {
	ids := r.pendings
	if len(args) > 0 {
		ids = r.ids(args)
	}
	var out []string
	for _, id := range sortedUnique(ids) {
		p, t := r.s.Pending(id), r.s.Transfer(id)
		if p == nil || t == nil {
			out = append(out, fmt.Sprintf("%d: not found", id))
			continue
		}
		exp := "never"
		if p.ExpiresAt != 0 {
			exp = r.rel(p.ExpiresAt)
		}
		out = append(out, fmt.Sprintf("%d: %s %d->%d %d expires=%s", id, p.Status, t.DebitAccountID, t.CreditAccountID, t.Amount, exp))
	}
	return out
}

func (r *transcript) changes() []string {
	ch := r.s.Changes()
	var tr []int64
	for _, t := range ch.Transfers {
		tr = append(tr, t.ID)
	}
	out := []string{
		fmt.Sprintf("new accounts %v", ch.NewAccounts),
		fmt.Sprintf("transfers %v", tr),
		fmt.Sprintf("accounts %v", keys(ch.Accounts)),
		fmt.Sprintf("new pending %v", keys(ch.NewPending)),
		fmt.Sprintf("pending %v", keys(ch.Pending)),
	}
	for _, e := range ch.Events {
		var id int64
		if e.Account != nil {
			id = e.Account.ID
		} else if e.Transfer != nil {
			id = e.Transfer.ID
		}
		out = append(out, fmt.Sprintf("event %s %d at %s", e.Type, id, r.rel(e.Timestamp)))
	}
	return out
}

func (r *transcript) checker() *ledger.Checker {
	c := ledger.NewChecker()
	for _, id := range sortedUnique(r.accounts) {
		if a := r.s.Account(id); a != nil {
			c.Add(a)
		}
	}
	return c
}

func (r *transcript) problems() []string { return r.checker().Problems() }

func (r *transcript) check() []string {
	c := r.checker()
	var out []string
	for _, b := range c.Totals() {
		out = append(out, fmt.Sprintf("ledger %d %s: debits %s/%s credits %s/%s", b.Ledger, b.Currency,
			b.DebitsPending, b.DebitsPosted, b.CreditsPending, b.CreditsPosted))
	}
	p := c.Problems()
	if len(p) == 0 {
		return append(out, fmt.Sprintf("%d accounts, no problems", c.Accounts()))
	}
	return append(out, p...)
}

func sortedUnique(ids []int64) []int64 {
	s := slices.Clone(ids)
	slices.Sort(s)
	return slices.Compact(s)
}
