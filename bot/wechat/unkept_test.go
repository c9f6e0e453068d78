package wechat

import (
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/changzheng/chorus/bot/wechat/wechattest"
	"github.com/changzheng/chorus/dispatch"
)

// inboundLog records what the transport handed on, and refuses while told to, as the
// bot does when neither Redis nor the journal can keep a message.
type inboundLog struct {
	mu       sync.Mutex
	refusing bool
	tried    []string // every message offered, refused or not
	kept     []string
	changed  chan struct{}
}

func (l *inboundLog) in(ctx context.Context, m dispatch.Message) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.tried = append(l.tried, m.ID)
	close(l.changed)
	l.changed = make(chan struct{})
	if l.refusing {
		return errors.New("journal: 2 messages wait for Redis: inbound journal full")
	}
	l.kept = append(l.kept, m.ID)
	return nil
}

func (l *inboundLog) refuse(on bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	l.refusing = on
}

// await waits until cond holds of what was tried and kept.
func (l *inboundLog) await(t *testing.T, what string, cond func(tried, kept []string) bool) {
	t.Helper()
	ctx := waitCtx(t)
	for {
		l.mu.Lock()
		ok, ch := cond(l.tried, l.kept), l.changed
		l.mu.Unlock()
		if ok {
			return
		}
		select {
		case <-ch:
		case <-ctx.Done():
			l.mu.Lock()
			defer l.mu.Unlock()
			t.Fatalf("waiting for %s: %v; tried %v, kept %v", what, ctx.Err(), l.tried, l.kept)
		}
	}
}

func count(ids []string, id string) int {
	n := 0
	for _, x := range ids {
		if x == id {
			n++
		}
	}
	return n
}

// savedKey reads item 1 of the SyncKey in the hot-login file.
func savedKey(t *testing.T, file string) int64 {
	t.Helper()
	b, err := os.ReadFile(file)
	if err != nil {
		t.Fatalf("read the hot-login file: %v", err)
	}
	var item struct {
		SyncKey *struct{ List []struct{ Key, Val int64 } }
	}
	if err := json.Unmarshal(b, &item); err != nil {
		t.Fatalf("the hot-login file: %v", err)
	}
	if item.SyncKey != nil {
		for _, it := range item.SyncKey.List {
			if it.Key == 1 {
				return it.Val
			}
		}
	}
	t.Fatalf("the hot-login file holds no SyncKey:\n%s", b)
	return 0
}

// A message the inbound refuses is not acknowledged: the hot-login file's sync position
// never covers it, nothing after it is handed on, the session ends with one line naming
// it and logs in again (hot, no scan) after a pause, and each new session offers it
// again first. Once the inbound takes it, it and the ones after it come in order.
func TestUnkeptMessageEndsSession(t *testing.T) {
	srv := wechattest.NewServer(t, wechattest.Config{
		Self:        "社区助手",
		Groups:      []wechattest.Group{{Name: orange, Members: []wechattest.Member{{Nick: "雷胜"}, {Nick: "魏青"}}}},
		AutoConfirm: true, PollWait: 50 * time.Millisecond,
	})
	file := filepath.Join(t.TempDir(), "hot.json")
	logs := &syncBuffer{}
	tr := New(Options{
		HotLoginFile: file, Groups: []string{orange}, HTTPClient: srv.Client(), QROut: io.Discard,
		Logger:  slog.New(slog.NewTextHandler(io.MultiWriter(t.Output(), logs), nil)),
		Backoff: Backoff{Min: 10 * time.Millisecond, Max: 40 * time.Millisecond},
	})
	l := &inboundLog{changed: make(chan struct{})}
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() { done <- tr.Run(ctx, l.in) }()
	t.Cleanup(func() {
		cancel()
		if err := <-done; err != nil {
			t.Errorf("Run = %v; want nil", err)
		}
	})
	if err := tr.awaitSession(waitCtx(t), true); err != nil {
		t.Fatal(err)
	}

	a := srv.Say(orange, "雷胜", "接 1")
	l.await(t, "the first message kept", func(_, kept []string) bool { return count(kept, a) == 1 })
	for !srv.Covers(savedKey(t, file), a) {
		time.Sleep(5 * time.Millisecond) // the file is written at the next synccheck
	}

	l.refuse(true)
	inits := srv.Inits()
	b := srv.Say(orange, "雷胜", "接 2")
	c := srv.Say(orange, "魏青", "接 3")
	l.await(t, "the refused message offered by three sessions", func(tried, _ []string) bool { return count(tried, b) >= 3 })
	if got := srv.Inits() - inits; got < 2 {
		t.Errorf("%d logins after the refusal; want at least 2", got)
	}
	if srv.Scans() != 1 {
		t.Errorf("%d scan logins; want 1 (every re-login is a hot login)", srv.Scans())
	}
	key := savedKey(t, file)
	for _, id := range []string{b, c} {
		if srv.Covers(key, id) {
			t.Errorf("the hot-login file's sync position covers %s, never kept", id)
		}
	}
	l.refuse(false)
	l.await(t, "both kept", func(_, kept []string) bool { return count(kept, c) == 1 })

	l.mu.Lock()
	tried, kept := append([]string(nil), l.tried...), append([]string(nil), l.kept...)
	l.mu.Unlock()
	if want := []string{a, b, c}; strings.Join(kept, ",") != strings.Join(want, ",") {
		t.Errorf("kept %v; want %v, each once, in order", kept, want)
	}
	if i := indexOf(tried, c); i < 0 || count(tried[:i], b) < 3 || count(tried, c) != 1 {
		t.Errorf("tried %v; want %s offered only once %s was kept", tried, c, b)
	}
	for _, line := range strings.Split(logs.String(), "\n") {
		if strings.Contains(line, "wechat inbound message not kept") && !strings.Contains(line, "msg_id="+b) {
			t.Errorf("a line names another message: %s", line)
		}
	}
	if n := strings.Count(logs.String(), "wechat session ended to receive again a message chorus could not keep"); n < 2 {
		t.Errorf("%d lines say the session ended for an unkept message; want one per session (at least 2)", n)
	}
	if strings.Contains(logs.String(), "wechat logged out") {
		t.Errorf("an unkept message logged as a logout:\n%s", logs.String())
	}
}

func indexOf(ids []string, id string) int {
	for i, x := range ids {
		if x == id {
			return i
		}
	}
	return -1
}
