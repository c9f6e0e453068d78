package main

import (
	"context"
	"fmt"
	"io"
	"os"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/changzheng/chorus/bot"
	"github.com/changzheng/chorus/bot/console"
	"github.com/changzheng/chorus/bot/wechat/wechattest"
	"github.com/changzheng/chorus/dispatch"
	"github.com/changzheng/chorus/store/storetest"
)

// These benchmarks measure the sending budget as shipped, on the WeChat web-protocol fake
// with unmodified openwechat, in real time (the pacing waits are real): run them with
// -benchtime=1x. The figures in BENCHMARKS.md come from them.

// shippedWorld is a world whose config is the repository's config.yaml — its groups, its
// coordinator and its wechat pacing — with this world's community id, data_dir and HTTP
// port, and wechat.merge as given. Each group of the fake has the coordinator and the
// members given.
func shippedWorld(b *testing.B, merge bool, members []string) *world {
	raw, err := os.ReadFile("../../config.yaml")
	if err != nil {
		b.Fatal(err)
	}
	cfg := string(raw)
	var names []string
	for _, m := range regexp.MustCompile(`(?m)^  - name: (\S+)`).FindAllStringSubmatch(cfg, -1) {
		names = append(names, m[1])
	}
	fakeMembers := []wechattest.Member{{Nick: coordinator}}
	for _, m := range members {
		fakeMembers = append(fakeMembers, wechattest.Member{Nick: m})
	}
	var groups []wechattest.Group
	for _, n := range names {
		groups = append(groups, wechattest.Group{Name: n, Members: fakeMembers})
	}
	w := mustWorld(b, wechattest.Config{EchoSends: true, Groups: groups})
	w.sleep = nil // real waits: the pacing is what is measured
	for _, r := range []struct{ re, to string }{
		{`(?m)^  id: \S+`, "  id: " + w.id},
		{`(?m)^data_dir: \S+`, "data_dir: " + w.dir},
		{`(?m)^  addr: 127\.0\.0\.1:8080`, "  addr: 127.0.0.1:0"},
		{`(?m)^  merge: true(.*)$`, fmt.Sprintf("  merge: %t$1", merge)},
	} {
		re := regexp.MustCompile(r.re)
		if !re.MatchString(cfg) {
			b.Fatalf("config.yaml has no line matching %s", r.re)
		}
		cfg = re.ReplaceAllString(cfg, r.to)
	}
	if err := os.WriteFile(w.config, []byte(cfg), 0o600); err != nil {
		b.Fatal(err)
	}
	return w
}

// waitAnswered polls the fake until each of nicks has an answer in group among the posts
// from index from on, and returns when each answer arrived; it fails after limit.
func (w *world) waitAnswered(from int, group string, nicks []string, limit time.Duration) map[string]time.Time {
	w.t.Helper()
	at := map[string]time.Time{}
	deadline := time.Now().Add(limit)
	for len(at) < len(nicks) {
		sent := w.fake.Sent()
		now := time.Now()
		for _, n := range nicks {
			if _, ok := at[n]; !ok && len(sent) > from {
				if _, _, ok := answerTo(sent[from:], group, n); ok {
					at[n] = now
				}
			}
		}
		if now.After(deadline) {
			w.t.Fatalf("after %s, %d of %d answered:\n%s", limit, len(at), len(nicks), dumpSent(sent))
		}
		time.Sleep(5 * time.Millisecond)
	}
	return at
}

// BenchmarkClaimStorm: 30 members of one group send 接 1 at once for a 3-place task, with
// the shipped pacing, answers merged (merge=true, as shipped) or one post per answer
// (merge=false). It reports the posts the 30 answers took and the time from the last
// claim to its answer, and checks that each member was answered once, in order.
//
//	CHORUS_TEST_REDIS=127.0.0.1:6379 go test -run '^$' -bench ClaimStorm -benchtime 1x ./cmd/chorus
func BenchmarkClaimStorm(b *testing.B) {
	var members []string
	for i := range 30 {
		members = append(members, fmt.Sprintf("队员%02d", i+1))
	}
	for _, merge := range []bool{true, false} {
		b.Run(fmt.Sprintf("merge=%t", merge), func(b *testing.B) {
			var posts, latency float64
			for range b.N {
				w := shippedWorld(b, merge, members)
				r := w.mustRun()
				w.fake.ConfirmLogin()
				w.mustInits(1)
				w.fake.Say(orangeGroup, coordinator, publishText)
				w.mustSent(1)
				for _, m := range members {
					w.fake.Say(orangeGroup, m, claimText)
				}
				last := time.Now() // the last claim is in the fake's queue for the bot
				at := w.waitAnswered(1, orangeGroup, members, 5*time.Minute)
				sent := w.fake.Sent()[1:]
				for _, m := range members {
					if _, i, _ := answerTo(sent, orangeGroup, m); slices.ContainsFunc(sent[i+1:], func(s wechattest.Sent) bool {
						return strings.Contains(s.Text, mention(m))
					}) {
						b.Errorf("%s answered twice", m)
					}
				}
				mustInOrder(b, sent, orangeGroup, members...)
				posts += float64(len(sent))
				latency += at[members[len(members)-1]].Sub(last).Seconds()
				r.mustStop(b)
			}
			b.ReportMetric(posts/float64(b.N), "posts")
			b.ReportMetric(latency/float64(b.N), "last-answer-s")
			b.ReportMetric(0, "ns/op")
		})
	}
}

