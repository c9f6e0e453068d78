package dispatch_test

import (
	"strings"
	"testing"

	"github.com/changzheng/chorus/dispatch"
	"github.com/changzheng/chorus/store"
	"github.com/changzheng/chorus/store/storetest"
)

// TestBroadcastResidents: 广播 居民 goes to every residents' group and nowhere else,
// through the privacy door (the coordinator's own numbers kept, a resident's name masked)
// and behind the replies (Scheduled), answered with how many groups it reached; anyone but
// a coordinator is refused with what 广播 needs.
func TestBroadcastResidents(t *testing.T) {
	const liaison = "长征社区联户长群"
	rdb, prefix := storetest.Client(t)
	c := schedCommunity(t)
	c.Groups = append(c.Groups, dispatch.Group{Name: liaison, Kind: dispatch.KindResidents})
	clock := &schedClock{t: schedAt(t, "2026-12-02 10:00")}
	db := store.New(rdb, store.Options{KeyPrefix: prefix, Community: "test"})
	w := &schedWorld{tb: t, clock: clock, dbs: []*store.DB{db},
		svcs: []*dispatch.Service{dispatch.New(c, db, dispatch.Options{Now: clock.Now})}}

	got := w.say(schedWork, schedCoord, "广播 居民 明天上午9点到12点停水，请提前储水。联系人：关秀英 0990-6221234")
	if len(got) != 3 || got[0].Text != "已广播到 2 个群" || got[0].Chat.Group != schedWork || got[0].Scheduled {
		t.Fatalf("广播 居民: got %q", texts(got))
	}
	want := "【广播】明天上午9点到12点停水，请提前储水。联系人：关** 0990-6221234"
	for i, g := range []string{schedRes, liaison} {
		p := got[i+1]
		if p.Chat.Group != g || p.Text != want || !p.Scheduled || len(p.Mentions) != 0 {
			t.Errorf("post %d: %+v; want %q in %s, scheduled (behind replies), nobody mentioned", i+1, p, want, g)
		}
	}
	for _, alias := range []string{"居民群", "全体居民"} {
		if got := w.say(schedWork, schedCoord, "广播 "+alias+" 今晚8点消防演练"); len(got) != 3 || got[0].Text != "已广播到 2 个群" {
			t.Errorf("广播 %s: got %q", alias, texts(got))
		}
	}
	// Refusals name what is needed: the role, or the form with 居民 among the targets.
	for _, r := range []struct{ group, nick, text, want string }{
		{schedOrange, "马丽", "广播 居民 明天停水", "仅协调员可以广播"},
		{schedRes, "老周", "广播 居民 明天停水", "仅协调员可以广播"},
		{schedWork, schedCoord, "广播 居民", "格式：广播 全部|居民|队伍名 内容"},
		{schedWork, schedCoord, "广播 舞龙队 明天停练", "可以广播到：全部、居民、橙色平安、绿色健康"},
	} {
		got := w.say(r.group, r.nick, r.text)
		if len(got) != 1 || !strings.Contains(got[0].Text, r.want) {
			t.Errorf("%s by %s in %s: got %q; want %q", r.text, r.nick, r.group, texts(got), r.want)
		}
	}

	// A community with no residents' group says so instead of reaching 0 groups.
	c.Groups = c.Groups[:2]
	w.svcs[0] = dispatch.New(c, db, dispatch.Options{Now: clock.Now})
	if got := w.say(schedOrange, schedCoord, "广播 居民 明天停水"); len(got) != 1 || !strings.Contains(got[0].Text, "没有配置居民群") {
		t.Errorf("广播 居民 with no residents' group: got %q", texts(got))
	}
}
