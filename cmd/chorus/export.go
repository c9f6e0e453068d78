package main

import (
	"context"
	"flag"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/xuri/excelize/v2"

	"github.com/changzheng/chorus/dispatch"
	"github.com/changzheng/chorus/store"
)

const exportHelp = `chorus export --month 2026-12 --out feedback.xlsx [--config config.yaml] [--at 2027-01-05T09:00:00+08:00]

Writes the month's feedback workbook (双向反馈): a sheet per work unit (member,
check-ins, tasks done, hours), a sheet of the residents' reports filed that month with
their status and times, a sheet of the month's tasks, and a sheet of the month's rates
(诉求统计: 响应率, 解决率, 满意率 overall and per party, and the categories) counted as the
weekly digest counts them, as things stand now (or at --at).

It reads the Redis named by CHORUS_REDIS_URL or redis.addr in the config. With neither,
chorus would use its embedded in-memory store, which starts empty, so the workbook would
be empty: export needs the Redis that chorus run uses.

Flags:`

// Sheet names of the workbook besides the units'.
const (
	sheetReports = "诉求"
	sheetTasks   = "任务"
	sheetRates   = "诉求统计"
)

func cmdExport(ctx context.Context, args []string, env Env) error {
	fs := flag.NewFlagSet("export", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	config := fs.String("config", "config.yaml", "config file")
	monthFlag := fs.String("month", "", "the month, as 2026-12")
	out := fs.String("out", "", "the workbook to write (.xlsx)")
	at := fs.String("at", "", "count the rates as things stood at this time (RFC 3339); default now")
	fs.Usage = func() {
		fmt.Fprintln(env.Stderr, exportHelp)
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		return usageError{err}
	}
	if fs.NArg() > 0 {
		return usageError{fmt.Errorf("export: unexpected argument %q", fs.Arg(0))}
	}
	if *out == "" {
		return usageError{fmt.Errorf("export: --out is required")}
	}
	cfg, err := LoadConfig(*config, env.Getenv)
	if err != nil {
		return err
	}
	loc, err := time.LoadLocation(cfg.Community.Timezone)
	if err != nil {
		return fmt.Errorf("community.timezone: %w", err)
	}
	from, err := time.ParseInLocation("2006-01", *monthFlag, loc)
	if err != nil {
		return usageError{fmt.Errorf("export: --month %q: want a month like 2026-12", *monthFlag)}
	}
	asOf := time.Now()
	if *at != "" {
		if asOf, err = time.Parse(time.RFC3339, *at); err != nil {
			return usageError{fmt.Errorf("export: --at %q: want a time like 2027-01-05T09:00:00+08:00", *at)}
		}
	}
	db, closeDB, err := openStore(ctx, cfg, env)
	if err != nil {
		return err
	}
	defer closeDB()
	f, err := buildWorkbook(ctx, db, cfg, from, from.AddDate(0, 1, 0), asOf)
	if err != nil {
		return err
	}
	defer f.Close()
	if err := f.SaveAs(*out); err != nil {
		return fmt.Errorf("export: write %s: %w", *out, err)
	}
	fmt.Fprintf(env.Stdout, "已导出 %s 的月度反馈：%s\n", from.Format("2006年1月"), *out)
	return nil
}

// buildWorkbook reads the month [from, to) from db into a workbook, its rates counted as
// things stood at asOf.
func buildWorkbook(ctx context.Context, db *store.DB, cfg *Config, from, to, asOf time.Time) (*excelize.File, error) {
	loc := from.Location()
	month := from.Format("200601")
	vols, err := db.UnitFigures(ctx, month)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	reports, err := db.ReportsBetween(ctx, from, to)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}
	tasks, err := db.TasksBetween(ctx, from, to)
	if err != nil {
		return nil, fmt.Errorf("export: %w", err)
	}

	f := excelize.NewFile()
	w := &sheetWriter{f: f}
	// A sheet per configured unit, in config order, then any unit only members named.
	units := slices.Clone(cfg.Units)
	byUnit := map[string][]dispatch.Volunteer{}
	for _, v := range vols {
		if !slices.Contains(units, v.Unit) {
			units = append(units, v.Unit)
		}
		byUnit[v.Unit] = append(byUnit[v.Unit], v)
	}
	for _, u := range units {
		vs := byUnit[u]
		slices.SortFunc(vs, func(a, b dispatch.Volunteer) int {
			if a.Minutes != b.Minutes {
				return b.Minutes - a.Minutes
			}
			return strings.Compare(a.Nick, b.Nick)
		})
		rows := [][]any{{"成员", "本月报到", "完成任务（次）", "服务时长（小时）"}}
		checked, done, minutes := 0, 0, 0
		for _, v := range vs {
			rows = append(rows, []any{v.Nick, yesNo(v.CheckIns > 0), v.Tasks, hours(v.Minutes)})
			checked += min(v.CheckIns, 1)
			done += v.Tasks
			minutes += v.Minutes
		}
		rows = append(rows, []any{fmt.Sprintf("合计 %d 人", len(vs)), fmt.Sprintf("%d 人", checked), done, hours(minutes)})
		w.sheet(sheetName(u), rows)
	}

	rows := [][]any{{"编号", "分类", "地点", "内容", "状态", "责任方", "受理时间", "当前期限", "办结时间", "评价", "上会", "超时升级"}}
	for _, r := range reports {
		rows = append(rows, []any{fmt.Sprintf("R%d", r.ID), r.Category, r.Place, dispatch.MaskPersonal(r.Text), string(r.Status),
			r.Party, stamp(r.Created, loc), stamp(r.Due, loc), stamp(r.ResolvedAt, loc), ratingText(r.Rating),
			yesNo(r.OnAgenda), strings.Join(r.Escalated, "、")})
	}
	w.sheet(sheetReports, rows)

	rows = [][]any{{"编号", "队伍", "群", "任务", "地点", "时间", "需要人数", "已认领", "候补", "已完成", "状态"}}
	for _, t := range tasks {
		var holders, waiting, done []string
		for _, p := range t.Holders() {
			holders = append(holders, p.Nick)
			if t.Done[p.ID] {
				done = append(done, p.Nick)
			}
		}
		for _, p := range t.Waiting() {
			waiting = append(waiting, p.Nick)
		}
		status := "进行中"
		if t.Status == dispatch.TaskCancelled {
			status = "已取消"
		}
		rows = append(rows, []any{fmt.Sprintf("#%d", t.ID), t.Team, t.Group, t.Title, t.Place, stamp(t.Start, loc), t.Need,
			strings.Join(holders, "、"), strings.Join(waiting, "、"), strings.Join(done, "、"), status})
	}
	w.sheet(sheetTasks, rows)
	w.rates(reports, asOf, loc)
	if w.err != nil {
		f.Close()
		return nil, fmt.Errorf("export: %w", w.err)
	}
	if err := f.DeleteSheet("Sheet1"); err != nil {
		f.Close()
		return nil, fmt.Errorf("export: %w", err)
	}
	f.SetActiveSheet(0)
	return f, nil
}

