package dispatch_test

import (
	"strings"
	"testing"
	"time"

	"github.com/changzheng/chorus/dispatch"
	"github.com/changzheng/chorus/store"
)

// TestDefaultTime: a day written with no clock time gets the community's default time
// (config community.default_time), in 发布 and in 派单's deadline; a clock time still wins.
func TestDefaultTime(t *testing.T) {
	w := newWorld(t)
	c := testCommunity(t)
	c.DefaultTime = 7*time.Hour + 45*time.Minute
	w.db = store.New(w.rdb, store.Options{KeyPrefix: w.prefix, Community: "test"})
	w.svc = dispatch.New(c, w.db, dispatch.Options{Now: w.clock})
	for _, step := range []struct{ group, nick, text, want string }{
		{"橙色平安长征志愿者", "魏青", "发布 巡逻 明天 东门", "时间：明天 11月28日 周六 07:45"},
		{"橙色平安长征志愿者", "魏青", "发布 巡逻 周一 东门", "时间：11月30日 周一 07:45"},
		{"橙色平安长征志愿者", "魏青", "发布 巡逻 明天上午10点 东门", "时间：明天 11月28日 周六 10:00"},
		{"长征社区居民群", "老周", "报事 3号楼2单元楼道灯坏了", "已受理 R1"},
		{"长征社区工作群", "魏青", "派单 R1 物业 明天", "期限 明天 11月28日 周六 07:45"},
	} {
		got := strings.Join(w.say(step.group, step.nick, step.text), "\n")
		if !strings.Contains(got, step.want) {
			t.Errorf("%s: got %q; want %q in it", step.text, got, step.want)
		}
	}
}
