package dispatch

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"
)

// PartyRates are the figures behind the three rates (响应率, 解决率, 满意率) for one party,
// or for everyone (Party empty), over the reports received in a period. A report counts
// for the party it is dispatched to now; one never dispatched counts under Party "".
//
// Each rate counts only the reports whose outcome is known, so a report received
// yesterday with a deadline next week counts for neither side yet:
//   - 响应率 = Responded / ResponseDue: of the reports dispatched (or resolved outright), or
//     past their dispatch deadline undispatched, those dispatched by the deadline;
//   - 解决率 = ResolvedOnTime / ResolveDue: of the dispatched reports resolved, or past
//     their deadline unresolved, those resolved by the (latest) deadline;
//   - 满意率 = Satisfied / Rated: of the rated reports, those rated 满意, 基本满意 or
//     默认满意 (not rated within sla.auto_close); each report's latest rating counts.
type PartyRates struct {
	Party                       string
	Received                    int
	ResponseDue, Responded      int
	ResolveDue, ResolvedOnTime  int
	Rated, Satisfied            int
	Urgent, Repeats, Overdue    int
	Closed, Open, AutoSatisfied int
}

// Ratio is n/d, and false when d is 0 (no rate: "—", not 0%).
func Ratio(n, d int) (float64, bool) {
	if d == 0 {
		return 0, false
	}
	return float64(n) / float64(d), true
}

// Response is 响应率.
func (p PartyRates) Response() (float64, bool) { return Ratio(p.Responded, p.ResponseDue) }

// Resolution is 解决率.
func (p PartyRates) Resolution() (float64, bool) { return Ratio(p.ResolvedOnTime, p.ResolveDue) }

// Satisfaction is 满意率.
func (p PartyRates) Satisfaction() (float64, bool) { return Ratio(p.Satisfied, p.Rated) }

// Rates are a period's figures: everyone's, and per party, busiest party first.
type Rates struct {
	From, To time.Time
	All      PartyRates
	Parties  []PartyRates
	// Categories counts the period's reports by category, most first.
	Categories []CategoryCount
}

// CategoryCount is how many reports a category had.
type CategoryCount struct {
	Category string
	N        int
}

// ComputeRates works out the rates of reports (those received in the period) as things
// stood at asOf.
func ComputeRates(reports []Report, asOf time.Time) (all PartyRates, parties []PartyRates, cats []CategoryCount) {
	byParty := map[string]*PartyRates{}
	byCat := map[string]int{}
	for _, r := range reports {
		p := byParty[r.Party]
		if p == nil {
			p = &PartyRates{Party: r.Party}
			byParty[r.Party] = p
		}
		byCat[r.Category]++
		for _, f := range []*PartyRates{&all, p} {
			f.add(r, asOf)
		}
	}
	for _, p := range byParty {
		parties = append(parties, *p)
	}
	slices.SortFunc(parties, func(a, b PartyRates) int {
		return cmp.Or(cmp.Compare(b.Received, a.Received), cmp.Compare(a.Party, b.Party))
	})
	for c, n := range byCat {
		cats = append(cats, CategoryCount{Category: c, N: n})
	}
	slices.SortFunc(cats, func(a, b CategoryCount) int {
		return cmp.Or(cmp.Compare(b.N, a.N), cmp.Compare(a.Category, b.Category))
	})
	return all, parties, cats
}

func (p *PartyRates) add(r Report, asOf time.Time) {
	p.Received++
	if r.Urgent {
		p.Urgent++
	}
	if r.RepeatOf != 0 {
		p.Repeats++
	}
	if r.Status == ReportClosed {
		p.Closed++
	} else {
		p.Open++
		if r.OverdueAt(asOf) {
			p.Overdue++
		}
	}
	// Response: the first dispatch, or a resolution without one, against the deadline
	// set when the report came in.
	responded := r.DispatchedAt
	if responded.IsZero() || (!r.ResolvedAt.IsZero() && r.ResolvedAt.Before(responded)) {
		responded = r.ResolvedAt
	}
	if !r.DispatchDue.IsZero() {
		switch {
		case !responded.IsZero():
			p.ResponseDue++
			if !responded.After(r.DispatchDue) {
				p.Responded++
			}
		case !r.DispatchDue.After(asOf):
			p.ResponseDue++
		}
	}
	// Resolution: only dispatched reports have a deadline to resolve by.
	if !r.DispatchedAt.IsZero() && !r.ResolveDue.IsZero() {
		resolved := !r.ResolvedAt.IsZero() && r.Status != ReportDispatched && r.Status != ReportAccepted
		switch {
		case resolved:
			p.ResolveDue++
			if !r.ResolvedAt.After(r.ResolveDue) {
				p.ResolvedOnTime++
			}
		case !r.ResolveDue.After(asOf):
			p.ResolveDue++
		}
	}
	if r.Rating != 0 {
		p.Rated++
		if r.Rating != Dissatisfied {
			p.Satisfied++
		}
		if r.Rating == AutoSatisfied {
			p.AutoSatisfied++
		}
	}
}

// Rates works out the three rates of the reports received in [from, to), as things stand
// now: everyone's and per party. The staff web app shows them for this month and last;
// the weekly digest and the monthly export use them too.
func (s *Service) Rates(ctx context.Context, from, to time.Time) (Rates, error) {
	rs, err := s.st.ReportsBetween(ctx, from, to)
	if err != nil {
		return Rates{}, fmt.Errorf("rates %s–%s: %w", from.Format(time.DateOnly), to.Format(time.DateOnly), err)
	}
	out := Rates{From: from, To: to}
	out.All, out.Parties, out.Categories = ComputeRates(rs, s.now())
	return out, nil
}

// OverdueAt reports whether r, not closed, is past the deadline of its current stage at
// asOf: the overdue count of the rates and the digest's list of overdue cases.
func (r Report) OverdueAt(asOf time.Time) bool {
	return r.Status != ReportClosed && !r.Due.IsZero() && !r.Due.After(asOf)
}
