package dispatch

import (
	"context"
	"fmt"
	"math"
	"strings"
	"time"
)

// digestTopCategories is how many categories the digest names.
const digestTopCategories = 3

// digestMaxCases is how many overdue or repeat cases the digest lists by id; the rest
// are counted.
const digestMaxCases = 20

// digestPosts: the past week's figures to the coordinators' group (每周通报): the reports
// received in the seven days before the slot's day, as things stand at the slot.
func (s *Service) digestPosts(ctx context.Context, now time.Time) ([]Post, error) {
	to := s.dayStart(now)
	from := to.AddDate(0, 0, -7)
	rs, err := s.st.ReportsBetween(ctx, from, to)
	if err != nil {
		return nil, fmt.Errorf("digest %s: %w", from.Format(time.DateOnly), err)
	}
	return s.toCoordinators(WeekDigest(rs, from, to, now, s.c.DigestMin, s.c.Loc)), nil
}

// WeekDigest writes the weekly digest (每周通报) of reports, those received in [from, to),
// as things stood at asOf: how many were received, dispatched in time, resolved in time and
// rated satisfied, with the three rates of ComputeRates; the rates of each party with at
// least minReports reports; the top categories; and the overdue and repeat (重复诉求) cases by id.
// It names no person: the post still goes out through guard like every other.
func WeekDigest(reports []Report, from, to, asOf time.Time, minReports int, loc *time.Location) string {
	all, parties, cats := ComputeRates(reports, asOf)
	last := to.Add(-time.Nanosecond).In(loc)
	lines := []string{fmt.Sprintf(digestHead, from.In(loc).Month(), from.In(loc).Day(), last.Month(), last.Day())}
	if all.Received == 0 {
		return strings.Join(append(lines, digestNone), "\n")
	}
	received := fmt.Sprintf(digestReceived, all.Received)
	var marks []string
	if all.Urgent > 0 {
		marks = append(marks, fmt.Sprintf(digestUrgent, all.Urgent))
	}
	if all.Repeats > 0 {
		marks = append(marks, fmt.Sprintf(digestRepeats, all.Repeats))
	}
	if len(marks) > 0 {
		received += "（" + strings.Join(marks, "，") + "）"
	}
	lines = append(lines,
		received,
		fmt.Sprintf(digestCounts, all.Responded, all.ResponseDue, all.ResolvedOnTime, all.ResolveDue, all.Satisfied, all.Rated),
		digestRates(all))
	var per []string
	for _, p := range parties {
		if p.Party != "" && p.Received >= minReports {
			per = append(per, fmt.Sprintf(digestParty, p.Party, p.Received, digestRates(p)))
		}
	}
	if len(per) == 0 {
		lines = append(lines, fmt.Sprintf(digestNoParty, minReports))
	} else {
		lines = append(lines, fmt.Sprintf(digestPartiesHead, minReports))
		lines = append(lines, per...)
	}
	var top []string
	for i, c := range cats {
		if i == digestTopCategories {
			break
		}
		top = append(top, fmt.Sprintf(digestCategory, c.Category, c.N))
	}
	lines = append(lines, digestCategories+strings.Join(top, "、"))
	var overdue, repeats []string
	for _, r := range reports {
		if r.OverdueAt(asOf) {
			c := fmt.Sprintf(digestCase, urgentMark(r), r.ID, r.Category, placeOr(r.Place))
			if r.Party != "" && r.Status == ReportDispatched {
				c += "（" + r.Party + "）"
			}
			overdue = append(overdue, c)
		}
		if r.RepeatOf != 0 {
			repeats = append(repeats, fmt.Sprintf(digestRepeatCase, r.ID, r.RepeatOf))
		}
	}
	if len(overdue) > 0 {
		lines = append(lines, fmt.Sprintf(digestOverdue, len(overdue))+digestList(overdue))
	}
	if len(repeats) > 0 {
		lines = append(lines, fmt.Sprintf(digestRepeatHead, len(repeats))+digestList(repeats))
	}
	return strings.Join(lines, "\n")
}

// digestRates is the three rates of p, each "—" when nothing is due yet.
func digestRates(p PartyRates) string {
	return fmt.Sprintf(digestRateLine, percent(p.Response()), percent(p.Resolution()), percent(p.Satisfaction()))
}

// percent writes a rate as a whole percentage ("67%"), or "—" when there is none.
func percent(v float64, ok bool) string {
	if !ok {
		return "—"
	}
	return fmt.Sprintf("%d%%", int(math.Round(v*100)))
}

// digestList joins cases, the first digestMaxCases of them, counting the rest.
func digestList(cases []string) string {
	if len(cases) <= digestMaxCases {
		return strings.Join(cases, "、")
	}
	return strings.Join(cases[:digestMaxCases], "、") + fmt.Sprintf(digestMore, len(cases)-digestMaxCases)
}
