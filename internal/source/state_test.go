package source

import (
	"errors"
	"testing"
	"time"
)

func TestRetryInRoundsUp(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 12, 4, 12, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		state State
		want  time.Duration
	}{
		{State{Condition: Retrying, Retry: now.Add(29*time.Second + 100*time.Millisecond)}, 30 * time.Second},
		{State{Condition: Retrying, Retry: now.Add(30 * time.Second)}, 30 * time.Second},
		{State{Condition: Retrying, Retry: now.Add(-time.Second)}, 0},
		{State{Condition: Watching, Retry: now.Add(time.Minute)}, 0},
	} {
		if got := tc.state.RetryIn(now); got != tc.want {
			t.Errorf("RetryIn(%v) = %v, want %v", tc.state.Retry.Sub(now), got, tc.want)
		}
	}
}

func TestStringSaysWhy(t *testing.T) {
	t.Parallel()
	s := State{Kind: Mailbox, Name: "kauppa@mail.example", Condition: Stopped, Reason: errors.New("no password saved")}
	if got, want := s.String(), "mailbox kauppa@mail.example: stopped: no password saved"; got != want {
		t.Errorf("String() = %q, want %q", got, want)
	}
}
