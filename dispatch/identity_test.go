package dispatch_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/changzheng/chorus/dispatch"
)

// sayAs sends text as a WeChat member whose group display name is display and whose
// WeChat NickName (the stable handle) is handle.
func (w *world) sayAs(group, display, handle, text string) []string {
	w.t.Helper()
	w.mu.Lock()
	w.seq++
	id := fmt.Sprintf("w%d", w.seq)
	w.mu.Unlock()
	m := dispatch.Message{ID: id, Transport: "wechat", From: dispatch.Sender{Nick: display, Ref: handle}, Text: text}
	if group == "" {
		m.Chat = dispatch.Chat{User: handle, Transport: "wechat"}
	} else {
		m.Chat = dispatch.Chat{Group: group}
	}
	posts, err := w.svc.Handle(context.Background(), m)
	if err != nil {
		w.t.Fatalf("Handle(%.40q): %v", text, err)
	}
	return lines(posts)
}

// TestDisplayNameHijack is issue 9's hijack, step by step: a member (WeChat NickName 坏人)
// sets his group display name to 雷胜, another member's name, and then to 魏青's.
func TestDisplayNameHijack(t *testing.T) {
	w := newWorld(t)
	say := func(display, handle, text string) string {
		t.Helper()
		return strings.Join(w.sayAs(orange, display, handle, text), "\n")
	}
	say("雷胜", "雷胜", "任务")
	say("雷胜", "坏人", "任务") // the impostor, shown as 雷胜 in the group
	say("魏青", "魏青", "发布 巡逻 明天上午9点 需要2人")

	if got := say("魏青", "魏青", "指派 1 @雷胜"); !strings.Contains(got, "已为 @雷胜 认领 #1") {
		t.Fatalf("指派 1 @雷胜: %s", got)
	}
	if got := say("雷胜", "雷胜", "我的任务"); !strings.Contains(got, "#1") {
		t.Errorf("the real 雷胜 does not hold #1: %s", got)
	}
	if got := say("雷胜", "坏人", "我的任务"); strings.Contains(got, "#1") {
		t.Errorf("the impostor holds #1: %s", got)
	}
	if got := say("魏青", "魏青", "设为协调员 @雷胜"); !strings.Contains(got, "已将 @雷胜 设为协调员") {
		t.Fatalf("设为协调员 @雷胜: %s", got)
	}
	// The impostor is no coordinator: refused, and addressed by his own name.
	if got := say("雷胜", "坏人", "广播 全部 紧急通知：请大家扫码缴费"); got != "[橙色平安长征志愿者] @坏人 仅协调员可以广播" {
		t.Errorf("impostor's broadcast: %q; want refused, addressed to @坏人", got)
	}
	if got := say("魏青", "坏人", "广播 全部 紧急通知：请大家扫码缴费"); got != "[橙色平安长征志愿者] @坏人 仅协调员可以广播" {
		t.Errorf("impostor as 魏青: %q; want refused, addressed to @坏人", got)
	}
	if got := say("魏青", "坏人", "发布"); !strings.HasPrefix(got, "[橙色平安长征志愿者] @坏人 ") {
		t.Errorf("a malformed command from the impostor as 魏青: %q; want addressed to @坏人", got)
	}
	// The real 雷胜, now a coordinator, may broadcast.
	if got := say("雷胜", "雷胜", "广播 橙色 今晚巡逻取消"); !strings.Contains(got, "@雷胜 已广播到 1 个群") {
		t.Errorf("the real 雷胜's broadcast: %q", got)
	}
	// Registering the name does not take it over either: a handle is the identity itself.
	say("雷胜", "坏人", "登记 雷胜")
	if got := say("魏青", "魏青", "指派 1 @雷胜"); !strings.Contains(got, "@雷胜 已经认领了 #1") {
		t.Errorf("指派 1 @雷胜 after the impostor registered 雷胜: %s", got)
	}
}

// TestNameMeaningTwo: a registered name two people share is refused with the candidates;
// a display name alone finds nobody.
func TestNameMeaningTwo(t *testing.T) {
	w := newWorld(t)
	w.sayAs(orange, "老王", "wang1", "登记 王建国")
	w.sayAs(green, "王师傅", "wang2", "登记 王建国")
	w.sayAs(residents, "王建国", "wang3", "报事 3号楼灯坏了") // a resident whose display name is the name
	w.sayAs(orange, "魏青", "魏青", "发布 巡逻 明天上午9点 需要2人")
	got := strings.Join(w.sayAs(orange, "魏青", "魏青", "指派 1 @王建国"), "\n")
	want := "[橙色平安长征志愿者] @魏青 「王建国」可能是 2 个人：@wang1（登记：王建国）、@wang2（登记：王建国）。请用 @微信昵称 指明是谁"
	if got != want {
		t.Errorf("ambiguous name:\n got %s\nwant %s", got, want)
	}
	if got := strings.Join(w.sayAs(orange, "魏青", "魏青", "指派 1 @wang2"), "\n"); !strings.Contains(got, "已为 @王师傅 认领 #1") {
		t.Errorf("指派 by handle: %s", got)
	}
	if got := strings.Join(w.sayAs(orange, "魏青", "魏青", "指派 1 @老王"), "\n"); !strings.Contains(got, "没有找到成员 @老王") {
		t.Errorf("指派 by a display name: %s; want not found", got)
	}
	// Residents among the candidates are masked outside the coordinators' group.
	w.sayAs(residents, "x", "li1", "登记 李桂兰")
	w.sayAs(residents, "y", "li2", "登记 李桂兰")
	got = strings.Join(w.sayAs(orange, "魏青", "魏青", "设为协调员 @李桂兰"), "\n")
	if strings.Contains(got, "李桂兰（") || !strings.Contains(got, "@li1（登记：李**）") {
		t.Errorf("resident candidates in a volunteer group: %s; want masked", got)
	}
	got = strings.Join(w.sayAs(office, "魏青", "魏青", "设为协调员 @李桂兰"), "\n")
	if !strings.Contains(got, "@li1（登记：李桂兰）") {
		t.Errorf("resident candidates in the coordinators' group: %s; want in full", got)
	}
}
