package dispatch

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"runtime/debug"
	"slices"
	"time"
)

// Store is everything the domain keeps. store.DB implements it; functions ask for the
// smallest piece they use.
type Store interface {
	TaskStore
	PeopleStore
	ReportStore
	DutyStore
	SlotStore
	OnceStore
	OpStore
	MediaStore
}

// Options configures a Service. The zero value of each field is documented.
type Options struct {
	// Now is the clock; nil means time.Now is not available and Handle panics, so cmd
	// always sets it (the console passes its own clock).
	Now func() time.Time
	// Logger receives internal errors; nil discards them.
	Logger *slog.Logger
	// Jobs are the scheduled jobs, by name (see JobNames) with their schedules; nil
	// means no scheduled posts.
	Jobs []Job
	// CatchUp is how late a slot missed while chorus was down may still run; zero means 2h.
	CatchUp time.Duration
	// Media fetches and keeps photos and recordings; nil means none can be kept (a fetch
	// is then recorded as failed).
	Media MediaSaver
	// Observe is told the verb (VerbOf) and outcome (OutcomeOK, …) of every command
	// handled, for the metrics; nil means nobody listens.
	Observe func(verb, outcome string)
}

// Service decides what every message and every scheduled slot does. It never sends
// anything itself: Handle and RunDue return posts as values.
type Service struct {
	c       Community
	st      Store
	now     func() time.Time
	log     *slog.Logger
	jobs    []Job
	catchUp time.Duration
	media   MediaSaver
	observe func(verb, outcome string)
}

// New returns a Service for community c on store st.
func New(c Community, st Store, opts Options) *Service {
	c.withDefaults()
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	catchUp := opts.CatchUp
	if catchUp <= 0 {
		catchUp = 2 * time.Hour
	}
	return &Service{c: c, st: st, now: opts.Now, log: log, jobs: opts.Jobs, catchUp: catchUp, media: opts.Media, observe: opts.Observe}
}

// Community returns the community the service serves, with defaults filled in.
func (s *Service) Community() Community { return s.c }

// Role is what a speaker may do.
type Role int

// The roles, least first.
const (
	RoleResident Role = iota
	RoleMember
	RoleCoordinator
)

// turn is one message being handled: who said it, where, and when.
type turn struct {
	m     Message
	me    Member
	role  Role
	group Group // zero for a private chat or an unknown group
	op    string
	now   time.Time
	// party is set while a report is shown: members of the team it is dispatched to may
	// see its contact in their private chat (see seesAll).
	party string
	// announcement is set for a coordinator's broadcast (see guard).
	announcement bool
	// outcome is set by refusal; empty means OutcomeOK.
	outcome string
}

// reply answers the speaker where they spoke, @-mentioning them in a group by the name
// the store shows them by (t.me.Nick): never a display name that is another person's.
func (t *turn) reply(text string) Post {
	p := Post{Chat: t.m.Chat, Text: text, ReplyTo: t.m.ID}
	if !t.m.Chat.IsPrivate() {
		p.Mentions = []string{t.mentionName()}
	}
	return p
}

// mentionName is how the speaker is named in a reply. On WeChat it is the nickname, which
// makes the mention a real one. On WeCom the sender is known by userid, which people do not
// read as a name (@leisheng): the registered name (登记) names them instead when there is one.
func (t *turn) mentionName() string {
	if t.m.Transport == "wecom" && t.me.Name != "" {
		return t.me.Name
	}
	if t.me.Nick != "" {
		return t.me.Nick
	}
	return stableRef(t.m.From)
}

// mention adds names to p's mentions, each once.
func mention(p Post, names ...string) Post {
	for _, n := range names {
		if n != "" && !slices.Contains(p.Mentions, n) {
			p.Mentions = append(p.Mentions, n)
		}
	}
	return p
}

// Handle answers one inbound message. Ordinary chat yields no posts. Refusals become a
// short reply; internal errors are logged and answered with one generic line. The
// returned error is reserved for a cancelled ctx: the message was not fully handled and
// must be handled again.
func (s *Service) Handle(ctx context.Context, m Message) ([]Post, error) {
	// Nobody may forge the marks the privacy door reads (see personal).
	m.Text, m.From.Nick, m.From.Ref = stripMarks(m.Text), stripMarks(m.From.Nick), stripMarks(m.From.Ref)
	t := &turn{m: m, op: m.Transport + ":" + m.ID}
	posts, err := s.handle(ctx, t)
	if err != nil {
		return nil, err
	}
	return s.guard(t, posts), nil
}

