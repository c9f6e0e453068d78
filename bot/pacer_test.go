package bot

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/changzheng/chorus/dispatch"
)

var (
	t0     = time.Date(2026, 12, 5, 8, 0, 0, 0, time.UTC)
	chatA  = dispatch.Chat{Group: "橙色平安长征志愿者"}
	chatB  = dispatch.Chat{Group: "金色炫舞长征志愿者"}
	chatC  = dispatch.Chat{Group: "绿色健康长征志愿者"}
	chatDM = dispatch.Chat{User: "魏青", Transport: "wechat"}
)

// sent is one post already made, at t0+at.
type sent struct {
	chat dispatch.Chat
	at   time.Duration
}

func TestPacerWait(t *testing.T) {
	tests := []struct {
		name   string
		p      Pacing
		jitter time.Duration // what the random source returns
		before []sent
		chat   dispatch.Chat
		at     time.Duration
		want   time.Duration
	}{
		{name: "unpaced", p: Pacing{}, before: []sent{{chatA, 0}}, chat: chatA, want: 0},
		{name: "first post to a chat", p: Pacing{Gap: time.Second}, chat: chatA, want: 0},
		{name: "gap to the same chat", p: Pacing{Gap: time.Second}, before: []sent{{chatA, 0}}, chat: chatA, at: 400 * time.Millisecond, want: 600 * time.Millisecond},
		{name: "gap over", p: Pacing{Gap: time.Second}, before: []sent{{chatA, 0}}, chat: chatA, at: 2 * time.Second, want: 0},
		{name: "gap is per chat", p: Pacing{Gap: time.Second}, before: []sent{{chatA, 0}}, chat: chatB, want: 0},
		{name: "a private chat is its own chat", p: Pacing{Gap: time.Second}, before: []sent{{chatA, 0}}, chat: chatDM, want: 0},
		{name: "gap plus jitter", p: Pacing{Gap: time.Second, Jitter: 500 * time.Millisecond}, jitter: 300 * time.Millisecond,
			before: []sent{{chatA, 0}}, chat: chatA, at: 100 * time.Millisecond, want: 1200 * time.Millisecond},
		{name: "per-minute cap reached", p: Pacing{PerMinute: 3},
			before: []sent{{chatA, 0}, {chatB, time.Second}, {chatC, 2 * time.Second}}, chat: chatDM, at: 3 * time.Second, want: 57 * time.Second},
		{name: "per-minute cap: the oldest left the window", p: Pacing{PerMinute: 3},
			before: []sent{{chatA, 0}, {chatB, time.Second}, {chatC, 2 * time.Second}}, chat: chatDM, at: 61 * time.Second, want: 0},
		{name: "per-minute cap not reached", p: Pacing{PerMinute: 3},
			before: []sent{{chatA, 0}, {chatB, time.Second}}, chat: chatC, at: 2 * time.Second, want: 0},
		{name: "per-minute cap counts only the last minute", p: Pacing{PerMinute: 2},
			before: []sent{{chatA, 0}, {chatB, 30 * time.Second}, {chatC, 70 * time.Second}}, chat: chatA, at: 80 * time.Second, want: 10 * time.Second},
		{name: "per-hour cap", p: Pacing{PerHour: 2},
			before: []sent{{chatA, 0}, {chatB, 10 * time.Minute}}, chat: chatC, at: 20 * time.Minute, want: 40 * time.Minute},
		{name: "per-hour cap over", p: Pacing{PerHour: 2},
			before: []sent{{chatA, 0}, {chatB, 10 * time.Minute}}, chat: chatC, at: time.Hour, want: 0},
		{name: "the longest wait wins", p: Pacing{Gap: 2 * time.Minute, PerMinute: 1},
			before: []sent{{chatA, 0}}, chat: chatA, at: 30 * time.Second, want: 90 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			p := NewPacer(tt.p)
			p.rnd = func(max time.Duration) time.Duration {
				if tt.jitter > max {
					t.Fatalf("jitter %v over its bound %v", tt.jitter, max)
				}
				return tt.jitter
			}
			for _, s := range tt.before {
				p.Sent(s.chat, t0.Add(s.at))
			}
			if got := p.Wait(tt.chat, t0.Add(tt.at)); got != tt.want {
				t.Errorf("Wait = %v; want %v", got, tt.want)
			}
		})
	}
}

