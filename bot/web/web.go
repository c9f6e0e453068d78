// Package web is the community office's screen: the staff web app (sign-in, the
// overview, reports, tasks), and the Open311 GeoReport v2 API. Its forms are one more way
// into the one path: each is a coordinator's chat command handed to the Bot, so the chat
// hears of it exactly as if the coordinator had typed it.
package web

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"embed"
	"encoding/hex"
	"errors"
	"html/template"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/changzheng/chorus/bot"
	"github.com/changzheng/chorus/dispatch"
)

//go:embed templates/*.html
var templateFiles embed.FS

// Store is what the web app reads and keeps; store.DB implements it.
type Store interface {
	// SaveSession keeps a session under token until expires.
	SaveSession(ctx context.Context, token, user, csrf string, expires, now time.Time) error
	// Session reads a session; dispatch.ErrNotFound when there is none or it expired.
	Session(ctx context.Context, token string, now time.Time) (user, csrf string, err error)
	// DeleteSession ends a session.
	DeleteSession(ctx context.Context, token string) error
	// LoginFailed counts a failed sign-in of who within window and returns the count.
	LoginFailed(ctx context.Context, who string, window time.Duration) (int, error)
	// LoginFailures reads who's failed sign-ins in the current window.
	LoginFailures(ctx context.Context, who string) (int, error)
	// ClearLoginFailures forgets who's failures.
	ClearLoginFailures(ctx context.Context, who string) error

	// Report reads one report; dispatch.ErrNotFound if none.
	Report(ctx context.Context, id int64) (dispatch.Report, error)
	// OpenReports lists reports not closed, oldest first.
	OpenReports(ctx context.Context, limit int) ([]dispatch.Report, error)
	// ReportsBetween lists reports filed in [from, to), oldest first.
	ReportsBetween(ctx context.Context, from, to time.Time) ([]dispatch.Report, error)
	// TasksBetween lists tasks starting in [from, to), soonest first.
	TasksBetween(ctx context.Context, from, to time.Time) ([]dispatch.Task, error)
	// ReportStats reads a month's report counters.
	ReportStats(ctx context.Context, month string) (dispatch.ReportFigures, error)
	// ReportMedia lists a report's photos, recordings and locations, oldest first.
	ReportMedia(ctx context.Context, id int64) ([]dispatch.MediaItem, error)
	// UnitFigures lists members with a unit and their month's figures.
	UnitFigures(ctx context.Context, month string) ([]dispatch.Volunteer, error)
	// AssignDuty returns who is on duty for a roster on day (choosing them the first time).
	AssignDuty(ctx context.Context, r dispatch.Roster, day string, dayStart time.Time) ([]string, error)
	// OnLeave lists who took leave on day.
	OnLeave(ctx context.Context, day string) ([]string, error)
}

// Staff is one account of the web app.
type Staff struct {
	// User is the sign-in name.
	User string
	// PasswordHash is a bcrypt hash (chorus passwd).
	PasswordHash string
	// Nick is the coordinator the account acts as in chat: its forms are that
	// coordinator's commands. Empty means the community's first coordinator.
	Nick string
}

// Channel is one transport's health as the overview shows it.
type Channel struct {
	Name string
	Up   bool
	// Queued is the number of posts waiting in its outbox.
	Queued int64
	// BudgetLeft is how many posts it may still send this minute; negative when unknown.
	BudgetLeft int
}

