package main

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/changzheng/chorus/bot/wecom/wecomtest"
)

// A coordinator publishes in a WeCom group and three members claim: every message is
// answered once, through aibot_respond_msg with its own callback's req_id, and nothing is
// pushed.
func TestRunWeComPublishAndClaim(t *testing.T) {
	w := wcStart(t, wcOptions{})
	w.subscribed()

	id := w.mustPublish(wcOrangeChat, "发放防诈骗宣传材料 明天上午9点 社区门口 需要3人 2小时")
	for _, member := range []string{"leisheng", "mali", "aili"} {
		w.mustAnswer(w.say(wcOrangeChat, member, "接 "+id), member, "已认领 #"+id)
	}
	// A fourth claim finds the task full: still one answer, to the right message.
	w.mustAnswer(w.say(wcOrangeChat, "wangjianguo", "接 "+id), "wangjianguo", "#"+id)

	if got := len(w.srv.Replies()); got != 5 {
		t.Errorf("%d replies; want 5, one per message (the card answering 发布, four stream answers)", got)
	}
	if p := w.srv.Pushes(); len(p) != 0 {
		t.Errorf("pushes %+v; want none: every post answered its message", p)
	}
	r := w.readyz()
	if r.Status != 200 || !r.Transports["wecom"] {
		t.Errorf("/readyz %d %v; want 200 with wecom up", r.Status, r.Transports)
	}
	if n := r.routes()[wcOrange+" wecom"]; n != 5 {
		t.Errorf("/readyz recent routes %v; want 5 posts to %s by wecom", r.routes(), wcOrange)
	}
	w.mustProtocolClean()
}

// 发布 in a WeCom group is answered with a card with 接 / 退 buttons showing the time, place
// and places left. A tap claims as typing 接 does, the tapped card is updated in place with
// the tapper's outcome and the places left, and a tap WeCom delivers twice (same msgid)
// acts once. 退 releases the same way; text commands keep working beside the card.
func TestRunWeComCardTap(t *testing.T) {
	w := wcStart(t, wcOptions{})
	w.subscribed()
	id, card := w.mustPublishCard(wcOrangeChat, "楼道消防巡查 明天上午10点 3号楼 需要2人")
	rows := map[string]string{}
	for _, r := range card.Rows {
		rows[r[0]] = r[1]
	}
	if !strings.Contains(rows["时间"], "10:00") || rows["地点"] != "3号楼" || rows["名额"] != "还差 2 人（共 2 人）" {
		t.Errorf("card rows %v; want the time, 3号楼 and 还差 2 人", card.Rows)
	}

	tap := func(user, key, msgID string) wecomtest.Callback {
		t.Helper()
		cb, err := w.srv.Tap(wecomtest.Tap{ChatID: wcOrangeChat, UserID: user, TaskID: card.TaskID, Key: key, MsgID: msgID})
		if err != nil {
			t.Fatal(err)
		}
		return cb
	}
	mustUpdate := func(cb wecomtest.Callback, sub, places string) {
		t.Helper()
		u, err := w.srv.NextUpdate(wcWait)
		if err != nil {
			t.Fatalf("waiting for the card update answering %s: %v\npushes: %+v", cb.MsgID, err, w.srv.Pushes())
		}
		if u.ReqID != cb.ReqID || u.Card.TaskID != card.TaskID || !strings.Contains(u.Card.SubTitle, sub) {
			t.Errorf("update %+v; want card %s answering %s saying %q", u, card.TaskID, cb.ReqID, sub)
		}
		if got := u.Card.Rows[len(u.Card.Rows)-1][1]; got != places {
			t.Errorf("updated card's places %q; want %q", got, places)
		}
		w.mustLines(1, `msg="post delivered"`, "id=wecom:"+cb.MsgID+"#")
	}

	first := tap("leisheng", "接 "+id, "")
	mustUpdate(first, "@leisheng 已认领 #"+id, "还差 1 人（共 2 人）")
	// WeCom delivers the same tap again: stored once, no second claim, no second answer.
	tap("leisheng", "接 "+id, first.MsgID)
	w.mustLines(1, "duplicate message ignored", "id="+first.MsgID)
	// Text commands keep working beside the card.
	w.mustAnswer(w.say(wcOrangeChat, "mali", "接 "+id), "mali", "已认领 #"+id)
	w.mustAnswer(w.say(wcOrangeChat, "aili", "接 "+id), "aili", "候补第 1 位")
	mustUpdate(tap("leisheng", "退 "+id, ""), "@leisheng 已退出 #"+id, "已满（共 2 人）")
	// aili moved up from the waiting list is told in the group, as after a typed 退.
	w.mustPush(wcOrangeChat, "@aili", "#"+id)
	// The text listing stays the record.
	w.mustAnswer(w.say(wcOrangeChat, "leisheng", "任务"), "leisheng", "#"+id)

	if n := len(w.srv.Updates()); n != 2 {
		t.Errorf("%d card updates; want 2, one per distinct tap", n)
	}
	w.mustProtocolClean()
}

