package web_test

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/changzheng/chorus/dispatch"
)

// mustPhoto keeps b as a photo of report id, as the media saver would (after or before).
func (w *world) mustPhoto(id int64, b []byte, after bool) string {
	w.t.Helper()
	h := sha256.Sum256(b)
	sum := hex.EncodeToString(h[:])
	w.files[sum] = b
	phase := dispatch.PhaseBefore
	if after {
		phase = dispatch.PhaseAfter
	}
	_, err := w.db.Attach(w.t.Context(), "photo-"+sum, dispatch.Attachment{
		Report: id, Kind: dispatch.MediaPhoto, Phase: phase, By: "m1",
		File:   &dispatch.MediaFile{SHA256: sum, Size: int64(len(b)), Type: "image/jpeg"},
		Event:  dispatch.Event{At: w.clock.Now(), Who: "居民", What: "照片"},
		Day:    w.clock.Now().Format("20060102"),
		Limits: dispatch.MediaLimits{PerReport: 1 << 30, PerDay: 1 << 30},
	}, w.clock.Now())
	if err != nil {
		w.t.Fatal(err)
	}
	return sum
}

// A report's photos are shown to signed-in staff on its page, served only behind the
// session and only under the report they belong to; Open311 gets a signed link that
// works until it expires and not when tampered with.
func TestReportPhotos(t *testing.T) {
	w := mustWorld(t)
	w.mustReports()
	jpeg := []byte("\xff\xd8\xff\xdbfake-jpeg-bytes\xff\xd9")
	sum := w.mustPhoto(1, jpeg, false)
	other := w.mustPhoto(2, []byte("\xff\xd8\xff\xdbother\xff\xd9"), true)
	path := "/reports/R1/photos/" + sum

	anon := w.client()
	if resp, body := anon.get(path); body == string(jpeg) || strings.HasPrefix(resp.Header.Get("Content-Type"), "image/") {
		t.Fatalf("a photo was served without a session (%d %s)", resp.StatusCode, resp.Header.Get("Content-Type"))
	}

	c := w.client()
	c.mustLogin()
	_, page := c.get("/reports/R1")
	mustContain(t, page, `id="photos"`, `<img src="`+path+`"`)
	resp, body := c.get(path)
	if resp.StatusCode != http.StatusOK || body != string(jpeg) || resp.Header.Get("Content-Type") != "image/jpeg" {
		t.Fatalf("GET %s: %d %q %q; want 200 image/jpeg with the kept bytes", path, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	// R2's photo is not R1's: a hash opens a file only under its own report.
	if resp, _ := c.get("/reports/R1/photos/" + other); resp.StatusCode != http.StatusNotFound {
		t.Errorf("another report's photo under R1: %d; want 404", resp.StatusCode)
	}
	_, page2 := c.get("/reports/R2")
	mustContain(t, page2, "办结后")

	// Open311: a signed link, usable without a session until it expires.
	_, js := anon.get("/open311/v2/requests/R1.json")
	var got []struct {
		MediaURL string `json:"media_url"`
	}
	if err := json.Unmarshal([]byte(js), &got); err != nil || len(got) != 1 {
		t.Fatalf("requests/R1.json: %v %s", err, js)
	}
	link := strings.TrimPrefix(got[0].MediaURL, w.srv.URL)
	if !strings.HasPrefix(link, "/open311/v2/media/R1/"+sum+"?") {
		t.Fatalf("media_url %q; want a link to R1's photo on this server", got[0].MediaURL)
	}
	if resp, body := anon.get(link); resp.StatusCode != http.StatusOK || body != string(jpeg) {
		t.Errorf("signed link: %d; want 200 with the photo", resp.StatusCode)
	}
	if resp, _ := anon.get(strings.Replace(link, "sig=", "sig=0", 1)); resp.StatusCode != http.StatusNotFound {
		t.Errorf("tampered link: %d; want 404", resp.StatusCode)
	}
	if resp, _ := anon.get(strings.Replace(link, "/R1/"+sum, "/R2/"+other, 1)); resp.StatusCode != http.StatusNotFound {
		t.Errorf("link moved to another photo: %d; want 404", resp.StatusCode)
	}
	w.clock.Advance(61 * time.Minute)
	if resp, _ := anon.get(link); resp.StatusCode != http.StatusNotFound {
		t.Errorf("expired link: %d; want 404", resp.StatusCode)
	}
}

// A report whose media were removed at the end of their retention period says so on its
// page instead of showing photos, and Open311 links to none.
func TestReportPhotosGone(t *testing.T) {
	w := mustWorld(t)
	w.mustReports()
	w.mustPhoto(2, []byte("\xff\xd8\xff\xdbgone\xff\xd9"), false)
	w.say(coordinators, "魏青", "办结 R2 已清运")
	w.say(residents, "老周", "满意 R2")
	w.clock.Advance(2 * time.Hour)
	ev := dispatch.Event{At: w.clock.Now(), Who: "系统", What: "照片和语音已过保存期限，已删除"}
	if freed, err := w.db.ExpireMedia(t.Context(), w.clock.Now().Add(-time.Hour), ev); err != nil || len(freed) != 1 {
		t.Fatalf("ExpireMedia = %v, %v; want R2's photo freed", freed, err)
	}
	c := w.client()
	c.mustLogin()
	_, page := c.get("/reports/R2")
	mustContain(t, page, `id="media-gone"`, "照片和语音已过保存期限，于 ", "照片和语音已过保存期限，已删除")
	if strings.Contains(page, `id="photos"`) {
		t.Errorf("R2's page still shows photos")
	}
	_, js := w.client().get("/open311/v2/requests/R2.json")
	if strings.Contains(js, "/open311/v2/media/") {
		t.Errorf("requests/R2.json links to a removed photo: %s", js)
	}
}

// The Open311 list (requests.json, and by service_request_id) gives each report its
// signed media_url as the single-request endpoint does, and none to a report without
// photos.
func TestOpen311ListMediaURL(t *testing.T) {
	w := mustWorld(t)
	w.mustReports()
	jpeg := []byte("\xff\xd8\xff\xdblisted\xff\xd9")
	sum := w.mustPhoto(2, jpeg, false)
	anon := w.client()
	for _, path := range []string{"/open311/v2/requests.json", "/open311/v2/requests.json?service_request_id=R1,R2"} {
		_, js := anon.get(path)
		var got []struct {
			ID       string `json:"service_request_id"`
			MediaURL string `json:"media_url"`
		}
		if err := json.Unmarshal([]byte(js), &got); err != nil {
			t.Fatalf("%s: %v %s", path, err, js)
		}
		urls := map[string]string{}
		for _, g := range got {
			urls[g.ID] = g.MediaURL
		}
		if urls["R1"] != "" {
			t.Errorf("%s: R1 has no photo but media_url %q", path, urls["R1"])
		}
		link := strings.TrimPrefix(urls["R2"], w.srv.URL)
		if !strings.HasPrefix(link, "/open311/v2/media/R2/"+sum+"?") {
			t.Fatalf("%s: R2's media_url %q; want a signed link to its photo", path, urls["R2"])
		}
		if resp, body := anon.get(link); resp.StatusCode != http.StatusOK || body != string(jpeg) {
			t.Errorf("%s: R2's link: %d; want 200 with the photo", path, resp.StatusCode)
		}
	}
}
