package web_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"io/fs"
	"net/http"
	"net/http/cookiejar"
	"net/http/httptest"
	"net/url"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/changzheng/chorus/bot"
	"github.com/changzheng/chorus/bot/metrics"
	"github.com/changzheng/chorus/bot/web"
	"github.com/changzheng/chorus/dispatch"
	"github.com/changzheng/chorus/store"
	"github.com/changzheng/chorus/store/storetest"
)

const (
	residents    = "长征社区居民群"
	coordinators = "长征社区工作群"
	volunteers   = "橙色平安长征志愿者"
	password     = "correct horse battery"
	apiKey       = "district-key-0123456789"
)

// clock is a test clock that moves only when told.
type clock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// recorder is the chat: it keeps every post the Bot delivers.
type recorder struct {
	mu    sync.Mutex
	posts []dispatch.Post
}

func (r *recorder) Name() string { return "console" }
func (r *recorder) Run(ctx context.Context, _ bot.Inbound) error {
	<-ctx.Done()
	return nil
}
func (r *recorder) Send(_ context.Context, p dispatch.Post) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.posts = append(r.posts, p)
	return nil
}
func (r *recorder) all() []dispatch.Post {
	r.mu.Lock()
	defer r.mu.Unlock()
	return slices.Clone(r.posts)
}

// world is a web app on a real store, with the Bot and dispatch service it acts through.
type world struct {
	t      *testing.T
	db     *store.DB
	clock  *clock
	chat   *recorder
	bot    *bot.Bot
	srv    *httptest.Server
	app    *web.Server
	sleeps []time.Duration
	mu     sync.Mutex
	seq    int
	// files are the kept photos by SHA-256, as media.Store would open them.
	files map[string][]byte
}

func mustWorld(t *testing.T) *world {
	t.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	w := &world{t: t, db: storetest.Open(t), chat: &recorder{}, files: map[string][]byte{},
		clock: &clock{t: time.Date(2026, 12, 7, 9, 0, 0, 0, loc)}}
	com := dispatch.Community{
		ID: "test", Name: "长征社区", Loc: loc, Coordinators: []string{"魏青"},
		Groups: []dispatch.Group{
			{Name: volunteers, Kind: dispatch.KindVolunteers, Team: "橙色平安"},
			{Name: residents, Kind: dispatch.KindResidents},
			{Name: coordinators, Kind: dispatch.KindCoordinators},
		},
		Parties: []dispatch.Party{{Name: "物业公司"}, {Name: "居委会"}},
		Units:   []string{"克拉玛依市水务公司"},
		Rosters: []dispatch.Roster{{Name: "楼栋巡逻", Team: "橙色平安", Group: volunteers, Members: []string{"雷胜", "马丽", "艾力"}, PerDay: 2}},
	}
	mx := metrics.New(w.db, metrics.Options{Routes: []string{"console"}, Now: w.clock.Now})
	svc := dispatch.New(com, w.db, dispatch.Options{Now: w.clock.Now, Observe: mx.Command})
	w.bot = bot.New(svc, w.db, bot.Options{Transports: []bot.Transport{w.chat}, Silent: []string{web.Open311Transport}, Synchronous: true,
		Now: w.clock.Now, Observer: mx})
	hash, err := bcrypt.GenerateFromPassword([]byte(password), bcrypt.MinCost)
	if err != nil {
		t.Fatal(err)
	}
	app := web.New(w.db, web.Options{
		Community: svc.Community(), Staff: []web.Staff{{User: "weiqing", PasswordHash: string(hash), Nick: "魏青"}},
		Receive: w.bot.Receive, Transport: "console", Now: w.clock.Now, Open311Keys: []string{apiKey},
		Metrics: mx.Handler(),
		Media: func(sum string) (io.ReadCloser, error) {
			b, ok := w.files[sum]
			if !ok {
				return nil, fs.ErrNotExist
			}
			return io.NopCloser(bytes.NewReader(b)), nil
		},
		MediaKey: []byte("test-key-for-signed-photo-links!"),
		Sleep: func(ctx context.Context, d time.Duration) error {
			w.mu.Lock()
			defer w.mu.Unlock()
			w.sleeps = append(w.sleeps, d)
			return nil
		},
		Channels: func(context.Context) []web.Channel {
			return []web.Channel{{Name: "wechat", Up: false, Queued: 4, BudgetLeft: -1}}
		},
	})
	w.app = app
	w.srv = httptest.NewServer(app)
	t.Cleanup(w.srv.Close)
	return w
}

