package store

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/changzheng/chorus/dispatch"
)

// seenTTL is how long a message id is remembered for de-duplication; WeChat redelivers
// within minutes, so a week is ample and keeps memory bounded.
const seenTTL = 7 * 24 * time.Hour

// sentLogLen bounds the delivery log.
const sentLogLen = 1000

// Accept stores an inbound message once, before anything else happens to it. It reports
// false for a duplicate (same transport and id), which must then be ignored.
// It returns the inbox entry, which Finish retires.
func (db *DB) Accept(ctx context.Context, m dispatch.Message) (string, bool, error) {
	raw, err := json.Marshal(m)
	if err != nil {
		return "", false, fmt.Errorf("store: accept: %w", err)
	}
	v, err := db.runKeys(ctx, db.scripts.accept, []string{db.keys.seen(m.Transport, m.ID)}, string(raw), int64(seenTTL/time.Second))
	if err != nil {
		return "", false, fmt.Errorf("store: accept %s:%s: %w", m.Transport, m.ID, err)
	}
	return string(raw), num(v) == 1, nil
}

// Pending lists the inbound messages stored but not finished: after a crash they are
// handled again (their ops make that safe).
func (db *DB) Pending(ctx context.Context) ([]dispatch.Pending, error) {
	raws, err := db.rdb.LRange(ctx, db.keys.inbox(), 0, -1).Result()
	if err != nil {
		return nil, fmt.Errorf("store: read inbox: %w", err)
	}
	var out []dispatch.Pending
	for _, raw := range raws {
		var m dispatch.Message
		if err := json.Unmarshal([]byte(raw), &m); err != nil {
			continue // not ours to parse; left for a human to look at
		}
		out = append(out, dispatch.Pending{Message: m, Raw: raw})
	}
	return out, nil
}

// Finish queues envs and retires the inbox entry raw (if any) in one step, once per op.
func (db *DB) Finish(ctx context.Context, op, raw string, envs []dispatch.Envelope) error {
	args := []any{raw, int64(seenTTL / time.Second)}
	for _, e := range envs {
		b, err := json.Marshal(e)
		if err != nil {
			return fmt.Errorf("store: finish %s: %w", op, err)
		}
		args = append(args, lane(e), string(b))
	}
	if _, err := db.runKeys(ctx, db.scripts.finish, []string{db.keys.out(op)}, args...); err != nil {
		return fmt.Errorf("store: finish %s: %w", op, err)
	}
	return nil
}

// lane is the outbox list an envelope waits in, after "outbox:": answers to people in the
// transport's own list, scheduled posts and broadcasts in "<transport>:later", so that
// Take serves answers first.
func lane(e dispatch.Envelope) string {
	if e.Post.Scheduled {
		return e.Transport + ":later"
	}
	return e.Transport
}

// Take moves the next envelope of a transport's outbox to this instance's in-flight list:
// the oldest answer to a person, else the oldest scheduled post. It blocks up to block
// (0: not at all) for an answer; a scheduled post queued meanwhile is picked up by the
// next call, at most block later. It reports false when none came.
func (db *DB) Take(ctx context.Context, transport, instance string, block time.Duration) (dispatch.Envelope, bool, error) {
	src, dst := db.keys.outbox(transport), db.keys.inflight(transport, instance)
	v, err := db.runKeys(ctx, db.scripts.take, []string{src, db.keys.outboxLater(transport), dst})
	if err != nil {
		return dispatch.Envelope{}, false, fmt.Errorf("store: take from outbox %s: %w", transport, err)
	}
	raw, ok := v.(string)
	if !ok && block > 0 {
		// A blocking read on the answers: the worker wakes as soon as one is queued.
		raw, err = db.rdb.BLMove(ctx, src, dst, "LEFT", "RIGHT", block).Result()
		if errors.Is(err, redis.Nil) {
			return dispatch.Envelope{}, false, nil
		}
		if err != nil {
			return dispatch.Envelope{}, false, fmt.Errorf("store: take from outbox %s: %w", transport, err)
		}
		ok = true
	}
	if !ok {
		return dispatch.Envelope{}, false, nil
	}
	var e dispatch.Envelope
	if err := json.Unmarshal([]byte(raw), &e); err != nil {
		// A corrupt entry would block the queue forever: drop it loudly.
		db.rdb.LRem(ctx, dst, 1, raw)
		return dispatch.Envelope{}, false, fmt.Errorf("store: corrupt outbox entry dropped: %w", err)
	}
	e.Raw = raw
	return e, true, nil
}

