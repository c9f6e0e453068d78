package wechat

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"

	"github.com/changzheng/chorus/bot"
	"github.com/changzheng/chorus/dispatch"
	"github.com/eatmoreapple/openwechat"
)

// userAgent is the UOS browser openwechat's Desktop mode presents.
const userAgent = "Mozilla/5.0 (Linux; U; UOS x86_64; zh-cn) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/91.0.4472.124 Safari/537.36 UOSBrowser/6.0.1.1001"

// session is one login. openwechat's Bot is not safe for concurrent use: its message
// loop goroutine owns the Bot's caches (members, groups, SyncKey) and runs the
// callbacks below. Other goroutines touch only what login fixed before the loop started
// (LoginInfo, BaseRequest, the Caller), our own contact directory, and the Bot's
// context. Nobody but the loop calls Exit, and nobody calls Block: the two race.
type session struct {
	t      *Transport
	bot    *openwechat.Bot
	cancel context.CancelFunc // ends the bot's context, and with it the loop

	runCtx context.Context // Run's context, passed to in
	in     bot.Inbound

	// Set by login once openwechat's login returns. openwechat starts the loop inside
	// its login (webwxinit), so the loop's callbacks wait for ready before reading them.
	self, nick string // the bot account's UserName (this session) and NickName
	loginInfo  *openwechat.LoginInfo
	request    *openwechat.BaseRequest
	ready      chan struct{} // closed once the four fields above are set
	storage    *syncFile     // the hot-login file, or nil

	// unkept is set (on the loop) when a message could not be handed on: the sync
	// position must then never be saved past it, no later message is handed on, and the
	// session is ended at the next synccheck so that the re-login syncs from the saved
	// position and gets them again.
	unkept error

	loopDone chan struct{} // closed when the loop has exited through Bot.Exit
	loopOnce sync.Once
	reason   error // why onSyncCheck ended the session; set on the loop before loopDone closes

	cbMu   sync.Mutex // held by every loop callback; close waits for it
	closed bool

	dirMu   sync.Mutex
	groups  map[string]string // group NickName -> @@UserName
	friends map[string]string // friend NickName -> @UserName
}

// login makes one login attempt: hot login from the file if there is one, else (or if
// that fails) a QR scan, which blocks until someone scans or ctx ends.
func (t *Transport) login(ctx context.Context, in bot.Inbound) (*session, error) {
	sctx, cancel := context.WithCancel(ctx)
	b := openwechat.DefaultBot(openwechat.Desktop, openwechat.WithContextOption(sctx))
	client := b.Caller.Client
	hc := client.HTTPClient()
	if c := t.opts.HTTPClient; c != nil {
		hc.Transport = c.Transport
		if c.Timeout > 0 {
			hc.Timeout = c.Timeout
		}
	}
	// One try per request: the outbox retries sends (a retried webwxsendmsg could post
	// twice), and Run retries logins.
	client.MaxRetryTimes = 1
	client.HttpHooks = openwechat.HttpHooks{openwechat.UserAgentHook{UserAgent: userAgent}}

	s := &session{
		t:        t,
		bot:      b,
		cancel:   cancel,
		runCtx:   ctx,
		in:       in,
		ready:    make(chan struct{}),
		loopDone: make(chan struct{}),
		groups:   map[string]string{},
		friends:  map[string]string{},
	}
	b.UUIDCallback = t.showQR
	b.ScanCallBack = func(openwechat.CheckLoginResponse) {
		t.log.Info("wechat QR scanned; waiting for confirmation on the phone")
	}
	b.LoginCallBack = nil
	b.SyncCheckCallback = s.onSyncCheck
	b.MessageHandler = s.onMessage
	b.MessageErrorHandler = s.onSyncError
	b.LogoutCallBack = func(*openwechat.Bot) { s.loopOnce.Do(func() { close(s.loopDone) }) }

	var err error
	if file := t.opts.HotLoginFile; file != "" {
		if err := os.MkdirAll(filepath.Dir(file), 0o700); err != nil {
			cancel()
			return nil, fmt.Errorf("wechat: login: %w", err)
		}
		// syncFile, not openwechat's file storage: it saves the sync position only once
		// the messages it covers are kept, and replaces the file atomically (0600: it
		// holds session credentials).
		storage := newSyncFile(file)
		s.storage = storage
		err = b.HotLogin(storage, &scanFallback{log: t.log})
	} else {
		err = b.Login()
	}
	if err != nil {
		s.close()
		return nil, fmt.Errorf("wechat: login: %w", err)
	}
	// Written once, here; the loop (already running) reads them only after ready.
	s.loginInfo, s.request = b.Storage.LoginInfo, b.Storage.Request
	if u := b.Storage.Response.User; u != nil {
		s.self, s.nick = u.UserName, openwechat.FormatEmoji(u.NickName)
	}
	close(s.ready)
	if err := s.refresh(ctx); err != nil {
		t.log.Warn("wechat contacts not loaded; will retry on send", "err", err)
	}
	return s, nil
}

