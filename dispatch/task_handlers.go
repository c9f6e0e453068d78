package dispatch

import (
	"context"
	"errors"
	"fmt"
	"math"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	whenpkg "github.com/changzheng/chorus/dispatch/when"
)

const (
	maxTitleRunes = 60
	maxPlaceRunes = 40
	listLimit     = 20
)

// TaskSpec is what 发布's free text says.
type TaskSpec struct {
	Title    string
	Place    string
	Start    time.Time
	Duration time.Duration
	Need     int
}

// partSeparators turns the punctuation people put between 发布's parts into spaces.
var partSeparators = strings.NewReplacer("，", " ", ",", " ", "、", " ", "；", " ", ";", " ", "。", " ")

// ParseTaskSpec reads a task's title, time, place, headcount and duration from 发布's text:
// the first word left after the time, headcount and hours are taken out is the title, the
// rest the place. A range (下午3点到5点) sets the duration. It never turns what it cannot
// read into the place: a word left over that looks like a time is asked about, and a
// value out of range (25点, 12月99日, 需要-3人, -2小时) is refused with the allowed range.
// def says what a time leaves unsaid (the community's default time of day).
func ParseTaskSpec(text string, now time.Time, loc *time.Location, def whenpkg.Defaults) (TaskSpec, error) {
	spec := TaskSpec{Need: 1, Duration: time.Hour}
	// ，、； separate the parts as spaces do: 发放宣传材料，明天上午9点，社区门口，需要3人.
	rest := " " + partSeparators.Replace(text) + " "
	if r, ok := whenpkg.Parse(rest, now, loc, def); ok {
		if !r.Time.After(now) {
			return spec, refuse(fmt.Sprintf(replyPastTime, FormatWhen(r.Time, now, loc)))
		}
		spec.Start = r.Time
		if r.Duration > 0 {
			spec.Duration = r.Duration
		}
		rest = rest[:r.Start] + " " + rest[r.End:]
	}
	if n, phrase, ok := ParseHeadcountAny(rest); ok {
		if n < 1 || n > 999 || negativeBefore(rest, phrase) {
			return spec, refuse(replyHeadcount)
		}
		spec.Need = n
		rest = strings.Replace(rest, phrase, " ", 1)
	}
	if d, phrase, ok := ParseHoursAny(rest); ok {
		if d < 10*time.Minute || d > 24*time.Hour || negativeBefore(rest, phrase) {
			return spec, refuse(replyTaskDuration)
		}
		spec.Duration = d
		rest = strings.Replace(rest, phrase, " ", 1)
	}
	words := strings.Fields(rest)
	if len(words) == 0 {
		return spec, refuse(formatPublish)
	}
	for i, w := range words {
		if err := unreadTime(w, i > 0); err != nil {
			return spec, err
		}
	}
	spec.Title = words[0]
	spec.Place = strings.Join(words[1:], " ")
	if utf8.RuneCountInString(spec.Title) > maxTitleRunes || utf8.RuneCountInString(spec.Place) > maxPlaceRunes {
		return spec, refuse(replyTaskTooLong)
	}
	return spec, nil
}

// unreadTime refuses a word left over from 发布 that is a time out of range (25点, 12月99日)
// or, unless it is the title, one that looks like a time chorus could not read
// (大大大后天): such a word must not become the place.
func unreadTime(w string, notTitle bool) error {
	if ps := whenpkg.Problems(w); len(ps) > 0 {
		p := ps[0]
		switch p.Field {
		case whenpkg.FieldHour:
			return refuse(fmt.Sprintf(replyBadHour, p.Phrase))
		case whenpkg.FieldMinute:
			return refuse(fmt.Sprintf(replyBadMinute, p.Phrase))
		case whenpkg.FieldMonth:
			return refuse(fmt.Sprintf(replyBadMonth, p.Phrase))
		default:
			return refuse(fmt.Sprintf(replyBadDay, p.Phrase, p.Max))
		}
	}
	if strings.HasPrefix(w, "-") || strings.HasPrefix(w, "－") {
		return refuse(fmt.Sprintf(replyUnreadNumber, w))
	}
	if notTitle && whenpkg.LooksLikeTime(w) {
		return refuse(fmt.Sprintf(replyUnreadTime, w))
	}
	return nil
}

