package store_test

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/changzheng/chorus/dispatch"
	"github.com/changzheng/chorus/store"
	"github.com/changzheng/chorus/store/storetest"
)

var t0 = time.Date(2026, 11, 27, 10, 0, 0, 0, time.FixedZone("CST", 8*3600))

func publish(tb testing.TB, db *store.DB, need int) dispatch.Task {
	tb.Helper()
	task, err := db.PublishTask(tb.Context(), "", dispatch.Task{Team: "橙色平安", Group: "橙色平安长征志愿者",
		Title: "发放防诈骗宣传材料", Place: "社区门口", Start: t0.Add(24 * time.Hour), Duration: 2 * time.Hour, Need: need, Status: dispatch.TaskOpen, By: "m1"}, t0)
	if err != nil {
		tb.Fatal(err)
	}
	return task
}

// 50 people send 接 at once for a 3-place task: exactly 3 hold a place and 47 wait in the
// order the claims arrived.
func TestConcurrentClaims(t *testing.T) {
	db := storetest.Open(t)
	task := publish(t, db, 3)
	const n = 50
	var wg sync.WaitGroup
	results := make([]dispatch.ClaimResult, n)
	for i := range n {
		wg.Go(func() {
			who := dispatch.Person{ID: fmt.Sprintf("m%d", 100+i)}
			res, err := db.ClaimTask(t.Context(), fmt.Sprintf("op-%d", i), task.ID, who, t0)
			if err != nil {
				t.Error(err)
				return
			}
			results[i] = res
		})
	}
	wg.Wait()
	held, waiting := 0, map[int]bool{}
	for _, r := range results {
		switch r.Outcome {
		case dispatch.ClaimHeld:
			held++
		case dispatch.ClaimWaiting:
			if waiting[r.Position] {
				t.Errorf("waiting position %d given twice", r.Position)
			}
			waiting[r.Position] = true
		default:
			t.Errorf("outcome %v; want held or waiting", r.Outcome)
		}
	}
	if held != 3 || len(waiting) != 47 {
		t.Fatalf("got %d holders and %d waiting; want 3 and 47", held, len(waiting))
	}
	got, err := db.Task(t.Context(), task.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(got.Holders()) != 3 || len(got.Waiting()) != 47 {
		t.Fatalf("stored: %d holders, %d waiting", len(got.Holders()), len(got.Waiting()))
	}
	// The queue's order is the order of arrival at Redis: each claim's reported position
	// matches its place in the stored queue.
	for i, r := range results {
		id := fmt.Sprintf("m%d", 100+i)
		idx := slices.IndexFunc(got.Queue, func(p dispatch.Person) bool { return p.ID == id })
		if r.Outcome == dispatch.ClaimWaiting && idx != 3+r.Position-1 {
			t.Errorf("%s was told waiting position %d but stands at %d", id, r.Position, idx)
		}
	}
	// A repeated claim changes nothing and says so.
	again, err := db.ClaimTask(t.Context(), "op-again", task.ID, got.Queue[10], t0)
	if err != nil || again.Outcome != dispatch.ClaimAlreadyWaiting || again.Position != 8 {
		t.Fatalf("repeat claim: %+v, %v; want already waiting at 8", again, err)
	}
	// 退 by a holder promotes the first waiting.
	rel, err := db.ReleaseTask(t.Context(), "op-rel", task.ID, got.Queue[1].ID, t0)
	if err != nil || rel.Outcome != dispatch.ReleaseHeld || rel.Promoted.ID != got.Queue[3].ID {
		t.Fatalf("release: %+v, %v; want %s promoted", rel, err, got.Queue[3].ID)
	}
}

// The same op applied twice (a message handled again after a crash) has one effect and
// the same result.
func TestOpsAreIdempotent(t *testing.T) {
	db := storetest.Open(t)
	task := publish(t, db, 1)
	first, err := db.ClaimTask(t.Context(), "wechat:123", task.ID, dispatch.Person{ID: "m5"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	second, err := db.ClaimTask(t.Context(), "wechat:123", task.ID, dispatch.Person{ID: "m5"}, t0)
	if err != nil {
		t.Fatal(err)
	}
	if first.Outcome != dispatch.ClaimHeld || second.Outcome != dispatch.ClaimHeld {
		t.Fatalf("replayed op: first %v, second %v; want held both times", first.Outcome, second.Outcome)
	}
	r1, err := db.FileReport(t.Context(), "wechat:9", dispatch.Report{Text: "灯坏了", Category: "设施维修", Created: t0, Due: t0.Add(2 * time.Hour)}, "202611", t0)
	if err != nil {
		t.Fatal(err)
	}
	r2, err := db.FileReport(t.Context(), "wechat:9", dispatch.Report{Text: "灯坏了", Category: "设施维修", Created: t0, Due: t0.Add(2 * time.Hour)}, "202611", t0)
	if err != nil {
		t.Fatal(err)
	}
	if r1.ID != r2.ID {
		t.Fatalf("the same report op filed twice: R%d and R%d", r1.ID, r2.ID)
	}
	f, err := db.ReportStats(t.Context(), "202611")
	if err != nil || f.Received != 1 {
		t.Fatalf("received %d, %v; want 1", f.Received, err)
	}
}

// 1,000 concurrent reports get 1,000 distinct ids.
func TestConcurrentReportsDistinctIDs(t *testing.T) {
	db := storetest.Open(t)
	const n = 1000
	ids := make([]int64, n)
	var wg sync.WaitGroup
	sem := make(chan struct{}, 64)
	for i := range n {
		wg.Go(func() {
			sem <- struct{}{}
			defer func() { <-sem }()
			r, err := db.FileReport(t.Context(), fmt.Sprintf("op-%d", i), dispatch.Report{
				Text: "3号楼2单元楼道灯坏了", Category: "设施维修", Place: "3号楼2单元",
				Reporter: dispatch.Person{ID: fmt.Sprintf("m%d", i)}, Created: t0, Due: t0.Add(2 * time.Hour)}, "202611", t0)
			if err != nil {
				t.Error(err)
				return
			}
			ids[i] = r.ID
		})
	}
	wg.Wait()
	slices.Sort(ids)
	if len(slices.Compact(slices.Clone(ids))) != n || ids[0] != 1 || ids[n-1] != n {
		t.Fatalf("ids not 1..%d distinct: first %d last %d", n, ids[0], ids[n-1])
	}
}

// The overdue query returns exactly the reports due at or before the clock, from the index.
func TestOverdueReports(t *testing.T) {
	db := storetest.Open(t)
	file := func(op string, due time.Duration) dispatch.Report {
		r, err := db.FileReport(t.Context(), op, dispatch.Report{Text: "x", Category: "其他", Created: t0, Due: t0.Add(due)}, "202611", t0)
		if err != nil {
			t.Fatal(err)
		}
		return r
	}
	a, b, c := file("a", time.Hour), file("b", 2*time.Hour), file("c", 3*time.Hour)
	// b is dispatched with a new deadline far ahead; c is resolved (no longer due).
	if _, err := db.ChangeReport(t.Context(), "b2", dispatch.ReportChange{ID: b.ID, Version: 1, Status: dispatch.ReportDispatched, Party: "物业公司", Due: t0.Add(72 * time.Hour)}, t0); err != nil {
		t.Fatal(err)
	}
	if _, err := db.ChangeReport(t.Context(), "c2", dispatch.ReportChange{ID: c.ID, Version: 1, Status: dispatch.ReportResolved, Party: "物业公司"}, t0); err != nil {
		t.Fatal(err)
	}
	ids := func(at time.Time) []int64 {
		rs, err := db.OverdueReports(t.Context(), at, 100)
		if err != nil {
			t.Fatal(err)
		}
		var out []int64
		for _, r := range rs {
			out = append(out, r.ID)
		}
		return out
	}
	for _, tt := range []struct {
		at   time.Time
		want []int64
	}{
		{t0, nil},
		{t0.Add(time.Hour - time.Second), nil},
		{t0.Add(time.Hour), []int64{a.ID}},
		{t0.Add(10 * time.Hour), []int64{a.ID}},
		{t0.Add(72 * time.Hour), []int64{a.ID, b.ID}},
	} {
		if got := ids(tt.at); !slices.Equal(got, tt.want) {
			t.Errorf("overdue at +%v: %v; want %v", tt.at.Sub(t0), got, tt.want)
		}
	}
	// A stale version is refused.
	if _, err := db.ChangeReport(t.Context(), "b3", dispatch.ReportChange{ID: b.ID, Version: 1, Status: dispatch.ReportResolved}, t0); err == nil {
		t.Fatal("a change at a stale version was applied")
	}
}

// countHook counts round trips (a pipeline counts once).
type countHook struct{ n atomic.Int64 }

func (h *countHook) DialHook(next redis.DialHook) redis.DialHook { return next }
func (h *countHook) ProcessHook(next redis.ProcessHook) redis.ProcessHook {
	return func(ctx context.Context, cmd redis.Cmder) error { h.n.Add(1); return next(ctx, cmd) }
}
func (h *countHook) ProcessPipelineHook(next redis.ProcessPipelineHook) redis.ProcessPipelineHook {
	return func(ctx context.Context, cmds []redis.Cmder) error { h.n.Add(1); return next(ctx, cmds) }
}

// Each chat command costs a constant number of round trips, whatever the data's size.
func TestRoundTripsPerCommand(t *testing.T) {
	rdb, prefix := storetest.Universal(t)
	db := store.New(rdb, store.Options{KeyPrefix: prefix, Community: "test"})
	if err := db.Load(t.Context()); err != nil {
		t.Fatal(err)
	}
	hook := &countHook{}
	rdb.AddHook(hook)
	loc, _ := time.LoadLocation("Asia/Shanghai")
	svc := dispatch.New(dispatch.Community{ID: "test", Loc: loc, Coordinators: []string{"魏青"},
		Groups: []dispatch.Group{{Name: "g", Kind: dispatch.KindVolunteers, Team: "橙色平安"}}}, db,
		dispatch.Options{Now: func() time.Time { return t0 }})
	n := 0
	say := func(nick, text string) int64 {
		n++
		before := hook.n.Load()
		if _, err := svc.Handle(t.Context(), dispatch.Message{ID: fmt.Sprint(n), Transport: "console",
			Chat: dispatch.Chat{Group: "g"}, From: dispatch.Sender{Nick: nick}, Text: text}); err != nil {
			t.Fatal(err)
		}
		return hook.n.Load() - before
	}
	for _, size := range []int{1, 40} {
		for i := range size {
			say("魏青", "发布 巡逻 明天上午9点 需要3人")
			say(fmt.Sprintf("队员%d", i), fmt.Sprintf("接 %d", i+1))
		}
		for _, tc := range []struct {
			text string
			max  int64
		}{
			{"接 1", 2}, {"退 1", 2}, {"任务", 2}, {"我的任务", 2}, {"发布 巡逻 明天上午9点", 2},
			// 报事's third trip takes the photos sent just before it and makes the next
			// ones attach to it (media.lua "start"); its first reads the open and recently
			// closed reports (同问, 重复诉求).
			{"统计", 3}, {"报事 3号楼灯坏了", 4}, {"进度 R1", 2},
		} {
			if got := say("雷胜", tc.text); got > tc.max {
				t.Errorf("%q with %d tasks: %d round trips; want at most %d", tc.text, size, got, tc.max)
			}
		}
	}
	// A claim alone is one round trip.
	before := hook.n.Load()
	if _, err := db.ClaimTask(t.Context(), "x", 1, dispatch.Person{ID: "m999"}, t0); err != nil {
		t.Fatal(err)
	}
	if got := hook.n.Load() - before; got != 1 {
		t.Errorf("ClaimTask: %d round trips; want 1", got)
	}
}

func TestSessionsAndBreaches(t *testing.T) {
	db := storetest.Open(t)
	ctx := t.Context()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	if err := db.SaveSession(ctx, "tok", "weiqing", "csrf1", now.Add(time.Hour), now); err != nil {
		t.Fatal(err)
	}
	if u, c, err := db.Session(ctx, "tok", now.Add(59*time.Minute)); err != nil || u != "weiqing" || c != "csrf1" {
		t.Errorf("Session before expiry = %q, %q, %v; want weiqing, csrf1", u, c, err)
	}
	if _, _, err := db.Session(ctx, "tok", now.Add(time.Hour)); !errors.Is(err, dispatch.ErrNotFound) {
		t.Errorf("Session at expiry: %v; want ErrNotFound", err)
	}
	if _, _, err := db.Session(ctx, "other", now); !errors.Is(err, dispatch.ErrNotFound) {
		t.Errorf("unknown session: %v; want ErrNotFound", err)
	}
	for i := 1; i <= 3; i++ {
		if n, err := db.LoginFailed(ctx, "user:x", time.Minute); err != nil || n != i {
			t.Errorf("LoginFailed #%d = %d, %v", i, n, err)
		}
	}
	if err := db.ClearLoginFailures(ctx, "user:x"); err != nil {
		t.Fatal(err)
	}
	if n, err := db.LoginFailures(ctx, "user:x"); err != nil || n != 0 {
		t.Errorf("after clear: %d, %v; want 0", n, err)
	}
	r, err := db.FileReport(ctx, "op1", dispatch.Report{Text: "灯坏了", Category: "设施维修", Created: now, Due: now.Add(time.Hour)}, "202612", now)
	if err != nil {
		t.Fatal(err)
	}
	for range 2 { // the second escalation of the same stage is no breach
		if _, err := db.MarkEscalated(ctx, r.ID, "dispatch", now); err != nil {
			t.Fatal(err)
		}
	}
	if n, err := db.SLABreaches(ctx); err != nil || n != 1 {
		t.Errorf("SLABreaches = %d, %v; want 1", n, err)
	}
}
