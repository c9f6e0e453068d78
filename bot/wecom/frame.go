package wecom

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/changzheng/chorus/bot"
	"github.com/changzheng/chorus/dispatch"
)

// Commands of the long connection, as in the SDK's WsCmd.
const (
	cmdSubscribe   = "aibot_subscribe"
	cmdPing        = "ping"
	cmdRespond     = "aibot_respond_msg"
	cmdUpdate      = "aibot_respond_update_msg"
	cmdSendMsg     = "aibot_send_msg"
	cmdMsgCallback = "aibot_msg_callback"
	cmdEvent       = "aibot_event_callback"
)

// Error codes chorus treats specially.
const (
	// CodeFreqLimit is WeCom's "api freq out of limit": retry later.
	CodeFreqLimit = 45009
	// CodeStaleReqID is the ack to an aibot_respond_msg whose req_id belongs to an
	// earlier connection; the answer has to go out as a push instead.
	CodeStaleReqID = 846605
	// CodeSystemBusy is WeCom's generic "system busy, try again".
	CodeSystemBusy = -1
)

// MaxStreamBytes is the most content one aibot_respond_msg stream frame may carry.
const MaxStreamBytes = 20480

// frame is one message of the long connection in either direction. Acknowledgements
// have no cmd and carry errcode/errmsg.
type frame struct {
	Cmd     string          `json:"cmd,omitempty"`
	Headers headers         `json:"headers"`
	Body    json.RawMessage `json:"body,omitempty"`
	Errcode *int            `json:"errcode,omitempty"`
	Errmsg  string          `json:"errmsg,omitempty"`
}

type headers struct {
	ReqID string `json:"req_id"`
}

type subscribeBody struct {
	BotID  string `json:"bot_id"`
	Secret string `json:"secret"`
}

// callbackBody is the body of aibot_msg_callback and aibot_event_callback.
type callbackBody struct {
	MsgID    string `json:"msgid"`
	AibotID  string `json:"aibotid"`
	ChatID   string `json:"chatid"`
	ChatType string `json:"chattype"`
	From     struct {
		UserID string `json:"userid"`
	} `json:"from"`
	MsgType string `json:"msgtype"`
	Text    struct {
		Content string `json:"content"`
	} `json:"text"`
	Image struct { // media.go
		URL    string `json:"url"`
		AESKey string `json:"aeskey"`
	} `json:"image"`
	Voice struct {
		Content string `json:"content"`
	} `json:"voice"`
	Event struct {
		EventType string `json:"eventtype"`
		// A template_card_event's button key and card task_id, where SDK 1.0.7's types put
		// them (TemplateCardEventData).
		EventKey string `json:"event_key"`
		TaskID   string `json:"task_id"`
		// The same, nested, as WeCom's callback documentation shows the event; read too so
		// a tap is not lost whichever of the two shapes the server sends.
		TemplateCardEvent *struct {
			EventKey string `json:"event_key"`
			TaskID   string `json:"task_id"`
		} `json:"template_card_event"`
	} `json:"event"`
}

// tap returns a template_card_event's button key and card task_id.
func (b callbackBody) tap() (key, taskID string) {
	key, taskID = b.Event.EventKey, b.Event.TaskID
	if n := b.Event.TemplateCardEvent; key == "" && n != nil {
		key, taskID = n.EventKey, n.TaskID
	}
	return key, taskID
}

type streamBody struct {
	MsgType string        `json:"msgtype"`
	Stream  streamContent `json:"stream"`
}

type streamContent struct {
	ID      string `json:"id"`
	Finish  bool   `json:"finish"`
	Content string `json:"content"`
}

type sendMsgBody struct {
	ChatID   string          `json:"chatid"`
	MsgType  string          `json:"msgtype"`
	Markdown markdownContent `json:"markdown"`
}

type markdownContent struct {
	Content string `json:"content"`
}

// cardReplyBody answers a callback with a template card (the SDK's replyTemplateCard).
type cardReplyBody struct {
	MsgType      string       `json:"msgtype"` // "template_card"
	TemplateCard templateCard `json:"template_card"`
}

// cardPushBody pushes a template card (the SDK's sendMessage with a template_card body).
type cardPushBody struct {
	ChatID       string       `json:"chatid"`
	MsgType      string       `json:"msgtype"` // "template_card"
	TemplateCard templateCard `json:"template_card"`
}

// updateBody replaces a tapped card (the SDK's updateTemplateCard); no userids, so every
// member of the chat sees the new state.
type updateBody struct {
	ResponseType string       `json:"response_type"` // "update_template_card"
	TemplateCard templateCard `json:"template_card"`
}

// templateCard is a button_interaction template card, the fields chorus uses of the
// SDK's TemplateCard.
type templateCard struct {
	CardType              string        `json:"card_type"`
	MainTitle             cardMainTitle `json:"main_title"`
	SubTitleText          string        `json:"sub_title_text,omitempty"`
	HorizontalContentList []cardKV      `json:"horizontal_content_list,omitempty"`
	ButtonList            []cardButton  `json:"button_list"`
	TaskID                string        `json:"task_id"`
}

type cardMainTitle struct {
	Title string `json:"title"`
}