// negativeBefore reports whether phrase is written in s right after a minus sign
// (需要-3人, -2小时): such a number is refused, not read without its sign.
func negativeBefore(s, phrase string) bool {
	i := strings.Index(s, phrase)
	if i <= 0 {
		return false
	}
	before := strings.TrimRightFunc(s[:i], unicode.IsSpace)
	for _, lead := range headcountLeads {
		before = strings.TrimSuffix(before, lead)
	}
	before = strings.TrimRightFunc(before, unicode.IsSpace)
	return strings.HasSuffix(before, "-") || strings.HasSuffix(before, "－") || strings.HasSuffix(before, "负")
}

func (s *Service) publish(ctx context.Context, t *turn, c Publish) ([]Post, error) {
	if err := require(t, RoleCoordinator, "发布任务"); err != nil {
		return nil, err
	}
	if t.group.Team == "" {
		return nil, refuse(replyPublishWhere)
	}
	// A phone number typed with spaces must not be split into title and place, where the
	// privacy door could no longer tell it is one.
	spec, err := ParseTaskSpec(GluePersonal(c.Text), t.now, s.c.Loc, s.whenDefaults())
	if err != nil {
		return nil, err
	}
	task, err := s.st.PublishTask(ctx, t.op, Task{
		Team: t.group.Team, Group: t.group.Name, Title: spec.Title, Place: spec.Place,
		Start: spec.Start, Duration: spec.Duration, Need: spec.Need, Status: TaskOpen, By: t.me.ID,
	}, t.now)
	if err != nil {
		return nil, fmt.Errorf("publish task: %w", err)
	}
	p := t.reply(fmt.Sprintf(replyPublished, task.ID, s.taskCard(task, t.now), task.ID))
	if t.m.Transport == cardTransport {
		p.Card = s.card(task, t.now, false)
		p.Card.Note = fmt.Sprintf(cardNote, task.ID)
	}
	return []Post{p}, nil
}

// cardTransport is the transport that shows cards with buttons (WeCom). Only there does
// 发布's answer carry one: elsewhere it would only keep the answer from being merged with
// others to the same group (a post with a card goes alone).
const cardTransport = "wecom"

// card is task as a card with 接 / 退 buttons. update makes it the restatement that answers
// a tap (see Card.Update).
func (s *Service) card(task Task, now time.Time, update bool) *Card {
	c := &Card{Task: task.ID, Title: fmt.Sprintf(cardTitle, task.ID, task.Title), Update: update}
	if !task.Start.IsZero() {
		c.Fields = append(c.Fields, CardField{Key: cardKeyTime, Value: FormatWhen(task.Start, now, s.c.Loc)})
	}
	if task.Place != "" {
		c.Fields = append(c.Fields, CardField{Key: cardKeyPlace, Value: task.Place})
	}
	places := fmt.Sprintf(cardPlacesLeft, task.Left(), task.Need)
	if task.Left() <= 0 {
		places = fmt.Sprintf(cardPlacesFull, task.Need)
		if w := len(task.Waiting()); w > 0 {
			places = fmt.Sprintf(cardPlacesWaiting, task.Need, w)
		}
	}
	c.Fields = append(c.Fields, CardField{Key: cardKeyPlaces, Value: places})
	c.Buttons = []CardButton{
		{Text: cardClaim, Command: fmt.Sprintf(cardClaimCommand, task.ID)},
		{Text: cardRelease, Command: fmt.Sprintf(cardReleaseCmd, task.ID)},
	}
	return c
}

// tapped gives the answer to a tap on a card the card restated with the task as it is
// now, so the transport can update the tapped card in place; other answers stay text.
func (s *Service) tapped(t *turn, p Post, task Task) Post {
	if t.m.Tap && !t.m.Chat.IsPrivate() && task.Group == t.m.Chat.Group {
		p.Card = s.card(task, t.now, true)
	}
	return p
}

// taskCard is the multi-line description of a task in a reply.
func (s *Service) taskCard(task Task, now time.Time) string {
	var b strings.Builder
	b.WriteString(task.Title)
	if !task.Start.IsZero() {
		fmt.Fprintf(&b, "\n时间：%s", FormatWhen(task.Start, now, s.c.Loc))
	}
	if task.Place != "" {
		fmt.Fprintf(&b, "\n地点：%s", task.Place)
	}
	fmt.Fprintf(&b, "\n需要 %d 人，%s", task.Need, formatHours(task.Duration.Hours()))
	return b.String()
}