// sheetWriter adds sheets and keeps the first error.
type sheetWriter struct {
	f   *excelize.File
	err error
}

func (w *sheetWriter) sheet(name string, rows [][]any) {
	if w.err != nil {
		return
	}
	if _, w.err = w.f.NewSheet(name); w.err != nil {
		return
	}
	for i, row := range rows {
		cell, err := excelize.CoordinatesToCellName(1, i+1)
		if err == nil {
			err = w.f.SetSheetRow(name, cell, &row)
		}
		if err != nil {
			w.err = err
			return
		}
	}
}

// rates adds the sheet of the month's rates (诉求统计): everyone's, then each party's
// (busiest first; 未派单 for reports never dispatched), then the categories. The figures
// are dispatch.ComputeRates's, as in the weekly digest and the web app; a rate is a number
// shown as a percentage, "—" when nothing is due yet.
func (w *sheetWriter) rates(reports []dispatch.Report, asOf time.Time, loc *time.Location) {
	if w.err != nil {
		return
	}
	all, parties, cats := dispatch.ComputeRates(reports, asOf)
	all.Party = "合计"
	rows := [][]any{
		{fmt.Sprintf("按受理时间统计，截至 %s", stamp(asOf, loc))},
		{"责任方", "受理", "紧急", "重复诉求", "应派单", "按时派单", "响应率", "应办结", "按时办结", "解决率",
			"已评价", "满意", "其中默认满意", "满意率", "超期未办"},
	}
	rate := func(v float64, ok bool) any {
		if !ok {
			return "—"
		}
		return v
	}
	for _, p := range append([]dispatch.PartyRates{all}, parties...) {
		name := p.Party
		if name == "" {
			name = "未派单"
		}
		rows = append(rows, []any{name, p.Received, p.Urgent, p.Repeats, p.ResponseDue, p.Responded, rate(p.Response()),
			p.ResolveDue, p.ResolvedOnTime, rate(p.Resolution()), p.Rated, p.Satisfied, p.AutoSatisfied,
			rate(p.Satisfaction()), p.Overdue})
	}
	last := len(rows)
	rows = append(rows, []any{}, []any{"类别", "受理"})
	for _, c := range cats {
		rows = append(rows, []any{c.Category, c.N})
	}
	w.sheet(sheetRates, rows)
	if w.err != nil {
		return
	}
	pct, err := w.f.NewStyle(&excelize.Style{NumFmt: 9}) // 0%
	if err == nil {
		for _, col := range []string{"G", "J", "N"} {
			if err = w.f.SetCellStyle(sheetRates, fmt.Sprintf("%s3", col), fmt.Sprintf("%s%d", col, last), pct); err != nil {
				break
			}
		}
	}
	w.err = err
}

// sheetName makes a unit's name a valid sheet name: at most 31 characters, none of :\/?*[].
func sheetName(s string) string {
	s = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`:\/?*[]`, r) {
			return '_'
		}
		return r
	}, s)
	if r := []rune(s); len(r) > 31 {
		s = string(r[:31])
	}
	if s == "" || s == sheetReports || s == sheetTasks || s == sheetRates {
		s = "单位 " + s
	}
	return s
}

func hours(minutes int) float64 { return float64(minutes) / 60 }

func yesNo(b bool) string {
	if b {
		return "是"
	}
	return "否"
}

func stamp(t time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	return t.In(loc).Format("2006-01-02 15:04")
}

func ratingText(r dispatch.Rating) string {
	switch r {
	case dispatch.Satisfied:
		return "满意"
	case dispatch.FairlySatisfied:
		return "基本满意"
	case dispatch.Dissatisfied:
		return "不满意"
	}
	return ""
}
