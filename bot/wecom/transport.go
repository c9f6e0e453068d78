// Package wecom connects chorus to a WeCom smart robot (智能机器人) over its long
// connection, and posts to message-push webhooks (消息推送) as an outbound fallback.
package wecom

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"

	"github.com/changzheng/chorus/bot"
	"github.com/changzheng/chorus/dispatch"
)

// DefaultURL is the official long-connection endpoint.
const DefaultURL = "wss://openws.work.weixin.qq.com"

// ErrReplaced is returned by Run when WeCom closed this connection because a newer one
// subscribed with the same robot (disconnected_event). Run does not reconnect then, as
// the official SDK does not: two chorus processes would only keep kicking each other out.
var ErrReplaced = errors.New("wecom: connection replaced by a newer one")

// ErrAuth is wrapped by Run's error when WeCom refused aibot_subscribe (a non-zero
// errcode in its ack) MaxAuthFailures times in a row: the bot id or secret is wrong.
var ErrAuth = errors.New("wecom: subscribe refused")

const (
	maxMissedPings = 2       // as the SDK: the third tick without an ack ends the connection
	maxCallbacks   = 1024    // callbacks remembered per connection for replies
	readLimit      = 1 << 20 // inbound frame size limit
	dialTimeout    = 15 * time.Second
)

// Options configures a Transport. The zero value of each field is documented.
type Options struct {
	// URL is the long-connection endpoint; empty means DefaultURL.
	URL string
	// BotID and Secret are the robot's credentials for aibot_subscribe.
	BotID  string
	Secret string
	// Groups maps a WeCom group chatid to the chorus group name (from config). Group
	// messages from chatids not in it are logged once and ignored.
	Groups map[string]string
	// Logger receives the transport's logs; nil discards them. Message text is never
	// logged and user ids are masked.
	Logger *slog.Logger
	// HeartbeatEvery is the ping interval; zero means 30s. Two pings in a row without an
	// ack end the connection.
	HeartbeatEvery time.Duration
	// AckTimeout bounds the wait for an ack of aibot_subscribe, aibot_respond_msg and
	// aibot_send_msg; zero means 5s (the SDK's reply ack timeout).
	AckTimeout time.Duration
	// BackoffMin and BackoffMax bound the reconnect delay, which doubles from BackoffMin
	// after each failed attempt; zero means 1s and 30s.
	BackoffMin time.Duration
	BackoffMax time.Duration
	// MaxAuthFailures is how many refused subscribes in a row make Run give up with
	// ErrAuth; zero means 5 (as the SDK), negative means never give up.
	MaxAuthFailures int
	// Sleep waits d or until ctx ends, returning ctx's error then; nil means a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Now is the clock for Message.At and request ids; nil means time.Now.
	Now func() time.Time
	// HTTPClient dials the WebSocket; nil means http.DefaultClient, which honours
	// HTTPS_PROXY and friends (http.ProxyFromEnvironment).
	HTTPClient *http.Client
}

// Transport is the WeCom smart robot long-connection transport. Run must be called
// once; Send and Connected may be called from any goroutine.
type Transport struct {
	opts    Options
	log     *slog.Logger
	chatIDs map[string]string // chorus group name → chatid

	mu      sync.Mutex
	conn    *conn           // the subscribed connection; nil when there is none
	unknown map[string]bool // unconfigured chatids already logged
}

var _ bot.Transport = (*Transport)(nil)

