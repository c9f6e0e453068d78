// Package wechattest runs a fake of WeChat's web protocol for tests, as net/http/httptest
// runs a fake HTTP server: the unmodified openwechat client logs in, syncs and sends
// against it, and tests script the other side (scans, group messages, failures).
package wechattest

import (
	"context"
	"encoding/json"
	"encoding/xml"
	"fmt"
	"html"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// Member is a person in a fake group.
type Member struct {
	// Nick is the person's WeChat NickName; it stays the same across logins.
	Nick string
	// Display is the person's display name in this group; empty means none.
	Display string
}

// Group is a fake WeChat group. The bot's own account is always one of its members.
type Group struct {
	// Name is the group's NickName (the group's name as the chat shows it).
	Name string
	// Members are the people in the group besides the bot.
	Members []Member
}

// Config describes the fake account. Zero values are documented per field.
type Config struct {
	// Self is the bot account's NickName; empty means "社区助手".
	Self string
	// Groups are the groups the account is in; all of them are saved to contacts.
	Groups []Group
	// Friends are the NickNames of the account's friends (private chats).
	Friends []string
	// AutoConfirm confirms every scan login at once, as if someone always scanned.
	AutoConfirm bool
	// EchoSends delivers each successful send back through webwxsync with
	// FromUserName = the bot, as the real server does.
	EchoSends bool
	// PollWait is how long synccheck and the login poll wait for news before answering
	// "nothing"; zero means 200ms.
	PollWait time.Duration
}

// Sent is one message the bot sent, resolved for the session it was sent in.
type Sent struct {
	// Group is the group's name when the message went to a group.
	Group string
	// User is the friend's NickName when the message went to a private chat.
	User string
	// Text is the message content as sent.
	Text string
	// MsgID is the id the fake assigned.
	MsgID string
}

// Msg is a message as webwxsync delivers it (a subset of the real fields).
type Msg struct {
	MsgId        string
	NewMsgId     int64
	FromUserName string
	ToUserName   string
	MsgType      int
	Content      string
	Status       int
	CreateTime   int64
	Url          string
	SubMsgType   int `json:",omitempty"`
}

// Server is a running fake. Its methods are safe for concurrent use.
type Server struct {
	// URL is the base URL of the underlying httptest server.
	URL string

	tb        testing.TB
	ts        *httptest.Server
	cfg       Config
	uin       int64
	closeOnce sync.Once

	mu        sync.Mutex
	changed   chan struct{} // closed and replaced on every state change
	seq       int64
	logins    map[string]*pendingLogin // by uuid
	confirms  int
	tickets   map[string]bool
	sessions  map[string]*session // by wxsid
	current   *session
	scans     int
	inits     int
	sent      []Sent
	failN     int
	failRet   int
	lastBatch []Msg
	hold      bool               // webwxsendmsg waits while set (HoldSends)
	holding   int                // sends waiting
	media     map[string]*medium // by MsgId (media.go)
}

type pendingLogin struct {
	confirmed bool
	scanned   bool
}

type session struct {
	no         int64
	sid, skey  string
	passTicket string
	valid      bool
	names      map[string]string // key -> UserName
	keys       map[string]string // UserName -> key
	// log holds every message delivered to the session, in order; marks[k] is how many
	// of them SyncKey k covers. As on the real server, webwxsync answers everything
	// after the SyncKey the client sends, so a client that restarts from an older
	// SyncKey gets those messages again.
	log   []Msg
	marks []int
}

// syncKey is the session's newest SyncKey number.
func (ss *session) syncKey() int { return len(ss.marks) - 1 }

// clientKey reads the SyncKey number a client sent (item 1 is 700000000+k); a key the
// fake never issued counts as the newest.
func (ss *session) clientKey(items []syncKeyItem) int {
	for _, it := range items {
		if it.Key == 1 {
			k := int(it.Val - 700000000)
			if k >= 0 && k < len(ss.marks) {
				return k
			}
		}
	}
	return ss.syncKey()
}

// news reports the messages a client at SyncKey k has not seen.
func (ss *session) news(k int) []Msg { return ss.log[ss.marks[k]:] }

// Keys of the per-session name tables.
func selfKey() string              { return "self" }
func personKey(nick string) string { return "u:" + nick }
func groupKey(name string) string  { return "g:" + name }

// NewServer starts a fake and closes it when the test ends.
func NewServer(tb testing.TB, cfg Config) *Server {
	tb.Helper()
	if cfg.Self == "" {
		cfg.Self = "社区助手"
	}
	if cfg.PollWait <= 0 {
		cfg.PollWait = 200 * time.Millisecond
	}
	s := &Server{
		tb:       tb,
		cfg:      cfg,
		uin:      2851760441,
		changed:  make(chan struct{}),
		logins:   map[string]*pendingLogin{},
		tickets:  map[string]bool{},
		sessions: map[string]*session{},
		media:    map[string]*medium{},
	}
	s.ts = httptest.NewServer(http.HandlerFunc(s.serveHTTP))
	s.URL = s.ts.URL
	tb.Cleanup(s.Close)
	return s
}

// Close shuts the fake down; long polls in progress end at once.
func (s *Server) Close() {
	s.closeOnce.Do(func() {
		s.ts.CloseClientConnections()
		s.ts.Close()
	})
}

// Client returns an HTTP client whose transport sends every request, whatever its host
// (wx.qq.com, webpush.wx.qq.com, login.wx.qq.com, file.wx.qq.com, …) and scheme, to the
// fake. Pass it as the transport's HTTP client.
func (s *Server) Client() *http.Client {
	return &http.Client{Transport: &rewrite{addr: s.ts.Listener.Addr().String(), base: s.ts.Client().Transport}}
}

type rewrite struct {
	addr string
	base http.RoundTripper
}

func (r *rewrite) RoundTrip(req *http.Request) (*http.Response, error) {
	r2 := req.Clone(req.Context())
	r2.Host = req.URL.Host
	r2.URL.Scheme = "http"
	r2.URL.Host = r.addr
	return r.base.RoundTrip(r2)
}

// ConfirmLogin lets one scan (or push) login through: the next QR code the client polls
// is reported scanned, then confirmed. Calling it before the client shows the code is
// fine. Each fresh scan login gives every person and group new UserNames.
func (s *Server) ConfirmLogin() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.confirms++
	s.broadcastLocked()
}

