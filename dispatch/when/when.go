// Package when reads the times people write in a mainland Chinese community chat —
// 明天上午9点, 下下周一, 3天后, 下午3点到5点, 重阳节, 农历八月十五 — into a time, a duration and
// the span of text it used. It is pure: the current time, the time zone and the defaults
// are passed in, and nothing here reads a clock.
package when

import (
	"strings"
	"time"
)

// Defaults are what a phrase leaves unsaid.
type Defaults struct {
	// Hour and Minute are the time of a day written with no clock time or part of the
	// day (明天, 周六, 12月10日). The zero value means 09:00.
	Hour, Minute int
}

// Result is what Parse read.
type Result struct {
	// Time is the start, in the location passed to Parse.
	Time time.Time
	// Duration is the length a range said (下午3点到5点 is 2h); zero when none.
	Duration time.Duration
	// Phrase is the exact substring of the text that said the time, spaces inside it
	// included, so the caller can remove it; Start and End are its byte offsets.
	Phrase     string
	Start, End int
}

// Problem is a time that was written but cannot be a time: 25点, 12月99日, 2月30日. The
// caller refuses it with the allowed range rather than read it as something else.
type Problem struct {
	// Phrase is the substring of the text that said it.
	Phrase string
	// Field is what is out of range.
	Field Field
	// Max is the largest allowed value of Field (for a day, of that month).
	Max int
}

// Field names the part of a time that is out of range.
type Field int

// The fields a Problem may name.
const (
	FieldHour   Field = iota + 1 // 0 to 24
	FieldMinute                  // 0 to 59
	FieldMonth                   // 1 to 12
	FieldDay                     // 1 to Max, the days of that month
)

// Parse finds the first time phrase in s and resolves it against now in loc (nil means
// now's location). It returns false when s says no time. See the package tests for what
// is read; in short:
//   - days: 今天/明天/后天/大后天, 今晚/明早, 昨天/前天, 周六/星期六/礼拜天/周末, 本周/这周/下周/
//     下下周 + weekday, 下周周六, 12月10日/12月10号/12.10/12/10/12-10, 2026年12月10日, 10号,
//     本月9号, 下个月5号/下月15号;
//   - relative: 3天后, 两小时后, 半小时后, 一个半小时后, 20分钟后, 一周后;
//   - parts of the day and clock times, with spaces anywhere inside: 上午, 下午两点半,
//     9点一刻, 14:30, 明天 上午 10 点; a range 下午3点到5点 sets Duration;
//   - festivals and the Chinese calendar, each the next to come: 元旦, 春节, 除夕, 大年初二,
//     元宵, 清明, 端午, 中秋, 重阳, 腊八, 国庆/十一, 五一, 农历八月十五, 正月十五, 腊月二十三,
//     and the 24 solar terms (冬至).
//
// A day with no clock time gets d's time (09:00); 今天 alone once that has passed is the
// next round hour. An hour of 1 to 5 with no part of the day is afternoon. Past times are
// returned as they are: the caller decides whether to refuse them.
func Parse(s string, now time.Time, loc *time.Location, d Defaults) (Result, bool) {
	if loc == nil {
		loc = now.Location()
	}
	if d.Hour == 0 && d.Minute == 0 {
		d.Hour = 9
	}
	t := newText(s)
	for i := 0; i < len(t.r); i++ {
		m, ok := t.when(i)
		if !ok {
			continue
		}
		if w, ok := m.resolve(now, loc, d); ok {
			r := Result{Time: w, Phrase: t.slice(i, m.end), Start: t.offs[i], End: t.ends[m.end-1]}
			if m.toHour >= 0 {
				end := m
				end.hour, end.min, end.loose, end.hasClock = m.toHour, m.toMin, true, true
				if e, ok := end.resolve(now, loc, d); ok {
					if !e.After(w) && e.Add(12*time.Hour).After(w) {
						e = e.Add(12 * time.Hour) // 上午10点到2点
					}
					r.Duration = e.Sub(w)
				}
			}
			return r, true
		}
		i = m.end - 1
	}
	return Result{}, false
}