// BenchmarkBroadcastTen: 广播 全部 in config.yaml's coordinators' group reaches its 10
// groups, with the shipped pacing. It reports the smallest gap between two posts of the
// account (the reply included) and the time from the command to the last group reached.
//
//	CHORUS_TEST_REDIS=127.0.0.1:6379 go test -run '^$' -bench BroadcastTen -benchtime 1x ./cmd/chorus
func BenchmarkBroadcastTen(b *testing.B) {
	for range b.N {
		w := shippedWorld(b, true, nil)
		r := w.mustRun()
		w.fake.ConfirmLogin()
		w.mustInits(1)
		start := time.Now()
		w.fake.Say("长征社区工作群", coordinator, "广播 全部 近期有冒充社保局的诈骗电话，请提醒家人")
		var at []time.Time
		deadline := start.Add(2 * time.Minute)
		for len(at) < 11 { // the reply and 10 broadcast posts
			if n := len(w.fake.Sent()); n > len(at) {
				now := time.Now()
				for len(at) < n {
					at = append(at, now)
				}
			}
			if time.Now().After(deadline) {
				b.Fatalf("after 2m, %d posts:\n%s", len(at), dumpSent(w.fake.Sent()))
			}
			time.Sleep(2 * time.Millisecond)
		}
		groups := map[string]bool{}
		for _, s := range w.fake.Sent()[1:] {
			groups[s.Group] = true
		}
		if len(groups) != 10 {
			b.Errorf("broadcast reached %d groups; want 10", len(groups))
		}
		smallest := time.Hour
		for i := 1; i < len(at); i++ {
			smallest = min(smallest, at[i].Sub(at[i-1]))
		}
		b.ReportMetric(smallest.Seconds(), "smallest-gap-s")
		b.ReportMetric(at[len(at)-1].Sub(start).Seconds(), "all-reached-s")
		b.ReportMetric(0, "ns/op")
		r.mustStop(b)
	}
}

// counting is the console transport that also counts the scheduled posts it delivers.
type counting struct {
	*console.Transport
	mu        sync.Mutex
	scheduled int
}

func (c *counting) Send(ctx context.Context, p dispatch.Post) error {
	if p.Scheduled {
		c.mu.Lock()
		c.scheduled++
		c.mu.Unlock()
	}
	return c.Transport.Send(ctx, p)
}

// BenchmarkScheduledPostsPerDay replays testdata/week.txt (the example community's week:
// 每日派单, reminders, calls for volunteers, escalations, agendas, the monthly feedback per
// unit, a broadcast) in the console with config.yaml, once as each post was made and once
// with one slot's scheduled posts to a group merged into one post (merge=true, as
// chorus run ships), and reports the scheduled posts a day.
//
//	CHORUS_TEST_REDIS=127.0.0.1:6379 go test -run '^$' -bench ScheduledPostsPerDay -benchtime 1x ./cmd/chorus
func BenchmarkScheduledPostsPerDay(b *testing.B) {
	script, err := os.ReadFile("testdata/week.txt")
	if err != nil {
		b.Fatal(err)
	}
	start := time.Date(2026, 11, 30, 7, 0, 0, 0, time.FixedZone("CST", 8*3600))
	for _, merge := range []bool{false, true} {
		b.Run(fmt.Sprintf("merge=%t", merge), func(b *testing.B) {
			var perDay float64
			for range b.N {
				cfg, err := LoadConfig("../../config.yaml", func(string) string { return "" })
				if err != nil {
					b.Fatal(err)
				}
				db := storetest.Open(b)
				clock := console.NewClock(start)
				svc, err := newService(cfg, db, clock.Now, nil, nil)
				if err != nil {
					b.Fatal(err)
				}
				var bt *bot.Bot
				ct := &counting{Transport: console.New(console.Options{In: strings.NewReader(string(script)), Out: io.Discard,
					Clock: clock, Groups: cfg.groupNames(), Group: cfg.Groups[0].Name, Nick: cfg.Coordinators[0],
					BotName: cfg.Community.BotName,
					Tick:    func(ctx context.Context, now time.Time) error { return bt.Tick(ctx, now) }})}
				bt = bot.New(svc, db, bot.Options{Transports: []bot.Transport{ct}, Synchronous: true, Now: clock.Now,
					Pacing: map[string]bot.Pacing{console.Name: {Merge: merge}}})
				if err := bt.Tick(b.Context(), clock.Now()); err != nil {
					b.Fatal(err)
				}
				if err := ct.Run(b.Context(), bt.Receive); err != nil {
					b.Fatal(err)
				}
				days := clock.Now().Sub(start).Hours() / 24
				perDay += float64(ct.scheduled) / days
			}
			b.ReportMetric(perDay/float64(b.N), "scheduled-posts/day")
			b.ReportMetric(0, "ns/op")
		})
	}
}
