// Package console is the terminal transport: a chat with the bot over standard input and
// output, for trying chorus out and for end-to-end tests. It owns the console's clock.
package console

import (
	"bufio"
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/changzheng/chorus/bot"
	"github.com/changzheng/chorus/dispatch"
)

// Name is the console transport's name.
const Name = "console"

var _ bot.Transport = (*Transport)(nil)

// Clock is the console's clock: it moves only when :advance says so.
type Clock struct {
	mu sync.Mutex
	t  time.Time
}

// NewClock returns a clock reading t.
func NewClock(t time.Time) *Clock { return &Clock{t: t} }

// Now reads the clock.
func (c *Clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

// Advance moves the clock forward by d and returns the new time.
func (c *Clock) Advance(d time.Duration) time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
	return c.t
}

// Options configures the console. The zero value of each field is documented.
type Options struct {
	// In is read line by line; Out gets one line per bot message; Err gets the console's
	// own notices (nil: discarded).
	In       io.Reader
	Out, Err io.Writer
	// JSON writes each bot message as a JSON object instead of "[群名] 内容".
	JSON bool
	// Echo writes each input line to Out before handling it (the demo's transcript).
	Echo bool
	// Comment, when set, marks lines that are written to Out as headings and not sent
	// (the demo's section titles). Empty means every line is input.
	Comment string
	// Clock is the console's clock; nil means one reading the zero time.
	Clock *Clock
	// Groups are the configured group names :in accepts.
	Groups []string
	// Group and Nick are where and who the first messages come from.
	Group, Nick string
	// BotName marks a message as @-mentioning the bot when it starts with "@"+BotName.
	BotName string
	// Tick runs the scheduled jobs due at a time; :advance calls it. Nil: :advance only
	// moves the clock.
	Tick func(ctx context.Context, now time.Time) error
	// TickStep is the largest step :advance takes between two ticks, so a long advance
	// is lived through (every slot runs) rather than treated as an outage; zero means 1h.
	// It must stay below the scheduler's catch-up window.
	TickStep time.Duration
}

// Transport is the console transport.
type Transport struct {
	opts Options
	mu   sync.Mutex // serialises writes to Out
	seq  int
	run  string // a per-run id, so message ids never repeat across runs on one Redis
}

// New returns a console transport.
func New(opts Options) *Transport {
	if opts.Clock == nil {
		opts.Clock = NewClock(time.Time{})
	}
	if opts.Err == nil {
		opts.Err = io.Discard
	}
	var b [4]byte
	_, _ = rand.Read(b[:])
	return &Transport{opts: opts, run: hex.EncodeToString(b[:])}
}

// Name implements bot.Transport.
func (t *Transport) Name() string { return Name }

