package dispatch_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/changzheng/chorus/dispatch"
)

// steps runs a scripted conversation and compares every post.
type step struct {
	group, nick, text string
	want              []string
}

func run(t *testing.T, w *world, steps []step) {
	t.Helper()
	for _, s := range steps {
		got := w.say(s.group, s.nick, s.text)
		if diff := cmp.Diff(s.want, got); diff != "" {
			t.Fatalf("%s in %s: %s (-want +got):\n%s", s.nick, s.group, s.text, diff)
		}
	}
}

func TestReportLifecycle(t *testing.T) {
	w := newWorld(t)
	w.one(green, "艾力", "任务") // 艾力 is a member of 绿色健康
	run(t, w, []step{
		{residents, "阿依古丽", "报事 3号楼2单元楼道灯坏了，晚上看不见路", []string{
			"[长征社区居民群] @阿依古丽 已受理 R1（设施维修，3号楼2单元），我们会在2小时内响应。发送「进度 R1」可随时查看进度"}},
		{"", "老周", "反映 12栋门口垃圾三天没人清运，味道很大", []string{
			"[私聊 老周] 已受理 R2（环境卫生，12栋），我们会在2小时内响应。发送「进度 R2」可随时查看进度"}},
		{office, "魏青", "派单 R1 物业 3天", []string{
			"[长征社区工作群] @魏青 已将 R1 派给 物业公司，期限 11月30日 周一 10:00",
			"[长征社区居民群] @阿依古丽 你反映的 R1 已派给 物业公司 处理，期限 11月30日 周一 10:00"}},
		{office, "魏青", "派单 R2 绿色", []string{
			"[长征社区工作群] @魏青 已将 R2 派给 绿色健康，期限 11月30日 周一 10:00",
			"[私聊 老周] 你反映的 R2 已派给 绿色健康 处理，期限 11月30日 周一 10:00",
			"[绿色健康长征志愿者] 新任务 #1（诉求R2）：环境卫生 · 12栋\n12栋门口垃圾三天没人清运，味道很大\n办结期限 11月30日 周一 10:00，回复「接 1」认领"}},
		{green, "艾力", "接 1", []string{"[绿色健康长征志愿者] @艾力 已认领 #1 处理诉求R2，名额已满"}},
		{green, "艾力", "完成 1 1小时 已清运", []string{
			"[绿色健康长征志愿者] @艾力 已记录 #1 服务 1小时，辛苦了！",
			"[绿色健康长征志愿者] #1 已完成。诉求 R2 如已解决，请发送「办结 R2 处理情况」"}},
		{green, "艾力", "办结 R2 垃圾已清运", []string{
			"[绿色健康长征志愿者] @艾力 已办结 R2，已请居民评价",
			"[私聊 老周] 你反映的 R2 已办结：垃圾已清运。请回复「满意 R2」「基本满意 R2」或「不满意 R2 原因」"}},
		{"", "老周", "满意 R2", []string{"[私聊 老周] 谢谢你的评价，R2 已关闭"}},
		{office, "魏青", "办结 R1 已更换灯泡", []string{
			"[长征社区工作群] @魏青 已办结 R1，已请居民评价",
			"[长征社区居民群] @阿依古丽 你反映的 R1 已办结：已更换灯泡。请回复「满意 R1」「基本满意 R1」或「不满意 R1 原因」"}},
		{residents, "阿依古丽", "不满意 R1 还是不亮", []string{
			"[长征社区居民群] @阿依古丽 抱歉没有办好，R1 已重新交给 物业公司 处理，并列入圆桌会议议程",
			"[长征社区工作群] 居民对 R1（设施维修，3号楼2单元）不满意：还是不亮。已重新派给 物业公司，并列入圆桌会议议程"}},
	})
	// The reopened report is on the agenda and dispatched again.
	got := w.one(residents, "邻居", "进度 R1")
	for _, want := range []string{"状态：已派单（物业公司", "已列入圆桌会议议程", "居民 报事", "魏青 派单给物业公司", "魏青 办结：已更换灯泡", "居民 评价：不满意（还是不亮）"} {
		if !strings.Contains(got, want) {
			t.Errorf("进度 R1 lacks %q:\n%s", want, got)
		}
	}
	// A closed report cannot be changed, except by a coordinator reopening it (派单).
	run(t, w, []step{
		{"", "老周", "不满意 R2", []string{"[私聊 老周] R2 已关闭，不能再修改；如需重新处理请联系协调员"}},
		{green, "艾力", "办结 R2", []string{"[绿色健康长征志愿者] @艾力 R2 已关闭，不能再修改；如需重新处理请联系协调员"}},
		{office, "魏青", "上会 R2", []string{"[长征社区工作群] @魏青 R2 已关闭，不能再修改；如需重新处理请联系协调员"}},
		{office, "魏青", "派单 R2 居委会 1天", []string{
			"[长征社区工作群] @魏青 已将 R2 派给 居委会，期限 明天 11月28日 周六 10:00",
			"[私聊 老周] 你反映的 R2 已派给 居委会 处理，期限 明天 11月28日 周六 10:00"}},
	})
	stats := w.one(office, "魏青", "统计")
	for _, want := range []string{"诉求：收到 2 件，办结 2 件，关闭 1 件", "分类：设施维修 1、环境卫生 1", "评价：满意 1、基本满意 0、不满意 1"} {
		if !strings.Contains(stats, want) {
			t.Errorf("统计 lacks %q:\n%s", want, stats)
		}
	}
}

