package dispatch

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
)

// Schedule says when a job runs next; robfig/cron's Schedule has this shape, so cmd
// passes parsed cron specs straight in.
type Schedule interface {
	// Next returns the first activation time strictly after t.
	Next(t time.Time) time.Time
}

// Job is one scheduled job of config's schedule: section.
type Job struct {
	// Name is one of JobNames.
	Name     string
	Schedule Schedule
}

// The scheduled jobs chorus knows, by config name.
const (
	JobDaily      = "daily"      // 每日派单
	JobReminders  = "reminders"  // 提醒
	JobEscalation = "escalation" // 超时升级
	JobAgenda     = "agenda"     // 圆桌会议议程
	JobFeedback   = "feedback"   // 月度双向反馈
	JobDigest     = "digest"     // 每周通报
)

// JobNames lists the scheduled jobs with their default cron specs, in the spec's order.
func JobNames() [][2]string {
	return [][2]string{
		{JobDaily, "0 8 * * *"},
		{JobReminders, "* * * * *"},
		{JobEscalation, "*/5 * * * *"},
		{JobAgenda, "0 9 * * 1"},
		{JobFeedback, "0 9 1 * *"},
		{JobDigest, "0 9 * * 5"},
		{JobMedia, "30 3 * * *"},
	}
}

// windowed jobs look at a span of time (from the last run to the slot) rather than at
// the slot itself, so when many of their slots are due at once only the last runs: a week
// replayed in the console costs a few runs, not 10,080.
func windowed(name string) bool { return name == JobReminders || name == JobEscalation }

// slotLease is how long a claimed slot is held before another process may take it over,
// should the claimant die mid-run.
const slotLease = 10 * time.Minute

type dueSlot struct {
	job  Job
	at   time.Time
	from time.Time // windowed jobs: the end of the previous window
}

// RunDue runs every scheduled slot due at or before now that has not run, in time order,
// each with now = its slot, and returns each slot's posts as a batch. A slot runs once
// across every process sharing the store; a slot more than CatchUp late is skipped.
func (s *Service) RunDue(ctx context.Context, now time.Time) ([]Batch, error) {
	slots, err := s.dueSlots(ctx, now)
	if err != nil {
		return nil, err
	}
	var batches []Batch
	var errs []error
	// A job whose slot is busy (another process is running it, or died running it) or
	// failed stops here: its watermark stays before that slot, so the slot is tried again
	// at the next tick, and runs once its lease ends if its claimant died.
	stuck := map[string]bool{}
	for _, d := range slots {
		if stuck[d.job.Name] {
			continue
		}
		state, err := s.st.ClaimSlot(ctx, d.job.Name, d.at, slotLease)
		if err != nil {
			errs = append(errs, err)
			stuck[d.job.Name] = true
			continue
		}
		switch state {
		case SlotBusy:
			stuck[d.job.Name] = true
			continue
		case SlotClaimed:
			posts, err := s.runJob(ctx, d)
			if err != nil {
				errs = append(errs, fmt.Errorf("job %s at %s: %w", d.job.Name, d.at.Format(time.RFC3339), err))
				stuck[d.job.Name] = true
				continue
			}
			posts = s.guard(nil, posts)
			for i := range posts {
				posts[i].Scheduled, posts[i].At = true, d.at
			}
			batches = append(batches, Batch{Op: "slot:" + d.job.Name + ":" + fmt.Sprint(d.at.Unix()), Posts: posts})
		}
		if err := s.st.SetWatermark(ctx, d.job.Name, d.at); err != nil {
			errs = append(errs, err)
		}
	}
	return batches, errors.Join(errs...)
}