// handle is Handle before the privacy door.
func (s *Service) handle(ctx context.Context, t *turn) (posts []Post, err error) {
	m := t.m
	defer func() {
		// No input may crash the process: a panic in a handler becomes the generic reply.
		if r := recover(); r != nil {
			s.log.ErrorContext(ctx, "handle: panic", "panic", r, "stack", string(debug.Stack()))
			posts, err = []Post{t.reply(replyInternal)}, nil
		}
	}()
	if m.Media != nil {
		return s.handleMedia(ctx, t)
	}
	cmd, ok, perr := Parse(m.Text, s.c.BotName)
	if !ok {
		if m.Chat.IsPrivate() && perr == nil {
			if posts, ok, err := s.textAfterVoice(ctx, t); ok || err != nil {
				return posts, err
			}
		}
		if m.MentionsBot {
			// Even the hint is addressed by who the sender is, not by the name they chose.
			if err := s.sender(ctx, t); err != nil {
				return nil, err
			}
			return []Post{t.reply(replyHint)}, nil
		}
		return nil, nil
	}
	if s.observe != nil {
		defer func() {
			if err == nil { // a cancelled message is handled again later and counted then
				s.observe(VerbOf(cmd), cmp.Or(t.outcome, OutcomeOK))
			}
		}()
	}
	// The sender is resolved before anything is answered, so that no reply — not even
	// "格式：…" — is addressed by a display name that is another person's name.
	if err := s.sender(ctx, t); err != nil {
		return nil, err
	}
	if t.me.ID == "" {
		return s.refusal(ctx, t, fmt.Errorf("resolve sender: no member")), nil
	}
	if perr != nil {
		t.outcome = OutcomeMalformed
		return s.refusal(ctx, t, perr), nil
	}
	posts, err = s.run(ctx, t, cmd)
	if err == nil {
		s.afterCommand(ctx, t, cmd)
	}
	if ctx.Err() != nil {
		// Stopping mid-command: the caller keeps the message and handles it again later
		// (ops make that safe) rather than answering with a generic error.
		return nil, fmt.Errorf("handle %s: %w", t.op, ctx.Err())
	}
	if err != nil {
		return s.refusal(ctx, t, err), nil
	}
	return posts, nil
}

// sender resolves who sent t's message to a member, their group and their role. An error
// resolving them is logged and leaves t.me empty (the reply then falls back to the
// display name); only a cancelled ctx is returned.
func (s *Service) sender(ctx context.Context, t *turn) error {
	m := t.m
	t.now = s.now()
	t.group, _ = s.c.Group(m.Chat.Group)
	if m.Chat.IsPrivate() {
		t.group = Group{}
	}
	// A display name that is a configured coordinator's, on someone else, is not shown:
	// they are shown by their own handle (the store does the same for every other member's
	// handle and registered name).
	shown := m.From.Nick
	if ref := stableRef(m.From); shown != ref && slices.Contains(s.c.Coordinators, shown) {
		shown = ref
	}
	me, err := s.st.Resolve(ctx, identity(m), shown, t.group.Team, t.now)
	if err != nil {
		if ctx.Err() != nil {
			return fmt.Errorf("handle %s: %w", t.op, ctx.Err())
		}
		s.log.ErrorContext(ctx, "handle: resolve sender", "op", t.op, "err", err)
		return nil
	}
	t.me = me
	t.role = s.roleOf(t)
	return nil
}

// refusal turns an error into the reply the speaker sees.
func (s *Service) refusal(ctx context.Context, t *turn, err error) []Post {
	var r *Refusal
	if errors.As(err, &r) {
		t.outcome = cmp.Or(t.outcome, OutcomeRefused)
		return []Post{t.reply(r.Text)}
	}
	t.outcome = OutcomeError
	s.log.ErrorContext(ctx, "handle", "op", t.op, "err", err)
	return []Post{t.reply(replyInternal)}
}

