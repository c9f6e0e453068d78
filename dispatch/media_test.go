package dispatch_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/changzheng/chorus/bot/media"
	"github.com/changzheng/chorus/bot/media/mediatest"
	"github.com/changzheng/chorus/dispatch"
	"github.com/changzheng/chorus/store"
	"github.com/changzheng/chorus/store/storetest"
)

// channel is a fake channel's media server: refs to bytes, with failures on demand.
type channel struct {
	mu    sync.Mutex
	files map[string][]byte
	fails map[string]int // ref -> fetches still to fail
}

func (c *channel) Fetch(ctx context.Context, m dispatch.Media) (io.ReadCloser, error) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.fails[m.Ref] > 0 {
		c.fails[m.Ref]--
		return nil, errors.New("media server answered 502")
	}
	b, ok := c.files[m.Ref]
	if !ok {
		return nil, fmt.Errorf("no media %s", m.Ref)
	}
	return io.NopCloser(bytes.NewReader(b)), nil
}

// mediaWorld is a world whose service keeps media in a temporary directory.
type mediaWorld struct {
	*world
	ch  *channel
	dir string
	ms  *media.Store
}

func newMediaWorld(t *testing.T, limits dispatch.MediaLimits, maxFile int64, tr media.Transcriber) *mediaWorld {
	t.Helper()
	c := testCommunity(t)
	c.MediaLimits = limits
	return buildMediaWorld(t, c, maxFile, tr, nil)
}

// buildMediaWorld is newMediaWorld for community c, running jobs.
func buildMediaWorld(t *testing.T, c dispatch.Community, maxFile int64, tr media.Transcriber, jobs []dispatch.Job) *mediaWorld {
	t.Helper()
	rdb, prefix := storetest.Client(t)
	w := &world{t: t, rdb: rdb, prefix: prefix, now: friday10(t)}
	w.db = store.New(rdb, store.Options{KeyPrefix: prefix, Community: "test"})
	dir := filepath.Join(t.TempDir(), "media")
	ms, err := media.New(dir, media.Options{MaxFile: maxFile})
	if err != nil {
		t.Fatal(err)
	}
	ch := &channel{files: map[string][]byte{}, fails: map[string]int{}}
	w.svc = dispatch.New(c, w.db, dispatch.Options{Now: w.clock, Jobs: jobs, Media: &media.Saver{
		Store: ms, Fetchers: map[string]media.Fetcher{"console": ch}, Transcriber: tr, Owners: w.db, Now: w.clock}})
	return &mediaWorld{world: w, ch: ch, dir: dir, ms: ms}
}

// send delivers a medium from nick in group ("" for a private chat).
func (w *mediaWorld) send(group, nick string, md dispatch.Media) []string {
	w.t.Helper()
	w.mu.Lock()
	w.seq++
	id := fmt.Sprintf("m%d", w.seq)
	w.mu.Unlock()
	m := dispatch.Message{ID: id, Transport: "console", From: dispatch.Sender{Nick: nick}, Media: &md}
	if group == "" {
		m.Chat = dispatch.Chat{User: nick, Transport: "console"}
	} else {
		m.Chat = dispatch.Chat{Group: group}
	}
	posts, err := w.svc.Handle(context.Background(), m)
	if err != nil {
		w.t.Fatalf("Handle(media %s): %v", md.Kind, err)
	}
	return lines(posts)
}

// photo puts a phone photo on the channel under ref and returns the bytes chorus must keep.
func (w *mediaWorld) photo(ref string, seed int) (dispatch.Media, []byte) {
	sent, clean := mediatest.JPEG(w.t, seed)
	w.ch.mu.Lock()
	w.ch.files[ref] = sent
	w.ch.mu.Unlock()
	return dispatch.Media{Kind: dispatch.MediaPhoto, Ref: ref}, clean
}

// files reads every kept file.
func (w *mediaWorld) files() [][]byte {
	w.t.Helper()
	var out [][]byte
	_ = filepath.WalkDir(w.dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			b, _ := os.ReadFile(p)
			out = append(out, b)
		}
		return nil
	})
	return out
}

func (w *mediaWorld) progressOf(id int64) string {
	return w.one("长征社区工作群", "魏青", fmt.Sprintf("进度 R%d", id))
}

func wantContains(t *testing.T, got string, wants ...string) {
	t.Helper()
	for _, want := range wants {
		if !strings.Contains(got, want) {
			t.Errorf("got %q; want it to contain %q", got, want)
		}
	}
}

