package dispatch_test

import (
	"strings"
	"testing"
)

// TestUnitsMatchConfig: 报到 and 登记 take a unit from config's units, as 派单 takes a
// party; anything else is refused with the candidates and changes nothing.
func TestUnitsMatchConfig(t *testing.T) {
	w := newWorld(t)
	w.one(orange, "雷胜", "任务")
	before := w.snapshot()
	for _, c := range []struct{ text, want string }{
		{"报到 不存在的单位", "没有这个单位「不存在的单位」，可选：新疆油田公司勘探开发研究院、克拉玛依市水务公司"},
		{"报到 <script>alert(1)</script>", "没有这个单位「script>alert(1)</scr…」"},
		{"报到 公司", "「公司」可能是：新疆油田公司勘探开发研究院、克拉玛依市水务公司，请写全单位名称"},
		{"登记 雷胜 不存在的单位", "没有这个单位「不存在的单位」"},
	} {
		if got := w.one(orange, "雷胜", c.text); !strings.Contains(got, c.want) {
			t.Errorf("%s: %s; want %s", c.text, got, c.want)
		}
	}
	for k, v := range w.snapshot() {
		if before[k] != v && !strings.Contains(k, ":op:") {
			t.Errorf("a refused unit changed %s: %s → %s", k, before[k], v)
		}
	}
	if got := w.one(orange, "雷胜", "报到！"); !strings.Contains(got, "未填单位") {
		t.Errorf("报到！: %s; want a plain check-in", got)
	}
	if got := w.one(orange, "雷胜", "报到 水务"); !strings.Contains(got, "克拉玛依市水务公司") {
		t.Errorf("报到 水务: %s; want the configured unit", got)
	}
}