// New returns a Transport for opts, with zero fields set to their defaults.
func New(opts Options) *Transport {
	if opts.URL == "" {
		opts.URL = DefaultURL
	}
	if opts.HeartbeatEvery <= 0 {
		opts.HeartbeatEvery = 30 * time.Second
	}
	if opts.AckTimeout <= 0 {
		opts.AckTimeout = 5 * time.Second
	}
	if opts.BackoffMin <= 0 {
		opts.BackoffMin = time.Second
	}
	if opts.BackoffMax <= 0 {
		opts.BackoffMax = 30 * time.Second
	}
	if opts.BackoffMax < opts.BackoffMin {
		opts.BackoffMax = opts.BackoffMin
	}
	if opts.MaxAuthFailures == 0 {
		opts.MaxAuthFailures = 5
	}
	if opts.Sleep == nil {
		opts.Sleep = sleep
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	chatIDs := make(map[string]string, len(opts.Groups))
	for id, name := range opts.Groups {
		chatIDs[name] = id
	}
	return &Transport{opts: opts, log: log, chatIDs: chatIDs, unknown: map[string]bool{}}
}

func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Name returns "wecom".
func (t *Transport) Name() string { return "wecom" }

// Connected reports whether a subscribed connection is up, for health checks.
func (t *Transport) Connected() bool {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.conn != nil
}

func (t *Transport) current() *conn {
	t.mu.Lock()
	defer t.mu.Unlock()
	return t.conn
}

// Run connects, subscribes and hands every text message to in until ctx ends, when it
// returns nil. A lost connection (read error, two unacknowledged pings) is re-dialled
// after a backoff doubling from BackoffMin to BackoffMax, reset by each successful
// subscribe. A refused subscribe is logged and retried the same way; after
// MaxAuthFailures refusals in a row Run returns an error wrapping ErrAuth. When WeCom
// replaces this connection with a newer one, Run returns ErrReplaced.
func (t *Transport) Run(ctx context.Context, in bot.Inbound) error {
	attempt, refused := 0, 0
	for {
		subscribed, err := t.session(ctx, in)
		if ctx.Err() != nil {
			return nil
		}
		if errors.Is(err, ErrReplaced) {
			t.log.Warn("wecom: a newer connection replaced this one; not reconnecting (is another chorus running with this robot?)",
				"bot_id", t.opts.BotID)
			return err
		}
		if subscribed {
			attempt, refused = 0, 0
		}
		if errors.Is(err, ErrAuth) {
			refused++
			t.log.Error("wecom: subscribe refused; check wecom.bot_id and wecom.secret",
				"bot_id", t.opts.BotID, "err", err, "refusals", refused)
			if t.opts.MaxAuthFailures > 0 && refused >= t.opts.MaxAuthFailures {
				return fmt.Errorf("wecom: run: giving up after %d refused subscribes: %w", refused, err)
			}
		} else {
			t.log.Warn("wecom: connection lost", "err", err)
		}
		d := t.backoff(attempt)
		attempt++
		t.log.Info("wecom: reconnecting", "after", d, "attempt", attempt)
		if err := t.opts.Sleep(ctx, d); err != nil {
			if ctx.Err() != nil {
				return nil
			}
			return fmt.Errorf("wecom: run: backoff: %w", err)
		}
	}
}

// backoff returns the delay before reconnect attempt n (0-based).
func (t *Transport) backoff(n int) time.Duration {
	d := t.opts.BackoffMin
	for i := 0; i < n && d < t.opts.BackoffMax; i++ {
		d *= 2
	}
	return min(d, t.opts.BackoffMax)
}

// session runs one connection from dial to its end. subscribed reports whether WeCom
// accepted aibot_subscribe on it.
func (t *Transport) session(ctx context.Context, in bot.Inbound) (subscribed bool, err error) {
	dctx, cancel := context.WithTimeout(ctx, dialTimeout)
	ws, _, err := websocket.Dial(dctx, t.opts.URL, &websocket.DialOptions{HTTPClient: t.opts.HTTPClient})
	cancel()
	if err != nil {
		return false, fmt.Errorf("wecom: dial: %w", err)
	}
	ws.SetReadLimit(readLimit)

	c := newConn(ctx, ws, t.opts)
	events := make(chan frame, 16)
	var wg sync.WaitGroup
	wg.Go(func() { c.readLoop(events) })
	defer wg.Wait()
	defer c.shutdown(nil)

	err = c.request(ctx, cmdSubscribe, newReqID(cmdSubscribe, t.opts.Now()),
		subscribeBody{BotID: t.opts.BotID, Secret: t.opts.Secret})
	if ae := (*AckError)(nil); errors.As(err, &ae) {
		return false, fmt.Errorf("errcode %d (%s): %w", ae.Code, ae.Msg, ErrAuth)
	}
	if err != nil {
		return false, err
	}
	t.mu.Lock()
	t.conn = c
	t.mu.Unlock()
	defer func() {
		t.mu.Lock()
		if t.conn == c {
			t.conn = nil
		}
		t.mu.Unlock()
	}()
	t.log.Info("wecom: connected", "url", t.opts.URL, "bot_id", t.opts.BotID)

	tick := time.NewTicker(t.opts.HeartbeatEvery)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return true, nil
		case <-c.done:
			// The reader queued everything it read before the connection ended (a
			// disconnected_event is followed by the close): handle it first.
			for {
				select {
				case f := <-events:
					if err := t.handle(ctx, c, f, in); err != nil {
						return true, err
					}
					continue
				default:
				}
				return true, c.err()
			}
		case <-tick.C:
			if n := c.missed.Load(); n >= maxMissedPings {
				return true, fmt.Errorf("wecom: heartbeat: %d pings without an ack", n)
			}
			c.missed.Add(1)
			if err := c.write(frame{Cmd: cmdPing, Headers: headers{ReqID: newReqID(cmdPing, t.opts.Now())}}); err != nil {
				return true, fmt.Errorf("wecom: heartbeat: %w", err)
			}
		case f := <-events:
			if err := t.handle(ctx, c, f, in); err != nil {
				return true, err
			}
		}
	}
}

