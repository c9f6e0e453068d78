package dispatch

import (
	"fmt"
	"strings"
	"time"
	"unicode"
)

// This file reads the free-text parts of a message the way a community worker types them
// on a phone: times (明天上午9点, 周六14:30, 12月10日下午3点半), headcounts (需要3人) and
// durations (2小时). Full-width digits, colons and spaces count as their half-width forms,
// and Chinese numerals (三点, 十点半, 两个小时) are read where people use them.
//
// Every function here is pure: the current time and the community's time zone are passed
// in, and the only package-level values are immutable tables.

// Normalize returns s with full-width ASCII (U+FF01..U+FF5E) turned into half-width, the
// ideographic space U+3000 into a space, and every run of white space (including new lines
// and the U+2005 WeChat puts after an @-mention) collapsed into one space, trimmed at both
// ends. Invisible characters (see StripInvisible) are dropped. Other characters are left
// as they are.
func Normalize(s string) string {
	var b strings.Builder
	b.Grow(len(s))
	space := false
	for _, r := range s {
		if invisible(r) {
			continue
		}
		r = fold(r)
		if unicode.IsSpace(r) {
			space = b.Len() > 0
			continue
		}
		if space {
			b.WriteByte(' ')
			space = false
		}
		b.WriteRune(r)
	}
	return b.String()
}

// fold maps one full-width ASCII rune or the ideographic space to its half-width form.
func fold(r rune) rune {
	switch {
	case r >= 0xFF01 && r <= 0xFF5E:
		return r - 0xFEE0
	case r == 0x3000:
		return ' '
	}
	return r
}

// chineseDigits holds the value of each Chinese digit.
var chineseDigits = map[rune]int{
	'零': 0, '〇': 0, '一': 1, '二': 2, '两': 2, '三': 3, '四': 4,
	'五': 5, '六': 6, '七': 7, '八': 8, '九': 9,
}

// chineseUnits holds the value of each Chinese numeral unit.
var chineseUnits = map[rune]int{'十': 10, '百': 100, '千': 1000}

