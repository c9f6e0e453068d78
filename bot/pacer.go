package bot

import (
	"math/rand/v2"
	"strings"
	"time"

	"github.com/changzheng/chorus/dispatch"
)

// Pacing is how fast one transport may send. WeChat limits accounts that send too fast
// ("发送消息过于频繁") and may lock them; WeCom answers 45009 past its quota.
type Pacing struct {
	// Gap is the minimum time between two posts to the same chat; zero means none.
	Gap time.Duration
	// Jitter adds up to this much at random to each gap, so posts do not look scripted.
	Jitter time.Duration
	// PerMinute caps the transport's posts in any 60 s; zero means no cap.
	PerMinute int
	// PerHour caps the transport's posts in any hour; zero means no cap.
	PerHour int
	// MaxLen splits longer texts at line breaks; zero means no splitting.
	MaxLen int
	// AccountGap is the least time between any two posts of the account, whatever the
	// chat, plus up to Jitter; zero means none. It is what keeps a broadcast from
	// bursting: the per-minute cap alone lets a whole minute's posts out at once.
	AccountGap time.Duration
	// Margin widens every per-minute, per-hour and per-day window, so that the service,
	// which counts from when each post reaches it, never sees post N+1 inside the window
	// even when a send takes long; zero means none.
	Margin time.Duration
	// ChatPerMinute, ChatPerHour and ChatPerDay cap the posts to one chat (WeCom counts
	// per conversation); zero means no cap.
	ChatPerMinute, ChatPerHour, ChatPerDay int
	// Merge makes answers to one chat that wait together one post, and one slot's
	// scheduled posts to one chat one post; false sends each as it was made.
	Merge bool
}

// ChannelRule is what one chat service is known to allow a bot account. Config may pace
// slower than its row, never faster; what config does not set comes from here. Zero
// means the service states no such limit.
type ChannelRule struct {
	// PerMinute and PerHour cap the account's posts, whatever the chat.
	PerMinute, PerHour int
	// ChatPerMinute, ChatPerHour and ChatPerDay cap the posts to one conversation.
	ChatPerMinute, ChatPerHour, ChatPerDay int
	// Margin is added to every window: a pacing decision made just before a send still
	// has to hold when the service counts, so post N+1 must not reach it inside the window.
	Margin time.Duration
	// ActiveWindow is how long after a conversation's last inbound message the robot may
	// still push to it; zero means no such rule is known.
	ActiveWindow time.Duration
}

// Rule is the row of the channel rule table for a channel ("wechat", "wecom",
// "webhook"); an unknown channel has no limits.
func Rule(channel string) ChannelRule {
	switch channel {
	case "wechat":
		// The web protocol is unofficial and Tencent publishes no figures. Sending too
		// fast is refused (ret 1205, "发送消息过于频繁") and, repeated, restricts the
		// account; about one post a second for one sender is reported safe, bursts of 60
		// or more are refused (../shared/notes/wechat-web-protocol.md). Hence 20 a minute,
		// and the account gap and jitter from config.
		return ChannelRule{PerMinute: 20}
	case "wecom":
		// WeCom smart robot (智能机器人), long connection, as documented by WeCom and
		// read in its official SDK @wecom/aibot-node-sdk 1.0.7
		// (../shared/notes/wecom-long-connection.md): about 30 messages a minute and
		// 1,000 an hour per conversation, replies and pushes together; over it the ack is
		// 45009 "api freq out of limit". The notes name no daily cap and no
		// recent-activity window for pushes (aibot_send_msg), so both stay zero here
		// until a documented figure exists; a conversation that refuses a push answers
		// with an error ack, and the outbox's retry and rejection rules apply. The 2 s
		// margin covers a send that takes long and clocks that differ by a second.
		return ChannelRule{ChatPerMinute: 30, ChatPerHour: 1000, Margin: 2 * time.Second}
	case "webhook":
		// WeCom message-push webhook (消息推送): 20 messages a minute per webhook.
		return ChannelRule{ChatPerMinute: 20, Margin: 2 * time.Second}
	}
	return ChannelRule{}
}

// durable reports whether p limits anything the shared budget in Redis must track.
func (p Pacing) durable() bool {
	return p.Gap > 0 || p.AccountGap > 0 || p.PerMinute > 0 || p.PerHour > 0 ||
		p.ChatPerMinute > 0 || p.ChatPerHour > 0 || p.ChatPerDay > 0
}