// Scans reports how many scan or push logins have completed.
func (s *Server) Scans() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.scans
}

// Inits reports how many webwxinit calls succeeded (scan logins and hot logins).
func (s *Server) Inits() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.inits
}

// WaitInits waits until at least n webwxinit calls have succeeded.
func (s *Server) WaitInits(ctx context.Context, n int) error {
	return s.wait(ctx, func() bool { return s.inits >= n })
}

// Say delivers a text message from the member nick in group, in the web protocol's form
// (FromUserName = the group's @@name, Content = "@<member UserName>:<br/>text"), to the
// logged-in session, and returns its MsgId.
func (s *Server) Say(group, nick, text string) string {
	s.tb.Helper()
	return s.sayGroup(group, nick, 1, encodeText(text))
}

// SayImage delivers an image message (MsgType 3) from nick in group and returns its MsgId.
func (s *Server) SayImage(group, nick string) string {
	s.tb.Helper()
	return s.sayGroup(group, nick, 3, `&lt;?xml version="1.0"?&gt;&lt;msg&gt;&lt;img length="1024" /&gt;&lt;/msg&gt;`)
}

// SayPrivate delivers a private text message from the friend nick and returns its MsgId.
func (s *Server) SayPrivate(nick, text string) string {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	if !contains(s.cfg.Friends, nick) {
		s.tb.Fatalf("wechattest: SayPrivate: %q is not a friend", nick)
	}
	ss := s.currentLocked()
	return s.enqueueLocked(ss, Msg{FromUserName: ss.name(personKey(nick)), ToUserName: ss.name(selfKey()), MsgType: 1, Content: encodeText(text)})
}

