package web

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"html/template"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/changzheng/chorus/dispatch"
)

func (s *Server) funcs() template.FuncMap {
	return template.FuncMap{
		"code": func(id int64) string { return fmt.Sprintf("R%d", id) },
		"when": func(t time.Time) string {
			if t.IsZero() {
				return "—"
			}
			return dispatch.FormatWhen(t, s.opts.Now(), s.opts.Community.Loc)
		},
		"mask":  dispatch.MaskPersonal,
		"pct":   func(f float64) string { return fmt.Sprintf("%.0f%%", f*100) },
		"hours": func(min int) string { return strconv.FormatFloat(float64(min)/60, 'f', -1, 64) },
		"join":  func(xs []string) string { return strings.Join(xs, "、") },
		"nicks": func(ps []dispatch.Person) string {
			var out []string
			for _, p := range ps {
				out = append(out, p.Nick)
			}
			return strings.Join(out, "、")
		},
	}
}

// now is the current time in the community's zone.
func (s *Server) now() time.Time { return s.opts.Now().In(s.opts.Community.Loc) }

// month is yyyymm of t.
func month(t time.Time) string { return t.Format("200601") }

// weekStart is the Monday 00:00 of t's week.
func weekStart(t time.Time) time.Time {
	d := time.Date(t.Year(), t.Month(), t.Day(), 0, 0, 0, 0, t.Location())
	return d.AddDate(0, 0, -((int(d.Weekday()) + 6) % 7))
}

// filter is the reports list's query: every field optional, all must hold.
type filter struct {
	Status, Category, Party string
	From, To                string // yyyy-mm-dd, inclusive
	SLA                     string // a dispatch.SLAState; open reports only
	Flag                    string // "escalated", "reopened", "agenda", "urgent", "open"
}

func parseFilter(q url.Values) filter {
	return filter{Status: q.Get("status"), Category: q.Get("category"), Party: q.Get("party"),
		From: q.Get("from"), To: q.Get("to"), SLA: q.Get("sla"), Flag: q.Get("flag")}
}

// Query is the filter as a URL query, for links and the xlsx download.
func (f filter) Query() string {
	v := url.Values{}
	for k, x := range map[string]string{"status": f.Status, "category": f.Category, "party": f.Party,
		"from": f.From, "to": f.To, "sla": f.SLA, "flag": f.Flag} {
		if x != "" {
			v.Set(k, x)
		}
	}
	return v.Encode()
}

// Link is the list page of this filter.
func (f filter) Link() template.URL { return template.URL("/reports?" + f.Query()) }

// XLSX is the workbook of this filter's list.
func (f filter) XLSX() template.URL { return template.URL("/reports.xlsx?" + f.Query()) }

// Empty reports whether the filter lets every report through.
func (f filter) Empty() bool { return f == filter{} }

func reopened(r dispatch.Report) bool {
	return r.Status != dispatch.ReportClosed && slices.ContainsFunc(r.History, func(e dispatch.Event) bool {
		return strings.HasPrefix(e.What, "评价：不满意")
	})
}

// escalated reports whether r's current stage was escalated: a report escalated for its
// dispatch and dispatched since needs nobody any more.
func escalated(r dispatch.Report) bool {
	switch r.Status {
	case dispatch.ReportAccepted:
		return slices.Contains(r.Escalated, "dispatch")
	case dispatch.ReportDispatched:
		return slices.Contains(r.Escalated, "resolve")
	}
	return false
}

// keep reports whether r passes f at now.
func (f filter) keep(r dispatch.Report, now time.Time) bool {
	open := r.Status != dispatch.ReportClosed
	switch {
	case f.Status != "" && string(r.Status) != f.Status,
		f.Category != "" && r.Category != f.Category,
		f.Party != "" && r.Party != f.Party,
		f.SLA != "" && (!open || string(dispatch.SLAOf(r, now)) != f.SLA),
		f.Flag == "open" && !open,
		f.Flag == "escalated" && !escalated(r),
		f.Flag == "reopened" && !reopened(r),
		f.Flag == "urgent" && !(open && r.Urgent),
		f.Flag == "agenda" && !(open && r.OnAgenda):
		return false
	}
	return true
}

// errBadFilter is a filter that cannot be read (a date not like 2026-12-01).
var errBadFilter = errors.New("日期请写成 2026-12-01 这样")

