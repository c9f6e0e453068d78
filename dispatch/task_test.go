package dispatch_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/changzheng/chorus/dispatch"
)

const (
	orange    = "橙色平安长征志愿者"
	green     = "绿色健康长征志愿者"
	residents = "长征社区居民群"
	office    = "长征社区工作群"
)

func TestTaskLifecycle(t *testing.T) {
	w := newWorld(t)
	got := w.one(orange, "魏青", "发布 发放防诈骗宣传材料 明天上午9点 社区门口 需要2人 2小时")
	want := `[橙色平安长征志愿者] @魏青 已发布任务 #1：发放防诈骗宣传材料
时间：明天 11月28日 周六 09:00
地点：社区门口
需要 2 人，2小时
回复「接 1」认领`
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("publish reply (-want +got):\n%s", diff)
	}
	steps := []struct{ nick, text, want string }{
		{"雷胜", "接 1", "[橙色平安长征志愿者] @雷胜 已认领 #1 发放防诈骗宣传材料（明天 11月28日 周六 09:00），还差 1 人"},
		{"雷胜", "接 1", "[橙色平安长征志愿者] @雷胜 你已经认领了 #1，无需重复认领"},
		{"马丽", "认领1号", "[橙色平安长征志愿者] @马丽 已认领 #1 发放防诈骗宣传材料（明天 11月28日 周六 09:00），名额已满"},
		{"艾力", "接 #1", "[橙色平安长征志愿者] @艾力 #1 名额已满，你在候补第 1 位，有人退出会通知你"},
		{"张伟", "接１", "[橙色平安长征志愿者] @张伟 #1 名额已满，你在候补第 2 位，有人退出会通知你"},
		{"艾力", "接 1", "[橙色平安长征志愿者] @艾力 你已经在 #1 的候补第 1 位，无需重复报名"},
		{"张伟", "退 1", "[橙色平安长征志愿者] @张伟 已退出 #1 的候补"},
		{"张伟", "退 1", "[橙色平安长征志愿者] @张伟 你没有认领 #1"},
		{"马丽", "完成 1", "[橙色平安长征志愿者] @马丽 任务 #1 还没开始，做完后再打卡"},
	}
	for _, s := range steps {
		if got := w.one(orange, s.nick, s.text); got != s.want {
			t.Errorf("%s: %s\n got %s\nwant %s", s.nick, s.text, got, s.want)
		}
	}
	// 退 promotes the first waiting, who is told in the task's group.
	got2 := w.say(orange, "雷胜", "退 1")
	want2 := []string{
		"[橙色平安长征志愿者] @雷胜 已退出 #1，名额已让出",
		"[橙色平安长征志愿者] @艾力 候补递补：你已获得 #1 发放防诈骗宣传材料（明天 11月28日 周六 09:00） 的名额，请准时参加",
	}
	if diff := cmp.Diff(want2, got2); diff != "" {
		t.Fatalf("release (-want +got):\n%s", diff)
	}
	w.advance(25 * time.Hour) // the task (tomorrow 09:00) is done
	if got := w.one(orange, "张伟", "完成 1"); got != "[橙色平安长征志愿者] @张伟 你没有占到 #1 的名额，不能打卡" {
		t.Errorf("complete without a place: %s", got)
	}
	if got := w.one(orange, "艾力", "完成 1 2小时 发了200份"); got != "[橙色平安长征志愿者] @艾力 已记录 #1 服务 2小时，辛苦了！" {
		t.Errorf("complete: %s", got)
	}
	if got := w.one(orange, "艾力", "完成 1"); got != "[橙色平安长征志愿者] @艾力 #1 你已经打过卡了" {
		t.Errorf("complete twice: %s", got)
	}
	if got := w.one(orange, "艾力", "我的任务"); got != "[橙色平安长征志愿者] @艾力 你的任务：\n#1 发放防诈骗宣传材料 今天 11月28日 周六 09:00（已完成）" {
		t.Errorf("my tasks: %s", got)
	}
	if got := w.one(orange, "马丽", "任务"); got != "[橙色平安长征志愿者] @马丽 橙色平安 目前没有待认领的任务" {
		t.Errorf("list after the task started: %s", got)
	}
	if got := w.one(orange, "马丽", "统计"); !strings.Contains(got, "完成任务 1 人次，服务 2小时") || !strings.Contains(got, "志愿之星：艾力 2小时") {
		t.Errorf("stats: %s", got)
	}
}