// say sends a chat message through the Bot, as a transport would.
func (w *world) say(group, nick, text string) {
	w.t.Helper()
	w.seq++
	m := dispatch.Message{ID: fmt.Sprintf("m%d", w.seq),
		Transport: "console", Chat: dispatch.Chat{Group: group}, From: dispatch.Sender{Nick: nick}, Text: text, At: w.clock.Now()}
	if err := w.bot.Receive(w.t.Context(), m); err != nil {
		w.t.Fatal(err)
	}
}

// client is a browser without JavaScript: a cookie jar, no redirects followed.
type client struct {
	w  *world
	hc *http.Client
}

func (w *world) client() *client {
	jar, _ := cookiejar.New(nil)
	return &client{w: w, hc: &http.Client{Jar: jar, CheckRedirect: func(*http.Request, []*http.Request) error {
		return http.ErrUseLastResponse
	}}}
}

func (c *client) do(req *http.Request) (*http.Response, string) {
	c.w.t.Helper()
	resp, err := c.hc.Do(req)
	if err != nil {
		c.w.t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		c.w.t.Fatal(err)
	}
	return resp, string(b)
}

func (c *client) get(path string) (*http.Response, string) {
	c.w.t.Helper()
	req, err := http.NewRequestWithContext(c.w.t.Context(), http.MethodGet, c.w.srv.URL+path, nil)
	if err != nil {
		c.w.t.Fatal(err)
	}
	return c.do(req)
}

func (c *client) post(path string, form url.Values) (*http.Response, string) {
	c.w.t.Helper()
	req, err := http.NewRequestWithContext(c.w.t.Context(), http.MethodPost, c.w.srv.URL+path, strings.NewReader(form.Encode()))
	if err != nil {
		c.w.t.Fatal(err)
	}
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	return c.do(req)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func csrfOf(t *testing.T, body string) string {
	t.Helper()
	m := csrfRE.FindStringSubmatch(body)
	if m == nil {
		t.Fatalf("no csrf field in:\n%s", body)
	}
	return m[1]
}

// login signs in and returns the response to the POST.
func (c *client) login(user, pw string) *http.Response {
	c.w.t.Helper()
	_, body := c.get("/login")
	resp, _ := c.post("/login", url.Values{"csrf": {csrfOf(c.w.t, body)}, "user": {user}, "password": {pw}})
	return resp
}

func (c *client) mustLogin() {
	c.w.t.Helper()
	if resp := c.login("weiqing", password); resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/" {
		c.w.t.Fatalf("login: got %d to %q; want 303 to /", resp.StatusCode, resp.Header.Get("Location"))
	}
}

func mustContain(t *testing.T, body string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(body, want) {
			t.Errorf("page lacks %q", want)
		}
	}
}

func TestNoSessionNoPage(t *testing.T) {
	w := mustWorld(t)
	c := w.client()
	for _, p := range []string{"/", "/reports", "/reports?status=已受理", "/reports.xlsx", "/reports/R1", "/tasks"} {
		resp, _ := c.get(p)
		if resp.StatusCode != http.StatusSeeOther || resp.Header.Get("Location") != "/login" {
			t.Errorf("GET %s without a session: got %d to %q; want 303 to /login", p, resp.StatusCode, resp.Header.Get("Location"))
		}
	}
	for _, p := range []string{"/reports/R1/act", "/logout"} {
		resp, _ := c.post(p, url.Values{"action": {"agenda"}, "op": {"0123456789abcdef0123"}})
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("POST %s without a session: got %d; want 401", p, resp.StatusCode)
		}
	}
	// A forged cookie is no session either.
	u, _ := url.Parse(w.srv.URL)
	c.hc.Jar.SetCookies(u, []*http.Cookie{{Name: "chorus_session", Value: "forged"}})
	if resp, _ := c.get("/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("GET / with a forged cookie: got %d; want 303", resp.StatusCode)
	}
}

