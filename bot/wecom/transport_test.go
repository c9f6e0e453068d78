package wecom_test

import (
	"bytes"
	"context"
	"errors"
	"io"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/changzheng/chorus/bot"
	"github.com/changzheng/chorus/bot/wecom"
	"github.com/changzheng/chorus/bot/wecom/wecomtest"
	"github.com/changzheng/chorus/dispatch"
)

const (
	botID   = "aibTEST"
	secret  = "s3cret-TEST"
	groupID = "wrGROUPorange"
	group   = "橙色平安长征志愿者"
	wait    = 5 * time.Second
)

var now = time.Date(2025, 12, 6, 14, 30, 0, 0, time.FixedZone("CST", 8*3600))

// logBuf collects the transport's logs (and copies them to the test output).
type logBuf struct {
	mu  sync.Mutex
	buf bytes.Buffer
	out io.Writer
}

func (l *logBuf) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.buf.Write(p)
	return l.out.Write(p)
}

func (l *logBuf) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.buf.String()
}

type harness struct {
	t      *testing.T
	srv    *wecomtest.Server
	tr     *wecom.Transport
	in     chan dispatch.Message
	sleeps chan time.Duration
	resume chan struct{} // nil: Sleep returns at once
	done   chan error
	logs   *logBuf
	cancel context.CancelFunc
}