// taskLine is one task in a listing.
func (s *Service) taskLine(task Task, now time.Time) string {
	var b strings.Builder
	fmt.Fprintf(&b, "#%d %s", task.ID, task.Title)
	if !task.Start.IsZero() {
		fmt.Fprintf(&b, " %s", FormatWhen(task.Start, now, s.c.Loc))
	}
	if task.Place != "" {
		fmt.Fprintf(&b, " %s", task.Place)
	}
	if left := task.Left(); left > 0 {
		fmt.Fprintf(&b, " 还差%d人", left)
	} else if w := len(task.Waiting()); w > 0 {
		fmt.Fprintf(&b, " 已满（候补%d人）", w)
	} else {
		b.WriteString(" 已满")
	}
	return b.String()
}

func formatHours(h float64) string {
	if h == math.Trunc(h) {
		return fmt.Sprintf("%d小时", int(h))
	}
	return fmt.Sprintf("%.1f小时", h)
}

func (s *Service) claim(ctx context.Context, t *turn, id int64, who Person, assigned bool) ([]Post, error) {
	if !assigned {
		if err := require(t, RoleMember, "认领任务"); err != nil {
			return nil, err
		}
	}
	res, err := s.st.ClaimTask(ctx, t.op, id, who, t.now)
	if errors.Is(err, ErrNotFound) {
		return nil, refuse(fmt.Sprintf(replyNoTask, id))
	}
	if err != nil {
		return nil, fmt.Errorf("claim task %d: %w", id, err)
	}
	task := res.Task
	if res.Outcome == ClaimClosed {
		return nil, refuse(closedText(task))
	}
	if assigned {
		return s.assigned(t, res, who), nil
	}
	var text string
	switch res.Outcome {
	case ClaimHeld:
		text = fmt.Sprintf(replyClaimed, task.ID, s.taskBrief(task, t.now)) + s.placesLeft(task)
	case ClaimWaiting:
		text = fmt.Sprintf(replyWaitlisted, task.ID, res.Position)
	case ClaimAlreadyHeld:
		text = fmt.Sprintf(replyAlreadyHeld, task.ID)
	case ClaimAlreadyWaiting:
		text = fmt.Sprintf(replyAlreadyWaiting, task.ID, res.Position)
	}
	return []Post{s.tapped(t, t.reply(text), task)}, nil
}

func (s *Service) placesLeft(task Task) string {
	if left := task.Left(); left > 0 {
		return fmt.Sprintf(replyStillNeed, left)
	}
	return replyNowFull
}

// assigned answers a coordinator's 指派, and tells the person in the task's group when
// the coordinator typed it elsewhere.
func (s *Service) assigned(t *turn, res ClaimResult, who Person) []Post {
	task := res.Task
	var text string
	switch res.Outcome {
	case ClaimHeld:
		text = fmt.Sprintf(replyAssignedHeld, who.Nick, task.ID, s.taskBrief(task, t.now)) + s.placesLeft(task)
	case ClaimWaiting:
		text = fmt.Sprintf(replyAssignedWaiting, task.ID, who.Nick, res.Position)
	case ClaimAlreadyHeld:
		text = fmt.Sprintf(replyAssignedAlreadyHeld, who.Nick, task.ID)
	case ClaimAlreadyWaiting:
		text = fmt.Sprintf(replyAssignedAlreadyWaiting, who.Nick, task.ID, res.Position)
	}
	posts := []Post{mention(t.reply(text), who.Nick)}
	if task.Group != "" && task.Group != t.m.Chat.Group && (res.Outcome == ClaimHeld || res.Outcome == ClaimWaiting) {
		posts = append(posts, Post{Chat: Chat{Group: task.Group}, Mentions: []string{who.Nick},
			Text: fmt.Sprintf(replyAssignedNotice, t.me.Nick, task.ID, s.taskBrief(task, t.now))})
	}
	return posts
}

// taskBrief is a task's title and time on one line.
func (s *Service) taskBrief(task Task, now time.Time) string {
	if task.Start.IsZero() {
		return task.Title
	}
	return fmt.Sprintf("%s（%s）", task.Title, FormatWhen(task.Start, now, s.c.Loc))
}

