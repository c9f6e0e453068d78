// Package wecomtest provides fakes of WeCom's smart robot long connection and of its
// message-push webhook, for tests, in the manner of net/http/httptest.
package wecomtest

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/http/httptest"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/coder/websocket"
)

// Error codes the fake answers with.
const (
	// CodeBadCredentials answers an aibot_subscribe with a wrong bot_id or secret. The
	// real code is not documented; 40001 (invalid credential) is an assumption.
	CodeBadCredentials = 40001
	// CodeBadMsgType answers a reply in a format WeCom refuses (plain text).
	CodeBadMsgType = 40008
	// CodeTooLong answers content over 20,480 bytes (assumed code).
	CodeTooLong = 45002
	// CodeFreqLimit is WeCom's frequency limit, for FailNext.
	CodeFreqLimit = 45009
	// CodeStaleReqID answers a reply whose req_id did not arrive on this connection.
	CodeStaleReqID = 846605
)

const maxContent = 20480

// Subscribe is one aibot_subscribe the fake received.
type Subscribe struct {
	BotID, Secret string
	// OK reports whether the credentials matched.
	OK bool
	// Conn numbers the connection it came on, from 1.
	Conn int
}

// Callback identifies a message callback the fake sent.
type Callback struct {
	ReqID, MsgID string
	Conn         int
}

// Reply is one aibot_respond_msg frame the fake accepted.
type Reply struct {
	// ReqID is the req_id of the callback it answers; MsgID that callback's msgid.
	ReqID, MsgID string
	// MsgType is "stream", "markdown" or "template_card".
	MsgType string
	// StreamID and Finish are set for streams.
	StreamID string
	Finish   bool
	Content  string
	// Card is set for a template_card reply.
	Card *Card
	Conn int
}

// Push is one aibot_send_msg frame the fake accepted.
type Push struct {
	ReqID, ChatID, MsgType, Content string
	// Card is set for a template_card push.
	Card *Card
	Conn int
}

// Card is a button_interaction template card the fake accepted, as checked against the
// SDK 1.0.7 TemplateCard type.
type Card struct {
	TaskID, Title, SubTitle string
	// Rows are horizontal_content_list's keyname and value pairs.
	Rows [][2]string
	// Buttons are button_list's, in order.
	Buttons []Button
}

// Button is one button of a card.
type Button struct{ Text, Key string }

// Update is one aibot_respond_update_msg the fake accepted.
type Update struct {
	// ReqID is the req_id of the template_card_event it answers; MsgID that event's msgid.
	ReqID, MsgID string
	Card         Card
	Conn         int
}

// Tap is a tap on a card's button, for Server.Tap.
type Tap struct {
	ChatID, UserID string
	// TaskID is the tapped card's task_id and Key the tapped button's key; both must be of
	// a card the fake accepted.
	TaskID, Key string
	// MsgID is the event's msgid; empty means a new one. WeCom may deliver an event twice:
	// tapping again with a Callback's MsgID does that.
	MsgID string
}

// Server is a fake long-connection server on 127.0.0.1. It checks every frame it
// receives against the protocol as the official SDK speaks it and records each
// violation (see Errors); it acknowledges frames as WeCom does.
type Server struct {
	botID, secret string
	hs            *httptest.Server

	subCh   chan Subscribe
	pingCh  chan string
	replyCh chan Reply
	pushCh  chan Push
	updCh   chan Update

	mu        sync.Mutex
	nconn     int
	conns     map[*sconn]bool
	cur       *sconn
	seen      map[string]bool   // client req_ids
	issued    map[string]issued // callback req_id → where and what
	finished  map[string]bool   // callback req_ids whose stream finished
	fail      []int
	noPingAck bool
	refuse    bool
	seq       int
	errs      []string
	subs      []Subscribe
	replies   []Reply
	pushes    []Push
	updates   []Update
	cards     map[string]Card // task_id → the latest card with it
	pings     int
	media     media // encrypted downloads (media.go)
}

type issued struct {
	conn  *sconn
	msgID string
	// taskID is the tapped card's task_id for a template_card_event; empty otherwise.
	taskID string
}

