package main

import (
	"bufio"
	"context"
	"io"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/chromedp/cdproto/network"
	"github.com/chromedp/chromedp"
)

// chromium finds Debian's chromium. Outside CI a machine without it skips the browser
// test; in CI (CI=true, set by .ci/run, which installs it) its absence fails the test.
func chromium(t *testing.T) string {
	t.Helper()
	for _, name := range []string{"chromium", "chromium-browser", "google-chrome"} {
		if p, err := exec.LookPath(name); err == nil {
			return p
		}
	}
	if os.Getenv("CI") == "true" {
		t.Fatal("chromium is not installed: .ci/run installs it (apt-get install -y chromium)")
	}
	t.Skip("chromium is not installed; the browser test runs in CI")
	return ""
}

// lineLog reads r line by line and keeps them, so a test can wait for a line without
// sleeping.
type lineLog struct {
	mu     sync.Mutex
	all    []string
	ended  bool
	notify chan struct{} // a token after each new line
}

func readLines(r io.Reader) *lineLog {
	l := &lineLog{notify: make(chan struct{}, 1)}
	go func() {
		sc := bufio.NewScanner(r)
		sc.Buffer(make([]byte, 1<<20), 1<<20)
		for sc.Scan() {
			l.mu.Lock()
			l.all = append(l.all, sc.Text())
			l.mu.Unlock()
			l.poke()
		}
		l.mu.Lock()
		l.ended = true
		l.mu.Unlock()
		l.poke()
	}()
	return l
}

func (l *lineLog) poke() {
	select {
	case l.notify <- struct{}{}:
	default:
	}
}

// Len is how many lines were read so far.
func (l *lineLog) Len() int {
	l.mu.Lock()
	defer l.mu.Unlock()
	return len(l.all)
}

func (l *lineLog) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return strings.Join(l.all, "\n")
}

// waitFor returns the submatches of the first line from line number from on that
// matches re, waiting for more lines as they come.
func (l *lineLog) waitFor(t *testing.T, ctx context.Context, from int, re *regexp.Regexp) []string {
	t.Helper()
	for {
		l.mu.Lock()
		for ; from < len(l.all); from++ {
			if m := re.FindStringSubmatch(l.all[from]); m != nil {
				l.mu.Unlock()
				return m
			}
		}
		ended := l.ended
		l.mu.Unlock()
		if ended {
			t.Fatalf("output ended without a line matching %s:\n%s", re, l.String())
		}
		select {
		case <-l.notify:
		case <-ctx.Done():
			t.Fatalf("no line matching %s:\n%s", re, l.String())
		}
	}
}