// Options configures the web app. The zero value of each field is documented.
type Options struct {
	// Community is the community served (groups, parties, categories, rosters).
	Community dispatch.Community
	// Staff are the accounts; none means nobody can sign in.
	Staff []Staff
	// Receive is the Bot's inbound path; forms and Open311 POSTs act through it. Nil
	// makes every form and POST answer 503.
	Receive bot.Inbound
	// Transport is the transport name form messages carry, so the coordinator is the same
	// member as in chat ("console" in the console; the coordinators' group's transport in
	// chorus run). Empty means "web".
	Transport string
	// Channels reports each transport's health; nil shows none.
	Channels func(ctx context.Context) []Channel
	// Open311Keys are the api_keys allowed to POST a request; none refuses every POST.
	Open311Keys []string
	// Metrics serves /metrics (loopback only); nil leaves it out.
	Metrics http.Handler
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Sleep waits for d or until ctx ends (the sign-in delay); nil means a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// SessionTTL is how long a session lasts; zero means 12h.
	SessionTTL time.Duration
	// Logger gets internal errors; nil discards.
	Logger *slog.Logger
	// Rates, when set, gives the three rates (响应率, 解决率, 满意率) of a month (yyyymm);
	// nil shows the month's counts and says the rates are not computed yet.
	Rates func(ctx context.Context, month string) (Rates, error)
	// Media opens a kept photo by its SHA-256 (media.Store.Open); nil shows no photos.
	Media func(sum string) (io.ReadCloser, error)
	// MediaKey signs Open311's media_url links; empty leaves media_url out.
	MediaKey []byte
}

// Rates are a month's three rates, as fractions in [0, 1]; a negative value means "no
// reports to rate".
type Rates struct {
	Response, Resolution, Satisfaction float64
	// Satisfied and Rated are 满意率's own counts (满意, 基本满意 and 默认满意 of the rated).
	Satisfied, Rated int
}

// Server is the web app.
type Server struct {
	st    Store
	opts  Options
	log   *slog.Logger
	tmpl  *template.Template
	staff map[string]Staff
	// dummy is a hash compared against when the account does not exist, so an unknown
	// name takes as long to refuse as a wrong password.
	dummy []byte
	mux   *http.ServeMux
}

// New returns the web app on st.
func New(st Store, opts Options) *Server {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Sleep == nil {
		opts.Sleep = sleep
	}
	if opts.SessionTTL <= 0 {
		opts.SessionTTL = 12 * time.Hour
	}
	if opts.Transport == "" {
		opts.Transport = "web"
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	s := &Server{st: st, opts: opts, log: log, staff: map[string]Staff{}}
	for _, a := range opts.Staff {
		if a.Nick == "" && len(opts.Community.Coordinators) > 0 {
			a.Nick = opts.Community.Coordinators[0]
		}
		s.staff[a.User] = a
	}
	// The dummy has the accounts' cost, so comparing with it takes as long as with theirs.
	cost := bcrypt.DefaultCost
	for _, a := range opts.Staff {
		if c, err := bcrypt.Cost([]byte(a.PasswordHash)); err == nil {
			cost = c
			break
		}
	}
	s.dummy, _ = bcrypt.GenerateFromPassword([]byte("chorus-no-such-account"), cost)
	s.tmpl = template.Must(template.New("").Funcs(s.funcs()).ParseFS(templateFiles, "templates/*.html"))
	s.routes()
	return s
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// ServeHTTP implements http.Handler.
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	// No page may be framed elsewhere or load anything from outside: the office may have
	// no outside access, and a page that needs none works the same with or without it.
	h := w.Header()
	h.Set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; script-src 'none'; frame-ancestors 'none'; form-action 'self'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "same-origin")
	s.mux.ServeHTTP(w, r)
}