type sconn struct {
	ws         *websocket.Conn
	n          int
	subscribed bool
}

// NewServer starts a fake that accepts botID and secret. Close it when done.
func NewServer(botID, secret string) *Server {
	s := &Server{
		botID: botID, secret: secret,
		subCh: make(chan Subscribe, 256), pingCh: make(chan string, 4096),
		replyCh: make(chan Reply, 1024), pushCh: make(chan Push, 1024), updCh: make(chan Update, 1024),
		conns: map[*sconn]bool{}, seen: map[string]bool{}, cards: map[string]Card{},
		issued: map[string]issued{}, finished: map[string]bool{},
	}
	s.hs = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// URL is the ws:// address to dial.
func (s *Server) URL() string { return "ws" + strings.TrimPrefix(s.hs.URL, "http") }

// Close drops every connection and stops the server.
func (s *Server) Close() {
	s.mu.Lock()
	for c := range s.conns {
		_ = c.ws.CloseNow()
	}
	s.mu.Unlock()
	s.hs.Close()
}

// Errors returns the protocol violations seen so far, in order.
func (s *Server) Errors() []string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]string(nil), s.errs...)
}

// Subscribes returns every aibot_subscribe received, in order.
func (s *Server) Subscribes() []Subscribe {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Subscribe(nil), s.subs...)
}

// Replies returns every accepted aibot_respond_msg, in order.
func (s *Server) Replies() []Reply {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Reply(nil), s.replies...)
}

// Pushes returns every accepted aibot_send_msg, in order.
func (s *Server) Pushes() []Push {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Push(nil), s.pushes...)
}

// Updates returns every accepted aibot_respond_update_msg, in order.
func (s *Server) Updates() []Update {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Update(nil), s.updates...)
}

// NextUpdate waits up to timeout for the next accepted aibot_respond_update_msg.
func (s *Server) NextUpdate(timeout time.Duration) (Update, error) {
	return next(s.updCh, timeout, "aibot_respond_update_msg")
}

// Pings returns how many pings were received.
func (s *Server) Pings() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.pings
}

// FailNext makes the acks of the next n aibot_respond_msg or aibot_send_msg frames
// carry errcode instead of 0; such frames are not recorded as replies or pushes.
func (s *Server) FailNext(n, errcode int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.fail = append(s.fail, errcode)
	}
}

// AckPings sets whether pings are acknowledged (they are at first).
func (s *Server) AckPings(ack bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.noPingAck = !ack
}

// Refuse sets whether new connections are refused (HTTP 503 to the WebSocket upgrade),
// as when WeCom cannot be reached; connections already open are not touched. Together
// with Drop it holds a client disconnected for as long as a test needs.
func (s *Server) Refuse(refuse bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refuse = refuse
}

// NextSubscribe waits up to timeout for the next aibot_subscribe.
func (s *Server) NextSubscribe(timeout time.Duration) (Subscribe, error) {
	return next(s.subCh, timeout, "aibot_subscribe")
}

// NextPing waits up to timeout for the next ping and returns its req_id.
func (s *Server) NextPing(timeout time.Duration) (string, error) {
	return next(s.pingCh, timeout, "ping")
}

// NextReply waits up to timeout for the next accepted aibot_respond_msg.
func (s *Server) NextReply(timeout time.Duration) (Reply, error) {
	return next(s.replyCh, timeout, "aibot_respond_msg")
}

// NextPush waits up to timeout for the next accepted aibot_send_msg.
func (s *Server) NextPush(timeout time.Duration) (Push, error) {
	return next(s.pushCh, timeout, "aibot_send_msg")
}

func next[T any](ch <-chan T, timeout time.Duration, what string) (T, error) {
	t := time.NewTimer(timeout)
	defer t.Stop()
	select {
	case v := <-ch:
		return v, nil
	case <-t.C:
		var zero T
		return zero, fmt.Errorf("wecomtest: no %s within %s", what, timeout)
	}
}

// ErrNotConnected is returned by the methods that talk to the current connection when
// no client has subscribed on one.
var ErrNotConnected = errors.New("wecomtest: no subscribed connection")

