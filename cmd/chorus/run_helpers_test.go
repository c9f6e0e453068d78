package main

import (
	"bytes"
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/changzheng/chorus/bot/wechat/wechattest"
	"github.com/changzheng/chorus/store"
	"github.com/changzheng/chorus/store/storetest"
)

// The example community's names the end-to-end tests use.
const (
	orangeGroup    = "橙色平安长征志愿者"
	residentsGroup = "长征社区居民群"
	coordinator    = "魏青"
	botNick        = "长征小助手"
)

// testConfig is config.yaml's shape, cut down: two volunteer groups, a residents group,
// coordinator 魏青, no scheduled jobs (so nothing but the test's messages is posted), and
// pacing that does not slow the test down.
const testConfig = `community:
  id: %s
  name: 长征社区
  timezone: Asia/Shanghai
  bot_name: 长征小助手
coordinators:
  - 魏青
groups:
  - name: 长征社区党员先锋队
    kind: volunteers
    team: 党员先锋队
  - name: 橙色平安长征志愿者
    kind: volunteers
    team: 橙色平安
  - name: 长征社区居民群
    kind: residents
  - name: 长征社区工作群
    kind: coordinators
parties:
  - 物业公司
schedule:
  daily: "off"
  reminders: "off"
  escalation: "off"
  agenda: "off"
  feedback: "off"
  digest: "off"
data_dir: %s
instance: main
wechat:
  enabled: true
  hot_login_file: wechat-hotlogin.json
  min_gap: 1ms
  jitter: 1ns
  account_gap: 1ms
  merge: %[3]t
  per_minute: 100000
  max_len: 1500
wecom:
  enabled: false
http:
  addr: 127.0.0.1:0
`

// syncBuffer is a bytes.Buffer safe for chorus's goroutines and the test's.
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

// world is what outlives one run of chorus in a test: the config and data_dir, the
// Redis, the WeChat fake and the log.
type world struct {
	t         testing.TB
	id        string // community id, unique per test
	dir       string // data_dir; config.yaml lives there too
	config    string
	redisURL  string
	rdb       *redis.Client
	db        *store.DB // the community's store, for checks
	fake      *wechattest.Server
	logs      *syncBuffer
	logWriter io.Writer
	// sleep is chorus's waits: fastSleep, unless a benchmark needs pacing in real time.
	sleep func(ctx context.Context, d time.Duration) error
	// now is chorus's clock; nil means time.Now.
	now func() time.Time
}

// mustWorld builds a world: the config in t.TempDir(), Redis from CHORUS_TEST_REDIS (the
// community's keys deleted when the test ends) or a miniredis, and the WeChat fake.
func mustWorld(t testing.TB, fc wechattest.Config) *world {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	w := &world{t: t, id: "t" + hex.EncodeToString(b[:]), dir: t.TempDir(), logs: &syncBuffer{}, sleep: fastSleep}
	w.logWriter = io.MultiWriter(t.Output(), w.logs)
	w.config = filepath.Join(w.dir, "config.yaml")
	w.writeConfig(false)
	if addr := os.Getenv(storetest.EnvVar); addr != "" {
		w.redisURL = addr
		if !strings.Contains(addr, "://") {
			w.redisURL = "redis://" + addr
		}
	} else {
		w.redisURL = "redis://" + miniredis.RunT(t).Addr()
	}
	opt, err := redis.ParseURL(w.redisURL)
	if err != nil {
		t.Fatal(err)
	}
	w.rdb = redis.NewClient(opt)
	t.Cleanup(func() { _ = w.rdb.Close() })
	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
	defer cancel()
	if err := w.rdb.Ping(ctx).Err(); err != nil {
		t.Fatalf("Redis at %s does not answer: %v", w.redisURL, err)
	}
	storetest.DeleteOnCleanup(t, w.rdb, "chorus:{"+w.id+"}:*")
	w.db = store.New(w.rdb, store.Options{Community: w.id})
	if fc.Self == "" {
		fc.Self = botNick
	}
	if fc.Groups == nil {
		fc.Groups = []wechattest.Group{
			{Name: orangeGroup, Members: []wechattest.Member{
				{Nick: coordinator}, {Nick: "雷胜"}, {Nick: "马丽"}, {Nick: "艾力"}, {Nick: "王建国"},
			}},
			{Name: residentsGroup, Members: []wechattest.Member{{Nick: "居民甲"}}},
		}
	}
	if fc.PollWait == 0 {
		fc.PollWait = 50 * time.Millisecond
	}
	w.fake = wechattest.NewServer(t, fc)
	return w
}

