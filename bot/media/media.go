// Package media keeps the photos and recordings residents send with their reports on
// disk, under data_dir/media, named by content hash; their metadata lives in the store.
// Bytes are checked to be the type claimed and photos lose their Exif and XMP metadata
// (GPS above all) before they are kept, without re-encoding.
package media

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"

	"github.com/changzheng/chorus/dispatch"
)

// Options configures a Store. The zero value of each field is documented.
type Options struct {
	// MaxFile caps one photo or recording, in bytes; zero means 10 MiB.
	MaxFile int64
}

// Store keeps media files in one directory tree. It is safe for concurrent use: files are
// immutable once written, and written by rename.
type Store struct {
	dir     string
	maxFile int64
}

// New returns a Store keeping files under dir (data_dir/media), which it creates.
func New(dir string, opts Options) (*Store, error) {
	if opts.MaxFile <= 0 {
		opts.MaxFile = 10 << 20
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("media: %w", err)
	}
	return &Store{dir: dir, maxFile: opts.MaxFile}, nil
}

// MaxFile is the per-file limit in bytes.
func (s *Store) MaxFile() int64 { return s.maxFile }

// ErrNotFound is returned by Open for a hash with no file.
var ErrNotFound = errors.New("media: no such file")

// path is where the file with hex digest sum lives: two levels keep directories small.
func (s *Store) path(sum string) (string, error) {
	if len(sum) != 64 {
		return "", fmt.Errorf("media: %q is not a sha256: %w", sum, ErrNotFound)
	}
	if _, err := hex.DecodeString(sum); err != nil {
		return "", fmt.Errorf("media: %q is not a sha256: %w", sum, ErrNotFound)
	}
	return filepath.Join(s.dir, sum[:2], sum), nil
}

// Put checks that r holds a kind of medium (by its bytes, not by what the channel said),
// strips a photo's metadata, and keeps the result under its SHA-256. It reads at most
// MaxFile+1 bytes: more fails with dispatch.ErrMediaTooLarge; bytes of another type fail
// with dispatch.ErrMediaType. Keeping the same bytes twice writes one file.
func (s *Store) Put(ctx context.Context, kind dispatch.MediaKind, r io.Reader) (dispatch.MediaFile, error) {
	b, err := io.ReadAll(io.LimitReader(r, s.maxFile+1))
	if err != nil {
		return dispatch.MediaFile{}, fmt.Errorf("media: read: %w", err)
	}
	if int64(len(b)) > s.maxFile {
		return dispatch.MediaFile{}, fmt.Errorf("media: over %d bytes: %w", s.maxFile, dispatch.ErrMediaTooLarge)
	}
	mime := sniff(kind, b)
	if mime == "" {
		return dispatch.MediaFile{}, fmt.Errorf("media: bytes are not a %s: %w", kind, dispatch.ErrMediaType)
	}
	b, err = clean(mime, b)
	if err != nil {
		return dispatch.MediaFile{}, fmt.Errorf("media: %s: %v: %w", mime, err, dispatch.ErrMediaType)
	}
	if err := ctx.Err(); err != nil {
		return dispatch.MediaFile{}, err
	}
	sum := sha256.Sum256(b)
	f := dispatch.MediaFile{SHA256: hex.EncodeToString(sum[:]), Size: int64(len(b)), Type: mime}
	if err := s.write(f.SHA256, b); err != nil {
		return dispatch.MediaFile{}, err
	}
	return f, nil
}

// clean removes what could locate or identify the sender from a photo.
func clean(mime string, b []byte) ([]byte, error) {
	switch mime {
	case "image/jpeg":
		return stripJPEG(b)
	case "image/png":
		return stripPNG(b)
	}
	return b, nil
}

// write puts b at sum's path atomically: a temporary file in the same directory, synced,
// renamed over, and the directory synced, so a crash leaves the old state or the whole
// file, never a part.
func (s *Store) write(sum string, b []byte) error {
	path, err := s.path(sum)
	if err != nil {
		return err
	}
	if _, err := os.Stat(path); err == nil {
		return nil // same content, same name: already kept
	}
	dir := filepath.Dir(path)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return fmt.Errorf("media: %w", err)
	}
	tmp, err := os.CreateTemp(dir, ".tmp-*")
	if err != nil {
		return fmt.Errorf("media: %w", err)
	}
	defer func() { _ = os.Remove(tmp.Name()) }() // after a successful rename this finds nothing
	if _, err := tmp.Write(b); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("media: write %s: %w", sum, err)
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return fmt.Errorf("media: sync %s: %w", sum, err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("media: close %s: %w", sum, err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("media: rename %s: %w", sum, err)
	}
	d, err := os.Open(dir)
	if err != nil {
		return fmt.Errorf("media: sync dir: %w", err)
	}
	defer func() { _ = d.Close() }()
	if err := d.Sync(); err != nil {
		return fmt.Errorf("media: sync dir: %w", err)
	}
	return nil
}