// SendGroupText sends an aibot_msg_callback with a text message from userid in the
// group chatid on the current connection.
func (s *Server) SendGroupText(chatid, userid, content string) (Callback, error) {
	return s.sendText("group", chatid, userid, content)
}

// SendSingleText sends an aibot_msg_callback with a text message from userid in its
// private chat with the robot on the current connection.
func (s *Server) SendSingleText(userid, content string) (Callback, error) {
	return s.sendText("single", "", userid, content)
}

func (s *Server) sendText(chattype, chatid, userid, content string) (Callback, error) {
	return s.callback(chattype, chatid, userid, "text", map[string]any{"content": content})
}

// callback sends an aibot_msg_callback of msgtype with its content object (media.go has
// images and voice).
func (s *Server) callback(chattype, chatid, userid, msgtype string, content map[string]any) (Callback, error) {
	s.mu.Lock()
	c := s.cur
	if c == nil {
		s.mu.Unlock()
		return Callback{}, ErrNotConnected
	}
	s.seq++
	cb := Callback{
		ReqID: "req_" + strconv.Itoa(s.seq) + "_" + strconv.FormatInt(time.Now().UnixNano(), 36),
		MsgID: "msg_" + strconv.Itoa(s.seq),
		Conn:  c.n,
	}
	s.issued[cb.ReqID] = issued{conn: c, msgID: cb.MsgID}
	s.mu.Unlock()

	body := map[string]any{
		"msgid":       cb.MsgID,
		"aibotid":     s.botID,
		"chattype":    chattype,
		"from":        map[string]any{"userid": userid},
		"create_time": time.Now().Unix(),
		"msgtype":     msgtype,
		msgtype:       content,
	}
	if chattype == "group" {
		body["chatid"] = chatid
	}
	return cb, s.write(c, map[string]any{"cmd": "aibot_msg_callback", "headers": map[string]any{"req_id": cb.ReqID}, "body": body})
}

// Tap sends the template_card_event of a tap on a group card's button on the current
// connection, in the shape SDK 1.0.7 types it: event.eventtype, event.event_key and
// event.task_id. The card and button must be ones the fake accepted from the client.
func (s *Server) Tap(tp Tap) (Callback, error) {
	s.mu.Lock()
	c := s.cur
	if c == nil {
		s.mu.Unlock()
		return Callback{}, ErrNotConnected
	}
	card, ok := s.cards[tp.TaskID]
	if !ok || !slices.ContainsFunc(card.Buttons, func(b Button) bool { return b.Key == tp.Key }) {
		s.mu.Unlock()
		return Callback{}, fmt.Errorf("wecomtest: no card %q with a button %q was sent", tp.TaskID, tp.Key)
	}
	s.seq++
	cb := Callback{ReqID: "evt_" + strconv.Itoa(s.seq) + "_" + strconv.FormatInt(time.Now().UnixNano(), 36), MsgID: tp.MsgID, Conn: c.n}
	if cb.MsgID == "" {
		cb.MsgID = "evtmsg_" + strconv.Itoa(s.seq)
	}
	s.issued[cb.ReqID] = issued{conn: c, msgID: cb.MsgID, taskID: tp.TaskID}
	s.mu.Unlock()
	return cb, s.write(c, map[string]any{
		"cmd": "aibot_event_callback", "headers": map[string]any{"req_id": cb.ReqID},
		"body": map[string]any{
			"msgid": cb.MsgID, "create_time": time.Now().Unix(), "aibotid": s.botID,
			"chatid": tp.ChatID, "chattype": "group", "from": map[string]any{"userid": tp.UserID},
			"msgtype": "event",
			"event":   map[string]any{"eventtype": "template_card_event", "event_key": tp.Key, "task_id": tp.TaskID},
		},
	})
}

// EnterChat sends an enter_chat event from userid on the current connection.
func (s *Server) EnterChat(userid string) error {
	s.mu.Lock()
	c := s.cur
	s.mu.Unlock()
	if c == nil {
		return ErrNotConnected
	}
	return s.write(c, s.event(c, "enter_chat", userid))
}

