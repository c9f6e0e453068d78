package dispatch_test

import (
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/changzheng/chorus/dispatch"
)

// TestWeekDigest writes the digest of a week of reports whose outcomes are counted by
// hand, for several thresholds of reports per party.
func TestWeekDigest(t *testing.T) {
	loc := schedLoc(t)
	from := time.Date(2026, 11, 20, 0, 0, 0, 0, loc) // a Friday
	to := from.AddDate(0, 0, 7)
	asOf := to.Add(9 * time.Hour) // the slot: Friday 09:00
	h := func(n int) time.Time { return from.Add(time.Duration(n) * time.Hour) }
	week := []dispatch.Report{
		// 1: 物业 dispatched in time, resolved in time, 满意.
		{ID: 1, Party: "物业公司", Category: "设施维修", Place: "3号楼2单元", Status: dispatch.ReportClosed, Created: h(1),
			DispatchDue: h(3), DispatchedAt: h(2), ResolveDue: h(50), ResolvedAt: h(40), Rating: dispatch.Satisfied},
		// 2: 物业 dispatched in time, resolved late, 不满意: back to 已派单, due after the slot.
		{ID: 2, Party: "物业公司", Category: "设施维修", Place: "5号楼", Status: dispatch.ReportDispatched, Created: h(2),
			DispatchDue: h(4), DispatchedAt: h(3), ResolveDue: h(50), ResolvedAt: h(60), Rating: dispatch.Dissatisfied, Due: h(300)},
		// 3: 物业 dispatched in time, resolved in time, 默认满意; repeats R1.
		{ID: 3, Party: "物业公司", Category: "环境卫生", Place: "2号楼", Status: dispatch.ReportClosed, Created: h(3),
			DispatchDue: h(5), DispatchedAt: h(5), ResolveDue: h(50), ResolvedAt: h(50), Rating: dispatch.AutoSatisfied, RepeatOf: 1},
		// 4: 居委会 dispatched in time, past its deadline unresolved: overdue.
		{ID: 4, Party: "居委会", Category: "矛盾纠纷", Place: "7号楼", Status: dispatch.ReportDispatched, Created: h(4),
			DispatchDue: h(6), DispatchedAt: h(5), ResolveDue: h(100), Due: h(100)},
		// 5: urgent, never dispatched, past its dispatch deadline: overdue, late response.
		{ID: 5, Category: "治安消防", Place: "1号楼", Status: dispatch.ReportAccepted, Urgent: true, Created: h(100),
			DispatchDue: h(101), Due: h(101)},
		// 6: received late in the week, its dispatch deadline after the slot: no rate yet.
		{ID: 6, Category: "其他", Status: dispatch.ReportAccepted, Created: h(167), DispatchDue: h(200), Due: h(200)},
		// 7: 居委会 dispatched in time, resolved in time, not rated yet.
		{ID: 7, Party: "居委会", Category: "设施维修", Place: "9号楼", Status: dispatch.ReportResolved, Created: h(10),
			DispatchDue: h(12), DispatchedAt: h(11), ResolveDue: h(80), ResolvedAt: h(70)},
	}
	// Counted by hand: response 5 of 6 due (R6 not due; R5 late); resolution 3 of 5 due
	// (R1, R3, R7 in time; R2 late; R4 overdue; R5 and R6 never dispatched); satisfaction 2
	// of 3 rated (R1 满意, R3 默认满意, R2 不满意). 物业公司: 3/3, 2/3, 2/3. 居委会: 2/2, 1/2, none.
	head := "【每周通报】11月20日—11月26日\n" +
		"受理诉求 7 件（紧急 1 件，重复诉求 1 件）\n" +
		"按时派单 5/6，按时办结 3/5，满意 2/3\n" +
		"响应率 83%，解决率 60%，满意率 67%\n"
	tail := "主要类别：设施维修 3 件、其他 1 件、治安消防 1 件\n" +
		"超期未办 2 件：R4 矛盾纠纷 7号楼（居委会）、【紧急】R5 治安消防 1号楼\n" +
		"重复诉求 1 件：R3（同 R1）"
	for _, tc := range []struct {
		name    string
		reports []dispatch.Report
		min     int
		want    string
	}{
		{"at least 3", week, 3, head +
			"各责任方（本周 3 件及以上）：\n" +
			"物业公司 3 件：响应率 100%，解决率 67%，满意率 67%\n" + tail},
		{"at least 2", week, 2, head +
			"各责任方（本周 2 件及以上）：\n" +
			"物业公司 3 件：响应率 100%，解决率 67%，满意率 67%\n" +
			"居委会 2 件：响应率 100%，解决率 50%，满意率 —\n" + tail},
		{"no party has 4", week, 4, head + "各责任方：本周都不到 4 件，不单列比率\n" + tail},
		{"a quiet week", nil, 3, "【每周通报】11月20日—11月26日\n本周没有收到居民诉求。"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := dispatch.WeekDigest(tc.reports, from, to, asOf, tc.min, loc)
			if diff := cmp.Diff(strings.Split(tc.want, "\n"), strings.Split(got, "\n")); diff != "" {
				t.Errorf("WeekDigest (-want +got):\n%s", diff)
			}
		})
	}
}

// TestDigestJob: on Friday at 09:00 the digest of the week before (Friday to Thursday)
// goes to the coordinators' group once, from the store's reports, whatever the number of
// ticks; reports of the day it runs wait for next week's.
func TestDigestJob(t *testing.T) {
	start := schedAt(t, "2026-12-03 10:00") // a Thursday
	w := newSchedWorld(t, 2, start)
	w.tick(0, start) // the schedules start now
	w.say(schedRes, "阿依古丽", "报事 3号楼2单元楼道灯坏了")
	w.clock.Set(schedAt(t, "2026-12-03 10:30"))
	w.say(schedWork, schedCoord, "派单 R1 物业 3天")
	w.say(schedRes, "老周", "报事 5号楼门口垃圾没人清运")
	w.clock.Set(schedAt(t, "2026-12-04 08:30"))
	w.say(schedRes, "小王", "报事 7号楼路灯不亮") // Friday: next week's

	var digests []string
	for _, at := range []string{"2026-12-04 08:59", "2026-12-04 09:00", "2026-12-04 09:01"} {
		for i := range 2 {
			for _, b := range w.tick(i, schedAt(t, at)) {
				if batchJob(b) != dispatch.JobDigest {
					continue
				}
				for _, l := range lines(b.Posts) {
					digests = append(digests, l)
				}
			}
		}
	}
	want := []string{"[长征社区工作群] 【每周通报】11月27日—12月3日\n" +
		"受理诉求 2 件\n" +
		"按时派单 1/2，按时办结 0/0，满意 0/0\n" +
		"响应率 50%，解决率 —，满意率 —\n" +
		"各责任方：本周都不到 3 件，不单列比率\n" +
		"主要类别：环境卫生 1 件、设施维修 1 件\n" +
		"超期未办 1 件：R2 环境卫生 5号楼"}
	if diff := cmp.Diff(want, digests); diff != "" {
		t.Errorf("digests (-want +got):\n%s", diff)
	}
}
