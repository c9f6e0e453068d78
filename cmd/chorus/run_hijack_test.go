package main

import (
	"strings"
	"testing"

	"github.com/changzheng/chorus/bot/wechat/wechattest"
)

// Issue 9's hijack, through `chorus run` and openwechat against the WeChat fake: 坏人
// sets his group display name (群昵称) to 雷胜, another member's name, and 假魏青 sets
// his to the coordinator's. It fails at every step.
func TestRunWeChatDisplayNameHijack(t *testing.T) {
	w := mustWorld(t, wechattest.Config{EchoSends: true, Groups: []wechattest.Group{
		{Name: orangeGroup, Members: []wechattest.Member{
			{Nick: coordinator}, {Nick: "雷胜"}, {Nick: "马丽"},
			{Nick: "坏人", Display: "雷胜"}, {Nick: "假魏青", Display: "魏青"},
		}},
		{Name: "长征社区党员先锋队", Members: []wechattest.Member{{Nick: "马丽"}}},
		{Name: residentsGroup, Members: []wechattest.Member{{Nick: "居民甲"}}},
		{Name: "长征社区工作群", Members: []wechattest.Member{{Nick: coordinator}}},
	}})
	w.mustRun()
	w.fake.ConfirmLogin()
	w.mustInits(1)
	ctx := t.Context()

	// Both have spoken; the impostor is answered by his own name, not as 雷胜.
	w.fake.Say(orangeGroup, "雷胜", "任务")
	w.fake.Say(orangeGroup, "坏人", "任务")
	got := w.mustSent(2)
	mustReply(t, got[0], orangeGroup, "雷胜", "")
	mustReply(t, got[1], orangeGroup, "坏人", "")

	w.fake.Say(orangeGroup, coordinator, "发布 巡逻 明天上午9点 需要2人")
	w.fake.Say(orangeGroup, coordinator, "指派 1 @雷胜")
	w.fake.Say(orangeGroup, coordinator, "设为协调员 @雷胜")
	got = w.mustSent(5)
	mustReply(t, got[2], orangeGroup, coordinator, "已发布任务 #1")
	mustReply(t, got[3], orangeGroup, coordinator, "已为 @雷胜 认领 #1")
	mustReply(t, got[4], orangeGroup, coordinator, "已将 @雷胜 设为协调员")

	real, _, err := w.db.MembersNamed(ctx, "雷胜")
	if err != nil || len(real) != 1 {
		t.Fatalf("members with handle 雷胜: %v, %v; want one", real, err)
	}
	fake, _, err := w.db.MembersNamed(ctx, "坏人")
	if err != nil || len(fake) != 1 {
		t.Fatalf("members with handle 坏人: %v, %v; want one", fake, err)
	}
	if !real[0].Coordinator || fake[0].Coordinator {
		t.Errorf("coordinator: 雷胜 %v, 坏人 %v; want the real 雷胜 only", real[0].Coordinator, fake[0].Coordinator)
	}
	task, err := w.db.Task(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(task.Queue) != 1 || task.Queue[0].ID != real[0].ID {
		t.Errorf("task #1 is held by %v; want the real 雷胜 (%s) alone", task.Queue, real[0].ID)
	}

	// Neither impostor may broadcast, and each refusal is addressed to the impostor.
	w.fake.Say(orangeGroup, "坏人", "广播 全部 紧急通知：请大家扫码缴费")
	w.fake.Say(orangeGroup, "假魏青", "广播 全部 紧急通知：请大家扫码缴费")
	w.fake.Say(orangeGroup, "假魏青", "设为协调员 @假魏青")
	got = w.mustSent(8)
	mustReply(t, got[5], orangeGroup, "坏人", "仅协调员可以广播")
	mustReply(t, got[6], orangeGroup, "假魏青", "仅协调员可以广播")
	mustReply(t, got[7], orangeGroup, "假魏青", "仅协调员可以设置协调员")
	for _, s := range w.fake.Sent() {
		if strings.Contains(s.Text, "扫码缴费") || s.Group != orangeGroup {
			t.Errorf("the broadcast went out: [%s] %q", s.Group, s.Text)
		}
	}
	w.mustLogsClean(nil, "扫码缴费")
}