// filtered reads the reports f lets through, oldest first.
func (s *Server) filtered(ctx context.Context, f filter) ([]dispatch.Report, error) {
	loc := s.opts.Community.Loc
	from, to := time.Unix(0, 0), s.opts.Now().AddDate(1, 0, 0)
	if f.From != "" {
		t, err := time.ParseInLocation(time.DateOnly, f.From, loc)
		if err != nil {
			return nil, errBadFilter
		}
		from = t
	}
	if f.To != "" {
		t, err := time.ParseInLocation(time.DateOnly, f.To, loc)
		if err != nil {
			return nil, errBadFilter
		}
		to = t.AddDate(0, 0, 1)
	}
	all, err := s.st.ReportsBetween(ctx, from, to)
	if err != nil {
		return nil, err
	}
	now := s.opts.Now()
	var out []dispatch.Report
	for _, r := range all {
		if f.keep(r, now) {
			out = append(out, r)
		}
	}
	return out, nil
}

// reportRow is a report as the pages show it.
type reportRow struct {
	dispatch.Report
	SLA dispatch.SLAState
}

func (s *Server) rows(rs []dispatch.Report) []reportRow {
	now := s.opts.Now()
	out := make([]reportRow, 0, len(rs))
	for _, r := range rs {
		st := dispatch.SLAOnTime
		if r.Status != dispatch.ReportClosed {
			st = dispatch.SLAOf(r, now)
		}
		out = append(out, reportRow{Report: r, SLA: st})
	}
	return out
}

// page is what every signed-in page shows around its content.
type page struct {
	Title     string
	Community string
	User      string
	Nick      string
	CSRF      string
	Nav       string
}

func (s *Server) page(sess *session, title, nav string) page {
	return page{Title: title, Community: s.opts.Community.Name, User: sess.staff.User, Nick: sess.staff.Nick,
		CSRF: sess.csrf, Nav: nav}
}

type stateCount struct {
	State dispatch.SLAState
	N     int
}

type dutyRow struct {
	Roster, Group string
	On            []string
	Filled, Need  int
}

type monthRow struct {
	Label string
	dispatch.ReportFigures
	Rated, Satisfied int
	Rates            *Rates
}

type unitRow struct {
	Unit               string
	Members, CheckedIn int
	Tasks, Minutes     int
	Width              int // the check-in share as a bar width, 0–100
	CheckInPct         string
}

type catRow struct {
	Name  string
	N     int
	Width int
	Link  template.URL
}

func (s *Server) overview(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	now := s.now()
	open, err := s.st.OpenReports(ctx, 10000)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	counts := map[dispatch.SLAState]int{}
	var overdue, needs []dispatch.Report
	nEsc, nReopen, nAgenda, nUrgent := 0, 0, 0, 0
	for _, rep := range open {
		st := dispatch.SLAOf(rep, now)
		counts[st]++
		if st == dispatch.SLAOverdue {
			overdue = append(overdue, rep)
		}
		e, ro := escalated(rep), reopened(rep)
		if e {
			nEsc++
		}
		if ro {
			nReopen++
		}
		if rep.OnAgenda {
			nAgenda++
		}
		if rep.Urgent {
			nUrgent++
		}
		if e || ro || rep.Urgent {
			needs = append(needs, rep)
		}
	}
	// Oldest overdue first: the one whose deadline passed longest ago.
	slices.SortStableFunc(overdue, func(a, b dispatch.Report) int { return a.Due.Compare(b.Due) })
	var states []stateCount
	for _, st := range []dispatch.SLAState{dispatch.SLAOverdue, dispatch.SLADueSoon, dispatch.SLAOnTime} {
		states = append(states, stateCount{st, counts[st]})
	}

	duties, short, err := s.today(ctx, now)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	months, err := s.months(ctx, now)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	units, err := s.units(ctx, now)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	cats, err := s.categories(ctx, now)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var chans []Channel
	if s.opts.Channels != nil {
		chans = s.opts.Channels(ctx)
	}
	s.render(w, r, http.StatusOK, "overview", map[string]any{
		"Page": s.page(sess, "概览", "overview"), "Now": now,
		"States": states, "Open": len(open), "Overdue": s.rows(first(overdue, 10)), "OverdueN": len(overdue),
		"Needs": s.rows(first(needs, 10)), "Escalated": nEsc, "Urgent": nUrgent, "Reopened": nReopen, "Agenda": nAgenda,
		"Duties": duties, "Short": short, "Months": months, "RatesMissing": s.opts.Rates == nil,
		"Units": units, "Cats": cats, "Channels": chans, "WeekFrom": weekStart(now).Format(time.DateOnly),
	})
}

func first[T any](xs []T, n int) []T { return xs[:min(len(xs), n)] }

