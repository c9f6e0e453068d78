package store_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"runtime"
	"strconv"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/changzheng/chorus/dispatch"
	"github.com/changzheng/chorus/store"
	"github.com/changzheng/chorus/store/storetest"
)

// Realistic titles and places of 长征社区's tasks.
var (
	titles = []string{"发放防诈骗宣传材料", "楼栋消防隐患排查", "夜间平安巡逻", "独居老人上门探访", "小区环境卫生整治",
		"重阳节文艺汇演彩排", "清理楼道堆放杂物", "电动车充电安全宣传", "帮助行动不便老人买菜", "垃圾分类入户指导"}
	places = []string{"社区门口", "3号楼至8号楼", "小区东门集合", "长征路25号", "社区活动室", "12栋楼下", "广场", "5号楼2单元"}
	teams  = []string{"党员先锋队", "橙色平安", "金色炫舞", "绿色健康", "红色星火", "蓝色情暖"}
)

const benchTasks = 10000

// benchDB publishes benchTasks tasks with 1,000,000 places each (so claims never fill them)
// and returns the store.
func benchDB(b *testing.B) *store.DB {
	b.Helper()
	if !storetest.Real() {
		b.Skip("benchmarks measure a real Redis: set CHORUS_TEST_REDIS")
	}
	rdb, prefix := storetest.Client(b)
	db := store.New(rdb, store.Options{KeyPrefix: prefix, Community: "bench"})
	ctx := context.Background()
	if err := db.Load(ctx); err != nil {
		b.Fatal(err)
	}
	for i := range benchTasks {
		if _, err := db.PublishTask(ctx, "", dispatch.Task{Team: teams[i%len(teams)], Group: teams[i%len(teams)] + "群",
			Title: titles[i%len(titles)], Place: places[i%len(places)], Start: t0.Add(time.Duration(i) * time.Minute),
			Duration: 2 * time.Hour, Need: 1000000, Status: dispatch.TaskOpen, By: "m1"}, t0); err != nil {
			b.Fatal(err)
		}
	}
	return db
}

// BenchmarkClaim measures claims per second (one EVALSHA each) from 1 and 64 goroutines,
// then has redis-benchmark run EVALSHA of the same script at the same concurrency in the
// same run, and reports both and their ratio (goal: at least 0.8).
func BenchmarkClaim(b *testing.B) {
	for _, g := range []int{1, 64} {
		b.Run(fmt.Sprintf("goroutines=%d", g), func(b *testing.B) {
			db := benchDB(b)
			var n atomic.Int64
			b.SetParallelism(max(1, g/runtime.GOMAXPROCS(0)))
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					i := n.Add(1)
					if _, err := db.ClaimTask(context.Background(), "op-"+strconv.FormatInt(i, 10), i%benchTasks+1,
						dispatch.Person{ID: "m" + strconv.FormatInt(i, 10)}, t0); err != nil {
						b.Error(err)
						return
					}
				}
			})
			ours := float64(b.N) / b.Elapsed().Seconds()
			b.StopTimer()
			b.ReportMetric(ours, "claims/s")
			if theirs := redisBenchmark(b, db, g, max(b.N, 20000)); theirs > 0 {
				b.ReportMetric(theirs, "redis-benchmark/s")
				b.ReportMetric(ours/theirs, "ratio")
			}
		})
	}
}

// redisBenchmark runs redis-benchmark with EVALSHA of the claim script, c clients, n
// requests, on copies of the bench tasks under redis-benchmark's zero-padded ids, and
// returns its requests per second (0 when redis-benchmark is not installed).
func redisBenchmark(b *testing.B, db *store.DB, c, n int) float64 {
	b.Helper()
	bin, err := exec.LookPath("redis-benchmark")
	if err != nil {
		b.Log("redis-benchmark not installed: no comparison")
		return 0
	}
	ctx := context.Background()
	p := store.Prefix(db)
	rdb := db.Client()
	for i := range benchTasks {
		if err := rdb.Copy(ctx, p+"task:"+strconv.Itoa(i+1), p+"task:"+fmt.Sprintf("%012d", i), 0, true).Err(); err != nil {
			b.Fatal(err)
		}
	}
	addr := os.Getenv(storetest.EnvVar)
	host, port, _ := strings.Cut(strings.TrimPrefix(addr, "redis://"), ":")
	// Each __rand_int__ is drawn on its own: task ids in 0..9999, op keys and member ids
	// from two draws so they rarely repeat.
	out, err := exec.CommandContext(ctx, bin, "-h", host, "-p", port, "-c", strconv.Itoa(c), "-n", strconv.Itoa(n),
		"-r", strconv.Itoa(benchTasks), "--csv", "EVALSHA", store.ClaimHash(db), "1", p+"op:rb:__rand_int____rand_int__",
		p, "__rand_int__", "m__rand_int____rand_int__", strconv.FormatInt(t0.Unix(), 10)).CombinedOutput()
	if err != nil {
		b.Fatalf("redis-benchmark: %v: %s", err, out)
	}
	// CSV: "test","rps",…
	lines := strings.Split(strings.TrimSpace(string(out)), "\n")
	fields := strings.Split(lines[len(lines)-1], ",")
	rps, err := strconv.ParseFloat(strings.Trim(fields[1], `"`), 64)
	if err != nil {
		b.Fatalf("redis-benchmark output %q: %v", out, err)
	}
	return rps
}

// BenchmarkTaskMemory reports the Redis memory a task with its indexes costs (INFO memory
// before and after publishing b.N tasks; run with -benchtime=100000x).
func BenchmarkTaskMemory(b *testing.B) {
	if !storetest.Real() {
		b.Skip("INFO memory needs a real Redis: set CHORUS_TEST_REDIS")
	}
	rdb, prefix := storetest.Client(b)
	db := store.New(rdb, store.Options{KeyPrefix: prefix, Community: "长征社区"})
	ctx := context.Background()
	used := func() int64 {
		info, err := rdb.Info(ctx, "memory").Result()
		if err != nil {
			b.Fatal(err)
		}
		for _, line := range strings.Split(info, "\r\n") {
			if v, ok := strings.CutPrefix(line, "used_memory:"); ok {
				n, _ := strconv.ParseInt(v, 10, 64)
				return n
			}
		}
		b.Fatal("no used_memory in INFO")
		return 0
	}
	before := used()
	b.ResetTimer()
	for i := range b.N {
		if _, err := db.PublishTask(ctx, "", dispatch.Task{Team: teams[i%len(teams)], Group: teams[i%len(teams)] + "长征志愿者",
			Title: titles[i%len(titles)], Place: places[i%len(places)], Start: t0.Add(time.Duration(i) * time.Minute),
			Duration: 2 * time.Hour, Need: 3, Status: dispatch.TaskOpen, By: "m" + strconv.Itoa(i%500)}, t0); err != nil {
			b.Fatal(err)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(used()-before)/float64(b.N), "bytes/task")
}
