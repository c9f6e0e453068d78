package main

import (
	"bytes"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/changzheng/chorus/bot/media/mediatest"
	"github.com/changzheng/chorus/bot/wechat/wechattest"
	"github.com/changzheng/chorus/bot/wecom/wecomtest"
)

// mediaWorld is a world whose config keeps files up to 1 MB, with residents in the
// residents' group and 老周 as the bot's friend.
func mediaWorld(t *testing.T) *world {
	t.Helper()
	w := mustWorld(t, wechattest.Config{EchoSends: true, Friends: []string{"老周"}, Groups: []wechattest.Group{
		{Name: orangeGroup, Members: []wechattest.Member{{Nick: coordinator}, {Nick: "雷胜"}}},
		{Name: residentsGroup, Members: []wechattest.Member{{Nick: "居民甲"}, {Nick: "居民乙"}}},
	}})
	f, err := os.OpenFile(w.config, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	if _, err := f.WriteString("media:\n  max_file_mb: 1\n"); err != nil {
		t.Fatal(err)
	}
	return w
}

// mustSentWith waits for a message to the fake, after the first from, containing want,
// and returns how many messages the fake has then.
func (w *world) mustSentWith(from int, want string) int {
	w.t.Helper()
	var n int
	w.eventually("a message containing "+want, func() bool {
		got := w.fake.Sent()
		n = len(got)
		return from <= len(got) && slices.ContainsFunc(got[from:], func(s wechattest.Sent) bool { return strings.Contains(s.Text, want) })
	})
	return n
}

// keptFiles reads every file under data_dir/media.
func (w *world) keptFiles() [][]byte {
	w.t.Helper()
	var out [][]byte
	_ = filepath.WalkDir(filepath.Join(w.dir, "media"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			out = append(out, b)
		}
		return nil
	})
	return out
}