func TestAssignAndCancel(t *testing.T) {
	w := newWorld(t)
	w.one(orange, "魏青", "发布 楼栋消防隐患排查 周六14:30 需要2人")
	w.one(orange, "雷胜", "任务") // 雷胜 is seen in the group, so 指派 can find him
	if got := w.one(orange, "魏青", "指派 1 @雷胜"); got != "[橙色平安长征志愿者] @魏青 @雷胜 已为 @雷胜 认领 #1 楼栋消防隐患排查（明天 11月28日 周六 14:30），还差 1 人" {
		t.Errorf("assign: %s", got)
	}
	if got := w.one(orange, "魏青", "指派 1 @不认识的人"); !strings.HasPrefix(got, "[橙色平安长征志愿者] @魏青 没有找到成员 @不认识的人") {
		t.Errorf("assign unknown: %s", got)
	}
	got := w.say(orange, "魏青", "取消任务 1")
	want := []string{
		"[橙色平安长征志愿者] @魏青 已取消任务 #1 楼栋消防隐患排查，已通知认领的人",
		"[橙色平安长征志愿者] @雷胜 任务 #1 楼栋消防隐患排查（明天 11月28日 周六 14:30） 已取消，感谢大家的支持",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Fatalf("cancel (-want +got):\n%s", diff)
	}
	if got := w.one(orange, "马丽", "接 1"); got != "[橙色平安长征志愿者] @马丽 任务 #1 已取消" {
		t.Errorf("claim cancelled: %s", got)
	}
	if got := w.one(orange, "魏青", "任务"); got != "[橙色平安长征志愿者] @魏青 橙色平安 目前没有待认领的任务" {
		t.Errorf("list after cancel: %s", got)
	}
}

