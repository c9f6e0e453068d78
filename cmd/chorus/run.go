package main

import (
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/changzheng/chorus/bot"
	"github.com/changzheng/chorus/bot/metrics"
	"github.com/changzheng/chorus/bot/web"
	"github.com/changzheng/chorus/bot/wechat"
	"github.com/changzheng/chorus/bot/wecom"
	"github.com/changzheng/chorus/dispatch"
	"github.com/changzheng/chorus/store"
)

// runOptions lets tests point the transports at fakes; zero values mean the real services.
type runOptions struct {
	// WeChatHTTP replaces the HTTP client openwechat uses (tests: the protocol fake).
	WeChatHTTP *http.Client
	// Sleep replaces the bot's and transports' waits (tests: shortened backoffs).
	Sleep func(ctx context.Context, d time.Duration) error
	// Ready is called with the HTTP address once chorus listens (tests).
	Ready func(addr string)
	// Now replaces the clock of the service, the bot and the transports (tests: a clock
	// that can jump to the next scheduled slot); nil means time.Now.
	Now func() time.Time
}

func cmdRun(ctx context.Context, args []string, env Env) error {
	return runWith(ctx, args, env, runOptions{})
}

// runWith is chorus run with injectable parts.
func runWith(ctx context.Context, args []string, env Env, ro runOptions) error {
	fs := flag.NewFlagSet("run", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	path := fs.String("config", "config.yaml", "config file")
	acceptEmpty := fs.Bool("accept-empty-store", false, "start even though the Redis has lost the data data_dir says it held")
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	cfg, err := LoadConfig(*path, env.Getenv)
	if err != nil {
		return err
	}
	log := newLogger(env.Stderr, slog.LevelInfo)
	now := ro.Now
	if now == nil {
		now = time.Now
	}
	db, closeDB, err := openStore(ctx, cfg, env)
	if err != nil {
		return err
	}
	defer closeDB()
	if cfg.Redis.Addr != "" || env.Getenv("CHORUS_REDIS_URL") != "" {
		// The embedded store is empty at every start by design; a real one must not be.
		if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
			return fmt.Errorf("data_dir: %w", err)
		}
		if err := checkStore(ctx, db, cfg.DataDir, cfg.Community.ID, *acceptEmpty, now()); err != nil {
			return err
		}
	}
	saver, err := newMediaSaver(cfg, db, now, log)
	if err != nil {
		return err
	}
	var routeNames []string
	if cfg.WeChat.Enabled {
		routeNames = append(routeNames, "wechat")
	}
	if cfg.WeCom.Enabled {
		routeNames = append(routeNames, "wecom")
	}
	mx := metrics.New(db, metrics.Options{Routes: routeNames, Now: now, Logger: log})
	svc, err := newServiceObserved(cfg, db, now, log, saver, mx.Command)
	if err != nil {
		return err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return fmt.Errorf("data_dir: %w", err)
	}
	journal, err := bot.OpenJournal(filepath.Join(cfg.DataDir, "inbox.journal"), cfg.JournalMax)
	if err != nil {
		return fmt.Errorf("data_dir: %w", err)
	}
	defer journal.Close()
	retired, err := bot.OpenRetired(filepath.Join(cfg.DataDir, "retired.journal"))
	if err != nil {
		return fmt.Errorf("data_dir: %w", err)
	}
	defer retired.Close()
	// Health keeps its own one-second timer, not ro.Sleep: tests shorten backoffs, and a
	// probe every millisecond would only load the machine.
	health := bot.NewHealth(bot.HealthOptions{Probe: db.Probe, Now: now, Logger: log})

	routes, webhooks := map[string]string{}, map[string]string{}
	var wechatGroups []string
	wecomChats := map[string]string{}
	for _, g := range cfg.Groups {
		routes[g.Name] = g.Transport
		if g.Webhook != "" {
			webhooks[g.Name] = g.Webhook
		}
		switch g.Transport {
		case "wechat":
			wechatGroups = append(wechatGroups, g.Name)
		case "wecom":
			wecomChats[g.WeComChatID] = g.Name
		}
	}
	var transports []bot.Transport
	up := map[string]func() bool{}
	pacing := map[string]bot.Pacing{}
	if cfg.WeChat.Enabled {
		wt := wechat.New(wechat.Options{
			HotLoginFile: filepath.Join(cfg.DataDir, cfg.WeChat.HotLoginFile),
			Groups:       wechatGroups, HTTPClient: ro.WeChatHTTP, QROut: env.Stderr,
			Logger: log, Sleep: ro.Sleep, Now: now,
		})
		transports = append(transports, wt)
		saver.Fetchers["wechat"] = wt
		up["wechat"] = wt.LoggedIn
		rule := bot.Rule(wechat.Name)
		pacing["wechat"] = bot.Pacing{Gap: time.Duration(cfg.WeChat.MinGap), Jitter: time.Duration(cfg.WeChat.Jitter),
			AccountGap: time.Duration(cfg.WeChat.AccountGap), PerMinute: cfg.WeChat.PerMinute, MaxLen: cfg.WeChat.MaxLen,
			Margin: rule.Margin, ChatPerMinute: rule.ChatPerMinute, ChatPerHour: rule.ChatPerHour, ChatPerDay: rule.ChatPerDay,
			Merge: cfg.WeChat.Merge}
	}
	var wecomMissing error
	if cfg.WeCom.Enabled {
		if wecomMissing = missingWeComCredentials(cfg); wecomMissing != nil {
			if cfg.WeChat.Enabled {
				log.Error(wecomMissing.Error() + "; the other transports keep working")
			}
		} else {
			ct := wecom.New(wecom.Options{URL: cfg.WeCom.URL, BotID: cfg.WeCom.BotID, Secret: cfg.WeCom.Secret,
				Groups: wecomChats, Logger: log.With("transport", "wecom"), Sleep: ro.Sleep, Now: now})
			transports = append(transports, ct)
			saver.Fetchers["wecom"] = ct
			up["wecom"] = ct.Connected
			// WeCom counts per conversation: per_minute and per_hour cap each chat, within
			// the margin of the channel's rule so WeCom never sees post N+1 inside its window.
			rule := bot.Rule("wecom")
			pacing["wecom"] = bot.Pacing{Gap: time.Duration(cfg.WeCom.MinGap), Jitter: time.Duration(cfg.WeCom.Jitter),
				AccountGap: time.Duration(cfg.WeCom.AccountGap), PerMinute: rule.PerMinute, PerHour: rule.PerHour,
				ChatPerMinute: min(cfg.WeCom.PerMinute, rule.ChatPerMinute), ChatPerHour: min(cfg.WeCom.PerHour, rule.ChatPerHour),
				ChatPerDay: rule.ChatPerDay, Margin: rule.Margin, MaxLen: cfg.WeCom.MaxLen, Merge: cfg.WeCom.Merge}
		}
	}
	if len(transports) == 0 {
		if wecomMissing != nil {
			return wecomMissing
		}
		return errors.New("no transport enabled: set wechat.enabled or wecom.enabled in config")
	}
	// WeCom alone with its secret refused has nothing to serve and never will: chorus exits
	// non-zero with that one line (a supervisor sees the failure) rather than stay up
	// looking healthy. Beside WeChat it is logged and WeChat goes on. A WeCom connection
	// replaced by a newer one stays stopped without exiting: a restart would only take
	// the robot back from the other process.
	ctx, stopRun := context.WithCancelCause(ctx)
	defer stopRun(nil)
	if len(transports) == 1 && transports[0].Name() == "wecom" {
		transports[0] = fatalAuth{Transport: transports[0], stop: stopRun}
	}
	for g, t := range routes {
		if _, ok := up[t]; !ok {
			log.Warn("group's transport is not running; its posts wait in the outbox", "group", g, "transport", t)
		}
	}
	b := bot.New(svc, db, bot.Options{
		Transports: transports, Routes: routes, Webhooks: webhooks, Fallback: wecom.Webhook{},
		WebhookPacing: bot.Pacing{PerMinute: cfg.Webhook.PerMinute, MaxLen: min(cfg.Webhook.MaxLen, wecom.MaxWebhookText)},
		Pacing:        pacing, Instance: cfg.Instance, Sleep: ro.Sleep, Now: now, Logger: log,
		Journal: journal, Health: health, Retired: retired, Observer: mx,
		Silent: []string{web.Open311Transport}, // replies to Open311 filers: they read with GET
	})
	formTransport := "wechat"
	for _, g := range cfg.Groups {
		if g.Kind == string(dispatch.KindCoordinators) {
			formTransport = g.Transport
			break
		}
	}
	ws := newWeb(cfg, db, webParts{com: svc.Community(), rates: svc.Rates, media: saver.Store, receive: b.Receive, transport: formTransport, now: now,
		channels: channelsOf(db, up, map[string]int{"wechat": cfg.WeChat.PerMinute}, now, log), metrics: mx, log: log})

	srv, addr, err := serveHTTP(ctx, cfg.HTTP.Addr, db, up, health, log, ws)
	if err != nil {
		return err
	}
	defer srv.Close()
	if ro.Ready != nil {
		ro.Ready(addr)
	}
	log.Info("chorus running", "community", cfg.Community.Name, "transports", len(transports), "http", addr)
	err = b.Run(ctx)
	sctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 5*time.Second)
	defer cancel()
	_ = srv.Shutdown(sctx)
	log.Info("chorus stopped; queued posts stay in Redis for the next start")
	if cause := context.Cause(ctx); errors.Is(cause, wecom.ErrAuth) {
		return cause
	}
	return err
}

