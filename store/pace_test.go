package store_test

import (
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/changzheng/chorus/dispatch"
	"github.com/changzheng/chorus/store"
	"github.com/changzheng/chorus/store/storetest"
)

// TestReserve walks the budget through sends already made and asks for one more: each
// limit alone, the margin, and the longest wait winning.
func TestReserve(t *testing.T) {
	type send struct {
		chat string
		at   time.Duration
	}
	tests := []struct {
		name   string
		l      dispatch.Limits
		before []send
		chat   string
		at     time.Duration
		want   time.Duration
	}{
		{name: "no limits", before: []send{{"A", 0}}, chat: "A", want: 0},
		{name: "first post", l: dispatch.Limits{AccountGap: 1500 * time.Millisecond}, chat: "A", want: 0},
		{name: "account gap, another chat", l: dispatch.Limits{AccountGap: 1500 * time.Millisecond},
			before: []send{{"A", 0}}, chat: "B", at: 500 * time.Millisecond, want: time.Second},
		{name: "account gap over", l: dispatch.Limits{AccountGap: 1500 * time.Millisecond},
			before: []send{{"A", 0}}, chat: "B", at: 1500 * time.Millisecond, want: 0},
		{name: "chat gap is per chat", l: dispatch.Limits{ChatGap: 3 * time.Second},
			before: []send{{"A", 0}}, chat: "B", at: time.Second, want: 0},
		{name: "chat gap", l: dispatch.Limits{ChatGap: 3 * time.Second},
			before: []send{{"A", 0}}, chat: "A", at: time.Second, want: 2 * time.Second},
		{name: "per minute", l: dispatch.Limits{PerMinute: 2},
			before: []send{{"A", 0}, {"B", 10 * time.Second}}, chat: "C", at: 20 * time.Second, want: 40 * time.Second},
		{name: "per minute plus margin", l: dispatch.Limits{PerMinute: 2, Margin: 2 * time.Second},
			before: []send{{"A", 0}, {"B", 10 * time.Second}}, chat: "C", at: 60 * time.Second, want: 2 * time.Second},
		{name: "per minute: the oldest left the window", l: dispatch.Limits{PerMinute: 2, Margin: 2 * time.Second},
			before: []send{{"A", 0}, {"B", 10 * time.Second}}, chat: "C", at: 62 * time.Second, want: 0},
		{name: "per hour", l: dispatch.Limits{PerHour: 2},
			before: []send{{"A", 0}, {"B", 10 * time.Minute}}, chat: "C", at: 20 * time.Minute, want: 40 * time.Minute},
		{name: "chat per minute counts that chat only", l: dispatch.Limits{ChatPerMinute: 2},
			before: []send{{"A", 0}, {"A", time.Second}, {"B", 2 * time.Second}}, chat: "B", at: 3 * time.Second, want: 0},
		{name: "chat per minute", l: dispatch.Limits{ChatPerMinute: 2, Margin: time.Second},
			before: []send{{"A", 0}, {"A", time.Second}, {"B", 2 * time.Second}}, chat: "A", at: 3 * time.Second, want: 58 * time.Second},
		{name: "chat per day", l: dispatch.Limits{ChatPerDay: 2},
			before: []send{{"A", 0}, {"A", 5 * time.Hour}}, chat: "A", at: 6 * time.Hour, want: 18 * time.Hour},
		{name: "the longest wait wins", l: dispatch.Limits{AccountGap: time.Second, ChatGap: 2 * time.Minute, PerMinute: 1},
			before: []send{{"A", 0}}, chat: "A", at: 30 * time.Second, want: 90 * time.Second},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			db := storetest.Open(t)
			for _, s := range tt.before {
				if w := mustReserve(t, db, s.chat, t0.Add(s.at), dispatch.Limits{}); w != 0 {
					t.Fatalf("recording a send at +%s: wait %s", s.at, w)
				}
			}
			if got := mustReserve(t, db, tt.chat, t0.Add(tt.at), tt.l); got != tt.want {
				t.Errorf("Reserve at +%s = %s; want %s", tt.at, got, tt.want)
			}
			// A refused reservation records nothing; a granted one is the newest send. The
			// account keeps its last hour.
			sends, err := db.Sends(t.Context(), "wechat", t0.Add(-time.Hour))
			if err != nil {
				t.Fatal(err)
			}
			wantSends := 0
			for _, s := range tt.before {
				if tt.at-s.at <= time.Hour+tt.l.Margin {
					wantSends++
				}
			}
			if tt.want == 0 {
				wantSends++
			}
			if len(sends) != wantSends {
				t.Errorf("%d sends recorded; want %d", len(sends), wantSends)
			}
		})
	}
}

