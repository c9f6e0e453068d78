package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/changzheng/chorus/bot/wechat/wechattest"
	"github.com/changzheng/chorus/store"
)

// The fault-injection suite runs chorus as a child process (this test binary, re-run
// with CHORUS_FAULT_CHILD=1, which runs `chorus run` exactly as main does) so that it can
// be killed with SIGKILL at any moment, against redis-server processes the test starts
// itself (AOF, appendfsync always) on ports 7020-7099, and the WeChat web-protocol fake.

func TestMain(m *testing.M) {
	if os.Getenv("CHORUS_FAULT_CHILD") == "1" {
		os.Exit(faultChild())
	}
	os.Exit(m.Run())
}

// faultChild is main for the child: `chorus run` with openwechat pointed at the fake.
func faultChild() int {
	redis.SetLogger(redisLog{newLogger(os.Stderr, slog.LevelInfo)})
	ctx, stop := signal.NotifyContext(context.Background(), syscall.SIGINT, syscall.SIGTERM)
	defer stop()
	env := Env{Stdin: strings.NewReader(""), Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv}
	ro := runOptions{
		WeChatHTTP: rewriteClient(os.Getenv("CHORUS_FAULT_WECHAT")),
		Sleep:      childSleep,
		Ready:      func(addr string) { fmt.Fprintf(os.Stderr, "chorus-fault-ready %s\n", addr) },
	}
	return exitCode(runWith(ctx, strings.Fields(os.Getenv("CHORUS_FAULT_ARGS")), env, ro), os.Stderr)
}

// childSleep shortens backoffs fifty-fold, but never below 20ms: the child retries while
// Redis is down, and a tighter loop would only load the machine.
func childSleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(max(d/50, 20*time.Millisecond))
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// rewriteClient sends every request, whatever its host, to the fake at base.
func rewriteClient(base string) *http.Client {
	u, err := url.Parse(base)
	if err != nil || u.Host == "" {
		return nil
	}
	return &http.Client{Transport: rewriteTo{host: u.Host}}
}

type rewriteTo struct{ host string }

func (r rewriteTo) RoundTrip(req *http.Request) (*http.Response, error) {
	r2 := req.Clone(req.Context())
	r2.Host = req.URL.Host
	r2.URL.Scheme = "http"
	r2.URL.Host = r.host
	return http.DefaultTransport.RoundTrip(r2)
}

// redisProc is a redis-server the test started: AOF with appendfsync always, in a
// directory of the test's, on a port of its own; stopped by PID when the test ends.
type redisProc struct {
	t    *testing.T
	port int
	dir  string
	cmd  *exec.Cmd
	done chan struct{}
}

// faultPorts is this suite's share of the ports 7000-7099 (the store's cluster test
// uses 7000-7019).
const faultPortLo, faultPortHi = 7020, 7099

func freePort(t *testing.T, lo, hi int) int {
	t.Helper()
	start := lo + int(time.Now().UnixNano()%int64(hi-lo+1))
	for i := range hi - lo + 1 {
		p := lo + (start-lo+i)%(hi-lo+1)
		ln, err := net.Listen("tcp", "127.0.0.1:"+strconv.Itoa(p))
		if err != nil {
			continue
		}
		_ = ln.Close()
		return p
	}
	t.Fatalf("no free port in %d-%d", lo, hi)
	return 0
}

func mustRedisServer(t *testing.T) *redisProc {
	t.Helper()
	if _, err := exec.LookPath("redis-server"); err != nil {
		t.Fatalf("the fault suite needs redis-server on PATH: %v", err)
	}
	r := &redisProc{t: t, port: freePort(t, faultPortLo, faultPortHi), dir: t.TempDir()}
	r.start()
	t.Cleanup(r.kill)
	return r
}

func (r *redisProc) addr() string { return "127.0.0.1:" + strconv.Itoa(r.port) }

