package wecom

import (
	"strings"
	"testing"

	"github.com/changzheng/chorus/dispatch"
)

// WeCom's markdown shows backslash escapes as typed, so render escapes nothing: task
// numbers keep their "#", markup characters in people's words become full-width forms,
// and each person of a merged post is named before their own line.
func TestRenderWithoutEscapes(t *testing.T) {
	tests := []struct {
		post dispatch.Post
		want string
	}{
		{dispatch.Post{Text: "已认领 #12 发放材料", Mentions: []string{"雷胜"}}, "@雷胜 已认领 #12 发放材料"},
		{dispatch.Post{Text: "【每日派单】\n#2 10:00 楼道消防巡查"}, "【每日派单】\n#2 10:00 楼道消防巡查"},
		{dispatch.Post{Text: "# 标题\n## 二级\n> 引用"}, "＃ 标题\n＃# 二级\n＞ 引用"},
		{dispatch.Post{Text: "*加粗* _斜体_ `代码` [链接](x) <font>"}, "＊加粗＊ ＿斜体＿ ｀代码｀ ［链接］(x) ＜font＞"},
		{dispatch.Post{Lines: []dispatch.Line{{Mentions: []string{"雷胜", "马丽"}, Text: "已退出 #3"}, {Mentions: []string{"艾力"}, Text: "#3 名额已满"}}},
			"@雷胜 @马丽 已退出 #3\n@艾力 #3 名额已满"},
	}
	for _, tt := range tests {
		got := render(tt.post)
		if got != tt.want {
			t.Errorf("render(%+v) = %q; want %q", tt.post, got, tt.want)
		}
		if strings.Contains(got, `\`) {
			t.Errorf("render(%+v) = %q has a backslash", tt.post, got)
		}
	}
}
