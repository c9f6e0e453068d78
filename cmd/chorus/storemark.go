package main

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/changzheng/chorus/store"
)

// storeMarkFile is data_dir's copy of the store's mark.
const storeMarkFile = "store-identity.json"

// idMargin is how far past the numbers data_dir last recorded the counters start when an
// empty store is accepted: numbers given after the record was written are not in it, and
// a stale 接 12 must never land on a new #12.
const idMargin = 1000

// checkStore is the empty-store rule (spec "What chorus promises about faults"): the
// store must hold the data data_dir says it held. A store with no mark while data_dir has
// one (Redis restarted without persistence, or the wrong Redis), or with another mark,
// is refused with one line unless accept (--accept-empty-store); accepted, the empty
// store's numbers continue past the old ones. A first start marks both.
func checkStore(ctx context.Context, db *store.DB, dataDir, community string, accept bool, now time.Time) error {
	path := filepath.Join(dataDir, storeMarkFile)
	var known store.Mark
	had := false
	switch b, err := os.ReadFile(path); {
	case err == nil:
		if err := json.Unmarshal(b, &known); err != nil {
			return fmt.Errorf("data_dir: %s is damaged (%v); remove it only if this Redis is the right one", path, err)
		}
		had = true
	case !errors.Is(err, fs.ErrNotExist):
		return fmt.Errorf("data_dir: %w", err)
	}
	m, _, err := db.StoreMark(ctx, community, now, false, store.Mark{})
	if err != nil {
		return err
	}
	switch {
	case m.Community == "" && had && !accept:
		return fmt.Errorf("the Redis holds none of %s's data, but data_dir says it held it since %s (up to task #%d, report R%d): refusing to start, or task numbers would start again at #1; if this is intended, start with --accept-empty-store",
			community, time.Unix(known.Since, 0).Format(time.DateOnly), known.Task, known.Report)
	case m.Community == "":
		floor := store.Mark{}
		if had {
			floor = store.Mark{Task: known.Task + idMargin, Report: known.Report + idMargin}
		}
		if m, _, err = db.StoreMark(ctx, community, now, true, floor); err != nil {
			return err
		}
	case had && (m.Community != known.Community || m.Since != known.Since) && !accept:
		return fmt.Errorf("the Redis holds %s's data since %s, but data_dir was used with a store started %s: refusing to start with the wrong store; if this is intended, start with --accept-empty-store",
			m.Community, time.Unix(m.Since, 0).Format(time.DateOnly), time.Unix(known.Since, 0).Format(time.DateOnly))
	}
	b, err := json.Marshal(m)
	if err != nil {
		return fmt.Errorf("data_dir: %w", err)
	}
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, b, 0o600); err != nil {
		return fmt.Errorf("data_dir: %w", err)
	}
	if err := os.Rename(tmp, path); err != nil {
		return fmt.Errorf("data_dir: %w", err)
	}
	return nil
}