// The real random source keeps the wait within gap .. gap+jitter.
func TestPacerJitterBound(t *testing.T) {
	p := NewPacer(Pacing{Gap: time.Second, Jitter: 500 * time.Millisecond})
	p.Sent(chatA, t0)
	seen := map[time.Duration]bool{}
	for range 1000 {
		w := p.Wait(chatA, t0)
		if w < time.Second || w >= 1500*time.Millisecond {
			t.Fatalf("Wait = %v; want within [1s, 1.5s)", w)
		}
		seen[w] = true
	}
	if len(seen) < 2 {
		t.Errorf("1000 waits took %d distinct values; want jitter", len(seen))
	}
}

func TestSplit(t *testing.T) {
	tests := []struct {
		name  string
		text  string
		limit int
		want  []string
	}{
		{name: "no limit", text: "a\nb", limit: 0, want: []string{"a\nb"}},
		{name: "under the limit", text: "a\nb", limit: 3, want: []string{"a\nb"}},
		{name: "at line breaks", text: "aaa\nbbb\nccc", limit: 8, want: []string{"aaa\nbbb", "ccc"}},
		{name: "each line alone", text: "aaa\nbbb\nccc", limit: 4, want: []string{"aaa", "bbb", "ccc"}},
		{name: "over-long line at rune boundaries", text: "一二三四五", limit: 7, want: []string{"一二", "三四", "五"}},
		{name: "over-long line then short lines", text: "一二三\n四\n五", limit: 7, want: []string{"一二", "三", "四\n五"}},
		{name: "a break just past the limit makes no empty part", text: "一二三\n", limit: 9, want: []string{"一二三"}},
		{name: "no part starts with a break", text: "aaa\n\nbbb", limit: 4, want: []string{"aaa", "bbb"}},
		{name: "breaks only", text: "\n\n\n", limit: 2, want: []string{""}},
		{name: "emoji kept whole", text: "😀😀😀", limit: 5, want: []string{"😀", "😀", "😀"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			got := Split(tt.text, tt.limit)
			if strings.Join(got, "|") != strings.Join(tt.want, "|") || len(got) != len(tt.want) {
				t.Errorf("Split(%q, %d) = %q; want %q", tt.text, tt.limit, got, tt.want)
			}
			checkSplit(t, tt.text, tt.limit, got)
		})
	}
}

// checkSplit checks Split's contract: no part over the limit or empty, every part valid
// UTF-8, and the parts are the text in order, less only the line breaks cut at.
func checkSplit(t *testing.T, text string, limit int, parts []string) {
	t.Helper()
	rest := text
	for i, p := range parts {
		if limit > 0 && len(p) > limit {
			t.Errorf("part %d is %d bytes; limit %d", i, len(p), limit)
		}
		if p == "" && strings.Trim(text, "\n") != "" {
			t.Errorf("part %d of %q is empty", i, text)
		}
		if !utf8.ValidString(p) {
			t.Errorf("part %d %q is not valid UTF-8", i, p)
		}
		if p != text {
			rest = strings.TrimLeft(rest, "\n") // the breaks cut at
		}
		after, ok := strings.CutPrefix(rest, p)
		if !ok {
			t.Fatalf("part %d %q is not the next text of %q", i, p, rest)
		}
		rest = after
	}
	if strings.Trim(rest, "\n") != "" {
		t.Errorf("text left over after the parts: %q", rest)
	}
}

func FuzzSplit(f *testing.F) {
	f.Add("发布 发放防诈骗宣传材料\n明天上午9点\n\n\n社区门口", 7)
	f.Add("abc\n\n\n\nxyz\n", 3)
	f.Add("😀😀😀", 5)
	f.Add("发放防诈骗宣传材料0明天上午0点0\n", 45)
	f.Add("00000\n0", 5)
	f.Add("aaa\n\nbbb", 4)
	f.Add("\n\n000", 4)
	f.Fuzz(func(t *testing.T, text string, limit int) {
		if !utf8.ValidString(text) || limit < 4 || limit > 64 {
			return // a limit under 4 bytes cannot hold every rune
		}
		checkSplit(t, text, limit, Split(text, limit))
	})
}
