package dispatch

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode"
)

// AutoSatisfied is the rating a report gets when its reporter did not rate it within
// sla.auto_close (默认满意); the rates count it as satisfied.
const AutoSatisfied Rating = 4

// repeatWindow is how long after a report is closed the same problem filed again counts
// as 重复诉求.
const repeatWindow = 30 * 24 * time.Hour

// deadline is d after from on the SLA clock: working time when the community counts
// working days (whole days as working days, shorter spans as working hours), except for
// urgent reports, which run on the clock.
func (s *Service) deadline(from time.Time, d time.Duration, urgent bool) time.Time {
	if urgent || s.c.Calendar == nil {
		return from.Add(d)
	}
	if d%(24*time.Hour) == 0 {
		return s.c.Calendar.AddDays(from, int(d/(24*time.Hour)))
	}
	return s.c.Calendar.Add(from, d)
}

// working reports whether t is working time; without a calendar every moment is.
func (s *Service) working(t time.Time) bool {
	return s.c.Calendar == nil || s.c.Calendar.IsWorking(t)
}

// hasCategory reports whether name is one of the community's categories.
func (s *Service) hasCategory(name string) bool {
	return slices.ContainsFunc(s.c.Categories, func(c Category) bool { return c.Name == name })
}

// categoryNamed is the category typed: its whole name, or the start of only one.
func (s *Service) categoryNamed(typed string) (string, bool) {
	var hits []string
	for _, c := range s.c.Categories {
		if c.Name == typed {
			return c.Name, true
		}
		if typed != "" && strings.HasPrefix(c.Name, typed) {
			hits = append(hits, c.Name)
		}
	}
	if len(hits) == 1 {
		return hits[0], true
	}
	return "", false
}

// similar reports whether two reports' texts say nearly the same thing: most of the
// shorter text's character pairs are in the other (燃气味很重 ~ 楼道里燃气味很重).
func similar(a, b string) bool {
	pairs := func(s string) map[string]bool {
		var rs []rune
		for _, r := range Normalize(s) {
			if unicode.IsLetter(r) || unicode.IsDigit(r) {
				rs = append(rs, r)
			}
		}
		m := map[string]bool{}
		for i := 0; i+1 < len(rs); i++ {
			m[string(rs[i:i+2])] = true
		}
		return m
	}
	pa, pb := pairs(a), pairs(b)
	if len(pa) > len(pb) {
		pa, pb = pb, pa
	}
	if len(pa) < 3 {
		return false
	}
	n := 0
	for p := range pa {
		if pb[p] {
			n++
		}
	}
	return n*10 >= len(pa)*7
}

// sameProblem reports whether a new report r is about the same problem as o: the same
// place and category, or nearly the same words.
func sameProblem(r, o Report) bool {
	if r.Place != "" && r.Place == o.Place && r.Category == o.Category {
		return true
	}
	return similar(r.Text, o.Text)
}

// duplicateOf finds an open report r looks like, for the 同问 suggestion.
func duplicateOf(r Report, open []Report) (Report, bool) {
	for _, o := range open {
		if o.Status != ReportClosed && sameProblem(r, o) {
			return o, true
		}
	}
	return Report{}, false
}

// repeatOf finds a report closed within repeatWindow of now that r repeats: the same
// category, from the same reporter or at the same place; 0 if none.
func repeatOf(r Report, closed []Report, now time.Time) int64 {
	for i := len(closed) - 1; i >= 0; i-- {
		o := closed[i]
		if o.Status != ReportClosed || now.Sub(o.ClosedAt) > repeatWindow || o.Category != r.Category {
			continue
		}
		if o.Reporter.ID == r.Reporter.ID || (r.Place != "" && o.Place == r.Place) {
			return o.ID
		}
	}
	return 0
}