func (s *Server) routes() {
	m := http.NewServeMux()
	m.HandleFunc("GET /login", s.loginForm)
	m.HandleFunc("POST /login", s.login)
	m.Handle("POST /logout", s.auth(s.logout))
	m.Handle("GET /{$}", s.auth(s.overview))
	m.Handle("GET /reports", s.auth(s.reports))
	m.Handle("GET /reports.xlsx", s.auth(s.reportsXLSX))
	m.Handle("GET /reports/{id}", s.auth(s.report))
	m.Handle("GET /reports/{id}/photos/{sum}", s.auth(s.photo))
	m.HandleFunc("GET /open311/v2/media/{id}/{sum}", s.o311Media)
	m.Handle("POST /reports/{id}/act", s.auth(s.act))
	m.Handle("GET /tasks", s.auth(s.tasks))
	m.HandleFunc("GET /open311/v2/services.json", s.o311Services)
	m.HandleFunc("GET /open311/v2/requests.json", s.o311Requests)
	m.HandleFunc("POST /open311/v2/requests.json", s.o311Post)
	m.HandleFunc("GET /open311/v2/requests/{id}", s.o311Request)
	if s.opts.Metrics != nil {
		m.Handle("GET /metrics", loopbackOnly(s.opts.Metrics))
	}
	s.mux = m
}

// loopbackOnly refuses requests that did not come from this machine: the metrics are for
// the operator's Prometheus, not for the office's network.
func loopbackOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		host := r.RemoteAddr
		if i := strings.LastIndexByte(host, ':'); i >= 0 {
			host = host[:i]
		}
		host = strings.Trim(host, "[]")
		if host != "127.0.0.1" && host != "::1" && !strings.HasPrefix(host, "127.") {
			http.Error(w, "forbidden", http.StatusForbidden)
			return
		}
		h.ServeHTTP(w, r)
	})
}

const (
	sessionCookie = "chorus_session"
	loginCookie   = "chorus_login" // the sign-in form's CSRF token, before any session
)

// session is the signed-in staff member of a request.
type session struct {
	token string
	staff Staff
	csrf  string
}

type ctxKey struct{}

// auth lets a request through only with a live session; pages redirect to /login, other
// methods are refused.
func (s *Server) auth(h func(http.ResponseWriter, *http.Request, *session)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		sess, err := s.session(r)
		if err != nil {
			if !errors.Is(err, dispatch.ErrNotFound) {
				s.fail(w, r, err)
				return
			}
			if r.Method == http.MethodGet {
				http.Redirect(w, r, "/login", http.StatusSeeOther)
				return
			}
			http.Error(w, "请先登录", http.StatusUnauthorized)
			return
		}
		if r.Method == http.MethodPost && !sameToken(r.PostFormValue("csrf"), sess.csrf) {
			http.Error(w, "表单已过期，请刷新页面后重试", http.StatusForbidden)
			return
		}
		h(w, r, sess)
	})
}

func (s *Server) session(r *http.Request) (*session, error) {
	c, err := r.Cookie(sessionCookie)
	if err != nil || c.Value == "" {
		return nil, dispatch.ErrNotFound
	}
	user, csrf, err := s.st.Session(r.Context(), c.Value, s.opts.Now())
	if err != nil {
		return nil, err
	}
	a, ok := s.staff[user]
	if !ok { // the account was removed from config since
		return nil, dispatch.ErrNotFound
	}
	return &session{token: c.Value, staff: a, csrf: csrf}, nil
}

func sameToken(got, want string) bool {
	return want != "" && subtle.ConstantTimeCompare([]byte(got), []byte(want)) == 1
}

func randomToken() string {
	var b [32]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails on supported platforms
	return hex.EncodeToString(b[:])
}

func cookie(r *http.Request, name, value string, maxAge int) *http.Cookie {
	return &http.Cookie{Name: name, Value: value, Path: "/", MaxAge: maxAge, HttpOnly: true,
		SameSite: http.SameSiteStrictMode, Secure: r.TLS != nil}
}

func (s *Server) loginForm(w http.ResponseWriter, r *http.Request) {
	s.renderLogin(w, r, "", http.StatusOK)
}

func (s *Server) renderLogin(w http.ResponseWriter, r *http.Request, msg string, code int) {
	tok := randomToken()
	http.SetCookie(w, cookie(r, loginCookie, tok, 3600))
	s.render(w, r, code, "login", map[string]any{"CSRF": tok, "Error": msg,
		"Page": page{Title: "登录", Community: s.opts.Community.Name}})
}

