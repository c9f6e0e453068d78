package main

import (
	"context"
	"crypto/rand"
	"encoding/base64"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"strings"
	"time"

	"github.com/redis/go-redis/v9"
	"github.com/redis/go-redis/v9/maintnotifications"
	"golang.org/x/crypto/bcrypt"

	"github.com/changzheng/chorus/bot"
	"github.com/changzheng/chorus/bot/console"
	"github.com/changzheng/chorus/bot/media"
	"github.com/changzheng/chorus/bot/metrics"
	"github.com/changzheng/chorus/bot/web"
	"github.com/changzheng/chorus/dispatch"
	"github.com/changzheng/chorus/store"
)

// openStore connects to the configured Redis, or starts the embedded store with a notice
// when none is configured. The returned close releases it.
func openStore(ctx context.Context, cfg *Config, env Env) (*store.DB, func(), error) {
	var rdb redis.UniversalClient
	where := ""
	switch url := env.Getenv("CHORUS_REDIS_URL"); {
	case strings.HasPrefix(url, "redis+cluster://"), strings.HasPrefix(url, "rediss+cluster://"):
		// A cluster: one seed node, more as ?addr=host:port; go-redis finds the rest.
		opt, err := redis.ParseClusterURL(strings.Replace(url, "+cluster://", "://", 1))
		if err != nil {
			return nil, nil, fmt.Errorf("CHORUS_REDIS_URL: %w", err)
		}
		opt.MaintNotificationsConfig = quietMaint()
		rdb, where = redis.NewClusterClient(opt), "cluster "+strings.Join(opt.Addrs, ",")
	case url != "":
		opt, err := redis.ParseURL(url)
		if err != nil {
			return nil, nil, fmt.Errorf("CHORUS_REDIS_URL: %w", err)
		}
		opt.MaintNotificationsConfig = quietMaint()
		rdb, where = redis.NewClient(opt), opt.Addr
	case len(cfg.Redis.Cluster) > 0:
		// Every key of a community shares one hash tag, so one slot: its scripts run
		// on one node, and a failover moves the community as a whole.
		rdb = redis.NewClusterClient(&redis.ClusterOptions{Addrs: cfg.Redis.Cluster, Password: cfg.Redis.Password,
			MaintNotificationsConfig: quietMaint()})
		where = "cluster " + strings.Join(cfg.Redis.Cluster, ",")
	case cfg.Redis.Addr != "":
		rdb = redis.NewClient(&redis.Options{Addr: cfg.Redis.Addr, Password: cfg.Redis.Password, DB: cfg.Redis.DB,
			MaintNotificationsConfig: quietMaint()})
		where = cfg.Redis.Addr
	default:
		emb, err := store.StartEmbedded()
		if err != nil {
			return nil, nil, err
		}
		fmt.Fprintln(env.Stderr, "chorus: 未配置 Redis，数据只保存在内存中，退出即丢失 (no Redis configured: data is kept in memory only)")
		db := store.New(emb.Client, store.Options{Community: cfg.Community.ID})
		return loadStore(ctx, db, "embedded", func() { _ = emb.Close() })
	}
	db := store.New(rdb, store.Options{Community: cfg.Community.ID})
	return loadStore(ctx, db, where, func() { _ = rdb.Close() })
}

// loadStore checks that Redis answers and loads the scripts; on failure it closes.
func loadStore(ctx context.Context, db *store.DB, where string, closeFn func()) (*store.DB, func(), error) {
	pctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	if err := db.Ping(pctx); err != nil {
		closeFn()
		return nil, nil, fmt.Errorf("cannot reach Redis at %s: %w", where, err)
	}
	if err := db.Load(pctx); err != nil {
		closeFn()
		return nil, nil, err
	}
	return db, closeFn, nil
}

// quietMaint switches off go-redis's maintenance notifications: they serve managed
// clusters that move slots, which a community's Redis does not, and on other servers
// they only add warnings to the log.
func quietMaint() *maintnotifications.Config {
	return &maintnotifications.Config{Mode: maintnotifications.ModeDisabled}
}

