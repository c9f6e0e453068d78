// Package wechat is chorus's WeChat transport, and the only importer of openwechat: it
// logs in to WeChat's web protocol, maps group and private text messages to
// dispatch.Message, and sends posts.
package wechat

import (
	"context"
	"errors"
	"fmt"
	"html"
	"io"
	"log/slog"
	"math"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/changzheng/chorus/bot"
	"github.com/changzheng/chorus/dispatch"
	"github.com/eatmoreapple/openwechat"
	"github.com/mdp/qrterminal/v3"
)

// Name is the transport's name in config and in dispatch.Chat.Transport.
const Name = "wechat"

// Backoff bounds the pause between re-login attempts; it doubles from Min up to Max.
type Backoff struct {
	// Min is the first pause; zero means 5s. It is also the pause after a failed sync.
	Min time.Duration
	// Max caps the pause; zero means 5 minutes.
	Max time.Duration
}

// Options configures a Transport. The zero value is usable: scan login every time, no
// groups listened to, output to the default logger and QR code to standard error.
type Options struct {
	// HotLoginFile is where the session is kept between runs so that a restart needs no
	// new scan; empty means no hot login.
	HotLoginFile string
	// Groups are the exact names of the groups whose messages are handed on; messages in
	// other groups are ignored. Private messages from friends are always handed on.
	Groups []string
	// HTTPClient supplies the transport (and, if set, the timeout) for every request;
	// nil means http.DefaultTransport, which honours HTTPS_PROXY and SSL_CERT_FILE.
	// Its cookie jar and redirect policy are not used: openwechat needs its own.
	HTTPClient *http.Client
	// QROut receives the login QR code, drawn for a terminal, and its URL; nil means
	// os.Stderr.
	QROut io.Writer
	// Logger receives the transport's logs; nil means slog.Default(). Message text is
	// never logged and nicknames are masked.
	Logger *slog.Logger
	// Backoff bounds the pause between re-login attempts.
	Backoff Backoff
	// Sleep pauses for d or until ctx ends (returning ctx's error); nil means a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now gives the time stamped on inbound messages; nil means time.Now.
	Now func() time.Time
}

// Transport is the WeChat channel. Run logs in and receives; Send may be called from any
// goroutine at any time and fails with bot.ErrUnavailable while logged out.
type Transport struct {
	opts   Options
	log    *slog.Logger
	groups map[string]bool

	mu      sync.Mutex
	cur     *session      // nil while logged out
	changed chan struct{} // closed and replaced whenever cur changes
}

var _ bot.Transport = (*Transport)(nil)

