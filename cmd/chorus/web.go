package main

import (
	"bufio"
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"slices"
	"strings"
	"time"

	"golang.org/x/crypto/bcrypt"

	"github.com/changzheng/chorus/bot/media"
	"github.com/changzheng/chorus/bot/metrics"
	"github.com/changzheng/chorus/bot/web"
	"github.com/changzheng/chorus/dispatch"
	"github.com/changzheng/chorus/store"
)

// checkStaff checks staff: the web app's accounts, each acting as a coordinator.
func checkStaff(c *Config) []problem {
	var ps []problem
	seen := map[string]bool{}
	for i, a := range c.Staff {
		f := fmt.Sprintf("staff[%d]", i)
		switch {
		case a.User == "":
			ps = append(ps, oops(f+".user", "empty")...)
		case seen[a.User]:
			ps = append(ps, oops(f+".user", "%q appears twice", a.User)...)
		}
		seen[a.User] = true
		if _, err := bcrypt.Cost([]byte(a.PasswordHash)); err != nil {
			ps = append(ps, oops(f+".password_hash", "not a bcrypt hash (print one with: chorus passwd)")...)
		}
		if a.Nick != "" && !slices.Contains(c.Coordinators, a.Nick) {
			ps = append(ps, oops(f+".nick", "%q: not one of coordinators (the web app acts as a coordinator)", a.Nick)...)
		}
	}
	return ps
}

// checkOpen311 checks open311.api_keys: long enough not to be guessed.
func checkOpen311(c *Config) []problem {
	var ps []problem
	for i, k := range c.Open311.APIKeys {
		if len(k) < 16 {
			ps = append(ps, oops(fmt.Sprintf("open311.api_keys[%d]", i), "at least 16 characters")...)
		}
	}
	return ps
}

const passwdHelp = `chorus passwd < password.txt

Reads a password from standard input (the first line) and prints its bcrypt hash, for
password_hash of an account under staff: in config.yaml.`

// cmdPasswd prints the bcrypt hash of the password on stdin.
func cmdPasswd(args []string, env Env) error {
	if len(args) > 0 {
		if args[0] == "-h" || args[0] == "--help" {
			fmt.Fprintln(env.Stdout, passwdHelp)
			return nil
		}
		return usageError{fmt.Errorf("passwd: unexpected argument %q (the password is read from standard input)", args[0])}
	}
	line, err := bufio.NewReader(env.Stdin).ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return fmt.Errorf("passwd: read password: %w", err)
	}
	pw := strings.TrimRight(line, "\r\n")
	if len([]rune(pw)) < 8 {
		return errors.New("passwd: the password needs at least 8 characters")
	}
	if len(pw) > 72 {
		return errors.New("passwd: the password may have at most 72 bytes (bcrypt's limit)")
	}
	h, err := bcrypt.GenerateFromPassword([]byte(pw), bcrypt.DefaultCost)
	if err != nil {
		return fmt.Errorf("passwd: %w", err)
	}
	fmt.Fprintln(env.Stdout, string(h))
	return nil
}

// webParts are what the web app is built from besides config and store.
type webParts struct {
	com       dispatch.Community
	receive   func(ctx context.Context, m dispatch.Message) error
	transport string
	now       func() time.Time
	channels  func(ctx context.Context) []web.Channel
	metrics   *metrics.Metrics
	log       *slog.Logger
	// extraStaff is added to config's accounts (the demo's own account).
	extraStaff []web.Staff
	// media keeps the photos the report page shows; nil shows none (the console).
	media *media.Store
	// rates is the Service's (*dispatch.Service).Rates; nil leaves the rates out.
	rates func(ctx context.Context, from, to time.Time) (dispatch.Rates, error)
}

func newWeb(cfg *Config, db *store.DB, p webParts) *web.Server {
	var staff []web.Staff
	for _, a := range cfg.Staff {
		staff = append(staff, web.Staff{User: a.User, PasswordHash: a.PasswordHash, Nick: a.Nick})
	}
	staff = append(staff, p.extraStaff...)
	opts := web.Options{
		Community: p.com, Staff: staff, Receive: p.receive, Transport: p.transport,
		Channels: p.channels, Open311Keys: cfg.Open311.APIKeys, Now: p.now, Logger: p.log,
	}
	if p.metrics != nil {
		opts.Metrics = p.metrics.Handler()
	}
	if p.rates != nil {
		opts.Rates = monthRates(p.rates, p.com.Loc)
	}
	if p.media != nil {
		opts.Media = func(sum string) (io.ReadCloser, error) { return p.media.Open(sum) }
		// Open311's photo links are signed with a key made at start and kept nowhere: a
		// link lives an hour at most, so one that dies with a restart costs only a refetch
		// of the request, and no secret has to be configured or stored.
		opts.MediaKey = make([]byte, 32)
		if _, err := rand.Read(opts.MediaKey); err != nil {
			opts.MediaKey = nil // no links rather than guessable ones
		}
	}
	return web.New(db, opts)
}

// monthRates adapts the Service's rates over a period to the web app's month (yyyymm),
// the month taken in the community's time zone. A rate with nothing to rate is negative,
// which the page shows as "—", not 0%.
func monthRates(rates func(ctx context.Context, from, to time.Time) (dispatch.Rates, error), loc *time.Location) func(ctx context.Context, month string) (web.Rates, error) {
	if loc == nil {
		loc = time.UTC
	}
	return func(ctx context.Context, month string) (web.Rates, error) {
		start, err := time.ParseInLocation("200601", month, loc)
		if err != nil {
			return web.Rates{}, fmt.Errorf("web rates: month %q: %w", month, err)
		}
		r, err := rates(ctx, start, start.AddDate(0, 1, 0))
		if err != nil {
			return web.Rates{}, fmt.Errorf("web rates %s: %w", month, err)
		}
		ratio := func(v float64, ok bool) float64 {
			if !ok {
				return -1
			}
			return v
		}
		a := r.All
		return web.Rates{
			Response:     ratio(a.Response()),
			Resolution:   ratio(a.Resolution()),
			Satisfaction: ratio(a.Satisfaction()),
			Satisfied:    a.Satisfied,
			Rated:        a.Rated,
		}, nil
	}
}

// channelsOf reports each transport's health for the overview: up, its outbox depth, and
// how many posts its account may still send this minute — from the send times the pacer
// keeps in Redis, for the accounts whose cap is the account's own (perMinute; WeCom's
// caps are per conversation, so no one figure says what its account has left).
func channelsOf(db *store.DB, health map[string]func() bool, perMinute map[string]int, now func() time.Time, log *slog.Logger) func(ctx context.Context) []web.Channel {
	return func(ctx context.Context) []web.Channel {
		var names []string
		for n := range health {
			names = append(names, n)
		}
		slices.Sort(names)
		var out []web.Channel
		for _, n := range names {
			q, err := db.Queued(ctx, n)
			if err != nil {
				log.ErrorContext(ctx, "web: outbox depth", "transport", n, "err", err)
				q = -1
			}
			left := -1
			if capN := perMinute[n]; capN > 0 && now != nil {
				sent, err := db.Sends(ctx, n, now().Add(-time.Minute))
				if err != nil {
					log.ErrorContext(ctx, "web: sending budget", "transport", n, "err", err)
				} else {
					left = max(capN-len(sent), 0)
				}
			}
			out = append(out, web.Channel{Name: n, Up: health[n](), Queued: q, BudgetLeft: left})
		}
		return out
	}
}