// Every permission rule: refused with a clear reply and no change.
func TestReportPermissions(t *testing.T) {
	w := newWorld(t)
	w.one(residents, "阿依古丽", "报事 3号楼2单元楼道灯坏了")
	w.say(office, "魏青", "派单 R1 绿色 2天")
	w.one(orange, "雷胜", "任务")
	w.one(green, "艾力", "任务")
	w.one(residents, "老周", "统计")
	before := w.snapshot()
	for _, s := range []step{
		{residents, "老周", "派单 R1 物业", []string{"[长征社区居民群] @老周 仅协调员可以派单"}},
		{orange, "雷胜", "派单 R1 物业", []string{"[橙色平安长征志愿者] @雷胜 仅协调员可以派单"}},
		{residents, "老周", "上会 R1", []string{"[长征社区居民群] @老周 仅协调员可以把诉求列入议程"}},
		{residents, "老周", "办结 R1", []string{"[长征社区居民群] @老周 仅协调员或责任队伍的队员可以办结诉求"}},
		{orange, "雷胜", "办结 R1", []string{"[橙色平安长征志愿者] @雷胜 仅协调员或责任队伍的队员可以办结诉求"}},
		{residents, "老周", "满意 R1", []string{"[长征社区居民群] @老周 只有反映这个问题的居民可以评价"}},
		{residents, "阿依古丽", "满意 R1", []string{"[长征社区居民群] @阿依古丽 R1 还没有办结，办结后再评价"}},
		{residents, "老周", "诉求", []string{"[长征社区居民群] @老周 仅协调员可以查看诉求列表"}},
		{office, "魏青", "派单 R1 不存在的单位", []string{"[长征社区工作群] @魏青 没有找到责任方「不存在的单位」，可以派给：物业公司、居委会、业委会、克拉玛依市水务公司、橙色平安、绿色健康"}},
		{office, "魏青", "派单 R9 物业", []string{"[长征社区工作群] @魏青 没有找到诉求 R9"}},
		{office, "魏青", "派单 R1 物业 今天上午9点", []string{"[长征社区工作群] @魏青 时间已经过去了（今天 11月27日 周五 09:00），请换一个将来的时间。"}},
		{office, "魏青", "派单 R1 物业 昨天", []string{"[长征社区工作群] @魏青 时间已经过去了（11月26日 周四 09:00），请换一个将来的时间。"}},
	} {
		got := w.say(s.group, s.nick, s.text)
		if diff := cmp.Diff(s.want, got); diff != "" {
			t.Errorf("%s: %s (-want +got):\n%s", s.nick, s.text, diff)
		}
	}
	if diff := cmp.Diff(before, w.snapshot()); diff != "" {
		t.Errorf("refused commands changed the store (-before +after):\n%s", diff)
	}
	// A member of the responsible team may resolve, also after speaking in another
	// team's group (people belong to several teams).
	w.one(orange, "艾力", "任务")
	if got := w.say(orange, "艾力", "办结 R1 已修好"); len(got) != 2 {
		t.Errorf("team member resolves: %q", got)
	}
}