// A resident's report with a location and two photos (one fetched after a failure), an
// oversized photo refused, a photo with no report ignored, a volunteer's after-photo, and
// a voice-only report in a private chat — through chorus run, openwechat and the fake's
// downloads; the files on disk are the photos without their metadata.
func TestRunWeChatMedia(t *testing.T) {
	w := mediaWorld(t)
	w.mustRun()
	w.fake.ConfirmLogin()
	w.mustInits(1)

	// A photo in a group with no report: chat, nothing fetched.
	stray, _ := mediatest.JPEG(t, 9)
	strayID := w.fake.SayPicture(residentsGroup, "居民乙", stray)

	w.fake.SayLocation(residentsGroup, "居民甲", "克拉玛依市长征社区5号楼", 45.596712, 84.889213)
	w.fake.Say(residentsGroup, "居民甲", "报事 楼道灯坏了，晚上看不见路")
	n := w.mustSentWith(0, "已受理 R1（设施维修，克拉玛依市长征社区5号楼）")

	p1, clean1 := mediatest.JPEG(t, 1)
	id1 := w.fake.SayPicture(residentsGroup, "居民甲", p1)
	w.fake.FailDownloads(id1, 1)
	n = w.mustSentWith(n, "已收到照片，附在 R1")
	p2, clean2 := mediatest.JPEG(t, 2)
	w.fake.SayPicture(residentsGroup, "居民甲", p2)
	n = w.mustSentWith(n, "已收到照片，附在 R1")
	if got := w.fake.Downloads(id1); got != 2 {
		t.Errorf("downloads of a photo that failed once: %d; want 2", got)
	}

	big := append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, make([]byte, 1<<20+10)...)
	w.fake.SayPicture(residentsGroup, "居民甲", big)
	n = w.mustSentWith(n, "照片太大了")

	// 雷胜's team is sent; after 完成 his photo is an after-photo.
	w.fake.Say(orangeGroup, coordinator, "派单 R1 橙色 3天")
	n = w.mustSentWith(n, "回复「接 1」认领")
	w.fake.Say(orangeGroup, "雷胜", "接 1")
	n = w.mustSentWith(n, "已认领 #1")
	w.fake.Say(orangeGroup, "雷胜", "完成 1 1小时")
	n = w.mustSentWith(n, "#1 已完成")
	p3, clean3 := mediatest.JPEG(t, 3)
	w.fake.SayPicture(orangeGroup, "雷胜", p3)
	n = w.mustSentWith(n, "已收到照片，附在 R1")
	w.fake.Say(orangeGroup, coordinator, "进度 R1")
	n = w.mustSentWith(n, "照片 3 张（1 张办结后）")

	// Voice only, in a private chat: kept, the resident is asked for text, which files it.
	voice := mediatest.MP3(5)
	w.fake.SayVoice("", "老周", voice)
	n = w.mustSentWith(n, "收到语音。请用文字说一下问题和地点，方便我们派单")
	w.fake.SayPrivate("老周", "12栋门口垃圾三天没人清运")
	w.mustSentWith(n, "已附：语音 1 条")

	if got := w.fake.Downloads(strayID); got != 0 {
		t.Errorf("a photo with no report was downloaded %d times; want 0", got)
	}
	for _, s := range w.fake.Sent() {
		if s.Group == residentsGroup && strings.Contains(s.Text, "老周") {
			t.Errorf("residents' group got %q", s.Text)
		}
	}
	files := w.keptFiles()
	for _, want := range [][]byte{clean1, clean2, clean3, voice} {
		if !slices.ContainsFunc(files, func(b []byte) bool { return bytes.Equal(b, want) }) {
			t.Errorf("no kept file equals a %d-byte medium sent (without its metadata)", len(want))
		}
	}
	if len(files) != 4 {
		t.Errorf("%d files kept; want 4", len(files))
	}
	for _, b := range files {
		if bytes.Contains(b, []byte("GPS")) {
			t.Errorf("a kept file holds GPS metadata")
		}
	}
	r, err := w.db.Report(t.Context(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if r.Lat != 45.596712 || r.Lng != 84.889213 || r.Photos != 3 || r.AfterPhotos != 1 {
		t.Errorf("R1: %v,%v, %d photos (%d after); want the location's coordinates, 3 (1)", r.Lat, r.Lng, r.Photos, r.AfterPhotos)
	}
}

// mustPrivateAnswer waits for the next reply and checks it answers cb in a private chat
// with text containing want.
func (w *wcWorld) mustPrivateAnswer(cb wecomtest.Callback, want string) {
	w.t.Helper()
	r, err := w.srv.NextReply(wcWait)
	if err != nil {
		w.t.Fatalf("waiting for the answer to %s: %v", cb.MsgID, err)
	}
	if r.MsgID != cb.MsgID || !strings.Contains(r.Content, want) {
		w.t.Errorf("reply to %s: %q; want an answer to %s containing %q", r.MsgID, r.Content, cb.MsgID, want)
	}
	w.mustLines(1, `msg="post delivered"`, "id=wecom:"+cb.MsgID+"#")
}

// A WeCom resident reports in a private chat and sends a photo (its encrypted URL fails
// once, is fetched again and decrypted), another resident reports by voice alone (WeCom's
// transcript is the text); the file on disk is the photo without its metadata.
func TestRunWeComMedia(t *testing.T) {
	w := wcStart(t, wcOptions{})
	w.subscribed()
	cb, err := w.srv.SendSingleText("wangfang", "报事 3号楼2单元楼道灯坏了")
	if err != nil {
		t.Fatal(err)
	}
	w.mustPrivateAnswer(cb, "已受理 R1")

	photo, clean := mediatest.JPEG(t, 1)
	cb, url, err := w.srv.SendSingleImage("wangfang", photo)
	if err != nil {
		t.Fatal(err)
	}
	w.srv.FailDownloads(url, 1)
	w.mustPrivateAnswer(cb, "已收到照片，附在 R1")
	if n := w.srv.Downloads(url); n != 2 {
		t.Errorf("downloads of an image URL that failed once: %d; want 2", n)
	}

	cb, err = w.srv.SendSingleVoice("zhaomin", "5号楼电梯坏了好几天了")
	if err != nil {
		t.Fatal(err)
	}
	w.mustPrivateAnswer(cb, "已受理 R2（设施维修，5号楼）")

	cb, err = w.srv.SendSingleText("wangfang", "进度 R1")
	if err != nil {
		t.Fatal(err)
	}
	w.mustPrivateAnswer(cb, "附件：照片 1 张")

	var files [][]byte
	_ = filepath.WalkDir(filepath.Join(filepath.Dir(w.config), "media"), func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			files = append(files, b)
		}
		return nil
	})
	if len(files) != 1 || !bytes.Equal(files[0], clean) {
		t.Errorf("%d files kept; want exactly the photo without its metadata", len(files))
	}
	w.mustProtocolClean()
}

