package wechat

import (
	"bytes"
	"errors"
	"io"
	"testing"

	"github.com/changzheng/chorus/bot"
	"github.com/changzheng/chorus/bot/media/mediatest"
	"github.com/changzheng/chorus/dispatch"
)

// Pictures, voice and locations reach dispatch as Media; the bytes come through Fetch from
// webwxgetmsgimg/webwxgetvoice with the session's skey, as openwechat's GetPicture does.
func TestMediaInboundAndFetch(t *testing.T) {
	srv := newFake(t)
	h := mustStart(t, srv, Options{})
	srv.ConfirmLogin()
	h.mustLogIn()

	photo, _ := mediatest.JPEG(t, 1)
	pid := srv.SayPicture(orange, "雷胜", photo)
	m := h.next()
	if m.ID != pid || m.Media == nil || *m.Media != (dispatch.Media{Kind: dispatch.MediaPhoto, Ref: pid}) || m.Text != "" || m.From.Ref != "雷胜" {
		t.Fatalf("picture inbound = %+v (media %+v)", m, m.Media)
	}
	rc, err := h.tr.Fetch(t.Context(), *m.Media)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, photo) {
		t.Errorf("Fetch read %d bytes; want the %d sent", len(got), len(photo))
	}

	voice := mediatest.MP3(4)
	vid := srv.SayVoice("", "魏青", voice)
	m = h.next()
	if m.Media == nil || m.Media.Kind != dispatch.MediaVoice || !m.Chat.IsPrivate() || m.Chat.User != "魏青" {
		t.Fatalf("voice inbound = %+v", m)
	}
	srv.FailDownloads(vid, 1)
	if _, err := h.tr.Fetch(t.Context(), *m.Media); err == nil {
		t.Errorf("Fetch while the server fails: no error")
	}
	rc, err = h.tr.Fetch(t.Context(), *m.Media)
	if err != nil {
		t.Fatalf("Fetch voice: %v", err)
	}
	got, _ = io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, voice) || srv.Downloads(vid) != 2 {
		t.Errorf("voice: %d bytes after %d downloads; want %d after 2", len(got), srv.Downloads(vid), len(voice))
	}

	srv.SayLocation(orange, "雷胜", "克拉玛依市长征社区5号楼", 45.596712, 84.889213)
	m = h.next()
	want := dispatch.Media{Kind: dispatch.MediaLocation, Place: "克拉玛依市长征社区5号楼", Lat: 45.596712, Lng: 84.889213}
	if m.Media == nil || *m.Media != want {
		t.Fatalf("location inbound = %+v; want %+v", m.Media, want)
	}
	if _, err := h.tr.Fetch(t.Context(), *m.Media); err == nil {
		t.Errorf("Fetch(location): no error; want nothing to fetch")
	}
}

func TestMapCoordAndLabel(t *testing.T) {
	for _, c := range []struct {
		url      string
		lat, lng float64
		ok       bool
	}{
		{"http://apis.map.qq.com/uri/v1/geocoder?coord=45.596712,84.889213", 45.596712, 84.889213, true},
		{"https://apis.map.qq.com/uri/v1/geocoder?coord=40.075041%2C116.338994&amp;referer=wx", 40.075041, 116.338994, true},
		{"https://apis.map.qq.com/uri/v1/marker?marker=coord:39.9,116.3;title:长征社区&referer=wx", 39.9, 116.3, true},
		{"http://apis.map.qq.com/uri/v1/geocoder?coord=91,10", 0, 0, false},
		{"http://apis.map.qq.com/uri/v1/geocoder?coord=NaN,10", 0, 0, false},
		{"http://apis.map.qq.com/uri/v1/geocoder", 0, 0, false},
		{"::bad", 0, 0, false},
	} {
		lat, lng, ok := mapCoord(c.url)
		if lat != c.lat || lng != c.lng || ok != c.ok {
			t.Errorf("mapCoord(%q) = %v, %v, %v; want %v, %v, %v", c.url, lat, lng, ok, c.lat, c.lng, c.ok)
		}
	}
	for in, want := range map[string]string{
		"长征社区5号楼:<br/>/cgi-bin/mmwebwx-bin/webwxgetpubliclinkimg?url=x&amp;pictype=location": "长征社区5号楼",
		"长征社区5号楼/cgi-bin/mmwebwx-bin/webwxgetpubliclinkimg?url=x&amp;pictype=location":       "长征社区5号楼",
		"A&amp;B 广场:<br/>/cgi-bin/x": "A&B 广场",
	} {
		if got := locationLabel(in); got != want {
			t.Errorf("locationLabel(%q) = %q; want %q", in, got, want)
		}
	}
}

// Fetch while logged out says the transport is unavailable.
func TestFetchLoggedOut(t *testing.T) {
	tr := New(Options{})
	if _, err := tr.Fetch(t.Context(), dispatch.Media{Kind: dispatch.MediaPhoto, Ref: "1"}); err == nil || !errors.Is(err, bot.ErrUnavailable) {
		t.Errorf("Fetch logged out: %v", err)
	}
}