// start runs a Transport against a fresh fake; edit may change its options.
func start(t *testing.T, edit func(*wecom.Options), blockSleep bool) *harness {
	t.Helper()
	h := &harness{
		t:      t,
		srv:    wecomtest.NewServer(botID, secret),
		in:     make(chan dispatch.Message, 16),
		sleeps: make(chan time.Duration, 64),
		done:   make(chan error, 1),
		logs:   &logBuf{out: t.Output()},
	}
	if blockSleep {
		h.resume = make(chan struct{})
	}
	t.Cleanup(h.srv.Close)
	opts := wecom.Options{
		URL: h.srv.URL(), BotID: botID, Secret: secret,
		Groups: map[string]string{groupID: group},
		Logger: slog.New(slog.NewTextHandler(h.logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		Now:    func() time.Time { return now },
		Sleep: func(ctx context.Context, d time.Duration) error {
			h.sleeps <- d
			if h.resume == nil {
				return ctx.Err()
			}
			select {
			case <-h.resume:
				return nil
			case <-ctx.Done():
				return ctx.Err()
			}
		},
	}
	if edit != nil {
		edit(&opts)
	}
	h.tr = wecom.New(opts)
	ctx, cancel := context.WithCancel(t.Context())
	h.cancel = cancel
	go func() {
		h.done <- h.tr.Run(ctx, func(ctx context.Context, m dispatch.Message) error {
			h.in <- m
			return nil
		})
	}()
	t.Cleanup(func() {
		cancel()
		select {
		case <-h.done:
		case <-time.After(wait):
			t.Error("Run did not return after cancel")
		}
		if errs := h.srv.Errors(); len(errs) > 0 {
			t.Errorf("fake saw protocol violations:\n%s", strings.Join(errs, "\n"))
		}
		logs := h.logs.String()
		for _, secretish := range []string{secret, "接 12", "zhangsan", "lisi"} {
			if strings.Contains(logs, secretish) {
				t.Errorf("logs contain %q; message text, secrets and user ids must not be logged", secretish)
			}
		}
	})
	return h
}

func (h *harness) subscribed() wecomtest.Subscribe {
	h.t.Helper()
	s, err := h.srv.NextSubscribe(wait)
	if err != nil {
		h.t.Fatal(err)
	}
	if !s.OK {
		h.t.Fatalf("subscribe refused: %+v", s)
	}
	return s
}

func (h *harness) inbound() dispatch.Message {
	h.t.Helper()
	select {
	case m := <-h.in:
		return m
	case err := <-h.done:
		h.t.Fatalf("Run returned %v; want a message", err)
	case <-time.After(wait):
		h.t.Fatal("no inbound message")
	}
	return dispatch.Message{}
}

func (h *harness) noInbound() {
	h.t.Helper()
	select {
	case m := <-h.in:
		h.t.Fatalf("unexpected inbound message %+v", m)
	default:
	}
}

// groupText sends a group callback and waits for it to reach Inbound; afterwards the
// transport is connected.
func (h *harness) groupText(user, text string) (wecomtest.Callback, dispatch.Message) {
	h.t.Helper()
	cb, err := h.srv.SendGroupText(groupID, user, text)
	if err != nil {
		h.t.Fatal(err)
	}
	return cb, h.inbound()
}

func TestSubscribeAndInbound(t *testing.T) {
	h := start(t, nil, false)
	s := h.subscribed()
	if s.BotID != botID || s.Secret != secret {
		t.Errorf("subscribe with %q/%q; want %q/%q", s.BotID, s.Secret, botID, secret)
	}

	cb, got := h.groupText("zhangsan", "@长征社区小助手 接 12")
	want := dispatch.Message{
		ID: cb.MsgID, Transport: "wecom",
		Chat:        dispatch.Chat{Group: group, Ref: groupID},
		From:        dispatch.Sender{Nick: "zhangsan", Ref: "zhangsan"},
		Text:        "接 12",
		MentionsBot: true,
		At:          now,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("group message (-want +got):\n%s", d)
	}
	if !h.tr.Connected() {
		t.Error("Connected() = false after a message arrived")
	}

	cb, err := h.srv.SendSingleText("lisi", "我的任务")
	if err != nil {
		t.Fatal(err)
	}
	got = h.inbound()
	want = dispatch.Message{
		ID: cb.MsgID, Transport: "wecom",
		Chat: dispatch.Chat{User: "lisi", Transport: "wecom", Ref: "lisi"},
		From: dispatch.Sender{Nick: "lisi", Ref: "lisi"},
		Text: "我的任务",
		At:   now,
	}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("single chat message (-want +got):\n%s", d)
	}
}

func TestUnknownGroupLoggedOnceAndIgnored(t *testing.T) {
	h := start(t, nil, false)
	h.subscribed()
	for range 2 {
		if _, err := h.srv.SendGroupText("wrUNKNOWNchat", "zhangsan", "@小助手 接 12"); err != nil {
			t.Fatal(err)
		}
	}
	if err := h.srv.EnterChat("lisi"); err != nil {
		t.Fatal(err)
	}
	_, m := h.groupText("zhangsan", "@小助手 任务") // frames are handled in order
	if m.Chat.Ref != groupID {
		t.Errorf("got message from %q; want only %q", m.Chat.Ref, groupID)
	}
	h.noInbound()
	logs := h.logs.String()
	if n := strings.Count(logs, "wrUNKNOWNchat"); n != 1 {
		t.Errorf("unknown chatid logged %d times; want once:\n%s", n, logs)
	}
	if !strings.Contains(logs, "enter_chat") && !strings.Contains(logs, "entered") {
		t.Errorf("enter_chat not logged:\n%s", logs)
	}
	if !strings.Contains(logs, "li***") {
		t.Errorf("masked user id li*** not in logs:\n%s", logs)
	}
}

func TestWrongSecretRefused(t *testing.T) {
	h := start(t, func(o *wecom.Options) {
		o.Secret = "WRONG-secret-123"
		o.MaxAuthFailures = 7
		o.BackoffMax = 5 * time.Second
	}, false)
	var err error
	select {
	case err = <-h.done:
	case <-time.After(wait):
		t.Fatal("Run kept going with a wrong secret")
	}
	h.done <- err // for the cleanup
	if !errors.Is(err, wecom.ErrAuth) {
		t.Fatalf("Run = %v; want ErrAuth", err)
	}
	subs := h.srv.Subscribes()
	if len(subs) != 7 {
		t.Errorf("%d subscribes; want 7", len(subs))
	}
	for _, s := range subs {
		if s.OK {
			t.Errorf("subscribe accepted: %+v", s)
		}
	}
	close(h.sleeps)
	var got []time.Duration
	for d := range h.sleeps {
		got = append(got, d)
	}
	want := []time.Duration{1 * time.Second, 2 * time.Second, 4 * time.Second, 5 * time.Second, 5 * time.Second, 5 * time.Second}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("backoff (-want +got):\n%s", d)
	}
	logs := h.logs.String()
	if !strings.Contains(logs, "check wecom.bot_id and wecom.secret") {
		t.Errorf("no clear line about the credentials in logs:\n%s", logs)
	}
	if strings.Contains(logs, "WRONG-secret-123") {
		t.Error("the secret was logged")
	}
}

