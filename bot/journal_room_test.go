package bot_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/changzheng/chorus/bot"
)

// A full journal while Redis is up is only seconds from having room: the keeper is
// draining it. A message offered meanwhile waits for room instead of being refused, which
// would end the WeChat session again and again (after a restart WeChat hands over again
// the messages of the batch it could not finish, and they refill a small journal with
// what Redis only finds to be duplicates).
func TestFullJournalWaitsForTheKeeper(t *testing.T) {
	f := mustFixture(t, 0)
	j, err := bot.OpenJournal(filepath.Join(t.TempDir(), "inbox.journal"), 2)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = j.Close() })
	realSleep := func(ctx context.Context, d time.Duration) error {
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(d):
			return nil
		}
	}
	b := f.bot(t, bot.Options{Journal: j, Sleep: realSleep})
	ms := []string{"接 1", "任务", "我的任务"}
	var ids []string
	ctx := t.Context()
	// No keeper runs yet: two messages fill the journal.
	for _, text := range ms[:2] {
		m := msg(orange, "雷胜", text, "wechat")
		if err := b.Receive(ctx, m); err != nil {
			t.Fatalf("Receive(%q) = %v", text, err)
		}
		ids = append(ids, m.ID)
	}
	third := msg(orange, "雷胜", ms[2], "wechat")
	ids = append(ids, third.ID)
	got := make(chan error, 1)
	go func() { got <- b.Receive(ctx, third) }()
	select {
	case err := <-got:
		t.Fatalf("Receive with the journal full and Redis up returned %v at once; want it to wait for the keeper", err)
	case <-time.After(200 * time.Millisecond):
	}
	run(t, b) // the keeper takes the two to Redis, and the third finds room
	select {
	case err := <-got:
		if err != nil {
			t.Fatalf("Receive after the keeper made room = %v; want nil", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("Receive still waiting 10s after the keeper started")
	}
	deadline := time.Now().Add(10 * time.Second)
	for j.Len() > 0 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	if n := j.Len(); n != 0 {
		t.Fatalf("%d messages still wait in the journal; want all three in Redis", n)
	}
	for _, id := range ids {
		probe := msg(orange, "雷胜", "重复", "wechat")
		probe.ID = id
		if _, fresh, err := f.db.Accept(ctx, probe); err != nil || fresh {
			t.Errorf("message %s: Accept again = fresh %v, err %v; want it stored already", id, fresh, err)
		}
	}
}
