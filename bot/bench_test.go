package bot_test

import (
	"fmt"
	"slices"
	"testing"
	"time"

	"github.com/changzheng/chorus/dispatch"
	"github.com/changzheng/chorus/store/storetest"
)

// BenchmarkOutboxPickup measures how long a queued post waits before a sender worker has
// it: from Finish (the enqueue) to the worker's blocking Take (BLMOVE) returning. It runs
// on the Redis named by CHORUS_TEST_REDIS when set, else on miniredis, and reports p50
// and p99 of the per-post latency.
func BenchmarkOutboxPickup(b *testing.B) {
	db := storetest.Open(b)
	ctx := b.Context()
	if err := db.Load(ctx); err != nil {
		b.Fatal(err)
	}
	type pick struct {
		at  time.Time
		err error
	}
	picked := make(chan pick)
	go func() { // the worker, as Bot.sendLoop: a blocking Take, then retire the post
		for ctx.Err() == nil {
			e, ok, err := db.Take(ctx, "wechat", "bench", time.Second)
			at := time.Now()
			if err == nil && !ok {
				continue
			}
			if err == nil {
				err = db.Delivered(ctx, "wechat", "bench", e, dispatch.Delivery{ID: e.ID, Route: "wechat", At: at, Tries: 1})
			}
			select {
			case picked <- pick{at, err}:
			case <-ctx.Done():
				return
			}
		}
	}()
	post := dispatch.Post{Chat: dispatch.Chat{Group: "橙色平安长征志愿者"}, Text: "已认领 #1 发放防诈骗宣传材料", Mentions: []string{"雷胜"}}
	lat := make([]time.Duration, 0, b.N)
	b.ResetTimer()
	for i := range b.N {
		op := fmt.Sprintf("bench:%d", i)
		env := dispatch.Envelope{ID: op + "#1", Transport: "wechat", Post: post, Queued: time.Now()}
		start := time.Now()
		if err := db.Finish(ctx, op, "", []dispatch.Envelope{env}); err != nil {
			b.Fatal(err)
		}
		p := <-picked
		if p.err != nil {
			b.Fatal(p.err)
		}
		lat = append(lat, p.at.Sub(start))
	}
	b.StopTimer()
	slices.Sort(lat)
	q := func(f float64) float64 {
		return float64(lat[min(len(lat)-1, int(f*float64(len(lat))))].Microseconds()) / 1000
	}
	b.ReportMetric(q(0.50), "p50-ms")
	b.ReportMetric(q(0.99), "p99-ms")
	b.ReportMetric(0, "ns/op")
}