func closedText(task Task) string {
	if task.Status == TaskCancelled {
		return fmt.Sprintf(replyTaskCancelledAlready, task.ID)
	}
	return fmt.Sprintf(replyTaskOver, task.ID)
}

func (s *Service) assign(ctx context.Context, t *turn, c Assign) ([]Post, error) {
	if err := require(t, RoleCoordinator, "指派任务"); err != nil {
		return nil, err
	}
	who, err := s.person(ctx, c.Nick)
	if err != nil {
		return nil, err
	}
	return s.claim(ctx, t, c.Task, Person{ID: who.ID, Nick: who.Nick}, true)
}

func (s *Service) release(ctx context.Context, t *turn, c Release) ([]Post, error) {
	res, err := s.st.ReleaseTask(ctx, t.op, c.Task, t.me.ID, t.now)
	if errors.Is(err, ErrNotFound) {
		return nil, refuse(fmt.Sprintf(replyNoTask, c.Task))
	}
	if err != nil {
		return nil, fmt.Errorf("release task %d: %w", c.Task, err)
	}
	switch res.Outcome {
	case ReleaseNotClaimed:
		return nil, refuse(fmt.Sprintf(replyNotClaimed, c.Task))
	case ReleaseClosed:
		return nil, refuse(closedText(res.Task))
	case ReleaseWaiting:
		return []Post{s.tapped(t, t.reply(fmt.Sprintf(replyLeftWaiting, c.Task)), res.Task)}, nil
	}
	reason := ""
	if c.Reason != "" {
		reason = fmt.Sprintf(replyReason, c.Reason)
	}
	posts := []Post{s.tapped(t, t.reply(fmt.Sprintf(replyReleased, c.Task)+reason), res.Task)}
	if res.Task.Group != "" && res.Task.Group != t.m.Chat.Group {
		// Said elsewhere (a private chat): the task's group still hears who left and why.
		posts = append(posts, Post{Chat: Chat{Group: res.Task.Group},
			Text: fmt.Sprintf(replyReleasedNotice, t.me.Nick, res.Task.ID, res.Task.Title, reason) + s.placesLeft(res.Task)})
	}
	if res.Promoted.ID != "" {
		posts = append(posts, Post{
			Chat:     Chat{Group: res.Task.Group},
			Text:     fmt.Sprintf(replyPromoted, res.Task.ID, s.taskBrief(res.Task, t.now)),
			Mentions: []string{res.Promoted.Nick},
		})
	}
	return append(posts, s.releaseAlert(res.Task, t.me.Nick, reason, t.now)...), nil
}

func (s *Service) complete(ctx context.Context, t *turn, c Complete) ([]Post, error) {
	if c.Hours < 0 {
		return nil, refuse(replyHoursPositive)
	}
	task, err := s.st.Task(ctx, c.Task)
	if errors.Is(err, ErrNotFound) {
		return nil, refuse(fmt.Sprintf(replyNoTask, c.Task))
	}
	if err != nil {
		return nil, fmt.Errorf("complete task %d: %w", c.Task, err)
	}
	if !task.Start.IsZero() && t.now.Before(task.Start) {
		if err := s.unlessReplayed(ctx, t, refuse(fmt.Sprintf(replyNotStarted, task.ID))); err != nil {
			return nil, err
		}
	}
	hours := c.Hours
	if hours == 0 {
		hours = task.Duration.Hours()
	}
	// Hours feed each unit's monthly feedback: more than twice the task's length (at
	// least an hour more) is a typo, not service, and is refused with the range.
	if limit := max(2*task.Duration, task.Duration+time.Hour); hours > limit.Hours() {
		d := formatHours(task.Duration.Hours())
		return nil, refuse(fmt.Sprintf(replyHoursRange, formatHours(limit.Hours()), task.ID, d, task.ID, d))
	}
	minutes := int(math.Round(hours * 60))
	res, err := s.st.CompleteTask(ctx, t.op, c.Task, t.me.ID, minutes, c.Note, s.month(t.now), t.now)
	if err != nil {
		return nil, fmt.Errorf("complete task %d: %w", c.Task, err)
	}
	switch res.Outcome {
	case CompleteNotHolder:
		return nil, refuse(fmt.Sprintf(replyNotHolder, c.Task))
	case CompleteAlready:
		return nil, refuse(fmt.Sprintf(replyAlreadyDone, c.Task))
	case CompleteClosed:
		return nil, refuse(closedText(res.Task))
	}
	posts := []Post{t.reply(fmt.Sprintf(replyCompleted, c.Task, formatHours(float64(minutes)/60)))}
	if r := res.Task.Report; r != 0 {
		posts = append(posts, Post{Chat: Chat{Group: res.Task.Group}, Text: fmt.Sprintf(replyProposeResolve, c.Task, r, r)})
	}
	return posts, nil
}

