// Package storetest opens a store for tests: the Redis named by CHORUS_TEST_REDIS when it
// is set (a test fails, never skips, when that Redis cannot be reached), else miniredis.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"

	"github.com/changzheng/chorus/store"
)

// EnvVar names the Redis tests use: "127.0.0.1:6379" or "redis://…".
const EnvVar = "CHORUS_TEST_REDIS"

// Client returns a Redis client for a test and a key prefix of its own. On a shared
// Redis every key under the prefix is deleted when the test ends; the server is never
// flushed.
func Client(tb testing.TB) (*redis.Client, string) {
	tb.Helper()
	prefix := "chorustest-" + randHex(6)
	addr := os.Getenv(EnvVar)
	if addr == "" {
		srv := miniredis.RunT(tb)
		rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
		tb.Cleanup(func() { _ = rdb.Close() })
		return rdb, prefix
	}
	opt := &redis.Options{Addr: addr}
	if u, err := redis.ParseURL(addr); err == nil {
		opt = u
	}
	opt.PoolSize = 128
	opt.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
	rdb := redis.NewClient(opt)
	tb.Cleanup(func() { _ = rdb.Close() })
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	if err := rdb.Ping(ctx).Err(); err != nil {
		tb.Fatalf("%s=%s is set but Redis does not answer: %v", EnvVar, addr, err)
	}
	DeleteOnCleanup(tb, rdb, prefix+":*") // runs before the Close above: cleanups are LIFO
	return rdb, prefix
}

// DeleteOnCleanup deletes every key matching pattern when the test ends (tests that run
// chorus itself use a community id of their own and clean "chorus:{id}:*"). SCAN is for
// this clean-up only; chorus itself never scans.
func DeleteOnCleanup(tb testing.TB, rdb *redis.Client, pattern string) {
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		iter := rdb.Scan(ctx, 0, pattern, 1000).Iterator()
		var keys []string
		for iter.Next(ctx) {
			keys = append(keys, iter.Val())
			if len(keys) == 1000 {
				rdb.Unlink(ctx, keys...)
				keys = keys[:0]
			}
		}
		if len(keys) > 0 {
			rdb.Unlink(ctx, keys...)
		}
	})
}

// Open returns a store for a test, on its own key prefix.
func Open(tb testing.TB) *store.DB {
	tb.Helper()
	rdb, prefix := Client(tb)
	return store.New(rdb, store.Options{KeyPrefix: prefix, Community: "test"})
}

// Real reports whether tests run against a real Redis.
func Real() bool { return os.Getenv(EnvVar) != "" }

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
