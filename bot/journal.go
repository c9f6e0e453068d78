package bot

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"slices"
	"sync"

	"github.com/changzheng/chorus/dispatch"
)

// ErrJournalFull is returned by Journal.Add when the journal holds its limit of messages
// that Redis does not have yet.
var ErrJournalFull = errors.New("inbound journal full")

// Journal keeps inbound messages on local disk until Redis has them: Add appends and
// fsyncs before the transport acknowledges a message, Done marks one as stored, and
// OpenJournal hands back, in arrival order, those a crash left behind. It is what lets
// chorus take messages while Redis is unreachable and lose none of them if it is killed
// meanwhile. A Journal is safe for concurrent use.
//
// The file is a sequence of JSON lines, {"add":message} and {"done":"transport:id"}. It
// is rewritten with only the messages still pending when it opens (a line torn by a crash
// is dropped: its Add never returned, so its message was never acknowledged) and emptied
// whenever nothing is pending and it has grown.
type Journal struct {
	path string
	max  int

	mu      sync.Mutex
	f       *os.File
	pending map[string]journalEntry // by transport:id: messages added and not done
	seq     int                     // numbers entries in arrival order
	size    int64                   // bytes written since the file was last emptied
}

type journalEntry struct {
	seq int
	m   dispatch.Message
}

// journalCompactAt is the size past which an idle journal (nothing pending) is emptied.
const journalCompactAt = 1 << 20

// DefaultJournalMax is the number of pending messages a journal holds when the caller
// gives no limit: about a day of a busy community's messages.
const DefaultJournalMax = 10000

type journalLine struct {
	Add  *dispatch.Message `json:"add,omitempty"`
	Done string            `json:"done,omitempty"`
}

// journalKey identifies a message across deliveries, as the store's de-duplication does.
func journalKey(m dispatch.Message) string { return m.Transport + ":" + m.ID }

// OpenJournal opens (creating) the journal at path, holding at most max pending messages
// (zero means DefaultJournalMax). Pending then lists the messages a previous run added and
// did not mark done.
func OpenJournal(path string, max int) (*Journal, error) {
	if max <= 0 {
		max = DefaultJournalMax
	}
	var left []dispatch.Message
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("journal: read %s: %w", path, err)
	}
	index := map[string]int{}
	done := map[string]bool{}
	for line := range bytes.Lines(b) {
		var l journalLine
		if json.Unmarshal(line, &l) != nil {
			continue // torn by a crash mid-append: never acknowledged
		}
		switch {
		case l.Add != nil:
			k := journalKey(*l.Add)
			if _, dup := index[k]; !dup {
				index[k] = len(left)
				left = append(left, *l.Add)
			}
		case l.Done != "":
			done[l.Done] = true
		}
	}
	j := &Journal{path: path, max: max, pending: map[string]journalEntry{}}
	var buf bytes.Buffer
	for _, m := range left {
		if done[journalKey(m)] {
			continue
		}
		j.seq++
		j.pending[journalKey(m)] = journalEntry{seq: j.seq, m: m}
		line, err := json.Marshal(journalLine{Add: &m})
		if err != nil {
			return nil, fmt.Errorf("journal: rewrite: %w", err)
		}
		buf.Write(append(line, '\n'))
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return nil, fmt.Errorf("journal: %w", err)
	}
	if err := writeFileAtomic(path, buf.Bytes()); err != nil {
		return nil, fmt.Errorf("journal: rewrite %s: %w", path, err)
	}
	j.f, err = os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return nil, fmt.Errorf("journal: open %s: %w", path, err)
	}
	j.size = int64(buf.Len())
	return j, nil
}

// Pending lists the messages added and not done, in the order they were added.
func (j *Journal) Pending() []dispatch.Message {
	j.mu.Lock()
	defer j.mu.Unlock()
	es := make([]journalEntry, 0, len(j.pending))
	for _, e := range j.pending {
		es = append(es, e)
	}
	slices.SortFunc(es, func(a, b journalEntry) int { return a.seq - b.seq })
	out := make([]dispatch.Message, len(es))
	for i, e := range es {
		out[i] = e.m
	}
	return out
}

// Add appends m and fsyncs. It reports false, without writing, when m is already pending
// (a redelivery), and fails with ErrJournalFull when the journal is at its limit.
func (j *Journal) Add(m dispatch.Message) (bool, error) {
	j.mu.Lock()
	defer j.mu.Unlock()
	k := journalKey(m)
	if _, ok := j.pending[k]; ok {
		return false, nil
	}
	if len(j.pending) >= j.max {
		return false, fmt.Errorf("journal: %d messages wait for Redis: %w", len(j.pending), ErrJournalFull)
	}
	line, err := json.Marshal(journalLine{Add: &m})
	if err != nil {
		return false, fmt.Errorf("journal: add %s: %w", k, err)
	}
	if err := j.appendLocked(line, true); err != nil {
		return false, fmt.Errorf("journal: add %s: %w", k, err)
	}
	j.seq++
	j.pending[k] = journalEntry{seq: j.seq, m: m}
	return true, nil
}

// Done marks m as stored in Redis. It needs no fsync: a done mark lost in a crash only
// means the message is offered to Redis again, which recognises it.
func (j *Journal) Done(m dispatch.Message) error {
	j.mu.Lock()
	defer j.mu.Unlock()
	k := journalKey(m)
	if _, ok := j.pending[k]; !ok {
		return nil
	}
	delete(j.pending, k)
	if len(j.pending) == 0 && j.size > journalCompactAt {
		// Nothing pending: the whole file is history. Truncate is one step; a crash
		// leaves the old file, whose every message is done or known to Redis.
		if err := j.f.Truncate(0); err != nil {
			return fmt.Errorf("journal: empty %s: %w", j.path, err)
		}
		j.size = 0
		return j.f.Sync()
	}
	line, err := json.Marshal(journalLine{Done: k})
	if err != nil {
		return fmt.Errorf("journal: done %s: %w", k, err)
	}
	if err := j.appendLocked(line, false); err != nil {
		return fmt.Errorf("journal: done %s: %w", k, err)
	}
	return nil
}

// Len reports how many messages wait for Redis.
func (j *Journal) Len() int {
	j.mu.Lock()
	defer j.mu.Unlock()
	return len(j.pending)
}

// Max reports the journal's limit.
func (j *Journal) Max() int { return j.max }

func (j *Journal) appendLocked(line []byte, sync bool) error {
	w := bufio.NewWriter(j.f)
	_, _ = w.Write(line)
	_ = w.WriteByte('\n')
	if err := w.Flush(); err != nil {
		return err
	}
	j.size += int64(len(line) + 1)
	if sync {
		return j.f.Sync()
	}
	return nil
}

// Close closes the file; messages still pending are handed back at the next open.
func (j *Journal) Close() error {
	j.mu.Lock()
	defer j.mu.Unlock()
	return j.f.Close()
}

// writeFileAtomic replaces path with b: a crash leaves either the old file or the new.
func writeFileAtomic(path string, b []byte) error {
	dir := filepath.Dir(path)
	tmp, err := os.CreateTemp(dir, filepath.Base(path)+".tmp*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // a no-op once renamed
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
	return d.Sync()
}