// scanFallback turns a failed hot login into one QR scan. Unlike openwechat's
// RetryLoginOption it drops the stale SyncKey the failed hot login loaded.
type scanFallback struct {
	openwechat.BaseBotLoginOption
	log  *slog.Logger
	used bool
}

func (f *scanFallback) OnError(b *openwechat.Bot, err error) error {
	if f.used {
		return err
	}
	f.used = true
	f.log.Info("wechat hot login failed; falling back to a QR scan", "err", err)
	b.Storage.Response = nil
	return b.Login()
}

// wait blocks until the session is lost (returning why) or ctx ends.
func (s *session) wait(ctx context.Context) error {
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-s.loopDone:
		if s.reason != nil {
			return s.reason // the session ended it; openwechat's reason may still change
		}
		if err := s.bot.CrashReason(); err != nil {
			return err
		}
		return errors.New("message loop ended")
	}
}

// ended reports whether the session's loop has stopped or is stopping.
func (s *session) ended() bool {
	select {
	case <-s.loopDone:
		return true
	default:
		return s.bot.Context().Err() != nil
	}
}

// close stops the loop and waits for a callback in progress; no callback runs after.
func (s *session) close() {
	s.cancel()
	s.cbMu.Lock()
	s.closed = true
	s.cbMu.Unlock()
	if s.storage != nil {
		_ = s.storage.Close()
	}
}

// onSyncCheck runs on the loop goroutine after every synccheck, before the loop fetches
// what it announces: every message of the batch before it has been handed on by now, so
// the sync position saved with that batch can go to disk. If one of them could not be
// kept, the session ends instead, and the re-login syncs from the older position.
func (s *session) onSyncCheck(openwechat.SyncCheckResponse) {
	s.cbMu.Lock()
	defer s.cbMu.Unlock()
	if s.closed || s.storage == nil {
		return
	}
	if s.unkept != nil {
		// Our own reason, not openwechat's ExitWith: the loop goes on to one more
		// webwxsync after this callback, fails it (its context is done) and sets its
		// crash reason again, racing wait's read of it.
		s.reason = fmt.Errorf("%w: %w", errUnkept, s.unkept)
		s.bot.Exit() // closes loopDone, after reason is set
		return
	}
	s.storage.startLoop()
	if err := s.storage.commit(); err != nil {
		s.t.log.Error("wechat sync position not saved; a restart may receive some messages again", "err", err)
	}
}

// onSyncError decides, on the loop goroutine, whether the loop goes on after a failed
// synccheck: not when the session is gone (1100-1102) or stopping; otherwise after a pause.
func (s *session) onSyncError(err error) error {
	s.cbMu.Lock()
	defer s.cbMu.Unlock()
	if s.closed || s.bot.Context().Err() != nil {
		return err
	}
	var ret openwechat.Ret
	if errors.As(err, &ret) && ret >= 1100 && ret <= 1102 {
		return err
	}
	pause := s.t.opts.Backoff.Min
	s.t.log.Warn("wechat sync failed; retrying", "retry_in", pause, "err", err)
	if s.t.opts.Sleep(s.bot.Context(), pause) != nil {
		return err
	}
	return nil
}