// Sign-in refusals: every refusal waits at least refuseBase, plus refuseStep for each
// failure of the account or the client address in the window before it, up to refuseMax.
const (
	refuseBase   = time.Second
	refuseStep   = time.Second
	refuseMax    = 30 * time.Second
	refuseWindow = 15 * time.Minute
)

// RefusalDelay is how long a refused sign-in waits after failures earlier failures.
func RefusalDelay(failures int) time.Duration {
	return min(refuseBase+time.Duration(max(failures, 0))*refuseStep, refuseMax)
}

func (s *Server) login(w http.ResponseWriter, r *http.Request) {
	ctx := r.Context()
	c, err := r.Cookie(loginCookie)
	if err != nil || !sameToken(r.PostFormValue("csrf"), c.Value) {
		s.renderLogin(w, r, "表单已过期，请重新输入", http.StatusForbidden)
		return
	}
	user, pw := strings.TrimSpace(r.PostFormValue("user")), r.PostFormValue("password")
	a, known := s.staff[user]
	hash := s.dummy
	if known {
		hash = []byte(a.PasswordHash)
	}
	// Always one bcrypt comparison, so a missing account and a wrong password take alike.
	good := bcrypt.CompareHashAndPassword(hash, []byte(pw)) == nil && known
	if good {
		if err := s.st.ClearLoginFailures(ctx, "user:"+user); err != nil {
			s.fail(w, r, err)
			return
		}
		tok, csrf := randomToken(), randomToken()
		now := s.opts.Now()
		if err := s.st.SaveSession(ctx, tok, user, csrf, now.Add(s.opts.SessionTTL), now); err != nil {
			s.fail(w, r, err)
			return
		}
		http.SetCookie(w, cookie(r, sessionCookie, tok, int(s.opts.SessionTTL/time.Second)))
		http.SetCookie(w, cookie(r, loginCookie, "", -1))
		http.Redirect(w, r, "/", http.StatusSeeOther)
		return
	}
	// Failures are counted per account name and per client address, so neither guessing
	// one account's password nor trying many accounts from one place goes fast.
	n := 0
	for _, who := range []string{"user:" + user, "addr:" + clientAddr(r)} {
		k, err := s.st.LoginFailed(ctx, who, refuseWindow)
		if err != nil {
			s.fail(w, r, err)
			return
		}
		n = max(n, k)
	}
	s.log.WarnContext(ctx, "web: sign-in refused", "failures", n)
	if err := s.opts.Sleep(ctx, RefusalDelay(n-1)); err != nil {
		return // the client went away
	}
	s.renderLogin(w, r, "用户名或密码不正确", http.StatusUnauthorized)
}

func clientAddr(r *http.Request) string {
	host := r.RemoteAddr
	if i := strings.LastIndexByte(host, ':'); i >= 0 {
		host = host[:i]
	}
	return host
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request, sess *session) {
	if err := s.st.DeleteSession(r.Context(), sess.token); err != nil {
		s.fail(w, r, err)
		return
	}
	http.SetCookie(w, cookie(r, sessionCookie, "", -1))
	http.Redirect(w, r, "/login", http.StatusSeeOther)
}

// fail logs an internal error and answers with one generic line.
func (s *Server) fail(w http.ResponseWriter, r *http.Request, err error) {
	s.log.ErrorContext(r.Context(), "web", "path", r.URL.Path, "err", err)
	http.Error(w, "系统出错，请稍后再试", http.StatusInternalServerError)
}

// render executes a page template into w.
func (s *Server) render(w http.ResponseWriter, r *http.Request, code int, name string, data any) {
	w.Header().Set("Content-Type", "text/html; charset=utf-8")
	w.WriteHeader(code)
	if err := s.tmpl.ExecuteTemplate(w, name, data); err != nil {
		s.log.ErrorContext(r.Context(), "web: render", "page", name, "err", err)
	}
}
