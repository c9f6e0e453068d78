package wechat

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/changzheng/chorus/bot"
	"github.com/changzheng/chorus/bot/wechat/wechattest"
	"github.com/changzheng/chorus/dispatch"
)

const (
	orange = "橙色平安长征志愿者"
	other  = "别的群"
)

func newFake(t *testing.T) *wechattest.Server {
	t.Helper()
	return wechattest.NewServer(t, wechattest.Config{
		Self: "社区助手",
		Groups: []wechattest.Group{
			{Name: orange, Members: []wechattest.Member{{Nick: "雷胜", Display: "雷胜-3号楼"}, {Nick: "魏青"}}},
			{Name: other, Members: []wechattest.Member{{Nick: "路人"}}},
		},
		Friends:   []string{"魏青"},
		EchoSends: true,
		PollWait:  100 * time.Millisecond,
	})
}

// syncBuffer is a bytes.Buffer safe for the transport's goroutines and the test's.
type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

// harness runs one Transport against the fake until the test ends.
type harness struct {
	t    *testing.T
	tr   *Transport
	got  chan dispatch.Message
	logs *syncBuffer
	qr   *syncBuffer
	stop func()
}

func mustStart(t *testing.T, srv *wechattest.Server, opts Options) *harness {
	t.Helper()
	h := &harness{t: t, got: make(chan dispatch.Message, 100), logs: &syncBuffer{}, qr: &syncBuffer{}}
	opts.Groups = []string{orange}
	opts.HTTPClient = srv.Client()
	opts.QROut = h.qr
	opts.Logger = slog.New(slog.NewTextHandler(io.MultiWriter(t.Output(), h.logs), &slog.HandlerOptions{Level: slog.LevelDebug}))
	opts.Backoff = Backoff{Min: 10 * time.Millisecond, Max: 50 * time.Millisecond}
	h.tr = New(opts)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		done <- h.tr.Run(ctx, func(ctx context.Context, m dispatch.Message) error {
			select {
			case h.got <- m:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		})
	}()
	var once sync.Once
	h.stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run = %v; want nil", err)
			}
		})
	}
	t.Cleanup(h.stop)
	return h
}

