package wecomtest_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"

	"github.com/changzheng/chorus/bot/wecom/wecomtest"
)

// rawClient speaks to the fake frame by frame.
type rawClient struct {
	t  *testing.T
	ws *websocket.Conn
}

func dial(t *testing.T, srv *wecomtest.Server) *rawClient {
	t.Helper()
	ws, _, err := websocket.Dial(t.Context(), srv.URL(), nil)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = ws.CloseNow() })
	return &rawClient{t: t, ws: ws}
}

// call sends a raw frame and returns the next frame from the fake.
func (c *rawClient) call(frame string) map[string]any {
	c.t.Helper()
	ctx, cancel := context.WithTimeout(c.t.Context(), 5*time.Second)
	defer cancel()
	if err := c.ws.Write(ctx, websocket.MessageText, []byte(frame)); err != nil {
		c.t.Fatal(err)
	}
	_, data, err := c.ws.Read(ctx)
	if err != nil {
		c.t.Fatalf("after %s: %v", frame, err)
	}
	var m map[string]any
	if err := json.Unmarshal(data, &m); err != nil {
		c.t.Fatal(err)
	}
	return m
}

func errcode(m map[string]any) int {
	f, _ := m["errcode"].(float64)
	return int(f)
}

// TestFakeFlagsViolations shows the fake's checks catch the mistakes a client could make,
// so "no violations" in other tests means something.
func TestFakeFlagsViolations(t *testing.T) {
	srv := wecomtest.NewServer("bot", "sec")
	defer srv.Close()
	c := dial(t, srv)

	if got := errcode(c.call(`{"cmd":"aibot_subscribe","headers":{"req_id":"s1"},"body":{"bot_id":"bot","secret":"sec"}}`)); got != 0 {
		t.Fatalf("subscribe errcode %d", got)
	}
	cb, err := srv.SendGroupText("wrG", "u1", "@bot hi")
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.ws.Read(t.Context()); err != nil { // the callback
		t.Fatal(err)
	}
	steps := []struct {
		frame    string
		code     int
		violates string
	}{
		{`{"cmd":"ping","headers":{"req_id":"s1"}}`, 0, "reused"},
		{`{"cmd":"ping","headers":{"req_id":"p2"},"body":{}}`, 0, "ping: unexpected body"},
		{`{"cmd":"ping","headers":{}}`, -2, "req_id missing"},
		{`{"cmd":"aibot_respond_msg","headers":{"req_id":"` + cb.ReqID + `"},"body":{"msgtype":"text","text":{"content":"x"}}}`, 40008, "msgtype text"},
		{`{"cmd":"aibot_respond_msg","headers":{"req_id":"` + cb.ReqID + `"},"body":{"msgtype":"stream","stream":{"id":"st","finish":"yes","content":"x"}}}`, 0, "stream.finish"},
		{`{"cmd":"aibot_respond_msg","headers":{"req_id":"nope"},"body":{"msgtype":"stream","stream":{"id":"st","finish":true,"content":"x"}}}`, 846605, "not a callback's"},
		{`{"cmd":"aibot_send_msg","headers":{"req_id":"m1"},"body":{"msgtype":"markdown","markdown":{"content":"x"}}}`, 0, "chatid missing"},
		{`{"cmd":"aibot_send_msg","headers":{"req_id":"m2"},"body":{"chatid":"wrG","msgtype":"text","text":{"content":"x"}}}`, 40008, "supports markdown"},
		{`{"cmd":"aibot_upload_media_init","headers":{"req_id":"u1"},"body":{}}`, 40008, "unsupported cmd"},
	}
	for _, s := range steps {
		before := len(srv.Errors())
		if s.code == -2 { // no answer to a frame without a req_id
			ctx, cancel := context.WithTimeout(t.Context(), 5*time.Second)
			_ = c.ws.Write(ctx, websocket.MessageText, []byte(s.frame))
			cancel()
		} else if got := errcode(c.call(s.frame)); got != s.code {
			t.Errorf("%s: errcode %d; want %d", s.frame, got, s.code)
		}
		// The fake records a violation before it answers; a frame without an answer is
		// followed by a ping whose ack orders it.
		if s.code == -2 {
			c.call(`{"cmd":"ping","headers":{"req_id":"order"}}`)
		}
		errs := srv.Errors()[before:]
		if len(errs) == 0 || !strings.Contains(strings.Join(errs, "\n"), s.violates) {
			t.Errorf("%s: violations %q; want one about %q", s.frame, errs, s.violates)
		}
	}
}

func TestFakeReplacesOlderConnection(t *testing.T) {
	srv := wecomtest.NewServer("bot", "sec")
	defer srv.Close()
	old := dial(t, srv)
	old.call(`{"cmd":"aibot_subscribe","headers":{"req_id":"s1"},"body":{"bot_id":"bot","secret":"sec"}}`)
	c := dial(t, srv)
	if got := errcode(c.call(`{"cmd":"aibot_subscribe","headers":{"req_id":"s2"},"body":{"bot_id":"bot","secret":"sec"}}`)); got != 0 {
		t.Fatalf("second subscribe errcode %d", got)
	}
	_, data, err := old.ws.Read(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(string(data), `"disconnected_event"`) {
		t.Errorf("old connection got %s; want a disconnected_event", data)
	}
	if got := errcode(c.call(`{"cmd":"aibot_subscribe","headers":{"req_id":"s3"},"body":{"bot_id":"bot","secret":"bad"}}`)); got == 0 {
		t.Error("second subscribe on one connection with a bad secret accepted")
	}
}
