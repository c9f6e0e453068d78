package wechattest

import (
	"encoding/json"
	"encoding/xml"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
)

// post sends a JSON body to the fake through its any-host client and decodes the answer.
func post(t *testing.T, c *http.Client, url string, body, out any) {
	t.Helper()
	b, _ := json.Marshal(body)
	resp, err := c.Post(url, "application/json", strings.NewReader(string(b)))
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}

func get(t *testing.T, c *http.Client, url string, h http.Header) string {
	t.Helper()
	req, _ := http.NewRequestWithContext(t.Context(), http.MethodGet, url, nil)
	for k, v := range h {
		req.Header[k] = v
	}
	resp, err := c.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return string(b)
}

// login drives a scan login by hand and returns the session's BaseRequest.
func login(t *testing.T, s *Server, c *http.Client) baseRequest {
	t.Helper()
	js := get(t, c, "https://login.wx.qq.com/jslogin?appid=x", nil)
	uuid := regexp.MustCompile(`uuid = "(.*?)";`).FindStringSubmatch(js)[1]
	s.ConfirmLogin()
	if got := get(t, c, "https://login.wx.qq.com/cgi-bin/mmwebwx-bin/login?uuid="+uuid, nil); !strings.Contains(got, "window.code=201;") {
		t.Fatalf("first poll = %q; want 201", got)
	}
	got := get(t, c, "https://login.wx.qq.com/cgi-bin/mmwebwx-bin/login?uuid="+uuid, nil)
	redirect := regexp.MustCompile(`window.redirect_uri="(.*?)"`).FindStringSubmatch(got)[1]
	page := get(t, c, redirect, http.Header{"Client-Version": {"2.0.0"}, "Extspam": {"x"}})
	var lp loginPage
	if err := xmlUnmarshal(page, &lp); err != nil || lp.Ret != 0 {
		t.Fatalf("login page = %q (%v)", page, err)
	}
	return baseRequest{Uin: lp.WxUin, Sid: lp.WxSid, Skey: lp.SKey}
}

func TestProtocolInvariants(t *testing.T) {
	s := NewServer(t, Config{Groups: []Group{{Name: "群", Members: []Member{{Nick: "甲"}}}}, Friends: []string{"乙"}})
	c := s.Client()
	br := login(t, s, c)

	var init struct {
		BaseResponse baseResponse
		SyncKey      syncKey
		User         user
	}
	post(t, c, "https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxinit", map[string]any{"BaseRequest": br}, &init)
	if init.BaseResponse.Ret != 0 || init.SyncKey.Count != len(init.SyncKey.List) || init.SyncKey.Count == 0 {
		t.Fatalf("webwxinit = %+v; want ret 0 and SyncKey.Count == len(List)", init)
	}

	// One entry per requested item, in order, unknown ones included.
	group, friend := s.GroupUserName("群"), s.UserName("乙")
	var batch struct {
		Count       int
		ContactList []user
	}
	post(t, c, "https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxbatchgetcontact", map[string]any{
		"BaseRequest": br, "Count": 3,
		"List": []map[string]string{{"UserName": friend}, {"UserName": "@unknown"}, {"UserName": group}},
	}, &batch)
	if len(batch.ContactList) != 3 || batch.ContactList[0].NickName != "乙" || batch.ContactList[1].UserName != "@unknown" ||
		batch.ContactList[2].NickName != "群" || len(batch.ContactList[2].MemberList) != 2 {
		t.Fatalf("webwxbatchgetcontact = %+v; want 乙, @unknown, 群 with the bot and 甲", batch)
	}

	// A fresh scan gives new UserNames; the old session's names and credentials fail.
	br2 := login(t, s, c)
	if s.GroupUserName("群") == group {
		t.Fatal("group UserName unchanged after a new scan")
	}
	var sent struct{ BaseResponse baseResponse }
	post(t, c, "https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxsendmsg", map[string]any{"BaseRequest": br2,
		"Msg": map[string]any{"Type": 1, "Content": "hi", "FromUserName": s.current.name(selfKey()), "ToUserName": group}}, &sent)
	if sent.BaseResponse.Ret != 1204 {
		t.Errorf("send to an old session's UserName: ret %d; want 1204", sent.BaseResponse.Ret)
	}
	post(t, c, "https://wx.qq.com/cgi-bin/mmwebwx-bin/webwxsendmsg", map[string]any{"BaseRequest": br,
		"Msg": map[string]any{"Type": 1, "Content": "hi", "ToUserName": group}}, &sent)
	if sent.BaseResponse.Ret != 1101 {
		t.Errorf("send with old credentials: ret %d; want 1101", sent.BaseResponse.Ret)
	}
	sync := get(t, c, "https://webpush.wx.qq.com/cgi-bin/mmwebwx-bin/synccheck?sid="+br.Sid+"&skey="+br.Skey, nil)
	if !strings.Contains(sync, `retcode:"1101"`) {
		t.Errorf("synccheck of the old session = %q; want retcode 1101", sync)
	}
	if len(s.Sent()) != 0 {
		t.Errorf("Sent() = %+v; want none", s.Sent())
	}
}

func xmlUnmarshal(s string, v any) error { return xml.Unmarshal([]byte(s), v) }
