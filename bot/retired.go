package bot

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"sync"

	"github.com/changzheng/chorus/dispatch"
)

// Retired keeps, on local disk, the retirements of delivered posts that Redis could not
// record at the time (it was unreachable). A delivered post left in the in-flight list
// would be put back in the outbox at the next start and sent a second time; so its
// retirement is fsynced here and replayed before anything is recovered or taken. Safe for
// concurrent use.
type Retired struct {
	path string

	mu      sync.Mutex
	f       *os.File
	pending []Retirement
}

// Retirement is a delivered post's retirement: what Queue.Delivered needs.
type Retirement struct {
	Transport string            `json:"transport"`
	Instance  string            `json:"instance"`
	ID        string            `json:"id"`
	Raw       string            `json:"raw"`
	Delivery  dispatch.Delivery `json:"delivery"`
	// Also are the envelopes (exactly as taken) of the answers merged into the same post,
	// retired with it.
	Also []string `json:"also,omitempty"`
}

type retiredLine struct {
	Add  *Retirement `json:"add,omitempty"`
	Done string      `json:"done,omitempty"`
}

// OpenRetired opens (creating) the file at path and loads the retirements not yet
// replayed.
func OpenRetired(path string) (*Retired, error) {
	b, err := os.ReadFile(path)
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("retired: read %s: %w", path, err)
	}
	var all []Retirement
	done := map[string]bool{}
	for line := range bytes.Lines(b) {
		var l retiredLine
		if json.Unmarshal(line, &l) != nil {
			continue // torn by a crash mid-append: that Add never returned
		}
		if l.Add != nil {
			all = append(all, *l.Add)
		} else if l.Done != "" {
			done[l.Done] = true
		}
	}
	r := &Retired{path: path}
	var buf bytes.Buffer
	for _, x := range all {
		if done[x.ID] {
			continue
		}
		r.pending = append(r.pending, x)
		line, _ := json.Marshal(retiredLine{Add: &x})
		buf.Write(append(line, '\n'))
	}
	if err := writeFileAtomic(path, buf.Bytes()); err != nil {
		return nil, fmt.Errorf("retired: rewrite %s: %w", path, err)
	}
	if r.f, err = os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0o600); err != nil {
		return nil, fmt.Errorf("retired: open %s: %w", path, err)
	}
	return r, nil
}

// Add keeps x on disk (fsynced).
func (r *Retired) Add(x Retirement) error {
	line, err := json.Marshal(retiredLine{Add: &x})
	if err != nil {
		return fmt.Errorf("retired: add %s: %w", x.ID, err)
	}
	r.mu.Lock()
	defer r.mu.Unlock()
	if _, err := r.f.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("retired: add %s: %w", x.ID, err)
	}
	if err := r.f.Sync(); err != nil {
		return fmt.Errorf("retired: add %s: %w", x.ID, err)
	}
	r.pending = append(r.pending, x)
	return nil
}

// Pending lists the retirements of transport not yet replayed, oldest first.
func (r *Retired) Pending(transport string) []Retirement {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []Retirement
	for _, x := range r.pending {
		if x.Transport == transport {
			out = append(out, x)
		}
	}
	return out
}

// Done forgets x once Redis has recorded it; the file is emptied when nothing is left.
func (r *Retired) Done(x Retirement) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	for i, p := range r.pending {
		if p.ID == x.ID {
			r.pending = append(r.pending[:i], r.pending[i+1:]...)
			break
		}
	}
	if len(r.pending) == 0 {
		if err := r.f.Truncate(0); err != nil {
			return fmt.Errorf("retired: empty %s: %w", r.path, err)
		}
		return nil
	}
	line, _ := json.Marshal(retiredLine{Done: x.ID})
	if _, err := r.f.Write(append(line, '\n')); err != nil {
		return fmt.Errorf("retired: done %s: %w", x.ID, err)
	}
	return nil
}

// Close closes the file.
func (r *Retired) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.f.Close()
}

// retire records that e went out (or was rejected for good). When Redis cannot take the
// record and a Retired file is configured, the retirement is kept on disk and replayed
// (replayRetired) before this transport's outbox is recovered or read again, so the post
// is not sent twice; the error is then nil.
// The envelopes also went out merged into e's post and are retired with it.
func (b *Bot) retire(ctx context.Context, t string, e dispatch.Envelope, d dispatch.Delivery, also ...dispatch.Envelope) error {
	err := b.q.Delivered(ctx, t, b.opts.Instance, e, d, also...)
	if err == nil || b.opts.Retired == nil {
		return err
	}
	x := Retirement{Transport: t, Instance: b.opts.Instance, ID: e.ID, Raw: e.Raw, Delivery: d}
	for _, a := range also {
		x.Also = append(x.Also, a.Raw)
	}
	if jerr := b.opts.Retired.Add(x); jerr != nil {
		return errors.Join(err, jerr)
	}
	b.log.WarnContext(ctx, "post delivered; its retirement is kept in data_dir until redis takes it", "transport", t, "id", e.ID, "err", err)
	return nil
}

// replayRetired hands the kept retirements of transport t to Redis; it reports whether
// none is left.
func (b *Bot) replayRetired(ctx context.Context, t string) bool {
	if b.opts.Retired == nil {
		return true
	}
	for _, x := range b.opts.Retired.Pending(t) {
		e := dispatch.Envelope{ID: x.ID, Transport: x.Transport, Raw: x.Raw}
		var also []dispatch.Envelope
		for _, raw := range x.Also {
			also = append(also, dispatch.Envelope{Transport: x.Transport, Raw: raw})
		}
		if err := b.q.Delivered(ctx, x.Transport, x.Instance, e, x.Delivery, also...); err != nil {
			if ctx.Err() == nil {
				b.redisErr(ctx, "replay kept retirement", err, "transport", t, "id", x.ID)
			}
			return false
		}
		if err := b.opts.Retired.Done(x); err != nil {
			b.log.WarnContext(ctx, "retired: mark done", "id", x.ID, "err", err)
		}
	}
	return true
}
