package store

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/changzheng/chorus/dispatch"
)

// Staff sessions and sign-in failures of the web app. A session is kept under the hash
// of its token, so a copy of Redis does not hold working cookies. Each record carries its
// own expiry, checked against the caller's clock: the Redis TTL only tidies up (miniredis
// and the console's clock do not move with Redis's).

func (k keys) session(token string) string {
	sum := sha256.Sum256([]byte(token))
	return k.prefix + "websess:" + hex.EncodeToString(sum[:])
}
func (k keys) loginFails(who string) string { return k.prefix + "webfail:" + who }

// SaveSession stores a staff session under token until expires.
func (db *DB) SaveSession(ctx context.Context, token, user, csrf string, expires, now time.Time) error {
	k := db.keys.session(token)
	ttl := max(expires.Sub(now), time.Second)
	_, err := db.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		p.HSet(ctx, k, "user", user, "csrf", csrf, "exp", expires.Unix())
		p.Expire(ctx, k, ttl)
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: save session: %w", err)
	}
	return nil
}

// Session reads the session under token; dispatch.ErrNotFound when there is none or it
// expired at now.
func (db *DB) Session(ctx context.Context, token string, now time.Time) (user, csrf string, err error) {
	h, err := db.rdb.HGetAll(ctx, db.keys.session(token)).Result()
	if err != nil {
		return "", "", fmt.Errorf("store: read session: %w", err)
	}
	exp, _ := strconv.ParseInt(h["exp"], 10, 64)
	if h["user"] == "" || !now.Before(time.Unix(exp, 0)) {
		return "", "", fmt.Errorf("store: session: %w", dispatch.ErrNotFound)
	}
	return h["user"], h["csrf"], nil
}

// DeleteSession ends the session under token.
func (db *DB) DeleteSession(ctx context.Context, token string) error {
	if err := db.rdb.Del(ctx, db.keys.session(token)).Err(); err != nil {
		return fmt.Errorf("store: delete session: %w", err)
	}
	return nil
}

// LoginFailed counts one more failed sign-in for who (an account name or a client
// address) and returns how many there were in the window; the count restarts window
// after the first failure.
func (db *DB) LoginFailed(ctx context.Context, who string, window time.Duration) (int, error) {
	k := db.keys.loginFails(who)
	var incr *redis.IntCmd
	_, err := db.rdb.TxPipelined(ctx, func(p redis.Pipeliner) error {
		incr = p.Incr(ctx, k)
		p.ExpireNX(ctx, k, window)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("store: count failed sign-in: %w", err)
	}
	return int(incr.Val()), nil
}

// LoginFailures reads how many failed sign-ins who has in the current window.
func (db *DB) LoginFailures(ctx context.Context, who string) (int, error) {
	n, err := db.rdb.Get(ctx, db.keys.loginFails(who)).Int()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: read failed sign-ins: %w", err)
	}
	return n, nil
}

// ClearLoginFailures forgets who's failures after a good sign-in.
func (db *DB) ClearLoginFailures(ctx context.Context, who string) error {
	if err := db.rdb.Del(ctx, db.keys.loginFails(who)).Err(); err != nil {
		return fmt.Errorf("store: clear failed sign-ins: %w", err)
	}
	return nil
}

// SLABreaches reads how many report stages were ever escalated for missing their SLA
// (counted by MarkEscalated): a total that survives restarts, for the metrics.
func (db *DB) SLABreaches(ctx context.Context) (int64, error) {
	n, err := db.rdb.Get(ctx, db.keys.prefix+"breaches").Int64()
	if errors.Is(err, redis.Nil) {
		return 0, nil
	}
	if err != nil {
		return 0, fmt.Errorf("store: read SLA breaches: %w", err)
	}
	return n, nil
}

// OnLeave lists who took leave (请假) on day (yyyy-mm-dd), sorted.
func (db *DB) OnLeave(ctx context.Context, day string) ([]string, error) {
	names, err := db.rdb.SMembers(ctx, db.keys.prefix+"leave:"+day).Result()
	if err != nil {
		return nil, fmt.Errorf("store: read leave of %s: %w", day, err)
	}
	slices.Sort(names)
	return names, nil
}