func (s *Service) recategorise(ctx context.Context, t *turn, c Recategorise) ([]Post, error) {
	if err := require(t, RoleCoordinator, "改类"); err != nil {
		return nil, err
	}
	if name, ok := s.categoryNamed(c.Category); ok {
		c.Category = name // "改类 R1 治安": the one category it starts, as 派单 takes parties
	} else {
		var names []string
		for _, cat := range s.c.Categories {
			names = append(names, cat.Name)
		}
		return nil, refuse(fmt.Sprintf(replyNoCategory, c.Category, strings.Join(names, "、")))
	}
	r, err := s.loadReport(ctx, c.Report)
	if err != nil {
		return nil, err
	}
	old := r.Category
	r, changed, err := s.st.NoteReport(ctx, t.op, ReportNote{
		ID: r.ID, Category: c.Category, Event: Event{At: t.now, Who: t.me.Nick, What: "改类：" + old + " → " + c.Category},
		CreatedMonth: s.month(r.Created), Month: s.month(t.now), Stat: "recategorised",
	}, t.now)
	if err != nil {
		return nil, fmt.Errorf("recategorise report %d: %w", c.Report, err)
	}
	if !changed {
		return []Post{t.reply(fmt.Sprintf(replySameCategory, r.ID, c.Category))}, nil
	}
	if old == c.Category {
		// A replayed 改类 read the report after its own change; say what it did.
		old = categoryBefore(r)
	}
	return []Post{t.reply(fmt.Sprintf(replyRecategorised, r.ID, old, c.Category))}, nil
}

// categoryBefore reads the category a report had before its last 改类, from its history.
func categoryBefore(r Report) string {
	for i := len(r.History) - 1; i >= 0; i-- {
		if from, ok := strings.CutPrefix(r.History[i].What, "改类："); ok {
			before, _, _ := strings.Cut(from, " → ")
			return before
		}
	}
	return r.Category
}

func (s *Service) chase(ctx context.Context, t *turn, c Chase) ([]Post, error) {
	r, err := s.loadReport(ctx, c.Report)
	if err != nil {
		return nil, err
	}
	byReporter := r.Reporter.ID == t.me.ID
	if t.role < RoleCoordinator && !byReporter {
		return nil, refuse(replyChaseWho)
	}
	if r.Status != ReportAccepted && r.Status != ReportDispatched {
		return nil, s.unlessReplayedErr(ctx, t, refuse(fmt.Sprintf(replyChaseState, r.ID, r.Status)))
	}
	if !r.Urgent && !s.working(t.now) {
		return nil, refuse(fmt.Sprintf(replyChaseOffHours, r.ID, FormatWhen(s.c.Calendar.Next(t.now), t.now, s.c.Loc)))
	}
	// Once per working day: the party is chased, not flooded.
	first, err := s.st.Once(ctx, fmt.Sprintf("chase:%d:%s", r.ID, t.now.In(s.c.Loc).Format("20060102")))
	if err != nil {
		return nil, fmt.Errorf("chase report %d: %w", r.ID, err)
	}
	if !first {
		if err := s.unlessReplayed(ctx, t, refuse(fmt.Sprintf(replyChasedToday, r.ID))); err != nil {
			return nil, err
		}
	}
	who := whoResident
	if !byReporter {
		who = t.me.Nick
	}
	what := "催办"
	if c.Note != "" {
		what += "：" + c.Note
	}
	r, _, err = s.st.NoteReport(ctx, t.op, ReportNote{
		ID: r.ID, Event: Event{At: t.now, Who: who, What: what},
		CreatedMonth: s.month(r.Created), Month: s.month(t.now), Stat: "chased",
	}, t.now)
	if err != nil {
		return nil, fmt.Errorf("chase report %d: %w", c.Report, err)
	}
	by := "协调员"
	if byReporter {
		by = "居民"
	}
	waited := formatSpan(t.now.Sub(r.Created))
	note := ""
	if c.Note != "" {
		note = fmt.Sprintf(replyChaseNote, MaskPersonal(c.Note)) // the reporter's words, as the report's text
	}
	if r.Status == ReportAccepted {
		text := fmt.Sprintf(replyChaseNoticeAccepted, r.ID, r.Category, placeOr(r.Place), MaskPersonal(r.Text), by, note, waited, r.ID)
		return append([]Post{t.reply(fmt.Sprintf(replyChased, r.ID, "协调员"))}, s.toCoordinators(text)...), nil
	}
	due := ""
	switch {
	case r.Due.IsZero():
	case r.OverdueAt(t.now): // as the rates, the digest and the escalation count it
		due = fmt.Sprintf(replyChaseOverdue, FormatWhen(r.Due, t.now, s.c.Loc))
	default:
		due = fmt.Sprintf(replyChaseDue, FormatWhen(r.Due, t.now, s.c.Loc))
	}
	text := fmt.Sprintf(replyChaseNotice, r.ID, r.Category, placeOr(r.Place), MaskPersonal(r.Text), by, note, waited, due)
	posts := []Post{t.reply(fmt.Sprintf(replyChased, r.ID, r.Party))}
	if groups := s.c.TeamGroups(r.Party); len(groups) > 0 {
		return append(posts, Post{Chat: Chat{Group: groups[0].Name}, Text: text}), nil
	}
	// A party with no group of its own (物业公司, a unit) is chased through the coordinators.
	return append(posts, s.toCoordinators(strings.Replace(text, "请尽快办理", "请联系 "+r.Party+" 尽快办理", 1))...), nil
}