// fatalAuth stops the whole run when its transport gives up because its credentials
// were refused.
type fatalAuth struct {
	bot.Transport
	stop context.CancelCauseFunc
}

func (f fatalAuth) Run(ctx context.Context, in bot.Inbound) error {
	err := f.Transport.Run(ctx, in)
	if errors.Is(err, wecom.ErrAuth) {
		f.stop(err)
	}
	return err
}

// missingWeComCredentials says, in one line, which WeCom credential is missing; nil when
// both are set.
func missingWeComCredentials(cfg *Config) error {
	var missing []string
	if cfg.WeCom.BotID == "" {
		missing = append(missing, "wecom.bot_id (or CHORUS_WECOM_BOT_ID)")
	}
	if cfg.WeCom.Secret == "" {
		missing = append(missing, "CHORUS_WECOM_SECRET")
	}
	if len(missing) == 0 {
		return nil
	}
	return fmt.Errorf("wecom transport cannot start: set %s", strings.Join(missing, " and "))
}

// serveHTTP serves /healthz (Redis answers), /readyz (Redis takes writes, which
// transports are up and the routes the latest posts took) and, on every other path, app
// (the web app, the metrics and Open311; nil for none).
func serveHTTP(ctx context.Context, addr string, db *store.DB, health map[string]func() bool, redisOK *bot.Health, log *slog.Logger, app http.Handler) (*http.Server, string, error) {
	mux := http.NewServeMux()
	if app != nil {
		mux.Handle("/", app)
	}
	mux.HandleFunc("GET /healthz", func(w http.ResponseWriter, r *http.Request) {
		if err := db.Ping(r.Context()); err != nil {
			http.Error(w, "redis: "+err.Error(), http.StatusServiceUnavailable)
			return
		}
		fmt.Fprintln(w, "ok")
	})
	mux.HandleFunc("GET /readyz", func(w http.ResponseWriter, r *http.Request) {
		// A short write probe: a Redis that answers PING but stalls or refuses writes
		// (CLIENT PAUSE WRITE, a read-only replica) cannot take a message.
		if !redisOK.Check(r.Context()) {
			http.Error(w, "redis: not taking writes", http.StatusServiceUnavailable)
			return
		}
		up, anyUp := map[string]bool{}, false
		for name, f := range health {
			up[name] = f()
			anyUp = anyUp || up[name]
		}
		recent, err := db.Deliveries(r.Context(), 20)
		if err != nil {
			http.Error(w, err.Error(), http.StatusServiceUnavailable)
			return
		}
		if !anyUp {
			w.WriteHeader(http.StatusServiceUnavailable)
		}
		w.Header().Set("Content-Type", "application/json")
		_ = json.NewEncoder(w).Encode(map[string]any{"transports": up, "recent": recent})
	})
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, "", fmt.Errorf("http.addr %s: %w", addr, err)
	}
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 5 * time.Second, BaseContext: func(net.Listener) context.Context { return ctx }}
	go func() {
		if err := srv.Serve(ln); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("http server", "err", err)
		}
	}()
	return srv, ln.Addr().String(), nil
}
