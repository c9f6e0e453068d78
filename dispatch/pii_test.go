package dispatch_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/changzheng/chorus/dispatch"
)

// piiForms are personal details as residents write them, each with the part that must
// never reach an audience that may not see it (the masked form keeps the rest).
var piiForms = []struct{ form, secret string }{
	// Mobiles.
	{"13873915678", "7391"},
	{"138 7391 5678", "7391"},
	{"138-7391-5678", "7391"},
	{"138.7391.5678", "7391"},
	{"138  7391  5678", "7391"},
	{"1387391 5678", "7391"},
	{"138 73915678", "7391"},
	{"+8613873915678", "7391"},
	{"+86 138 7391 5678", "7391"},
	{"86-13873915678", "7391"},
	{"１３８７３９１５６７８", "７３９１"},
	{"１３８　７３９１　５６７８", "７３９１"},
	{"1 3 8 7 3 9 1 5 6 7 8", "7 3 9 1"},
	// Landlines and local numbers.
	{"0990-6273915", "627"},
	{"0990 6273915", "627"},
	{"(0990)6273915", "627"},
	{"（０９９０）６２７３９１５", "６２７"},
	{"09906273915", "627"},
	{"010-62739158", "627"},
	{"电话6273915", "627"},
	{"座机：68739152", "687"},
	// ID card numbers.
	{"650203198001017391", "19800101"},
	{"650203 19800101 7391", "19800101"},
	{"650203-19800101-7391", "19800101"},
	{"6502 0319 8001 0173 91", "8001"},
	{"65020319800101739X", "19800101"},
	{"65020319800101739x", "19800101"},
	{"６５０２０３１９８００１０１７３９１", "１９８００１０１"},
	{"650203  19800101  739X", "19800101"},
	// Names after cue words, and before titles.
	{"联系人李秀英", "秀英"},
	{"联系人：陈美华", "美华"},
	{"联系人是黄秀云", "秀云"},
	{"我是王桂芝", "桂芝"},
	{"我是 杨淑华", "淑华"},
	{"我叫赵淑珍", "淑珍"},
	{"本人刘玉兰", "玉兰"},
	{"姓名：张凤英", "凤英"},
	{"姓名:何丽娟", "丽娟"},
	{"请联系孙秀珍", "秀珍"},
	{"独居老人李桂兰", "桂兰"},
	{"老人郭淑芬", "淑芬"},
	{"看望张秀梅阿姨", "秀梅"},
	{"王淑兰奶奶", "淑兰"},
	{"住户马玉梅", "玉梅"},
	{"业主周丽华", "丽华"},
	{"家属吴建军说", "建军"},
}

// TestPIIByAudience sends each form through every post kind that carries what people
// write (a report's text, 办结 and 不满意 notes, a task's title, a 退 reason, a 完成 note,
// 进度 with its history, listings, escalations, the agenda, a refusal that quotes the
// text) and checks every post: where the readers may not see personal data (any group
// but the coordinators', any private chat but a coordinator's) the secret part never
// appears; the coordinators' group does see it.
func TestPIIByAudience(t *testing.T) {
	if len(piiForms) < 40 {
		t.Fatalf("%d forms; the table promises at least 40", len(piiForms))
	}
	for _, f := range piiForms {
		t.Run(f.form, func(t *testing.T) {
			// Masking is dispatch's own logic: miniredis is enough, and keeps the table fast.
			rdb := redis.NewClient(&redis.Options{Addr: miniredis.RunT(t).Addr()})
			t.Cleanup(func() { rdb.Close() })
			w := newWorldOn(t, rdb, "pii")
			w.svc = dispatch.New(testCommunity(t), w.db, dispatch.Options{Now: w.clock, Jobs: schedJobs(t)})
			var posts []dispatch.Post
			say := func(group, nick, text string) {
				w.seq++
				m := dispatch.Message{ID: fmt.Sprintf("pii%d", w.seq), Transport: "console", From: dispatch.Sender{Nick: nick}, Text: text}
				if group == "" {
					m.Chat = dispatch.Chat{User: nick, Transport: "console"}
				} else {
					m.Chat = dispatch.Chat{Group: group}
				}
				ps, err := w.svc.Handle(context.Background(), m)
				if err != nil {
					t.Fatalf("%s: %v", text, err)
				}
				posts = append(posts, ps...)
			}
			due := func() {
				bs, err := w.svc.RunDue(context.Background(), w.clock())
				if err != nil {
					t.Fatalf("RunDue: %v", err)
				}
				for _, b := range bs {
					posts = append(posts, b.Posts...)
				}
			}
			due() // the jobs start from now
			F := f.form
			say(green, "艾力", "任务")
			say(residents, "阿依古丽", "报事 3号楼楼道灯坏了，"+F)
			say("", "老周", "报事 5号楼门口漏水，"+F)
			say(office, "魏青", "派单 R1 物业")
			say(office, "魏青", "派单 R2 橙色")
			say(orange, "魏青", "发布 看望"+F+" 明天上午9点 需要2人")
			say(orange, "雷胜", "接 1")
			say(orange, "雷胜", "接 2")
			say(orange, "雷胜", "退 2 "+F)
			say(orange, "雷胜", "完成 1 1小时 "+F)
			say(orange, "雷胜", "任务")
			say(office, "魏青", "办结 R1 "+F)
			say(residents, "阿依古丽", "不满意 R1 "+F)
			say(orange, "魏青", "发布 巡逻 大大大后天 "+F)
			for _, at := range []struct{ group, nick string }{
				{residents, "魏青"}, {orange, "魏青"}, {"圆桌会议", "魏青"}, {office, "魏青"}, {"", "魏青"},
				{orange, "雷胜"}, {"", "雷胜"}, {residents, "阿依古丽"}, {"", "老周"},
			} {
				say(at.group, at.nick, "进度 R1")
				say(at.group, at.nick, "进度 R2")
			}
			say(office, "魏青", "诉求")
			w.advance(4 * 24 * time.Hour) // past every SLA, across Monday's agenda
			due()

			var fullSeen, maskedSeen int
			for _, p := range posts {
				full := p.Chat.Group == office || (p.Chat.IsPrivate() && p.Chat.User == "魏青") ||
					// R2 is dispatched to 橙色平安: its member 雷胜 gets the contact in private.
					(p.Chat.IsPrivate() && p.Chat.User == "雷胜" && strings.HasPrefix(p.Text, "R2 "))
				leak := strings.Contains(p.Text, f.secret)
				switch {
				case full && leak:
					fullSeen++
				case !full && leak:
					t.Errorf("%s leaks %q to [%s%s]:\n%s", f.form, f.secret, p.Chat.Group, p.Chat.User, p.Text)
				case !full && (strings.Contains(p.Text, "灯坏了") || strings.Contains(p.Text, "漏水")):
					maskedSeen++
				}
			}
			if fullSeen == 0 || maskedSeen < 5 {
				t.Errorf("%s: %d posts showed it in full to coordinators, %d showed the report masked to others; want some of each", f.form, fullSeen, maskedSeen)
			}
		})
	}
}
