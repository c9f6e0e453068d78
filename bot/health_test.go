package bot

import (
	"bytes"
	"context"
	"errors"
	"log/slog"
	"strings"
	"sync"
	"testing"
	"time"
)

// An outage is two lines however many calls fail during it: "redis unreachable" when the
// first probe fails, "redis reachable again" with its length when one succeeds.
func TestHealthLogsAnOutageOnce(t *testing.T) {
	var mu sync.Mutex
	var failing error
	now := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	var buf bytes.Buffer
	h := NewHealth(HealthOptions{
		Probe: func(context.Context) error {
			mu.Lock()
			defer mu.Unlock()
			return failing
		},
		Now:    func() time.Time { mu.Lock(); defer mu.Unlock(); return now },
		Logger: slog.New(slog.NewTextHandler(&buf, nil)),
	})
	ctx := t.Context()
	if !h.Check(ctx) || h.InOutage(ctx) {
		t.Fatal("a Redis that takes the probe is reported down")
	}
	mu.Lock()
	failing = errors.New("dial tcp: connection refused")
	mu.Unlock()
	for range 5 {
		if h.Check(ctx) || !h.InOutage(ctx) || h.Up() {
			t.Fatal("a failing probe is reported up")
		}
	}
	mu.Lock()
	failing, now = nil, now.Add(10*time.Second)
	mu.Unlock()
	if !h.Check(ctx) || !h.Up() {
		t.Fatal("a probe that succeeds again is reported down")
	}
	if !h.InOutage(ctx) {
		t.Error("an error right after the outage ended is not taken for one of its stragglers")
	}
	mu.Lock()
	now = now.Add(afterOutage)
	mu.Unlock()
	if h.InOutage(ctx) {
		t.Error("an error long after the outage is taken for part of it")
	}
	logs := buf.String()
	if n := strings.Count(logs, "redis unreachable"); n != 1 {
		t.Errorf("%q logged %d times; want 1:\n%s", "redis unreachable", n, logs)
	}
	if n := strings.Count(logs, "redis reachable again"); n != 1 || !strings.Contains(logs, "down_for=10s") {
		t.Errorf("want one %q with down_for=10s:\n%s", "redis reachable again", logs)
	}
}

// A probe that started before Redis went away and answered after another probe saw it
// gone says nothing newer: it must not report Redis back (nor log a second outage).
func TestHealthStaleProbeDoesNotUndoAnOutage(t *testing.T) {
	var mu sync.Mutex
	now := time.Date(2026, 12, 6, 8, 0, 0, 0, time.UTC)
	started, release := make(chan struct{}), make(chan struct{})
	var calls int
	var buf bytes.Buffer
	h := NewHealth(HealthOptions{
		Probe: func(context.Context) error {
			mu.Lock()
			calls++
			n := calls
			mu.Unlock()
			if n == 1 { // the slow probe: began while Redis was up, answers late
				close(started)
				<-release
				return nil
			}
			return errors.New("dial tcp: connection refused")
		},
		Now:    func() time.Time { mu.Lock(); defer mu.Unlock(); return now },
		Logger: slog.New(slog.NewTextHandler(&buf, nil)),
	})
	ctx := t.Context()
	done := make(chan bool)
	go func() { done <- h.Check(ctx) }()
	<-started
	mu.Lock()
	now = now.Add(time.Second)
	mu.Unlock()
	if h.Check(ctx) {
		t.Fatal("a failing probe is reported up")
	}
	close(release)
	<-done
	if h.Up() {
		t.Error("a probe that began before the outage reported Redis back")
	}
	if n := strings.Count(buf.String(), "redis reachable again"); n != 0 {
		t.Errorf("%q logged %d times; want 0:\n%s", "redis reachable again", n, buf.String())
	}
}
