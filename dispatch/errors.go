package dispatch

import "errors"

// ErrNotFound is returned (wrapped) by stores when a task, report or member does not exist.
var ErrNotFound = errors.New("not found")

// ErrConflict is returned (wrapped) by stores when a change does not fit the current state.
var ErrConflict = errors.New("conflict")

// Refusal is a refusal that is safe to show the speaker: a malformed command, a missing
// permission, an unknown id. Handle turns it into a reply and changes nothing.
type Refusal struct {
	Text string
}

func (r *Refusal) Error() string { return r.Text }

// refuse builds a Refusal.
func refuse(text string) error { return &Refusal{Text: text} }
