package bot

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/changzheng/chorus/dispatch"
)

// inbound is the queue of journaled messages on their way to Redis, in arrival order.
// Receive pushes; one worker (keepLoop, owned by Run) takes them to Redis one at a time,
// so they are stored and handled in the order they arrived, whatever Redis does
// meanwhile.
type inbound struct {
	mu   sync.Mutex // also orders journal appends with pushes: the journal's order is the queue's
	q    []dispatch.Message
	wake chan struct{} // holds a token when q may be non-empty
	full bool          // the journal refused a message; logged once until it has room
}

func newInbound() *inbound { return &inbound{wake: make(chan struct{}, 1)} }

// receiveJournaled keeps m in the journal (fsynced) and queues it for Redis; the
// transport may acknowledge m once it returns nil. A full journal while Redis is up is
// waited on for a moment: the keeper is draining it (a restart replays what an outage left,
// and WeChat hands over again the messages of the batch it could not finish, which Redis
// only finds to be duplicates), and refusing at once would end the session again and again
// for a journal that is only seconds from having room.
func (b *Bot) receiveJournaled(ctx context.Context, m dispatch.Message) error {
	var waited time.Duration
	for {
		err := b.journal(m)
		if !errors.Is(err, ErrJournalFull) || waited >= journalRoomWait ||
			b.opts.Health != nil && !b.opts.Health.Up() || b.opts.Sleep(ctx, journalRoomPoll) != nil {
			b.journalState(ctx, err)
			if err != nil {
				return fmt.Errorf("bot: keep %s:%s: %w", m.Transport, m.ID, err)
			}
			return nil
		}
		waited += journalRoomPoll
	}
}

// How long a message waits for room in a full journal while Redis is up, and how often it
// looks.
const (
	journalRoomWait = 3 * time.Second
	journalRoomPoll = 20 * time.Millisecond
)

// journal adds m to the journal and queues it for the keeper, under in.mu so that the
// journal's order is the queue's.
func (b *Bot) journal(m dispatch.Message) error {
	in := b.inbound
	in.mu.Lock()
	defer in.mu.Unlock()
	added, err := b.opts.Journal.Add(m)
	if err != nil {
		return err
	}
	if added {
		in.q = append(in.q, m)
		select {
		case in.wake <- struct{}{}:
		default:
		}
	}
	return nil
}

// journalState logs a full journal once, and once when it has room again.
func (b *Bot) journalState(ctx context.Context, err error) {
	in := b.inbound
	in.mu.Lock()
	defer in.mu.Unlock()
	switch full := errors.Is(err, ErrJournalFull); {
	case full && !in.full:
		in.full = true
		b.log.ErrorContext(ctx, "inbound journal full: new messages are refused (not acknowledged) until Redis takes the waiting ones",
			"waiting", b.opts.Journal.Len(), "max", b.opts.Journal.Max())
	case err == nil && in.full:
		in.full = false
		b.log.InfoContext(ctx, "inbound journal has room again", "waiting", b.opts.Journal.Len())
	}
}

// head returns the oldest queued message, waiting for one until ctx ends.
func (in *inbound) head(ctx context.Context) (dispatch.Message, bool) {
	for {
		in.mu.Lock()
		if len(in.q) > 0 {
			m := in.q[0]
			in.mu.Unlock()
			return m, true
		}
		in.mu.Unlock()
		select {
		case <-in.wake:
		case <-ctx.Done():
			return dispatch.Message{}, false
		}
	}
}

func (in *inbound) pop() {
	in.mu.Lock()
	defer in.mu.Unlock()
	in.q = in.q[1:]
}

// keepLoop hands journaled messages to Redis in order until ctx ends. A message stays in
// the journal until Redis has it (and its handling is done or left in Redis's inbox for
// the next start), so a crash at any point replays it at the next start.
func (b *Bot) keepLoop(ctx context.Context) {
	for {
		m, ok := b.inbound.head(ctx)
		if !ok {
			return
		}
		if !b.keep(ctx, m) {
			return // stopping: m stays journaled for the next start
		}
		if err := b.opts.Journal.Done(m); err != nil {
			// Redis has it: replaying it at the next start only finds a duplicate.
			b.log.WarnContext(ctx, "inbound journal: mark done", "transport", m.Transport, "id", m.ID, "err", err)
		}
		b.inbound.pop()
	}
}

// keepRetry bounds the pause between tries while Redis is unreachable.
const (
	keepRetryMin = 100 * time.Millisecond
	keepRetryMax = 2 * time.Second
)

// keep stores m in Redis and handles it, retrying while Redis is unreachable; it reports
// false only when ctx ended first.
func (b *Bot) keep(ctx context.Context, m dispatch.Message) bool {
	pause := keepRetryMin
	wait := func() bool {
		if b.opts.Sleep(ctx, pause) != nil {
			return false
		}
		pause = min(2*pause, keepRetryMax)
		return true
	}
	var raw string
	for {
		r, fresh, err := b.q.Accept(ctx, m)
		if err == nil {
			if !fresh {
				b.log.InfoContext(ctx, "duplicate message ignored", "transport", m.Transport, "id", m.ID)
				return true
			}
			raw = r
			break
		}
		if ctx.Err() != nil {
			return false
		}
		b.redisErr(ctx, "store inbound message; will retry", err, "transport", m.Transport, "id", m.ID)
		if !wait() {
			return false
		}
	}
	// Stored: Redis's inbox has it now, and Resume handles it at the next start if this
	// run does not. Handling replays answer the same (their ops are recorded), so a try
	// cut short by an outage is simply tried again.
	for {
		hctx, cancel := graceful(ctx, stopGrace)
		err := b.handle(hctx, dispatch.Pending{Message: m, Raw: raw})
		cancel()
		if err == nil {
			return true
		}
		if ctx.Err() != nil {
			return true // stored; Resume finishes it at the next start
		}
		if b.opts.Health == nil || b.opts.Health.Check(ctx) {
			// Redis takes writes: the message itself fails. It stays in the inbox.
			b.log.ErrorContext(ctx, "message left in the inbox for the next start", "transport", m.Transport, "id", m.ID, "err", err)
			return true
		}
		b.log.DebugContext(ctx, "handle inbound message; will retry when redis is back", "transport", m.Transport, "id", m.ID, "err", err)
		if !wait() {
			return true
		}
	}
}

// redisErr logs a failed Redis call: at debug level while Health finds Redis down (the
// outage has its own two lines), as an error otherwise.
func (b *Bot) redisErr(ctx context.Context, msg string, err error, args ...any) {
	args = append(args, "err", err)
	if b.opts.Health != nil && b.opts.Health.InOutage(ctx) {
		b.log.DebugContext(ctx, msg, args...)
		return
	}
	b.log.ErrorContext(ctx, msg, args...)
}
