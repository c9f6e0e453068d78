// Package workday is chorus's working-day calendar: working hours on working days, with
// China's statutory holidays and make-up workdays (调休) from 6tail/lunar-go's holiday table.
package workday

import (
	"time"

	"github.com/6tail/lunar-go/HolidayUtil"
)

// Calendar says which moments are working time and adds working time to a moment. The zero
// value is not usable; build one with New.
type Calendar struct {
	loc        *time.Location
	start, end time.Duration // the working day's span, as offsets from midnight
	// days maps "20261001" to true for a make-up workday and false for a day off; days not
	// in it follow the week (Monday to Friday work).
	days map[string]bool
	// first and last are the years the holiday table covers.
	first, last int
}

// Options configures a Calendar. The zero value of each field is documented.
type Options struct {
	// Loc is the time zone working days are counted in; nil means UTC.
	Loc *time.Location
	// Start and End bound the working day as offsets from midnight; zero for both means
	// 09:00–18:00.
	Start, End time.Duration
}

// New returns a calendar with lunar-go's statutory holidays and make-up workdays.
func New(opts Options) *Calendar {
	c := &Calendar{loc: opts.Loc, start: opts.Start, end: opts.End, days: map[string]bool{}}
	if c.loc == nil {
		c.loc = time.UTC
	}
	if c.start == 0 && c.end == 0 {
		c.start, c.end = 9*time.Hour, 18*time.Hour
	}
	// The table is read once: lunar-go looks each day up by searching its whole table.
	for y := 2001; y <= 2100; y++ {
		l := HolidayUtil.GetHolidaysByYear(y)
		if l.Len() == 0 {
			continue
		}
		if c.first == 0 {
			c.first = y
		}
		c.last = y
		for e := l.Front(); e != nil; e = e.Next() {
			h := e.Value.(*HolidayUtil.Holiday)
			c.days[h.GetDay()[0:4]+h.GetDay()[5:7]+h.GetDay()[8:10]] = h.IsWork()
		}
	}
	return c
}

// Years returns the first and last year the holiday table has entries for; outside them
// only weekends are days off.
func (c *Calendar) Years() (first, last int) { return c.first, c.last }

// IsWorkday reports whether t's day (in the calendar's zone) is a working day: Monday to
// Friday unless a statutory holiday, and the make-up workdays on weekends.
func (c *Calendar) IsWorkday(t time.Time) bool {
	t = t.In(c.loc)
	if work, ok := c.days[t.Format("20060102")]; ok {
		return work
	}
	wd := t.Weekday()
	return wd != time.Saturday && wd != time.Sunday
}

// Holiday names the statutory holiday t falls on ("国庆节"), or "" when none.
func (c *Calendar) Holiday(t time.Time) string {
	t = t.In(c.loc)
	if work, ok := c.days[t.Format("20060102")]; !ok || work {
		return ""
	}
	h := HolidayUtil.GetHolidayByYmd(t.Year(), int(t.Month()), t.Day())
	if h == nil {
		return ""
	}
	return h.GetName()
}

// IsWorking reports whether t is within working hours of a working day.
func (c *Calendar) IsWorking(t time.Time) bool {
	if !c.IsWorkday(t) {
		return false
	}
	off := c.offset(t)
	return off >= c.start && off < c.end
}

func (c *Calendar) midnight(t time.Time) time.Time {
	t = t.In(c.loc)
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, c.loc)
}

func (c *Calendar) offset(t time.Time) time.Duration { return t.Sub(c.midnight(t)) }

// at is the moment off after midnight of day (a midnight), counted on the wall clock so a
// day of another length (none in China now) cannot shift working hours.
func (c *Calendar) at(day time.Time, off time.Duration) time.Time {
	y, m, d := day.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, c.loc).Add(off)
}

// Next returns t if it is working time, else the start of the next working period.
func (c *Calendar) Next(t time.Time) time.Time {
	day := c.midnight(t)
	for i := 0; i < 400; i++ {
		if c.IsWorkday(day) {
			off := t.Sub(day)
			if off < c.start {
				return c.at(day, c.start)
			}
			if off < c.end {
				return t
			}
		}
		day = c.at(day.AddDate(0, 0, 1), 0)
		t = day
	}
	return t // a calendar with no working day in 400 days: give up rather than loop
}

// Add returns the moment d of working time after t: time outside working hours, weekends
// and holidays does not count. A result that lands exactly on the end of a working day
// stays there (a deadline of "today 18:00"), rather than moving to the next morning.
func (c *Calendar) Add(t time.Time, d time.Duration) time.Time {
	if d <= 0 {
		return t
	}
	t = c.Next(t)
	for i := 0; i < 4000; i++ {
		day := c.midnight(t)
		left := c.at(day, c.end).Sub(t)
		if d <= left {
			return t.Add(d)
		}
		d -= left
		t = c.Next(c.at(day.AddDate(0, 0, 1), 0))
	}
	return t
}

// AddDays returns the moment n working days after t, at the same time of day; a t outside
// working hours counts from the start of the next working period. "3 working days" from
// Wednesday 9月30日 10:00 is Saturday 10月10日 10:00, a make-up workday after 国庆.
func (c *Calendar) AddDays(t time.Time, n int) time.Time {
	t = c.Next(t)
	off, day := c.offset(t), c.midnight(t)
	for i := 0; n > 0 && i < 4000; i++ {
		day = c.at(day.AddDate(0, 0, 1), 0)
		if c.IsWorkday(day) {
			n--
		}
	}
	return c.at(day, off)
}

// Between returns the working time from a to b (zero when b is not after a).
func (c *Calendar) Between(a, b time.Time) time.Duration {
	var sum time.Duration
	for i := 0; a.Before(b) && i < 4000; i++ {
		a = c.Next(a)
		if !a.Before(b) {
			break
		}
		end := c.at(c.midnight(a), c.end)
		if b.Before(end) {
			end = b
		}
		sum += end.Sub(a)
		a = c.at(c.midnight(a).AddDate(0, 0, 1), 0)
	}
	return sum
}
