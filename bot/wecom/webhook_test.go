package wecom_test

import (
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/changzheng/chorus/bot"
	"github.com/changzheng/chorus/bot/wecom"
	"github.com/changzheng/chorus/bot/wecom/wecomtest"
	"github.com/changzheng/chorus/dispatch"
)

func TestWebhookBody(t *testing.T) {
	srv := wecomtest.NewWebhookServer()
	defer srv.Close()
	var w wecom.Webhook
	tests := []struct {
		post dispatch.Post
		want string
	}{
		{dispatch.Post{Text: "今晚巡逻取消", Mentions: []string{"zhangsan", "lisi"}},
			`{"msgtype":"text","text":{"content":"今晚巡逻取消","mentioned_list":["zhangsan","lisi"]}}`},
		{dispatch.Post{Text: "a<b & \"c\""},
			`{"msgtype":"text","text":{"content":"a\u003cb \u0026 \"c\""}}`},
	}
	for _, tt := range tests {
		if err := w.Send(t.Context(), srv.URL(), tt.post); err != nil {
			t.Fatalf("Send: %v", err)
		}
		got, err := srv.NextBody(5 * time.Second)
		if err != nil {
			t.Fatal(err)
		}
		if string(got) != tt.want {
			t.Errorf("body %s; want %s", got, tt.want)
		}
	}
	if errs := srv.Errors(); len(errs) > 0 {
		t.Errorf("format violations: %v", errs)
	}
}

func TestWebhookErrors(t *testing.T) {
	srv := wecomtest.NewWebhookServer()
	defer srv.Close()
	var w wecom.Webhook
	p := dispatch.Post{Text: "hi"}

	srv.FailNext(1, 45009)
	err := w.Send(t.Context(), srv.URL(), p)
	if err == nil || errors.Is(err, bot.ErrRejected) || errors.Is(err, bot.ErrUnavailable) {
		t.Errorf("Send on 45009 = %v; want a retryable error", err)
	}
	srv.FailNext(1, 93000)
	if err := w.Send(t.Context(), srv.URL(), p); !errors.Is(err, bot.ErrRejected) {
		t.Errorf("Send on 93000 = %v; want ErrRejected", err)
	}
	if err := w.Send(t.Context(), srv.URL(), dispatch.Post{Text: strings.Repeat("a", 2049)}); !errors.Is(err, bot.ErrRejected) {
		t.Errorf("Send of 2049 bytes = %v; want ErrRejected", err)
	}
	if err := w.Send(t.Context(), srv.URL(), dispatch.Post{Text: strings.Repeat("a", 2048)}); err != nil {
		t.Errorf("Send of 2048 bytes = %v; want nil", err)
	}
	if n := len(srv.Bodies()); n != 3 {
		t.Errorf("%d requests; want 3 (the oversized text is refused before sending)", n)
	}

	url := srv.URL()
	srv.Close()
	err = w.Send(t.Context(), url, p)
	if err == nil || errors.Is(err, bot.ErrRejected) {
		t.Errorf("Send to a closed server = %v; want a retryable error", err)
	}
	if strings.Contains(err.Error(), wecomtest.WebhookKey) {
		t.Errorf("error %q leaks the webhook key", err)
	}
}
