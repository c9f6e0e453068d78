package store_test

import (
	"bytes"
	"context"
	"os"
	"os/exec"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/changzheng/chorus/store/storetest"
)

// The whole store suite runs a second time on a Redis Cluster the test starts itself
// (three masters), through go-redis's ClusterClient: this test binary is run again with
// CHORUS_TEST_REDIS naming the cluster, so every test that opens its store with
// storetest.Open or storetest.Universal goes through slot routing, per-node script
// caches and the server's cross-slot checks. Every key carries the community's hash tag, so a
// script touching a key of another slot fails here with CROSSSLOT (or "non local key"),
// never in production first.
//
// It runs whenever the store's tests run, on miniredis or a real Redis alike (.ci/run's
// `go test ./...` included), and fails, never skips, when redis-server or redis-cli is
// missing. When CHORUS_TEST_REDIS already names a cluster this run is the suite on a
// cluster, and there is nothing more to do.
func TestClusterStoreSuite(t *testing.T) {
	if storetest.Cluster() {
		t.Logf("%s names a cluster: this run is the store suite on a cluster", storetest.EnvVar)
		return
	}
	c := startCluster(t, 3, 0)
	url := "redis+cluster://" + c.addrs[0] + "?addr=" + strings.Join(c.addrs[1:], "&addr=")

	ctx, cancel := context.WithTimeout(t.Context(), 5*time.Minute)
	defer cancel()
	// Every test but the cluster tests themselves (they start clusters of their own).
	cmd := exec.CommandContext(ctx, os.Args[0], "-test.count=1", "-test.v", "-test.skip=^TestCluster", "-test.timeout=5m")
	cmd.Env = append(withoutEnv(os.Environ(), storetest.EnvVar), storetest.EnvVar+"="+url)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	start := time.Now()
	err := cmd.Run()
	took := time.Since(start)

	// A top-level test's verdict in -test.v output (subtests' are indented).
	verdict := regexp.MustCompile(`(?m)^--- (PASS|FAIL|SKIP): (\S+)`)
	results := map[string][]string{}
	for _, m := range verdict.FindAllStringSubmatch(out.String(), -1) {
		results[m[1]] = append(results[m[1]], m[2])
	}
	if err != nil || len(results["FAIL"]) > 0 {
		t.Fatalf("the store suite on a cluster (%s) failed: %v; failed: %v\n%s", url, err, results["FAIL"], out.String())
	}
	if len(results["SKIP"]) > 0 {
		t.Errorf("on a cluster, %v skipped; want every store test to run there", results["SKIP"])
	}
	if len(results["PASS"]) == 0 {
		t.Fatalf("the store suite on a cluster ran no test:\n%s", out.String())
	}
	t.Logf("the store suite on a 3-master cluster: %d tests passed in %s (%s)",
		len(results["PASS"]), took.Round(10*time.Millisecond), strings.Join(results["PASS"], " "))
}

func withoutEnv(env []string, name string) []string {
	out := env[:0:0]
	for _, kv := range env {
		if !strings.HasPrefix(kv, name+"=") {
			out = append(out, kv)
		}
	}
	return out
}