func TestReplyAndPush(t *testing.T) {
	h := start(t, nil, false)
	h.subscribed()
	cb, m := h.groupText("zhangsan", "@长征社区小助手 接 12")
	ctx := t.Context()

	err := h.tr.Send(ctx, dispatch.Post{Chat: m.Chat, Text: "已认领 *#12* [发放材料]", Mentions: []string{"zhangsan"}, ReplyTo: m.ID})
	if err != nil {
		t.Fatalf("Send reply: %v", err)
	}
	r, err := h.srv.NextReply(wait)
	if err != nil {
		t.Fatal(err)
	}
	want := wecomtest.Reply{
		ReqID: cb.ReqID, MsgID: cb.MsgID, MsgType: "stream", StreamID: r.StreamID, Finish: true,
		// No backslash escapes (WeCom shows them as typed): markup characters become
		// their full-width forms.
		Content: "@zhangsan 已认领 ＊#12＊ ［发放材料］", Conn: 1,
	}
	if d := cmp.Diff(want, r); d != "" {
		t.Errorf("reply (-want +got):\n%s", d)
	}
	if !strings.HasPrefix(r.StreamID, "stream_") {
		t.Errorf("stream id %q; want the SDK's stream_<ms>_<hex> form", r.StreamID)
	}

	// A second post answering the same message goes out as a push.
	if err := h.tr.Send(ctx, dispatch.Post{Chat: m.Chat, Text: "候补第1位", ReplyTo: m.ID}); err != nil {
		t.Fatal(err)
	}
	p, err := h.srv.NextPush(wait)
	if err != nil {
		t.Fatal(err)
	}
	if p.ChatID != groupID || p.MsgType != "markdown" || p.Content != "候补第1位" {
		t.Errorf("push %+v; want markdown 候补第1位 to %s", p, groupID)
	}

	// Without ReplyTo: a push to the group's configured chatid, and to a userid.
	if err := h.tr.Send(ctx, dispatch.Post{Chat: dispatch.Chat{Group: group}, Text: "# 今日任务\n- 巡逻"}); err != nil {
		t.Fatal(err)
	}
	if p, err = h.srv.NextPush(wait); err != nil {
		t.Fatal(err)
	}
	if p.ChatID != groupID || p.Content != "＃ 今日任务\n- 巡逻" || strings.Contains(p.Content, "\\") {
		t.Errorf("push %+v; want markdown without escapes, no heading, to %s", p, groupID)
	}
	if err := h.tr.Send(ctx, dispatch.Post{Chat: dispatch.Chat{User: "lisi", Transport: "wecom", Ref: "lisi"}, Text: "好的"}); err != nil {
		t.Fatal(err)
	}
	if p, err = h.srv.NextPush(wait); err != nil {
		t.Fatal(err)
	}
	if p.ChatID != "lisi" {
		t.Errorf("private push to %q; want lisi", p.ChatID)
	}
	if n, m := len(h.srv.Replies()), len(h.srv.Pushes()); n != 1 || m != 3 {
		t.Errorf("%d replies, %d pushes; want 1, 3", n, m)
	}
}

