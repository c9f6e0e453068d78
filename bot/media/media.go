// Package media keeps the photos and recordings residents send with their reports on
// disk, under data_dir/media, named by content hash; their metadata lives in the store.
// Bytes are checked to be the type claimed and photos lose their Exif and XMP metadata
// (GPS above all) before they are kept, without re-encoding.
package media

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

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
	return s.put(ctx, kind, r, nil)
}

// put is Put, calling hold (when not nil) with the digest before the file is written:
// the store then knows the file is wanted before it exists, so a deleter that looks at
// the store after the hold keeps the file, and one that looked before has set it aside
// already, so the write puts it back (see Drop).
func (s *Store) put(ctx context.Context, kind dispatch.MediaKind, r io.Reader, hold func(sum string) error) (dispatch.MediaFile, error) {
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
	if hold != nil {
		if err := hold(f.SHA256); err != nil {
			return dispatch.MediaFile{}, err
		}
	}
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

// trashPrefix names a file set aside by Drop while the store is asked again.
const trashPrefix = ".trash-"

// Drop deletes the file kept under sum unless held says something holds it. The file is
// first renamed aside, then held is asked again: a holder that came meanwhile either
// took its hold before that second look (the file is put back) or after it, and then
// found the name free and wrote the file again (see put). A crash while the file is
// aside leaves a ".trash-" file, which Sweep puts back or deletes. A missing file is not
// an error.
func (s *Store) Drop(ctx context.Context, sum string, held func(ctx context.Context, sum string) (bool, error)) error {
	if _, err := s.path(sum); err != nil {
		return err
	}
	if h, err := held(ctx, sum); err != nil || h {
		return err
	}
	return s.dropUnheld(ctx, sum, held)
}

// dropUnheld is Drop after the store's first answer said nothing holds sum (Sweep has
// that answer from its batch): the file is set aside and the store asked once more.
func (s *Store) dropUnheld(ctx context.Context, sum string, held func(ctx context.Context, sum string) (bool, error)) error {
	path, err := s.path(sum)
	if err != nil {
		return err
	}
	aside := filepath.Join(filepath.Dir(path), fmt.Sprintf("%s%s-%s", trashPrefix, sum, randomHex()))
	if err := os.Rename(path, aside); errors.Is(err, fs.ErrNotExist) {
		return nil
	} else if err != nil {
		return fmt.Errorf("media: set aside %s: %w", sum, err)
	}
	h, err := held(ctx, sum)
	if err != nil || h {
		// Held again, or unknown: put it back (a writer may have put the same bytes there).
		if rerr := os.Rename(aside, path); rerr != nil {
			return errors.Join(err, fmt.Errorf("media: put back %s: %w", sum, rerr))
		}
		return err
	}
	if err := os.Remove(aside); err != nil {
		return fmt.Errorf("media: remove %s: %w", sum, err)
	}
	return nil
}

// Sweep deletes what nothing holds under the media directory: every kept file held
// reports as not held (asked in batches), and temporary or set-aside files older than
// grace at now (a write or a Drop cut short by a crash; a set-aside file still held is
// put back). It returns how many kept files it deleted and the first error, going on
// past errors.
func (s *Store) Sweep(ctx context.Context, now time.Time, grace time.Duration,
	held func(ctx context.Context, sums []string) ([]bool, error)) (int, error) {
	var sums []string
	var errs []error
	one := func(ctx context.Context, sum string) (bool, error) {
		h, err := held(ctx, []string{sum})
		if err != nil || len(h) != 1 {
			return true, err
		}
		return h[0], nil
	}
	walkErr := filepath.WalkDir(s.dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			errs = append(errs, err)
			return nil
		}
		if d.IsDir() {
			return nil
		}
		name := d.Name()
		switch {
		case strings.HasPrefix(name, ".tmp-"), strings.HasPrefix(name, trashPrefix):
			info, err := d.Info()
			if err != nil || now.Sub(info.ModTime()) < grace {
				return nil
			}
			sum, _, _ := strings.Cut(strings.TrimPrefix(name, trashPrefix), "-")
			if strings.HasPrefix(name, trashPrefix) {
				if h, err := one(ctx, sum); err != nil || h {
					if err == nil {
						err = s.restore(p, sum)
					}
					errs = append(errs, err)
					return nil
				}
			}
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				errs = append(errs, err)
			}
		case len(name) == 64:
			sums = append(sums, name)
		}
		return ctx.Err()
	})
	if walkErr != nil {
		return 0, fmt.Errorf("media: sweep: %w", walkErr)
	}
	deleted := 0
	for len(sums) > 0 {
		batch := sums[:min(len(sums), 500)]
		sums = sums[len(batch):]
		h, err := held(ctx, batch)
		if err != nil {
			errs = append(errs, err)
			break
		}
		for i, sum := range batch {
			if h[i] {
				continue
			}
			if err := s.dropUnheld(ctx, sum, one); err != nil { // the batch was the first look
				errs = append(errs, err)
				continue
			}
			deleted++
		}
	}
	return deleted, errors.Join(errs...)
}