// newMediaSaver keeps photos and recordings under data_dir/media, with who holds each
// file in db; the transports add their fetchers once they are built.
func newMediaSaver(cfg *Config, db *store.DB, now func() time.Time, log *slog.Logger) (*media.Saver, error) {
	ms, err := media.New(filepath.Join(cfg.DataDir, "media"), media.Options{MaxFile: int64(cfg.Media.MaxFileMB) << 20})
	if err != nil {
		return nil, fmt.Errorf("data_dir: %w", err)
	}
	// A saved file not yet attached (a voice message waiting for its text, at most
	// attach_within) is held this long; the sweep deletes it after.
	holdFor := max(time.Hour, 2*time.Duration(cfg.Reports.AttachWithin))
	sv := &media.Saver{Store: ms, Fetchers: map[string]media.Fetcher{}, Logger: log, Owners: db, Now: now, HoldFor: holdFor}
	if stt := cfg.Media.SpeechToText; len(stt) > 0 {
		sv.Transcriber = media.Command{Path: stt[0], Args: stt[1:]}
	}
	return sv, nil
}

// newService builds the dispatch service for cfg on db with the given clock; ms keeps
// media (nil: none, as in the console).
func newService(cfg *Config, db *store.DB, now func() time.Time, log *slog.Logger, ms dispatch.MediaSaver) (*dispatch.Service, error) {
	return newServiceObserved(cfg, db, now, log, ms, nil)
}

// newServiceObserved is newService with observe told of every command (the metrics).
func newServiceObserved(cfg *Config, db *store.DB, now func() time.Time, log *slog.Logger, ms dispatch.MediaSaver, observe func(verb, outcome string)) (*dispatch.Service, error) {
	com, err := cfg.community()
	if err != nil {
		return nil, err
	}
	jobs, err := cfg.jobs()
	if err != nil {
		return nil, err
	}
	return dispatch.New(com, db, dispatch.Options{Now: now, Logger: log, Jobs: jobs, CatchUp: time.Duration(cfg.CatchUp),
		Media: ms, Observe: observe}), nil
}

type consoleFlags struct {
	config string
	json   bool
	at     string
	// http is the address the staff web app is served on ("" for none); serve means
	// http.addr from config.
	http  string
	serve bool
}

func parseConsoleFlags(name string, args []string, stderr io.Writer) (consoleFlags, error) {
	var f consoleFlags
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(stderr)
	fs.StringVar(&f.config, "config", "config.yaml", "config file")
	fs.BoolVar(&f.json, "json", false, "write each bot message as one JSON object a line")
	fs.StringVar(&f.at, "at", "", "start the console's clock at this RFC 3339 time")
	fs.StringVar(&f.http, "http", "", "also serve the staff web app, metrics and Open311 on this address (127.0.0.1:8080)")
	fs.BoolVar(&f.serve, "serve", false, "also serve the staff web app on http.addr, and keep serving after the script")
	if err := fs.Parse(args); err != nil {
		return f, usageError{err}
	}
	if fs.NArg() > 0 {
		return f, usageError{fmt.Errorf("unexpected argument %q", fs.Arg(0))}
	}
	return f, nil
}