// The budget lives in Redis: a second store (another process, or this one after a
// restart) on the same account sees the first one's sends, and 20 workers asking at once
// get exactly one reservation per account gap.
func TestReserveShared(t *testing.T) {
	rdb, prefix := storetest.Universal(t)
	db := store.New(rdb, store.Options{KeyPrefix: prefix, Community: "test"})
	l := dispatch.Limits{AccountGap: 1500 * time.Millisecond, PerMinute: 20}
	if w := mustReserve(t, db, "A", t0, l); w != 0 {
		t.Fatalf("first reservation: wait %s", w)
	}
	other := store.New(rdb, store.Options{KeyPrefix: prefix, Community: "test"})
	if got := mustReserve(t, other, "B", t0.Add(time.Second), l); got != 500*time.Millisecond {
		t.Errorf("second process 1s later: wait %s; want 500ms", got)
	}
	var wg sync.WaitGroup
	var mu sync.Mutex
	granted := 0
	at := t0.Add(10 * time.Second)
	for range 20 {
		wg.Go(func() {
			w, err := other.Reserve(t.Context(), "wechat", "C", at, l)
			if err != nil {
				t.Error(err)
				return
			}
			if w == 0 {
				mu.Lock()
				granted++
				mu.Unlock()
			}
		})
	}
	wg.Wait()
	if granted != 1 {
		t.Errorf("20 workers at one moment got %d reservations; want 1", granted)
	}
}

func mustReserve(t *testing.T, db *store.DB, chat string, at time.Time, l dispatch.Limits) time.Duration {
	t.Helper()
	w, err := db.Reserve(t.Context(), "wechat", chat, at, l)
	if err != nil {
		t.Fatal(err)
	}
	return w
}

// Answers go out before scheduled posts queued earlier; a scheduled post given back
// is the next scheduled post again; Recover puts each kind back in its own list.
func TestTakeAnswersFirst(t *testing.T) {
	db := storetest.Open(t)
	ctx := t.Context()
	env := func(id string, scheduled bool) dispatch.Envelope {
		return dispatch.Envelope{ID: id, Transport: "wechat", Queued: t0,
			Post: dispatch.Post{Chat: dispatch.Chat{Group: "G"}, Text: id, Scheduled: scheduled}}
	}
	if err := db.Finish(ctx, "slot", "", []dispatch.Envelope{env("b1", true), env("b2", true)}); err != nil {
		t.Fatal(err)
	}
	if err := db.Finish(ctx, "msg", "", []dispatch.Envelope{env("a1", false)}); err != nil {
		t.Fatal(err)
	}
	take := func() dispatch.Envelope {
		t.Helper()
		e, ok, err := db.Take(ctx, "wechat", "main", 0)
		if err != nil || !ok {
			t.Fatalf("Take: %v %v", ok, err)
		}
		return e
	}
	if e := take(); e.ID != "a1" {
		t.Fatalf("first take %s; want the answer a1", e.ID)
	}
	b1 := take()
	if b1.ID != "b1" {
		t.Fatalf("second take %s; want b1", b1.ID)
	}
	if err := db.Requeue(ctx, "wechat", "main", b1); err != nil {
		t.Fatal(err)
	}
	if e := take(); e.ID != "b1" {
		t.Fatalf("after requeue took %s; want b1 again", e.ID)
	}
	if err := db.Finish(ctx, "msg2", "", []dispatch.Envelope{env("a2", false)}); err != nil {
		t.Fatal(err)
	}
	if waiting, err := db.Waiting(ctx, "wechat"); err != nil || !waiting {
		t.Fatalf("Waiting = %v, %v; want true", waiting, err)
	}
	take() // a2, in flight with a1 and b1
	n, err := db.Recover(ctx, "wechat", "main")
	if err != nil || n != 3 {
		t.Fatalf("Recover = %d, %v; want 3", n, err)
	}
	var order []string
	for range 4 {
		order = append(order, take().ID)
	}
	if want := []string{"a1", "a2", "b1", "b2"}; !slices.Equal(order, want) {
		t.Errorf("after Recover took %v; want %v", order, want)
	}
}

// Answers gathered into one post are retired with it in one step.
func TestGatherAndDeliverMerged(t *testing.T) {
	db := storetest.Open(t)
	ctx := t.Context()
	var envs []dispatch.Envelope
	for i, g := range []string{"G", "H", "G", "G"} {
		envs = append(envs, dispatch.Envelope{ID: string(rune('a' + i)), Transport: "wechat", Queued: t0,
			Post: dispatch.Post{Chat: dispatch.Chat{Group: g}, Text: "x"}})
	}
	if err := db.Finish(ctx, "m", "", envs); err != nil {
		t.Fatal(err)
	}
	first, _, err := db.Take(ctx, "wechat", "main", 0)
	if err != nil {
		t.Fatal(err)
	}
	also, err := db.Gather(ctx, "wechat", "main", 10, func(e dispatch.Envelope) bool { return e.Post.Chat.Group == "G" })
	if err != nil {
		t.Fatal(err)
	}
	if len(also) != 2 || also[0].ID != "c" || also[1].ID != "d" {
		t.Fatalf("gathered %v; want c, d", also)
	}
	if err := db.Delivered(ctx, "wechat", "main", first, dispatch.Delivery{ID: first.ID}, also...); err != nil {
		t.Fatal(err)
	}
	if n, err := db.Recover(ctx, "wechat", "main"); err != nil || n != 0 {
		t.Errorf("in flight after the merged delivery: %d, %v; want 0", n, err)
	}
	if n, err := db.Queued(ctx, "wechat"); err != nil || n != 1 {
		t.Errorf("queued %d, %v; want 1 (the answer to H)", n, err)
	}
}
