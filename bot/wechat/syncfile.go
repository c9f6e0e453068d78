package wechat

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sync"
)

// syncFile is the hot-login file as openwechat's HotReloadStorage, written so that the
// sync position it holds never runs ahead of the messages chorus has kept.
//
// openwechat v1.4.10's processNewMessages dumps the session (with the SyncKey that
// covers the batch it just fetched) before it hands the batch to the message handler.
// Written straight to disk, as openwechat's own file storage does, a crash between the
// two restarts past messages nobody kept. So syncFile holds each dump in memory and
// writes it only when the session says the batch before it is kept (commit, called at
// the next synccheck, when the loop has handed every message of the batch on). Dumps made
// while logging in, before the message loop runs, cover no messages and are written at
// once.
//
// Writes replace the file atomically (temporary file, fsync, rename, fsync of the
// directory): openwechat's storage truncates and rewrites in place, so a kill in between
// left an empty file and the next start needed a QR scan.
type syncFile struct {
	path string

	mu      sync.Mutex
	r       *bytes.Reader // the file's contents for openwechat's one Decode at hot login
	pending []byte        // the newest dump not yet on disk
	looping bool          // the message loop runs: dumps wait for commit
}

func newSyncFile(path string) *syncFile { return &syncFile{path: path} }

// Read serves the file's contents as they were when first read.
func (f *syncFile) Read(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.r == nil {
		b, err := os.ReadFile(f.path)
		if errors.Is(err, fs.ErrNotExist) {
			b, err = nil, nil
		}
		if err != nil {
			return 0, fmt.Errorf("wechat: read hot-login file: %w", err)
		}
		f.r = bytes.NewReader(b)
	}
	return f.r.Read(p)
}

// Write takes one dump (openwechat's json.Encoder writes a dump in one call).
func (f *syncFile) Write(p []byte) (int, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pending = append([]byte(nil), p...)
	if !f.looping {
		if err := f.flushLocked(); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// startLoop marks the message loop as running: later dumps wait for commit.
func (f *syncFile) startLoop() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.looping = true
}

// commit writes the newest dump, if any: the caller vouches that every message fetched
// before it has been kept.
func (f *syncFile) commit() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.flushLocked()
}

func (f *syncFile) flushLocked() error {
	if f.pending == nil {
		return nil
	}
	if err := writeAtomic(f.path, f.pending); err != nil {
		return fmt.Errorf("wechat: save hot-login file: %w", err)
	}
	f.pending = nil
	return nil
}

// Close drops a dump not yet committed: the next start syncs from the older position
// and gets those messages again, which chorus recognises as duplicates.
func (f *syncFile) Close() error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.pending = nil
	return nil
}

var _ io.ReadWriteCloser = (*syncFile)(nil)

// writeAtomic replaces path with b: a crash leaves either the old file or the new one.
func writeAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
	if err := tmp.Chmod(0o600); err != nil {
		_ = tmp.Close()
		return err
	}
	if _, err := tmp.Write(b); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		_ = tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return err
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync() // the rename itself survives a power cut
}
