package wecomtest

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"time"
)

// WebhookKey is the key in WebhookServer.URL.
const WebhookKey = "test-key"

// WebhookServer is a fake message-push webhook (消息推送). It records each POSTed body,
// checks it against WeCom's text message format (see Errors), and answers
// {"errcode":0,"errmsg":"ok"} unless told to fail.
type WebhookServer struct {
	hs *httptest.Server
	ch chan []byte

	mu     sync.Mutex
	bodies [][]byte
	fail   []int
	errs   []string
}

// NewWebhookServer starts a fake webhook. Close it when done.
func NewWebhookServer() *WebhookServer {
	w := &WebhookServer{ch: make(chan []byte, 1024)}
	w.hs = httptest.NewServer(http.HandlerFunc(w.serve))
	return w
}

// URL is the webhook address, as WeCom shows it: …/cgi-bin/webhook/send?key=….
func (w *WebhookServer) URL() string { return w.hs.URL + "/cgi-bin/webhook/send?key=" + WebhookKey }

// Close stops the server.
func (w *WebhookServer) Close() { w.hs.Close() }

// FailNext makes the next n requests answer errcode (with HTTP 200, as WeCom does).
// Failed requests are still recorded.
func (w *WebhookServer) FailNext(n, errcode int) {
	w.mu.Lock()
	defer w.mu.Unlock()
	for range n {
		w.fail = append(w.fail, errcode)
	}
}

// Bodies returns every request body received, in order.
func (w *WebhookServer) Bodies() [][]byte {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([][]byte(nil), w.bodies...)
}

// Errors returns the format violations seen so far.
func (w *WebhookServer) Errors() []string {
	w.mu.Lock()
	defer w.mu.Unlock()
	return append([]string(nil), w.errs...)
}

// NextBody waits up to timeout for the next request body.
func (w *WebhookServer) NextBody(timeout time.Duration) ([]byte, error) {
	return next(w.ch, timeout, "webhook request")
}

func (w *WebhookServer) violation(format string, args ...any) {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.errs = append(w.errs, fmt.Sprintf(format, args...))
}

func (w *WebhookServer) serve(rw http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodPost || r.URL.Path != "/cgi-bin/webhook/send" || r.URL.Query().Get("key") != WebhookKey {
		w.violation("request %s %s", r.Method, r.URL.Path)
		http.NotFound(rw, r)
		return
	}
	if ct := r.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
		w.violation("Content-Type %q", ct)
	}
	body, err := io.ReadAll(r.Body)
	if err != nil {
		return
	}
	w.check(body)
	w.mu.Lock()
	w.bodies = append(w.bodies, body)
	code := 0
	if len(w.fail) > 0 {
		code, w.fail = w.fail[0], w.fail[1:]
	}
	w.mu.Unlock()
	offer(w.ch, body)
	msg := "ok"
	if code != 0 {
		msg = "failed on request"
	}
	rw.Header().Set("Content-Type", "application/json; charset=UTF-8")
	_ = json.NewEncoder(rw).Encode(map[string]any{"errcode": code, "errmsg": msg})
}

// check verifies a text message: {"msgtype":"text","text":{"content":"…",
// "mentioned_list":["…"],"mentioned_mobile_list":["…"]}}, content at most 2,048 bytes.
func (w *WebhookServer) check(body []byte) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(body, &top); err != nil {
		w.violation("body is not a JSON object: %v", err)
		return
	}
	for k := range top {
		if k != "msgtype" && k != "text" {
			w.violation("unexpected key %q", k)
		}
	}
	if mt, _ := str(top, "msgtype"); mt != "text" {
		w.violation("msgtype %q, want text", mt)
		return
	}
	text, ok := object(top, "text")
	if !ok {
		w.violation("text is not an object")
		return
	}
	for k, raw := range text {
		switch k {
		case "content":
		case "mentioned_list", "mentioned_mobile_list":
			var l []string
			if err := json.Unmarshal(raw, &l); err != nil {
				w.violation("text.%s is not a list of strings", k)
			}
		default:
			w.violation("text has unexpected key %q", k)
		}
	}
	content, ok := str(text, "content")
	if !ok {
		w.violation("text.content missing or not a string")
	}
	if len(content) > 2048 {
		w.violation("text.content is %d bytes, over 2048", len(content))
	}
}
