package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/changzheng/chorus/bot/wechat/wechattest"
	"github.com/changzheng/chorus/bot/wecom/wecomtest"
	"github.com/changzheng/chorus/dispatch"
	"github.com/changzheng/chorus/store/storetest"
)

// Names in the WeCom end-to-end tests. In WeCom a person is their userid: the coordinator
// is configured by it, and replies mention it.
const (
	wcBotID       = "aibCHORUSTEST"
	wcSecret      = "wecom-test-secret"
	wcOrange      = "橙色平安长征志愿者" // a wecom group
	wcOrangeChat  = "wrOrangeChatID"
	wcWork        = "长征社区工作群" // a wecom group
	wcWorkChat    = "wrWorkChatID"
	wcGreen       = "绿色健康长征志愿者" // a wechat group with a webhook fallback
	wcCoordinator = "weiqing"
	wcMention     = "@长征社区小助手 "
	wcWait        = 10 * time.Second
)

// wcConfigText is config.yaml cut down to two WeCom groups and one WeChat group with a
// webhook; only the daily job runs, at its default 8:00, which the tests' clock jumps to.
const wcConfigText = `community:
  id: %[1]s
  name: 长征社区
  timezone: Asia/Shanghai
  bot_name: 长征社区小助手
coordinators:
  - 魏青
  - weiqing
groups:
  - name: 橙色平安长征志愿者
    kind: volunteers
    team: 橙色平安
    transport: wecom
    wecom_chat_id: wrOrangeChatID
  - name: 长征社区工作群
    kind: coordinators
    transport: wecom
    wecom_chat_id: wrWorkChatID
  - name: 绿色健康长征志愿者
    kind: volunteers
    team: 绿色健康
    transport: wechat
    webhook: %[3]s
schedule:
  daily: "0 8 * * *"
  reminders: "off"
  escalation: "off"
  agenda: "off"
  feedback: "off"
  digest: "off"
data_dir: %[2]s
wechat:
  enabled: %[4]t
  min_gap: 1ms
  jitter: 1ns
  account_gap: 1ms
  merge: false
  per_minute: 100000
wecom:
  enabled: true
  jitter: 1ns
  account_gap: 1ms
  merge: false
http:
  addr: 127.0.0.1:0
`

// wcOptions shape one test's chorus.
type wcOptions struct {
	// WeChat enables the WeChat transport against a wechattest fake (login confirmed once).
	WeChat bool
	// Secret is what CHORUS_WECOM_SECRET says; empty means the fake's secret, "-" unset.
	Secret string
}

// wcWorld is one `chorus run` with the WeCom fake, the webhook fake, optionally the
// WeChat fake, a clock the test can move, and the log.
type wcWorld struct {
	t      *testing.T
	id     string
	config string
	env    Env
	srv    *wecomtest.Server
	hook   *wecomtest.WebhookServer
	wechat *wechattest.Server
	clock  *wcClock
	log    *wcLog

	cancel context.CancelFunc
	done   chan error
	addr   string
	once   sync.Once
}

// wcStart writes the config, points chorus at the fakes and at Redis (CHORUS_TEST_REDIS,
// whose community keys are deleted at the end, else a miniredis), and runs chorus until
// the test ends, asserting it then stops cleanly. The clock starts today at 7:30 in
// Shanghai, so today's 8:00 daily post is due only when the test jumps there.
func wcStart(t *testing.T, o wcOptions) *wcWorld {
	t.Helper()
	w, ro := wcSetup(t, o)
	w.run(ro)
	return w
}

