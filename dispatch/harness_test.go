package dispatch_test

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/changzheng/chorus/dispatch"
	"github.com/changzheng/chorus/store"
	"github.com/changzheng/chorus/store/storetest"
)

// testCommunity is a small 长征社区.
func testCommunity(tb testing.TB) dispatch.Community {
	tb.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		tb.Fatal(err)
	}
	return dispatch.Community{
		ID: "test", Name: "长征社区", BotName: "长征小助手", Loc: loc,
		Groups: []dispatch.Group{
			{Name: "橙色平安长征志愿者", Kind: dispatch.KindVolunteers, Team: "橙色平安"},
			{Name: "绿色健康长征志愿者", Kind: dispatch.KindVolunteers, Team: "绿色健康"},
			{Name: "长征社区居民群", Kind: dispatch.KindResidents},
			{Name: "圆桌会议", Kind: dispatch.KindRoundtable},
			{Name: "长征社区工作群", Kind: dispatch.KindCoordinators},
		},
		Coordinators: []string{"魏青"},
		Parties:      []dispatch.Party{{Name: "物业公司"}, {Name: "居委会"}, {Name: "业委会"}, {Name: "克拉玛依市水务公司"}},
		Units:        []string{"新疆油田公司勘探开发研究院", "克拉玛依市水务公司"},
		Rosters:      []dispatch.Roster{{Name: "楼栋巡逻", Team: "橙色平安", Group: "橙色平安长征志愿者", Members: []string{"雷胜", "马丽", "艾力"}, PerDay: 2}},
	}
}

// world is a service on a real store with a settable clock.
type world struct {
	t      testing.TB
	svc    *dispatch.Service
	db     *store.DB
	rdb    *redis.Client
	prefix string
	mu     sync.Mutex
	now    time.Time
	seq    int
}

// friday10 is 2026-11-27 10:00 in Karamay's time zone (Asia/Shanghai).
func friday10(tb testing.TB) time.Time {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	return time.Date(2026, 11, 27, 10, 0, 0, 0, loc)
}

func newWorld(tb testing.TB) *world {
	tb.Helper()
	rdb, prefix := storetest.Client(tb)
	w := &world{t: tb, rdb: rdb, prefix: prefix, now: friday10(tb)}
	w.db = store.New(rdb, store.Options{KeyPrefix: prefix, Community: "test"})
	w.svc = dispatch.New(testCommunity(tb), w.db, dispatch.Options{Now: w.clock})
	return w
}

func (w *world) clock() time.Time {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.now
}

func (w *world) advance(d time.Duration) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.now = w.now.Add(d)
}

// say sends text from nick in group ("" for a private chat) and returns the posts as
// console lines.
func (w *world) say(group, nick, text string) []string {
	w.t.Helper()
	w.mu.Lock()
	w.seq++
	id := fmt.Sprintf("m%d", w.seq)
	w.mu.Unlock()
	m := dispatch.Message{ID: id, Transport: "console", From: dispatch.Sender{Nick: nick}, Text: text}
	if group == "" {
		m.Chat = dispatch.Chat{User: nick, Transport: "console"}
	} else {
		m.Chat = dispatch.Chat{Group: group}
	}
	posts, err := w.svc.Handle(context.Background(), m)
	if err != nil {
		w.t.Fatalf("Handle(%.40q): %v", text, err)
	}
	return lines(posts)
}

// one sends text and wants exactly one reply, returned.
func (w *world) one(group, nick, text string) string {
	w.t.Helper()
	got := w.say(group, nick, text)
	if len(got) != 1 {
		w.t.Fatalf("%s says %.40q: got %d posts %.200q; want 1", nick, text, len(got), got)
	}
	return got[0]
}

// lines renders posts as the console does.
func lines(posts []dispatch.Post) []string {
	var out []string
	for _, p := range posts {
		text := p.Text
		if len(p.Mentions) > 0 {
			text = "@" + strings.Join(p.Mentions, " @") + " " + text
		}
		where := p.Chat.Group
		if p.Chat.IsPrivate() {
			where = "私聊 " + p.Chat.User
		}
		out = append(out, "["+where+"] "+text)
	}
	return out
}

// snapshot reads every key of the world's store with its value, for "changes nothing".
// Identity bookkeeping (who was seen under which name) is left out: it is not state a
// command changes.
func (w *world) snapshot() map[string]string {
	w.t.Helper()
	ctx := context.Background()
	out := map[string]string{}
	iter := w.rdb.Scan(ctx, 0, w.prefix+":*", 1000).Iterator()
	for iter.Next(ctx) {
		k := iter.Val()
		var v any
		var err error
		switch typ := w.rdb.Type(ctx, k).Val(); typ {
		case "string":
			v, err = w.rdb.Get(ctx, k).Result()
		case "hash":
			var h map[string]string
			h, err = w.rdb.HGetAll(ctx, k).Result()
			keys := slices.Sorted(maps.Keys(h))
			var parts []string
			for _, f := range keys {
				parts = append(parts, f+"="+h[f])
			}
			v = strings.Join(parts, ",")
		case "list":
			v, err = w.rdb.LRange(ctx, k, 0, -1).Result()
		case "set":
			var m []string
			m, err = w.rdb.SMembers(ctx, k).Result()
			slices.Sort(m)
			v = m
		case "zset":
			v, err = w.rdb.ZRangeWithScores(ctx, k, 0, -1).Result()
		default:
			v = typ
		}
		if err != nil {
			w.t.Fatalf("snapshot %s: %v", k, err)
		}
		out[k] = fmt.Sprint(v)
	}
	if err := iter.Err(); err != nil {
		w.t.Fatalf("snapshot: %v", err)
	}
	return out
}