// onMessage runs on the loop goroutine for every synced message.
func (s *session) onMessage(msg *openwechat.Message) {
	// A message synced while login is still finishing waits for it (not holding cbMu,
	// which close takes); a session closed before it was ready drops it.
	select {
	case <-s.ready:
	case <-s.bot.Context().Done():
		return
	}
	s.cbMu.Lock()
	defer s.cbMu.Unlock()
	if s.closed {
		return
	}
	defer func() {
		if r := recover(); r != nil {
			s.t.log.Error("wechat message handler panicked", "msg_id", msg.MsgId, "panic", r, "stack", string(debug.Stack()))
		}
	}()
	if s.unkept != nil {
		// An earlier message of this session was not kept: this one is not handed on
		// either, so that the re-login receives both again and they are kept in the
		// order they arrived.
		return
	}
	m, ok := s.inbound(msg)
	if !ok {
		return
	}
	if err := s.in(s.runCtx, m); err != nil {
		if s.runCtx.Err() != nil {
			return // stopping: the sync position is not saved past it (close drops it)
		}
		s.unkept = err
		s.t.log.Error("wechat inbound message not kept; the session ends so that WeChat hands it over again", "msg_id", m.ID, "group", m.Chat.Group,
			"user", mask(m.Chat.User), "from", mask(m.From.Ref), "err", err)
	}
}

// errUnkept ends a session in which a message could not be kept (the journal full or
// data_dir refusing writes): WeChat hands it over again only to a session that resumes
// from the sync position saved before it.
var errUnkept = errors.New("wechat: a message was not kept; logging in again to receive it again")

// inbound maps a text message from a configured group or a friend; ok is false for
// everything to ignore: the bot's own messages, other groups, non-text messages.
func (s *session) inbound(msg *openwechat.Message) (m dispatch.Message, ok bool) {
	md, isMedia := mediaOf(msg) // wechat.go
	if msg.IsSendBySelf() || !(msg.IsText() || isMedia) {
		return m, false
	}
	log := s.t.log.With("msg_id", msg.MsgId)
	botNames := []string{s.nick}
	switch {
	case msg.IsSendByGroup():
		group, err := msg.Sender()
		if err != nil {
			log.Warn("wechat group of message not found", "err", err)
			return m, false
		}
		name := openwechat.FormatEmoji(group.NickName)
		s.remember(s.groups, name, group.UserName)
		if !s.t.groups[name] {
			return m, false
		}
		member, err := msg.SenderInGroup()
		if err != nil {
			log.Warn("wechat sender of group message not found", "group", name, "err", err)
			return m, false
		}
		if me, ok := group.MemberList.GetByUserName(s.self); ok && me.DisplayName != "" {
			botNames = []string{me.DisplayName, s.nick}
		}
		m.Chat = dispatch.Chat{Group: name}
		m.From = dispatch.Sender{Nick: member.DisplayName, Ref: member.NickName}
		if m.From.Nick == "" {
			m.From.Nick = member.NickName
		}
	case msg.IsSendByFriend():
		u, err := msg.Sender()
		if err != nil {
			log.Warn("wechat sender of private message not found", "err", err)
			return m, false
		}
		if !u.IsFriend() {
			return m, false
		}
		s.remember(s.friends, u.NickName, u.UserName)
		m.Chat = dispatch.Chat{User: u.NickName, Transport: Name}
		m.From = dispatch.Sender{Nick: u.NickName, Ref: u.NickName}
	default:
		return m, false
	}
	m.ID = msg.MsgId
	m.Transport = Name
	m.Text, m.MentionsBot = stripMention(msg.Content, botNames...)
	if isMedia {
		m.Text, m.Media = "", &md
	}
	m.MentionsBot = m.MentionsBot || msg.IsAt()
	m.At = s.t.opts.Now()
	return m, true
}

// stripMention removes a leading "@name" followed by a four-per-em space, a space or
// the end of the text, for the first of names that matches.
func stripMention(text string, names ...string) (string, bool) {
	for _, name := range names {
		if name == "" {
			continue
		}
		rest, ok := strings.CutPrefix(text, "@"+name)
		if !ok {
			continue
		}
		if rest == "" || strings.HasPrefix(rest, "\u2005") || strings.HasPrefix(rest, " ") || strings.HasPrefix(rest, "\u3000") {
			return strings.TrimLeft(rest, "\u2005 \u3000"), true
		}
	}
	return text, false
}

