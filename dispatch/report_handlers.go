package dispatch

import (
	"context"
	"errors"
	"fmt"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"
)

func (s *Service) fileReport(ctx context.Context, t *turn, c FileReport) ([]Post, error) {
	cat, urgent := ReportCategory(c.Text, s.c.Categories)
	if chosen := t.m.Category; chosen != "" && s.hasCategory(chosen) {
		cat = chosen // the district's system said what it is: no guess overrides that
	}
	r := Report{
		Text:     c.Text,
		Category: cat,
		Urgent:   urgent,
		Place:    ExtractPlace(c.Text),
		Reporter: Person{ID: t.me.ID, Nick: t.me.Nick},
		Origin:   t.m.Chat,
		Status:   ReportAccepted,
		Created:  t.now,
		History:  []Event{{At: t.now, Who: whoResident, What: "报事"}},
	}
	sla := s.c.DispatchSLA
	if r.Urgent {
		sla = s.c.UrgentSLA
		r.History[0].What = "报事（紧急）"
	}
	r.Due = s.deadline(t.now, sla, r.Urgent)
	fc, err := s.st.ReportContext(ctx, t.op, t.now.Add(-repeatWindow), 200)
	if err != nil {
		return nil, fmt.Errorf("file report: %w", err)
	}
	if o, ok := duplicateOf(r, fc.Open); ok && !r.Urgent && !fc.Replayed {
		// An emergency is filed at once however many reported it; anything else that looks
		// like an open report is suggested to 同问, and filed only if the reporter goes on
		// (sends it again).
		first, err := s.st.Once(ctx, fmt.Sprintf("dup:%s:%d", t.me.ID, o.ID))
		if err != nil {
			return nil, fmt.Errorf("file report: %w", err)
		}
		switch {
		case first && o.Reporter.ID == t.me.ID:
			// The reporter telling it again is waiting: a second case would split it, a
			// chase is what helps.
			return []Post{t.reply(fmt.Sprintf(replyOwnOpen, o.ID, placeOr(o.Place), o.Category, o.ID, o.ID))}, nil
		case first:
			return []Post{t.reply(fmt.Sprintf(replyDuplicate, o.ID, placeOr(o.Place), o.Category, o.ID))}, nil
		}
	}
	if r.RepeatOf = repeatOf(r, fc.Closed, t.now); r.RepeatOf != 0 {
		r.History[0].What += fmt.Sprintf("，重复诉求（同 R%d）", r.RepeatOf)
	}
	r, err = s.st.FileReport(ctx, t.op, r, s.month(t.now), t.now)
	if err != nil {
		return nil, fmt.Errorf("file report: %w", err)
	}
	media, mediaPlace, attached := s.attachPending(ctx, t, r)
	place := r.Place
	if place == "" {
		place = mediaPlace
	}
	if place == "" {
		place = "地点未注明"
	}
	repeat := ""
	if r.RepeatOf != 0 {
		repeat = fmt.Sprintf(replyRepeatNote, r.RepeatOf)
	}
	text := fmt.Sprintf(replyReportFiled, r.ID, r.Category, place, formatSpan(sla), r.ID)
	if !r.Due.Equal(t.now.Add(sla)) {
		// Filed outside working time (a holiday, a night): "within 2 hours" would be untrue.
		text = fmt.Sprintf(replyReportFiledBy, r.ID, r.Category, place, FormatWhen(r.Due, t.now, s.c.Loc), r.ID)
	}
	if r.Urgent {
		text = fmt.Sprintf(replyUrgentFiled, r.ID, r.Category, place, formatSpan(sla), r.ID)
		if len(s.c.Emergency) > 0 {
			text = fmt.Sprintf(replyUrgentNumbers, strings.Join(s.c.Emergency, "、")) + "\n" + text
		}
	}
	text += repeat
	if attached {
		if line := s.mediaLineOf(ctx, r.ID); line != "" {
			text += "\n" + fmt.Sprintf(replyFiledMedia, line)
		}
	}
	posts := append([]Post{t.reply(text)}, media...)
	if !r.Urgent {
		return posts, nil
	}
	where := r.Origin.Group
	if where == "" {
		where = "私聊"
	}
	return append(posts, s.toCoordinators(fmt.Sprintf(replyUrgentNotice, r.ID, r.Category, place, r.Text, personal(r.Reporter.Nick), where, r.ID))...), nil
}

// whoResident stands for the reporter in a history shown to anyone.
const whoResident = "居民"

