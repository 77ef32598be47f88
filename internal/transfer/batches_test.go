package transfer

import (
	"errors"
	"sync"
	"testing"
	"time"

	"orderbridge/internal/procountor/sandbox"
)

// TestBatchesOneAtATime: a second start while a batch runs starts nothing,
// a soft stop lets the order in flight finish, every subscriber sees the
// batch from start to end, and Last keeps its outcome; the next batch sends
// the rest exactly once.
func TestBatchesOneAtATime(t *testing.T) {
	f := newSendFixture(t, sandbox.Options{Latency: 30 * time.Millisecond}, nil)
	orders := numbered(10, "B-")
	f.importOrders("batch.csv", orders...)
	e := f.engine(f.client, &plainBuilder{iban: f.iban}, nil)
	b := NewBatches(e.SendUntil, nil)
	if _, ok := b.Last(); ok {
		t.Fatal("Last() before any batch: ok, want none")
	}

	var mu sync.Mutex
	var events []string
	finished := 0
	stopped := make(chan struct{})
	b.Subscribe(func(ev BatchEvent) {
		mu.Lock()
		defer mu.Unlock()
		switch {
		case ev.Started:
			events = append(events, "started")
		case ev.Ended != nil:
			events = append(events, "ended")
		case ev.Progress.Outcome != "":
			finished++
			if finished == 2 {
				close(stopped)
			}
		}
	})
	done, started := b.Start(f.ctx)
	if !started {
		t.Fatal("Start() did not start the first batch")
	}
	<-stopped
	if again, ok := b.Start(f.ctx); ok || again != done {
		t.Errorf("Start() while a batch runs: started %v, want false and the running batch's done", ok)
	}
	if !b.Running() {
		t.Error("Running() = false while the batch runs")
	}
	<-b.Stop()
	end, ok := b.Last()
	if !ok || !errors.Is(end.Err, ErrStopped) || end.Summary.Skipped == 0 || end.Summary.InDoubt != 0 {
		t.Fatalf("Last() after a soft stop = %+v, %v; want ErrStopped with orders left ready and none in doubt", end, ok)
	}
	mu.Lock()
	if len(events) != 2 || events[0] != "started" || events[1] != "ended" {
		t.Errorf("subscriber saw %v, want [started ended]", events)
	}
	mu.Unlock()

	sum, err := b.Run(f.ctx)
	if err != nil || sum.Sent != end.Summary.Skipped {
		t.Errorf("Run() = %+v, %v; want the %d orders left sent", sum, err, end.Summary.Skipped)
	}
	f.exactlyOnce(orders, len(orders))

	b.SetPaused(true)
	if !b.Paused() {
		t.Error("Paused() = false after SetPaused(true)")
	}
}
