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
