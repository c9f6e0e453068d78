package bot

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"sync"
	"time"

	"github.com/changzheng/chorus/dispatch"
)

// Queue is the durable inbox and outbox the Bot needs; store.DB implements it.
type Queue interface {
	// Accept stores an inbound message once and returns the stored entry; false means a
	// duplicate.
	Accept(ctx context.Context, m dispatch.Message) (string, bool, error)
	// Pending lists stored messages not yet finished.
	Pending(ctx context.Context) ([]dispatch.Pending, error)
	// Finish queues envs and retires the inbox entry raw, once per op.
	Finish(ctx context.Context, op, raw string, envs []dispatch.Envelope) error
	// Take moves the next envelope of a transport into this instance's in-flight list.
	Take(ctx context.Context, transport, instance string, block time.Duration) (dispatch.Envelope, bool, error)
	// Delivered retires an in-flight envelope, and the envelopes also merged into the same
	// post, in one step, and logs the delivery.
	Delivered(ctx context.Context, transport, instance string, e dispatch.Envelope, d dispatch.Delivery, also ...dispatch.Envelope) error
	// Requeue gives a taken envelope back to the head of its outbox list.
	Requeue(ctx context.Context, transport, instance string, e dispatch.Envelope) error
	// Waiting reports whether an answer to a person waits in a transport's outbox.
	Waiting(ctx context.Context, transport string) (bool, error)
	// Gather moves the answers want accepts, among the first window of a transport's
	// answers, into this instance's in-flight list, and returns them in outbox order.
	Gather(ctx context.Context, transport, instance string, window int, want func(dispatch.Envelope) bool) ([]dispatch.Envelope, error)
	// Reserve reserves now for a post of account to chat within l and returns 0, or
	// returns how long to wait; the budget is shared by every process on the account.
	Reserve(ctx context.Context, account, chat string, now time.Time, l dispatch.Limits) (time.Duration, error)
	// Recover returns this instance's in-flight envelopes to the head of the outbox.
	Recover(ctx context.Context, transport, instance string) (int, error)
	// Rescue moves the envelopes want accepts, among the first window of a transport's
	// outbox, into this instance's in-flight list past the posts ahead of them, and
	// returns them in outbox order; each is moved by one caller only.
	Rescue(ctx context.Context, transport, instance string, window int, want func(dispatch.Envelope) bool) ([]dispatch.Envelope, error)
}

// Fallback delivers a scheduled post to a group by another route (a WeCom webhook) when
// the group's own transport is down.
type Fallback interface {
	Send(ctx context.Context, url string, p dispatch.Post) error
}

// Options configures a Bot. The zero value of each field is documented.
type Options struct {
	// Transports serve the groups; each runs until the Bot stops.
	Transports []Transport
	// Routes maps a group name to the transport that serves it. A group not named goes to
	// the first transport.
	Routes map[string]string
	// Webhooks maps a group name to its fallback webhook URL; nil means no fallback.
	Webhooks map[string]string
	// Fallback sends to webhooks; nil disables the fallback.
	Fallback Fallback
	// WebhookPacing paces the fallback per webhook URL, and its MaxLen splits posts for
	// it (a post split for its transport may still be too long for a webhook); the zero
	// value neither paces nor splits.
	WebhookPacing Pacing
	// Pacing per transport name; a transport not named is not paced (the console).
	Pacing map[string]Pacing
	// Instance names this process's in-flight lists; processes sharing a Redis need
	// different names. Empty means "main".
	Instance string
	// Synchronous delivers every post before Receive or Tick returns, without pacing or
	// blocking reads: the console's contract. Run is not used then.
	Synchronous bool
	// TickEvery is how often Run calls the scheduler; zero means a minute.
	TickEvery time.Duration
	// Now is the clock; nil means time.Now.
	Now func() time.Time
	// Sleep waits for d or until ctx ends; nil means a timer.
	Sleep func(ctx context.Context, d time.Duration) error
	// Logger gets every login, failed send and route; nil discards.
	Logger *slog.Logger
	// Journal keeps inbound messages on disk until Redis has them: Receive returns once a
	// message is journaled, and Run hands them to Redis in arrival order, retrying while
	// Redis is unreachable. Nil means Receive stores in Redis itself and fails when it
	// cannot (the console).
	Journal *Journal
	// Health watches Redis; nil means errors are logged one by one.
	Health *Health
	// Retired keeps on disk the retirements of delivered posts that Redis could not take
	// at the time, so that a post is not sent again after a restart; nil means a failed
	// retirement leaves the post in flight, to be sent again at the next start.
	Retired *Retired
	// Observer is told of each message received and each post sent or failed (the
	// metrics); nil means nobody listens.
	Observer Observer
	// Silent names transports whose private chats have nobody to read them (an Open311
	// client reads a report's status with GET): posts to those chats are not queued.
	Silent []string
}

