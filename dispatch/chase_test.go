package dispatch_test

import (
	"strings"
	"testing"
)

// TestChaseNoteAndOverdue: the words after 催办's id reach the party, masked like the
// report's text; a deadline already passed is said as passed.
func TestChaseNoteAndOverdue(t *testing.T) {
	w := newSchedWorld(t, 1, schedAt(t, "2026-12-07 10:00"))
	w.tick(0, w.clock.Now())
	w.say(schedRes, "阿依古丽", "报事 3号楼2单元楼道灯坏了")
	w.say(schedWork, schedCoord, "派单 R1 橙色平安 1天")
	w.clock.Set(schedAt(t, "2026-12-08 11:00"))
	got := w.say(schedRes, "阿依古丽", "催办 R1 灯还是不亮，有事打我电话13812345678")
	if len(got) != 2 || got[1].Chat.Group != schedOrange {
		t.Fatalf("催办: got %q; want the reply and a notice in %s", texts(got), schedOrange)
	}
	for _, s := range []string{"居民催办（灯还是不亮，有事打我电话138****5678）", "已超过期限（今天 12月8日 周二 10:00）"} {
		if !strings.Contains(got[1].Text, s) {
			t.Errorf("notice %q lacks %q", got[1].Text, s)
		}
	}
	if strings.Contains(got[1].Text, "13812345678") {
		t.Errorf("notice shows the phone number: %q", got[1].Text)
	}
}
