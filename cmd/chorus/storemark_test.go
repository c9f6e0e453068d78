package main

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/changzheng/chorus/dispatch"
	"github.com/changzheng/chorus/store"
	"github.com/changzheng/chorus/store/storetest"
)

// TestEmptyStoreRefused: a Redis that came back empty is refused at start with one line;
// --accept-empty-store starts it with numbers past the old ones; another store's mark is
// refused too.
func TestEmptyStoreRefused(t *testing.T) {
	ctx := context.Background()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	dir := t.TempDir()
	open := func() *store.DB {
		rdb, prefix := storetest.Client(t)
		db := store.New(rdb, store.Options{KeyPrefix: prefix, Community: "mark"})
		return db
	}
	first := open()
	if err := checkStore(ctx, first, dir, "mark", false, now); err != nil {
		t.Fatalf("first start: %v", err)
	}
	task, err := first.PublishTask(ctx, "op1", dispatch.Task{Team: "t", Group: "g", Title: "巡逻", Need: 1, Status: dispatch.TaskOpen}, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkStore(ctx, first, dir, "mark", false, now.Add(time.Hour)); err != nil {
		t.Fatalf("second start on the same store: %v", err)
	}

	// The same community's keys, gone: an empty Redis.
	empty := open()
	err = checkStore(ctx, empty, dir, "mark", false, now.Add(2*time.Hour))
	if err == nil || strings.Contains(err.Error(), "\n") || !strings.Contains(err.Error(), "--accept-empty-store") ||
		!strings.Contains(err.Error(), "none of mark's data") {
		t.Fatalf("empty store: %v; want one line refusing it", err)
	}
	if m, _, _ := empty.StoreMark(ctx, "mark", now, false, store.Mark{}); m.Community != "" {
		t.Errorf("a refused start marked the store: %+v", m)
	}
	if err := checkStore(ctx, empty, dir, "mark", true, now.Add(2*time.Hour)); err != nil {
		t.Fatalf("--accept-empty-store: %v", err)
	}
	next, err := empty.PublishTask(ctx, "op2", dispatch.Task{Team: "t", Group: "g", Title: "巡逻", Need: 1, Status: dispatch.TaskOpen}, now)
	if err != nil {
		t.Fatal(err)
	}
	if next.ID <= task.ID {
		t.Errorf("after an accepted empty store the next task is #%d; want past #%d", next.ID, task.ID)
	}

	// data_dir now knows the new store; the first one is another store to it.
	err = checkStore(ctx, first, dir, "mark", false, now.Add(3*time.Hour))
	if err == nil || !strings.Contains(err.Error(), "wrong store") {
		t.Errorf("another store's mark: %v; want refused", err)
	}
	if b, err := os.ReadFile(filepath.Join(dir, storeMarkFile)); err != nil || !strings.Contains(string(b), `"community":"mark"`) {
		t.Errorf("data_dir's mark: %s, %v", b, err)
	}
}