// start runs the server and waits until it answers.
func (r *redisProc) start() {
	r.t.Helper()
	r.cmd = exec.Command("redis-server", "--port", strconv.Itoa(r.port), "--bind", "127.0.0.1",
		"--dir", r.dir, "--appendonly", "yes", "--appendfsync", "always", "--save", "",
		"--daemonize", "no", "--logfile", filepath.Join(r.dir, "redis.log"))
	if err := r.cmd.Start(); err != nil {
		r.t.Fatalf("start redis-server: %v", err)
	}
	r.done = make(chan struct{})
	go func(c *exec.Cmd, done chan struct{}) { _ = c.Wait(); close(done) }(r.cmd, r.done)
	rdb := redis.NewClient(&redis.Options{Addr: r.addr(), MaxRetries: -1})
	defer rdb.Close()
	deadline := time.Now().Add(20 * time.Second)
	for {
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		err := rdb.Ping(ctx).Err()
		cancel()
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			r.t.Fatalf("redis-server on %d does not answer: %v", r.port, err)
		}
		select {
		case <-r.done:
			b, _ := os.ReadFile(filepath.Join(r.dir, "redis.log"))
			r.t.Fatalf("redis-server on %d exited:\n%s", r.port, b)
		case <-time.After(20 * time.Millisecond):
		}
	}
}

// kill stops the server with SIGKILL (appendfsync always: nothing it acknowledged is lost).
func (r *redisProc) kill() {
	if r.cmd == nil || r.cmd.Process == nil {
		return
	}
	_ = r.cmd.Process.Kill()
	<-r.done
	r.cmd = nil
}

// chorusProc is one `chorus run` child process.
type chorusProc struct {
	cmd  *exec.Cmd
	addr string
	done chan struct{}
	err  error
}

// faultWorld is a world whose Redis is a redis-server of the test's and whose chorus runs
// as a child process.
type faultWorld struct {
	*world
	redis *redisProc
	ready chan string
}

// members are the 30 people of the claim storms, in the order they send.
func faultMembers() []string {
	var out []string
	for i := 1; i <= 30; i++ {
		out = append(out, fmt.Sprintf("队员%02d", i))
	}
	return out
}

func mustFaultWorld(t *testing.T) *faultWorld {
	t.Helper()
	var b [6]byte
	_, _ = rand.Read(b[:])
	w := &world{t: t, id: "f" + hex.EncodeToString(b[:]), dir: t.TempDir(), logs: &syncBuffer{}}
	w.logWriter = w.logs // the child's log: shown on failure only (it is long)
	w.config = filepath.Join(w.dir, "config.yaml")
	w.writeConfig(true) // answers merged, as shipped
	rp := mustRedisServer(t)
	w.redisURL = "redis://" + rp.addr()
	w.rdb = redis.NewClient(&redis.Options{Addr: rp.addr()})
	t.Cleanup(func() { _ = w.rdb.Close() })
	w.db = store.New(w.rdb, store.Options{Community: w.id})
	members := []wechattest.Member{{Nick: coordinator}}
	for _, m := range faultMembers() {
		members = append(members, wechattest.Member{Nick: m})
	}
	w.fake = wechattest.NewServer(t, wechattest.Config{
		Self: botNick, AutoConfirm: true, EchoSends: true, PollWait: 100 * time.Millisecond,
		Groups: []wechattest.Group{{Name: orangeGroup, Members: members}},
	})
	t.Cleanup(func() {
		if t.Failed() {
			t.Logf("chorus's log:\n%s", w.logs.String())
		}
	})
	return &faultWorld{world: w, redis: rp, ready: make(chan string, 1)}
}