// writeConfig writes the world's config.yaml, merging answers (wechat.merge) or not: the
// end-to-end tests that expect one post per answer run with merging off, so that how
// fast the fake delivers cannot change how many posts they see.
func (w *world) writeConfig(merge bool) {
	w.t.Helper()
	if err := os.WriteFile(w.config, fmt.Appendf(nil, testConfig, w.id, w.dir, merge), 0o600); err != nil {
		w.t.Fatal(err)
	}
}

// fastSleep waits a thousandth of d, or until ctx ends: backoffs of seconds and minutes
// take milliseconds, in the same order.
func fastSleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d / 1000)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// running is one `chorus run` in a goroutine.
type running struct {
	cancel context.CancelFunc
	done   chan error
	addr   chan string
	once   sync.Once
}

// mustRun starts `chorus run --config …` in-process against the world's Redis and fake,
// and stops it (asserting a clean exit) when the test ends unless stopped before.
func (w *world) mustRun() *running {
	w.t.Helper()
	ctx, cancel := context.WithCancel(context.WithoutCancel(w.t.Context()))
	r := &running{cancel: cancel, done: make(chan error, 1), addr: make(chan string, 1)}
	env := Env{
		Stdin: strings.NewReader(""), Stdout: w.logWriter, Stderr: w.logWriter,
		Getenv: func(k string) string {
			if k == "CHORUS_REDIS_URL" {
				return w.redisURL
			}
			return ""
		},
	}
	go func() {
		r.done <- runWith(ctx, []string{"--config", w.config}, env, runOptions{
			WeChatHTTP: w.fake.Client(), Sleep: w.sleep, Ready: func(a string) { r.addr <- a }, Now: w.now,
		})
	}()
	select {
	case <-r.addr:
	case err := <-r.done:
		w.t.Fatalf("chorus run ended before it listened: %v", err)
	case <-time.After(10 * time.Second):
		w.t.Fatal("chorus run did not start within 10s")
	}
	w.t.Cleanup(func() { r.mustStop(w.t) })
	return r
}

// mustStop cancels the run (SIGTERM) and asserts runWith returned nil: exit 0.
func (r *running) mustStop(t testing.TB) {
	t.Helper()
	r.once.Do(func() {
		r.cancel()
		select {
		case err := <-r.done:
			if err != nil {
				t.Errorf("chorus run returned %v after cancel; want nil (exit 0)", err)
			}
		case <-time.After(15 * time.Second):
			t.Error("chorus run did not stop within 15s of cancel")
		}
	})
}

// waitCtx bounds one wait on the fake.
func waitCtx(t testing.TB) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	t.Cleanup(cancel)
	return ctx
}

// mustInits waits until the fake has seen n successful webwxinit calls (logins).
func (w *world) mustInits(n int) {
	w.t.Helper()
	if err := w.fake.WaitInits(waitCtx(w.t), n); err != nil {
		w.t.Fatalf("waiting for login #%d: %v (inits %d, scans %d)", n, err, w.fake.Inits(), w.fake.Scans())
	}
}

// mustSent waits until n messages in all have reached the fake and returns the last
// len(...) - from of them.
func (w *world) mustSent(n int) []wechattest.Sent {
	w.t.Helper()
	got, err := w.fake.WaitSent(waitCtx(w.t), n)
	if err != nil {
		w.t.Fatalf("waiting for %d sent messages: %v; got %d:\n%s", n, err, len(got), dumpSent(got))
	}
	return got
}

// mustLog waits until the log contains s (the bot logs asynchronously to the fake's
// state, so a log line may trail what the fake saw).
func (w *world) mustLog(s string) {
	w.t.Helper()
	w.eventually("log line "+s, func() bool { return strings.Contains(w.logs.String(), s) })
}

