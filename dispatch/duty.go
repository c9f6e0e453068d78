package dispatch

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"
)

// CheckInResult is the outcome of a month's 报到.
type CheckInResult struct {
	// First is false when the member already checked in this month.
	First bool
	// Unit is the member's unit after the check-in.
	Unit string
}

// Volunteer is one person's figures in a month.
type Volunteer struct {
	Person
	Unit     string
	CheckIns int
	Tasks    int
	Minutes  int
}

// MonthFigures are a month's volunteer figures.
type MonthFigures struct {
	CheckIns int
	Tasks    int
	Minutes  int
	// Top are the volunteers with the most minutes, most first.
	Top []Volunteer
}

// DutyStore keeps check-ins, monthly figures and duty rosters.
type DutyStore interface {
	// CheckIn records who's check-in for month once; unit is stored the first time one
	// is given (later ones do not overwrite it).
	CheckIn(ctx context.Context, op string, who Person, unit, month string, now time.Time) (CheckInResult, error)
	// MonthFigures reads a month's totals and its top volunteers.
	MonthFigures(ctx context.Context, month string, top int) (MonthFigures, error)
	// UnitFigures lists every member with a unit and their month's figures.
	UnitFigures(ctx context.Context, month string) ([]Volunteer, error)
	// AssignDuty returns who is on duty for roster on day (yyyy-mm-dd), choosing them the
	// first time it is asked: the members whose last duty is oldest, skipping those on
	// leave that day, ties in roster order.
	AssignDuty(ctx context.Context, r Roster, day string, dayStart time.Time) ([]string, error)
	// TakeLeave records that name is on leave on day for every roster. When a roster
	// already assigned name that day, the next in rotation takes the place: the result
	// maps roster name to the replacement ("" when nobody was left).
	TakeLeave(ctx context.Context, op string, rosters []Roster, name, day string, dayStart time.Time) (map[string]string, error)
}

func (s *Service) checkIn(ctx context.Context, t *turn, c CheckIn) ([]Post, error) {
	if err := require(t, RoleMember, "报到"); err != nil {
		return nil, err
	}
	unit, err := s.unit(c.Unit)
	if err != nil {
		return nil, err
	}
	res, err := s.st.CheckIn(ctx, t.op, Person{ID: t.me.ID, Nick: t.me.Nick}, unit, s.month(t.now), t.now)
	if err != nil {
		return nil, fmt.Errorf("check in %s: %w", t.me.ID, err)
	}
	month := t.now.In(s.c.Loc).Format("1月")
	unit = res.Unit
	if unit == "" {
		unit = "未填单位，可发送「报到 单位名称」补上"
	}
	if !res.First {
		return []Post{t.reply(fmt.Sprintf(replyCheckedInAlready, month, unit))}, nil
	}
	return []Post{t.reply(fmt.Sprintf(replyCheckedIn, month, unit))}, nil
}

func (s *Service) stats(ctx context.Context, t *turn) ([]Post, error) {
	month := s.month(t.now)
	f, err := s.st.MonthFigures(ctx, month, 5)
	if err != nil {
		return nil, fmt.Errorf("stats %s: %w", month, err)
	}
	rf, err := s.st.ReportStats(ctx, month)
	if err != nil {
		return nil, fmt.Errorf("report stats %s: %w", month, err)
	}
	local := t.now.In(s.c.Loc)
	lines := []string{
		fmt.Sprintf("%d年%d月统计：", local.Year(), local.Month()),
		fmt.Sprintf("党员报到 %d 人", f.CheckIns),
		fmt.Sprintf("完成任务 %d 人次，服务 %s", f.Tasks, formatHours(float64(f.Minutes)/60)),
	}
	if len(f.Top) > 0 {
		var top []string
		for _, v := range f.Top {
			top = append(top, fmt.Sprintf("%s %s", v.Nick, formatHours(float64(v.Minutes)/60)))
		}
		lines = append(lines, "志愿之星："+strings.Join(top, "、"))
	}
	lines = append(lines, fmt.Sprintf("诉求：收到 %d 件，办结 %d 件，关闭 %d 件", rf.Received, rf.Resolved, rf.Closed))
	if len(rf.ByCategory) > 0 {
		var cats []string
		for _, c := range s.c.Categories {
			if n := rf.ByCategory[c.Name]; n > 0 {
				cats = append(cats, fmt.Sprintf("%s %d", c.Name, n))
			}
		}
		lines = append(lines, "分类："+strings.Join(cats, "、"))
	}
	if len(rf.ResolveMinutes) > 0 {
		lines = append(lines, "办结用时中位数："+formatSpan(time.Duration(median(rf.ResolveMinutes))*time.Minute))
	}
	if n := rf.ByRating[Satisfied] + rf.ByRating[FairlySatisfied] + rf.ByRating[Dissatisfied]; n > 0 {
		lines = append(lines, fmt.Sprintf("评价：满意 %d、基本满意 %d、不满意 %d（满意率 %d%%）",
			rf.ByRating[Satisfied], rf.ByRating[FairlySatisfied], rf.ByRating[Dissatisfied],
			(200*(rf.ByRating[Satisfied]+rf.ByRating[FairlySatisfied])+n)/(2*n))) // rounded to the nearest
	}
	return []Post{t.reply(strings.Join(lines, "\n"))}, nil
}

