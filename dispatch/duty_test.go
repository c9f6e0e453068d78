package dispatch_test

import (
	"cmp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/changzheng/chorus/dispatch"
)

// rotationModel is the roster's rule written plainly: each day the PerDay members whose
// last duty is oldest (never = oldest of all), skipping those on leave, ties in roster
// order. A leave taken after the day's pick gives the person their turn back and hands the
// place to the next in rotation.
type rotationModel struct {
	r    dispatch.Roster
	last map[string]int // day index of the last duty; absent = never
	prev map[string]int // last before today's pick, for a leave taken afterwards
}

func (m *rotationModel) lastOf(name string) int {
	if d, ok := m.last[name]; ok {
		return d
	}
	return -1
}

// next lists who is next in rotation on day, excluding skip.
func (m *rotationModel) next(skip func(string) bool) []string {
	var c []string
	for _, name := range m.r.Members {
		if !skip(name) {
			c = append(c, name)
		}
	}
	slices.SortStableFunc(c, func(a, b string) int { return cmp.Compare(m.lastOf(a), m.lastOf(b)) })
	return c
}

func (m *rotationModel) pick(day int, onLeave map[string]bool) []string {
	c := m.next(func(n string) bool { return onLeave[n] })
	c = c[:min(m.r.PerDay, len(c))]
	m.prev = map[string]int{}
	for _, n := range c {
		m.prev[n] = m.lastOf(n)
		m.last[n] = day
	}
	return c
}

func (m *rotationModel) leaveAfterPick(day int, name string, onDuty []string, onLeave map[string]bool) string {
	if p := m.prev[name]; p < 0 {
		delete(m.last, name)
	} else {
		m.last[name] = p
	}
	c := m.next(func(n string) bool { return n == name || onLeave[n] || slices.Contains(onDuty, n) })
	if len(c) == 0 {
		return ""
	}
	m.prev[c[0]] = m.lastOf(c[0])
	m.last[c[0]] = day
	return c[0]
}

// TestRotationFairWithLeave runs the roster 楼栋巡逻 for 30 days through 值班 and 请假: each
// day's pick is the model's, nobody on leave is on duty, a leave taken after the day's
// pick hands the place to the next in rotation (who is told), and among those never on
// leave the number of duties differs by at most one.
func TestRotationFairWithLeave(t *testing.T) {
	first := schedAt(t, "2026-12-01 00:00")
	w := newSchedWorld(t, 1, first)
	model := &rotationModel{r: schedRoster, last: map[string]int{}}
	// Leave asked the evening before: day index → who.
	leaveBefore := map[int][]string{3: {"马丽"}, 4: {"马丽"}, 10: {"李桂兰"}, 17: {"马丽", "雷胜"}}
	const lateLeaveDay = 22 // the first on duty that day takes leave after the pick
	count := map[string]int{}
	everOnLeave := map[string]bool{}
	for d := range 30 {
		day := first.AddDate(0, 0, d)
		onLeave := map[string]bool{}
		for _, who := range leaveBefore[d] {
			w.clock.Set(day.Add(-4 * time.Hour)) // 20:00 the day before
			got := w.say(schedOrange, who, "请假 明天")
			if len(got) == 0 || !strings.Contains(got[0].Text, "已请假") {
				t.Fatalf("day %d: %s 请假 明天: got %v", d, who, texts(got))
			}
			onLeave[who], everOnLeave[who] = true, true
		}
		w.clock.Set(day.Add(8 * time.Hour))
		duty := w.say(schedOrange, schedCoord, "值班")
		names, err := w.dbs[0].AssignDuty(t.Context(), schedRoster, day.Format(time.DateOnly), day)
		if err != nil {
			t.Fatal(err)
		}
		want := model.pick(d, onLeave)
		if !slices.Equal(names, want) {
			t.Fatalf("day %d: on duty %v; want %v", d, names, want)
		}
		for _, n := range names {
			if onLeave[n] {
				t.Errorf("day %d: %s is on leave but on duty", d, n)
			}
			if !slices.Contains(duty[0].Mentions, n) || !strings.Contains(duty[0].Text, n) {
				t.Errorf("day %d: 值班 reply %q (mentions %v) does not name %s", d, duty[0].Text, duty[0].Mentions, n)
			}
		}
		if d == lateLeaveDay {
			who := names[0]
			everOnLeave[who] = true
			w.clock.Set(day.Add(9 * time.Hour))
			got := w.say(schedOrange, who, "请假 今天")
			onLeave[who] = true
			wantRepl := model.leaveAfterPick(d, who, names[1:], onLeave)
			if len(got) != 2 || got[1].Chat.Group != schedOrange || !slices.Equal(got[1].Mentions, []string{wantRepl}) ||
				!strings.Contains(got[1].Text, who+" 请假，由你顶班") {
				t.Fatalf("day %d: %s 请假 今天 after the pick: got %v; want the place handed to @%s", d, who, got, wantRepl)
			}
			names, err = w.dbs[0].AssignDuty(t.Context(), schedRoster, day.Format(time.DateOnly), day)
			if err != nil {
				t.Fatal(err)
			}
			if want := []string{names[0], wantRepl}; slices.Contains(names, who) || !slices.Equal(names, want) {
				t.Fatalf("day %d after leave: on duty %v; want %v", d, names, want)
			}
		}
		for _, n := range names {
			count[n]++
		}
	}
	lo, hi := 1<<30, -1
	for _, n := range schedRoster.Members {
		if everOnLeave[n] {
			continue
		}
		lo, hi = min(lo, count[n]), max(hi, count[n])
	}
	if hi-lo > 1 {
		t.Errorf("duties of those never on leave range %d..%d: %v", lo, hi, count)
	}
	total := 0
	for _, c := range count {
		total += c
	}
	if total != 30*schedRoster.PerDay {
		t.Errorf("%d duties in 30 days; want %d", total, 30*schedRoster.PerDay)
	}
}

