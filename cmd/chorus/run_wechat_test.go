package main

import (
	"testing"

	"github.com/changzheng/chorus/bot/wechat/wechattest"
)

// The end-to-end tests of `chorus run` on the WeChat channel: chorus is built in-process
// from a config in t.TempDir(), on a real Redis (CHORUS_TEST_REDIS) or a miniredis, and
// openwechat talks to wechattest, a fake of WeChat's web protocol.

const (
	publishText = "发布 发放防诈骗宣传材料 明天上午9点 社区门口 需要3人 2小时"
	claimText   = "接 1"
)

// messageTexts are what people sent and what the bot answered; none may reach the log.
var messageTexts = []string{"发放防诈骗宣传材料", "社区门口", "已认领", "已发布任务", "候补", "你的任务"}

// mustPublishAndClaim logs in with a scan, has 魏青 publish task #1 (3 places) and the
// three members claim it, and checks the four replies. It returns how many messages the
// fake has seen.
func mustPublishAndClaim(t *testing.T, w *world) int {
	t.Helper()
	w.fake.ConfirmLogin()
	w.mustInits(1)
	w.fake.Say(orangeGroup, coordinator, publishText)
	got := w.mustSent(1)
	mustReply(t, got[0], orangeGroup, coordinator, "已发布任务 #1")
	members := []string{"雷胜", "马丽", "艾力"}
	for _, m := range members {
		w.fake.Say(orangeGroup, m, claimText)
	}
	got = w.mustSent(4)
	for i, m := range members {
		mustReply(t, got[1+i], orangeGroup, m, "#1")
	}
	mustReply(t, got[1], orangeGroup, "雷胜", "已认领 #1")
	mustReply(t, got[3], orangeGroup, "艾力", "名额已满")
	if n := w.claimCount(1); n != 3 {
		t.Errorf("task #1 has %d claims; want 3", n)
	}
	return len(got)
}

// A scan login, a coordinator's task and three claims: every reply reaches the right
// group, in order, @-mentioning its sender.
func TestRunWeChatPublishAndClaim(t *testing.T) {
	w := mustWorld(t, wechattest.Config{EchoSends: true})
	r := w.mustRun()
	n := mustPublishAndClaim(t, w)
	if got := w.fake.Sent(); len(got) != n {
		t.Errorf("fake got %d messages; want %d:\n%s", len(got), n, dumpSent(got))
	}
	if s := w.fake.Scans(); s != 1 {
		t.Errorf("scans = %d; want 1", s)
	}
	r.mustStop(t)
	w.mustLogsClean(map[string]int{"wechat logged in": 1, "post delivered": 4, "chorus stopped": 1}, messageTexts...)
}

// A re-login gives everyone new UserNames; claims are kept by the member's stable id, so
// 我的任务 still shows the task and a fourth claim is waitlisted.
func TestRunWeChatReloginKeepsClaims(t *testing.T) {
	w := mustWorld(t, wechattest.Config{EchoSends: true})
	w.mustRun()
	n := mustPublishAndClaim(t, w)
	before := w.fake.UserName("雷胜")

	w.fake.ExpireSession()
	w.mustLog("wechat logged out")
	w.fake.ConfirmLogin()
	w.mustInits(2)
	if after := w.fake.UserName("雷胜"); after == before || after == "" {
		t.Fatalf("UserName of 雷胜 after re-login = %q; want a new one (was %q)", after, before)
	}
	w.fake.Say(orangeGroup, "雷胜", "我的任务")
	w.fake.Say(orangeGroup, "王建国", claimText)
	got := w.mustSent(n + 2)
	mustReply(t, got[n], orangeGroup, "雷胜", "#1")
	mustReply(t, got[n], orangeGroup, "雷胜", "发放防诈骗宣传材料")
	mustReply(t, got[n+1], orangeGroup, "王建国", "候补第 1 位")
	if c := w.claimCount(1); c != 4 {
		t.Errorf("task #1 has %d claims; want 4 (3 holders, 1 waiting)", c)
	}
	if s := w.fake.Scans(); s != 2 {
		t.Errorf("scans = %d; want 2", s)
	}
	w.mustLogsClean(map[string]int{"wechat logged in": 2, "wechat logged out": 1, "wechat logging in": 2}, messageTexts...)
}

// A batch WeChat delivers twice (same MsgIds) is handled once: no second reply, no
// second claim.
func TestRunWeChatRedeliveryHasNoEffect(t *testing.T) {
	// No echo: the last synced batch must be the claim, not the bot's own reply.
	w := mustWorld(t, wechattest.Config{})
	w.mustRun()
	w.fake.ConfirmLogin()
	w.mustInits(1)
	w.fake.Say(orangeGroup, coordinator, publishText)
	w.mustSent(1)
	w.fake.Say(orangeGroup, "雷胜", claimText)
	got := w.mustSent(2)
	mustReply(t, got[1], orangeGroup, "雷胜", "已认领 #1")

	w.fake.Redeliver()
	// A message after the redelivered one: its reply must come next, with nothing between.
	w.fake.Say(orangeGroup, "马丽", claimText)
	got = w.mustSent(3)
	mustReply(t, got[2], orangeGroup, "马丽", "已认领 #1")
	if c := w.claimCount(1); c != 2 {
		t.Errorf("task #1 has %d claims; want 2", c)
	}
	w.mustLog("duplicate message ignored")
	w.fake.Say(orangeGroup, "艾力", claimText)
	got = w.mustSent(4)
	mustReply(t, got[3], orangeGroup, "艾力", "#1")
	if len(w.fake.Sent()) != 4 {
		t.Errorf("fake got %d messages; want 4:\n%s", len(w.fake.Sent()), dumpSent(w.fake.Sent()))
	}
	w.mustLogsClean(map[string]int{"duplicate message ignored": 1}, messageTexts...)
}