// 进度 shows the case without the reporter's personal data; coordinators see the reporter.
func TestReportPrivacy(t *testing.T) {
	w := newWorld(t)
	w.one(residents, "阿依古丽", "报事 5号楼402漏水，请联系我13912345678")
	public := w.one(residents, "老周", "进度 R1")
	if strings.Contains(public, "阿依古丽") || strings.Contains(public, "13912345678") {
		t.Errorf("进度 shows personal data to a resident:\n%s", public)
	}
	if !strings.Contains(public, "139****5678") {
		t.Errorf("进度 should show the masked phone:\n%s", public)
	}
	coord := w.one(office, "魏青", "进度 R1")
	if !strings.Contains(coord, "报事人：阿依古丽（长征社区居民群）") || !strings.Contains(coord, "13912345678") {
		t.Errorf("coordinator's 进度 lacks the reporter:\n%s", coord)
	}
}

// Each report knows its SLA; a report not dispatched in time is overdue, a dispatched one
// is due at its deadline.
func TestReportSLA(t *testing.T) {
	w := newWorld(t)
	w.one(residents, "阿依古丽", "报事 3号楼2单元楼道灯坏了")
	w.one(residents, "老周", "报事 12栋门口垃圾没人清运")
	w.say(office, "魏青", "派单 R2 物业 1天")
	overdue := func(d time.Duration) []int64 {
		rs, err := w.db.OverdueReports(t.Context(), w.clock().Add(d), 10)
		if err != nil {
			t.Fatal(err)
		}
		var ids []int64
		for _, r := range rs {
			ids = append(ids, r.ID)
		}
		return ids
	}
	if got := overdue(119 * time.Minute); len(got) != 0 {
		t.Errorf("before 2h: %v", got)
	}
	if got := overdue(2 * time.Hour); !cmp.Equal(got, []int64{1}) {
		t.Errorf("at 2h: %v; want [1]", got)
	}
	if got := overdue(24 * time.Hour); !cmp.Equal(got, []int64{1, 2}) {
		t.Errorf("at 24h: %v; want [1 2]", got)
	}
}

