package wecomtest_test

import (
	"bytes"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/changzheng/chorus/bot/wecom/wecomtest"
)

// TestOfficialSDKSpeaksToFake runs the official Node.js SDK (sdkcheck/check.js) against
// the fake, so the fake's strict checks are themselves checked against the real client.
// When sdkcheck/node_modules is missing it installs the pinned SDK with npm ci, so the
// README's test command needs no other set-up. Without node or npm (or when the install
// fails) it skips, unless CI=true or CHORUS_SDK_CHECK=1, when it fails.
func TestOfficialSDKSpeaksToFake(t *testing.T) {
	required := os.Getenv("CI") == "true" || os.Getenv("CHORUS_SDK_CHECK") == "1"
	missing := func(why string) {
		t.Helper()
		if required {
			t.Fatalf("%s; run (cd bot/wecom/wecomtest/sdkcheck && npm ci)", why)
		}
		t.Skipf("%s; set CHORUS_SDK_CHECK=1 to require this test", why)
	}
	node, err := exec.LookPath("node")
	if err != nil {
		missing("node not found")
	}
	sdk := filepath.Join("sdkcheck", "node_modules", "@wecom", "aibot-node-sdk", "package.json")
	if _, err := os.Stat(sdk); err != nil {
		npm, err := exec.LookPath("npm")
		if err != nil {
			missing("sdkcheck/node_modules missing and npm not found")
		}
		ctx, cancel := context.WithTimeout(t.Context(), 3*time.Minute)
		defer cancel()
		install := exec.CommandContext(ctx, npm, "ci", "--no-audit", "--no-fund")
		install.Dir = "sdkcheck"
		if out, err := install.CombinedOutput(); err != nil {
			missing(fmt.Sprintf("npm ci in sdkcheck failed: %v: %s", err, out))
		}
	}

	const botID, secret = "aibSDKCHECK", "sdk-secret"
	srv := wecomtest.NewServer(botID, secret)
	defer srv.Close()

	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	cmd := exec.CommandContext(ctx, node, "check.js", srv.URL(), botID, secret)
	cmd.Dir = "sdkcheck"
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	const wait = 10 * time.Second
	sub, err := srv.NextSubscribe(wait)
	if err != nil || !sub.OK || sub.BotID != botID || sub.Secret != secret {
		cancel()
		<-exited
		t.Fatalf("subscribe %+v, %v\nnode output:\n%s", sub, err, out.String())
	}
	cb, err := srv.SendGroupText("wrSDKCHECK", "zhangsan", "@长征社区小助手 接 12")
	if err != nil {
		t.Fatal(err)
	}
	var replies []wecomtest.Reply
	for range 2 {
		r, err := srv.NextReply(wait)
		if err != nil {
			cancel()
			<-exited
			t.Fatalf("%v\nnode output:\n%s", err, out.String())
		}
		replies = append(replies, r)
	}
	for i, r := range replies {
		if r.ReqID != cb.ReqID || r.MsgType != "stream" || r.StreamID != replies[0].StreamID || r.Finish != (i == 1) {
			t.Errorf("reply %d: %+v; want stream frames answering %s, finished last", i, r, cb.ReqID)
		}
	}
	if replies[1].Content != "收到：@长征社区小助手 接 12" {
		t.Errorf("final reply content %q", replies[1].Content)
	}
	p, err := srv.NextPush(wait)
	if err != nil {
		t.Fatalf("%v\nnode output:\n%s", err, out.String())
	}
	if p.ChatID != "wrSDKCHECK" || p.MsgType != "markdown" || p.Content != "**主动推送** 来自 SDK" {
		t.Errorf("push %+v", p)
	}
	// Cards: the SDK answers with one and pushes another, in the shapes the fake checks
	// (and chorus sends); a tap on the first, in the fake's template_card_event shape,
	// reaches the SDK's event.template_card_event with event_key and task_id, and the
	// update it sends back is accepted.
	cardCB, err := srv.SendGroupText("wrSDKCHECK", "zhangsan", "card")
	if err != nil {
		t.Fatal(err)
	}
	cr, err := srv.NextReply(wait)
	if err != nil {
		t.Fatalf("%v\nnode output:\n%s", err, out.String())
	}
	if cr.ReqID != cardCB.ReqID || cr.MsgType != "template_card" || cr.Card == nil || cr.Card.TaskID != "sdkcheck_card_1" ||
		len(cr.Card.Buttons) != 2 || cr.Card.Buttons[0] != (wecomtest.Button{Text: "接", Key: "接 12"}) {
		t.Errorf("card reply %+v; want the SDK's button card answering %s", cr, cardCB.ReqID)
	}
	cp, err := srv.NextPush(wait)
	if err != nil {
		t.Fatalf("%v\nnode output:\n%s", err, out.String())
	}
	if cp.ChatID != "wrSDKCHECK" || cp.MsgType != "template_card" || cp.Card == nil || cp.Card.TaskID != "sdkcheck_card_2" {
		t.Errorf("card push %+v", cp)
	}
	tap, err := srv.Tap(wecomtest.Tap{ChatID: "wrSDKCHECK", UserID: "lisi", TaskID: "sdkcheck_card_1", Key: "退 12"})
	if err != nil {
		t.Fatal(err)
	}
	u, err := srv.NextUpdate(wait)
	if err != nil {
		t.Fatalf("%v\nnode output:\n%s", err, out.String())
	}
	if u.ReqID != tap.ReqID || u.MsgID != tap.MsgID || u.Card.TaskID != "sdkcheck_card_1" || u.Card.SubTitle != "退 12 by lisi" {
		t.Errorf("update %+v; want the tapped card updated on the event's req_id with its key and user", u)
	}
	if _, err := srv.NextPing(wait); err != nil {
		t.Errorf("SDK heartbeat: %v", err)
	}
	if _, err := srv.SendGroupText("wrSDKCHECK", "zhangsan", "bye"); err != nil {
		t.Fatal(err)
	}
	if err := <-exited; err != nil {
		t.Fatalf("node check.js: %v\n%s", err, out.String())
	}
	if errs := srv.Errors(); len(errs) > 0 {
		t.Errorf("fake saw protocol violations from the official SDK:\n%s", strings.Join(errs, "\n"))
	}
	t.Logf("node output:\n%s", out.String())
}