// Observer is told what the Bot does. Its methods are called on the Bot's paths, so they
// must be quick and safe for concurrent use.
type Observer interface {
	// Received: a new (not duplicate) message came in through transport.
	Received(transport string)
	// Sent: a post (or part) went out by route ("wechat", "wecom", "webhook", …).
	Sent(route string)
	// SendFailed: a send by route failed (it is retried or dropped).
	SendFailed(route string)
}

type nopObserver struct{}

func (nopObserver) Received(string)   {}
func (nopObserver) Sent(string)       {}
func (nopObserver) SendFailed(string) {}

// Bot joins transports, the dispatch service and the outbox: every inbound message is
// stored, handled and its posts queued in one path, and sender workers deliver the queue.
type Bot struct {
	svc    *dispatch.Service
	q      Queue
	opts   Options
	log    *slog.Logger
	byName map[string]Transport
	mu     sync.Mutex // serialises Synchronous delivery

	inbound *inbound // journaled messages on their way to Redis (Options.Journal set)
}

// New returns a Bot.
func New(svc *dispatch.Service, q Queue, opts Options) *Bot {
	if opts.Instance == "" {
		opts.Instance = "main"
	}
	if opts.TickEvery <= 0 {
		opts.TickEvery = time.Minute
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.Sleep == nil {
		opts.Sleep = sleep
	}
	if opts.Observer == nil {
		opts.Observer = nopObserver{}
	}
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	b := &Bot{svc: svc, q: q, opts: opts, log: log, byName: map[string]Transport{}, inbound: newInbound()}
	for _, t := range opts.Transports {
		b.byName[t.Name()] = t
	}
	return b
}

// sleep waits for d or until ctx ends.
func sleep(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}

// Receive is the Inbound every transport calls: store first (so the message is never
// lost and a redelivery has no second effect), then handle and queue the posts. With a
// Journal, "store" is the journal, and Run's worker takes the message on to Redis.
func (b *Bot) Receive(ctx context.Context, m dispatch.Message) error {
	if m.ID == "" {
		m.ID = newID()
	}
	if b.opts.Journal != nil {
		return b.receiveJournaled(ctx, m)
	}
	raw, fresh, err := b.q.Accept(ctx, m)
	if err != nil {
		return fmt.Errorf("bot: receive: %w", err)
	}
	if !fresh {
		b.log.InfoContext(ctx, "duplicate message ignored", "transport", m.Transport, "id", m.ID)
		return nil
	}
	b.opts.Observer.Received(m.Transport)
	// Stored: finish handling it even if ctx ends meanwhile, so a stop does not leave
	// the message half done (or answered with an error) until the next start.
	hctx, cancel := graceful(ctx, stopGrace)
	defer cancel()
	return b.handle(hctx, dispatch.Pending{Message: m, Raw: raw})
}

// stopGrace is how long work under way (handling a stored message, a send and its
// retirement) may go on after the Bot's context ends.
const stopGrace = 10 * time.Second

// graceful returns a context that ends grace after ctx ends (or when cancel is called):
// a send cancelled mid-request may still have gone out, and would stay in flight to be
// sent again at the next start.
func graceful(ctx context.Context, grace time.Duration) (context.Context, context.CancelFunc) {
	g, cancel := context.WithCancel(context.WithoutCancel(ctx))
	stop := context.AfterFunc(ctx, func() { time.AfterFunc(grace, cancel) })
	return g, func() { stop(); cancel() }
}

// handle runs one stored message through dispatch and queues what it says.
func (b *Bot) handle(ctx context.Context, p dispatch.Pending) (err error) {
	defer func() {
		// A panic must not take the process down; the message stays in the inbox.
		if r := recover(); r != nil {
			b.log.ErrorContext(ctx, "handle: panic", "panic", r, "stack", string(debug.Stack()))
			err = fmt.Errorf("bot: handle %s: panic: %v", p.Message.ID, r)
		}
	}()
	posts, err := b.svc.Handle(ctx, p.Message)
	if err != nil {
		return fmt.Errorf("bot: handle %s: %w", p.Message.ID, err)
	}
	op := p.Message.Transport + ":" + p.Message.ID
	if err := b.q.Finish(ctx, op, p.Raw, b.envelopes(op, posts)); err != nil {
		return fmt.Errorf("bot: queue replies to %s: %w", p.Message.ID, err)
	}
	return b.deliverNow(ctx)
}

// Tick runs every scheduled slot due at now and queues its posts.
func (b *Bot) Tick(ctx context.Context, now time.Time) error {
	batches, err := b.svc.RunDue(ctx, now)
	for _, batch := range batches {
		if ferr := b.q.Finish(ctx, batch.Op, "", b.envelopes(batch.Op, batch.Posts)); ferr != nil {
			err = errors.Join(err, fmt.Errorf("bot: queue %s: %w", batch.Op, ferr))
		}
	}
	if err != nil {
		return fmt.Errorf("bot: tick: %w", err)
	}
	return b.deliverNow(ctx)
}

// Resume handles the messages stored before a crash but not finished.
func (b *Bot) Resume(ctx context.Context) (int, error) {
	pending, err := b.q.Pending(ctx)
	if err != nil {
		return 0, fmt.Errorf("bot: resume: %w", err)
	}
	n := 0
	for _, p := range pending {
		if ctx.Err() != nil {
			return n, ctx.Err()
		}
		// One message that cannot be handled must not keep every later one (and the
		// process) from starting: log it; it stays in the inbox for the next start.
		if err := b.handle(ctx, p); err != nil {
			b.log.ErrorContext(ctx, "resume: message left in the inbox", "transport", p.Message.Transport, "id", p.Message.ID, "err", err)
			continue
		}
		n++
	}
	return n, nil
}

// route is the transport a post goes through.
func (b *Bot) route(p dispatch.Post) string {
	if p.Chat.IsPrivate() && p.Chat.Transport != "" {
		if _, ok := b.byName[p.Chat.Transport]; ok {
			return p.Chat.Transport
		}
	}
	if name, ok := b.opts.Routes[p.Chat.Group]; ok {
		return name
	}
	if len(b.opts.Transports) > 0 {
		return b.opts.Transports[0].Name()
	}
	return ""
}

// envelopes wraps posts for the outbox, splitting long texts per the route's limit.
// One slot's scheduled posts to one chat become one post where the route merges.
func (b *Bot) envelopes(op string, posts []dispatch.Post) []dispatch.Envelope {
	now := b.opts.Now()
	posts = mergeSlots(posts, func(p dispatch.Post) bool { return b.opts.Pacing[b.route(p)].Merge })
	var out []dispatch.Envelope
	n := 0
	for _, p := range posts {
		if p.Chat.IsPrivate() && slices.Contains(b.opts.Silent, p.Chat.Transport) {
			continue
		}
		route := b.route(p)
		for _, q := range splitPost(p, b.opts.Pacing[route].MaxLen) {
			n++
			out = append(out, dispatch.Envelope{ID: fmt.Sprintf("%s#%d", op, n), Transport: route, Post: q, Queued: now})
		}
	}
	return out
}

// deliverNow drains every outbox in Synchronous mode; otherwise the workers do it.
func (b *Bot) deliverNow(ctx context.Context) error {
	if !b.opts.Synchronous {
		return nil
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	for _, t := range b.opts.Transports {
		for {
			e, ok, err := b.q.Take(ctx, t.Name(), b.opts.Instance, 0)
			if err != nil {
				return err
			}
			if !ok {
				break
			}
			if err := b.deliver(ctx, t, &flight{e: e}, nil); err != nil {
				return err
			}
		}
	}
	return nil
}

// Run starts every transport, one sender worker per transport and the scheduler tick,
// and returns when ctx ends (nil) after the workers have stopped. Posts still queued stay
// in Redis for the next start.
func (b *Bot) Run(ctx context.Context) error {
	if n, err := b.Resume(ctx); err != nil {
		if ctx.Err() != nil {
			return nil // stopped while resuming: the messages stay stored for the next start
		}
		return err
	} else if n > 0 {
		b.log.InfoContext(ctx, "resumed messages stored before the last stop", "count", n)
	}
	var wg sync.WaitGroup
	if j := b.opts.Journal; j != nil {
		// Messages journaled before the last stop and not yet in Redis came after every
		// message in Redis's inbox (one worker stores them in order): they go next.
		if left := j.Pending(); len(left) > 0 {
			b.log.InfoContext(ctx, "replaying messages kept in the journal before the last stop", "count", len(left))
			b.inbound.mu.Lock()
			b.inbound.q = append(left, b.inbound.q...)
			b.inbound.mu.Unlock()
		}
		wg.Add(1)
		go func() {
			defer wg.Done()
			b.keepLoop(ctx)
		}()
	}
	if h := b.opts.Health; h != nil {
		wg.Add(1)
		go func() {
			defer wg.Done()
			h.Run(ctx)
		}()
	}
	for _, t := range b.opts.Transports {
		wg.Add(2)
		go func() {
			defer wg.Done()
			if err := t.Run(ctx, b.Receive); err != nil && ctx.Err() == nil {
				b.log.ErrorContext(ctx, "transport stopped; the others keep working", "transport", t.Name(), "err", err)
			}
		}()
		go func() {
			defer wg.Done()
			b.sendLoop(ctx, t)
		}()
	}
	wg.Add(1)
	go func() {
		defer wg.Done()
		b.tickLoop(ctx)
	}()
	wg.Wait()
	return nil
}

func (b *Bot) tickLoop(ctx context.Context) {
	for {
		if err := b.Tick(ctx, b.opts.Now()); err != nil && ctx.Err() == nil {
			b.redisErr(ctx, "scheduler tick", err)
		}
		if b.opts.Sleep(ctx, b.opts.TickEvery) != nil {
			return
		}
	}
}

// takeBlock bounds one blocking read of the outbox. A queued post wakes the worker at
// once whatever it is; but the read cannot be interrupted, so it is also how long a stop
// may wait for an idle worker.
const takeBlock = time.Second

// sendLoop delivers a transport's outbox in order, paced, until ctx ends.
func (b *Bot) sendLoop(ctx context.Context, t Transport) {
	// Retirements kept on disk go first: Recover would put those posts back in the outbox.
	for !b.replayRetired(ctx, t.Name()) {
		if b.opts.Sleep(ctx, time.Second) != nil {
			return
		}
	}
	if n, err := b.q.Recover(ctx, t.Name(), b.opts.Instance); err != nil {
		b.log.ErrorContext(ctx, "recover in-flight posts", "transport", t.Name(), "err", err)
	} else if n > 0 {
		b.log.InfoContext(ctx, "re-queued posts in flight at the last stop", "transport", t.Name(), "count", n)
	}
	w := &worker{pacing: b.opts.Pacing[t.Name()], hooks: map[string]*Pacer{}}
	for ctx.Err() == nil {
		// Rescued posts whose webhook failed are in flight already, and were queued before
		// anything still in the outbox: they go next, through t or (t down) the webhook.
		if len(w.held) > 0 {
			f := w.held[0]
			w.held = w.held[1:]
			if err := b.deliver(ctx, t, f, w); err != nil && ctx.Err() == nil {
				b.log.ErrorContext(ctx, "deliver", "transport", t.Name(), "id", f.e.ID, "err", err)
			}
			continue
		}
		// Retirements kept while Redis was down are recorded before anything else.
		if !b.replayRetired(ctx, t.Name()) {
			_ = b.opts.Sleep(ctx, time.Second)
			continue
		}
		// A blocking read: the worker wakes as soon as a post is queued, without polling.
		e, ok, err := b.q.Take(ctx, t.Name(), b.opts.Instance, takeBlock)
		if err != nil {
			if ctx.Err() == nil {
				b.redisErr(ctx, "read outbox", err, "transport", t.Name())
				_ = b.opts.Sleep(ctx, time.Second)
			}
			continue
		}
		if !ok {
			continue
		}
		if err := b.deliver(ctx, t, &flight{e: e}, w); err != nil && ctx.Err() == nil {
			b.log.ErrorContext(ctx, "deliver", "transport", t.Name(), "id", e.ID, "err", err)
		}
	}
}

// worker is one sender worker's state: its transport's pacing (the budget itself is in
// Redis), one pacer per webhook URL, and the rescued posts it holds in flight because
// their webhook failed (see rescue).
type worker struct {
	pacing Pacing
	hooks  map[string]*Pacer
	held   []*flight
}

// flight is an envelope in this instance's in-flight list and how far its delivery got.
type flight struct {
	e         dispatch.Envelope
	tries     int // sends tried, by either route
	hookParts int // parts already delivered by the webhook, so a retry does not repeat them
	// also are answers to the same chat merged into this post, in flight with it and
	// retired with it. They are gathered each time the budget lets the post go, so the
	// answers queued during a wait or a retry's backoff join it.
	also []dispatch.Envelope
	// jitter drawn for this post's account gap and chat gap, once, so that asking the
	// budget again after a wait asks for the same gaps.
	jitterA, jitterC time.Duration
	jittered         bool
}

// post is what goes out for f: its own post, or the answers merged into one.
func (f *flight) post() dispatch.Post {
	if len(f.also) == 0 {
		return f.e.Post
	}
	posts := []dispatch.Post{f.e.Post}
	for _, e := range f.also {
		posts = append(posts, e.Post)
	}
	return mergeAnswers(posts)
}

// webhook is the fallback URL for posts to p's group, or "" when it has none.
func (b *Bot) webhook(p dispatch.Post) string {
	if b.opts.Fallback == nil || p.Chat.Group == "" {
		return ""
	}
	return b.opts.Webhooks[p.Chat.Group]
}

// pace sleeps until a post to c is due at the pace of q (nil: no pacing) and records it.
// It paces the webhook fallback, per URL, in this process.
func (b *Bot) pace(ctx context.Context, q *Pacer, c dispatch.Chat) error {
	if q == nil {
		return nil
	}
	if wait := q.Wait(c, b.opts.Now()); wait > 0 {
		if err := b.opts.Sleep(ctx, wait); err != nil {
			return err
		}
	}
	q.Sent(c, b.opts.Now())
	return nil
}

// deliver sends one envelope, retrying with backoff until it goes out, is rejected for
// good, or (for scheduled posts with a webhook) takes the fallback route. It returns only
// when the envelope is retired or ctx ends (then it stays in flight for the next start).
// While it waits for its transport to come back, the scheduled posts behind it that have
// a webhook go out through the webhook (see rescue).
func (b *Bot) deliver(ctx context.Context, t Transport, f *flight, w *worker) error {
	e := f.e
	backoff := time.Second
	for {
		f.tries++
		if yielded, err := b.budget(ctx, t, f, w); err != nil || yielded {
			return err
		}
		b.gather(ctx, t, f, w)
		// Once started, a send and its retirement are finished even when ctx ends.
		sctx, cancel := graceful(ctx, stopGrace)
		err := t.Send(sctx, f.post())
		down := errors.Is(err, ErrUnavailable)
		route := t.Name()
		if down && e.Post.Scheduled {
			if url := b.webhook(e.Post); url != "" {
				b.log.WarnContext(ctx, "transport down: scheduled post takes the webhook", "transport", t.Name(), "group", e.Post.Chat.Group, "id", e.ID)
				route = "webhook"
				err = b.fallback(sctx, url, e.Post, w, &f.hookParts)
			}
		}
		if err == nil {
			b.opts.Observer.Sent(route)
		} else {
			b.opts.Observer.SendFailed(route)
		}
		switch {
		case err == nil:
			// Record, then log: once the line is out, the delivery log (/readyz) has it.
			err = b.retire(sctx, t.Name(), e, dispatch.Delivery{ID: e.ID, Chat: e.Post.Chat, Route: route, At: b.opts.Now(), Tries: f.tries}, f.also...)
			cancel()
			b.log.InfoContext(ctx, "post delivered", "route", route, "group", e.Post.Chat.Group, "id", e.ID, "tries", f.tries, "answers", 1+len(f.also))
			return err
		case errors.Is(err, ErrRejected):
			b.log.ErrorContext(ctx, "post rejected, dropped", "route", route, "group", e.Post.Chat.Group, "id", e.ID, "err", err)
			err = b.retire(sctx, t.Name(), e, dispatch.Delivery{ID: e.ID, Chat: e.Post.Chat, Route: "rejected", At: b.opts.Now(), Tries: f.tries}, f.also...)
			cancel()
			return err
		}
		cancel()
		b.log.WarnContext(ctx, "send failed, will retry", "route", route, "group", e.Post.Chat.Group, "id", e.ID, "try", f.tries, "err", err)
		if b.opts.Synchronous {
			return fmt.Errorf("bot: send %s: %w", e.ID, err)
		}
		if down {
			b.rescue(ctx, t, w)
		}
		if err := b.opts.Sleep(ctx, backoff); err != nil {
			return err
		}
		backoff = min(2*backoff, 5*time.Minute)
	}
}

// yieldStep is how often a scheduled post waiting for the budget looks for answers that
// should go first; an answer waits at most this long behind a broadcast.
const yieldStep = 250 * time.Millisecond

// budget waits until t's account may post f's post, and reserves that moment in the
// budget in Redis (shared by every process on the account, and kept across restarts).
// A scheduled post yields: when an answer to a person is queued while it waits, it goes
// back to the head of the scheduled posts and budget reports true. A transport without
// pacing (the console) has no budget.
func (b *Bot) budget(ctx context.Context, t Transport, f *flight, w *worker) (bool, error) {
	if w == nil || !w.pacing.durable() {
		return false, nil
	}
	if !f.jittered {
		f.jitterA, f.jitterC, f.jittered = jitter(w.pacing.Jitter), jitter(w.pacing.Jitter), true
	}
	l := w.pacing.limits(f.jitterA, f.jitterC)
	chat := chatKey(f.e.Post.Chat)
	for {
		wait, err := b.q.Reserve(ctx, t.Name(), chat, b.opts.Now(), l)
		if err != nil {
			// Sending without the budget could burst; wait for Redis instead.
			b.redisErr(ctx, "sending budget unavailable; the post waits", err, "transport", t.Name(), "id", f.e.ID)
			wait = time.Second
		} else if wait <= 0 {
			return false, nil
		}
		if !f.e.Post.Scheduled {
			if err := b.opts.Sleep(ctx, wait); err != nil {
				return false, err
			}
			continue
		}
		if err := b.opts.Sleep(ctx, min(wait, yieldStep)); err != nil {
			return false, err
		}
		if waiting, err := b.q.Waiting(ctx, t.Name()); err == nil && waiting {
			if err := b.q.Requeue(ctx, t.Name(), b.opts.Instance, f.e); err != nil {
				b.log.ErrorContext(ctx, "scheduled post cannot yield to an answer", "transport", t.Name(), "id", f.e.ID, "err", err)
				continue
			}
			return true, nil
		}
	}
}

// gatherWindow bounds how far into the answers a merge looks.
const gatherWindow = 200

// gather moves the answers to f's chat queued behind it into flight with it, as many
// as fit in one post of the transport's MaxLen (so a merged post splits between people,
// never inside one's answer): they go out merged into f's post. It runs right before each
// try, after the budget let the post go, so the answers that arrived during the wait
// join it; an answer alone is never held back to wait for others.
func (b *Bot) gather(ctx context.Context, t Transport, f *flight, w *worker) {
	// A post with a card (发布's, or a tap's answer that updates the tapped card) goes
	// alone: a merged post is text, and the card would be lost.
	if w == nil || !w.pacing.Merge || f.e.Post.Scheduled || f.e.Post.Card != nil {
		return
	}
	size, full := postSize(f.e.Post), false
	for _, e := range f.also {
		size += postSize(e.Post)
	}
	chat := chatKey(f.e.Post.Chat)
	also, err := b.q.Gather(ctx, t.Name(), b.opts.Instance, gatherWindow, func(e dispatch.Envelope) bool {
		if full || e.Post.Scheduled || e.Post.Card != nil || chatKey(e.Post.Chat) != chat {
			return false
		}
		if n := postSize(e.Post); w.pacing.MaxLen > 0 && size+n > w.pacing.MaxLen+1 {
			full = true // the rest wait for the next post, in order
			return false
		}
		size += postSize(e.Post)
		return true
	})
	if err != nil {
		b.log.ErrorContext(ctx, "merge answers", "transport", t.Name(), "id", f.e.ID, "err", err)
	}
	f.also = append(f.also, also...)
}

// rescueWindow bounds how far into a transport's outbox a rescue looks for posts.
const rescueWindow = 200

// rescue runs while the post at the head of t's outbox waits because t is unavailable
// (logged out): scheduled posts behind it for groups with a webhook go out through the
// webhook now instead of waiting. First those held from an earlier rescue, then those it
// moves from the outbox into this instance's in-flight list (each owned by one worker
// alone, whatever other processes rescue or take meanwhile; a crash leaves them for
// Recover). A post whose webhook fails stays in flight and held: the next rescue tries it
// again, and once the head is out the worker delivers it before taking more. The posts
// left in the outbox keep their order.
func (b *Bot) rescue(ctx context.Context, t Transport, w *worker) {
	if w == nil || b.opts.Fallback == nil || ctx.Err() != nil {
		return
	}
	todo := w.held
	w.held = nil
	rctx, cancel := graceful(ctx, stopGrace) // once moved, a post is sent or held, not lost
	defer cancel()
	if len(b.opts.Webhooks) > 0 {
		fresh, err := b.q.Rescue(rctx, t.Name(), b.opts.Instance, rescueWindow, func(e dispatch.Envelope) bool {
			return e.Post.Scheduled && b.webhook(e.Post) != ""
		})
		if err != nil {
			b.log.ErrorContext(ctx, "rescue scheduled posts from the outbox", "transport", t.Name(), "err", err)
		}
		for _, e := range fresh {
			todo = append(todo, &flight{e: e})
		}
	}
	failed := map[string]bool{} // webhooks that failed this round: their posts wait for the next
	for _, f := range todo {
		url := b.webhook(f.e.Post)
		if url == "" || failed[url] || ctx.Err() != nil {
			w.held = append(w.held, f)
			continue
		}
		if err := b.sendRescued(ctx, t, f, url, w); err != nil {
			failed[url] = true
			w.held = append(w.held, f)
			b.log.WarnContext(ctx, "webhook send failed, will retry", "route", "webhook", "group", f.e.Post.Chat.Group, "id", f.e.ID, "try", f.tries, "err", err)
		}
	}
}

// sendRescued sends a rescued post through the webhook at url and retires it; it returns
// an error only when the post did not go out and is to be tried again.
func (b *Bot) sendRescued(ctx context.Context, t Transport, f *flight, url string, w *worker) error {
	e := f.e
	sctx, cancel := graceful(ctx, stopGrace)
	defer cancel()
	f.tries++
	route := "webhook"
	err := b.fallback(sctx, url, e.Post, w, &f.hookParts)
	switch {
	case errors.Is(err, ErrRejected):
		b.log.ErrorContext(ctx, "post rejected, dropped", "route", route, "group", e.Post.Chat.Group, "id", e.ID, "err", err)
		route = "rejected"
	case err != nil:
		b.opts.Observer.SendFailed(route)
		return err
	}
	if route == "webhook" {
		b.opts.Observer.Sent(route)
	} else {
		b.opts.Observer.SendFailed("webhook")
	}
	if err := b.retire(sctx, t.Name(), e, dispatch.Delivery{ID: e.ID, Chat: e.Post.Chat, Route: route, At: b.opts.Now(), Tries: f.tries}); err != nil {
		// It went out: sending it again now would repeat it. It stays in flight until the
		// next start, like any post whose retirement failed.
		b.log.ErrorContext(ctx, "retire rescued post", "transport", t.Name(), "id", e.ID, "err", err)
		return nil
	}
	if route == "webhook" {
		b.log.InfoContext(ctx, "transport down: scheduled post rescued from behind a waiting post, delivered by the webhook", "transport", t.Name(), "group", e.Post.Chat.Group, "id", e.ID, "tries", f.tries)
	}
	return nil
}

// fallback sends p through the webhook at url, split to the webhook's MaxLen and paced
// per URL. *done counts the parts already delivered, so a retry after a failed part does
// not send the earlier parts again.
func (b *Bot) fallback(ctx context.Context, url string, p dispatch.Post, w *worker, done *int) error {
	var hp *Pacer
	if w != nil {
		if hp = w.hooks[url]; hp == nil {
			hp = NewPacer(b.opts.WebhookPacing)
			w.hooks[url] = hp
		}
	}
	parts := splitPost(p, b.opts.WebhookPacing.MaxLen)
	for i := *done; i < len(parts); i++ {
		q := parts[i]
		if err := b.pace(ctx, hp, p.Chat); err != nil {
			return err
		}
		if err := b.opts.Fallback.Send(ctx, url, q); err != nil {
			return err
		}
		*done = i + 1
	}
	return nil
}

// newID makes an id for a message its transport did not number.
func newID() string {
	var b [8]byte
	_, _ = rand.Read(b[:]) // crypto/rand never fails on supported platforms
	return hex.EncodeToString(b[:])
}