// today is today's roster duties and today's tasks still short of people.
func (s *Server) today(ctx context.Context, now time.Time) ([]dutyRow, []dispatch.Task, error) {
	day := now.Format(time.DateOnly)
	start := time.Date(now.Year(), now.Month(), now.Day(), 0, 0, 0, 0, now.Location())
	var duties []dutyRow
	for _, ro := range s.opts.Community.Rosters {
		on, err := s.st.AssignDuty(ctx, ro, day, start)
		if err != nil {
			return nil, nil, err
		}
		duties = append(duties, dutyRow{Roster: ro.Name, Group: ro.Group, On: on, Filled: len(on), Need: ro.PerDay})
	}
	tasks, err := s.st.TasksBetween(ctx, start, start.AddDate(0, 0, 1))
	if err != nil {
		return nil, nil, err
	}
	var short []dispatch.Task
	for _, t := range tasks {
		if t.Status == dispatch.TaskOpen && t.Left() > 0 {
			short = append(short, t)
		}
	}
	return duties, short, nil
}

// months is this month's and last month's report figures.
func (s *Server) months(ctx context.Context, now time.Time) ([]monthRow, error) {
	this := time.Date(now.Year(), now.Month(), 1, 0, 0, 0, 0, now.Location())
	var out []monthRow
	for _, m := range []struct {
		label string
		t     time.Time
	}{{"本月", this}, {"上月", this.AddDate(0, -1, 0)}} {
		f, err := s.st.ReportStats(ctx, month(m.t))
		if err != nil {
			return nil, err
		}
		row := monthRow{Label: m.label + "（" + m.t.Format("1月") + "）", ReportFigures: f}
		for rt, n := range f.ByRating {
			row.Rated += n
			if rt != dispatch.Dissatisfied {
				row.Satisfied += n // 满意, 基本满意 and 默认满意, as 满意率 counts them
			}
		}
		if s.opts.Rates != nil {
			rates, err := s.opts.Rates(ctx, month(m.t))
			if err != nil {
				return nil, err
			}
			row.Rates = &rates
			// The rate's own numerator and denominator, so the row and 满意率 below it
			// always agree (the same reports, counted the same way).
			row.Satisfied, row.Rated = rates.Satisfied, rates.Rated
		}
		out = append(out, row)
	}
	return out, nil
}

// units is this month's 双报到 by unit, every configured unit included.
func (s *Server) units(ctx context.Context, now time.Time) ([]unitRow, error) {
	vols, err := s.st.UnitFigures(ctx, month(now))
	if err != nil {
		return nil, err
	}
	by := map[string]*unitRow{}
	var order []string
	add := func(u string) *unitRow {
		if by[u] == nil {
			by[u] = &unitRow{Unit: u}
			order = append(order, u)
		}
		return by[u]
	}
	for _, u := range s.opts.Community.Units {
		add(u)
	}
	for _, v := range vols {
		row := add(v.Unit)
		row.Members++
		if v.CheckIns > 0 {
			row.CheckedIn++
		}
		row.Tasks += v.Tasks
		row.Minutes += v.Minutes
	}
	var out []unitRow
	for _, u := range order {
		row := *by[u]
		if row.Members > 0 {
			row.Width = row.CheckedIn * 100 / row.Members
			row.CheckInPct = fmt.Sprintf("%d%%", row.Width)
		} else {
			row.CheckInPct = "—"
		}
		out = append(out, row)
	}
	return out, nil
}

// categories is this week's reports by category, most first.
func (s *Server) categories(ctx context.Context, now time.Time) ([]catRow, error) {
	from := weekStart(now)
	rs, err := s.st.ReportsBetween(ctx, from, now.Add(time.Second))
	if err != nil {
		return nil, err
	}
	n := map[string]int{}
	for _, r := range rs {
		n[r.Category]++
	}
	names := slices.Collect(maps.Keys(n))
	slices.SortFunc(names, func(a, b string) int { return cmp.Or(n[b]-n[a], strings.Compare(a, b)) })
	top := 0
	for _, c := range names {
		top = max(top, n[c])
	}
	var out []catRow
	for _, c := range first(names, 5) {
		out = append(out, catRow{Name: c, N: n[c], Width: n[c] * 100 / top,
			Link: filter{Category: c, From: from.Format(time.DateOnly)}.Link()})
	}
	return out, nil
}

