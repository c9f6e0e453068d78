package dispatch_test

import (
	"strings"
	"testing"
	"time"

	"github.com/changzheng/chorus/dispatch"
	"github.com/changzheng/chorus/dispatch/workday"
	"github.com/changzheng/chorus/store"
	"github.com/changzheng/chorus/store/storetest"
)

// newCalendarWorld is a sched world whose SLA clocks count working time (sla.working_days),
// with the scheduled jobs, starting at start.
func newCalendarWorld(t *testing.T, start time.Time) *schedWorld {
	rdb, prefix := storetest.Client(t)
	c := schedCommunity(t)
	c.Calendar = workday.New(workday.Options{Loc: c.Loc})
	clock := &schedClock{t: start}
	db := store.New(rdb, store.Options{KeyPrefix: prefix, Community: "test"})
	w := &schedWorld{tb: t, clock: clock, dbs: []*store.DB{db},
		svcs: []*dispatch.Service{dispatch.New(c, db, dispatch.Options{Now: clock.Now, Jobs: schedJobs(t)})}}
	w.tick(0, start)
	return w
}

// TestWorkingTimeReplies: with working days, a report filed when the SLA clock stands
// still is told the time it will be answered by, not "within 2 hours"; in working time the
// span is said as before. 2026-10-03 is in 国庆, 10-08 its first working day.
func TestWorkingTimeReplies(t *testing.T) {
	for _, tc := range []struct{ at, want string }{
		{"2026-09-28 10:00", "我们会在2小时内响应"},
		{"2026-09-28 07:00", "按工作时间，我们会在今天 9月28日 周一 11:00前响应"},
		{"2026-09-30 17:00", "按工作时间，我们会在10月8日 周四 10:00前响应"},
		{"2026-10-03 10:00", "按工作时间，我们会在10月8日 周四 11:00前响应"},
		{"2026-10-10 10:00", "我们会在2小时内响应"}, // a make-up workday
	} {
		w := newCalendarWorld(t, schedAt(t, tc.at))
		got := w.say(schedRes, "阿依古丽", "报事 3号楼2单元楼道灯坏了")
		if len(got) != 1 || !strings.Contains(got[0].Text, tc.want) {
			t.Errorf("报事 at %s: got %q; want %q", tc.at, texts(got), tc.want)
		}
	}
}

// TestUrgentIgnoresHoliday: an urgent report filed in 国庆 escalates 30 minutes later and its
// 派单 deadline runs on the clock; an ordinary one filed the same hour waits for the first
// working day, and 催办 on it is refused until then.
func TestUrgentIgnoresHoliday(t *testing.T) {
	w := newCalendarWorld(t, schedAt(t, "2026-10-04 10:00"))
	w.say(schedRes, "刘凤华", "报事 9号楼2单元电梯困人，里面有个孩子")
	w.say(schedRes, "小李", "报事 5号楼门口垃圾桶满了，没人清运")
	var esc []string
	for now := schedAt(t, "2026-10-04 10:05"); !now.After(schedAt(t, "2026-10-04 11:00")); now = now.Add(5 * time.Minute) {
		for _, b := range w.tick(0, now) {
			for _, p := range b.Posts {
				if strings.Contains(p.Text, "【超时升级】") {
					esc = append(esc, now.Format("15:04")+" "+p.Text)
				}
			}
		}
	}
	if len(esc) != 1 || !strings.HasPrefix(esc[0], "10:30 【超时升级】\n【紧急】R1 ") {
		t.Errorf("escalations on a holiday: %q; want only urgent R1's at 10:30", esc)
	}
	if got := w.say(schedWork, schedCoord, "派单 R1 物业 2小时"); len(got) == 0 || !strings.Contains(got[0].Text, "期限 今天 10月4日 周日 13:00") {
		t.Errorf("派单 of an urgent report on a holiday: %q; want a deadline on the clock", texts(got))
	}
	if got := w.say(schedWork, schedCoord, "派单 R2 物业 2小时"); len(got) == 0 || !strings.Contains(got[0].Text, "期限 10月8日 周四 11:00") {
		t.Errorf("派单 of an ordinary report on a holiday: %q; want 2 working hours", texts(got))
	}
	if got := w.say(schedRes, "小李", "催办 R2"); len(got) != 1 || !strings.Contains(got[0].Text, "R2 可以在 10月8日 周四 09:00 后催办") {
		t.Errorf("催办 on a holiday: %q", texts(got))
	}
}
