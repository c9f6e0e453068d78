package when

import "strings"

// Problems finds the times in s that are written as times but cannot be one: 25点,
// 12点70分, 13月5日, 12月99日, 2月30日, 40号. A caller runs it on the words Parse did not read,
// to refuse them with the allowed range instead of keeping them as something else.
func Problems(s string) []Problem {
	t := newText(s)
	var out []Problem
	for i := 0; i < len(t.r); i++ {
		n, j, _, ok := t.number(i)
		if !ok {
			continue
		}
		switch r := t.at(j); {
		case (r == '点' && !t.has(j+1, "钟头")) || (r == '时' && !t.has(j+1, "间")):
			if n > 24 && !t.unitAfter(j+1) {
				out = append(out, Problem{Phrase: t.slice(i, j+1), Field: FieldHour, Max: 24})
			} else if mm, k, _, ok := t.num(j+1, false); ok && mm > 59 && !t.unitAfter(k) {
				out = append(out, Problem{Phrase: t.slice(i, k), Field: FieldMinute, Max: 59})
			}
		case r == ':' && isDigit(t.at(j+1)) && isDigit(t.at(j+2)) && !isDigit(t.at(j+3)):
			mm := int(t.at(j+1)-'0')*10 + int(t.at(j+2)-'0')
			if n > 24 {
				out = append(out, Problem{Phrase: t.slice(i, j+3), Field: FieldHour, Max: 24})
			} else if mm > 59 {
				out = append(out, Problem{Phrase: t.slice(i, j+3), Field: FieldMinute, Max: 59})
			}
		case r == '月':
			d, k, _, ok := t.number(j + 1)
			if !ok || (t.at(k) != '日' && t.at(k) != '号') {
				if n > 12 && (ok || t.boundary(j+1)) && !t.has(j+1, "份") {
					out = append(out, Problem{Phrase: t.slice(i, j+1), Field: FieldMonth, Max: 12})
				}
				continue
			}
			switch {
			case n < 1 || n > 12:
				out = append(out, Problem{Phrase: t.slice(i, k+1), Field: FieldMonth, Max: 12})
			case d < 1 || d > daysIn(2028, n): // 2028 is a leap year: 2月29日 may be real
				out = append(out, Problem{Phrase: t.slice(i, k+1), Field: FieldDay, Max: daysIn(2028, n)})
			}
			j = k + 1
		case r == '号' || r == '日':
			if n > 31 && !t.unitAfter(j+1) && !strings.ContainsRune("院线楼栋", t.at(j+1)) &&
				!strings.ContainsRune("路街巷道弄楼栋幢单元室第#", t.at(i-1)) {
				out = append(out, Problem{Phrase: t.slice(i, j+1), Field: FieldDay, Max: 31})
			}
		}
		i = j - 1
	}
	return out
}

// timeMarkers are words that, in text a caller could not read as anything else, show
// that a time was meant: 大大大后天, 下下下周, 月底, 过几天.
var timeMarkers = []string{
	"今天", "明天", "后天", "昨天", "前天", "天后", "今晚", "明早", "明晚", "今早",
	"星期", "礼拜", "周一", "周二", "周三", "周四", "周五", "周六", "周日", "周天", "周末", "下周", "本周", "这周",
	"上午", "下午", "中午", "晚上", "早上", "凌晨", "傍晚", "夜里", "半夜",
	"点钟", "点半", "一刻", "小时后", "分钟后", "以后", "之后",
	"月底", "月初", "月中", "年底", "年初", "下个月", "下月", "本月", "这个月", "过几天", "改天", "回头",
	"农历", "阴历", "正月", "腊月", "初一", "初二", "初三", "初五", "初八", "十五",
	"节前", "节后", "节日", "年后", "年前",
}

// LooksLikeTime reports whether word, left over after the caller read what it could,
// was plainly meant as a time: it holds a time word (大大后天, 月底, 下下下周一), or a number
// followed by 点, 时, 月, 日 or a colon (25点, 9点70, 13月). Places (3号楼, 602室) and
// counts (3人, 2小时) are not times.
func LooksLikeTime(word string) bool {
	if containsAny(word, timeMarkers) {
		return true
	}
	if len(Problems(word)) > 0 {
		return true
	}
	t := newText(word)
	for i := 0; i < len(t.r); i++ {
		_, j, _, ok := t.num(i, false)
		if !ok {
			continue
		}
		switch t.at(j) {
		case '点', '时', ':', '月':
			if !t.unitAfter(j+1) && !t.has(j, "时间") && !t.has(j, "月份") {
				return true
			}
		case '日':
			return true
		case '号':
			if !t.unitAfter(j+1) && !strings.ContainsRune("院线", t.at(j+1)) {
				return j+1 >= len(t.r) // 5号 alone; 5号门 is a place
			}
		}
		i = j - 1
	}
	return false
}