// identity is the transport identity behind a message: what survives a re-login.
func identity(m Message) string {
	return m.Transport + ":" + stableRef(m.From)
}

// stableRef is the transport's stable handle for a sender: Ref, or Nick where the
// transport has nothing better (the console).
func stableRef(f Sender) string {
	if f.Ref != "" {
		return f.Ref
	}
	return f.Nick
}

func (s *Service) roleOf(t *turn) Role {
	if t.me.Coordinator || s.isConfiguredCoordinator(t.m.From) {
		return RoleCoordinator
	}
	if t.group.Kind == KindVolunteers || (t.m.Chat.IsPrivate() && t.me.Team != "") {
		return RoleMember
	}
	return RoleResident
}

// isConfiguredCoordinator matches config's coordinators against the transport's stable
// handle (the WeChat nickname, the WeCom userid), never against a group display name,
// which any member can set to anything.
func (s *Service) isConfiguredCoordinator(f Sender) bool {
	return slices.Contains(s.c.Coordinators, stableRef(f))
}

// run executes one parsed command.
func (s *Service) run(ctx context.Context, t *turn, cmd Command) ([]Post, error) {
	switch c := cmd.(type) {
	case Publish:
		return s.publish(ctx, t, c)
	case Claim:
		return s.claim(ctx, t, c.Task, Person{ID: t.me.ID, Nick: t.me.Nick}, false)
	case Assign:
		return s.assign(ctx, t, c)
	case Release:
		return s.release(ctx, t, c)
	case Complete:
		return s.complete(ctx, t, c)
	case CancelTask:
		return s.cancelTask(ctx, t, c)
	case ListTasks:
		return s.listTasks(ctx, t)
	case MyTasks:
		return s.myTasks(ctx, t)
	case Help:
		return []Post{t.reply(helpFor(t.role, t.group.Kind, t.listTeam() != ""))}, nil
	case Register:
		return s.register(ctx, t, c)
	case Promote:
		return s.promote(ctx, t, c)
	case FileReport:
		return s.fileReport(ctx, t, c)
	case Progress:
		return s.progress(ctx, t, c)
	case Dispatch:
		return s.dispatchReport(ctx, t, c)
	case Resolve:
		return s.resolveReport(ctx, t, c)
	case Rate:
		return s.rateReport(ctx, t, c)
	case Agenda:
		return s.agenda(ctx, t, c)
	case ListReports:
		return s.listReports(ctx, t)
	case CheckIn:
		return s.checkIn(ctx, t, c)
	case Stats:
		return s.stats(ctx, t)
	case Broadcast:
		return s.broadcast(ctx, t, c)
	case Duty:
		return s.duty(ctx, t)
	case Leave:
		return s.leave(ctx, t, c)
	case Recategorise:
		return s.recategorise(ctx, t, c)
	case Chase:
		return s.chase(ctx, t, c)
	case Follow:
		return s.follow(ctx, t, c)
	}
	return nil, fmt.Errorf("run: no handler for %T", cmd)
}

// unlessReplayed returns refusal, except when this message's own change was already
// applied: then the message is being handled again after a crash, the state already
// reflects it, and the handler goes on so the store replays the first result.
func (s *Service) unlessReplayed(ctx context.Context, t *turn, refusal error) error {
	done, err := s.st.Applied(ctx, t.op)
	if err != nil {
		return fmt.Errorf("check op %s: %w", t.op, err)
	}
	if done {
		return nil
	}
	return refusal
}

// require refuses a speaker below role; what names the action in the refusal.
func require(t *turn, role Role, what string) error {
	if t.role >= role {
		return nil
	}
	if role == RoleCoordinator {
		return refuse("仅协调员可以" + what)
	}
	return refuse("仅队员可以" + what + "（请在志愿者群里操作）")
}

// month is the yyyymm of t in the community's time zone.
func (s *Service) month(t time.Time) string { return t.In(s.c.Loc).Format("200601") }

// dayStart is midnight of t's day in the community's time zone.
func (s *Service) dayStart(t time.Time) time.Time {
	y, m, d := t.In(s.c.Loc).Date()
	return time.Date(y, m, d, 0, 0, 0, 0, s.c.Loc)
}
