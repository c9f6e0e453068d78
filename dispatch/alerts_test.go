package dispatch_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/changzheng/chorus/dispatch"
)

// alertsIn lists the alerts (【提醒协调员】) among lines, with where they went.
func alertsIn(ls []string) []string {
	var out []string
	for _, l := range ls {
		if strings.Contains(l, "【提醒协调员】") {
			out = append(out, l)
		}
	}
	return out
}

// TestReleaseAlert: a 退 within 24 h of the start that leaves a task short reaches the
// coordinators' group with the reason given; one further ahead, or one whose place a
// waiting person takes, does not.
func TestReleaseAlert(t *testing.T) {
	w := newWorld(t)                                 // Friday 10:00
	w.say(orange, "魏青", "发布 巡逻 明天上午9点 东门 需要2人 2小时")  // #1: in 23 h
	w.say(orange, "魏青", "发布 宣传 下周一上午9点 门口 需要1人 2小时") // #2: in 3 days
	w.say(orange, "魏青", "发布 清扫 明天上午8点 3号楼 需要1人 1小时") // #3: in 22 h, with a waiting list
	for _, step := range []struct{ nick, text string }{
		{"雷胜", "接 1"}, {"马丽", "接 1"}, {"雷胜", "接 2"}, {"雷胜", "接 3"}, {"马丽", "接 3"},
	} {
		w.say(orange, step.nick, step.text)
	}
	got := w.say(orange, "雷胜", "退 1 家里有事")
	want := []string{
		"[橙色平安长征志愿者] @雷胜 已退出 #1，名额已让出（原因：家里有事）",
		"[长征社区工作群] 【提醒协调员】雷胜 退出了 #1 巡逻（明天 11月28日 周六 09:00）（原因：家里有事），还差 1 人",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("退 1 家里有事 (-want +got):\n%s", diff)
	}
	if got := alertsIn(w.say(orange, "雷胜", "退 2")); len(got) != 0 {
		t.Errorf("退 3 days ahead: %q; want no alert", got)
	}
	if got := alertsIn(w.say(orange, "雷胜", "退 3")); len(got) != 0 {
		t.Errorf("退 with someone waiting: %q; want no alert (马丽 takes the place)", got)
	}
	// Said in a private chat, the alert still goes to the coordinators' group only. The
	// same message handled again (after a crash) gives the same posts, which the outbox
	// queues once for the message's op: the alert is not told twice.
	m := dispatch.Message{ID: "private-1", Transport: "console", From: dispatch.Sender{Nick: "马丽"},
		Chat: dispatch.Chat{User: "马丽", Transport: "console"}, Text: "退 1"}
	var runs [][]string
	for range 2 {
		posts, err := w.svc.Handle(t.Context(), m)
		if err != nil {
			t.Fatal(err)
		}
		runs = append(runs, lines(posts))
	}
	want = []string{"[长征社区工作群] 【提醒协调员】马丽 退出了 #1 巡逻（明天 11月28日 周六 09:00），还差 2 人"}
	if diff := cmp.Diff(want, alertsIn(runs[0])); diff != "" {
		t.Errorf("退 1 in private (-want +got):\n%s", diff)
	}
	if diff := cmp.Diff(runs[0], runs[1]); diff != "" {
		t.Errorf("退 1 handled again (-first +again):\n%s", diff)
	}
}

// TestShortAlert: a task starting within reminder_before still short of people reaches
// the coordinators' group once, however many schedulers tick; a full one does not.
func TestShortAlert(t *testing.T) {
	start := schedAt(t, "2026-12-02 10:00") // a Wednesday
	w := newSchedWorld(t, 2, start)
	w.tick(0, start)
	w.say(schedOrange, schedCoord, "发布 巡逻 今天下午3点 东门 需要2人 2小时")  // #1: one short
	w.say(schedOrange, schedCoord, "发布 清扫 今天下午3点 3号楼 需要1人 1小时") // #2: full
	w.say(schedOrange, "雷胜", "接 1")
	w.say(schedOrange, "马丽", "接 2")
	var got []string
	for m := 0; m <= 20; m++ {
		now := schedAt(t, "2026-12-02 13:50").Add(time.Duration(m) * time.Minute)
		for i := range 2 {
			for _, b := range w.tick(i, now) {
				got = append(got, alertsIn(lines(b.Posts))...)
			}
		}
	}
	want := []string{"[长征社区工作群] 【提醒协调员】#1 巡逻（今天 12月2日 周三 15:00）快开始了，还差 1 人（已认领：雷胜），请安排：指派 1 @昵称"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("alerts (-want +got):\n%s", diff)
	}
	// Published already within the hour and short: told at the next tick.
	w.clock.Set(schedAt(t, "2026-12-02 14:30"))
	w.say(schedOrange, schedCoord, "发布 搬运 今天下午3点 活动室 需要1人 1小时") // #3
	var late []string
	for _, b := range w.tick(1, schedAt(t, "2026-12-02 14:31")) {
		late = append(late, alertsIn(lines(b.Posts))...)
	}
	if len(late) != 1 || !strings.Contains(late[0], "#3 搬运") {
		t.Errorf("a task published 30 minutes ahead: alerts %q; want one for #3", late)
	}
}