func (s *Server) sayGroup(group, nick string, msgType int, content string) string {
	s.tb.Helper()
	return s.sayGroupMsg(group, nick, Msg{MsgType: msgType}, content)
}

// sayGroupMsg delivers m from nick in group, filling in the addresses and the group
// form of Content.
func (s *Server) sayGroupMsg(group, nick string, m Msg, content string) string {
	s.tb.Helper()
	s.mu.Lock()
	defer s.mu.Unlock()
	g := s.group(group)
	if g == nil {
		s.tb.Fatalf("wechattest: no group %q", group)
	}
	if !g.has(nick) {
		s.tb.Fatalf("wechattest: %q is not in group %q", nick, group)
	}
	ss := s.currentLocked()
	m.FromUserName, m.ToUserName = ss.name(groupKey(group)), ss.name(selfKey())
	m.Content = ss.name(personKey(nick)) + ":<br/>" + content
	return s.enqueueLocked(ss, m)
}

// Redeliver delivers the last batch webwxsync returned again, with the same MsgIds.
func (s *Server) Redeliver() {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.currentLocked()
	ss.log = append(ss.log, s.lastBatch...)
	s.broadcastLocked()
}

// FailSends makes the next n webwxsendmsg calls fail with BaseResponse.Ret = ret
// (0 means 1205, "发送消息过于频繁"). Failed sends are not recorded in Sent.
func (s *Server) FailSends(n, ret int) {
	if ret == 0 {
		ret = 1205
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failN, s.failRet = n, ret
}

// HoldSends makes webwxsendmsg calls wait (hold true) until it is called with false,
// when they go on as usual: a test can do something between a send leaving the client
// and its answer.
func (s *Server) HoldSends(hold bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.hold = hold
	s.broadcastLocked()
}

// WaitHeld waits until at least n sends are waiting in HoldSends.
func (s *Server) WaitHeld(ctx context.Context, n int) error {
	return s.wait(ctx, func() bool { return s.holding >= n })
}

// ExpireSession ends every session: synccheck answers retcode 1101, the hot-login
// credentials stop working, and only a new scan (ConfirmLogin) logs in again.
func (s *Server) ExpireSession() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, ss := range s.sessions {
		ss.valid = false
	}
	s.current = nil
	s.broadcastLocked()
}

// Sent returns every message sent successfully so far, in order.
func (s *Server) Sent() []Sent {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Sent(nil), s.sent...)
}

// Covers reports whether a client holding SyncKey item 1 value val (as openwechat saves
// it in its hot-login file) has received the message msgID of the current session: a
// client that resumes from val gets every message it does not cover again.
func (s *Server) Covers(val int64, msgID string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.currentLocked()
	n := len(ss.log)
	if k := int(val - 700000000); k >= 0 && k < len(ss.marks) {
		n = ss.marks[k]
	}
	for _, m := range ss.log[:n] {
		if m.MsgId == msgID {
			return true
		}
	}
	return false
}

// WaitSent waits until at least n messages have been sent and returns them all.
func (s *Server) WaitSent(ctx context.Context, n int) ([]Sent, error) {
	if err := s.wait(ctx, func() bool { return len(s.sent) >= n }); err != nil {
		return s.Sent(), err
	}
	return s.Sent(), nil
}

// UserName returns the current session's UserName for a friend or group member's nick,
// for tests that check names changed across logins.
func (s *Server) UserName(nick string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current == nil {
		return ""
	}
	return s.current.names[personKey(nick)]
}

// GroupUserName returns the current session's @@UserName of a group.
func (s *Server) GroupUserName(group string) string {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.current == nil {
		return ""
	}
	return s.current.names[groupKey(group)]
}

// wait blocks until cond (called with s.mu held) holds or ctx ends.
func (s *Server) wait(ctx context.Context, cond func() bool) error {
	for {
		s.mu.Lock()
		ok, ch := cond(), s.changed
		s.mu.Unlock()
		if ok {
			return nil
		}
		select {
		case <-ch:
		case <-ctx.Done():
			return fmt.Errorf("wechattest: wait: %w", ctx.Err())
		}
	}
}