// voiceOf is a recording of n bytes that reads as MP3, different for each seed.
func voiceOf(seed byte, n int) []byte {
	return append(mediatest.MP3(seed), bytes.Repeat([]byte{seed}, n)...)
}

// hasFile says whether a file under data_dir/media holds exactly b.
func (w *world) hasFile(b []byte) bool {
	return slices.ContainsFunc(w.keptFiles(), func(f []byte) bool { return bytes.Equal(f, b) })
}

// Nothing stays in data_dir/media without an owner, through chorus run: a recording
// refused by the report's limit is deleted at once unless another report holds the same
// bytes; a voice message whose sender never put it into words is held for an hour and
// then swept by the nightly media job, while attached files stay.
func TestRunWeChatMediaNoOrphans(t *testing.T) {
	w := mustWorld(t, wechattest.Config{EchoSends: true, Friends: []string{"老周"}, Groups: []wechattest.Group{
		{Name: residentsGroup, Members: []wechattest.Member{{Nick: "居民甲"}, {Nick: "居民乙"}}},
	}})
	f, err := os.OpenFile(w.config, os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteString("media:\n  max_file_mb: 1\n  max_report_mb: 1\n"); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	loc, _ := time.LoadLocation("Asia/Shanghai")
	y, m, d := time.Now().In(loc).Date()
	clock := newWCClock(time.Date(y, m, d, 2, 0, 0, 0, loc)) // the media job runs at 03:30
	w.now = clock.Now
	w.mustRun()
	w.fake.ConfirmLogin()
	w.mustInits(1)

	a, b, c := voiceOf(1, 700<<10), voiceOf(2, 400<<10), voiceOf(3, 400<<10)
	w.fake.Say(residentsGroup, "居民乙", "报事 3号楼电梯异响")
	n := w.mustSentWith(0, "已受理 R1")
	w.fake.SayVoice(residentsGroup, "居民乙", b)
	n = w.mustSentWith(n, "已收到语音，附在 R1")
	w.fake.Say(residentsGroup, "居民甲", "报事 楼道灯坏了，晚上看不见路")
	n = w.mustSentWith(n, "已受理 R2")
	w.fake.SayVoice(residentsGroup, "居民甲", a)
	n = w.mustSentWith(n, "已收到语音，附在 R2")
	// Over R2's 1 MB: refused. b is R1's too and stays; c was nobody's and goes.
	w.fake.SayVoice(residentsGroup, "居民甲", b)
	n = w.mustSentWith(n, "R2 的照片和语音已经够多了")
	w.fake.SayVoice(residentsGroup, "居民甲", c)
	n = w.mustSentWith(n, "R2 的照片和语音已经够多了")
	if !w.hasFile(a) || !w.hasFile(b) || w.hasFile(c) {
		t.Errorf("after two refusals: a %v, b %v, c %v kept; want a and b, not c", w.hasFile(a), w.hasFile(b), w.hasFile(c))
	}
	if got := len(w.keptFiles()); got != 2 {
		t.Errorf("%d files kept after two refusals; want 2", got)
	}

	// A voice message in private, never put into words: held, then swept.
	v := voiceOf(4, 1000)
	w.fake.SayVoice("", "老周", v)
	w.mustSentWith(n, "收到语音。请用文字说一下问题和地点，方便我们派单")
	if !w.hasFile(v) {
		t.Fatal("the voice message waiting for its text is not kept")
	}
	clock.Jump(time.Date(y, m, d, 3, 31, 0, 0, loc))
	w.eventually("the unattached voice message swept", func() bool { return !w.hasFile(v) })
	if !w.hasFile(a) || !w.hasFile(b) || len(w.keptFiles()) != 2 {
		t.Errorf("after the sweep: a %v, b %v, %d files; want a and b only", w.hasFile(a), w.hasFile(b), len(w.keptFiles()))
	}
}