// restore puts a set-aside file back unless its name is taken (by the same bytes).
func (s *Store) restore(aside, sum string) error {
	path, err := s.path(sum)
	if err != nil {
		return err
	}
	if _, err := os.Stat(path); err == nil {
		return os.Remove(aside)
	}
	return os.Rename(aside, path)
}

func randomHex() string {
	var b [8]byte
	_, _ = rand.Read(b[:])
	return hex.EncodeToString(b[:])
}

// Owners is what the store knows of who holds each kept file; store.DB implements it.
type Owners interface {
	// HoldMedia marks the file sum as held under token until until; Attach gives the
	// hold up (see dispatch.MediaFile.Hold).
	HoldMedia(ctx context.Context, sum, token string, until time.Time) error
	// MediaHeld says, for each of sums, whether a report or a hold not ended at now
	// holds the file.
	MediaHeld(ctx context.Context, sums []string, now time.Time) ([]bool, error)
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
	// Owners is asked before a file is written and before one is deleted; nil means
	// nothing is held and nothing is ever deleted (Drop and Sweep do nothing).
	Owners Owners
	// Now is the clock of holds and sweeps; it must be set with Owners.
	Now func() time.Time
	// HoldFor is how long a file saved but not yet attached is held: long enough for a
	// voice message waiting for its text (reports.attach_within). Zero means an hour.
	HoldFor time.Duration
}

// sweepGrace is how old a temporary or set-aside file must be for Sweep to deal with it:
// a write or a Drop takes milliseconds.
const sweepGrace = time.Hour

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
	if sv.Owners == nil {
		return sv.Store.Put(ctx, m.Kind, rc)
	}
	token := randomHex()
	hold := func(sum string) error {
		holdFor := sv.HoldFor
		if holdFor <= 0 {
			holdFor = time.Hour
		}
		return sv.Owners.HoldMedia(ctx, sum, token, sv.Now().Add(holdFor))
	}
	file, err := sv.Store.put(ctx, m.Kind, rc, hold)
	if err != nil {
		return file, err
	}
	file.Hold = token
	return file, nil
}

// Drop implements dispatch.MediaSaver.
func (sv *Saver) Drop(ctx context.Context, sum string) error {
	if sv.Owners == nil {
		return nil
	}
	return sv.Store.Drop(ctx, sum, func(ctx context.Context, sum string) (bool, error) {
		h, err := sv.Owners.MediaHeld(ctx, []string{sum}, sv.Now())
		if err != nil || len(h) != 1 {
			return true, err
		}
		return h[0], nil
	})
}

// Sweep implements dispatch.MediaSaver.
func (sv *Saver) Sweep(ctx context.Context, now time.Time) (int, error) {
	if sv.Owners == nil {
		return 0, nil
	}
	return sv.Store.Sweep(ctx, now, sweepGrace, func(ctx context.Context, sums []string) ([]bool, error) {
		return sv.Owners.MediaHeld(ctx, sums, now)
	})
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
