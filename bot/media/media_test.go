package media_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/changzheng/chorus/bot/media"
	"github.com/changzheng/chorus/bot/media/mediatest"
	"github.com/changzheng/chorus/dispatch"
)

func mustStore(t *testing.T, opts media.Options) (*media.Store, string) {
	t.Helper()
	dir := filepath.Join(t.TempDir(), "media")
	s, err := media.New(dir, opts)
	if err != nil {
		t.Fatalf("media.New: %v", err)
	}
	return s, dir
}

func TestPutStripsPhotoMetadataLosslessly(t *testing.T) {
	s, dir := mustStore(t, media.Options{})
	sent, clean := mediatest.JPEG(t, 1)
	f, err := s.Put(t.Context(), dispatch.MediaPhoto, bytes.NewReader(sent))
	if err != nil {
		t.Fatalf("Put: %v", err)
	}
	sum := sha256.Sum256(clean)
	if want := hex.EncodeToString(sum[:]); f.SHA256 != want || f.Size != int64(len(clean)) || f.Type != "image/jpeg" {
		t.Errorf("Put = %+v; want sha256 %s, size %d, image/jpeg", f, want, len(clean))
	}
	got, err := os.ReadFile(filepath.Join(dir, f.SHA256[:2], f.SHA256))
	if err != nil {
		t.Fatalf("kept file: %v", err)
	}
	if !bytes.Equal(got, clean) {
		t.Errorf("kept file differs from the photo without its metadata (%d bytes; want %d)", len(got), len(clean))
	}
	if bytes.Contains(got, []byte("GPS")) {
		t.Errorf("kept file still holds GPS metadata")
	}
	// The same photo again is the same file; the directory holds no temporary leftovers.
	if f2, err := s.Put(t.Context(), dispatch.MediaPhoto, bytes.NewReader(sent)); err != nil || f2 != f {
		t.Errorf("second Put = %+v, %v; want %+v", f2, err, f)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, f.SHA256[:2]))
	if len(entries) != 1 {
		t.Errorf("media dir holds %d entries; want 1", len(entries))
	}
	r, err := s.Open(f.SHA256)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	defer r.Close()
	if b, _ := io.ReadAll(r); !bytes.Equal(b, clean) {
		t.Errorf("Open read %d bytes; want the kept photo", len(b))
	}
}

func TestPutRefuses(t *testing.T) {
	s, _ := mustStore(t, media.Options{MaxFile: 1000})
	big, _ := mediatest.JPEG(t, 2)
	big = append(big, make([]byte, 2000)...)
	for _, c := range []struct {
		name string
		kind dispatch.MediaKind
		b    []byte
		want error
	}{
		{"over the limit", dispatch.MediaPhoto, big, dispatch.ErrMediaTooLarge},
		{"text claimed as a photo", dispatch.MediaPhoto, []byte("<html>hello</html>"), dispatch.ErrMediaType},
		{"a recording claimed as a photo", dispatch.MediaPhoto, mediatest.MP3(1), dispatch.ErrMediaType},
		{"a photo claimed as voice", dispatch.MediaVoice, []byte{0xFF, 0xD8, 0xFF, 0xE0}, dispatch.ErrMediaType},
		{"a truncated JPEG", dispatch.MediaPhoto, []byte{0xFF, 0xD8, 0xFF, 0xE1, 0x10, 0x00, 1, 2}, dispatch.ErrMediaType},
	} {
		if _, err := s.Put(t.Context(), c.kind, bytes.NewReader(c.b)); !errors.Is(err, c.want) {
			t.Errorf("%s: Put err = %v; want %v", c.name, err, c.want)
		}
	}
	if f, err := s.Put(t.Context(), dispatch.MediaVoice, bytes.NewReader(mediatest.MP3(3))); err != nil || f.Type != "audio/mpeg" {
		t.Errorf("Put(mp3) = %+v, %v; want audio/mpeg", f, err)
	}
}

