// Package bot joins chat transports to the domain: inbound messages are stored, handled
// by dispatch, and their posts are delivered through a Redis outbox.
package bot

import (
	"context"
	"errors"

	"github.com/changzheng/chorus/dispatch"
)

// ErrUnavailable is wrapped by Transport.Send when the transport cannot deliver right now
// (logged out, disconnected); the outbox keeps the post and tries again or falls back.
var ErrUnavailable = errors.New("transport unavailable")

// ErrRejected is wrapped by Transport.Send when the chat service refused this post for
// good (unknown chat, content refused); retrying the same post will not help.
var ErrRejected = errors.New("post rejected")

// Inbound receives one message from a transport. It returns only after the message is
// stored (or recognised as a duplicate); a transport acknowledges the message after that.
type Inbound func(ctx context.Context, m dispatch.Message) error

// Transport is a chat channel chorus speaks through: WeChat, WeCom or the console.
type Transport interface {
	// Name identifies the transport in config and in Chat.Transport ("wechat", "wecom",
	// "console").
	Name() string
	// Run logs in and hands every inbound message to in until ctx is done. It returns nil
	// when ctx ends and an error when the transport cannot go on at all.
	Run(ctx context.Context, in Inbound) error
	// Send delivers one post. Errors wrap ErrUnavailable (try later or elsewhere) or
	// ErrRejected (drop it); any other error is retried with backoff.
	Send(ctx context.Context, p dispatch.Post) error
}
