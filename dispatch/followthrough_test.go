package dispatch_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/changzheng/chorus/dispatch"
)

func TestUrgentReport(t *testing.T) {
	w := newWorld(t)
	for _, tc := range []struct{ text, cat string }{
		{"报事 燃气味道很重", "治安消防"},
		{"报事 电梯困人，5号楼", "治安消防"},
		{"报事 孩子走失了", "治安消防"},
		{"求助 7号楼老人摔倒了", "帮扶救助"},
		{"报事 楼上天花板哗哗往下流水", "设施维修"},
	} {
		got := w.say(residents, "阿依古丽", tc.text)
		if len(got) != 2 || !strings.Contains(got[0], "已受理紧急诉求") || !strings.Contains(got[0], tc.cat) ||
			!strings.HasPrefix(got[1], "[长征社区工作群] 【紧急】") {
			t.Errorf("%s: got %q; want the urgent reply in %s and 【紧急】 to the coordinators", tc.text, got, tc.cat)
		}
	}
	// Not emergencies: a stove, a broken lift.
	for _, text := range []string{"报事 燃气灶打不着火了", "报事 8号楼电梯坏了"} {
		if got := w.say(residents, "老周", text); len(got) != 1 || strings.Contains(got[0], "紧急") {
			t.Errorf("%s: got %q; want one ordinary reply", text, got)
		}
	}
}

// 改类 takes a category by the start of its name, as 派单 takes parties.
func TestRecategoriseByPrefix(t *testing.T) {
	w := newWorld(t)
	w.one(residents, "阿依古丽", "报事 3号楼2单元楼道灯坏了")
	if got, want := w.one(office, "魏青", "改类 R1 治安"), "已将 R1 的类别由 设施维修 改为 治安消防"; !strings.Contains(got, want) {
		t.Errorf("改类 R1 治安: got %q; want %q", got, want)
	}
}

func TestNewVerbsRefused(t *testing.T) {
	w := newWorld(t)
	w.one(residents, "阿依古丽", "报事 3号楼2单元楼道灯坏了")
	w.one(green, "艾力", "任务")
	w.one(residents, "老周", "帮助") // everyone speaks once first: being seen is not a change
	w.one(office, "魏青", "帮助")
	before := w.snapshot()
	for _, tc := range []struct{ group, nick, text, want string }{
		{residents, "老周", "改类 R1 治安消防", "仅协调员可以改类"},
		{green, "艾力", "改类 R1 治安消防", "仅协调员可以改类"},
		{office, "魏青", "改类 R1 天气", "没有「天气」这个类别"},
		{office, "魏青", "改类 R1 消防", "没有「消防」这个类别"}, // not the start of a name
		{office, "魏青", "改类 R1", "格式：改类 诉求编号 类别"},
		{office, "魏青", "改类 R9 其他", "没有找到诉求 R9"},
		{residents, "老周", "催办 R1", "仅协调员或反映这个问题的居民可以催办"},
		{green, "艾力", "催办 R1", "仅协调员或反映这个问题的居民可以催办"},
		{residents, "阿依古丽", "同问 R1", "R1 是你反映的"},
		{residents, "老周", "同问 R9", "没有找到诉求 R9"},
		{residents, "老周", "同问", "格式：同问 诉求编号"},
	} {
		if got := w.one(tc.group, tc.nick, tc.text); !strings.Contains(got, tc.want) {
			t.Errorf("%s: %s: got %q; want %q", tc.nick, tc.text, got, tc.want)
		}
	}
	if diff := cmp.Diff(before, w.snapshot()); diff != "" {
		t.Errorf("refused commands changed the store (-before +after):\n%s", diff)
	}
	// "+1" and "我也是" alone are chat.
	for _, text := range []string{"+1", "我也是", "我也是这么想的"} {
		if got := w.say(residents, "老周", text); len(got) != 0 {
			t.Errorf("%s: got %q; want no answer", text, got)
		}
	}
}

// The reporter telling an open report again is pointed to 进度 and 催办 rather than filing a
// second case; sent once more, it is filed (it may be another problem).
func TestOwnReportAgain(t *testing.T) {
	w := newWorld(t)
	run(t, w, []step{
		{residents, "阿依古丽", "报事 3号楼2单元楼道灯坏了", []string{
			"[长征社区居民群] @阿依古丽 已受理 R1（设施维修，3号楼2单元），我们会在2小时内响应。发送「进度 R1」可随时查看进度"}},
		{residents, "阿依古丽", "报事 3号楼2单元楼道灯还是不亮", []string{
			"[长征社区居民群] @阿依古丽 你反映的 R1（3号楼2单元 设施维修）还在办理中：发送「进度 R1」查看，「催办 R1」催促办理；如果是另一个问题，请再发一次"}},
		{residents, "阿依古丽", "报事 3号楼2单元楼道灯还是不亮", []string{
			"[长征社区居民群] @阿依古丽 已受理 R2（设施维修，3号楼2单元），我们会在2小时内响应。发送「进度 R2」可随时查看进度"}},
	})
}