func TestOpenRejectsNonDigests(t *testing.T) {
	s, _ := mustStore(t, media.Options{})
	for _, name := range []string{"", "../../etc/passwd", strings.Repeat("a", 63) + "/", strings.Repeat("z", 64), strings.Repeat("a", 64)} {
		if _, err := s.Open(name); !errors.Is(err, media.ErrNotFound) {
			t.Errorf("Open(%q) err = %v; want ErrNotFound", name, err)
		}
	}
}

// flaky fails its first fails fetches, then serves b.
type flaky struct {
	fails, calls int
	b            []byte
}

func (f *flaky) Fetch(ctx context.Context, m dispatch.Media) (io.ReadCloser, error) {
	f.calls++
	if f.calls <= f.fails {
		return nil, errors.New("502 from the media server")
	}
	return io.NopCloser(bytes.NewReader(f.b)), nil
}

// fakeEngine is a speech-to-text engine that hears a fixed sentence in MP3s.
type fakeEngine struct{ heard []string }

func (e *fakeEngine) Transcribe(ctx context.Context, audio io.Reader, mime string) (string, error) {
	b, _ := io.ReadAll(audio)
	e.heard = append(e.heard, mime)
	if mime != "audio/mpeg" || len(b) == 0 {
		return "", errors.New("cannot read")
	}
	return " 5号楼电梯坏了 ", nil
}

func TestSaverRetriesOnceAndTranscribes(t *testing.T) {
	s, _ := mustStore(t, media.Options{})
	photo, _ := mediatest.JPEG(t, 3)
	once := &flaky{fails: 1, b: photo}
	sv := &media.Saver{Store: s, Fetchers: map[string]media.Fetcher{"wechat": once}}
	if _, err := sv.Save(t.Context(), "wechat", dispatch.Media{Kind: dispatch.MediaPhoto, Ref: "1"}); err != nil || once.calls != 2 {
		t.Errorf("Save after one failure: err %v, %d fetches; want nil, 2", err, once.calls)
	}
	twice := &flaky{fails: 2, b: photo}
	sv.Fetchers["wechat"] = twice
	if _, err := sv.Save(t.Context(), "wechat", dispatch.Media{Kind: dispatch.MediaPhoto, Ref: "1"}); err == nil || twice.calls != 2 {
		t.Errorf("Save after two failures: err %v, %d fetches; want an error after 2", err, twice.calls)
	}
	eng := &fakeEngine{}
	sv = &media.Saver{Store: s, Fetchers: map[string]media.Fetcher{"wechat": &flaky{b: mediatest.MP3(9)}}, Transcriber: eng}
	f, err := sv.Save(t.Context(), "wechat", dispatch.Media{Kind: dispatch.MediaVoice, Ref: "2"})
	if err != nil || f.Transcript != "5号楼电梯坏了" {
		t.Errorf("Save(voice) = %+v, %v; want the engine's transcript", f, err)
	}
}

// The Command transcriber runs an operator's program with the recording on stdin.
func TestCommandTranscriber(t *testing.T) {
	sh, err := exec.LookPath("sh")
	if err != nil {
		t.Fatalf("no sh: %v", err)
	}
	c := media.Command{Path: sh, Args: []string{"-c", `n=$(wc -c); echo "$CHORUS_AUDIO_TYPE $n"`}}
	got, err := c.Transcribe(t.Context(), bytes.NewReader(mediatest.MP3(1)), "audio/mpeg")
	if want := "audio/mpeg 78"; err != nil || strings.Join(strings.Fields(got), " ") != want {
		t.Errorf("Transcribe = %q, %v; want %q", got, err, want)
	}
	bad := media.Command{Path: sh, Args: []string{"-c", "echo broken >&2; exit 3"}}
	if _, err := bad.Transcribe(t.Context(), bytes.NewReader(nil), "audio/mpeg"); err == nil || !strings.Contains(err.Error(), "broken") {
		t.Errorf("failing program: err = %v; want its stderr", err)
	}
}