func (s *Server) broadcastLocked() {
	close(s.changed)
	s.changed = make(chan struct{})
}

func (s *Server) currentLocked() *session {
	s.tb.Helper()
	if s.current == nil {
		s.tb.Fatalf("wechattest: no session is logged in")
	}
	return s.current
}

func (s *Server) enqueueLocked(ss *session, m Msg) string {
	s.seq++
	m.MsgId = strconv.FormatInt(7000000000000000000+s.seq, 10)
	m.NewMsgId = 7000000000000000000 + s.seq
	m.CreateTime = time.Now().Unix()
	m.Status = 3
	ss.log = append(ss.log, m)
	s.broadcastLocked()
	return m.MsgId
}

func (s *Server) group(name string) *Group {
	for i := range s.cfg.Groups {
		if s.cfg.Groups[i].Name == name {
			return &s.cfg.Groups[i]
		}
	}
	return nil
}

func (g *Group) has(nick string) bool {
	for _, m := range g.Members {
		if m.Nick == nick {
			return true
		}
	}
	return false
}

func (ss *session) name(key string) string { return ss.names[key] }

// newSessionLocked creates a session with fresh UserNames for everyone and ends the
// older ones, as a new web login on another device does.
func (s *Server) newSessionLocked() *session {
	s.seq++
	no := s.seq
	ss := &session{
		no:         no,
		sid:        fmt.Sprintf("sid%08d", no),
		skey:       fmt.Sprintf("@crypt_%08d", no),
		passTicket: fmt.Sprintf("pt%08d", no),
		valid:      true,
		marks:      []int{0},
		names:      map[string]string{},
		keys:       map[string]string{},
	}
	n := 0
	add := func(key, prefix string) {
		if _, ok := ss.names[key]; ok {
			return
		}
		n++
		un := fmt.Sprintf("%s%016x%016x", prefix, no, n)
		ss.names[key] = un
		ss.keys[un] = key
	}
	add(selfKey(), "@")
	for _, f := range s.cfg.Friends {
		add(personKey(f), "@")
	}
	for _, g := range s.cfg.Groups {
		add(groupKey(g.Name), "@@")
		for _, m := range g.Members {
			add(personKey(m.Nick), "@")
		}
	}
	for _, old := range s.sessions {
		old.valid = false
	}
	s.sessions[ss.sid] = ss
	s.current = ss
	return ss
}

func (s *Server) validLocked(sid string) *session {
	ss := s.sessions[sid]
	if ss == nil || !ss.valid {
		return nil
	}
	return ss
}

func (s *Server) bySkeyLocked(skey string) *session {
	for _, ss := range s.sessions {
		if ss.valid && ss.skey == skey {
			return ss
		}
	}
	return nil
}

func contains(list []string, v string) bool {
	for _, x := range list {
		if x == v {
			return true
		}
	}
	return false
}

// encodeText writes text as the web protocol carries it: HTML-escaped, newlines as <br/>.
func encodeText(text string) string {
	return strings.ReplaceAll(html.EscapeString(text), "\n", "<br/>")
}

// ---- HTTP ----

type baseResponse struct {
	Ret    int
	ErrMsg string
}

type baseRequest struct {
	Uin      int64
	Sid      string
	Skey     string
	DeviceID string
}

type syncKey struct {
	Count int
	List  []syncKeyItem
}

type syncKeyItem struct{ Key, Val int64 }

type user struct {
	UserName    string
	NickName    string
	DisplayName string `json:",omitempty"`
	VerifyFlag  int
	MemberCount int
	MemberList  []user
	ContactFlag int
	Uin         int64
}