func TestDuplicateFollowChaseAutoClose(t *testing.T) {
	w := newWorld(t)
	var jobs []dispatch.Job
	for _, j := range schedJobs(t) {
		if j.Name == dispatch.JobEscalation {
			jobs = append(jobs, j)
		}
	}
	w.svc = dispatch.New(testCommunity(t), w.db, dispatch.Options{Now: w.clock, Jobs: jobs})
	ctx := context.Background()
	if _, err := w.svc.RunDue(ctx, w.clock()); err != nil { // the schedule starts now
		t.Fatal(err)
	}
	run(t, w, []step{
		{residents, "阿依古丽", "报事 3号楼2单元楼道灯坏了", []string{
			"[长征社区居民群] @阿依古丽 已受理 R1（设施维修，3号楼2单元），我们会在2小时内响应。发送「进度 R1」可随时查看进度"}},
		{residents, "老周", "报事 3号楼2单元的灯不亮", []string{
			"[长征社区居民群] @老周 可能与 R1 相同（3号楼2单元 设施维修），回复 同问 R1 关注，或继续描述不同的问题"}},
		{residents, "老周", "我也是 R1", []string{
			"[长征社区居民群] @老周 已关注 R1（3号楼2单元 设施维修），派单和办结时会通知你；共 1 人关注"}},
		{residents, "老周", "+1 R1", []string{"[长征社区居民群] @老周 你已经关注了 R1"}},
		{"", "小王", "报事 3号楼2单元楼道灯坏了好几天了", []string{
			"[私聊 小王] 可能与 R1 相同（3号楼2单元 设施维修），回复 同问 R1 关注，或继续描述不同的问题"}},
		// 小王 goes on: the second time it is filed.
		{"", "小王", "报事 3号楼2单元楼道灯坏了好几天了", []string{
			"[私聊 小王] 已受理 R2（设施维修，3号楼2单元），我们会在2小时内响应。发送「进度 R2」可随时查看进度"}},
		{office, "魏青", "改类 R2 其他", []string{"[长征社区工作群] @魏青 已将 R2 的类别由 设施维修 改为 其他"}},
		{office, "魏青", "派单 R1 绿色 1天", []string{
			"[长征社区工作群] @魏青 已将 R1 派给 绿色健康，期限 明天 11月28日 周六 10:00",
			"[长征社区居民群] @阿依古丽 你反映的 R1 已派给 绿色健康 处理，期限 明天 11月28日 周六 10:00",
			"[长征社区居民群] @老周 你关注的 R1（3号楼2单元 设施维修）已派给 绿色健康 处理，期限 明天 11月28日 周六 10:00",
			"[绿色健康长征志愿者] 新任务 #1（诉求R1）：设施维修 · 3号楼2单元\n3号楼2单元楼道灯坏了\n办结期限 明天 11月28日 周六 10:00，回复「接 1」认领"}},
		{residents, "阿依古丽", "催办 R1", []string{
			"[长征社区居民群] @阿依古丽 已催办 R1，已转告 绿色健康",
			"[绿色健康长征志愿者] 【催办】R1 设施维修 3号楼2单元：3号楼2单元楼道灯坏了\n居民催办，已等0分钟，期限 明天 11月28日 周六 10:00，请尽快办理"}},
		{residents, "阿依古丽", "催办 R1", []string{"[长征社区居民群] @阿依古丽 R1 今天已经催办过了，每个工作日催办一次"}},
		{office, "魏青", "办结 R1 已更换灯泡", []string{
			"[长征社区工作群] @魏青 已办结 R1，已请居民评价",
			"[长征社区居民群] @阿依古丽 你反映的 R1 已办结：已更换灯泡。请回复「满意 R1」「基本满意 R1」或「不满意 R1 原因」"}},
	})
	// The follow-through runs with the escalation job; its escalations are not looked at here.
	due := func(at time.Duration) []string {
		t.Helper()
		w.advance(at)
		batches, err := w.svc.RunDue(ctx, w.clock())
		if err != nil {
			t.Fatal(err)
		}
		var out []string
		for _, b := range batches {
			for _, l := range lines(b.Posts) {
				if !strings.Contains(l, "【超时升级】") {
					out = append(out, l)
				}
			}
		}
		return out
	}
	if got := due(23 * time.Hour); len(got) != 0 {
		t.Errorf("23h after 办结: %q; want nothing yet", got)
	}
	want := []string{"[长征社区居民群] @阿依古丽 你反映的 R1 已办结一天了，请评价：回复「满意 R1」「基本满意 R1」或「不满意 R1 原因」；7天内未评价将默认满意"}
	if diff := cmp.Diff(want, due(time.Hour)); diff != "" {
		t.Errorf("a day after 办结 (-want +got):\n%s", diff)
	}
	if got := due(time.Hour); len(got) != 0 {
		t.Errorf("reminded again: %q", got)
	}
	want = []string{"[长征社区居民群] @老周 你关注的 R1（3号楼2单元 设施维修）已办结关闭"}
	if diff := cmp.Diff(want, due(6*24*time.Hour)); diff != "" {
		t.Errorf("7 days after 办结 (-want +got):\n%s", diff)
	}
	got := w.one(residents, "阿依古丽", "进度 R1")
	if !strings.Contains(got, "状态：已关闭") || !strings.Contains(got, "系统 7天未评价，默认满意") {
		t.Errorf("进度 R1 after auto-close: %q", got)
	}
	w.say(office, "魏青", "办结 R2")
	w.say("", "小王", "满意 R2")
	// A new report at the same place and category within 30 days is 重复诉求.
	got = w.one(residents, "小李", "报事 3号楼2单元楼道灯又坏了")
	if !strings.Contains(got, "重复诉求：与 R1 相同") {
		t.Errorf("repeat: %q; want 重复诉求", got)
	}
}