// Bad input gets a short reply and changes nothing.
func TestBadInputChangesNothing(t *testing.T) {
	w := newWorld(t)
	w.one(orange, "魏青", "发布 清理楼道杂物 明天上午9点 需要1人")
	for _, nick := range []string{"魏青", "雷胜"} {
		w.one(orange, nick, "任务")
	}
	w.one(residents, "老周", "统计")
	before := w.snapshot()
	if len(before) < 5 {
		t.Fatalf("snapshot has %d keys; the store is not being read", len(before))
	}
	tests := []struct{ group, nick, text, want string }{
		{orange, "雷胜", "接 999", "没有找到任务 #999"},
		{orange, "雷胜", "退 999", "没有找到任务 #999"},
		{orange, "雷胜", "完成 999", "没有找到任务 #999"},
		{orange, "雷胜", "接", "格式：接 任务编号，例如 接 12"},
		{orange, "雷胜", "接 🙂🙂", "格式：接 任务编号，例如 接 12"},
		{orange, "魏青", "发布 春节慰问 昨天上午9点", "时间已经过去了"},
		{orange, "魏青", "发布 春节慰问 今天上午8点", "时间已经过去了"},
		{orange, "雷胜", "发布 清理楼道 明天上午9点", "仅协调员可以发布任务"},
		{orange, "雷胜", "取消任务 1", "仅协调员可以取消任务"},
		{orange, "雷胜", "指派 1 @马丽", "仅协调员可以指派任务"},
		{orange, "雷胜", "设为协调员 @雷胜", "仅协调员可以设置协调员"},
		{orange, "雷胜", "广播 全部 你好", "仅协调员可以广播"},
		{residents, "老周", "接 1", "仅队员可以认领任务"},
		{residents, "老周", "派单 R1 物业", "仅协调员可以派单"},
		{residents, "老周", "诉求", "仅协调员可以查看诉求列表"},
		{residents, "老周", "进度 R5", "没有找到诉求 R5"},
		{residents, "魏青", "发布 清理楼道 明天上午9点", "请在志愿者队伍的群里发布任务"},
		{orange, "雷胜", "接 " + strings.Repeat("１", 10000), "消息太长了"},
		{orange, "雷胜", "报事 " + strings.Repeat("灯坏了", 3400), "消息太长了"},
		{orange, "魏青", "发布 " + strings.Repeat("很长的标题", 20) + " 明天上午9点", "任务名称请在60字以内"},
		{orange, "魏青", "广播 不存在的队 明天停水", "没有找到队伍「不存在的队」"},
		{orange, "魏青", "广播 色 明天停水", "「色」对应多个队伍"},
		{orange, "魏青", "发布 合唱排练 明天下午3点 需要0人", "需要的人数请在1到999之间"},
		{orange, "魏青", "发布 合唱排练 明天下午3点 需要 1000 人", "需要的人数请在1到999之间"},
	}
	for _, tt := range tests {
		got := w.one(tt.group, tt.nick, tt.text)
		prefix := "[" + tt.group + "] @" + tt.nick + " "
		if !strings.HasPrefix(got, prefix+tt.want) {
			t.Errorf("%s: %.30q\n got %s\nwant %s…", tt.nick, tt.text, got, prefix+tt.want)
		}
		if n := len([]rune(got)); n > 160 {
			t.Errorf("%.30q: reply is %d runes; want a short one", tt.text, n)
		}
	}
	// Ordinary chat, emoji and 10,000 characters of nothing get no reply at all.
	for _, text := range []string{"大家好🙂", strings.Repeat("哈", 10000), "＠＠＠", "\x00\x01"} {
		if got := w.say(orange, "雷胜", text); len(got) != 0 {
			t.Errorf("chat %.20q answered: %q", text, got)
		}
	}
	if diff := cmp.Diff(before, w.snapshot()); diff != "" {
		t.Errorf("bad input changed the store (-before +after):\n%s", diff)
	}
}

func TestHelpDependsOnRole(t *testing.T) {
	w := newWorld(t)
	resident := w.one(residents, "老周", "帮助")
	member := w.one(orange, "雷胜", "帮助")
	coord := w.one(orange, "魏青", "？")
	if strings.Contains(resident, "接 编号") || !strings.Contains(resident, "报事") {
		t.Errorf("resident help: %s", resident)
	}
	if !strings.Contains(member, "接 编号") || strings.Contains(member, "发布") {
		t.Errorf("member help: %s", member)
	}
	if !strings.Contains(coord, "发布 任务名称") {
		t.Errorf("coordinator help: %s", coord)
	}
	// The residents' group refuses 发布 and has no task listing: a coordinator there is
	// offered the report commands and not those.
	coordResidents := w.one(residents, "魏青", "帮助")
	for _, refused := range []string{"发布", "任务 —— 待认领任务", "接 编号", "指派"} {
		if strings.Contains(coordResidents, refused) {
			t.Errorf("coordinator help in the residents' group offers %q: %s", refused, coordResidents)
		}
	}
	if !strings.Contains(coordResidents, "派单 R编号") {
		t.Errorf("coordinator help in the residents' group lacks 派单: %s", coordResidents)
	}
	if got := w.one(residents, "魏青", "发布 巡逻 明天上午9点"); !strings.Contains(got, "请在志愿者队伍的群里发布") {
		t.Errorf("发布 in the residents' group = %q; want it refused, as help says", got)
	}
	if got := w.say(residents, "老周", "@长征小助手 你好"); len(got) != 0 {
		t.Errorf("a mention without MentionsBot set is plain chat: %q", got)
	}
}

