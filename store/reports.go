package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/changzheng/chorus/dispatch"
)

// decodeReport reads a report_view (see lua/prelude.lua).
func decodeReport(v any) (dispatch.Report, bool) {
	l := list(v)
	if len(l) < 3 {
		return dispatch.Report{}, false
	}
	flat := strs(l[1])
	h := make(map[string]string, len(flat)/2)
	for i := 0; i+1 < len(flat); i += 2 {
		h[flat[i]] = flat[i+1]
	}
	r := dispatch.Report{
		ID:   num(l[0]),
		Text: h["text"], Category: h["cat"], Place: h["place"],
		Reporter: dispatch.Person{ID: h["rid"], Nick: h["rnick"]},
		Status:   dispatch.ReportStatus(h["status"]), Party: h["party"],
		Created: unix(h["created"]), Due: unix(h["due"]), ResolvedAt: unix(h["resolved"]),
		OnAgenda: h["agenda"] == "1",
	}
	r.Urgent = h["urgent"] == "1"
	r.RepeatOf = num(h["repeat"])
	r.DispatchDue, r.DispatchedAt = unix(h["ddue"]), unix(h["dispatched"])
	r.ResolveDue, r.ClosedAt = unix(h["rdl"]), unix(h["closed"])
	r.Rating = dispatch.Rating(num(h["rating"]))
	r.Task = num(h["task"])
	r.Version = int(num(h["ver"]))
	r.Photos, r.AfterPhotos, r.Voices = int(num(h["nphoto"])), int(num(h["nafter"])), int(num(h["nvoice"]))
	r.MediaGone = unix(h["mgone"])
	r.Lat, _ = strconv.ParseFloat(h["lat"], 64)
	r.Lng, _ = strconv.ParseFloat(h["lng"], 64)
	_ = json.Unmarshal([]byte(h["origin"]), &r.Origin)
	for k := range h {
		if stage, ok := strings.CutPrefix(k, "esc:"); ok {
			r.Escalated = append(r.Escalated, stage)
		}
	}
	for _, e := range strs(l[2]) {
		var ev dispatch.Event
		if json.Unmarshal([]byte(e), &ev) == nil {
			r.History = append(r.History, ev)
		}
	}
	if len(l) > 3 {
		for _, f := range strs(l[3]) {
			var p dispatch.Follower
			if json.Unmarshal([]byte(f), &p) == nil {
				r.Followers = append(r.Followers, p)
			}
		}
		// HVALS has no order; followers are told in the order they followed.
		slices.SortFunc(r.Followers, func(a, b dispatch.Follower) int { return a.Since.Compare(b.Since) })
	}
	return r, true
}

func eventJSON(e dispatch.Event) string {
	b, _ := json.Marshal(e) // an Event always marshals
	return string(b)
}

// FileReport implements dispatch.ReportStore.
func (db *DB) FileReport(ctx context.Context, op string, r dispatch.Report, month string, now time.Time) (dispatch.Report, error) {
	origin, err := json.Marshal(r.Origin)
	if err != nil {
		return r, fmt.Errorf("store: file report: %w", err)
	}
	var first dispatch.Event
	if len(r.History) > 0 {
		first = r.History[0]
	}
	v, err := db.run(ctx, db.scripts.reportFile, op, r.Text, r.Category, r.Place, r.Reporter.ID,
		r.Reporter.Nick, string(origin), unixArg(r.Created), unixArg(r.Due), month, eventJSON(first),
		boolArg(r.Urgent), r.RepeatOf)
	if err != nil {
		return r, fmt.Errorf("store: file report: %w", err)
	}
	r.ID = num(list(v)[0])
	r.Version = 1
	return r, nil
}

// Report implements dispatch.ReportStore.
func (db *DB) Report(ctx context.Context, id int64) (dispatch.Report, error) {
	rs, err := db.reportList(ctx, "one", id, 1)
	if err != nil {
		return dispatch.Report{}, err
	}
	if len(rs) == 0 {
		return dispatch.Report{}, notFound("report", id)
	}
	return rs[0], nil
}

// ChangeReport implements dispatch.ReportStore.
func (db *DB) ChangeReport(ctx context.Context, op string, c dispatch.ReportChange, now time.Time) (dispatch.Report, error) {
	agenda := 0
	if c.Agenda {
		agenda = 1
	}
	v, err := db.run(ctx, db.scripts.reportChange, op, c.ID, c.Version, string(c.Status), c.Party,
		unixArg(c.Due), agenda, unixArg(c.ResolvedAt), int(c.Rating), eventJSON(c.Event), c.Month,
		c.Stat, c.ResolveMinutes, now.Unix())
	if err != nil {
		return dispatch.Report{}, fmt.Errorf("store: change report %d: %w", c.ID, err)
	}
	l := list(v)
	switch num(l[0]) {
	case 0:
		return dispatch.Report{}, notFound("report", c.ID)
	case 2:
		return dispatch.Report{}, fmt.Errorf("store: change report %d at version %d: %w", c.ID, c.Version, dispatch.ErrConflict)
	}
	r, _ := decodeReport(l[1])
	return r, nil
}

// OpenReports implements dispatch.ReportStore.
func (db *DB) OpenReports(ctx context.Context, limit int) ([]dispatch.Report, error) {
	return db.reportList(ctx, "open", 0, limit)
}