// TestBrowser runs the demo with its web app, as a newcomer would (chorus demo --serve),
// and works it in a real browser: sign in, the overview, a case, 派单 from the form, whose
// post appears in the console's transcript; every page fits 390 px without sideways
// scrolling, and the browser asks for nothing outside loopback. Screenshots go to the
// test's artifact directory (go test -artifacts keeps them); -update also writes the
// overview to docs/overview.png.
func TestBrowser(t *testing.T) {
	bin := chromium(t)
	ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
	defer cancel()

	env, path, _, _ := testEnv(t, "")
	outR, outW := io.Pipe()
	errR, errW := io.Pipe()
	env.Stdout, env.Stderr = outW, errW
	out, errs := readLines(outR), readLines(errR)
	mctx, stop := context.WithCancel(ctx)
	done := make(chan int, 1)
	go func() {
		done <- Main(mctx, []string{"demo", "--config", path, "--http", "127.0.0.1:0", "--serve"}, env)
		outW.Close()
		errW.Close()
	}()
	defer func() {
		stop()
		if code := <-done; code != 0 {
			t.Errorf("demo exit %d:\n%s", code, errs.String())
		}
	}()
	m := errs.waitFor(t, ctx, 0, regexp.MustCompile(`社区工作台 (http://127\.0\.0\.1:\d+)/ .*用户名 (\S+)，密码 (\S+)）`))
	base, user, pw := m[1], m[2], m[3]
	errs.waitFor(t, ctx, 0, regexp.MustCompile(`脚本已结束`))

	art := t.ArtifactDir()
	t.Logf("screenshots in %s", art)
	actx, acancel := chromedp.NewExecAllocator(ctx, chromedp.ExecPath(bin), chromedp.Headless, chromedp.NoSandbox,
		chromedp.DisableGPU, chromedp.NoFirstRun, chromedp.NoDefaultBrowserCheck, chromedp.UserDataDir(t.TempDir()),
		chromedp.Flag("disable-background-networking", true), chromedp.Flag("disable-component-update", true),
		chromedp.Flag("disable-sync", true), chromedp.WindowSize(1280, 900))
	defer acancel()
	// Every request the pages make, to check that none leaves this machine.
	var mu sync.Mutex
	var requested []string
	bctx, bcancel := chromedp.NewContext(actx, chromedp.WithListener(func(ev any) {
		if e, ok := ev.(*network.EventRequestWillBeSent); ok {
			mu.Lock()
			requested = append(requested, e.Request.URL)
			mu.Unlock()
		}
	}))
	defer bcancel()
	// Full-page at desktop width; at phone width (mobile emulation) Chromium's full-page
	// capture can stall, so the phone shots are of a tall viewport instead.
	shot := func(name string) chromedp.Action[chromedp.Void] {
		return chromedp.Func(func(ctx context.Context, tg *chromedp.Target) error {
			capture := chromedp.FullScreenshot(100)
			if strings.HasPrefix(name, "390-") {
				capture = chromedp.CaptureScreenshot()
			}
			b, err := capture(ctx, tg)
			if err != nil {
				return err
			}
			return os.WriteFile(filepath.Join(art, name), b, 0o644)
		})
	}

	if err := chromedp.Do(bctx,
		chromedp.Navigate(base+"/"), // no session: the sign-in form
		chromedp.WaitVisible(chromedp.CSS(`input[name=user]`)),
		chromedp.SendKeys(chromedp.CSS(`input[name=user]`), user),
		chromedp.SendKeys(chromedp.CSS(`input[name=password]`), pw),
		chromedp.Submit(chromedp.CSS(`input[name=password]`)),
		chromedp.WaitVisible(chromedp.CSS(`#sla`)),
		shot("overview-1280.png"),
	); err != nil {
		t.Fatalf("sign in and overview: %v", err)
	}
	overview, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(`main`)))
	if err != nil {
		t.Fatal(err)
	}
	for _, want := range []string{"未办结诉求", "超时", "需要我处理", "今日值班", "楼栋巡逻", "本月双报到", "本周诉求分类", "消息通道"} {
		if !strings.Contains(overview, want) {
			t.Errorf("overview lacks %q", want)
		}
	}
	if *update {
		b, err := os.ReadFile(filepath.Join(art, "overview-1280.png"))
		if err == nil {
			err = os.WriteFile("../../docs/overview.png", b, 0o644)
		}
		if err != nil {
			t.Fatal(err)
		}
	}

	// Open the oldest overdue case from the overview and dispatch it from the form.
	before := out.Len()
	if err := chromedp.Do(bctx,
		chromedp.Click(chromedp.CSS(`#sla ul.list li a`)),
		chromedp.WaitVisible(chromedp.CSS(`#form-dispatch`)),
		chromedp.SetValue(chromedp.CSS(`#form-dispatch select[name=party]`), "居委会"),
		chromedp.SendKeys(chromedp.CSS(`#form-dispatch input[name=deadline]`), "3天"),
		shot("report-1280.png"),
		chromedp.Click(chromedp.CSS(`#form-dispatch button`)),
		chromedp.WaitVisible(chromedp.CSS(`#done`)),
	); err != nil {
		t.Fatalf("dispatch from the form: %v", err)
	}
	location, err := chromedp.Run(bctx, chromedp.Location())
	if err != nil {
		t.Fatal(err)
	}
	u, _ := url.Parse(location)
	code := strings.TrimPrefix(u.Path, "/reports/")
	// The chat heard it as if 魏青 had typed it in the coordinators' group.
	got := out.waitFor(t, ctx, before, regexp.MustCompile(`^\[长征社区工作群\] @魏青 已将 `+code+` 派给 居委会`))
	t.Logf("console: %s", got[0])
	out.waitFor(t, ctx, before, regexp.MustCompile(`^\[[^\]]+\] @\S+ 你反映的 `+code+` 已派给 居委会`))
	history, err := chromedp.Run(bctx, chromedp.Text(chromedp.CSS(`#history`)))
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(history, "派单给居委会") {
		t.Errorf("the case's history after the form: %q; want 派单给居委会", history)
	}

	// At a phone's width no page scrolls sideways.
	if err := chromedp.Do(bctx, chromedp.EmulateViewport(390, 1600, chromedp.EmulateMobile)); err != nil {
		t.Fatal(err)
	}
	for _, p := range []string{"/", "/reports", "/reports/" + code, "/tasks", "/reports?sla=overdue"} {
		name := "390-" + strings.NewReplacer("/", "_", "?", "_", "=", "_").Replace(strings.TrimPrefix(p, "/")) + ".png"
		for i, a := range []chromedp.Action[chromedp.Void]{chromedp.Navigate(base + p), chromedp.WaitVisible(chromedp.CSS(`main`)), shot(name)} {
			sctx, scancel := context.WithTimeout(bctx, 20*time.Second)
			err := chromedp.Do(sctx, a)
			scancel()
			if err != nil {
				t.Fatalf("%s at 390 px, step %d: %v", p, i, err)
			}
		}
		widths, err := chromedp.Run(bctx, chromedp.Evaluate[[]int](`[document.documentElement.scrollWidth, window.innerWidth]`))
		if err != nil {
			t.Fatal(err)
		}
		if widths[0] > widths[1] {
			t.Errorf("%s at 390 px scrolls sideways: content %d px wide in a %d px window", p, widths[0], widths[1])
		}
	}

	mu.Lock()
	defer mu.Unlock()
	if len(requested) == 0 {
		t.Fatal("no request was seen")
	}
	for _, r := range requested {
		u, err := url.Parse(r)
		if err != nil || !slices.Contains([]string{"127.0.0.1", "localhost", "::1"}, u.Hostname()) && u.Scheme != "data" {
			t.Errorf("the page asked for %s, outside loopback", r)
		}
	}
}