// dateKind says how a matched date resolves.
type dateKind int

const (
	dateNone       dateKind = iota // no date: today
	dateRelative                   // 今天/明天/后天, 3天后: days from today
	dateWeekday                    // 周六: the next such day, today included while ahead
	dateNextWeek                   // 下周一: that weekday weeks calendar weeks on
	dateThisWeek                   // 本周五/这周五: that weekday in this calendar week
	dateMonthDay                   // 12月10日: this year, or next year when long past
	dateFull                       // 2026年12月10日
	dateDayOfMonth                 // 10号: this month, or next month when long past
	dateMonthAhead                 // 本月9号 (months 0), 下个月5号 (months 1)
	dateOffset                     // 两小时后: now plus offset
	dateSolar                      // a festival on a fixed day: month, day, the next to come
	dateLunar                      // a day of the Chinese calendar: month, day (-1: its last)
	dateTerm                       // a solar term: term
)

// whenMatch is a time phrase found in a text, before it is resolved against now.
type whenMatch struct {
	end int

	kind             dateKind
	days             int // dateRelative
	weeks            int // dateNextWeek: 1 for 下周, 2 for 下下周
	months           int // dateMonthAhead
	offset           time.Duration
	weekday          int // Monday = 0 … Sunday = 6
	year, month, day int
	term             string
	needsTime        bool // a short date like 12.10 counts only with a time after it
	pod              string
	hasClock, loose  bool // loose: an hour that a missing part of the day makes afternoon
	hour, min        int
	toHour, toMin    int // the end of a range, -1 when none
}

// when matches a time phrase starting at i.
func (t *text) when(i int) (whenMatch, bool) {
	m := whenMatch{toHour: -1}
	j, hasDate := t.date(i, &m)
	if m.kind == dateOffset && hasDate {
		m.end = j
		return m, true
	}
	if m.pod == "" {
		k := i
		if hasDate {
			k = j
		}
		if e, ok := t.partOfDay(k, &m); ok {
			j = e
		}
	}
	anchored := hasDate || m.pod != ""
	k := i
	if anchored {
		k = j
		if t.at(k) == ' ' {
			k++ // the space kept between two digits: 12/10 14:00
		}
	}
	if e, ok := t.bareRange(k, &m, anchored); ok {
		j = e
	} else if e, ok := t.clock(k, &m, anchored); ok {
		j = e
		j = t.rangeEnd(j, &m)
	}
	switch {
	case !anchored && !m.hasClock:
		return m, false
	case m.needsTime && !m.hasClock && m.pod == "":
		return m, false // 1.5 is no date; 12.10 is one only with a time after it
	case m.kind == dateDayOfMonth && !m.hasClock && m.pod == "" && !t.boundary(j):
		return m, false // 10号楼, 10号线
	case !hasDate && !m.hasClock && (!t.boundary(j) || !t.startOK(i)):
		return m, false // a part of the day inside a word: 夜间巡逻, 早上好
	}
	m.end = j
	return m, true
}

// rangeWords join the two ends of a range: 3点到5点, 9:00-11:00, 3点至5点.
var rangeWords = []string{"一直到", "到", "至", "-", "~", "—", "－", "～"}

// rangeEnd reads the end of a range after a clock time at i, into m.
func (t *text) rangeEnd(i int, m *whenMatch) int {
	_, j, ok := t.word(i, rangeWords)
	if !ok {
		return i
	}
	end := whenMatch{toHour: -1}
	k := j
	if e, ok := t.partOfDay(j, &end); ok {
		k = e
	}
	e, ok := t.clock(k, &end, true)
	if !ok {
		return i
	}
	if end.pod == "" {
		end.pod = m.pod
	}
	if m.pod == "" && end.pod != "" {
		// 3点到下午5点: the start is in the afternoon too
	}
	h := end.hour24()
	if end.pod == "" && m.pod == "" && h < m.hour24() && h+12 > m.hour24() && h+12 < 24 {
		h += 12
	}
	m.toHour, m.toMin = h, end.min
	return e
}