// wcSetup does wcStart's preparation without running chorus.
func wcSetup(t *testing.T, o wcOptions) (*wcWorld, runOptions) {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	w := &wcWorld{t: t, id: "wc" + hex.EncodeToString(b[:]), log: newWCLog()}
	dir := t.TempDir()
	w.srv = wecomtest.NewServer(wcBotID, wcSecret)
	t.Cleanup(w.srv.Close)
	w.hook = wecomtest.NewWebhookServer()
	t.Cleanup(w.hook.Close)
	w.config = filepath.Join(dir, "config.yaml")
	if err := os.WriteFile(w.config, fmt.Appendf(nil, wcConfigText, w.id, dir, w.hook.URL(), o.WeChat), 0o600); err != nil {
		t.Fatal(err)
	}

	redisURL := "redis://" + miniredis.RunT(t).Addr()
	if addr := os.Getenv(storetest.EnvVar); addr != "" {
		redisURL = addr
		if !strings.Contains(addr, "://") {
			redisURL = "redis://" + addr
		}
		opt, err := redis.ParseURL(redisURL)
		if err != nil {
			t.Fatal(err)
		}
		rdb := redis.NewClient(opt)
		t.Cleanup(func() { _ = rdb.Close() })
		ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
		defer cancel()
		if err := rdb.Ping(ctx).Err(); err != nil {
			t.Fatalf("%s=%s is set but Redis does not answer: %v", storetest.EnvVar, addr, err)
		}
		storetest.DeleteOnCleanup(t, rdb, "chorus:{"+w.id+"}:*")
	}
	secret := o.Secret
	switch secret {
	case "":
		secret = wcSecret
	case "-":
		secret = ""
	}
	vars := map[string]string{
		"CHORUS_REDIS_URL": redisURL, "CHORUS_WECOM_URL": w.srv.URL(),
		"CHORUS_WECOM_BOT_ID": wcBotID, "CHORUS_WECOM_SECRET": secret,
	}
	out := io.MultiWriter(t.Output(), w.log)
	w.env = Env{Stdin: strings.NewReader(""), Stdout: out, Stderr: out, Getenv: func(k string) string { return vars[k] }}

	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	y, m, d := time.Now().In(loc).Date()
	w.clock = newWCClock(time.Date(y, m, d, 7, 30, 0, 0, loc))

	ro := runOptions{Sleep: fastSleep, Now: w.clock.Now}
	if o.WeChat {
		w.wechat = wechattest.NewServer(t, wechattest.Config{
			Self: "长征社区小助手", PollWait: 50 * time.Millisecond,
			Groups: []wechattest.Group{{Name: wcGreen, Members: []wechattest.Member{{Nick: "魏青"}, {Nick: "雷胜"}, {Nick: "马丽"}}}},
		})
		w.wechat.ConfirmLogin()
		ro.WeChatHTTP = w.wechat.Client()
	}
	return w, ro
}

// run starts chorus in a goroutine and waits until it listens.
func (w *wcWorld) run(ro runOptions) {
	t := w.t
	t.Helper()
	ctx, cancel := context.WithCancel(context.WithoutCancel(t.Context()))
	w.cancel, w.done = cancel, make(chan error, 1)
	ready := make(chan string, 1)
	ro.Ready = func(a string) { ready <- a }
	go func() { w.done <- runWith(ctx, []string{"--config", w.config}, w.env, ro) }()
	select {
	case w.addr = <-ready:
	case err := <-w.done:
		t.Fatalf("chorus run ended before it listened: %v", err)
	case <-time.After(wcWait):
		t.Fatal("chorus run did not listen within 10s")
	}
	t.Cleanup(w.stop)
}

// stop cancels the run, as SIGTERM does, and asserts runWith returned nil (exit 0).
func (w *wcWorld) stop() {
	w.t.Helper()
	w.once.Do(func() {
		w.cancel()
		select {
		case err := <-w.done:
			if err != nil {
				w.t.Errorf("chorus run returned %v after cancel; want nil", err)
			}
		case <-time.After(15 * time.Second):
			w.t.Error("chorus run did not stop within 15s of cancel")
		}
	})
}

// subscribed waits for the next subscribe and checks it was accepted.
func (w *wcWorld) subscribed() wecomtest.Subscribe {
	w.t.Helper()
	s, err := w.srv.NextSubscribe(wcWait)
	if err != nil {
		w.t.Fatal(err)
	}
	if !s.OK || s.BotID != wcBotID || s.Secret != wcSecret {
		w.t.Fatalf("subscribe %+v; want %s with the configured secret, accepted", s, wcBotID)
	}
	return s
}

