package dispatch

import (
	"context"
	"time"
)

// Person is someone as a listing shows them.
type Person struct {
	ID   string
	Nick string
}

// Member is a person chorus knows, under a stable id that no transport's user id decides.
type Member struct {
	// ID is the stable member id ("m12").
	ID string
	// Nick is the name to show and @-mention the member by: the display name last seen,
	// or their Handle when that display name is another person's handle or registered name.
	Nick string
	// Handle is the stable handle of the identity last seen (WeChat NickName, WeCom
	// userid), which @名字 in 指派 and 设为协调员 resolves through.
	Handle string
	// Name is the real name bound with 登记.
	Name string
	// Unit is the work unit (辖区单位) bound with 登记 or 报到.
	Unit string
	// Team is the volunteer team whose group the member last spoke in.
	Team string
	// Teams are every team whose group the member spoke in.
	Teams []string
	// Coordinator is set when a coordinator promoted the member (config's coordinators are
	// matched by name instead).
	Coordinator bool
}

// Task is a piece of volunteer work with a number of places.
type Task struct {
	ID       int64
	Team     string
	Group    string
	Title    string
	Place    string
	Start    time.Time // zero when no time was given
	Duration time.Duration
	Need     int
	Status   TaskStatus
	By       string // member id of the coordinator who published it
	// Report is the resident's report this task was posted for (派单 to a team); 0 if none.
	Report int64
	// Queue is everyone who claimed, in arrival order: the first Need hold a place, the rest
	// wait. Each one's completion, if recorded, is in Done.
	Queue []Person
	Done  map[string]bool
}

// TaskStatus is a task's state.
type TaskStatus string

// The task states.
const (
	TaskOpen      TaskStatus = "open"
	TaskCancelled TaskStatus = "cancelled"
	TaskClosed    TaskStatus = "closed" // its report was resolved
)

// Holders are the people holding a place.
func (t Task) Holders() []Person { return t.Queue[:min(len(t.Queue), t.Need)] }

// Waiting are the people on the waiting list, in order.
func (t Task) Waiting() []Person { return t.Queue[min(len(t.Queue), t.Need):] }

// Left is the number of open places.
func (t Task) Left() int { return max(0, t.Need-len(t.Queue)) }

// End is when the task is over; zero for a task without a time.
func (t Task) End() time.Time {
	if t.Start.IsZero() {
		return time.Time{}
	}
	return t.Start.Add(t.Duration)
}

// ClaimOutcome is what a claim did.
type ClaimOutcome int

// The claim outcomes.
const (
	ClaimHeld ClaimOutcome = iota + 1
	ClaimWaiting
	ClaimAlreadyHeld
	ClaimAlreadyWaiting
	ClaimClosed
)

// ClaimResult is the outcome of ClaimTask, with the task as it now is.
type ClaimResult struct {
	Outcome ClaimOutcome
	// Position is the 1-based place on the waiting list when Outcome is ClaimWaiting or
	// ClaimAlreadyWaiting.
	Position int
	Task     Task
}

// ReleaseOutcome is what a release did.
type ReleaseOutcome int

// The release outcomes.
const (
	ReleaseHeld    ReleaseOutcome = iota + 1 // a held place was given back
	ReleaseWaiting                           // left the waiting list
	ReleaseNotClaimed
	ReleaseClosed
)

// ReleaseResult is the outcome of ReleaseTask.
type ReleaseResult struct {
	Outcome ReleaseOutcome
	// Promoted is the first waiting person, moved up into the freed place; zero if none.
	Promoted Person
	Task     Task
}

// CompleteOutcome is what a completion did.
type CompleteOutcome int

// The completion outcomes.
const (
	CompleteDone CompleteOutcome = iota + 1
	CompleteNotHolder
	CompleteAlready
	CompleteClosed
)

// CompleteResult is the outcome of CompleteTask.
type CompleteResult struct {
	Outcome CompleteOutcome
	Task    Task
}

// TaskStore keeps tasks. Every method that changes state takes an op id (the inbound
// message's transport and id): applying the same op twice returns the first result and
// changes nothing more, so a message handled again after a crash has one effect.
// Methods return an error wrapping ErrNotFound for an unknown task.
type TaskStore interface {
	// PublishTask stores a new task, assigns its id and indexes it; t.ID is ignored.
	PublishTask(ctx context.Context, op string, t Task, now time.Time) (Task, error)
	// ClaimTask adds who to the task's queue if absent, all in one atomic step.
	ClaimTask(ctx context.Context, op string, id int64, who Person, now time.Time) (ClaimResult, error)
	// ReleaseTask removes who from the queue, promoting the first waiting person.
	ReleaseTask(ctx context.Context, op string, id int64, who string, now time.Time) (ReleaseResult, error)
	// CompleteTask records a holder's service minutes for the month (yyyymm) once.
	CompleteTask(ctx context.Context, op string, id int64, who string, minutes int, note, month string, now time.Time) (CompleteResult, error)
	// CancelTask marks the task cancelled and drops it from the listings.
	CancelTask(ctx context.Context, op string, id int64, now time.Time) (Task, error)
	// CloseTask marks a report's task closed (its report was resolved) and drops it from
	// the listings; ErrConflict when it is no longer open.
	CloseTask(ctx context.Context, op string, id int64, now time.Time) (Task, error)
	// Task reads one task.
	Task(ctx context.Context, id int64) (Task, error)
	// OpenTasks lists a team's open tasks starting at or after from, soonest first.
	OpenTasks(ctx context.Context, team string, from time.Time, limit int) ([]Task, error)
	// MemberTasks lists the open tasks who is queued on, starting at or after from.
	MemberTasks(ctx context.Context, who string, from time.Time, limit int) ([]Task, error)
}

// PeopleStore keeps members and their identities.
type PeopleStore interface {
	// Resolve finds or creates the member behind a transport identity (e.g.
	// "wechat:张三"), recording the display name and, when team is set, the team.
	Resolve(ctx context.Context, ident, nick, team string, now time.Time) (Member, error)
	// MembersNamed finds who a name may mean, through stable identities only: the members
	// whose handle (WeChat NickName, WeCom userid) is name, and those who registered name
	// as their real name. Display names are never consulted: anyone can set one.
	MembersNamed(ctx context.Context, name string) (byHandle, byName []Member, err error)
	// Register binds a real name and unit to member id and reports how many other members
	// registered the same name.
	Register(ctx context.Context, op, id, name, unit string, now time.Time) (Member, int, error)
	// Relink merges member id, which must have no history of its own (ErrConflict), into
	// the one other member registered under name (ErrNotFound if none, ErrConflict if
	// several): a person who changed nickname gets their record back.
	Relink(ctx context.Context, op, id, name string) (Member, error)
	// Promote gives a member the coordinator role.
	Promote(ctx context.Context, op, id string) error
}