// handle processes one callback or event frame. It returns ErrReplaced on
// disconnected_event.
func (t *Transport) handle(ctx context.Context, c *conn, f frame, in bot.Inbound) error {
	var b callbackBody
	if err := json.Unmarshal(f.Body, &b); err != nil {
		t.log.Warn("wecom: malformed callback body", "cmd", f.Cmd, "err", err)
		return nil
	}
	text, taskID := b.Text.Content, ""
	switch f.Cmd {
	case cmdEvent:
		switch b.Event.EventType {
		case "disconnected_event":
			return ErrReplaced
		case "enter_chat":
			t.log.Info("wecom: user entered the private chat", "user", mask(b.From.UserID))
			return nil
		case "template_card_event":
			// A tap on a card's button: its key is the command the button stands for, so
			// it goes on as that text through the one inbound path (journal, de-dup by the
			// event's msgid, the same store operation as typing it).
			if text, taskID = b.tap(); text == "" || taskID == "" {
				t.log.Warn("wecom: template_card_event without event_key or task_id ignored", "msgid", b.MsgID)
				return nil
			}
		default:
			t.log.Debug("wecom: event ignored", "eventtype", b.Event.EventType)
			return nil
		}
	case cmdMsgCallback:
	default:
		t.log.Warn("wecom: unknown frame ignored", "cmd", f.Cmd)
		return nil
	}
	md, isMedia := mediaOf(b) // media.go
	if b.MsgType != "text" && !isMedia && taskID == "" {
		t.log.Debug("wecom: non-text message ignored", "msgtype", b.MsgType, "msgid", b.MsgID)
		return nil
	}
	m := dispatch.Message{
		ID:        b.MsgID,
		Transport: t.Name(),
		From:      dispatch.Sender{Nick: b.From.UserID, Ref: b.From.UserID},
		Text:      text,
		At:        t.opts.Now(),
		Tap:       taskID != "",
	}
	switch b.ChatType {
	case "group":
		name, ok := t.opts.Groups[b.ChatID]
		if !ok {
			t.logUnknownGroup(b.ChatID)
			return nil
		}
		m.Chat = dispatch.Chat{Group: name, Ref: b.ChatID}
		m.Text = stripMention(m.Text)
		m.MentionsBot = true
	case "single":
		m.Chat = dispatch.Chat{User: b.From.UserID, Transport: t.Name(), Ref: b.From.UserID}
	default:
		t.log.Warn("wecom: message with unknown chattype ignored", "chattype", b.ChatType, "msgid", b.MsgID)
		return nil
	}
	if isMedia {
		m.Text, m.Media = "", &md
	}
	c.remember(b.MsgID, callback{reqID: f.Headers.ReqID, taskID: taskID, at: m.At})
	if err := in(ctx, m); err != nil && ctx.Err() == nil {
		t.log.Error("wecom: inbound message not stored", "msgid", b.MsgID, "user", mask(b.From.UserID), "err", err)
	}
	return nil
}