func TestRegisterAndRelink(t *testing.T) {
	w := newWorld(t)
	w.one(orange, "魏青", "发布 清理楼道杂物 明天上午9点 需要2人")
	w.one(orange, "雷胜", "接 1")
	if got := w.one(orange, "雷胜", "登记 雷胜 水务"); got != "[橙色平安长征志愿者] @雷胜 已登记：雷胜，单位 克拉玛依市水务公司" {
		t.Errorf("register: %s", got)
	}
	// 雷胜 renames himself in WeChat: to chorus a new nickname is a new person.
	if got := w.one(orange, "老雷", "我的任务"); got != "[橙色平安长征志愿者] @老雷 你目前没有认领的任务" {
		t.Errorf("renamed: %s", got)
	}
	// Typing a name takes over nobody's record: anyone can type anyone's name.
	if got := w.one(orange, "老雷", "登记 雷胜"); got != "[橙色平安长征志愿者] @老雷 已登记：雷胜。系统里已有一位「雷胜」；如果那是你改名前的记录，请协调员发送「登记 雷胜 @老雷」帮你找回" {
		t.Errorf("register a taken name: %s", got)
	}
	if got := w.one(orange, "老雷", "我的任务"); got != "[橙色平安长征志愿者] @老雷 你目前没有认领的任务" {
		t.Errorf("a typed name must not bring another's claims: %s", got)
	}
	if got := w.one(orange, "老雷", "登记 雷胜 @老雷"); got != "[橙色平安长征志愿者] @老雷 仅协调员可以合并成员记录" {
		t.Errorf("member relinks: %s", got)
	}
	// A coordinator, who knows the person, merges the new nickname into the record.
	if got := w.say(orange, "魏青", "登记 雷胜 @老雷"); len(got) != 1 || got[0] != "[橙色平安长征志愿者] @魏青 @老雷 已将 @老雷 与「雷胜」之前的记录合并" {
		t.Errorf("coordinator relinks: %q", got)
	}
	if got := w.one(orange, "老雷", "我的任务"); !strings.Contains(got, "#1 清理楼道杂物") {
		t.Errorf("after the merge the claims are his: %s", got)
	}
	// Someone with a history of their own is never merged away.
	w.one(orange, "马丽", "接 1")
	w.one(orange, "马丽", "登记 雷胜")
	if got := w.one(orange, "魏青", "登记 雷胜 @马丽"); !strings.HasPrefix(got, "[橙色平安长征志愿者] @魏青 不能合并") {
		t.Errorf("merge a member with history: %s", got)
	}
	// Promotion by a coordinator.
	if got := w.one(orange, "魏青", "设为协调员 @老雷"); got != "[橙色平安长征志愿者] @魏青 已将 @老雷 设为协调员" {
		t.Errorf("promote: %s", got)
	}
	if got := w.one(orange, "老雷", "发布 巡逻 明天晚上8点"); !strings.Contains(got, "已发布任务 #2") {
		t.Errorf("promoted coordinator publishes: %s", got)
	}
}

// A group display name equal to a coordinator's is not a coordinator: configured
// coordinators are matched on the transport's stable handle (the WeChat nickname).
func TestCoordinatorByStableHandle(t *testing.T) {
	w := newWorld(t)
	m := dispatch.Message{ID: "x1", Transport: "wechat", Chat: dispatch.Chat{Group: orange},
		From: dispatch.Sender{Nick: "魏青", Ref: "冒名者"}, Text: "发布 假任务 明天上午9点"}
	posts, err := w.svc.Handle(t.Context(), m)
	if err != nil || len(posts) != 1 || posts[0].Text != "仅协调员可以发布任务" {
		t.Fatalf("impostor by display name: %+v, %v", posts, err)
	}
	m.ID, m.From = "x2", dispatch.Sender{Nick: "魏主任", Ref: "魏青"}
	posts, err = w.svc.Handle(t.Context(), m)
	if err != nil || len(posts) != 1 || !strings.HasPrefix(posts[0].Text, "已发布任务 #1") {
		t.Fatalf("coordinator under a group display name: %+v, %v", posts, err)
	}
}
