package dispatch

import (
	"regexp"
	"slices"
	"strings"
	"unicode"
	"unicode/utf8"
)

// personalRE finds the numbers MaskPersonal hides, in text folded to half-width. The first
// alternative that matches at a position wins, so the longer forms come first; what may
// stand around a match is checked afterwards (RE2 has no look-around).
//
// An ID card number and a mobile may be written with up to two spaces, dashes or dots
// between any two digits ("650203 19800101 4321", "135  1234  9876"), as people type them
// to read them back.
var personalRE = regexp.MustCompile(
	`(?P<id>[1-9](?:[ .-]{0,2}\d){16}[ .-]{0,2}[\dXx])` + // an ID card number
		`|(?P<mobile>(?:\+?86[ -]?)?1[ .-]{0,2}[3-9](?:[ .-]{0,2}\d){9})` + // 139 1234 5678
		`|(?P<paren>\(0\d{2,3}\) ?\d{7,8})` + // (0990)6212345
		`|(?P<land>0\d{2,3}[ -]?\d{7,8}|\d{3,4}-\d{7,8})` + // 0990-6212345
		`|(?P<local>[2-9]\d{6,7})`) // 6212345

// localAfter are the characters after a standing-alone 7 or 8 digit number that make it a
// count, an amount or part of an id rather than a phone number.
const localAfter = ".%‰元块角份人名位个次号楼栋幢单元室层户米万亿千百岁天年月日时分秒件箱袋斤台辆套张本条笔根盒瓶包"

// nameCues are the words after which a person's name follows, longest first.
var nameCues = []string{"联系人", "联系", "我是", "我叫", "本人", "姓名", "老人", "住户", "业主", "家属"}

// nameTitles are the words after a name that say it is a person's (张秀英阿姨, 李桂兰大妈):
// the name before one is masked when it starts with a common surname. A surname alone
// (李阿姨) names nobody and is left.
var nameTitles = []string{"阿姨", "大爷", "奶奶", "爷爷", "大妈", "大娘", "婆婆", "老人", "师傅"}

// surnames are common family names (and the first characters of common Uyghur and Kazakh
// names). A name after a cue word with no colon is masked only when it starts with one, so
// that 请联系物业 and 本人已到 are left alone.
const surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔汤温康施牛樊葛邢齐易乔伍庞颜倪庄聂章鲁岳翟殷詹申欧耿兰焦俞左柳甘祝包宁尚符舒阮柯纪梅童凌毕季裴霍涂苗谷盛曲翁冉骆蓝游辛靳柴蒙鲍喻祁蒲房滕屈饶牟艾尤阳穆卓古吉缪简芦麦褚娄窦戚岑景党宫费卜冷晏席卫米柏宗瞿桂佟臧闵苟邬边卞姬栾隋刁沙荣巫寇桑郎甄丛仲虞敖巩佘池查麻苑迟邝阿买努帕迪"

// notNames are common words after a cue that start with a surname character: 联系方式,
// 本人高兴, 联系阿姨.
var notNames = []string{
	"方式", "方法", "方面", "方便", "高兴", "何时", "于是", "付款", "付费", "万一", "金额",
	"石油", "高龄", "江边", "白天", "龙头", "齐全", "严重", "安全", "阿姨", "宁愿", "吉祥", "卫生",
	"包括", "包裹", "米面", "温度", "康复", "沙发", "简单", "费用", "苏州", "毛病", "叶子",
	"钱包", "史上", "尤其", "任务", "任何", "曾经", "蒋家", "党员", "党组", "冷水", "迟到",
	"池子", "查看", "查询", "宗旨", "宫殿", "程序", "杜绝", "申请", "申报", "舒服", "符合",
	"章程", "季度", "盛情", "柴油", "边上", "边界", "麻烦", "古城", "易碎", "乔迁", "庄重",
}

// nameFollowers are words that end a name run into the text after it, so 李四电话 is 李四.
var nameFollowers = []string{
	"电话", "手机", "微信", "的", "在", "住", "家", "说", "来", "去", "已", "是", "和", "与",
	"也", "反映", "先生", "女士", "阿姨", "师傅", "老师", "大爷", "大妈", "同志", "负责",
	"联系", "今天", "明天", "号", "楼", "请", "要", "想", "有", "不", "没",
}

