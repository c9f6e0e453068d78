package wecomtest

import (
	"bytes"
	"crypto/aes"
	"crypto/cipher"
	"crypto/rand"
	"encoding/base64"
	"encoding/hex"
	"net/http"
	"strings"
	"sync"
)

// media are the encrypted downloads the fake serves, as WeCom serves an image message's
// url: the bytes AES-256-CBC encrypted with the message's aeskey (IV: the key's first 16
// bytes; PKCS#7 padding to a multiple of 32 bytes), valid for a few minutes.
type media struct {
	mu    sync.Mutex
	files map[string]*download // by path
}

type download struct {
	key     string // base64, as image.aeskey
	body    []byte
	fails   int
	gets    int
	expired bool
}

// Encrypt is what WeCom does to a file before serving it: AES-256-CBC under key with the
// key's first 16 bytes as IV, padded PKCS#7-style to a multiple of 32 bytes.
func Encrypt(key, plain []byte) []byte {
	block, err := aes.NewCipher(key)
	if err != nil {
		panic("wecomtest: " + err.Error()) // a 32-byte key never fails
	}
	pad := 32 - len(plain)%32
	b := append(bytes.Clone(plain), bytes.Repeat([]byte{byte(pad)}, pad)...)
	cipher.NewCBCEncrypter(block, key[:16]).CryptBlocks(b, b)
	return b
}

// SendSingleImage sends an image message from userid in its private chat (WeCom delivers
// images in single chats only): image.url is a download on the fake serving plain
// encrypted under a fresh per-message key, image.aeskey that key in base64. It returns
// the callback and the url.
func (s *Server) SendSingleImage(userid string, plain []byte) (Callback, string, error) {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	name := make([]byte, 12)
	_, _ = rand.Read(name)
	path := "/cgi-bin/media/" + hex.EncodeToString(name)
	s.media.mu.Lock()
	if s.media.files == nil {
		s.media.files = map[string]*download{}
	}
	aeskey := base64.StdEncoding.EncodeToString(key)
	s.media.files[path] = &download{key: aeskey, body: Encrypt(key, plain)}
	s.media.mu.Unlock()
	url := s.hs.URL + path
	cb, err := s.callback("single", "", userid, "image", map[string]any{"url": url, "aeskey": aeskey})
	return cb, url, err
}

// SendSingleVoice sends a voice message from userid in its private chat; WeCom delivers
// voice as its transcript (voice.content), with no recording.
func (s *Server) SendSingleVoice(userid, transcript string) (Callback, error) {
	return s.callback("single", "", userid, "voice", map[string]any{"content": transcript})
}

// FailDownloads makes the next n downloads of url fail with HTTP 502.
func (s *Server) FailDownloads(url string, n int) {
	s.withDownload(url, func(d *download) { d.fails = n })
}

// ExpireDownload makes url answer 403 from now on, as WeCom's do after five minutes.
func (s *Server) ExpireDownload(url string) {
	s.withDownload(url, func(d *download) { d.expired = true })
}

// KeyOf is the aeskey of an image url SendSingleImage made; false for another url.
func (s *Server) KeyOf(url string) (string, bool) {
	key, ok := "", false
	s.withDownload(url, func(d *download) { key, ok = d.key, true })
	return key, ok
}

// Downloads is how many times url was asked for.
func (s *Server) Downloads(url string) int {
	n := 0
	s.withDownload(url, func(d *download) { n = d.gets })
	return n
}

func (s *Server) withDownload(url string, f func(*download)) {
	s.media.mu.Lock()
	defer s.media.mu.Unlock()
	if d := s.media.files[strings.TrimPrefix(url, s.hs.URL)]; d != nil {
		f(d)
	}
}

// serveMedia answers a download of an image url.
func (s *Server) serveMedia(w http.ResponseWriter, r *http.Request) {
	s.media.mu.Lock()
	defer s.media.mu.Unlock()
	d := s.media.files[r.URL.Path]
	switch {
	case d == nil:
		http.NotFound(w, r)
		return
	case d.expired:
		d.gets++
		http.Error(w, "expired", http.StatusForbidden)
		return
	}
	d.gets++
	if d.fails > 0 {
		d.fails--
		http.Error(w, "bad gateway", http.StatusBadGateway)
		return
	}
	w.Header().Set("Content-Type", "application/octet-stream")
	_, _ = w.Write(d.body)
}