// dueSlots lists the slots to run: every slot of the plain jobs, and for windowed jobs
// the last slot before each plain slot and before now, so order is kept.
func (s *Service) dueSlots(ctx context.Context, now time.Time) ([]dueSlot, error) {
	floor := now.Add(-s.catchUp)
	var plain []dueSlot
	type win struct {
		job   Job
		from  time.Time
		slots []time.Time
	}
	var wins []win
	for _, j := range s.jobs {
		mark, err := s.st.Watermark(ctx, j.Name)
		if err != nil {
			return nil, err
		}
		if mark.IsZero() {
			// First run ever: start from now, rather than replaying history.
			if err := s.st.SetWatermark(ctx, j.Name, now); err != nil {
				return nil, err
			}
			continue
		}
		from := mark
		if from.Before(floor) {
			from = floor.Add(-time.Nanosecond) // a slot exactly CatchUp late still runs
		}
		var at []time.Time
		for t := j.Schedule.Next(from); !t.IsZero() && !t.After(now); t = j.Schedule.Next(t) {
			at = append(at, t)
			if len(at) > 100000 {
				break // a schedule that fires every second over a long outage: enough
			}
		}
		if windowed(j.Name) {
			wins = append(wins, win{job: j, from: mark, slots: at})
			continue
		}
		for _, t := range at {
			plain = append(plain, dueSlot{job: j, at: t})
		}
	}
	slices.SortStableFunc(plain, func(a, b dueSlot) int { return a.at.Compare(b.at) })
	stops := make([]time.Time, 0, len(plain)+1)
	for _, p := range plain {
		stops = append(stops, p.at)
	}
	stops = append(stops, now)
	var out []dueSlot
	for _, w := range wins {
		prev, i := w.from, 0
		for _, stop := range stops {
			last := -1
			for i < len(w.slots) && !w.slots[i].After(stop) {
				last = i
				i++
			}
			if last >= 0 {
				out = append(out, dueSlot{job: w.job, at: w.slots[last], from: prev})
				prev = w.slots[last]
			}
		}
	}
	out = append(out, plain...)
	slices.SortStableFunc(out, func(a, b dueSlot) int {
		if c := a.at.Compare(b.at); c != 0 {
			return c
		}
		return cmp.Compare(jobOrder(a.job.Name), jobOrder(b.job.Name))
	})
	return out, nil
}

// jobOrder breaks ties between jobs due at the same moment, in JobNames order: at 08:00
// the daily post comes before that minute's reminders, and at 09:00 escalations come
// before the agenda, so a report escalated then is on it.
func jobOrder(name string) int {
	for i, j := range JobNames() {
		if j[0] == name {
			return i
		}
	}
	return len(JobNames())
}

func (s *Service) runJob(ctx context.Context, d dueSlot) ([]Post, error) {
	switch d.job.Name {
	case JobDaily:
		return s.dailyPosts(ctx, d.at)
	case JobReminders:
		return s.reminderPosts(ctx, d.from, d.at)
	case JobEscalation:
		return s.escalationPosts(ctx, d.at)
	case JobAgenda:
		return s.agendaPosts(ctx, d.at)
	case JobFeedback:
		return s.feedbackPosts(ctx, d.at)
	case JobDigest:
		return s.digestPosts(ctx, d.at)
	case JobMedia:
		return s.mediaJob(ctx, d.at)
	}
	return nil, fmt.Errorf("unknown job %q", d.job.Name)
}

// dailyPosts: in each volunteer group, today's tasks with who holds each place and the
// places still open, and today's roster duties with those on duty @-mentioned.
func (s *Service) dailyPosts(ctx context.Context, now time.Time) ([]Post, error) {
	day := s.dayStart(now)
	end := day.AddDate(0, 0, 1)
	var posts, alerts []Post
	for _, g := range s.c.GroupsOfKind(KindVolunteers) {
		tasks, err := s.st.OpenTasks(ctx, g.Team, day, listLimit)
		if err != nil {
			return nil, fmt.Errorf("daily %s: %w", g.Name, err)
		}
		var lines []string
		for _, t := range tasks {
			if t.Group != g.Name || t.Start.IsZero() || !t.Start.Before(end) {
				continue
			}
			line := fmt.Sprintf("#%d %02d:%02d %s", t.ID, t.Start.In(s.c.Loc).Hour(), t.Start.In(s.c.Loc).Minute(), t.Title)
			if t.Place != "" {
				line += " " + t.Place
			}
			var holders []string
			for _, p := range t.Holders() {
				holders = append(holders, p.Nick)
			}
			if len(holders) > 0 {
				line += "\n  已认领：" + strings.Join(holders, "、")
			}
			if left := t.Left(); left > 0 {
				line += fmt.Sprintf("\n  还差 %d 人，回复「接 %d」认领", left, t.ID)
			}
			lines = append(lines, line)
		}
		duties, people, empty, err := s.dutyLines(ctx, s.rostersIn(g.Name), day)
		if err != nil {
			return nil, err
		}
		for _, r := range empty {
			alert, err := s.emptyDutyAlert(ctx, r, day, now)
			if err != nil {
				return nil, err
			}
			alerts = append(alerts, alert...)
		}
		if len(lines) == 0 && len(duties) == 0 {
			continue
		}
		text := fmt.Sprintf("【每日派单】%s", s.dayText(day, now))
		if len(lines) > 0 {
			text += "\n今日任务：\n" + strings.Join(lines, "\n")
		}
		if len(duties) > 0 {
			text += "\n今日值班：\n" + strings.Join(duties, "\n")
		}
		posts = append(posts, mention(Post{Chat: Chat{Group: g.Name}, Text: text}, people...))
	}
	return append(posts, alerts...), nil
}