// The daily post is pushed with aibot_send_msg to its group's chatid when its slot comes.
func TestRunWeComDailyPush(t *testing.T) {
	w := wcStart(t, wcOptions{})
	w.subscribed()
	id := w.mustPublish(wcOrangeChat, "楼道消防巡查 今天上午10点 3号楼 需要2人")
	w.mustAnswer(w.say(wcOrangeChat, "leisheng", "接 "+id), "leisheng", "已认领 #"+id)

	w.clock.Jump(w.at8())
	w.mustPush(wcOrangeChat, "【每日派单】", "楼道消防巡查", "10:00", "已认领：leisheng", "还差 1 人")

	w.mustLines(1, `msg="post delivered"`, "route=wecom", "id=slot:daily:")
	r := w.readyz()
	if n := r.routes()[wcOrange+" wecom"]; n != 3 {
		t.Errorf("/readyz recent routes %v; want 3 posts to %s by wecom (2 replies, the daily post)", r.routes(), wcOrange)
	}
	if got := len(w.srv.Pushes()); got != 1 {
		t.Errorf("%d pushes; want 1", got)
	}
	w.mustProtocolClean()
}

// A dropped connection is re-established; the daily post that fell due while it was down
// is pushed once after the reconnect, and answers go on on the new connection.
func TestRunWeComDropReconnectNothingLostOrTwice(t *testing.T) {
	w := wcStart(t, wcOptions{})
	w.subscribed()
	id := w.mustPublish(wcOrangeChat, "楼道消防巡查 今天上午10点 3号楼 需要2人")
	w.mustAnswer(w.say(wcOrangeChat, "leisheng", "接 "+id), "leisheng", "已认领 #"+id)

	// WeCom unreachable: the connection drops and re-dials are refused.
	w.srv.Refuse(true)
	if err := w.srv.Drop(); err != nil {
		t.Fatal(err)
	}
	w.mustLines(1, "wecom: connection lost")
	w.clock.Jump(w.at8())
	w.mustLines(1, "send failed, will retry", "group="+wcOrange, "id=slot:daily:")
	if r := w.readyz(); r.Status != 503 || r.Transports["wecom"] {
		t.Errorf("/readyz during the gap: %d %v; want 503 with wecom down", r.Status, r.Transports)
	}

	w.srv.Refuse(false)
	if s := w.subscribed(); s.Conn < 2 {
		t.Errorf("resubscribed on conn %d; want a new connection", s.Conn)
	}
	p := w.mustPush(wcOrangeChat, "【每日派单】", "楼道消防巡查", "已认领：leisheng")
	if p.Conn < 2 {
		t.Errorf("daily post pushed on conn %d; want the new connection", p.Conn)
	}
	// The sender works in order: once a later message is answered, the daily post can
	// no longer go out a second time.
	cb := w.say(wcOrangeChat, "mali", "接 "+id)
	w.mustAnswer(cb, "mali", "已认领 #"+id)

	daily := 0
	for _, p := range w.srv.Pushes() {
		if strings.Contains(p.Content, "【每日派单】") {
			daily++
		}
	}
	if daily != 1 || len(w.srv.Pushes()) != 1 {
		t.Errorf("pushes %+v; want the daily post once", w.srv.Pushes())
	}
	if got := len(w.srv.Replies()); got != 3 {
		t.Errorf("%d replies; want 3, one per message", got)
	}
	for _, d := range w.readyz().Recent {
		if strings.HasPrefix(d.ID, "slot:daily:") && (d.Route != "wecom" || d.Tries < 2) {
			t.Errorf("daily delivery %+v; want route wecom after at least one failed try", d)
		}
	}
	w.mustProtocolClean()
}