// MaskPersonal hides personal details in text shown to people other than coordinators and
// in logs:
//   - mobile numbers, also written with spaces, dashes or dots or in full-width digits, as
//     the first 3 digits, **** and the last 4 ("138****5678");
//   - landlines with an area code ("0990-6212345", "(0990)6212345") as the area code and
//     "-****" with the last 4 digits ("0990-****2345"), and 7 or 8 digit local numbers
//     standing alone ("6212345") as "****2345";
//   - ID card numbers (18 characters, the last may be X) as stars but for the last 4;
//   - a name after 联系人, 联系, 我是, 我叫, 本人 or 姓名 (optionally with a colon) as its
//     first character and a star for each other ("联系人李*", "我是张**"). After a colon
//     any 2 or 3 Han characters are a name; without one, only those starting with a
//     common surname and not forming a common word (请联系物业, 联系方式, 本人已到 are left).
//
// Building numbers (3号楼2单元), dates, counts (200份) and task ids are left alone.
func MaskPersonal(text string) string {
	return maskNames(maskNumbers(text))
}

// maskNumbers hides phone and ID card numbers.
func maskNumbers(s string) string { return replaceNumbers(s, true) }

// GluePersonal writes each phone and ID card number in text as one run of digits
// ("138 1234 5678" → "13812345678"), so that a parser that splits text at spaces (发布's
// title and place) keeps it whole, and the privacy door can still find it.
// The same goes for a name after a cue word and a space ("我是 杨淑华" → "我是杨淑华").
func GluePersonal(text string) string { return glueNames(replaceNumbers(text, false)) }

// glueNames drops the spaces between a cue word and the name after it.
func glueNames(s string) string {
	t := newText(s)
	var b strings.Builder
	done := 0 // runes of t written to b
	for i := 0; i < len(t.r); i++ {
		_, j, ok := t.word(i, nameCues)
		if !ok {
			continue
		}
		k := t.spaces(j)
		if k == j || t.nameAt(k, false) == 0 {
			continue
		}
		b.WriteString(t.slice(done, j))
		done = k
		i = k - 1
	}
	if done == 0 {
		return s
	}
	b.WriteString(t.slice(done, len(t.r)))
	return b.String()
}

// replaceNumbers masks (or, with mask false, glues) every phone and ID card number.
func replaceNumbers(s string, mask bool) string {
	// Fold full-width digits and punctuation, remembering where each folded byte came from.
	var f strings.Builder
	offs := make([]int, 0, len(s)+1)
	for i, r := range s {
		r = fold(r)
		n := f.Len()
		f.WriteRune(r)
		for ; n < f.Len(); n++ {
			offs = append(offs, i)
		}
	}
	offs = append(offs, len(s))
	folded := f.String()

	var b strings.Builder
	done := 0 // bytes of s written to b
	names := personalRE.SubexpNames()
	for p := 0; p < len(folded); {
		m := personalRE.FindStringSubmatchIndex(folded[p:])
		if m == nil {
			break
		}
		start, end := p+m[0], p+m[1]
		kind := ""
		for g := 1; g < len(names); g++ {
			if m[2*g] >= 0 {
				kind = names[g]
				break
			}
		}
		masked, ok := maskNumber(kind, folded, start, end)
		if ok && !mask {
			masked = strings.Map(func(r rune) rune {
				if r == ' ' || r == '-' || r == '.' {
					return -1
				}
				return r
			}, folded[start:end])
		}
		if !ok {
			_, size := utf8.DecodeRuneInString(folded[start:])
			p = start + size
			continue
		}
		b.WriteString(s[done:offs[start]])
		b.WriteString(masked)
		done = offs[end]
		p = end
	}
	if done == 0 {
		return s
	}
	b.WriteString(s[done:])
	return b.String()
}