// say sends a group message from userid in chatid, @-mentioning the robot as WeCom does,
// and returns the callback.
func (w *wcWorld) say(chatid, userid, text string) wecomtest.Callback {
	w.t.Helper()
	cb, err := w.srv.SendGroupText(chatid, userid, wcMention+text)
	if err != nil {
		w.t.Fatal(err)
	}
	return cb
}

// mustAnswer waits for the next reply and checks it answers cb (its req_id, on its
// connection) as one finished stream that mentions userid and contains want.
func (w *wcWorld) mustAnswer(cb wecomtest.Callback, userid, want string) wecomtest.Reply {
	w.t.Helper()
	r, err := w.srv.NextReply(wcWait)
	if err != nil {
		w.t.Fatalf("waiting for the answer to %s: %v\npushes: %+v", cb.MsgID, err, w.srv.Pushes())
	}
	if r.ReqID != cb.ReqID || r.MsgID != cb.MsgID || r.Conn != cb.Conn || r.MsgType != "stream" || !r.Finish {
		w.t.Errorf("reply %+v; want a finished stream answering req_id %s on conn %d", r, cb.ReqID, cb.Conn)
	}
	if !strings.HasPrefix(r.Content, "@"+userid+" ") || !strings.Contains(r.Content, want) {
		w.t.Errorf("reply content %q; want it to start with %q and contain %q", r.Content, "@"+userid+" ", want)
	}
	// The fake has the reply; wait until chorus has its ack too and has retired the post
	// (a connection lost between the two would make chorus send it again: at least once).
	w.mustLines(1, `msg="post delivered"`, "id=wecom:"+cb.MsgID+"#")
	return r
}

var wcTaskID = regexp.MustCompile(`^#(\d+) `)

// mustPublish has the coordinator publish text in chatid and returns the new task's id.
// In a WeCom group 发布 is answered with a button card (see mustPublishCard).
func (w *wcWorld) mustPublish(chatid, text string) string {
	w.t.Helper()
	id, _ := w.mustPublishCard(chatid, text)
	return id
}

// mustPublishCard has the coordinator publish text in chatid, checks the answer is a
// button_interaction card answering the message, with 接 / 退 buttons standing for the
// commands, and returns the task's id and the card.
func (w *wcWorld) mustPublishCard(chatid, text string) (string, wecomtest.Card) {
	w.t.Helper()
	cb := w.say(chatid, wcCoordinator, "发布 "+text)
	r, err := w.srv.NextReply(wcWait)
	if err != nil {
		w.t.Fatalf("waiting for the answer to 发布: %v\npushes: %+v", err, w.srv.Pushes())
	}
	if r.ReqID != cb.ReqID || r.MsgType != "template_card" || r.Card == nil {
		w.t.Fatalf("answer to 发布 %+v; want a template card answering req_id %s", r, cb.ReqID)
	}
	m := wcTaskID.FindStringSubmatch(r.Card.Title)
	if m == nil {
		w.t.Fatalf("no task id in the card's title %q", r.Card.Title)
	}
	id := m[1]
	want := []wecomtest.Button{{Text: "接", Key: "接 " + id}, {Text: "退", Key: "退 " + id}}
	if !slices.Equal(r.Card.Buttons, want) {
		w.t.Errorf("card buttons %+v; want %+v", r.Card.Buttons, want)
	}
	w.mustLines(1, `msg="post delivered"`, "id=wecom:"+cb.MsgID+"#")
	return id, *r.Card
}

// mustPush waits for the next push and checks where it went and what it says.
func (w *wcWorld) mustPush(chatid string, wants ...string) wecomtest.Push {
	w.t.Helper()
	p, err := w.srv.NextPush(wcWait)
	if err != nil {
		w.t.Fatal(err)
	}
	if p.ChatID != chatid || p.MsgType != "markdown" {
		w.t.Errorf("push %+v; want markdown to %s", p, chatid)
	}
	for _, s := range wants {
		if !strings.Contains(p.Content, s) {
			w.t.Errorf("push content %q; want it to contain %q", p.Content, s)
		}
	}
	return p
}

