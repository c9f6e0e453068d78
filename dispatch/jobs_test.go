package dispatch_test

import (
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/robfig/cron/v3"

	"github.com/changzheng/chorus/dispatch"
	"github.com/changzheng/chorus/store"
	"github.com/changzheng/chorus/store/storetest"
)

// The scheduler's tests run the jobs on the real store (miniredis, or the Redis named by
// CHORUS_TEST_REDIS) with the default schedules of config.yaml, on a clock of their own.

const (
	schedOrange = "橙色平安长征志愿者"
	schedGreen  = "绿色健康长征志愿者"
	schedRes    = "长征社区居民群"
	schedRound  = "圆桌会议"
	schedWork   = "长征社区工作群"
	schedCoord  = "魏青"
)

// schedRoster is the example community's roster 楼栋巡逻.
var schedRoster = dispatch.Roster{Name: "楼栋巡逻", Team: "橙色平安", Group: schedOrange, PerDay: 2,
	Members: []string{"雷胜", "马丽", "艾力", "王建国", "李桂兰", "张伟"}}

// schedCommunity is a small 长征社区 in Asia/Shanghai with the roster 楼栋巡逻.
func schedCommunity(tb testing.TB) dispatch.Community {
	tb.Helper()
	return dispatch.Community{
		ID: "test", Name: "长征社区", Loc: schedLoc(tb),
		Groups: []dispatch.Group{
			{Name: schedOrange, Kind: dispatch.KindVolunteers, Team: "橙色平安"},
			{Name: schedGreen, Kind: dispatch.KindVolunteers, Team: "绿色健康"},
			{Name: schedRes, Kind: dispatch.KindResidents},
			{Name: schedRound, Kind: dispatch.KindRoundtable},
			{Name: schedWork, Kind: dispatch.KindCoordinators},
		},
		Coordinators: []string{schedCoord},
		Units:        []string{"克拉玛依市水务公司", "长征保健站"},
		Parties:      []dispatch.Party{{Name: "物业公司"}, {Name: "克拉玛依市水务公司"}, {Name: "长征保健站"}},
		Rosters:      []dispatch.Roster{schedRoster},
	}
}

// schedJobs parses the default specs as cmd does (cron's standard parser, CRON_TZ).
func schedJobs(tb testing.TB) []dispatch.Job {
	tb.Helper()
	parser := cron.NewParser(cron.Minute | cron.Hour | cron.Dom | cron.Month | cron.Dow | cron.Descriptor)
	var jobs []dispatch.Job
	for _, nd := range dispatch.JobNames() {
		s, err := parser.Parse("CRON_TZ=Asia/Shanghai " + nd[1])
		if err != nil {
			tb.Fatalf("parse %s %q: %v", nd[0], nd[1], err)
		}
		jobs = append(jobs, dispatch.Job{Name: nd[0], Schedule: s})
	}
	return jobs
}

// schedClock is a settable clock shared by the services of a test.
type schedClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *schedClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *schedClock) Set(t time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = t
}

// schedWorld is one or more chorus processes (services) on one store.
type schedWorld struct {
	tb    testing.TB
	clock *schedClock
	svcs  []*dispatch.Service
	dbs   []*store.DB
	seq   int
}

// newSchedWorld starts n services on one Redis and key prefix, each with a client of its
// own, as n chorus processes would be; the clock starts at start.
func newSchedWorld(tb testing.TB, n int, start time.Time) *schedWorld {
	tb.Helper()
	rdb, prefix := storetest.Client(tb)
	w := &schedWorld{tb: tb, clock: &schedClock{t: start}}
	for i := range n {
		c := rdb
		if i > 0 {
			c = redis.NewClient(rdb.Options())
			tb.Cleanup(func() { _ = c.Close() })
		}
		db := store.New(c, store.Options{KeyPrefix: prefix, Community: "test"})
		w.dbs = append(w.dbs, db)
		w.svcs = append(w.svcs, dispatch.New(schedCommunity(tb), db, dispatch.Options{Now: w.clock.Now, Jobs: schedJobs(tb)}))
	}
	return w
}

// at is a time in Asia/Shanghai ("2006-01-02 15:04").
func schedAt(tb testing.TB, s string) time.Time {
	tb.Helper()
	t, err := time.ParseInLocation("2006-01-02 15:04", s, schedLoc(tb))
	if err != nil {
		tb.Fatalf("parse %q: %v", s, err)
	}
	return t
}

