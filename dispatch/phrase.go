package dispatch

import (
	"fmt"
	"strings"
	"time"
	"unicode"

	whenpkg "github.com/changzheng/chorus/dispatch/when"
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
func ParseChineseNumber(s string) (int, bool) { return whenpkg.Number(s) }

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

// ParseWhen finds the first time phrase in text and resolves it against now in loc with
// the default time of day 09:00; see when.Parse. It returns the time, the exact substring
// of text that said it and true, or false when text says no time.
func ParseWhen(s string, now time.Time, loc *time.Location) (when time.Time, phrase string, ok bool) {
	r, ok := whenpkg.Parse(s, now, loc, whenpkg.Defaults{})
	if !ok {
		return time.Time{}, "", false
	}
	return r.Time, r.Phrase, true
}

// whenDefaults are the community's defaults for what a time phrase leaves unsaid: the
// time of day of a day written with no clock time (config community.default_time).
func (s *Service) whenDefaults() whenpkg.Defaults {
	return whenpkg.Defaults{Hour: int(s.c.DefaultTime / time.Hour), Minute: int(s.c.DefaultTime % time.Hour / time.Minute)}
}

// parseWhen is ParseWhen with the community's default time of day.
func (s *Service) parseWhen(text string, now time.Time) (time.Time, bool) {
	r, ok := whenpkg.Parse(text, now, s.c.Loc, s.whenDefaults())
	return r.Time, ok
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

// weekdayWords names the days of the week, Sunday first as time.Weekday counts.
var weekdayWords = [7]string{"周日", "周一", "周二", "周三", "周四", "周五", "周六"}

// FormatWhen writes t the way the chat contract says times back: "12月5日 周六 14:30"
// (month, day, weekday, 24-hour time; the year too for a date in another year more than
// two months away) in loc, prefixed with "今天 " or "明天 " when t falls
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
	// A date in another year and more than two months away carries its year: 重阳节 said in
	// December is next October, and "10月8日" alone reads as a day already past.
	year := ""
	if d := t.Sub(n); ty != n.Year() && (d > farAway || d < -farAway) {
		year = fmt.Sprintf("%d年", ty)
	}
	return fmt.Sprintf("%s%s%d月%d日 %s %02d:%02d", prefix, year, int(tm), td, weekdayWords[t.Weekday()], t.Hour(), t.Minute())
}

// farAway is how far from now a date in another year must be to be written with its year.
const farAway = 60 * 24 * time.Hour

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

// ParseHoursAny is ParseHours for any duration read, zero and beyond a day included, so a
// caller can refuse 0小时 or 1000小时 with the allowed range instead of ignoring it.
func ParseHoursAny(s string) (d time.Duration, phrase string, ok bool) {
	t := newText(s)
	for i := 0; i < len(t.r); i++ {
		if d, e, ok := t.hours(i); ok {
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
