package store

import (
	"context"
	"fmt"
	"time"

	"github.com/changzheng/chorus/dispatch"
)

// ReportsBetween lists the reports created in [from, to), oldest first, whatever their
// status (closed ones included): the monthly export's sheet of reports.
func (db *DB) ReportsBetween(ctx context.Context, from, to time.Time) ([]dispatch.Report, error) {
	v, err := db.run(ctx, db.scripts.month, "", "reports", from.Unix(), to.Unix())
	if err != nil {
		return nil, fmt.Errorf("store: reports between %s and %s: %w", from.Format(time.DateOnly), to.Format(time.DateOnly), err)
	}
	var out []dispatch.Report
	for _, x := range list(v) {
		if r, ok := decodeReport(x); ok {
			out = append(out, r)
		}
	}
	return out, nil
}

// TasksBetween lists the tasks starting in [from, to) (an untimed task counts from when
// it was published), soonest first, cancelled ones included: the monthly export's sheet
// of tasks.
func (db *DB) TasksBetween(ctx context.Context, from, to time.Time) ([]dispatch.Task, error) {
	v, err := db.run(ctx, db.scripts.month, "", "tasks", from.Unix(), to.Unix())
	if err != nil {
		return nil, fmt.Errorf("store: tasks between %s and %s: %w", from.Format(time.DateOnly), to.Format(time.DateOnly), err)
	}
	var out []dispatch.Task
	for _, x := range list(v) {
		if t, ok := decodeTask(x); ok {
			out = append(out, t)
		}
	}
	return out, nil
}