// say sends text from nick in group through the first service and returns the posts.
func (w *schedWorld) say(group, nick, text string) []dispatch.Post {
	w.tb.Helper()
	w.seq++
	m := dispatch.Message{ID: fmt.Sprintf("m%d", w.seq), Transport: "test", Chat: dispatch.Chat{Group: group},
		From: dispatch.Sender{Nick: nick}, Text: text, At: w.clock.Now()}
	posts, err := w.svcs[0].Handle(w.tb.Context(), m)
	if err != nil {
		w.tb.Fatalf("%s says %q: %v", nick, text, err)
	}
	return posts
}

// tick runs service i's RunDue at now and returns its batches.
func (w *schedWorld) tick(i int, now time.Time) []dispatch.Batch {
	w.tb.Helper()
	w.clock.Set(now)
	b, err := w.svcs[i].RunDue(w.tb.Context(), now)
	if err != nil {
		w.tb.Fatalf("RunDue(%s) on service %d: %v", now.Format(time.DateTime), i, err)
	}
	return b
}

// batchJob is the job name of a batch's op ("slot:daily:1764547200").
func batchJob(b dispatch.Batch) string {
	parts := strings.Split(b.Op, ":")
	if len(parts) != 3 || parts[0] != "slot" {
		return ""
	}
	return parts[1]
}

// postsWith counts the posts of batches whose text contains marker.
func postsWith(batches []dispatch.Batch, marker string) int {
	n := 0
	for _, b := range batches {
		for _, p := range b.Posts {
			if strings.Contains(p.Text, marker) {
				n++
			}
		}
	}
	return n
}

// TestTwoSchedulersOneDay runs two schedulers on one Redis over a day of minute ticks,
// sometimes one, sometimes the other, sometimes both at once: every slot of every job runs
// exactly once, and each reminder, call and escalation is posted once.
func TestTwoSchedulersOneDay(t *testing.T) {
	// 2026-06-01 is a Monday and the 1st: every job has a slot that day.
	start := schedAt(t, "2026-06-01 00:00")
	w := newSchedWorld(t, 2, start)
	w.tick(0, start) // the first run records where the schedules start
	w.tick(1, start)
	w.say(schedOrange, schedCoord, "发布 发放防诈骗宣传材料 今天上午10点 社区门口 需要2人 2小时")
	w.say(schedOrange, schedCoord, "发布 楼栋消防隐患排查 明天下午3点 3号楼 需要3人 2小时")
	w.say(schedOrange, "雷胜", "接 1")
	w.say(schedOrange, "马丽", "接 1")
	w.say(schedRes, "阿依古丽", "报事 3号楼2单元楼道灯坏了")

	var all []dispatch.Batch
	var mu sync.Mutex
	for m := 1; m <= 24*60; m++ {
		now := start.Add(time.Duration(m) * time.Minute)
		switch m % 3 {
		case 0: // both at once
			var wg sync.WaitGroup
			for i := range 2 {
				wg.Go(func() {
					b, err := w.svcs[i].RunDue(t.Context(), now)
					if err != nil {
						t.Errorf("RunDue(%s) on service %d: %v", now.Format(time.TimeOnly), i, err)
					}
					mu.Lock()
					defer mu.Unlock()
					all = append(all, b...)
				})
			}
			wg.Wait()
		default:
			all = append(all, w.tick(m%3-1, now)...)
		}
	}

	ops := map[string]int{}
	perJob := map[string]int{}
	for _, b := range all {
		ops[b.Op]++
		perJob[batchJob(b)]++
	}
	for op, n := range ops {
		if n != 1 {
			t.Errorf("slot %s ran %d times; want once", op, n)
		}
	}
	want := map[string]int{dispatch.JobDaily: 1, dispatch.JobReminders: 24 * 60, dispatch.JobEscalation: 24 * 12,
		dispatch.JobAgenda: 1, dispatch.JobFeedback: 1}
	for job, n := range want {
		if perJob[job] != n {
			t.Errorf("%s ran %d slots; want %d", job, perJob[job], n)
		}
	}
	for job, at := range map[string]string{dispatch.JobDaily: "08:00", dispatch.JobAgenda: "09:00", dispatch.JobFeedback: "09:00"} {
		if op := store.SlotOp(job, schedAt(t, "2026-06-01 "+at)); ops[op] != 1 {
			t.Errorf("%s at %s: slot %s ran %d times; want once", job, at, op, ops[op])
		}
	}
	for marker, n := range map[string]int{"【每日派单】": 1, "【提醒】#1": 1, "【招募】#2": 1, "【超时升级】": 1, "【圆桌会议议程】": 1} {
		if got := postsWith(all, marker); got != n {
			t.Errorf("%d posts with %s; want %d", got, marker, n)
		}
	}
}

