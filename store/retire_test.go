package store_test

import (
	"testing"

	"github.com/changzheng/chorus/dispatch"
	"github.com/changzheng/chorus/store/storetest"
)

// Retiring a delivered post is idempotent: a retirement replayed from data_dir after an
// outage logs nothing more, and one replayed after Recover put the post back in the
// outbox takes it out of there, so it is not sent again.
func TestDeliveredIdempotent(t *testing.T) {
	db := storetest.Open(t)
	ctx := t.Context()
	envs := []dispatch.Envelope{
		{ID: "op1#1", Transport: "wechat", Post: dispatch.Post{Chat: dispatch.Chat{Group: "g"}, Text: "a"}, Queued: t0},
		{ID: "op1#2", Transport: "wechat", Post: dispatch.Post{Chat: dispatch.Chat{Group: "g"}, Text: "b"}, Queued: t0},
	}
	if err := db.Finish(ctx, "op1", "", envs); err != nil {
		t.Fatal(err)
	}
	take := func() dispatch.Envelope {
		t.Helper()
		e, ok, err := db.Take(ctx, "wechat", "main", 0)
		if err != nil || !ok {
			t.Fatalf("Take = %v, %v", ok, err)
		}
		return e
	}
	a := take()
	d := dispatch.Delivery{ID: a.ID, Route: "wechat", At: t0}
	for range 2 {
		if err := db.Delivered(ctx, "wechat", "main", a, d); err != nil {
			t.Fatal(err)
		}
	}
	b := take()
	if n, err := db.Recover(ctx, "wechat", "main"); err != nil || n != 1 {
		t.Fatalf("Recover = %d, %v; want 1", n, err)
	}
	if err := db.Delivered(ctx, "wechat", "main", b, dispatch.Delivery{ID: b.ID, Route: "wechat", At: t0}); err != nil {
		t.Fatal(err)
	}
	if n, err := db.Queued(ctx, "wechat"); err != nil || n != 0 {
		t.Errorf("outbox holds %d (%v); want 0: the recovered post was retired", n, err)
	}
	log, err := db.Deliveries(ctx, 10)
	if err != nil {
		t.Fatal(err)
	}
	if len(log) != 2 {
		t.Errorf("delivery log has %d records; want 2 (one per post)", len(log))
	}
}
