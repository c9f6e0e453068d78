package main

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/changzheng/chorus/bot"
	"github.com/changzheng/chorus/bot/console"
	"github.com/changzheng/chorus/dispatch"
	"github.com/changzheng/chorus/store/storetest"
)

// recorder is a transport that records each post with the time the Bot's clock read when
// it was sent, and ends the run after want posts.
type recorder struct {
	clock *console.Clock
	want  int
	stop  context.CancelFunc
	mu    sync.Mutex
	sent  []recorded
}

type recorded struct {
	at   time.Time
	post dispatch.Post
}

func (r *recorder) Name() string { return "wechat" }

func (r *recorder) Run(ctx context.Context, in bot.Inbound) error {
	<-ctx.Done()
	return nil
}

func (r *recorder) Send(ctx context.Context, p dispatch.Post) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.sent = append(r.sent, recorded{r.clock.Now(), p})
	if len(r.sent) == r.want {
		r.stop()
	}
	return nil
}

// TestBroadcastPaced: 广播 全部 to 40 groups goes out through the outbox at the pace of
// config's wechat section (min_gap, jitter, per_minute), measured on the Bot's clock (a
// fake one that the pacer's waits move), never the wall clock.
func TestBroadcastPaced(t *testing.T) {
	var cfgText strings.Builder
	cfgText.WriteString("community:\n  id: pacing\n  timezone: Asia/Shanghai\ncoordinators: [魏青]\ngroups:\n")
	cfgText.WriteString("  - {name: 工作群, kind: coordinators}\n") // the reply and the first broadcast share it
	for i := 1; i < 40; i++ {
		fmt.Fprintf(&cfgText, "  - {name: 志愿者%02d群, kind: volunteers, team: 队%02d}\n", i, i)
	}
	cfgText.WriteString("wechat:\n  min_gap: 3s\n  jitter: 500ms\n  per_minute: 20\n")
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(cfgText.String()), 0o600); err != nil {
		t.Fatal(err)
	}
	cfg, err := LoadConfig(path, func(string) string { return "" })
	if err != nil {
		t.Fatal(err)
	}
	db := storetest.Open(t)
	start := time.Date(2026, 12, 2, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))
	clock := console.NewClock(start)
	svc, err := newService(cfg, db, clock.Now, nil, nil)
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
	defer cancel()
	rec := &recorder{clock: clock, want: 41, stop: cancel}
	// The pacer's waits move the fake clock; the scheduler's tick sleeps until the end.
	sleep := func(ctx context.Context, d time.Duration) error {
		if d >= time.Hour {
			<-ctx.Done()
			return ctx.Err()
		}
		clock.Advance(d)
		return ctx.Err()
	}
	b := bot.New(svc, db, bot.Options{
		Transports: []bot.Transport{rec}, Now: clock.Now, Sleep: sleep, TickEvery: 24 * time.Hour,
		Pacing: map[string]bot.Pacing{"wechat": {Gap: time.Duration(cfg.WeChat.MinGap), Jitter: time.Duration(cfg.WeChat.Jitter),
			PerMinute: cfg.WeChat.PerMinute, MaxLen: cfg.WeChat.MaxLen}},
	})
	msg := dispatch.Message{ID: "b1", Transport: "wechat", Chat: dispatch.Chat{Group: "工作群"},
		From: dispatch.Sender{Nick: "魏青"}, Text: "广播 全部 近期有冒充社保局的诈骗电话，请提醒家人", At: start}
	if err := b.Receive(ctx, msg); err != nil {
		t.Fatal(err)
	}
	if err := b.Run(ctx); err != nil {
		t.Fatal(err)
	}
	if len(rec.sent) != 41 {
		t.Fatalf("sent %d posts; want the reply and 40 broadcasts", len(rec.sent))
	}
	if got := rec.sent[0].post.Text; got != "已广播到 40 个群" {
		t.Errorf("reply: got %q; want 已广播到 40 个群", got)
	}
	seen := map[string]int{}
	last := map[string]time.Time{}
	for i, s := range rec.sent {
		g := s.post.Chat.Group
		if i > 0 {
			seen[g]++
		}
		if l, ok := last[g]; ok && s.at.Sub(l) < time.Duration(cfg.WeChat.MinGap) {
			t.Errorf("post %d to %s %s after the previous one; want at least min_gap %s", i, g, s.at.Sub(l), time.Duration(cfg.WeChat.MinGap))
		}
		last[g] = s.at
		if i >= cfg.WeChat.PerMinute && s.at.Sub(rec.sent[i-cfg.WeChat.PerMinute].at) < time.Minute {
			t.Errorf("posts %d..%d within %s; want at most per_minute %d in any minute",
				i-cfg.WeChat.PerMinute, i, s.at.Sub(rec.sent[i-cfg.WeChat.PerMinute].at), cfg.WeChat.PerMinute)
		}
	}
	if len(seen) != 40 {
		t.Errorf("broadcast reached %d groups; want 40", len(seen))
	}
	for g, n := range seen {
		if n != 1 {
			t.Errorf("%s got %d broadcasts; want 1", g, n)
		}
	}
	// The reply, then the broadcast to the same group after min_gap plus jitter, then the
	// rest at 20 a minute — on the fake clock, so the test itself takes no time.
	gap, jitter := time.Duration(cfg.WeChat.MinGap), time.Duration(cfg.WeChat.Jitter)
	if got := rec.sent[0].at.Sub(start); got != 0 {
		t.Errorf("reply sent at +%s; want at once", got)
	}
	if got := rec.sent[1].at.Sub(rec.sent[0].at); got < gap || got > gap+jitter {
		t.Errorf("broadcast to the reply's group %s after it; want %s to %s", got, gap, gap+jitter)
	}
	if got := rec.sent[40].at.Sub(start); got < 2*time.Minute || got > 2*time.Minute+gap+jitter {
		t.Errorf("last post at +%s; want about +2m (41 posts at 20 a minute)", got)
	}
}