func (s *Server) event(c *sconn, eventtype, userid string) map[string]any {
	s.mu.Lock()
	s.seq++
	n := s.seq
	s.mu.Unlock()
	return map[string]any{
		"cmd":     "aibot_event_callback",
		"headers": map[string]any{"req_id": "evt_" + strconv.Itoa(n)},
		"body": map[string]any{
			"msgid": "evt_" + strconv.Itoa(n), "create_time": time.Now().Unix(), "aibotid": s.botID,
			"chattype": "single", "from": map[string]any{"userid": userid},
			"msgtype": "event", "event": map[string]any{"eventtype": eventtype},
		},
	}
}

// Drop closes the current connection abruptly, as a network failure would.
func (s *Server) Drop() error {
	s.mu.Lock()
	c := s.cur
	s.cur = nil
	s.mu.Unlock()
	if c == nil {
		return ErrNotConnected
	}
	return c.ws.CloseNow()
}

// Replace does what WeCom does when a newer connection subscribes: it sends the
// current connection a disconnected_event and closes it.
func (s *Server) Replace() error {
	s.mu.Lock()
	c := s.cur
	s.cur = nil
	s.mu.Unlock()
	if c == nil {
		return ErrNotConnected
	}
	return s.kick(c)
}

func (s *Server) kick(c *sconn) error {
	err := s.write(c, s.event(c, "disconnected_event", ""))
	_ = c.ws.CloseNow()
	return err
}

func (s *Server) write(c *sconn, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	return c.ws.Write(ctx, websocket.MessageText, data)
}

func (s *Server) ack(c *sconn, reqID string, code int, msg string) {
	_ = s.write(c, map[string]any{"headers": map[string]any{"req_id": reqID}, "errcode": code, "errmsg": msg})
}

func (s *Server) violation(c *sconn, format string, args ...any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.errs = append(s.errs, fmt.Sprintf("conn %d: ", c.n)+fmt.Sprintf(format, args...))
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/cgi-bin/media/") {
		s.serveMedia(w, r) // media.go
		return
	}
	s.mu.Lock()
	refuse := s.refuse
	s.mu.Unlock()
	if refuse {
		http.Error(w, "refused by the test", http.StatusServiceUnavailable)
		return
	}
	ws, err := websocket.Accept(w, r, nil)
	if err != nil {
		return
	}
	ws.SetReadLimit(4 << 20)
	s.mu.Lock()
	s.nconn++
	c := &sconn{ws: ws, n: s.nconn}
	s.conns[c] = true
	s.mu.Unlock()
	defer func() {
		s.mu.Lock()
		delete(s.conns, c)
		if s.cur == c {
			s.cur = nil
		}
		s.mu.Unlock()
		_ = ws.CloseNow()
	}()
	for {
		typ, data, err := ws.Read(context.Background())
		if err != nil {
			return
		}
		if typ != websocket.MessageText {
			s.violation(c, "binary frame")
			continue
		}
		s.handle(c, data)
	}
}