// bareRange matches a range whose start has no 点 of its own: 3到5点, 下午3-5点, 9至11点.
func (t *text) bareRange(i int, m *whenMatch, anchored bool) (int, bool) {
	h, j, _, ok := t.num(i, !anchored)
	if !ok || h > 24 {
		return i, false
	}
	_, k, ok := t.word(j, rangeWords)
	if !ok {
		return i, false
	}
	end := whenMatch{toHour: -1, pod: m.pod}
	e, ok := t.clock(k, &end, true)
	if !ok {
		return i, false
	}
	if t.at(k-1) == '-' && !isDigit(t.at(k)) {
		return i, false
	}
	start := whenMatch{pod: m.pod, hasClock: true, loose: true, hour: h}
	sh, eh := start.hour24(), end.hour24()
	if m.pod == "" && eh > sh+12 && sh < 12 {
		sh += 12 // 3-5点 in the afternoon, like 5点
	}
	if eh <= sh {
		return i, false
	}
	m.hasClock, m.loose, m.hour, m.min = true, false, sh, 0
	m.pod = ""
	if start.pod != "" {
		m.pod = start.pod
		m.hour = h
		m.loose = true
	}
	m.toHour, m.toMin = eh, end.min
	return e, true
}

// relativeDays are the day words, longest first where one contains another.
var relativeDays = []struct {
	word string
	days int
	pod  string
}{
	{"大后天", 3, ""}, {"后天", 2, ""}, {"明天", 1, ""}, {"明日", 1, ""}, {"明儿", 1, ""},
	{"今天", 0, ""}, {"今日", 0, ""}, {"今儿", 0, ""}, {"今晚", 0, "晚上"}, {"明晚", 1, "晚上"},
	{"今早", 0, "早上"}, {"明早", 1, "早上"}, {"今夜", 0, "晚上"},
	{"大前天", -3, ""}, {"前天", -2, ""}, {"昨天", -1, ""}, {"昨日", -1, ""},
	{"昨晚", -1, "晚上"},
}

// beforeQian are characters that, right before 前天, make 前 end another word: 目前天气,
// 提前天数, 之前天天.
const beforeQian = "目之以提从事先此当眼面跟门楼向空生日年月周天午节会课钟前"

// monthDayPast and dayOfMonthPast are how many days a month-day (11月29日) or a day of the
// month (29号) may lie behind today and still mean this year or month: such a date has just
// passed, and the caller refuses it as past. Further back it means next year or month.
const (
	monthDayPast   = 60
	dayOfMonthPast = 10
)

// weekdayNames maps the day after 周/星期/礼拜 to Monday = 0 … Sunday = 6.
var weekdayNames = map[rune]int{
	'一': 0, '二': 1, '三': 2, '四': 3, '五': 4, '六': 5, '日': 6, '天': 6,
	'1': 0, '2': 1, '3': 2, '4': 3, '5': 4, '6': 5, '7': 6,
}

// partsOfDay are the words for a part of the day, longest first.
var partsOfDay = []string{
	"早上", "早晨", "清晨", "上午", "中午", "下午", "傍晚", "晚上", "晚间",
	"夜里", "夜间", "半夜", "深夜", "凌晨",
}

// podDefault is the hour a part of the day stands for when no clock time is given.
var podDefault = map[string]int{
	"早上": 8, "早晨": 8, "清晨": 7, "上午": 9, "中午": 12, "下午": 15, "傍晚": 18,
	"晚上": 19, "晚间": 19, "夜里": 22, "夜间": 22, "半夜": 24, "深夜": 23, "凌晨": 5,
}