func TestMediaAttachToReport(t *testing.T) {
	w := newMediaWorld(t, dispatch.MediaLimits{}, 0, nil)
	// A location and a photo just before 报事 wait for it; the text names no place.
	loc := dispatch.Media{Kind: dispatch.MediaLocation, Place: "新疆克拉玛依市克拉玛依区长征社区5号楼", Lat: 45.596712, Lng: 84.889213}
	if got := w.send(residents, "阿依古丽", loc); len(got) != 0 {
		t.Fatalf("location before a report: %q; want no reply", got)
	}
	p1, clean1 := w.photo("p1", 1)
	w.send(residents, "阿依古丽", p1)
	w.advance(2 * time.Minute)
	filed := w.one(residents, "阿依古丽", "报事 楼道灯坏了，晚上看不见路")
	wantContains(t, filed, "已受理 R1", "新疆克拉玛依市克拉玛依区长征社区5号楼", "已附：照片 1 张")
	// A second photo after it is attached too.
	w.advance(3 * time.Minute)
	p2, clean2 := w.photo("p2", 2)
	wantContains(t, strings.Join(w.send(residents, "阿依古丽", p2), ""), "已收到照片，附在 R1")
	r, err := w.db.Report(t.Context(), 1)
	if err != nil {
		t.Fatal(err)
	}
	if r.Place != loc.Place || r.Lat != loc.Lat || r.Lng != loc.Lng || r.Photos != 2 {
		t.Errorf("report = place %q (%v,%v), %d photos; want the location and 2 photos", r.Place, r.Lat, r.Lng, r.Photos)
	}
	wantContains(t, w.progressOf(1), "附件：照片 2 张", "居民 位置：", "居民 发来照片")
	// The files on disk are the photos without their metadata, named by content.
	items, err := w.db.ReportMedia(t.Context(), 1)
	if err != nil || len(items) != 2 {
		t.Fatalf("ReportMedia = %v, %v; want 2 items", items, err)
	}
	for i, want := range [][]byte{clean1, clean2} {
		f, err := w.ms.Open(items[i].SHA256)
		if err != nil {
			t.Fatalf("open %s: %v", items[i].SHA256, err)
		}
		got, _ := io.ReadAll(f)
		f.Close()
		if !bytes.Equal(got, want) || items[i].Phase != dispatch.PhaseBefore || items[i].Kind != dispatch.MediaPhoto || items[i].Hold != "" {
			t.Errorf("item %d: %+v, %d bytes; want the clean photo, before, no hold token kept", i, items[i], len(got))
		}
		// Attached, the report holds the file and the save's hold is given up.
		if owners, err := w.rdb.ZRange(t.Context(), w.prefix+":{test}:mfile:"+items[i].SHA256, 0, -1).Result(); err != nil || !slices.Equal(owners, []string{"r:1"}) {
			t.Errorf("owners of item %d = %q, %v; want [r:1]", i, owners, err)
		}
	}
	// Past attach_within, a photo is chat again.
	w.advance(11 * time.Minute)
	p3, _ := w.photo("p3", 3)
	if got := w.send(residents, "阿依古丽", p3); len(got) != 0 {
		t.Errorf("photo 11 minutes later: %q; want none", got)
	}
	if n := len(w.files()); n != 2 {
		t.Errorf("%d files kept; want 2", n)
	}
}

func TestMediaGroupPhotoWithoutReportIgnored(t *testing.T) {
	w := newMediaWorld(t, dispatch.MediaLimits{}, 0, nil)
	p, _ := w.photo("p1", 1)
	if got := w.send(residents, "老周", p); len(got) != 0 {
		t.Errorf("photo without a report: %q; want no reply", got)
	}
	// Someone else's report does not take 老周's photo.
	w.one(residents, "阿依古丽", "报事 3号楼2单元楼道灯坏了")
	if got := w.send(residents, "老周", p); len(got) != 0 {
		t.Errorf("photo after another's report: %q; want no reply", got)
	}
	if n := len(w.files()); n != 0 {
		t.Errorf("%d files kept; want none", n)
	}
}

func TestMediaAfterPhotoAndProgress(t *testing.T) {
	w := newMediaWorld(t, dispatch.MediaLimits{}, 0, nil)
	w.one(green, "艾力", "任务")
	w.one(residents, "阿依古丽", "报事 3号楼2单元楼道灯坏了")
	p1, _ := w.photo("p1", 1)
	w.send(residents, "阿依古丽", p1)
	w.say(office, "魏青", "派单 R1 绿色")
	w.one(green, "艾力", "接 1")
	w.say(green, "艾力", "完成 1 1小时")
	p2, _ := w.photo("p2", 2)
	wantContains(t, strings.Join(w.send(green, "艾力", p2), ""), "已收到照片，附在 R1")
	w.say(green, "艾力", "办结 R1 已更换灯泡")
	p3, _ := w.photo("p3", 3)
	w.send(green, "艾力", p3)
	got := w.progressOf(1)
	wantContains(t, got, "附件：照片 3 张（2 张办结后）", "艾力 办结后照片")
	// Shown to the residents' group, 进度 counts photos and shows none.
	wantContains(t, w.one(residents, "老周", "进度 R1"), "照片 3 张（2 张办结后）")
}

