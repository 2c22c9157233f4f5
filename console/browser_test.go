package console

import (
	"context"
	"net/http/httptest"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/chromedp"
)

// chromium finds the browser the console's tests drive: LINKFIN_CHROMIUM, or Debian's
// chromium package. Without one the test is skipped and says how to get it; .ci/run
// installs it, so in CI these tests run.
func chromium(t *testing.T) string {
	t.Helper()
	if p := os.Getenv("LINKFIN_CHROMIUM"); p != "" {
		return p
	}
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	t.Skip("no Chromium to drive the console's pages: apt-get install chromium (Debian), or set LINKFIN_CHROMIUM")
	return ""
}

// browser starts a headless Chromium of its own for the test, width pixels wide,
// whose person reads the language given (its Accept-Language).
func browser(t *testing.T, width int, lang Lang) context.Context {
	t.Helper()
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(chromium(t)),
		chromedp.NoSandbox,
		chromedp.DisableGPU,
		chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-quic", true),
		chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true),
		chromedp.WindowSize(width, 900),
		chromedp.Flag("lang", string(lang)),
		chromedp.Flag("accept-lang", string(lang)),
	)
	actx, cancelAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
	ctx, cancel := chromedp.NewContext(actx)
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancel(); cancelAlloc() })
	if err := chromedp.Do(ctx); err != nil {
		t.Fatalf("starting Chromium: %v", err)
	}
	return ctx
}

// shared is one Chromium for the tests that need no language of their own: each test
// gets a fresh browser context in it (its own cookies, as a new private window), so
// the browser starts once.
var shared struct {
	once sync.Once
	ctx  context.Context
	stop context.CancelFunc
	err  error
}

// TestMain closes the shared Chromium, and its profile, when the tests are done.
func TestMain(m *testing.M) {
	code := m.Run()
	if shared.stop != nil {
		shared.stop()
	}
	os.Exit(code)
}

// tab is a private window of the shared Chromium, width pixels wide.
func tab(t *testing.T, width int) context.Context {
	t.Helper()
	path := chromium(t)
	shared.once.Do(func() {
		opts := append(chromedp.DefaultExecAllocatorOptions[:],
			chromedp.ExecPath(path),
			chromedp.NoSandbox,
			chromedp.DisableGPU,
			chromedp.Flag("disable-quic", true),
			chromedp.Flag("disable-component-update", true),
			chromedp.Flag("disable-sync", true),
		)
		// The browser lives as long as the test binary (TestMain stops it): its
		// profile is a temporary directory the allocator removes then.
		actx, stopAlloc := chromedp.NewExecAllocator(context.Background(), opts...)
		ctx, stopBrowser := chromedp.NewContext(actx)
		shared.ctx, shared.stop = ctx, func() { stopBrowser(); stopAlloc() }
		shared.err = chromedp.Do(shared.ctx)
	})
	if shared.err != nil {
		t.Fatalf("starting Chromium: %v", shared.err)
	}
	ctx, cancel := chromedp.NewContext(shared.ctx, chromedp.WithNewBrowserContext())
	ctx, cancelTimeout := context.WithTimeout(ctx, 60*time.Second)
	t.Cleanup(func() { cancelTimeout(); cancel() })
	if err := chromedp.Do(ctx, chromedp.EmulateViewport(int64(width), 900)); err != nil {
		t.Fatalf("a new window: %v", err)
	}
	return ctx
}

// The sign-in page in a real browser: in Chinese first, in English after the switch,
// reached by keyboard, with every control labelled, at a desktop's and a phone's width.
func TestSignInPageInBrowser(t *testing.T) {
	srv := httptest.NewServer(New(nil, nil, nil, nil))
	defer srv.Close()
	for _, width := range []int{1280, 375} {
		ctx := browser(t, width, Chinese)
		if err := chromedp.Do(ctx, chromedp.Navigate(srv.URL+"/sign-in")); err != nil {
			t.Fatalf("width %d: %v", width, err)
		}
		h1, lang := heading(t, ctx), must(t, ctx, chromedp.AttributeValue(chromedp.CSS("html"), "lang")).Value
		if h1 != "登录" || lang != "zh-CN" {
			t.Fatalf("width %d: first page %q in %q, want Chinese", width, h1, lang)
		}
		// Every input but the hidden token has a label naming it.
		labels := must(t, ctx, chromedp.Evaluate[string](`[...document.querySelectorAll('input:not([type=hidden])')].map(i => document.querySelector('label[for="'+i.id+'"]') ? 'ok' : 'unlabelled:'+i.name).join(',')`))
		if labels != "ok,ok,ok" {
			t.Fatalf("width %d: controls %s", width, labels)
		}
		if must(t, ctx, chromedp.Evaluate[bool](`document.documentElement.scrollWidth > window.innerWidth`)) {
			t.Fatalf("width %d: the page is wider than the window", width)
		}
		// The language switch, by keyboard.
		err := chromedp.Do(ctx,
			chromedp.Focus(chromedp.CSS(`a[hreflang="en"]`)),
			chromedp.KeyEvent("\r"),
			chromedp.WaitVisible(chromedp.CSS(`a[hreflang="zh-CN"]`)),
		)
		if err != nil {
			t.Fatalf("width %d: switching language: %v", width, err)
		}
		h1, lang = heading(t, ctx), must(t, ctx, chromedp.AttributeValue(chromedp.CSS("html"), "lang")).Value
		if h1 != "Sign in" || lang != "en" {
			t.Fatalf("width %d: after the switch %q in %q, want English", width, h1, lang)
		}
		if after := must(t, ctx, chromedp.Location()); !strings.HasSuffix(after, "/sign-in") {
			t.Fatalf("width %d: the switch went to %q, not back to the page", width, after)
		}
	}
}

// must runs an action that reads something, and fails the test if it cannot.
func must[T any](t *testing.T, ctx context.Context, a chromedp.Action[T]) T {
	t.Helper()
	v, err := chromedp.Run(ctx, a)
	if err != nil {
		t.Fatal(err)
	}
	return v
}

// heading is the page's h1.
func heading(t *testing.T, ctx context.Context) string {
	t.Helper()
	return must(t, ctx, chromedp.Text(chromedp.CSS("h1")))
}