// date matches a date at i into m and returns its end.
func (t *text) date(i int, m *whenMatch) (int, bool) {
	for _, d := range relativeDays {
		if t.has(i, d.word) {
			if d.word == "前天" && strings.ContainsRune(beforeQian, t.at(i-1)) {
				continue
			}
			if t.at(i-1) == '大' || t.at(i-1) == '前' && d.days < 0 {
				return i, false // 大大后天 is not 大后天: ask instead
			}
			m.kind, m.days, m.pod = dateRelative, d.days, d.pod
			return i + len([]rune(d.word)), true
		}
	}
	if j, ok := t.offset(i, m); ok {
		return j, true
	}
	if j, ok := t.festival(i, m); ok {
		return j, true
	}
	if j, ok := t.lunarDate(i, m); ok {
		return j, true
	}
	if j, ok := t.weekday(i, m); ok {
		return j, true
	}
	if j, ok := t.monthAhead(i, m); ok {
		return j, true
	}
	return t.numericDate(i, m)
}

// offsetUnits are the units of a relative offset, longest first.
var offsetUnits = []struct {
	word string
	unit time.Duration
	days int
}{
	{"个半小时", 0, 0}, {"个半钟头", 0, 0}, {"个小时", time.Hour, 0}, {"个钟头", time.Hour, 0}, {"小时", time.Hour, 0}, {"钟头", time.Hour, 0},
	{"分钟", time.Minute, 0}, {"个星期", 0, 7}, {"个礼拜", 0, 7}, {"星期", 0, 7}, {"礼拜", 0, 7}, {"周", 0, 7}, {"天", 0, 1}, {"日", 0, 1},
}

// afterWords end a relative offset: 3天后, 3天以后, 3天之后.
var afterWords = []string{"以后", "之后", "后"}

// offset matches 3天后, 两小时后, 半小时后, 一个半小时后, 20分钟后, 一周后 at i.
func (t *text) offset(i int, m *whenMatch) (int, bool) {
	n, j := 0, i
	half := false
	if t.at(i) == '半' {
		half, j = true, i+1
		if t.at(j) == '个' {
			j++
		}
	} else {
		v, e, _, ok := t.number(i)
		if !ok {
			return i, false
		}
		n, j = v, e
	}
	for _, u := range offsetUnits {
		if !t.has(j, u.word) {
			continue
		}
		e := j + len([]rune(u.word))
		_, e2, ok := t.word(e, afterWords)
		if !ok {
			return i, false
		}
		switch {
		case u.word == "个半小时" || u.word == "个半钟头":
			if half {
				return i, false
			}
			m.kind, m.offset = dateOffset, time.Duration(n)*time.Hour+30*time.Minute
			return e2, true
		case u.unit != 0:
			d := time.Duration(n) * u.unit
			if half {
				if u.unit != time.Hour {
					return i, false
				}
				d = 30 * time.Minute
			}
			if d <= 0 || d > 7*24*time.Hour {
				return i, false
			}
			m.kind, m.offset = dateOffset, d
			return e2, true
		default:
			if half || n <= 0 || n*u.days > 400 {
				return i, false
			}
			m.kind, m.days = dateRelative, n*u.days
			return e2, true
		}
	}
	return i, false
}

// weekday matches 周六, 星期六, 礼拜天, 周末, 下周一, 下下周一, 下个星期一, 下周周六, 本周五, 这周五.
func (t *text) weekday(i int, m *whenMatch) (int, bool) {
	kind, weeks := dateWeekday, 0
	j := i
	if w, k, ok := t.word(j, []string{"下下个", "下下", "下个", "下", "这个", "这", "本"}); ok {
		kind, weeks = dateNextWeek, 1
		switch w {
		case "下下个", "下下":
			weeks = 2
		case "这个", "这", "本":
			kind, weeks = dateThisWeek, 0
		}
		j = k
	}
	_, k, ok := t.word(j, []string{"星期", "礼拜", "周"})
	if !ok {
		return i, false
	}
	if kind != dateWeekday {
		// 下周周六, 下周星期六
		if _, k2, ok := t.word(k, []string{"星期", "礼拜", "周"}); ok {
			if _, ok := weekdayNames[t.at(k2)]; ok {
				k = k2
			}
		}
	}
	if t.at(k) == '末' {
		m.kind, m.weekday, m.weeks = kind, 5, weeks
		return k + 1, true
	}
	wd, ok := weekdayNames[t.at(k)]
	if !ok || (isDigit(t.at(k)) && isDigit(t.at(k+1))) {
		return i, false
	}
	if t.at(k+1) == '气' || (isDigit(t.at(k)) && t.unitAfter(k+1) && !t.has(k+1, "号")) {
		return i, false // 这周天气, 周3天
	}
	m.kind, m.weekday, m.weeks = kind, wd, weeks
	return k + 1, true
}