func (s *Server) serveHTTP(w http.ResponseWriter, r *http.Request) {
	p := r.URL.Path
	switch {
	case p == "/jslogin":
		s.jslogin(w, r)
	case strings.HasPrefix(p, "/qrcode/"):
		w.Header().Set("Content-Type", "image/jpeg")
		_, _ = w.Write([]byte("qr"))
	case strings.HasSuffix(p, "/mmwebwx-bin/login"):
		s.checkLogin(w, r)
	case strings.HasSuffix(p, "/webwxnewloginpage"):
		s.newLoginPage(w, r)
	case strings.HasSuffix(p, "/webwxpushloginurl"):
		s.pushLogin(w, r)
	case strings.HasSuffix(p, "/webwxinit"):
		s.webInit(w, r)
	case strings.HasSuffix(p, "/webwxstatusnotify"):
		s.statusNotify(w, r)
	case strings.HasSuffix(p, "/webwxgetcontact"):
		s.getContact(w, r)
	case strings.HasSuffix(p, "/webwxbatchgetcontact"):
		s.batchGetContact(w, r)
	case strings.HasSuffix(p, "/synccheck"):
		s.syncCheck(w, r)
	case strings.HasSuffix(p, "/webwxsync"):
		s.webSync(w, r)
	case strings.HasSuffix(p, "/webwxsendmsg"):
		s.sendMsg(w, r)
	case strings.HasSuffix(p, "/webwxlogout"):
		s.logout(w, r)
	case strings.HasSuffix(p, "/webwxgetmsgimg"), strings.HasSuffix(p, "/webwxgetvoice"):
		s.download(w, r) // media.go
	default:
		http.NotFound(w, r)
	}
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	_ = enc.Encode(v)
}

func writeJS(w http.ResponseWriter, format string, args ...any) {
	w.Header().Set("Content-Type", "text/javascript")
	_, _ = fmt.Fprintf(w, format, args...)
}

func (s *Server) jslogin(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	s.seq++
	uuid := fmt.Sprintf("Q%07dw==", s.seq)
	s.logins[uuid] = &pendingLogin{}
	s.broadcastLocked()
	s.mu.Unlock()
	writeJS(w, `window.QRLogin.code = 200; window.QRLogin.uuid = "%s";`, uuid)
}

// pushLogin answers webwxpushloginurl: the phone is asked to confirm (ConfirmLogin).
func (s *Server) pushLogin(w http.ResponseWriter, r *http.Request) {
	uin, _ := strconv.ParseInt(r.URL.Query().Get("uin"), 10, 64)
	s.mu.Lock()
	defer s.mu.Unlock()
	if uin != s.uin || s.scans == 0 {
		writeJSON(w, map[string]string{"ret": "1", "msg": "uin invalid", "uuid": ""})
		return
	}
	s.seq++
	uuid := fmt.Sprintf("P%07dw==", s.seq)
	s.logins[uuid] = &pendingLogin{}
	s.broadcastLocked()
	writeJSON(w, map[string]string{"ret": "0", "msg": "all ok", "uuid": uuid})
}

// checkLogin is the QR poll: 408 while waiting, 201 once scanned, then 200 with the
// redirect to webwxnewloginpage.
func (s *Server) checkLogin(w http.ResponseWriter, r *http.Request) {
	uuid := r.URL.Query().Get("uuid")
	deadline := time.NewTimer(s.cfg.PollWait)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		pl := s.logins[uuid]
		if pl == nil {
			s.mu.Unlock()
			writeJS(w, `window.code=400;`)
			return
		}
		if !pl.confirmed && (s.cfg.AutoConfirm || s.confirms > 0) {
			if !s.cfg.AutoConfirm {
				s.confirms--
			}
			pl.confirmed = true
		}
		switch {
		case pl.confirmed && !pl.scanned:
			pl.scanned = true
			s.mu.Unlock()
			writeJS(w, `window.code=201;window.userAvatar = 'data:img/jpg;base64,';`)
			return
		case pl.confirmed:
			delete(s.logins, uuid)
			s.seq++
			ticket := fmt.Sprintf("T%07d", s.seq)
			s.tickets[ticket] = true
			s.mu.Unlock()
			writeJS(w, `window.code=200;
window.redirect_uri="https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxnewloginpage?ticket=%s&uuid=%s&lang=zh_CN&scan=%d";`, ticket, uuid, time.Now().Unix())
			return
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-deadline.C:
			writeJS(w, `window.code=408;`)
			return
		case <-r.Context().Done():
			return
		}
	}
}