// TestLeaveRefusals: only roster members take leave, in their volunteers group.
func TestLeaveRefusals(t *testing.T) {
	w := newSchedWorld(t, 1, schedAt(t, "2026-12-02 10:00"))
	if got := w.say(schedOrange, "路人甲", "请假 明天"); len(got) != 1 || strings.Contains(got[0].Text, "已请假") {
		t.Errorf("请假 from someone not on a roster: got %v", texts(got))
	}
	if got := w.say(schedRes, "马丽", "请假 明天"); len(got) != 1 || strings.Contains(got[0].Text, "已请假") {
		t.Errorf("请假 in the residents' group: got %v", texts(got))
	}
}

// TestCheckInOncePerMonth: 报到 twice in a month counts once; the unit is set by the first
// 报到 that names one and never changed by later ones; the 1st of next month's feedback
// lists the member under that unit, and a new month counts again.
func TestCheckInOncePerMonth(t *testing.T) {
	w := newSchedWorld(t, 1, schedAt(t, "2026-12-05 10:00"))
	w.tick(0, w.clock.Now())
	steps := []struct{ nick, text, want string }{
		{"马丽", "报到", "12月报到成功（未填单位"},
		{"马丽", "报到 水务", "你12月已经报到过了（克拉玛依市水务公司）"},
		{"马丽", "报到 长征保健站", "你12月已经报到过了（克拉玛依市水务公司）"},
		{"艾力", "报到 保健站", "12月报到成功（长征保健站）"},
	}
	for _, s := range steps {
		got := w.say(schedOrange, s.nick, s.text)
		if len(got) != 1 || !strings.Contains(got[0].Text, s.want) {
			t.Fatalf("%s: %s: got %v; want %q", s.nick, s.text, texts(got), s.want)
		}
	}
	f, err := w.dbs[0].MonthFigures(t.Context(), "202612", 5)
	if err != nil {
		t.Fatal(err)
	}
	if f.CheckIns != 2 {
		t.Errorf("December check-ins: got %d; want 2", f.CheckIns)
	}
	vols, err := w.dbs[0].UnitFigures(t.Context(), "202612")
	if err != nil {
		t.Fatal(err)
	}
	units := map[string]string{}
	for _, v := range vols {
		units[v.Nick] = v.Unit
		if v.CheckIns != 1 {
			t.Errorf("%s: %d check-ins; want 1", v.Nick, v.CheckIns)
		}
	}
	if units["马丽"] != "克拉玛依市水务公司" || units["艾力"] != "长征保健站" || len(units) != 2 {
		t.Errorf("units: got %v", units)
	}

	// The 1st of January, 09:00: December's feedback, one post per unit, in config order.
	var batches []dispatch.Batch
	for now := schedAt(t, "2026-12-31 23:00"); !now.After(schedAt(t, "2027-01-01 09:30")); now = now.Add(30 * time.Minute) {
		batches = append(batches, w.tick(0, now)...)
	}
	var feedback []dispatch.Post
	for _, b := range batches {
		if batchJob(b) == dispatch.JobFeedback {
			feedback = append(feedback, b.Posts...)
		}
	}
	want := []string{
		"【月度双向反馈】2026年12月 克拉玛依市水务公司\n党员 1 人，报到 1 人，完成任务 0 次，服务 0小时\n马丽 已报到 任务0次 服务0小时",
		"【月度双向反馈】2026年12月 长征保健站\n党员 1 人，报到 1 人，完成任务 0 次，服务 0小时\n艾力 已报到 任务0次 服务0小时",
	}
	if got := texts(feedback); !slices.Equal(got, want) {
		t.Errorf("feedback:\ngot  %q\nwant %q", got, want)
	}
	for _, p := range feedback {
		if p.Chat.Group != schedWork {
			t.Errorf("feedback went to %q; want %s", p.Chat.Group, schedWork)
		}
	}

	w.clock.Set(schedAt(t, "2027-01-03 10:00"))
	if got := w.say(schedOrange, "马丽", "报到 长征保健站"); len(got) != 1 || !strings.Contains(got[0].Text, "1月报到成功（克拉玛依市水务公司）") {
		t.Errorf("January 报到: got %v", texts(got))
	}
	if f, err := w.dbs[0].MonthFigures(t.Context(), "202701", 5); err != nil || f.CheckIns != 1 {
		t.Errorf("January check-ins: got %d, %v; want 1", f.CheckIns, err)
	}
}