// handle checks one client frame strictly and answers it.
func (s *Server) handle(c *sconn, data []byte) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(data, &top); err != nil {
		s.violation(c, "frame is not a JSON object: %v", err)
		return
	}
	for k := range top {
		if k != "cmd" && k != "headers" && k != "body" {
			s.violation(c, "frame has unexpected key %q", k)
		}
	}
	cmd, ok := str(top, "cmd")
	if !ok || cmd == "" {
		s.violation(c, "frame without a string cmd")
		return
	}
	var hdr map[string]json.RawMessage
	if err := json.Unmarshal(top["headers"], &hdr); err != nil || hdr == nil {
		s.violation(c, "%s: headers is not an object", cmd)
		return
	}
	for k := range hdr {
		if k != "req_id" {
			s.violation(c, "%s: headers has unexpected key %q", cmd, k)
		}
	}
	reqID, ok := str(hdr, "req_id")
	if !ok || reqID == "" {
		s.violation(c, "%s: headers.req_id missing or not a non-empty string", cmd)
		return
	}
	var body map[string]json.RawMessage
	if raw, has := top["body"]; has && string(raw) != "null" {
		if err := json.Unmarshal(raw, &body); err != nil || body == nil {
			s.violation(c, "%s: body is not an object", cmd)
			return
		}
	}

	if cmd != "aibot_respond_msg" && cmd != "aibot_respond_update_msg" {
		s.mu.Lock()
		dup := s.seen[reqID]
		s.seen[reqID] = true
		s.mu.Unlock()
		if dup {
			s.violation(c, "%s: req_id %q reused", cmd, reqID)
		}
	}
	s.mu.Lock()
	subscribed := c.subscribed
	s.mu.Unlock()
	if cmd != "aibot_subscribe" && !subscribed {
		s.violation(c, "%s before a successful aibot_subscribe", cmd)
		return
	}

	switch cmd {
	case "aibot_subscribe":
		s.subscribe(c, reqID, body)
	case "ping":
		if body != nil {
			s.violation(c, "ping: unexpected body")
		}
		s.mu.Lock()
		s.pings++
		noAck := s.noPingAck
		s.mu.Unlock()
		offer(s.pingCh, reqID)
		if !noAck {
			s.ack(c, reqID, 0, "ok")
		}
	case "aibot_respond_msg":
		s.respond(c, reqID, body)
	case "aibot_send_msg":
		s.sendMsg(c, reqID, body)
	case "aibot_respond_update_msg":
		s.update(c, reqID, body)
	default:
		s.violation(c, "unsupported cmd %q", cmd)
		s.ack(c, reqID, CodeBadMsgType, "unsupported cmd")
	}
}

func (s *Server) subscribe(c *sconn, reqID string, body map[string]json.RawMessage) {
	if body == nil {
		s.violation(c, "aibot_subscribe: no body")
		s.ack(c, reqID, CodeBadCredentials, "invalid credential")
		return
	}
	allowed(s, c, "aibot_subscribe body", body, "bot_id", "secret", "scene", "plug_version")
	botID, ok1 := str(body, "bot_id")
	secret, ok2 := str(body, "secret")
	if !ok1 || !ok2 {
		s.violation(c, "aibot_subscribe: bot_id and secret must be strings")
	}
	sub := Subscribe{BotID: botID, Secret: secret, OK: botID == s.botID && secret == s.secret, Conn: c.n}
	s.mu.Lock()
	if c.subscribed {
		s.mu.Unlock()
		s.violation(c, "aibot_subscribe twice on one connection")
		if sub.OK {
			s.ack(c, reqID, 0, "ok")
		} else {
			s.ack(c, reqID, CodeBadCredentials, "invalid credential")
		}
		return
	}
	var old *sconn
	if sub.OK {
		c.subscribed = true
		old, s.cur = s.cur, c
	}
	s.subs = append(s.subs, sub)
	s.mu.Unlock()
	if !sub.OK {
		s.ack(c, reqID, CodeBadCredentials, "invalid credential")
		offer(s.subCh, sub)
		return
	}
	if old != nil && old != c {
		_ = s.kick(old)
	}
	s.ack(c, reqID, 0, "ok")
	offer(s.subCh, sub)
}

func (s *Server) takeFail() (int, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.fail) == 0 {
		return 0, false
	}
	code := s.fail[0]
	s.fail = s.fail[1:]
	return code, true
}

