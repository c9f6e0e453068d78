package dispatch_test

import (
	"strings"
	"testing"
)

// TestPrivacyByAudience: the same command shows full data only where the readers may see
// it, whoever asks (spec "Privacy: by audience, not by who asks").
func TestPrivacyByAudience(t *testing.T) {
	w := newWorld(t)
	w.one(green, "艾力", "任务") // 艾力 is a member of 绿色健康
	w.one("", "关秀英", "报事 12栋门口垃圾没人清运，联系我13900001111")
	w.say(office, "魏青", "派单 R1 绿色")
	cases := []struct {
		name, group, nick string
		full              bool
	}{
		{"coordinator in the coordinators' group", office, "魏青", true},
		{"coordinator in private", "", "魏青", true},
		{"coordinator in the residents' group", residents, "魏青", false},
		{"coordinator in a volunteer group", orange, "魏青", false},
		{"coordinator in the roundtable", "圆桌会议", "魏青", false},
		{"party member in private", "", "艾力", true},
		{"party member in the party's group", green, "艾力", false},
		{"other member in private", "", "雷胜", false},
		{"resident in private", "", "路人", false},
	}
	for _, c := range cases {
		got := strings.Join(w.say(c.group, c.nick, "进度 R1"), "\n")
		hasPhone := strings.Contains(got, "13900001111")
		hasName := strings.Contains(got, "关秀英")
		if hasPhone != c.full || hasName != c.full {
			t.Errorf("%s: phone shown %v, name shown %v; want %v:\n%s", c.name, hasPhone, hasName, c.full, got)
		}
		if !c.full && (!strings.Contains(got, "139****1111") || !strings.Contains(got, "关**")) {
			t.Errorf("%s: want the phone and name masked:\n%s", c.name, got)
		}
	}
}

// TestNotesMaskedOnTheWayOut: 办结 and 不满意 notes reach the reporter's group masked and
// the coordinators' group in full, and 进度's history agrees.
func TestNotesMaskedOnTheWayOut(t *testing.T) {
	w := newWorld(t)
	w.one(residents, "阿依古丽", "报事 3号楼楼道灯坏了")
	w.say(office, "魏青", "派单 R1 物业")
	got := strings.Join(w.say(office, "魏青", "办结 R1 联系了家属13900001111"), "\n")
	if !strings.Contains(got, "[长征社区居民群] @阿依古丽 你反映的 R1 已办结：联系了家属139****1111") {
		t.Errorf("办结 note in the residents' group not masked:\n%s", got)
	}
	got = strings.Join(w.say(residents, "阿依古丽", "不满意 R1 我是张秀英，电话 139 2222 3333"), "\n")
	if !strings.Contains(got, "[长征社区工作群] 居民对 R1（设施维修，3号楼）不满意：我是张秀英，电话 139 2222 3333") {
		t.Errorf("不满意 note to the coordinators' group should be in full:\n%s", got)
	}
	got = strings.Join(w.say(residents, "魏青", "进度 R1"), "\n")
	for _, leak := range []string{"13900001111", "张秀英", "2222"} {
		if strings.Contains(got, leak) {
			t.Errorf("进度 in the residents' group shows %q:\n%s", leak, got)
		}
	}
}
