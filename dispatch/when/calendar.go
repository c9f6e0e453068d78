package when

import (
	"sync"
	"time"

	"github.com/6tail/lunar-go/calendar"
)

// festival is a named day: on the Gregorian calendar (solar), the Chinese calendar
// (lunar; day -1 is the month's last, for 除夕) or a solar term.
type festival struct {
	word       string
	kind       dateKind
	month, day int
	term       string
}

// festivals are the named days people write, longest first where one begins another.
// The solar terms come from lunar-go, which computes them astronomically.
var festivals = []festival{
	{word: "元旦节", kind: dateSolar, month: 1, day: 1}, {word: "元旦", kind: dateSolar, month: 1, day: 1},
	{word: "春节", kind: dateLunar, month: 1, day: 1}, {word: "大年三十", kind: dateLunar, month: 12, day: -1},
	{word: "除夕", kind: dateLunar, month: 12, day: -1}, {word: "年三十", kind: dateLunar, month: 12, day: -1},
	{word: "元宵节", kind: dateLunar, month: 1, day: 15}, {word: "元宵", kind: dateLunar, month: 1, day: 15},
	{word: "清明节", kind: dateTerm, term: "清明"},
	{word: "端午节", kind: dateLunar, month: 5, day: 5}, {word: "端午", kind: dateLunar, month: 5, day: 5},
	{word: "七夕节", kind: dateLunar, month: 7, day: 7}, {word: "七夕", kind: dateLunar, month: 7, day: 7},
	{word: "中秋节", kind: dateLunar, month: 8, day: 15}, {word: "中秋", kind: dateLunar, month: 8, day: 15},
	{word: "重阳节", kind: dateLunar, month: 9, day: 9}, {word: "重阳", kind: dateLunar, month: 9, day: 9},
	{word: "腊八节", kind: dateLunar, month: 12, day: 8}, {word: "腊八", kind: dateLunar, month: 12, day: 8},
	{word: "小年", kind: dateLunar, month: 12, day: 23},
	{word: "国庆节", kind: dateSolar, month: 10, day: 1}, {word: "国庆", kind: dateSolar, month: 10, day: 1},
	{word: "十一", kind: dateSolar, month: 10, day: 1},
	{word: "劳动节", kind: dateSolar, month: 5, day: 1}, {word: "五一", kind: dateSolar, month: 5, day: 1},
	{word: "妇女节", kind: dateSolar, month: 3, day: 8}, {word: "三八节", kind: dateSolar, month: 3, day: 8},
	{word: "植树节", kind: dateSolar, month: 3, day: 12},
	{word: "青年节", kind: dateSolar, month: 5, day: 4}, {word: "儿童节", kind: dateSolar, month: 6, day: 1},
	{word: "六一", kind: dateSolar, month: 6, day: 1},
	{word: "建党节", kind: dateSolar, month: 7, day: 1}, {word: "建军节", kind: dateSolar, month: 8, day: 1},
	{word: "教师节", kind: dateSolar, month: 9, day: 10},
}

// numberLike are festivals that read as numbers too (十一点, 五一号楼): they count only
// when nothing numeric follows.
var numberLike = map[string]bool{"十一": true, "五一": true, "六一": true}

// festival matches a named day or a solar term at i. It must stand as a word of its own,
// or be followed by a part of the day or a clock time: 重阳节慰问老人 is a title, not a time.
func (t *text) festival(i int, m *whenMatch) (int, bool) {
	if !t.startOK(i) && !t.has(i-2, "今年") && !t.has(i-2, "明年") {
		return i, false
	}
	f, j, ok := t.festivalWord(i)
	if !ok {
		return i, false
	}
	if numberLike[f.word] {
		r := t.at(j)
		if IsChineseNumeral(r) || isDigit(r) || containsAny(string(r), []string{"点", "时", "号", "日", "月", "个", "人", ":", "楼", "栋", "岁", "元", "块", "分"}) {
			return i, false
		}
	}
	if !t.boundary(j) {
		var probe whenMatch
		if _, ok := t.partOfDay(j, &probe); !ok {
			if _, ok := t.clock(j, &probe, true); !ok {
				if _, _, ok := t.word(j, []string{"当天", "那天", "期间", "假期", "早", "晚"}); !ok {
					return i, false
				}
			}
		}
	}
	if _, k, ok := t.word(j, []string{"当天", "那天"}); ok {
		j = k
	}
	m.kind, m.month, m.day, m.term = f.kind, f.month, f.day, f.term
	return j, true
}