type loginPage struct {
	XMLName     xml.Name `xml:"error"`
	Ret         int      `xml:"ret"`
	Message     string   `xml:"message"`
	SKey        string   `xml:"skey,omitempty"`
	WxSid       string   `xml:"wxsid,omitempty"`
	WxUin       int64    `xml:"wxuin,omitempty"`
	PassTicket  string   `xml:"pass_ticket,omitempty"`
	IsGrayScale int      `xml:"isgrayscale"`
}

func (s *Server) newLoginPage(w http.ResponseWriter, r *http.Request) {
	w.Header().Set("Content-Type", "text/plain")
	// Without the UOS headers of Desktop mode, WeChat refuses most accounts.
	if r.Header.Get("client-version") == "" || r.Header.Get("extspam") == "" {
		_ = xml.NewEncoder(w).Encode(loginPage{Ret: 1203, Message: "为了你的帐号安全，此微信号不能登录网页微信。"})
		return
	}
	ticket := r.URL.Query().Get("ticket")
	s.mu.Lock()
	if !s.tickets[ticket] {
		s.mu.Unlock()
		_ = xml.NewEncoder(w).Encode(loginPage{Ret: 1, Message: "invalid ticket"})
		return
	}
	delete(s.tickets, ticket)
	ss := s.newSessionLocked()
	s.scans++
	s.broadcastLocked()
	s.mu.Unlock()
	for _, c := range []*http.Cookie{
		{Name: "wxuin", Value: strconv.FormatInt(s.uin, 10), Path: "/"},
		{Name: "wxsid", Value: ss.sid, Path: "/"},
		{Name: "webwx_data_ticket", Value: "dt" + ss.sid, Path: "/"},
	} {
		http.SetCookie(w, c)
	}
	_ = xml.NewEncoder(w).Encode(loginPage{Ret: 0, SKey: ss.skey, WxSid: ss.sid, WxUin: s.uin, PassTicket: ss.passTicket, IsGrayScale: 1})
}

func decodeBase(r *http.Request) (baseRequest, map[string]json.RawMessage) {
	var body map[string]json.RawMessage
	_ = json.NewDecoder(r.Body).Decode(&body)
	var br baseRequest
	if raw, ok := body["BaseRequest"]; ok {
		_ = json.Unmarshal(raw, &br)
	}
	return br, body
}

func (s *Server) sessionFor(br baseRequest) *session {
	ss := s.validLocked(br.Sid)
	if ss == nil || br.Uin != s.uin || br.Skey != ss.skey {
		return nil
	}
	return ss
}

func (ss *session) syncKeyLocked() syncKey {
	k := int64(ss.syncKey())
	list := []syncKeyItem{{1, 700000000 + k}, {2, 700000100 + k}, {3, 700000050}, {1000, 1700000000}}
	return syncKey{Count: len(list), List: list}
}

func (s *Server) selfUserLocked(ss *session) user {
	return user{UserName: ss.name(selfKey()), NickName: s.cfg.Self, Uin: s.uin}
}

