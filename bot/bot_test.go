package bot_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/changzheng/chorus/bot"
	"github.com/changzheng/chorus/dispatch"
	"github.com/changzheng/chorus/store"
	"github.com/changzheng/chorus/store/storetest"
)

const (
	orange = "橙色平安长征志愿者"
	gold   = "金色炫舞长征志愿者"
	hook   = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=test"
)

// clock is simulated time: Sleep moves it forward at once, so retries and pacing are
// recorded without waiting. A sleep of an hour or more (the scheduler's tick) blocks
// until ctx ends instead, so the tick loop does not spin.
type clock struct {
	mu     sync.Mutex
	now    time.Time
	sleeps []time.Duration
}

func newClock() *clock {
	return &clock{now: time.Date(2026, 12, 5, 8, 0, 0, 0, time.FixedZone("CST", 8*3600))}
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Sleep(ctx context.Context, d time.Duration) error {
	if d >= time.Hour {
		<-ctx.Done()
		return ctx.Err()
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.sleeps = append(c.sleeps, d)
	c.now = c.now.Add(d)
	return nil
}

func (c *clock) Sleeps() []time.Duration {
	c.mu.Lock()
	defer c.mu.Unlock()
	return slices.Clone(c.sleeps)
}

// sendRec is one post a transport delivered, and when (on the clock).
type sendRec struct {
	Post dispatch.Post
	At   time.Time
}

// transport is the recording fake: it keeps every post it delivered and fails the
// sends its fail function says to.
type transport struct {
	name  string
	clock *clock
	fail  func(p dispatch.Post, try int) error // nil: every send succeeds

	mu      sync.Mutex
	tries   map[string]int // per post text
	sent    []sendRec
	changed chan struct{}
}

var _ bot.Transport = (*transport)(nil)

func newTransport(name string, c *clock) *transport {
	return &transport{name: name, clock: c, tries: map[string]int{}, changed: make(chan struct{})}
}

func (t *transport) Name() string { return t.name }

func (t *transport) Run(ctx context.Context, in bot.Inbound) error {
	<-ctx.Done()
	return nil
}

func (t *transport) Send(ctx context.Context, p dispatch.Post) error {
	t.mu.Lock()
	defer t.mu.Unlock()
	t.tries[p.Text]++
	if t.fail != nil {
		if err := t.fail(p, t.tries[p.Text]); err != nil {
			return err
		}
	}
	t.sent = append(t.sent, sendRec{Post: p, At: t.clock.Now()})
	close(t.changed)
	t.changed = make(chan struct{})
	return nil
}

func (t *transport) Sent() []sendRec {
	t.mu.Lock()
	defer t.mu.Unlock()
	return slices.Clone(t.sent)
}

// mustSent waits until the transport delivered n posts.
func (t *transport) mustSent(tb testing.TB, n int) []sendRec {
	tb.Helper()
	ctx, cancel := context.WithTimeout(tb.Context(), 10*time.Second)
	defer cancel()
	for {
		t.mu.Lock()
		got, ch := slices.Clone(t.sent), t.changed
		t.mu.Unlock()
		if len(got) >= n {
			return got
		}
		select {
		case <-ch:
		case <-ctx.Done():
			tb.Fatalf("%s delivered %d posts; want %d: %v", t.name, len(got), n, got)
		}
	}
}

// tries reports how many sends the transport was asked for, failed or not.
func (t *transport) Tries() int {
	t.mu.Lock()
	defer t.mu.Unlock()
	n := 0
	for _, v := range t.tries {
		n += v
	}
	return n
}

// eventually waits until cond holds, failing the test after 10 seconds.
func eventually(tb testing.TB, what string, cond func() bool) {
	tb.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			tb.Fatalf("timed out waiting until %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// fallback is the recording fake webhook; fail (nil: never) fails the sends it says to.
type fallback struct {
	mu   sync.Mutex
	fail func(p dispatch.Post) error
	sent []dispatch.Post
	urls []string
}

func (f *fallback) Send(ctx context.Context, url string, p dispatch.Post) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.fail != nil {
		if err := f.fail(p); err != nil {
			return err
		}
	}
	f.sent, f.urls = append(f.sent, p), append(f.urls, url)
	return nil
}

func (f *fallback) Sent() []dispatch.Post {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.sent)
}

// fixture is a real store, a real dispatch.Service and the recording transports.
type fixture struct {
	db     *store.DB
	svc    *dispatch.Service
	clock  *clock
	wechat *transport
	wecom  *transport
	hook   *fallback
	logs   *syncBuffer
}

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

// community has orange on WeChat (with a fallback webhook), gold on WeCom, and extra
// volunteer groups on WeChat.
func community(extra int) dispatch.Community {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	c := dispatch.Community{
		ID: "test", Name: "长征社区", BotName: "长征小助手", Loc: loc, Coordinators: []string{"魏青"},
		Groups: []dispatch.Group{
			{Name: orange, Kind: dispatch.KindVolunteers, Team: "橙色平安", Transport: "wechat", Webhook: hook},
			{Name: gold, Kind: dispatch.KindVolunteers, Team: "金色炫舞", Transport: "wecom"},
		},
	}
	for i := range extra {
		c.Groups = append(c.Groups, dispatch.Group{Name: fmt.Sprintf("第%02d网格志愿者", i+1), Kind: dispatch.KindVolunteers, Team: fmt.Sprintf("网格%02d", i+1), Transport: "wechat"})
	}
	return c
}

func mustFixture(t *testing.T, extraGroups int) *fixture {
	t.Helper()
	f := &fixture{db: storetest.Open(t), clock: newClock(), hook: &fallback{}, logs: &syncBuffer{}}
	if err := f.db.Load(t.Context()); err != nil {
		t.Fatal(err)
	}
	f.svc = dispatch.New(community(extraGroups), f.db, dispatch.Options{Now: f.clock.Now})
	f.wechat, f.wecom = newTransport("wechat", f.clock), newTransport("wecom", f.clock)
	return f
}

// bot builds a Bot on the fixture; opts fills in what the test leaves zero.
func (f *fixture) bot(t *testing.T, opts bot.Options) *bot.Bot {
	if opts.Transports == nil {
		opts.Transports = []bot.Transport{f.wechat, f.wecom}
	}
	if opts.Routes == nil {
		opts.Routes = map[string]string{}
		for _, g := range f.svc.Community().Groups {
			opts.Routes[g.Name] = g.Transport
		}
	}
	opts.Webhooks = map[string]string{orange: hook}
	if opts.Fallback == nil {
		opts.Fallback = f.hook
	}
	opts.Now = f.clock.Now
	if opts.Sleep == nil {
		opts.Sleep = f.clock.Sleep
	}
	opts.TickEvery = 24 * time.Hour
	opts.Logger = slog.New(slog.NewTextHandler(f.logs, nil))
	return bot.New(f.svc, f.db, opts)
}

// run runs b until the test ends and asserts Run returns nil.
func run(t *testing.T, b *bot.Bot) (stop func()) {
	ctx, cancel := context.WithCancel(context.WithoutCancel(t.Context()))
	done := make(chan error, 1)
	go func() { done <- b.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("Run = %v; want nil", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

var seq int

// msg is a message from nick in group (or, with group "", a private one through via).
func msg(group, nick, text string, via string) dispatch.Message {
	seq++
	m := dispatch.Message{ID: fmt.Sprintf("m%d", seq), Transport: via, From: dispatch.Sender{Nick: nick}, Text: text}
	if group == "" {
		m.Chat = dispatch.Chat{User: nick, Transport: via}
	} else {
		m.Chat = dispatch.Chat{Group: group}
	}
	return m
}

const publish = "发布 发放防诈骗宣传材料 明天上午9点 社区门口 需要3人 2小时"

func mustReceive(t *testing.T, b *bot.Bot, m dispatch.Message) {
	t.Helper()
	if err := b.Receive(t.Context(), m); err != nil {
		t.Fatalf("Receive(%q) = %v", m.Text, err)
	}
}

func (f *fixture) claims(t *testing.T, id int64) int {
	t.Helper()
	task, err := f.db.Task(t.Context(), id)
	if err != nil {
		t.Fatal(err)
	}
	return len(task.Queue)
}

// failingFinish is the store with Finish failing: a crash between Accept and Finish.
type failingFinish struct{ *store.DB }

func (failingFinish) Finish(context.Context, string, string, []dispatch.Envelope) error {
	return errors.New("simulated crash before finish")
}

// A message is stored (Accept) before it is handled: when queuing its replies fails, it
// is still in the inbox, and a later Resume handles it.
func TestReceiveStoresBeforeHandling(t *testing.T) {
	f := mustFixture(t, 0)
	crashing := bot.New(f.svc, failingFinish{f.db}, bot.Options{Transports: []bot.Transport{f.wechat}, Now: f.clock.Now})
	m := msg(orange, "魏青", publish, "wechat")
	if err := crashing.Receive(t.Context(), m); err == nil {
		t.Fatal("Receive with a failing Finish = nil; want the error")
	}
	pending, err := f.db.Pending(t.Context())
	if err != nil || len(pending) != 1 || pending[0].Message.ID != m.ID || pending[0].Message.Text != publish {
		t.Fatalf("Pending = %+v, %v; want the message", pending, err)
	}
	b := f.bot(t, bot.Options{Synchronous: true})
	if n, err := b.Resume(t.Context()); n != 1 || err != nil {
		t.Fatalf("Resume = %d, %v; want 1, nil", n, err)
	}
	got := f.wechat.Sent()
	if len(got) != 1 || !strings.Contains(got[0].Post.Text, "已发布任务 #1") {
		t.Fatalf("sent %+v; want the publish reply once", got)
	}
	if pending, _ := f.db.Pending(t.Context()); len(pending) != 0 {
		t.Errorf("Pending after Resume = %+v; want none", pending)
	}
}

// A message with an id already seen has no effect: no reply and no second claim.
func TestReceiveDuplicateIgnored(t *testing.T) {
	f := mustFixture(t, 0)
	b := f.bot(t, bot.Options{Synchronous: true})
	mustReceive(t, b, msg(orange, "魏青", publish, "wechat"))
	claim := msg(orange, "雷胜", "接 1", "wechat")
	mustReceive(t, b, claim)
	mustReceive(t, b, claim)
	if got := f.wechat.Sent(); len(got) != 2 {
		t.Errorf("sent %d posts; want 2 (publish, one claim)", len(got))
	}
	if n := f.claims(t, 1); n != 1 {
		t.Errorf("task #1 has %d claims; want 1", n)
	}
	if !strings.Contains(f.logs.String(), "duplicate message ignored") {
		t.Error("no log line for the duplicate")
	}
}

// A group's post goes to the group's transport; a private post goes back through the
// transport it came from.
func TestRouting(t *testing.T) {
	f := mustFixture(t, 0)
	b := f.bot(t, bot.Options{Synchronous: true})
	mustReceive(t, b, msg(orange, "魏青", "帮助", "wechat"))
	mustReceive(t, b, msg(gold, "魏青", "帮助", "wecom"))
	mustReceive(t, b, msg("", "魏青", "帮助", "wecom"))
	mustReceive(t, b, msg("", "雷胜", "帮助", "wechat"))
	wc, wm := f.wechat.Sent(), f.wecom.Sent()
	if len(wc) != 2 || wc[0].Post.Chat.Group != orange || wc[1].Post.Chat.User != "雷胜" {
		t.Errorf("wechat sent %+v; want orange's reply and 雷胜's private reply", wc)
	}
	if len(wm) != 2 || wm[0].Post.Chat.Group != gold || wm[1].Post.Chat.User != "魏青" {
		t.Errorf("wecom sent %+v; want gold's reply and 魏青's private reply", wm)
	}
}

// A post longer than the route's MaxLen goes out in parts, mentioning once.
func TestLongPostSplit(t *testing.T) {
	f := mustFixture(t, 0)
	b := f.bot(t, bot.Options{Synchronous: true, Pacing: map[string]bot.Pacing{"wechat": {MaxLen: 60}}})
	mustReceive(t, b, msg(orange, "魏青", "帮助", "wechat"))
	got := f.wechat.Sent()
	if len(got) < 2 {
		t.Fatalf("sent %d parts; want the help text split", len(got))
	}
	var whole []string
	for i, s := range got {
		if len(s.Post.Text) > 60 {
			t.Errorf("part %d is %d bytes; want at most 60", i, len(s.Post.Text))
		}
		if (i == 0) != (len(s.Post.Mentions) > 0) {
			t.Errorf("part %d mentions %v; want a mention on the first part only", i, s.Post.Mentions)
		}
		whole = append(whole, s.Post.Text)
	}
	if j := strings.Join(whole, ""); !strings.Contains(j, "帮助") && !strings.Contains(j, "接") {
		t.Errorf("parts %q do not look like the help text", whole)
	}
}

// A send failing with a plain error is retried with doubling backoff, then delivered once.
func TestSendRetriedWithBackoff(t *testing.T) {
	f := mustFixture(t, 0)
	failures := 3 // the first three sends fail; Send calls are serialised by the fake
	f.wechat.fail = func(p dispatch.Post, try int) error {
		if failures > 0 {
			failures--
			return errors.New("ret 1205: 发送消息过于频繁")
		}
		return nil
	}
	b := f.bot(t, bot.Options{})
	mustReceive(t, b, msg(orange, "魏青", publish, "wechat"))
	run(t, b)
	f.wechat.mustSent(t, 1) // waits for the publish reply
	if want := []time.Duration{time.Second, 2 * time.Second, 4 * time.Second}; !slices.Equal(f.clock.Sleeps(), want) {
		t.Errorf("waits %v; want %v", f.clock.Sleeps(), want)
	}
	mustReceive(t, b, msg(orange, "雷胜", "接 1", "wechat"))
	got := f.wechat.mustSent(t, 2)
	if len(got) != 2 || !strings.Contains(got[0].Post.Text, "已发布") || !strings.Contains(got[1].Post.Text, "已认领") {
		t.Errorf("sent %+v; want the publish reply once, then the claim's", got)
	}
	if n := strings.Count(f.logs.String(), "send failed, will retry"); n != 3 {
		t.Errorf("log has %d failed sends; want 3", n)
	}
}

// ErrRejected drops the post, logs it, and the delivery log says "rejected".
func TestSendRejectedDropped(t *testing.T) {
	f := mustFixture(t, 0)
	f.wechat.fail = func(p dispatch.Post, try int) error {
		return fmt.Errorf("not among the contacts: %w", bot.ErrRejected)
	}
	b := f.bot(t, bot.Options{Synchronous: true})
	mustReceive(t, b, msg(orange, "魏青", publish, "wechat"))
	if len(f.wechat.Sent()) != 0 {
		t.Errorf("sent %+v; want nothing", f.wechat.Sent())
	}
	d, err := f.db.Deliveries(t.Context(), 10)
	if err != nil || len(d) != 1 || d[0].Route != "rejected" || d[0].Tries != 1 {
		t.Errorf("Deliveries = %+v, %v; want one route rejected after 1 try", d, err)
	}
	if !strings.Contains(f.logs.String(), "post rejected, dropped") {
		t.Error("no log line for the rejected post")
	}
}

// A scheduled post (a broadcast) whose transport is down takes the group's webhook, and
// the delivery log says so; a reply (not scheduled) does not.
func TestUnavailableScheduledTakesWebhook(t *testing.T) {
	f := mustFixture(t, 0)
	f.wechat.fail = func(p dispatch.Post, try int) error {
		if p.Scheduled {
			return fmt.Errorf("logged out: %w", bot.ErrUnavailable)
		}
		return nil
	}
	b := f.bot(t, bot.Options{Synchronous: true})
	mustReceive(t, b, msg(orange, "魏青", "广播 全部 今晚巡逻取消", "wechat"))
	if len(f.hook.sent) != 1 || f.hook.urls[0] != hook || f.hook.sent[0].Chat.Group != orange || !strings.Contains(f.hook.sent[0].Text, "今晚巡逻取消") {
		t.Fatalf("webhook got %+v to %v; want orange's broadcast", f.hook.sent, f.hook.urls)
	}
	if got := f.wecom.Sent(); len(got) != 1 || got[0].Post.Chat.Group != gold {
		t.Errorf("wecom sent %+v; want gold's broadcast", got)
	}
	d, err := f.db.Deliveries(t.Context(), 10)
	if err != nil {
		t.Fatal(err)
	}
	hooked := 0
	for _, x := range d {
		if x.Route == "webhook" {
			hooked++
			if x.Chat.Group != orange {
				t.Errorf("delivery %+v took the webhook; want only orange's", x)
			}
		}
	}
	if hooked != 1 {
		t.Errorf("Deliveries = %+v; want orange's broadcast by route webhook", d)
	}
}

// A crash between Finish and delivery leaves posts in the outbox and one in flight; a new
// Bot's Run recovers them and delivers each once, in order.
func TestCrashAfterFinishDeliversOnce(t *testing.T) {
	f := mustFixture(t, 0)
	b1 := f.bot(t, bot.Options{}) // never Run: it "crashed" before its worker sent anything
	mustReceive(t, b1, msg(orange, "魏青", publish, "wechat"))
	mustReceive(t, b1, msg(orange, "雷胜", "接 1", "wechat"))
	mustReceive(t, b1, msg(orange, "马丽", "接 1", "wechat"))
	if _, ok, err := f.db.Take(t.Context(), "wechat", "main", 0); !ok || err != nil {
		t.Fatalf("Take = %v, %v; want the first post in flight", ok, err)
	}
	b2 := f.bot(t, bot.Options{})
	stop := run(t, b2)
	f.wechat.mustSent(t, 3)
	stop()
	got := f.wechat.Sent()
	wants := []string{"已发布任务 #1", "已认领 #1", "已认领 #1"}
	if len(got) != len(wants) {
		t.Fatalf("sent %d posts; want %d", len(got), len(wants))
	}
	for i, w := range wants {
		if !strings.Contains(got[i].Post.Text, w) {
			t.Errorf("post %d = %q; want %q", i, got[i].Post.Text, w)
		}
	}
	if got[1].Post.Mentions[0] != "雷胜" || got[2].Post.Mentions[0] != "马丽" {
		t.Errorf("claims answered %v, %v; want 雷胜 then 马丽", got[1].Post.Mentions, got[2].Post.Mentions)
	}
	if n, _ := f.db.Queued(t.Context(), "wechat"); n != 0 {
		t.Errorf("outbox holds %d; want 0", n)
	}
	if n, _ := f.db.Recover(t.Context(), "wechat", "main"); n != 0 {
		t.Errorf("%d posts still in flight; want 0", n)
	}
}

// A crash between Accept and Finish, after the claim itself was applied: Resume handles
// the message again, and the claim's op makes that one holder and one reply.
func TestResumeIsIdempotent(t *testing.T) {
	f := mustFixture(t, 0)
	b := f.bot(t, bot.Options{Synchronous: true})
	mustReceive(t, b, msg(orange, "魏青", publish, "wechat"))
	claim := msg(orange, "雷胜", "接 1", "wechat")
	if _, fresh, err := f.db.Accept(t.Context(), claim); !fresh || err != nil {
		t.Fatalf("Accept = %v, %v", fresh, err)
	}
	if _, err := f.svc.Handle(t.Context(), claim); err != nil { // applied, then "crashed"
		t.Fatal(err)
	}
	for range 2 {
		if _, err := b.Resume(t.Context()); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.claims(t, 1); n != 1 {
		t.Errorf("task #1 has %d claims; want 1", n)
	}
	got := f.wechat.Sent()
	if len(got) != 2 || !strings.Contains(got[1].Post.Text, "#1") || got[1].Post.Mentions[0] != "雷胜" {
		t.Fatalf("sent %+v; want the publish reply and one reply to 雷胜", got)
	}
	if !strings.Contains(got[1].Post.Text, "已认领 #1") {
		t.Errorf("reply after resume = %q; want the claim's own answer 已认领 #1", got[1].Post.Text)
	}
	mustReceive(t, b, claim) // WeChat redelivers it too
	if len(f.wechat.Sent()) != 2 {
		t.Errorf("sent %d posts after a redelivery; want 2", len(f.wechat.Sent()))
	}
}

// A broadcast to 40 groups goes out at the configured pace: never more than PerMinute in
// any minute, never two posts to one group closer than Gap (simulated time).
func TestBroadcastPacing(t *testing.T) {
	f := mustFixture(t, 40)
	pace := bot.Pacing{Gap: 3 * time.Second, PerMinute: 20}
	b := f.bot(t, bot.Options{Pacing: map[string]bot.Pacing{"wechat": pace}})
	mustReceive(t, b, msg(orange, "魏青", "广播 全部 近期有冒充社保局的诈骗电话", "wechat"))
	mustReceive(t, b, msg(orange, "魏青", "广播 橙色平安 今晚巡逻取消", "wechat"))
	start := f.clock.Now()
	run(t, b)
	// 41 groups on WeChat (orange and 40 more) plus the reply, then orange's broadcast and reply.
	got := f.wechat.mustSent(t, 44)
	groups := map[string]bool{}
	last := map[string]time.Time{}
	for i, s := range got {
		groups[s.Post.Chat.Group] = true
		if prev, ok := last[s.Post.Chat.Group]; ok && s.At.Sub(prev) < pace.Gap {
			t.Errorf("post %d to %s %v after the previous; want at least %v", i, s.Post.Chat.Group, s.At.Sub(prev), pace.Gap)
		}
		last[s.Post.Chat.Group] = s.At
		in := 0
		for _, r := range got[:i+1] {
			if s.At.Sub(r.At) < time.Minute {
				in++
			}
		}
		if in > pace.PerMinute {
			t.Errorf("post %d at +%v: %d posts within a minute; want at most %d", i, s.At.Sub(start), in, pace.PerMinute)
		}
	}
	if len(groups) != 41 {
		t.Errorf("reached %d groups; want 41", len(groups))
	}
	// 44 posts at 20 a minute: the last goes out after two full minutes.
	if end := got[len(got)-1].At.Sub(start); end < 2*time.Minute || end > 3*time.Minute {
		t.Errorf("last post at +%v; want between 2m and 3m", end)
	}
}

// queueScheduled queues scheduled posts to WeChat groups as a slot of the daily job does,
// one envelope per text, and returns the envelope ids.
func (f *fixture) queueScheduled(t *testing.T, op string, groups, texts []string) []string {
	t.Helper()
	at := f.clock.Now()
	var envs []dispatch.Envelope
	var ids []string
	for i, g := range groups {
		id := fmt.Sprintf("%s#%d", op, i+1)
		envs = append(envs, dispatch.Envelope{ID: id, Transport: "wechat", Queued: at,
			Post: dispatch.Post{Chat: dispatch.Chat{Group: g}, Text: texts[i], Scheduled: true, At: at}})
		ids = append(ids, id)
	}
	if err := f.db.Finish(t.Context(), op, "", envs); err != nil {
		t.Fatal(err)
	}
	return ids
}

// routes reads the delivery log as envelope id → routes taken (one per delivery).
func (f *fixture) routes(t *testing.T) map[string][]string {
	t.Helper()
	d, err := f.db.Deliveries(t.Context(), 1000)
	if err != nil {
		t.Fatal(err)
	}
	out := map[string][]string{}
	for _, x := range d {
		out[x.ID] = append(out[x.ID], x.Route)
	}
	return out
}

// While a reply at the head of WeChat's outbox waits for WeChat to come back (logged
// out), the scheduled post behind it for a group with a webhook goes out through the
// webhook, once; the one for a group without a webhook waits. When WeChat is back, the
// reply and the waiting post go out once each, in order.
func TestUnavailableHeadDoesNotHoldScheduledPosts(t *testing.T) {
	f := mustFixture(t, 1)
	grid := "第01网格志愿者" // on WeChat, no webhook
	var down atomic.Bool
	down.Store(true)
	f.wechat.fail = func(p dispatch.Post, try int) error {
		if down.Load() {
			return fmt.Errorf("logged out: %w", bot.ErrUnavailable)
		}
		return nil
	}
	b := f.bot(t, bot.Options{})
	mustReceive(t, b, msg(orange, "魏青", "帮助", "wechat")) // the reply, not scheduled: the head
	ids := f.queueScheduled(t, store.SlotOp("daily", f.clock.Now()), []string{orange, grid}, []string{"【每日派单】橙色平安", "【每日派单】第01网格"})
	stop := run(t, b)

	eventually(t, "the webhook has orange's daily post", func() bool { return len(f.hook.Sent()) >= 1 })
	tried := f.wechat.Tries()
	eventually(t, "the reply is tried three more times", func() bool { return f.wechat.Tries() >= tried+3 })
	if got := f.hook.Sent(); len(got) != 1 || got[0].Chat.Group != orange || got[0].Text != "【每日派单】橙色平安" || f.hook.urls[0] != hook {
		t.Fatalf("webhook got %+v; want orange's daily post once", got)
	}
	if got := f.wechat.Sent(); len(got) != 0 {
		t.Fatalf("wechat sent %+v while logged out", got)
	}
	if n, _ := f.db.Queued(t.Context(), "wechat"); n != 1 {
		t.Errorf("outbox holds %d while the reply waits; want 1 (the grid's daily post)", n)
	}

	down.Store(false)
	f.wechat.mustSent(t, 2)
	stop()
	got := f.wechat.Sent()
	if len(got) != 2 || got[0].Post.Chat.Group != orange || got[0].Post.Scheduled || got[1].Post.Text != "【每日派单】第01网格" {
		t.Fatalf("wechat sent %+v; want the reply, then the grid's daily post", got)
	}
	if n := len(f.hook.Sent()); n != 1 {
		t.Errorf("webhook got %d posts; want 1", n)
	}
	routes := f.routes(t)
	if r := routes[ids[0]]; !slices.Equal(r, []string{"webhook"}) {
		t.Errorf("orange's daily post delivered by %v; want [webhook]", r)
	}
	if r := routes[ids[1]]; !slices.Equal(r, []string{"wechat"}) {
		t.Errorf("grid's daily post delivered by %v; want [wechat]", r)
	}
	if len(routes) != 3 {
		t.Errorf("delivery log %v; want three deliveries", routes)
	}
	if n, _ := f.db.Queued(t.Context(), "wechat"); n != 0 {
		t.Errorf("outbox holds %d; want 0", n)
	}
	if n, _ := f.db.Recover(t.Context(), "wechat", "main"); n != 0 {
		t.Errorf("%d posts still in flight; want 0", n)
	}
}

// A rescued post whose webhook fails stays in flight and is tried again; it goes out once.
func TestRescuedPostWebhookRetried(t *testing.T) {
	f := mustFixture(t, 0)
	var down atomic.Bool
	down.Store(true)
	f.wechat.fail = func(p dispatch.Post, try int) error {
		if down.Load() {
			return fmt.Errorf("logged out: %w", bot.ErrUnavailable)
		}
		return nil
	}
	hookFails := 2
	f.hook.fail = func(p dispatch.Post) error {
		if hookFails > 0 {
			hookFails--
			return errors.New("webhook: 502")
		}
		return nil
	}
	b := f.bot(t, bot.Options{})
	mustReceive(t, b, msg(orange, "魏青", "帮助", "wechat"))
	ids := f.queueScheduled(t, store.SlotOp("daily", f.clock.Now()), []string{orange}, []string{"【每日派单】橙色平安"})
	stop := run(t, b)
	eventually(t, "the webhook has orange's daily post", func() bool { return len(f.hook.Sent()) >= 1 })
	if n, _ := f.db.Queued(t.Context(), "wechat"); n != 0 {
		t.Errorf("outbox holds %d; want 0 (the daily post in flight, then out)", n)
	}
	down.Store(false)
	f.wechat.mustSent(t, 1)
	stop()
	if got := f.hook.Sent(); len(got) != 1 {
		t.Errorf("webhook got %+v; want the daily post once", got)
	}
	if got := f.wechat.Sent(); len(got) != 1 || got[0].Post.Scheduled {
		t.Errorf("wechat sent %+v; want the reply only", got)
	}
	d, err := f.db.Deliveries(t.Context(), 10)
	if err != nil {
		t.Fatal(err)
	}
	for _, x := range d {
		if x.ID == ids[0] && (x.Route != "webhook" || x.Tries != 3) {
			t.Errorf("daily post delivery %+v; want route webhook after 3 tries", x)
		}
	}
	if n, _ := f.db.Recover(t.Context(), "wechat", "main"); n != 0 {
		t.Errorf("%d posts still in flight; want 0", n)
	}
}

// gated holds each bot's first send until both bots have one in flight, so both rescue
// from the same outbox at once.
type gated struct {
	*transport
	once *sync.Once
	in   *sync.WaitGroup
	both chan struct{}
}

func (g gated) Send(ctx context.Context, p dispatch.Post) error {
	g.once.Do(func() {
		g.in.Done()
		select {
		case <-g.both:
		case <-ctx.Done():
		case <-time.After(10 * time.Second):
		}
	})
	return g.transport.Send(ctx, p)
}

// Two processes on one Redis, each with a reply waiting for WeChat, rescue the scheduled
// posts behind them at once: every post goes out through the webhook exactly once.
func TestConcurrentRescueDeliversOnce(t *testing.T) {
	f := mustFixture(t, 0)
	var down atomic.Bool
	down.Store(true)
	f.wechat.fail = func(p dispatch.Post, try int) error {
		if down.Load() {
			return fmt.Errorf("logged out: %w", bot.ErrUnavailable)
		}
		return nil
	}
	var in sync.WaitGroup
	in.Add(2)
	both := make(chan struct{})
	go func() { in.Wait(); close(both) }()
	hooks := []*fallback{{}, {}}
	var bots []*bot.Bot
	for i, name := range []string{"a", "b"} {
		g := gated{transport: f.wechat, once: &sync.Once{}, in: &in, both: both}
		bots = append(bots, f.bot(t, bot.Options{Instance: name, Transports: []bot.Transport{g}, Fallback: hooks[i]}))
	}
	mustReceive(t, bots[0], msg(orange, "魏青", "帮助", "wechat"))
	mustReceive(t, bots[0], msg(orange, "雷胜", "帮助", "wechat"))
	const n = 500 // more than one rescue window
	groups, texts := make([]string, n), make([]string, n)
	for i := range n {
		groups[i], texts[i] = orange, fmt.Sprintf("【每日派单】%03d", i)
	}
	ids := f.queueScheduled(t, store.SlotOp("daily", f.clock.Now()), groups, texts)
	var stops []func()
	for _, b := range bots {
		stops = append(stops, run(t, b))
	}
	hooked := func() int { return len(hooks[0].Sent()) + len(hooks[1].Sent()) }
	eventually(t, "every daily post reached the webhook", func() bool { return hooked() >= n })
	down.Store(false)
	f.wechat.mustSent(t, 2)
	for _, stop := range stops {
		stop()
	}
	t.Logf("rescued by a: %d, by b: %d", len(hooks[0].Sent()), len(hooks[1].Sent()))
	seen := map[string]int{}
	for _, h := range hooks {
		for _, p := range h.Sent() {
			seen[p.Text]++
		}
	}
	for _, text := range texts {
		if seen[text] != 1 {
			t.Errorf("%s reached the webhook %d times; want once", text, seen[text])
		}
	}
	if len(seen) != n {
		t.Errorf("webhook got %d distinct posts; want %d", len(seen), n)
	}
	if got := f.wechat.Sent(); len(got) != 2 || got[0].Post.Scheduled || got[1].Post.Scheduled {
		t.Errorf("wechat sent %+v; want the two replies only", got)
	}
	routes := f.routes(t)
	for _, id := range ids {
		if r := routes[id]; !slices.Equal(r, []string{"webhook"}) {
			t.Errorf("%s delivered by %v; want [webhook]", id, r)
		}
	}
	for _, inst := range []string{"a", "b"} {
		if k, _ := f.db.Recover(t.Context(), "wechat", inst); k != 0 {
			t.Errorf("%d posts still in flight at %s; want 0", k, inst)
		}
	}
}

// Rescue moves each envelope to exactly one of several instances rescuing at once, and
// leaves the posts it does not want in the outbox, in order.
func TestRescueConcurrentStore(t *testing.T) {
	f := mustFixture(t, 0)
	const n = 300
	groups, texts := make([]string, n), make([]string, n)
	for i := range n {
		groups[i], texts[i] = orange, fmt.Sprintf("【每日派单】%03d", i)
	}
	ids := f.queueScheduled(t, "slot:test", groups, texts)
	want := func(e dispatch.Envelope) bool { return !strings.HasSuffix(e.Post.Text, "0") } // keep every tenth
	var wg sync.WaitGroup
	got := make([][]dispatch.Envelope, 4)
	errs := make([]error, 4)
	for i := range got {
		wg.Go(func() {
			for range 3 {
				es, err := f.db.Rescue(t.Context(), "wechat", fmt.Sprint("r", i), 200, want)
				if err != nil {
					errs[i] = err
					return
				}
				got[i] = append(got[i], es...)
			}
		})
	}
	wg.Wait()
	owner := map[string]int{}
	for i, es := range got {
		if errs[i] != nil {
			t.Fatal(errs[i])
		}
		for _, e := range es {
			owner[e.ID]++
			if e.Raw == "" {
				t.Errorf("rescued %s without Raw", e.ID)
			}
		}
	}
	for i, id := range ids {
		if w := want(dispatch.Envelope{Post: dispatch.Post{Text: texts[i]}}); w && owner[id] != 1 || !w && owner[id] != 0 {
			t.Errorf("%s rescued %d times", id, owner[id])
		}
	}
	for i := 0; i < n; i += 10 {
		e, ok, err := f.db.Take(t.Context(), "wechat", "main", 0)
		if err != nil || !ok || e.ID != ids[i] {
			t.Fatalf("Take = %v, %v, %v; want %s left in order", e.ID, ok, err, ids[i])
		}
	}
	if q, _ := f.db.Queued(t.Context(), "wechat"); q != 0 {
		t.Errorf("outbox holds %d; want 0", q)
	}
}
