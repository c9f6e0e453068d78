package dispatch_test

import (
	"context"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/changzheng/chorus/dispatch"
)

// 发布's answer carries the task as a card (transports with buttons show it; the text
// stays complete); a tap is handled as the text its button stands for, through the same
// store operation and op id, and its answer restates the card with the places left. A
// typed 接 gets text only, and a tap delivered twice acts once.
func TestPublishCardAndTap(t *testing.T) {
	w := newWorld(t)
	handle := func(id, nick, text string, tap bool) []dispatch.Post {
		t.Helper()
		posts, err := w.svc.Handle(context.Background(), dispatch.Message{
			ID: id, Transport: "wecom", Chat: dispatch.Chat{Group: orange}, From: dispatch.Sender{Nick: nick}, Text: text, Tap: tap,
		})
		if err != nil {
			t.Fatal(err)
		}
		return posts
	}
	buttons := []dispatch.CardButton{{Text: "接", Command: "接 1"}, {Text: "退", Command: "退 1"}}
	pub := handle("p1", "魏青", "发布 楼道消防巡查 明天上午10点 3号楼 需要2人 联系人 关秀英 13912345678", false)
	if len(pub) != 1 || pub[0].Card == nil {
		t.Fatalf("发布 answered %+v; want one post with a card", pub)
	}
	want := &dispatch.Card{
		Task: 1, Title: pub[0].Card.Title, Note: "点「接」认领，点「退」退出；也可回复「接 1」",
		Fields: []dispatch.CardField{
			{Key: "时间", Value: "明天 11月28日 周六 10:00"}, {Key: "地点", Value: pub[0].Card.Fields[1].Value},
			{Key: "名额", Value: "还差 2 人（共 2 人）"},
		},
		Buttons: buttons,
	}
	if d := cmp.Diff(want, pub[0].Card); d != "" {
		t.Errorf("card (-want +got):\n%s", d)
	}
	// The privacy door masks the card as it masks the text: a volunteers' group does not
	// see the phone number in full.
	for _, s := range append([]string{pub[0].Card.Title}, pub[0].Card.Fields[1].Value) {
		if strings.Contains(s, "13912345678") || !strings.Contains(s+pub[0].Text, "5678") {
			t.Errorf("card shows a phone number in full to a volunteers' group: %q", s)
		}
	}

	t.Logf("card %+v", pub[0].Card)
	tap := handle("e1", "雷胜", "接 1", true)
	if len(tap) != 1 || tap[0].Card == nil || !tap[0].Card.Update || tap[0].ReplyTo != "e1" {
		t.Fatalf("tap answered %+v; want one reply restating the card", tap)
	}
	if got := tap[0].Card.Fields[2].Value; got != "还差 1 人（共 2 人）" {
		t.Errorf("places after the tap %q", got)
	}
	// The same tap handled again (a redelivery that reached dispatch) finds its op applied.
	again := handle("e1", "雷胜", "接 1", true)
	if got := again[0].Card.Fields[2].Value; got != "还差 1 人（共 2 人）" {
		t.Errorf("places after the tap handled twice %q; want it to act once", got)
	}
	typed := handle("m2", "马丽", "接 1", false)
	if len(typed) != 1 || typed[0].Card != nil {
		t.Errorf("typed 接 answered %+v; want text only", typed)
	}
	// The coordinators hear of it too (a 退 within 24 h of the start that leaves #1 short).
	rel := handle("e2", "雷胜", "退 1", true)
	if len(rel) != 2 || rel[1].Card != nil || rel[0].Card == nil || rel[0].Card.Fields[2].Value != "还差 1 人（共 2 人）" {
		t.Errorf("tap 退 answered %+v; want the card restated with 1 place left", rel)
	}
}