// OverdueReports implements dispatch.ReportStore with one ZRANGEBYSCORE on the due index,
// which holds the reports whose current stage was not escalated yet.
func (db *DB) OverdueReports(ctx context.Context, now time.Time, limit int) ([]dispatch.Report, error) {
	return db.reportList(ctx, "due", now.Unix(), limit)
}

// AgendaReports implements dispatch.ReportStore.
func (db *DB) AgendaReports(ctx context.Context, limit int) ([]dispatch.Report, error) {
	return db.reportList(ctx, "agenda", 0, limit)
}

func (db *DB) reportList(ctx context.Context, mode string, arg int64, limit int) ([]dispatch.Report, error) {
	v, err := db.run(ctx, db.scripts.reports, "", mode, arg, limit)
	if err != nil {
		return nil, fmt.Errorf("store: read reports (%s): %w", mode, err)
	}
	var out []dispatch.Report
	for _, x := range list(v) {
		if r, ok := decodeReport(x); ok {
			out = append(out, r)
		}
	}
	return out, nil
}

// MarkEscalated implements dispatch.ReportStore.
func (db *DB) MarkEscalated(ctx context.Context, id int64, stage string, now time.Time) (bool, error) {
	v, err := db.run(ctx, db.scripts.escalate, "", id, stage, now.Unix())
	if err != nil {
		return false, fmt.Errorf("store: escalate report %d: %w", id, err)
	}
	return num(v) == 1, nil
}

// ReportStats implements dispatch.ReportStore.
func (db *DB) ReportStats(ctx context.Context, month string) (dispatch.ReportFigures, error) {
	v, err := db.run(ctx, db.scripts.figures, "", "reports", month, 0)
	if err != nil {
		return dispatch.ReportFigures{}, fmt.Errorf("store: report figures %s: %w", month, err)
	}
	l := list(v)
	f := dispatch.ReportFigures{ByCategory: map[string]int{}, ByRating: map[dispatch.Rating]int{}}
	flat := strs(l[0])
	for i := 0; i+1 < len(flat); i += 2 {
		k, n := flat[i], int(num(flat[i+1]))
		switch {
		case k == "received":
			f.Received = n
		case k == "resolved":
			f.Resolved = n
		case k == "closed":
			f.Closed = n
		case k == "reopened":
			f.Reopened = n
		case k == "urgent":
			f.Urgent = n
		case k == "repeat":
			f.Repeats = n
		case k == "recategorised":
			f.Recategorised = n
		case k == "chased":
			f.Chases = n
		case k == "followers":
			f.Followers = n
		case strings.HasPrefix(k, "cat:"):
			f.ByCategory[k[4:]] = n
		}
	}
	for _, r := range strs(l[2]) {
		n, _ := strconv.Atoi(r)
		f.ByRating[dispatch.Rating(n)]++
	}
	for _, m := range strs(l[1]) {
		f.ResolveMinutes = append(f.ResolveMinutes, int(num(m)))
	}
	return f, nil
}

func boolArg(b bool) int {
	if b {
		return 1
	}
	return 0
}

// NoteReport implements dispatch.ReportStore.
func (db *DB) NoteReport(ctx context.Context, op string, n dispatch.ReportNote, now time.Time) (dispatch.Report, bool, error) {
	fid, fjson := "", ""
	if n.Follower != nil {
		b, err := json.Marshal(n.Follower)
		if err != nil {
			return dispatch.Report{}, false, fmt.Errorf("store: note report %d: %w", n.ID, err)
		}
		fid, fjson = n.Follower.ID, string(b)
	}
	v, err := db.run(ctx, db.scripts.reportNote, op, n.ID, eventJSON(n.Event), n.Category, n.CreatedMonth,
		n.Month, n.Stat, fid, fjson)
	if err != nil {
		return dispatch.Report{}, false, fmt.Errorf("store: note report %d: %w", n.ID, err)
	}
	l := list(v)
	if num(l[0]) == 0 {
		return dispatch.Report{}, false, notFound("report", n.ID)
	}
	r, _ := decodeReport(l[2])
	return r, num(l[1]) == 1, nil
}

// AwaitingRating implements dispatch.ReportStore from the rwait index (no scan).
func (db *DB) AwaitingRating(ctx context.Context, before time.Time, limit int) ([]dispatch.Report, error) {
	v, err := db.run(ctx, db.scripts.rwait, "", before.Unix(), limit)
	if err != nil {
		return nil, fmt.Errorf("store: reports awaiting rating: %w", err)
	}
	var out []dispatch.Report
	for _, x := range list(v) {
		if r, ok := decodeReport(x); ok {
			out = append(out, r)
		}
	}
	return out, nil
}

// ReportContext implements dispatch.ReportStore in one round trip.
func (db *DB) ReportContext(ctx context.Context, op string, closedSince time.Time, limit int) (dispatch.FilingContext, error) {
	opKey := db.keys.noop()
	if op != "" {
		opKey = db.keys.op(op)
	}
	v, err := db.runKeys(ctx, db.scripts.reportContext, []string{opKey}, closedSince.Unix(), limit)
	if err != nil {
		return dispatch.FilingContext{}, fmt.Errorf("store: report context: %w", err)
	}
	l := list(v)
	fc := dispatch.FilingContext{Replayed: num(l[0]) == 1}
	for _, x := range list(l[1]) {
		if r, ok := decodeReport(x); ok {
			fc.Open = append(fc.Open, r)
		}
	}
	for _, x := range list(l[2]) {
		if r, ok := decodeReport(x); ok {
			fc.Closed = append(fc.Closed, r)
		}
	}
	return fc, nil
}