func (t *Transport) logUnknownGroup(chatID string) {
	t.mu.Lock()
	seen := t.unknown[chatID]
	t.unknown[chatID] = true
	t.mu.Unlock()
	if !seen {
		t.log.Warn("wecom: message from a group not in config ignored; to serve it, add a group with this wecom_chat_id",
			"chatid", chatID)
	}
}

// Send delivers p. When p.ReplyTo names a message received on the current connection
// and not answered yet, it answers that message with aibot_respond_msg (a finished
// stream, as the SDK's replyStream); otherwise, or when WeCom says that req_id is stale
// (846605), it pushes aibot_send_msg with a markdown body to the chat. Mentions are
// rendered as "@nick " before the text. Send waits for WeCom's ack.
//
// Cards: a post with a new card (发布's answer) goes as a button_interaction template
// card, answered or pushed the same way. The answer to a tap (p.Card.Update) replaces the
// tapped card with aibot_respond_update_msg on the tap's req_id, its text under the
// title, while WeCom still takes it (TapWindow); later, or when WeCom refuses it, the
// answer is pushed as markdown like any other.
//
// Errors wrap bot.ErrUnavailable when no connection is up (or it dropped before the
// ack), bot.ErrRejected when the chat cannot be addressed, the content is too long, or
// WeCom refused the post; a frequency limit (45009), a busy system or a missing ack
// give a plain error, to be retried.
func (t *Transport) Send(ctx context.Context, p dispatch.Post) error {
	c := t.current()
	if c == nil {
		return fmt.Errorf("wecom: send: not connected: %w", bot.ErrUnavailable)
	}
	content := render(p)
	if len(content) > MaxStreamBytes {
		return fmt.Errorf("wecom: send: content is %d bytes, over %d: %w", len(content), MaxStreamBytes, bot.ErrRejected)
	}
	newCard := p.Card != nil && !p.Card.Update
	if p.ReplyTo != "" {
		if cb, ok := c.take(p.ReplyTo); ok {
			var err error
			switch {
			case cb.taskID != "":
				if p.Card == nil || !p.Card.Update || t.opts.Now().Sub(cb.at) >= TapWindow {
					break // nothing to update, or too late: pushed below
				}
				text := p.Compose(func(name string) string { return "@" + name + " " })
				err = c.request(ctx, cmdUpdate, cb.reqID, updateBody{
					ResponseType: "update_template_card", TemplateCard: toCard(p.Card, cb.taskID, text),
				})
				if ae := (*AckError)(nil); !errors.As(err, &ae) {
					return err
				}
				t.log.Warn("wecom: card update refused; pushing the answer instead", "msgid", p.ReplyTo, "err", err)
			case newCard:
				err = c.request(ctx, cmdRespond, cb.reqID, cardReplyBody{
					MsgType: "template_card", TemplateCard: toCard(p.Card, newTaskID(p.Card.Task, t.opts.Now()), p.Card.Note),
				})
			default:
				err = c.request(ctx, cmdRespond, cb.reqID, streamBody{MsgType: "stream", Stream: streamContent{
					ID: newReqID("stream", t.opts.Now()), Finish: true, Content: content,
				}})
			}
			if cb.taskID == "" {
				if ae := (*AckError)(nil); !errors.As(err, &ae) || ae.Code != CodeStaleReqID {
					return err
				}
				t.log.Info("wecom: reply came too late for its connection; pushing it instead", "msgid", p.ReplyTo)
			}
		}
	}
	chatID, err := t.chatID(p.Chat)
	if err != nil {
		return err
	}
	if newCard {
		return c.request(ctx, cmdSendMsg, newReqID(cmdSendMsg, t.opts.Now()), cardPushBody{
			ChatID: chatID, MsgType: "template_card", TemplateCard: toCard(p.Card, newTaskID(p.Card.Task, t.opts.Now()), p.Card.Note),
		})
	}
	return c.request(ctx, cmdSendMsg, newReqID(cmdSendMsg, t.opts.Now()), sendMsgBody{
		ChatID: chatID, MsgType: "markdown", Markdown: markdownContent{Content: content},
	})
}