// mustProtocolClean checks that neither fake saw a frame or body WeCom would refuse.
func (w *wcWorld) mustProtocolClean() {
	w.t.Helper()
	if errs := w.srv.Errors(); len(errs) > 0 {
		w.t.Errorf("long-connection protocol violations:\n%s", strings.Join(errs, "\n"))
	}
	if errs := w.hook.Errors(); len(errs) > 0 {
		w.t.Errorf("webhook format violations:\n%s", strings.Join(errs, "\n"))
	}
}

// wcReady is /readyz's answer.
type wcReady struct {
	Status     int
	Transports map[string]bool     `json:"transports"`
	Recent     []dispatch.Delivery `json:"recent"`
}

// readyz fetches /readyz.
func (w *wcWorld) readyz() wcReady {
	w.t.Helper()
	req, err := http.NewRequestWithContext(w.t.Context(), http.MethodGet, "http://"+w.addr+"/readyz", nil)
	if err != nil {
		w.t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		w.t.Fatal(err)
	}
	defer resp.Body.Close()
	var r wcReady
	if err := json.NewDecoder(resp.Body).Decode(&r); err != nil {
		w.t.Fatalf("/readyz: %v", err)
	}
	r.Status = resp.StatusCode
	return r
}

// routes counts /readyz's recent deliveries by "group route".
func (r wcReady) routes() map[string]int {
	n := map[string]int{}
	for _, d := range r.Recent {
		n[d.Chat.Group+" "+d.Route]++
	}
	return n
}

// at8 is today's 8:00 on the test's clock, when the daily job is due.
func (w *wcWorld) at8() time.Time {
	now := w.clock.Now()
	y, m, d := now.Date()
	return time.Date(y, m, d, 8, 0, 0, 0, now.Location())
}

// wcClock is real time shifted by an offset the test can move forward.
type wcClock struct {
	mu     sync.Mutex
	offset time.Duration
	loc    *time.Location
}

func newWCClock(start time.Time) *wcClock {
	return &wcClock{offset: time.Until(start), loc: start.Location()}
}

// Now is the shifted time, in the community's zone.
func (c *wcClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return time.Now().Add(c.offset).In(c.loc)
}

// Jump moves the clock to t; it keeps running from there.
func (c *wcClock) Jump(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.offset = time.Until(t)
}

// wcLog keeps chorus's log and wakes waiters on every write (slog writes a record in
// one Write).
type wcLog struct {
	mu      sync.Mutex
	buf     bytes.Buffer
	changed chan struct{}
}

func newWCLog() *wcLog { return &wcLog{changed: make(chan struct{})} }

func (l *wcLog) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	close(l.changed)
	l.changed = make(chan struct{})
	return l.buf.Write(p)
}

// lines returns the log lines containing every one of subs.
func (l *wcLog) lines(subs ...string) []string {
	l.mu.Lock()
	defer l.mu.Unlock()
	var out []string
	for line := range strings.Lines(l.buf.String()) {
		ok := true
		for _, s := range subs {
			ok = ok && strings.Contains(line, s)
		}
		if ok {
			out = append(out, line)
		}
	}
	return out
}

// mustLines waits until at least n log lines contain every one of subs.
func (w *wcWorld) mustLines(n int, subs ...string) []string {
	w.t.Helper()
	timeout := time.NewTimer(wcWait)
	defer timeout.Stop()
	for {
		w.log.mu.Lock()
		ch := w.log.changed
		w.log.mu.Unlock()
		if got := w.log.lines(subs...); len(got) >= n {
			return got
		}
		select {
		case <-ch:
		case <-timeout.C:
			w.t.Fatalf("waited %s for %d log lines with %q; have %d", wcWait, n, subs, len(w.log.lines(subs...)))
		}
	}
}
