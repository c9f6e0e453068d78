package wecom

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"

	"github.com/changzheng/chorus/bot"
	"github.com/changzheng/chorus/dispatch"
)

// MaxWebhookText is the most bytes a message-push webhook accepts in a text message.
const MaxWebhookText = 2048

// Webhook posts to a group's message-push webhook (消息推送, formerly 群机器人): an
// outbound-only fallback for scheduled posts when the long connection is down.
type Webhook struct {
	// Client makes the requests; nil means http.DefaultClient.
	Client *http.Client
}

type webhookText struct {
	MsgType string          `json:"msgtype"`
	Text    webhookTextBody `json:"text"`
}

type webhookTextBody struct {
	Content       string   `json:"content"`
	MentionedList []string `json:"mentioned_list,omitempty"`
}

// Send posts p as a text message to the webhook at url (which carries the webhook's
// key, so it never appears in errors). p.Mentions go into mentioned_list, which WeCom
// matches against userids. It returns nil when WeCom answers errcode 0; a plain error
// (retry later) for 45009, -1, a 5xx or 429 status, or a network failure; and an error
// wrapping bot.ErrRejected for any other errcode or status, or text over
// MaxWebhookText bytes (splitting is the caller's job).
func (w Webhook) Send(ctx context.Context, url string, p dispatch.Post) error {
	text := p.Text
	if len(p.Lines) > 0 { // a merged post: each line names its own people
		text = p.Compose(func(name string) string { return "@" + name + " " })
	}
	if len(text) > MaxWebhookText {
		return fmt.Errorf("wecom: webhook: text is %d bytes, over %d: %w", len(text), MaxWebhookText, bot.ErrRejected)
	}
	body, err := json.Marshal(webhookText{MsgType: "text", Text: webhookTextBody{Content: text, MentionedList: p.Mentions}})
	if err != nil {
		return fmt.Errorf("wecom: webhook: encode: %w", err)
	}
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, url, bytes.NewReader(body))
	if err != nil {
		return fmt.Errorf("wecom: webhook: bad url: %w", bot.ErrRejected)
	}
	req.Header.Set("Content-Type", "application/json")
	client := w.Client
	if client == nil {
		client = http.DefaultClient
	}
	resp, err := client.Do(req)
	if err != nil {
		return fmt.Errorf("wecom: webhook: %w", redact(err))
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, 64<<10))
	if err != nil {
		return fmt.Errorf("wecom: webhook: read answer: %w", redact(err))
	}
	switch {
	case resp.StatusCode >= 500 || resp.StatusCode == http.StatusTooManyRequests:
		return fmt.Errorf("wecom: webhook: status %d", resp.StatusCode)
	case resp.StatusCode != http.StatusOK:
		return fmt.Errorf("wecom: webhook: status %d: %w", resp.StatusCode, bot.ErrRejected)
	}
	var ans struct {
		Errcode *int   `json:"errcode"`
		Errmsg  string `json:"errmsg"`
	}
	if err := json.Unmarshal(data, &ans); err != nil || ans.Errcode == nil {
		return fmt.Errorf("wecom: webhook: answer without errcode")
	}
	if *ans.Errcode == 0 {
		return nil
	}
	return &AckError{Cmd: "webhook", Code: *ans.Errcode, Msg: ans.Errmsg}
}

// redact drops the URL, whose query holds the webhook key, from a client error.
func redact(err error) error {
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%s: %w", ue.Op, ue.Err)
	}
	return err
}