// festivalWord finds the festival or solar term written at i.
func (t *text) festivalWord(i int) (festival, int, bool) {
	for _, f := range festivals {
		if t.has(i, f.word) {
			return f, i + len([]rune(f.word)), true
		}
	}
	for _, name := range calendar.JIE_QI {
		if t.has(i, name) {
			return festival{word: name, kind: dateTerm, term: name}, i + len([]rune(name)), true
		}
	}
	return festival{}, i, false
}

// lunarMonths are the names of the months of the Chinese calendar that need no 农历.
var lunarMonths = []struct {
	word  string
	month int
}{{"正月", 1}, {"冬月", 11}, {"腊月", 12}}

// lunarDate matches 农历八月十五, 阴历九月初九, 正月十五, 腊月二十三, 大年初二 at i.
func (t *text) lunarDate(i int, m *whenMatch) (int, bool) {
	j := i
	month := 0
	if _, k, ok := t.word(i, []string{"大年"}); ok {
		if t.at(k) != '初' {
			return i, false
		}
		month, j = 1, k
	} else {
		explicit := false
		if _, k, ok := t.word(j, []string{"农历", "阴历"}); ok {
			explicit, j = true, k
		}
		matched := false
		for _, lm := range lunarMonths {
			if t.has(j, lm.word) {
				month, j, matched = lm.month, j+len([]rune(lm.word)), true
				break
			}
		}
		if !matched {
			if !explicit {
				return i, false
			}
			n, k, _, ok := t.num(j, false)
			if !ok || t.at(k) != '月' || n < 1 || n > 12 {
				return i, false
			}
			month, j = n, k+1
		}
	}
	day, k, ok := t.lunarDay(j)
	if !ok {
		return i, false
	}
	m.kind, m.month, m.day = dateLunar, month, day
	return k, true
}

// lunarDay reads a day of a Chinese month: 初一 … 初十, 十一 … 二十九, 廿三, 三十, 15.
func (t *text) lunarDay(i int) (int, int, bool) {
	switch {
	case t.at(i) == '初':
		n, k, _, ok := t.num(i+1, false)
		if !ok || n < 1 || n > 10 {
			return 0, i, false
		}
		return n, k, true
	case t.at(i) == '廿':
		n, k, _, ok := t.num(i+1, false)
		if !ok || n < 1 || n > 9 {
			return 0, i, false
		}
		return 20 + n, k, true
	}
	n, k, _, ok := t.num(i, false)
	if !ok || n < 1 || n > 30 {
		return 0, i, false
	}
	if t.at(k) == '日' || t.at(k) == '号' {
		k++
	}
	return n, k, true
}

// resolveCalendar finds the next festival, Chinese-calendar day or solar term to come:
// the first whose time (at the phrase's hour) is not before now.
func (m *whenMatch) resolveCalendar(now time.Time, at func(y, mo, d int) time.Time) (time.Time, bool) {
	y := now.Year()
	for yy := y - 1; yy <= y+2; yy++ {
		var w time.Time
		switch m.kind {
		case dateSolar:
			w = at(yy, m.month, m.day)
		case dateLunar:
			sy, sm, sd, ok := lunarToSolar(yy, m.month, m.day)
			if !ok {
				continue
			}
			w = at(sy, sm, sd)
		case dateTerm:
			sy, sm, sd, ok := solarTerm(yy, m.term)
			if !ok {
				continue
			}
			w = at(sy, sm, sd)
		}
		if !w.Before(now) {
			return w, true
		}
	}
	return time.Time{}, false
}