// loadReport reads a report, turning a missing one into a refusal.
func (s *Service) loadReport(ctx context.Context, id int64) (Report, error) {
	r, err := s.st.Report(ctx, id)
	if errors.Is(err, ErrNotFound) {
		return r, refuse(fmt.Sprintf(replyNoReport, id))
	}
	if err != nil {
		return r, fmt.Errorf("read report %d: %w", id, err)
	}
	return r, nil
}

// change applies a transition, turning a lost race into a refusal to try again.
func (s *Service) change(ctx context.Context, t *turn, c ReportChange) (Report, error) {
	c.Month = s.month(t.now)
	c.Event.At = t.now
	r, err := s.st.ChangeReport(ctx, t.op, c, t.now)
	if errors.Is(err, ErrConflict) {
		return r, refuse(fmt.Sprintf(replyReportChanged, c.ID))
	}
	if err != nil {
		return r, fmt.Errorf("change report %d: %w", c.ID, err)
	}
	return r, nil
}

// tellReporter is a post to the reporter where they reported.
func tellReporter(r Report, text string) Post {
	p := Post{Chat: r.Origin, Text: text}
	if !r.Origin.IsPrivate() {
		p.Mentions = []string{r.Reporter.Nick}
	}
	return p
}

// toCoordinators is a post to every coordinators' group.
func (s *Service) toCoordinators(text string) []Post {
	var out []Post
	for _, g := range s.c.GroupsOfKind(KindCoordinators) {
		out = append(out, Post{Chat: Chat{Group: g.Name}, Text: text})
	}
	return out
}

func (s *Service) progress(ctx context.Context, t *turn, c Progress) ([]Post, error) {
	r, err := s.loadReport(ctx, c.Report)
	if err != nil {
		return nil, err
	}
	// What this shows is decided by who reads it (see guard), not by who asks: the
	// reporter's name is marked, the text and history are scanned on the way out.
	t.party = r.Party
	where := r.Origin.Group
	if where == "" {
		where = "私聊"
	}
	lines := []string{
		fmt.Sprintf("%sR%d %s · %s", urgentMark(r), r.ID, r.Category, placeOr(r.Place)),
		"状态：" + s.statusLine(r, t.now),
		"内容：" + r.Text,
		fmt.Sprintf("报事人：%s（%s）", personal(r.Reporter.Nick), where),
	}
	if r.RepeatOf != 0 {
		lines = append(lines, fmt.Sprintf("重复诉求：同 R%d", r.RepeatOf))
	}
	if n := len(r.Followers); n > 0 {
		lines = append(lines, fmt.Sprintf("同问：%d 人", n))
	}
	if line := mediaLine(r); line != "" {
		lines = append(lines, "附件："+line)
	}
	lines = append(lines, "记录：")
	for _, e := range r.History {
		lines = append(lines, fmt.Sprintf("%s %s %s", s.shortTime(e.At), e.Who, e.What))
	}
	return []Post{t.reply(strings.Join(lines, "\n"))}, nil
}

// urgentMark is "【紧急】" in front of an urgent report's line.
func urgentMark(r Report) string {
	if r.Urgent && r.Status != ReportClosed {
		return "【紧急】"
	}
	return ""
}

func placeOr(p string) string {
	if p == "" {
		return "地点未注明"
	}
	return p
}

func (s *Service) statusLine(r Report, now time.Time) string {
	line := string(r.Status)
	if r.Party != "" && r.Status != ReportAccepted {
		line += "（" + r.Party
		if r.Status == ReportDispatched && !r.Due.IsZero() {
			line += "，期限 " + FormatWhen(r.Due, now, s.c.Loc)
		}
		line += "）"
	}
	if r.OnAgenda && r.Status != ReportClosed {
		line += "，已列入圆桌会议议程"
	}
	return line
}

// shortTime is "11月27日 10:00" for history lines.
func (s *Service) shortTime(t time.Time) string {
	t = t.In(s.c.Loc)
	return fmt.Sprintf("%d月%d日 %02d:%02d", t.Month(), t.Day(), t.Hour(), t.Minute())
}

// parties are the configured parties plus every volunteer team.
func (s *Service) parties() []Party {
	out := slices.Clone(s.c.Parties)
	for _, team := range s.c.Teams() {
		if !slices.ContainsFunc(out, func(p Party) bool { return p.Name == team }) {
			out = append(out, Party{Name: team, Team: team})
		}
	}
	return out
}

