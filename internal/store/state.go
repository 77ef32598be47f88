package store

import "fmt"

// State is where an order is on its way to an invoice.
type State string

const (
	StateNew            State = "new"             // just arrived; import moves it on at once
	StateReady          State = "ready"           // will be sent
	StateNeedsAttention State = "needs_attention" // the user must fix or choose something
	StateSending        State = "sending"         // claimed; a call to Procountor may be in flight
	StateSent           State = "sent"            // has its invoice; final
	StateFailed         State = "failed"          // gave up; the user may move it back to ready
	StateSkipped        State = "skipped"         // must not be invoiced (cancelled, or the user said so)
)

// States lists every state, in the order the UI shows them.
var States = []State{StateNew, StateReady, StateNeedsAttention, StateSending, StateSent, StateFailed, StateSkipped}

// ParseState reads a state name as the CLI and the UI spell it.
func ParseState(s string) (State, error) {
	for _, st := range States {
		if string(st) == s {
			return st, nil
		}
	}
	return "", fmt.Errorf("store: unknown state %q (want one of new, ready, needs_attention, sending, sent, failed, skipped)", s)
}

// transitions is the one list of allowed state changes. Sent is final: an
// order that has its invoice never goes anywhere else, so it cannot be
// invoiced twice by moving it back. Sending leaves only through a recorded
// outcome of the call (sent, needs attention, a later retry, failed).
var transitions = map[State][]State{
	StateNew:            {StateReady, StateNeedsAttention, StateSkipped},
	StateReady:          {StateSending, StateNeedsAttention, StateSkipped},
	StateNeedsAttention: {StateReady, StateSkipped},
	StateSending:        {StateSent, StateNeedsAttention, StateReady, StateFailed},
	StateFailed:         {StateReady, StateNeedsAttention, StateSkipped},
	StateSkipped:        {StateReady, StateNeedsAttention},
}

// CanMove reports whether an order may go from one state to another.
func CanMove(from, to State) bool {
	for _, s := range transitions[from] {
		if s == to {
			return true
		}
	}
	return false
}

func checkMove(from, to State) error {
	if !CanMove(from, to) {
		return fmt.Errorf("%w: %s → %s", ErrNotAllowed, from, to)
	}
	return nil
}