// New returns a Transport; nothing happens until Run.
func New(opts Options) *Transport {
	if opts.Logger == nil {
		opts.Logger = slog.Default()
	}
	if opts.QROut == nil {
		opts.QROut = os.Stderr
	}
	if opts.Backoff.Min <= 0 {
		opts.Backoff.Min = 5 * time.Second
	}
	if opts.Backoff.Max <= 0 {
		opts.Backoff.Max = 5 * time.Minute
	}
	if opts.Backoff.Max < opts.Backoff.Min {
		opts.Backoff.Max = opts.Backoff.Min
	}
	if opts.Sleep == nil {
		opts.Sleep = sleep
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	groups := make(map[string]bool, len(opts.Groups))
	for _, g := range opts.Groups {
		groups[g] = true
	}
	return &Transport{
		opts:    opts,
		log:     opts.Logger.With("transport", Name),
		groups:  groups,
		changed: make(chan struct{}),
	}
}

// Name returns "wechat".
func (t *Transport) Name() string { return Name }

// LoggedIn reports whether a WeChat session is up, for health checks.
func (t *Transport) LoggedIn() bool {
	s := t.session()
	return s != nil && !s.ended()
}

// Run logs in (hot login from Options.HotLoginFile when it works, else a QR scan) and
// hands every text message from the configured groups and from friends to in. When the
// session is lost (logged out on the phone, expired) it logs an error and logs in again,
// pausing with backoff after failed attempts. A session in which a message could not be
// handed on (in failed: the journal full, data_dir refusing writes) ends without saving
// the sync position past it; Run logs in again after a pause that doubles while that
// goes on, and the new session receives the message again. It returns nil when ctx ends, after the
// session's message loop has let go of in. Run must not be called twice at once.
func (t *Transport) Run(ctx context.Context, in bot.Inbound) error {
	delay := t.opts.Backoff.Min
	// unkeptDelay is the pause before logging in again after a session ended because a
	// message could not be kept: at once would only meet the same full journal (Redis
	// still away), so it doubles up to Backoff.Max while that goes on.
	unkeptDelay := t.opts.Backoff.Min
	for attempt := 1; ; attempt++ {
		if ctx.Err() != nil {
			return nil
		}
		t.log.Info("wechat logging in", "attempt", attempt, "hot_login", t.opts.HotLoginFile != "")
		s, err := t.login(ctx, in)
		if err != nil {
			if ctx.Err() != nil {
				return nil
			}
			t.log.Error("wechat login failed", "attempt", attempt, "retry_in", delay, "err", err)
			if t.opts.Sleep(ctx, delay) != nil {
				return nil
			}
			delay = min(2*delay, t.opts.Backoff.Max)
			continue
		}
		attempt, delay = 0, t.opts.Backoff.Min
		t.setSession(s)
		t.log.Info("wechat logged in", "self", mask(s.nick), "groups", len(t.groups))
		began := t.opts.Now()
		reason := s.wait(ctx)
		stopping := ctx.Err() != nil
		unkept := errors.Is(reason, errUnkept)
		if !stopping && !unkept {
			t.log.Error("wechat logged out; logging in again", "self", mask(s.nick), "reason", reason)
		}
		t.setSession(nil)
		s.close()
		if stopping {
			t.log.Info("wechat stopped")
			return nil
		}
		if !unkept {
			unkeptDelay = t.opts.Backoff.Min
			continue
		}
		if t.opts.Now().Sub(began) >= t.opts.Backoff.Max {
			unkeptDelay = t.opts.Backoff.Min // a session that ran well before this
		}
		t.log.Warn("wechat session ended to receive again a message chorus could not keep; logging in again",
			"retry_in", unkeptDelay, "reason", reason)
		if t.opts.Sleep(ctx, unkeptDelay) != nil {
			return nil
		}
		unkeptDelay = min(2*unkeptDelay, t.opts.Backoff.Max)
	}
}

// Send delivers one post to a group (by name) or a friend (by nickname) of the current
// session, with Mentions written as "@nick\u2005" before the text. It wraps
// bot.ErrUnavailable while logged out and bot.ErrRejected when the chat is not among
// the session's contacts; a refusal by WeChat (such as ret 1205, sending too often) is a
// plain error, to be retried later.
func (t *Transport) Send(ctx context.Context, p dispatch.Post) error {
	s := t.session()
	if s == nil || s.ended() {
		return fmt.Errorf("wechat: send: not logged in: %w", bot.ErrUnavailable)
	}
	return s.send(ctx, p)
}

func (t *Transport) session() *session {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.cur
}

func (t *Transport) setSession(s *session) {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.cur = s
	close(t.changed)
	t.changed = make(chan struct{})
}

// awaitSession waits until a session is up (want true) or gone (want false).
func (t *Transport) awaitSession(ctx context.Context, want bool) error {
	for {
		t.mu.Lock()
		ok, ch := (t.cur != nil) == want, t.changed
		t.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return ctx.Err()
		}
	}
}

// showQR draws the login QR code and prints its URL, for terminals that cannot draw.
func (t *Transport) showQR(uuid string) {
	w := t.opts.QROut
	qrterminal.GenerateHalfBlock("https://login.weixin.qq.com/l/"+uuid, qrterminal.L, w)
	url := "https://login.weixin.qq.com/qrcode/" + uuid
	_, _ = fmt.Fprintf(w, "用微信扫码登录 chorus (scan with WeChat to log in): %s\n", url)
	t.log.Warn("wechat waiting for a QR scan", "qr_url", url)
}

