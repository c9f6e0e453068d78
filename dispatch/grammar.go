package dispatch

import (
	"fmt"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Verb names what a command does, whatever alias was typed.
type Verb int

// The verbs of the chat contract.
const (
	VerbPublish Verb = iota + 1
	VerbClaim
	VerbRelease
	VerbComplete
	VerbAssign
	VerbCancelTask
	VerbListTasks
	VerbMyTasks
	VerbHelp
	VerbRegister
	VerbPromote
	VerbFileReport
	VerbProgress
	VerbDispatch
	VerbResolve
	VerbRate
	VerbAgenda
	VerbListReports
	VerbCheckIn
	VerbStats
	VerbBroadcast
	VerbDuty
	VerbLeave
	VerbRecategorise
	VerbChase
	VerbFollow
)

// argKind says what may follow a verb; it decides whether a message that merely starts
// with a verb's characters ("接孩子去了") is a command at all.
type argKind int

const (
	argNone    argKind = iota // the whole message is the verb ("任务")
	argID                     // a task or report id follows ("接 12", "接12")
	argText                   // free text follows after a separator ("发布 …", "报事 …"): "投诉有用吗" is chat
	argOptText                // nothing, or text after a separator ("报到", "报到 新疆油田公司")
	argRequest                // as argText, but a plain request needs no separator ("报事3号楼灯坏了")
	argIDOnly                 // like argID, but a bare verb is chat ("+1", "我也是")
)

type alias struct {
	word string
	verb Verb
	args argKind
}

// aliases is the one table of verbs and their aliases. Longer aliases are tried first, so
// "取消任务" wins over "取消认领" and "我的任务" over "任务".
func aliases() []alias {
	return []alias{
		{"发布任务", VerbPublish, argText}, {"新任务", VerbPublish, argText}, {"发布", VerbPublish, argText},
		{"取消认领", VerbRelease, argID}, {"退出", VerbRelease, argID}, {"退", VerbRelease, argID},
		{"认领", VerbClaim, argID}, {"接单", VerbClaim, argID}, {"报名", VerbClaim, argID}, {"接", VerbClaim, argID}, {"领", VerbClaim, argID},
		{"已完成", VerbComplete, argID}, {"完成", VerbComplete, argID}, {"打卡", VerbComplete, argID},
		{"指派", VerbAssign, argID},
		{"取消任务", VerbCancelTask, argID},
		{"任务列表", VerbListTasks, argNone}, {"待认领", VerbListTasks, argNone}, {"任务", VerbListTasks, argNone},
		{"我的任务", VerbMyTasks, argNone},
		{"帮助", VerbHelp, argNone}, {"help", VerbHelp, argNone}, {"?", VerbHelp, argNone},
		{"登记", VerbRegister, argText},
		{"设为协调员", VerbPromote, argText},
		{"报事", VerbFileReport, argRequest}, {"反映", VerbFileReport, argRequest}, {"报修", VerbFileReport, argRequest},
		{"投诉", VerbFileReport, argRequest}, {"求助", VerbFileReport, argRequest},
		{"进度", VerbProgress, argID}, {"查询", VerbProgress, argID},
		{"派单", VerbDispatch, argID},
		{"办结", VerbResolve, argID},
		{"基本满意", VerbRate, argID}, {"不满意", VerbRate, argID}, {"满意", VerbRate, argID},
		{"上会", VerbAgenda, argID},
		{"诉求列表", VerbListReports, argNone}, {"诉求", VerbListReports, argNone},
		{"报到", VerbCheckIn, argOptText},
		{"统计", VerbStats, argNone}, {"排行", VerbStats, argNone},
		{"广播", VerbBroadcast, argText},
		{"值班", VerbDuty, argNone},
		{"请假", VerbLeave, argText},
		{"改类", VerbRecategorise, argID},
		{"催办", VerbChase, argID},
		{"同问", VerbFollow, argID}, {"+1", VerbFollow, argIDOnly}, {"我也是", VerbFollow, argIDOnly},
	}
}

// Command is a parsed chat command. The concrete types below are the closed set.
type Command interface{ command() Verb }

// Publish creates a task; Text is everything after the verb (title, time, place, …).
type Publish struct{ Text string }

// Claim takes a place on a task.
type Claim struct{ Task int64 }

// Release gives a place back; Reason is what followed the id ("退 1 家里有事"), shown to
// the task's group.
type Release struct {
	Task   int64
	Reason string
}

// Complete records service hours; Hours is zero when the task's duration applies.
type Complete struct {
	Task  int64
	Hours float64
	Note  string
}

// Assign claims a place on someone's behalf.
type Assign struct {
	Task int64
	Nick string
}

// CancelTask cancels a task; Reason is what followed the id ("取消任务 1 大风"), shown to
// everyone who had claimed it.
type CancelTask struct {
	Task   int64
	Reason string
}

// ListTasks lists the open tasks of this group's team.
type ListTasks struct{}

// MyTasks lists the speaker's tasks.
type MyTasks struct{}

// Help lists the commands the speaker may use.
type Help struct{}

// Register binds a real name and work unit to the speaker; with Nick (a coordinator's
// "登记 雷胜 @老雷") it merges that person's new nickname into their earlier record.
type Register struct{ Name, Unit, Nick string }

// Promote makes someone a coordinator.
type Promote struct{ Nick string }

// FileReport files a resident's report.
type FileReport struct{ Text string }

// Progress shows a report's status and history.
type Progress struct{ Report int64 }

// Dispatch assigns a report to a party; Rest holds the party and the optional deadline.
type Dispatch struct {
	Report int64
	Rest   string
}

// Resolve marks a report resolved.
type Resolve struct {
	Report int64
	Note   string
}

// Rating is the reporter's verdict on a resolved report.
type Rating int

// The ratings, from 满意 down.
const (
	Satisfied Rating = iota + 1
	FairlySatisfied
	Dissatisfied
)

// Rate is the reporter's rating of a resolved report.
type Rate struct {
	Report int64
	Rating Rating
	Note   string
}

// Agenda puts a report on the roundtable agenda.
type Agenda struct{ Report int64 }

// ListReports lists the open reports.
type ListReports struct{}

// CheckIn records this month's 双向报到.
type CheckIn struct{ Unit string }

// Stats shows this month's figures.
type Stats struct{}

// Broadcast sends a text to all groups or one team's groups.
type Broadcast struct{ Target, Text string }

// Duty shows today's roster duties.
type Duty struct{}

// Leave takes the speaker off the roster for a day; Text is the day as typed.
type Leave struct{ Text string }

// Recategorise corrects a report's category (改类).
type Recategorise struct {
	Report   int64
	Category string
}

// Chase chases a report's responsible party (催办).
type Chase struct {
	Report int64
	Note   string
}

// Follow follows a report instead of filing it again (同问).
type Follow struct{ Report int64 }

func (Recategorise) command() Verb { return VerbRecategorise }
func (Chase) command() Verb        { return VerbChase }
func (Follow) command() Verb       { return VerbFollow }

func (Publish) command() Verb     { return VerbPublish }
func (Claim) command() Verb       { return VerbClaim }
func (Release) command() Verb     { return VerbRelease }
func (Complete) command() Verb    { return VerbComplete }
func (Assign) command() Verb      { return VerbAssign }
func (CancelTask) command() Verb  { return VerbCancelTask }
func (ListTasks) command() Verb   { return VerbListTasks }
func (MyTasks) command() Verb     { return VerbMyTasks }
func (Help) command() Verb        { return VerbHelp }
func (Register) command() Verb    { return VerbRegister }
func (Promote) command() Verb     { return VerbPromote }
func (FileReport) command() Verb  { return VerbFileReport }
func (Progress) command() Verb    { return VerbProgress }
func (Dispatch) command() Verb    { return VerbDispatch }
func (Resolve) command() Verb     { return VerbResolve }
func (Rate) command() Verb        { return VerbRate }
func (Agenda) command() Verb      { return VerbAgenda }
func (ListReports) command() Verb { return VerbListReports }
func (CheckIn) command() Verb     { return VerbCheckIn }
func (Stats) command() Verb       { return VerbStats }
func (Broadcast) command() Verb   { return VerbBroadcast }
func (Duty) command() Verb        { return VerbDuty }
func (Leave) command() Verb       { return VerbLeave }

// maxCommandRunes bounds what Parse looks at; longer messages are refused with a short
// reply rather than stored.
const maxCommandRunes = 500

// Parse recognises a command at the start of text. It returns ok=false for ordinary chat,
// which is never answered. For a command with missing or malformed arguments it returns
// ok=true and a *Refusal that shows the right form.
//
// Invisible characters (see StripInvisible) are removed first, wherever they are, so they
// can neither hide a verb nor reach a stored title, name or report.
func Parse(text, botName string) (cmd Command, ok bool, err error) {
	text = StripInvisible(text)
	t := stripLead(Normalize(text), botName)
	a, rest, found := matchVerb(t)
	if !found {
		return nil, false, nil
	}
	if taskVerb(a.verb) {
		rest = arabicTaskID(rest)
	}
	if !accepts(a.args, rest) {
		return nil, false, nil
	}
	if utf8.RuneCountInString(rest) > maxCommandRunes {
		return nil, true, refuse(replyTooLong)
	}
	rest = strings.TrimSpace(strings.TrimLeftFunc(rest, isSep))
	raw, rawOK := rawRest(text, botName, a.word)
	if rawOK && (a.args == argText || a.args == argOptText || a.args == argRequest) {
		// Free text is kept as typed (full-width commas, line breaks): only the verb and
		// ids need normalising.
		rest = raw
	}
	cmd, err = build(a, rest)
	if rawOK && err == nil {
		cmd = withRawNote(cmd, raw)
	}
	return cmd, true, err
}

// withRawNote puts back, as typed, the free text that follows an id (完成 12 …, 办结 R3 …).
func withRawNote(cmd Command, raw string) Command {
	tail := strings.TrimLeftFunc(raw, func(r rune) bool {
		return isSep(r) || unicode.IsSpace(r) || strings.ContainsRune("#＃RrＲｒ", r)
	})
	tail = strings.TrimPrefix(tail, "任务")
	if _, size, ok := hanTaskID(tail); ok {
		tail = tail[size:] // "退二号 家里有事"
	}
	tail = strings.TrimLeftFunc(tail, func(r rune) bool { return unicode.IsDigit(r) })
	tail = strings.TrimPrefix(tail, "号")
	tail = strings.TrimFunc(tail, func(r rune) bool { return isSep(r) || unicode.IsSpace(r) })
	switch c := cmd.(type) {
	case Resolve:
		c.Note = tail
		return c
	case Rate:
		c.Note = tail
		return c
	case Release:
		c.Reason = tail
		return c
	case CancelTask:
		c.Reason = tail
		return c
	case Chase:
		if c.Note != "" {
			c.Note = tail // "催办 R1 怎么还没人来，灯还是不亮" reaches the party as typed
		}
		return c
	case Complete:
		if c.Note != "" && tail != "" {
			if _, phrase, ok := ParseHoursAny(tail); ok {
				tail = strings.TrimSpace(strings.Replace(tail, phrase, "", 1))
			}
			c.Note = tail
		}
		return c
	}
	return cmd
}

// rawRest is what follows the verb in the text as typed.
func rawRest(text, botName, word string) (string, bool) {
	t := strings.TrimLeftFunc(text, unicode.IsSpace)
	if botName != "" && strings.HasPrefix(t, "@"+botName) {
		t = strings.TrimLeftFunc(t[len("@"+botName):], unicode.IsSpace)
	}
	t = strings.TrimLeft(t, "#/＃／")
	t = strings.TrimLeftFunc(t, unicode.IsSpace)
	if !strings.HasPrefix(t, word) {
		return "", false
	}
	t = strings.TrimLeftFunc(t[len(word):], func(r rune) bool { return unicode.IsSpace(r) || isSep(r) })
	return strings.TrimRightFunc(t, unicode.IsSpace), true
}

// stripLead removes an optional "@bot-name", "#" or "/" before the verb.
func stripLead(t, botName string) string {
	t = strings.TrimSpace(t)
	if botName != "" && strings.HasPrefix(t, "@"+botName) {
		t = strings.TrimLeft(t[len("@"+botName):], " \u2005")
	}
	t = strings.TrimLeft(t, "#/")
	return strings.TrimSpace(t)
}

func matchVerb(t string) (alias, string, bool) {
	var best alias
	found := false
	for _, a := range aliases() {
		if len(a.word) <= len(best.word) {
			continue
		}
		if strings.HasPrefix(strings.ToLower(t), a.word) {
			best, found = a, true
		}
	}
	if !found {
		return alias{}, "", false
	}
	return best, t[len(best.word):], true
}

// isSep reports whether r separates a verb from its arguments.
func isSep(r rune) bool {
	return unicode.IsSpace(r) || strings.ContainsRune(":,，：、;；\u2005", r)
}

// trailing is punctuation people add after a bare verb ("任务？", "统计。").
const trailing = " 。.!！?？~～"

// accepts decides whether what follows a verb makes the message a command.
func accepts(k argKind, rest string) bool {
	r, _ := utf8.DecodeRuneInString(rest)
	switch k {
	case argNone:
		return strings.Trim(rest, trailing) == ""
	case argID, argIDOnly:
		if strings.Trim(rest, trailing) == "" {
			return k == argID // a bare "接": a command missing its id; a bare "+1": chat
		}
		if isSep(r) {
			// "接 12" is a command and "接 abc" a malformed one, but "接 一下电话" and
			// "退出 群聊" are chat: Chinese words where the id should be.
			first, _ := utf8.DecodeRuneInString(strings.TrimLeftFunc(rest, func(r rune) bool { return isSep(r) }))
			return !unicode.Is(unicode.Han, first)
		}
		return unicode.IsDigit(r) || r == '#' || r == 'R' || r == 'r'
	case argText, argOptText:
		return strings.Trim(rest, trailing) == "" || isSep(r)
	case argRequest:
		return strings.Trim(rest, trailing) == "" || isSep(r) || isRequest(rest)
	}
	return false
}

// build turns a verb and its argument text into a typed command.
func build(a alias, rest string) (Command, error) {
	v := a.verb
	switch v {
	case VerbPublish:
		if rest == "" {
			return nil, refuse(formatPublish)
		}
		return Publish{Text: rest}, nil
	case VerbClaim, VerbRelease, VerbCancelTask:
		// Words after the id are a note or a reason ("接1号 谢谢", "退 1 家里有事"); a
		// second number ("接 12 13") is not, since that person meant two tasks.
		id, tail, ok := leadingID(rest, false)
		if !ok {
			return nil, refuse(formatFor(v))
		}
		if second, tail2, two := leadingID(strings.TrimLeftFunc(tail, isSep), false); two || startsWithID(tail) {
			// Only a plain second id is echoed back: "退 2 138 7391 5678" is a number
			// that must not be repeated to the group.
			plain := two && second < 1e6 && strings.TrimFunc(tail2, func(r rune) bool {
				return isSep(r) || strings.ContainsRune(trailing, r)
			}) == ""
			if plain && v != VerbCancelTask {
				// "接 2、3": one task a message, so that each answer says what happened to it.
				return nil, refuse(fmt.Sprintf(replyOneTaskAtATime, verbWord(v), verbWord(v), id, verbWord(v), second))
			}
			return nil, refuse(formatFor(v))
		}
		switch v {
		case VerbClaim:
			return Claim{Task: id}, nil
		case VerbRelease:
			return Release{Task: id, Reason: tail}, nil
		}
		return CancelTask{Task: id, Reason: tail}, nil
	case VerbComplete:
		id, tail, ok := leadingID(rest, false)
		if !ok {
			return nil, refuse(formatComplete)
		}
		c := Complete{Task: id}
		if h, phrase, ok := ParseHoursAny(tail); ok {
			// 完成 1 -5小时 and 0小时 are refused here; hours beyond the task's length
			// are refused by the handler, which knows the task.
			if h <= 0 || negativeBefore(tail, phrase) {
				return nil, refuse(replyHoursPositive)
			}
			c.Hours = h.Hours()
			tail = strings.Replace(tail, phrase, "", 1)
		}
		c.Note = strings.TrimSpace(tail)
		return c, nil
	case VerbAssign:
		id, tail, ok := leadingID(rest, false)
		nick := trimNick(tail)
		if !ok || nick == "" {
			return nil, refuse(formatAssign)
		}
		return Assign{Task: id, Nick: nick}, nil
	case VerbPromote:
		nick := trimNick(rest)
		if nick == "" {
			return nil, refuse(formatPromote)
		}
		return Promote{Nick: nick}, nil
	case VerbRegister:
		f := strings.Fields(rest)
		if len(f) == 0 || utf8.RuneCountInString(f[0]) > 20 || !isName(f[0]) {
			return nil, refuse(formatRegister)
		}
		if last := f[len(f)-1]; len(f) > 1 && strings.HasPrefix(last, "@") {
			return Register{Name: f[0], Nick: trimNick(last)}, nil
		}
		return Register{Name: f[0], Unit: strings.Join(f[1:], " ")}, nil
	case VerbFileReport:
		if meaningful(rest) < 2 {
			return nil, refuse(formatReport) // "报事 🙂🙂" says nothing a worker could act on
		}
		return FileReport{Text: rest}, nil
	case VerbProgress, VerbAgenda:
		// "进度 R1 怎么还没人来": the words after the id ask the same thing.
		id, tail, ok := leadingID(rest, true)
		if !ok || startsWithID(tail) {
			return nil, refuse(formatFor(v))
		}
		if v == VerbProgress {
			return Progress{Report: id}, nil
		}
		return Agenda{Report: id}, nil
	case VerbDispatch:
		id, tail, ok := leadingID(rest, true)
		if !ok || tail == "" {
			return nil, refuse(formatDispatch)
		}
		return Dispatch{Report: id, Rest: tail}, nil
	case VerbResolve:
		id, tail, ok := leadingID(rest, true)
		if !ok {
			return nil, refuse(formatResolve)
		}
		return Resolve{Report: id, Note: tail}, nil
	case VerbRate:
		id, tail, ok := leadingID(rest, true)
		if !ok {
			return nil, refuse(formatRate)
		}
		r := Satisfied
		switch a.word {
		case "基本满意":
			r = FairlySatisfied
		case "不满意":
			r = Dissatisfied
		}
		return Rate{Report: id, Rating: r, Note: tail}, nil
	case VerbCheckIn:
		return CheckIn{Unit: rest}, nil
	case VerbBroadcast:
		end := strings.IndexFunc(rest, func(r rune) bool { return unicode.IsSpace(r) || isSep(r) })
		if end < 0 {
			end = len(rest)
		}
		target := rest[:end]
		text := strings.TrimSpace(strings.TrimLeftFunc(rest[end:], func(r rune) bool { return unicode.IsSpace(r) || isSep(r) }))
		if target == "" || text == "" {
			return nil, refuse(formatBroadcast)
		}
		return Broadcast{Target: target, Text: text}, nil
	case VerbLeave:
		if rest == "" {
			return nil, refuse(formatLeave)
		}
		return Leave{Text: rest}, nil
	case VerbRecategorise:
		id, tail, ok := leadingID(rest, true)
		if !ok || tail == "" {
			return nil, refuse(formatRecategorise)
		}
		return Recategorise{Report: id, Category: tail}, nil
	case VerbChase:
		id, tail, ok := leadingID(rest, true)
		if !ok {
			return nil, refuse(formatChase)
		}
		return Chase{Report: id, Note: tail}, nil
	case VerbFollow:
		id, _, ok := leadingID(rest, true)
		if !ok {
			return nil, refuse(formatFollow)
		}
		return Follow{Report: id}, nil
	case VerbListTasks:
		return ListTasks{}, nil
	case VerbMyTasks:
		return MyTasks{}, nil
	case VerbHelp:
		return Help{}, nil
	case VerbListReports:
		return ListReports{}, nil
	case VerbStats:
		return Stats{}, nil
	case VerbDuty:
		return Duty{}, nil
	}
	return nil, refuse(replyUnknown)
}

// leadingID reads "12", "#12", "12号", "任务12" (and "R37" when report is set) at the start
// of s, returning the id and the trimmed text after it.
func leadingID(s string, report bool) (int64, string, bool) {
	s = strings.TrimPrefix(s, "#")
	if report {
		if strings.HasPrefix(s, "R") || strings.HasPrefix(s, "r") {
			s = s[1:]
		}
	} else {
		s = strings.TrimPrefix(s, "任务")
		s = strings.TrimPrefix(s, "#")
	}
	end := strings.IndexFunc(s, func(r rune) bool { return r < '0' || r > '9' })
	if end < 0 {
		end = len(s)
	}
	if end == 0 || end > 9 {
		return 0, "", false
	}
	id, err := strconv.ParseInt(s[:end], 10, 64)
	if err != nil || id <= 0 {
		return 0, "", false
	}
	tail := s[end:]
	if t := strings.TrimLeft(tail, " "); strings.HasPrefix(t, "号") {
		tail = strings.TrimPrefix(t, "号") // "12号", "12 号"
	}
	if tail != "" {
		r, _ := utf8.DecodeRuneInString(tail)
		// After a report id a note may follow at once ("办结 R1已更换灯泡"); after a task
		// id only a separator may ("12a" is no id).
		if !isSep(r) && !strings.ContainsRune(trailing, r) && !(report && unicode.Is(unicode.Han, r)) {
			return 0, "", false
		}
	}
	return id, strings.TrimSpace(strings.TrimFunc(strings.Trim(tail, trailing), isSep)), true
}

// startsWithID reports whether s begins with another id ("12", "#12", "R3").
func startsWithID(s string) bool {
	s = strings.TrimLeft(s, "#RrＲｒ")
	r, _ := utf8.DecodeRuneInString(s)
	return isDigit(r)
}

// trimNick reads "@雷胜" (with or without the @ and WeChat's \u2005 after it).
func trimNick(s string) string {
	s = strings.TrimSpace(s)
	s = strings.TrimPrefix(s, "@")
	return strings.TrimSpace(strings.Trim(s, "\u2005"))
}

// meaningful counts the letters and digits in s (Chinese characters are letters).
func meaningful(s string) int {
	n := 0
	for _, r := range s {
		if unicode.IsLetter(r) || unicode.IsDigit(r) {
			n++
		}
	}
	return n
}

// isName reports whether s looks like a person's name: letters, with the middle dot of
// Uyghur and Kazakh names written in Chinese (艾力·买买提).
func isName(s string) bool {
	for _, r := range s {
		if !unicode.IsLetter(r) && r != '·' && r != '•' && r != '.' {
			return false
		}
	}
	return s != ""
}

// invisible reports whether r is a character that shows nothing: zero-width spaces and
// joiners, the BOM, direction marks and overrides, soft hyphens, NUL and other control
// characters (line breaks and tabs excepted). Copy-paste and some input methods put them
// into text; an override stored in a title would show it reversed in every listing.
func invisible(r rune) bool {
	switch r {
	case '\n', '\r', '\t':
		return false
	case utf8.RuneError:
		return false // invalid bytes are kept and fail to parse as anything
	}
	return unicode.Is(unicode.Cf, r) || unicode.Is(unicode.Cc, r) ||
		(r >= 0xFE00 && r <= 0xFE0F) || r == 0x115F || r == 0x1160 || r == 0x3164 || r == 0xFFA0
}

// StripInvisible returns s without its invisible characters (see invisible).
func StripInvisible(s string) string {
	if strings.IndexFunc(s, invisible) < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s))
	for _, r := range s {
		if !invisible(r) {
			b.WriteRune(r)
		}
	}
	return b.String()
}