func TestSendErrors(t *testing.T) {
	h := start(t, nil, false)
	ctx := t.Context()
	post := dispatch.Post{Chat: dispatch.Chat{Group: group}, Text: "hi"}

	h.subscribed()
	_, m := h.groupText("zhangsan", "@小助手 接 12")

	h.srv.FailNext(1, wecomtest.CodeFreqLimit)
	err := h.tr.Send(ctx, post)
	var ae *wecom.AckError
	if err == nil || errors.Is(err, bot.ErrRejected) || errors.Is(err, bot.ErrUnavailable) || !errors.As(err, &ae) || ae.Code != 45009 {
		t.Errorf("Send on 45009 = %v; want a retryable error, neither ErrRejected nor ErrUnavailable", err)
	}

	h.srv.FailNext(1, wecomtest.CodeBadMsgType)
	if err := h.tr.Send(ctx, post); !errors.Is(err, bot.ErrRejected) {
		t.Errorf("Send on 40008 = %v; want ErrRejected", err)
	}

	if err := h.tr.Send(ctx, dispatch.Post{Chat: dispatch.Chat{Group: "没有的群"}, Text: "hi"}); !errors.Is(err, bot.ErrRejected) {
		t.Errorf("Send to an unknown group = %v; want ErrRejected", err)
	}
	if err := h.tr.Send(ctx, dispatch.Post{Chat: dispatch.Chat{User: "x", Transport: "wechat", Ref: "x"}, Text: "hi"}); !errors.Is(err, bot.ErrRejected) {
		t.Errorf("Send to a wechat private chat = %v; want ErrRejected", err)
	}
	if err := h.tr.Send(ctx, dispatch.Post{Chat: dispatch.Chat{Group: group}, Text: strings.Repeat("长", 7000)}); !errors.Is(err, bot.ErrRejected) {
		t.Errorf("Send of 21,000 bytes = %v; want ErrRejected", err)
	}

	// WeCom says the req_id is stale (846605): the answer goes out as a push.
	h.srv.FailNext(1, wecomtest.CodeStaleReqID)
	if err := h.tr.Send(ctx, dispatch.Post{Chat: m.Chat, Text: "已认领", ReplyTo: m.ID}); err != nil {
		t.Fatalf("Send after 846605 = %v; want a push", err)
	}
	p, err := h.srv.NextPush(wait)
	if err != nil {
		t.Fatal(err)
	}
	if p.ChatID != groupID || p.Content != "已认领" {
		t.Errorf("fallback push %+v", p)
	}
	if n := len(h.srv.Replies()); n != 0 {
		t.Errorf("%d replies recorded; want 0", n)
	}
}

func TestSendBeforeConnected(t *testing.T) {
	tr := wecom.New(wecom.Options{BotID: botID, Secret: secret})
	err := tr.Send(t.Context(), dispatch.Post{Chat: dispatch.Chat{Group: group}, Text: "hi"})
	if !errors.Is(err, bot.ErrUnavailable) {
		t.Errorf("Send = %v; want ErrUnavailable", err)
	}
	if tr.Connected() {
		t.Error("Connected() = true before Run")
	}
	if tr.Name() != "wecom" {
		t.Errorf("Name() = %q", tr.Name())
	}
}

func TestReconnectAfterDrop(t *testing.T) {
	h := start(t, nil, true)
	ctx := t.Context()
	h.subscribed()
	cb1, m1 := h.groupText("zhangsan", "@长征社区小助手 接 12")

	if err := h.srv.Drop(); err != nil {
		t.Fatal(err)
	}
	select {
	case d := <-h.sleeps:
		if d != time.Second {
			t.Errorf("first backoff %s; want 1s", d)
		}
	case <-time.After(wait):
		t.Fatal("no reconnect backoff after the drop")
	}
	// Disconnected now: the post stays with the outbox.
	if h.tr.Connected() {
		t.Error("Connected() = true while backing off")
	}
	err := h.tr.Send(ctx, dispatch.Post{Chat: m1.Chat, Text: "已认领 #12", ReplyTo: m1.ID})
	if !errors.Is(err, bot.ErrUnavailable) {
		t.Fatalf("Send while disconnected = %v; want ErrUnavailable", err)
	}
	h.resume <- struct{}{}
	if s := h.subscribed(); s.Conn != 2 {
		t.Errorf("resubscribed on conn %d; want 2", s.Conn)
	}
	cb2, m2 := h.groupText("lisi", "@长征社区小助手 接 13")

	// The outbox retries: the old message's req_id is dead, so it goes out as a push.
	if err := h.tr.Send(ctx, dispatch.Post{Chat: m1.Chat, Text: "已认领 #12", Mentions: []string{"zhangsan"}, ReplyTo: m1.ID}); err != nil {
		t.Fatal(err)
	}
	if err := h.tr.Send(ctx, dispatch.Post{Chat: m2.Chat, Text: "已认领 #13", Mentions: []string{"lisi"}, ReplyTo: m2.ID}); err != nil {
		t.Fatal(err)
	}
	wantPushes := []wecomtest.Push{{ChatID: groupID, MsgType: "markdown", Content: "@zhangsan 已认领 #12", Conn: 2}}
	if d := cmp.Diff(wantPushes, h.srv.Pushes(), cmpIgnoreReqID); d != "" {
		t.Errorf("pushes (-want +got):\n%s", d)
	}
	replies := h.srv.Replies()
	if len(replies) != 1 || replies[0].ReqID != cb2.ReqID || replies[0].Content != "@lisi 已认领 #13" {
		t.Errorf("replies %+v; want one answering %s", replies, cb2.ReqID)
	}
	if replies[0].ReqID == cb1.ReqID {
		t.Error("answered a req_id of the old connection")
	}
	h.noInbound()
}