// TapWindow is how long after a tap its card may still be updated: WeCom allows 5 s from
// the event, and chorus's clock starts only when the frame is read, so it keeps a margin.
const TapWindow = 4 * time.Second

// chatID is the WeCom chatid (group) or userid (private chat) a post goes to.
func (t *Transport) chatID(ch dispatch.Chat) (string, error) {
	if !ch.IsPrivate() {
		if id := t.chatIDs[ch.Group]; id != "" {
			return id, nil
		}
		if ch.Ref != "" {
			return ch.Ref, nil
		}
		return "", fmt.Errorf("wecom: send: group %q has no chatid in config: %w", ch.Group, bot.ErrRejected)
	}
	if ch.Transport != "" && ch.Transport != t.Name() {
		return "", fmt.Errorf("wecom: send: private chat through %q: %w", ch.Transport, bot.ErrRejected)
	}
	if ch.Ref == "" {
		return "", fmt.Errorf("wecom: send: private chat without a userid: %w", bot.ErrRejected)
	}
	return ch.Ref, nil
}

// conn is one WebSocket connection: its writer, its pending acks and the callbacks
// received on it, whose req_ids are valid only here.
type conn struct {
	ws         *websocket.Conn
	ctx        context.Context // ends with the connection; bounds writes
	cancel     context.CancelFunc
	ackTimeout time.Duration
	log        *slog.Logger
	done       chan struct{}
	missed     atomic.Int32 // pings sent since the last ping ack

	mu        sync.Mutex
	closeErr  error
	closed    bool
	pending   map[string]chan frame // req_id → waiter for its ack
	callbacks map[string]callback   // msgid → its callback, not answered yet
	order     []string              // msgids in arrival order, for eviction
}

func newConn(ctx context.Context, ws *websocket.Conn, opts Options) *conn {
	cctx, cancel := context.WithCancel(ctx)
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	return &conn{
		ws: ws, ctx: cctx, cancel: cancel, ackTimeout: opts.AckTimeout, log: log,
		done: make(chan struct{}), pending: map[string]chan frame{}, callbacks: map[string]callback{},
	}
}

// shutdown closes the connection once, recording why.
func (c *conn) shutdown(err error) {
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return
	}
	c.closed = true
	c.closeErr = err
	c.mu.Unlock()
	c.cancel()
	_ = c.ws.CloseNow()
	close(c.done)
}

func (c *conn) err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.closeErr == nil {
		return errors.New("wecom: connection closed")
	}
	return c.closeErr
}

// readLoop reads frames until the connection fails: acks go to their waiters,
// everything else to events.
func (c *conn) readLoop(events chan<- frame) {
	for {
		_, data, err := c.ws.Read(c.ctx)
		if err != nil {
			c.shutdown(fmt.Errorf("wecom: read: %w", err))
			return
		}
		var f frame
		if err := json.Unmarshal(data, &f); err != nil {
			c.log.Warn("wecom: unparsable frame ignored", "err", err)
			continue
		}
		if f.Cmd == "" {
			c.ack(f)
			continue
		}
		select {
		case events <- f:
		case <-c.ctx.Done():
			c.shutdown(nil)
			return
		}
	}
}

