package bot_test

import (
	"context"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/changzheng/chorus/bot"
)

// shippedPacing is config.yaml's WeChat pacing.
var shippedPacing = bot.Pacing{Gap: time.Second, Jitter: 500 * time.Millisecond, AccountGap: 1500 * time.Millisecond,
	PerMinute: 20, MaxLen: 1500, Merge: true}

// Answers go before a broadcast queued ahead of them, and an answer queued while a
// broadcast post waits for the budget goes out next: the broadcast yields.
func TestAnswersBeforeBroadcast(t *testing.T) {
	f := mustFixture(t, 12)
	var b *bot.Bot
	var injected atomic.Bool
	// While the fourth broadcast post waits for the account gap (three are out),
	// someone claims: their answer is queued during the wait.
	sleep := func(ctx context.Context, d time.Duration) error {
		if d < time.Hour && !injected.Load() && countScheduled(f) == 3 {
			injected.Store(true)
			mustReceive(t, b, msg(orange, "雷胜", "接 1", "wechat"))
		}
		return f.clock.Sleep(ctx, d)
	}
	b = f.bot(t, bot.Options{Pacing: map[string]bot.Pacing{"wechat": shippedPacing}, Sleep: sleep})
	mustReceive(t, b, msg(orange, "魏青", publish, "wechat"))
	mustReceive(t, b, msg(orange, "魏青", "广播 全部 近期有冒充社保局的诈骗电话", "wechat"))
	mustReceive(t, b, msg(orange, "马丽", "任务", "wechat"))
	run(t, b)
	got := f.wechat.mustSent(t, 15) // the 3 answers merged, 13 broadcast posts, the claim's answer
	// The three answers first, although the broadcast was queued before the third: they
	// waited together, so they are one post.
	if got[0].Post.Scheduled || len(got[0].Post.Lines) != 3 || got[1].Post.Scheduled == false {
		t.Fatalf("first posts %+v; want the three answers merged, then the broadcast", got[:2])
	}
	claim := -1
	for i, s := range got {
		if strings.Contains(s.Post.Compose(func(n string) string { return "@" + n + " " }), "@雷胜 已认领 #1") {
			claim = i
		}
	}
	// Broadcast posts 1..3 are got[1..3]; the claim was queued while the 4th waited.
	if !injected.Load() {
		t.Fatal("no wait before the fourth broadcast post")
	}
	if claim != 4 {
		t.Errorf("the claim's answer is post %d; want 4, right after the broadcast post that was out when it came", claim)
	}
	for i := 1; i < len(got); i++ {
		if gap := got[i].At.Sub(got[i-1].At); gap < shippedPacing.AccountGap {
			t.Errorf("posts %d and %d %s apart; want at least account_gap %s", i-1, i, gap, shippedPacing.AccountGap)
		}
	}
}

func countScheduled(f *fixture) int {
	n := 0
	for _, s := range f.wechat.Sent() {
		if s.Post.Scheduled {
			n++
		}
	}
	return n
}

// Answers to one group that wait together go out as one post that tells each person
// their own outcome; answers to another group are not merged with them. A crash after
// the merged post was taken but before it was sent: the next start sends it once.
func TestAnswersMergedAndDeliveredOnceAfterCrash(t *testing.T) {
	f := mustFixture(t, 0)
	b1 := f.bot(t, bot.Options{Pacing: map[string]bot.Pacing{"wechat": shippedPacing}}) // never runs: it crashed
	mustReceive(t, b1, msg(orange, "魏青", publish, "wechat"))
	for _, nick := range []string{"雷胜", "马丽", "艾力", "王建国"} {
		mustReceive(t, b1, msg(orange, nick, "接 1", "wechat"))
	}
	mustReceive(t, b1, msg("", "陈关根", "我的任务", "wechat"))
	if _, ok, err := f.db.Take(t.Context(), "wechat", "main", 0); !ok || err != nil {
		t.Fatalf("Take = %v, %v; want the first answer in flight", ok, err)
	}
	b2 := f.bot(t, bot.Options{Pacing: map[string]bot.Pacing{"wechat": shippedPacing}})
	stop := run(t, b2)
	f.wechat.mustSent(t, 2)
	stop()
	got := f.wechat.Sent()
	if len(got) != 2 {
		t.Fatalf("sent %d posts; want 2 (the group's answers merged, the private one):\n%+v", len(got), got)
	}
	text := got[0].Post.Compose(func(n string) string { return "@" + n + " " })
	lines := strings.Split(text, "\n")
	wants := []string{"已发布任务 #1", "@雷胜 已认领 #1", "@马丽 已认领 #1", "@艾力 已认领 #1", "@王建国 #1 名额已满，你在候补第 1 位"}
	for _, w := range wants {
		n := 0
		for _, l := range lines {
			if strings.Contains(l, w) {
				n++
			}
		}
		if n != 1 {
			t.Errorf("merged post has %q %d times; want once:\n%s", w, n, text)
		}
	}
	if got[1].Post.Chat.User != "陈关根" {
		t.Errorf("second post to %+v; want the private chat", got[1].Post.Chat)
	}
	if n, _ := f.db.Recover(t.Context(), "wechat", "main"); n != 0 {
		t.Errorf("%d posts still in flight; want 0", n)
	}
	if n, _ := f.db.Queued(t.Context(), "wechat"); n != 0 {
		t.Errorf("outbox holds %d; want 0", n)
	}
}

// The budget is in Redis: a Bot started after another one sent keeps the account gap
// from that send, so a restart cannot burst.
func TestRestartKeepsAccountGap(t *testing.T) {
	f := mustFixture(t, 3)
	pace := shippedPacing
	pace.Jitter = 0
	b1 := f.bot(t, bot.Options{Pacing: map[string]bot.Pacing{"wechat": pace}})
	stop := run(t, b1)
	mustReceive(t, b1, msg(orange, "魏青", "任务", "wechat"))
	first := f.wechat.mustSent(t, 1)[0]
	stop()
	b2 := f.bot(t, bot.Options{Pacing: map[string]bot.Pacing{"wechat": pace}})
	mustReceive(t, b2, msg(gold, "魏青", "广播 全部 今晚巡逻取消", "wechat"))
	run(t, b2)
	got := f.wechat.mustSent(t, 2)
	if gap := got[1].At.Sub(first.At); gap < pace.AccountGap {
		t.Errorf("first post after the restart %s after the last one before it; want at least %s", gap, pace.AccountGap)
	}
}