// Both transports: each group is answered by its own transport; with WeChat logged out
// the daily post for a WeChat group goes once through its webhook, in WeCom's format,
// while the WeCom group's goes by the long connection, and /readyz says so.
func TestRunWeComWebhookFallbackWhileWeChatLoggedOut(t *testing.T) {
	w := wcStart(t, wcOptions{WeChat: true})
	w.subscribed()
	ctx := t.Context()
	if err := w.wechat.WaitInits(ctx, 1); err != nil {
		t.Fatal(err)
	}
	w.mustLines(1, "wechat logged in")

	// Each group is served by its configured transport.
	w.wechat.Say(wcGreen, "魏青", "发布 清理楼道杂物 今天上午10点 3号楼 需要2人")
	sent, err := w.wechat.WaitSent(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if sent[0].Group != wcGreen || !strings.Contains(sent[0].Text, "已发布任务 #") {
		t.Errorf("WeChat sent %+v; want the publish answer in %s", sent[0], wcGreen)
	}
	id := w.mustPublish(wcOrangeChat, "楼道消防巡查 今天上午10点 3号楼 需要2人")
	if n := len(w.wechat.Sent()); n != 1 {
		t.Errorf("WeChat sent %d messages; want 1 (the WeCom group's answer must not go there)", n)
	}

	// WeChat logs out and waits for a scan that does not come.
	w.wechat.ExpireSession()
	w.mustLines(1, "wechat logged out")
	w.clock.Jump(w.at8())

	body, err := w.hook.NextBody(wcWait)
	if err != nil {
		t.Fatal(err)
	}
	var msg struct {
		MsgType string `json:"msgtype"`
		Text    struct {
			Content string `json:"content"`
		} `json:"text"`
	}
	if err := json.Unmarshal(body, &msg); err != nil || msg.MsgType != "text" ||
		!strings.Contains(msg.Text.Content, "【每日派单】") || !strings.Contains(msg.Text.Content, "清理楼道杂物") {
		t.Errorf("webhook body %s (%v); want a text message with the daily post", body, err)
	}
	w.mustPush(wcOrangeChat, "【每日派单】", "楼道消防巡查", "#"+id)
	w.mustLines(1, `msg="post delivered"`, "route=webhook", "group="+wcGreen)
	w.mustLines(1, `msg="post delivered"`, "route=wecom", "id=slot:daily:")

	if n := len(w.hook.Bodies()); n != 1 {
		t.Errorf("webhook got %d requests; want 1", n)
	}
	if n := len(w.wechat.Sent()); n != 1 {
		t.Errorf("WeChat sent %d messages; want still 1", n)
	}
	r := w.readyz()
	if r.Status != 200 || r.Transports["wechat"] || !r.Transports["wecom"] {
		t.Errorf("/readyz %d %v; want 200 with wecom up and wechat down", r.Status, r.Transports)
	}
	routes := r.routes()
	if routes[wcGreen+" webhook"] != 1 || routes[wcGreen+" wechat"] != 1 || routes[wcOrange+" wecom"] != 2 {
		t.Errorf("/readyz recent routes %v; want %s: 1 wechat, 1 webhook; %s: 2 wecom", routes, wcGreen, wcOrange)
	}
	w.mustProtocolClean()
}

// Without a secret the WeCom transport cannot start: alone, chorus exits with one clear
// line; beside WeChat, that line is logged and WeChat keeps working.
func TestRunWeComMissingSecret(t *testing.T) {
	t.Run("alone", func(t *testing.T) {
		w, ro := wcSetup(t, wcOptions{Secret: "-"})
		err := runWith(t.Context(), []string{"--config", w.config}, w.env, ro)
		if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "CHORUS_WECOM_SECRET") {
			t.Errorf("runWith = %v; want one line naming CHORUS_WECOM_SECRET", err)
		}
	})
	t.Run("beside WeChat", func(t *testing.T) {
		w := wcStart(t, wcOptions{WeChat: true, Secret: "-"})
		lines := w.mustLines(1, "wecom transport cannot start: set CHORUS_WECOM_SECRET; the other transports keep working")
		w.mustLines(1, "wechat logged in")
		if len(lines) != 1 {
			t.Errorf("logged %d times; want once", len(lines))
		}
		w.wechat.Say(wcGreen, "魏青", "帮助")
		if _, err := w.wechat.WaitSent(t.Context(), 1); err != nil {
			t.Errorf("WeChat did not answer: %v", err)
		}
		if r := w.readyz(); len(r.Transports) != 1 || !r.Transports["wechat"] {
			t.Errorf("/readyz transports %v; want only wechat, up", r.Transports)
		}
	})
}