func (s *Server) reports(w http.ResponseWriter, r *http.Request, sess *session) {
	f := parseFilter(r.URL.Query())
	rs, err := s.filtered(r.Context(), f)
	msg := ""
	if errors.Is(err, errBadFilter) {
		msg, err = err.Error(), nil
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	// Newest first on screen; the workbook keeps filing order.
	slices.Reverse(rs)
	var parties []string
	for _, p := range s.opts.Community.Parties {
		parties = append(parties, p.Name)
	}
	for _, t := range s.opts.Community.Teams() {
		if !slices.Contains(parties, t) {
			parties = append(parties, t)
		}
	}
	s.render(w, r, http.StatusOK, "reports", map[string]any{
		"Page": s.page(sess, "诉求", "reports"), "F": f, "Rows": s.rows(rs), "Error": msg,
		"Statuses":   []dispatch.ReportStatus{dispatch.ReportAccepted, dispatch.ReportDispatched, dispatch.ReportResolved, dispatch.ReportClosed},
		"Categories": s.categoryNames(), "Parties": parties,
		"SLAs": []dispatch.SLAState{dispatch.SLAOverdue, dispatch.SLADueSoon, dispatch.SLAOnTime},
	})
}

func (s *Server) categoryNames() []string {
	var out []string
	for _, c := range s.opts.Community.Categories {
		out = append(out, c.Name)
	}
	return out
}

// reportID reads "R37" (or "37") from the path.
func reportID(v string) (int64, bool) {
	v = strings.TrimPrefix(strings.TrimPrefix(v, "R"), "r")
	id, err := strconv.ParseInt(v, 10, 64)
	return id, err == nil && id > 0
}

func (s *Server) report(w http.ResponseWriter, r *http.Request, sess *session) {
	id, ok := reportID(r.PathValue("id"))
	if !ok {
		http.NotFound(w, r)
		return
	}
	rep, err := s.st.Report(r.Context(), id)
	if errors.Is(err, dispatch.ErrNotFound) {
		s.render(w, r, http.StatusNotFound, "missing", map[string]any{"Page": s.page(sess, "没有找到", "reports"), "ID": id})
		return
	}
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var parties []string
	for _, p := range s.opts.Community.Parties {
		parties = append(parties, p.Name)
	}
	for _, t := range s.opts.Community.Teams() {
		if !slices.Contains(parties, t) {
			parties = append(parties, t)
		}
	}
	photos, voices, err := s.reportMedia(r.Context(), id)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	_, recat, _ := dispatch.Parse(fmt.Sprintf("改类 R%d 其他", id), "")
	s.render(w, r, http.StatusOK, "report", map[string]any{
		"Page": s.page(sess, fmt.Sprintf("诉求 R%d", id), "reports"), "R": s.rows([]dispatch.Report{rep})[0],
		"Parties": parties, "Categories": s.categoryNames(), "Op": randomToken()[:24],
		"CanRecategorize": recat, "Done": r.URL.Query().Get("done"), "Where": s.actChat().Group,
		"Open": rep.Status != dispatch.ReportClosed, "Photos": photos, "Voices": voices,
		"MediaShown": s.opts.Media != nil, "MediaGone": s.mediaGone(rep),
	})
}

type taskDay struct {
	Day   string
	Leave []string
}

func (s *Server) tasks(w http.ResponseWriter, r *http.Request, sess *session) {
	ctx := r.Context()
	now := s.now()
	from := weekStart(now)
	ts, err := s.st.TasksBetween(ctx, from, from.AddDate(0, 0, 7))
	if err != nil {
		s.fail(w, r, err)
		return
	}
	duties, _, err := s.today(ctx, now)
	if err != nil {
		s.fail(w, r, err)
		return
	}
	var leave []taskDay
	for d := 0; d < 7; d++ {
		day := from.AddDate(0, 0, d)
		names, err := s.st.OnLeave(ctx, day.Format(time.DateOnly))
		if err != nil {
			s.fail(w, r, err)
			return
		}
		if len(names) > 0 {
			leave = append(leave, taskDay{Day: day.Format("1月2日") + " " + weekday(day.Weekday()), Leave: names})
		}
	}
	s.render(w, r, http.StatusOK, "tasks", map[string]any{
		"Page": s.page(sess, "任务与值班", "tasks"), "Tasks": ts, "Duties": duties,
		"Rosters": s.opts.Community.Rosters, "Leave": leave,
		"From": from.Format("1月2日"), "To": from.AddDate(0, 0, 6).Format("1月2日"),
	})
}

// weekday is the day's name as the office writes it.
func weekday(d time.Weekday) string {
	return [...]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}[d]
}
