package dispatch_test

import (
	"fmt"
	"strings"
	"testing"

	"github.com/alicebob/miniredis/v2"
	"github.com/redis/go-redis/v9"

	"github.com/changzheng/chorus/dispatch"
	"github.com/changzheng/chorus/store"
	"github.com/changzheng/chorus/store/storetest"
)

// The chat kinds a command is tried in, one letter each in the table below.
var permChats = []struct {
	letter byte
	group  string // "" is a private chat
}{
	{'V', orange}, {'R', residents}, {'T', "圆桌会议"}, {'C', office}, {'P', ""},
}

// The speakers. Impostors are WeChat members whose group display name is another
// person's (魏青, the configured coordinator; 雷胜, a member). Residents and impostors are
// fresh people for each chat, so what one cell does (speaking in a volunteer group makes
// a member) does not carry into the next.
const (
	asCoordinator = iota
	asMember
	asResident
	asImpostorCoordinator
	asImpostorMember
	permRoles
)

// all and none are the chat letters of "everywhere" and "nowhere".
const (
	all  = "VRTCP"
	none = ""
)

// permissions is the permissions table: for each verb, where each kind of speaker may use
// it (the chat letters above); everywhere else the answer is a refusal of permission
// (仅协调员可以…, 仅队员可以…, or the verb's own "only …" answer). Anyone speaking in a
// volunteer group is a member of its team (spec "Who is who"), so a resident or an
// impostor in column V is a member there. A display name grants nothing. One row per verb.
var permissions = []struct {
	text string
	may  [permRoles]string // coordinator, member, resident, impostor 魏青, impostor 雷胜
}{
	{"发布 巡逻 明天上午9点 需要9人", [permRoles]string{all, none, none, none, none}},
	{"接 1", [permRoles]string{all, "VP", "V", "V", "V"}},
	{"退 1", [permRoles]string{all, all, all, all, all}},
	{"完成 1", [permRoles]string{all, all, all, all, all}},
	{"指派 1 @雷胜", [permRoles]string{all, none, none, none, none}},
	{"取消任务 2", [permRoles]string{all, none, none, none, none}},
	{"任务", [permRoles]string{all, all, all, all, all}},
	{"我的任务", [permRoles]string{all, all, all, all, all}},
	{"帮助", [permRoles]string{all, all, all, all, all}},
	{"登记 张三", [permRoles]string{all, all, all, all, all}},
	{"登记 雷胜 @雷胜", [permRoles]string{all, none, none, none, none}},
	{"设为协调员 @马丽", [permRoles]string{all, none, none, none, none}},
	{"报事 3号楼楼道灯坏了", [permRoles]string{all, all, all, all, all}},
	{"进度 R1", [permRoles]string{all, all, all, all, all}},
	{"派单 R1 物业", [permRoles]string{all, none, none, none, none}},
	{"办结 R1", [permRoles]string{all, none, none, none, none}},  // dispatched to 物业公司
	{"办结 R2 已处理", [permRoles]string{all, all, "V", "V", "V"}},  // dispatched to 橙色平安
	{"满意 R3", [permRoles]string{none, none, none, none, none}}, // only its reporter
	{"上会 R1", [permRoles]string{all, none, none, none, none}},
	{"诉求", [permRoles]string{all, none, none, none, none}},
	{"报到", [permRoles]string{all, "VP", "V", "V", "V"}},
	{"统计", [permRoles]string{all, all, all, all, all}},
	{"广播 橙色 今晚巡逻取消", [permRoles]string{all, none, none, none, none}},
	{"值班", [permRoles]string{all, all, all, all, all}},
	{"请假 明天", [permRoles]string{all, "VP", "V", "V", "V"}},
	{"改类 R1 治安消防", [permRoles]string{all, none, none, none, none}},
	{"催办 R1", [permRoles]string{all, none, none, none, none}}, // filed by 阿依古丽
	{"催办 R4", [permRoles]string{all, all, none, none, none}},  // filed by 雷胜
	{"同问 R1", [permRoles]string{all, all, all, all, all}},
	{"广播 居民 明天上午9点到12点停水", [permRoles]string{all, none, none, none, none}},
}

// refusalNames is what a refusal of permission must say for a verb: who may use it, and
// the verb itself, so the speaker knows what they were refused and who can do it.
var refusalNames = map[string]string{
	"改类": "仅协调员可以改类",
	"催办": "仅协调员或反映这个问题的居民可以催办",
	"广播": "仅协调员可以广播",
}

// helpOffers says, for a line of 帮助, which speakers it is offered to in which chats
// (the chat letters, as in permissions): a verb is offered where it is allowed. 催办 is
// offered to everyone, because anyone may be the reporter of a report.
var helpOffers = []struct {
	line string
	may  [permRoles]string
}{
	{"改类 R编号 类别", [permRoles]string{all, none, none, none, none}},
	{"广播 全部|居民|队伍名", [permRoles]string{all, none, none, none, none}},
	{"同问 R编号", [permRoles]string{all, all, all, all, all}},
	{"催办 R编号 —— 催促办理你反映的诉求", [permRoles]string{all, all, all, all, all}},
}

// denied reports whether a reply refuses the speaker permission.
func denied(reply string) bool {
	for _, s := range []string{"仅协调员可以", "仅队员可以", "仅协调员或责任队伍的队员可以", "只有反映这个问题的居民可以", "仅协调员或反映这个问题的居民可以"} {
		if strings.Contains(reply, s) {
			return true
		}
	}
	return false
}