// Three sends refused as too frequent (ret 1205) are retried with backoff and delivered
// once, and the replies queued behind them keep their order.
func TestRunWeChatFailedSendsRetriedInOrder(t *testing.T) {
	w := mustWorld(t, wechattest.Config{EchoSends: true})
	w.mustRun()
	w.fake.ConfirmLogin()
	w.mustInits(1)
	w.fake.Say(orangeGroup, coordinator, publishText)
	w.mustSent(1)

	w.fake.FailSends(3, 1205)
	members := []string{"雷胜", "马丽", "艾力"}
	for _, m := range members {
		w.fake.Say(orangeGroup, m, claimText)
	}
	got := w.mustSent(4)
	for i, m := range members {
		mustReply(t, got[1+i], orangeGroup, m, "#1")
	}
	w.fake.Say(orangeGroup, "王建国", claimText)
	got = w.mustSent(5)
	mustReply(t, got[4], orangeGroup, "王建国", "候补第 1 位")
	if len(w.fake.Sent()) != 5 {
		t.Errorf("fake got %d messages; want 5 (each once):\n%s", len(w.fake.Sent()), dumpSent(w.fake.Sent()))
	}
	w.mustLogsClean(map[string]int{"send failed, will retry": 3, "ret 1205": 3, "tries=4": 1}, messageTexts...)
}

// chorus stopped with replies still in the outbox (and one in flight) sends each of them
// exactly once after a restart, in order, and the restart logs in from the hot-login file
// without a scan.
func TestRunWeChatRestartDeliversQueuedOnce(t *testing.T) {
	w := mustWorld(t, wechattest.Config{EchoSends: true})
	r1 := w.mustRun()
	w.fake.ConfirmLogin()
	w.mustInits(1)
	w.fake.Say(orangeGroup, coordinator, publishText)
	w.mustSent(1)

	// WeChat refuses every send now: the first reply stays in flight, retried with
	// backoff, the next two wait in the outbox.
	w.fake.FailSends(1_000_000, 1205)
	members := []string{"雷胜", "马丽", "艾力"}
	for _, m := range members {
		w.fake.Say(orangeGroup, m, claimText)
	}
	w.eventually("two replies queued behind one in flight", func() bool {
		n, err := w.db.Queued(t.Context(), "wechat")
		return err == nil && n == 2
	})
	w.mustLog("send failed, will retry")
	r1.mustStop(t)
	if n, _ := w.db.Queued(t.Context(), "wechat"); n != 2 {
		t.Fatalf("outbox after stop holds %d posts; want 2", n)
	}

	w.fake.FailSends(0, 0)
	inits := w.fake.Inits()
	w.mustRun()
	w.mustInits(inits + 1)
	got := w.mustSent(4)
	for i, m := range members {
		mustReply(t, got[1+i], orangeGroup, m, "#1")
	}
	// A later message's reply comes right after: nothing was sent twice.
	w.fake.Say(orangeGroup, "王建国", claimText)
	got = w.mustSent(5)
	mustReply(t, got[4], orangeGroup, "王建国", "候补第 1 位")
	if len(w.fake.Sent()) != 5 {
		t.Errorf("fake got %d messages; want 5 (each once):\n%s", len(w.fake.Sent()), dumpSent(w.fake.Sent()))
	}
	if s := w.fake.Scans(); s != 1 {
		t.Errorf("scans = %d after a restart; want 1 (hot login)", s)
	}
	w.mustLogsClean(map[string]int{"re-queued posts in flight at the last stop": 1, "wechat logged in": 2}, messageTexts...)
}

// A restart logs in from the hot-login file in data_dir without a scan; an expired
// session is then re-established with a new scan, and messages flow again.
func TestRunWeChatHotLoginAndExpiry(t *testing.T) {
	w := mustWorld(t, wechattest.Config{EchoSends: true})
	r1 := w.mustRun()
	w.fake.ConfirmLogin()
	w.mustInits(1)
	w.fake.Say(orangeGroup, coordinator, publishText)
	w.mustSent(1)
	r1.mustStop(t)

	w.mustRun()
	w.mustInits(2)
	if s := w.fake.Scans(); s != 1 {
		t.Fatalf("scans = %d after a restart; want 1 (hot login)", s)
	}
	w.fake.Say(orangeGroup, "雷胜", claimText)
	got := w.mustSent(2)
	mustReply(t, got[1], orangeGroup, "雷胜", "已认领 #1")

	w.fake.ExpireSession()
	w.mustLog("wechat logged out")
	w.fake.ConfirmLogin()
	w.mustInits(3)
	if s := w.fake.Scans(); s != 2 {
		t.Errorf("scans = %d after expiry; want 2", s)
	}
	w.fake.Say(orangeGroup, "马丽", claimText)
	got = w.mustSent(3)
	mustReply(t, got[2], orangeGroup, "马丽", "已认领 #1")
	w.mustLogsClean(map[string]int{
		"wechat logged in": 3, "wechat logged out": 1, "wechat logging in": 3,
		"wechat hot login failed; falling back to a QR scan": 1,
	}, messageTexts...)
}