// matchParty finds the one party whose name starts with (or contains) what was typed.
func (s *Service) matchParty(typed string) (Party, error) {
	var hits []Party
	for _, p := range s.parties() {
		if strings.HasPrefix(p.Name, typed) {
			hits = append(hits, p)
		}
	}
	if len(hits) == 0 {
		for _, p := range s.parties() {
			if strings.Contains(p.Name, typed) {
				hits = append(hits, p)
			}
		}
	}
	switch len(hits) {
	case 1:
		return hits[0], nil
	case 0:
		return Party{}, refuse(fmt.Sprintf(replyNoParty, typed, s.partyNames()))
	}
	var names []string
	for _, h := range hits {
		names = append(names, h.Name)
	}
	return Party{}, refuse(fmt.Sprintf(replyAmbiguousParty, typed, strings.Join(names, "、")))
}

func (s *Service) partyNames() string {
	var names []string
	for _, p := range s.parties() {
		names = append(names, p.Name)
	}
	return strings.Join(names, "、")
}

var spanRE = regexp.MustCompile(`^(\d{1,3})\s*(天|日|小时|个小时|h)$`)

// parseDeadline reads 派单's deadline: "3天", "48小时", or a date phrase. A span counts
// working time, except for an urgent report, which runs on the clock.
func (s *Service) parseDeadline(text string, now time.Time, urgent bool) (time.Time, error) {
	text = strings.TrimSpace(text)
	if text == "" {
		return s.deadline(now, s.c.ResolveSLA, urgent), nil
	}
	if m := spanRE.FindStringSubmatch(text); m != nil {
		n, _ := strconv.Atoi(m[1])
		unit := time.Hour
		if m[2] == "天" || m[2] == "日" {
			unit = 24 * time.Hour
		}
		if n <= 0 || time.Duration(n)*unit > 90*24*time.Hour {
			return time.Time{}, refuse(replyDeadlineRange)
		}
		return s.deadline(now, time.Duration(n)*unit, urgent), nil
	}
	if when, ok := s.parseWhen(text, now); ok {
		if !when.After(now) {
			return time.Time{}, refuse(fmt.Sprintf(replyPastTime, FormatWhen(when, now, s.c.Loc)))
		}
		return when, nil
	}
	return time.Time{}, refuse(formatDispatch)
}

func (s *Service) dispatchReport(ctx context.Context, t *turn, c Dispatch) ([]Post, error) {
	if err := require(t, RoleCoordinator, "派单"); err != nil {
		return nil, err
	}
	r, err := s.loadReport(ctx, c.Report)
	if err != nil {
		return nil, err
	}
	typed, deadline, _ := strings.Cut(c.Rest, " ")
	party, err := s.matchParty(typed)
	if err != nil {
		return nil, err
	}
	due, err := s.parseDeadline(deadline, t.now, r.Urgent)
	if err != nil {
		return nil, err
	}
	what := "派单给" + party.Name + "，期限 " + FormatWhen(due, t.now, s.c.Loc)
	if r.Status == ReportClosed {
		what = "重新打开，" + what
	}
	prevParty, prevTask := r.Party, r.Task
	r, err = s.change(ctx, t, ReportChange{
		ID: r.ID, Version: r.Version, Status: ReportDispatched, Party: party.Name, Due: due,
		Event: Event{Who: t.me.Nick, What: what},
	})
	if err != nil {
		return nil, err
	}
	posts := []Post{
		t.reply(fmt.Sprintf(replyDispatched, r.ID, party.Name, FormatWhen(due, t.now, s.c.Loc))),
		tellReporter(r, fmt.Sprintf(replyReporterDispatched, r.ID, party.Name, FormatWhen(due, t.now, s.c.Loc))),
	}
	posts = append(posts, tellFollowers(r, fmt.Sprintf(replyFollowerDispatched, r.ID, placeOr(r.Place), r.Category, party.Name, FormatWhen(due, t.now, s.c.Loc)))...)
	// The team's task for the case: kept when the same team keeps the case and its task is
	// still open, closed when the case moves elsewhere, posted anew otherwise.
	if prevTask != 0 {
		keep := party.Name == prevParty && party.Team != ""
		if keep {
			old, err := s.st.Task(ctx, prevTask)
			keep = err == nil && old.Status == TaskOpen
		}
		if keep {
			return posts, nil
		}
		closed, err := s.closeReportTask(ctx, t, prevTask)
		if err != nil {
			return nil, err
		}
		posts = append(posts, s.linkedClosedAlert(r, closed, fmt.Sprintf(alertRedispatched, party.Name), t.me.ID)...)
	}
	if party.Team == "" {
		return posts, nil
	}
	groups := s.c.TeamGroups(party.Team)
	if len(groups) == 0 {
		return posts, nil
	}
	task, err := s.st.PublishTask(ctx, t.op+":task", Task{
		Team: party.Team, Group: groups[0].Name, Title: fmt.Sprintf("处理诉求R%d", r.ID),
		Place: r.Place, Duration: time.Hour, Need: 1, Status: TaskOpen, By: t.me.ID, Report: r.ID,
	}, t.now)
	if err != nil {
		return nil, fmt.Errorf("dispatch report %d: linked task: %w", r.ID, err)
	}
	posts = append(posts, Post{
		Chat: Chat{Group: groups[0].Name},
		Text: fmt.Sprintf(replyLinkedTask, task.ID, r.ID, r.Category, placeOr(r.Place), r.Text, FormatWhen(due, t.now, s.c.Loc), task.ID),
	})
	return posts, nil
}

