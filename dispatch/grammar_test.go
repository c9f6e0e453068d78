package dispatch_test

import (
	"errors"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"

	"github.com/changzheng/chorus/dispatch"
)

func TestParseCommands(t *testing.T) {
	tests := []struct {
		in   string
		want dispatch.Command
	}{
		{"接12", dispatch.Claim{Task: 12}},
		{"接 12", dispatch.Claim{Task: 12}},
		{"接 #12", dispatch.Claim{Task: 12}},
		{"接　12", dispatch.Claim{Task: 12}},
		{"认领12号", dispatch.Claim{Task: 12}},
		{"接１２", dispatch.Claim{Task: 12}},
		{"报名 12", dispatch.Claim{Task: 12}},
		{"领 7", dispatch.Claim{Task: 7}},
		{"接单12", dispatch.Claim{Task: 12}},
		{"#接 12", dispatch.Claim{Task: 12}},
		{"/接 12", dispatch.Claim{Task: 12}},
		{"@长征小助手 接 12", dispatch.Claim{Task: 12}},
		{"@长征小助手\u2005接 12", dispatch.Claim{Task: 12}},
		{"接 12。", dispatch.Claim{Task: 12}},
		{"退 12", dispatch.Release{Task: 12}},
		{"取消认领 12", dispatch.Release{Task: 12}},
		{"退出 12", dispatch.Release{Task: 12}},
		{"完成 12", dispatch.Complete{Task: 12}},
		{"完成 12 2小时 发了200份", dispatch.Complete{Task: 12, Hours: 2, Note: "发了200份"}},
		{"打卡12 1.5小时", dispatch.Complete{Task: 12, Hours: 1.5}},
		{"已完成 12 半小时", dispatch.Complete{Task: 12, Hours: 0.5}},
		{"指派 12 @雷胜", dispatch.Assign{Task: 12, Nick: "雷胜"}},
		{"指派 12 雷胜", dispatch.Assign{Task: 12, Nick: "雷胜"}},
		{"取消任务 12", dispatch.CancelTask{Task: 12}},
		{"任务", dispatch.ListTasks{}},
		{"任务列表", dispatch.ListTasks{}},
		{"待认领", dispatch.ListTasks{}},
		{"任务？", dispatch.ListTasks{}},
		{"我的任务", dispatch.MyTasks{}},
		{"帮助", dispatch.Help{}},
		{"help", dispatch.Help{}},
		{"HELP", dispatch.Help{}},
		{"?", dispatch.Help{}},
		{"？", dispatch.Help{}},
		{"发布 发放防诈骗宣传材料 明天上午9点 社区门口 需要3人 2小时", dispatch.Publish{Text: "发放防诈骗宣传材料 明天上午9点 社区门口 需要3人 2小时"}},
		{"发布任务 清理楼道 周六14:30", dispatch.Publish{Text: "清理楼道 周六14:30"}},
		{"新任务：清理楼道", dispatch.Publish{Text: "清理楼道"}},
		{"登记 雷胜 新疆油田公司", dispatch.Register{Name: "雷胜", Unit: "新疆油田公司"}},
		{"登记 雷胜", dispatch.Register{Name: "雷胜"}},
		{"设为协调员 @马丽", dispatch.Promote{Nick: "马丽"}},
		{"报事 3号楼2单元楼道灯坏了", dispatch.FileReport{Text: "3号楼2单元楼道灯坏了"}},
		{"报修 3号楼水管漏了", dispatch.FileReport{Text: "3号楼水管漏了"}},
		{"报修：3号楼水管漏了", dispatch.FileReport{Text: "3号楼水管漏了"}},
		{"办结 R1已更换灯泡", dispatch.Resolve{Report: 1, Note: "已更换灯泡"}},
		{"不满意 R1还是不亮", dispatch.Rate{Report: 1, Rating: dispatch.Dissatisfied, Note: "还是不亮"}},
		{"接 12 号", dispatch.Claim{Task: 12}},
		{"广播 全部：注意防火", dispatch.Broadcast{Target: "全部", Text: "注意防火"}},
		{"投诉：楼上装修太吵，晚上十点还在打钻", dispatch.FileReport{Text: "楼上装修太吵，晚上十点还在打钻"}},
		{"进度 R37", dispatch.Progress{Report: 37}},
		{"查询r37", dispatch.Progress{Report: 37}},
		{"进度 37", dispatch.Progress{Report: 37}},
		{"派单 R37 物业 3天", dispatch.Dispatch{Report: 37, Rest: "物业 3天"}},
		{"办结 R37 已更换灯泡", dispatch.Resolve{Report: 37, Note: "已更换灯泡"}},
		{"满意 R37", dispatch.Rate{Report: 37, Rating: dispatch.Satisfied}},
		{"基本满意 R37", dispatch.Rate{Report: 37, Rating: dispatch.FairlySatisfied}},
		{"不满意 R37 还是不亮", dispatch.Rate{Report: 37, Rating: dispatch.Dissatisfied, Note: "还是不亮"}},
		{"上会 R37", dispatch.Agenda{Report: 37}},
		{"诉求", dispatch.ListReports{}},
		{"诉求列表", dispatch.ListReports{}},
		{"报到", dispatch.CheckIn{}},
		{"报到 新疆油田公司", dispatch.CheckIn{Unit: "新疆油田公司"}},
		{"统计", dispatch.Stats{}},
		{"排行", dispatch.Stats{}},
		{"广播 全部 近期有冒充社保局的诈骗电话", dispatch.Broadcast{Target: "全部", Text: "近期有冒充社保局的诈骗电话"}},
		{"广播 橙色平安 今晚巡逻取消\n请互相转告", dispatch.Broadcast{Target: "橙色平安", Text: "今晚巡逻取消\n请互相转告"}},
		{"值班", dispatch.Duty{}},
		{"请假 明天", dispatch.Leave{Text: "明天"}},
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

// Ordinary chat is never a command, even when it starts with a verb's characters.
func TestParseIgnoresChat(t *testing.T) {
	for _, in := range []string{
		"", "   ", "大家早上好", "接孩子去了", "领导来了", "退休的老同志们辛苦了", "任务完成了吗",
		"统计一下人数", "帮助别人快乐自己", "发布会几点开始", "值班的同志注意安全", "登记表在哪里领",
		"完成得很好", "办结了吗", "满意吗", "上会说吧", "广播里说今天降温", "请假条",
		"诉求很多", "我的任务完成了", "进度怎么样了", "报到的人多吗", "@雷胜 接 12",
		"反映过好几次了，没人管", "投诉有用吗", "求助大家，谁家有梯子借用一下", "报修电话是多少",
		"接 一下电话", "退出 群聊", "报名 明天的活动", "完成 了吗", "查询 一下",
	} {
		if cmd, ok, err := dispatch.Parse(in, "长征小助手"); ok {
			t.Errorf("Parse(%q) = %#v, %v; want ordinary chat", in, cmd, err)
		}
	}
}

// A command with missing or malformed arguments is refused with a reply that shows the form.
func TestParseRefusals(t *testing.T) {
	tests := []struct{ in, want string }{
		{"接", "格式：接 任务编号"},
		{"接 abc", "格式：接 任务编号"},
		{"接 🙂", "格式：接 任务编号"},
		{"接 12a", "格式：接 任务编号"},
		{"接 0", "格式：接 任务编号"},
		{"接 99999999999", "格式：接 任务编号"},
		{"退", "格式：退 任务编号"},
		{"完成", "格式：完成 任务编号"},
		{"指派 12", "格式：指派 任务编号 @昵称"},
		{"取消任务", "格式：取消任务 任务编号"},
		{"发布", "格式：发布 任务名称"},
		{"登记", "格式：登记 姓名"},
		{"登记 😀", "格式：登记 姓名"},
		{"设为协调员", "格式：设为协调员 @昵称"},
		{"报事", "格式：报事 问题和地点"},
		{"报事 🙂🙂🙂", "格式：报事 问题和地点"},
		{"进度", "格式：进度 诉求编号"},
		{"派单 R3", "格式：派单 诉求编号 责任方"},
		{"办结", "格式：办结 诉求编号"},
		{"满意", "格式：满意 诉求编号"},
		{"广播 全部", "格式：广播 全部|居民|队伍名 内容"},
		{"请假", "格式：请假 日期"},
		{"发布 " + strings.Repeat("长", 10000), "消息太长了"},
	}
	for _, tt := range tests {
		_, ok, err := dispatch.Parse(tt.in, "")
		var r *dispatch.Refusal
		if !ok || !errors.As(err, &r) {
			t.Errorf("Parse(%.20q) = ok %v, err %v; want a refusal", tt.in, ok, err)
			continue
		}
		if !strings.HasPrefix(r.Text, tt.want) {
			t.Errorf("Parse(%.20q) refusal = %q; want it to start with %q", tt.in, r.Text, tt.want)
		}
		if n := utf8.RuneCountInString(r.Text); n > 120 {
			t.Errorf("Parse(%.20q) refusal is %d runes; want a short reply", tt.in, n)
		}
	}
}

// FuzzParse: no input panics; every result is ordinary chat, a command, or a clear
// refusal — never both a command and an error.
func FuzzParse(f *testing.F) {
	for _, s := range []string{"接12", "接 #12", "接　12", "认领12号", "发布 清理楼道 明天上午9点 需要3人 2小时",
		"报事 3号楼2单元楼道灯坏了", "派单 R37 物业 3天", "不满意 R37 还是不亮", "广播 全部 注意防诈骗",
		"@长征小助手 帮助", "完成 12 2小时 发了200份", "请假 明天", "？", "接\u2005\u300012", "\xff\xfe接"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, in string) {
		cmd, ok, err := dispatch.Parse(in, "长征小助手")
		switch {
		case !ok && (cmd != nil || err != nil):
			t.Fatalf("Parse(%q): not a command but returned %#v, %v", in, cmd, err)
		case ok && cmd == nil && err == nil:
			t.Fatalf("Parse(%q): a command with neither a value nor a refusal", in)
		case ok && err != nil:
			var r *dispatch.Refusal
			if !errors.As(err, &r) || r.Text == "" {
				t.Fatalf("Parse(%q): error %v is not a clear refusal", in, err)
			}
		}
	})
}
