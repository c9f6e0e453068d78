package workday_test

import (
	"testing"
	"time"

	"github.com/changzheng/chorus/dispatch/workday"
)

func mustLoc(tb testing.TB) *time.Location {
	tb.Helper()
	loc, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		tb.Fatal(err)
	}
	return loc
}

func at(loc *time.Location, s string) time.Time {
	t, err := time.ParseInLocation("2006-01-02 15:04", s, loc)
	if err != nil {
		panic(err)
	}
	return t
}

// 2026's National Day (国庆) as lunar-go has it: 10月1日–7日 off, Sunday 9月20日 and
// Saturday 10月10日 are make-up workdays; 中秋 is Friday 9月25日.
func TestIsWorkday2026(t *testing.T) {
	loc := mustLoc(t)
	c := workday.New(workday.Options{Loc: loc})
	for _, tc := range []struct {
		day  string
		want bool
	}{
		{"2026-09-18 10:00", true},  // Friday
		{"2026-09-19 10:00", false}, // Saturday
		{"2026-09-20 10:00", true},  // Sunday, make-up workday for 国庆
		{"2026-09-25 10:00", false}, // 中秋, a Friday
		{"2026-09-30 10:00", true},  // Wednesday
		{"2026-10-01 10:00", false}, // 国庆
		{"2026-10-05 10:00", false}, // Monday in the holiday
		{"2026-10-07 10:00", false}, // the last day off
		{"2026-10-08 10:00", true},  // Thursday
		{"2026-10-10 10:00", true},  // Saturday, make-up workday
		{"2026-10-11 10:00", false}, // Sunday
		{"2026-12-05 10:00", false}, // an ordinary Saturday
	} {
		if got := c.IsWorkday(at(loc, tc.day)); got != tc.want {
			t.Errorf("IsWorkday(%s) = %v; want %v", tc.day, got, tc.want)
		}
	}
	if got := c.Holiday(at(loc, "2026-10-03 10:00")); got != "国庆节" {
		t.Errorf("Holiday(10月3日) = %q; want 国庆节", got)
	}
	if first, last := c.Years(); first != 2001 || last != 2027 {
		t.Errorf("Years() = %d, %d; want 2001, 2027", first, last)
	}
}

func TestAdd(t *testing.T) {
	loc := mustLoc(t)
	c := workday.New(workday.Options{Loc: loc})
	for _, tc := range []struct {
		from string
		d    time.Duration
		want string
	}{
		{"2026-09-28 10:00", 2 * time.Hour, "2026-09-28 12:00"},  // inside one day
		{"2026-09-28 17:00", 2 * time.Hour, "2026-09-29 10:00"},  // across the evening
		{"2026-09-28 20:00", 2 * time.Hour, "2026-09-29 11:00"},  // filed after hours
		{"2026-09-30 17:00", 2 * time.Hour, "2026-10-08 10:00"},  // across 国庆
		{"2026-10-03 09:00", 72 * time.Hour, "2026-10-16 18:00"}, // 8 working days of 9h: 10月8,9,10,12,13,14,15,16日
		{"2026-09-19 10:00", 1 * time.Hour, "2026-09-20 10:00"},  // Saturday to the make-up Sunday
		{"2026-09-28 16:00", 2 * time.Hour, "2026-09-28 18:00"},  // ends at closing time
	} {
		if got := c.Add(at(loc, tc.from), tc.d); !got.Equal(at(loc, tc.want)) {
			t.Errorf("Add(%s, %v) = %s; want %s", tc.from, tc.d, got.In(loc).Format("2006-01-02 15:04"), tc.want)
		}
	}
}

func TestAddDays(t *testing.T) {
	loc := mustLoc(t)
	c := workday.New(workday.Options{Loc: loc})
	for _, tc := range []struct {
		from string
		n    int
		want string
	}{
		{"2026-09-30 10:00", 3, "2026-10-10 10:00"}, // 10月8日, 9日, then the make-up Saturday
		{"2026-09-30 20:00", 1, "2026-10-09 09:00"}, // after hours: from 10月8日 09:00
		{"2026-12-04 15:00", 1, "2026-12-07 15:00"}, // Friday to Monday
		{"2026-09-18 11:00", 1, "2026-09-20 11:00"}, // Friday to the make-up Sunday
	} {
		if got := c.AddDays(at(loc, tc.from), tc.n); !got.Equal(at(loc, tc.want)) {
			t.Errorf("AddDays(%s, %d) = %s; want %s", tc.from, tc.n, got.In(loc).Format("2006-01-02 15:04"), tc.want)
		}
	}
}

func TestBetweenAndIsWorking(t *testing.T) {
	loc := mustLoc(t)
	c := workday.New(workday.Options{Loc: loc, Start: 8 * time.Hour, End: 17*time.Hour + 30*time.Minute})
	if got := c.Between(at(loc, "2026-09-30 17:00"), at(loc, "2026-10-08 09:00")); got != 90*time.Minute {
		t.Errorf("Between(9月30日 17:00, 10月8日 09:00) = %v; want 1h30m", got)
	}
	for _, tc := range []struct {
		at   string
		want bool
	}{
		{"2026-09-30 07:59", false}, {"2026-09-30 08:00", true}, {"2026-09-30 17:29", true},
		{"2026-09-30 17:30", false}, {"2026-10-02 10:00", false}, {"2026-10-10 10:00", true},
	} {
		if got := c.IsWorking(at(loc, tc.at)); got != tc.want {
			t.Errorf("IsWorking(%s) = %v; want %v", tc.at, got, tc.want)
		}
	}
}