// closeReportTask takes a case's team task out of the listings once the case is resolved
// or has moved to another party. It returns the task as closed, with those who claimed
// it; a zero Task when it was closed already (or is gone).
func (s *Service) closeReportTask(ctx context.Context, t *turn, id int64) (Task, error) {
	task, err := s.st.CloseTask(ctx, fmt.Sprintf("%s:close:%d", t.op, id), id, t.now)
	if errors.Is(err, ErrConflict) || errors.Is(err, ErrNotFound) {
		return Task{}, nil
	}
	if err != nil {
		return Task{}, fmt.Errorf("close task %d: %w", id, err)
	}
	return task, nil
}

// mayResolve: a coordinator, or a member of the responsible volunteer team.
func (s *Service) mayResolve(t *turn, r Report) bool {
	if t.role >= RoleCoordinator {
		return true
	}
	return r.Party != "" && slices.Contains(t.me.Teams, r.Party)
}

func (s *Service) resolveReport(ctx context.Context, t *turn, c Resolve) ([]Post, error) {
	r, err := s.loadReport(ctx, c.Report)
	if err != nil {
		return nil, err
	}
	if !s.mayResolve(t, r) {
		return nil, refuse(replyResolveWho)
	}
	var bad error
	switch r.Status {
	case ReportClosed:
		bad = refuse(fmt.Sprintf(replyReportClosed, r.ID))
	case ReportResolved:
		bad = refuse(fmt.Sprintf(replyAlreadyResolved, r.ID))
	}
	if bad != nil {
		if err := s.unlessReplayed(ctx, t, bad); err != nil {
			return nil, err
		}
	}
	what := "办结"
	if c.Note != "" {
		what += "：" + c.Note
	}
	r, err = s.change(ctx, t, ReportChange{
		ID: r.ID, Version: r.Version, Status: ReportResolved, Party: r.Party, ResolvedAt: t.now,
		Event: Event{Who: t.me.Nick, What: what},
		Stat:  "resolved", ResolveMinutes: int(t.now.Sub(r.Created).Minutes()),
	})
	if err != nil {
		return nil, err
	}
	var closed Task
	if r.Task != 0 {
		if closed, err = s.closeReportTask(ctx, t, r.Task); err != nil {
			return nil, err
		}
	}
	note := ""
	if c.Note != "" {
		note = "：" + c.Note
	}
	return append([]Post{
		t.reply(fmt.Sprintf(replyResolved, r.ID)),
		tellReporter(r, fmt.Sprintf(replyPleaseRate, r.ID, note, r.ID, r.ID, r.ID)),
	}, s.linkedClosedAlert(r, closed, alertResolved, t.me.ID)...), nil
}