func TestMediaRefusalsAndFailures(t *testing.T) {
	size := func(seed int) int64 { _, clean := mediatest.JPEG(t, seed); return int64(len(clean)) }
	// R1 holds photos 1 and 2 and no more; the day holds 1, 2 and 3 (each under 2000 bytes).
	limits := dispatch.MediaLimits{PerReport: size(1) + size(2) + 1, PerDay: size(1) + size(2) + size(3)}
	if size(1)+size(2)+size(3) <= limits.PerReport || size(3)+size(4) > limits.PerReport {
		t.Fatalf("test photos' sizes do not fit the scenario: %d %d %d %d", size(1), size(2), size(3), size(4))
	}
	w := newMediaWorld(t, limits, 2000, nil)
	w.one(residents, "阿依古丽", "报事 3号楼2单元楼道灯坏了")
	// Oversized: refused with a reply, nothing kept.
	big := dispatch.Media{Kind: dispatch.MediaPhoto, Ref: "big"}
	w.ch.files["big"] = append([]byte{0xFF, 0xD8, 0xFF, 0xE0}, make([]byte, 3000)...)
	wantContains(t, strings.Join(w.send(residents, "阿依古丽", big), ""), "照片太大了")
	// Not an image: refused.
	w.ch.files["html"] = []byte("<html>")
	wantContains(t, strings.Join(w.send(residents, "阿依古丽", dispatch.Media{Kind: dispatch.MediaPhoto, Ref: "html"}), ""), "不是照片")
	// A fetch that fails once is retried; one that fails twice leaves a history line.
	p1, _ := w.photo("p1", 1)
	w.ch.fails["p1"] = 1
	wantContains(t, strings.Join(w.send(residents, "阿依古丽", p1), ""), "已收到照片")
	p2, _ := w.photo("p2", 2)
	w.ch.fails["p2"] = 2
	wantContains(t, strings.Join(w.send(residents, "阿依古丽", p2), ""), "照片没能收到（R1）")
	wantContains(t, w.progressOf(1), "照片 1 张", "居民 照片未能获取")
	// The per-report limit: two photos' worth.
	w.ch.fails["p2"] = 0
	w.send(residents, "阿依古丽", p2)
	p3, _ := w.photo("p3", 3)
	wantContains(t, strings.Join(w.send(residents, "阿依古丽", p3), ""), "R1 的照片和语音已经够多了")
	// The per-day limit counts across reports.
	w.one(residents, "阿依古丽", "报事 5号楼门口积水")
	w.send(residents, "阿依古丽", p3)
	p4, _ := w.photo("p4", 4)
	wantContains(t, strings.Join(w.send(residents, "阿依古丽", p4), ""), "今天发来的照片和语音已达上限")
	if r, _ := w.db.Report(t.Context(), 1); r.Photos != 2 {
		t.Errorf("R1 has %d photos; want 2", r.Photos)
	}
}

func TestMediaPrivateVoice(t *testing.T) {
	w := newMediaWorld(t, dispatch.MediaLimits{}, 0, nil)
	w.ch.files["v1"] = mediatest.MP3(1)
	voice := dispatch.Media{Kind: dispatch.MediaVoice, Ref: "v1"}
	if got := w.send("", "老周", voice); len(got) != 1 || got[0] != "[私聊 老周] 收到语音。请用文字说一下问题和地点，方便我们派单" {
		t.Fatalf("voice in a private chat: %q", got)
	}
	got := w.one("", "老周", "12栋门口垃圾三天没人清运")
	wantContains(t, got, "已受理 R1", "12栋", "已附：语音 1 条")
	wantContains(t, w.progressOf(1), "语音 1 条")
	// Ordinary chat afterwards is chat again.
	if got := w.say("", "老周", "谢谢"); len(got) != 0 {
		t.Errorf("thanks after filing: %q; want none", got)
	}
	// In a group, a voice message with no report is chat.
	w.ch.files["v2"] = mediatest.MP3(2)
	if got := w.send(residents, "老周", dispatch.Media{Kind: dispatch.MediaVoice, Ref: "v2"}); len(got) != 0 {
		t.Errorf("voice in a group: %q; want none", got)
	}
	// A channel transcript (WeCom) files the report directly, or runs a spoken command.
	wantContains(t, strings.Join(w.send("", "小王", dispatch.Media{Kind: dispatch.MediaVoice, Transcript: "3号楼楼道灯坏了"}), ""), "已受理 R2", "3号楼")
	wantContains(t, strings.Join(w.send("", "小王", dispatch.Media{Kind: dispatch.MediaVoice, Transcript: "进度 R2"}), ""), "R2 设施维修")
}

// engine is a fake speech-to-text engine.
type engine struct{}

func (engine) Transcribe(ctx context.Context, audio io.Reader, mime string) (string, error) {
	return "7号楼水管漏水", nil
}

func TestMediaSpeechToText(t *testing.T) {
	w := newMediaWorld(t, dispatch.MediaLimits{}, 0, engine{})
	w.ch.files["v1"] = mediatest.MP3(1)
	got := strings.Join(w.send("", "老周", dispatch.Media{Kind: dispatch.MediaVoice, Ref: "v1"}), "")
	wantContains(t, got, "已受理 R1", "7号楼", "已附：语音 1 条")
}
