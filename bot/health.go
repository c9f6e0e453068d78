package bot

import (
	"context"
	"log/slog"
	"sync"
	"time"
)

// Health watches whether Redis takes writes, and logs an outage once when it starts
// ("redis unreachable") and once when it ends ("redis reachable again", with how long it
// lasted), instead of one error per failed call. Everything that meets a Redis error asks
// Check, which probes at once; Run also probes on its own every Every. Its methods are
// safe for concurrent use.
type Health struct {
	probe   func(ctx context.Context) error
	timeout time.Duration
	every   time.Duration
	now     func() time.Time
	sleep   func(ctx context.Context, d time.Duration) error
	log     *slog.Logger

	mu    sync.Mutex
	down  bool
	since time.Time // when the current outage began
	back  time.Time // when the last outage ended
}

// HealthOptions configures a Health. The zero value of each field is documented.
type HealthOptions struct {
	// Probe writes to Redis (a short-lived key) and returns its error; required.
	Probe func(ctx context.Context) error
	// Timeout bounds one probe: a Redis that stalls writes (CLIENT PAUSE, a full disk
	// with appendfsync always) counts as down. Zero means 1s.
	Timeout time.Duration
	// Every is how often Run probes; zero means 1s.
	Every time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Sleep waits for d or until ctx ends; nil means a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Logger gets the two lines of each outage; nil discards.
	Logger *slog.Logger
}

// NewHealth returns a Health that reports Redis up until a probe fails.
func NewHealth(o HealthOptions) *Health {
	h := &Health{probe: o.Probe, timeout: o.Timeout, every: o.Every, now: o.Now, sleep: o.Sleep, log: o.Logger}
	if h.timeout <= 0 {
		h.timeout = time.Second
	}
	if h.every <= 0 {
		h.every = time.Second
	}
	if h.now == nil {
		h.now = time.Now
	}
	if h.sleep == nil {
		h.sleep = sleep
	}
	if h.log == nil {
		h.log = slog.New(slog.DiscardHandler)
	}
	return h
}

// Up reports the state the last probe found.
func (h *Health) Up() bool {
	h.mu.Lock()
	defer h.mu.Unlock()
	return !h.down
}

// Check probes Redis now, records the outcome (logging a change) and reports whether
// Redis took the write.
func (h *Health) Check(ctx context.Context) bool {
	start := h.now()
	pctx, cancel := context.WithTimeout(ctx, h.timeout)
	err := h.probe(pctx)
	cancel()
	if err != nil && ctx.Err() != nil {
		return h.Up() // stopping: says nothing about Redis
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	// Probes run concurrently (Run's own and every caller's): one that began before the
	// last change of state says nothing newer than that change, so it must not undo it.
	// Without this a probe that started just before Redis died could report it back.
	if err == nil && h.down && start.Before(h.since) || err != nil && !h.down && start.Before(h.back) {
		return !h.down
	}
	switch {
	case err != nil && !h.down:
		h.down, h.since = true, h.now()
		h.log.ErrorContext(ctx, "redis unreachable; inbound messages are kept in data_dir until it is back", "err", err)
	case err == nil && h.down:
		h.down, h.back = false, h.now()
		h.log.InfoContext(ctx, "redis reachable again", "down_for", h.now().Sub(h.since).Round(time.Millisecond).String())
	}
	return err == nil
}

// afterOutage is how long after an outage an error is still taken for one of its
// stragglers: a call that failed during the outage may return just after the probe that
// saw Redis back.
const afterOutage = 5 * time.Second

// InOutage reports whether an error met now belongs to an outage: Redis is down (a probe
// made now fails) or came back moments ago.
func (h *Health) InOutage(ctx context.Context) bool {
	if !h.Check(ctx) {
		return true
	}
	h.mu.Lock()
	defer h.mu.Unlock()
	return !h.back.IsZero() && h.now().Sub(h.back) < afterOutage
}

// Run probes every Every until ctx ends.
func (h *Health) Run(ctx context.Context) {
	for ctx.Err() == nil {
		h.Check(ctx)
		if h.sleep(ctx, h.every) != nil {
			return
		}
	}
}