func waitCtx(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

func (h *harness) mustLogIn() {
	h.t.Helper()
	if err := h.tr.awaitSession(waitCtx(h.t), true); err != nil {
		h.t.Fatalf("waiting for login: %v", err)
	}
	if !h.tr.LoggedIn() {
		h.t.Fatal("LoggedIn() = false after login")
	}
}

func (h *harness) mustLogOut() {
	h.t.Helper()
	if err := h.tr.awaitSession(waitCtx(h.t), false); err != nil {
		h.t.Fatalf("waiting for logout: %v", err)
	}
}

func (h *harness) next() dispatch.Message {
	h.t.Helper()
	select {
	case m := <-h.got:
		return m
	case <-waitCtx(h.t).Done():
		h.t.Fatal("no inbound message")
		return dispatch.Message{}
	}
}

func TestScanLoginAndInbound(t *testing.T) {
	srv := newFake(t)
	h := mustStart(t, srv, Options{})
	srv.ConfirmLogin()
	h.mustLogIn()

	if got := h.qr.String(); !strings.Contains(got, "https://login.weixin.qq.com/qrcode/Q") {
		t.Errorf("QROut = %q; want the QR URL", got)
	}
	if h.tr.Name() != "wechat" {
		t.Errorf("Name() = %q; want wechat", h.tr.Name())
	}

	// Ignored: another group, a non-media non-text message (a sticker), the bot's own echo.
	srv.Say(other, "路人", "接 12")
	srv.SayImage(other, "路人")
	srv.SaySticker(orange, "雷胜")
	if err := h.tr.Send(t.Context(), dispatch.Post{Chat: dispatch.Chat{Group: orange}, Text: "早上好"}); err != nil {
		t.Fatalf("Send: %v", err)
	}
	id := srv.Say(orange, "雷胜", "@社区助手\u2005接 12")

	m := h.next()
	want := dispatch.Message{
		ID: id, Transport: "wechat", Chat: dispatch.Chat{Group: orange},
		From: dispatch.Sender{Nick: "雷胜-3号楼", Ref: "雷胜"}, Text: "接 12", MentionsBot: true, At: m.At,
	}
	if m != want {
		t.Fatalf("inbound = %+v; want %+v", m, want)
	}
	if m.At.IsZero() {
		t.Error("At is zero")
	}

	id = srv.Say(orange, "魏青", "任务")
	if m = h.next(); m.ID != id || m.From != (dispatch.Sender{Nick: "魏青", Ref: "魏青"}) || m.Text != "任务" || m.MentionsBot {
		t.Errorf("inbound = %+v; want 任务 from 魏青 without mention", m)
	}

	id = srv.SayPrivate("魏青", "@社区助手 帮助")
	m = h.next()
	if m.ID != id || m.Chat != (dispatch.Chat{User: "魏青", Transport: "wechat"}) || m.Text != "帮助" || !m.MentionsBot {
		t.Errorf("private inbound = %+v; want 帮助 from 魏青 in a private chat", m)
	}

	// A redelivered batch carries the same MsgIds; de-duplication is the bot's job.
	srv.Redeliver()
	if m = h.next(); m.ID != id {
		t.Errorf("redelivered ID = %q; want %q", m.ID, id)
	}

	for _, secret := range []string{"接 12", "帮助", "雷胜", "魏青"} {
		if strings.Contains(h.logs.String(), secret) {
			t.Errorf("logs contain %q; message text and nicknames must not be logged", secret)
		}
	}
}

func TestSendMentions(t *testing.T) {
	srv := newFake(t)
	h := mustStart(t, srv, Options{})
	srv.ConfirmLogin()
	h.mustLogIn()
	ctx := t.Context()

	if err := h.tr.Send(ctx, dispatch.Post{Chat: dispatch.Chat{Group: orange}, Text: "明天9点到岗", Mentions: []string{"雷胜", "魏青"}}); err != nil {
		t.Fatalf("Send to group: %v", err)
	}
	if err := h.tr.Send(ctx, dispatch.Post{Chat: dispatch.Chat{User: "魏青", Transport: "wechat"}, Text: "收到"}); err != nil {
		t.Fatalf("Send to friend: %v", err)
	}
	sent, err := srv.WaitSent(waitCtx(t), 2)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := sent[0], (wechattest.Sent{Group: orange, Text: "@雷胜\u2005@魏青\u2005明天9点到岗", MsgID: sent[0].MsgID}); got != want {
		t.Errorf("sent[0] = %+v; want %+v", got, want)
	}
	if got := sent[1]; got.User != "魏青" || got.Group != "" || got.Text != "收到" {
		t.Errorf("sent[1] = %+v; want 收到 to 魏青", got)
	}

	for _, c := range []dispatch.Chat{{Group: "没有这个群"}, {User: "陌生人", Transport: "wechat"}} {
		if err := h.tr.Send(ctx, dispatch.Post{Chat: c, Text: "x"}); !errors.Is(err, bot.ErrRejected) {
			t.Errorf("Send to %+v = %v; want ErrRejected", c, err)
		}
	}
}

func TestReloginKeepsNames(t *testing.T) {
	srv := newFake(t)
	h := mustStart(t, srv, Options{HotLoginFile: filepath.Join(t.TempDir(), "hot.json")})
	srv.ConfirmLogin()
	h.mustLogIn()
	oldGroup, oldMember := srv.GroupUserName(orange), srv.UserName("雷胜")

	srv.ExpireSession()
	h.mustLogOut()
	srv.ConfirmLogin()
	h.mustLogIn()
	if srv.GroupUserName(orange) == oldGroup || srv.UserName("雷胜") == oldMember {
		t.Fatal("the fake kept UserNames across a scan login")
	}
	if srv.Scans() != 2 {
		t.Errorf("Scans() = %d; want 2", srv.Scans())
	}

	if err := h.tr.Send(t.Context(), dispatch.Post{Chat: dispatch.Chat{Group: orange}, Text: "又上线了", Mentions: []string{"雷胜"}}); err != nil {
		t.Fatalf("Send after re-login: %v", err)
	}
	sent, err := srv.WaitSent(waitCtx(t), 1)
	if err != nil {
		t.Fatal(err)
	}
	if sent[0].Group != orange {
		t.Errorf("sent to %q; want %q", sent[0].Group, orange)
	}
	id := srv.Say(orange, "雷胜", "完成 12")
	if m := h.next(); m.ID != id || m.From.Ref != "雷胜" || m.Chat.Group != orange {
		t.Errorf("inbound after re-login = %+v; want Ref 雷胜 in %s", m, orange)
	}
}

func TestSendRetryableFailures(t *testing.T) {
	srv := newFake(t)
	h := mustStart(t, srv, Options{})
	srv.ConfirmLogin()
	h.mustLogIn()
	srv.FailSends(3, 1205)

	post := dispatch.Post{Chat: dispatch.Chat{Group: orange}, Text: "提醒"}
	for i := range 3 {
		err := h.tr.Send(t.Context(), post)
		if err == nil || errors.Is(err, bot.ErrUnavailable) || errors.Is(err, bot.ErrRejected) {
			t.Fatalf("Send #%d = %v; want a retryable error", i+1, err)
		}
		if !strings.Contains(err.Error(), "1205") {
			t.Errorf("Send #%d = %v; want it to name ret 1205", i+1, err)
		}
	}
	if err := h.tr.Send(t.Context(), post); err != nil {
		t.Fatalf("Send #4 = %v; want nil", err)
	}
	if sent := srv.Sent(); len(sent) != 1 || sent[0].Text != "提醒" {
		t.Errorf("Sent() = %+v; want one 提醒", sent)
	}
}

func TestHotLogin(t *testing.T) {
	srv := newFake(t)
	file := filepath.Join(t.TempDir(), "data", "wechat.json")
	h1 := mustStart(t, srv, Options{HotLoginFile: file})
	srv.ConfirmLogin()
	h1.mustLogIn()
	h1.stop()
	if _, err := os.Stat(file); err != nil {
		t.Fatalf("hot-login file: %v", err)
	}

	h2 := mustStart(t, srv, Options{HotLoginFile: file})
	h2.mustLogIn()
	if srv.Scans() != 1 || srv.Inits() != 2 {
		t.Errorf("Scans() = %d, Inits() = %d; want 1 scan and 2 inits", srv.Scans(), srv.Inits())
	}
	if got := h2.qr.String(); got != "" {
		t.Errorf("hot login showed a QR code: %q", got)
	}
	id := srv.Say(orange, "雷胜", "报到")
	if m := h2.next(); m.ID != id {
		t.Errorf("inbound ID = %q; want %q", m.ID, id)
	}
}

func TestExpireSession(t *testing.T) {
	srv := newFake(t)
	h := mustStart(t, srv, Options{})
	srv.ConfirmLogin()
	h.mustLogIn()

	srv.ExpireSession()
	h.mustLogOut()
	if !strings.Contains(h.logs.String(), "wechat logged out") {
		t.Errorf("logs = %q; want a loud 'wechat logged out'", h.logs.String())
	}
	if h.tr.LoggedIn() {
		t.Error("LoggedIn() = true during the gap")
	}
	err := h.tr.Send(t.Context(), dispatch.Post{Chat: dispatch.Chat{Group: orange}, Text: "x"})
	if !errors.Is(err, bot.ErrUnavailable) {
		t.Errorf("Send during the gap = %v; want ErrUnavailable", err)
	}

	srv.ConfirmLogin()
	h.mustLogIn()
	id := srv.Say(orange, "雷胜", "接 3")
	if m := h.next(); m.ID != id || m.Text != "接 3" {
		t.Errorf("inbound after re-login = %+v; want 接 3", m)
	}
}

func TestStripMention(t *testing.T) {
	tests := []struct {
		in, want string
		at       bool
	}{
		{"@社区助手\u2005接 12", "接 12", true},
		{"@社区助手 接 12", "接 12", true},
		{"@社区助手", "", true},
		{"@社区助手们 好", "@社区助手们 好", false},
		{"接 12 @社区助手", "接 12 @社区助手", false},
		{"@小助手\u2005帮助", "帮助", true},
	}
	for _, tt := range tests {
		got, at := stripMention(tt.in, "小助手", "社区助手")
		if got != tt.want || at != tt.at {
			t.Errorf("stripMention(%q) = %q, %v; want %q, %v", tt.in, got, at, tt.want, tt.at)
		}
	}
}

func TestMask(t *testing.T) {
	for in, want := range map[string]string{"雷胜": "雷*", "": "", "a": "a*"} {
		if got := mask(in); got != want {
			t.Errorf("mask(%q) = %q; want %q", in, got, want)
		}
	}
}
