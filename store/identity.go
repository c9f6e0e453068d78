package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/redis/go-redis/v9"
)

// Mark is what a store says about itself: whose data it holds, since when, and the last
// task and report numbers it gave. chorus keeps a copy in data_dir, so that a Redis that
// came back empty (restarted without persistence) or is another community's is noticed
// at start instead of numbering tasks from #1 again under members' stale 接 1.
type Mark struct {
	Community string `json:"community"`
	Since     int64  `json:"since"` // unix seconds of the first start on this store
	Task      int64  `json:"task"`
	Report    int64  `json:"report"`
}

// StoreMark reads the store's mark for community. With create set and no mark in the store, it
// creates one (community, since now) and raises the id counters to at least floor's, in
// one step; created says so.
func (db *DB) StoreMark(ctx context.Context, community string, now time.Time, create bool, floor Mark) (m Mark, created bool, err error) {
	// The script is built here rather than with the others: it runs once per start.
	s := redis.NewScript(mustRead("prelude") + mustRead("identity"))
	c := "0"
	if create {
		c = "1"
	}
	v, err := db.run(ctx, s, "", community, now.Unix(), c, floor.Task, floor.Report)
	if err != nil {
		return Mark{}, false, fmt.Errorf("store: read the store's identity: %w", err)
	}
	l := list(v)
	if len(l) != 5 {
		return Mark{}, false, fmt.Errorf("store: read the store's identity: unexpected reply")
	}
	m = Mark{Community: str(l[0]), Task: num(l[2]), Report: num(l[3])}
	m.Since, _ = strconv.ParseInt(str(l[1]), 10, 64)
	return m, num(l[4]) == 1, nil
}