// monthAhead matches 本月9号, 这个月9号, 下个月5号, 下月15号, 下下个月1号.
func (t *text) monthAhead(i int, m *whenMatch) (int, bool) {
	w, j, ok := t.word(i, []string{"下下个月", "下个月", "这个月", "下月", "本月", "这月", "当月"})
	if !ok {
		return i, false
	}
	months := 0
	switch w {
	case "下下个月":
		months = 2
	case "下个月", "下月":
		months = 1
	}
	n, k, _, ok := t.num(j, false)
	if !ok || (t.at(k) != '号' && t.at(k) != '日') {
		return i, false
	}
	m.kind, m.months, m.day = dateMonthAhead, months, n
	return k + 1, true
}

// numericDate matches 2026年12月10日, 12月10日, 12月10号, 12.10, 2026-12-10 and 10号.
func (t *text) numericDate(i int, m *whenMatch) (int, bool) {
	n, j, chinese, ok := t.number(i)
	if !ok {
		return i, false
	}
	switch r := t.at(j); {
	case r == '年':
		if n < 100 {
			n += 2000
		}
		mo, k, _, ok := t.number(j + 1)
		if !ok || t.at(k) != '月' {
			return i, false
		}
		d, k2, _, ok := t.number(k + 1)
		if !ok || (t.at(k2) != '日' && t.at(k2) != '号') {
			return i, false
		}
		m.kind, m.year, m.month, m.day = dateFull, n, mo, d
		return t.weekdayAside(k2 + 1), true
	case r == '月':
		d, k, _, ok := t.number(j + 1)
		if !ok || n < 1 || n > 12 {
			return i, false
		}
		if t.at(k) == '日' || t.at(k) == '号' {
			k++
		} else if t.unitAfter(k) {
			return i, false
		}
		m.kind, m.month, m.day = dateMonthDay, n, d
		return t.weekdayAside(k), true
	case r == '号' || r == '日':
		if n < 1 || n > 31 {
			return i, false
		}
		if p := t.at(i - 1); strings.ContainsRune("路街巷道弄楼栋幢单元室第号#No月-/.", p) || p < 0x80 && p > 0 && (p|0x20 >= 'a' && p|0x20 <= 'z') {
			return i, false
		}
		m.kind, m.day = dateDayOfMonth, n
		return t.weekdayAside(j + 1), true
	case (r == '.' || r == '/' || r == '-') && !chinese:
		mo, k, chinese, ok := t.num(j+1, false)
		if !ok || chinese || t.at(k) == '.' && isDigit(t.at(k+1)) {
			return i, false
		}
		if j-i == 4 && t.at(k) == r { // 2026-12-10, 2026.12.10, 2026/12/10
			d, k2, chinese, ok := t.num(k+1, false)
			if !ok || chinese || t.at(k2) == r {
				return i, false
			}
			m.kind, m.year, m.month, m.day = dateFull, n, mo, d
			return k2, true
		}
		if j-i > 2 || k-(j+1) > 2 || t.at(k) == r || t.at(k) == ':' {
			return i, false
		}
		if r == '-' && !t.boundary(k) && t.at(k) != ' ' && !t.sp[k] {
			return i, false // 3-5点 is a range of hours, not March 5th
		}
		m.kind, m.month, m.day, m.needsTime = dateMonthDay, n, mo, r != '-'
		return k, true
	}
	return i, false
}