// dayText is a day as people say it: "今天 11月28日 周六".
func (s *Service) dayText(day, now time.Time) string {
	t := FormatWhen(day, now, s.c.Loc)
	if i := strings.LastIndex(t, " "); i > 0 {
		return t[:i]
	}
	return t
}

// reminderPosts: holders of tasks starting ReminderBefore after (from, now] are
// @-mentioned; tasks still short of people a day after (from, now] get a call for
// volunteers; tasks starting within ReminderBefore still short are told to the
// coordinators. Each is sent once per task, whatever the slots.
func (s *Service) reminderPosts(ctx context.Context, from, now time.Time) ([]Post, error) {
	// The tasks whose reminder falls in the window, and those starting sooner (published
	// late, or short of people: see shortAlert).
	since := from.Add(s.c.ReminderBefore)
	if now.Before(since) {
		since = now
	}
	var posts []Post
	for _, team := range s.c.Teams() {
		tasks, err := s.st.OpenTasks(ctx, team, since, 200)
		if err != nil {
			return nil, fmt.Errorf("reminders %s: %w", team, err)
		}
		for _, t := range tasks {
			if t.Start.IsZero() {
				continue
			}
			remindAt := t.Start.Add(-s.c.ReminderBefore)
			if remindAt.After(from) && !remindAt.After(now) && len(t.Holders()) > 0 && now.Before(t.End()) {
				first, err := s.st.Once(ctx, fmt.Sprintf("remind:%d", t.ID))
				if err != nil {
					return nil, err
				}
				if first {
					var nicks []string
					for _, p := range t.Holders() {
						nicks = append(nicks, p.Nick)
					}
					text := fmt.Sprintf("【提醒】#%d %s %s开始", t.ID, t.Title, FormatWhen(t.Start, now, s.c.Loc))
					if t.Place != "" {
						text += "，地点：" + t.Place
					}
					posts = append(posts, Post{Chat: Chat{Group: t.Group}, Text: text + "，请准时参加", Mentions: nicks})
				}
			}
			alert, err := s.shortAlert(ctx, t, from, now)
			if err != nil {
				return nil, err
			}
			posts = append(posts, alert...)
			callAt := t.Start.Add(-24 * time.Hour)
			if callAt.After(from) && !callAt.After(now) && t.Left() > 0 {
				first, err := s.st.Once(ctx, fmt.Sprintf("call:%d", t.ID))
				if err != nil {
					return nil, err
				}
				if first {
					posts = append(posts, Post{Chat: Chat{Group: t.Group}, Text: fmt.Sprintf(
						"【招募】#%d %s %s 还差 %d 人，回复「接 %d」报名", t.ID, t.Title, FormatWhen(t.Start, now, s.c.Loc), t.Left(), t.ID)})
				}
			}
		}
	}
	return posts, nil
}

// escalationPosts: reports past their SLA, each stage once, to the coordinators' group;
// each goes onto the roundtable agenda.
func (s *Service) escalationPosts(ctx context.Context, now time.Time) ([]Post, error) {
	overdue, err := s.st.OverdueReports(ctx, now, 100)
	if err != nil {
		return nil, fmt.Errorf("escalation: %w", err)
	}
	var lines []string
	working := s.working(now)
	for _, r := range overdue {
		if !working && !r.Urgent {
			continue // escalations wait for working time; urgent reports do not
		}
		stage, what := "resolve", "超过办结期限"
		switch r.Status {
		case ReportAccepted:
			stage, what = "dispatch", "超过派单时限"
		case ReportDispatched:
		default:
			continue
		}
		first, err := s.st.MarkEscalated(ctx, r.ID, stage, now)
		if err != nil {
			return nil, err
		}
		if !first {
			continue
		}
		line := fmt.Sprintf("%sR%d %s %s %s", urgentMark(r), r.ID, r.Category, placeOr(r.Place), r.Status)
		if r.Party != "" && r.Status == ReportDispatched {
			line += "（" + r.Party + "）"
		}
		if late := now.Sub(r.Due); late >= time.Hour {
			what += "（超时" + formatSpan(late) + "）"
		}
		lines = append(lines, line+" "+what+"，已列入圆桌会议议程")
	}
	posts, err := s.followThroughPosts(ctx, now)
	if err != nil {
		return nil, err
	}
	if len(lines) == 0 {
		return posts, nil
	}
	return append(s.toCoordinators("【超时升级】\n"+strings.Join(lines, "\n")), posts...), nil
}

