package console_test

import (
	"bytes"
	"context"
	"strings"
	"testing"
	"time"

	"github.com/changzheng/chorus/bot"
	"github.com/changzheng/chorus/bot/console"
	"github.com/changzheng/chorus/dispatch"
	"github.com/changzheng/chorus/store/storetest"
)

// A report stored but not acknowledged when the process died is acknowledged from the
// outbox after the restart, once, and filed once.
func TestReportSurvivesCrashBeforeAck(t *testing.T) {
	db := storetest.Open(t)
	loc, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Date(2026, 11, 30, 9, 0, 0, 0, loc)
	com := dispatch.Community{ID: "test", Loc: loc, Coordinators: []string{"魏青"},
		Groups: []dispatch.Group{{Name: "长征社区居民群", Kind: dispatch.KindResidents}}}
	m := dispatch.Message{ID: "wx-1", Transport: "console", Chat: dispatch.Chat{Group: "长征社区居民群"},
		From: dispatch.Sender{Nick: "阿依古丽"}, Text: "报事 3号楼2单元楼道灯坏了"}

	// The first process stores the message (as a transport's Inbound does first) and dies.
	if _, fresh, err := db.Accept(t.Context(), m); err != nil || !fresh {
		t.Fatalf("accept: %v, %v", fresh, err)
	}

	// The restarted process resumes what was stored.
	var out bytes.Buffer
	clock := console.NewClock(now)
	ct := console.New(console.Options{In: strings.NewReader(""), Out: &out, Clock: clock})
	svc := dispatch.New(com, db, dispatch.Options{Now: clock.Now})
	b := bot.New(svc, db, bot.Options{Transports: []bot.Transport{ct}, Synchronous: true, Now: clock.Now})
	n, err := b.Resume(context.Background())
	if err != nil || n != 1 {
		t.Fatalf("resume: %d, %v; want 1 message", n, err)
	}
	want := "[长征社区居民群] @阿依古丽 已受理 R1（设施维修，3号楼2单元），我们会在2小时内响应。发送「进度 R1」可随时查看进度\n"
	if out.String() != want {
		t.Fatalf("after restart:\n got %q\nwant %q", out.String(), want)
	}
	// Nothing is left to resume, and WeChat redelivering the message has no effect.
	if n, err := b.Resume(context.Background()); err != nil || n != 0 {
		t.Fatalf("second resume: %d, %v; want 0", n, err)
	}
	if err := b.Receive(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	if out.String() != want {
		t.Fatalf("redelivery answered again: %q", out.String())
	}
	f, err := db.ReportStats(t.Context(), "202611")
	if err != nil || f.Received != 1 {
		t.Fatalf("reports received: %d, %v; want 1", f.Received, err)
	}
}

// The same holds when the process died after handling but before queuing the reply:
// handling again has one effect (the report's op) and one reply.
func TestReportHandledTwiceAfterCrash(t *testing.T) {
	db := storetest.Open(t)
	loc, _ := time.LoadLocation("Asia/Shanghai")
	clock := console.NewClock(time.Date(2026, 11, 30, 9, 0, 0, 0, loc))
	com := dispatch.Community{ID: "test", Loc: loc, Groups: []dispatch.Group{{Name: "居民群", Kind: dispatch.KindResidents}}}
	svc := dispatch.New(com, db, dispatch.Options{Now: clock.Now})
	m := dispatch.Message{ID: "wx-2", Transport: "console", Chat: dispatch.Chat{Group: "居民群"},
		From: dispatch.Sender{Nick: "老周"}, Text: "报事 12栋门口垃圾没人清运"}
	if _, _, err := db.Accept(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	// Handled (the report is filed) but the process dies before Finish.
	if _, err := svc.Handle(t.Context(), m); err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	ct := console.New(console.Options{In: strings.NewReader(""), Out: &out, Clock: clock})
	b := bot.New(svc, db, bot.Options{Transports: []bot.Transport{ct}, Synchronous: true, Now: clock.Now})
	if _, err := b.Resume(t.Context()); err != nil {
		t.Fatal(err)
	}
	if got := strings.Count(out.String(), "已受理 R1"); got != 1 || strings.Contains(out.String(), "R2") {
		t.Fatalf("replies after restart: %q; want one acknowledgement of R1", out.String())
	}
}