// weekdayAside skips a weekday written after an explicit date, as in 12月10日(周四) or
// 12月10日 周四, and returns where the date phrase ends.
func (t *text) weekdayAside(i int) int {
	j := i
	open := t.at(j) == '(' || t.at(j) == '（'
	if open {
		j++
	}
	var m whenMatch
	k, ok := t.weekday(j, &m)
	if !ok || m.kind != dateWeekday {
		return i
	}
	if open {
		if t.at(k) != ')' && t.at(k) != '）' {
			return i
		}
		k++
	}
	return k
}

// partOfDay matches 上午, 下午, 晚上 … at i.
func (t *text) partOfDay(i int, m *whenMatch) (int, bool) {
	w, j, ok := t.word(i, partsOfDay)
	if !ok {
		return i, false
	}
	m.pod = w
	return j, true
}

// bareBefore are characters that, right before a Chinese 一点/两点 with no date or part of
// the day, make it "a little" or "two points" rather than a time: 早一点, 有两点建议.
const bareBefore = "统快慢早晚多少好差有第这那哪几每唯大小高低重轻提说讲下再近远"

// bareAfter are characters that, right after 点 in such a phrase, do the same: 一点点, 两点儿.
const bareAfter = "点儿也都名赞评头击燃亮子缀滴心要意建内"

// clock matches 9点, 9点半, 9点30, 9点30分, 9点一刻, 9点钟, 14:30, 三点, 十点半 at i.
// anchored says a date or part of the day came before, which settles a Chinese numeral.
func (t *text) clock(i int, m *whenMatch, anchored bool) (int, bool) {
	h, j, chinese, ok := t.num(i, !anchored)
	if !ok || h > 24 {
		return i, false
	}
	switch r := t.at(j); {
	case r == ':' && !chinese:
		if !isDigit(t.at(j+1)) || !isDigit(t.at(j+2)) || isDigit(t.at(j+3)) || j-i > 2 {
			return i, false
		}
		mm := int(t.at(j+1)-'0')*10 + int(t.at(j+2)-'0')
		if mm > 59 || (h == 24 && mm > 0) {
			return i, false
		}
		// 2:30 reads like 两点半; 02:30 is written as a 24-hour time on purpose.
		m.hasClock, m.loose, m.hour, m.min = true, j-i == 1, h, mm
		return j + 3, true
	case r == '点' || (r == '时' && !chinese):
		k := j + 1
		if t.at(k) == '钟' {
			k++
		}
		mm := 0
		switch {
		case t.at(k) == '半':
			mm, k = 30, k+1
		case t.has(k, "一刻"):
			mm, k = 15, k+2
		case t.has(k, "三刻"):
			mm, k = 45, k+2
		case t.at(k) == '整':
			k++
		default:
			if n, k2, chineseMin, ok := t.num(k, false); ok {
				switch {
				case t.has(k2, "分钟") || t.unitAfter(k2) || t.at(k2) == '.':
					if chinese && chineseMin {
						return i, false // 一点五小时 is a decimal, not a time
					}
					// 3点2小时: the number after 点 counts something else.
				case t.at(k2) == '分':
					mm, k = n, k2+1
				default:
					mm, k = n, k2
				}
				if mm > 59 {
					return i, false
				}
			}
		}
		if chinese && !anchored {
			if strings.ContainsRune(bareBefore, t.at(i-1)) || strings.ContainsRune(bareAfter, t.at(j+1)) {
				return i, false
			}
		}
		if h == 24 && mm > 0 {
			return i, false
		}
		m.hasClock, m.loose, m.hour, m.min = true, true, h, mm
		return k, true
	}
	return i, false
}

// hour24 turns the written hour into an hour of the day (24 and more meaning the next day)
// given the part of the day.
func (m *whenMatch) hour24() int {
	h := m.hour
	switch m.pod {
	case "":
		if m.loose && h >= 1 && h <= 5 {
			return h + 12
		}
	case "凌晨":
		if h == 12 {
			return 0
		}
	case "中午":
		if h < 11 {
			return h + 12
		}
	case "下午", "傍晚":
		if h < 12 {
			return h + 12
		}
	case "晚上", "晚间":
		switch {
		case h == 12:
			return 24
		case h <= 4:
			return h + 24
		case h < 12:
			return h + 12
		}
	case "夜里", "夜间", "半夜", "深夜":
		switch {
		case h == 12:
			return 24
		case h <= 5:
			return h + 24
		case h < 12:
			return h + 12
		}
	}
	return h
}