func (s *session) remember(table map[string]string, name, userName string) {
	if name == "" || userName == "" {
		return
	}
	s.dirMu.Lock()
	defer s.dirMu.Unlock()
	table[name] = userName
}

// refresh reloads the contact directory from webwxgetcontact. It goes through the
// Caller directly, never through openwechat's caches, which belong to the loop.
func (s *session) refresh(ctx context.Context) error {
	members, err := s.bot.Caller.WebWxGetContact(ctx, s.loginInfo)
	if err != nil {
		return err
	}
	s.dirMu.Lock()
	defer s.dirMu.Unlock()
	for _, u := range members {
		name := openwechat.FormatEmoji(u.NickName)
		switch {
		case name == "":
		case strings.HasPrefix(u.UserName, "@@"):
			s.groups[name] = u.UserName
		case strings.HasPrefix(u.UserName, "@") && u.VerifyFlag == 0 && u.UserName != s.self:
			s.friends[name] = u.UserName
		}
	}
	return nil
}

func (s *session) lookup(c dispatch.Chat) (string, bool) {
	s.dirMu.Lock()
	defer s.dirMu.Unlock()
	if c.IsPrivate() {
		un, ok := s.friends[c.User]
		return un, ok
	}
	un, ok := s.groups[c.Group]
	return un, ok
}

func (s *session) forget(c dispatch.Chat) {
	s.dirMu.Lock()
	defer s.dirMu.Unlock()
	if c.IsPrivate() {
		delete(s.friends, c.User)
	} else {
		delete(s.groups, c.Group)
	}
}

// describe names a chat for errors and logs, masking people's nicknames.
func describe(c dispatch.Chat) string {
	if c.IsPrivate() {
		return "friend " + mask(c.User)
	}
	return fmt.Sprintf("group %q", c.Group)
}

func (s *session) send(ctx context.Context, p dispatch.Post) error {
	to, ok := s.lookup(p.Chat)
	if !ok {
		if err := s.refresh(ctx); err != nil {
			return s.sendErr(p.Chat, "refresh contacts", err)
		}
		if to, ok = s.lookup(p.Chat); !ok {
			return fmt.Errorf("wechat: send to %s: not among the contacts: %w", describe(p.Chat), bot.ErrRejected)
		}
	}
	// A mention is "@nick" and a four-per-em space, as WeChat clients write it.
	text := p.Compose(func(nick string) string { return "@" + nick + "\u2005" })
	_, err := s.bot.Caller.WebWxSendMsg(ctx, &openwechat.CallerWebWxSendMsgOptions{
		LoginInfo:   s.loginInfo,
		BaseRequest: s.request,
		Message:     openwechat.NewTextSendMessage(text, s.self, to),
	})
	if err != nil {
		var ret openwechat.Ret
		if errors.As(err, &ret) && ret == 1204 {
			s.forget(p.Chat) // a stale UserName; the retry looks it up afresh
		}
		return s.sendErr(p.Chat, "send", err)
	}
	return nil
}

// sendErr maps an openwechat error without exposing its types: a lost session wraps
// bot.ErrUnavailable; anything else is a plain error the outbox retries.
func (s *session) sendErr(c dispatch.Chat, op string, err error) error {
	var ret openwechat.Ret
	if errors.As(err, &ret) {
		if ret >= 1100 && ret <= 1102 {
			return fmt.Errorf("wechat: %s to %s: session gone (ret %d): %w", op, describe(c), int(ret), bot.ErrUnavailable)
		}
		return fmt.Errorf("wechat: %s to %s: refused with ret %d (%v)", op, describe(c), int(ret), ret)
	}
	if s.ended() {
		return fmt.Errorf("wechat: %s to %s: %v: %w", op, describe(c), err, bot.ErrUnavailable)
	}
	return fmt.Errorf("wechat: %s to %s: %w", op, describe(c), stripNetworkErr(err))
}

// stripNetworkErr drops openwechat's NetworkErr from the error it joins it with,
// keeping the cause (a context error stays matchable with errors.Is).
func stripNetworkErr(err error) error {
	if j, ok := err.(interface{ Unwrap() []error }); ok {
		for _, e := range j.Unwrap() {
			if e != openwechat.NetworkErr {
				return e
			}
		}
	}
	return err
}