// chatOpeners are words that, right after a report verb with no separator, make the
// message talk about reporting rather than report: 投诉有用吗, 求助了吗, 反映过好几次了,
// 报修电话是多少, 求助大家. Longest first where one begins another.
var chatOpeners = []string{
	"了", "过", "的", "吗", "呢", "吧", "啊", "呀", "么", "嘛", "完", "好", "得", "着", "到",
	"一下", "下", "什么", "啥", "怎么", "怎样", "如何", "哪", "谁", "几", "有用", "没用", "有没有", "无门", "不了", "不成",
	"电话", "热线", "平台", "渠道", "方式", "流程", "箱", "信", "人", "者", "成功", "一次", "大家", "各位",
	"群", "很", "太", "也", "都", "还", "就", "给", "是", "不是", "这", "那", "他", "她", "你",
}

// questionEnds end a message that asks rather than reports (投诉物业有用吗).
const questionEnds = "吗嘛呢么?？"

// isRequest reports whether rest, written straight after a report verb with no separator,
// is plainly a request (报事3号楼2单元楼道灯坏了, 求助我家老人摔倒了, 报修7号楼暖气不热) and
// not chat about reporting (投诉有用吗, 求助了吗). It must not begin with a chat word, and
// must name a place or a problem the categories know; a question counts only with a
// numbered place (报修3号楼暖气怎么还不热？).
func isRequest(rest string) bool {
	rest = strings.TrimSpace(rest)
	r, _ := utf8.DecodeRuneInString(rest)
	if !unicode.Is(unicode.Han, r) && !isDigit(r) && !isChineseNumeral(r) {
		return false
	}
	for _, w := range chatOpeners {
		if strings.HasPrefix(rest, w) {
			return false
		}
	}
	if meaningful(rest) < 4 {
		return false
	}
	for _, w := range []string{"有用", "没用", "管用", "有没有用"} {
		if strings.Contains(rest, w) {
			return false // 投诉3号楼的事有用吗
		}
	}
	place := ExtractPlace(rest)
	last, _ := utf8.DecodeLastRuneInString(strings.TrimRight(rest, " 。.!！~～"))
	if strings.ContainsRune(questionEnds, last) {
		return place != "" && strings.IndexFunc(place, isDigit) >= 0
	}
	if place != "" {
		return true
	}
	cats := defaultCategories() // read only: no copy of the whole table for each message
	return Classify(rest, cats) != cats[len(cats)-1].Name
}

