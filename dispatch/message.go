// Package dispatch is chorus's domain: who is who, tasks, residents' reports, rosters and
// scheduled jobs, the chat grammar, and every reply. It imports only the standard library.
package dispatch

import (
	"strings"
	"time"
)

// Chat is an address a message came from or a post goes to: a configured group, or a
// private chat with one person through one transport.
type Chat struct {
	// Group is the configured group name (the WeChat group's exact name); empty for a
	// private chat.
	Group string `json:"group,omitempty"`
	// User is the display name of the person in a private chat; empty for a group.
	User string `json:"user,omitempty"`
	// Transport names the transport a private chat goes through ("wechat", "wecom",
	// "console"). Groups are routed by config, so it may be empty for them.
	Transport string `json:"transport,omitempty"`
	// Ref is the transport's stable id for the private chat's person (a WeCom userid) or
	// for the group (a WeCom chatid); empty where the transport has none.
	Ref string `json:"ref,omitempty"`
}

// IsPrivate reports whether c is a private chat.
func (c Chat) IsPrivate() bool { return c.Group == "" }

// Sender is who sent a message, as the transport saw them.
type Sender struct {
	// Nick is the display name the chat showed (WeChat nickname or group display name).
	Nick string
	// Ref is the transport's most stable handle for the person: the WeChat NickName (which
	// survives re-logins, unlike UserName) or the WeCom userid. Empty means "use Nick".
	Ref string
}

// Message is one inbound chat message, transport-neutral.
type Message struct {
	// ID is the transport's message id; messages are de-duplicated by Transport+ID.
	ID string
	// Transport names the transport that received it.
	Transport string
	// Chat is where it was said.
	Chat Chat
	// From is who said it.
	From Sender
	// Text is the message text with any leading @bot mention already removed.
	Text string
	// MentionsBot is true when the message @-mentioned the bot.
	MentionsBot bool
	// At is when the transport received it.
	At time.Time
	// Media is set for a photo, voice message or location; Text is then empty (or a
	// voice transcript's command).
	Media *Media `json:",omitempty"`
	// Tap marks a tap on a card's button (WeCom): Text is the command the button stands
	// for, so the tap goes through the same grammar, store operation and op-id de-dup as
	// typing it; its answer restates the card (Post.Card with Update).
	Tap bool `json:",omitempty"`
	// Category is a category the sender chose (an Open311 request's service code). A
	// report filed from the message takes it instead of the keyword table's guess when it
	// is one of the community's categories.
	Category string `json:",omitempty"`
}

// Post is one outbound message: dispatch decides the words and who is mentioned; the
// transport decides the bytes on the wire.
type Post struct {
	// Chat is where the post goes.
	Chat Chat `json:"chat"`
	// Text is the content without mentions.
	Text string `json:"text"`
	// Mentions are the display names to @-mention, in order; the transport renders them.
	Mentions []string `json:"mentions,omitempty"`
	// ReplyTo is the inbound message id this answers, when it is a reply; transports that
	// can answer a message directly (WeCom's aibot_respond_msg) use it.
	ReplyTo string `json:"reply_to,omitempty"`
	// Scheduled marks posts made by scheduled jobs and broadcasts; they may take a fallback
	// route (a WeCom webhook) when the group's own transport is down.
	Scheduled bool `json:"scheduled,omitempty"`
	// At is the scheduled slot a job's post belongs to; zero for replies.
	At time.Time `json:"at,omitzero"`
	// Lines, when set, make the post several posts merged into one (answers to several
	// people, or one slot's scheduled posts to a group): each line mentions its own people
	// before its own text, so each person still reads their own outcome. Text is then
	// unused, and Mentions lists everyone mentioned, for channels that notify by a list.
	Lines []Line `json:"lines,omitempty"`
	// Card, when set, is the task the post is about, for transports that show a task as a
	// card with buttons (WeCom's template card); the others ignore it and send the text,
	// which stays complete on its own.
	Card *Card `json:"card,omitempty"`
}

// Card is a task as a card with buttons: dispatch decides its words, the transport its
// layout. A button stands for a command, typed as the button's Command, so a tap is
// handled as that text.
type Card struct {
	// Task is the task's id.
	Task int64 `json:"task"`
	// Title heads the card; Note is a line under it.
	Title string `json:"title"`
	Note  string `json:"note,omitempty"`
	// Fields are the task's facts (time, place, places left), in order.
	Fields []CardField `json:"fields,omitempty"`
	// Buttons are what a tap may do.
	Buttons []CardButton `json:"buttons,omitempty"`
	// Update marks a card that restates the task after a tap: it replaces the tapped card
	// and never goes out as a card of its own (the post's text is the answer then).
	Update bool `json:"update,omitempty"`
}

// CardField is one labelled fact on a card.
type CardField struct {
	Key   string `json:"key"`
	Value string `json:"value"`
}

// CardButton is one button: its label, and the command a tap on it stands for.
type CardButton struct {
	Text    string `json:"text"`
	Command string `json:"command"`
}

// Line is one part of a merged post: its text and the people it is addressed to.
type Line struct {
	Mentions []string `json:"mentions,omitempty"`
	Text     string   `json:"text"`
}

// Compose writes the post's content for a transport, with each mention as mention(name)
// renders it: the mentions before the text, or for a merged post each line's mentions
// before that line's text.
func (p Post) Compose(mention func(name string) string) string {
	var b strings.Builder
	if len(p.Lines) == 0 {
		for _, m := range p.Mentions {
			b.WriteString(mention(m))
		}
		b.WriteString(p.Text)
		return b.String()
	}
	for i, l := range p.Lines {
		if i > 0 {
			b.WriteByte('\n')
		}
		for _, m := range l.Mentions {
			b.WriteString(mention(m))
		}
		b.WriteString(l.Text)
	}
	return b.String()
}