var cmpIgnoreReqID = cmp.Transformer("noReqID", func(p wecomtest.Push) wecomtest.Push { p.ReqID = ""; return p })

func TestDisconnectedEventStopsRun(t *testing.T) {
	h := start(t, nil, false)
	h.subscribed()
	h.groupText("zhangsan", "@小助手 任务")
	if err := h.srv.Replace(); err != nil {
		t.Fatal(err)
	}
	var err error
	select {
	case err = <-h.done:
	case <-time.After(wait):
		t.Fatal("Run did not return after disconnected_event")
	}
	h.done <- err
	if !errors.Is(err, wecom.ErrReplaced) {
		t.Errorf("Run = %v; want ErrReplaced", err)
	}
	if n := len(h.srv.Subscribes()); n != 1 {
		t.Errorf("%d subscribes; want 1 (no reconnect)", n)
	}
	if len(h.sleeps) != 0 {
		t.Error("backed off after disconnected_event")
	}
	if h.tr.Connected() {
		t.Error("Connected() = true after disconnected_event")
	}
}

func TestHeartbeat(t *testing.T) {
	h := start(t, func(o *wecom.Options) { o.HeartbeatEvery = 5 * time.Millisecond }, false)
	h.subscribed()
	for range 3 {
		if _, err := h.srv.NextPing(wait); err != nil {
			t.Fatal(err)
		}
	}
	h.srv.AckPings(false)
	s := h.subscribed()
	if s.Conn != 2 {
		t.Errorf("resubscribed on conn %d; want 2", s.Conn)
	}
	h.srv.AckPings(true)
	select {
	case d := <-h.sleeps:
		if d != time.Second {
			t.Errorf("backoff %s; want 1s", d)
		}
	default:
		t.Error("reconnected without backing off")
	}
	h.groupText("zhangsan", "@小助手 任务") // the new connection works
}

func TestRunReturnsNilOnCancel(t *testing.T) {
	h := start(t, nil, false)
	h.subscribed()
	h.cancel()
	select {
	case err := <-h.done:
		h.done <- err
		if err != nil {
			t.Errorf("Run = %v; want nil", err)
		}
	case <-time.After(wait):
		t.Fatal("Run did not return")
	}
}