// Requeue gives an envelope taken by Take back to the head of its outbox list: a
// scheduled post waiting for the budget yields to an answer queued meanwhile.
func (db *DB) Requeue(ctx context.Context, transport, instance string, e dispatch.Envelope) error {
	dst := db.keys.outbox(transport)
	if e.Post.Scheduled {
		dst = db.keys.outboxLater(transport)
	}
	if _, err := db.runKeys(ctx, db.scripts.requeue, []string{db.keys.inflight(transport, instance), dst}, e.Raw); err != nil {
		return fmt.Errorf("store: requeue %s: %w", e.ID, err)
	}
	return nil
}

// Waiting reports whether an answer to a person waits in a transport's outbox.
func (db *DB) Waiting(ctx context.Context, transport string) (bool, error) {
	n, err := db.rdb.LLen(ctx, db.keys.outbox(transport)).Result()
	if err != nil {
		return false, fmt.Errorf("store: outbox length %s: %w", transport, err)
	}
	return n > 0, nil
}

// Delivered retires an envelope taken by Take and logs the delivery. The envelopes in
// also went out in the same post (answers merged into it): they are retired in the same
// step, so after a crash either all of them are sent again, merged again, or none. It is
// idempotent: retiring an envelope again (a retirement replayed after an outage) logs
// nothing more, and removes it from the outbox if Recover had put it back there.
func (db *DB) Delivered(ctx context.Context, transport, instance string, e dispatch.Envelope, d dispatch.Delivery, also ...dispatch.Envelope) error {
	rec, err := json.Marshal(d)
	if err != nil {
		return fmt.Errorf("store: delivered %s: %w", e.ID, err)
	}
	args := []any{e.Raw, string(rec), sentLogLen}
	for _, a := range also {
		args = append(args, a.Raw)
	}
	keys := []string{db.keys.inflight(transport, instance), db.keys.outbox(transport), db.keys.outboxLater(transport)}
	if _, err := db.runKeys(ctx, db.scripts.sent, keys, args...); err != nil {
		return fmt.Errorf("store: delivered %s: %w", e.ID, err)
	}
	return nil
}

// Recover puts what this instance had in flight when it stopped back at the head of the
// outbox, in order (answers to the answers list, scheduled posts to theirs), and reports
// how many.
func (db *DB) Recover(ctx context.Context, transport, instance string) (int, error) {
	v, err := db.runKeys(ctx, db.scripts.recover, []string{db.keys.inflight(transport, instance),
		db.keys.outbox(transport), db.keys.outboxLater(transport)})
	if err != nil {
		return 0, fmt.Errorf("store: recover in-flight %s: %w", transport, err)
	}
	return int(num(v)), nil
}

// Rescue moves the envelopes that want accepts, among the first window of a transport's
// scheduled posts, into this instance's in-flight list, past the posts ahead of them, and
// returns those it moved in outbox order; Delivered retires them and Recover puts them back
// at the head of the outbox. Each envelope is moved atomically: when another process takes
// or rescues it first, this call skips it, so every envelope has one owner.
func (db *DB) Rescue(ctx context.Context, transport, instance string, window int, want func(dispatch.Envelope) bool) ([]dispatch.Envelope, error) {
	out, err := db.pick(ctx, db.keys.outboxLater(transport), db.keys.inflight(transport, instance), window, want)
	if err != nil {
		return nil, fmt.Errorf("store: rescue from outbox %s: %w", transport, err)
	}
	return out, nil
}

// Gather moves the answers that want accepts, among the first window of a transport's
// answers, into this instance's in-flight list and returns them in outbox order: the
// answers to one chat that go out merged into one post. Each is moved by one caller
// only, as in Rescue.
func (db *DB) Gather(ctx context.Context, transport, instance string, window int, want func(dispatch.Envelope) bool) ([]dispatch.Envelope, error) {
	out, err := db.pick(ctx, db.keys.outbox(transport), db.keys.inflight(transport, instance), window, want)
	if err != nil {
		return nil, fmt.Errorf("store: gather answers from outbox %s: %w", transport, err)
	}
	return out, nil
}