func isChineseNumeral(r rune) bool {
	_, d := chineseDigits[r]
	_, u := chineseUnits[r]
	return d || u
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// ParseChineseNumber reads a whole number from 0 to 9999 written in Arabic digits
// (half- or full-width: "12", "１２") or in Chinese numerals: with units ("十", "十一",
// "二十", "两百", "三百零五", "二百五" = 250, "一千二" = 1200) or digit by digit
// ("二〇二六" = 2026). It reports false for anything else, including an empty string.
func ParseChineseNumber(s string) (int, bool) {
	rs := []rune(s)
	if len(rs) == 0 {
		return 0, false
	}
	for i, r := range rs {
		rs[i] = fold(r)
	}
	if isDigit(rs[0]) {
		if len(rs) > 9 {
			return 0, false
		}
		n := 0
		for _, r := range rs {
			if !isDigit(r) {
				return 0, false
			}
			n = n*10 + int(r-'0')
		}
		if n > 9999 {
			return 0, false
		}
		return n, true
	}
	hasUnit := false
	for _, r := range rs {
		if !isChineseNumeral(r) {
			return 0, false
		}
		if _, ok := chineseUnits[r]; ok {
			hasUnit = true
		}
	}
	if !hasUnit {
		// Digit by digit, as years are written: 二〇二六.
		if len(rs) > 4 {
			return 0, false
		}
		n := 0
		for _, r := range rs {
			n = n*10 + chineseDigits[r]
		}
		return n, true
	}
	total, cur := 0, -1 // cur is the pending digit, -1 when none
	lastUnit := 100000
	zero := false
	for i, r := range rs {
		if u, ok := chineseUnits[r]; ok {
			if u >= lastUnit {
				return 0, false
			}
			if cur < 0 {
				if i != 0 || u != 10 {
					return 0, false // only a leading 十 may stand without its digit
				}
				cur = 1
			}
			total += cur * u
			cur, lastUnit, zero = -1, u, false
			continue
		}
		d := chineseDigits[r]
		if d == 0 {
			if cur >= 0 || i == 0 || zero {
				return 0, false
			}
			zero = true
			continue
		}
		if cur >= 0 {
			return 0, false // two digits in a row amid units
		}
		cur = d
	}
	if cur > 0 {
		if lastUnit >= 100 && lastUnit < 100000 && !zero {
			cur *= lastUnit / 10 // 二百五 = 250, 一千二 = 1200
		}
		total += cur
	} else if zero {
		return 0, false // a trailing 零
	}
	if total > 9999 {
		return 0, false
	}
	return total, true
}

// text is a message prepared for scanning: its runes folded to half-width, with the byte
// offset of every rune in the original so a match can be returned as the exact substring.
type text struct {
	src  string
	r    []rune
	offs []int // offs[i] is the byte offset of r[i]; offs[len(r)] == len(src)
}

func newText(s string) *text {
	t := &text{src: s}
	for i, r := range s {
		t.r = append(t.r, fold(r))
		t.offs = append(t.offs, i)
	}
	t.offs = append(t.offs, len(s))
	return t
}

// at returns the rune at i, or 0 outside the text.
func (t *text) at(i int) rune {
	if i < 0 || i >= len(t.r) {
		return 0
	}
	return t.r[i]
}

// slice returns the original substring of runes [i, j).
func (t *text) slice(i, j int) string { return t.src[t.offs[i]:t.offs[j]] }

// has reports whether the text has word at rune i.
func (t *text) has(i int, word string) bool {
	for _, w := range word {
		if t.at(i) != w {
			return false
		}
		i++
	}
	return true
}

// word returns the end of the first of words found at i (the longest should come first).
func (t *text) word(i int, words []string) (string, int, bool) {
	for _, w := range words {
		if t.has(i, w) {
			return w, i + len([]rune(w)), true
		}
	}
	return "", i, false
}

// spaces returns the index after any spaces from i.
func (t *text) spaces(i int) int {
	for unicode.IsSpace(t.at(i)) {
		i++
	}
	return i
}

// number reads a whole number at i: a run of ASCII digits or of Chinese numerals that
// does not continue a number begun before i. It returns the value, the end and whether
// it was written in Chinese.
func (t *text) number(i int) (n, end int, chinese, ok bool) { return t.num(i, true) }

// num is number, checking what comes before i only when guard is set.
func (t *text) num(i int, guard bool) (n, end int, chinese, ok bool) {
	r := t.at(i)
	switch {
	case isDigit(r):
		p := t.at(i - 1)
		if guard && (isDigit(p) || (p == '.' && isDigit(t.at(i-2)))) {
			return 0, i, false, false
		}
		j := i
		for isDigit(t.at(j)) {
			j++
		}
		if j-i > 6 {
			return 0, i, false, false
		}
		n, ok := ParseChineseNumber(string(t.r[i:j]))
		return n, j, false, ok
	case isChineseNumeral(r):
		if guard && isChineseNumeral(t.at(i-1)) {
			return 0, i, true, false
		}
		j := i
		for isChineseNumeral(t.at(j)) && j-i < 8 {
			j++
		}
		for ; j > i; j-- { // the longest prefix that reads as a number
			if n, ok := ParseChineseNumber(string(t.r[i:j])); ok {
				return n, j, true, true
			}
		}
	}
	return 0, i, false, false
}

// ---- times ----

// dateKind says how a matched date resolves.
type dateKind int

const (
	dateNone       dateKind = iota // no date: today
	dateRelative                   // 今天/明天/后天/大后天, 昨天/前天/大前天: days from today
	dateWeekday                    // 周六: the next such day, today included while ahead
	dateNextWeek                   // 下周一: that weekday in next calendar week
	dateThisWeek                   // 本周五/这周五: that weekday in this calendar week
	dateMonthDay                   // 12月10日: this year, or next year when more than 60 days past
	dateFull                       // 2026年12月10日
	dateDayOfMonth                 // 10号: this month, or next month when more than 10 days past
)

// whenMatch is a time phrase found in a text, before it is resolved against now.
type whenMatch struct {
	end int

	kind             dateKind
	days             int // dateRelative
	weekday          int // Monday = 0 … Sunday = 6
	year, month, day int
	needsTime        bool // a short date like 12.10 counts only with a time after it
	pod              string
	hasClock, loose  bool // loose: an hour that a missing part of the day makes afternoon
	hour, min        int
}

// relativeDays are the day words, longest first where one contains another.
var relativeDays = []struct {
	word string
	days int
	pod  string
}{
	{"大后天", 3, ""}, {"后天", 2, ""}, {"明天", 1, ""}, {"明日", 1, ""},
	{"今天", 0, ""}, {"今日", 0, ""}, {"今晚", 0, "晚上"}, {"明晚", 1, "晚上"},
	{"今早", 0, "早上"}, {"明早", 1, "早上"},
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

// ParseWhen finds the first time phrase in text and resolves it against now in loc. It
// returns the time, the exact substring of text that said it (so the caller can remove
// it) and true; or false when text says no time.
//
// A phrase is an optional date (今天/明天/后天/大后天, 昨天/前天/大前天, 周六/星期六/礼拜天,
// 下周一, 本周五, 12月10日, 2026年12月10日, 12.10 when a time follows, 10号), an optional
// part of the day (上午, 下午, 晚上 …) and an optional clock time (9点, 9点半, 9点30分,
// 9点一刻, 14:30, 三点, 十点半), at least one of them. Resolution:
//   - no date: today, even when the time has passed (the caller refuses past times);
//   - 昨天/前天/大前天: 1, 2 or 3 days ago, a past time the caller refuses or records;
//   - 周X: the next such day, today included while the time is still ahead;
//   - 下周X: that day in next calendar week (weeks start on Monday);
//   - a month and day: this year, even when it has just passed (up to 60 days back, so
//     the caller refuses it as past); further back, next year (in December, 1月5日 is next
//     January);
//   - a day of the month: this month, even when it has just passed (up to 10 days back);
//     further back, next month;
//   - a date with no time: 09:00; a part of the day alone: 早上 08:00, 上午 09:00,
//     中午 12:00, 下午 15:00, 傍晚 18:00, 晚上 19:00, 夜里 22:00, 凌晨 05:00;
//   - 下午/傍晚 add 12 hours, 中午1点 is 13:00, 晚上12点 is the next day's 00:00, and
//     晚上/夜里 before 5 o'clock is the small hours after that night;
//   - an hour of 1 to 5 with no part of the day is taken as afternoon, whether written
//     with 点 (两点, 3点半) or as H:MM without a leading zero (2:30, 3:00): no volunteer
//     task starts at 3 in the morning. 14:30 and 02:30 (a leading zero) are taken
//     literally, and 凌晨2:30 or 早上5点 keep their part of the day.
//
// Numbers that count something are not times: 3号楼, 2单元, 3人, 2小时, 200份, 1.5小时.
// A nil loc means now's location.
func ParseWhen(s string, now time.Time, loc *time.Location) (when time.Time, phrase string, ok bool) {
	if loc == nil {
		loc = now.Location()
	}
	t := newText(s)
	for i := 0; i < len(t.r); i++ {
		m, ok := t.when(i)
		if !ok {
			continue
		}
		if w, ok := m.resolve(now, loc); ok {
			return w, t.slice(i, m.end), true
		}
		i = m.end - 1
	}
	return time.Time{}, "", false
}

// when matches a time phrase starting at i.
func (t *text) when(i int) (whenMatch, bool) {
	var m whenMatch
	j, hasDate := t.date(i, &m)
	if m.pod == "" {
		k := i
		if hasDate {
			k = t.spaces(j)
		}
		if e, ok := t.partOfDay(k, &m); ok {
			j = e
		}
	}
	anchored := hasDate || m.pod != ""
	k := i
	if anchored {
		k = t.spaces(j)
	}
	if e, ok := t.clock(k, &m, anchored); ok {
		j = e
	}
	switch {
	case !anchored && !m.hasClock:
		return m, false
	case m.needsTime && !m.hasClock && m.pod == "":
		return m, false // 1.5 is no date; 12.10 is one only with a time after it
	case m.kind == dateDayOfMonth && !m.hasClock && m.pod == "" && !t.boundary(j):
		return m, false // 10号楼, 10号线
	case !hasDate && !m.hasClock && (!t.boundary(j) || (i > 0 && !t.boundary(i-1))):
		return m, false // a part of the day inside a word: 夜间巡逻, 早上好
	}
	m.end = j
	return m, true
}

// boundary reports whether a bare date may end before rune i: at the end, before a space
// or before punctuation.
func (t *text) boundary(i int) bool {
	r := t.at(i)
	return r == 0 || unicode.IsSpace(r) || unicode.IsPunct(r) || r == '~' || r == '|'
}

// date matches a date at i into m and returns its end.
func (t *text) date(i int, m *whenMatch) (int, bool) {
	for _, d := range relativeDays {
		if t.has(i, d.word) {
			if d.word == "前天" && strings.ContainsRune(beforeQian, t.at(i-1)) {
				continue
			}
			m.kind, m.days, m.pod = dateRelative, d.days, d.pod
			return i + len([]rune(d.word)), true
		}
	}
	if j, ok := t.weekday(i, m); ok {
		return j, true
	}
	return t.numericDate(i, m)
}

// weekday matches 周六, 星期六, 礼拜天, 下周一, 下个星期一, 本周五, 这周五.
func (t *text) weekday(i int, m *whenMatch) (int, bool) {
	kind := dateWeekday
	j := i
	if w, k, ok := t.word(j, []string{"下个", "下", "这个", "这", "本"}); ok {
		kind = dateNextWeek
		if w != "下个" && w != "下" {
			kind = dateThisWeek
		}
		j = k
	}
	_, k, ok := t.word(j, []string{"星期", "礼拜", "周"})
	if !ok {
		return i, false
	}
	wd, ok := weekdayNames[t.at(k)]
	if !ok || (isDigit(t.at(k)) && isDigit(t.at(k+1))) {
		return i, false
	}
	if t.at(k+1) == '气' {
		return i, false // 这周天气
	}
	m.kind, m.weekday = kind, wd
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
		if p := t.at(i - 1); strings.ContainsRune("路街巷道弄楼栋幢单元室第号#No月-/.", p) || unicode.IsLetter(p) && p < 0x80 {
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
		if r == '-' || j-i > 2 || k-(j+1) > 2 || t.at(k) == r {
			return i, false
		}
		m.kind, m.month, m.day, m.needsTime = dateMonthDay, n, mo, true
		return k, true
	}
	return i, false
}

// weekdayAside skips a weekday written after an explicit date, as in 12月10日(周四) or
// 12月10日 周四, and returns where the date phrase ends.
func (t *text) weekdayAside(i int) int {
	j := t.spaces(i)
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

// countUnits are words after a number that make it a count, not a time.
var countUnits = []string{
	"小时", "分钟", "个", "人", "名", "位", "天", "号", "楼", "栋", "幢", "单元", "室",
	"份", "次", "岁", "元", "块", "米", "公里", "层", "户", "h", "H", "万", "周", "年", "月",
}

// unitAfter reports whether a counting unit follows at i.
func (t *text) unitAfter(i int) bool {
	_, _, ok := t.word(i, countUnits)
	return ok
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

// validDate reports whether y-mo-d is a real day.
func validDate(y, mo, d int, loc *time.Location) bool {
	if mo < 1 || mo > 12 || d < 1 || d > 31 {
		return false
	}
	t := time.Date(y, time.Month(mo), d, 12, 0, 0, 0, loc)
	return t.Day() == d && int(t.Month()) == mo
}

// resolve turns m into a time in loc relative to now.
func (m *whenMatch) resolve(now time.Time, loc *time.Location) (time.Time, bool) {
	n := now.In(loc)
	y, mo, d := n.Year(), int(n.Month()), n.Day()
	hour, min := 9, 0
	switch {
	case m.hasClock:
		hour, min = m.hour24(), m.min
	case m.pod != "":
		hour = podDefault[m.pod]
	}
	at := func(y, mo, d int) time.Time {
		return time.Date(y, time.Month(mo), d, hour, min, 0, 0, loc)
	}
	today := (int(n.Weekday()) + 6) % 7 // Monday = 0
	switch m.kind {
	case dateNone:
		return at(y, mo, d), true
	case dateRelative:
		return at(y, mo, d+m.days), true
	case dateWeekday:
		w := at(y, mo, d+(m.weekday-today+7)%7)
		if w.Before(now) {
			w = at(y, mo, d+(m.weekday-today+7)%7+7)
		}
		return w, true
	case dateNextWeek:
		return at(y, mo, d-today+7+m.weekday), true
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
		if !validDate(yy, m.month, m.day, loc) {
			return time.Time{}, false
		}
		return at(yy, m.month, m.day), true
	case dateFull:
		if m.year < 1900 || m.year > 9999 || !validDate(m.year, m.month, m.day, loc) {
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
			if validDate(yy, mm, m.day, loc) {
				return at(yy, mm, m.day), true
			}
		}
	}
	return time.Time{}, false
}

// weekdayWords names the days of the week, Sunday first as time.Weekday counts.
var weekdayWords = [7]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// FormatWhen writes t the way the chat contract says times back: "12月5日 周六 14:30"
// (month, day, weekday, 24-hour time) in loc, prefixed with "今天 " or "明天 " when t falls
// on now's day or the day after in loc. A nil loc means now's location.
func FormatWhen(t, now time.Time, loc *time.Location) string {
	if loc == nil {
		loc = now.Location()
	}
	t, n := t.In(loc), now.In(loc)
	prefix := ""
	ty, tm, td := t.Date()
	switch ny, nm, nd := n.Date(); {
	case ty == ny && tm == nm && td == nd:
		prefix = "今天 "
	default:
		tomorrow := time.Date(ny, nm, nd+1, 12, 0, 0, 0, loc)
		if y, m, d := tomorrow.Date(); ty == y && tm == m && td == d {
			prefix = "明天 "
		}
	}
	return fmt.Sprintf("%s%d月%d日 %s %02d:%02d", prefix, int(tm), td, weekdayWords[t.Weekday()], t.Hour(), t.Minute())
}

// ---- headcounts and durations ----

// headcountLeads are the words that may come before a headcount, longest first.
var headcountLeads = []string{"共需要", "需要", "招募", "共需", "还需", "需", "招", "限", "共", "要", "缺"}

// ParseHeadcount finds the first headcount in text: 需要3人, 需3人, 3人, 需要三个人, 3名,
// 招募5人, 5位, 人数:5, with or without spaces (half- or full-width) after the leading word
// and before the unit: 需要 5 人, 5 人. It returns the number (1 to 999), the exact substring
// that said it and true, or false when there is none. 3人次 and 第3名 are not headcounts.
func ParseHeadcount(s string) (n int, phrase string, ok bool) {
	return newText(s).headcount(1, 999)
}

// ParseHeadcountAny is ParseHeadcount for any number from 0 up, so that a caller can refuse
// 需要0人 or 需要1000人 with a clear message instead of leaving the phrase in the text.
func ParseHeadcountAny(s string) (n int, phrase string, ok bool) {
	return newText(s).headcount(0, maxCount)
}

// maxCount is the largest count read: nine digits.
const maxCount = 999999999

// headcount finds the first headcount from lo to hi.
func (t *text) headcount(lo, hi int) (n int, phrase string, ok bool) {
	for i := 0; i < len(t.r); i++ {
		if t.has(i, "人数") {
			k := t.spaces(i + 2)
			if t.at(k) == ':' || t.at(k) == '为' {
				k = t.spaces(k + 1)
			}
			if n, e, ok := t.count(k); ok && n >= lo && n <= hi && !t.unitAfter(t.spaces(e)) {
				return n, t.slice(i, e), true
			}
		}
		j := i
		if _, k, ok := t.word(i, headcountLeads); ok {
			j = t.spaces(k)
		}
		n, e, ok := t.count(j)
		if !ok {
			continue
		}
		e = t.spaces(e)
		if t.at(e) == '个' {
			e = t.spaces(e + 1)
		}
		if !strings.ContainsRune("人名位", t.at(e)) {
			continue
		}
		e++
		if n < lo || n > hi || t.at(e) == '次' || t.at(j-1) == '第' || t.at(j-1) == ':' {
			continue
		}
		return n, t.slice(i, e), true
	}
	return 0, "", false
}

// count reads a count at i: as number does, but a run of ASCII digits may be up to nine
// long (需要10000人 is a count, if one to refuse).
func (t *text) count(i int) (n, end int, ok bool) {
	if !isDigit(t.at(i)) {
		n, end, _, ok = t.number(i)
		return n, end, ok
	}
	if p := t.at(i - 1); isDigit(p) || (p == '.' && isDigit(t.at(i-2))) {
		return 0, i, false
	}
	j := i
	for isDigit(t.at(j)) {
		n, j = n*10+int(t.at(j)-'0'), j+1
		if j-i > 9 {
			return 0, i, false
		}
	}
	if t.at(j) == '.' && isDigit(t.at(j+1)) {
		return 0, i, false // 1.5人 counts no one
	}
	return n, j, true
}

// hourWords are the words for "hour" after a number, longest first.
var hourWords = []string{"个小时", "个钟头", "小时", "钟头"}

// ParseHours finds the first duration in text: 2小时, 1.5小时, 半小时, 两个小时, 一个半小时,
// 1小时30分钟, 90分钟, 2h, 1.5h, 90min, with or without spaces (half- or full-width) before
// the unit: 2 小时, 1.5 小时, 90 分钟. It returns the duration (more than zero and at most
// 24 hours), the exact substring that said it and true, or false when there is none.
// Letters glued to a latin unit (2hours is fine, 2hx is not) and decimals begun before the
// match are not read.
func ParseHours(s string) (d time.Duration, phrase string, ok bool) {
	t := newText(s)
	for i := 0; i < len(t.r); i++ {
		d, e, ok := t.hours(i)
		if ok && d > 0 && d <= 24*time.Hour {
			return d, t.slice(i, e), true
		}
	}
	return 0, "", false
}

// hours matches a duration at i.
func (t *text) hours(i int) (time.Duration, int, bool) {
	if t.at(i) == '半' && !isChineseNumeral(t.at(i-1)) && !isDigit(t.at(i-1)) && t.at(i-1) != '个' {
		if _, e, ok := t.word(i+1, hourWords); ok {
			return 30 * time.Minute, e, true
		}
		return 0, i, false
	}
	n, j, chinese, ok := t.number(i)
	if !ok {
		return 0, i, false
	}
	d := time.Duration(n) * time.Hour
	// A decimal: 1.5 (ASCII) or 一点五 (Chinese).
	if !chinese && t.at(j) == '.' && isDigit(t.at(j+1)) {
		k, frac, scale := j+1, 0, 1
		for isDigit(t.at(k)) && scale < 1000 {
			frac, scale, k = frac*10+int(t.at(k)-'0'), scale*10, k+1
		}
		if isDigit(t.at(k)) {
			return 0, i, false
		}
		d += time.Duration(frac) * time.Hour / time.Duration(scale)
		j = k
	} else if chinese && t.at(j) == '点' {
		if f, ok := chineseDigits[t.at(j+1)]; ok {
			if _, _, ok := t.word(t.spaces(j+2), hourWords); ok {
				d += time.Duration(f) * time.Hour / 10
				j += 2
			}
		}
	}
	j = t.spaces(j) // 2 小时, 90　分钟
	switch {
	case t.has(j, "个半") || t.has(j, "半个"):
		if _, e, ok := t.word(j+2, []string{"小时", "钟头"}); ok {
			return d + 30*time.Minute, e, true
		}
	case t.has(j, "分钟") && d%time.Hour == 0:
		return time.Duration(n) * time.Minute, j + 2, true
	}
	if _, e, ok := t.word(j, hourWords); ok {
		// 1小时30分钟, 1小时30分
		if t.at(e) == '半' {
			return d + 30*time.Minute, e + 1, true
		}
		if mm, k, _, ok := t.number(t.spaces(e)); ok && mm < 60 {
			k = t.spaces(k)
			if t.has(k, "分钟") {
				return d + time.Duration(mm)*time.Minute, k + 2, true
			}
			if t.at(k) == '分' {
				return d + time.Duration(mm)*time.Minute, k + 1, true
			}
		}
		return d, e, true
	}
	if chinese {
		return 0, i, false
	}
	if p := t.at(i - 1); p < 0x80 && unicode.IsLetter(p) {
		return 0, i, false
	}
	k := j
	for _, u := range []struct {
		word string
		unit time.Duration
	}{{"hours", time.Hour}, {"hour", time.Hour}, {"hrs", time.Hour}, {"hr", time.Hour}, {"h", time.Hour},
		{"mins", time.Minute}, {"min", time.Minute}} {
		if t.hasFold(k, u.word) {
			e := k + len(u.word)
			if r := t.at(e); r < 0x80 && (unicode.IsLetter(r) || isDigit(r)) {
				continue
			}
			if u.unit == time.Minute {
				if d%time.Hour != 0 {
					return 0, i, false
				}
				return time.Duration(n) * time.Minute, e, true
			}
			return d, e, true
		}
	}
	return 0, i, false
}

// hasFold is has for an ASCII word, ignoring case.
func (t *text) hasFold(i int, word string) bool {
	for _, w := range word {
		if unicode.ToLower(t.at(i)) != w {
			return false
		}
		i++
	}
	return true
}
