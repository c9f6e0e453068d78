package dispatch_test

import (
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/changzheng/chorus/dispatch"
)

// A report verb needs no separator when what follows is plainly a request; talk about
// reporting stays chat. The rule was designed from these examples, both ways.
func TestReportWithoutSeparator(t *testing.T) {
	requests := []string{
		"报事3号楼2单元楼道灯坏了",
		"求助我家老人摔倒了",
		"报修7号楼暖气不热",
		"报修3号楼水管漏了",
		"报事12号楼楼顶漏水，602室天花板都湿了",
		"反映5栋门口垃圾好几天没人清",
		"投诉楼上装修太吵",
		"投诉广场舞音响声音太大",
		"报事小区东门路灯不亮",
		"报事车棚里有人私拉电线给电动车充电",
		"求助独居老人家里没人照顾",
		"报修电梯坏了",
		"反映楼道里堆满了杂物",
		"报事北门有辆僵尸车一直停着",
		"投诉有人在消防通道乱停车",
		"求助老伴住院了没人买菜",
		"报修8号楼下水道堵了",
		"反映晚上总有人翻墙进小区可疑",
		"报事三号楼二单元门禁坏了",
		"报修厨房水龙头一直滴水",
		"求助邻居家老人走失了",
		"投诉3号楼有人高空抛物",
		"报事地下室积水很深",
		"反映小区里狗屎没人管很臭",
		"报修4栋1单元对讲门坏了",
		"报修3号楼暖气怎么还不热？",
	}
	for _, in := range requests {
		cmd, ok, err := dispatch.Parse(in, "长征小助手")
		if _, isReport := cmd.(dispatch.FileReport); !ok || err != nil || !isReport {
			t.Errorf("Parse(%q) = %#v, ok %v, err %v; want a report", in, cmd, ok, err)
		}
	}
	chat := []string{
		"投诉有用吗",
		"求助了吗",
		"报名了吗？",
		"反映过好几次了，没人管",
		"报修电话是多少",
		"投诉电话打不通",
		"求助大家，谁家有梯子借用一下",
		"反映一下情况",
		"报事的人多吗",
		"投诉也没用",
		"求助无门啊",
		"报修的师傅来了",
		"反映什么问题",
		"投诉成功了",
		"报事群在哪",
		"求助热线是多少",
		"报修好几次都没来",
		"反映给谁",
		"投诉他们物业",
		"报事怎么写",
		"求助各位邻居",
		"反映很及时",
		"投诉有没有用啊",
		"报修完了",
		"反映情况吗",
		"投诉3号楼的事有用吗",
	}
	for _, in := range chat {
		if cmd, ok, err := dispatch.Parse(in, "长征小助手"); ok {
			t.Errorf("Parse(%q) = %#v, %v; want ordinary chat", in, cmd, err)
		}
	}
	if n := len(requests) + len(chat); n < 40 {
		t.Fatalf("%d examples; the rule needs at least 40", n)
	}
}

