package store_test

import (
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"

	"github.com/changzheng/chorus/dispatch"
	"github.com/changzheng/chorus/store"
)

// The store on Redis Clusters the tests start themselves (redis-server processes on ports
// of 7000-7019, cluster bus +10000, in t.TempDir(), stopped by PID), through go-redis's
// ClusterClient: a claim storm across a failover (three masters, three replicas), and
// the whole store suite on three masters (TestClusterStoreSuite).

type cluster struct {
	addrs []string
	procs []*exec.Cmd
}

// clusterPortLo and clusterPortHi bound the ports the store's clusters take (cluster bus
// +10000); the fault suite in cmd/chorus, which may run at the same time, has 7020-7099.
const clusterPortLo, clusterPortHi = 7000, 7019

// startCluster starts masters redis-server processes, each with replicas replicas, makes
// them a cluster with redis-cli --cluster create and waits until every node sees every
// slot range served, each by a master with its replicas linked. The processes are killed
// by PID and their directory removed when the test ends.
func startCluster(t *testing.T, masters, replicas int) *cluster {
	t.Helper()
	for _, bin := range []string{"redis-server", "redis-cli"} {
		if _, err := exec.LookPath(bin); err != nil {
			t.Fatalf("the cluster tests need %s on PATH: %v", bin, err)
		}
	}
	n := masters * (1 + replicas)
	dir := t.TempDir()
	c := &cluster{}
	t.Cleanup(func() {
		for _, p := range c.procs {
			_ = p.Process.Kill()
			_ = p.Wait()
		}
	})
	for p := clusterPortLo; p <= clusterPortHi && len(c.addrs) < n; p++ {
		if !free(p) || !free(p+10000) {
			continue
		}
		cmd := exec.Command("redis-server", "--port", strconv.Itoa(p), "--bind", "127.0.0.1",
			"--cluster-enabled", "yes", "--cluster-config-file", filepath.Join(dir, fmt.Sprintf("nodes-%d.conf", p)),
			"--cluster-node-timeout", "5000", "--appendonly", "no", "--save", "", "--dir", dir,
			"--logfile", filepath.Join(dir, fmt.Sprintf("redis-%d.log", p)))
		if err := cmd.Start(); err != nil {
			t.Fatalf("start redis-server: %v", err)
		}
		c.procs = append(c.procs, cmd)
		c.addrs = append(c.addrs, "127.0.0.1:"+strconv.Itoa(p))
	}
	if len(c.addrs) < n {
		t.Fatalf("only %d free ports in %d-%d (and +10000); want %d", len(c.addrs), clusterPortLo, clusterPortHi, n)
	}
	for _, a := range c.addrs {
		waitUntil(t, 20*time.Second, "redis-server at "+a, func() bool { return nodeDo(a, "PING") == nil })
	}
	args := append([]string{"--cluster", "create"}, c.addrs...)
	args = append(args, "--cluster-replicas", strconv.Itoa(replicas), "--cluster-yes")
	if out, err := exec.Command("redis-cli", args...).CombinedOutput(); err != nil {
		t.Fatalf("redis-cli --cluster create: %v\n%s", err, out)
	}
	for _, a := range c.addrs {
		waitUntil(t, 60*time.Second, "cluster_state:ok at "+a, func() bool {
			s, err := nodeString(a, "CLUSTER", "INFO")
			return err == nil && strings.Contains(s, "cluster_state:ok")
		})
	}
	// Replicas attach after the slots are assigned: wait until each range has its
	// replicas and every replica's link to its master is up.
	// Every node must see it so, whichever the client asks.
	for _, a := range c.addrs {
		waitUntil(t, 60*time.Second, fmt.Sprintf("%d masters with %d replicas each, seen from %s", masters, replicas, a), func() bool {
			rdb := redis.NewClient(&redis.Options{Addr: a,
				MaintNotificationsConfig: &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}})
			defer rdb.Close()
			slots, err := rdb.ClusterSlots(context.Background()).Result()
			if err != nil || len(slots) != masters {
				return false
			}
			for _, s := range slots {
				if len(s.Nodes) < 1+replicas {
					return false
				}
				for _, r := range s.Nodes[1:] {
					info, err := nodeString(r.Addr, "INFO", "replication")
					if err != nil || !strings.Contains(info, "master_link_status:up") {
						return false
					}
				}
			}
			return true
		})
	}
	return c
}

func free(port int) bool {
	ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(port))
	if err != nil {
		return false
	}
	_ = ln.Close()
	return true
}

func nodeDo(addr string, args ...any) error {
	_, err := nodeString(addr, args...)
	return err
}

func nodeString(addr string, args ...any) (string, error) {
	rdb := redis.NewClient(&redis.Options{Addr: addr, MaxRetries: -1,
		MaintNotificationsConfig: &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}})
	defer rdb.Close()
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	v, err := rdb.Do(ctx, args...).Result()
	return fmt.Sprint(v), err
}

// waitUntil polls cond (a cluster's state cannot signal) until it holds or d passes.
func waitUntil(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("waiting for %s: timed out after %s", what, d)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func (c *cluster) client(t *testing.T) *redis.ClusterClient {
	cc := redis.NewClusterClient(&redis.ClusterOptions{Addrs: c.addrs, MaxRedirects: 16,
		MaintNotificationsConfig: &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}})
	t.Cleanup(func() { _ = cc.Close() })
	return cc
}

