package dispatch_test

import (
	"slices"
	"testing"
	"time"

	"github.com/changzheng/chorus/dispatch"
	"github.com/changzheng/chorus/store"
	"github.com/changzheng/chorus/store/storetest"
)

// TestFeedbackEveryUnit: the 1st's feedback lists every unit of config in config order,
// a unit nobody has checked in from with zeros, and no other post.
func TestFeedbackEveryUnit(t *testing.T) {
	rdb, prefix := storetest.Client(t)
	c := schedCommunity(t)
	c.Units = []string{"克拉玛依市供电公司", "克拉玛依市水务公司", "克拉玛依市第一中学", "长征保健站"}
	clock := &schedClock{t: schedAt(t, "2026-12-05 10:00")}
	w := &schedWorld{tb: t, clock: clock}
	db := store.New(rdb, store.Options{KeyPrefix: prefix, Community: "test"})
	w.dbs = []*store.DB{db}
	w.svcs = []*dispatch.Service{dispatch.New(c, db, dispatch.Options{Now: clock.Now, Jobs: schedJobs(t)})}
	w.tick(0, clock.Now())
	w.say(schedOrange, "马丽", "报到 水务")
	w.say(schedOrange, "艾力", "报到 保健站")
	w.say(schedOrange, "雷胜", "任务") // a member with no unit is in no unit's figures

	var feedback []dispatch.Post
	for now := schedAt(t, "2026-12-31 23:00"); !now.After(schedAt(t, "2027-01-01 09:30")); now = now.Add(30 * time.Minute) {
		for _, b := range w.tick(0, now) {
			if batchJob(b) == dispatch.JobFeedback {
				feedback = append(feedback, b.Posts...)
			}
		}
	}
	want := []string{
		"【月度双向反馈】2026年12月 克拉玛依市供电公司\n党员 0 人，报到 0 人，完成任务 0 次，服务 0小时",
		"【月度双向反馈】2026年12月 克拉玛依市水务公司\n党员 1 人，报到 1 人，完成任务 0 次，服务 0小时\n马丽 已报到 任务0次 服务0小时",
		"【月度双向反馈】2026年12月 克拉玛依市第一中学\n党员 0 人，报到 0 人，完成任务 0 次，服务 0小时",
		"【月度双向反馈】2026年12月 长征保健站\n党员 1 人，报到 1 人，完成任务 0 次，服务 0小时\n艾力 已报到 任务0次 服务0小时",
	}
	if got := texts(feedback); !slices.Equal(got, want) {
		t.Errorf("feedback:\ngot  %q\nwant %q", got, want)
	}
	for _, p := range feedback {
		if p.Chat.Group != schedWork {
			t.Errorf("feedback went to %q; want %s", p.Chat.Group, schedWork)
		}
	}
}