func (s *Server) respond(c *sconn, reqID string, body map[string]json.RawMessage) {
	s.mu.Lock()
	is, known := s.issued[reqID]
	done := s.finished[reqID]
	s.mu.Unlock()
	if !known {
		s.violation(c, "aibot_respond_msg: req_id %q is not a callback's", reqID)
		s.ack(c, reqID, CodeStaleReqID, "invalid req_id")
		return
	}
	if is.conn != c {
		s.ack(c, reqID, CodeStaleReqID, "req_id not of this connection")
		return
	}
	if done {
		s.violation(c, "aibot_respond_msg: req_id %q answered after its stream finished", reqID)
	}
	if body == nil {
		s.violation(c, "aibot_respond_msg: no body")
		s.ack(c, reqID, CodeBadMsgType, "no body")
		return
	}
	r := Reply{ReqID: reqID, MsgID: is.msgID, Conn: c.n}
	r.MsgType, _ = str(body, "msgtype")
	switch r.MsgType {
	case "stream":
		allowed(s, c, "aibot_respond_msg body", body, "msgtype", "stream")
		st, ok := object(body, "stream")
		if !ok {
			s.violation(c, "aibot_respond_msg: stream is not an object")
			s.ack(c, reqID, CodeBadMsgType, "bad stream")
			return
		}
		allowed(s, c, "stream", st, "id", "finish", "content", "msg_item", "feedback")
		var okID, okFin, okContent bool
		r.StreamID, okID = str(st, "id")
		r.Finish, okFin = boolean(st, "finish")
		r.Content, okContent = str(st, "content")
		if !okID || r.StreamID == "" {
			s.violation(c, "stream.id missing or not a non-empty string")
		}
		if !okFin {
			s.violation(c, "stream.finish missing or not a bool")
		}
		if _, has := st["content"]; has && !okContent {
			s.violation(c, "stream.content is not a string")
		}
	case "markdown":
		allowed(s, c, "aibot_respond_msg body", body, "msgtype", "markdown")
		md, ok := object(body, "markdown")
		content, okc := str(md, "content")
		if !ok || !okc {
			s.violation(c, "markdown.content missing or not a string")
		}
		r.Content = content
	case "template_card":
		if is.taskID != "" {
			s.violation(c, "aibot_respond_msg: a template_card_event is answered with aibot_respond_update_msg")
		}
		allowed(s, c, "aibot_respond_msg body", body, "msgtype", "template_card")
		card, ok := s.card(c, "aibot_respond_msg", body, true)
		if !ok {
			s.ack(c, reqID, CodeBadMsgType, "bad template_card")
			return
		}
		r.Card = &card
	case "text":
		s.violation(c, "aibot_respond_msg: msgtype text is refused by WeCom")
		s.ack(c, reqID, CodeBadMsgType, "invalid message type")
		return
	default:
		s.violation(c, "aibot_respond_msg: unsupported msgtype %q", r.MsgType)
		s.ack(c, reqID, CodeBadMsgType, "invalid message type")
		return
	}
	if len(r.Content) > maxContent {
		s.ack(c, reqID, CodeTooLong, "content too long")
		return
	}
	if code, fail := s.takeFail(); fail {
		s.ack(c, reqID, code, "failed on request")
		return
	}
	s.mu.Lock()
	if r.Finish || r.MsgType != "stream" {
		s.finished[reqID] = true
	}
	if r.Card != nil {
		s.cards[r.Card.TaskID] = *r.Card
	}
	s.replies = append(s.replies, r)
	s.mu.Unlock()
	offer(s.replyCh, r)
	s.ack(c, reqID, 0, "ok")
}

func (s *Server) sendMsg(c *sconn, reqID string, body map[string]json.RawMessage) {
	if body == nil {
		s.violation(c, "aibot_send_msg: no body")
		s.ack(c, reqID, CodeBadMsgType, "no body")
		return
	}
	p := Push{ReqID: reqID, Conn: c.n}
	var ok bool
	if p.ChatID, ok = str(body, "chatid"); !ok || p.ChatID == "" {
		s.violation(c, "aibot_send_msg: chatid missing or not a non-empty string")
	}
	p.MsgType, _ = str(body, "msgtype")
	if p.MsgType == "template_card" {
		allowed(s, c, "aibot_send_msg body", body, "chatid", "msgtype", "template_card")
		card, ok := s.card(c, "aibot_send_msg", body, true)
		if !ok {
			s.ack(c, reqID, CodeBadMsgType, "bad template_card")
			return
		}
		p.Card = &card
		if code, fail := s.takeFail(); fail {
			s.ack(c, reqID, code, "failed on request")
			return
		}
		s.mu.Lock()
		s.cards[card.TaskID] = card
		s.pushes = append(s.pushes, p)
		s.mu.Unlock()
		offer(s.pushCh, p)
		s.ack(c, reqID, 0, "ok")
		return
	}
	if p.MsgType != "markdown" {
		s.violation(c, "aibot_send_msg: msgtype %q, the fake supports markdown", p.MsgType)
		s.ack(c, reqID, CodeBadMsgType, "invalid message type")
		return
	}
	allowed(s, c, "aibot_send_msg body", body, "chatid", "msgtype", "markdown")
	md, ok := object(body, "markdown")
	if ok {
		allowed(s, c, "markdown", md, "content")
	}
	if p.Content, ok = str(md, "content"); !ok {
		s.violation(c, "aibot_send_msg: markdown.content missing or not a string")
	}
	if len(p.Content) > maxContent {
		s.ack(c, reqID, CodeTooLong, "content too long")
		return
	}
	if code, fail := s.takeFail(); fail {
		s.ack(c, reqID, code, "failed on request")
		return
	}
	s.mu.Lock()
	s.pushes = append(s.pushes, p)
	s.mu.Unlock()
	offer(s.pushCh, p)
	s.ack(c, reqID, 0, "ok")
}

