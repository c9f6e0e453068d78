package wechattest

import (
	"fmt"
	"net/http"
	"strconv"
)

// medium is a picture or voice message's bytes, served by webwxgetmsgimg/webwxgetvoice.
type medium struct {
	body  []byte
	mime  string
	fails int // downloads still to fail
	gets  int // downloads asked for, failed ones included
}

// SayPicture delivers a picture message (MsgType 3) from nick in group ("" for a
// private message from the friend nick) and serves b for it at webwxgetmsgimg, as WeChat
// does: by MsgID, to the session whose skey asks. It returns the MsgId.
func (s *Server) SayPicture(group, nick string, b []byte) string {
	s.tb.Helper()
	content := `&lt;?xml version="1.0"?&gt;&lt;msg&gt;&lt;img aeskey="0" length="` + strconv.Itoa(len(b)) + `" /&gt;&lt;/msg&gt;`
	return s.sayMedia(group, nick, Msg{MsgType: 3}, content, &medium{body: b, mime: "image/jpeg"})
}

// SayVoice delivers a voice message (MsgType 34) and serves b (an MP3, as WeChat serves
// voice to web clients) at webwxgetvoice.
func (s *Server) SayVoice(group, nick string, b []byte) string {
	s.tb.Helper()
	content := `&lt;msg&gt;&lt;voicemsg voicelength="3000" length="` + strconv.Itoa(len(b)) + `" /&gt;&lt;/msg&gt;`
	return s.sayMedia(group, nick, Msg{MsgType: 34}, content, &medium{body: b, mime: "audio/mp3"})
}

// SayLocation delivers a location in the web protocol's form: a text message (MsgType 1,
// SubMsgType 48) whose Url is the Tencent map link with the coordinates and whose
// Content is the place's label and a link to the map thumbnail.
func (s *Server) SayLocation(group, nick, label string, lat, lng float64) string {
	s.tb.Helper()
	m := Msg{MsgType: 1, SubMsgType: 48, Url: fmt.Sprintf("http://apis.map.qq.com/uri/v1/geocoder?coord=%.6f,%.6f", lat, lng)}
	content := encodeText(label) + ":<br/>/cgi-bin/mmwebwx-bin/webwxgetpubliclinkimg?url=xxx&amp;msgid=1&amp;pictype=location"
	return s.sayMedia(group, nick, m, content, nil)
}

// SaySticker delivers a sticker (MsgType 47), which chorus ignores.
func (s *Server) SaySticker(group, nick string) string {
	s.tb.Helper()
	return s.sayGroupMsg(group, nick, Msg{MsgType: 47}, `&lt;msg&gt;&lt;emoji md5="0" /&gt;&lt;/msg&gt;`)
}

// FailDownloads makes the next n downloads of msgID's media fail with HTTP 500.
func (s *Server) FailDownloads(msgID string, n int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if md := s.media[msgID]; md != nil {
		md.fails = n
	}
}

// Downloads is how many times msgID's media was asked for.
func (s *Server) Downloads(msgID string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	if md := s.media[msgID]; md != nil {
		return md.gets
	}
	return 0
}

func (s *Server) sayMedia(group, nick string, m Msg, content string, md *medium) string {
	s.tb.Helper()
	var id string
	if group == "" {
		s.mu.Lock()
		if !contains(s.cfg.Friends, nick) {
			s.mu.Unlock()
			s.tb.Fatalf("wechattest: %q is not a friend", nick)
		}
		ss := s.currentLocked()
		m.FromUserName, m.ToUserName, m.Content = ss.name(personKey(nick)), ss.name(selfKey()), content
		id = s.enqueueLocked(ss, m)
		s.mu.Unlock()
	} else {
		id = s.sayGroupMsg(group, nick, m, content)
	}
	if md != nil {
		s.mu.Lock()
		s.media[id] = md
		s.mu.Unlock()
	}
	return id
}

// download serves webwxgetmsgimg?MsgID=&skey= and webwxgetvoice?msgid=&skey=: the bytes
// for a valid session's skey, 500 while failures are asked for, 404 for an unknown id.
func (s *Server) download(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	id := q.Get("MsgID")
	if id == "" {
		id = q.Get("msgid")
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.bySkeyLocked(q.Get("skey")) == nil {
		w.WriteHeader(http.StatusUnauthorized)
		return
	}
	md := s.media[id]
	if md == nil {
		http.NotFound(w, r)
		return
	}
	md.gets++
	if md.fails > 0 {
		md.fails--
		http.Error(w, "busy", http.StatusInternalServerError)
		return
	}
	w.Header().Set("Content-Type", md.mime)
	w.Header().Set("Content-Length", strconv.Itoa(len(md.body)))
	_, _ = w.Write(md.body)
}
