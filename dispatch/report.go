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
	// Urgent marks a report that read as an emergency (紧急): it has its own short SLA
	// and ignores the working-day calendar.
	Urgent bool
	// RepeatOf is the closed report this one repeats (重复诉求: the same reporter, or the
	// same place and category, within 30 days); 0 if none.
	RepeatOf int64
	// DispatchDue is the dispatch deadline set when the report was received; DispatchedAt
	// is its first dispatch (zero if never): the response rate compares them.
	DispatchDue, DispatchedAt time.Time
	// ResolveDue is the latest dispatch's deadline: the resolution rate compares it with
	// ResolvedAt.
	ResolveDue time.Time
	// ClosedAt is when the report was (last) closed.
	ClosedAt time.Time
	// Followers are those who sent 同问, in the order they did.
	Followers []Follower
	// Version increases with every change; transitions are compare-and-set on it.
	Version int
	History []Event
	// Photos counts the photos attached, AfterPhotos those among them sent after 办结 or
	// 完成; Voices the voice messages. The files are listed by MediaStore.ReportMedia.
	Photos, AfterPhotos, Voices int
	// MediaGone is when the report's photos and recordings were removed, its retention
	// period over (the counts stay, for the history); zero while they are kept.
	MediaGone time.Time
	// Lat and Lng are where a location sent with the report points; zero when none.
	Lat, Lng float64
}

// Follower is someone who follows a report (同问) instead of filing it again.
type Follower struct {
	ID   string `json:"id"`
	Nick string `json:"nick"`
	// Chat is where they are told of dispatch and closure.
	Chat  Chat      `json:"chat"`
	Since time.Time `json:"since"`
}

// ReportNote is a step that leaves a report's status alone (改类, 催办, 同问): a history
// entry, and a new category or a new follower.
type ReportNote struct {
	ID    int64
	Event Event
	// Category replaces the report's category; empty keeps it.
	Category string
	// Follower is added to the report's followers; nil for none.
	Follower *Follower
	// CreatedMonth is the yyyymm the report was received in (its category counts there);
	// Month is this month, where Stat ("recategorised", "chased", or "") is bumped.
	CreatedMonth, Month, Stat string
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
	// NoteReport records n; it reports false when nothing was new (the category was
	// already so, the follower already followed), and then records nothing. ErrNotFound
	// if there is no such report.
	NoteReport(ctx context.Context, op string, n ReportNote, now time.Time) (Report, bool, error)
	// AwaitingRating lists resolved reports not yet rated, resolved at or before before,
	// oldest first, from an index (no scan).
	AwaitingRating(ctx context.Context, before time.Time, limit int) ([]Report, error)
	// ReportContext reads, in one step, whether op already filed its report, the open
	// reports, and the reports closed at or after closedSince (up to limit each).
	ReportContext(ctx context.Context, op string, closedSince time.Time, limit int) (FilingContext, error)
	// ReportsBetween lists the reports received in [from, to), oldest first, closed ones
	// included.
	ReportsBetween(ctx context.Context, from, to time.Time) ([]Report, error)
}

// FilingContext is what 报事 reads before filing.
type FilingContext struct {
	// Replayed is set when the message's report was already filed (handled again after a
	// crash): it is filed as the first time, with no suggestion.
	Replayed bool
	Open     []Report
	Closed   []Report
}

// ReportFigures are a month's report counters.
type ReportFigures struct {
	Received, Resolved, Closed, Reopened int
	ByCategory                           map[string]int
	// ResolveMinutes are the times to resolve of the month's resolutions.
	ResolveMinutes []int
	ByRating       map[Rating]int
	// Urgent and Repeats count the month's reports marked 紧急 and 重复诉求; Recategorised
	// and Chases the 改类 and 催办 sent this month; Followers the 同问 of the month's reports.
	Urgent, Repeats, Recategorised, Chases, Followers int
}
