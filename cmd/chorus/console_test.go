package main

import (
	"bytes"
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/redis/go-redis/v9"

	"github.com/changzheng/chorus/store/storetest"
)

var update = flag.Bool("update", false, "rewrite the golden transcripts in testdata/")

// testEnv returns an Env for an in-process chorus on the test Redis (CHORUS_TEST_REDIS,
// via CHORUS_REDIS_URL) or, without it, the embedded store; and a config file with a
// community id of the test's own, whose keys are deleted when the test ends.
func testEnv(t *testing.T, stdin string) (Env, string, *bytes.Buffer, *bytes.Buffer) {
	t.Helper()
	id := fmt.Sprintf("t%d-%s", os.Getpid(), strings.NewReplacer("/", "-", " ", "").Replace(t.Name()))
	b, err := os.ReadFile("../../config.yaml")
	if err != nil {
		t.Fatal(err)
	}
	cfg := strings.Replace(string(b), "id: changzheng", "id: "+id, 1)
	path := filepath.Join(t.TempDir(), "config.yaml")
	if err := os.WriteFile(path, []byte(cfg), 0o600); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{}
	if addr := os.Getenv(storetest.EnvVar); addr != "" {
		vars["CHORUS_REDIS_URL"] = "redis://" + strings.TrimPrefix(addr, "redis://")
		rdb := redis.NewClient(&redis.Options{Addr: strings.TrimPrefix(addr, "redis://")})
		t.Cleanup(func() { _ = rdb.Close() })
		storetest.DeleteOnCleanup(t, rdb, "chorus:{"+id+"}:*")
	}
	var out, errOut bytes.Buffer
	env := Env{Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Getenv: func(k string) string { return vars[k] }}
	return env, path, &out, &errOut
}

// golden compares got with testdata/name, or rewrites it with -update.
func golden(t *testing.T, name string, got []byte) {
	t.Helper()
	path := filepath.Join("testdata", name)
	if *update {
		if err := os.WriteFile(path, got, 0o644); err != nil {
			t.Fatal(err)
		}
		return
	}
	want, err := os.ReadFile(path)
	if err != nil {
		t.Fatalf("%v (run go test ./cmd/chorus -update to create it)", err)
	}
	if !bytes.Equal(got, want) {
		gl, wl := strings.Split(string(got), "\n"), strings.Split(string(want), "\n")
		for i := range max(len(gl), len(wl)) {
			var g, w string
			if i < len(gl) {
				g = gl[i]
			}
			if i < len(wl) {
				w = wl[i]
			}
			if g != w {
				t.Fatalf("%s differs at line %d:\n got: %s\nwant: %s\n(run go test ./cmd/chorus -update after checking the change)", path, i+1, g, w)
			}
		}
	}
}

// Console sessions replayed against golden transcripts: what users and acceptance tests
// see, byte for byte.
func TestConsoleTranscripts(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
	}{
		{"morning", []string{"--at", "2026-11-30T07:30:00+08:00"}},
		{"reports", []string{"--at", "2026-11-30T09:00:00+08:00"}},
		{"morning_json", []string{"--at", "2026-11-30T07:30:00+08:00", "--json"}},
		{"forgiving", []string{"--at", "2026-11-30T09:00:00+08:00"}},
		{"times", []string{"--at", "2026-11-30T09:05:00+08:00"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			input := strings.TrimSuffix(tc.name, "_json") + ".txt"
			script, err := os.ReadFile(filepath.Join("testdata", input))
			if err != nil {
				t.Fatal(err)
			}
			env, cfg, out, errOut := testEnv(t, string(script))
			args := append([]string{"console", "--config", cfg}, tc.args...)
			if code := Main(context.Background(), args, env); code != 0 {
				t.Fatalf("exit %d: %s", code, errOut)
			}
			golden(t, tc.name+".golden", out.Bytes())
		})
	}
}

func TestDemo(t *testing.T) {
	env, cfg, out, errOut := testEnv(t, "")
	if code := Main(context.Background(), []string{"demo", "--config", cfg}, env); code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	golden(t, "demo.golden", out.Bytes())
}

func TestBadConfigAndRedis(t *testing.T) {
	env, cfg, _, errOut := testEnv(t, "")
	// A Redis that does not answer: one clear line, non-zero.
	env.Getenv = func(k string) string {
		if k == "CHORUS_REDIS_URL" {
			return "redis://127.0.0.1:1"
		}
		return ""
	}
	if code := Main(context.Background(), []string{"console", "--config", cfg}, env); code != 1 {
		t.Fatalf("unreachable Redis: exit %d; want 1", code)
	}
	if got := errOut.String(); !strings.HasPrefix(got, "chorus: cannot reach Redis at 127.0.0.1:1") || strings.Count(got, "\n") != 1 {
		t.Errorf("unreachable Redis says %q; want one clear line", got)
	}
	// A bad schedule fails at start-up naming the field.
	bad := filepath.Join(t.TempDir(), "bad.yaml")
	b, _ := os.ReadFile(cfg)
	if err := os.WriteFile(bad, bytes.Replace(b, []byte(`daily: "0 8 * * *"`), []byte(`daily: "0 25 * * *"`), 1), 0o600); err != nil {
		t.Fatal(err)
	}
	errOut.Reset()
	if code := Main(context.Background(), []string{"console", "--config", bad}, env); code != 1 {
		t.Fatalf("bad schedule: exit %d; want 1", code)
	}
	if got := errOut.String(); !strings.Contains(got, "schedule.daily") {
		t.Errorf("bad schedule says %q; want the field named", got)
	}
	errOut.Reset()
	if code := Main(context.Background(), []string{"console", "--config", filepath.Join(t.TempDir(), "missing.yaml")}, env); code != 1 {
		t.Fatalf("missing config: exit %d; want 1", code)
	}
}