// A post with a card goes as a button_interaction template card: answering its message,
// or pushed. A tap comes in as the text its button stands for, from the tapper in the
// group, with the event's msgid; its answer updates the tapped card on the event's
// req_id while TapWindow lasts, and after it is pushed as markdown instead.
func TestCardAndTap(t *testing.T) {
	var mu sync.Mutex
	clock := now
	h := start(t, func(o *wecom.Options) {
		o.Now = func() time.Time {
			mu.Lock()
			defer mu.Unlock()
			return clock
		}
	}, false)
	h.subscribed()
	ctx := t.Context()
	card := func(update bool) *dispatch.Card {
		return &dispatch.Card{
			Task: 12, Title: "#12 楼道消防巡查", Note: "点「接」认领", Update: update,
			Fields:  []dispatch.CardField{{Key: "时间", Value: "明天 10:00"}, {Key: "名额", Value: "还差 2 人（共 2 人）"}},
			Buttons: []dispatch.CardButton{{Text: "接", Command: "接 12"}, {Text: "退", Command: "退 12"}},
		}
	}

	cb, m := h.groupText("weiqing", "@长征社区小助手 发布 楼道消防巡查")
	if err := h.tr.Send(ctx, dispatch.Post{Chat: m.Chat, Text: "已发布任务 #12", Mentions: []string{"weiqing"}, ReplyTo: m.ID, Card: card(false)}); err != nil {
		t.Fatalf("Send card: %v", err)
	}
	r, err := h.srv.NextReply(wait)
	if err != nil {
		t.Fatal(err)
	}
	want := wecomtest.Card{
		TaskID: r.Card.TaskID, Title: "#12 楼道消防巡查", SubTitle: "点「接」认领",
		Rows:    [][2]string{{"时间", "明天 10:00"}, {"名额", "还差 2 人（共 2 人）"}},
		Buttons: []wecomtest.Button{{Text: "接", Key: "接 12"}, {Text: "退", Key: "退 12"}},
	}
	if r.ReqID != cb.ReqID || r.MsgType != "template_card" || r.Card == nil {
		t.Fatalf("reply %+v; want a template card answering %s", r, cb.ReqID)
	}
	if d := cmp.Diff(want, *r.Card); d != "" {
		t.Errorf("card (-want +got):\n%s", d)
	}
	// Without a message to answer, the card is pushed, under a task_id of its own.
	if err := h.tr.Send(ctx, dispatch.Post{Chat: dispatch.Chat{Group: group}, Text: "已发布任务 #12", Card: card(false)}); err != nil {
		t.Fatal(err)
	}
	p, err := h.srv.NextPush(wait)
	if err != nil {
		t.Fatal(err)
	}
	if p.ChatID != groupID || p.MsgType != "template_card" || p.Card == nil || p.Card.TaskID == r.Card.TaskID {
		t.Errorf("push %+v; want a template card of its own to %s", p, groupID)
	}

	tap := func(key string) (wecomtest.Callback, dispatch.Message) {
		t.Helper()
		tcb, err := h.srv.Tap(wecomtest.Tap{ChatID: groupID, UserID: "leisheng", TaskID: r.Card.TaskID, Key: key})
		if err != nil {
			t.Fatal(err)
		}
		return tcb, h.inbound()
	}
	tcb, tm := tap("接 12")
	wantMsg := dispatch.Message{
		ID: tcb.MsgID, Transport: "wecom", Chat: dispatch.Chat{Group: group, Ref: groupID},
		From: dispatch.Sender{Nick: "leisheng", Ref: "leisheng"}, Text: "接 12", MentionsBot: true, At: now, Tap: true,
	}
	if d := cmp.Diff(wantMsg, tm); d != "" {
		t.Errorf("tap message (-want +got):\n%s", d)
	}
	answer := dispatch.Post{Chat: tm.Chat, Text: "已认领 #12", Mentions: []string{"雷胜"}, ReplyTo: tm.ID, Card: card(true)}
	answer.Card.Fields[1].Value = "还差 1 人（共 2 人）"
	if err := h.tr.Send(ctx, answer); err != nil {
		t.Fatalf("Send tap answer: %v", err)
	}
	u, err := h.srv.NextUpdate(wait)
	if err != nil {
		t.Fatal(err)
	}
	want.SubTitle, want.Rows[1][1] = "@雷胜 已认领 #12", "还差 1 人（共 2 人）"
	if u.ReqID != tcb.ReqID || u.MsgID != tcb.MsgID {
		t.Errorf("update %+v; want it on the tap's req_id %s", u, tcb.ReqID)
	}
	if d := cmp.Diff(want, u.Card); d != "" {
		t.Errorf("updated card (-want +got):\n%s", d)
	}

	// A tap answered after TapWindow: WeCom would refuse the update, so it is pushed.
	tcb, tm = tap("退 12")
	mu.Lock()
	clock = clock.Add(wecom.TapWindow)
	mu.Unlock()
	late := dispatch.Post{Chat: tm.Chat, Text: "已退出 #12", Mentions: []string{"雷胜"}, ReplyTo: tm.ID, Card: card(true)}
	if err := h.tr.Send(ctx, late); err != nil {
		t.Fatal(err)
	}
	if p, err = h.srv.NextPush(wait); err != nil {
		t.Fatal(err)
	}
	if p.ChatID != groupID || p.MsgType != "markdown" || p.Content != "@雷胜 已退出 #12" {
		t.Errorf("late answer %+v; want markdown @雷胜 已退出 #12 to %s", p, groupID)
	}
	if n := len(h.srv.Updates()); n != 1 {
		t.Errorf("%d updates; want 1 (the late tap pushed)", n)
	}
	if errs := h.srv.Errors(); len(errs) > 0 {
		t.Errorf("protocol violations:\n%s", strings.Join(errs, "\n"))
	}
}