// maskNumber masks the match folded[start:end] of the given kind, or reports false when
// what stands around it shows it is not a phone or ID card number.
func maskNumber(kind, folded string, start, end int) (string, bool) {
	before, _ := utf8.DecodeLastRuneInString(folded[:start])
	after, _ := utf8.DecodeRuneInString(folded[end:])
	if start == 0 {
		before = 0
	}
	if end == len(folded) {
		after = 0
	}
	latin := func(r rune) bool { return r < 0x80 && (unicode.IsLetter(r) || isDigit(r)) }
	if isDigit(before) || isDigit(after) {
		return "", false
	}
	p := folded[start:end]
	digits := strings.Map(func(r rune) rune {
		if isDigit(r) || r == 'X' || r == 'x' {
			return r
		}
		return -1
	}, p)
	switch kind {
	case "id":
		if latin(before) || latin(after) {
			return "", false
		}
		return strings.Repeat("*", len(digits)-4) + digits[len(digits)-4:], true
	case "mobile":
		prefix := ""
		if k := strings.Index(p, "1"); strings.Contains(p[:k], "86") {
			prefix, digits = p[:k], digits[len(digits)-11:]
		}
		return prefix + digits[:3] + "****" + digits[7:], true
	case "paren", "land":
		if latin(before) || latin(after) || before == '.' || after == '.' {
			return "", false
		}
		k := strings.IndexAny(p, ") -")
		if k < 0 {
			// 09906212345: area codes are 010 and 02x, or four digits.
			k = 4
			if p[1] == '1' || p[1] == '2' {
				k = 3
			}
		}
		area := strings.Trim(p[:k], "() -")
		local := strings.TrimLeft(p[k:], ") -")
		return area + "-****" + local[len(local)-4:], true
	case "local":
		if latin(before) || strings.ContainsRune("#.-$¥", before) ||
			latin(after) || strings.ContainsRune(localAfter, after) || isDate(p) {
			return "", false
		}
		return "****" + p[len(p)-4:], true
	}
	return "", false
}

// isDate reports whether an 8-digit number reads as a date: 20261127.
func isDate(p string) bool {
	if len(p) != 8 || (p[:2] != "19" && p[:2] != "20") {
		return false
	}
	mo := int(p[4]-'0')*10 + int(p[5]-'0')
	d := int(p[6]-'0')*10 + int(p[7]-'0')
	return mo >= 1 && mo <= 12 && d >= 1 && d <= 31
}

// maskNames hides a name after a cue word (联系人李四 → 联系人李*) and a name before a
// title (张秀英阿姨 → 张**阿姨).
func maskNames(s string) string {
	t := newText(s)
	var b strings.Builder
	done := 0 // runes of t written to b
	for i := 0; i < len(t.r); i++ {
		if _, _, ok := t.word(i, nameTitles); ok {
			if n := t.nameBefore(i, done); n > 0 {
				b.WriteString(t.slice(done, i-n+1))
				b.WriteString(strings.Repeat("*", n-1))
				done = i
			}
		}
		cue, j, ok := t.word(i, nameCues)
		if !ok {
			continue
		}
		k := t.spaces(j)
		if (cue == "联系人" || cue == "姓名") && (t.at(k) == '是' || t.at(k) == '为') {
			k = t.spaces(k + 1) // 联系人是李四
		}
		colon := t.at(k) == ':'
		if colon {
			k = t.spaces(k + 1)
		}
		n := t.nameAt(k, colon)
		if n == 0 {
			i = j - 1
			continue
		}
		b.WriteString(t.slice(done, k+1))
		b.WriteString(strings.Repeat("*", n-1))
		done = k + n
		i = done - 1
	}
	if done == 0 {
		return s
	}
	b.WriteString(t.slice(done, len(t.r)))
	return b.String()
}

// nameAt returns how many runes of the name at i to count (2 or 3), or 0 when no name
// starts there. After a colon any 2 or 3 Han characters standing alone are a name;
// otherwise the name must start with a common surname and not be a common word.
func (t *text) nameAt(i int, colon bool) int {
	run := 0
	for unicode.Is(unicode.Han, t.at(i+run)) {
		run++
	}
	if run < 2 {
		return 0
	}
	if colon && run <= 3 {
		return run
	}
	if !strings.ContainsRune(surnames, t.at(i)) {
		return 0
	}
	for _, w := range notNames {
		if t.has(i, w) {
			return 0
		}
	}
	if run <= 3 {
		return run
	}
	if _, _, ok := t.word(i+2, nameFollowers); ok {
		return 2
	}
	return 3
}