func TestSignIn(t *testing.T) {
	w := mustWorld(t)
	c := w.client()

	// The form's CSRF token is required, and must match the cookie set with the form.
	if resp, _ := c.post("/login", url.Values{"user": {"weiqing"}, "password": {password}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("sign-in without a CSRF token: got %d; want 403", resp.StatusCode)
	}
	c.get("/login")
	if resp, _ := c.post("/login", url.Values{"csrf": {"wrong"}, "user": {"weiqing"}, "password": {password}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("sign-in with a wrong CSRF token: got %d; want 403", resp.StatusCode)
	}
	if len(w.sleeps) != 0 {
		t.Errorf("CSRF refusals slept %v; want none (no password was tried)", w.sleeps)
	}

	// Wrong passwords, an unknown account and a member's nickname (members have no
	// account) are refused alike, each after a longer delay.
	for _, who := range [][2]string{{"weiqing", "wrong"}, {"weiqing", ""}, {"nobody", password}, {"雷胜", password}} {
		if resp := c.login(who[0], who[1]); resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("sign-in as %q: got %d; want 401", who[0], resp.StatusCode)
		}
	}
	want := []time.Duration{web.RefusalDelay(0), web.RefusalDelay(1), web.RefusalDelay(2), web.RefusalDelay(3)}
	if !slices.Equal(w.sleeps, want) {
		t.Errorf("refusal delays %v; want %v (growing with the failures from this address)", w.sleeps, want)
	}
	if !(want[0] >= time.Second && want[1] > want[0] && want[3] > want[2]) {
		t.Errorf("RefusalDelay does not grow: %v", want)
	}

	resp := c.login("weiqing", password)
	if resp.StatusCode != http.StatusSeeOther {
		t.Fatalf("sign-in: got %d; want 303", resp.StatusCode)
	}
	var sess *http.Cookie
	for _, ck := range resp.Cookies() {
		if ck.Name == "chorus_session" {
			sess = ck
		}
	}
	if sess == nil || !sess.HttpOnly || sess.SameSite != http.SameSiteStrictMode || sess.Path != "/" {
		t.Fatalf("session cookie %+v; want HttpOnly, SameSite=Strict, Path=/", sess)
	}
	r, body := c.get("/")
	if r.StatusCode != http.StatusOK {
		t.Fatalf("GET / signed in: %d", r.StatusCode)
	}
	if h := r.Header.Get("Content-Security-Policy"); !strings.Contains(h, "default-src 'self'") {
		t.Errorf("Content-Security-Policy %q; want default-src 'self'", h)
	}

	// Signing out ends the session in Redis: the same cookie no longer opens a page.
	if resp, _ := c.post("/logout", url.Values{"csrf": {"wrong"}}); resp.StatusCode != http.StatusForbidden {
		t.Errorf("sign-out with a wrong CSRF token: got %d; want 403", resp.StatusCode)
	}
	if resp, _ := c.post("/logout", url.Values{"csrf": {csrfOf(t, body)}}); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("sign-out: got %d; want 303", resp.StatusCode)
	}
	other := w.client()
	u, _ := url.Parse(w.srv.URL)
	other.hc.Jar.SetCookies(u, []*http.Cookie{{Name: "chorus_session", Value: sess.Value}})
	if resp, _ := other.get("/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("GET / with a signed-out session's cookie: got %d; want 303", resp.StatusCode)
	}
}

func TestSessionExpires(t *testing.T) {
	w := mustWorld(t)
	c := w.client()
	c.mustLogin()
	w.clock.Advance(11 * time.Hour)
	if resp, _ := c.get("/"); resp.StatusCode != http.StatusOK {
		t.Fatalf("after 11h: got %d; want 200", resp.StatusCode)
	}
	w.clock.Advance(time.Hour)
	if resp, _ := c.get("/"); resp.StatusCode != http.StatusSeeOther {
		t.Errorf("after 12h: got %d; want 303 to /login", resp.StatusCode)
	}
}