// TestRosterDayAlert: a leave that leaves a roster's place empty, with nobody to take it,
// reaches the coordinators' group; a day whose morning assignment finds everyone on leave
// does too, once, and not again for a day the leaves already told.
func TestRosterDayAlert(t *testing.T) {
	start := schedAt(t, "2026-12-02 07:00") // a Wednesday
	w := newSchedWorld(t, 2, start)
	w.tick(0, start)
	// Today: 值班 picks two; the other four take leave; then both on duty do.
	duty := w.say(schedOrange, schedCoord, "值班")[0].Mentions[1:] // after the speaker
	if len(duty) != 2 {
		t.Fatalf("值班: %v; want two on duty", duty)
	}
	for _, who := range schedRoster.Members {
		if who == duty[0] || who == duty[1] {
			continue
		}
		if got := alertsIn(lines(w.say(schedOrange, who, "请假 今天"))); len(got) != 0 {
			t.Errorf("%s 请假 today, not on duty: %q; want no alert", who, got)
		}
	}
	var got []string
	for _, who := range duty {
		got = append(got, alertsIn(lines(w.say(schedOrange, who, "请假 今天")))...)
	}
	want := []string{
		"[长征社区工作群] 【提醒协调员】今天 12月2日 周三 楼栋巡逻：" + duty[0] + " 请假，没有人可以顶班，请在「橙色平安长征志愿者」安排",
		"[长征社区工作群] 【提醒协调员】今天 12月2日 周三 楼栋巡逻：" + duty[1] + " 请假，没有人可以顶班，请在「橙色平安长征志愿者」安排",
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("leaves after the pick (-want +got):\n%s", diff)
	}
	// Tomorrow: everyone takes leave before the pick; the morning's 每日派单 finds nobody.
	for _, who := range schedRoster.Members {
		w.say(schedOrange, who, "请假 明天")
	}
	got = nil
	for _, at := range []string{"2026-12-02 08:00", "2026-12-03 07:59", "2026-12-03 08:00", "2026-12-03 08:01"} {
		for i := range 2 {
			for _, b := range w.tick(i, schedAt(t, at)) {
				got = append(got, alertsIn(lines(b.Posts))...)
			}
		}
	}
	want = []string{"[长征社区工作群] 【提醒协调员】今天 12月3日 周四 楼栋巡逻：值班的人都请假了，无人可排，请在「橙色平安长征志愿者」安排"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("mornings (-want +got):\n%s", diff)
	}
}

// TestLinkedTaskClosedAlert: a report's linked task closed under someone who claimed it
// and has not done it — the report moved to another party, or resolved by someone else —
// tells the coordinators and the claimant; nobody is told when the claimant did it.
func TestLinkedTaskClosedAlert(t *testing.T) {
	w := newWorld(t)
	w.one(green, "艾力", "任务") // 艾力 is a member of 绿色健康
	w.say(residents, "阿依古丽", "报事 3号楼2单元楼道灯坏了")
	w.say(office, "魏青", "派单 R1 绿色") // #1
	w.say(green, "艾力", "接 1")
	got := w.say(office, "魏青", "派单 R1 物业")
	want := []string{
		"[长征社区工作群] 【提醒协调员】R1 已改派给 物业公司，关联任务 #1 已关闭，已通知认领的 艾力",
		"[绿色健康长征志愿者] @艾力 诉求R1 已改派给 物业公司，你认领的任务 #1 已关闭，不用再处理了，谢谢",
	}
	if diff := cmp.Diff(want, got[len(got)-2:]); diff != "" {
		t.Errorf("派单 R1 物业 after 艾力 claimed #1 (-want +got):\n%s", diff)
	}
	if mine := w.one(green, "艾力", "我的任务"); strings.Contains(mine, "#1") {
		t.Errorf("我的任务 still lists #1: %q", mine)
	}

	w.say(residents, "老周", "报事 12栋门口垃圾三天没人清运")
	w.say(office, "魏青", "派单 R2 绿色") // #2
	w.say(green, "艾力", "接 2")
	got = alertsIn(w.say(office, "魏青", "办结 R2 已清运"))
	want = []string{"[长征社区工作群] 【提醒协调员】R2 已办结，关联任务 #2 已关闭，已通知认领的 艾力"}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("办结 R2 by a coordinator (-want +got):\n%s", diff)
	}

	// The claimant resolves it, or did the task: nobody to tell.
	w.say(residents, "小王", "报事 7号楼路灯不亮")
	w.say(office, "魏青", "派单 R3 绿色") // #3
	w.say(green, "艾力", "接 3")
	if got := alertsIn(w.say(green, "艾力", "办结 R3 已修好")); len(got) != 0 {
		t.Errorf("办结 by the claimant: %q; want no alert", got)
	}
	w.say(residents, "小李", "报事 9号楼电梯按钮坏了")
	w.say(office, "魏青", "派单 R4 绿色") // #4
	w.say(green, "艾力", "接 4")
	w.say(green, "艾力", "完成 4")
	if got := alertsIn(w.say(office, "魏青", "派单 R4 物业")); len(got) != 0 {
		t.Errorf("re-dispatched after the claimant's 完成: %q; want no alert", got)
	}
}