// A message handled again after a crash (its change already stored) gets the same
// answer and the same notifications, not a refusal.
func TestReportReplayAfterCrash(t *testing.T) {
	w := newWorld(t)
	w.one(residents, "阿依古丽", "报事 3号楼2单元楼道灯坏了")
	w.say(office, "魏青", "派单 R1 物业")
	for i, s := range []struct{ group, nick, text string }{
		{office, "魏青", "上会 R1"},
		{office, "魏青", "办结 R1 已更换灯泡"},
		{residents, "阿依古丽", "不满意 R1 还是不亮"},
	} {
		m := dispatch.Message{ID: fmt.Sprintf("replay-%d", i), Transport: "console", Chat: dispatch.Chat{Group: s.group},
			From: dispatch.Sender{Nick: s.nick}, Text: s.text}
		first, err := w.svc.Handle(t.Context(), m)
		if err != nil {
			t.Fatal(err)
		}
		again, err := w.svc.Handle(t.Context(), m)
		if err != nil {
			t.Fatal(err)
		}
		if diff := cmp.Diff(lines(first), lines(again)); diff != "" {
			t.Errorf("%s handled twice (-first +again):\n%s", s.text, diff)
		}
	}
	r, err := w.db.Report(t.Context(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(r.History) != 5 { // 报事, 派单, 上会, 办结, 不满意: each once
		t.Errorf("history has %d entries; want 5: %+v", len(r.History), r.History)
	}
}

// A report resolved without being dispatched and rated 不满意 goes back to the
// coordinators to dispatch; counts are per report; a team's task closes with its case.
func TestReportEdgeCases(t *testing.T) {
	w := newWorld(t)
	w.one(residents, "张大妈", "报事 3号楼灯坏了")
	w.say(office, "魏青", "办结 R1 已修")
	got := w.say(residents, "张大妈", "不满意 R1 没修好")
	want := []string{
		"[长征社区居民群] @张大妈 抱歉没有办好，R1 已重新受理，协调员会尽快安排，并列入圆桌会议议程",
		"[长征社区工作群] 居民对 R1（设施维修，3号楼）不满意：没修好。已重新受理，请派单：派单 R1 责任方",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("不满意 without a party (-want +got):\n%s", diff)
	}
	if got := w.one(residents, "张大妈", "进度 R1"); !strings.Contains(got, "状态：已受理，已列入圆桌会议议程") {
		t.Errorf("进度 after reopening: %s", got)
	}
	// Dispatched to a team, resolved, reopened, resolved again: counted once.
	w.say(office, "魏青", "派单 R1 绿色")
	if got := w.one(green, "艾力", "任务"); !strings.Contains(got, "处理诉求R1") {
		t.Errorf("the team's task is listed: %s", got)
	}
	w.say(office, "魏青", "派单 R1 绿色") // the same team again: no second task
	if got := w.one(green, "艾力", "任务"); strings.Count(got, "处理诉求R1") != 1 {
		t.Errorf("re-dispatch to the same team duplicates the task: %s", got)
	}
	w.say(office, "魏青", "办结 R1 已修好")
	if got := w.one(green, "艾力", "任务"); strings.Contains(got, "处理诉求R1") {
		t.Errorf("the task of a resolved case is still listed: %s", got)
	}
	w.say(residents, "张大妈", "满意 R1")
	stats := w.one(office, "魏青", "统计")
	for _, want := range []string{"诉求：收到 1 件，办结 1 件，关闭 1 件", "评价：满意 1、基本满意 0、不满意 0（满意率 100%）"} {
		if !strings.Contains(stats, want) {
			t.Errorf("统计 lacks %q:\n%s", want, stats)
		}
	}
}

// An escalated stage leaves the overdue index, so escalations never stall behind
// reports already escalated.
func TestEscalatedLeavesOverdueIndex(t *testing.T) {
	w := newWorld(t)
	// Three different problems: the same one told again is not filed at once.
	for _, text := range []string{"报事 12栋门口垃圾没人清运", "报事 5号楼楼道灯坏了", "报事 东门门禁刷卡没反应"} {
		w.one(residents, "老周", text)
	}
	later := w.clock().Add(3 * time.Hour)
	if rs, _ := w.db.OverdueReports(t.Context(), later, 10); len(rs) != 3 {
		t.Fatalf("overdue before escalation: %d; want 3", len(rs))
	}
	if ok, err := w.db.MarkEscalated(t.Context(), 2, "dispatch", later); err != nil || !ok {
		t.Fatalf("escalate: %v, %v", ok, err)
	}
	rs, err := w.db.OverdueReports(t.Context(), later, 10)
	if err != nil || len(rs) != 2 || rs[0].ID != 1 || rs[1].ID != 3 {
		t.Fatalf("overdue after escalating R2: %+v, %v; want R1 and R3", rs, err)
	}
	// Dispatching sets a new deadline: the report is due again, for its next stage.
	w.say(office, "魏青", "派单 R2 物业 1天")
	rs, _ = w.db.OverdueReports(t.Context(), later.Add(48*time.Hour), 10)
	if len(rs) != 3 {
		t.Fatalf("overdue after dispatching R2: %d; want 3", len(rs))
	}
}
