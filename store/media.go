package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strconv"
	"time"

	"github.com/changzheng/chorus/dispatch"
)

// pendingLimit bounds the media one person may have waiting for a 报事 in one chat.
const pendingLimit = 20

// pendingEntry is a medium waiting for a 报事 (see lua/media.lua).
type pendingEntry struct {
	At    int64          `json:"at"`
	Media dispatch.Media `json:"media"`
}

// NoteRecent implements dispatch.MediaStore.
func (db *DB) NoteRecent(ctx context.Context, member, chat string, r dispatch.Recent) error {
	if _, err := db.run(ctx, db.scripts.media, "", "note", member, chat, r.Report, string(r.Phase), r.At.Unix()); err != nil {
		return fmt.Errorf("store: note recent report %d: %w", r.Report, err)
	}
	return nil
}

// Recent implements dispatch.MediaStore.
func (db *DB) Recent(ctx context.Context, member, chat string) (dispatch.Recent, error) {
	v, err := db.run(ctx, db.scripts.media, "", "recent", member, chat)
	if err != nil {
		return dispatch.Recent{}, fmt.Errorf("store: recent report: %w", err)
	}
	l := strs(v)
	if len(l) < 3 {
		return dispatch.Recent{}, fmt.Errorf("store: recent report of %s: %w", member, dispatch.ErrNotFound)
	}
	return dispatch.Recent{Report: num(l[0]), Phase: dispatch.Phase(l[1]), At: unix(l[2])}, nil
}

// KeepPending implements dispatch.MediaStore.
func (db *DB) KeepPending(ctx context.Context, member, chat string, m dispatch.Media, now time.Time) error {
	b, err := json.Marshal(pendingEntry{At: now.Unix(), Media: m})
	if err != nil {
		return fmt.Errorf("store: keep pending media: %w", err)
	}
	if _, err := db.run(ctx, db.scripts.media, "", "keep", member, chat, string(b), pendingLimit); err != nil {
		return fmt.Errorf("store: keep pending media: %w", err)
	}
	return nil
}

// StartReport implements dispatch.MediaStore.
func (db *DB) StartReport(ctx context.Context, op, member, chat string, r dispatch.Recent, since time.Time) ([]dispatch.Media, error) {
	v, err := db.run(ctx, db.scripts.media, op, "start", member, chat, since.Unix(), r.Report, string(r.Phase), r.At.Unix())
	if err != nil {
		return nil, fmt.Errorf("store: take pending media: %w", err)
	}
	var out []dispatch.Media
	for _, s := range strs(v) {
		var e pendingEntry
		if err := json.Unmarshal([]byte(s), &e); err != nil {
			return nil, fmt.Errorf("store: take pending media: %w", err)
		}
		out = append(out, e.Media)
	}
	return out, nil
}

// Attach implements dispatch.MediaStore.
func (db *DB) Attach(ctx context.Context, op string, a dispatch.Attachment, now time.Time) (dispatch.AttachResult, error) {
	item, size := "", int64(0)
	if a.File != nil {
		f := *a.File
		f.Hold = "" // given up by this step: the report holds the file, not the token
		b, err := json.Marshal(dispatch.MediaItem{Report: a.Report, Kind: a.Kind, Phase: a.Phase, MediaFile: f, By: a.By, At: now})
		if err != nil {
			return 0, fmt.Errorf("store: attach to report %d: %w", a.Report, err)
		}
		item, size = string(b), a.File.Size
	}
	sum, hold := "", ""
	if a.File != nil {
		sum, hold = a.File.SHA256, a.File.Hold
	}
	v, err := db.run(ctx, db.scripts.mediaAttach, op, a.Report, string(a.Kind), string(a.Phase), a.By, item, size,
		a.Place, floatArg(a.Lat), floatArg(a.Lng), eventJSON(a.Event), a.Day, a.Limits.PerReport, a.Limits.PerDay, now.Unix(),
		sum, hold)
	if err != nil {
		return 0, fmt.Errorf("store: attach to report %d: %w", a.Report, err)
	}
	switch num(list(v)[0]) {
	case 0:
		return 0, notFound("report", a.Report)
	case 2:
		return dispatch.OverReportLimit, nil
	case 3:
		return dispatch.OverDayLimit, nil
	}
	return dispatch.Attached, nil
}

// ReportMedia implements dispatch.MediaStore. The staff web app lists a report's photos
// with it and opens each by its SHA256 from the media directory (bot/media Store.Open).
func (db *DB) ReportMedia(ctx context.Context, id int64) ([]dispatch.MediaItem, error) {
	v, err := db.run(ctx, db.scripts.media, "", "list", id)
	if err != nil {
		return nil, fmt.Errorf("store: media of report %d: %w", id, err)
	}
	var out []dispatch.MediaItem
	for _, s := range strs(v) {
		var it dispatch.MediaItem
		if err := json.Unmarshal([]byte(s), &it); err != nil {
			return nil, fmt.Errorf("store: media of report %d: %w", id, err)
		}
		out = append(out, it)
	}
	return out, nil
}

// HoldMedia marks the file sum as held under token until until, before its bytes are
// written: a deleter that looks after this sees it held (bot/media's Owners).
func (db *DB) HoldMedia(ctx context.Context, sum, token string, until time.Time) error {
	if _, err := db.run(ctx, db.scripts.mediaOwners, "", "hold", sum, token, until.Unix()); err != nil {
		return fmt.Errorf("store: hold media %s: %w", sum, err)
	}
	return nil
}

// MediaHeld says, for each of sums, whether a report or a hold not ended at now holds
// the file (bot/media's Owners). Holds that have ended are removed on the way.
func (db *DB) MediaHeld(ctx context.Context, sums []string, now time.Time) ([]bool, error) {
	if len(sums) == 0 {
		return nil, nil
	}
	args := []any{"held", now.Unix()}
	for _, s := range sums {
		args = append(args, s)
	}
	v, err := db.run(ctx, db.scripts.mediaOwners, "", args...)
	if err != nil {
		return nil, fmt.Errorf("store: media held: %w", err)
	}
	l := list(v)
	if len(l) != len(sums) {
		return nil, fmt.Errorf("store: media held: %d answers for %d files", len(l), len(sums))
	}
	out := make([]bool, len(l))
	for i, x := range l {
		out[i] = num(x) == 1
	}
	return out, nil
}

// ExpireMedia implements dispatch.MediaStore: one report at a time, each in one step.
func (db *DB) ExpireMedia(ctx context.Context, closedBefore time.Time, ev dispatch.Event) ([]string, error) {
	v, err := db.run(ctx, db.scripts.mediaOwners, "", "due", closedBefore.Unix())
	if err != nil {
		return nil, fmt.Errorf("store: media due for removal: %w", err)
	}
	var freed []string
	for _, id := range strs(v) {
		r, err := db.run(ctx, db.scripts.mediaOwners, "", "expire", id, closedBefore.Unix(), ev.At.Unix(), eventJSON(ev))
		if err != nil {
			return freed, fmt.Errorf("store: remove media of report %s: %w", id, err)
		}
		if l := strs(r); len(l) > 1 {
			freed = append(freed, l[1:]...)
		}
	}
	return freed, nil
}

func floatArg(f float64) string {
	if f == 0 {
		return "0"
	}
	return strconv.FormatFloat(f, 'f', 6, 64)
}
