package dispatch

import (
	"context"
	"time"
)

// Envelope is a post queued in the outbox for one transport.
type Envelope struct {
	// ID is unique per post part; deliveries are logged under it.
	ID string `json:"id"`
	// Transport is the route the post was queued for.
	Transport string `json:"transport"`
	Post      Post   `json:"post"`
	// Queued is when it entered the outbox.
	Queued time.Time `json:"queued"`
	// Raw is the envelope exactly as stored, so it can be retired; not stored itself.
	Raw string `json:"-"`
}

// Delivery records how a post went out.
type Delivery struct {
	ID    string    `json:"id"`
	Chat  Chat      `json:"chat"`
	Route string    `json:"route"` // the transport name, or "webhook" for the fallback
	At    time.Time `json:"at"`
	Tries int       `json:"tries"`
}

// Pending is an inbound message stored but not yet fully handled.
type Pending struct {
	Message Message
	// Raw is the entry exactly as stored, so it can be retired.
	Raw string
}

// Batch is the posts one scheduled slot produced; Op makes queuing them once-only.
type Batch struct {
	Op    string
	Posts []Post
}

// SlotState is what ClaimSlot found.
type SlotState int

// The slot states.
const (
	SlotClaimed SlotState = iota + 1 // this run has it
	SlotDone                         // it already ran
	SlotBusy                         // another run holds it (and may die: its lease ends)
)

// SlotStore claims scheduled slots so each runs once across processes.
type SlotStore interface {
	// ClaimSlot claims the slot of job at, for lease. It reports SlotDone when the slot
	// already ran (its batch was queued) and SlotBusy while another run holds the lease.
	ClaimSlot(ctx context.Context, job string, at time.Time, lease time.Duration) (SlotState, error)
	// Watermark is the last slot of job that was reached; zero if none.
	Watermark(ctx context.Context, job string) (time.Time, error)
	// SetWatermark records that every slot of job up to at was reached.
	SetWatermark(ctx context.Context, job string, at time.Time) error
}

// OnceStore remembers that something happened, so a reminder or a call for volunteers is
// sent once however the scheduler's slots fall.
type OnceStore interface {
	// Once reports true the first time it is called with what, false afterwards.
	Once(ctx context.Context, what string) (bool, error)
}

// OpStore tells whether an op (an inbound message's change) was already applied.
type OpStore interface {
	// Applied reports whether a state change was stored under op. A message handled again
	// after a crash finds its own change applied, and is answered as the first time.
	Applied(ctx context.Context, op string) (bool, error)
}

// Limits is the sending budget one post must fit, as the sender asks the store to reserve
// it (see store.DB.Reserve). Gaps already include this post's jitter. Zero means no limit.
type Limits struct {
	// AccountGap is the least time between any two posts of the account.
	AccountGap time.Duration
	// ChatGap is the least time between two posts to the same chat.
	ChatGap time.Duration
	// Margin widens every window, so that the service, whose clock starts when the post
	// arrives, never sees post N+1 inside it.
	Margin time.Duration
	// PerMinute and PerHour cap the account's posts in any minute and hour.
	PerMinute, PerHour int
	// ChatPerMinute, ChatPerHour and ChatPerDay cap the posts to one chat.
	ChatPerMinute, ChatPerHour, ChatPerDay int
}