// agendaPosts: the roundtable agenda to the roundtable group.
func (s *Service) agendaPosts(ctx context.Context, now time.Time) ([]Post, error) {
	rs, err := s.st.AgendaReports(ctx, 200)
	if err != nil {
		return nil, fmt.Errorf("agenda: %w", err)
	}
	var lines []string
	for i, r := range rs {
		if r.Status == ReportClosed {
			continue
		}
		why := "上会"
		switch {
		case r.Rating == Dissatisfied:
			why = "居民不满意"
		case len(r.Escalated) > 0:
			why = "超时"
		}
		line := fmt.Sprintf("%d. R%d %s %s：%s", i+1, r.ID, r.Category, placeOr(r.Place), r.Text)
		line += fmt.Sprintf("\n   %s", r.Status)
		if r.Party != "" && r.Status != ReportAccepted {
			line += "（" + r.Party + "）"
		}
		line += fmt.Sprintf("，已等%s，原因：%s", formatSpan(now.Sub(r.Created)), why)
		lines = append(lines, line)
	}
	text := fmt.Sprintf("【圆桌会议议程】%s", s.dayText(s.dayStart(now), now))
	if len(lines) == 0 {
		text += "\n本周没有待议的诉求。"
	} else {
		text += "\n" + strings.Join(lines, "\n")
	}
	var posts []Post
	for _, g := range s.c.GroupsOfKind(KindRoundtable) {
		posts = append(posts, Post{Chat: Chat{Group: g.Name}, Text: text})
	}
	return posts, nil
}

// feedbackPosts: per unit, last month's members, check-ins, tasks done and hours, to the
// coordinators' group (双向反馈): every unit of config in its order, those with no members
// too (all zeros: the unit to follow up), then any other unit a member still has.
func (s *Service) feedbackPosts(ctx context.Context, now time.Time) ([]Post, error) {
	last := s.dayStart(now).AddDate(0, 0, -1)
	month := s.month(last)
	vols, err := s.st.UnitFigures(ctx, month)
	if err != nil {
		return nil, fmt.Errorf("feedback %s: %w", month, err)
	}
	byUnit := map[string][]Volunteer{}
	units := slices.Clone(s.c.Units)
	for _, v := range vols {
		if _, ok := byUnit[v.Unit]; !ok && !slices.Contains(units, v.Unit) {
			units = append(units, v.Unit)
		}
		byUnit[v.Unit] = append(byUnit[v.Unit], v)
	}
	slices.SortStableFunc(units, func(a, b string) int {
		return cmp.Or(cmp.Compare(s.unitOrder(a), s.unitOrder(b)), cmp.Compare(a, b))
	})
	var posts []Post
	for _, u := range units {
		vs := byUnit[u]
		slices.SortFunc(vs, func(a, b Volunteer) int {
			return cmp.Or(cmp.Compare(b.Minutes, a.Minutes), cmp.Compare(a.Nick, b.Nick))
		})
		checked, tasks, minutes := 0, 0, 0
		var lines []string
		for _, v := range vs {
			checked += v.CheckIns
			tasks += v.Tasks
			minutes += v.Minutes
			mark := "未报到"
			if v.CheckIns > 0 {
				mark = "已报到"
			}
			lines = append(lines, fmt.Sprintf("%s %s 任务%d次 服务%s", v.Nick, mark, v.Tasks, formatHours(float64(v.Minutes)/60)))
		}
		text := strings.Join(append([]string{fmt.Sprintf("【月度双向反馈】%d年%d月 %s\n党员 %d 人，报到 %d 人，完成任务 %d 次，服务 %s",
			last.In(s.c.Loc).Year(), last.In(s.c.Loc).Month(), u, len(vs), checked, tasks, formatHours(float64(minutes)/60))}, lines...), "\n")
		posts = append(posts, s.toCoordinators(text)...)
	}
	return posts, nil
}

func (s *Service) unitOrder(u string) int {
	if i := slices.Index(s.c.Units, u); i >= 0 {
		return i
	}
	return len(s.c.Units)
}