// TestBroadcastReachesGroups: 广播 全部 goes to every group and 广播 <team> to that team's
// groups, each as a post of its own after the reply that says how many groups.
func TestBroadcastReachesGroups(t *testing.T) {
	w := newSchedWorld(t, 1, schedAt(t, "2026-12-02 10:00"))
	got := w.say(schedWork, schedCoord, "广播 全部 近期有冒充社保局的诈骗电话，请提醒家人")
	if len(got) != 6 || got[0].Text != "已广播到 5 个群" || got[0].Chat.Group != schedWork {
		t.Fatalf("广播 全部: got %v", texts(got))
	}
	var groups []string
	for _, p := range got[1:] {
		groups = append(groups, p.Chat.Group)
		if p.Text != "【广播】近期有冒充社保局的诈骗电话，请提醒家人" || !p.Scheduled {
			t.Errorf("broadcast post %+v", p)
		}
	}
	if want := []string{schedOrange, schedGreen, schedRes, schedRound, schedWork}; !slices.Equal(groups, want) {
		t.Errorf("broadcast groups: got %v; want %v", groups, want)
	}
	got = w.say(schedWork, schedCoord, "广播 橙色平安 今晚巡逻取消")
	if len(got) != 2 || got[0].Text != "已广播到 1 个群" || got[1].Chat.Group != schedOrange {
		t.Errorf("广播 橙色平安: got %v", got)
	}
	if got := w.say(schedWork, schedCoord, "广播 舞龙队 明天停练"); len(got) != 1 || strings.Contains(got[0].Text, "已广播") {
		t.Errorf("广播 to an unknown team: got %v", texts(got))
	}
	if got := w.say(schedOrange, "马丽", "广播 全部 大家好"); len(got) != 1 || !strings.Contains(got[0].Text, "仅协调员可以") {
		t.Errorf("广播 by a member: got %v", texts(got))
	}
}

func texts(posts []dispatch.Post) []string {
	var out []string
	for _, p := range posts {
		out = append(out, p.Text)
	}
	return out
}