// update checks an aibot_respond_update_msg: the req_id of a template_card_event on this
// connection, answered once, with response_type update_template_card and a card with the
// tapped card's task_id (as the SDK's updateTemplateCard documents).
func (s *Server) update(c *sconn, reqID string, body map[string]json.RawMessage) {
	s.mu.Lock()
	is, known := s.issued[reqID]
	done := s.finished[reqID]
	s.mu.Unlock()
	if !known || is.taskID == "" {
		s.violation(c, "aibot_respond_update_msg: req_id %q is not a template_card_event's", reqID)
		s.ack(c, reqID, CodeStaleReqID, "invalid req_id")
		return
	}
	if is.conn != c {
		s.ack(c, reqID, CodeStaleReqID, "req_id not of this connection")
		return
	}
	if done {
		s.violation(c, "aibot_respond_update_msg: req_id %q answered twice", reqID)
	}
	if body == nil {
		s.violation(c, "aibot_respond_update_msg: no body")
		s.ack(c, reqID, CodeBadMsgType, "no body")
		return
	}
	allowed(s, c, "aibot_respond_update_msg body", body, "response_type", "template_card", "userids")
	if rt, _ := str(body, "response_type"); rt != "update_template_card" {
		s.violation(c, "aibot_respond_update_msg: response_type %q, want update_template_card", rt)
	}
	card, ok := s.card(c, "aibot_respond_update_msg", body, false)
	if !ok {
		s.ack(c, reqID, CodeBadMsgType, "bad template_card")
		return
	}
	if card.TaskID != is.taskID {
		s.violation(c, "aibot_respond_update_msg: task_id %q, the tapped card's is %q", card.TaskID, is.taskID)
	}
	if code, fail := s.takeFail(); fail {
		s.ack(c, reqID, code, "failed on request")
		return
	}
	u := Update{ReqID: reqID, MsgID: is.msgID, Card: card, Conn: c.n}
	s.mu.Lock()
	s.finished[reqID] = true
	s.cards[card.TaskID] = card
	s.updates = append(s.updates, u)
	s.mu.Unlock()
	offer(s.updCh, u)
	s.ack(c, reqID, 0, "ok")
}

