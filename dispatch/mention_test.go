package dispatch_test

import (
	"context"
	"testing"

	"github.com/changzheng/chorus/dispatch"
)

// On WeCom a sender is known by userid, which people do not read as a name: a reply names
// the registered name (登记) instead, and the userid until there is one. On WeChat the
// nickname stays, since it makes the mention real.
func TestReplyMentionsNameOnWeCom(t *testing.T) {
	w := newWorld(t)
	group := testCommunity(t).Groups[0].Name
	say := func(transport, nick, text string) dispatch.Post {
		t.Helper()
		m := dispatch.Message{ID: transport + text + nick, Transport: transport, Chat: dispatch.Chat{Group: group},
			From: dispatch.Sender{Nick: nick, Ref: nick}, Text: text}
		posts, err := w.svc.Handle(context.Background(), m)
		if err != nil || len(posts) == 0 {
			t.Fatalf("Handle(%q) = %v, %v", text, posts, err)
		}
		return posts[0]
	}
	if p := say("wecom", "leisheng", "任务"); len(p.Mentions) != 1 || p.Mentions[0] != "leisheng" {
		t.Errorf("before 登记: mentions %v; want [leisheng]", p.Mentions)
	}
	say("wecom", "leisheng", "登记 雷胜")
	if p := say("wecom", "leisheng", "我的任务"); len(p.Mentions) != 1 || p.Mentions[0] != "雷胜" {
		t.Errorf("after 登记: mentions %v; want [雷胜]", p.Mentions)
	}
	say("wechat", "马丽", "登记 马丽华")
	if p := say("wechat", "马丽", "我的任务"); len(p.Mentions) != 1 || p.Mentions[0] != "马丽" {
		t.Errorf("on WeChat: mentions %v; want the nickname [马丽]", p.Mentions)
	}
}