// limits is p for one post whose gaps drew the jitters ja (account) and jc (chat).
func (p Pacing) limits(ja, jc time.Duration) dispatch.Limits {
	l := dispatch.Limits{Margin: p.Margin, PerMinute: p.PerMinute, PerHour: p.PerHour,
		ChatPerMinute: p.ChatPerMinute, ChatPerHour: p.ChatPerHour, ChatPerDay: p.ChatPerDay}
	if p.AccountGap > 0 {
		l.AccountGap = p.AccountGap + ja
	}
	if p.Gap > 0 {
		l.ChatGap = p.Gap + jc
	}
	return l
}

// Pacer decides how long to wait before the next post. It holds no clock: callers pass
// now, so tests replay a broadcast in simulated time. It is used by one worker goroutine.
type Pacer struct {
	p      Pacing
	last   map[string]time.Time
	recent []time.Time // send times within the last hour, oldest first
	rnd    func(time.Duration) time.Duration
}

// NewPacer returns a Pacer for p.
func NewPacer(p Pacing) *Pacer {
	return &Pacer{p: p, last: map[string]time.Time{}, rnd: func(d time.Duration) time.Duration {
		if d <= 0 {
			return 0
		}
		return rand.N(d)
	}}
}

// jitter is a random duration in [0, d).
func jitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return rand.N(d)
}

func chatKey(c dispatch.Chat) string {
	if c.IsPrivate() {
		return "@" + c.Transport + ":" + c.User + ":" + c.Ref
	}
	return c.Group
}

// Wait is how long to wait at now before posting to c.
func (p *Pacer) Wait(c dispatch.Chat, now time.Time) time.Duration {
	var wait time.Duration
	if last, ok := p.last[chatKey(c)]; ok && p.p.Gap > 0 {
		wait = max(wait, last.Add(p.p.Gap+p.rnd(p.p.Jitter)).Sub(now))
	}
	p.trim(now)
	if p.p.PerMinute > 0 {
		in := 0
		for i := len(p.recent) - 1; i >= 0 && now.Sub(p.recent[i]) < time.Minute; i-- {
			in++
		}
		if in >= p.p.PerMinute {
			wait = max(wait, p.recent[len(p.recent)-in].Add(time.Minute).Sub(now))
		}
	}
	if p.p.PerHour > 0 && len(p.recent) >= p.p.PerHour {
		wait = max(wait, p.recent[len(p.recent)-p.p.PerHour].Add(time.Hour).Sub(now))
	}
	return wait
}

// Sent records a post to c at now.
func (p *Pacer) Sent(c dispatch.Chat, now time.Time) {
	p.last[chatKey(c)] = now
	p.recent = append(p.recent, now)
}

func (p *Pacer) trim(now time.Time) {
	i := 0
	for i < len(p.recent) && now.Sub(p.recent[i]) >= time.Hour {
		i++
	}
	p.recent = p.recent[i:]
}

// Split cuts text into parts of at most limit bytes, at line breaks where it can, else
// at a rune boundary. limit <= 0 returns text whole.
func Split(text string, limit int) []string {
	if limit <= 0 || len(text) <= limit {
		return []string{text}
	}
	var parts []string
	var cur strings.Builder
	flush := func() {
		if cur.Len() > 0 {
			parts = append(parts, cur.String())
			cur.Reset()
		}
	}
	for _, line := range strings.SplitAfter(text, "\n") {
		for len(line) > limit { // a single line longer than the limit
			flush()
			cut := limit
			for cut > 0 && !utf8Start(line[cut]) {
				cut--
			}
			parts = append(parts, line[:cut])
			line = line[cut:]
		}
		if cur.Len()+len(line) > limit {
			flush()
		}
		cur.WriteString(line)
	}
	flush()
	// Cut at a break, a part loses the line breaks at its ends; a part that was nothing
	// else (a text ending in a break just past the limit) is dropped, never sent empty.
	out := parts[:0]
	for _, p := range parts {
		if p = strings.Trim(p, "\n"); p != "" {
			out = append(out, p)
		}
	}
	if len(out) == 0 {
		return []string{""}
	}
	return out
}

func utf8Start(b byte) bool { return b&0xC0 != 0x80 }
