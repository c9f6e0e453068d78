package main

import (
	"context"
	"testing"
	"time"

	"github.com/changzheng/chorus/bot"
	"github.com/changzheng/chorus/bot/console"
	"github.com/changzheng/chorus/dispatch"
	"github.com/changzheng/chorus/store/storetest"
)

// TestBroadcastTenShippedPacing: 广播 全部 to config.yaml's 10 groups with its wechat
// pacing, as chorus run builds it, on a fake clock that the pacing's waits move: no two
// posts of the account closer than account_gap, every group reached within 30 s. A second
// Bot started on the same Redis right after (a restart) does not burst: its first post
// keeps the account gap from the last one before it.
func TestBroadcastTenShippedPacing(t *testing.T) {
	cfg, err := LoadConfig("../../config.yaml", func(string) string { return "" })
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
	sleep := func(ctx context.Context, d time.Duration) error {
		if d >= time.Hour {
			<-ctx.Done()
			return ctx.Err()
		}
		clock.Advance(d)
		return ctx.Err()
	}
	rule := bot.Rule("wechat")
	pacing := map[string]bot.Pacing{"wechat": {Gap: time.Duration(cfg.WeChat.MinGap), Jitter: time.Duration(cfg.WeChat.Jitter),
		AccountGap: time.Duration(cfg.WeChat.AccountGap), PerMinute: cfg.WeChat.PerMinute, MaxLen: cfg.WeChat.MaxLen,
		Margin: rule.Margin, Merge: cfg.WeChat.Merge}}
	run := func(want int, msg dispatch.Message) []recorded {
		ctx, cancel := context.WithTimeout(t.Context(), time.Minute)
		defer cancel()
		rec := &recorder{clock: clock, want: want, stop: cancel}
		b := bot.New(svc, db, bot.Options{Transports: []bot.Transport{rec}, Now: clock.Now, Sleep: sleep,
			TickEvery: 24 * time.Hour, Pacing: pacing})
		if err := b.Receive(ctx, msg); err != nil {
			t.Fatal(err)
		}
		if err := b.Run(ctx); err != nil {
			t.Fatal(err)
		}
		if len(rec.sent) != want {
			t.Fatalf("sent %d posts; want %d", len(rec.sent), want)
		}
		return rec.sent
	}
	got := run(11, dispatch.Message{ID: "b1", Transport: "wechat", Chat: dispatch.Chat{Group: "长征社区工作群"},
		From: dispatch.Sender{Nick: "魏青"}, Text: "广播 全部 近期有冒充社保局的诈骗电话，请提醒家人", At: start})
	groups := map[string]bool{}
	gap := time.Duration(cfg.WeChat.AccountGap)
	for i, s := range got {
		if i > 0 {
			groups[s.post.Chat.Group] = true
			if d := s.at.Sub(got[i-1].at); d < gap {
				t.Errorf("posts %d and %d %s apart; want at least account_gap %s", i-1, i, d, gap)
			}
		}
	}
	if len(groups) != 10 {
		t.Errorf("reached %d groups; want 10", len(groups))
	}
	if end := got[len(got)-1].at.Sub(start); end > 30*time.Second {
		t.Errorf("last group reached at +%s; want within 30s", end)
	}
	last := got[len(got)-1].at
	again := run(1, dispatch.Message{ID: "b2", Transport: "wechat", Chat: dispatch.Chat{Group: "长征社区工作群"},
		From: dispatch.Sender{Nick: "魏青"}, Text: "任务", At: last})
	if d := again[0].at.Sub(last); d < gap {
		t.Errorf("after a restart the first post came %s after the last one; want at least account_gap %s", d, gap)
	}
}