func (c *conn) ack(f frame) {
	id := f.Headers.ReqID
	if strings.HasPrefix(id, cmdPing+"_") {
		if f.Errcode != nil && *f.Errcode == 0 {
			c.missed.Store(0)
		} else {
			c.log.Warn("wecom: ping refused", "errcode", f.Errcode, "errmsg", f.Errmsg)
		}
		return
	}
	c.mu.Lock()
	ch := c.pending[id]
	delete(c.pending, id)
	c.mu.Unlock()
	if ch == nil {
		c.log.Debug("wecom: ack without a waiter ignored", "req_id", id)
		return
	}
	ch <- f // buffered, one ack per waiter
}

// write sends f; it is bounded by the connection's life and AckTimeout, never by a
// caller's context, because an interrupted write closes the WebSocket.
func (c *conn) write(f frame) error {
	data, err := json.Marshal(f)
	if err != nil {
		return fmt.Errorf("wecom: encode %s: %w", f.Cmd, err)
	}
	ctx, cancel := context.WithTimeout(c.ctx, c.ackTimeout)
	defer cancel()
	return c.ws.Write(ctx, websocket.MessageText, data)
}

// request sends cmd with reqID and body and waits for the ack with that req_id.
func (c *conn) request(ctx context.Context, cmd, reqID string, body any) error {
	raw, err := json.Marshal(body)
	if err != nil {
		return fmt.Errorf("wecom: encode %s: %w", cmd, err)
	}
	ch := make(chan frame, 1)
	c.mu.Lock()
	if c.closed {
		c.mu.Unlock()
		return fmt.Errorf("wecom: %s: connection closed: %w", cmd, bot.ErrUnavailable)
	}
	if _, busy := c.pending[reqID]; busy {
		c.mu.Unlock()
		return fmt.Errorf("wecom: %s: req_id already waiting for an ack", cmd)
	}
	c.pending[reqID] = ch
	c.mu.Unlock()
	defer func() {
		c.mu.Lock()
		delete(c.pending, reqID)
		c.mu.Unlock()
	}()

	if err := c.write(frame{Cmd: cmd, Headers: headers{ReqID: reqID}, Body: raw}); err != nil {
		return fmt.Errorf("wecom: %s: %w: %w", cmd, err, bot.ErrUnavailable)
	}
	timer := time.NewTimer(c.ackTimeout)
	defer timer.Stop()
	result := func(f frame) error {
		if f.Errcode == nil || *f.Errcode == 0 {
			return nil
		}
		return &AckError{Cmd: cmd, Code: *f.Errcode, Msg: f.Errmsg}
	}
	select {
	case f := <-ch:
		return result(f)
	case <-c.done:
		// The reader hands an ack over before it closes done, but select picks at random
		// among ready cases: an ack that came just before the close still counts.
		select {
		case f := <-ch:
			return result(f)
		default:
		}
		return fmt.Errorf("wecom: %s: connection closed before the ack: %w", cmd, bot.ErrUnavailable)
	case <-timer.C:
		return fmt.Errorf("wecom: %s: no ack within %s", cmd, c.ackTimeout)
	case <-ctx.Done():
		return fmt.Errorf("wecom: %s: %w", cmd, ctx.Err())
	}
}

// callback is a message or tap received on a connection, which a reply may answer.
type callback struct {
	reqID string
	// taskID is the tapped card's task_id for a template_card_event; empty for a message.
	taskID string
	// at is when it was read, for TapWindow.
	at time.Time
}

// remember keeps a callback's req_id so a reply can answer it.
func (c *conn) remember(msgID string, cb callback) {
	if msgID == "" || cb.reqID == "" {
		return
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.callbacks[msgID]; !ok {
		c.order = append(c.order, msgID)
	}
	c.callbacks[msgID] = cb
	for len(c.order) > maxCallbacks {
		delete(c.callbacks, c.order[0])
		c.order = c.order[1:]
	}
}

// take returns and forgets the callback msgID: each message is answered directly once;
// further posts replying to it are pushed.
func (c *conn) take(msgID string) (callback, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	cb, ok := c.callbacks[msgID]
	delete(c.callbacks, msgID)
	return cb, ok
}
