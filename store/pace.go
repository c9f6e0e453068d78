package store

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"

	"github.com/changzheng/chorus/dispatch"
)

// Reserve reserves the moment now for one post of account to chat within l, and
// returns 0; or, when l does not allow a post at now, it reserves nothing and returns how
// long to wait before asking again. The send times are kept in Redis (the account's last hour,
// each chat's last day), so a restarted process or a second one on the
// same account keeps to the same budget, and the check and the record are one step.
func (db *DB) Reserve(ctx context.Context, account, chat string, now time.Time, l dispatch.Limits) (time.Duration, error) {
	var id [6]byte
	_, _ = rand.Read(id[:]) // crypto/rand never fails on supported platforms
	member := fmt.Sprintf("%d:%s", now.UnixMilli(), hex.EncodeToString(id[:]))
	v, err := db.runKeys(ctx, db.scripts.pace, []string{db.keys.pace(account), db.keys.paceChat(account, chat)},
		now.UnixMilli(), member, l.AccountGap.Milliseconds(), l.ChatGap.Milliseconds(), l.Margin.Milliseconds(),
		l.PerMinute, l.PerHour, l.ChatPerMinute, l.ChatPerHour, l.ChatPerDay)
	if err != nil {
		return 0, fmt.Errorf("store: reserve a post of %s: %w", account, err)
	}
	return time.Duration(num(v)) * time.Millisecond, nil
}

// Sends lists the send times an account has reserved since from, oldest first: what the
// budget holds, for tests and benchmarks.
func (db *DB) Sends(ctx context.Context, account string, from time.Time) ([]time.Time, error) {
	zs, err := db.rdb.ZRangeByScoreWithScores(ctx, db.keys.pace(account), &redis.ZRangeBy{Min: strconv.FormatInt(from.UnixMilli(), 10), Max: "+inf"}).Result()
	if err != nil {
		return nil, fmt.Errorf("store: send times of %s: %w", account, err)
	}
	out := make([]time.Time, 0, len(zs))
	for _, z := range zs {
		out = append(out, time.UnixMilli(int64(z.Score)))
	}
	return out, nil
}