// TestOutage: chorus down over 08:00 for 90 minutes posts the morning assignments once
// when it comes back (45 minutes late, within catch_up); down for 3 hours it does not
// (2h45m late), and nothing is replayed later either.
func TestOutage(t *testing.T) {
	for _, tc := range []struct {
		name      string
		back      string
		wantDaily int
	}{
		{"90m", "2026-12-02 09:15", 1},
		{"3h", "2026-12-02 10:45", 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			w := newSchedWorld(t, 1, schedAt(t, "2026-12-02 07:00"))
			var all []dispatch.Batch
			for now := schedAt(t, "2026-12-02 07:00"); !now.After(schedAt(t, "2026-12-02 07:45")); now = now.Add(time.Minute) {
				all = append(all, w.tick(0, now)...)
			}
			back := schedAt(t, tc.back)
			returned := w.tick(0, back)
			for now := back.Add(time.Minute); now.Before(schedAt(t, "2026-12-02 12:00")); now = now.Add(time.Minute) {
				all = append(all, w.tick(0, now)...)
			}
			all = append(all, returned...)
			if got := postsWith(all, "【每日派单】"); got != tc.wantDaily {
				t.Fatalf("morning posts: got %d; want %d", got, tc.wantDaily)
			}
			if tc.wantDaily == 1 {
				if got := postsWith(returned, "【每日派单】"); got != 1 {
					t.Errorf("morning post on return: got %d; want 1", got)
				}
				for _, b := range returned {
					if batchJob(b) == dispatch.JobDaily && !b.Posts[0].At.Equal(schedAt(t, "2026-12-02 08:00")) {
						t.Errorf("morning post's slot: got %s; want 08:00", b.Posts[0].At)
					}
				}
			}
		})
	}
}

// TestReminderOnceAcrossJumps: a reminder whose moment a tick jumps over is sent once, on
// the next tick, and never again, whether one scheduler or two run the jumps.
func TestReminderOnceAcrossJumps(t *testing.T) {
	for _, n := range []int{1, 2} {
		t.Run(fmt.Sprintf("%d schedulers", n), func(t *testing.T) {
			start := schedAt(t, "2026-12-02 08:30")
			w := newSchedWorld(t, n, start)
			for i := range n {
				w.tick(i, start)
			}
			w.say(schedOrange, schedCoord, "发布 夜间平安巡逻 今天上午10点 小区东门 需要2人 1小时")
			w.say(schedOrange, "王建国", "接 1")
			var all []dispatch.Batch
			// 08:30 → 09:45 jumps the 09:00 reminder; later ticks, and the other
			// scheduler's own jumps, must not repeat it.
			for _, s := range []string{"09:45", "09:45", "09:46", "10:30", "10:30", "12:00"} {
				for i := range n {
					all = append(all, w.tick(i, schedAt(t, "2026-12-02 "+s))...)
				}
			}
			if got := postsWith(all, "【提醒】#1"); got != 1 {
				t.Fatalf("reminders for #1: got %d; want 1", got)
			}
			for _, b := range all {
				for _, p := range b.Posts {
					if strings.Contains(p.Text, "【提醒】#1") && (len(p.Mentions) != 1 || p.Mentions[0] != "王建国" || p.Chat.Group != schedOrange) {
						t.Errorf("reminder: got %+v; want @王建国 in %s", p, schedOrange)
					}
				}
			}
		})
	}
}

// schedLoc loads Asia/Shanghai or fails the test.
func schedLoc(tb testing.TB) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		tb.Fatalf("load Asia/Shanghai: %v", err)
	}
	return loc
}