// A WeCom transport that stops for good (secret refused, or replaced by another
// connection) is logged in one line and the others keep working; chorus keeps running.
func TestRunWeComStoppedOthersKeepWorking(t *testing.T) {
	t.Run("secret refused", func(t *testing.T) {
		w := wcStart(t, wcOptions{WeChat: true, Secret: "wrong"})
		w.mustLines(1, "wechat logged in")
		w.mustLines(1, "transport stopped; the others keep working", "transport=wecom", "subscribe refused")
		if n := len(w.srv.Subscribes()); n != 5 {
			t.Errorf("%d subscribes; want 5 refused, then none", n)
		}
		w.wechat.Say(wcGreen, "魏青", "帮助")
		if _, err := w.wechat.WaitSent(t.Context(), 1); err != nil {
			t.Errorf("WeChat did not answer: %v", err)
		}
		if r := w.readyz(); r.Status != 200 || r.Transports["wecom"] || !r.Transports["wechat"] {
			t.Errorf("/readyz %d %v; want 200, wechat up, wecom down", r.Status, r.Transports)
		}
	})
	t.Run("replaced", func(t *testing.T) {
		w := wcStart(t, wcOptions{})
		w.subscribed()
		if err := w.srv.Replace(); err != nil {
			t.Fatal(err)
		}
		w.mustLines(1, "transport stopped; the others keep working", "transport=wecom", "replaced")
		if _, err := w.srv.NextSubscribe(0); err == nil {
			t.Error("subscribed again after being replaced")
		}
		if r := w.readyz(); r.Status != 503 || r.Transports["wecom"] {
			t.Errorf("/readyz %d %v; want 503 with wecom down", r.Status, r.Transports)
		}
	})
}

// WeCom alone with its secret refused cannot serve anything, ever: after the transport
// gives up (5 refused subscribes), chorus exits non-zero with one line naming the refusal,
// instead of staying up and looking healthy.
func TestRunWeComAloneRefusedSecretExits(t *testing.T) {
	w, ro := wcSetup(t, wcOptions{Secret: "wrong"})
	done := make(chan error, 1)
	go func() { done <- runWith(t.Context(), []string{"--config", w.config}, w.env, ro) }()
	select {
	case err := <-done:
		if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "subscribe refused") {
			t.Errorf("runWith = %v; want one line saying the subscribe was refused", err)
		}
		var buf bytes.Buffer
		if code := exitCode(err, &buf); code == 0 {
			t.Errorf("exit code %d; want non-zero", code)
		}
	case <-time.After(30 * time.Second):
		t.Fatal("chorus still running 30s after WeCom refused its secret")
	}
	if n := len(w.srv.Subscribes()); n != 5 {
		t.Errorf("%d subscribes; want 5 refused, then none", n)
	}
}
