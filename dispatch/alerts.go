package dispatch

import (
	"context"
	"fmt"
	"strings"
	"time"
)

// Alerts to the coordinators' group (提醒协调员), as things happen: a 退 shortly before a
// task that leaves it short, a task about to start still short, a roster day nobody can
// take, and a linked task closed under those who claimed it. Each is posted at most once:
// those raised by a message are part of that message's posts, which the outbox queues
// once per op (and the store answers a replayed op as the first time); those raised by a
// job, or by more than one path, are claimed first with Once.

// releaseAlertWithin is how close to a task's start a 退 that leaves it short is told
// to the coordinators.
const releaseAlertWithin = 24 * time.Hour

// releaseAlert: who gave their place in task back within releaseAlertWithin of its start
// and nobody took it; nil otherwise. task is as it stands after the 退.
func (s *Service) releaseAlert(task Task, who, reason string, now time.Time) []Post {
	if task.Start.IsZero() || task.Left() == 0 || now.Before(task.Start.Add(-releaseAlertWithin)) || !now.Before(task.End()) {
		return nil
	}
	return s.toCoordinators(fmt.Sprintf(alertReleased, who, task.ID, s.taskBrief(task, now), reason, task.Left()))
}

// shortAlert: task starts within reminder_before (or has just started, when the window
// from the previous run spans its start) and is still short of people; once per task.
func (s *Service) shortAlert(ctx context.Context, task Task, from, now time.Time) ([]Post, error) {
	if task.Start.IsZero() || task.Left() == 0 || task.Start.Add(-s.c.ReminderBefore).After(now) ||
		!task.Start.After(from) || !now.Before(task.End()) {
		return nil, nil
	}
	first, err := s.st.Once(ctx, fmt.Sprintf("alert:short:%d", task.ID))
	if err != nil || !first {
		return nil, err
	}
	who := alertNobody
	if hs := task.Holders(); len(hs) > 0 {
		var nicks []string
		for _, p := range hs {
			nicks = append(nicks, p.Nick)
		}
		who = fmt.Sprintf(alertHolders, strings.Join(nicks, "、"))
	}
	return s.toCoordinators(fmt.Sprintf(alertShort, task.ID, s.taskBrief(task, now), task.Left(), who, task.ID)), nil
}

// dutyAlertKey marks that the coordinators heard a roster's day has nobody to take it.
func dutyAlertKey(roster string, day time.Time) string {
	return "alert:duty:" + roster + ":" + day.Format(time.DateOnly)
}

// leaveAlert: name's leave left a place of roster r on day that nobody could take. The
// day is marked, so the morning's assignment does not tell it again.
func (s *Service) leaveAlert(ctx context.Context, r Roster, name string, day, now time.Time) ([]Post, error) {
	if _, err := s.st.Once(ctx, dutyAlertKey(r.Name, day)); err != nil {
		return nil, err
	}
	return s.toCoordinators(fmt.Sprintf(alertLeaveUncovered, s.dayText(day, now), r.Name, name, r.Group)), nil
}

// emptyDutyAlert: nobody could be put on duty for roster r on day (all on leave); once
// per roster and day.
func (s *Service) emptyDutyAlert(ctx context.Context, r Roster, day, now time.Time) ([]Post, error) {
	first, err := s.st.Once(ctx, dutyAlertKey(r.Name, day))
	if err != nil || !first {
		return nil, err
	}
	return s.toCoordinators(fmt.Sprintf(alertNoDuty, s.dayText(day, now), r.Name, r.Group)), nil
}

// linkedClosedAlert: report r's linked task was closed (what says why: re-dispatched or
// resolved) while people had claimed it and not done it; they are told in the task's
// group, and the coordinators are told. actor, who caused it, is not told about their own
// doing; nil when nobody is left to tell.
func (s *Service) linkedClosedAlert(r Report, task Task, what, actor string) []Post {
	var nicks []string
	for _, p := range task.Queue {
		if !task.Done[p.ID] && p.ID != actor {
			nicks = append(nicks, p.Nick)
		}
	}
	if len(nicks) == 0 {
		return nil
	}
	posts := s.toCoordinators(fmt.Sprintf(alertLinkedClosed, r.ID, what, task.ID, strings.Join(nicks, "、")))
	if task.Group != "" {
		posts = append(posts, Post{Chat: Chat{Group: task.Group}, Mentions: nicks,
			Text: fmt.Sprintf(alertLinkedClaimant, r.ID, what, task.ID)})
	}
	return posts
}