// median of a non-empty list.
func median(xs []int) int {
	s := slices.Clone(xs)
	slices.Sort(s)
	if len(s)%2 == 1 {
		return s[len(s)/2]
	}
	return (s[len(s)/2-1] + s[len(s)/2]) / 2
}

func (s *Service) broadcast(ctx context.Context, t *turn, c Broadcast) ([]Post, error) {
	if err := require(t, RoleCoordinator, "广播"); err != nil {
		return nil, err
	}
	var groups []Group
	switch c.Target {
	case "全部", "所有", "所有群":
		groups = s.c.Groups
	case "居民", "居民群", "全体居民":
		// The residents' groups (the residents' own and the liaison leaders'), not a team.
		if groups = s.c.GroupsOfKind(KindResidents); len(groups) == 0 {
			return nil, refuse(replyNoResidentsGroup)
		}
	default:
		var teams []string
		for _, team := range s.c.Teams() {
			if team == c.Target {
				teams = []string{team}
				break
			}
			if strings.HasPrefix(team, c.Target) || strings.Contains(team, c.Target) {
				teams = append(teams, team)
			}
		}
		switch len(teams) {
		case 0:
			return nil, refuse(fmt.Sprintf(replyNoTeam, c.Target, strings.Join(s.c.Teams(), "、")))
		case 1:
			groups = s.c.TeamGroups(teams[0])
		default:
			return nil, refuse(fmt.Sprintf(replyAmbiguousTeam, c.Target, strings.Join(teams, "、")))
		}
	}
	t.announcement = true // the coordinator's own words: numbers kept (see guard)
	posts := []Post{t.reply(fmt.Sprintf(replyBroadcast, len(groups)))}
	for _, g := range groups {
		posts = append(posts, Post{Chat: Chat{Group: g.Name}, Text: "【广播】" + c.Text, Scheduled: true})
	}
	return posts, nil
}

// rostersIn lists the rosters posted in a group.
func (s *Service) rostersIn(group string) []Roster {
	var out []Roster
	for _, r := range s.c.Rosters {
		if r.Group == group {
			out = append(out, r)
		}
	}
	return out
}

// dutyLines are today's duties of the rosters in a group, with the people on duty, and
// the rosters nobody could be put on.
func (s *Service) dutyLines(ctx context.Context, rosters []Roster, day time.Time) (lines, people []string, empty []Roster, err error) {
	for _, r := range rosters {
		names, err := s.st.AssignDuty(ctx, r, day.Format(time.DateOnly), day)
		if err != nil {
			return nil, nil, nil, fmt.Errorf("assign duty %s: %w", r.Name, err)
		}
		if len(names) == 0 {
			lines = append(lines, fmt.Sprintf("%s：今天无人可排（都请假了），请协调员安排", r.Name))
			empty = append(empty, r)
			continue
		}
		lines = append(lines, fmt.Sprintf("%s：%s", r.Name, strings.Join(names, "、")))
		people = append(people, names...)
	}
	return lines, people, empty, nil
}

func (s *Service) duty(ctx context.Context, t *turn) ([]Post, error) {
	rosters := s.rostersIn(t.m.Chat.Group)
	if len(rosters) == 0 {
		return []Post{t.reply(replyNoRoster)}, nil
	}
	day := s.dayStart(t.now)
	lines, people, _, err := s.dutyLines(ctx, rosters, day)
	if err != nil {
		return nil, err
	}
	p := t.reply(fmt.Sprintf("%s 值班：\n%s", s.dayText(day, t.now), strings.Join(lines, "\n")))
	return []Post{mention(p, people...)}, nil
}

func (s *Service) leave(ctx context.Context, t *turn, c Leave) ([]Post, error) {
	if err := require(t, RoleMember, "请假"); err != nil {
		return nil, err
	}
	when, ok := s.parseWhen(c.Text, t.now)
	if !ok {
		return nil, refuse(formatLeave)
	}
	day := s.dayStart(when)
	if day.Before(s.dayStart(t.now)) {
		return nil, refuse(fmt.Sprintf(replyPastTime, FormatWhen(when, t.now, s.c.Loc)))
	}
	name := t.me.Nick
	var mine []Roster
	for _, r := range s.c.Rosters {
		if slices.Contains(r.Members, t.me.Nick) {
			mine = append(mine, r)
		} else if t.me.Name != "" && slices.Contains(r.Members, t.me.Name) {
			mine, name = append(mine, r), t.me.Name
		}
	}
	if len(mine) == 0 {
		return nil, refuse(replyNotOnRoster)
	}
	repl, err := s.st.TakeLeave(ctx, t.op, mine, name, day.Format(time.DateOnly), day)
	if err != nil {
		return nil, fmt.Errorf("take leave: %w", err)
	}
	dayText := s.dayText(day, t.now)
	posts := []Post{t.reply(fmt.Sprintf(replyLeaveTaken, dayText))}
	for _, r := range mine {
		who, ok := repl[r.Name]
		switch {
		case ok && who != "":
			posts = append(posts, Post{Chat: Chat{Group: r.Group}, Text: fmt.Sprintf(replyDutySwap, dayText, r.Name, name), Mentions: []string{who}})
		case ok:
			alert, err := s.leaveAlert(ctx, r, name, day, t.now)
			if err != nil {
				return nil, err
			}
			posts = append(posts, alert...)
		}
	}
	return posts, nil
}
