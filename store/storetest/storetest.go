// Package storetest opens a store for tests: the Redis named by CHORUS_TEST_REDIS when it
// is set (a test fails, never skips, when that Redis cannot be reached), else miniredis.
package storetest

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"

	"github.com/changzheng/chorus/store"
)

// EnvVar names the Redis tests use: "127.0.0.1:6379", "redis://…", or a Redis Cluster as
// chorus's CHORUS_REDIS_URL names one, "redis+cluster://host:port?addr=host2:port2".
const EnvVar = "CHORUS_TEST_REDIS"

// Community is the community id of the stores Open returns: every key a test writes
// carries its hash tag, so on a cluster they all sit in one slot, as a community's do.
const Community = "test"

// Client returns a client on one Redis for a test and a key prefix of its own. On a
// shared Redis every key under the prefix is deleted when the test ends; the server is
// never flushed. When CHORUS_TEST_REDIS names a cluster it is a client on the master that
// serves the slot of Community's hash tag, where every key of a store on Community is:
// a script that strays from that slot fails there with the server's cross-slot error.
// Tests that can take go-redis's ClusterClient itself use Universal.
func Client(tb testing.TB) (*redis.Client, string) {
	tb.Helper()
	rdb, prefix := Universal(tb)
	cc, ok := rdb.(*redis.ClusterClient)
	if !ok {
		return rdb.(*redis.Client), prefix
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	node, err := cc.MasterForKey(ctx, "{"+Community+"}")
	if err != nil {
		tb.Fatalf("%s=%s: the master of {%s}: %v", EnvVar, os.Getenv(EnvVar), Community, err)
	}
	return node, prefix // closed with cc
}

// Universal returns a client for a test and a key prefix of its own, like Client, but on
// a Redis Cluster (go-redis's ClusterClient) when CHORUS_TEST_REDIS names one.
func Universal(tb testing.TB) (redis.UniversalClient, string) {
	tb.Helper()
	prefix := "chorustest-" + randHex(6)
	addr := os.Getenv(EnvVar)
	if addr == "" {
		srv := miniredis.RunT(tb)
		rdb := redis.NewClient(&redis.Options{Addr: srv.Addr()})
		tb.Cleanup(func() { _ = rdb.Close() })
		return rdb, prefix
	}
	var rdb redis.UniversalClient
	if Cluster() {
		opt, err := redis.ParseClusterURL(strings.Replace(addr, "+cluster://", "://", 1))
		if err != nil {
			tb.Fatalf("%s=%s: %v", EnvVar, addr, err)
		}
		opt.PoolSize = 128
		opt.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
		rdb = redis.NewClusterClient(opt)
	} else {
		opt := &redis.Options{Addr: addr}
		if u, err := redis.ParseURL(addr); err == nil {
			opt = u
		}
		opt.PoolSize = 128
		opt.MaintNotificationsConfig = &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
		rdb = redis.NewClient(opt)
	}
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
// chorus itself use a community id of their own and clean "chorus:{id}:*"). On a cluster
// it scans every master. SCAN is for this clean-up only; chorus itself never scans.
func DeleteOnCleanup(tb testing.TB, rdb redis.UniversalClient, pattern string) {
	tb.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		if cc, ok := rdb.(*redis.ClusterClient); ok {
			_ = cc.ForEachMaster(ctx, func(ctx context.Context, node *redis.Client) error {
				deleteMatching(ctx, node, pattern)
				return nil
			})
			return
		}
		deleteMatching(ctx, rdb, pattern)
	})
}

// deleteMatching unlinks the keys of one server that match pattern, one key per UNLINK
// (pipelined): keys of different slots may not share a command on a cluster node.
func deleteMatching(ctx context.Context, rdb redis.Cmdable, pattern string) {
	iter := rdb.Scan(ctx, 0, pattern, 1000).Iterator()
	var keys []string
	flush := func() {
		_, _ = rdb.Pipelined(ctx, func(p redis.Pipeliner) error {
			for _, k := range keys {
				p.Unlink(ctx, k)
			}
			return nil
		})
		keys = keys[:0]
	}
	for iter.Next(ctx) {
		keys = append(keys, iter.Val())
		if len(keys) == 1000 {
			flush()
		}
	}
	if len(keys) > 0 {
		flush()
	}
}

// Open returns a store for a test, on its own key prefix, on whatever CHORUS_TEST_REDIS
// names (a cluster too).
func Open(tb testing.TB) *store.DB {
	tb.Helper()
	rdb, prefix := Universal(tb)
	return store.New(rdb, store.Options{KeyPrefix: prefix, Community: Community})
}

// Real reports whether tests run against a real Redis.
func Real() bool { return os.Getenv(EnvVar) != "" }

// Cluster reports whether tests run against a Redis Cluster.
func Cluster() bool {
	a := os.Getenv(EnvVar)
	return strings.HasPrefix(a, "redis+cluster://") || strings.HasPrefix(a, "rediss+cluster://")
}

func randHex(n int) string {
	b := make([]byte, n)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}