// unlessReplayedErr is unlessReplayed for a refusal that ends the handler either way.
func (s *Service) unlessReplayedErr(ctx context.Context, t *turn, refusal error) error {
	if err := s.unlessReplayed(ctx, t, refusal); err != nil {
		return err
	}
	return refusal
}

func (s *Service) follow(ctx context.Context, t *turn, c Follow) ([]Post, error) {
	r, err := s.loadReport(ctx, c.Report)
	if err != nil {
		return nil, err
	}
	if r.Reporter.ID == t.me.ID {
		return nil, refuse(fmt.Sprintf(replyFollowOwn, r.ID))
	}
	if r.Status == ReportClosed {
		return nil, refuse(fmt.Sprintf(replyFollowClosed, r.ID))
	}
	f := Follower{ID: t.me.ID, Nick: t.me.Nick, Chat: t.m.Chat, Since: t.now}
	r, added, err := s.st.NoteReport(ctx, t.op, ReportNote{
		ID: r.ID, Event: Event{At: t.now, Who: whoResident, What: "同问"}, Follower: &f,
		CreatedMonth: s.month(r.Created), Month: s.month(t.now),
	}, t.now)
	if err != nil {
		return nil, fmt.Errorf("follow report %d: %w", c.Report, err)
	}
	if !added {
		return nil, refuse(fmt.Sprintf(replyFollowing, r.ID))
	}
	return []Post{t.reply(fmt.Sprintf(replyFollowed, r.ID, placeOr(r.Place), r.Category, len(r.Followers)))}, nil
}

// tellFollowers is a post to each follower where they followed from.
func tellFollowers(r Report, text string) []Post {
	var out []Post
	for _, f := range r.Followers {
		p := Post{Chat: f.Chat, Text: text}
		if !f.Chat.IsPrivate() {
			p.Mentions = []string{f.Nick}
		}
		out = append(out, p)
	}
	return out
}

// followThroughPosts: resolved reports not rated are reminded once after RateReminder
// (in the daytime, not at night) and closed as 默认满意 after AutoClose.
func (s *Service) followThroughPosts(ctx context.Context, now time.Time) ([]Post, error) {
	waiting, err := s.st.AwaitingRating(ctx, now.Add(-s.c.RateReminder), 200)
	if err != nil {
		return nil, fmt.Errorf("follow-through: %w", err)
	}
	var posts []Post
	for _, r := range waiting {
		if r.Status != ReportResolved || r.ResolvedAt.IsZero() {
			continue
		}
		if now.Sub(r.ResolvedAt) >= s.c.AutoClose {
			days := int(s.c.AutoClose / (24 * time.Hour))
			c, err := s.st.ChangeReport(ctx, fmt.Sprintf("auto:%d:%d", r.ID, r.Version), ReportChange{
				ID: r.ID, Version: r.Version, Status: ReportClosed, Party: r.Party, Rating: AutoSatisfied,
				Event: Event{At: now, Who: whoSystem, What: fmt.Sprintf(replyAutoClosed, days)},
				Month: s.month(now), Stat: "closed",
			}, now)
			if errors.Is(err, ErrConflict) {
				continue // rated or changed meanwhile
			}
			if err != nil {
				return nil, fmt.Errorf("auto-close report %d: %w", r.ID, err)
			}
			posts = append(posts, tellFollowers(c, fmt.Sprintf(replyFollowerClosed, c.ID, placeOr(c.Place), c.Category))...)
			continue
		}
		if h := now.In(s.c.Loc).Hour(); h < 9 || h >= 20 {
			continue // a resident is not woken for a rating; the next daytime slot reminds
		}
		first, err := s.st.Once(ctx, fmt.Sprintf("rate:%d:%d", r.ID, r.ResolvedAt.Unix()))
		if err != nil {
			return nil, err
		}
		if first {
			days := int(s.c.AutoClose / (24 * time.Hour))
			posts = append(posts, tellReporter(r, fmt.Sprintf(replyRateReminder, r.ID, r.ID, r.ID, r.ID, days)))
		}
	}
	return posts, nil
}
