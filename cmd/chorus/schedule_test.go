package main

import (
	"strings"
	"testing"
	"time"
)

// mustJobs parses a schedule: section as LoadConfig does, in Asia/Shanghai.
func mustJobs(t *testing.T, schedule map[string]string) map[string]interface{ Next(time.Time) time.Time } {
	t.Helper()
	c := &Config{Schedule: schedule}
	c.Community.Timezone = "Asia/Shanghai"
	jobs, err := c.jobs()
	if err != nil {
		t.Fatalf("jobs(%v): %v", schedule, err)
	}
	out := map[string]interface{ Next(time.Time) time.Time }{}
	for _, j := range jobs {
		out[j.Name] = j.Schedule
	}
	return out
}

// TestScheduleNext: each default spec, parsed by the config parser, fires when the chat
// contract says, in Asia/Shanghai, whatever zone the time asked about is in (robfig/cron's
// spec_test style: from, want).
func TestScheduleNext(t *testing.T) {
	jobs := mustJobs(t, nil)
	const layout = "2006-01-02 15:04:05"
	for _, tc := range []struct{ job, from, want string }{
		{"daily", "2026-11-30 07:30:00", "2026-11-30 08:00:00"},
		{"daily", "2026-11-30 08:00:00", "2026-12-01 08:00:00"}, // strictly after
		{"daily", "2026-12-31 23:59:59", "2027-01-01 08:00:00"},
		{"daily", "2028-02-28 09:00:00", "2028-02-29 08:00:00"},
		{"reminders", "2026-11-30 07:30:00", "2026-11-30 07:31:00"},
		{"reminders", "2026-11-30 07:30:30", "2026-11-30 07:31:00"},
		{"reminders", "2026-12-31 23:59:00", "2027-01-01 00:00:00"},
		{"escalation", "2026-11-30 07:30:00", "2026-11-30 07:35:00"},
		{"escalation", "2026-11-30 07:34:59", "2026-11-30 07:35:00"},
		{"escalation", "2026-11-30 23:55:00", "2026-12-01 00:00:00"},
		{"agenda", "2026-11-30 07:30:00", "2026-11-30 09:00:00"}, // a Monday
		{"agenda", "2026-11-30 09:00:00", "2026-12-07 09:00:00"},
		{"agenda", "2026-12-02 12:00:00", "2026-12-07 09:00:00"},
		{"agenda", "2026-12-28 10:00:00", "2027-01-04 09:00:00"},
		{"feedback", "2026-11-30 07:30:00", "2026-12-01 09:00:00"},
		{"feedback", "2026-12-01 09:00:00", "2027-01-01 09:00:00"},
		{"feedback", "2027-01-31 10:00:00", "2027-02-01 09:00:00"},
		{"digest", "2026-11-30 07:30:00", "2026-12-04 09:00:00"}, // a Friday
		{"digest", "2026-12-04 09:00:00", "2026-12-11 09:00:00"},
		{"digest", "2026-12-31 10:00:00", "2027-01-01 09:00:00"},
	} {
		t.Run(tc.job+" "+tc.from, func(t *testing.T) {
			loc, _ := time.LoadLocation("Asia/Shanghai")
			from, _ := time.ParseInLocation(layout, tc.from, loc)
			want, _ := time.ParseInLocation(layout, tc.want, loc)
			if got := jobs[tc.job].Next(from); !got.Equal(want) {
				t.Errorf("Next(%s): got %s; want %s", tc.from, got.In(loc).Format(layout), tc.want)
			}
			// The same instant asked in UTC: the schedule stays in Shanghai.
			if got := jobs[tc.job].Next(from.UTC()); !got.Equal(want) {
				t.Errorf("Next(%s in UTC): got %s; want %s", tc.from, got.In(loc).Format(layout), tc.want)
			}
		})
	}
}

// TestScheduleConfig: specs are overridden by name, switched off with "off", and an
// invalid one fails naming the field and the reason.
func TestScheduleConfig(t *testing.T) {
	jobs := mustJobs(t, map[string]string{"daily": "30 7 * * 1-5", "feedback": "off", "agenda": "@weekly"})
	if _, ok := jobs["feedback"]; ok {
		t.Error("feedback: off still scheduled")
	}
	loc, _ := time.LoadLocation("Asia/Shanghai")
	sat := time.Date(2026, 12, 5, 10, 0, 0, 0, loc)
	if got, want := jobs["daily"].Next(sat), time.Date(2026, 12, 7, 7, 30, 0, 0, loc); !got.Equal(want) {
		t.Errorf("daily 30 7 * * 1-5 after Saturday: got %s; want %s", got, want)
	}
	if got, want := jobs["agenda"].Next(sat), time.Date(2026, 12, 6, 0, 0, 0, 0, loc); !got.Equal(want) {
		t.Errorf("@weekly: got %s; want %s", got, want)
	}
	for _, tc := range []struct {
		schedule map[string]string
		want     []string
	}{
		{map[string]string{"daily": "0 25 * * *"}, []string{`schedule.daily: "0 25 * * *"`, "above maximum"}},
		{map[string]string{"reminders": "every minute"}, []string{`schedule.reminders: "every minute"`}},
		{map[string]string{"agenda": "0 9 * * 8"}, []string{`schedule.agenda`, "above maximum"}},
		{map[string]string{"escalation": "*/5 * * *"}, []string{"schedule.escalation", "expected exactly 5 fields"}},
		{map[string]string{"dayly": "0 8 * * *"}, []string{"schedule.dayly: unknown job"}},
	} {
		c := &Config{Schedule: tc.schedule}
		c.Community.Timezone = "Asia/Shanghai"
		_, err := c.jobs()
		if err == nil {
			t.Errorf("jobs(%v): no error", tc.schedule)
			continue
		}
		for _, w := range tc.want {
			if !strings.Contains(err.Error(), w) {
				t.Errorf("jobs(%v): %q; want it to contain %q", tc.schedule, err, w)
			}
		}
	}
}