// Open opens the file kept under the hex SHA-256 sum, for the staff web app; ErrNotFound
// (wrapped) when there is none or sum is not a digest. The caller closes it.
func (s *Store) Open(sum string) (*os.File, error) {
	path, err := s.path(sum)
	if err != nil {
		return nil, err
	}
	f, err := os.Open(path)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("media: %s: %w", sum, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("media: open %s: %w", sum, err)
	}
	return f, nil
}

// Remove deletes the file kept under sum; a missing file is not an error.
func (s *Store) Remove(sum string) error {
	path, err := s.path(sum)
	if err != nil {
		return err
	}
	if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
		return fmt.Errorf("media: remove %s: %w", sum, err)
	}
	return nil
}

// Fetcher downloads a medium from the channel that delivered it. Fetch returns the
// decoded bytes (decrypted where the channel encrypts); the caller closes the reader.
type Fetcher interface {
	Fetch(ctx context.Context, m dispatch.Media) (io.ReadCloser, error)
}

// Transcriber turns a recording into text. chorus bundles none (no Chinese model can be
// shipped with it); an operator configures one (see Command).
type Transcriber interface {
	// Transcribe returns the text spoken in audio of the given MIME type; "" when it
	// heard nothing.
	Transcribe(ctx context.Context, audio io.Reader, mime string) (string, error)
}

// Saver fetches media from their channels and keeps them in a Store; it implements
// dispatch.MediaSaver.
type Saver struct {
	// Store keeps the files.
	Store *Store
	// Fetchers by transport name; a transport not named cannot deliver media.
	Fetchers map[string]Fetcher
	// Transcriber reads recordings; nil means none.
	Transcriber Transcriber
	// Logger gets failed fetches and transcriptions; nil discards.
	Logger *slog.Logger
}

var _ dispatch.MediaSaver = (*Saver)(nil)

// Save implements dispatch.MediaSaver. A failed download is tried once more (channels'
// media servers fail now and then; a URL valid for minutes does not wait for a backoff).
func (sv *Saver) Save(ctx context.Context, transport string, m dispatch.Media) (dispatch.MediaFile, error) {
	f, ok := sv.Fetchers[transport]
	if !ok || m.Ref == "" {
		return dispatch.MediaFile{}, fmt.Errorf("media: nothing to fetch from %q", transport)
	}
	var file dispatch.MediaFile
	var err error
	for try := 1; try <= 2; try++ {
		file, err = sv.fetch(ctx, f, m)
		if err == nil || errors.Is(err, dispatch.ErrMediaTooLarge) || errors.Is(err, dispatch.ErrMediaType) || ctx.Err() != nil {
			break
		}
		sv.log().WarnContext(ctx, "media fetch failed", "transport", transport, "kind", m.Kind, "try", try, "err", err)
	}
	if err != nil {
		return dispatch.MediaFile{}, err
	}
	if m.Kind == dispatch.MediaVoice && sv.Transcriber != nil {
		file.Transcript = sv.transcribe(ctx, file)
	}
	return file, nil
}

func (sv *Saver) fetch(ctx context.Context, f Fetcher, m dispatch.Media) (dispatch.MediaFile, error) {
	rc, err := f.Fetch(ctx, m)
	if err != nil {
		return dispatch.MediaFile{}, fmt.Errorf("media: fetch: %w", err)
	}
	defer func() { _ = rc.Close() }()
	return sv.Store.Put(ctx, m.Kind, rc)
}

// transcribe reads a kept recording; a failing engine leaves the voice without text,
// which is what a resident without an engine gets too.
func (sv *Saver) transcribe(ctx context.Context, file dispatch.MediaFile) string {
	r, err := sv.Store.Open(file.SHA256)
	if err != nil {
		sv.log().WarnContext(ctx, "transcribe: open", "err", err)
		return ""
	}
	defer func() { _ = r.Close() }()
	text, err := sv.Transcriber.Transcribe(ctx, r, file.Type)
	if err != nil {
		sv.log().WarnContext(ctx, "transcribe", "err", err)
		return ""
	}
	return string(bytes.TrimSpace([]byte(text)))
}

func (sv *Saver) log() *slog.Logger {
	if sv.Logger == nil {
		return slog.New(slog.DiscardHandler)
	}
	return sv.Logger
}