func (s *Server) webInit(w http.ResponseWriter, r *http.Request) {
	br, _ := decodeBase(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sessionFor(br)
	if ss == nil {
		writeJSON(w, map[string]any{"BaseResponse": baseResponse{Ret: 1101}, "SyncKey": syncKey{List: []syncKeyItem{}}})
		return
	}
	s.inits++
	s.broadcastLocked()
	writeJSON(w, map[string]any{
		"BaseResponse": baseResponse{},
		"Count":        0,
		"ContactList":  []user{},
		"SyncKey":      ss.syncKeyLocked(),
		"User":         s.selfUserLocked(ss),
		"SKey":         ss.skey,
		"SystemTime":   time.Now().Unix(),
	})
}

func (s *Server) statusNotify(w http.ResponseWriter, r *http.Request) {
	br, _ := decodeBase(r)
	s.mu.Lock()
	ss := s.sessionFor(br)
	s.mu.Unlock()
	if ss == nil {
		writeJSON(w, map[string]any{"BaseResponse": baseResponse{Ret: 1101}})
		return
	}
	writeJSON(w, map[string]any{"BaseResponse": baseResponse{}, "MsgID": "1"})
}

func (s *Server) getContact(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.bySkeyLocked(r.URL.Query().Get("skey"))
	if ss == nil {
		writeJSON(w, map[string]any{"BaseResponse": baseResponse{Ret: 1101}, "MemberList": []user{}})
		return
	}
	list := []user{}
	for _, f := range s.cfg.Friends {
		list = append(list, user{UserName: ss.name(personKey(f)), NickName: f})
	}
	for _, g := range s.cfg.Groups {
		list = append(list, user{UserName: ss.name(groupKey(g.Name)), NickName: g.Name, MemberCount: len(g.Members) + 1, MemberList: []user{}})
	}
	// An official account, so that clients must tell it from friends (VerifyFlag 24).
	list = append(list, user{UserName: "@" + strings.Repeat("f", 32), NickName: "社区公众号", VerifyFlag: 24})
	writeJSON(w, map[string]any{"BaseResponse": baseResponse{}, "MemberCount": len(list), "MemberList": list, "Seq": 0})
}

// batchGetContact answers one entry per requested item, in order, as openwechat needs.
func (s *Server) batchGetContact(w http.ResponseWriter, r *http.Request) {
	br, body := decodeBase(r)
	var items []struct{ UserName, EncryChatRoomId string }
	_ = json.Unmarshal(body["List"], &items)
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sessionFor(br)
	if ss == nil {
		writeJSON(w, map[string]any{"BaseResponse": baseResponse{Ret: 1101}, "ContactList": []user{}})
		return
	}
	out := make([]user, 0, len(items))
	for _, it := range items {
		out = append(out, s.detailLocked(ss, it.UserName))
	}
	writeJSON(w, map[string]any{"BaseResponse": baseResponse{}, "Count": len(out), "ContactList": out})
}

func (s *Server) detailLocked(ss *session, userName string) user {
	key := ss.keys[userName]
	switch {
	case key == selfKey():
		return s.selfUserLocked(ss)
	case strings.HasPrefix(key, "g:"):
		g := s.group(strings.TrimPrefix(key, "g:"))
		members := []user{{UserName: ss.name(selfKey()), NickName: s.cfg.Self}}
		for _, m := range g.Members {
			members = append(members, user{UserName: ss.name(personKey(m.Nick)), NickName: m.Nick, DisplayName: m.Display})
		}
		return user{UserName: userName, NickName: g.Name, MemberCount: len(members), MemberList: members}
	case strings.HasPrefix(key, "u:"):
		return user{UserName: userName, NickName: strings.TrimPrefix(key, "u:"), MemberList: []user{}}
	default:
		return user{UserName: userName, MemberList: []user{}}
	}
}

func (s *Server) syncCheck(w http.ResponseWriter, r *http.Request) {
	sid := r.URL.Query().Get("sid")
	deadline := time.NewTimer(s.cfg.PollWait)
	defer deadline.Stop()
	for {
		s.mu.Lock()
		ss := s.validLocked(sid)
		if ss == nil || r.URL.Query().Get("skey") != ss.skey {
			s.mu.Unlock()
			writeJS(w, `window.synccheck={retcode:"1101",selector:"0"}`)
			return
		}
		if len(ss.news(ss.clientKey(parseSyncKey(r.URL.Query().Get("synckey"))))) > 0 {
			s.mu.Unlock()
			writeJS(w, `window.synccheck={retcode:"0",selector:"2"}`)
			return
		}
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-deadline.C:
			writeJS(w, `window.synccheck={retcode:"0",selector:"0"}`)
			return
		case <-r.Context().Done():
			return
		}
	}
}