// start runs chorus as a child process and waits until it listens.
func (w *faultWorld) start() *chorusProc {
	w.t.Helper()
	inits := w.fake.Inits()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "CHORUS_FAULT_CHILD=1", "CHORUS_FAULT_ARGS=--config "+w.config,
		"CHORUS_FAULT_WECHAT="+w.fake.URL, "CHORUS_REDIS_URL="+w.redisURL)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		w.t.Fatal(err)
	}
	cmd.Stdout = w.logs
	if err := cmd.Start(); err != nil {
		w.t.Fatalf("start chorus: %v", err)
	}
	p := &chorusProc{cmd: cmd, done: make(chan struct{})}
	ready := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(stderr)
		sc.Buffer(make([]byte, 64<<10), 1<<20)
		for sc.Scan() {
			line := sc.Text()
			if a, ok := strings.CutPrefix(line, "chorus-fault-ready "); ok {
				ready <- a
				continue
			}
			_, _ = io.WriteString(w.logs, line+"\n")
		}
		p.err = cmd.Wait()
		close(p.done)
	}()
	w.t.Cleanup(p.kill)
	select {
	case p.addr = <-ready:
	case <-p.done:
		w.t.Fatalf("chorus exited before it listened: %v", p.err)
	case <-time.After(60 * time.Second):
		w.t.Fatal("chorus did not listen within 60s")
	}
	ctx, cancel := context.WithTimeout(w.t.Context(), 60*time.Second)
	defer cancel()
	if err := w.fake.WaitInits(ctx, inits+1); err != nil {
		w.t.Fatalf("chorus did not log in to WeChat: %v", err)
	}
	return p
}

// kill sends SIGKILL and waits for the process to be gone.
func (p *chorusProc) kill() {
	_ = p.cmd.Process.Kill()
	<-p.done
}

// stop sends SIGTERM and checks chorus exits 0.
func (p *chorusProc) stop(t *testing.T) {
	t.Helper()
	_ = p.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-p.done:
		if p.err != nil {
			t.Errorf("chorus exited with %v after SIGTERM; want 0", p.err)
		}
	case <-time.After(30 * time.Second):
		t.Error("chorus did not stop within 30s of SIGTERM")
		p.kill()
	}
}

// readyz returns /readyz's status code.
func (p *chorusProc) readyz(t *testing.T) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), 10*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, http.MethodGet, "http://"+p.addr+"/readyz", nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatalf("GET /readyz: %v", err)
	}
	_ = resp.Body.Close()
	return resp.StatusCode
}

// waitFor polls cond (Redis, files and logs cannot signal) until it holds or d passes.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	ctx, cancel := context.WithTimeout(t.Context(), d)
	defer cancel()
	tick := time.NewTicker(10 * time.Millisecond)
	defer tick.Stop()
	for !cond() {
		select {
		case <-tick.C:
		case <-ctx.Done():
			t.Fatalf("waiting for %s: %v", what, errors.Join(ctx.Err()))
		}
	}
}

// journaled reports whether chorus's inbound journal holds every id.
func (w *faultWorld) journaled(ids ...string) bool {
	b, _ := os.ReadFile(filepath.Join(w.dir, "inbox.journal"))
	for _, id := range ids {
		if !strings.Contains(string(b), `"ID":"`+id+`"`) {
			return false
		}
	}
	return true
}

// appendConfig adds lines to the world's config.yaml (top-level keys).
func (w *faultWorld) appendConfig(lines string) {
	w.t.Helper()
	f, err := os.OpenFile(w.config, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		w.t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString(lines); err != nil {
		w.t.Fatal(err)
	}
}

// savedSyncKey reads the sync position in chorus's hot-login file (item 1 of the
// SyncKey openwechat saves, as wechattest.Server.Covers takes it).
func (w *faultWorld) savedSyncKey(t *testing.T) int64 {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(w.dir, "wechat-hotlogin.json"))
	if err != nil {
		t.Fatalf("read the hot-login file: %v", err)
	}
	var item struct {
		SyncKey *struct{ List []struct{ Key, Val int64 } }
	}
	if err := json.Unmarshal(b, &item); err != nil {
		t.Fatalf("the hot-login file is not JSON (it is replaced atomically): %v", err)
	}
	if item.SyncKey != nil {
		for _, it := range item.SyncKey.List {
			if it.Key == 1 {
				return it.Val
			}
		}
	}
	t.Fatalf("the hot-login file holds no sync position:\n%s", b)
	return 0
}