type cardKV struct {
	KeyName string `json:"keyname"`
	Value   string `json:"value,omitempty"`
}

type cardButton struct {
	Text  string `json:"text"`
	Style int    `json:"style,omitempty"`
	Key   string `json:"key"`
}

// WeCom's limits on a button_interaction card (SDK 1.0.7 types): at most 6 rows of
// horizontal content and 6 buttons.
const (
	maxCardRows    = 6
	maxCardButtons = 6
)

// toCard lays c out as a button_interaction card with taskID and sub as the line under
// the title. A button's key is the command it stands for, so a tap comes back as that
// text (see Transport.handle). Card text is not markdown: nothing needs escaping.
func toCard(c *dispatch.Card, taskID, sub string) templateCard {
	tc := templateCard{CardType: "button_interaction", MainTitle: cardMainTitle{Title: c.Title}, SubTitleText: sub, TaskID: taskID}
	for _, f := range c.Fields[:min(len(c.Fields), maxCardRows)] {
		tc.HorizontalContentList = append(tc.HorizontalContentList, cardKV{KeyName: f.Key, Value: f.Value})
	}
	for i, b := range c.Buttons[:min(len(c.Buttons), maxCardButtons)] {
		style := 1 // the first button (接) stands out; the others are plain
		if i > 0 {
			style = 2
		}
		tc.ButtonList = append(tc.ButtonList, cardButton{Text: b.Text, Style: style, Key: b.Command})
	}
	return tc
}

// newTaskID makes a card's task_id, which WeCom wants unique per robot and made of
// letters, digits and "_-@": chorus's task id, then a time and random part, because task
// ids start again with a new database.
func newTaskID(task int64, now time.Time) string {
	return newReqID("task"+strconv.FormatInt(task, 10), now)
}

// newReqID makes a request id the way the SDK's generateReqId does:
// "<prefix>_<unix millis>_<8 hex digits>".
func newReqID(prefix string, now time.Time) string {
	var b [4]byte
	_, _ = rand.Read(b[:])
	return prefix + "_" + strconv.FormatInt(now.UnixMilli(), 10) + "_" + hex.EncodeToString(b[:])
}

// AckError is a non-zero errcode in an acknowledgement from WeCom. It wraps
// bot.ErrRejected unless the code is one worth retrying (frequency limit, system busy).
type AckError struct {
	// Cmd is the command that was refused.
	Cmd string
	// Code and Msg are the ack's errcode and errmsg.
	Code int
	Msg  string
}

func (e *AckError) Error() string {
	return fmt.Sprintf("wecom: %s: errcode %d: %s", e.Cmd, e.Code, e.Msg)
}

// Unwrap returns bot.ErrRejected for codes that retrying will not fix.
func (e *AckError) Unwrap() error {
	if e.Retryable() {
		return nil
	}
	return bot.ErrRejected
}

// Retryable reports whether sending the same post again later may succeed.
func (e *AckError) Retryable() bool {
	switch e.Code {
	case CodeFreqLimit, CodeSystemBusy, CodeStaleReqID:
		return true
	}
	return false
}

// render turns a post into markdown: each mention as "@name " before the text it belongs
// to. WeCom's markdown shows a backslash escape as typed ("\#1"), so nothing is escaped;
// instead the few ASCII characters that would turn a user's words into markup (emphasis,
// code, links, font tags) become their full-width forms, which read the same.
func render(p dispatch.Post) string {
	return plain(p.Compose(func(name string) string { return "@" + name + " " }))
}

// plain replaces the characters WeCom markdown treats as markup with full-width lookalikes,
// and the "#" of a line-leading "# " (a heading; "#12" stays as typed) likewise.
func plain(s string) string {
	rs := []rune(s)
	var b strings.Builder
	b.Grow(len(s))
	for i, r := range rs {
		switch r {
		case '*':
			r = '＊'
		case '_':
			r = '＿'
		case '`':
			r = '｀'
		case '[':
			r = '［'
		case ']':
			r = '］'
		case '<':
			r = '＜'
		case '>':
			r = '＞'
		case '#':
			if (i == 0 || rs[i-1] == '\n') && i+1 < len(rs) && (rs[i+1] == ' ' || rs[i+1] == '#') {
				r = '＃'
			}
		}
		b.WriteRune(r)
	}
	return b.String()
}

// stripMention removes a leading "@name " mention from group text. The name ends at
// the first space (ASCII, U+2005 as WeChat uses, or ideographic).
func stripMention(s string) string {
	if !strings.HasPrefix(s, "@") {
		return s
	}
	i := strings.IndexFunc(s, func(r rune) bool { return r == ' ' || r == '\u2005' || r == '\u3000' })
	if i < 0 {
		return ""
	}
	_, size := firstRune(s[i:])
	return strings.TrimLeft(s[i+size:], " \u2005\u3000")
}

func firstRune(s string) (rune, int) {
	for _, r := range s {
		return r, len(string(r))
	}
	return 0, 0
}

// mask hides all but the first two characters of a user id for logs.
func mask(id string) string {
	r := []rune(id)
	if len(r) <= 2 {
		return string(r) + "***"
	}
	return string(r[:2]) + "***"
}