func (s *Server) webSync(w http.ResponseWriter, r *http.Request) {
	br, body := decodeBase(r)
	s.mu.Lock()
	defer s.mu.Unlock()
	ss := s.sessionFor(br)
	if ss == nil {
		empty := syncKey{List: []syncKeyItem{}}
		writeJSON(w, map[string]any{"BaseResponse": baseResponse{Ret: 1101}, "SyncKey": empty, "SyncCheckKey": empty, "AddMsgList": []Msg{}})
		return
	}
	var sent struct{ SyncKey syncKey }
	_ = json.Unmarshal(body["SyncKey"], &sent.SyncKey)
	batch := append([]Msg{}, ss.news(ss.clientKey(sent.SyncKey.List))...)
	if len(batch) > 0 {
		s.lastBatch = append([]Msg(nil), batch...)
		ss.marks = append(ss.marks, len(ss.log))
	}
	sk := ss.syncKeyLocked()
	writeJSON(w, map[string]any{
		"BaseResponse": baseResponse{},
		"AddMsgCount":  len(batch),
		"AddMsgList":   batch,
		"SyncKey":      sk,
		"SyncCheckKey": sk,
		"Skey":         "",
	})
}

func (s *Server) sendMsg(w http.ResponseWriter, r *http.Request) {
	br, body := decodeBase(r)
	var m struct {
		Type         int
		Content      string
		FromUserName string
		ToUserName   string
		LocalID      string
		ClientMsgId  string
	}
	_ = json.Unmarshal(body["Msg"], &m)
	s.mu.Lock()
	defer s.mu.Unlock()
	for s.hold {
		s.holding++
		s.broadcastLocked()
		ch := s.changed
		s.mu.Unlock()
		select {
		case <-ch:
		case <-r.Context().Done():
		}
		s.mu.Lock()
		s.holding--
		if r.Context().Err() != nil {
			return
		}
	}
	ss := s.sessionFor(br)
	if ss == nil {
		writeJSON(w, map[string]any{"BaseResponse": baseResponse{Ret: 1101}})
		return
	}
	if s.failN > 0 {
		s.failN--
		writeJSON(w, map[string]any{"BaseResponse": baseResponse{Ret: s.failRet, ErrMsg: "发送消息过于频繁"}, "MsgID": "", "LocalID": m.LocalID})
		return
	}
	key := ss.keys[m.ToUserName]
	if m.FromUserName != ss.name(selfKey()) || key == "" || key == selfKey() {
		// A UserName of an older session, or none at all.
		writeJSON(w, map[string]any{"BaseResponse": baseResponse{Ret: 1204}, "MsgID": "", "LocalID": m.LocalID})
		return
	}
	s.seq++
	rec := Sent{Text: m.Content, MsgID: strconv.FormatInt(8000000000000000000+s.seq, 10)}
	if strings.HasPrefix(key, "g:") {
		rec.Group = strings.TrimPrefix(key, "g:")
	} else {
		rec.User = strings.TrimPrefix(key, "u:")
	}
	s.sent = append(s.sent, rec)
	if s.cfg.EchoSends {
		s.enqueueLocked(ss, Msg{FromUserName: m.FromUserName, ToUserName: m.ToUserName, MsgType: 1, Content: encodeText(m.Content)})
	}
	s.broadcastLocked()
	writeJSON(w, map[string]any{"BaseResponse": baseResponse{}, "MsgID": rec.MsgID, "LocalID": m.LocalID})
}

func (s *Server) logout(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if ss := s.bySkeyLocked(r.URL.Query().Get("skey")); ss != nil {
		ss.valid = false
		if s.current == ss {
			s.current = nil
		}
		s.broadcastLocked()
	}
	s.mu.Unlock()
	writeJSON(w, map[string]any{"BaseResponse": baseResponse{}})
}

// parseSyncKey reads synccheck's "synckey=1_700000001|2_700000101|…".
func parseSyncKey(q string) []syncKeyItem {
	var out []syncKeyItem
	for _, part := range strings.Split(q, "|") {
		k, v, ok := strings.Cut(part, "_")
		if !ok {
			continue
		}
		ki, err1 := strconv.ParseInt(k, 10, 64)
		vi, err2 := strconv.ParseInt(v, 10, 64)
		if err1 == nil && err2 == nil {
			out = append(out, syncKeyItem{ki, vi})
		}
	}
	return out
}
