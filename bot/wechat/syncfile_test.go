package wechat

import (
	"io"
	"os"
	"path/filepath"
	"testing"
)

func mustRead(t *testing.T, path string) string {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A dump made while logging in goes to disk at once; a dump made by the message loop
// (with the SyncKey of a batch not yet handed on) waits for commit; Close drops it.
func TestSyncFileWritesOnlyCommittedPositions(t *testing.T) {
	dir := t.TempDir()
	path := filepath.Join(dir, "hot.json")
	f := newSyncFile(path)
	if got, err := io.ReadAll(f); err != nil || len(got) != 0 {
		t.Fatalf("read of a missing file = %q, %v; want empty", got, err)
	}
	if _, err := f.Write([]byte(`{"SyncKey":1}`)); err != nil {
		t.Fatal(err)
	}
	if got := mustRead(t, path); got != `{"SyncKey":1}` {
		t.Fatalf("after the login dump the file holds %q", got)
	}
	f.startLoop()
	if _, err := f.Write([]byte(`{"SyncKey":2}`)); err != nil {
		t.Fatal(err)
	}
	if got := mustRead(t, path); got != `{"SyncKey":1}` {
		t.Fatalf("before commit the file holds %q; want the older position", got)
	}
	if err := f.commit(); err != nil {
		t.Fatal(err)
	}
	if got := mustRead(t, path); got != `{"SyncKey":2}` {
		t.Fatalf("after commit the file holds %q", got)
	}
	if _, err := f.Write([]byte(`{"SyncKey":3}`)); err != nil {
		t.Fatal(err)
	}
	_ = f.Close()
	if got := mustRead(t, path); got != `{"SyncKey":2}` {
		t.Fatalf("after Close the file holds %q; want the last committed position", got)
	}
	st, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	if st.Mode().Perm() != 0o600 {
		t.Errorf("file mode %v; want 0600 (it holds session credentials)", st.Mode().Perm())
	}
	entries, _ := os.ReadDir(dir)
	if len(entries) != 1 {
		t.Errorf("dir holds %d entries; want only the file (no temporaries left)", len(entries))
	}
}