// nameBefore returns how many runes before the title at i are a name (3 or 2), not
// reaching back before from: a run of Han characters starting with a common surname,
// preceded by a character that is not part of the name (的张秀英阿姨, 住户刘芳阿姨).
func (t *text) nameBefore(i, from int) int {
	for _, n := range []int{3, 2} {
		start := i - n
		if start < from || !strings.ContainsRune(surnames, t.at(start)) {
			continue
		}
		name := true
		for k := start; k < i; k++ {
			if !unicode.Is(unicode.Han, t.at(k)) || t.at(k) == '的' {
				name = false
			}
		}
		if !name {
			continue
		}
		for _, w := range notNames {
			if t.has(start, w) {
				name = false
			}
		}
		if name {
			return n
		}
	}
	return 0
}

// MaskName hides a display name in logs: its first rune and a star.
func MaskName(name string) string {
	for _, r := range name {
		return string(r) + "*"
	}
	return ""
}

// The marks around a person's name in a post's text (a reporter, the name of a registered
// person): the audience decides whether it is shown or masked. Handle strips both runes
// from everything a person sends, so nobody can forge a mark. They are private-use
// code points: no keyboard or input method produces them.
const (
	openMark  = '\uE000'
	closeMark = '\uE001'
)

// personal marks name as a person's, to be shown only to an audience that may see it.
func personal(name string) string {
	if name == "" {
		return ""
	}
	return string(openMark) + name + string(closeMark)
}

// stripMarks removes the marks from text a person sent.
func stripMarks(s string) string {
	if !strings.ContainsAny(s, string(openMark)+string(closeMark)) {
		return s
	}
	return strings.Map(func(r rune) rune {
		if r == openMark || r == closeMark {
			return -1
		}
		return r
	}, s)
}

// seesAll reports whether whoever reads p may see personal data in full: the
// coordinators' groups, a coordinator's own private chat, and, for one report, the
// private chat of a member of the team it is dispatched to (t.party). Everyone else —
// every other group, including the roundtable, and any private chat not of the speaker —
// sees it masked. t is nil for scheduled posts.
func (s *Service) seesAll(t *turn, p Post) bool {
	if !p.Chat.IsPrivate() {
		g, ok := s.c.Group(p.Chat.Group)
		return ok && g.Kind == KindCoordinators
	}
	if t == nil || p.Chat != t.m.Chat {
		return false
	}
	return t.role >= RoleCoordinator || (t.party != "" && slices.Contains(t.me.Teams, t.party))
}

// guard is the one door every post goes out by, from Handle and from RunDue: it masks
// each post for its audience. A handler marks the names it shows with personal(); the
// rest of the text is scanned for phone and ID numbers and for names after cue words,
// so a post that forgets to mark something is still masked. A coordinator's broadcast
// (t.announcement) keeps its numbers: they are the coordinator's own words to that
// audience, such as the community office's phone.
func (s *Service) guard(t *turn, posts []Post) []Post {
	for i, p := range posts {
		full := s.seesAll(t, p)
		door := func(text string) string {
			text = unmark(text, full)
			if full {
				return text
			}
			if t != nil && t.announcement {
				return maskNames(text)
			}
			return MaskPersonal(text)
		}
		p.Text = door(p.Text)
		if p.Card != nil {
			// A card shows the task's words too (title, place): the same door, on a copy.
			c := *p.Card
			c.Title, c.Note = door(c.Title), door(c.Note)
			c.Fields = slices.Clone(c.Fields)
			for j := range c.Fields {
				c.Fields[j].Value = door(c.Fields[j].Value)
			}
			p.Card = &c
		}
		posts[i] = p
	}
	return posts
}

// unmark removes the marks around names, masking the names unless full: "关秀英" becomes
// "关**". A mark left open runs to the end of the text.
func unmark(text string, full bool) string {
	if !strings.ContainsRune(text, openMark) && !strings.ContainsRune(text, closeMark) {
		return text
	}
	var b strings.Builder
	in, first := false, false
	for _, r := range text {
		switch {
		case r == openMark:
			in, first = true, true
		case r == closeMark:
			in = false
		case !in || full || first:
			b.WriteRune(r)
			first = false
		default:
			b.WriteRune('*')
		}
	}
	return b.String()
}