// Run implements bot.Transport: it reads lines until :quit, end of input or ctx ends.
// Each message is handed to in, which returns after its posts were written.
func (t *Transport) Run(ctx context.Context, in bot.Inbound) error {
	r := bufio.NewReader(t.opts.In)
	group, nick, private := t.opts.Group, t.opts.Nick, false
	for ctx.Err() == nil {
		line, err := r.ReadString('\n')
		if line == "" && err != nil {
			if errors.Is(err, io.EOF) {
				return nil
			}
			return fmt.Errorf("console: read: %w", err)
		}
		line = strings.TrimRight(line, "\r\n")
		if t.opts.Comment != "" && strings.HasPrefix(line, t.opts.Comment) {
			t.heading(line)
			continue
		}
		if t.opts.Echo && strings.TrimSpace(line) != "" {
			t.echo(line, nick)
		}
		cmd, arg, _ := strings.Cut(strings.TrimSpace(line), " ")
		arg = strings.TrimSpace(arg)
		switch cmd {
		case "":
			continue
		case ":quit":
			return nil
		case ":in":
			if !slices.Contains(t.opts.Groups, arg) {
				t.notice("没有这个群：%q（可用：%s）", arg, strings.Join(t.opts.Groups, "、"))
				continue
			}
			group, private = arg, false
			continue
		case ":as":
			if arg == "" {
				t.notice("用法：:as 昵称")
				continue
			}
			nick = arg
			continue
		case ":dm":
			private = true
			continue
		case ":advance":
			d, perr := time.ParseDuration(arg)
			if perr != nil || d < 0 {
				t.notice("用法：:advance 90m（Go 时长，如 30m、2h、168h）")
				continue
			}
			t.advance(ctx, d)
			continue
		}
		if strings.HasPrefix(cmd, ":") {
			t.notice("未知的控制命令 %s（:in :as :dm :advance :quit）", cmd)
			continue
		}
		t.seq++
		m := dispatch.Message{
			ID:        fmt.Sprintf("%s-%d", t.run, t.seq),
			Transport: Name,
			From:      dispatch.Sender{Nick: nick},
			Text:      line,
			At:        t.opts.Clock.Now(),
		}
		if private {
			m.Chat = dispatch.Chat{User: nick, Transport: Name}
		} else {
			m.Chat = dispatch.Chat{Group: group}
		}
		if t.opts.BotName != "" && strings.HasPrefix(strings.TrimSpace(line), "@"+t.opts.BotName) {
			m.MentionsBot = true
		}
		if err := in(ctx, m); err != nil {
			t.notice("消息处理失败：%v", err)
		}
	}
	return nil
}

// advance moves the clock by d in steps of at most TickStep, ticking after each.
func (t *Transport) advance(ctx context.Context, d time.Duration) {
	step := t.opts.TickStep
	if step <= 0 {
		step = time.Hour
	}
	for d > 0 {
		s := min(step, d)
		d -= s
		now := t.opts.Clock.Advance(s)
		if t.opts.Tick == nil {
			continue
		}
		if err := t.opts.Tick(ctx, now); err != nil {
			t.notice("定时任务出错：%v", err)
		}
	}
}

// Send implements bot.Transport: one line per post.
func (t *Transport) Send(ctx context.Context, p dispatch.Post) error {
	text := p.Compose(func(name string) string { return "@" + name + " " })
	t.mu.Lock()
	defer t.mu.Unlock()
	var err error
	if t.opts.JSON {
		rec := struct {
			Group    string   `json:"group"`
			User     string   `json:"user"`
			Text     string   `json:"text"`
			Mentions []string `json:"mentions"`
			At       string   `json:"at"`
		}{p.Chat.Group, p.Chat.User, text, p.Mentions, t.opts.Clock.Now().Format(time.RFC3339)}
		if !p.At.IsZero() {
			rec.At = p.At.In(t.opts.Clock.Now().Location()).Format(time.RFC3339)
		}
		if rec.Mentions == nil {
			rec.Mentions = []string{}
		}
		var b []byte
		b, err = json.Marshal(rec)
		if err == nil {
			_, err = fmt.Fprintf(t.opts.Out, "%s\n", b)
		}
	} else {
		where := p.Chat.Group
		if p.Chat.IsPrivate() {
			where = "私聊 " + p.Chat.User
		}
		_, err = fmt.Fprintf(t.opts.Out, "[%s] %s\n", where, strings.ReplaceAll(text, "\n", `\n`))
	}
	if err != nil {
		return fmt.Errorf("console: write: %w", err)
	}
	return nil
}

func (t *Transport) echo(line, nick string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if strings.HasPrefix(strings.TrimSpace(line), ":") {
		fmt.Fprintf(t.opts.Out, "%s\n", line)
		return
	}
	fmt.Fprintf(t.opts.Out, "%s> %s\n", nick, line)
}

func (t *Transport) heading(line string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	fmt.Fprintf(t.opts.Out, "\n%s\n", line)
}

func (t *Transport) notice(format string, args ...any) {
	fmt.Fprintf(t.opts.Err, "console: "+format+"\n", args...)
}
