// Package source holds what every order source (the watched folder, the
// mailbox) shares: the state it is in, said so that the window, the tray and
// `orderbridge watch` can show it in plain words. The sources themselves are
// source/folder and source/mailbox; source/live runs them.
package source

import (
	"fmt"
	"time"
)

// Kind names a source.
type Kind string

// The sources there are.
const (
	Folder  Kind = "folder"
	Mailbox Kind = "mailbox"
)

// Condition is what a source is doing.
type Condition string

const (
	// Starting: the source is being set up (the folder looked at, the mailbox
	// connected for the first time).
	Starting Condition = "starting"
	// Watching: new files and mails are picked up as they arrive.
	Watching Condition = "watching"
	// Retrying: the source cannot be used right now (the server cannot be
	// reached, the folder is read-only …) and is tried again at Retry.
	Retrying Condition = "retrying"
	// Stopped: the source does not run (its settings are wrong, or the app is
	// quitting); Reason says why.
	Stopped Condition = "stopped"
)

// State is one source's state at a moment.
type State struct {
	Kind      Kind
	Name      string // the folder's path, or the mailbox's user@host
	Condition Condition
	// Reason is why the source is retrying or stopped; nil otherwise.
	Reason error
	// Retry is when a retrying source tries again.
	Retry time.Time
	Since time.Time
}

// RetryIn is how long until a retrying source tries again, rounded up to a
// whole second; 0 when it does not wait.
func (s State) RetryIn(now time.Time) time.Duration {
	if s.Condition != Retrying || s.Retry.IsZero() {
		return 0
	}
	d := s.Retry.Sub(now)
	if d <= 0 {
		return 0
	}
	return d.Truncate(time.Second) + time.Second*time.Duration(min(1, d%time.Second))
}

// String is the state in English, for logs and `orderbridge watch`.
func (s State) String() string {
	switch s.Condition {
	case Retrying:
		return fmt.Sprintf("%s %s: trying again in %s: %v", s.Kind, s.Name, s.RetryIn(time.Now()), s.Reason)
	case Stopped:
		if s.Reason != nil {
			return fmt.Sprintf("%s %s: stopped: %v", s.Kind, s.Name, s.Reason)
		}
		return fmt.Sprintf("%s %s: stopped", s.Kind, s.Name)
	}
	return fmt.Sprintf("%s %s: %s", s.Kind, s.Name, s.Condition)
}