// consoleSession wires the console transport, the service and the bot on one store.
func consoleSession(ctx context.Context, f consoleFlags, env Env, in io.Reader, demo bool, start time.Time) error {
	cfg, err := LoadConfig(f.config, env.Getenv)
	if err != nil {
		return err
	}
	if f.at != "" {
		start, err = time.Parse(time.RFC3339, f.at)
		if err != nil {
			return usageError{fmt.Errorf("--at %q: want an RFC 3339 time like 2026-12-01T08:30:00+08:00", f.at)}
		}
	}
	db, closeDB, err := openStore(ctx, cfg, env)
	if err != nil {
		return err
	}
	defer closeDB()
	log := newLogger(env.Stderr, slog.LevelWarn)
	clock := console.NewClock(start)
	mx := metrics.New(db, metrics.Options{Routes: []string{console.Name}, Now: clock.Now, Logger: log})
	svc, err := newServiceObserved(cfg, db, clock.Now, log, nil, mx.Command)
	if err != nil {
		return err
	}
	nick := ""
	if len(cfg.Coordinators) > 0 {
		nick = cfg.Coordinators[0]
	}
	var b *bot.Bot
	opts := console.Options{
		In: in, Out: env.Stdout, Err: env.Stderr, JSON: f.json, Echo: demo, Clock: clock,
		Groups: cfg.groupNames(), Group: cfg.Groups[0].Name, Nick: nick, BotName: cfg.Community.BotName,
		Tick: func(ctx context.Context, now time.Time) error { return b.Tick(ctx, now) },
	}
	if demo {
		opts.Comment = "-- "
	}
	ct := console.New(opts)
	b = bot.New(svc, db, bot.Options{Transports: []bot.Transport{ct}, Silent: []string{web.Open311Transport}, Synchronous: true,
		Now: clock.Now, Logger: log, Observer: mx})
	// The first tick records where each job's schedule starts, so :advance runs exactly
	// the slots it passes.
	if err := b.Tick(ctx, clock.Now()); err != nil {
		return err
	}
	addr := f.http
	if addr == "" && f.serve {
		addr = cfg.HTTP.Addr
	}
	if addr == "" {
		return ct.Run(ctx, b.Receive)
	}
	// The web app on the console's store and clock: its forms are messages to the same
	// Bot, so their posts appear in this console's transcript.
	parts := webParts{com: svc.Community(), rates: svc.Rates, receive: b.Receive, transport: console.Name, now: clock.Now,
		channels: channelsOf(db, map[string]func() bool{console.Name: func() bool { return true }}, nil, clock.Now, log), metrics: mx, log: log}
	account := ""
	if len(cfg.Staff) == 0 {
		// No accounts in config: a one-off account for this run, so the screen can be tried.
		pw := randomPassword()
		h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.MinCost)
		if err != nil {
			return fmt.Errorf("web: %w", err)
		}
		parts.extraStaff = []web.Staff{{User: "demo", PasswordHash: string(h)}}
		account = "，用户名 demo，密码 " + pw
	}
	sctx, stop := context.WithCancel(ctx)
	defer stop()
	redisOK := bot.NewHealth(bot.HealthOptions{Probe: db.Probe, Now: clock.Now, Logger: log})
	srv, bound, err := serveHTTP(sctx, addr, db, map[string]func() bool{console.Name: func() bool { return true }}, redisOK, log, newWeb(cfg, db, parts))
	if err != nil {
		return err
	}
	defer srv.Close()
	fmt.Fprintf(env.Stderr, "chorus: 社区工作台 http://%s/ （本次运行的数据%s）\n", bound, account)
	if err := ct.Run(ctx, b.Receive); err != nil {
		return err
	}
	if f.serve {
		fmt.Fprintln(env.Stderr, "chorus: 脚本已结束，工作台继续运行，按 Ctrl+C 退出")
		<-ctx.Done()
	}
	return nil
}

// randomPassword is a one-off password for the demo's account.
func randomPassword() string {
	var b [9]byte
	_, _ = rand.Read(b[:])
	return base64.RawURLEncoding.EncodeToString(b[:])
}

func cmdConsole(ctx context.Context, args []string, env Env) error {
	f, err := parseConsoleFlags("console", args, env.Stderr)
	if err != nil {
		return err
	}
	return consoleSession(ctx, f, env, env.Stdin, false, time.Now().Truncate(time.Minute))
}

// demoStart is the demo's clock: a Monday morning, so the week holds every scheduled post.
const demoStart = "2026-11-30T07:30:00+08:00"

func cmdDemo(ctx context.Context, args []string, env Env) error {
	f, err := parseConsoleFlags("demo", args, env.Stderr)
	if err != nil {
		return err
	}
	if f.at == "" {
		f.at = demoStart
	}
	script := demoScript()
	return consoleSession(ctx, f, env, strings.NewReader(script), true, time.Time{})
}
