// Package metrics exposes chorus's Prometheus metrics on a registry of its own: counters
// fed by the Bot (bot.Observer) and the dispatch service, and gauges read from the store
// when Prometheus scrapes.
package metrics

import (
	"context"
	"log/slog"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/changzheng/chorus/bot"
	"github.com/changzheng/chorus/dispatch"
)

// Source is what the scrape-time gauges read; store.DB implements it.
type Source interface {
	// Queued is the number of posts waiting in a transport's outbox.
	Queued(ctx context.Context, transport string) (int64, error)
	// OpenReports lists reports not closed, oldest first.
	OpenReports(ctx context.Context, limit int) ([]dispatch.Report, error)
	// SLABreaches is the number of report stages ever escalated.
	SLABreaches(ctx context.Context) (int64, error)
}

// Options configures Metrics. The zero value of each field is documented.
type Options struct {
	// Routes are the outbox routes (transport names) whose depth is reported; nil: none.
	Routes []string
	// Now is the clock for the SLA states; nil means time.Now.
	Now func() time.Time
	// Logger gets errors reading the store during a scrape; nil discards.
	Logger *slog.Logger
}

// Metrics holds chorus's metrics. It implements bot.Observer; Command is the dispatch
// service's Observe.
type Metrics struct {
	reg      *prometheus.Registry
	inbound  *prometheus.CounterVec
	commands *prometheus.CounterVec
	sent     *prometheus.CounterVec
	failures *prometheus.CounterVec
}

var _ bot.Observer = (*Metrics)(nil)

// openLimit bounds how many open reports one scrape reads.
const openLimit = 10000

// New returns chorus's metrics on a fresh registry, with the Go and process collectors.
func New(src Source, opts Options) *Metrics {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		inbound: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "chorus_inbound_messages_total", Help: "Messages received (duplicates not counted), by transport.",
		}, []string{"transport"}),
		commands: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "chorus_commands_total", Help: "Commands handled, by verb and outcome (ok, refused, malformed, error).",
		}, []string{"verb", "outcome"}),
		sent: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "chorus_posts_sent_total", Help: "Posts (or parts of long posts) delivered, by route.",
		}, []string{"route"}),
		failures: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "chorus_send_failures_total", Help: "Sends that failed (retried or dropped), by route.",
		}, []string{"route"}),
	}
	m.reg.MustRegister(m.inbound, m.commands, m.sent, m.failures,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		&storeCollector{src: src, opts: opts})
	return m
}

// Received implements bot.Observer.
func (m *Metrics) Received(transport string) { m.inbound.WithLabelValues(transport).Inc() }

// Sent implements bot.Observer.
func (m *Metrics) Sent(route string) { m.sent.WithLabelValues(route).Inc() }

// SendFailed implements bot.Observer.
func (m *Metrics) SendFailed(route string) { m.failures.WithLabelValues(route).Inc() }

// Command counts one handled command (dispatch.Options.Observe).
func (m *Metrics) Command(verb, outcome string) { m.commands.WithLabelValues(verb, outcome).Inc() }

// Handler serves the registry in Prometheus's text format.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{Registry: m.reg})
}

// Registry is the metrics' own registry (tests gather from it).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// storeCollector reads the gauges that live in Redis at scrape time, so every chorus
// process sharing a Redis reports the same truth and nothing is cached.
type storeCollector struct {
	src  Source
	opts Options
}

var (
	descOutbox   = prometheus.NewDesc("chorus_outbox_depth", "Posts waiting in the outbox, by route.", []string{"route"}, nil)
	descOpen     = prometheus.NewDesc("chorus_reports_open", "Open reports by SLA state (overdue, due_soon, on_time).", []string{"state"}, nil)
	descBreaches = prometheus.NewDesc("chorus_sla_breaches_total", "Report stages escalated for missing their SLA, since the store began.", nil, nil)
)

func (c *storeCollector) Describe(ch chan<- *prometheus.Desc) {
	ch <- descOutbox
	ch <- descOpen
	ch <- descBreaches
}

// scrapeTimeout bounds the store reads of one scrape.
const scrapeTimeout = 5 * time.Second

func (c *storeCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), scrapeTimeout)
	defer cancel()
	for _, r := range c.opts.Routes {
		n, err := c.src.Queued(ctx, r)
		if err != nil {
			c.opts.Logger.Error("metrics: outbox depth", "route", r, "err", err)
			ch <- prometheus.NewInvalidMetric(descOutbox, err)
			continue
		}
		ch <- prometheus.MustNewConstMetric(descOutbox, prometheus.GaugeValue, float64(n), r)
	}
	if open, err := c.src.OpenReports(ctx, openLimit); err != nil {
		c.opts.Logger.Error("metrics: open reports", "err", err)
		ch <- prometheus.NewInvalidMetric(descOpen, err)
	} else {
		counts := map[dispatch.SLAState]int{dispatch.SLAOverdue: 0, dispatch.SLADueSoon: 0, dispatch.SLAOnTime: 0}
		now := c.opts.Now()
		for _, r := range open {
			counts[dispatch.SLAOf(r, now)]++
		}
		for s, n := range counts {
			ch <- prometheus.MustNewConstMetric(descOpen, prometheus.GaugeValue, float64(n), string(s))
		}
	}
	if n, err := c.src.SLABreaches(ctx); err != nil {
		c.opts.Logger.Error("metrics: SLA breaches", "err", err)
		ch <- prometheus.NewInvalidMetric(descBreaches, err)
	} else {
		ch <- prometheus.MustNewConstMetric(descBreaches, prometheus.CounterValue, float64(n))
	}
}