func (s *Service) cancelTask(ctx context.Context, t *turn, c CancelTask) ([]Post, error) {
	if err := require(t, RoleCoordinator, "取消任务"); err != nil {
		return nil, err
	}
	task, err := s.st.CancelTask(ctx, t.op, c.Task, t.now)
	if errors.Is(err, ErrNotFound) {
		return nil, refuse(fmt.Sprintf(replyNoTask, c.Task))
	}
	if errors.Is(err, ErrConflict) {
		return nil, refuse(fmt.Sprintf(replyTaskCancelledAlready, c.Task))
	}
	if err != nil {
		return nil, fmt.Errorf("cancel task %d: %w", c.Task, err)
	}
	reason := ""
	if c.Reason != "" {
		reason = fmt.Sprintf(replyReason, c.Reason)
	}
	posts := []Post{t.reply(fmt.Sprintf(replyCancelled, task.ID, task.Title) + reason)}
	if len(task.Queue) > 0 {
		var nicks []string
		for _, p := range task.Queue {
			nicks = append(nicks, p.Nick)
		}
		posts = append(posts, Post{
			Chat:     Chat{Group: task.Group},
			Text:     fmt.Sprintf(replyCancelNotice, task.ID, s.taskBrief(task, t.now), reason),
			Mentions: nicks,
		})
	}
	return posts, nil
}

// listTeam is the team whose tasks a listing in this turn shows.
func (t *turn) listTeam() string {
	if t.group.Team != "" {
		return t.group.Team
	}
	if t.m.Chat.IsPrivate() {
		return t.me.Team
	}
	return ""
}

func (s *Service) listTasks(ctx context.Context, t *turn) ([]Post, error) {
	team := t.listTeam()
	if team == "" {
		return nil, refuse(replyListWhere)
	}
	tasks, err := s.st.OpenTasks(ctx, team, t.now, listLimit)
	if err != nil {
		return nil, fmt.Errorf("list tasks of %s: %w", team, err)
	}
	if len(tasks) == 0 {
		return []Post{t.reply(fmt.Sprintf(replyNoOpenTasks, team))}, nil
	}
	lines := []string{fmt.Sprintf(replyOpenTasksHead, team)}
	for _, task := range tasks {
		lines = append(lines, s.taskLine(task, t.now))
	}
	lines = append(lines, replyClaimHint)
	return []Post{t.reply(strings.Join(lines, "\n"))}, nil
}

func (s *Service) myTasks(ctx context.Context, t *turn) ([]Post, error) {
	tasks, err := s.st.MemberTasks(ctx, t.me.ID, s.dayStart(t.now), listLimit)
	if err != nil {
		return nil, fmt.Errorf("list tasks of %s: %w", t.me.ID, err)
	}
	if len(tasks) == 0 {
		return []Post{t.reply(replyNoMyTasks)}, nil
	}
	lines := []string{replyMyTasksHead}
	for _, task := range tasks {
		state := "已认领"
		for i, p := range task.Queue {
			if p.ID != t.me.ID {
				continue
			}
			switch {
			case task.Done[p.ID]:
				state = "已完成"
			case i >= task.Need:
				state = fmt.Sprintf("候补第%d位", i-task.Need+1)
			}
		}
		line := fmt.Sprintf("#%d %s", task.ID, task.Title)
		if !task.Start.IsZero() {
			line += " " + FormatWhen(task.Start, t.now, s.c.Loc)
		}
		lines = append(lines, line+"（"+state+"）")
	}
	return []Post{t.reply(strings.Join(lines, "\n"))}, nil
}