// pick moves the envelopes want accepts, among the first window of list src, to dst.
func (db *DB) pick(ctx context.Context, src, dst string, window int, want func(dispatch.Envelope) bool) ([]dispatch.Envelope, error) {
	if window <= 0 {
		return nil, nil
	}
	raws, err := db.rdb.LRange(ctx, src, 0, int64(window)-1).Result()
	if err != nil {
		return nil, err
	}
	var picked []dispatch.Envelope
	var args []any
	for _, raw := range raws {
		var e dispatch.Envelope
		if json.Unmarshal([]byte(raw), &e) != nil {
			continue // Take drops it when it reaches the head
		}
		if e.Raw = raw; want(e) {
			picked, args = append(picked, e), append(args, raw)
		}
	}
	if len(picked) == 0 {
		return nil, nil
	}
	v, err := db.runKeys(ctx, db.scripts.rescue, []string{src, dst}, args...)
	if err != nil {
		return nil, err
	}
	moved := list(v)
	var out []dispatch.Envelope
	for i, e := range picked {
		if i < len(moved) && num(moved[i]) == 1 {
			out = append(out, e)
		}
	}
	return out, nil
}

// Queued reports how many posts wait in a transport's outbox (answers and scheduled).
func (db *DB) Queued(ctx context.Context, transport string) (int64, error) {
	var n int64
	for _, k := range []string{db.keys.outbox(transport), db.keys.outboxLater(transport)} {
		m, err := db.rdb.LLen(ctx, k).Result()
		if err != nil {
			return 0, fmt.Errorf("store: outbox length %s: %w", transport, err)
		}
		n += m
	}
	return n, nil
}

// Deliveries reads the newest n delivery records, newest first.
func (db *DB) Deliveries(ctx context.Context, n int) ([]dispatch.Delivery, error) {
	raws, err := db.rdb.LRange(ctx, db.keys.sentlog(), 0, int64(n)-1).Result()
	if err != nil {
		return nil, fmt.Errorf("store: read delivery log: %w", err)
	}
	var out []dispatch.Delivery
	for _, raw := range raws {
		var d dispatch.Delivery
		if json.Unmarshal([]byte(raw), &d) == nil {
			out = append(out, d)
		}
	}
	return out, nil
}

// ClaimSlot implements dispatch.SlotStore: SET NX with a lease, so a run that died
// mid-slot can be taken over once the lease ends; Finish on the slot's op marks it done.
func (db *DB) ClaimSlot(ctx context.Context, job string, at time.Time, lease time.Duration) (dispatch.SlotState, error) {
	done, err := db.rdb.Exists(ctx, db.keys.out(SlotOp(job, at))).Result()
	if err != nil {
		return 0, fmt.Errorf("store: claim slot %s %d: %w", job, at.Unix(), err)
	}
	if done > 0 {
		return dispatch.SlotDone, nil
	}
	ok, err := db.rdb.SetNX(ctx, db.keys.slot(job, at.Unix()), 1, lease).Result()
	if err != nil {
		return 0, fmt.Errorf("store: claim slot %s %d: %w", job, at.Unix(), err)
	}
	if !ok {
		return dispatch.SlotBusy, nil
	}
	return dispatch.SlotClaimed, nil
}

// SlotOp is the op id of a job's slot; finishing it marks the slot done.
func SlotOp(job string, at time.Time) string { return "slot:" + job + ":" + itoa(at.Unix()) }

// Watermark implements dispatch.SlotStore.
func (db *DB) Watermark(ctx context.Context, job string) (time.Time, error) {
	v, err := db.rdb.Get(ctx, db.keys.mark(job)).Int64()
	if errors.Is(err, redis.Nil) {
		return time.Time{}, nil
	}
	if err != nil {
		return time.Time{}, fmt.Errorf("store: watermark %s: %w", job, err)
	}
	return time.Unix(v, 0), nil
}

// SetWatermark implements dispatch.SlotStore; it never moves a watermark back.
func (db *DB) SetWatermark(ctx context.Context, job string, at time.Time) error {
	if _, err := db.runKeys(ctx, db.scripts.mark, []string{db.keys.mark(job)}, at.Unix()); err != nil {
		return fmt.Errorf("store: set watermark %s: %w", job, err)
	}
	return nil
}

// onceTTL bounds how long Once remembers; reminders and calls concern the coming weeks.
const onceTTL = 60 * 24 * time.Hour

// Once implements dispatch.OnceStore with SET NX.
func (db *DB) Once(ctx context.Context, what string) (bool, error) {
	ok, err := db.rdb.SetNX(ctx, db.keys.once(what), 1, onceTTL).Result()
	if err != nil {
		return false, fmt.Errorf("store: once %s: %w", what, err)
	}
	return ok, nil
}

// Applied implements dispatch.OpStore.
func (db *DB) Applied(ctx context.Context, op string) (bool, error) {
	n, err := db.rdb.Exists(ctx, db.keys.op(op)).Result()
	if err != nil {
		return false, fmt.Errorf("store: op %s: %w", op, err)
	}
	return n > 0, nil
}