// Invisible characters neither hide a verb nor reach the stored text.
func TestParseStripsInvisible(t *testing.T) {
	tests := []struct {
		in   string
		want dispatch.Command
	}{
		{"\u200b接 12", dispatch.Claim{Task: 12}},
		{"\ufeff接12", dispatch.Claim{Task: 12}},
		{"接\u200d12", dispatch.Claim{Task: 12}},
		{"取\u200c消任务 3", dispatch.CancelTask{Task: 3}},
		{"\u202e发布 巡逻\u202c 明天上午9点", dispatch.Publish{Text: "巡逻 明天上午9点"}},
		{"报\u2060事 3号楼\u200b灯坏了", dispatch.FileReport{Text: "3号楼灯坏了"}},
		{"登记 雷\u200b胜", dispatch.Register{Name: "雷胜"}},
		{"\x00接 1\x00", dispatch.Claim{Task: 1}},
		{"帮\u2066助\u2069", dispatch.Help{}},
	}
	for _, tt := range tests {
		got, ok, err := dispatch.Parse(tt.in, "长征小助手")
		if !ok || err != nil {
			t.Errorf("Parse(%q) = ok %v, err %v; want a command", tt.in, ok, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
}

// Words after an id are a note or a reason, never a reason to refuse.
func TestParseWordsAfterID(t *testing.T) {
	tests := []struct {
		in   string
		want dispatch.Command
	}{
		{"接1号 谢谢", dispatch.Claim{Task: 1}},
		{"接 1 我去", dispatch.Claim{Task: 1}},
		{"退 1 家里有事", dispatch.Release{Task: 1, Reason: "家里有事"}},
		{"退出1，孙子发烧了", dispatch.Release{Task: 1, Reason: "孙子发烧了"}},
		{"取消认领 3 临时加班", dispatch.Release{Task: 3, Reason: "临时加班"}},
		{"取消任务 1 大风", dispatch.CancelTask{Task: 1, Reason: "大风"}},
		{"取消任务1：明天有大风，改期另行通知", dispatch.CancelTask{Task: 1, Reason: "明天有大风，改期另行通知"}},
		{"进度 R1 怎么还没人来", dispatch.Progress{Report: 1}},
		{"进度R1，怎么还没人来？", dispatch.Progress{Report: 1}},
		{"上会 R2 拖了一个月了", dispatch.Agenda{Report: 2}},
		{"退；1；有事", dispatch.Release{Task: 1, Reason: "有事"}},
	}
	for _, tt := range tests {
		got, ok, err := dispatch.Parse(tt.in, "")
		if !ok || err != nil {
			t.Errorf("Parse(%q) = ok %v, err %v; want a command", tt.in, ok, err)
			continue
		}
		if diff := cmp.Diff(tt.want, got); diff != "" {
			t.Errorf("Parse(%q) mismatch (-want +got):\n%s", tt.in, diff)
		}
	}
	// A second id is not a note: the person meant two tasks, and is shown the form.
	for _, in := range []string{"接 12 13", "退 1 #2", "进度 R1 R2"} {
		if _, ok, err := dispatch.Parse(in, ""); !ok || err == nil {
			t.Errorf("Parse(%q) = ok %v, err %v; want a refusal", in, ok, err)
		}
	}
	// Voice input writes task ids in Chinese numerals; "接一下" and "领一号楼的钥匙" stay chat.
	for in, want := range map[string]dispatch.Command{
		"接一号":        dispatch.Claim{Task: 1},
		"认领 十二号":     dispatch.Claim{Task: 12},
		"退二号 家里有事":   dispatch.Release{Task: 2, Reason: "家里有事"},
		"完成三号":       dispatch.Complete{Task: 3},
		"取消任务 四号，大风": dispatch.CancelTask{Task: 4, Reason: "大风"},
		"催办 R1 怎么还没人来，灯还是不亮！": dispatch.Chase{Report: 1, Note: "怎么还没人来，灯还是不亮！"},
	} {
		got, ok, err := dispatch.Parse(in, "")
		if !ok || err != nil || !cmp.Equal(got, want) {
			t.Errorf("Parse(%q) = %#v, ok %v, err %v; want %#v", in, got, ok, err, want)
		}
	}
	for _, in := range []string{"接一下电话", "领一号楼的钥匙", "接一号楼的王阿姨", "退二号楼群"} {
		if got, ok, err := dispatch.Parse(in, ""); ok {
			t.Errorf("Parse(%q) = %#v, err %v; want chat", in, got, err)
		}
	}
	// Two ids to claim or release are answered with the two messages to send.
	for in, want := range map[string]string{
		"接 2、3":   "一次只能接一个任务，请分两条发：接 2，接 3",
		"接2，3号":   "一次只能接一个任务，请分两条发：接 2，接 3",
		"退 12 13": "一次只能退一个任务，请分两条发：退 12，退 13",
	} {
		_, ok, err := dispatch.Parse(in, "")
		if !ok || err == nil || err.Error() != want {
			t.Errorf("Parse(%q) = ok %v, err %v; want %q", in, ok, err, want)
		}
	}
}

func TestStripInvisible(t *testing.T) {
	for in, want := range map[string]string{
		"巡\u202e逻":          "巡逻",
		"\ufeff\u200b":      "",
		"a\u00adb":          "ab",
		"第一行\n第二行\t":        "第一行\n第二行\t",
		"👨\u200d👩":          "👨👩",
		"普通文字 123":          "普通文字 123",
		"\u2066x\u2069\x00": "x",
	} {
		if got := dispatch.StripInvisible(in); got != want {
			t.Errorf("StripInvisible(%q) = %q; want %q", in, got, want)
		}
	}
}
