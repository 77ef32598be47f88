package transfer

import (
	"context"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"orderbridge/internal/procountor/sandbox"
	"orderbridge/internal/store"
)

// TestScheduler runs auto mode with a short interval over a real history and
// the sandbox: with sending off it only imports; switched on, the next run
// sends what is ready; a poke runs at once.
func TestScheduler(t *testing.T) {
	f := newSendFixture(t, sandbox.Options{}, nil)
	e := f.engine(f.client, &plainBuilder{iban: f.iban}, nil)
	orders := numbered(6, "T-")

	var auto atomic.Bool // settings' transfer.auto_send, off by default
	var mu sync.Mutex
	var runs []Run
	imported := 0
	ran := make(chan struct{}, 100)
	s, err := NewScheduler(SchedulerOptions{
		Interval: 30 * time.Millisecond,
		Import: func(ctx context.Context) (Result, error) {
			// A source that has one new file each run, until it has none.
			mu.Lock()
			defer mu.Unlock()
			if imported >= 3 {
				return Result{}, nil
			}
			i := imported
			imported++
			return f.im.Import(ctx, Document{Name: fmt.Sprintf("auto-%d.csv", i), Data: []byte(fmt.Sprint("file ", i)),
				Source: store.SourceFolder}, orders[2*i:2*i+2])
		},
		AutoSend: auto.Load,
		Send:     func(ctx context.Context) (Summary, error) { return e.Send(ctx, nil) },
		Report: func(r Run) {
			mu.Lock()
			runs = append(runs, r)
			mu.Unlock()
			ran <- struct{}{}
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(f.ctx)
	done := make(chan error, 1)
	go func() { done <- s.Run(ctx) }()

	waitRuns := func(n int) {
		t.Helper()
		for range n {
			select {
			case <-ran:
			case <-time.After(10 * time.Second):
				t.Fatal("the scheduler did not run")
			}
		}
	}
	waitRuns(4) // three imports and one with nothing new
	counts, _ := f.s.Counts(f.ctx)
	if counts[store.StateReady] != 6 || f.srv.InvoiceCount() != 0 {
		t.Errorf("with auto send off: history %v, %d invoices; want 6 ready and none sent", counts, f.srv.InvoiceCount())
	}
	mu.Lock()
	for _, r := range runs {
		if r.Sent != nil || r.ImportErr != nil {
			t.Errorf("run %+v with auto send off: want an import only, without error", r)
		}
	}
	mu.Unlock()

	auto.Store(true)
	s.Poke()
	waitRuns(2)
	cancel()
	if err := <-done; err != context.Canceled {
		t.Errorf("Run() = %v, want context.Canceled", err)
	}
	f.exactlyOnce(orders, len(orders))
	mu.Lock()
	defer mu.Unlock()
	sent := 0
	for _, r := range runs {
		if r.Sent != nil {
			sent += r.Sent.Sent
			if r.SendErr != nil {
				t.Errorf("run %+v: send failed", r)
			}
		}
	}
	if sent != len(orders) {
		t.Errorf("the runs' summaries count %d sent, want %d", sent, len(orders))
	}
}

func TestNewSchedulerRefuses(t *testing.T) {
	send := func(context.Context) (Summary, error) { return Summary{}, nil }
	imp := func(context.Context) (Result, error) { return Result{}, nil }
	for _, tc := range []struct {
		name string
		opts SchedulerOptions
	}{
		{"no send", SchedulerOptions{Import: imp}},
		{"negative interval", SchedulerOptions{Import: imp, Send: send, Interval: -time.Second}},
	} {
		if _, err := NewScheduler(tc.opts); err == nil {
			t.Errorf("NewScheduler(%s) = nil error, want a refusal", tc.name)
		}
	}
}

// TestSchedulerRunsAgainForWaitingOrders: a run that left orders waiting
// behind a retry time is followed by a run at that time, with no interval
// and no poke.
func TestSchedulerRunsAgainForWaitingOrders(t *testing.T) {
	var sends atomic.Int32
	ran := make(chan Run, 10)
	s, err := NewScheduler(SchedulerOptions{
		Import:   func(context.Context) (Result, error) { return Result{}, nil },
		AutoSend: func() bool { return true },
		Send: func(context.Context) (Summary, error) {
			if sends.Add(1) == 1 {
				return Summary{Waiting: 7, NextRetry: time.Now().Add(50 * time.Millisecond)}, nil
			}
			return Summary{Sent: 7}, nil
		},
		Report:       func(r Run) { ran <- r },
		MinRetryWait: 10 * time.Millisecond,
	})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go func() { _ = s.Run(ctx) }()
	for i := range 2 {
		select {
		case r := <-ran:
			if i == 1 && (r.Sent == nil || r.Sent.Sent != 7) {
				t.Fatalf("second run = %+v; want the 7 waiting orders sent", r)
			}
		case <-time.After(5 * time.Second):
			t.Fatalf("run %d did not come; want one at the waiting orders' retry time", i+1)
		}
	}
	select {
	case r := <-ran:
		t.Fatalf("a third run %+v with nothing waiting, no interval and no poke", r)
	case <-time.After(100 * time.Millisecond):
	}
}
