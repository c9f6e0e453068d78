package media_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/changzheng/chorus/bot/media"
	"github.com/changzheng/chorus/bot/media/mediatest"
	"github.com/changzheng/chorus/dispatch"
)

func mustPut(t *testing.T, s *media.Store, seed int) dispatch.MediaFile {
	t.Helper()
	sent, _ := mediatest.JPEG(t, seed)
	f, err := s.Put(t.Context(), dispatch.MediaPhoto, bytes.NewReader(sent))
	if err != nil {
		t.Fatal(err)
	}
	return f
}

func exists(dir, sum string) bool {
	_, err := os.Stat(filepath.Join(dir, sum[:2], sum))
	return err == nil
}

// answers is a store that answers each question about holds from a script.
func answers(a ...bool) func(context.Context, string) (bool, error) {
	return func(context.Context, string) (bool, error) {
		h := a[0]
		a = a[1:]
		return h, nil
	}
}

// Drop deletes a file nothing holds, keeps a held one, and puts back a file that was
// taken while it was set aside (the store's second answer).
func TestDrop(t *testing.T) {
	s, dir := mustStore(t, media.Options{})
	f := mustPut(t, s, 1)
	if err := s.Drop(t.Context(), f.SHA256, answers(true)); err != nil || !exists(dir, f.SHA256) {
		t.Fatalf("Drop of a held file: %v, kept %v; want kept", err, exists(dir, f.SHA256))
	}
	if err := s.Drop(t.Context(), f.SHA256, answers(false, true)); err != nil || !exists(dir, f.SHA256) {
		t.Fatalf("Drop of a file taken while set aside: %v, kept %v; want put back", err, exists(dir, f.SHA256))
	}
	if err := s.Drop(t.Context(), f.SHA256, answers(false, false)); err != nil || exists(dir, f.SHA256) {
		t.Fatalf("Drop of a file nothing holds: %v, kept %v; want deleted", err, exists(dir, f.SHA256))
	}
	if err := s.Drop(t.Context(), f.SHA256, answers(false)); err != nil {
		t.Errorf("Drop of a missing file: %v; want nil", err)
	}
	entries, _ := os.ReadDir(filepath.Join(dir, f.SHA256[:2]))
	if len(entries) != 0 {
		t.Errorf("%d entries left beside the deleted file; want none", len(entries))
	}
}

// Sweep deletes kept files nothing holds and, once older than an hour, what a crashed
// write or Drop left: a set-aside file still held goes back, one not held goes.
func TestSweep(t *testing.T) {
	s, dir := mustStore(t, media.Options{})
	keep, lose := mustPut(t, s, 1), mustPut(t, s, 2)
	back, gone := mustPut(t, s, 3), mustPut(t, s, 4)
	sub := func(sum string) string { return filepath.Join(dir, sum[:2]) }
	// A Drop that died with back and gone set aside, and a write that died.
	for _, f := range []dispatch.MediaFile{back, gone} {
		if err := os.Rename(filepath.Join(sub(f.SHA256), f.SHA256), filepath.Join(sub(f.SHA256), ".trash-"+f.SHA256+"-1")); err != nil {
			t.Fatal(err)
		}
	}
	tmp := filepath.Join(sub(keep.SHA256), ".tmp-123")
	if err := os.WriteFile(tmp, []byte("half"), 0o600); err != nil {
		t.Fatal(err)
	}
	held := map[string]bool{keep.SHA256: true, back.SHA256: true}
	asked := 0
	ask := func(_ context.Context, sums []string) ([]bool, error) {
		asked++
		out := make([]bool, len(sums))
		for i, s := range sums {
			out[i] = held[s]
		}
		return out, nil
	}
	// Just now: only the kept file nothing holds goes.
	n, err := s.Sweep(t.Context(), time.Now(), time.Hour, ask)
	if err != nil || n != 1 || exists(dir, lose.SHA256) || !exists(dir, keep.SHA256) {
		t.Fatalf("Sweep = %d, %v; want 1 (lose deleted, keep kept)", n, err)
	}
	if asked != 2 {
		t.Errorf("Sweep asked the store %d times; want 2 (the batch, then once more for lose once set aside)", asked)
	}
	if _, err := os.Stat(tmp); err != nil {
		t.Errorf("a fresh temporary file was swept: %v", err)
	}
	n, err = s.Sweep(t.Context(), time.Now().Add(2*time.Hour), time.Hour, ask)
	if err != nil || n != 0 {
		t.Errorf("second Sweep = %d, %v; want 0, nil", n, err)
	}
	if !exists(dir, back.SHA256) || exists(dir, gone.SHA256) || !exists(dir, keep.SHA256) {
		t.Errorf("after a sweep: back %v, gone %v, keep %v; want true, false, true",
			exists(dir, back.SHA256), exists(dir, gone.SHA256), exists(dir, keep.SHA256))
	}
	var left []string
	_ = filepath.WalkDir(dir, func(p string, d os.DirEntry, err error) error {
		if err == nil && !d.IsDir() {
			left = append(left, d.Name())
		}
		return nil
	})
	if len(left) != 2 {
		t.Errorf("files left: %v; want keep and back", left)
	}
}
