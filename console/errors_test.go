package console

import (
	"go/ast"
	"go/parser"
	"go/token"
	"html/template"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"linkfin"
	"linkfin/services"
)

// platformCodes are the platform's stable error codes, read from its source: every
// untyped constant named E… with a string value (the one table of http/errors.go maps them to
// statuses), every refusal of the ledger (its Result constants), and every code
// written in place as linkfin.Errorf's first argument.
func platformCodes(t *testing.T) map[string]string {
	t.Helper()
	codes := map[string]string{}
	name := regexp.MustCompile(`^E[A-Z]+$`)
	fset := token.NewFileSet()
	err := filepath.WalkDir("..", func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() {
			if base := d.Name(); path != ".." && (strings.HasPrefix(base, ".") || base == "testdata") {
				return filepath.SkipDir
			}
			return nil
		}
		if !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(fset, path, nil, 0)
		if err != nil {
			return err
		}
		ast.Inspect(f, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) == 0 {
				return true
			}
			errorf := false
			switch fun := call.Fun.(type) {
			case *ast.SelectorExpr:
				x, ok := fun.X.(*ast.Ident)
				errorf = ok && x.Name == "linkfin" && fun.Sel.Name == "Errorf"
			case *ast.Ident:
				errorf = f.Name.Name == "linkfin" && fun.Name == "Errorf"
			}
			if lit, ok := call.Args[0].(*ast.BasicLit); errorf && ok && lit.Kind == token.STRING {
				v, _ := strconv.Unquote(lit.Value)
				codes[v] = fset.Position(lit.Pos()).String()
			}
			return true
		})
		for _, decl := range f.Decls {
			g, ok := decl.(*ast.GenDecl)
			if !ok || g.Tok != token.CONST {
				continue
			}
			for _, spec := range g.Specs {
				vs := spec.(*ast.ValueSpec)
				result := false
				if id, ok := vs.Type.(*ast.Ident); ok && id.Name == "Result" && f.Name.Name == "ledger" {
					result = true
				}
				for i, n := range vs.Names {
					if i >= len(vs.Values) || !(result || vs.Type == nil && name.MatchString(n.Name)) {
						continue
					}
					lit, ok := vs.Values[i].(*ast.BasicLit)
					if !ok || lit.Kind != token.STRING {
						continue
					}
					v, _ := strconv.Unquote(lit.Value)
					if v != "ok" {
						codes[v] = path + ": " + n.Name
					}
				}
			}
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return codes
}

// Every stable error code of the platform has words in both languages, and the console
// keeps words for no code the platform does not have.
func TestErrorCodesHaveWords(t *testing.T) {
	codes := platformCodes(t)
	for _, want := range []string{linkfin.EINVALID, "exceeds_credits", services.EOFFERCHANGED, "idempotency_key_required", "ubl_invalid", "asset_financed"} {
		if codes[want] == "" {
			t.Fatalf("the source walk missed the code %q: found %v", want, codes)
		}
	}
	for code, where := range codes {
		m, ok := messages["code."+code]
		if !ok || strings.TrimSpace(m.en) == "" || strings.TrimSpace(m.zh) == "" {
			t.Errorf("%s (%s) has no words in both languages", code, where)
		}
	}
	for code := range codeMessages {
		if codes[code] == "" {
			t.Errorf("words for %q, which is no code of the platform", code)
		}
	}
}

// A refusal shows what its code means in the person's language (for an amount that does
// not parse, what the field takes), with the code and the platform's message: in
// Chinese, the Chinese words.
func TestRefusalInLanguage(t *testing.T) {
	s := certified(t)
	for _, tc := range []struct {
		role        linkfin.Role
		lang, words string
	}{{linkfin.RoleFinance, "zh-CN", Chinese.T("form.amount")}, {linkfin.RoleAdmin, "en", English.T("form.amount")}} {
		c := s.browser()
		name := s.user("tier1", tc.role, tc.lang)
		if code, body := c.signIn(name, password, ""); code != http.StatusSeeOther {
			t.Fatalf("sign in: %d\n%s", code, body)
		}
		_, page := c.get("/pieces/C-1")
		form := url.Values{"csrf": {hidden(page, "csrf")}, "idempotency_key": {hidden(page, "idempotency_key")}, "amount": {"12.345"}}
		code, body := c.post("/pieces/C-1/split", form)
		if code != http.StatusBadRequest || !strings.Contains(body, template.HTMLEscapeString(tc.words)) || !strings.Contains(body, "<code>"+linkfin.EINVALID+"</code>") {
			t.Errorf("%s: a split of 12.345: %d\n%s", tc.lang, code, body)
		}
	}
	if s.piece("C-1").Status != linkfin.CertificateActive {
		t.Fatal("a refused split changed the piece")
	}
}

// Every stable error code the API answers is in docs/API.md, by name, so that a client
// knows each refusal it may be told; the ledger's results, which a raw transfer answers
// as TigerBeetle's, are named by the ledger, and a code only the Go client gives (the
// client package's own: unexpected_response, no_answer) or that a body's limit answers
// before it (ubl_too_large, past the limit of body_too_large) is none the API answers.
func TestErrorCodesDocumented(t *testing.T) {
	doc, err := os.ReadFile("../docs/API.md")
	if err != nil {
		t.Fatal(err)
	}
	for code, where := range platformCodes(t) {
		if strings.HasPrefix(where, filepath.Join("..", "ledger")+string(filepath.Separator)) ||
			strings.HasPrefix(where, filepath.Join("..", "client")+string(filepath.Separator)) || code == "ubl_too_large" {
			continue
		}
		if !strings.Contains(string(doc), "`"+code+"`") {
			t.Errorf("%s (%s) is not in docs/API.md", code, where)
		}
	}
}
