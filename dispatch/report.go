package dispatch

import (
	"context"
	"time"
)

// ReportStatus is where a resident's report stands.
type ReportStatus string

// The report lifecycle: 已受理 → 已派单 → 已办结 → 已关闭, with 不满意 back to 已派单.
const (
	ReportAccepted   ReportStatus = "已受理"
	ReportDispatched ReportStatus = "已派单"
	ReportResolved   ReportStatus = "已办结"
	ReportClosed     ReportStatus = "已关闭"
)

// Event is one entry of a report's history.
type Event struct {
	At time.Time `json:"at"`
	// Who is a display name, or "居民" for the reporter (history is shown to anyone).
	Who  string `json:"who"`
	What string `json:"what"`
}

// Report is a resident's report (诉求), never deleted.
type Report struct {
	ID       int64
	Text     string
	Category string
	Place    string
	Reporter Person
	// Origin is where the reporter spoke; every change is told there.
	Origin  Chat
	Status  ReportStatus
	Party   string
	Created time.Time
	// Due is when the current stage must be done: dispatch while 已受理, resolution while
	// 已派单; zero once resolved.
	Due        time.Time
	ResolvedAt time.Time
	Rating     Rating
	OnAgenda   bool
	// Escalated records which stages were escalated ("dispatch", "resolve"), so each is
	// escalated once.
	Escalated []string
	// Task is the volunteer task posted for the report when it was dispatched to a team;
	// 0 if none.
	Task int64
	// Version increases with every change; transitions are compare-and-set on it.
	Version int
	History []Event
	// Photos counts the photos attached, AfterPhotos those among them sent after 办结 or
	// 完成; Voices the voice messages. The files are listed by MediaStore.ReportMedia.
	Photos, AfterPhotos, Voices int
	// Lat and Lng are where a location sent with the report points; zero when none.
	Lat, Lng float64
}

// ReportChange is one transition of a report, decided by the domain and applied by the
// store atomically if the report is still at Version.
type ReportChange struct {
	ID      int64
	Version int
	Status  ReportStatus
	Party   string
	// Due replaces the SLA due time; zero takes the report out of the overdue index.
	Due time.Time
	// Agenda puts the report on the roundtable agenda; Closed takes it off.
	Agenda     bool
	ResolvedAt time.Time
	Rating     Rating
	Event      Event
	// Month is the yyyymm the change counts in; Stat names the counter it bumps
	// ("resolved", "closed", "reopened"), empty for none. ResolveMinutes is recorded for
	// the month's median when Stat is "resolved".
	Month          string
	Stat           string
	ResolveMinutes int
}

// ReportStore keeps residents' reports. Changes take an op id like TaskStore's.
type ReportStore interface {
	// FileReport stores a new report, assigns its id and indexes it as open and due.
	FileReport(ctx context.Context, op string, r Report, month string, now time.Time) (Report, error)
	// Report reads one report with its history; ErrNotFound if none.
	Report(ctx context.Context, id int64) (Report, error)
	// ChangeReport applies c if the report is still at c.Version; ErrConflict otherwise.
	ChangeReport(ctx context.Context, op string, c ReportChange, now time.Time) (Report, error)
	// OpenReports lists reports not closed, oldest first.
	OpenReports(ctx context.Context, limit int) ([]Report, error)
	// OverdueReports lists open reports whose Due is at or before now and whose current
	// stage was not escalated yet, most overdue first, from the due index (no scan).
	OverdueReports(ctx context.Context, now time.Time, limit int) ([]Report, error)
	// AgendaReports lists the reports on the roundtable agenda, oldest first.
	AgendaReports(ctx context.Context, limit int) ([]Report, error)
	// MarkEscalated records that stage of report id was escalated; it reports false when
	// it already was, so each stage is escalated once.
	MarkEscalated(ctx context.Context, id int64, stage string, now time.Time) (bool, error)
	// ReportStats reads the month's report figures.
	ReportStats(ctx context.Context, month string) (ReportFigures, error)
}

// ReportFigures are a month's report counters.
type ReportFigures struct {
	Received, Resolved, Closed, Reopened int
	ByCategory                           map[string]int
	// ResolveMinutes are the times to resolve of the month's resolutions.
	ResolveMinutes []int
	ByRating       map[Rating]int
}