// card checks body's template_card as a button_interaction card per SDK 1.0.7's
// TemplateCard type. fresh means a new card, whose task_id must not have been used.
func (s *Server) card(c *sconn, cmd string, body map[string]json.RawMessage, fresh bool) (Card, bool) {
	tc, ok := object(body, "template_card")
	if !ok {
		s.violation(c, "%s: template_card missing or not an object", cmd)
		return Card{}, false
	}
	allowed(s, c, "template_card", tc, "card_type", "source", "action_menu", "main_title", "emphasis_content",
		"quote_area", "sub_title_text", "horizontal_content_list", "jump_list", "card_action",
		"button_selection", "button_list", "task_id", "feedback")
	var card Card
	if ct, _ := str(tc, "card_type"); ct != "button_interaction" {
		s.violation(c, "%s: card_type %q, the fake supports button_interaction", cmd, ct)
		return Card{}, false
	}
	id, ok := str(tc, "task_id")
	if !ok || id == "" || len(id) > 128 || strings.Trim(id, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-@") != "" {
		s.violation(c, "%s: task_id %q: want 1 to 128 of letters, digits and _-@", cmd, id)
		return Card{}, false
	}
	card.TaskID = id
	if mt, ok := object(tc, "main_title"); ok {
		allowed(s, c, "main_title", mt, "title", "desc")
		card.Title, _ = str(mt, "title")
	}
	if _, has := tc["sub_title_text"]; has {
		if card.SubTitle, ok = str(tc, "sub_title_text"); !ok {
			s.violation(c, "%s: sub_title_text is not a string", cmd)
		}
	}
	var rows []map[string]json.RawMessage
	if raw, has := tc["horizontal_content_list"]; has {
		if err := json.Unmarshal(raw, &rows); err != nil || len(rows) > 6 {
			s.violation(c, "%s: horizontal_content_list: want an array of at most 6 objects", cmd)
		}
	}
	for _, r := range rows {
		allowed(s, c, "horizontal_content_list item", r, "type", "keyname", "value", "url", "userid")
		k, ok := str(r, "keyname")
		if !ok || k == "" {
			s.violation(c, "%s: horizontal_content_list item without a keyname", cmd)
		}
		v, _ := str(r, "value")
		card.Rows = append(card.Rows, [2]string{k, v})
	}
	var buttons []map[string]json.RawMessage
	if err := json.Unmarshal(tc["button_list"], &buttons); err != nil || len(buttons) == 0 || len(buttons) > 6 {
		s.violation(c, "%s: button_list: want an array of 1 to 6 buttons", cmd)
		return Card{}, false
	}
	for _, b := range buttons {
		allowed(s, c, "button", b, "text", "style", "key")
		text, ok1 := str(b, "text")
		key, ok2 := str(b, "key")
		if !ok1 || !ok2 || text == "" || key == "" || len(key) > 1024 {
			s.violation(c, "%s: button needs a text and a key of at most 1024 bytes", cmd)
		}
		if slices.ContainsFunc(card.Buttons, func(o Button) bool { return o.Key == key }) {
			s.violation(c, "%s: button key %q repeated", cmd, key)
		}
		card.Buttons = append(card.Buttons, Button{Text: text, Key: key})
	}
	if fresh {
		s.mu.Lock()
		_, used := s.cards[id]
		s.mu.Unlock()
		if used {
			s.violation(c, "%s: task_id %q already used by another card of this robot", cmd, id)
		}
	}
	return card, true
}

func offer[T any](ch chan T, v T) {
	select {
	case ch <- v:
	default: // a test that never waits must not block the fake
	}
}

func allowed(s *Server, c *sconn, what string, m map[string]json.RawMessage, keys ...string) {
	for k := range m {
		ok := false
		for _, a := range keys {
			ok = ok || k == a
		}
		if !ok {
			s.violation(c, "%s has unexpected key %q", what, k)
		}
	}
}

func str(m map[string]json.RawMessage, key string) (string, bool) {
	raw, ok := m[key]
	if !ok {
		return "", false
	}
	var v string
	if err := json.Unmarshal(raw, &v); err != nil || !strings.HasPrefix(strings.TrimSpace(string(raw)), `"`) {
		return "", false
	}
	return v, true
}

func boolean(m map[string]json.RawMessage, key string) (bool, bool) {
	raw, ok := m[key]
	if !ok {
		return false, false
	}
	switch strings.TrimSpace(string(raw)) {
	case "true":
		return true, true
	case "false":
		return false, true
	}
	return false, false
}

func object(m map[string]json.RawMessage, key string) (map[string]json.RawMessage, bool) {
	raw, ok := m[key]
	if !ok {
		return nil, false
	}
	var v map[string]json.RawMessage
	if err := json.Unmarshal(raw, &v); err != nil || v == nil {
		return nil, false
	}
	return v, true
}