// 50 people claim a 3-place task on a cluster while the replica of the community's
// master takes over (CLUSTER FAILOVER) in the middle of the storm. A claim that meets
// the failover is tried again with the same op, as a redelivered message is: every
// claim is answered once, exactly 3 hold a place, and the waiting list has one place
// per claimant, matching what each was told.
func TestClusterClaimStormWithFailover(t *testing.T) {
	if os.Getenv("CHORUS_TEST_NO_CLUSTER") != "" {
		t.Fatal("CHORUS_TEST_NO_CLUSTER is not supported: the cluster test always runs")
	}
	c := startCluster(t, 3, 1)
	cc := c.client(t)
	ctx := t.Context()
	db := store.New(cc, store.Options{KeyPrefix: "chorustest", Community: "cluster"})
	if err := db.Load(ctx); err != nil {
		t.Fatal(err)
	}
	task := publish(t, db, 3)

	// The community's slot, its master and that master's replica.
	slot, err := cc.ClusterKeySlot(ctx, "chorustest:{cluster}:task:1").Result()
	if err != nil {
		t.Fatal(err)
	}
	slots, err := cc.ClusterSlots(ctx).Result()
	if err != nil {
		t.Fatal(err)
	}
	var master, replica string
	for _, s := range slots {
		if int64(s.Start) <= slot && slot <= int64(s.End) && len(s.Nodes) > 1 {
			master, replica = s.Nodes[0].Addr, s.Nodes[1].Addr
		}
	}
	if replica == "" {
		t.Fatalf("no replica serves slot %d: %+v", slot, slots)
	}

	const n = 50
	results := make([]dispatch.ClaimResult, n)
	var answered, retries atomic.Int64
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			time.Sleep(time.Duration(i) * 40 * time.Millisecond) // a storm over two seconds
			who := dispatch.Person{ID: fmt.Sprintf("m%d", 100+i), Nick: fmt.Sprintf("队员%02d", i)}
			deadline := time.Now().Add(60 * time.Second)
			for {
				cctx, cancel := context.WithTimeout(ctx, 5*time.Second)
				res, err := db.ClaimTask(cctx, fmt.Sprintf("op-%d", i), task.ID, who, t0)
				cancel()
				if err == nil {
					results[i] = res
					answered.Add(1)
					return
				}
				retries.Add(1)
				if time.Now().After(deadline) {
					t.Errorf("claim %d not answered within 60s: %v", i, err)
					return
				}
				time.Sleep(50 * time.Millisecond)
			}
		})
	}
	waitUntil(t, 30*time.Second, "a third of the claims answered", func() bool { return answered.Load() >= n/3 })
	failoverAt := answered.Load()
	if err := nodeDo(replica, "CLUSTER", "FAILOVER"); err != nil {
		t.Fatalf("CLUSTER FAILOVER on %s: %v", replica, err)
	}
	waitUntil(t, 30*time.Second, replica+" is master", func() bool {
		s, err := nodeString(replica, "ROLE")
		return err == nil && strings.HasPrefix(s, "[master")
	})
	switchedAt := answered.Load()
	wg.Wait()
	t.Logf("CLUSTER FAILOVER of slot %d (%s to %s) asked after %d of %d claims were answered, done after %d; %d tries repeated",
		slot, master, replica, failoverAt, n, switchedAt, retries.Load())
	if switchedAt >= n {
		t.Errorf("every claim was answered before the failover was done; want it in the middle of the storm")
	}

	held, waiting := 0, map[int]bool{}
	for i, r := range results {
		switch r.Outcome {
		case dispatch.ClaimHeld:
			held++
		case dispatch.ClaimWaiting:
			if waiting[r.Position] {
				t.Errorf("claim %d: waiting position %d given twice", i, r.Position)
			}
			waiting[r.Position] = true
		default:
			t.Errorf("claim %d: outcome %v; want held or waiting (answered once)", i, r.Outcome)
		}
	}
	if held != 3 || len(waiting) != n-3 {
		t.Errorf("got %d holders and %d waiting; want 3 and %d", held, len(waiting), n-3)
	}
	got, err := db.Task(ctx, task.ID)
	if err != nil {
		t.Fatal(err)
	}
	seen := map[string]bool{}
	for _, p := range got.Queue {
		if seen[p.ID] {
			t.Errorf("%s is in the queue twice", p.ID)
		}
		seen[p.ID] = true
	}
	if len(got.Queue) != n {
		t.Errorf("stored queue has %d claims; want %d", len(got.Queue), n)
	}
	// What each was told matches where they stand.
	for i, r := range results {
		if r.Outcome != dispatch.ClaimWaiting {
			continue
		}
		id := fmt.Sprintf("m%d", 100+i)
		for j, p := range got.Waiting() {
			if p.ID == id && j+1 != r.Position {
				t.Errorf("claim %d told waiting place %d; stored at %d", i, r.Position, j+1)
			}
		}
	}

	// The queue and the write probe work on the new master too.
	m := dispatch.Message{ID: "c1", Transport: "wechat", Chat: dispatch.Chat{Group: "g"}, Text: "接 1"}
	if _, fresh, err := db.Accept(ctx, m); err != nil || !fresh {
		t.Fatalf("Accept on the cluster = %v, %v", fresh, err)
	}
	if err := db.Probe(ctx); err != nil {
		t.Fatalf("Probe on the cluster: %v", err)
	}
}