// The Chinese calendar is computed astronomically by lunar-go, a few milliseconds a year;
// so the years chorus will meet are computed once, on first use, into an immutable table,
// and years outside it are computed on demand.
const tableFrom, tableTo = 2020, 2060

// ymd is a Gregorian date.
type ymd struct{ y, m, d int }

// lunarMonth is the first Gregorian day and the length of a month of the Chinese calendar.
type lunarMonth struct {
	first ymd
	days  int
}

// calTable holds, for the years tableFrom to tableTo, the twelve ordinary months of each
// Chinese year and the solar terms of each Gregorian year.
type calTable struct {
	months [][13]lunarMonth // [ly-tableFrom][month]
	terms  []map[string]ymd // [y-tableFrom][term]
}

var calendarTable = sync.OnceValue(func() *calTable {
	c := &calTable{}
	for ly := tableFrom; ly <= tableTo; ly++ {
		var ms [13]lunarMonth
		year := calendar.NewLunarYear(ly)
		for mo := 1; mo <= 12; mo++ {
			if m := year.GetMonth(mo); m != nil {
				s := calendar.NewSolarFromJulianDay(m.GetFirstJulianDay())
				ms[mo] = lunarMonth{first: ymd{s.GetYear(), s.GetMonth(), s.GetDay()}, days: m.GetDayCount()}
			}
		}
		c.months = append(c.months, ms)
		terms := map[string]ymd{}
		for _, ly2 := range []int{ly, ly + 1} {
			for name, s := range calendar.NewLunarFromYmd(ly2, 1, 1).GetJieQiTable() {
				if s.GetYear() == ly {
					terms[name] = ymd{s.GetYear(), s.GetMonth(), s.GetDay()}
				}
			}
		}
		c.terms = append(c.terms, terms)
	}
	return c
})

// lunarToSolar turns day d (-1: the last) of month mo of Chinese year ly into a
// Gregorian date; false when the month has no such day (腊月三十 in a 29-day month).
func lunarToSolar(ly, mo, d int) (int, int, int, bool) {
	if mo < 1 || mo > 12 {
		return 0, 0, 0, false
	}
	var m lunarMonth
	switch {
	case ly >= tableFrom && ly <= tableTo:
		m = calendarTable().months[ly-tableFrom][mo]
	case ly >= 1901 && ly <= 2099:
		lm := calendar.NewLunarYear(ly).GetMonth(mo)
		if lm == nil {
			return 0, 0, 0, false
		}
		s := calendar.NewSolarFromJulianDay(lm.GetFirstJulianDay())
		m = lunarMonth{first: ymd{s.GetYear(), s.GetMonth(), s.GetDay()}, days: lm.GetDayCount()}
	default:
		return 0, 0, 0, false
	}
	if d == -1 {
		d = m.days
	}
	if m.days == 0 || d < 1 || d > m.days {
		return 0, 0, 0, false
	}
	t := time.Date(m.first.y, time.Month(m.first.m), m.first.d+d-1, 12, 0, 0, 0, time.UTC)
	return t.Year(), int(t.Month()), t.Day(), true
}

// solarTerm returns the Gregorian date of the solar term name in Gregorian year y.
func solarTerm(y int, name string) (int, int, int, bool) {
	if y >= tableFrom && y <= tableTo {
		d, ok := calendarTable().terms[y-tableFrom][name]
		return d.y, d.m, d.d, ok
	}
	if y < 1901 || y > 2099 {
		return 0, 0, 0, false
	}
	// A Chinese year's table holds its terms from the previous winter on; the term that
	// falls in year y is in the table of the year that starts in y or of the next one.
	for _, ly := range []int{y, y + 1} {
		table := calendar.NewLunarFromYmd(ly, 1, 1).GetJieQiTable()
		if s, ok := table[name]; ok && s.GetYear() == y {
			return s.GetYear(), s.GetMonth(), s.GetDay(), true
		}
	}
	return 0, 0, 0, false
}
