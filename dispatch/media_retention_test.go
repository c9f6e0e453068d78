package dispatch_test

import (
	"bytes"
	"slices"
	"testing"
	"time"

	"github.com/changzheng/chorus/dispatch"
)

// retentionWorld keeps media for 30 days after a report is closed and runs the media job.
func retentionWorld(t *testing.T) *mediaWorld {
	t.Helper()
	c := testCommunity(t)
	c.MediaRetention = 30 * 24 * time.Hour
	var jobs []dispatch.Job
	for _, j := range schedJobs(t) {
		if j.Name == dispatch.JobMedia {
			jobs = append(jobs, j)
		}
	}
	w := buildMediaWorld(t, c, 0, nil, jobs)
	w.runDue() // the first run only sets the watermark
	return w
}

// runDue runs the jobs due now; runAfter first moves the clock on by d and then to the
// media job's next slot (03:30), since a slot more than catch_up late is skipped.
func (w *mediaWorld) runAfter(d time.Duration) {
	w.t.Helper()
	w.advance(d)
	now := w.clock()
	slot := time.Date(now.Year(), now.Month(), now.Day(), 3, 30, 0, 0, now.Location())
	if !slot.After(now) {
		slot = slot.AddDate(0, 0, 1)
	}
	w.advance(slot.Sub(now) + time.Minute)
	w.runDue()
}

func (w *mediaWorld) runDue() {
	w.t.Helper()
	if _, err := w.svc.RunDue(w.t.Context(), w.clock()); err != nil {
		w.t.Fatalf("RunDue: %v", err)
	}
}

func (w *mediaWorld) has(b []byte) bool {
	return slices.ContainsFunc(w.files(), func(f []byte) bool { return bytes.Equal(f, b) })
}

// twoReports files R1 (阿依古丽: photos 1 and 2) and R2 (老周, in private: photo 2, the
// same bytes), and closes R1. It returns the kept bytes of photos 1 and 2.
func (w *mediaWorld) twoReports(t *testing.T) (only1, shared []byte) {
	t.Helper()
	w.one(residents, "阿依古丽", "报事 楼道灯坏了，晚上看不见路")
	p1, clean1 := w.photo("p1", 1)
	w.send(residents, "阿依古丽", p1)
	p2, clean2 := w.photo("p2", 2)
	w.send(residents, "阿依古丽", p2)
	w.one("", "老周", "报事 12栋门口垃圾三天没人清运")
	p2again, _ := w.photo("p2again", 2)
	w.send("", "老周", p2again)
	wantContains(t, w.progressOf(2), "照片 1 张")
	w.say("长征社区工作群", "魏青", "办结 R1 已更换灯泡")
	wantContains(t, w.one(residents, "阿依古丽", "满意 R1"), "R1 已关闭")
	if !w.has(clean1) || !w.has(clean2) || len(w.files()) != 2 {
		w.t.Fatalf("%d files kept; want the two photos", len(w.files()))
	}
	return clean1, clean2
}

// When R1's retention ends, its own photo is deleted and the photo it shares with R2 is
// kept; R1's media metadata is gone and 进度 says so, R2's is untouched.
func TestMediaRetention(t *testing.T) {
	w := retentionWorld(t)
	only1, shared := w.twoReports(t)

	w.runAfter(28 * 24 * time.Hour) // not yet: 28 days and 17½ hours after closing
	if !w.has(only1) {
		t.Fatalf("R1's photo deleted before its retention ended")
	}
	w.runAfter(2 * 24 * time.Hour)
	if w.has(only1) {
		t.Errorf("R1's own photo still kept after its retention ended")
	}
	if !w.has(shared) {
		t.Errorf("the photo R2 holds too was deleted")
	}
	if items, err := w.db.ReportMedia(t.Context(), 1); err != nil || len(items) != 0 {
		t.Errorf("R1's media = %d items, %v; want none", len(items), err)
	}
	if items, err := w.db.ReportMedia(t.Context(), 2); err != nil || len(items) != 1 {
		t.Errorf("R2's media = %d items, %v; want its photo", len(items), err)
	}
	p := w.progressOf(1)
	wantContains(t, p, "照片 2 张（已过保存期限删除）", "照片和语音已过保存期限，已删除")
	wantContains(t, w.progressOf(2), "照片 1 张")
	// R2 closed and past its retention too: the last owner gone, the file goes.
	w.say("长征社区工作群", "魏青", "办结 R2 已清运")
	w.say("", "老周", "满意 R2")
	w.runAfter(31 * 24 * time.Hour)
	if n := len(w.files()); n != 0 {
		t.Errorf("%d files kept after both reports' retention ended; want none", n)
	}
}

// A crash between the store's step (R1 no longer holds its files) and the deletion
// leaves R1's own photo on disk without an owner; the next sweep deletes it and keeps
// the shared one.
func TestMediaRetentionCrashHealedBySweep(t *testing.T) {
	w := retentionWorld(t)
	only1, shared := w.twoReports(t)
	w.advance(31 * 24 * time.Hour)
	// The job's first half alone, as if chorus died before unlinking.
	ev := dispatch.Event{At: w.clock(), Who: "系统", What: "照片和语音已过保存期限，已删除"}
	freed, err := w.db.ExpireMedia(t.Context(), w.clock().Add(-30*24*time.Hour), ev)
	if err != nil || len(freed) != 1 {
		t.Fatalf("ExpireMedia = %v, %v; want R1's own photo", freed, err)
	}
	if !w.has(only1) {
		t.Fatal("the orphan is not there to heal")
	}
	w.runAfter(0)
	if w.has(only1) {
		t.Errorf("the sweep left a file no report holds")
	}
	if !w.has(shared) {
		t.Errorf("the sweep deleted the photo R2 holds")
	}
}
