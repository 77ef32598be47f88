package transfer

import (
	"context"
	"errors"
	"time"
)

// Scheduler is auto mode: every Interval, or at once when poked, it imports
// from the configured sources (when Import is set; live sources import by
// themselves and poke it instead) and then, when the user has switched
// automatic sending on, sends what is ready. The app starts it; nothing is sent unless
// AutoSend says so (settings' transfer.auto_send, off by default).
type Scheduler struct {
	opts SchedulerOptions
	poke chan struct{}
}

// SchedulerOptions configure a Scheduler. Send is required.
type SchedulerOptions struct {
	// Interval between runs; 0 means only when poked.
	Interval time.Duration
	// Import reads the configured sources (folder, mailbox) into the
	// history; nil when they run by themselves.
	Import func(ctx context.Context) (Result, error)
	// AutoSend is read before every run, so that switching it off takes
	// effect at once; nil means never send.
	AutoSend func() bool
	// Send runs one batch: Batches.Run, so that the window and the tray see it.
	Send func(ctx context.Context) (Summary, error)
	// Report gets every run's outcome; nil means none.
	Report func(Run)
	// MinRetryWait is the shortest wait before a run for orders left waiting
	// (see Run): it keeps orders that may go at once (a batch limit reached,
	// a send that failed before taking them) from making a busy loop.
	// 0 means 5 s.
	MinRetryWait time.Duration
}

// Run is what one scheduled run did.
type Run struct {
	At        time.Time
	Imported  Result
	ImportErr error
	Sent      *Summary // nil when sending was off
	SendErr   error
}

// NewScheduler checks opts.
func NewScheduler(opts SchedulerOptions) (*Scheduler, error) {
	if opts.Send == nil {
		return nil, errors.New("transfer: the scheduler needs a send")
	}
	if opts.Interval < 0 {
		return nil, errors.New("transfer: the scheduler's interval must not be negative")
	}
	if opts.MinRetryWait <= 0 {
		opts.MinRetryWait = 5 * time.Second
	}
	return &Scheduler{opts: opts, poke: make(chan struct{}, 1)}, nil
}

// Poke asks for a run as soon as the current one (if any) ends. Pokes that
// come while one is waiting are merged.
func (s *Scheduler) Poke() {
	select {
	case s.poke <- struct{}{}:
	default:
	}
}

// Run runs until ctx ends, then returns ctx's error. The first run is at once.
// A run that left orders waiting behind a retry time (Summary.Waiting) is
// followed by one at that time too, so that they do not wait for the next
// Interval, or for ever when it is 0.
func (s *Scheduler) Run(ctx context.Context) error {
	var tick <-chan time.Time
	if s.opts.Interval > 0 {
		t := time.NewTicker(s.opts.Interval)
		defer t.Stop()
		tick = t.C
	}
	for {
		r := s.once(ctx)
		retry := time.NewTimer(time.Hour)
		retry.Stop()
		if r.Sent != nil && r.Sent.Waiting > 0 && !r.Sent.NextRetry.IsZero() {
			retry.Reset(max(time.Until(r.Sent.NextRetry), s.opts.MinRetryWait))
		}
		select {
		case <-ctx.Done():
			retry.Stop()
			return ctx.Err()
		case <-tick:
		case <-retry.C:
		case <-s.poke:
		}
		retry.Stop()
	}
}

func (s *Scheduler) once(ctx context.Context) Run {
	if ctx.Err() != nil {
		return Run{}
	}
	r := Run{At: time.Now()}
	if s.opts.Import != nil {
		r.Imported, r.ImportErr = s.opts.Import(ctx)
	}
	// A failed import does not hold back what is already ready.
	if s.opts.AutoSend != nil && s.opts.AutoSend() && ctx.Err() == nil {
		sum, err := s.opts.Send(ctx)
		r.Sent, r.SendErr = &sum, err
	}
	if s.opts.Report != nil {
		s.opts.Report(r)
	}
	return r
}