// daysIn returns the number of days of month mo in year y.
func daysIn(y, mo int) int {
	return time.Date(y, time.Month(mo)+1, 0, 12, 0, 0, 0, time.UTC).Day()
}

// validDate reports whether y-mo-d is a real day.
func validDate(y, mo, d int) bool {
	return mo >= 1 && mo <= 12 && d >= 1 && d <= daysIn(y, mo)
}

// resolve turns m into a time in loc relative to now.
func (m *whenMatch) resolve(now time.Time, loc *time.Location, def Defaults) (time.Time, bool) {
	n := now.In(loc)
	y, mo, d := n.Year(), int(n.Month()), n.Day()
	hour, min := def.Hour, def.Minute
	switch {
	case m.hasClock:
		hour, min = m.hour24(), m.min
	case m.pod != "":
		hour, min = podDefault[m.pod], 0
	}
	at := func(y, mo, d int) time.Time {
		return time.Date(y, time.Month(mo), d, hour, min, 0, 0, loc)
	}
	today := (int(n.Weekday()) + 6) % 7 // Monday = 0
	switch m.kind {
	case dateNone:
		return at(y, mo, d), true
	case dateOffset:
		return n.Add(m.offset).Truncate(time.Minute), true
	case dateRelative:
		w := at(y, mo, d+m.days)
		if m.days == 0 && !m.hasClock && m.pod == "" && !w.After(n) {
			// 今天 alone once the default hour has passed: the next round hour.
			w = time.Date(y, time.Month(mo), d, n.Hour()+1, 0, 0, 0, loc)
		}
		return w, true
	case dateWeekday:
		w := at(y, mo, d+(m.weekday-today+7)%7)
		if w.Before(now) {
			w = at(y, mo, d+(m.weekday-today+7)%7+7)
		}
		return w, true
	case dateNextWeek:
		return at(y, mo, d-today+7*m.weeks+m.weekday), true
	case dateThisWeek:
		return at(y, mo, d-today+m.weekday), true
	case dateMonthDay:
		yy := y
		if m.month < mo || (m.month == mo && m.day < d) {
			// Already past this year: just past stays (the caller refuses it), long past
			// is next year's. Day counts in UTC have no daylight-saving gaps.
			back := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC).Sub(
				time.Date(y, time.Month(m.month), m.day, 0, 0, 0, 0, time.UTC))
			if back > monthDayPast*24*time.Hour {
				yy++
			}
		}
		if !validDate(yy, m.month, m.day) {
			return time.Time{}, false
		}
		return at(yy, m.month, m.day), true
	case dateFull:
		if m.year < 1900 || m.year > 9999 || !validDate(m.year, m.month, m.day) {
			return time.Time{}, false
		}
		return at(m.year, m.month, m.day), true
	case dateDayOfMonth:
		start := 0
		if m.day < d-dayOfMonthPast {
			start = 1 // long past: next month's; just past stays (the caller refuses it)
		}
		for k := start; k < start+3; k++ {
			yy, mm := y, mo+k
			if mm > 12 {
				yy, mm = yy+1, mm-12
			}
			if validDate(yy, mm, m.day) {
				return at(yy, mm, m.day), true
			}
		}
	case dateMonthAhead:
		yy, mm := y, mo+m.months
		if mm > 12 {
			yy, mm = yy+1, mm-12
		}
		if !validDate(yy, mm, m.day) {
			return time.Time{}, false
		}
		return at(yy, mm, m.day), true
	case dateSolar, dateLunar, dateTerm:
		return m.resolveCalendar(n, at)
	}
	return time.Time{}, false
}
