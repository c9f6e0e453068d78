// Package store keeps chorus's state in Redis. It is the only package that speaks Redis:
// it exposes domain operations, each one atomic step (a Lua script run with EVALSHA).
package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/changzheng/chorus/dispatch"
)

//go:embed lua/*.lua
var luaFiles embed.FS

// Options configures a DB. The zero value of each field is documented.
type Options struct {
	// Community keys the data: every key is "chorus:{<Community>}:…". Empty means "default".
	Community string
	// KeyPrefix replaces "chorus" in front of the hash tag; tests give each test its own.
	// Empty means "chorus".
	KeyPrefix string
}

// DB is chorus's store on one Redis (or Redis Cluster: every key of a community shares one
// hash tag and so one slot).
type DB struct {
	rdb     redis.UniversalClient
	keys    keys
	scripts scripts
}

// New returns a DB on rdb. It does no I/O; scripts are loaded on first use (EVALSHA falls
// back to EVAL once after a server restart or SCRIPT FLUSH).
func New(rdb redis.UniversalClient, opts Options) *DB {
	return &DB{rdb: rdb, keys: newKeys(opts.KeyPrefix, opts.Community), scripts: loadScripts()}
}

// Client returns the Redis client, for the few callers (health checks, benchmarks) that
// need the server itself.
func (db *DB) Client() redis.UniversalClient { return db.rdb }

// Ping checks that Redis answers.
func (db *DB) Ping(ctx context.Context) error {
	if err := db.rdb.Ping(ctx).Err(); err != nil {
		return fmt.Errorf("store: ping: %w", err)
	}
	return nil
}

// Probe writes a short-lived key: unlike Ping it fails while Redis refuses or stalls
// writes (CLIENT PAUSE WRITE, a read-only replica, a full disk with appendfsync always),
// which is what chorus needs to know. Bound it with ctx.
func (db *DB) Probe(ctx context.Context) error {
	if err := db.rdb.Set(ctx, db.keys.probe(), 1, 10*time.Second).Err(); err != nil {
		return fmt.Errorf("store: write probe: %w", err)
	}
	return nil
}

// Load puts every script into Redis's script cache, so the first command after start-up
// costs one round trip like every other.
func (db *DB) Load(ctx context.Context) error {
	for _, s := range db.scripts.all() {
		if err := s.Load(ctx, db.rdb).Err(); err != nil {
			return fmt.Errorf("store: load scripts: %w", err)
		}
	}
	return nil
}

// run runs a script with the op key and the prefix in front of args.
func (db *DB) run(ctx context.Context, s *redis.Script, op string, args ...any) (any, error) {
	opKey := db.keys.noop()
	if op != "" {
		opKey = db.keys.op(op)
	}
	return db.runKeys(ctx, s, []string{opKey}, args...)
}

func (db *DB) runKeys(ctx context.Context, s *redis.Script, keys []string, args ...any) (any, error) {
	argv := append([]any{db.keys.prefix}, args...)
	v, err := s.Run(ctx, db.rdb, keys, argv...).Result()
	if errors.Is(err, redis.Nil) {
		return nil, nil
	}
	return v, err
}

// Reply decoding: scripts answer with nested arrays of integers, strings and nils.

func list(v any) []any {
	l, _ := v.([]any)
	return l
}

func str(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case int64:
		return strconv.FormatInt(x, 10)
	}
	return ""
}

func num(v any) int64 {
	switch x := v.(type) {
	case int64:
		return x
	case string:
		n, _ := strconv.ParseInt(x, 10, 64)
		return n
	}
	return 0
}

func strs(v any) []string {
	var out []string
	for _, x := range list(v) {
		out = append(out, str(x))
	}
	return out
}

func unix(v any) time.Time {
	n := num(v)
	if n <= 0 {
		return time.Time{}
	}
	return time.Unix(n, 0)
}

func unixArg(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return t.Unix()
}

// notFound wraps dispatch.ErrNotFound with what was missing.
func notFound(what string, id any) error {
	return fmt.Errorf("store: %s %v: %w", what, id, dispatch.ErrNotFound)
}