func sleep(ctx context.Context, d time.Duration) error {
	timer := time.NewTimer(d)
	defer timer.Stop()
	select {
	case <-timer.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// mask hides a nickname in logs: its first character and "*".
func mask(nick string) string {
	if nick == "" {
		return ""
	}
	r, _ := utf8.DecodeRuneInString(nick)
	return string(r) + "*"
}

// mediaOf maps a picture, voice message or location to dispatch.Media; ok is false for
// every other message. Pictures and voice carry only their MsgId: the bytes are fetched
// (Fetch) only if dispatch decides to keep them.
func mediaOf(msg *openwechat.Message) (dispatch.Media, bool) {
	switch {
	case msg.IsPicture():
		return dispatch.Media{Kind: dispatch.MediaPhoto, Ref: msg.MsgId}, true
	case msg.IsVoice():
		return dispatch.Media{Kind: dispatch.MediaVoice, Ref: msg.MsgId}, true
	case msg.IsLocation():
		md := dispatch.Media{Kind: dispatch.MediaLocation, Place: locationLabel(msg.Content)}
		md.Lat, md.Lng, _ = mapCoord(msg.Url)
		return md, true
	}
	return dispatch.Media{}, false
}

// locationLabel is the place's name in a location message's Content:
// "label:<br/>/cgi-bin/mmwebwx-bin/webwxgetpubliclinkimg?…pictype=location" (in a group,
// openwechat has already cut the sender's "@user:<br/>" and joined the rest, so the
// separator may be gone).
func locationLabel(content string) string {
	label, _, ok := strings.Cut(content, ":<br/>")
	if !ok {
		label, _, _ = strings.Cut(content, "/cgi-bin/")
	}
	label = strings.TrimSpace(html.UnescapeString(label))
	label = strings.TrimSuffix(label, ":")
	if utf8.RuneCountInString(label) > 60 {
		label = string([]rune(label)[:60])
	}
	return label
}

// mapCoord reads the latitude and longitude of a Tencent map link, the Url of a WeChat
// location: "…/uri/v1/geocoder?coord=45.596712,84.889213" (or a marker link with
// "marker=coord:lat,lng;title:…"). openwechat has no parser for it.
func mapCoord(raw string) (lat, lng float64, ok bool) {
	u, err := url.Parse(html.UnescapeString(raw))
	if err != nil {
		return 0, 0, false
	}
	// By hand, not u.Query(): a marker link's ";" makes net/url drop the pair.
	var c string
	for _, pair := range strings.Split(u.RawQuery, "&") {
		k, v, _ := strings.Cut(pair, "=")
		v, err := url.QueryUnescape(v)
		if err != nil {
			continue
		}
		switch k {
		case "coord":
			c = v
		case "marker":
			for _, part := range strings.Split(v, ";") {
				if xy, found := strings.CutPrefix(part, "coord:"); found && c == "" {
					c = xy
				}
			}
		}
	}
	a, b, found := strings.Cut(c, ",")
	if !found {
		return 0, 0, false
	}
	lat, err1 := strconv.ParseFloat(strings.TrimSpace(a), 64)
	lng, err2 := strconv.ParseFloat(strings.TrimSpace(b), 64)
	if err1 != nil || err2 != nil || lat < -90 || lat > 90 || lng < -180 || lng > 180 || math.IsNaN(lat) || math.IsNaN(lng) {
		return 0, 0, false
	}
	return lat, lng, true
}

// Fetch downloads a picture or voice message of the current session by its MsgId, the
// way openwechat's GetPicture and GetVoice do (webwxgetmsgimg, webwxgetvoice with the
// session's skey), but under ctx. It implements media.Fetcher.
func (t *Transport) Fetch(ctx context.Context, m dispatch.Media) (io.ReadCloser, error) {
	s := t.session()
	if s == nil || s.ended() {
		return nil, fmt.Errorf("wechat: fetch media: not logged in: %w", bot.ErrUnavailable)
	}
	msg := &openwechat.Message{MsgId: m.Ref}
	var resp *http.Response
	var err error
	switch m.Kind {
	case dispatch.MediaPhoto:
		resp, err = s.bot.Caller.Client.WebWxGetMsgImg(ctx, msg, s.loginInfo)
	case dispatch.MediaVoice:
		resp, err = s.bot.Caller.Client.WebWxGetVoice(ctx, msg, s.loginInfo)
	default:
		return nil, fmt.Errorf("wechat: fetch media: nothing to fetch for a %s", m.Kind)
	}
	if err != nil {
		return nil, fmt.Errorf("wechat: fetch %s: %w", m.Kind, stripNetworkErr(err))
	}
	if resp.StatusCode != http.StatusOK && resp.StatusCode != http.StatusPartialContent {
		_ = resp.Body.Close()
		return nil, fmt.Errorf("wechat: fetch %s: HTTP %d", m.Kind, resp.StatusCode)
	}
	return resp.Body, nil
}
