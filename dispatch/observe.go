package dispatch

import (
	"time"
	"unicode/utf8"
)

// Command outcomes as the metrics count them.
const (
	OutcomeOK        = "ok"        // the command did what it says
	OutcomeRefused   = "refused"   // a refusal safe to show (no permission, unknown id, …)
	OutcomeMalformed = "malformed" // the verb was recognised, the rest could not be read
	OutcomeError     = "error"     // an internal error, answered with the generic line
)

// VerbOf returns the word that names cmd's verb whatever alias was typed: the shortest
// Chinese alias in the table, the first of equals ("发布", "接", "帮助").
func VerbOf(cmd Command) string {
	if cmd == nil {
		return ""
	}
	v := cmd.command()
	best := ""
	for _, a := range aliases() {
		if a.verb != v || !nonASCII(a.word) {
			continue
		}
		if best == "" || utf8.RuneCountInString(a.word) < utf8.RuneCountInString(best) {
			best = a.word
		}
	}
	return best
}

func nonASCII(s string) bool {
	for i := 0; i < len(s); i++ {
		if s[i] >= utf8.RuneSelf {
			return true
		}
	}
	return false
}

// SLAState is where an open report stands against its current deadline.
type SLAState string

// The SLA states of the staff overview and the metrics.
const (
	SLAOverdue SLAState = "overdue"  // 超时: the current stage's deadline has passed
	SLADueSoon SLAState = "due_soon" // 即将超时: less than a quarter of its time is left
	SLAOnTime  SLAState = "on_time"  // 正常 (also: resolved and waiting for a rating)
)

// Label is the state as the office says it.
func (s SLAState) Label() string {
	switch s {
	case SLAOverdue:
		return "超时"
	case SLADueSoon:
		return "即将超时"
	}
	return "正常"
}

// SLAOf classifies an open report at now. A quarter of the span from filing to the
// deadline is "soon", so a 2h dispatch SLA warns 30 minutes ahead and a 3-day
// deadline 18 hours ahead.
func SLAOf(r Report, now time.Time) SLAState {
	if r.Due.IsZero() || r.Status == ReportClosed {
		return SLAOnTime
	}
	if !now.Before(r.Due) {
		return SLAOverdue
	}
	if r.Due.Sub(now) <= r.Due.Sub(r.Created)/4 {
		return SLADueSoon
	}
	return SLAOnTime
}
