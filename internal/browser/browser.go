package browser

import (
	"context"
	"fmt"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"time"

	"github.com/chromedp/cdproto/cdp"
	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/cdproto/page"
	"github.com/chromedp/chromedp"
)

// ExecPath is Chromium as Debian installs it; $CHROMIUM names another.
func ExecPath() string {
	if p := os.Getenv("CHROMIUM"); p != "" {
		return p
	}
	return "/usr/bin/chromium"
}

// StepTimeout bounds one step in the browser (a page load, a wait for an
// element): past it the step fails instead of hanging.
const StepTimeout = 30 * time.Second

// Start starts a headless Chromium and returns a chromedp context of its
// first tab; cancel stops the browser. A missing browser is an error that
// says how to install it. parent must have no deadline: chromedp ties the
// browser's life to it (bound each step with Run instead).
func Start(parent context.Context) (context.Context, context.CancelFunc, error) {
	path := ExecPath()
	if _, err := exec.LookPath(path); err != nil {
		return nil, nil, fmt.Errorf("no Chromium at %s (%v): install Debian's chromium (make setup does), or name it in $CHROMIUM", path, err)
	}
	opts := append(chromedp.DefaultExecAllocatorOptions[:],
		chromedp.ExecPath(path),
		chromedp.DisableGPU,
		chromedp.WindowSize(1280, 800),
		chromedp.Flag("lang", "en-US"),
	)
	if os.Geteuid() == 0 {
		// Chromium refuses to run its sandbox as root; an unprivileged
		// user keeps it.
		opts = append(opts, chromedp.NoSandbox)
	}
	actx, acancel := chromedp.NewExecAllocator(parent, opts...)
	ctx, cancel := chromedp.NewContext(actx)
	stop := func() { cancel(); acancel() }
	if err := open(ctx); err != nil {
		stop()
		return nil, nil, fmt.Errorf("starting %s: %w", path, err)
	}
	return ctx, stop, nil
}

// open makes the browser or tab of ctx. chromedp ties them to the context
// of their first call, so that call has no deadline of its own; the wait
// for it is bounded here instead.
func open(ctx context.Context) error {
	done := make(chan error, 1)
	go func() { done <- chromedp.Do(ctx) }()
	select {
	case err := <-done:
		return err
	case <-time.After(StepTimeout):
		return fmt.Errorf("no tab within %v", StepTimeout)
	}
}

// NewTab opens a tab with a browser context of its own (its own cookies:
// another person at another computer) that sends acceptLanguage ("" for
// the browser's own).
func NewTab(browser context.Context, acceptLanguage string) (context.Context, context.CancelFunc, error) {
	ctx, cancel := chromedp.NewContext(browser, chromedp.WithNewBrowserContext())
	if err := open(ctx); err != nil {
		cancel()
		return nil, nil, err
	}
	err := Run(ctx, chromedp.Func(func(ctx context.Context, t *chromedp.Target) error {
		if acceptLanguage == "" {
			return nil
		}
		_, err := cdp.Call(ctx, t, network.SetExtraHTTPHeaders, network.SetExtraHTTPHeadersParams{Headers: network.Headers{"Accept-Language": acceptLanguage}})
		return err
	}))
	if err != nil {
		cancel()
		return nil, nil, err
	}
	return ctx, cancel, nil
}

// Run runs steps in the tab ctx, bounded by StepTimeout each.
func Run(ctx context.Context, steps ...chromedp.Action[chromedp.Void]) error {
	for _, s := range steps {
		sctx, cancel := context.WithTimeout(ctx, StepTimeout)
		_, err := chromedp.Run(sctx, s)
		cancel()
		if err != nil {
			return err
		}
	}
	return nil
}

// Get runs one step that returns a value, bounded by StepTimeout.
func Get[T any](ctx context.Context, a chromedp.Action[T]) (T, error) {
	sctx, cancel := context.WithTimeout(ctx, StepTimeout)
	defer cancel()
	return chromedp.Run(sctx, a)
}

// SignIn signs in to the console at base (".../" ) with the sign-in form
// (templates/signin.html: fields login and password) and waits for the
// page it leads to.
func SignIn(ctx context.Context, base, login, password string) error {
	err := Run(ctx,
		chromedp.Navigate(strings.TrimSuffix(base, "/")+"/signin"),
		chromedp.SendKeys(chromedp.CSS(`form[action="/signin"] input[name="login"]`), login),
		chromedp.SendKeys(chromedp.CSS(`form[action="/signin"] input[name="password"]`), password),
		chromedp.Submit(chromedp.CSS(`form[action="/signin"] input[name="password"]`)),
	)
	if err == nil {
		// The sign-in page again says why (#signin-error); any other page
		// is where the sign-in led.
		err = WaitFor(ctx, `document.readyState === "complete" && (location.pathname !== "/signin" || document.getElementById("signin-error") !== null)`)
	}
	if err != nil {
		return fmt.Errorf("signing in as %s: %w", login, err)
	}
	at, err := Path(ctx)
	if err != nil {
		return err
	}
	if at == "/signin" {
		msg, _ := Get(ctx, chromedp.Text(chromedp.CSS(`main`)))
		return fmt.Errorf("signing in as %s: still on the sign-in page: %s", login, msg)
	}
	return nil
}

// WaitFor waits until the JavaScript expression is true on the tab's
// page, across page loads (an evaluation during a navigation is tried
// again), for StepTimeout at most.
func WaitFor(ctx context.Context, expr string) error {
	deadline := time.Now().Add(StepTimeout)
	var last error
	for time.Now().Before(deadline) {
		ok, err := Get(ctx, chromedp.Evaluate[bool](expr))
		if err == nil && ok {
			return nil
		}
		last = err
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(100 * time.Millisecond):
		}
	}
	if last != nil {
		return fmt.Errorf("waiting for %s: %w", expr, last)
	}
	return fmt.Errorf("waiting for %s: still false after %v", expr, StepTimeout)
}

// Path is the path of the tab's page.
func Path(ctx context.Context) (string, error) {
	loc, err := Get(ctx, chromedp.Location())
	if err != nil {
		return "", err
	}
	u, err := url.Parse(loc)
	if err != nil {
		return "", err
	}
	return u.Path, nil
}

// Screenshot is a PNG of what a window of width x height shows of the
// page at rawURL, from its top.
func Screenshot(ctx context.Context, rawURL string, width, height int) ([]byte, error) {
	if err := Run(ctx,
		chromedp.EmulateViewport(int64(width), int64(height)),
		chromedp.Navigate(rawURL),
		chromedp.WaitReady(chromedp.CSS(`body`)),
	); err != nil {
		return nil, fmt.Errorf("%s at %dx%d: %w", rawURL, width, height, err)
	}
	return Get(ctx, func(ctx context.Context, t *chromedp.Target) ([]byte, error) {
		r, err := cdp.Call(ctx, t, page.CaptureScreenshot, page.CaptureScreenshotParams{Format: page.CaptureScreenshotFormatPng})
		if err != nil {
			return nil, err
		}
		return r.Data, nil
	})
}
