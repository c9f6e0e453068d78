package bot

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/google/go-cmp/cmp"

	"github.com/changzheng/chorus/dispatch"
)

func msg(id string) dispatch.Message {
	return dispatch.Message{ID: id, Transport: "wechat", Chat: dispatch.Chat{Group: "g"}, Text: "接 " + id}
}

func ids(ms []dispatch.Message) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

func mustOpenJournal(t *testing.T, path string, max int) *Journal {
	t.Helper()
	j, err := OpenJournal(path, max)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { _ = j.Close() })
	return j
}

// What was added and not done comes back at the next open, in arrival order; a
// redelivery of a pending message is not added twice.
func TestJournalReplaysPendingInOrder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "inbox.journal")
	j := mustOpenJournal(t, path, 0)
	for _, id := range []string{"1", "2", "3", "4"} {
		if added, err := j.Add(msg(id)); err != nil || !added {
			t.Fatalf("Add(%s) = %v, %v; want true, nil", id, added, err)
		}
	}
	if added, err := j.Add(msg("2")); err != nil || added {
		t.Fatalf("Add(2) again = %v, %v; want false, nil", added, err)
	}
	for _, id := range []string{"1", "3"} {
		if err := j.Done(msg(id)); err != nil {
			t.Fatal(err)
		}
	}
	_ = j.Close()
	j2 := mustOpenJournal(t, path, 0)
	if diff := cmp.Diff([]string{"2", "4"}, ids(j2.Pending())); diff != "" {
		t.Errorf("pending after reopen (-want +got):\n%s", diff)
	}
	if got := j2.Pending()[0].Text; got != "接 2" {
		t.Errorf("replayed text = %q; want %q", got, "接 2")
	}
}

// A line torn by a kill mid-append was never acknowledged: it is dropped, and the
// messages before it and appended after the reopen are kept.
func TestJournalDropsTornTail(t *testing.T) {
	path := filepath.Join(t.TempDir(), "inbox.journal")
	j := mustOpenJournal(t, path, 0)
	if _, err := j.Add(msg("1")); err != nil {
		t.Fatal(err)
	}
	_ = j.Close()
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	_, _ = f.WriteString(`{"add":{"ID":"2","Transp`)
	_ = f.Close()
	j2 := mustOpenJournal(t, path, 0)
	if _, err := j2.Add(msg("3")); err != nil {
		t.Fatal(err)
	}
	_ = j2.Close()
	j3 := mustOpenJournal(t, path, 0)
	if diff := cmp.Diff([]string{"1", "3"}, ids(j3.Pending())); diff != "" {
		t.Errorf("pending (-want +got):\n%s", diff)
	}
}

// A full journal refuses (so the transport does not acknowledge) until a message is done.
func TestJournalBounded(t *testing.T) {
	j := mustOpenJournal(t, filepath.Join(t.TempDir(), "inbox.journal"), 2)
	for _, id := range []string{"1", "2"} {
		if _, err := j.Add(msg(id)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := j.Add(msg("3")); !errors.Is(err, ErrJournalFull) {
		t.Fatalf("Add to a full journal: %v; want ErrJournalFull", err)
	}
	if err := j.Done(msg("1")); err != nil {
		t.Fatal(err)
	}
	if _, err := j.Add(msg("3")); err != nil {
		t.Fatalf("Add after Done: %v", err)
	}
}