// taskVerb reports whether v takes a task id, which voice input writes in Chinese numerals.
func taskVerb(v Verb) bool {
	switch v {
	case VerbClaim, VerbRelease, VerbComplete, VerbCancelTask, VerbAssign:
		return true
	}
	return false
}

// hanTaskID reads a task id in Chinese numerals at the start of s, as voice input writes
// "接1号": "一号", "十二号". The 号 is required and must end the word, so that "接一下" and
// "领一号楼的钥匙" stay chat. It returns the id and the byte length of the numerals and 号.
func hanTaskID(s string) (id, size int, ok bool) {
	i := strings.IndexFunc(s, func(r rune) bool { return !isChineseNumeral(r) })
	if i <= 0 || !strings.HasPrefix(s[i:], "号") {
		return 0, 0, false
	}
	end := i + len("号")
	if r, _ := utf8.DecodeRuneInString(s[end:]); end < len(s) && !isSep(r) && !strings.ContainsRune(trailing, r) {
		return 0, 0, false
	}
	n, ok := ParseChineseNumber(s[:i])
	if !ok || n <= 0 {
		return 0, 0, false
	}
	return n, end, true
}

// arabicTaskID rewrites a leading Chinese-numeral task id ("一号 谢谢", after separators)
// as digits ("1号 谢谢"), so that every later step reads one form.
func arabicTaskID(rest string) string {
	lead := len(rest) - len(strings.TrimLeftFunc(rest, isSep))
	if id, size, ok := hanTaskID(rest[lead:]); ok {
		return rest[:lead] + strconv.Itoa(id) + "号" + rest[lead+size:]
	}
	return rest
}