// TestPermissions runs every verb as every kind of speaker in every kind of chat, on
// miniredis and, with CHORUS_TEST_REDIS, on the real Redis too.
func TestPermissions(t *testing.T) {
	t.Run("miniredis", func(t *testing.T) {
		rdb := redis.NewClient(&redis.Options{Addr: miniredis.RunT(t).Addr()})
		t.Cleanup(func() { rdb.Close() })
		w := newWorldOn(t, rdb, "perm")
		checkPermissions(t, w)
		checkHelpOffers(t, w)
	})
	if storetest.Real() {
		t.Run("redis", func(t *testing.T) { checkPermissions(t, newWorld(t)) })
	}
}

// newWorldOn is newWorld on a given Redis.
func newWorldOn(tb testing.TB, rdb *redis.Client, prefix string) *world {
	w := &world{t: tb, rdb: rdb, prefix: prefix, now: friday10(tb)}
	w.db = store.New(rdb, store.Options{KeyPrefix: prefix, Community: "test"})
	w.svc = dispatch.New(testCommunity(tb), w.db, dispatch.Options{Now: w.clock})
	return w
}

func checkPermissions(t *testing.T, w *world) {
	// The stage: 雷胜 and 马丽 are members of 橙色平安; tasks #1 and #2; R1 dispatched to
	// 物业公司, R2 to 橙色平安, R3 filed by a resident nobody below is.
	w.sayAs(orange, "雷胜", "雷胜", "任务")
	w.sayAs(orange, "马丽", "马丽", "任务")
	w.sayAs(orange, "魏青", "魏青", "发布 巡逻 明天上午9点 需要20人")
	w.sayAs(orange, "魏青", "魏青", "发布 宣传 明天上午10点 需要20人")
	w.sayAs(residents, "阿依古丽", "阿依古丽", "报事 3号楼2单元楼道灯坏了")
	w.sayAs(residents, "老周", "老周", "报事 5号楼门口垃圾没人清运")
	w.sayAs(residents, "关秀英", "关秀英", "报事 7号楼暖气不热")
	w.sayAs(office, "魏青", "魏青", "派单 R1 物业")
	w.sayAs(office, "魏青", "魏青", "派单 R2 橙色")
	w.sayAs(office, "魏青", "魏青", "办结 R3 已修好")
	w.sayAs(residents, "雷胜", "雷胜", "报事 9号楼电梯按钮失灵")
	if got := w.sayAs(office, "魏青", "魏青", "进度 R4"); !strings.Contains(strings.Join(got, ""), "电梯按钮失灵") {
		t.Fatalf("stage: R4 is not 雷胜's report: %q", got)
	}

	for _, row := range permissions {
		verb, _, _ := strings.Cut(row.text, " ")
		for role := range permRoles {
			for _, c := range permChats {
				display, handle := speaker(role, c.letter, verb)
				got := strings.Join(w.sayAs(c.group, display, handle, row.text), "\n")
				want := strings.IndexByte(row.may[role], c.letter) >= 0
				if got == "" || strings.Contains(got, "系统出了点问题") {
					t.Errorf("%s by %s in %c: %q; want an answer", row.text, roleName(role), c.letter, got)
					continue
				}
				if denied(got) == want {
					t.Errorf("%s by %s in %c: allowed %v; want %v: %s", row.text, roleName(role), c.letter, !want, want, got)
				}
				if names, ok := refusalNames[verb]; ok && !want && !strings.Contains(got, names) {
					t.Errorf("%s by %s in %c: %s; want the refusal to say %q", row.text, roleName(role), c.letter, got, names)
				}
				if role >= asImpostorCoordinator && c.group != "" && strings.HasPrefix(got, "["+c.group+"] @"+display+" ") {
					t.Errorf("%s by %s in %c: answered as @%s: %s", row.text, roleName(role), c.letter, display, got)
				}
			}
		}
	}
}

// checkHelpOffers asks every speaker in every chat for 帮助 and checks that the lines of
// helpOffers appear where, and only where, the table says.
func checkHelpOffers(t *testing.T, w *world) {
	for role := range permRoles {
		for _, c := range permChats {
			display, handle := speaker(role, c.letter, "帮助")
			got := strings.Join(w.sayAs(c.group, display, handle, "帮助"), "\n")
			for _, h := range helpOffers {
				want := strings.IndexByte(h.may[role], c.letter) >= 0
				if strings.Contains(got, h.line) != want {
					t.Errorf("帮助 by %s in %c offers %q: %v; want %v: %s", roleName(role), c.letter, h.line, !want, want, got)
				}
			}
		}
	}
}

// speaker is the display name and handle of role speaking in chat for verb: residents
// and impostors are new people each time.
func speaker(role int, chat byte, verb string) (display, handle string) {
	fresh := fmt.Sprintf("%s-%c-%s", roleName(role), chat, verb)
	switch role {
	case asCoordinator:
		return "魏青", "魏青"
	case asMember:
		return "雷胜", "雷胜"
	case asResident:
		return fresh, fresh
	case asImpostorCoordinator:
		return "魏青", fresh
	}
	return "雷胜", fresh
}

func roleName(role int) string {
	return [...]string{"coordinator", "member", "resident", "impostor-魏青", "impostor-雷胜"}[role]
}
