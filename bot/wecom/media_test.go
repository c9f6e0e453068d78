package wecom_test

import (
	"bytes"
	"io"
	"testing"

	"github.com/changzheng/chorus/bot/media/mediatest"
	"github.com/changzheng/chorus/bot/wecom"
	"github.com/changzheng/chorus/bot/wecom/wecomtest"
	"github.com/changzheng/chorus/dispatch"
)

// An image in a private chat reaches dispatch as an encrypted URL with its aeskey, and
// Fetch downloads and decrypts it to the bytes sent; voice arrives as its transcript.
func TestImageAndVoiceInbound(t *testing.T) {
	h := start(t, nil, false)
	h.subscribed()
	photo, _ := mediatest.JPEG(t, 1)
	_, url, err := h.srv.SendSingleImage("wangfang", photo)
	if err != nil {
		t.Fatal(err)
	}
	m := h.inbound()
	if m.Media == nil || m.Media.Kind != dispatch.MediaPhoto || m.Media.Ref != url || m.Media.Key == "" || m.Text != "" || !m.Chat.IsPrivate() {
		t.Fatalf("image inbound = %+v (media %+v)", m, m.Media)
	}
	h.srv.FailDownloads(url, 1)
	if _, err := h.tr.Fetch(t.Context(), *m.Media); err == nil {
		t.Errorf("Fetch while the download fails: no error")
	}
	rc, err := h.tr.Fetch(t.Context(), *m.Media)
	if err != nil {
		t.Fatalf("Fetch: %v", err)
	}
	got, _ := io.ReadAll(rc)
	rc.Close()
	if !bytes.Equal(got, photo) {
		t.Errorf("Fetch = %d bytes; want the %d-byte photo sent", len(got), len(photo))
	}
	bad := *m.Media
	bad.Key = "AAAA"
	if _, err := h.tr.Fetch(t.Context(), bad); err == nil {
		t.Errorf("Fetch with a wrong key: no error")
	}
	h.srv.ExpireDownload(url)
	if _, err := h.tr.Fetch(t.Context(), *m.Media); err == nil {
		t.Errorf("Fetch of an expired URL: no error")
	}

	if _, err := h.srv.SendSingleVoice("wangfang", "5号楼电梯坏了"); err != nil {
		t.Fatal(err)
	}
	m = h.inbound()
	if m.Media == nil || *m.Media != (dispatch.Media{Kind: dispatch.MediaVoice, Transcript: "5号楼电梯坏了"}) {
		t.Fatalf("voice inbound = %+v", m.Media)
	}
}

// Every plaintext length decrypts back, including those whose padding is a whole
// 32-byte block.
func TestDecryptRoundTrip(t *testing.T) {
	key := bytes.Repeat([]byte{7}, 32)
	for _, n := range []int{0, 1, 15, 16, 31, 32, 33, 64, 1000} {
		plain := bytes.Repeat([]byte{byte(n)}, n)
		enc := wecomtest.Encrypt(key, plain)
		if len(enc)%32 != 0 {
			t.Errorf("Encrypt(%d bytes) = %d bytes; want whole 32-byte blocks", n, len(enc))
		}
		got, err := wecom.Decrypt(enc, key)
		if err != nil || !bytes.Equal(got, plain) {
			t.Errorf("decrypt(%d bytes): %v, %d bytes", n, err, len(got))
		}
	}
}