func (s *Service) rateReport(ctx context.Context, t *turn, c Rate) ([]Post, error) {
	r, err := s.loadReport(ctx, c.Report)
	if err != nil {
		return nil, err
	}
	if r.Reporter.ID != t.me.ID {
		return nil, refuse(replyRateWho)
	}
	if r.Status != ReportResolved {
		bad := refuse(fmt.Sprintf(replyNotResolvedYet, r.ID))
		if r.Status == ReportClosed {
			bad = refuse(fmt.Sprintf(replyReportClosed, r.ID))
		}
		if err := s.unlessReplayed(ctx, t, bad); err != nil {
			return nil, err
		}
	}
	word := ratingWord(c.Rating)
	what := "评价：" + word
	if c.Note != "" {
		what += "（" + c.Note + "）"
	}
	ch := ReportChange{
		ID: r.ID, Version: r.Version, Party: r.Party, Rating: c.Rating,
		Event: Event{Who: whoResident, What: what},
	}
	switch {
	case c.Rating == Dissatisfied && r.Party == "":
		// Resolved without being dispatched: back to the coordinators to dispatch.
		ch.Status, ch.Due, ch.Agenda, ch.Stat = ReportAccepted, s.deadline(t.now, s.c.DispatchSLA, r.Urgent), true, "reopened"
	case c.Rating == Dissatisfied:
		ch.Status, ch.Due, ch.Agenda, ch.Stat = ReportDispatched, s.deadline(t.now, s.c.ResolveSLA, false), true, "reopened"
	default:
		ch.Status, ch.Stat = ReportClosed, "closed"
	}
	r, err = s.change(ctx, t, ch)
	if err != nil {
		return nil, err
	}
	if c.Rating != Dissatisfied {
		return append([]Post{t.reply(fmt.Sprintf(replyThanksRating, r.ID))},
			tellFollowers(r, fmt.Sprintf(replyFollowerClosed, r.ID, placeOr(r.Place), r.Category))...), nil
	}
	note := c.Note
	if note == "" {
		note = "未说明原因"
	}
	if r.Party == "" {
		return append([]Post{t.reply(fmt.Sprintf(replyReopenedUndispatched, r.ID))},
			s.toCoordinators(fmt.Sprintf(replyReopenedUndispatchedNotice, r.ID, r.Category, placeOr(r.Place), note, r.ID))...), nil
	}
	posts := []Post{t.reply(fmt.Sprintf(replyReopened, r.ID, r.Party))}
	return append(posts, s.toCoordinators(fmt.Sprintf(replyReopenedNotice, r.ID, r.Category, placeOr(r.Place), note, r.Party))...), nil
}

func ratingWord(r Rating) string {
	switch r {
	case AutoSatisfied:
		return "默认满意"
	case FairlySatisfied:
		return "基本满意"
	case Dissatisfied:
		return "不满意"
	}
	return "满意"
}

func (s *Service) agenda(ctx context.Context, t *turn, c Agenda) ([]Post, error) {
	if err := require(t, RoleCoordinator, "把诉求列入议程"); err != nil {
		return nil, err
	}
	r, err := s.loadReport(ctx, c.Report)
	if err != nil {
		return nil, err
	}
	var bad error
	switch {
	case r.Status == ReportClosed:
		bad = refuse(fmt.Sprintf(replyReportClosed, r.ID))
	case r.OnAgenda:
		bad = refuse(fmt.Sprintf(replyAlreadyOnAgenda, r.ID))
	}
	if bad != nil {
		if err := s.unlessReplayed(ctx, t, bad); err != nil {
			return nil, err
		}
	}
	r, err = s.change(ctx, t, ReportChange{
		ID: r.ID, Version: r.Version, Status: r.Status, Party: r.Party, Due: r.Due, Agenda: true,
		Event: Event{Who: t.me.Nick, What: "列入圆桌会议议程"},
	})
	if err != nil {
		return nil, err
	}
	return []Post{t.reply(fmt.Sprintf(replyOnAgenda, r.ID))}, nil
}

func (s *Service) listReports(ctx context.Context, t *turn) ([]Post, error) {
	if err := require(t, RoleCoordinator, "查看诉求列表"); err != nil {
		return nil, err
	}
	rs, err := s.st.OpenReports(ctx, listLimit)
	if err != nil {
		return nil, fmt.Errorf("list reports: %w", err)
	}
	if len(rs) == 0 {
		return []Post{t.reply(replyNoOpenReports)}, nil
	}
	lines := []string{replyOpenReportsHead}
	for _, r := range rs {
		party := ""
		if r.Party != "" && r.Status != ReportAccepted {
			party = "（" + r.Party + "）"
		}
		lines = append(lines, fmt.Sprintf("%sR%d %s %s %s%s 已等%s", urgentMark(r), r.ID, r.Category, placeOr(r.Place), r.Status, party, formatSpan(t.now.Sub(r.Created))))
	}
	if len(rs) == listLimit {
		lines = append(lines, fmt.Sprintf(replyOnlyOldest, listLimit))
	}
	return []Post{t.reply(strings.Join(lines, "\n"))}, nil
}

// formatSpan writes a duration the way people say it: "2小时", "3天", "1天5小时", "40分钟".
func formatSpan(d time.Duration) string {
	if d < time.Hour {
		return fmt.Sprintf("%d分钟", max(0, int(d.Minutes())))
	}
	days, hours := int(d/(24*time.Hour)), int(d%(24*time.Hour)/time.Hour)
	switch {
	case days == 0:
		return fmt.Sprintf("%d小时", hours)
	case hours == 0:
		return fmt.Sprintf("%d天", days)
	}
	return fmt.Sprintf("%d天%d小时", days, hours)
}
