package store

import (
	"cmp"
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/changzheng/chorus/dispatch"
)

var _ dispatch.Store = (*DB)(nil)

// decodeTask reads a task_view (see lua/prelude.lua).
func decodeTask(v any) (dispatch.Task, bool) {
	l := list(v)
	if len(l) < 14 {
		return dispatch.Task{}, false
	}
	t := dispatch.Task{
		ID: num(l[0]), Team: str(l[1]), Group: str(l[2]), Title: str(l[3]), Place: str(l[4]),
		Start: unix(l[5]), Duration: time.Duration(num(l[6])) * time.Second, Need: int(num(l[7])),
		Status: dispatch.TaskStatus(str(l[8])), By: str(l[9]), Report: num(l[10]),
	}
	ids, nicks := strs(l[11]), strs(l[12])
	for i, id := range ids {
		p := dispatch.Person{ID: id}
		if i < len(nicks) {
			p.Nick = nicks[i]
		}
		t.Queue = append(t.Queue, p)
	}
	if done := strs(l[13]); len(done) > 0 {
		t.Done = make(map[string]bool, len(done))
		for _, id := range done {
			t.Done[id] = true
		}
	}
	return t, true
}

// PublishTask implements dispatch.TaskStore.
func (db *DB) PublishTask(ctx context.Context, op string, t dispatch.Task, now time.Time) (dispatch.Task, error) {
	v, err := db.run(ctx, db.scripts.publish, op, t.Team, t.Group, t.Title, t.Place,
		unixArg(t.Start), int64(t.Duration/time.Second), t.Need, t.By, t.Report, cmp.Or(unixArg(t.Start), now.Unix()))
	if err != nil {
		return t, fmt.Errorf("store: publish task: %w", err)
	}
	t.ID = num(list(v)[0])
	return t, nil
}

// ClaimTask implements dispatch.TaskStore: one round trip.
func (db *DB) ClaimTask(ctx context.Context, op string, id int64, who dispatch.Person, now time.Time) (dispatch.ClaimResult, error) {
	v, err := db.run(ctx, db.scripts.claim, op, id, who.ID, now.Unix())
	if err != nil {
		return dispatch.ClaimResult{}, fmt.Errorf("store: claim task %d: %w", id, err)
	}
	l := list(v)
	if num(l[0]) == 0 {
		return dispatch.ClaimResult{}, notFound("task", id)
	}
	t, _ := decodeTask(l[2])
	outcomes := map[int64]dispatch.ClaimOutcome{1: dispatch.ClaimHeld, 2: dispatch.ClaimWaiting,
		3: dispatch.ClaimAlreadyHeld, 4: dispatch.ClaimAlreadyWaiting, 5: dispatch.ClaimClosed}
	return dispatch.ClaimResult{Outcome: outcomes[num(l[0])], Position: int(num(l[1])), Task: t}, nil
}

// ReleaseTask implements dispatch.TaskStore.
func (db *DB) ReleaseTask(ctx context.Context, op string, id int64, who string, now time.Time) (dispatch.ReleaseResult, error) {
	v, err := db.run(ctx, db.scripts.release, op, id, who)
	if err != nil {
		return dispatch.ReleaseResult{}, fmt.Errorf("store: release task %d: %w", id, err)
	}
	l := list(v)
	if num(l[0]) == 0 {
		return dispatch.ReleaseResult{}, notFound("task", id)
	}
	t, _ := decodeTask(l[2])
	outcomes := map[int64]dispatch.ReleaseOutcome{1: dispatch.ReleaseHeld, 2: dispatch.ReleaseWaiting,
		3: dispatch.ReleaseNotClaimed, 4: dispatch.ReleaseClosed}
	res := dispatch.ReleaseResult{Outcome: outcomes[num(l[0])], Task: t}
	if pid := str(l[1]); pid != "" {
		for _, p := range t.Queue {
			if p.ID == pid {
				res.Promoted = p
			}
		}
	}
	return res, nil
}

// CompleteTask implements dispatch.TaskStore.
func (db *DB) CompleteTask(ctx context.Context, op string, id int64, who string, minutes int, note, month string, now time.Time) (dispatch.CompleteResult, error) {
	v, err := db.run(ctx, db.scripts.complete, op, id, who, minutes, note, month)
	if err != nil {
		return dispatch.CompleteResult{}, fmt.Errorf("store: complete task %d: %w", id, err)
	}
	l := list(v)
	if num(l[0]) == 0 {
		return dispatch.CompleteResult{}, notFound("task", id)
	}
	t, _ := decodeTask(l[1])
	outcomes := map[int64]dispatch.CompleteOutcome{1: dispatch.CompleteDone, 2: dispatch.CompleteNotHolder,
		3: dispatch.CompleteAlready, 4: dispatch.CompleteClosed}
	return dispatch.CompleteResult{Outcome: outcomes[num(l[0])], Task: t}, nil
}

// CancelTask implements dispatch.TaskStore; an already cancelled task is ErrConflict.
func (db *DB) CancelTask(ctx context.Context, op string, id int64, now time.Time) (dispatch.Task, error) {
	return db.endTask(ctx, op, id, dispatch.TaskCancelled)
}

// CloseTask implements dispatch.TaskStore.
func (db *DB) CloseTask(ctx context.Context, op string, id int64, now time.Time) (dispatch.Task, error) {
	return db.endTask(ctx, op, id, dispatch.TaskClosed)
}

func (db *DB) endTask(ctx context.Context, op string, id int64, status dispatch.TaskStatus) (dispatch.Task, error) {
	v, err := db.run(ctx, db.scripts.cancel, op, id, string(status))
	if err != nil {
		return dispatch.Task{}, fmt.Errorf("store: cancel task %d: %w", id, err)
	}
	l := list(v)
	switch num(l[0]) {
	case 0:
		return dispatch.Task{}, notFound("task", id)
	case 2:
		return dispatch.Task{}, fmt.Errorf("store: cancel task %d: %w", id, dispatch.ErrConflict)
	}
	t, _ := decodeTask(l[1])
	return t, nil
}

// Task implements dispatch.TaskStore.
func (db *DB) Task(ctx context.Context, id int64) (dispatch.Task, error) {
	v, err := db.run(ctx, db.scripts.tasks, "", "one", id)
	if err != nil {
		return dispatch.Task{}, fmt.Errorf("store: read task %d: %w", id, err)
	}
	t, ok := decodeTask(list(v)[0])
	if !ok {
		return t, notFound("task", id)
	}
	return t, nil
}

// OpenTasks implements dispatch.TaskStore from the team's sorted-set index.
func (db *DB) OpenTasks(ctx context.Context, team string, from time.Time, limit int) ([]dispatch.Task, error) {
	return db.taskIndex(ctx, "open:"+team, from, limit)
}

// MemberTasks implements dispatch.TaskStore from the member's sorted-set index.
func (db *DB) MemberTasks(ctx context.Context, who string, from time.Time, limit int) ([]dispatch.Task, error) {
	return db.taskIndex(ctx, "mtasks:"+who, from, limit)
}

func (db *DB) taskIndex(ctx context.Context, index string, from time.Time, limit int) ([]dispatch.Task, error) {
	v, err := db.run(ctx, db.scripts.tasks, "", "index", index, from.Unix(), limit)
	if err != nil {
		return nil, fmt.Errorf("store: list %s: %w", index, err)
	}
	var out []dispatch.Task
	for _, x := range list(v) {
		if t, ok := decodeTask(x); ok {
			out = append(out, t)
		}
	}
	return out, nil
}

func itoa(n int64) string { return strconv.FormatInt(n, 10) }
