package when

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// runeLenAt is the byte length of the rune at s[i], 1 for an invalid byte.
func runeLenAt(s string, i int) int {
	_, n := utf8.DecodeRuneInString(s[i:])
	return n
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

// IsChineseNumeral reports whether r is a Chinese digit or unit (一, 两, 十, 百 …).
func IsChineseNumeral(r rune) bool {
	_, d := chineseDigits[r]
	_, u := chineseUnits[r]
	return d || u
}

func isDigit(r rune) bool { return r >= '0' && r <= '9' }

// Number reads a whole number from 0 to 9999 written in Arabic digits (half- or
// full-width: "12", "１２") or in Chinese numerals: with units ("十", "十一", "二十",
// "两百", "三百零五", "二百五" = 250, "一千二" = 1200) or digit by digit ("二〇二六" = 2026).
// It reports false for anything else, including an empty string.
func Number(s string) (int, bool) {
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
		if !IsChineseNumeral(r) {
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

// text is a message prepared for scanning: its runes folded to half-width, spaces taken
// out except between two digits (so 明天 上午 10 点 reads as 明天上午10点, while 12.10 9点
// stays two numbers), with the byte offset of every rune in the original so a match is
// returned as the exact substring, spaces inside included.
type text struct {
	src  string
	r    []rune
	sp   []bool // sp[i]: a space stood before r[i]; sp[len(r)]: trailing space
	offs []int  // offs[i] is the byte offset of r[i] in src
	ends []int  // ends[i] is the byte offset just after r[i] in src
}

func newText(s string) *text {
	t := &text{src: s}
	space, spaceAt, spaceEnd := false, 0, 0
	for i, r := range s {
		size := runeLenAt(s, i)
		r = fold(r)
		if unicode.IsSpace(r) {
			if !space {
				spaceAt = i
			}
			space, spaceEnd = true, i+size
			continue
		}
		if space && len(t.r) > 0 && isDigit(r) && isDigit(t.r[len(t.r)-1]) {
			// Between two digits a space still separates: 12.10 9点.
			t.r = append(t.r, ' ')
			t.sp = append(t.sp, false)
			t.offs = append(t.offs, spaceAt)
			t.ends = append(t.ends, spaceEnd)
			space = false
		}
		t.r = append(t.r, r)
		t.sp = append(t.sp, space)
		t.offs = append(t.offs, i)
		t.ends = append(t.ends, i+size)
		space = false
	}
	t.sp = append(t.sp, space)
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
func (t *text) slice(i, j int) string {
	if j <= i {
		return ""
	}
	return t.src[t.offs[i]:t.ends[j-1]]
}

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

// word returns the first of words found at i (the longest should come first) and its end.
func (t *text) word(i int, words []string) (string, int, bool) {
	for _, w := range words {
		if t.has(i, w) {
			return w, i + len([]rune(w)), true
		}
	}
	return "", i, false
}

// boundary reports whether a phrase may end before rune i: at the end, before a space
// or before punctuation.
func (t *text) boundary(i int) bool {
	if i >= len(t.r) || (i >= 0 && t.sp[i]) {
		return true
	}
	r := t.at(i)
	return r == 0 || unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r) || r == '~' || r == '|'
}

// startOK reports whether a phrase may begin at rune i: at the start, after a space or
// after punctuation.
func (t *text) startOK(i int) bool {
	if i <= 0 || t.sp[i] {
		return true
	}
	r := t.at(i - 1)
	return unicode.IsSpace(r) || unicode.IsPunct(r) || unicode.IsSymbol(r)
}

// num reads a whole number at i: a run of ASCII digits or of Chinese numerals. With
// guard, it refuses a number that continues one begun before i. It returns the value,
// the end and whether it was written in Chinese.
func (t *text) num(i int, guard bool) (n, end int, chinese, ok bool) {
	r := t.at(i)
	switch {
	case isDigit(r):
		p := t.at(i - 1)
		if guard && (isDigit(p) || (p == '.' && isDigit(t.at(i-2))) || p == '-' && !isDigit(t.at(i-2))) {
			return 0, i, false, false
		}
		j := i
		for isDigit(t.at(j)) {
			j++
		}
		if j-i > 6 {
			return 0, i, false, false
		}
		n, ok := Number(string(t.r[i:j]))
		return n, j, false, ok
	case IsChineseNumeral(r):
		if guard && IsChineseNumeral(t.at(i-1)) {
			return 0, i, true, false
		}
		j := i
		for IsChineseNumeral(t.at(j)) && j-i < 8 {
			j++
		}
		for ; j > i; j-- { // the longest prefix that reads as a number
			if n, ok := Number(string(t.r[i:j])); ok {
				return n, j, true, true
			}
		}
	}
	return 0, i, false, false
}

// number is num with the guard.
func (t *text) number(i int) (n, end int, chinese, ok bool) { return t.num(i, true) }

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

// contains reports whether s contains any of words.
func containsAny(s string, words []string) bool {
	for _, w := range words {
		if strings.Contains(s, w) {
			return true
		}
	}
	return false
}