// eventually polls cond until it holds, for state the fake cannot signal (Redis, logs).
func (w *world) eventually(what string, cond func() bool) {
	w.t.Helper()
	tick := time.NewTicker(2 * time.Millisecond)
	defer tick.Stop()
	ctx := waitCtx(w.t)
	for !cond() {
		select {
		case <-tick.C:
		case <-ctx.Done():
			w.t.Fatalf("waiting for %s: %v", what, ctx.Err())
		}
	}
}

func dumpSent(s []wechattest.Sent) string {
	var b strings.Builder
	for i, m := range s {
		fmt.Fprintf(&b, "  %d [%s%s] %q\n", i, m.Group, m.User, m.Text)
	}
	return b.String()
}

// mention is how a reply in a group starts: "@nick" and a four-per-em space.
func mention(nick string) string { return "@" + nick + "\u2005" }

// mustReply checks that got is a reply in group to nick containing want.
func mustReply(t *testing.T, got wechattest.Sent, group, nick, want string) {
	t.Helper()
	if got.Group != group || !strings.HasPrefix(got.Text, mention(nick)) || !strings.Contains(got.Text, want) {
		t.Errorf("sent [%s%s] %q; want a reply in %s starting with %q containing %q", got.Group, got.User, got.Text, group, mention(nick), want)
	}
}

// claimCount is how many people claimed task id (holders and waiting list).
func (w *world) claimCount(id int64) int {
	w.t.Helper()
	task, err := w.db.Task(w.t.Context(), id)
	if err != nil {
		w.t.Fatalf("read task #%d: %v", id, err)
	}
	return len(task.Queue)
}

// mustLogsClean checks the log has each of wants at least the given number of times and
// none of the message texts.
func (w *world) mustLogsClean(wants map[string]int, texts ...string) {
	w.t.Helper()
	logs := w.logs.String()
	for s, n := range wants {
		if got := strings.Count(logs, s); got < n {
			w.t.Errorf("log has %q %d times; want at least %d", s, got, n)
		}
	}
	for _, s := range texts {
		if strings.Contains(logs, s) {
			w.t.Errorf("log contains message text %q", s)
		}
	}
}

// answerTo finds nick's answer among posts to group: the line that mentions nick. Answers
// to one group that wait together go out merged, one line per outcome, so a person's
// answer is a line, not a post. It reports the line and the index of its post.
func answerTo(sent []wechattest.Sent, group, nick string) (string, int, bool) {
	for i, s := range sent {
		if s.Group != group {
			continue
		}
		for _, line := range strings.Split(s.Text, "\n") {
			if strings.Contains(line, mention(nick)) && strings.HasPrefix(line, "@") {
				return line, i, true
			}
		}
	}
	return "", 0, false
}

// mustAnswered waits until each nick of want has an answer in group among the posts from
// index from on, and checks it contains want[nick] and that nobody is answered twice.
// It returns the posts.
func (w *world) mustAnswered(from int, group string, want map[string]string) []wechattest.Sent {
	w.t.Helper()
	var got []wechattest.Sent
	w.eventually(fmt.Sprintf("answers to %d people", len(want)), func() bool {
		got = w.fake.Sent()
		if len(got) < from {
			return false
		}
		for nick := range want {
			if _, _, ok := answerTo(got[from:], group, nick); !ok {
				return false
			}
		}
		return true
	})
	for nick, text := range want {
		line, i, _ := answerTo(got[from:], group, nick)
		if !strings.Contains(line, text) {
			w.t.Errorf("answer to %s: %q; want it to contain %q", nick, line, text)
		}
		if _, _, twice := answerTo(got[from+i+1:], group, nick); twice {
			w.t.Errorf("%s answered twice:\n%s", nick, dumpSent(got))
		}
	}
	return got
}

// mustInOrder checks that nicks were answered in group in this order.
func mustInOrder(t testing.TB, sent []wechattest.Sent, group string, nicks ...string) {
	t.Helper()
	var all []string
	for _, s := range sent {
		if s.Group == group {
			all = append(all, strings.Split(s.Text, "\n")...)
		}
	}
	pos := -1
	for _, nick := range nicks {
		i := slices.IndexFunc(all, func(l string) bool { return strings.HasPrefix(l, "@") && strings.Contains(l, mention(nick)) })
		if i < pos {
			t.Errorf("%s answered before the one queued ahead of them:\n%s", nick, dumpSent(sent))
		}
		pos = i
	}
}
