package bot

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/changzheng/chorus/dispatch"
)

func wechatMention(n string) string { return "@" + n + "\u2005" }

// Merged answers tell each person their own outcome, with the same words sharing a line,
// in the order they were queued; the first answer's ReplyTo is kept.
func TestMergeAnswers(t *testing.T) {
	posts := []dispatch.Post{
		{Chat: chatA, Text: "已认领 #12 发放材料，还差 1 人", Mentions: []string{"雷胜"}, ReplyTo: "m1"},
		{Chat: chatA, Text: "已认领 #12 发放材料，名额已满", Mentions: []string{"马丽"}, ReplyTo: "m2"},
		{Chat: chatA, Text: "#12 名额已满，你在候补第 1 位，有人退出会通知你", Mentions: []string{"艾力"}, ReplyTo: "m3"},
		{Chat: chatA, Text: "已退出 #13", Mentions: []string{"王建国"}, ReplyTo: "m4"},
		{Chat: chatA, Text: "已退出 #13", Mentions: []string{"陈关根"}, ReplyTo: "m5"},
	}
	got := mergeAnswers(posts)
	want := dispatch.Post{Chat: chatA, ReplyTo: "m1",
		Mentions: []string{"雷胜", "马丽", "艾力", "王建国", "陈关根"},
		Lines: []dispatch.Line{
			{Mentions: []string{"雷胜"}, Text: "已认领 #12 发放材料，还差 1 人"},
			{Mentions: []string{"马丽"}, Text: "已认领 #12 发放材料，名额已满"},
			{Mentions: []string{"艾力"}, Text: "#12 名额已满，你在候补第 1 位，有人退出会通知你"},
			{Mentions: []string{"王建国", "陈关根"}, Text: "已退出 #13"},
		}}
	if d := cmp.Diff(want, got); d != "" {
		t.Errorf("merged post (-want +got):\n%s", d)
	}
	text := got.Compose(wechatMention)
	wantText := "@雷胜\u2005已认领 #12 发放材料，还差 1 人\n@马丽\u2005已认领 #12 发放材料，名额已满\n" +
		"@艾力\u2005#12 名额已满，你在候补第 1 位，有人退出会通知你\n@王建国\u2005@陈关根\u2005已退出 #13"
	if text != wantText {
		t.Errorf("composed:\n%q\nwant\n%q", text, wantText)
	}
	if one := mergeAnswers(posts[:1]); !cmp.Equal(one, posts[0]) {
		t.Errorf("one answer merged into %+v; want it unchanged", one)
	}
}

// A merged post too long for max_len is cut between lines, never inside one person's
// answer, and every part stays within the limit.
func TestSplitPostAtPeople(t *testing.T) {
	var posts []dispatch.Post
	for i := range 30 {
		posts = append(posts, dispatch.Post{Chat: chatA, Mentions: []string{"志愿者" + string(rune('甲'+i))},
			Text: fmt.Sprintf("#12 名额已满，你在候补第 %d 位，有人退出会通知你", i+1)})
	}
	merged := mergeAnswers(posts)
	const limit = 300
	parts := splitPost(merged, limit)
	if len(parts) < 2 {
		t.Fatalf("split into %d parts; want several", len(parts))
	}
	seen := 0
	for i, p := range parts {
		if n := len(p.Compose(wechatMention)); n > limit {
			t.Errorf("part %d is %d bytes; want at most %d", i, n, limit)
		}
		for _, l := range p.Lines {
			if len(l.Mentions) != 1 || !strings.Contains(l.Text, "候补第") {
				t.Errorf("part %d has line %+v; want one person and their whole answer", i, l)
			}
			seen++
		}
		if i > 0 && p.ReplyTo != "" {
			t.Errorf("part %d answers %q; want only the first part to", i, p.ReplyTo)
		}
	}
	if seen != 30 {
		t.Errorf("parts hold %d answers; want 30", seen)
	}
	if got := splitPost(dispatch.Post{Chat: chatA, Text: "short"}, limit); len(got) != 1 || got[0].Text != "short" {
		t.Errorf("a short plain post split into %+v", got)
	}
}

// One slot's scheduled posts to one group are one post; other slots, other groups and
// answers are left alone, and a route that does not merge keeps them apart.
func TestMergeSlots(t *testing.T) {
	at := t0.Add(time.Hour)
	posts := []dispatch.Post{
		{Chat: chatA, Text: "今日任务：…", Scheduled: true, At: at},
		{Chat: chatB, Text: "今日任务：…", Scheduled: true, At: at},
		{Chat: chatA, Text: "今日值班：", Mentions: []string{"雷胜"}, Scheduled: true, At: at},
		{Chat: chatA, Text: "提醒", Scheduled: true, At: at.Add(time.Minute)},
		{Chat: chatA, Text: "已认领 #1", Mentions: []string{"马丽"}},
	}
	got := mergeSlots(posts, func(dispatch.Post) bool { return true })
	if len(got) != 4 {
		t.Fatalf("merged into %d posts; want 4:\n%+v", len(got), got)
	}
	if text := got[0].Compose(wechatMention); text != "今日任务：…\n\n@雷胜\u2005今日值班：" {
		t.Errorf("merged slot post %q", text)
	}
	if !cmp.Equal(got[0].Mentions, []string{"雷胜"}) || !got[0].Scheduled || !got[0].At.Equal(at) {
		t.Errorf("merged slot post %+v; want it scheduled at the slot, mentioning 雷胜", got[0])
	}
	if n := len(mergeSlots(posts, func(dispatch.Post) bool { return false })); n != 5 {
		t.Errorf("a route that does not merge: %d posts; want 5", n)
	}
}
